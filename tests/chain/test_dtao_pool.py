"""Pool swaps against hand-worked constant-product numbers, limit prices and refusals."""

from __future__ import annotations

import pytest

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.balancer import Balancer, price_float, price_from_rao
from taosandbox.chain.dtao.pool import MAX_PRICE_RAO, MIN_PRICE_RAO, Pool, price_impact
from taosandbox.chain.errors import ChainError

TAO = 10**9
MAX, MIN = price_from_rao(MAX_PRICE_RAO), price_from_rao(MIN_PRICE_RAO)
TWO64 = 2**64


def test_price_is_tao_over_alpha_for_equal_weights() -> None:
    assert Pool(1_000 * TAO, 10_000 * TAO).price_float() == pytest.approx(0.1, abs=1e-18)
    assert Pool(5, 0).price() == 0


def test_buy_follows_the_chain_rounding_step_by_step() -> None:
    pool = Pool(1_000 * TAO, 10_000 * TAO)
    result = pool.quote_buy(100 * TAO, MAX)
    # fee: floor(100e9 * 33/65535) = 50,354,772 rao (0.05%)
    assert result.fee == 50_354_772
    paid_in = 100 * TAO - 50_354_772
    # exp = floor(y * 1e18 / (y + dy)) as a perquintill, then to U64F64, then alpha * (1 - exp)
    e18 = 1_000 * TAO * 10**18 // (1_000 * TAO + paid_in)
    e64 = e18 * TWO64 // 10**18
    assert result.paid_in == paid_in
    assert result.paid_out == 10_000 * TAO * (TWO64 - e64) // TWO64 == 908_674_734_899
    # constant product: x * y never falls
    after = pool.after_buy(result)
    assert after.tao * after.alpha >= pool.tao * pool.alpha
    assert result.price_after > result.price_before
    assert price_impact(result, buy=True) == pytest.approx(0.1005, abs=1e-4)


def test_sell_is_the_mirror() -> None:
    pool = Pool(1_000 * TAO, 10_000 * TAO)
    result = pool.quote_sell(1_000 * TAO, MIN)
    assert result.fee == 1_000 * TAO * 33 // 65535
    paid_in = 1_000 * TAO - result.fee
    assert result.paid_out == pytest.approx(1_000 * TAO * paid_in / (10_000 * TAO + paid_in), abs=1)
    assert result.price_after < result.price_before


def test_limit_price_stops_a_buy_and_refunds_the_rest() -> None:
    pool = Pool(1_000 * TAO, 10_000 * TAO)
    limit = price_from_rao(121_000_000)  # 0.121 TAO/alpha: y must reach sqrt(0.121/0.1) * 1000 = 1100 TAO
    result = pool.quote_buy(500 * TAO, limit)
    assert result.partial
    assert result.paid_in == pytest.approx(100 * TAO, rel=1e-9)
    assert result.paid_in + result.fee + result.refund == 500 * TAO
    assert price_float(result.price_after) == pytest.approx(0.121, rel=1e-9)


@pytest.mark.parametrize("pool,amount,limit,code", [
    (Pool(TAO, 10 * TAO), 1_001 * TAO + TAO, MAX, "swap_input_too_large"),
    (Pool(TAO, 999_999), TAO, MAX, "reserves_too_low"),
    (Pool(TAO, 10 * TAO), TAO, price_from_rao(50_000_000), "price_limit_exceeded"),
    (Pool(10**10, 10**6), 1, MAX, "reserves_too_low"),
])
def test_refusals(pool: Pool, amount: int, limit: int, code: str) -> None:
    with pytest.raises(ChainError) as err:
        pool.quote_buy(amount, limit)
    assert err.value.code == code


def test_injection_in_proportion_keeps_weights_and_price() -> None:
    b = Balancer()
    new = b.with_added_liquidity(1_000 * TAO, 10_000 * TAO, 10 * TAO, 100 * TAO)
    assert new is not None and new.quote == b.quote
    lopsided = b.with_added_liquidity(1_000 * TAO, 10_000 * TAO, 10 * TAO, 0)
    assert lopsided.quote > b.quote  # more TAO than the price asks for: the quote weight grows
    before = b.price(10_000 * TAO, 1_000 * TAO)
    after = lopsided.price(10_000 * TAO, 1_010 * TAO)
    assert abs(fixed.to_float(after - before, 64)) < 1e-15


def test_weights_may_not_leave_their_range() -> None:
    assert Balancer().with_added_liquidity(1, 1, 10**15, 0) is None
