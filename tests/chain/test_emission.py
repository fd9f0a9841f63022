"""Block emission and halvings (YUMA_SPEC §2) against the reference schedule and hand-worked numbers."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taosandbox.chain.emission import (block_emission, blocks_to_next_halving, halving_index,
                                       halving_progress, halving_threshold, next_halving_threshold)
from taosandbox.chain.units import RAO_PER_TAO, TOTAL_SUPPLY_RAO
from taosandbox.paths import yuma_reference_cases



def reference() -> dict:
    return json.loads(yuma_reference_cases().read_text())


def test_reference_schedule_vectors():
    schedule = reference()["block_emission_schedule"]
    for v in schedule["vectors"]:
        assert halving_index(v["total_issuance_rao"]) == v["halving_index"]
        assert block_emission(v["total_issuance_rao"]) == v["block_emission_rao"]
    for k, threshold in schedule["halving_thresholds_rao"].items():
        assert halving_threshold(int(k)) == threshold


def test_first_halving_is_at_ten_and_a_half_million_tao():
    threshold = 10_500_000 * RAO_PER_TAO
    assert block_emission(threshold - 1) == RAO_PER_TAO
    assert block_emission(threshold) == RAO_PER_TAO // 2
    assert next_halving_threshold(0) == threshold
    assert next_halving_threshold(threshold) == 15_750_000 * RAO_PER_TAO


def test_blocks_to_next_halving_at_the_current_rate():
    assert blocks_to_next_halving(0) == 10_500_000
    assert blocks_to_next_halving(10_500_000 * RAO_PER_TAO - 1) == 1
    assert blocks_to_next_halving(10_499_000 * RAO_PER_TAO) == 1000
    # After the first halving the rate is 0.5 TAO: 5.25M TAO to go takes 10.5M blocks.
    assert blocks_to_next_halving(10_500_000 * RAO_PER_TAO) == 10_500_000


def test_cap():
    assert block_emission(TOTAL_SUPPLY_RAO) == 0
    assert halving_index(TOTAL_SUPPLY_RAO) is None
    assert next_halving_threshold(TOTAL_SUPPLY_RAO) is None
    assert blocks_to_next_halving(TOTAL_SUPPLY_RAO) is None


def test_halving_progress_brackets_the_issuance():
    million = 1_000_000 * RAO_PER_TAO
    assert halving_progress(0) == (0, 10 * million + million // 2, 0)
    assert halving_progress(12 * million) == (10 * million + million // 2, 15 * million + 3 * million // 4, 1)
    # One rao below the cap: 54 halvings done, the 55th (at the cap itself) next; at the cap all 55 done.
    assert halving_progress(TOTAL_SUPPLY_RAO - 1) == (TOTAL_SUPPLY_RAO - 1, TOTAL_SUPPLY_RAO, 54)
    assert halving_progress(TOTAL_SUPPLY_RAO) == (TOTAL_SUPPLY_RAO, TOTAL_SUPPLY_RAO, 55)


def test_negative_issuance_is_refused():
    with pytest.raises(ValueError):
        halving_index(-1)


@given(st.integers(0, TOTAL_SUPPLY_RAO), st.integers(0, TOTAL_SUPPLY_RAO))
def test_emission_never_increases_as_issuance_grows(a, b):
    low, high = sorted((a, b))
    assert block_emission(high) <= block_emission(low)


@given(st.integers(0, TOTAL_SUPPLY_RAO - 1))
def test_emission_matches_the_spec_formula(issuance):
    # k = floor(log2(S / (S - I))), evaluated exactly with integers.
    left = TOTAL_SUPPLY_RAO - issuance
    k = 0
    while (left << (k + 1)) <= TOTAL_SUPPLY_RAO:
        k += 1
    assert halving_index(issuance) == k
    assert block_emission(issuance) == RAO_PER_TAO // 2**k


@given(st.integers(0, TOTAL_SUPPLY_RAO))
def test_minting_one_block_never_passes_the_cap(issuance):
    assert issuance + block_emission(issuance) <= TOTAL_SUPPLY_RAO
