"""A subnet's TAO/alpha pool and its swaps, as the swap pallet executes them.

``pallets/swap/src/pallet/impls.rs`` (``do_swap``, ``swap_inner``, ``calculate_fee_amount``) and
``swap_step.rs`` (``BasicSwapStep``). A swap is one step: take the fee off the amount, compute the price
the full amount would reach; if that is past the limit price, swap only what brings the price to the
limit (the rest is refunded) and recompute the fee on that. Quotes are the same computation without
changing the pool (``sim_swap``).

Refusals (``ChainError``, state unchanged) as upstream: the input is more than 1000x the input reserve
(``SwapInputTooLarge``), the output reserve is below ``MINIMUM_RESERVE`` (``ReservesTooLow``), the price
is already past the limit (``PriceLimitExceeded``), the output rounds to nothing (``ReservesTooLow``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.balancer import Balancer, price_float
from taosandbox.chain.errors import ChainError

F = fixed.U64F64
DEFAULT_FEE_RATE = 33
"""``DefaultFeeRate``: 33/65535 ≈ 0.05% of every user swap (``pallets/swap/src/pallet/mod.rs``)."""
MINIMUM_RESERVE = 1_000_000
"""``SwapMinimumReserve`` (runtime/src/lib.rs): no swap out of a reserve below 0.001."""
MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1_000
MAX_PRICE_RAO = 1_000_000_000_000_000
"""``max_price_inner``: the default buy limit, 10^6 TAO per alpha (in rao per alpha)."""
MIN_PRICE_RAO = 1_000
"""``min_price_inner``: the default sell limit, 10^-6 TAO per alpha."""
U16_MAX = 65535


@dataclass(frozen=True)
class SwapResult:
    """One swap's amounts (``SwapResult``): ``paid_in`` enters the reserve, ``fee`` is on top of it."""

    paid_in: int
    paid_out: int
    fee: int
    refund: int
    """What was asked for but not swapped because the limit price was reached."""
    price_before: int
    price_after: int
    """U64F64 bits."""

    @property
    def partial(self) -> bool:
        return self.refund > 0


@dataclass(frozen=True)
class Pool:
    """``SubnetTAO`` and ``SubnetAlphaIn`` of one subnet with its ``SwapBalancer`` weights."""

    tao: int
    alpha: int
    balancer: Balancer = Balancer()
    fee_rate: int = DEFAULT_FEE_RATE

    def price(self) -> int:
        """``current_price`` (U64F64 bits): 0 when the alpha reserve is empty."""
        return self._price

    @cached_property
    def _price(self) -> int:
        return self.balancer.price(self.alpha, self.tao) if self.alpha else 0

    def price_float(self) -> float:
        return price_float(self.price())

    def fee_for(self, amount: int, drop_fees: bool) -> int:
        if drop_fees:
            return 0
        rate = fixed.div(fixed.from_int(self.fee_rate, F), fixed.from_int(U16_MAX, F), F)
        return fixed.to_int(fixed.mul(fixed.from_int(amount, F), rate, F), F)

    def _fee_on_net(self, delta_in: int, drop_fees: bool) -> int:
        # swap_step.rs determine_action: fee recomputed on the limited amount, delta · r / (1 − r)
        rate = 0 if drop_fees else self.fee_rate
        factor = fixed.div(fixed.from_int(rate, F), fixed.from_int(U16_MAX - rate, F), F)
        return fixed.to_int(fixed.mul(fixed.from_int(delta_in, F), factor, F), F)

    def quote_buy(self, tao_in: int, limit_price: int, drop_fees: bool = False) -> SwapResult:
        """TAO in, alpha out (``GetAlphaForTao``), with ``limit_price`` the highest price accepted."""
        return self._quote(tao_in, limit_price, drop_fees, buy=True)

    def quote_sell(self, alpha_in: int, limit_price: int, drop_fees: bool = False) -> SwapResult:
        """Alpha in, TAO out (``GetTaoForAlpha``), with ``limit_price`` the lowest price accepted."""
        return self._quote(alpha_in, limit_price, drop_fees, buy=False)

    def _quote(self, amount: int, limit_price: int, drop_fees: bool, buy: bool) -> SwapResult:
        if amount < 0:
            raise ChainError("bad_amount", f"a swap amount must not be negative, got {amount}")
        reserve_in, reserve_out = (self.tao, self.alpha) if buy else (self.alpha, self.tao)
        fee = self.fee_for(amount, drop_fees)
        requested = amount - fee
        if requested > reserve_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER:
            raise ChainError("swap_input_too_large",
                             f"the swap pays in {requested:,} but the pool holds only {reserve_in:,}: "
                             f"at most {MAX_SWAP_INPUT_RESERVE_MULTIPLIER}x the reserve in one swap")
        if reserve_out < MINIMUM_RESERVE:
            raise ChainError("reserves_too_low",
                             f"the pool's {'alpha' if buy else 'TAO'} reserve ({reserve_out:,}) is below "
                             f"the minimum of {MINIMUM_RESERVE:,}: no swap out of it")
        current = self.price()
        beyond = current < limit_price if buy else current > limit_price
        if not beyond:
            raise ChainError("price_limit_exceeded",
                             f"the price {price_float(current):.9f} is already past your limit "
                             f"{price_float(limit_price):.9f} TAO/alpha")
        b = self.balancer
        convert = ((lambda d: b.alpha_out_for_tao_in(self.tao, self.alpha, d)) if buy
                   else (lambda d: b.tao_out_for_alpha_in(self.tao, self.alpha, d)))
        out_full = convert(requested)
        if buy:
            target = b.price(max(self.alpha - out_full, 0), self.tao + requested)
            within = target <= limit_price
        else:
            target = b.price(self.alpha + requested, max(self.tao - out_full, 0))
            within = target >= limit_price
        if within:
            delta_in, out = requested, out_full
        else:
            delta_in = (b.quote_delta_in(current, limit_price, self.tao) if buy
                        else b.base_delta_in(current, limit_price, self.alpha))
            fee = self._fee_on_net(delta_in, drop_fees)
            out = convert(delta_in)
        if delta_in and not out:
            raise ChainError("reserves_too_low", "the swap is too small or the pool too thin: it would pay out nothing")
        if out > reserve_out:
            raise ChainError("insufficient_liquidity", "the swap would take more than the pool holds")
        after = self._after(delta_in, out, buy)
        return SwapResult(delta_in, out, fee, amount - delta_in - fee, current, after.price())

    def _after(self, paid_in: int, paid_out: int, buy: bool) -> Pool:
        if buy:
            return Pool(self.tao + paid_in, self.alpha - paid_out, self.balancer, self.fee_rate)
        return Pool(self.tao - paid_out, self.alpha + paid_in, self.balancer, self.fee_rate)

    def after_buy(self, result: SwapResult) -> Pool:
        """The pool once a quoted buy is executed (``swap_tao_for_alpha``)."""
        return self._after(result.paid_in, result.paid_out, True)

    def after_sell(self, result: SwapResult) -> Pool:
        """The pool once a quoted sell is executed (``swap_alpha_for_tao``)."""
        return self._after(result.paid_in, result.paid_out, False)


def price_impact(result: SwapResult, buy: bool) -> float:
    """How much worse than the spot price the swap's average price is (0.01 = 1%), fee included."""
    spent = result.paid_in + result.fee
    if not spent or not result.paid_out or not result.price_before:
        return 0.0
    spot = price_float(result.price_before)
    average = spent / result.paid_out if buy else result.paid_out / spent
    return (average - spot) / spot if buy else (spot - average) / spot

