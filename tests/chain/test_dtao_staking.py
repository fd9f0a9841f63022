"""Stake, unstake and registration as swaps; every refusal leaves the chain as it was."""

from __future__ import annotations

import copy

import pytest

from dtao_helpers import TAO, world
from taosandbox.chain.dtao import staking
from taosandbox.chain.dtao.state import BLOCK_AUTHOR, ROOT
from taosandbox.chain.errors import ChainError


def test_stake_buys_alpha_and_the_quote_is_what_happens() -> None:
    state = world()
    quote = staking.quote_stake(state, 1, 100 * TAO)
    done = staking.add_stake(state, "bob", "v1", 1, 100 * TAO)
    assert done == quote
    assert state.subnets[1].alpha_stake[("v1", "bob")] == quote.amount_out == 908_674_734_899
    assert state.free["bob"] == 9_900 * TAO
    assert state.free[BLOCK_AUTHOR] == quote.fee == 50_354_772
    # unstaking at once gives back the TAO less the fees (one on TAO in, one on alpha out), no more
    assert 50_354_772 < 100 * TAO - quote.unstake_now < 2 * 50_354_772
    assert state.conservation_gaps() == {}


def test_slippage_in_a_thin_pool() -> None:
    state = world(subnets=1, tao_per_pool=10 * TAO, alpha_per_pool=100 * TAO)
    big = staking.quote_stake(state, 1, 10 * TAO)
    small = staking.quote_stake(state, 1, TAO // 100)
    # 10 TAO into a 10 TAO pool doubles its TAO: alpha out is half the pool, average price 0.2 not 0.1
    assert big.amount_out == pytest.approx(50 * TAO, rel=1e-3)
    assert big.impact == pytest.approx(1.0, rel=1e-2)
    assert small.impact == pytest.approx(0.0015, abs=5e-4)


def test_unstake_sells_alpha_and_pays_the_fee_to_the_block_author() -> None:
    state = world()
    alpha = staking.add_stake(state, "bob", "v1", 1, 100 * TAO).amount_out
    author_before = state.free[BLOCK_AUTHOR]
    quote = staking.remove_stake(state, "bob", "v1", 1, alpha)
    assert state.subnets[1].alpha_stake[("v1", "bob")] == 0
    assert state.free["bob"] == 9_900 * TAO + quote.amount_out
    assert state.free[BLOCK_AUTHOR] > author_before  # the alpha fee was sold for TAO
    assert state.conservation_gaps() == {}


def test_root_stake_is_tao_one_to_one() -> None:
    state = world()
    staking.add_stake(state, "bob", "v1", ROOT, 500 * TAO)
    assert state.root_tao == 500 * TAO
    staking.remove_stake(state, "bob", "v1", ROOT, 200 * TAO)
    assert state.root_stake[("v1", "bob")] == 300 * TAO
    assert state.free["bob"] == 9_700 * TAO
    assert state.conservation_gaps() == {}


def test_registration_burns_through_the_pool() -> None:
    state = world()
    s = state.subnets[1]
    issuance, tao_before = s.alpha_issuance, s.pool.tao
    uid = staking.register(state, 1, "bob", "bob-miner")
    assert uid == 1 and s.hotkeys[1] == "bob-miner"
    assert state.free["bob"] == 10_000 * TAO - s.burn
    assert s.pool.tao > tao_before
    assert s.alpha_issuance < issuance  # the alpha the burn bought is recycled
    assert state.conservation_gaps() == {}


@pytest.mark.parametrize("call,code", [
    (lambda st: staking.add_stake(st, "bob", "v1", 7, TAO), "no_subnet"),
    (lambda st: staking.add_stake(st, "bob", "nobody", 1, TAO), "no_hotkey"),
    (lambda st: staking.add_stake(st, "bob", "v1", 1, 20_000 * TAO), "insufficient_balance"),
    (lambda st: staking.add_stake(st, "bob", "v1", 1, 0), "bad_amount"),
    (lambda st: staking.add_stake(st, "bob", "v1", 1, 1.5), "bad_amount"),
    (lambda st: staking.add_stake(st, "bob", "v1", 1, 5_000 * TAO, limit_price_rao=120_000_000), "slippage_too_high"),
    (lambda st: staking.add_stake(st, "bob", "v1", 1, TAO, limit_price_rao=50_000_000), "price_limit_exceeded"),
    (lambda st: staking.remove_stake(st, "bob", "v1", 1, TAO), "not_enough_stake"),
    (lambda st: staking.remove_stake(st, "bob", "v1", ROOT, TAO), "not_enough_stake"),
    (lambda st: staking.register(st, 3, "bob", "bob-miner"), "no_subnet"),
    (lambda st: staking.register(st, 0, "bob", "bob-miner"), "no_pool"),
    (lambda st: staking.register(st, 1, "nobody", "x"), "insufficient_balance"),
    (lambda st: staking.register(st, 1, "bob", "v2"), "not_owner"),
    (lambda st: staking.register(st, 1, "alice", "alice-hk1"), "already_registered"),
    (lambda st: staking.quote_stake(st, 1, 10**9 * TAO), "swap_input_too_large"),
])
def test_refused_with_a_reason_and_nothing_changes(call, code: str) -> None:
    state = world()
    before = copy.deepcopy(state)
    with pytest.raises(ChainError) as err:
        call(state)
    assert err.value.code == code
    assert str(err.value)
    assert state == before


def test_partial_fill_when_allowed() -> None:
    state = world()
    quote = staking.add_stake(state, "bob", "v1", 1, 5_000 * TAO, limit_price_rao=120_000_000, allow_partial=True)
    assert quote.refund > 0
    assert state.free["bob"] == 10_000 * TAO - (5_000 * TAO - quote.refund)
    assert state.subnets[1].pool.price_float() == pytest.approx(0.12, rel=1e-6)
    assert state.conservation_gaps() == {}
