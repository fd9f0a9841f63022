"""Staking rules of subtensor v1.2.5 (staking/*.rs, utils/misc.rs, utils/rate_limiting.rs) with the
runtime's defaults: StakeInterval 360, TargetStakesPerInterval 1, TxRateLimit 1000,
TxDelegateTakeRateLimit 216000, MinDelegateTake 0, MaxDelegateTake 11796."""

import pytest

from taosandbox.chain.errors import ChainError
from taosandbox.chain.hyperparams import CHAIN_2024, SANDBOX
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import tao_to_rao


def subnet(**changes) -> Subnet:
    sub = Subnet(SANDBOX.replace(max_regs_per_block=5, target_regs_per_interval=5, **changes))
    for ck in ("alice", "bob"):
        sub.ledger.create_coldkey(ck, tao_to_rao(1000))
    sub.register("alice", "val")
    return sub


def steps(sub: Subnet, to_block: int) -> None:
    while sub.block < to_block:
        sub.step()


def refused(sub: Subnet, call, code: str) -> None:
    before = (dict(sub.ledger.free), dict(sub.ledger.stake), set(sub.ledger.delegates),
              dict(sub.ledger.take), sub.staking.digest())
    with pytest.raises(ChainError) as info:
        call()
    assert info.value.code == code
    assert (dict(sub.ledger.free), dict(sub.ledger.stake), set(sub.ledger.delegates),
            dict(sub.ledger.take), sub.staking.digest()) == before


def test_the_chain_defaults_are_the_runtimes():
    assert (CHAIN_2024.stake_interval, CHAIN_2024.target_stakes_per_interval, CHAIN_2024.tx_rate_limit,
            CHAIN_2024.tx_delegate_take_rate_limit) == (360, 1, 1000, 216_000)


def test_a_hotkey_accepts_nominators_only_once_it_is_a_delegate():
    """do_add_stake: ensure!(hotkey_is_delegate || coldkey_owns_hotkey), else
    HotKeyNotDelegateAndSignerNotOwnHotKey; the owner may always stake on its own hotkey."""
    sub = subnet()
    refused(sub, lambda: sub.add_stake("bob", "val", tao_to_rao(10)), "not_delegate")
    sub.add_stake("alice", "val", tao_to_rao(10))  # at block 0, which exceeds_tx_rate_limit reads as "never"
    sub.become_delegate("alice", "val", 11796)
    sub.add_stake("bob", "val", tao_to_rao(10))
    assert sub.ledger.stake_of("bob", "val") == tao_to_rao(10)


def test_one_stake_or_unstake_per_pair_per_stake_interval():
    """try_increase_staking_counter: the series starts at the first stake (block 5); with a limit of 1 the
    next stake or unstake of the same (coldkey, hotkey) is refused until 5 + 360 = block 365; other
    pairs are not affected."""
    sub = subnet()
    sub.become_delegate("alice", "val", 11796)
    steps(sub, 5)
    sub.add_stake("bob", "val", tao_to_rao(10))
    steps(sub, 364)
    refused(sub, lambda: sub.remove_stake("bob", "val", tao_to_rao(1)), "stake_rate_limit")
    refused(sub, lambda: sub.add_stake("bob", "val", tao_to_rao(1)), "stake_rate_limit")
    sub.add_stake("alice", "val", tao_to_rao(1))  # another pair
    steps(sub, 365)
    sub.remove_stake("bob", "val", tao_to_rao(1))
    assert sub.ledger.stake_of("bob", "val") == tao_to_rao(9)


def test_become_delegate_waits_tx_rate_limit_after_a_stake():
    """do_become_delegate: refused while block - LastTxBlock <= 1000 (alice staked at block 10, so
    blocks 11..1010 are refused, 1011 is fine); only once; take within [min_take, max_take]."""
    sub = subnet()
    steps(sub, 10)
    sub.add_stake("alice", "val", tao_to_rao(10))
    steps(sub, 1010)
    refused(sub, lambda: sub.become_delegate("alice", "val", 100), "tx_rate_limit")
    steps(sub, 1011)
    refused(sub, lambda: sub.become_delegate("alice", "val", 11797), "take_too_high")
    refused(sub, lambda: sub.become_delegate("bob", "val", 100), "not_owner")
    sub.become_delegate("alice", "val", 100)
    assert "val" in sub.ledger.delegates and sub.ledger.take["val"] == 100
    refused(sub, lambda: sub.become_delegate("alice", "val", 100), "already_delegate")


def test_take_increases_are_rate_limited_and_decreases_are_not():
    """do_increase_take: strictly higher, <= max_take, not within 216000 blocks of the last
    become_delegate or increase (delegate at block 1 → first increase at block 216002);
    do_decrease_take: strictly lower, >= min_take, any time."""
    sub = subnet()
    steps(sub, 1)
    sub.become_delegate("alice", "val", 5000)
    sub.set_take("alice", "val", 4000)  # decrease: at once
    assert sub.ledger.take["val"] == 4000
    refused(sub, lambda: sub.set_take("alice", "val", 4500), "take_rate_limit")
    sub.block = 216_001
    refused(sub, lambda: sub.set_take("alice", "val", 4500), "take_rate_limit")
    sub.block = 216_002
    refused(sub, lambda: sub.set_take("alice", "val", 11797), "take_too_high")
    sub.set_take("alice", "val", 4500)
    assert sub.ledger.take["val"] == 4500
    refused(sub, lambda: sub.set_take("alice", "val", 4500), "same_take")
    refused(sub, lambda: sub.set_take("bob", "val", 100), "not_owner")


def test_sandbox_relaxations_are_listed_like_tempo():
    """A scenario may turn a rate limit off (0); the differences list says so."""
    from taosandbox.chain.hyperparams import sandbox_differences

    hp = SANDBOX.replace(stake_interval=0)
    lines = sandbox_differences(hp)
    assert any(line.startswith("stake_interval = 0 (chain: 360)") for line in lines)
    sub = subnet(stake_interval=0)
    sub.add_stake("alice", "val", tao_to_rao(1))
    sub.add_stake("alice", "val", tao_to_rao(1))
