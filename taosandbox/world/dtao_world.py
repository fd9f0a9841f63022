"""A dynamic-TAO world: root and N subnets, each with its own pool, metagraph, Yuma 3 and miners.

The chain rules are ``taosandbox.chain.dtao`` (pools, swaps, the coinbase); each subnet's epoch is the
shared ``chain.yuma.run_epoch`` with ``mechanism="yuma3_2026"`` (``Yuma3On`` per subnet) on the stake
the chain gives Yuma: alpha + TaoWeight × root stake. Miners are a light synthetic market (a hidden
quality per miner, scored with noise by validators); see ``SANDBOX_OVERRIDES``.

Deterministic: the same scenario and the same actions give the same ``state_hash``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from taosandbox.chain.dtao import coinbase, fixed, staking
from taosandbox.chain.dtao.shares import moving_price, share_rule
from taosandbox.chain.dtao.state import ROOT, U64_MAX, DtaoState
from taosandbox.chain.emission import block_emission, next_halving_threshold
from taosandbox.chain.errors import ChainError
from taosandbox.chain.events import Event
from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.units import RAO_PER_TAO, tao_to_rao
from taosandbox.chain.yuma import EpochInputs, run_epoch
from taosandbox.world.dtao_scenario import DtaoScenario

OUTSIDE = "(outside)"
"""Holds the TAO issued before block 0 that no one in the scenario holds."""
W = fixed.U96F32


@dataclass
class SubnetAgents:
    """One subnet's metagraph as Yuma reads it, and its synthetic miners."""

    weights: np.ndarray
    bonds: np.ndarray
    permits: np.ndarray
    last_update: np.ndarray
    registered: np.ndarray
    quality: np.ndarray
    """Per uid: a miner's hidden quality in [0, 1] (0 for validators and the owner)."""
    validators: set[int] = field(default_factory=set)
    previous_epoch: int | None = None


@dataclass(frozen=True)
class SubnetRow:
    """One subnet as a screen shows it."""

    netuid: int
    price: float
    moving_price: float
    tao_reserve: int
    alpha_reserve: int
    alpha_issuance: int
    alpha_out: int
    share: float
    tao_emission: int
    """Rao this subnet received in the last block."""
    alpha_emission: int
    """Alpha-rao minted per block now (halving on this subnet's alpha issuance)."""
    next_alpha_halving: int | None
    root_proportion: float
    protocol_alpha: int
    n: int


@dataclass(frozen=True)
class DtaoSnapshot:
    """A frozen view of the dTAO world for clients."""

    block: int
    total_issuance: int
    block_emission: int
    next_halving: int | None
    root_stake: int
    root_sell: bool
    subnets: tuple[SubnetRow, ...]
    player_free: int
    player_stakes: tuple[tuple[int, str, int], ...]
    """(netuid, hotkey, amount): TAO on root (netuid 0), alpha elsewhere."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str | None = None
    detail: Any = None


class DtaoWorld:
    """Root + N subnets under dynamic TAO, built from a ``DtaoScenario``."""

    def __init__(self, scenario: DtaoScenario | dict | None = None):
        if not isinstance(scenario, DtaoScenario):
            scenario = DtaoScenario.from_dict(scenario)
        self.scenario = scenario
        self.rule = share_rule(scenario.share_rule)
        self.rng = np.random.default_rng(np.random.SeedSequence([scenario.seed, 14]))
        self.state = DtaoState(tao_weight=round(scenario.tao_weight * U64_MAX),
                               moving_alpha=fixed.from_float(scenario.moving_alpha, W))
        self.agents: dict[int, SubnetAgents] = {}
        self.events: list[Event] = []
        self.action_log: list[tuple[int, dict[str, Any]]] = []
        self.last_report: coinbase.BlockReport | None = None
        self.hp = Hyperparameters(mechanism="yuma3_2026", tempo=scenario.tempo,
                                  max_allowed_validators=max(scenario.validators_per_subnet, 1))
        self.player = "player"
        self.extra: dict[str, Any] = {}
        """Clients' plain data (a level's progress in ``extra["level"]``), as ``World.extra``."""
        self._observers: list[Callable[[DtaoWorld, list[Event]], None]] = []
        self._action_checks: list[Callable[[dict[str, Any], DtaoWorld], str | None]] = []
        self._observed = 0
        self._genesis()
        self._observed = len(self.events)

    # ------------------------------------------------------------------ genesis
    def _genesis(self) -> None:
        sc, st = self.scenario, self.state
        st.free[self.player] = tao_to_rao(sc.player_balance_tao)
        per_pool = tao_to_rao(sc.pool_tao)
        for n, price in enumerate(sc.subnet_prices(), start=1):
            owner = f"sn{n}-owner"
            st.free[owner] = per_pool
            s = staking.add_subnet(st, n, owner, f"sn{n}-owner-hk", per_pool, max(int(per_pool / price), 1),
                                   tempo=sc.tempo, ema_halving_blocks=sc.ema_halving_blocks,
                                   first_emission_block=1 - sc.subnet_age_blocks, last_epoch_block=-n)
            s.moving_price = fixed.convert(min(s.pool.price(), fixed.one(fixed.U64F64)), fixed.U64F64, W)
            quality = [0.0]
            validators = set()
            for k in range(sc.validators_per_subnet):
                hk = f"sn{n}-val{k}"
                st.owner[hk] = f"{hk}-ck"
                s.hotkeys.append(hk)
                validators.add(len(s.hotkeys) - 1)
                quality.append(0.0)
                alpha = tao_to_rao(sc.validator_alpha) if k == 0 else tao_to_rao(sc.validator_alpha) // (2 * k)
                staking.credit_alpha(s, hk, f"{hk}-ck", alpha)
                s.alpha_out += alpha
            for k in range(sc.miners_per_subnet):
                hk = f"sn{n}-miner{k}"
                st.owner[hk] = f"{hk}-ck"
                s.hotkeys.append(hk)
                quality.append(float(self.rng.uniform(0.2, 1.0)))
            size = len(s.hotkeys)
            permits = np.zeros(size, dtype=bool)
            permits[sorted(validators)] = True
            self.agents[n] = SubnetAgents(np.zeros((size, size)), np.zeros((size, size)), permits,
                                          np.zeros(size, dtype=np.int64), np.full(size, -10_000, dtype=np.int64),
                                          np.array(quality), validators)
        if sc.root_stake_tao:
            each = tao_to_rao(sc.root_stake_tao) // sc.subnets
            for n in range(1, sc.subnets + 1):
                hk = f"sn{n}-val0"
                st.root_stake[(hk, st.owner[hk])] = each
        held = sum(st.free.values()) + st.root_tao + sum(s.pool.tao for s in st.subnets.values())
        st.free[OUTSIDE] = max(tao_to_rao(sc.total_issuance_tao) - held, 0)
        st.total_issuance = held + st.free[OUTSIDE]
        self.events.append(Event(0, "action", f"dTAO world {sc.name!r}: root and {sc.subnets} subnets", {}))

    # ------------------------------------------------------------------ epochs
    def _epoch(self, state: DtaoState, netuid: int, total: int) -> list[tuple[str, int, int]]:
        s, a = state.subnets[netuid], self.agents[netuid]
        n = len(s.hotkeys)
        burn = self.scenario.owner_burn[netuid - 1] if self.scenario.owner_burn else 0.0
        for v in sorted(a.validators):  # validators score the miners: quality plus their own noise
            noisy = np.clip(a.quality + self.rng.normal(0, 0.05, n), 0, None)
            noisy[0] = 0.0
            noisy[sorted(a.validators)] = 0.0
            if burn and noisy.sum() > 0:  # the owner's burn: this part of every row goes to uid 0
                noisy = noisy / noisy.sum() * (1 - burn)
                noisy[0] = burn
            top = noisy.max()
            a.weights[v] = np.round(noisy / top * 65535) if top > 0 else 0
            a.last_update[v] = state.block
        stake = np.array([state.stake_weight(netuid, h) for h in s.hotkeys], dtype=np.float64)
        inputs = EpochInputs(current_block=state.block, stake=stake, validator_permit=a.permits.copy(),
                             weights=a.weights, bonds=a.bonds, last_update=a.last_update,
                             block_at_registration=a.registered, rao_emission=total, owner_uid=0,
                             last_epoch_block=a.previous_epoch)
        result = run_epoch(inputs, self.hp)
        a.permits = result.new_validator_permit.copy()
        a.bonds = result.write_matrix("bonds_stored", a.bonds)
        a.previous_epoch = state.block
        server, validator = result.server_emission_u64, result.validator_emission_u64
        return [(h, int(server[i]), int(validator[i])) for i, h in enumerate(s.hotkeys)]

    # ------------------------------------------------------------------ time
    @property
    def block(self) -> int:
        return self.state.block

    def step(self) -> list[Event]:
        """One block: TAO emission, the coinbase, subnets' epochs; returns the block's events."""
        st = self.state
        before_tao = block_emission(st.total_issuance)
        before_alpha = {n: block_emission(s.alpha_issuance) for n, s in st.subnets.items()}
        report = coinbase.block_step(st, self._epoch, self.rule)
        self.last_report = report
        events = []
        after_tao = block_emission(st.total_issuance)
        if after_tao < before_tao:
            events.append(Event(st.block, "halving", f"TAO halving: {before_tao / RAO_PER_TAO:g} -> "
                                f"{after_tao / RAO_PER_TAO:g} TAO per block",
                                {"token": "TAO", "before_rao": before_tao, "after_rao": after_tao}))
        for n, s in st.subnets.items():
            after = block_emission(s.alpha_issuance)
            if after < before_alpha[n]:
                events.append(Event(st.block, "halving", f"Subnet {n} alpha halving: {before_alpha[n] / RAO_PER_TAO:g}"
                                    f" -> {after / RAO_PER_TAO:g} alpha per block",
                                    {"token": "alpha", "netuid": n, "before_rao": before_alpha[n], "after_rao": after}))
        for payout in report.epochs:
            paid = payout.owner_cut + sum(payout.incentives.values()) + sum(payout.alpha_dividends.values()) \
                + sum(payout.root_dividends.values())
            events.append(Event(st.block, "epoch", f"Subnet {payout.netuid} epoch paid {paid / RAO_PER_TAO:,.3f} alpha",
                                {"netuid": payout.netuid, "distributed_rao": paid, "owner_cut_rao": payout.owner_cut}))
        self.events.extend(events)
        if self._observers:  # they see the block's events and the player's actions since the last block
            seen = self.events[self._observed:]
            for fn in self._observers:
                fn(self, seen)
        self._observed = len(self.events)
        return events

    # ------------------------------------------------------------------ hooks (as World's)
    def add_observer(self, fn: Callable[[DtaoWorld, list[Event]], None]) -> None:
        """``fn(world, events)`` runs after every block with the events since the previous block."""
        self._observers.append(fn)

    def add_action_check(self, fn: Callable[[dict[str, Any], DtaoWorld], str | None]) -> None:
        """``fn(action, world)`` returns a reason to refuse a player action, or None (levels)."""
        self._action_checks.append(fn)

    def advance(self, blocks: int) -> None:
        for _ in range(blocks):
            self.step()

    # ------------------------------------------------------------------ actions
    def apply(self, action: dict[str, Any]) -> Outcome:
        """``{"type": "stake" | "unstake" | "register", "netuid": n, ...}`` for the player; refusals change nothing.

        An unstake's ``amount`` (alpha, or TAO on root) may be ``"all"``: everything held there. The action
        event's data carries what the swap did (``trade``), for levels and logs."""
        kind = action.get("type")
        try:
            for check in self._action_checks:
                if reason := check(action, self):
                    raise ChainError("level_rule", reason)
            if kind == "stake":
                detail = staking.add_stake(self.state, self.player, action["hotkey"], action["netuid"],
                                           tao_to_rao(action["amount_tao"]), action.get("limit_price_rao"),
                                           action.get("allow_partial", False))
                trade = {"amount_in": detail.amount_in, "amount_out": detail.amount_out}
            elif kind == "unstake":
                amount = self._held(action["netuid"], action["hotkey"]) if action["amount"] == "all" \
                    else tao_to_rao(action["amount"])
                detail = staking.remove_stake(self.state, self.player, action["hotkey"], action["netuid"],
                                              amount, action.get("limit_price_rao"),
                                              action.get("allow_partial", False))
                trade = {"amount_in": detail.amount_in, "amount_out": detail.amount_out}
            elif kind == "register":
                netuid = action["netuid"]
                hotkey = action.get("hotkey") or f"player-hk{len(self.action_log) + 1}"
                before = self.state.subnet(netuid).alpha_issuance
                detail = staking.register(self.state, netuid, self.player, hotkey)
                self._grow(netuid)
                s = self.state.subnets[netuid]
                # registration.rs: the burn buys alpha from the pool and that alpha is recycled
                trade = {"hotkey": hotkey, "uid": detail, "amount_in": s.burn, "amount_out": 0,
                         "alpha_recycled": before - s.alpha_issuance}
            else:
                raise ChainError("bad_action", f"unknown action type {kind!r}; use stake, unstake or register")
            if kind != "register":
                trade.update(fee=detail.fee, impact=detail.impact, price_before=detail.price_before,
                             price_after=detail.price_after, unstake_now=detail.unstake_now)
        except KeyError as exc:
            reason = f"the action needs {exc.args[0]!r}"
            self.events.append(Event(self.block, "refused", reason, {"action": action, "reason": reason}, player=True))
            return Outcome(False, reason)
        except ChainError as exc:
            self.events.append(Event(self.block, "refused", str(exc), {"action": action, "reason": str(exc)},
                                     player=True))
            return Outcome(False, str(exc))
        self.action_log.append((self.block, dict(action)))
        self.events.append(Event(self.block, "action", f"{kind} done", {"action": action, "trade": trade},
                                 player=True))
        return Outcome(True, detail=detail)

    def _held(self, netuid: int, hotkey: str) -> int:
        """The player's stake under ``hotkey`` on ``netuid``: TAO on root, alpha elsewhere (0 if none)."""
        if netuid == ROOT:
            return self.state.root_stake.get((hotkey, self.player), 0)
        s = self.state.subnets.get(netuid)
        return s.alpha_stake.get((hotkey, self.player), 0) if s else 0

    def _grow(self, netuid: int) -> None:
        a, size = self.agents[netuid], len(self.state.subnets[netuid].hotkeys)
        old = len(a.quality)
        pad = size - old
        a.weights = np.pad(a.weights, ((0, pad), (0, pad)))
        a.bonds = np.pad(a.bonds, ((0, pad), (0, pad)))
        a.permits = np.pad(a.permits, (0, pad))
        a.last_update = np.pad(a.last_update, (0, pad))
        a.registered = np.concatenate([a.registered, np.full(pad, self.block, dtype=np.int64)])
        a.quality = np.concatenate([a.quality, np.full(pad, 0.6)])

    # ------------------------------------------------------------------ views
    def snapshot(self) -> DtaoSnapshot:
        st, report = self.state, self.last_report
        rows = []
        for n, s in sorted(st.subnets.items()):
            got = report.subnets.get(n) if report else None
            rows.append(SubnetRow(
                n, s.pool.price_float(), fixed.to_float(moving_price(st, n), fixed.U64F64), s.pool.tao, s.pool.alpha,
                s.alpha_issuance, s.alpha_out, fixed.to_float(got.share, fixed.U64F64) if got else 0.0,
                got.tao_emission if got else 0, block_emission(s.alpha_issuance),
                next_halving_threshold(s.alpha_issuance), fixed.to_float(st.root_proportion(n), W),
                s.protocol_alpha, len(s.hotkeys)))
        stakes = [(ROOT, h, v) for (h, c), v in sorted(st.root_stake.items()) if c == self.player and v]
        stakes += [(n, h, v) for n, s in sorted(st.subnets.items())
                   for (h, c), v in sorted(s.alpha_stake.items()) if c == self.player and v]
        return DtaoSnapshot(st.block, st.total_issuance, block_emission(st.total_issuance),
                            next_halving_threshold(st.total_issuance), st.root_tao,
                            bool(report and report.root_sell), tuple(rows), st.free.get(self.player, 0),
                            tuple(stakes))

    def state_hash(self) -> str:
        """A digest of the whole chain state: equal for equal histories."""
        st = self.state
        h = hashlib.sha256()
        h.update(repr((st.block, st.total_issuance, sorted(st.free.items()), sorted(st.root_stake.items()))).encode())
        for n, s in sorted(st.subnets.items()):
            h.update(repr((n, s.pool, s.alpha_out, s.pending, s.moving_price, s.protocol_alpha, s.burned, s.unheld,
                           sorted(s.alpha_stake.items()))).encode())
            h.update(self.agents[n].bonds.tobytes())
        return h.hexdigest()
