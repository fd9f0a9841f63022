"""The scenario's governance section: defaults, round trip, one problem per mistake with its path."""

import pytest

from taosandbox.scenario import GovernanceConfig, Scenario, ScenarioError


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
