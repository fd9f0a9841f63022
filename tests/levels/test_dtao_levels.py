"""``ruleset: dtao`` level files: refused with one line per problem, and played on a DtaoWorld."""

from __future__ import annotations

import textwrap

import pytest

from taosandbox.levels import LevelError, LevelSession, load_level, parse_level
from taosandbox.levels.dtao_objectives import QUANTITIES, SUBNET_FIELDS, DTAO_KINDS
from taosandbox.levels.solve import play
from taosandbox.world.dtao_world import DtaoWorld

DTAO = textwrap.dedent("""\
    title: Tiny dTAO
    concept: testing
    ruleset: dtao
    intro: Hello.
    debrief: Bye.
    deadline: 40
    world:
      seed: 3
      subnets: 2
      prices: [0.1, 0.2]
      tempo: 10
      player_balance_tao: 50
    objectives:
      - {kind: swap, side: stake, netuid: 1, at_least_tao: 10}
      - id: got
        kind: answer
        ask: How many alpha did your stake buy?
        expected: {quantity: stake_alpha, stake: 1}
        tolerance: 0.001
    solution:
      - block: 1
        action: {kind: stake, netuid: 1, hotkey: sn1-val0, amount_tao: 10}
      - block: 2
        answer: {question: got, value: 0}
    """)

OBJ = "  - {kind: swap, side: stake, netuid: 1, at_least_tao: 10}\n"
ACT = "    action: {kind: stake, netuid: 1, hotkey: sn1-val0, amount_tao: 10}\n"
EXP = "    expected: {quantity: stake_alpha, stake: 1}\n"

# (id, old text, new text marked "# HERE" on the line the error must name, field, words in the message)
CASES = [
    ("ruleset-choice", "ruleset: dtao\n", "ruleset: dtoa  # HERE\n", "ruleset", "did you mean 'dtao'"),
    ("world-unknown-field", "  subnets: 2\n", "  subnet: 2  # HERE\n", "world.subnet", "unknown field"),
    ("world-prices-count", "  prices: [0.1, 0.2]\n", "  prices: [0.1]  # HERE\n", "world.prices", "one price per subnet"),
    ("world-owner-burn-range", "  tempo: 10\n", "  tempo: 10\n  owner_burn: [0, 2]  # HERE\n", "world.owner_burn",
     "between 0 and 1"),
    ("world-ruleset-differs", "  seed: 3\n", "  seed: 3\n  ruleset: '2024'  # HERE\n", "world.ruleset", "differs"),
    ("objective-2024-kind", OBJ, "  - {kind: own_uid}  # HERE\n", "objectives[0].kind", "expected one of swap"),
    ("objective-netuid-missing-subnet", OBJ, "  - {kind: swap, side: stake, netuid: 7}  # HERE\n",
     "objectives[0].netuid", "does not exist"),
    ("objective-side-choice", OBJ, "  - {kind: swap, side: stak}  # HERE\n", "objectives[0].side",
     "did you mean 'stake'"),
    ("objective-subnet-field", OBJ, "  - {kind: subnet, netuid: 1, field: shar, at_least: 0.3}  # HERE\n",
     "objectives[0].field", "did you mean 'share'"),
    ("objective-hold-hotkey", OBJ, "  - {kind: hold, netuid: 0, at_least: 1, hotkey: sn9-val0}  # HERE\n",
     "objectives[0].hotkey", "not a hotkey"),
    ("quantity-unknown", EXP, "    expected: {quantity: stake_alfa, stake: 1}  # HERE\n",
     "objectives[1].expected.quantity", "did you mean 'stake_alpha'"),
    ("quantity-argument-missing", EXP, "    expected: {quantity: owner_cut_alpha}  # HERE\n",
     "objectives[1].expected.netuid", "missing"),
    ("quantity-argument-range", EXP, "    expected: {quantity: share_pct, netuid: 5}  # HERE\n",
     "objectives[1].expected.netuid", "does not exist"),
    ("quantity-trade-zero", EXP, "    expected: {quantity: stake_alpha, stake: 0}  # HERE\n",
     "objectives[1].expected.stake", "not a trade number"),
    ("action-2024-kind", ACT, "    action: {kind: add_stake, hotkey: sn1-val0, amount_tao: 1}  # HERE\n",
     "solution[0].action.kind", "in a dtao level"),
    ("action-hotkey", ACT, "    action: {kind: stake, netuid: 1, hotkey: sn1-val9, amount_tao: 10}  # HERE\n",
     "solution[0].action.hotkey", "no hotkey"),
    ("action-netuid", ACT, "    action: {kind: register, netuid: 0}  # HERE\n", "solution[0].action.netuid",
     "does not exist"),
    ("action-missing-amount", ACT, "    action: {kind: stake, netuid: 1, hotkey: sn1-val0}  # HERE\n",
     "solution[0].action.amount_tao", "missing"),
    ("action-amount-type", ACT, "    action: {kind: unstake, netuid: 1, hotkey: sn1-val0, amount: lots}  # HERE\n",
     "solution[0].action.amount", "not a number"),
    ("constraint-forbid", "objectives:\n", "constraints: {forbid: [stak]}  # HERE\nobjectives:\n",
     "constraints.forbid[0]", "did you mean 'stake'"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_clear_line_per_problem(case):
    _, old, new, field, words = case
    assert old in DTAO, old
    text = DTAO.replace(old, new, 1)
    with pytest.raises(LevelError) as caught:
        parse_level(text, "tiny.yaml")
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if "# HERE" in t) if "# HERE" in new else None
    matching = [p for p in caught.value.problems if p.path == field]
    assert matching, caught.value.lines
    problem = matching[0]
    assert words in problem.message, str(problem)
    if line is not None:
        assert problem.line == line, str(problem)
    assert str(problem).startswith(f"tiny.yaml:{problem.line}: {field}: ")


def test_a_dtao_level_plays_on_a_dtao_world_and_idling_fails():
    level = parse_level(DTAO, "tiny.yaml")
    assert level.ruleset == "dtao" and level.role == "staker"
    run, world = play(level)
    assert isinstance(world, DtaoWorld)
    got = run.trades[0].amount_out / 1e9
    assert run.progress()["objectives"]["swap"]["status"] == "passed"
    got_entry = run.progress()["objectives"]["got"]
    assert got_entry["status"] == "failed" and "wrong so far" in got_entry["detail"]  # the answer 0 was wrong
    right = DTAO.replace("answer: {question: got, value: 0}", f"answer: {{question: got, value: {got:.6f}}}")
    run, world = play(parse_level(right, "tiny.yaml"))
    assert run.status == "passed" and world.extra["level"]["status"] == "passed"
    idle, _ = play(level, ())
    assert idle.status == "failed"


def test_an_answer_before_its_trade_waits_and_does_not_use_a_try():
    text = DTAO.replace("  - block: 2\n    answer: {question: got, value: 0}\n", "").replace(
        "solution:\n", "solution:\n  - block: 0\n    answer: {question: got, value: 1}\n")
    run, _ = play(parse_level(text, "tiny.yaml"), stop_when_finished=False)
    got = run.progress()["objectives"]["got"]
    assert got["status"] == "failed" and "wrong so far; 2 tries left" in got["detail"]  # judged once, after it


def test_constraints_refuse_and_change_nothing():
    text = DTAO.replace("objectives:\n", "constraints: {forbid: [unstake]}\nobjectives:\n", 1)
    world = LevelSession.start(parse_level(text, "tiny.yaml")).world
    assert world.apply({"type": "stake", "netuid": 1, "hotkey": "sn1-val0", "amount_tao": 10}).ok
    before = world.state_hash()
    outcome = world.apply({"type": "unstake", "netuid": 1, "hotkey": "sn1-val0", "amount": "all"})
    assert not outcome.ok and "does not allow unstake" in outcome.reason
    assert world.state_hash() == before


@pytest.mark.parametrize("name", ["slippage", "root-or-alpha", "share-follows-price", "owner-cut-and-burn"])
def test_shipped_dtao_levels_are_in_the_course(name):
    level = load_level(name)
    assert level.ruleset == "dtao" and level.order >= 14
    assert len(level.questions) >= 1 and level.hints and level.solution


def test_the_teachers_guide_documents_every_dtao_kind_quantity_and_field():
    from pathlib import Path

    from taosandbox.levels.dtao_level import ACTIONS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "levels.md").read_text()
    for name in [*DTAO_KINDS, *QUANTITIES, *SUBNET_FIELDS, *ACTIONS, "ruleset"]:
        assert f"`{name}`" in doc, name


def test_the_course_lists_the_ruleset_and_run_refuses_a_dtao_level(capsys):
    from taosandbox.cli import main

    assert main(["levels"]) == 0
    rows = {line.split()[1]: line.split()[2] for line in capsys.readouterr().out.splitlines()[1:] if line[:3].strip().isdigit()}
    assert rows["slippage"] == "dtao" and rows["buy-a-seat"] == "2024"
    assert main(["run", "--level", "slippage", "--blocks", "5"]) == 2
    assert "is a dynamic-TAO level: play it with taosandbox --level slippage" in capsys.readouterr().err


def test_a_class_refuses_a_dtao_level_before_it_writes_anything(tmp_path):
    from taosandbox.classroom.classroom import Classroom

    with pytest.raises(ValueError, match="dynamic-TAO level"):
        Classroom.new(tmp_path / "class", level="slippage")
    assert not (tmp_path / "class").exists() or not any((tmp_path / "class").iterdir())
