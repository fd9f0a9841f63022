"""Ledger: integer rao, staking, delegation drains (YUMA_SPEC §5) and conservation."""

import json

import pytest

from taosandbox.chain.errors import ChainError
from taosandbox.chain.ledger import Ledger
from taosandbox.chain.units import tao_to_rao
from taosandbox.paths import yuma_reference_cases


def make() -> Ledger:
    ledger = Ledger()
    for ck in ("owner", "alice", "bob"):
        ledger.create_coldkey(ck, tao_to_rao(1000))
    ledger.create_hotkey("owner", "hk", 11796)
    return ledger


def test_reference_delegation_example_pays_exactly():
    example = json.loads(yuma_reference_cases().read_text())["cases"][0]["delegation_example"]
    ledger = Ledger()
    stakes = example["stakes_rao"]
    for ck in stakes:
        ledger.create_coldkey(ck)
    ledger.create_hotkey("owner_coldkey", "hk", example["take_u16"])
    for ck, amount in stakes.items():
        ledger.mint_stake(ck, "hk", amount)  # held since before the last drain: it all counts
    v = example["validator_emission_rao"]
    ledger.mint_pending(v)
    ledger.accrue(v)
    paid = ledger.drain("hk", v, example["mining_emission_rao"])
    assert paid.payouts == example["payout_rao"]
    assert ledger.conservation_gap() == 0


def test_take_goes_to_owner_and_rest_pro_rata():
    """drain_hotkey_emission (coinbase/run_coinbase.rs v1.2.5) on V = 65535 rao at take 11796:
    take = floor(floor(11796·2^64/65535)·65535 / 2^64) = 11795 (I64F64 truncates 11796/65535, so
    one rao below the exact 11796); rest 53740; alice holds 3/4: floor(floor(2^64·3/4)·53740/2^64)
    = 40305; the owner gets 11795 + 13435."""
    ledger = make()
    ledger.mint_stake("owner", "hk", tao_to_rao(100))
    ledger.mint_stake("alice", "hk", tao_to_rao(300))
    ledger.mint_pending(65535)
    ledger.accrue(65535)
    paid = ledger.drain("hk", 65535, 0)
    assert paid.take_rao == 11795
    assert paid.payouts == {"alice": 40305, "owner": 11795 + 13435}
    # All of it is restaked: the stakes grew by the payouts.
    assert ledger.stake_of("alice", "hk") == tao_to_rao(300) + paid.payouts["alice"]
    assert ledger.conservation_gap() == 0


def test_stake_added_since_the_previous_drain_does_not_count():
    ledger = make()
    ledger.mint_stake("owner", "hk", tao_to_rao(100))
    ledger.add_stake("bob", "hk", tao_to_rao(900))  # since the last drain: not counted yet
    ledger.mint_pending(1000)
    ledger.accrue(1000)
    paid = ledger.drain("hk", 1000, 0)
    assert "bob" not in paid.payouts
    assert paid.payouts["owner"] == 1000
    ledger.mint_pending(1000)
    ledger.accrue(1000)
    paid = ledger.drain("hk", 1000, 0)
    assert paid.payouts["bob"] > 0


def test_mining_emission_goes_entirely_to_the_owner():
    ledger = make()
    ledger.mint_stake("alice", "hk", tao_to_rao(10))
    ledger.mint_pending(5000)
    ledger.accrue(5000)
    paid = ledger.drain("hk", 0, 5000)
    assert paid.payouts == {"owner": 5000}


def test_burn_lowers_issuance_and_counts_as_recycled():
    ledger = make()
    before = ledger.total_issuance
    ledger.burn("alice", tao_to_rao(1))
    assert ledger.total_issuance == before - tao_to_rao(1)
    assert ledger.recycled == tao_to_rao(1)
    assert ledger.conservation_gap() == 0


@pytest.mark.parametrize("call, code", [
    (lambda l: l.add_stake("alice", "hk", -5), "bad_amount"),
    (lambda l: l.add_stake("alice", "hk", 0), "bad_amount"),
    (lambda l: l.add_stake("alice", "hk", 1.5), "bad_amount"),
    (lambda l: l.add_stake("alice", "nope", 5), "unknown_hotkey"),
    (lambda l: l.add_stake("carol", "hk", 5), "unknown_coldkey"),
    (lambda l: l.add_stake("alice", "hk", tao_to_rao(5000)), "insufficient_balance"),
    (lambda l: l.remove_stake("alice", "hk", 1), "insufficient_stake"),
    (lambda l: l.burn("alice", tao_to_rao(2000)), "insufficient_balance"),
    (lambda l: l.create_hotkey("alice", "hk", 0), "hotkey_taken"),
    (lambda l: l.drain("hk", 10, 0), "overdraw"),
])
def test_bad_calls_are_refused_and_change_nothing(call, code):
    ledger = make()
    before = (dict(ledger.free), dict(ledger.stake), ledger.total_issuance)
    with pytest.raises(ChainError) as info:
        call(ledger)
    assert info.value.code == code
    assert (dict(ledger.free), dict(ledger.stake), ledger.total_issuance) == before
