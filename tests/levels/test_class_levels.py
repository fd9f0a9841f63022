"""Class levels: the ``class:`` section is read with the same one-line errors as the rest of a level,
class activities are listed apart from the course and refused by single-player play."""

from __future__ import annotations

import textwrap

import pytest

from taosandbox.levels import LevelError, LevelSession, list_levels, load_level
from taosandbox.levels.classes import ClassSpec
from taosandbox.levels.level import parse_level, shipped_level_files
from taosandbox.levels.commands import levels_command
from tests.levels.conftest import MINIMAL, assert_one_problem

CLASS = MINIMAL.split("objectives:")[0] + textwrap.dedent("""\
    class:
      assign: alternate
      groups:
        - name: cabal
          role: validator
          size: 2
          register: true
          balance_tao: 50
          stake_tao: 20
          scoring: hand
          briefing: Collude.
          team: {favour: {uid: 7}}
          objectives:
            - {kind: permit}
        - name: miners
          role: miner
          register: true
          model: knn
          budget: 300
          briefing: Mine.
          objectives:
            - {kind: earn, at_least_tao: 1}
    """)

CASES = [
    ("assign-choice", "  assign: alternate\n", "  assign: alternat  # HERE\n", "class.assign", "did you mean 'alternate'"),
    ("group-unknown-field", "      size: 2\n", "      sise: 2  # HERE\n", "class.groups[0].sise", "did you mean 'size'"),
    ("group-missing-briefing", "      briefing: Collude.\n", "", "class.groups[0].briefing", "missing"),
    ("group-role", "      role: miner\n", "      role: minr  # HERE\n", "class.groups[1].role", "did you mean 'miner'"),
    ("group-size", "      size: 2\n", "      size: 0  # HERE\n", "class.groups[0].size", "group size"),
    ("group-name", "    - name: miners\n", "    - name: Our Miners  # HERE\n", "class.groups[1].name", "lower-case"),
    ("two-rest-groups", "      size: 2\n", "", "class.groups[1].size", "only one group may take the rest"),
    ("stake-over-balance", "      stake_tao: 20\n", "      stake_tao: 80  # HERE\n", "class.groups[0].stake_tao",
     "more than the balance"),
    ("stake-without-neuron", "      register: true\n      balance_tao: 50\n      stake_tao: 20\n      scoring: hand\n",
     "      balance_tao: 50\n      stake_tao: 20  # HERE\n", "class.groups[0].stake_tao", "register: true"),
    ("team-not-validators", "      role: validator\n      size: 2\n      register: true\n      balance_tao: 50\n"
     "      stake_tao: 20\n      scoring: hand\n", "      role: miner\n      size: 2\n", "class.groups[0].team",
     "expected role: validator"),
    ("team-favours-nobody", "{favour: {uid: 7}}", "{favour: {uid: 70}}  # HERE", "class.groups[0].team.favour.uid",
     "does not exist"),
    ("team-favours-a-group", "{favour: {uid: 7}}", "{favour: {role: miner}}  # HERE", "class.groups[0].team.favour",
     "names no single miner"),
    ("group-objective-kind", "    - {kind: permit}\n", "    - {kind: permt}  # HERE\n",
     "class.groups[0].objectives[0].kind", "did you mean 'permit'"),
    ("group-without-objectives", "      objectives:\n        - {kind: earn, at_least_tao: 1}\n", "",
     "class.groups[1].objectives", "missing"),
    ("model-for-a-validator", "      scoring: hand\n", "      scoring: hand\n      model: knn  # HERE\n",
     "class.groups[0].model", "only a miner"),
    ("a-solution", "deadline: 300\n", "deadline: 300\nsolution: []  # HERE\n", "solution",
     "no single-player solution"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_clear_line_per_class_problem(tmp_path, case):
    name, old, new, field, words = case
    assert old in CLASS, name
    assert_one_problem(tmp_path / f"{name}.yaml", CLASS.replace(old, new, 1), field, words)


def test_a_class_level_reads_its_groups():
    level = parse_level(CLASS)
    spec = level.classroom
    assert isinstance(spec, ClassSpec) and spec.assign == "alternate" and spec.seats is None
    cabal, miners = spec.groups
    assert (cabal.role, cabal.size, cabal.balance_tao, cabal.stake_tao, cabal.scoring) == ("validator", 2, 50, 20, "hand")
    assert cabal.team is not None and cabal.team.favour.uid == 7 and cabal.team.caught_above == 0.5
    assert (miners.size, miners.balance_tao, miners.model, miners.budget) == (None, 10.0, "knn", 300)
    assert [o.kind for o in level.leaves] == []  # no shared objectives: each group has its own


def test_groups_without_objectives_share_the_levels():
    text = CLASS.replace("      objectives:\n        - {kind: earn, at_least_tao: 1}\n", "") + \
        "objectives:\n  - {kind: own_uid}\n"
    level = parse_level(text)
    assert level.classroom.groups[1].objectives.children[0].kind == "own_uid"
    assert level.classroom.groups[0].objectives.children[0].kind == "permit"


def _spec(assign: str, sizes: tuple) -> ClassSpec:
    groups = "".join(f"    - {{name: g{i}, role: miner, briefing: b, {'' if s is None else f'size: {s}, '}"
                     f"objectives: [{{kind: own_uid}}]}}\n" for i, s in enumerate(sizes))
    text = CLASS.split("class:")[0] + f"class:\n  assign: {assign}\n  groups:\n{groups}"
    return parse_level(text).classroom


def _fill(spec: ClassSpec, n: int, picks=None) -> list:
    counts: dict = {}
    out = []
    for k in range(n):
        group = spec.assign_group(counts, k, (picks or [None] * n)[k])
        out.append(group if isinstance(group, str) else group.name)
        if not isinstance(group, str):
            counts[group.name] = counts.get(group.name, 0) + 1
    return out


def test_join_order_fills_groups_in_file_order_and_the_rest_takes_the_others():
    assert _fill(_spec("join_order", (2, None, 1)), 5) == ["g0", "g0", "g2", "g1", "g1"]
    full = _fill(_spec("join_order", (1, 1)), 3)
    assert full[:2] == ["g0", "g1"] and "every group of this activity is full (2 seats)" in full[2]


def test_alternate_takes_turns_skipping_full_groups():
    assert _fill(_spec("alternate", (1, None)), 4) == ["g0", "g1", "g1", "g1"]
    assert _fill(_spec("alternate", (2, 2, None)), 6) == ["g0", "g1", "g2", "g0", "g1", "g2"]


def test_pick_takes_the_named_group_or_explains():
    spec = _spec("pick", (1, None))
    assert _fill(spec, 3, ["g1", "g0", "g0"])[:2] == ["g1", "g0"]
    assert "the group g0 is full" in _fill(spec, 3, ["g1", "g0", "g0"])[2]
    assert "pick a group: g0, g1" in _fill(spec, 1, ["nobody"])[0]


def test_shipped_class_activities_are_listed_apart_and_refused_single_player(capsys):
    files = [f for f in shipped_level_files() if f.stem.startswith("class-")]
    assert len(files) >= 3
    course = {i.name for i in list_levels()}
    activities = list_levels(classes=True)
    assert {i.name for i in activities} == {f.stem for f in files} and not course & {f.stem for f in files}
    assert all(i.problem is None and i.classroom for i in activities)
    for file in files:
        level = load_level(file.stem)
        assert level.classroom is not None and level.intro and level.debrief
        assert all(g.briefing and g.objectives for g in level.classroom.groups)
        with pytest.raises(LevelError, match=f"run it with `taosandbox classroom --level {file.stem}`"):
            LevelSession.start(level)
    assert any(g.team for f in files for g in load_level(f).classroom.groups)
    levels_command()
    out = capsys.readouterr().out
    assert "Class activities" in out and "class-03-cabal" in out.split("Class activities")[1]


def test_levels_check_names_the_groups(tmp_path):
    import io

    from taosandbox.levels.commands import check_command

    path = tmp_path / "week3-class.yaml"
    path.write_text(CLASS)
    out = io.StringIO()
    assert check_command([str(path)], out) == 0
    assert "a class activity with groups cabal (validator, 2), miners (miner, the rest)" in out.getvalue()


def test_a_broken_class_activity_is_listed_with_the_activities(tmp_path, monkeypatch):
    folder = tmp_path / "levels"
    folder.mkdir()
    (folder / "class-09-broken.yaml").write_text(CLASS.replace("      size: 2\n", "      size: none\n"))
    (folder / "01-minimal.yaml").write_text(MINIMAL)
    monkeypatch.setattr("taosandbox.paths.levels_dir", lambda: folder)
    activities = list_levels(classes=True)
    assert [i.name for i in activities] == ["class-09-broken"] and "class.groups[0].size" in activities[0].problem
    assert [i.name for i in list_levels()] == ["minimal"]
