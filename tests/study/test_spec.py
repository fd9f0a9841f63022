"""Study files: every mistake is one FILE:LINE: field: problem line; good files give the grid and seeds."""

from __future__ import annotations

import textwrap

import pytest

from taosandbox.study.spec import StudyError, parse_study
from taosandbox.world.scenario import Scenario

GOOD = textwrap.dedent("""\
    title: T
    question: Q?
    base:
      set: {hyperparameters.tempo: 50}
    grid:
      hyperparameters.kappa: [16384, 32767]
      neurons[val-copier].stake_tao: [100.0, 400.0, 800.0]
    seeds: {from: 5, count: 3}
    blocks: 100
    """)


def problems(text: str) -> list[str]:
    with pytest.raises(StudyError) as info:
        parse_study(text, file="s.yaml")
    return info.value.lines


def test_a_good_file_gives_the_grid_points_in_order_and_the_seeds():
    study = parse_study(GOOD, file="s.yaml")
    assert study.seeds == (5, 6, 7)
    assert len(study.points) == 6
    assert study.points[0] == {"hyperparameters.kappa": 16384, "neurons[val-copier].stake_tao": 100.0}
    assert study.points[1] == {"hyperparameters.kappa": 16384, "neurons[val-copier].stake_tao": 400.0}
    assert study.points[3]["hyperparameters.kappa"] == 32767
    scenario = study.scenario(study.points[5])
    assert scenario.hyperparameters.tempo == 50 and scenario.hyperparameters.kappa == 32767
    copier = next(n for n in scenario.neurons if n.hotkey == "val-copier")
    assert copier.stake_tao == 800.0
    assert study.level is None and "level_passed" not in study.measures


def test_named_neurons_work_in_run_set_overrides_too():
    sc = Scenario.from_dict({"neurons": [{"role": "validator", "hotkey": "a"}, {"role": "miner", "hotkey": "b"}]})
    assert sc.with_overrides({"neurons[b].strategy": "idle"}).neurons[1].strategy == "idle"
    with pytest.raises(ValueError, match="no item 'c'.*a, b"):
        sc.with_overrides({"neurons[c].strategy": "idle"})


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("title: T", "titel: T"),
     "s.yaml:1: titel: unknown field; did you mean 'title'?"),
    (GOOD.replace("blocks: 100", "blocks: 0"), "s.yaml:9: blocks: 0 is out of range"),
    (GOOD.replace("[16384, 32767]", "[16384, 99999]"),
     "s.yaml:6: grid.hyperparameters.kappa[1]: 99999: 99999 is outside the allowed range [0, 65535]"),
    (GOOD.replace("neurons[val-copier]", "neurons[val-copie]"),
     "s.yaml:7: grid.neurons[val-copie].stake_tao[0]: 100.0: no item 'val-copie'; did you mean 'val-copier'?"),
    (GOOD.replace("hyperparameters.kappa:", "hyperparameters.kapa:"),
     "s.yaml:6: grid.hyperparameters.kapa[0]: 16384: unknown key 'kapa'; did you mean 'kappa'?"),
    (GOOD.replace("[16384, 32767]", "16384"), "s.yaml:6: grid.hyperparameters.kappa: 16384 is not a list"),
    (GOOD.replace("[16384, 32767]", "[1, 1]"), "s.yaml:6: grid.hyperparameters.kappa: a value appears twice"),
    (GOOD.replace("{from: 5, count: 3}", "[1, x]"), "s.yaml:8: seeds[1]: 'x' is not a seed"),
    (GOOD.replace("{from: 5, count: 3}", "{from: 5}"), "s.yaml:8: seeds.count: missing"),
    (GOOD + "measures: [gini_incentiv]\n",
     "s.yaml:10: measures[0]: unknown measure 'gini_incentiv'; did you mean 'gini_incentive'?"),
    (GOOD + "measures: [level_score]\n",
     "s.yaml:10: measures[0]: 'level_score' needs a level as the base"),
    (GOOD.replace("  set: {hyperparameters.tempo: 50}", "  level: no-such-level"),
     "s.yaml:4: base.level: no level named 'no-such-level'"),
    (GOOD.replace("tempo: 50", "tempo: -1"), "s.yaml:4: base.set.hyperparameters.tempo:"),
    ("title: [unclosed\n", "s.yaml:2: yaml: not valid YAML"),
    ("", "s.yaml:1: (file): the file is empty"),
])
def test_a_bad_file_is_refused_with_its_line_and_field(text, expected):
    lines = problems(text)
    assert any(line.startswith(expected) for line in lines), lines


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("title: T\n", "").replace("blocks: 100", "blocks: x")
    lines = problems(text)
    assert any(line.startswith("s.yaml:1: title: missing") for line in lines), lines
    assert any(line.startswith("s.yaml:8: blocks: 'x' is not a number") for line in lines), lines


def test_a_level_base_offers_the_level_measures():
    study = parse_study("title: T\nquestion: Q\nbase: {level: 08-weight-copier}\nseeds: [1]\nblocks: 5\n")
    assert study.level_text and "level_passed" in study.measures and "objectives" in study.measures
    assert study.points == [{}]
