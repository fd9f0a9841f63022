"""Scenario.from_dict reads each field by its real type and names the field of every mistake."""

from __future__ import annotations

import pytest

from taosandbox.world.scenario import Scenario, ScenarioError


@pytest.mark.parametrize("data, path, words", [
    ({"seed": "one"}, "seed", "expected a whole number"),
    ({"seed": None}, "seed", "must not be empty"),
    ({"name": 3}, "name", "expected text"),
    ({"player": {"register": "yes"}}, "player.register", "expected true or false"),
    ({"player": {"balance_tao": float("inf")}}, "player.balance_tao", "expected a number"),
    ({"neurons": [{"favoured": [1, True]}]}, "neurons[0].favoured", "expected a list of whole numbers"),
    ({"arrivals": [{"models": "knn"}]}, "arrivals[0].models", "expected a list of names"),
    ({"governance": {"schedule": [1]}}, "governance.schedule", "expected a list of mappings"),
    ({"neurons": {"role": "miner"}}, "neurons", "expected a list"),
    ({"task": 5}, "task", "expected a mapping"),
    ({"neurons": [{"params": []}]}, "neurons[0].params", "expected a mapping"),
])
def test_a_wrong_value_names_its_field(data, path, words):
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data)
    assert any(p.path == path and words in p.message for p in caught.value.problems), caught.value.problems


def test_values_are_coerced_to_their_types():
    sc = Scenario.from_dict({
        "seed": 7.0, "player": {"balance_tao": 5},
        "neurons": [{"favoured": [1, 2], "take": None, "hotkey": None}],
        "arrivals": [{"models": ["knn", "logistic"]}],
        "governance": {"schedule": [{"block": 10, "changes": {"kappa": 1}}]},
    })
    assert sc.seed == 7 and isinstance(sc.seed, int)
    assert sc.player.balance_tao == 5.0 and isinstance(sc.player.balance_tao, float)
    assert sc.neurons[0].favoured == (1, 2) and sc.neurons[0].take is None
    assert sc.arrivals[0].models == ("knn", "logistic")
    assert sc.governance.schedule == ({"block": 10, "changes": {"kappa": 1}},)
