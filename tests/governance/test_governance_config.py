"""The scenario's governance section: defaults, round trip, one problem per mistake with its path."""

import pytest

from taosandbox.world.scenario import GovernanceConfig, Scenario, ScenarioError


def test_defaults_and_round_trip():
    scenario = Scenario.from_dict({"governance": {"senate_size": 5, "triumvirate": ["a", "b", "c"],
                                                  "policies": {"val-0": "always_yes"},
                                                  "schedule": [{"block": 10, "changes": {"kappa": 40000}}]}})
    gov = scenario.governance
    assert gov.senate_size == 5 and gov.triumvirate == ("a", "b", "c")
    assert gov.schedule == ({"block": 10, "changes": {"kappa": 40000}},)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert Scenario.from_dict({}).governance == GovernanceConfig()
    assert scenario.with_overrides({"governance.voting_period": 99}).governance.voting_period == 99


@pytest.mark.parametrize("section, path, message", [
    ({"senate_size": 0}, "governance.senate_size", "outside [1, 64]"),
    ({"senate_required_share": 1.5}, "governance.senate_required_share", "outside [0, 1]"),
    ({"voting_period": 0}, "governance.voting_period", "outside"),
    ({"triumvirate": ["a", "a"]}, "governance.triumvirate", "different coldkeys"),
    ({"triumvirate": ["a", "b", "c", "d"]}, "governance.triumvirate", "1 to 3 members"),
    ({"triumvirate": "abc"}, "governance.triumvirate", "expected a list of names"),
    ({"default_policy": "greedy"}, "governance.default_policy", "is not one of"),
    ({"policies": {"val-0": "greedy"}}, "governance.policies.val-0", "is not one of"),
    ({"schedule": [{"block": 0, "changes": {"kappa": 1}}]}, "governance.schedule[0].block", ">= 1"),
    ({"schedule": [{"block": 5, "changes": {"kappa": 70000}}]}, "governance.schedule[0].changes.kappa",
     "outside the allowed range"),
    ({"schedule": [{"block": 5, "changes": {}}]}, "governance.schedule[0].changes", "expected a mapping"),
    ({"schedule": [{"block": 5, "changes": {"kappa": 1}, "when": 3}]}, "governance.schedule[0].when",
     "unknown field"),
    ({"senat_size": 3}, "governance.senat_size", "did you mean 'senate_size'"),
])
def test_bad_governance_sections_name_the_field(section, path, message):
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict({"governance": section})
    problems = info.value.problems
    assert any(p.path == path and message in p.message for p in problems), problems


LEVEL = """\
title: T
concept: c
intro: i
debrief: d
deadline: 50
world:
  seed: 3
  neurons:
    - {role: validator, count: 2, stake_tao: 100}
    - {role: miner, count: 4}
  player: {role: validator, balance_tao: 10}
objectives:
  - {kind: hyperparameter, %s}
"""


@pytest.mark.parametrize("params, message", [
    ("name: max_take, at_most: 1, at_least: 0", "needs exactly one of at_least, at_most, equals"),
    ("name: max_tak, at_most: 1", "max_tak"),
    ("at_most: 1", "name"),
])
def test_hyperparameter_objective_is_checked(params, message):
    from taosandbox.levels.errors import LevelError
    from taosandbox.levels.level import parse_level

    with pytest.raises(LevelError) as info:
        parse_level(LEVEL % params, "gov.yaml")
    assert any(message in line for line in info.value.lines), info.value.lines


def test_hyperparameter_objective_reads_the_snapshot():
    from taosandbox.levels.level import parse_level

    from types import SimpleNamespace

    from taosandbox.chain.hyperparams import SANDBOX
    from taosandbox.levels.objectives import KINDS

    for params, holds_for in [("name: mechanism, equals: yuma3_2026", {"mechanism": "yuma3_2026"}),
                              ("name: max_take, at_most: 6553", {"max_take": 6553, "default_take": 0})]:
        spec = parse_level(LEVEL % params, "gov.yaml").leaves[0]
        tracker = KINDS["hyperparameter"](spec)
        before = SimpleNamespace(snapshot=SimpleNamespace(hyperparameters=SANDBOX))
        after = SimpleNamespace(snapshot=SimpleNamespace(hyperparameters=SANDBOX.replace(**holds_for)))
        assert tracker.condition(before)[0] is False and tracker.condition(after)[0] is True
    assert spec.description == "Get max_take at most 6553"
