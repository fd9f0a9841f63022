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

from taosandbox.chain.units import U16_MAX
from taosandbox.chain.errors import ChainError


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
        """hotkey -> delegate take, u16 fraction of 65535."""
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
        self.counted_stake: dict[tuple[str, str], int] = {}
        """Stake held at the hotkey's previous drain: stake added since then does not count (§5)."""
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

    def balance(self, coldkey: str) -> int:
        return self.free.get(coldkey, 0)

    def stake_of(self, coldkey: str, hotkey: str) -> int:
        return self.stake.get((coldkey, hotkey), 0)

    def coldkey_stake(self, coldkey: str) -> int:
        return sum(v for (ck, _hk), v in self.stake.items() if ck == coldkey)

    # ------------------------------------------------------------------ moves
    def add_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Move free balance onto a hotkey (own stake, or delegation to someone else's)."""
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
        self.free[coldkey] -= amount
        self._change_stake(coldkey, hotkey, amount)

    def remove_stake(self, coldkey: str, hotkey: str, amount: int) -> None:
        """Unstake back to the coldkey's free balance."""
        _check_amount(amount, "unstake")
        if hotkey not in self.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        held = self.stake_of(coldkey, hotkey)
        if held < amount:
            raise ChainError(
                "insufficient_stake",
                f"not enough stake: {amount} rao asked, {held} rao staked on {hotkey}",
            )
        self._change_stake(coldkey, hotkey, -amount)
        self.free[coldkey] += amount

    def unstake_all(self, hotkey: str) -> dict[str, int]:
        """Return every stake on ``hotkey`` to its coldkey (deregistered hotkey, §6)."""
        returned = {}
        for coldkey in sorted(self.stakers.get(hotkey, ())):
            amount = self.stake_of(coldkey, hotkey)
            if amount:
                self._change_stake(coldkey, hotkey, -amount)
                self.free[coldkey] += amount
                returned[coldkey] = amount
        return returned

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
        if delta < 0:
            # Unstaked rao can't count at the next drain either.
            counted = self.counted_stake.get(key)
            if counted is not None and counted > new:
                self.counted_stake[key] = new

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
        """Pay a hotkey's accrued emission to its stakers, all of it restaked (§5, v1.2.5).

        Take = floor(V·take/65535) of the validator part V; V - take goes to every staker pro rata
        to the stake it held since the previous drain (owner included); the take, the mining part
        and the flooring dust go to the owner."""
        if validator < 0 or mining < 0 or validator + mining > self.accrued:
            raise ChainError("overdraw", f"cannot drain {validator + mining} rao of {self.accrued} accrued")
        owner = self.owner[hotkey]
        stakers = sorted(self.stakers.get(hotkey, ()))
        counted = {ck: min(self.stake_of(ck, hotkey), self.counted_stake.get((ck, hotkey), 0))
                   for ck in stakers}
        # Stake present now counts at the next drain.
        for ck in stakers:
            self.counted_stake[(ck, hotkey)] = self.stake_of(ck, hotkey)
        if validator + mining == 0:
            return None
        self.accrued -= validator + mining
        take = validator * self.take.get(hotkey, 0) // U16_MAX
        rest = validator - take
        total = sum(counted.values())
        payouts: dict[str, int] = {}
        if total > 0:
            for ck, held in counted.items():
                share = rest * held // total
                if share:
                    payouts[ck] = share
        paid = sum(payouts.values())
        payouts[owner] = payouts.get(owner, 0) + take + mining + (rest - paid)
        for ck, amount in payouts.items():
            if amount:
                self._change_stake(ck, hotkey, amount)
                self.earned[ck] += amount
                self.earned_on[(ck, hotkey)] += amount
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
