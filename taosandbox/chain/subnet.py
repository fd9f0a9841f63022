"""One subnet on its chain: the block step, registration, weights and staking (YUMA_SPEC §1–§7).

``Subnet`` owns a ``Ledger`` (accounts) and a ``Metagraph`` (UIDs). Calls that the chain could refuse
raise ``ChainError`` before changing anything. Things that happen are appended to ``events``.
"""

from __future__ import annotations

import numpy as np

from taosandbox.chain import emission
from taosandbox.chain.errors import ChainError
from taosandbox.chain.fixed import adjustment_alpha_u64, u16_share_i96f32, upgraded_burn
from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.ledger import Ledger, drain_slot
from taosandbox.chain.metagraph import Metagraph
from taosandbox.chain.staking import StakingRules
from taosandbox.chain.units import U16_MAX, format_tao, u16_to_float
from taosandbox.chain.weights import check_weights
from taosandbox.chain.yuma import EpochInputs, EpochResult, run_epoch
from taosandbox.chain.events import Event


class Subnet:
    """The chain state of one subnet and the rules that change it."""

    def __init__(self, hp: Hyperparameters, *, owner_coldkey: str = "subnet-owner",
                 total_issuance: int = 0, block: int = 0, netuid: int = 1):
        self.hp = hp
        self.block = block
        self.netuid = netuid
        """The subnet's id: the 2024 epoch schedule offsets each subnet's epoch by it."""
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
        self.orphaned: dict[str, list[int]] = {}
        """Deregistered hotkey -> [validator part, mining part] it had accrued: drained later at the
        hotkey's slot, with its stake already returned, so all of it goes to the owner (§5, §6)."""
        self.emission_rate: int | None = None
        """Rao minted per block (``EmissionValues``): set at root epochs in the 2024 ruleset, from
        issuance every block otherwise; None until the first block."""
        self.staking = StakingRules()
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
        """Blocks until the next epoch runs (at least 1; -1 = never, tempo 0)."""
        tempo = self.hp.tempo
        if tempo == 0:
            return -1
        if self.hp.epoch_schedule == "period":
            return max(tempo - (self.block - self.last_epoch_block), 1)
        wait = (tempo - (self.block + self.netuid + 1)) % (tempo + 1)
        return wait or tempo + 1

    def epoch_due(self) -> bool:
        """Does this block run the epoch? ``chain_2024``: ``should_run_epoch`` (``run_coinbase.rs``
        v1.2.5) runs it when ``blocks_until_next_epoch = tempo - (block + netuid + 1) % (tempo + 1)``
        is 0, i.e. ``(block + netuid + 1) % (tempo + 1) == tempo`` (its doc comment says "== 0", its
        code and table say this: tempo 100, netuid 0 → block 99); ``period`` (§1 HEAD):
        ``block - last_epoch_block >= tempo``."""
        tempo = self.hp.tempo
        if tempo == 0:
            return False
        if self.hp.epoch_schedule == "period":
            return self.block - self.last_epoch_block >= tempo
        return (self.block + self.netuid + 1) % (tempo + 1) == tempo

    def pending_for(self, hotkey: str) -> int:
        """Rao accrued to ``hotkey`` and not yet drained (registered, or deregistered and waiting)."""
        uid = self.uid(hotkey)
        held = int(self.accrued[uid].sum()) if uid is not None else 0
        return held + sum(self.orphaned.get(hotkey, ()))

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
            # upgraded_burn (coinbase/block_step.rs v1.2.5), in the chain's I110F18 fixed point.
            new = upgraded_burn(self.burn, regs, target, adjustment_alpha_u64(hp.adjustment_alpha),
                                hp.min_burn, hp.max_burn)
            if new != self.burn:
                self._emit("burn_adjusted",
                           f"Registration burn {format_tao(self.burn)} → {format_tao(new)} "
                           f"({regs} registrations in the last {hp.adjustment_interval} blocks, "
                           f"target {target})", before_rao=self.burn, after_rao=new)
                self.burn = new
        self.regs_this_interval = 0
        self.last_adjustment_block = self.block

    def root_epoch_due(self) -> bool:
        """The root network (netuid 0, tempo 100) runs its epoch, which sets ``EmissionValues``, when
        ``blocks_until_next_epoch(0, 100, block) == 0``: ``(block + 1) % 101 == 100`` (``root_epoch``,
        ``coinbase/root.rs`` v1.2.5): blocks 99, 200, 301..."""
        return (self.block + 1) % (emission.ROOT_TEMPO + 1) == emission.ROOT_TEMPO

    def next_block_emission(self) -> int:
        """Rao the next block will mint (what the header shows as the block emission)."""
        issuance = self.ledger.total_issuance
        if self.emission_rate is None or self.hp.block_emission_update == "every_block":
            return emission.block_emission(issuance)
        if (self.block + 2) % (emission.ROOT_TEMPO + 1) == emission.ROOT_TEMPO:
            return emission.block_emission(issuance)
        return self.emission_rate

    def _coinbase(self) -> None:
        ledger = self.ledger
        before = emission.halving_index(ledger.total_issuance)
        if (self.emission_rate is None or self.hp.block_emission_update == "every_block"
                or self.root_epoch_due()):
            self.emission_rate = emission.block_emission(ledger.total_issuance)
        rate = self.emission_rate
        ledger.mint_pending(rate)
        after = emission.halving_index(ledger.total_issuance)
        if before is not None and after != before:
            new_rate = emission.block_emission(ledger.total_issuance)
            record = {"block": self.block, "total_issuance_rao": ledger.total_issuance,
                      "block_emission_rao": new_rate, "index": after if after is not None else -1}
            self.halvings.append(record)
            when = ""
            if self.hp.block_emission_update == "root_epoch":
                wait = (emission.ROOT_TEMPO - (self.block + 1)) % (emission.ROOT_TEMPO + 1) or emission.ROOT_TEMPO + 1
                when = f" from the next root epoch, block {self.block + wait}"
            self._emit("halving",
                       f"HALVING: total issuance reached {format_tao(ledger.total_issuance, 2)}; "
                       f"block emission {format_tao(rate)} → {format_tao(new_rate)}{when}",
                       before_rao=rate, after_rao=new_rate,
                       total_issuance_rao=ledger.total_issuance, index=record["index"])
        if self.epoch_due():
            self.run_epoch()
        self._drain_due()

    def _drain_due(self) -> None:
        n = self.n
        period = self.hp.hotkey_emission_tempo + 1
        residue = self.block % period
        due = np.flatnonzero(self.drain_slot[:n] == residue)
        for uid in due:
            self._drain(int(uid))
        for hotkey in [hk for hk in self.orphaned if drain_slot(hk, period) == residue]:
            validator, mining = self.orphaned.pop(hotkey)
            self._pay_drain(hotkey, validator, mining)

    def _drain(self, uid: int) -> None:
        validator, mining = (int(x) for x in self.accrued[uid])
        if validator + mining == 0:
            return
        self.accrued[uid] = 0
        hotkey = self.metagraph.hotkeys[uid]
        if hotkey not in self.ledger.owner:  # a vacant uid: nobody to pay, back to the pot
            self.ledger.unaccrue(validator + mining)
            return
        self._pay_drain(hotkey, validator, mining)

    def _pay_drain(self, hotkey: str, validator: int, mining: int) -> None:
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
        cut = u16_share_i96f32(fresh, self.hp.subnet_owner_cut)  # I96F32, run_coinbase step 4.6.1
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
    def check_register(self, coldkey: str, hotkey: str) -> None:
        """Every reason the chain would refuse ``register`` now (ChainError); changes nothing."""
        hp, mg, ledger = self.hp, self.metagraph, self.ledger
        if not isinstance(hotkey, str) or not hotkey:
            raise ChainError("bad_hotkey", f"a hotkey is a non-empty name, got {hotkey!r}")
        if coldkey not in ledger.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {coldkey!r}")
        if hotkey in mg.uid_of:
            raise ChainError("already_registered", f"hotkey {hotkey} already holds uid {mg.uid_of[hotkey]}")
        if hotkey in ledger.owner and ledger.owner[hotkey] != coldkey:
            raise ChainError("hotkey_taken", f"hotkey {hotkey} belongs to another coldkey")
        regs_this_block = self.regs_this_block if self.regs_block == self.block else 0
        if regs_this_block >= hp.max_regs_per_block:
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

    def register(self, coldkey: str, hotkey: str) -> int:
        """Burned registration (§6). Returns the UID; ChainError (nothing changed) if refused."""
        hp, mg, ledger = self.hp, self.metagraph, self.ledger
        self.check_register(coldkey, hotkey)
        if self.regs_block != self.block:
            self.regs_block, self.regs_this_block = self.block, 0
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
                       take: int | None = None, *, delegate: bool = False) -> int:
        """A neuron that was already registered when the world begins (no burn, no event); a
        ``delegate`` accepts nominators from the start."""
        if self.n >= self.hp.max_allowed_uids:
            raise ChainError("subnet_full", f"the scenario has more than {self.hp.max_allowed_uids} neurons")
        self.ledger.create_hotkey(coldkey, hotkey, self.hp.default_take if take is None else take)
        if delegate:
            self.ledger.delegates.add(hotkey)
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
        """The hotkey at ``uid`` leaves: all stake on it goes back to its coldkeys now, and what it had
        accrued waits for the hotkey's drain slot (``replace_neuron``, ``subnets/uids.rs`` v1.2.5: the
        stake is returned, ``PendingdHotkeyEmission`` stays). With no stake left behind it, that drain
        pays everything to the owner; nominators get none (§5, §6)."""
        hotkey = self.metagraph.hotkeys[uid]
        validator, mining = (int(x) for x in self.accrued[uid])
        self.accrued[uid] = 0
        if validator + mining:
            if hotkey in self.ledger.owner:
                left = self.orphaned.setdefault(hotkey, [0, 0])
                left[0] += validator
                left[1] += mining
            else:  # a vacant uid: nobody to pay, back to the pot
                self.ledger.unaccrue(validator + mining)
        self.ledger.unstake_all(hotkey)

    def check_set_weights(self, hotkey: str, uids, values) -> np.ndarray:
        """The u16 row ``set_weights`` would store, or ChainError saying why not; changes nothing."""
        uid = self.uid(hotkey)
        if uid is None:
            raise ChainError("not_registered", f"hotkey {hotkey} holds no uid on this subnet")
        mg = self.metagraph
        period = self.hp.commit_reveal_period
        last = max(int(mg.last_update[uid]), int(self.last_commit[uid])) if period else int(mg.last_update[uid])
        return check_weights(
            self.hp, uid=uid, n=mg.n, uids=list(uids), values=list(values),
            stake=self.ledger.hotkey_stake.get(hotkey, 0), last_update=last,
            permit=bool(mg.validator_permit[uid]), block=self.block,
        )

    def set_weights(self, hotkey: str, uids, values) -> None:
        row = self.check_set_weights(hotkey, uids, values)
        uid, mg, period = self.uid(hotkey), self.metagraph, self.hp.commit_reveal_period
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

    def check_add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Every reason ``add_stake`` would be refused (ChainError); changes nothing."""
        if self.uid(hotkey) is None:
            raise ChainError("not_registered", f"hotkey {hotkey} holds no uid on this subnet")
        self.ledger.check_add_stake(coldkey, hotkey, amount)
        self.staking.check_stake(self.ledger, self.hp, coldkey, hotkey, self.block)

    def check_remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Every reason ``remove_stake`` would be refused (ChainError); changes nothing."""
        self.staking.check_stake(self.ledger, self.hp, coldkey, hotkey, self.block)
        self.ledger.check_remove_stake(coldkey, hotkey, amount)

    def add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """``do_add_stake`` (``staking/add_stake.rs`` v1.2.5): own hotkey or a delegate, rate-limited."""
        self.check_add_stake(coldkey, hotkey, amount)
        self.ledger.add_stake(coldkey, hotkey, amount)
        self.staking.record_stake(self.hp, coldkey, hotkey, self.block)
        self._emit("stake_added", f"{coldkey} staked {format_tao(amount)} on {hotkey}",
                   coldkey=coldkey, hotkey=hotkey, amount_rao=amount)

    def remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """``do_remove_stake`` (``staking/remove_stake.rs`` v1.2.5)."""
        self.check_remove_stake(coldkey, hotkey, amount)
        self.ledger.remove_stake(coldkey, hotkey, amount)
        self.staking.record_stake(self.hp, coldkey, hotkey, self.block)
        self._emit("stake_removed", f"{coldkey} unstaked {format_tao(amount)} from {hotkey}",
                   coldkey=coldkey, hotkey=hotkey, amount_rao=amount)

    def become_delegate(self, coldkey: str, hotkey: str, take: int) -> None:
        """``do_become_delegate``: the hotkey accepts nominators from now on, at this take."""
        self.staking.become_delegate(self.ledger, self.hp, coldkey, hotkey, take, self.block)
        self._emit("delegate_added", f"{hotkey} became a delegate at take {u16_to_float(take):.2%}",
                   coldkey=coldkey, hotkey=hotkey, take=take)

    def _take_call(self, coldkey: str, hotkey: str, take: int) -> str:
        """Which extrinsic a new take is: ``become_delegate``, ``increase`` or ``decrease``."""
        ledger = self.ledger
        if isinstance(take, bool) or not isinstance(take, int):
            raise ChainError("bad_take", f"take must be a whole number (u16), got {take!r}")
        if ledger.owner.get(hotkey) == coldkey and hotkey not in ledger.delegates:
            return "become_delegate"
        current = ledger.take.get(hotkey, self.hp.default_take)
        if take == current and ledger.owner.get(hotkey) == coldkey:
            raise ChainError("same_take", f"the take of {hotkey} is already {u16_to_float(take):.2%}")
        return "increase" if take > current else "decrease"

    def check_set_take(self, coldkey: str, hotkey: str, take: int) -> None:
        """Every reason ``set_take`` would be refused (ChainError); changes nothing."""
        call, rules = self._take_call(coldkey, hotkey, take), self.staking
        if call == "become_delegate":
            rules.check_become_delegate(self.ledger, self.hp, coldkey, hotkey, take, self.block)
        elif call == "increase":
            rules.check_increase_take(self.ledger, self.hp, coldkey, hotkey, take, self.block)
        else:
            rules.check_decrease_take(self.ledger, self.hp, coldkey, hotkey, take)

    def set_take(self, coldkey: str, hotkey: str, take: int) -> None:
        """A delegate's new take: ``do_increase_take`` if higher (rate-limited), ``do_decrease_take``
        if lower (any time); a hotkey that is not a delegate yet becomes one (``do_become_delegate``)."""
        call = self._take_call(coldkey, hotkey, take)
        if call == "become_delegate":
            self.become_delegate(coldkey, hotkey, take)
            return
        if call == "increase":
            self.staking.increase_take(self.ledger, self.hp, coldkey, hotkey, take, self.block)
        else:
            self.staking.decrease_take(self.ledger, self.hp, coldkey, hotkey, take)
        self._emit("take_set", f"{hotkey} set its take to {u16_to_float(take):.2%}", hotkey=hotkey, take=take)
