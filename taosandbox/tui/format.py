"""Plain-text formatting shared by the widgets (no Textual here, so tests can call it directly)."""

from __future__ import annotations

from taosandbox.chain.units import BLOCK_SECONDS, BLOCKS_PER_DAY, RAO_PER_TAO, format_tao, rao_to_tao


def sim_clock(seconds: int) -> str:
    """Simulated time since block 0: ``8076`` -> ``'day 0 02:14:36'``."""
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"day {days} {hours:02d}:{minutes:02d}:{secs:02d}"


def blocks_as_time(blocks: int) -> str:
    """How long ``blocks`` take at 12 s each, in the largest sensible unit."""
    seconds = blocks * BLOCK_SECONDS
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.1f} days"


WHOLE_TAO_FROM = 100_000 * RAO_PER_TAO
"""From 100,000 τ up amounts show as whole TAO: the sandbox's validators hold hundreds of thousands,
and their cents only crowd a line."""


def tao_text(rao: int, decimals: int = 2) -> str:
    """An amount with its unit for a status line: ``'6,032,379 τ'``, ``'12.35 τ'``."""
    return format_tao(rao, 0 if rao >= WHOLE_TAO_FROM else decimals)


def tao_cell(rao: int, width: int) -> str:
    """TAO for a table cell of ``width``, without the unit: two decimals, or whole TAO from 100,000 τ up
    or when the decimals do not fit (``1,800,000`` rather than a cut ``1,800,000.``)."""
    text = f"{rao_to_tao(rao):,.2f}"
    return text if len(text) <= width and rao < WHOLE_TAO_FROM else f"{rao_to_tao(rao):,.0f}"


def per_day(rao_per_block: int) -> int:
    return rao_per_block * BLOCKS_PER_DAY


def short_hotkey(hotkey: str, width: int = 14) -> str:
    return hotkey if len(hotkey) <= width else hotkey[: width - 1] + "…"


def fee_rao(snapshot, kind: str) -> int:
    """The transaction fee for an action of ``kind`` in this world (0 when free or not a transaction)."""
    fees = snapshot.extra.get("fees") or {}
    return int(fees.get("fee_rao", 0)) if kind in fees.get("transactions", ()) else 0


def fee_note(snapshot) -> str:
    """One sentence for a form: what each transaction costs here, or '' when transactions are free."""
    fees = snapshot.extra.get("fees") or {}
    fee = int(fees.get("fee_rao", 0))
    return f" Each transaction also pays a [b]{format_tao(fee)}[/] fee (burned)." if fee else ""


def spending_text(player) -> str:
    """What the player spent (burns, fees) next to what the network paid, for the earnings line."""
    spent = []
    if player.spent_burn_rao:
        spent.append(f"burned {format_tao(player.spent_burn_rao)}")
    if player.spent_fees_rao:
        spent.append(f"fees {format_tao(player.spent_fees_rao)}")
    return f"  spent: {', '.join(spent)}" if spent else ""
