"""Units: every balance, stake and emission is an integer number of rao (YUMA_SPEC §2)."""

from __future__ import annotations

RAO_PER_TAO = 1_000_000_000
"""1 TAO = 10^9 rao."""

TOTAL_SUPPLY_RAO = 21_000_000 * RAO_PER_TAO
"""The hard cap on issuance (``TotalSupply``)."""

BLOCK_SECONDS = 12
"""One block every 12 s (``MILLISECS_PER_BLOCK``)."""

BLOCKS_PER_DAY = 24 * 3600 // BLOCK_SECONDS
"""7200 blocks a day."""

U16_MAX = 65535


def tao(amount: float | int) -> int:
    """TAO to rao, rounded to the nearest rao."""
    return int(round(amount * RAO_PER_TAO))


def to_tao(rao: int) -> float:
    """Rao to TAO as a float, for display only."""
    return rao / RAO_PER_TAO


def format_tao(rao: int, decimals: int = 4) -> str:
    """``1234500000000`` -> ``'1,234.5000 τ'``."""
    return f"{rao / RAO_PER_TAO:,.{decimals}f} τ"


def u16_fraction(value: int) -> float:
    """A u16 fraction of 65535 as a float (kappa, take, owner cut...)."""
    return value / U16_MAX
