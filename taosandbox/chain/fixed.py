"""The chain's fixed-point arithmetic where its rounding shows in rao (subtensor v1.2.5).

subtensor computes money with ``substrate_fixed`` types: ``I64F64`` in ``drain_hotkey_emission``,
``I96F32`` for the subnet owner cut in ``run_coinbase``, ``I110F18`` in ``upgraded_burn``. A value is
held as ``bits = value · 2^F``; for the non-negative amounts used here every operation floors:

* ``from_num(n)``: ``n << F``;
* ``a / b``: ``(a_bits << F) // b_bits``;
* ``a * b``: ``(a_bits · b_bits) >> F``;
* ``to_num::<u64>()``: ``bits >> F``.

The functions below are those expressions written out with Python integers, so they agree with the
chain to the rao.
"""

from __future__ import annotations

from fractions import Fraction

from taosandbox.chain.units import U16_MAX

U64_MAX = 2**64 - 1


def _check(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a non-negative whole number, got {value!r}")


def u16_share_i64f64(amount: int, part: int) -> int:
    """``(I64F64(part) / I64F64(u16::MAX) * I64F64(amount)).to_num::<u64>()``: a hotkey's take of
    ``amount`` (``drain_hotkey_emission``, step 4, ``run_coinbase.rs`` v1.2.5)."""
    _check(amount, "amount")
    _check(part, "part")
    proportion = (part << 64) // U16_MAX
    return (proportion * amount) >> 64


def pro_rata_i64f64(amount: int, held: int, total: int) -> int:
    """``(I64F64(held) / I64F64(total) * I64F64(amount)).to_num::<u64>()``, 0 when ``total`` is 0:
    one nominator's share (``drain_hotkey_emission``, step 10, ``run_coinbase.rs`` v1.2.5)."""
    _check(amount, "amount")
    _check(held, "held")
    _check(total, "total")
    if total == 0:
        return 0
    proportion = (held << 64) // total
    return (proportion * amount) >> 64


def u16_share_i96f32(amount: int, part: int) -> int:
    """``(I96F32(amount) * (I96F32(part) / I96F32(u16::MAX))).to_num::<u64>()``: the subnet owner
    cut (``run_coinbase`` step 4.6.1, ``run_coinbase.rs`` v1.2.5). 15 rao below the exact floor on
    361 τ at 11796."""
    _check(amount, "amount")
    _check(part, "part")
    proportion = (part << 32) // U16_MAX
    return (amount * proportion) >> 32


def adjustment_alpha_u64(beta: float) -> int:
    """The u64 the chain stores for a burn adjustment alpha written as a fraction: ``floor(beta ·
    u64::MAX)`` of the decimal as written (0.97 → 17_893_341_751_498_265_066, ``init_new_network``,
    ``coinbase/root.rs`` v1.2.5)."""
    if not 0.0 <= beta <= 1.0:
        raise ValueError(f"adjustment alpha must lie in [0, 1], got {beta!r}")
    return int(Fraction(repr(float(beta))) * U64_MAX)


def upgraded_burn(burn: int, regs: int, target: int, alpha_u64: int, min_burn: int, max_burn: int) -> int:
    """The next registration burn in ``I110F18`` (``upgraded_burn``, ``coinbase/block_step.rs``
    v1.2.5)::

        updated = burn · (regs + target) / (2 · target)
        alpha   = alpha_u64 / u64::MAX                 (truncated to 18 fractional bits)
        next    = alpha · burn + (1 - alpha) · updated, clamped to [min_burn, max_burn]
    """
    for value, what in ((burn, "burn"), (regs, "registrations"), (alpha_u64, "alpha"),
                        (min_burn, "min_burn"), (max_burn, "max_burn")):
        _check(value, what)
    if isinstance(target, bool) or not isinstance(target, int) or target <= 0:
        raise ValueError(f"target registrations must be a positive whole number, got {target!r}")
    f = 18
    updated = ((burn * (regs + target)) << f) // (2 * target)
    alpha = (alpha_u64 << f) // U64_MAX
    next_bits = alpha * burn + ((((1 << f) - alpha) * updated) >> f)
    if next_bits >= max_burn << f:
        return max_burn
    if next_bits <= min_burn << f:
        return min_burn
    return next_bits >> f
