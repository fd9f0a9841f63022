"""``SafeInt::pow_ratio_scaled`` of the ``safe-bigmath`` crate, transcribed to Python ints.

subtensor's balancer raises reserve ratios to the weight ratio with this function
(``pallets/swap/src/pallet/balancer.rs``, crate ``sam0x17/safe-bigmath`` at rev
013c49984910e1c9a23289e8c85e7a856e263a02, ``src/integer.rs``). Python's ``//`` is the crate's
``div_floor``; ``div_rem`` truncates toward zero and is written out. Results are bit-identical.

Two paths, as upstream:
- the exponent ``p/q`` reduced by its gcd has ``p, q <= 1024``: exact,
  ``floor((num^p · scale^q / den^p)^(1/q))`` by integer root search (w1 = w2 = 0.5 gives p = q = 1);
- otherwise fixed-point ``exp(p/q · (ln num − ln den))`` by Taylor series with 24 guard bits.
"""

from __future__ import annotations

import decimal
from functools import lru_cache
from math import gcd, isqrt

DEFAULT_MAX_ITERS = 4096
MAX_EXACT_EXPONENT = 1024
GUARD_BITS = 24


def _div_trunc(a: int, b: int) -> tuple[int, int]:
    """``BigInt::div_rem``: quotient rounded toward zero, remainder with the sign of ``a``."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


def _round_to_precision(value: int, guard_factor: int) -> int:
    truncated, remainder = _div_trunc(value, guard_factor)
    if remainder != 0 and (abs(remainder) << 1) >= abs(guard_factor):
        truncated += 1 if remainder > 0 else -1
    return truncated


def _nth_root_ratio_floor(target_num: int, target_den: int, q: int) -> int:
    """Largest r with r^q · den <= num."""
    if q == 0:
        return 0
    if q == 1:
        return target_num // target_den
    if q == 2:  # floor(sqrt(a/b)) == isqrt(floor(a/b)); same answer as the search below, faster
        return isqrt(target_num // target_den)
    low, high = 0, 1
    while high**q * target_den <= target_num:
        high <<= 1
    while low < high:
        mid = (low + high + 1) >> 1
        if mid**q * target_den <= target_num:
            low = mid
        else:
            high = mid - 1
    return low


def _ln1p_fixed(x_fp: int, scale: int, guard_factor: int, max_iters: int) -> int:
    term = x_fp
    result = term
    prev_rounded = _round_to_precision(result, guard_factor)
    for n in range(2, max_iters + 1):
        term = (term * x_fp) // scale
        if term == 0:
            break
        nxt = term // n
        if nxt == 0:
            break
        if n % 2 == 0:
            result -= nxt
        else:
            result += nxt
        rounded = _round_to_precision(result, guard_factor)
        if abs(nxt) < guard_factor or rounded == prev_rounded:
            break
        prev_rounded = rounded
    return result


def _exp_fixed(x_fp: int, scale: int, guard_factor: int, max_iters: int) -> int:
    term = scale
    result = term
    prev_rounded = _round_to_precision(result, guard_factor)
    for n in range(1, max_iters + 1):
        term = (term * x_fp) // (scale * n)
        if term == 0:
            break
        result += term
        rounded = _round_to_precision(result, guard_factor)
        if abs(term) < guard_factor or rounded == prev_rounded:
            break
        prev_rounded = rounded
    return result


@lru_cache(maxsize=8)
def _ln_two(internal_scale: int, guard_factor: int, max_iters: int) -> int:
    # ln(2) = -ln(1 - 1/2), as upstream computes it on every call (cached: it depends on the scale only)
    return -_ln1p_fixed(-(internal_scale >> 1), internal_scale, guard_factor, max_iters)


def _ln_biguint(value: int, internal_precision: int, internal_scale: int, guard_factor: int,
                ln_two: int, max_iters: int) -> int:
    if value == 0:
        return 0
    shift = max(value.bit_length() - 1, 0)
    mantissa = (value << internal_precision) >> shift
    # keep the mantissa in [0.5, 1.5) for fast ln1p convergence
    if mantissa >= internal_scale + (internal_scale >> 1):
        mantissa >>= 1
        shift += 1
    return _ln1p_fixed(mantissa - internal_scale, internal_scale, guard_factor, max_iters) + ln_two * shift


def _exponent(exp_num: int, exp_den: int) -> tuple[int, int]:
    g = gcd(exp_num, exp_den)
    return (exp_num // g, exp_den // g) if g > 1 else (exp_num, exp_den)


def pow_ratio_scaled(base_num: int, base_den: int, exp_num: int, exp_den: int, precision: int,
                     scale: int) -> int | None:
    """``(base_num / base_den) ^ (exp_num / exp_den) · scale``, floored; None where upstream gives None."""
    if base_den == 0 or exp_den == 0:
        return None
    if base_num == 0:
        return 0
    if scale < 0 or base_num < 0 or base_den < 0 or exp_num < 0 or exp_den < 0:
        return None
    if exp_num == 0:
        return scale
    exp_num, exp_den = _exponent(exp_num, exp_den)
    if exp_num <= MAX_EXACT_EXPONENT and exp_den <= MAX_EXACT_EXPONENT:
        target_num = base_num**exp_num * scale**exp_den
        target_den = base_den**exp_num
        return _nth_root_ratio_floor(target_num, target_den, exp_den)

    scale_bits = scale.bit_length()
    requested_precision = max(precision, 32, scale_bits + 8)
    internal_precision = requested_precision + GUARD_BITS
    max_iters = max(min(DEFAULT_MAX_ITERS, internal_precision + 128), 1)
    target_scale = 1 << requested_precision
    guard_factor = 1 << GUARD_BITS
    internal_scale = target_scale << GUARD_BITS
    ln_two = _ln_two(internal_scale, guard_factor, max_iters)
    ln_num = _ln_biguint(base_num, internal_precision, internal_scale, guard_factor, ln_two, max_iters)
    ln_den = _ln_biguint(base_den, internal_precision, internal_scale, guard_factor, ln_two, max_iters)
    ln_scaled = ((ln_num - ln_den) * exp_num) // exp_den
    exp_fp = _exp_fixed(ln_scaled, internal_scale, guard_factor, max_iters)
    exp_requested = _round_to_precision(exp_fp, guard_factor)
    return (exp_requested * scale) // target_scale


_DECIMAL = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)
_MARGIN = decimal.Decimal("1e-30")
_RELATIVE_MARGIN = decimal.Decimal("1e-50")
"""60 digits hold a value to ~1e-58 of itself: a value with many integer digits (a large ratio to a
large power, times ``scale``) is only known to within that much, whatever its distance to a whole."""


def pow_ratio_scaled_fast(base_num: int, base_den: int, exp_num: int, exp_den: int, precision: int,
                          scale: int) -> int | None:
    """``pow_ratio_scaled`` with the same result, ~10x faster on the series path.

    The series path is accurate to ~2^-250 relative, far below the 1/scale step of its floored result.
    Here the power is taken in 60-digit decimal arithmetic (error ~1e-58 relative); when that value
    times ``scale`` lies more than 1e-30 (and more than 1e-50 of itself) from a whole number, both floor
    to the same integer. Closer to a boundary, the exact series decides. ``tests/chain/dtao/test_bigmath.py`` checks the two agree.
    """
    if base_den <= 0 or exp_den <= 0 or base_num <= 0 or scale < 0 or exp_num <= 0:
        return pow_ratio_scaled(base_num, base_den, exp_num, exp_den, precision, scale)
    p, q = _exponent(exp_num, exp_den)
    if p <= MAX_EXACT_EXPONENT and q <= MAX_EXACT_EXPONENT:
        return pow_ratio_scaled(base_num, base_den, exp_num, exp_den, precision, scale)
    ctx = _DECIMAL
    value = ctx.multiply(
        ctx.power(ctx.divide(decimal.Decimal(base_num), decimal.Decimal(base_den)),
                  ctx.divide(decimal.Decimal(p), decimal.Decimal(q))),
        decimal.Decimal(scale),
    )
    floor = value.to_integral_value(rounding=decimal.ROUND_FLOOR)
    margin = max(_MARGIN, value * _RELATIVE_MARGIN)
    if value - floor < margin or floor + 1 - value < margin:
        return pow_ratio_scaled(base_num, base_den, exp_num, exp_den, precision, scale)
    return int(floor)
