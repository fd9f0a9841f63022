"""Who may stake where, how often, and how a delegate changes its take (subtensor v1.2.5 ``staking/``).

The ledger moves the rao; these are the checks the chain makes first and the counters they keep:

* a coldkey stakes on (or unstakes from) a hotkey it owns, or one that has become a delegate
  (``HotKeyNotDelegateAndSignerNotOwnHotKey``, ``do_add_stake`` / ``do_remove_stake``);
* one (coldkey, hotkey) pair stakes or unstakes at most ``target_stakes_per_interval`` times per
  ``stake_interval`` blocks, counted from the first of the series (``try_increase_staking_counter``,
  ``utils/misc.rs``);
* ``become_delegate`` once per hotkey, not within ``tx_rate_limit`` blocks of the coldkey's last
  stake, unstake or become_delegate, with a take in ``[min_take, max_take]``;
* ``increase_take``: strictly up, at most ``max_take``, not within ``tx_delegate_take_rate_limit``
  blocks of the coldkey's last become_delegate or increase; ``decrease_take``: strictly down, at least
  ``min_take``, any time (``staking/increase_take.rs``, ``staking/decrease_take.rs``).

A last-transaction block of 0 means "never" on the chain (``exceeds_tx_rate_limit``), and so here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taosandbox.chain.errors import ChainError
from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.ledger import Ledger
from taosandbox.chain.units import U16_MAX


def _pct(take: int) -> str:
    return f"{take / U16_MAX:.2%}"


def exceeds_rate_limit(last_block: int, block: int, limit: int) -> bool:
    """``exceeds_tx_rate_limit`` (``utils/rate_limiting.rs`` v1.2.5): within ``limit`` blocks of the
    last transaction; never when the limit is 0 or there was none (last block 0)."""
    if limit == 0 or last_block == 0:
        return False
    return block - last_block <= limit


@dataclass
class StakingRules:
    """The counters behind the staking rate limits, and the checks that read them."""

    stakes_this_interval: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """(coldkey, hotkey) -> (stakes and unstakes in the current series, block of its first one)
    (``TotalHotkeyColdkeyStakesThisInterval``)."""
    last_tx_block: dict[str, int] = field(default_factory=dict)
    """coldkey -> block of its last stake, unstake or become_delegate (``LastTxBlock``)."""
    last_take_block: dict[str, int] = field(default_factory=dict)
    """coldkey -> block of its last become_delegate or take increase (``LastTxBlockDelegateTake``)."""

    # ------------------------------------------------------------------ stake and unstake
    def check_stake(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str, block: int) -> None:
        """Refuse (ChainError, nothing changed) a stake or unstake the chain would refuse for who or
        when; amounts are the ledger's to check."""
        if hotkey not in ledger.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        if hotkey not in ledger.delegates and ledger.owner[hotkey] != coldkey:
            raise ChainError("not_delegate",
                             f"{hotkey} is not a delegate: it accepts stake only from its owner until it "
                             "becomes a delegate")
        count, first = self.stakes_this_interval.get((coldkey, hotkey), (0, 0))
        if count and first + hp.stake_interval > block and count >= hp.target_stakes_per_interval:
            raise ChainError("stake_rate_limit",
                             f"at most {hp.target_stakes_per_interval} stake or unstake per "
                             f"{hp.stake_interval} blocks on {hotkey}: try again at block "
                             f"{first + hp.stake_interval}")

    def record_stake(self, hp: Hyperparameters, coldkey: str, hotkey: str, block: int) -> None:
        """Count an accepted stake or unstake (after ``check_stake``)."""
        key = (coldkey, hotkey)
        count, first = self.stakes_this_interval.get(key, (0, 0))
        if count == 0 or first + hp.stake_interval <= block:
            self.stakes_this_interval[key] = (1, block)
        else:
            self.stakes_this_interval[key] = (count + 1, first)
        self.last_tx_block[coldkey] = block

    # ------------------------------------------------------------------ delegates and take
    @staticmethod
    def _check_owner(ledger: Ledger, coldkey: str, hotkey: str) -> None:
        """``do_take_checks`` (``utils/misc.rs``)."""
        if hotkey not in ledger.owner:
            raise ChainError("unknown_hotkey", f"unknown hotkey {hotkey!r}")
        if ledger.owner[hotkey] != coldkey:
            raise ChainError("not_owner", f"{coldkey} does not own hotkey {hotkey}")

    @staticmethod
    def _check_take_value(take: int) -> None:
        if isinstance(take, bool) or not isinstance(take, int) or not 0 <= take <= U16_MAX:
            raise ChainError("bad_take", f"take must be a whole number in [0, 65535] (u16), got {take!r}")

    def check_become_delegate(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str,
                              take: int, block: int) -> None:
        """The checks of ``do_become_delegate`` (``staking/become_delegate.rs`` v1.2.5), in its order."""
        self._check_take_value(take)
        self._check_owner(ledger, coldkey, hotkey)
        if hotkey in ledger.delegates:
            raise ChainError("already_delegate", f"{hotkey} is already a delegate")
        last = self.last_tx_block.get(coldkey, 0)
        if exceeds_rate_limit(last, block, hp.tx_rate_limit):
            raise ChainError("tx_rate_limit",
                             f"a coldkey may become a delegate only {hp.tx_rate_limit} blocks after its "
                             f"last stake, unstake or delegation: try again at block {last + hp.tx_rate_limit + 1}")
        if take < hp.min_take:
            raise ChainError("take_too_low", f"take {_pct(take)} is below the minimum {_pct(hp.min_take)}")
        if take > hp.max_take:
            raise ChainError("take_too_high", f"take {_pct(take)} is above the maximum {_pct(hp.max_take)}")

    def become_delegate(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str, take: int,
                        block: int) -> None:
        """``do_become_delegate``: checked, then the hotkey is a delegate at ``take``."""
        self.check_become_delegate(ledger, hp, coldkey, hotkey, take, block)
        ledger.delegates.add(hotkey)
        ledger.take[hotkey] = take
        self.last_tx_block[coldkey] = block
        self.last_take_block[coldkey] = block

    def check_increase_take(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str,
                            take: int, block: int) -> None:
        """The checks of ``do_increase_take`` (``staking/increase_take.rs`` v1.2.5), in its order."""
        self._check_take_value(take)
        self._check_owner(ledger, coldkey, hotkey)
        current = ledger.take.get(hotkey, hp.default_take)
        if hotkey in ledger.delegates and take <= current:
            raise ChainError("take_too_low", f"an increase must raise the take above {_pct(current)}")
        if take > hp.max_take:
            raise ChainError("take_too_high", f"take {_pct(take)} is above the maximum {_pct(hp.max_take)}")
        last = self.last_take_block.get(coldkey, 0)
        if exceeds_rate_limit(last, block, hp.tx_delegate_take_rate_limit):
            raise ChainError("take_rate_limit",
                             f"a take may rise once per {hp.tx_delegate_take_rate_limit} blocks: try again "
                             f"at block {last + hp.tx_delegate_take_rate_limit + 1}")

    def increase_take(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str, take: int,
                      block: int) -> None:
        """``do_increase_take``: checked, then the new take (and the rate limit's clock) is stored."""
        self.check_increase_take(ledger, hp, coldkey, hotkey, take, block)
        self.last_take_block[coldkey] = block
        ledger.delegates.add(hotkey)  # the chain inserts into Delegates here too
        ledger.take[hotkey] = take

    def check_decrease_take(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str,
                            take: int) -> None:
        """The checks of ``do_decrease_take`` (``staking/decrease_take.rs`` v1.2.5): no rate limit."""
        self._check_take_value(take)
        self._check_owner(ledger, coldkey, hotkey)
        current = ledger.take.get(hotkey, hp.default_take)
        if hotkey in ledger.delegates and take >= current:
            raise ChainError("take_too_high", f"a decrease must lower the take below {_pct(current)}")
        if take < hp.min_take:
            raise ChainError("take_too_low", f"take {_pct(take)} is below the minimum {_pct(hp.min_take)}")

    def decrease_take(self, ledger: Ledger, hp: Hyperparameters, coldkey: str, hotkey: str, take: int) -> None:
        """``do_decrease_take``: checked, then the new take is stored."""
        self.check_decrease_take(ledger, hp, coldkey, hotkey, take)
        ledger.delegates.add(hotkey)
        ledger.take[hotkey] = take

    def digest(self) -> tuple:
        """Everything here that shapes the future (for ``World.state_hash``)."""
        return (sorted(self.stakes_this_interval.items()), sorted(self.last_tx_block.items()),
                sorted(self.last_take_block.items()))
