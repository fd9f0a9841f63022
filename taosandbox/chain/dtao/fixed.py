"""The chain's fixed-point numbers, emulated exactly on Python ints.

subtensor computes with ``substrate_fixed`` types: ``U64F64`` (64 fraction bits, pools and shares),
``U96F32`` / ``I96F32`` (32 fraction bits, the coinbase) and ``I64F64``. A value is held here as its raw
bits, an int ``v`` meaning ``v / 2**frac``. Like the chain:

- a whole number converts exactly (``from_int``);
- ``mul`` keeps the top bits of the double-width product (rounds toward minus infinity);
- ``div`` rounds toward zero and gives 0 when dividing by zero (``safe_math``'s ``safe_div``);
- ``to_int`` drops the fraction (``saturating_to_num::<u64>``).

Saturation at the type's maximum is not modelled: sandbox amounts stay far below 2**64 rao.
"""

from __future__ import annotations

U64F64 = 64
"""Fraction bits of ``U64F64`` / ``I64F64``."""
U96F32 = 32
"""Fraction bits of ``U96F32`` / ``I96F32``."""


def from_int(n: int, frac: int) -> int:
    """``Fixed::saturating_from_num(n)`` for a whole number: exact."""
    return n << frac


def from_float(x: float, frac: int) -> int:
    """``Fixed::from_num(x)`` for a float literal (tests and defaults): nearest representable value."""
    return round(x * (1 << frac))


def one(frac: int) -> int:
    return 1 << frac


def mul(a: int, b: int, frac: int) -> int:
    """``a.saturating_mul(b)``."""
    return (a * b) >> frac


def div(a: int, b: int, frac: int) -> int:
    """``a.safe_div(b)``: 0 when ``b`` is 0, otherwise the quotient rounded toward zero."""
    if b > 0 and a >= 0:
        return (a << frac) // b
    if b == 0:
        return 0
    q = (abs(a) << frac) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def ratio(num: int, den: int, frac: int) -> int:
    """``from_int(num).safe_div(from_int(den))`` in one step."""
    return div(from_int(num, frac), from_int(den, frac), frac)


def to_int(a: int, frac: int) -> int:
    """``saturating_to_num::<u64>()``: the whole part, 0 for a negative value."""
    return a >> frac if a > 0 else 0


def convert(a: int, frac_from: int, frac_to: int) -> int:
    """Between types (``U96F32::saturating_from_num(u64f64)``): extra fraction bits are dropped."""
    if frac_to >= frac_from:
        return a << (frac_to - frac_from)
    return a >> (frac_from - frac_to)


def to_float(a: int, frac: int) -> float:
    """For display and for the float-only rules (flow shares)."""
    return a / (1 << frac)
