"""Block emission and halvings, driven by total issuance (YUMA_SPEC §2).

``k = floor(log2(1 / (1 - I / S)))`` and ``emission = floor(1e9 / 2^k)`` rao, 0 at the cap ``S``. We
evaluate it exactly in integers: ``k`` is the largest integer with ``2^k · (S - I) <= S``. (The chain
uses I96F32 fixed point; only issuance within ~1e-10 of a threshold could differ.)
"""

from __future__ import annotations

from taosandbox.chain.units import RAO_PER_TAO, TOTAL_SUPPLY_RAO

DEFAULT_BLOCK_EMISSION_RAO = RAO_PER_TAO
"""1 TAO per block before the first halving (``DefaultBlockEmission``)."""

ROOT_TEMPO = 100
"""Tempo of the root network (netuid 0), whose epoch set each subnet's block emission in 2024
(``migrate_create_root_network``, v1.2.5): it runs when ``(block + 1) % 101 == 0``."""


def halving_index(total_issuance_rao: int) -> int | None:
    """How many halvings have happened at this issuance; None once the cap is reached."""
    left = TOTAL_SUPPLY_RAO - total_issuance_rao
    if left <= 0:
        return None
    if total_issuance_rao < 0:
        raise ValueError(f"total issuance must not be negative, got {total_issuance_rao}")
    # Largest k with 2^k * left <= S: the bit length of S // left, minus one.
    return (TOTAL_SUPPLY_RAO // left).bit_length() - 1


def block_emission(total_issuance_rao: int) -> int:
    """Rao minted per block at this issuance (§2): 1 TAO halved k times, 0 at the cap."""
    k = halving_index(total_issuance_rao)
    if k is None:
        return 0
    return DEFAULT_BLOCK_EMISSION_RAO >> k


def halving_threshold(k: int) -> int:
    """The issuance (rao) at which halving ``k`` happens: the least I with ``2^k (S - I) <= S``."""
    if k < 0:
        raise ValueError(f"halving index must be >= 0, got {k}")
    return TOTAL_SUPPLY_RAO - (TOTAL_SUPPLY_RAO >> k)


def next_halving_threshold(total_issuance_rao: int) -> int | None:
    """Issuance at which the next halving happens (10.5M, 15.75M, ... TAO); None at the cap."""
    k = halving_index(total_issuance_rao)
    if k is None:
        return None
    return halving_threshold(k + 1)


def blocks_to_next_halving(total_issuance_rao: int) -> int | None:
    """Blocks left to the next halving at the current rate (burns would push it further away)."""
    threshold = next_halving_threshold(total_issuance_rao)
    rate = block_emission(total_issuance_rao)
    if threshold is None or rate == 0:
        return None
    return -(-(threshold - total_issuance_rao) // rate)


def halving_progress(total_issuance_rao: int) -> tuple[int, int, int]:
    """(threshold of the last halving, threshold of the next, halvings so far) at this issuance.

    At the cap every halving the integer schedule has (55 of them) is done and both thresholds are the cap.
    """
    k = halving_index(total_issuance_rao)
    if k is None:
        done = halving_index(TOTAL_SUPPLY_RAO - 1) + 1
        return TOTAL_SUPPLY_RAO, TOTAL_SUPPLY_RAO, done
    return halving_threshold(k), halving_threshold(k + 1), k
