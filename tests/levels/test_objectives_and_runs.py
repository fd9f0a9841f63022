"""Objectives on hand-built snapshots; runs, constraints, answers, progress and the commands."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.world.actions import AddStake, Deregister, Register
from taosandbox.chain.events import Event
from taosandbox.levels import Answer, LevelError, LevelRun, find_level, load_progress, parse_level, record_result
from taosandbox.levels.commands import check_command, levels_command
from taosandbox.paths import progress_file
from tests.levels.conftest import MINIMAL, StakeRow, row, snapshot

VALIDATOR_WORLD = MINIMAL.replace("player: {role: miner, balance_tao: 10}",
                                  "player: {role: validator, register: true, balance_tao: 10}")


def level_with(objectives: str, *, world: str = MINIMAL, extra: str = ""):
    head, _, _ = world.partition("objectives:")
    return parse_level(head + extra + "objectives:\n" + objectives, "t.yaml")


def test_streak_objective_needs_consecutive_epochs_and_resets():
    level = level_with("  - {kind: metric, field: validator_trust, at_least: 0.9, for_epochs: 3}\n",
                       world=VALIDATOR_WORLD)
    run = LevelRun(level, snapshot(0))
    vt = [0.95, 0.95, 0.5, 0.95, 0.95]
    for block, value in enumerate(vt, start=1):
        assert run.update(snapshot(block, [row(8, player=True, validator_trust=value)]), []) == "pending"
    assert run.progress()["objectives"]["metric"]["detail"].endswith("2/3 epochs in a row")
    run.update(snapshot(6, [row(8, player=True, validator_trust=0.97)]), [])
    assert run.status == "passed" and run.score == 100


def test_deadline_fails_a_pending_objective_and_any_group_needs_one():
    level = level_with("  any:\n    - {kind: own_uid, by_block: 5}\n    - {kind: earn, at_least_tao: 2, id: rich}\n")
    run = LevelRun(level, snapshot(0))
    run.update(snapshot(5), [])
    objectives = run.progress()["objectives"]
    assert objectives["own_uid"]["status"] == "failed" and "deadline" in objectives["own_uid"]["detail"]
    assert run.status == "pending"
    run.update(snapshot(6, earned_rao=3 * 10**9), [])
    assert run.status == "passed"


def test_survive_fails_when_the_player_loses_the_uid():
    level = level_with("  - {kind: survive, blocks_after_immunity: 10}\n")
    run = LevelRun(level, snapshot(0))
    run.update(snapshot(1, [row(8, player=True, registered_block=1, immune=True, immunity_left=5000)]), [])
    assert run.status == "pending"
    run.update(snapshot(2, [row(8, hotkey="someone-else")]), [Event(2, "pruned", "gone", {"uid": 8})])
    assert run.status == "failed"
    assert "lost its UID" in run.progress()["objectives"]["survive"]["detail"]


def test_answers_right_wrong_and_out_of_tries():
    level = level_with("  - {id: q, kind: answer, ask: How many, expected: {quantity: burn_tao}, "
                       "tolerance: 0.1, tries: 2}\n")
    run = LevelRun(level, snapshot(0))
    assert run.submit(Answer("nope", 1)) is not None  # no such question
    assert run.submit(Answer("q", 5.0), 1) is None
    run.update(snapshot(1), [])
    assert run.status == "pending"
    assert run.check_action(Answer("q", 1.05), snapshot(2)) is None  # answers arrive as actions too
    run.update(snapshot(2), [])
    assert run.status == "passed"

    run = LevelRun(level, snapshot(0))
    for block, value in ((1, 3.0), (2, 4.0)):
        run.submit(Answer("q", value), block)
        run.update(snapshot(block), [])
    assert run.status == "failed"


def test_predict_halving_counts_only_early_answers_within_margin():
    level = level_with("  - {id: h, kind: predict_halving, margin: 10, min_lead: 50}\n")
    for answered_at, guess, expected in ((10, 205, "passed"), (10, 250, "failed"), (180, 200, "failed")):
        run = LevelRun(level, snapshot(0))
        run.submit(Answer("h", guess), answered_at)
        run.update(snapshot(199), [])
        run.update(snapshot(200, halving_index=1), [Event(200, "halving", "halved")])
        assert run.status == expected, (answered_at, guess)


def test_top_compare_stake_and_delegate_objectives():
    miners = [row(0, incentive=0.5), row(1, incentive=0.3), row(2, incentive=0.1)]
    level = level_with("  - {kind: top, within: 2, among: miner}\n")
    run = LevelRun(level, snapshot(0))
    run.update(snapshot(1, miners + [row(8, player=True, incentive=0.2)]), [])
    assert run.status == "pending"
    run.update(snapshot(2, miners + [row(8, player=True, incentive=0.4)]), [])
    assert run.status == "passed"

    level = level_with("  - {kind: compare, field: dividends, than: {uid: 1}, factor: 2}\n")
    run = LevelRun(level, snapshot(0))
    run.update(snapshot(1, [row(1, role="validator", dividends=0.2), row(8, player=True, dividends=0.3)]), [])
    assert run.status == "pending"
    run.update(snapshot(2, [row(1, role="validator", dividends=0.1), row(8, player=True, dividends=0.3)]), [])
    assert run.status == "passed"

    level = level_with("  - {kind: stake, at_least_tao: 10, on: delegates, max_hotkeys: 1}\n")
    run = LevelRun(level, snapshot(0))
    two = [StakeRow("a", 0, 6 * 10**9, 0, False), StakeRow("b", 1, 6 * 10**9, 0, False)]
    run.update(snapshot(1, stakes=two), [])
    assert run.status == "pending"  # enough TAO, but on two hotkeys
    run.update(snapshot(2, stakes=[StakeRow("a", 0, 12 * 10**9, 0, False)]), [])
    assert run.status == "passed"


def test_constraints_refuse_forbidden_and_over_budget_actions():
    level = level_with("  - {kind: own_uid}\n",
                       extra="constraints: {budget_tao: 1.5, forbid: [deregister], max_stake_tao: 5,"
                             " max_delegates: 1}\n")
    run = LevelRun(level, snapshot(0))
    assert "does not allow" in run.check_action(Deregister("hk"), snapshot(1))
    assert run.check_action(Register(), snapshot(1, burn_rao=10**9)) is None
    assert "over budget" in run.check_action(Register(), snapshot(1, burn_rao=2 * 10**9))
    assert "over budget" in run.check_action(Register(), snapshot(1, spent_burn_rao=10**9))
    assert "stake limit" in run.check_action(AddStake("a", 6 * 10**9), snapshot(1))
    backed = [StakeRow("a", 0, 10**9, 0, False)]
    assert "at most 1 delegates" in run.check_action(AddStake("b", 10**9), snapshot(1, stakes=backed))
    assert run.check_action(AddStake("a", 10**9), snapshot(1, stakes=backed)) is None


def test_hints_cost_score_and_progress_is_plain_data():
    level = level_with("  - {kind: own_uid}\n", extra="hints: [one, two]\n")
    run = LevelRun(level, snapshot(0))
    assert run.reveal_hint() == "one" and run.reveal_hint() == "two" and run.reveal_hint() is None
    run.update(snapshot(1, [row(8, player=True)]), [])
    assert run.result().passed and run.result().score == 80
    json.dumps(run.progress())  # the UI and saved sessions read it as plain data


def test_record_result_keeps_the_best_and_writes_atomically():
    record_result("buy-a-seat", False, 20)
    record_result("buy-a-seat", True, 90)
    record = record_result("buy-a-seat", False, 10)
    assert record == {"passed": True, "best_score": 90, "attempts": 3}
    assert load_progress()["buy-a-seat"]["passed"] is True
    assert [p.name for p in progress_file().parent.iterdir()] == ["progress.json"]  # no temp files left
    progress_file().write_text("{not json")
    assert load_progress() == {}


def test_levels_and_check_commands(tmp_path):
    record_result("buy-a-seat", True, 100)
    out = io.StringIO()
    assert levels_command(out) == 0
    listing = out.getvalue()
    assert "buy-a-seat" in listing and "passed 100" in listing and "delegator" in listing

    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(MINIMAL)
    bad.write_text(MINIMAL.replace("deadline: 300", "deadline: later"))
    out = io.StringIO()
    assert check_command([str(good)], out) == 0 and "file ok" in out.getvalue()
    assert "a 1-step solution, not played: add --play" in out.getvalue()  # not read as "it passes"
    out = io.StringIO()
    assert check_command([str(good), str(bad), str(tmp_path / "missing.yaml")], out) == 1
    lines = out.getvalue().splitlines()
    assert lines[1] == f"{bad}:5: deadline: 'later' is not a number (expected a whole number in [1, 1000000])"
    assert "no such file" in lines[2]


def test_find_level_by_path_name_and_number(tmp_path):
    own = tmp_path / "anywhere.yaml"
    own.write_text(MINIMAL)
    assert find_level(str(own)) == own
    assert find_level("buy-a-seat").name == "02-buy-a-seat.yaml"
    assert find_level("2") == find_level("buy-a-seat")
    try:
        find_level(str(tmp_path / "nope.yaml"))
    except LevelError as exc:
        assert "no such file" in str(exc)
    else:
        raise AssertionError("a missing file must be refused")


# ---------------------------------------------------------------------------------------- properties
LEAF = st.one_of(
    st.builds(lambda n: {"kind": "own_uid", "count": n}, st.integers(1, 5)),
    st.builds(lambda v, k: {"kind": "metric", "field": "incentive", "at_least": v, "for_epochs": k},
              st.floats(0, 1), st.integers(1, 20)),
    st.builds(lambda t: {"kind": "earn", "at_least_tao": t}, st.floats(0, 100)),
    st.builds(lambda w: {"kind": "top", "within": w}, st.integers(1, 10)),
    st.builds(lambda u: {"kind": "compare", "than": {"uid": u}}, st.integers(0, 7)),
    st.just({"kind": "survive"}),
)
VALID = st.fixed_dictionaries({
    "title": st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20),
    "concept": st.just("c"), "intro": st.just("i"), "debrief": st.just("d"),
    "deadline": st.integers(10, 5000),
    "world": st.fixed_dictionaries({
        "seed": st.integers(0, 2**62),
        "neurons": st.just([{"role": "validator", "count": 2, "stake_tao": 10}, {"role": "miner", "count": 6}]),
    }),
    "objectives": st.one_of(st.lists(LEAF, min_size=1, max_size=4),
                            st.builds(lambda m, xs: {m: xs}, st.sampled_from(["all", "any"]),
                                      st.lists(LEAF, min_size=1, max_size=3))),
})
JUNK = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                    max_leaves=10)


def _yaml(data) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID)
def test_random_valid_levels_load(data):
    level = parse_level(_yaml(data), "gen.yaml")
    assert level.title == data["title"] and level.deadline == data["deadline"]
    assert all(o.by_block <= level.deadline for o in level.leaves)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID, st.sampled_from(["title", "deadline", "world", "objectives", "hints", "solution", "constraints",
                               "extra"]), JUNK)
def test_random_invalid_levels_are_refused_cleanly(data, key, junk):
    broken = dict(data)
    broken[key] = junk
    try:
        parse_level(_yaml(broken), "gen.yaml")
    except LevelError as exc:
        assert exc.lines and all(line.startswith("gen.yaml:") for line in exc.lines)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_but_level_error(text):
    try:
        parse_level(text, "gen.yaml")
    except LevelError as exc:
        assert all(line.startswith("gen.yaml") for line in exc.lines)


def test_the_teachers_guide_documents_every_kind_field_and_quantity():
    from pathlib import Path

    from taosandbox.levels.constraints import PARAMS
    from taosandbox.levels.objectives import KINDS
    from taosandbox.levels.selectors import FIELDS, QUANTITIES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "levels.md").read_text()
    for name in [*KINDS, *FIELDS, *QUANTITIES, *(p.name for p in PARAMS)]:
        assert f"`{name}`" in doc, name


def test_levels_check_play_plays_the_solution(tmp_path):
    good, idle = tmp_path / "good.yaml", tmp_path / "idle.yaml"
    good.write_text(MINIMAL.replace("deadline: 300", "deadline: 30").replace("by_block: 100", "by_block: 20"))
    idle.write_text(MINIMAL.replace("deadline: 300", "deadline: 30").replace("by_block: 100", "by_block: 20")
                    .replace("solution:\n  - block: 1\n    action: {kind: register}\n", "solution: []\n"))
    out = io.StringIO()
    assert check_command([str(good)], out, play=True) == 0
    assert "a 1-step solution that passes at block" in out.getvalue()
    out = io.StringIO()
    assert check_command([str(idle)], out, play=True) == 1
    assert "a 0-step solution that does NOT pass: failed at block" in out.getvalue()


def test_the_log_quotes_the_question_not_its_id():
    from taosandbox.levels.level import load_level
    from taosandbox.levels.run import attach
    from taosandbox.world import World
    from taosandbox.world.actions import Answer

    level = load_level("blocks-and-rewards")
    world = World(level.scenario)
    attach(level, world)
    world.apply(Answer("hour", 3600))
    text = world.events[-1].text
    assert text == "You answered “How many seconds do 300 blocks take?”: 3600" and "hour:" not in text
