"""One definition of "earned", shown the same way everywhere (issue 15 item 10).

*Earned* is what the network has paid out: credited at a hotkey's drain (and restaked). *Pending* is
what epochs have already assigned but the next drain has not paid yet (YUMA_SPEC §5: emission accrues
per hotkey and is paid to its stakers every ``hotkey_emission_tempo`` blocks). The header shows the
player's coldkey; the role panels show one UID; both with this wording.
"""

from __future__ import annotations

from taosandbox.chain.units import format_tao


def earned_text(paid_rao: int, pending_rao: int = 0, blocks_to_drain: int | None = None) -> str:
    """``earned 1.0000 τ (+2.1100 τ pending, paid in 12 blocks)`` as markup; no brackets when nothing waits."""
    text = f"earned [b $text-success]{format_tao(paid_rao)}[/]"
    if pending_rao:
        when = f", paid in {blocks_to_drain} block{'s' if blocks_to_drain != 1 else ''}" if blocks_to_drain else ""
        text += f" (+{format_tao(pending_rao)} pending{when})"
    return text


def uid_earned_text(row) -> str:
    """``earned_text`` for one UID of the metagraph: paid so far, and what waits for its drain."""
    pending = int(row.accrued_rao)
    return earned_text(max(0, int(row.emission_total_rao) - pending), pending, row.blocks_to_drain)
