"""The subnet's rules: registration and burn (§6), weights (§7), schedule (§1), owner cut (§3)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.chain.errors import ChainError
from taosandbox.chain.hyperparams import SANDBOX, Hyperparameters
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import RAO_PER_TAO, tao_to_rao


def subnet(**changes) -> Subnet:
    sub = Subnet(SANDBOX.replace(**changes))
    for ck in ("alice", "bob", "carol"):
        sub.ledger.create_coldkey(ck, tao_to_rao(1000))
    return sub


def state(sub: Subnet) -> tuple:
    mg = sub.metagraph
    return (sub.block, sub.burn, dict(sub.ledger.free), dict(sub.ledger.stake), sub.ledger.total_issuance,
            list(mg.hotkeys), mg.weights.tobytes(), mg.last_update.tobytes(), dict(sub.ledger.take))


# ---------------------------------------------------------------- registration (§6)
def test_registration_burns_the_fee_and_lowers_issuance():
    sub = subnet()
    before = sub.ledger.total_issuance
    uid = sub.register("alice", "a1")
    assert uid == 0
    assert sub.ledger.balance("alice") == tao_to_rao(1000) - RAO_PER_TAO
    assert sub.ledger.total_issuance == before - RAO_PER_TAO
    assert sub.ledger.recycled == RAO_PER_TAO
    assert sub.events[-1].kind == "registered"


def test_burn_delays_the_halving():
    from taosandbox.chain.emission import blocks_to_next_halving

    sub = Subnet(SANDBOX, total_issuance=0)
    sub.ledger.create_coldkey("rich", 10_499_990 * RAO_PER_TAO)
    assert blocks_to_next_halving(sub.ledger.total_issuance) == 10
    sub.register("rich", "hk")  # burns 1 TAO
    assert blocks_to_next_halving(sub.ledger.total_issuance) == 11


def test_one_registration_per_block_and_three_per_interval():
    sub = subnet()
    sub.register("alice", "a1")
    with pytest.raises(ChainError) as info:
        sub.register("bob", "b1")
    assert info.value.code == "too_many_registrations"
    sub.step()
    sub.register("bob", "b1")
    sub.step()
    sub.register("carol", "c1")
    sub.step()
    with pytest.raises(ChainError, match="per 360-block interval"):
        sub.register("alice", "a2")


@pytest.mark.parametrize("regs, factor, chain_burn", [(0, 0.985, 9_849_987_030), (1, 1.0, 10_000_000_000),
                                                      (2, 1.015, 10_150_012_969), (3, 1.03, 10_300_025_939)])
def test_burn_adjustment_per_interval(regs, factor, chain_burn):
    """upgraded_burn (coinbase/block_step.rs v1.2.5) in I110F18 on a 10 τ burn, target 1: alpha =
    floor(17_893_341_751_498_265_066 · 2^18 / u64::MAX) = 254279 / 2^18 (0.97 truncated: 0.9699974);
    updated = 1e10 · (regs + 1) / 2; with 0 registrations next = (254279 · 1e10 + 7865 · 5e9) / 2^18
    = 9_849_987_030.6 → 9_849_987_030 rao, 1.3e-6 below the exact 0.985 factor."""
    sub = subnet(adjustment_interval=10, burn=tao_to_rao(10), max_regs_per_block=5)
    for k in range(regs):
        sub.register("alice", f"a{k}")
    for _ in range(10):
        sub.step()
    assert sub.burn == chain_burn
    assert abs(sub.burn / tao_to_rao(10) - factor) < 3e-6  # (1 - factor) · 2.6e-6
    assert sub.regs_this_interval == 0


def test_burn_is_clamped_to_its_bounds():
    sub = subnet(adjustment_interval=1, burn=tao_to_rao(1), min_burn=tao_to_rao(1))
    sub.step()
    assert sub.burn == tao_to_rao(1)


def test_unaffordable_registration_changes_nothing():
    sub = subnet(burn=tao_to_rao(5000))
    before = state(sub)
    with pytest.raises(ChainError) as info:
        sub.register("alice", "a1")
    assert info.value.code == "insufficient_balance"
    assert state(sub) == before


def test_full_subnet_prunes_lowest_score_non_immune_with_ties_to_the_oldest():
    sub = subnet(max_allowed_uids=3, immunity_period=10, max_regs_per_block=5,
                 target_regs_per_interval=5)
    for k, ck in enumerate(("alice", "bob", "carol")):
        sub.register(ck, f"h{k}")
        sub.step()
    sub.metagraph.pruning_score[:3] = [500, 100, 100]
    sub.metagraph.registered_block[:3] = [0, 2, 1]  # uids 1 and 2 tie; uid 2 registered earlier
    for _ in range(20):
        sub.step()
    sub.metagraph.pruning_score[:3] = [500, 100, 100]
    uid = sub.register("alice", "newcomer")
    assert uid == 2
    assert sub.metagraph.hotkeys[2] == "newcomer"
    assert sub.metagraph.pruning_score[2] == 65535  # until the next epoch
    assert [e.kind for e in sub.events[-2:]] == ["pruned", "registered"]


def test_immune_neurons_are_skipped_unless_everyone_is_immune():
    sub = subnet(max_allowed_uids=2, immunity_period=100, max_regs_per_block=5, target_regs_per_interval=5)
    sub.register("alice", "old")
    sub.metagraph.registered_block[0] = -1000  # long past immunity
    sub.register("bob", "young")
    sub.metagraph.pruning_score[:2] = [9000, 1]  # the young one scores lower but is immune
    assert sub.register("carol", "c") == 0
    # Now everyone is immune: the lowest score among all goes.
    sub.metagraph.pruning_score[:2] = [5, 1]
    assert sub.register("alice", "d") == 1


def test_pruned_hotkey_gets_its_stake_back():
    sub = subnet(max_allowed_uids=1, immunity_period=0)
    sub.register("alice", "a1")
    sub.become_delegate("alice", "a1", 11796)
    sub.add_stake("bob", "a1", tao_to_rao(50))
    sub.step()
    sub.register("carol", "c1")
    assert sub.ledger.balance("bob") == tao_to_rao(1000)
    assert sub.ledger.hotkey_stake.get("a1", 0) == 0
    assert sub.ledger.conservation_gap() == 0


# ---------------------------------------------------------------- weights (§7)
def weights_subnet(**changes) -> Subnet:
    sub = subnet(max_regs_per_block=10, target_regs_per_interval=10, **changes)
    for k in range(4):
        sub.register("alice" if k == 0 else "bob", f"h{k}")
    sub.metagraph.validator_permit[:4] = [True, False, False, False]
    sub.metagraph.last_update[:4] = 0
    sub.block = 500
    return sub


def test_weights_are_stored_max_upscaled_to_u16():
    sub = weights_subnet()
    sub.set_weights("h0", [1, 2, 3], [0.5, 0.25, 0.125])
    assert sub.metagraph.weights[0, :4].tolist() == [0, 65535, 32768, 16384]
    assert sub.metagraph.last_update[0] == 500


@pytest.mark.parametrize("args, code", [
    (("h0", [1, 2], [1.0]), "length_mismatch"),
    (("h0", [1, 2, 3, 0, 1], [1] * 5), "too_many_weights"),
    (("h0", [1, 1], [1, 2]), "duplicate_uids"),
    (("h0", [1, 9], [1, 2]), "unknown_uid"),
    (("h0", [1, 2], [1, float("nan")]), "bad_weight"),
    (("h0", [1, 2], [1, -1]), "bad_weight"),
    (("h1", [2, 3], [1, 1]), "no_permit"),
    (("nobody", [1], [1]), "not_registered"),
])
def test_bad_weights_are_refused_and_change_nothing(args, code):
    sub = weights_subnet()
    before = state(sub)
    with pytest.raises(ChainError) as info:
        sub.set_weights(*args)
    assert info.value.code == code
    assert state(sub) == before


def test_rate_limit_counts_from_the_last_update():
    sub = weights_subnet(weights_rate_limit=100)
    sub.set_weights("h0", [1], [1.0])
    sub.block += 99
    with pytest.raises(ChainError) as info:
        sub.set_weights("h0", [1], [1.0])
    assert info.value.code == "rate_limited" and "wait 1 more" in str(info.value)
    sub.block += 1
    sub.set_weights("h0", [1], [1.0])


def test_a_single_self_weight_needs_no_permit():
    sub = weights_subnet()
    sub.set_weights("h1", [1], [1.0])
    assert sub.metagraph.weights[1, 1] == 65535


def test_min_allowed_weights_and_max_weight_limit():
    sub = weights_subnet(min_allowed_weights=2)
    with pytest.raises(ChainError, match="at least 2"):
        sub.set_weights("h0", [1], [1.0])
    sub = weights_subnet(max_weight_limit=32768)
    with pytest.raises(ChainError) as info:
        sub.set_weights("h0", [1, 2], [3.0, 1.0])
    assert info.value.code == "max_weight_exceeded"
    sub.set_weights("h0", [1, 2], [1.0, 1.0])


# ---------------------------------------------------------------- schedule, owner cut (§1, §3)
def test_epoch_runs_every_tempo_blocks_and_pays_the_owner_cut():
    sub = subnet(tempo=3)
    sub.register("alice", "a1")
    epochs = []
    for _ in range(9):
        sub.step()
        epochs += [e.block for e in sub.events if e.kind == "epoch"]
        sub.events.clear()
    assert epochs == [3, 6, 9]
    owner = sub.ledger.balance("subnet-owner")
    # Three epochs of 3 blocks of 1 TAO: each cut is floor(3e9 * 11796 / 65535).
    assert owner == 3 * (3 * RAO_PER_TAO * 11796 // 65535)


def test_tempo_zero_never_runs_the_epoch():
    sub = subnet(tempo=0)
    sub.register("alice", "a1")
    for _ in range(5):
        sub.step()
    assert not any(e.kind == "epoch" for e in sub.events)
    assert sub.ledger.pending_emission == 5 * RAO_PER_TAO


def test_validators_earn_dividends_and_miners_incentive():
    sub = subnet(hotkey_emission_tempo=4)
    sub.register("alice", "val")
    sub.step()
    sub.register("bob", "miner")
    sub.add_stake("alice", "val", tao_to_rao(500))
    sub.metagraph.validator_permit[:2] = True
    sub.step()
    sub.set_weights("val", [1], [1.0])
    for _ in range(20):
        sub.step()
    result = sub.last_epoch
    assert result.incentive.tolist() == [0.0, 1.0]
    assert result.dividends.tolist() == [1.0, 0.0]
    # Both hotkeys were drained at least once: stake grew by what they earned.
    assert sub.ledger.hotkey_stake["miner"] > 0
    assert sub.ledger.hotkey_stake["val"] > tao_to_rao(500)
    assert sub.ledger.conservation_gap() == 0


def test_hyperparameters_refuse_bad_values():
    with pytest.raises(ValueError, match="kappa"):
        Hyperparameters(kappa=70000)
    with pytest.raises(ValueError, match="mechanism"):
        Hyperparameters(mechanism="yuma9")


# ---------------------------------------------------------------- conservation (property)
ops = st.lists(st.tuples(st.sampled_from(["register", "stake", "unstake", "weights", "step", "take",
                                          "delegate"]),
                         st.integers(0, 2), st.integers(0, 7), st.integers(1, 300)), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops, st.sampled_from(["yuma_2024", "yuma3_2026"]), st.booleans())
def test_no_rao_is_created_or_lost(sequence, mechanism, chain_rules):
    """Also with the 2024 schedule, root-epoch emission and the staking rate limits (short ones)."""
    rules = dict(epoch_schedule="chain_2024", block_emission_update="root_epoch", stake_interval=4,
                 tx_rate_limit=5, tx_delegate_take_rate_limit=6, tempo=2) if chain_rules else {}
    sub = Subnet(SANDBOX.replace(max_allowed_uids=6, immunity_period=5, hotkey_emission_tempo=3,
                                 weights_rate_limit=2, adjustment_interval=7, mechanism=mechanism,
                                 max_regs_per_block=2, target_regs_per_interval=3, **rules))
    coldkeys = ["a", "b", "c"]
    for ck in coldkeys:
        sub.ledger.create_coldkey(ck, tao_to_rao(50))
    hotkeys: list[str] = []
    for op, who, which, amount in sequence:
        ck = coldkeys[who]
        try:
            if op == "register":
                hotkeys.append(f"{ck}{len(hotkeys)}")
                sub.register(ck, hotkeys[-1])
            elif op == "stake" and hotkeys:
                sub.add_stake(ck, hotkeys[which % len(hotkeys)], amount * RAO_PER_TAO // 10)
            elif op == "unstake" and hotkeys:
                sub.remove_stake(ck, hotkeys[which % len(hotkeys)], amount * RAO_PER_TAO // 20)
            elif op == "weights" and hotkeys:
                n = sub.n
                sub.set_weights(hotkeys[which % len(hotkeys)], list(range(n)),
                                [float((i * amount) % 7) for i in range(n)])
            elif op == "take" and hotkeys:
                sub.set_take(ck, hotkeys[which % len(hotkeys)], amount * 30)
            elif op == "delegate" and hotkeys:
                sub.become_delegate(ck, hotkeys[which % len(hotkeys)], amount * 30)
            elif op == "step":
                for _ in range(amount % 9 + 1):
                    sub.step()
        except ChainError:
            pass
        assert sub.ledger.conservation_gap() == 0
        assert all(v >= 0 for v in sub.ledger.free.values())
        assert all(v > 0 for v in sub.ledger.stake.values())
        assert (sub.accrued >= 0).all()
        assert int(sub.accrued.sum()) + sum(map(sum, sub.orphaned.values())) == sub.ledger.accrued
        assert all(0 < d <= sub.ledger.stake_of(ck, hk) for (ck, hk), d in sub.ledger.stake_delta.items()
                   if d > 0)
