"""One subnet on its chain: the block step, registration, weights and staking (YUMA_SPEC §1–§7).

``Subnet`` owns a ``Ledger`` (accounts) and a ``Metagraph`` (UIDs). Calls that the chain could refuse
raise ``ChainError`` before changing anything. Things that happen are appended to ``events``.
"""

from __future__ import annotations

import numpy as np

from taosandbox.chain import emission
from taosandbox.chain.errors import ChainError
from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.ledger import Ledger, drain_slot
from taosandbox.chain.metagraph import Metagraph
from taosandbox.chain.units import U16_MAX, format_tao, u16_to_float
from taosandbox.chain.weights import check_weights
from taosandbox.chain.yuma import EpochInputs, EpochResult, run_epoch
from taosandbox.chain.events import Event


class Subnet:
    """The chain state of one subnet and the rules that change it."""

    def __init__(self, hp: Hyperparameters, *, owner_coldkey: str = "subnet-owner",
                 total_issuance: int = 0, block: int = 0):
        self.hp = hp
        self.block = block
        self.ledger = Ledger(total_issuance)
        self.metagraph = Metagraph(hp.max_allowed_uids)
        self.owner_coldkey = owner_coldkey
        self.ledger.create_coldkey(owner_coldkey)
        self.burn = hp.burn
        self.regs_this_block = 0
        self.regs_block = block
        self.regs_this_interval = 0
        self.last_adjustment_block = block
        self.last_epoch_block = block
        self.last_epoch: EpochResult | None = None
        cap = self.metagraph.capacity
        self.commits: list[tuple[int, int, str, np.ndarray]] = []
        """Commit-reveal: (reveal block, uid, hotkey, u16 row) awaiting their reveal, oldest first."""
        self.last_commit = np.zeros(cap, dtype=np.int64)
        self.carried_over = 0
        """Pending rao the last epoch could not distribute; the owner's cut is not taken twice."""
        self.accrued = np.zeros((cap, 2), dtype=np.int64)
        """Per uid: [validator part, mining part] of epoch emission awaiting the hotkey's drain (§5)."""
        self.drain_slot = np.zeros(cap, dtype=np.int64)
        """Per uid: the block residue mod (hotkey_emission_tempo + 1) at which its hotkey drains."""
        self.halvings: list[dict[str, int]] = []
        self.events: list[Event] = []

    # ------------------------------------------------------------------ hyperparameters
    def set_hyperparameters(self, hp: Hyperparameters) -> None:
        """Change parameters (governance); max_allowed_uids may only grow up to the arrays' size."""
        if hp.max_allowed_uids > self.metagraph.capacity:
            raise ChainError("bad_parameter",
                             f"max_allowed_uids can grow to at most {self.metagraph.capacity} here")
        if hp.max_allowed_uids < self.metagraph.n:
            raise ChainError("bad_parameter",
                             f"max_allowed_uids cannot drop below the {self.metagraph.n} registered uids")
        self.hp = hp
        for uid in range(self.n):
            self.drain_slot[uid] = drain_slot(self.metagraph.hotkeys[uid], hp.hotkey_emission_tempo + 1)
        self.burn = min(max(self.burn, hp.min_burn), hp.max_burn)

    # ------------------------------------------------------------------ queries
    @property
    def n(self) -> int:
        return self.metagraph.n

    def uid(self, hotkey: str) -> int | None:
        return self.metagraph.uid_of.get(hotkey)

    def stake_vector(self) -> np.ndarray:
        """Stake (rao) of each live UID's hotkey: everything staked on it (§4.2)."""
        stake = self.ledger.hotkey_stake
        return np.array([stake.get(hk, 0) for hk in self.metagraph.hotkeys], dtype=np.float64)

    def blocks_to_next_epoch(self) -> int:
        """§1 HEAD period semantics: the epoch runs when ``block - last_epoch_block >= tempo``."""
        if self.hp.tempo == 0:
            return -1
        return max(self.hp.tempo - (self.block - self.last_epoch_block), 1)

    def _emit(self, kind: str, text: str, **data) -> None:
        self.events.append(Event(self.block, kind, text, data))

    # ------------------------------------------------------------------ block step (§1)
    def step(self) -> None:
        """Produce the next block: burn adjustment, reveals, emission, epoch when due, drains."""
        self.block += 1
        self._adjust_burn()
        if self.commits:
            self._reveal_due()
        self._coinbase()

    def _reveal_due(self) -> None:
        """Commit-reveal: committed weights whose period has passed are stored and count from now."""
        mg = self.metagraph
        while self.commits and self.commits[0][0] <= self.block:
            _, uid, hotkey, row = self.commits.pop(0)
            if mg.hotkeys[uid] != hotkey:
                continue  # the uid changed hands before the reveal
            mg.weights[uid, :] = 0.0
            mg.weights[uid, : len(row)] = row[: mg.n]
            mg.last_update[uid] = self.block
            self._emit("weights_set", f"uid {uid} revealed weights on {int((row > 0).sum())} uids",
                       uid=uid, hotkey=hotkey, revealed=True)

    def _adjust_burn(self) -> None:
        """§6 burn adjustment every adjustment_interval blocks (burn-only registration)."""
        hp = self.hp
        if self.block - self.last_adjustment_block < hp.adjustment_interval:
            return
        regs, target = self.regs_this_interval, hp.target_regs_per_interval
        burn_regs, pow_regs = regs, 0
        # The chain adjusts the burn only when burn registrations dominate in the direction of travel.
        if (regs > target and burn_regs >= pow_regs) or (regs <= target and pow_regs >= burn_regs):
            updated = self.burn * (regs + target) // (2 * target)
            beta = hp.adjustment_alpha
            new = int(beta * self.burn + (1 - beta) * updated)
            new = min(max(new, hp.min_burn), hp.max_burn)
            if new != self.burn:
                self._emit("burn_adjusted",
                           f"Registration burn {format_tao(self.burn)} → {format_tao(new)} "
                           f"({regs} registrations in the last {hp.adjustment_interval} blocks, "
                           f"target {target})", before_rao=self.burn, after_rao=new)
                self.burn = new
        self.regs_this_interval = 0
        self.last_adjustment_block = self.block

    def _coinbase(self) -> None:
        ledger = self.ledger
        before = emission.halving_index(ledger.total_issuance)
        rate = emission.block_emission(ledger.total_issuance)
        ledger.mint_pending(rate)
        after = emission.halving_index(ledger.total_issuance)
        if before is not None and after != before:
            new_rate = emission.block_emission(ledger.total_issuance)
            record = {"block": self.block, "total_issuance_rao": ledger.total_issuance,
                      "block_emission_rao": new_rate, "index": after if after is not None else -1}
            self.halvings.append(record)
            self._emit("halving",
                       f"HALVING: total issuance reached {format_tao(ledger.total_issuance, 2)}; "
                       f"block emission {format_tao(rate)} → {format_tao(new_rate)}",
                       before_rao=rate, after_rao=new_rate,
                       total_issuance_rao=ledger.total_issuance, index=record["index"])
        if self.hp.tempo and self.block - self.last_epoch_block >= self.hp.tempo:
            self.run_epoch()
        self._drain_due()

    def _drain_due(self) -> None:
        n = self.n
        residue = self.block % (self.hp.hotkey_emission_tempo + 1)
        due = np.flatnonzero(self.drain_slot[:n] == residue)
        for uid in due:
            self._drain(int(uid))

    def _drain(self, uid: int) -> None:
        validator, mining = (int(x) for x in self.accrued[uid])
        if validator + mining == 0:
            return
        self.accrued[uid] = 0
        hotkey = self.metagraph.hotkeys[uid]
        if hotkey not in self.ledger.owner:  # a vacant uid: nobody to pay, back to the pot
            self.ledger.unaccrue(validator + mining)
            return
        paid = self.ledger.drain(hotkey, validator, mining)
        if paid is not None:
            total = sum(paid.payouts.values())
            self._emit("drained", f"{hotkey} paid {format_tao(total)} to {len(paid.payouts)} staker(s)",
                       hotkey=hotkey, amount_rao=total, payouts=dict(paid.payouts),
                       take_rao=paid.take_rao)

    # ------------------------------------------------------------------ epoch (§3, §4)
    def run_epoch(self) -> EpochResult | None:
        mg, ledger, n = self.metagraph, self.ledger, self.metagraph.n
        # §3 the subnet owner's cut of what was minted since the last epoch, then the rest E goes
        # through Yuma. Rao an epoch could not distribute (flooring dust, nobody to pay) is carried
        # over to the next one without being cut twice.
        fresh = ledger.pending_emission - self.carried_over
        cut = fresh * self.hp.subnet_owner_cut // U16_MAX
        if cut:
            ledger.pay_owner_cut(self.owner_coldkey, cut)
        previous_epoch_block, self.last_epoch_block = self.last_epoch_block, self.block
        if n == 0:
            self.carried_over = ledger.pending_emission
            return None
        rao_emission = ledger.pending_emission
        owner_uid = None
        inputs = EpochInputs(
            current_block=self.block,
            stake=self.stake_vector(),
            validator_permit=mg.validator_permit[:n].copy(),
            weights=mg.weights[:n, :n],
            bonds=mg.bonds[:n, :n],
            last_update=mg.last_update[:n],
            block_at_registration=mg.registered_block[:n],
            rao_emission=rao_emission,
            owner_uid=owner_uid,
            last_epoch_block=previous_epoch_block,
        )
        result = run_epoch(inputs, self.hp)
        self.last_epoch = result
        # §4.15 storage: permits for the next epoch, bonds as u16, metrics.
        changed = np.flatnonzero(result.new_validator_permit != mg.validator_permit[:n])
        mg.validator_permit[:n] = result.new_validator_permit
        # Bonds are kept as the chain's u16 values, expressed as fractions of 65535 (Yuma 3 reads them
        # as fractions; 2024 is scale-free). Rows with a new permit are written, rows that lost it are
        # cleared, others stay as they were.
        rows, stored = result.matrix_rows, result.compact("bonds_stored")
        written = result.new_validator_permit[rows]
        mg.bonds[rows[written], :n] = np.floor(stored[written] * U16_MAX) / U16_MAX
        cleared = rows[~written & inputs.validator_permit[rows]]
        mg.bonds[cleared, :n] = 0.0
        for name in Metagraph.METRICS:
            # btcli's RANK column is the normalised rank, i.e. the incentive (§4.10).
            mg.metrics[name][:n] = getattr(result, "incentive" if name == "rank" else name)
        mg.pruning_score[:n] = result.pruning_score_u16
        server = np.asarray(result.server_emission_u64, dtype=np.int64)
        validator = np.asarray(result.validator_emission_u64, dtype=np.int64)
        mg.emission[:n] = server + validator
        mg.emission_total[:n] += server + validator
        ledger.accrue(int(server.sum() + validator.sum()))
        self.carried_over = ledger.pending_emission
        self.accrued[:n, 0] += validator
        self.accrued[:n, 1] += server
        for uid in changed:
            permit = bool(mg.validator_permit[uid])
            self._emit("permit_changed",
                       f"uid {uid} {'gained' if permit else 'lost'} its validator permit",
                       uid=int(uid), permit=permit)
        self._emit("epoch", f"Epoch: {format_tao(int(mg.emission[:n].sum()))} distributed, "
                            f"owner cut {format_tao(cut)}",
                   distributed_rao=int(mg.emission[:n].sum()), owner_cut_rao=cut)
        return result

    # ------------------------------------------------------------------ extrinsics
    def register(self, coldkey: str, hotkey: str) -> int:
        """Burned registration (§6). Returns the UID; ChainError (nothing changed) if refused."""
        hp, mg, ledger = self.hp, self.metagraph, self.ledger
        if coldkey not in ledger.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {coldkey!r}")
        if hotkey in mg.uid_of:
            raise ChainError("already_registered", f"hotkey {hotkey} already holds uid {mg.uid_of[hotkey]}")
        if hotkey in ledger.owner and ledger.owner[hotkey] != coldkey:
            raise ChainError("hotkey_taken", f"hotkey {hotkey} belongs to another coldkey")
        if self.regs_block != self.block:
            self.regs_block, self.regs_this_block = self.block, 0
        if self.regs_this_block >= hp.max_regs_per_block:
            raise ChainError("too_many_registrations",
                             f"at most {hp.max_regs_per_block} registration(s) per block; try next block")
        if self.regs_this_interval >= 3 * hp.target_regs_per_interval:
            raise ChainError("too_many_registrations",
                             f"at most {3 * hp.target_regs_per_interval} registrations per "
                             f"{hp.adjustment_interval}-block interval; try after the next adjustment")
        if ledger.balance(coldkey) < self.burn:
            raise ChainError("insufficient_balance",
                             f"registration costs {format_tao(self.burn)} but {coldkey} has "
                             f"{format_tao(ledger.balance(coldkey))} free")
        burn = self.burn
        if burn:
            ledger.burn(coldkey, burn)
        ledger.create_hotkey(coldkey, hotkey, hp.default_take)
        self.regs_this_block += 1
        self.regs_this_interval += 1
        replaced = None
        if mg.vacant:
            uid = min(mg.vacant)
            mg.vacant.discard(uid)
            self._retire(uid)
            mg.replace(uid, hotkey, self.block)
            mg.pruning_score[uid] = 0
        elif mg.n < hp.max_allowed_uids:
            uid = mg.append(hotkey, self.block)
        else:
            uid = mg.neuron_to_prune(self.block, hp.immunity_period)
            score = int(mg.pruning_score[uid])
            self._retire(uid)
            replaced = mg.replace(uid, hotkey, self.block)
        self.drain_slot[uid] = drain_slot(hotkey, hp.hotkey_emission_tempo + 1)
        if replaced is not None:
            self._emit("pruned", f"uid {uid} ({replaced}) was pruned: lowest pruning score {score}",
                       uid=uid, hotkey=replaced, pruning_score=score, by=hotkey)
        self._emit("registered",
                   f"{hotkey} registered at uid {uid} for {format_tao(burn)} (burned: issuance fell)",
                   uid=uid, hotkey=hotkey, coldkey=coldkey, burn_rao=burn, replaced=replaced)
        return uid

    def genesis_neuron(self, coldkey: str, hotkey: str, registered_block: int = 0,
                       take: int | None = None) -> int:
        """A neuron that was already registered when the world begins (no burn, no event)."""
        if self.n >= self.hp.max_allowed_uids:
            raise ChainError("subnet_full", f"the scenario has more than {self.hp.max_allowed_uids} neurons")
        self.ledger.create_hotkey(coldkey, hotkey, self.hp.default_take if take is None else take)
        uid = self.metagraph.append(hotkey, registered_block)
        self.drain_slot[uid] = drain_slot(hotkey, self.hp.hotkey_emission_tempo + 1)
        return uid

    def deregister(self, hotkey: str) -> int:
        """Sandbox shortcut: the hotkey gives up its UID now (the chain has no such call in 2024;
        neurons leave by being pruned). The UID is emptied and goes to the next registration."""
        uid = self.uid(hotkey)
        if uid is None:
            raise ChainError("not_registered", f"hotkey {hotkey} holds no uid")
        mg = self.metagraph
        self._retire(uid)
        mg.weights[uid, :] = 0
        mg.last_update[uid] = 0
        # Registered "now", so every weight that pointed at the old hotkey is outdated (§4.5).
        mg.replace(uid, f"(vacant {uid})", self.block)
        mg.pruning_score[uid] = 0
        mg.vacant.add(uid)
        self._emit("deregistered", f"{hotkey} gave up uid {uid}", uid=uid, hotkey=hotkey)
        return uid

    def _retire(self, uid: int) -> None:
        """The hotkey at ``uid`` leaves: pay what it accrued, then return all stake on it (§6)."""
        self._drain(uid)
        self.ledger.unstake_all(self.metagraph.hotkeys[uid])

    def set_weights(self, hotkey: str, uids, values) -> None:
        uid = self.uid(hotkey)
        if uid is None:
            raise ChainError("not_registered", f"hotkey {hotkey} holds no uid on this subnet")
        mg = self.metagraph
        period = self.hp.commit_reveal_period
        last = max(int(mg.last_update[uid]), int(self.last_commit[uid])) if period else int(mg.last_update[uid])
        row = check_weights(
            self.hp, uid=uid, n=mg.n, uids=list(uids), values=list(values),
            stake=self.ledger.hotkey_stake.get(hotkey, 0), last_update=last,
            permit=bool(mg.validator_permit[uid]), block=self.block,
        )
        if period:
            self.commits.append((self.block + period, uid, hotkey, row))
            self.commits.sort(key=lambda c: c[0])  # stable: same-block reveals keep commit order
            self.last_commit[uid] = self.block
            self._emit("weights_set", f"uid {uid} committed weights (revealed in {period} blocks)",
                       uid=uid, hotkey=hotkey, committed=True)
            return
        mg.weights[uid, :] = 0.0
        mg.weights[uid, : mg.n] = row
        mg.last_update[uid] = self.block
        self._emit("weights_set", f"uid {uid} set weights on {int((row > 0).sum())} uids",
                   uid=uid, hotkey=hotkey)

    def add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        if self.uid(hotkey) is None:
            raise ChainError("not_registered", f"hotkey {hotkey} holds no uid on this subnet")
        self.ledger.add_stake(coldkey, hotkey, amount)
        self._emit("stake_added", f"{coldkey} staked {format_tao(amount)} on {hotkey}",
                   coldkey=coldkey, hotkey=hotkey, amount_rao=amount)

    def remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        self.ledger.remove_stake(coldkey, hotkey, amount)
        self._emit("stake_removed", f"{coldkey} unstaked {format_tao(amount)} from {hotkey}",
                   coldkey=coldkey, hotkey=hotkey, amount_rao=amount)

    def set_take(self, coldkey: str, hotkey: str, take: int) -> None:
        if self.ledger.owner.get(hotkey) != coldkey:
            raise ChainError("not_owner", f"{coldkey} does not own hotkey {hotkey}")
        if isinstance(take, bool) or not isinstance(take, int):
            raise ChainError("bad_take", f"take must be a whole number (u16), got {take!r}")
        if not self.hp.min_take <= take <= self.hp.max_take:
            raise ChainError("bad_take",
                             f"take {u16_to_float(take):.2%} is outside the allowed range "
                             f"[{u16_to_float(self.hp.min_take):.2%}, {u16_to_float(self.hp.max_take):.2%}]")
        self.ledger.take[hotkey] = take
        self._emit("take_set", f"{hotkey} set its take to {u16_to_float(take):.2%}", hotkey=hotkey, take=take)
