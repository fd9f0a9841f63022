"""Hotkey drains as subtensor v1.2.5 pays them (``drain_hotkey_emission``, coinbase/run_coinbase.rs).

Every number below is worked by hand from that function: take = floor(floor(take·2^64/65535)·V/2^64),
each staker gets floor(floor(viable·2^64/total)·(V - take)/2^64) with viable = stake - max(delta, 0),
where delta is the net stake change since the hotkey's last drain, cleared after the payouts.
"""

from taosandbox.chain.hyperparams import SANDBOX
from taosandbox.chain.ledger import Ledger, drain_slot
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import tao_to_rao

V = tao_to_rao(10)


def owner_and_nominator() -> Ledger:
    """An owner with 100 τ and a nominator with 300 τ on one hotkey at the default 18% take, both held
    since before the last drain."""
    ledger = Ledger()
    ledger.create_coldkey("owner")
    ledger.create_coldkey("nom")
    ledger.create_hotkey("owner", "hk", 11796)
    ledger.delegates.add("hk")
    ledger.mint_stake("owner", "hk", tao_to_rao(100))
    ledger.mint_stake("nom", "hk", tao_to_rao(300))
    return ledger


def drain(ledger: Ledger, amount: int = V):
    ledger.mint_pending(amount)
    ledger.accrue(amount)
    return ledger.drain("hk", amount, 0)


def test_emission_restaked_at_one_drain_counts_at_the_next():
    """Drain 1 on V = 10 τ: take 1_799_954_222, rest 8_200_045_778; the nominator holds 3/4:
    floor(rest · 3/4) = 6_150_034_333; the owner 1/4 = 2_050_011_444 plus the take plus 1 rao dust.
    Stakes after: owner 103_849_965_667, nominator 306_150_034_333 (410 τ in all). The deltas are
    cleared after the payouts, so drain 2 counts the restaked rao: the nominator gets
    floor(rest · 306_150_034_333 / 410e9) = 6_123_034_869 (the old "stake at the previous drain, taken
    before its payouts" rule paid 6_150_034_333 again: 26_999_464 rao too much)."""
    ledger = owner_and_nominator()
    first = drain(ledger)
    assert first.take_rao == 1_799_954_222
    assert first.payouts == {"nom": 6_150_034_333, "owner": 1_799_954_222 + 2_050_011_444 + 1}
    assert ledger.stake_of("owner", "hk") == 103_849_965_667
    assert ledger.stake_of("nom", "hk") == 306_150_034_333
    second = drain(ledger)
    assert second.payouts == {"nom": 6_123_034_869, "owner": V - 6_123_034_869}
    assert ledger.conservation_gap() == 0


def test_unstaking_and_staking_back_before_the_drain_changes_nothing():
    """Unstake 100 τ then stake 100 τ back: the net delta since the last drain is 0, so all 300 τ
    count (do_remove_stake / do_add_stake track StakeDeltaSinceLastEmissionDrain); the payouts are those
    of an untouched nominator: 6_150_034_333 of V = 10 τ."""
    ledger = owner_and_nominator()
    ledger.remove_stake("nom", "hk", tao_to_rao(100))
    ledger.add_stake("nom", "hk", tao_to_rao(100))
    assert ledger.stake_delta == {}
    assert drain(ledger).payouts["nom"] == 6_150_034_333


def test_stake_added_since_the_drain_waits_and_unstaked_stake_is_simply_gone():
    """The nominator adds 100 τ (delta +100 τ: viable 300 of 500 τ total, 400 viable): its share is
    floor(rest · 300/400) = 6_150_034_333, the new 100 τ earns nothing yet, and the owner ends with
    103_849_965_667. Then it unstakes back to 200 τ (a negative delta: get_nonviable_stake is 0, so
    viable = the stake now): floor(floor(200e9 · 2^64 / 303_849_965_667) · 8_200_045_778 / 2^64)
    = 5_397_430_774."""
    ledger = owner_and_nominator()
    ledger.mint("nom", tao_to_rao(100))
    ledger.add_stake("nom", "hk", tao_to_rao(100))
    assert drain(ledger).payouts["nom"] == 6_150_034_333
    ledger.remove_stake("nom", "hk", tao_to_rao(200) + 6_150_034_333)  # back to 200 τ, delta −(100 τ + payout)
    assert ledger.stake_of("nom", "hk") == tao_to_rao(200)
    assert ledger.stake_of("owner", "hk") == 103_849_965_667
    assert drain(ledger).payouts["nom"] == 5_397_430_774


def test_a_hotkey_with_nothing_accrued_is_not_drained_and_keeps_its_deltas():
    """run_coinbase step 5 skips hotkeys whose PendingdHotkeyEmission is 0, so their deltas stay."""
    ledger = owner_and_nominator()
    ledger.create_coldkey("late", tao_to_rao(50))
    ledger.add_stake("late", "hk", tao_to_rao(50))
    assert ledger.drain("hk", 0, 0) is None
    assert ledger.stake_delta == {("late", "hk"): tao_to_rao(50)}
    assert "late" not in drain(ledger).payouts


def test_genesis_stake_counts_at_the_first_drain():
    """A scenario's stakes were held before block 0 (Ledger.mint_stake: no delta), so the very first
    drain pays the nominator its 3/4: 6_150_034_333 of V = 10 τ (before, all of it went to the owner)."""
    ledger = owner_and_nominator()
    assert ledger.stake_delta == {}
    assert drain(ledger).payouts["nom"] == 6_150_034_333


def test_a_pruned_validators_leftover_emission_drains_later_to_the_owner():
    """replace_neuron (subnets/uids.rs v1.2.5) returns every stake on the pruned hotkey at once; its
    PendingdHotkeyEmission stays and drains at the hotkey's own slot with no stake behind it, so
    drain_hotkey_emission gives the owner take + rest (all of it) and nominators nothing."""
    sub = Subnet(SANDBOX.replace(max_allowed_uids=1, immunity_period=0, hotkey_emission_tempo=50))
    for ck in ("alice", "bob", "carol"):
        sub.ledger.create_coldkey(ck, tao_to_rao(1000))
    sub.register("alice", "a1")
    sub.become_delegate("alice", "a1", 11796)
    sub.add_stake("bob", "a1", tao_to_rao(50))
    sub.metagraph.validator_permit[0] = True
    sub.step()
    sub.set_weights("a1", [0], [1.0])
    period = 51
    slot = drain_slot("a1", period)
    while sub.block % period == slot or not sub.accrued[0].sum():
        sub.step()
    validator, mining = (int(x) for x in sub.accrued[0])
    left = validator + mining
    bob_earned = sub.ledger.earned.get("bob", 0)
    sub.register("carol", "c1")  # prunes a1
    assert sub.ledger.balance("bob") == tao_to_rao(1000) + bob_earned  # stake back at once
    assert sub.orphaned == {"a1": [validator, mining]}
    assert sub.pending_for("a1") == left
    alice_before = sub.ledger.stake_of("alice", "a1")
    while "a1" in sub.orphaned:
        sub.step()
        assert sub.ledger.conservation_gap() == 0
    assert sub.block % period == slot
    assert sub.ledger.stake_of("alice", "a1") == alice_before + left
    assert sub.ledger.earned.get("bob", 0) == bob_earned  # nominators get none
