"""Accounts: coldkey balances, hotkey ownership, stake and delegation (YUMA_SPEC §5).

Everything is integer rao. The invariant, checked by ``conservation_gap`` (0 when it holds)::

    total_issuance == Σ free + Σ stake + pending emission + Σ accrued hotkey emission

Emission is counted as issued when it is minted into the subnet's pending pot (the 2024 chain counted
it when credited to accounts, up to a drain period later; see docs/differences.md).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from taosandbox.chain.errors import ChainError
from taosandbox.chain.fixed import pro_rata_i64f64, u16_share_i64f64


def _check_amount(amount: int, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ChainError("bad_amount", f"{what} must be a whole number of rao, got {amount!r}")
    if amount <= 0:
        raise ChainError("bad_amount", f"{what} must be positive, got {amount} rao")


@dataclass
class Drain:
    """What one hotkey's drain paid (§5), for events and the earnings breakdown."""

    hotkey: str
    owner: str
    take_rao: int
    mining_rao: int
    payouts: dict[str, int] = field(default_factory=dict)
    """coldkey -> rao restaked on the hotkey (owner's dust, take and mining included)."""


class Ledger:
    """Balances and stakes of every coldkey and hotkey of the world."""

    def __init__(self, total_issuance: int = 0):
        self.total_issuance = total_issuance
        self.free: dict[str, int] = {}
        self.owner: dict[str, str] = {}
        """hotkey -> coldkey that owns it."""
        self.take: dict[str, int] = {}
        """hotkey -> delegate take, u16 fraction of 65535 (a hotkey that is not a delegate drains with
        the default take, as the chain's ``Delegates`` map defaults to it)."""
        self.delegates: set[str] = set()
        """Hotkeys that accept nominators (``Delegates`` contains them: ``become_delegate``)."""
        self.stake: dict[tuple[str, str], int] = {}
        """(coldkey, hotkey) -> rao staked."""
        self.hotkey_stake: dict[str, int] = defaultdict(int)
        """hotkey -> total stake on it (kept in step with ``stake``)."""
        self.stakers: dict[str, set[str]] = defaultdict(set)
        """hotkey -> coldkeys with stake on it."""
        self.pending_emission = 0
        """Minted, not yet distributed by an epoch (includes flooring dust carried over)."""
        self.accrued = 0
        """Epoch emission credited to hotkeys and awaiting their drains (§5); the per-hotkey split
        lives with the subnet, by uid."""
        self.stake_delta: dict[tuple[str, str], int] = {}
        """(coldkey, hotkey) -> net rao staked (+) or unstaked (−) since the hotkey's last drain
        (``StakeDeltaSinceLastEmissionDrain``, v1.2.5); a positive delta does not count at the drain."""
        self.recycled = 0
        """Rao burned by registrations (they lowered issuance)."""
        self.fees_burned = 0
        """Rao burned as transaction fees (they lowered issuance too; docs/fees.md)."""
        self.fees_paid: dict[str, int] = defaultdict(int)
        """coldkey -> rao it paid in transaction fees."""
        self.burned_by: dict[str, int] = defaultdict(int)
        """coldkey -> rao it burned (registration costs)."""
        self.earned: dict[str, int] = defaultdict(int)
        """coldkey -> rao the network paid it (drains, owner cut)."""
        self.earned_on: dict[tuple[str, str], int] = defaultdict(int)
        """(coldkey, hotkey) -> rao paid to that coldkey through that hotkey."""

    # ------------------------------------------------------------------ accounts
    def create_coldkey(self, coldkey: str, balance: int = 0) -> None:
        """Open an account; its starting balance is minted before the game (counted in issuance)."""
        if coldkey in self.free:
            raise ChainError("exists", f"coldkey {coldkey!r} already exists")
        if balance < 0:
            raise ChainError("bad_amount", f"starting balance must not be negative, got {balance}")
        self.free[coldkey] = balance
        self.total_issuance += balance

    def create_hotkey(self, coldkey: str, hotkey: str, take: int) -> None:
        if coldkey not in self.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {coldkey!r}")
        if hotkey in self.owner:
            if self.owner[hotkey] != coldkey:
                raise ChainError("hotkey_taken", f"hotkey {hotkey!r} belongs to another coldkey")
            return
        self.owner[hotkey] = coldkey
        self.take[hotkey] = take

    def mint(self, coldkey: str, amount: int) -> None:
        """New rao into a coldkey's free balance, counted in issuance (what a scenario starts with)."""
        _check_amount(amount, "minted amount")
        if coldkey not in self.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {coldkey!r}")
        self.free[coldkey] += amount
        self.total_issuance += amount

    def mint_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Stake that existed before block 0 (a scenario's genesis): minted, counted in issuance, and
        held since before the hotkey's last drain, so it counts at the first drain (no stake delta)."""
        if hotkey not in self.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        self.mint(coldkey, amount)
        self.free[coldkey] -= amount
        self._change_stake(coldkey, hotkey, amount)

    def transfer(self, source: str, dest: str, amount: int) -> None:
        """Move free balance between two coldkeys (``transfer``: issuance unchanged)."""
        _check_amount(amount, "transfer")
        if dest not in self.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {dest!r}")
        if self.free.get(source, 0) < amount:
            raise ChainError("insufficient_balance",
                             f"cannot transfer {amount} rao: only {self.free.get(source, 0)} rao free")
        self.free[source] -= amount
        self.free[dest] += amount

    def balance(self, coldkey: str) -> int:
        return self.free.get(coldkey, 0)

    def stake_of(self, coldkey: str, hotkey: str) -> int:
        return self.stake.get((coldkey, hotkey), 0)

    def coldkey_stake(self, coldkey: str) -> int:
        return sum(v for (ck, _hk), v in self.stake.items() if ck == coldkey)

    # ------------------------------------------------------------------ moves
    def check_add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Why ``add_stake`` would be refused (ChainError); changes nothing."""
        _check_amount(amount, "stake")
        if coldkey not in self.free:
            raise ChainError("unknown_coldkey", f"unknown coldkey {coldkey!r}")
        if hotkey not in self.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        if self.free[coldkey] < amount:
            raise ChainError(
                "insufficient_balance",
                f"not enough free balance: {amount} rao asked, {self.free[coldkey]} rao free",
            )

    def add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Move free balance onto a hotkey (own stake, or delegation to someone else's)."""
        self.check_add_stake(coldkey, hotkey, amount)
        self.free[coldkey] -= amount
        self._change_stake(coldkey, hotkey, amount)
        self._record_delta(coldkey, hotkey, amount)

    def check_remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Why ``remove_stake`` would be refused (ChainError); changes nothing."""
        _check_amount(amount, "unstake")
        if hotkey not in self.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        held = self.stake_of(coldkey, hotkey)
        if held < amount:
            raise ChainError(
                "insufficient_stake",
                f"not enough stake: {amount} rao asked, {held} rao staked on {hotkey}",
            )

    def remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Unstake back to the coldkey's free balance."""
        self.check_remove_stake(coldkey, hotkey, amount)
        self._change_stake(coldkey, hotkey, -amount)
        self._record_delta(coldkey, hotkey, -amount)
        self.free[coldkey] += amount

    def _record_delta(self, coldkey: str, hotkey: str, delta: int) -> None:
        """Track a stake or unstake in the delta since the last drain (``do_add_stake`` /
        ``do_remove_stake``, ``staking/*.rs`` v1.2.5)."""
        key = (coldkey, hotkey)
        new = self.stake_delta.get(key, 0) + delta
        if new:
            self.stake_delta[key] = new
        else:
            self.stake_delta.pop(key, None)

    def unstake_all(self, hotkey: str) -> dict[str, int]:
        """Return every stake on ``hotkey`` to its coldkey and forget their deltas (deregistered hotkey,
        §6; ``unstake_all_coldkeys_from_hotkey_account``, ``staking/helpers.rs`` v1.2.5)."""
        returned = {}
        for coldkey in sorted(self.stakers.get(hotkey, ())):
            amount = self.stake_of(coldkey, hotkey)
            if amount:
                self._change_stake(coldkey, hotkey, -amount)
                self.free[coldkey] += amount
                returned[coldkey] = amount
        self._clear_deltas(hotkey)
        return returned

    def _clear_deltas(self, hotkey: str) -> None:
        for key in [k for k in self.stake_delta if k[1] == hotkey]:
            del self.stake_delta[key]

    def burn(self, coldkey: str, amount: int) -> None:
        """Burn free balance (registration): issuance goes down, so it can be emitted again (§2)."""
        _check_amount(amount, "burn")
        if self.free.get(coldkey, 0) < amount:
            raise ChainError(
                "insufficient_balance",
                f"cannot pay {amount} rao: only {self.free.get(coldkey, 0)} rao free",
            )
        self.free[coldkey] -= amount
        self.total_issuance -= amount
        self.recycled += amount
        self.burned_by[coldkey] += amount

    def pay_fee(self, coldkey: str, amount: int) -> None:
        """A transaction fee from free balance, burned: the 2024 chain dropped fees, lowering issuance."""
        _check_amount(amount, "fee")
        if self.free.get(coldkey, 0) < amount:
            raise ChainError(
                "insufficient_balance",
                f"cannot pay the {amount} rao fee: only {self.free.get(coldkey, 0)} rao free",
            )
        self.free[coldkey] -= amount
        self.total_issuance -= amount
        self.fees_burned += amount
        self.fees_paid[coldkey] += amount

    def _change_stake(self, coldkey: str, hotkey: str, delta: int) -> None:
        key = (coldkey, hotkey)
        new = self.stake.get(key, 0) + delta
        if new:
            self.stake[key] = new
            self.stakers[hotkey].add(coldkey)
        else:
            self.stake.pop(key, None)
            self.stakers[hotkey].discard(coldkey)
        self.hotkey_stake[hotkey] += delta

    # ------------------------------------------------------------------ emission
    def mint_pending(self, amount: int) -> None:
        """A block's emission: new rao into the subnet's pending pot (§1, §2)."""
        self.pending_emission += amount
        self.total_issuance += amount

    def pay_owner_cut(self, coldkey: str, amount: int) -> None:
        """Subnet owner's cut of the pending emission, to its free balance (§3)."""
        self._take_pending(amount)
        self.free[coldkey] = self.free.get(coldkey, 0) + amount
        self.earned[coldkey] += amount

    def accrue(self, amount: int) -> None:
        """Epoch emission credited to hotkeys, to be paid out at their drains (§5)."""
        self._take_pending(amount)
        self.accrued += amount

    def unaccrue(self, amount: int) -> None:
        """Accrued emission nobody can receive goes back to the pending pot."""
        if not 0 <= amount <= self.accrued:
            raise ChainError("overdraw", f"cannot return {amount} rao of {self.accrued} accrued")
        self.accrued -= amount
        self.pending_emission += amount

    def _take_pending(self, amount: int) -> None:
        if amount < 0 or amount > self.pending_emission:
            raise ChainError("overdraw", f"cannot pay {amount} rao out of {self.pending_emission} pending")
        self.pending_emission -= amount

    def drain(self, hotkey: str, validator: int, mining: int) -> Drain | None:
        """Pay a hotkey's accrued emission to its stakers, all of it restaked (§5).

        ``drain_hotkey_emission`` (``coinbase/run_coinbase.rs`` v1.2.5): the take is
        ``I64F64(take/65535) · V`` of the validator part V; ``V - take`` goes to every staker (owner
        included) pro rata to its *viable* stake, ``stake - max(delta, 0)`` where delta is the net
        change since the last drain, in I64F64; the take, the mining part and the flooring dust go to
        the owner. The deltas are cleared **after** the payouts, so what a drain restakes counts at the
        next one. A hotkey with nothing accrued is not drained (its deltas stay), as on the chain."""
        if validator < 0 or mining < 0 or validator + mining > self.accrued:
            raise ChainError("overdraw", f"cannot drain {validator + mining} rao of {self.accrued} accrued")
        if validator + mining == 0:
            return None
        owner = self.owner[hotkey]
        viable = {ck: self.stake_of(ck, hotkey) - max(self.stake_delta.get((ck, hotkey), 0), 0)
                  for ck in sorted(self.stakers.get(hotkey, ()))}
        total = sum(viable.values())
        self.accrued -= validator + mining
        take = u16_share_i64f64(validator, self.take.get(hotkey, 0))
        rest = validator - take
        payouts: dict[str, int] = {}
        for ck, held in viable.items():
            share = pro_rata_i64f64(rest, held, total)
            if share:
                payouts[ck] = share
        paid = sum(payouts.values())
        payouts[owner] = payouts.get(owner, 0) + take + mining + (rest - paid)
        for ck, amount in payouts.items():
            if amount:
                self._change_stake(ck, hotkey, amount)
                self.earned[ck] += amount
                self.earned_on[(ck, hotkey)] += amount
        self._clear_deltas(hotkey)
        return Drain(hotkey, owner, take, mining, payouts)

    # ------------------------------------------------------------------ checks
    def conservation_gap(self) -> int:
        """total_issuance − (Σ free + Σ stake + pending + Σ accrued); 0 when no rao is lost or made."""
        held = (
            sum(self.free.values())
            + sum(self.stake.values())
            + self.pending_emission
            + self.accrued
        )
        return self.total_issuance - held


def drain_slot(hotkey: str, period: int) -> int:
    """The block residue at which a hotkey drains: ``block mod period == hash(hotkey) mod period``.

    The chain hashes the account id; we use CRC-32 of the name, which is stable across runs."""
    return zlib.crc32(hotkey.encode()) % period
