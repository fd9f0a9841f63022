"""Governance as the chain had it before dynamic TAO (BITTENSOR_FACTS A6, docs/governance.md).

A triumvirate (3 coldkeys) proposes changes to the subnet's hyperparameters; a senate votes, one vote per
member. The senate is recomputed from stake every time it is needed: the delegate hotkeys with the most
stake (at most ``senate_size``), each holding at least ``senate_required_share`` of all stake. So
delegators shape it through whom they stake with, and a senator that drops out loses its votes on open
proposals (as the chain's ``remove_votes`` did). A proposal passes when more than half of the senate
votes aye within ``voting_period`` blocks, and takes effect ``enactment_delay`` blocks later through
``Subnet.set_hyperparameters`` (validated again then).

Non-player senators vote by a deterministic policy, each after its own delay:

- ``self_interest`` (default): aye when the change raises its expected dividend share or its take limit
  (``max_take``) and lowers neither; nay otherwise (also when the change does not concern it: status
  quo). The expected share comes from a preview epoch on the current weights, bonds and stake, with
  validator permits as each parameter set would give them.
- ``always_yes`` / ``always_no``: follows the triumvirate / resists every change.

Refusals raise ``ValueError`` with the reason and change nothing. Fees: the world charges the player's
transactions; the non-player transactions made here (scheduled proposals, senators' votes) pay
``fee_rao`` themselves and are skipped when their coldkey cannot pay.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from taosandbox.chain.errors import ChainError
from taosandbox.chain.fees import cannot_pay
from taosandbox.chain.hyperparams import Hyperparameters, validate
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import tao_to_rao, u16_to_float
from taosandbox.chain.yuma import EpochInputs, topk_permits, run_epoch
from taosandbox.chain.events import Event
from taosandbox.spelling import did_you_mean

POLICIES = ("self_interest", "always_yes", "always_no")
"""How a non-player senator votes (taosandbox/chain/governance.py, docs/governance.md)."""


@dataclass(frozen=True)
class GovernanceConfig:
    """The 2024 council: a triumvirate proposes, a senate of top delegates votes (docs/governance.md)."""

    enabled: bool = True
    triumvirate: tuple[str, ...] = ("triumvirate-1", "triumvirate-2", "triumvirate-3")
    """Coldkeys that may propose (the chain had 3 Opentensor Foundation members)."""
    triumvirate_balance_tao: float = 1.0
    """Free TAO each non-player triumvirate coldkey starts with (to pay proposal fees)."""
    player_in_triumvirate: bool = False
    """The player's coldkey takes the last triumvirate seat and may propose."""
    senate_size: int = 12
    """At most this many senators: the delegate hotkeys with the most stake."""
    senate_required_share: float = 0.01
    """A senator needs at least this share of all stake (code: 1%; docs said 2%)."""
    voting_period: int = 360
    """Blocks a proposal stays open for votes (the chain: 12 hours = 3600 blocks)."""
    enactment_delay: int = 50
    """Blocks between passing and taking effect."""
    max_open_proposals: int = 10
    default_policy: str = "self_interest"
    """How non-player senators vote: one of POLICIES."""
    policies: dict = field(default_factory=dict)
    """hotkey -> policy, overriding default_policy for that senator."""
    schedule: tuple[dict, ...] = ()
    """Proposals the non-player triumvirate makes: {block, changes: {name: value}, title}."""



def proposal_problems(changes: dict[str, Any], hp: Hyperparameters) -> list[str]:
    """What is wrong with changing ``hp`` by ``changes`` ('name: why' lines; [] when it is valid).

    Checks names, types and RANGES / rule violations (``validate``); the subnet checks the rest."""
    names = [f.name for f in fields(Hyperparameters)]
    unknown = [f"{k}: not a hyperparameter{did_you_mean(str(k), names)}" for k in changes if k not in names]
    if unknown:
        return unknown
    probe = object.__new__(Hyperparameters)
    for f in fields(Hyperparameters):
        object.__setattr__(probe, f.name, changes.get(f.name, getattr(hp, f.name)))
    return validate(probe)


STATUSES = ("open", "passed", "rejected", "enacted")
"""open: taking votes; passed: waiting for its enactment block; rejected and enacted are final."""


@dataclass
class Proposal:
    """One motion of the triumvirate and the senate's votes on it."""

    id: int
    proposer: str
    """Coldkey of the triumvirate member who proposed it."""
    title: str
    changes: dict[str, Any]
    """hyperparameter -> proposed value."""
    before: dict[str, Any]
    """hyperparameter -> value when proposed."""
    proposed_block: int
    ends_block: int
    """Last block at which votes count."""
    status: str = "open"
    votes: dict[str, bool] = field(default_factory=dict)
    """senator hotkey -> aye (True) or nay (False)."""
    enact_block: int | None = None
    closed_block: int | None = None
    reason: str = ""
    """Why it was rejected, or what the vote was."""

    def describe_changes(self) -> str:
        return ", ".join(f"{k} {self.before[k]} → {v}" for k, v in self.changes.items())


class Governance:
    """Proposals, the senate and its votes for one subnet (see the module docstring)."""

    def __init__(self, subnet: Subnet, config: GovernanceConfig, *, player_coldkey: str, fee_rao: int = 0):
        self.subnet = subnet
        self.config = config
        self.player = player_coldkey
        self.fee_rao = fee_rao
        seats = list(config.triumvirate) if config.enabled else []
        if config.enabled and config.player_in_triumvirate and player_coldkey not in seats:
            seats[-1:] = [player_coldkey]
        self.triumvirate: tuple[str, ...] = tuple(seats)
        for coldkey in seats:
            if coldkey not in subnet.ledger.free:
                subnet.ledger.create_coldkey(coldkey, tao_to_rao(config.triumvirate_balance_tao))
        self.proposals: list[Proposal] = []
        self._schedule = sorted(config.schedule, key=lambda item: item["block"])
        self._next_scheduled = 0
        self._preview: tuple[tuple[int, int], tuple[Any, Any]] | None = None

    # ------------------------------------------------------------------ queries
    def senate(self) -> list[str]:
        """Senator hotkeys, most stake first (ties by name): top ``senate_size`` with the required share."""
        ledger, cfg = self.subnet.ledger, self.config
        total = sum(ledger.hotkey_stake.values())
        if not cfg.enabled or total <= 0:
            return []
        need = cfg.senate_required_share * total
        members = [(stake, hk) for hk, stake in ledger.hotkey_stake.items()
                   if stake > 0 and stake >= need and self.subnet.uid(hk) is not None]
        members.sort(key=lambda m: (-m[0], m[1]))
        return [hk for _stake, hk in members[: cfg.senate_size]]

    def open_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.status == "open"]

    def proposal(self, proposal_id: Any) -> Proposal:
        if isinstance(proposal_id, bool) or not isinstance(proposal_id, int):
            raise ValueError(f"proposal must be a proposal number, got {proposal_id!r}")
        for p in self.proposals:
            if p.id == proposal_id:
                return p
        known = ", ".join(f"#{p.id}" for p in self.proposals) or "none yet"
        raise ValueError(f"there is no proposal #{proposal_id} (proposals: {known})")

    def player_senators(self) -> list[str]:
        return [hk for hk in self.senate() if self.subnet.ledger.owner.get(hk) == self.player]

    # ------------------------------------------------------------------ transactions
    def propose(self, coldkey: str, changes: Any, title: str = "") -> Proposal:
        """A triumvirate member proposes ``changes``; ValueError (nothing changed) if refused."""
        cfg, hp = self.config, self.subnet.hp
        if not cfg.enabled:
            raise ValueError("governance is switched off in this scenario")
        if coldkey not in self.triumvirate:
            raise ValueError(f"only the triumvirate may propose ({', '.join(self.triumvirate)}); "
                             f"{coldkey} is not a member")
        if not isinstance(changes, dict) or not changes:
            raise ValueError("a proposal changes at least one hyperparameter: give {name: new value}")
        if len(self.open_proposals()) >= cfg.max_open_proposals:
            raise ValueError(f"at most {cfg.max_open_proposals} proposals may be open at once")
        reason = self.change_problem(changes)
        if reason:
            raise ValueError(reason)
        same = [k for k, v in changes.items() if getattr(hp, k) == v]
        if same:
            raise ValueError(f"{same[0]} is already {getattr(hp, same[0])}: propose a different value")
        block = self.subnet.block
        p = Proposal(id=len(self.proposals) + 1, proposer=coldkey, title=str(title or ""),
                     changes=dict(changes), before={k: getattr(hp, k) for k in changes},
                     proposed_block=block, ends_block=block + cfg.voting_period)
        self.proposals.append(p)
        self._emit(block, "proposed",
                   f"Proposal #{p.id} by {coldkey}: {p.describe_changes()}"
                   f"{' (' + p.title + ')' if p.title else ''}; the senate votes until block {p.ends_block}",
                   p, coldkey=coldkey)
        return p

    def change_problem(self, changes: dict[str, Any]) -> str | None:
        """Why ``changes`` cannot be applied to the subnet now (ranges, rules, capacity), or None."""
        problems = proposal_problems(changes, self.subnet.hp)
        if problems:
            # A rule broken by a field not in the proposal (max_take below default_take...): say which to add.
            return "; ".join(line if line.partition(":")[0] in changes
                             else f"{line} (propose a new {line.partition(':')[0]} too)" for line in problems)
        uids = changes.get("max_allowed_uids")
        if uids is not None:
            if uids > self.subnet.metagraph.capacity:
                return f"max_allowed_uids: can grow to at most {self.subnet.metagraph.capacity} here"
            if uids < self.subnet.n:
                return f"max_allowed_uids: cannot drop below the {self.subnet.n} registered uids"
        return None

    def vote(self, coldkey: str, hotkey: str, proposal_id: int, aye: Any) -> Proposal:
        """Senator ``hotkey`` (owned by ``coldkey``) votes once on an open proposal; ValueError if refused."""
        if not isinstance(aye, bool):
            raise ValueError(f"aye must be true or false, got {aye!r}")
        p = self.proposal(proposal_id)
        if p.status != "open":
            raise ValueError(f"proposal #{p.id} is {p.status}: voting is over")
        if self.subnet.ledger.owner.get(hotkey) != coldkey:
            raise ValueError(f"{coldkey} does not own hotkey {hotkey or '(none)'}")
        senate = self.senate()
        if hotkey not in senate:
            raise ValueError(f"{hotkey} is not in the senate (members: {', '.join(senate) or 'none'}); "
                             f"a senator needs {self.config.senate_required_share:.0%} of all stake "
                             f"and a top-{self.config.senate_size} place")
        if hotkey in p.votes:
            raise ValueError(f"{hotkey} already voted {'aye' if p.votes[hotkey] else 'nay'} on "
                             f"proposal #{p.id}; each senator votes once")
        self._record_vote(p, hotkey, aye, coldkey, "")
        self._tally(p, senate, self.subnet.block)
        return p

    # ------------------------------------------------------------------ block hooks
    def begin_block(self, block: int) -> None:
        """Before the chain's block step (the chain's scheduler runs first): enact what is due."""
        for p in self.proposals:
            if p.status == "passed" and p.enact_block is not None and p.enact_block <= block:
                self._enact(p, block)

    def end_block(self, block: int) -> None:
        """After the agents' extrinsics: scheduled proposals, senators' votes, tallies and expiries."""
        if not self.config.enabled:
            return
        while self._next_scheduled < len(self._schedule) and self._schedule[self._next_scheduled]["block"] <= block:
            self._scheduled_proposal(self._schedule[self._next_scheduled], block)
            self._next_scheduled += 1
        open_ = self.open_proposals()
        if not open_:
            return
        senate = self.senate()
        members = set(senate)
        for p in open_:
            for hotkey in [hk for hk in p.votes if hk not in members]:
                del p.votes[hotkey]
                self._emit(block, "voted", f"{hotkey} left the senate: its vote on proposal #{p.id} "
                                           f"no longer counts", p, hotkey=hotkey, removed=True)
            self._npc_votes(p, senate, block)
            self._tally(p, senate, block)

    # ------------------------------------------------------------------ internals
    def _scheduled_proposal(self, item: dict[str, Any], block: int) -> None:
        others = [ck for ck in self.triumvirate if ck != self.player]
        if not others:
            return
        proposer = others[0]
        fee = self.fee_rao
        reason = cannot_pay(self.subnet.ledger, proposer, fee)
        if reason is None:
            try:
                self.propose(proposer, dict(item["changes"]), item.get("title", ""))
            except ValueError as exc:
                reason = str(exc)
            else:
                if fee:
                    self.subnet.ledger.pay_fee(proposer, fee)
                return
        self.subnet.events.append(Event(block, "proposal", f"{proposer} could not propose "
                                        f"{item['changes']}: {reason}",
                                        {"stage": "rejected", "coldkey": proposer, "reason": reason}))

    def _npc_votes(self, p: Proposal, senate: list[str], block: int) -> None:
        ledger, fee = self.subnet.ledger, self.fee_rao
        for hotkey in senate:
            coldkey = ledger.owner[hotkey]
            if hotkey in p.votes or coldkey == self.player:
                continue
            if block < p.proposed_block + self._delay(hotkey, p.id):
                continue
            if cannot_pay(ledger, coldkey, fee):
                continue  # can't pay the fee: it tries again next block
            aye, why = self._decide(hotkey, p, block)
            if fee:
                ledger.pay_fee(coldkey, fee)
            self._record_vote(p, hotkey, aye, coldkey, why)

    def _delay(self, hotkey: str, proposal_id: int) -> int:
        """Blocks after the proposal at which a non-player senator votes (stable, spread over half the period)."""
        spread = max(1, self.config.voting_period // 2)
        return 1 + zlib.crc32(f"{hotkey}:{proposal_id}".encode()) % spread

    def _decide(self, hotkey: str, p: Proposal, block: int) -> tuple[bool, str]:
        policy = self.config.policies.get(hotkey, self.config.default_policy)
        if policy == "always_yes":
            return True, "always follows the triumvirate"
        if policy == "always_no":
            return False, "resists every change"
        before, after = self._dividend_preview(p, block)
        uid = self.subnet.uid(hotkey)
        d0 = float(before[uid]) if before is not None and uid is not None else 0.0
        d1 = float(after[uid]) if after is not None and uid is not None else 0.0
        t0 = self.subnet.hp.max_take
        t1 = p.changes.get("max_take", t0)
        gains, losses = [], []
        if d1 > d0 + 1e-9:
            gains.append(f"its dividend share rises {d0:.2%} → {d1:.2%}")
        elif d1 < d0 - 1e-9:
            losses.append(f"its dividend share falls {d0:.2%} → {d1:.2%}")
        if t1 > t0:
            gains.append(f"its take limit rises {u16_to_float(t0):.1%} → {u16_to_float(t1):.1%}")
        elif t1 < t0:
            losses.append(f"its take limit falls {u16_to_float(t0):.1%} → {u16_to_float(t1):.1%}")
        if gains and not losses:
            return True, "; ".join(gains)
        return False, "; ".join(losses) or "nothing in it for its returns"

    def _dividend_preview(self, p: Proposal, block: int) -> tuple[Any, Any]:
        """Dividend shares per uid under the current and the proposed parameters (cached per block)."""
        key = (p.id, block)
        if self._preview is None or self._preview[0] != key:
            hp = self.subnet.hp
            try:
                new = hp.replace(**p.changes)
            except (TypeError, ValueError):
                new = hp
            self._preview = (key, (self._dividends(hp), self._dividends(new)))
        return self._preview[1]

    def _dividends(self, hp: Hyperparameters) -> np.ndarray | None:
        sub, mg, n = self.subnet, self.subnet.metagraph, self.subnet.n
        if n == 0:
            return None
        stake = sub.stake_vector()
        inputs = EpochInputs(
            current_block=sub.block, stake=stake,
            validator_permit=topk_permits(stake, hp.max_allowed_validators,
                                           nonzero_only=hp.mechanism == "yuma3_2026"),
            weights=mg.weights[:n, :n].copy(), bonds=mg.bonds[:n, :n].copy(),
            last_update=mg.last_update[:n].copy(), block_at_registration=mg.registered_block[:n].copy(),
            rao_emission=1_000_000_000, owner_uid=None, last_epoch_block=sub.last_epoch_block,
        )
        try:
            return np.asarray(run_epoch(inputs, hp).dividends, dtype=np.float64)
        except ValueError:
            return None

    def _record_vote(self, p: Proposal, hotkey: str, aye: bool, coldkey: str, why: str) -> None:
        p.votes[hotkey] = aye
        ayes = sum(p.votes.values())
        self._emit(self.subnet.block, "voted",
                   f"{hotkey} voted {'aye' if aye else 'nay'} on proposal #{p.id}"
                   f"{': ' + why if why else ''} ({ayes} aye, {len(p.votes) - ayes} nay)",
                   p, hotkey=hotkey, coldkey=coldkey, aye=aye, why=why)

    def _tally(self, p: Proposal, senate: list[str], block: int) -> None:
        if p.status != "open":
            return
        members = set(senate)
        size = len(senate)
        need = size // 2 + 1
        ayes = sum(1 for hk, v in p.votes.items() if v and hk in members)
        nays = sum(1 for hk, v in p.votes.items() if not v and hk in members)
        if size and ayes >= need:
            p.status, p.closed_block = "passed", block
            p.enact_block = block + self.config.enactment_delay
            p.reason = f"{ayes} of {size} senators voted aye"
            self._emit(block, "passed", f"Proposal #{p.id} passed ({p.reason}): {p.describe_changes()} "
                                        f"takes effect at block {p.enact_block}", p,
                       coldkey=p.proposer, ayes=ayes, nays=nays, senate_size=size)
        elif (size and size - nays < need) or block >= p.ends_block:
            p.status, p.closed_block = "rejected", block
            p.reason = (f"{nays} of {size} senators voted nay: a majority of {need} is out of reach"
                        if size and size - nays < need else
                        f"the voting period ended with {ayes} aye of the {need} needed")
            self._emit(block, "rejected", f"Proposal #{p.id} was rejected: {p.reason}", p,
                       coldkey=p.proposer, ayes=ayes, nays=nays, senate_size=size)

    def _enact(self, p: Proposal, block: int) -> None:
        reason = self.change_problem(p.changes)
        if reason is None:
            try:
                self.subnet.set_hyperparameters(self.subnet.hp.replace(**p.changes))
            except (ChainError, ValueError) as exc:
                reason = str(exc)
        p.closed_block = block
        if reason is not None:
            p.status, p.reason = "rejected", f"could not be enacted: {reason}"
            self._emit(block, "rejected", f"Proposal #{p.id} {p.reason}", p, coldkey=p.proposer)
            return
        p.status = "enacted"
        self._emit(block, "enacted", f"Proposal #{p.id} enacted: {p.describe_changes()}", p,
                   coldkey=p.proposer)

    def _emit(self, block: int, stage: str, text: str, p: Proposal, **data: Any) -> None:
        self.subnet.events.append(Event(block, "proposal", text,
                                        {"stage": stage, "proposal": p.id, "changes": dict(p.changes),
                                         **data}))

    # ------------------------------------------------------------------ views
    def view(self) -> dict[str, Any]:
        """Plain data for ``Snapshot.extra["governance"]`` (the UI contract; docs/governance.md)."""
        cfg, ledger, block = self.config, self.subnet.ledger, self.subnet.block
        senate = self.senate()
        total = sum(ledger.hotkey_stake.values())
        rows = [{"hotkey": hk, "coldkey": ledger.owner.get(hk, ""), "uid": self.subnet.uid(hk),
                 "stake_rao": int(ledger.hotkey_stake.get(hk, 0)),
                 "share": ledger.hotkey_stake.get(hk, 0) / total if total else 0.0,
                 "policy": ("player" if ledger.owner.get(hk) == self.player
                            else cfg.policies.get(hk, cfg.default_policy)),
                 "is_player": ledger.owner.get(hk) == self.player} for hk in senate]
        mine = [r["hotkey"] for r in rows if r["is_player"]]
        shown = self.open_proposals() + [p for p in reversed(self.proposals) if p.status != "open"][:10]
        proposals = []
        for p in shown:
            ayes = sorted(hk for hk, v in p.votes.items() if v)
            nays = sorted(hk for hk, v in p.votes.items() if not v)
            proposals.append({
                "id": p.id, "title": p.title, "proposer": p.proposer, "status": p.status,
                "changes": {k: [p.before[k], v] for k, v in p.changes.items()},
                "proposed_block": p.proposed_block, "ends_block": p.ends_block,
                "blocks_left": max(0, p.ends_block - block) if p.status == "open" else 0,
                "enact_block": p.enact_block,
                "blocks_to_enact": max(0, p.enact_block - block) if p.status == "passed" else None,
                "ayes": ayes, "nays": nays, "reason": p.reason,
                "player_votes": {hk: p.votes[hk] for hk in mine if hk in p.votes},
                "player_may_vote": p.status == "open" and any(hk not in p.votes for hk in mine),
            })
        return {
            "enabled": cfg.enabled, "block": block, "triumvirate": list(self.triumvirate),
            "senate": rows, "senate_size": len(senate), "majority": len(senate) // 2 + 1,
            "max_senate_size": cfg.senate_size, "required_share": cfg.senate_required_share,
            "voting_period": cfg.voting_period, "enactment_delay": cfg.enactment_delay,
            "fee_rao": self.fee_rao, "proposals": proposals,
            "player": {"can_propose": cfg.enabled and self.player in self.triumvirate,
                       "senate_hotkeys": mine, "can_vote": bool(mine)},
        }

    def digest(self) -> bytes:
        """Everything here that shapes the future, for ``World.state_hash``."""
        return repr([(p.id, p.proposer, sorted(p.changes.items()), p.proposed_block, p.ends_block, p.status,
                      sorted(p.votes.items()), p.enact_block) for p in self.proposals]
                    + [self._next_scheduled]).encode()
