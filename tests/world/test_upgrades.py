"""Scheduled miner upgrades and staggered validators: they happen at their block, bad ones are refused
with their path, and they are part of the deterministic history."""

import pytest

from taosandbox.world.scenario import Scenario, ScenarioError
from taosandbox.world import World


def upgrade_scenario(seed: int = 3, upgrade_block: int = 20, **upgrade) -> dict:
    return {
        "seed": seed,
        "task": {"dataset": "digits", "pool_size": 64},
        "hyperparameters": {"weights_rate_limit": 30},
        "neurons": [
            {"role": "validator", "stake_tao": 100, "hotkey": "early", "first_weights_block": 1},
            {"role": "validator", "stake_tao": 100, "hotkey": "late", "first_weights_block": 12},
            {"role": "miner", "count": 2, "model": "tree", "budget": 100},
            {"role": "miner", "hotkey": "upstart", "model": "naive_bayes", "budget": 30},
        ],
        "upgrades": [{"block": upgrade_block, "uid": 4, "model": "knn", "budget": 1000, **upgrade}],
    }


def test_the_miner_is_upgraded_at_its_block_with_an_event():
    world = World(upgrade_scenario())
    before = world.market.accuracy(4)
    world.advance(19)
    assert world.market.miner_info(4)["model"] == "naive_bayes"
    events = world.step()
    assert world.block == 20
    info = world.market.miner_info(4)
    assert (info["model"], info["budget"], info["trained_block"]) == ("knn", 1000, 20)
    assert world.market.accuracy(4) > before + 0.3
    trained = [e for e in events if e.kind == "model_trained"]
    assert len(trained) == 1 and trained[0].data["uid"] == 4 and "upgraded to knn" in trained[0].text
    assert not trained[0].player


def test_validators_start_setting_weights_at_their_first_block():
    world = World(upgrade_scenario())
    world.advance(11)
    last_update = world.subnet.metagraph.last_update
    assert last_update[0] == 1 and last_update[1] == 0
    world.advance(1)
    assert last_update[1] == 12
    world.advance(30)
    assert last_update[0] == 31 and last_update[1] == 42  # the rate limit keeps them apart


def test_upgrades_are_part_of_the_deterministic_history():
    a, b, c = (World(upgrade_scenario()), World(upgrade_scenario()),
               World(upgrade_scenario(upgrade_block=25)))
    for world in (a, b, c):
        world.advance(22)
    assert a.state_hash() == b.state_hash()
    assert a.state_hash() != c.state_hash()
    data = Scenario.from_dict(upgrade_scenario()).to_dict()
    assert data["upgrades"][0]["model"] == "knn"
    assert Scenario.from_dict(data) == Scenario.from_dict(upgrade_scenario())


@pytest.mark.parametrize("change, path, words", [
    ({"block": 0}, "upgrades[0].block", "block number >= 1"),
    ({"uid": 9}, "upgrades[0].uid", "no neuron has uid 9"),
    ({"uid": 0}, "upgrades[0].uid", "is a validator, not a miner"),
    ({"model": "knnn"}, "upgrades[0].model", "did you mean 'knn'"),
    ({"budget": 0}, "upgrades[0].budget", "at least 1"),
    ({"speed": 3}, "upgrades[0].speed", "unknown field"),
])
def test_bad_upgrades_are_refused_with_their_path(change, path, words):
    data = upgrade_scenario()
    data["upgrades"][0].update(change)
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict(data)
    assert [p.path for p in err.value.problems] == [path]
    assert words in err.value.problems[0].message


def test_bad_first_weights_block_and_bad_model_params_are_refused():
    data = upgrade_scenario()
    data["neurons"][0]["first_weights_block"] = 0
    with pytest.raises(ScenarioError) as err:
        Scenario.from_dict(data)
    assert [p.path for p in err.value.problems] == ["neurons[0].first_weights_block"]
    with pytest.raises(ScenarioError) as err:
        World(upgrade_scenario(params={"n_neighbors": -1}))
    assert err.value.problems[0].path == "upgrades[0]"
