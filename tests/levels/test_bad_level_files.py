"""Broken level files are refused with one line per problem: file, line, field and what was expected."""

from __future__ import annotations

import pytest

from taosandbox.levels import LevelError, load_level
from tests.levels.conftest import MINIMAL, assert_one_problem

OBJ = "  - {kind: own_uid, by_block: 100}\n"
SOL = "  - block: 1\n    action: {kind: register}\n"

# (id, old text, new text, field named in the error, words the message must contain).
# The line the error must point at is marked "# HERE" in the new text.
CASES = [
    ("bad-yaml", "concept: testing\n", "concept: testing: more  # HERE\n", "yaml", "not valid YAML"),
    ("duplicate-key", "intro: Hello.\n", "intro: Hello.\nintro: Again.  # HERE\n", "intro", "twice"),
    ("unknown-top-field", "title: Minimal\n", "titel: Minimal  # HERE\n", "titel", "did you mean 'title'"),
    ("missing-required", "debrief: Bye.\n", "", "debrief", "missing"),
    ("deadline-type", "deadline: 300\n", "deadline: soon  # HERE\n", "deadline", "not a number"),
    ("deadline-range", "deadline: 300\n", "deadline: 0  # HERE\n", "deadline", "out of range"),
    ("bad-name", "title: Minimal\n", "title: Minimal\nname: My Level!  # HERE\n", "name", "lower-case"),
    ("hints-type", "intro: Hello.\n", "intro: Hello.\nhints: 5  # HERE\n", "hints", "list of text"),
    ("world-seed-type", "  seed: 3\n", "  seed: three  # HERE\n", "world.seed", "whole number"),
    ("world-unknown-field", "  seed: 3\n", "  seed: 3\n  neuron: []  # HERE\n", "world.neuron",
     "did you mean 'neurons'"),
    ("world-neuron-role", "    - {role: miner, count: 6}\n", "    - {role: minr, count: 6}  # HERE\n",
     "world.neurons[1].role", "not one of"),
    ("world-negative-stake", "stake_tao: 100}\n", "stake_tao: -5}  # HERE\n", "world.neurons[0].stake_tao",
     "negative"),
    ("world-hyperparameter-range", "  seed: 3\n", "  seed: 3\n  hyperparameters: {kappa: 70000}  # HERE\n",
     "world.hyperparameters.kappa", "range"),
    ("objective-kind", OBJ, "  - {kind: own_uids}  # HERE\n", "objectives[0].kind", "did you mean 'own_uid'"),
    ("objective-unknown-field", OBJ, "  - {kind: earn, at_leest_tao: 1}  # HERE\n", "objectives[0].at_leest_tao",
     "did you mean 'at_least_tao'"),
    ("objective-missing-param", OBJ, "  - {kind: stake}  # HERE\n", "objectives[0].at_least_tao", "missing"),
    ("objective-uid-does-not-exist", OBJ, "  - {kind: metric, of: {uid: 40}, at_least: 0.1}  # HERE\n",
     "objectives[0].of.uid", "does not exist"),
    ("objective-strategy-absent", OBJ, "  - {kind: compare, than: {strategy: copier}}  # HERE\n",
     "objectives[0].than.strategy", "no neuron"),
    ("objective-after-deadline", OBJ, "  - {kind: own_uid, by_block: 5000}  # HERE\n",
     "objectives[0].by_block", "out of range"),
    ("objective-for-epochs-not-allowed", OBJ, "  - {kind: earn, at_least_tao: 1, for_epochs: 3}  # HERE\n",
     "objectives[0].for_epochs", "do not take for_epochs"),
    ("objective-duplicate-id", OBJ, OBJ.rstrip("\n")[:-1] + ", id: a}\n  - {kind: earn, at_least_tao: 1, id: a}  # HERE\n",
     "objectives[1].id", "already used"),
    ("objective-two-bounds", OBJ, "  - {kind: metric, at_least: 0.1, below: 0.5}  # HERE\n", "objectives[0]",
     "exactly one bound"),
    ("objective-field-choice", OBJ, "  - {kind: metric, field: incentve, at_least: 0.1}  # HERE\n",
     "objectives[0].field", "did you mean 'incentive'"),
    ("objectives-empty", "objectives:\n" + OBJ, "objectives: []  # HERE\n", "objectives", "at least one"),
    ("answer-quantity", OBJ, "  - {kind: answer, ask: What, expected: {quantity: burnn_tao}}  # HERE\n",
     "objectives[0].expected.quantity", "did you mean 'burn_tao'"),
    ("group-mixed", "objectives:\n" + OBJ, "objectives:  # HERE\n  all: []\n  any: []\n", "objectives", "group"),
    ("solution-action-kind", SOL, "  - block: 1\n    action: {kind: registr}  # HERE\n",
     "solution[0].action.kind", "did you mean 'register'"),
    ("solution-action-type", SOL, "  - block: 1\n    action: {kind: add_stake, hotkey: x, amount_rao: lots}  # HERE\n",
     "solution[0].action.amount_rao", "wrong type"),
    ("solution-unknown-question", SOL, "  - block: 1\n    answer: {question: q9, value: 3}  # HERE\n",
     "solution[0].answer.question", "no question"),
    ("solution-block-range", SOL, "  - block: 999  # HERE\n    action: {kind: register}\n",
     "solution[0].block", "out of range"),
    ("constraint-unknown", "objectives:\n", "constraints: {budget: 3}  # HERE\nobjectives:\n",
     "constraints.budget", "did you mean 'budget_tao'"),
    ("constraint-forbid-choice", "objectives:\n", "constraints: {forbid: [registr]}  # HERE\nobjectives:\n",
     "constraints.forbid[0]", "did you mean 'register'"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_clear_line_per_problem(tmp_path, case):
    name, old, new, field, words = case
    assert old in MINIMAL, name
    assert_one_problem(tmp_path / f"{name}.yaml", MINIMAL.replace(old, new, 1), field, words)


def test_every_problem_is_reported_at_once(tmp_path):
    text = MINIMAL.replace("title: Minimal", "titel: Minimal").replace("seed: 3", "seed: x").replace(
        "{kind: own_uid, by_block: 100}", "{kind: own_uids}")
    path = tmp_path / "many.yaml"
    path.write_text(text)
    with pytest.raises(LevelError) as caught:
        load_level(path)
    fields = [line.split(": ")[1] for line in caught.value.lines]
    assert {"titel", "world.seed", "objectives[0].kind"} <= set(fields)


def test_empty_and_non_mapping_files(tmp_path):
    for text, words in (("", "empty"), ("- a\n- b\n", "expected a mapping")):
        path = tmp_path / "odd.yaml"
        path.write_text(text)
        with pytest.raises(LevelError) as caught:
            load_level(path)
        assert words in str(caught.value)


def test_unknown_level_name_suggests_the_closest():
    with pytest.raises(LevelError) as caught:
        load_level("buy-a-set")
    assert "did you mean 'buy-a-seat'" in str(caught.value)
