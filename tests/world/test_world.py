"""The world: determinism, conservation, player actions, refusals, and the economics a learner sees."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.world.actions import (AddStake, Deregister, Register, RemoveStake, Retrain, SetModel,
                                SetScoring, SetTake, SetWeights, action_from_dict)
from taosandbox.world import World

from world_scenarios import small_scenario


def test_same_seed_same_history_different_seed_different():
    a, b, c = World(small_scenario(1)), World(small_scenario(1)), World(small_scenario(2))
    for world in (a, b, c):
        world.advance(60)
    assert a.state_hash() == b.state_hash()
    assert a.state_hash() != c.state_hash()
    assert [e.text for e in a.events] == [e.text for e in b.events]


def test_same_actions_same_history():
    def play(world: World) -> str:
        world.advance(5)
        world.apply(Register(role="miner", model="knn", budget=100))
        world.advance(40)
        hotkey = world.snapshot().player.hotkeys[0]
        world.apply(SetModel(hotkey=hotkey, model="logistic", budget=300))
        world.advance(40)
        return world.state_hash()

    assert play(World(small_scenario(7))) == play(World(small_scenario(7)))


def test_conservation_after_every_block():
    world = World(small_scenario(3, arrivals=[{"every": 7, "balance_tao": 3}],
                                 hyperparameters={"weights_rate_limit": 5, "max_allowed_uids": 10,
                                                  "immunity_period": 20, "hotkey_emission_tempo": 13}))
    for block in range(300):
        world.step()
        assert world.subnet.ledger.conservation_gap() == 0, f"block {world.block}"
    assert any(e.kind == "pruned" for e in world.events)
    assert any(e.kind == "drained" for e in world.events)


def test_register_pays_the_burn_and_the_player_earns():
    world = World(small_scenario(4))
    before = world.snapshot()
    outcome = world.apply(Register(role="miner", model="logistic", budget=500))
    assert outcome.ok
    after = world.snapshot()
    assert after.player.free_rao == before.player.free_rao - before.burn_rao
    assert after.total_issuance_rao == before.total_issuance_rao - before.burn_rao
    uid = after.player.uids[0]
    assert after.neuron(uid).is_player and after.neuron(uid).immune
    world.advance(400)
    assert world.snapshot().player.earned_rao > 0
    assert world.snapshot().neuron(uid).incentive > 0


@pytest.mark.parametrize("action, words", [
    (AddStake(hotkey="val-0", amount_rao=10**15), "not enough free balance"),
    (RemoveStake(hotkey="val-0", amount_rao=1), "not enough stake"),
    (AddStake(hotkey="nobody", amount_rao=1), "holds no uid"),
    (Register(role="miner", model="svm"), "unknown model 'svm'; choose one of: logistic"),
    (SetModel(hotkey="min-0", model="knn"), "not one of your registered hotkeys"),
    (SetWeights(hotkey="val-0", uids=(1,), values=(1.0,)), "not one of your registered hotkeys"),
    (SetTake(hotkey="val-0", take=100), "does not own"),
    (Deregister(hotkey="val-1"), "not one of your registered hotkeys"),
    (Retrain(hotkey="ghost"), "not one of your registered hotkeys"),
])
def test_refused_actions_become_events_and_change_nothing(action, words):
    world = World(small_scenario(5))
    world.advance(3)
    before = world.state_hash()
    outcome = world.apply(action)
    assert not outcome.ok and words in outcome.reason
    assert world.events[-1].kind == "refused" and words in world.events[-1].text
    assert world.state_hash() == before
    assert world.action_log[-1] == (3, action.to_dict())


def test_unaffordable_registration_is_refused():
    world = World(small_scenario(6, player={"role": "miner", "balance_tao": 0.5}))
    outcome = world.apply(Register(role="miner"))
    assert not outcome.ok and "registration costs" in outcome.reason


def test_validator_player_stakes_sets_weights_and_earns_dividends():
    world = World(small_scenario(8, player={"role": "validator", "balance_tao": 3000}))
    assert world.apply(Register(role="validator")).ok
    hotkey = world.snapshot().player.hotkeys[0]
    assert world.apply(AddStake(hotkey=hotkey, amount_rao=2000 * 10**9)).ok
    world.advance(30)  # the permit comes with the next epoch, weights with the rate limit
    snap = world.snapshot()
    uid = snap.player.uids[0]
    assert snap.neuron(uid).validator_permit
    world.advance(400)
    snap = world.snapshot()
    assert snap.neuron(uid).dividends > 0.1
    assert snap.neuron(uid).validator_trust > 0.5
    assert world.apply(SetScoring(hotkey=hotkey, auto=False)).ok
    assert world.apply(SetTake(hotkey=hotkey, take=0)).ok


def test_hand_set_weights_stay_when_auto_scoring_is_off():
    world = World(small_scenario(9, player={"role": "validator", "balance_tao": 3000, "register": True,
                                            "stake_tao": 1000}))
    hotkey = world.snapshot().player.hotkeys[0]
    world.advance(12)  # the auto scorer set weights meanwhile: the rate limit holds hand weights back
    refused = world.apply(SetWeights(hotkey=hotkey, uids=(3, 4), values=(1.0, 1.0)))
    assert not refused.ok and "rate limit" in refused.reason
    assert "automatic scoring set them: turn its auto weights off" in refused.reason  # how to take a turn
    assert world.apply(SetScoring(hotkey=hotkey, auto=False)).ok
    world.advance(10)
    outcome = world.apply(SetWeights(hotkey=hotkey, uids=(3, 4), values=(1.0, 1.0)))
    assert outcome.ok, outcome.reason
    uid = world.snapshot().player.uids[0]
    assert world.subnet.metagraph.weights[uid, 3] == 65535
    world.advance(30)
    assert world.subnet.metagraph.weights[uid, 3] == 65535  # not overwritten by the auto scorer


def test_delegator_earns_pro_rata_after_the_drain():
    world = World(small_scenario(10, player={"role": "delegator", "balance_tao": 500},
                                 hyperparameters={"hotkey_emission_tempo": 20, "weights_rate_limit": 10}))
    assert world.apply(AddStake(hotkey="val-0", amount_rao=500 * 10**9)).ok
    world.advance(100)
    snap = world.snapshot()
    stake = [s for s in snap.player.stakes if s.hotkey == "val-0"][0]
    assert stake.earned_rao > 0 and stake.amount_rao == 500 * 10**9 + stake.earned_rao
    assert not stake.own
    row = [d for d in snap.delegates if d.hotkey == "val-0"][0]
    assert row.player_stake_rao == stake.amount_rao and row.return_per_tao_day > 0


def test_better_models_earn_more_incentive():
    models = [("tree", 20), ("tree", 60), ("naive_bayes", 100), ("knn", 50), ("knn", 300),
              ("logistic", 100), ("logistic", 600), ("forest", 400)]
    world = World({
        "seed": 11, "task": {"dataset": "digits", "pool_size": 256},
        "hyperparameters": {"weights_rate_limit": 10},
        "neurons": [{"role": "validator", "strategy": "honest", "count": 4, "stake_tao": 1000,
                     "registered_block": -10000}]
        + [{"role": "miner", "model": m, "budget": b, "registered_block": -10000} for m, b in models],
    })
    world.advance(300)
    miners = [r for r in world.snapshot().neurons if r.role == "miner"]
    accuracy = np.array([r.accuracy for r in miners])
    incentive = np.array([r.incentive for r in miners])
    rank = lambda x: np.argsort(np.argsort(x))  # noqa: E731
    spearman = np.corrcoef(rank(accuracy), rank(incentive))[0, 1]
    assert spearman > 0.8, (accuracy, incentive)


def drift_world(seed: int, commit_reveal: int) -> World:
    return World({
        "seed": seed, "task": {"dataset": "digits", "pool_size": 256, "drift_block": 300},
        "hyperparameters": {"weights_rate_limit": 20, "commit_reveal_period": commit_reveal},
        "neurons": [
            {"role": "validator", "strategy": "honest", "count": 4, "stake_tao": 1000, "registered_block": -10000},
            {"role": "validator", "strategy": "copier", "stake_tao": 1000, "registered_block": -10000},
            {"role": "miner", "model": "logistic", "budget": 600, "count": 3, "registered_block": -10000},
            {"role": "miner", "model": "knn", "budget": 100, "count": 3, "registered_block": -10000},
            {"role": "miner", "model": "tree", "budget": 40, "count": 3, "registered_block": -10000},
        ],
    })


def test_weight_copier_falls_behind_once_miners_drift_under_commit_reveal():
    world = drift_world(1, commit_reveal=50)
    world.advance(360)
    vtrust, dividends = [], []
    for _ in range(140):
        world.step()
        rows = [r for r in world.snapshot().neurons if r.role == "validator"]
        vtrust.append([r.validator_trust for r in rows])
        dividends.append([r.dividends / r.stake_rao for r in rows])
    vtrust, dividends = np.mean(vtrust, axis=0), np.mean(dividends, axis=0)
    assert vtrust[4] < vtrust[:4].mean() - 0.05
    assert dividends[4] < dividends[:4].mean() * 0.9


def test_colluding_minority_is_clipped():
    world = World({
        "seed": 12, "task": {"dataset": "digits", "pool_size": 256},
        "hyperparameters": {"weights_rate_limit": 10},
        "neurons": [
            {"role": "validator", "strategy": "honest", "count": 3, "stake_tao": 1000, "registered_block": -10000},
            {"role": "validator", "strategy": "colluding", "stake_tao": 900, "favoured": [7],
             "registered_block": -10000},
            {"role": "miner", "model": "logistic", "budget": 500, "count": 3, "registered_block": -10000},
            {"role": "miner", "strategy": "random", "registered_block": -10000},  # uid 7: the cabal's own
        ],
    })
    world.advance(200)
    result = world.last_epoch
    w = result.weights_masked_normalized
    clipped = result.weights_clipped
    assert w[3, 7] > 0.3  # the cabal votes its miner up...
    assert clipped[3, 7] == pytest.approx(result.consensus[7])  # ...but only consensus counts
    assert clipped[3, 7] < 0.1 * w[3, 7]
    snap = world.snapshot()
    assert snap.neuron(3).validator_trust < 0.7 < min(snap.neuron(u).validator_trust for u in range(3))
    assert snap.neuron(7).incentive < 0.05


def test_action_round_trip():
    for action in (Register(role="validator", hotkey="x"), SetWeights(hotkey="h", uids=(1, 2), values=(0.5, 1.0)),
                   AddStake(hotkey="h", amount_rao=5)):
        assert action_from_dict(action.to_dict()) == action
    with pytest.raises(ValueError, match="unknown action"):
        action_from_dict({"kind": "fly"})
    with pytest.raises(ValueError, match="amount"):
        action_from_dict({"kind": "add_stake", "amout": 3})


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["register", "stake", "unstake", "step", "deregister", "take"]),
                          st.integers(0, 5), st.integers(1, 40)), max_size=25))
def test_random_player_actions_keep_conservation(actions):
    world = World(small_scenario(13, player={"role": "miner", "balance_tao": 200},
                                 hyperparameters={"max_allowed_uids": 9, "immunity_period": 15,
                                                  "weights_rate_limit": 5, "hotkey_emission_tempo": 7}))
    hotkeys = ["val-0", "val-1", "min-0"]
    for op, which, amount in actions:
        mine = list(world.snapshot().player.hotkeys)
        if op == "register":
            world.apply(Register(role="miner" if which % 2 else "validator"))
        elif op == "stake":
            world.apply(AddStake(hotkey=(hotkeys + mine)[which % (3 + len(mine))], amount_rao=amount * 10**9))
        elif op == "unstake":
            world.apply(RemoveStake(hotkey=(hotkeys + mine)[which % (3 + len(mine))], amount_rao=amount * 10**8))
        elif op == "deregister" and mine:
            world.apply(Deregister(hotkey=mine[which % len(mine)]))
        elif op == "take" and mine:
            world.apply(SetTake(hotkey=mine[which % len(mine)], take=amount * 100))
        else:
            world.advance(amount)
        assert world.subnet.ledger.conservation_gap() == 0


def test_genesis_nominators_are_paid_at_the_first_drain():
    """A scenario's stakes were held before block 0, so the validator's first drain pays its nominator
    (drain_hotkey_emission v1.2.5 with no stake delta); before, that first drain paid all to the owner."""
    world = World(small_scenario(7, nominators=[{"coldkey": "nom", "stakes": {"val-0": 300}}],
                                 hyperparameters={"weights_rate_limit": 10, "hotkey_emission_tempo": 20}))
    first = None
    while first is None:
        world.step()
        first = next((e for e in world.events if e.kind == "drained" and e.data["hotkey"] == "val-0"), None)
    assert first.data["payouts"].get("nom", 0) > 0
    assert world.subnet.ledger.conservation_gap() == 0


def test_a_nominator_cannot_stake_on_a_hotkey_that_is_not_a_delegate():
    world = World(small_scenario(8, neurons=[
        {"role": "validator", "count": 2, "stake_tao": 1000, "registered_block": -10000},
        {"role": "validator", "hotkey": "private", "delegate": False, "stake_tao": 500, "registered_block": -10000},
        {"role": "miner", "count": 2, "registered_block": -10000}],
        player={"role": "delegator", "balance_tao": 50}))
    rows = {d.hotkey: d.accepts_delegation for d in world.snapshot().delegates}
    assert rows == {"val-0": True, "val-1": True, "private": False}
    before = world.state_hash()
    outcome = world.apply(AddStake(hotkey="private", amount_rao=10**9))
    assert not outcome.ok and "not a delegate" in outcome.reason
    assert world.state_hash() == before
    assert world.apply(AddStake(hotkey="val-1", amount_rao=10**9)).ok


def test_the_players_validator_becomes_a_delegate_then_its_take_rises_only_after_the_rate_limit():
    """do_become_delegate then do_increase_take (staking/*.rs v1.2.5): an increase within
    TxDelegateTakeRateLimit (216000 blocks) of becoming a delegate is refused, a decrease is not."""
    from taosandbox.world.actions import BecomeDelegate

    world = World(small_scenario(9, player={"role": "validator", "balance_tao": 50, "register": True}))
    world.advance(2)
    hotkey = world.snapshot().player.hotkeys[0]
    assert not world.snapshot().neuron(world.snapshot().player.uids[0]).delegate
    assert world.apply(BecomeDelegate(hotkey=hotkey, take=5000)).ok
    assert world.snapshot().neuron(world.snapshot().player.uids[0]).delegate
    before = world.state_hash()
    outcome = world.apply(SetTake(hotkey=hotkey, take=6000))
    assert not outcome.ok and "once per 216000 blocks" in outcome.reason
    assert world.state_hash() == before
    assert world.apply(SetTake(hotkey=hotkey, take=4000)).ok
    assert world.subnet.ledger.take[hotkey] == 4000
