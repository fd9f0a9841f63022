"""Units: every balance, stake and emission is an integer number of rao (YUMA_SPEC §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

RAO_PER_TAO = 1_000_000_000
"""1 TAO = 10^9 rao."""

TOTAL_SUPPLY_RAO = 21_000_000 * RAO_PER_TAO
"""The hard cap on issuance (``TotalSupply``)."""

BLOCK_SECONDS = 12
"""One block every 12 s (``MILLISECS_PER_BLOCK``)."""

BLOCKS_PER_DAY = 24 * 3600 // BLOCK_SECONDS
"""7200 blocks a day."""

U16_MAX = 65535
"""The chain stores fractions (kappa, take, owner cut, alphas, weight limits) as u16 parts of 65535."""


def tao_to_rao(amount: float | int) -> int:
    """TAO to rao, rounded to the nearest rao: ``2.5`` -> ``2_500_000_000``."""
    return int(round(amount * RAO_PER_TAO))


def rao_to_tao(rao: int | np.ndarray) -> float | np.ndarray:
    """Rao to TAO as a float (or a float array for an array of rao), for display and charts only."""
    return rao / RAO_PER_TAO


def format_tao(rao: int, decimals: int = 4, *, trim: bool = False) -> str:
    """Rao as TAO with a thousands separator: ``1234500000000`` -> ``'1,234.5000 τ'``.

    ``trim`` drops trailing zeros of the fraction: ``format_tao(10**6, 9, trim=True)`` -> ``'0.001 τ'``.
    """
    text = f"{rao / RAO_PER_TAO:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} τ"


def u16_to_float(value: int | np.ndarray) -> float | np.ndarray:
    """A u16 fraction of 65535 as a float (or a float array): ``32767`` -> ``0.49999...``."""
    return value / U16_MAX


def float_to_u16(fraction: float) -> int:
    """A fraction in [0, 1] as the nearest u16 part of 65535: ``0.18`` -> ``11796``."""
    return int(round(fraction * U16_MAX))
