"""The weighted (Balancer) pool math of subtensor's swap pallet.

Transcribed from ``pallets/swap/src/pallet/balancer.rs`` (commit in ``taosandbox.chain.dtao``). Notation
as upstream: ``x`` is the alpha (base) reserve, ``y`` the TAO (quote) reserve, ``w1`` the base weight,
``w2 = 1 - w1`` the quote weight, stored as a ``Perquintill`` (parts of 10^18).

    price p = (w1 · y) / (w2 · x)
    sell ∆x alpha:  ∆y = y · (1 − (x / (x + ∆x))^(w1/w2))
    buy with ∆y:    ∆x = x · (1 − (y / (y + ∆y))^(w2/w1))

With w1 = w2 = 0.5 (a new pool) this is the constant product x·y = k and the power is exact integer
arithmetic. Emission injections that are not exactly in proportion to the price move the weights
(``update_weights_for_added_liquidity``) so that the price does not move.

Prices are ``U64F64`` raw bits (``fixed``); ``price_float`` is for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.bigmath import pow_ratio_scaled_fast

F = fixed.U64F64
ACCURACY = 10**18
"""``Perquintill`` accuracy: weights are parts of 10^18."""
MIN_WEIGHT = ACCURACY // 100
"""Both weights stay >= 0.01 (``MIN_WEIGHT``)."""
HALF = ACCURACY // 2
U64_MAX = 2**64 - 1
U128_MAX = 2**128 - 1
ONE = fixed.one(F)


def perquintill_from_rational(p: int, q: int) -> int:
    """``Perquintill::from_rational(p, q)``: rounds down, and is 1 when ``p >= q`` or ``q == 0``."""
    if q == 0 or p >= q:
        return ACCURACY
    return p * ACCURACY // q


def mul_perquintill_round(parts: int, value: int) -> int:
    """``Balancer::mul_perquintill_round``: ``value · parts / 10^18`` rounded to nearest, half up."""
    return min((value * parts + ACCURACY // 2) // ACCURACY, U128_MAX)


def weights_valid(quote: int) -> bool:
    """``Balancer::check_constraints``: both weights at least ``MIN_WEIGHT``."""
    return quote >= MIN_WEIGHT and ACCURACY - quote >= MIN_WEIGHT


@dataclass(frozen=True)
class Balancer:
    """A pool's weights: ``quote`` is w2 in parts of 10^18; w1 = 10^18 − quote."""

    quote: int = HALF

    def __post_init__(self) -> None:
        if not weights_valid(self.quote):
            raise ValueError(f"quote weight {self.quote / ACCURACY} outside [0.01, 0.99]")

    @property
    def base(self) -> int:
        return ACCURACY - self.quote

    def exp_scaled(self, x: int, dx: int, base_quote: bool) -> int:
        """``(x / (x + dx))^(w1/w2)`` (``base_quote``) or ``^(w2/w1)`` as U64F64 bits; ``dx`` may be negative."""
        x_plus_dx = min(x + dx, U64_MAX) if dx >= 0 else max(x + dx, 0)
        if x_plus_dx == 0:
            return 0
        w1, w2 = self.base, self.quote
        num, den = (w1, w2) if base_quote else (w2, w1)
        result = pow_ratio_scaled_fast(x, x_plus_dx, num, den, 256, ACCURACY)
        if result is None or not 0 <= result <= U64_MAX:
            return 0
        value = fixed.ratio(result, ACCURACY, F)
        return min(value, ONE) if dx >= 0 else value

    @cached_property
    def _weight_ratio(self) -> int:
        return fixed.div(fixed.from_int(self.base, F), fixed.from_int(self.quote, F), F)

    def price(self, x: int, y: int) -> int:
        """``calculate_price``: (w1/w2)·(y/x) as U64F64 bits (0 when x is 0)."""
        return min(fixed.mul(self._weight_ratio, fixed.ratio(y, x, F), F), U128_MAX)

    def alpha_out_for_tao_in(self, tao_reserve: int, alpha_reserve: int, tao_in: int) -> int:
        """Buy: ``convert_deltas`` for TAO paid in (``swap_step.rs``): x · (1 − (y/(y+∆y))^(w2/w1))."""
        e = self.exp_scaled(tao_reserve, tao_in, False)
        return fixed.to_int(fixed.mul(fixed.from_int(alpha_reserve, F), max(ONE - e, 0), F), F)

    def tao_out_for_alpha_in(self, tao_reserve: int, alpha_reserve: int, alpha_in: int) -> int:
        """Sell: ``convert_deltas`` for alpha paid in: y · (1 − (x/(x+∆x))^(w1/w2))."""
        e = self.exp_scaled(alpha_reserve, alpha_in, True)
        return fixed.to_int(fixed.mul(fixed.from_int(tao_reserve, F), max(ONE - e, 0), F), F)

    def _delta_to_price(self, numerator: int, denominator: int, weight: int, reserve: int) -> int:
        e = pow_ratio_scaled_fast(numerator, denominator, weight, ACCURACY, 1024, ACCURACY)
        if e is None:
            return 0
        e_fixed = fixed.from_int(min(max(e, 0), U64_MAX), F)
        factor = max(fixed.div(e_fixed, fixed.from_int(ACCURACY, F), F) - ONE, 0)
        return fixed.to_int(fixed.mul(fixed.from_int(reserve, F), factor, F), F)

    def quote_delta_in(self, current_price: int, target_price: int, tao_reserve: int) -> int:
        """``calculate_quote_delta_in``: TAO to pay in to lift the price to ``target``: y·((p'/p)^w1 − 1)."""
        return self._delta_to_price(target_price, current_price, self.base, tao_reserve)

    def base_delta_in(self, current_price: int, target_price: int, alpha_reserve: int) -> int:
        """``calculate_base_delta_in``: alpha to pay in to push the price down to ``target``: x·((p/p')^w2 − 1)."""
        return self._delta_to_price(current_price, target_price, self.quote, alpha_reserve)

    def base_needed_for_quote(self, tao_reserve: int, alpha_reserve: int, delta_tao: int) -> int:
        """``get_base_needed_for_quote``: alpha to sell to get ``delta_tao`` out: x·((y/(y−∆y))^(w2/w1) − 1)."""
        e = self.exp_scaled(tao_reserve, -delta_tao, False)
        return fixed.to_int(fixed.mul(fixed.from_int(alpha_reserve, F), max(e - ONE, 0), F), F)

    def with_added_liquidity(self, tao_reserve: int, alpha_reserve: int, tao_delta: int,
                             alpha_delta: int) -> Balancer | None:
        """``update_weights_for_added_liquidity``: new weights keeping the price; None if out of range.

        new w2 = w2·x·(y+∆y) / (w1·y·(x+∆x) + w2·x·(y+∆y)), each product rounded to nearest.
        """
        q1 = mul_perquintill_round(self.base, tao_reserve * (alpha_reserve + alpha_delta))
        q2 = mul_perquintill_round(self.quote, alpha_reserve * (tao_reserve + tao_delta))
        total = q1 + q2
        quote = perquintill_from_rational(q2, total) if total else HALF
        return Balancer(quote) if weights_valid(quote) else None


def price_float(price_bits: int) -> float:
    """A U64F64 price as TAO per alpha, for display."""
    return fixed.to_float(price_bits, F)


def price_from_rao(price_rao_per_alpha: int) -> int:
    """A user's limit price given in rao per alpha, as the swap pallet reads it (``impls.rs`` ``swap``)."""
    return fixed.ratio(price_rao_per_alpha, 1_000_000_000, F)
