"""The three shipped class activities played by scripted students to a debrief: groups assigned on
join, objectives scored per student, objective columns in the CSV, the debrief's numbers, the class
session replaying to the same checkpoints, scores surviving a resume; and the server's side of it
(briefing in welcome, progress in snapshots, the debrief command, groups to pick on /health)."""

import asyncio
import csv

import aiohttp
import pytest

from taosandbox.classroom.classroom import SESSION_FILE, Classroom
from taosandbox.classroom.client import ClassClient
from taosandbox.classroom.seats import JoinRefused
from taosandbox.classroom.server import ClassServer
from taosandbox.sessions.replay import verify

CODE = "TEST42"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))


def _class(tmp_path, level, names, role="miner"):
    room = Classroom.new(tmp_path / "class", level=level, code=CODE)
    seats = [room.join(name, CODE, role) for name in names]
    return room, seats


def _until_ok(room, coldkey, action, blocks=15):
    """Act as soon as the chain allows it (a permit comes with the first epoch, weights are rate-limited)."""
    for _ in range(blocks):
        result = room.act(coldkey, action)
        if result.ok:
            return result
        room.step(1)
    raise AssertionError(f"{coldkey} could never {action['kind']}: {result.reason}")


def _ended(room):
    paths = room.end()
    rows = {r["name"]: r for r in csv.DictReader(open(paths["csv"], encoding="utf-8"))}
    return paths, rows, paths["debrief"].read_text(encoding="utf-8")


def test_miners_race_better_models_win_incentive(tmp_path):
    room, seats = _class(tmp_path, "class-01-miners-race", ["Ada", "Bo", "Cy"])
    assert [s.group for s in seats] == ["miners"] * 3
    assert all(room.world.snapshot_for(s.coldkey).player.hotkeys == (f"{s.coldkey}-hk1",) for s in seats)
    room.step(2)
    assert room.act("ada", {"kind": "set_model", "hotkey": "ada-hk1", "model": "knn", "budget": 1000}).ok
    assert room.act("bo", {"kind": "set_model", "hotkey": "bo-hk1", "model": "logistic", "budget": 400}).ok
    room.step(90)  # Cy keeps the 10-sample model
    paths, rows, debrief = _ended(room)
    assert rows["Ada"]["accuracy_passed"] == "True" and rows["Cy"]["accuracy_passed"] == "False"
    assert "accuracy = " in rows["Cy"]["accuracy_detail"]
    assert rows["Ada"]["top3_passed"] == "True" and rows["Cy"]["top3_passed"] == "False"
    assert float(rows["Ada"]["top3_progress"]) > float(rows["Cy"]["top3_progress"])
    assert {"group", "objectives_status", "earned_passed", "earned_progress", "earned_detail"} <= set(rows["Ada"])
    assert "## Who won incentive, and why" in debrief and "**Ada** won the most incentive" in debrief
    assert "| Ada |" in debrief and "knn" in debrief
    result = verify(paths["session"])
    assert result.ok, result


def test_consensus_mavericks_are_clipped_and_earn_less(tmp_path):
    room, seats = _class(tmp_path, "class-02-consensus", ["Ada", "Bo", "Cy"])
    assert [s.group for s in seats] == ["mavericks", "steady", "mavericks"]  # assign: alternate
    room.step(20)
    for ck in ("ada", "cy"):
        _until_ok(room, ck, {"kind": "set_weights", "hotkey": f"{ck}-hk1", "uids": [5], "values": [1.0]})
    room.step(100)
    scores = room.activity.scores
    assert scores["ada"].run.verdicts["clipped"].status == "passed"  # VTRUST at most 0.5
    assert scores["bo"].run.verdicts["in-consensus"].status == "passed"  # VTRUST 0.9 for 5 epochs
    assert "in-consensus" not in scores["ada"].run.verdicts and "clipped" not in scores["bo"].run.verdicts
    paths, rows, debrief = _ended(room)
    assert rows["Ada"]["group"] == "mavericks" and rows["Bo"]["group"] == "steady"
    assert float(rows["Ada"]["validator_trust"]) < 0.5 < float(rows["Bo"]["validator_trust"])
    assert "## Validators and consensus" in debrief and "| Ada |" in debrief
    clipped = {line.split("|")[1].strip(): float(line.split("|")[5].strip().rstrip("%"))
               for line in debrief.split("## Validators and consensus")[1].splitlines()
               if line.startswith("| ") and line.split("|")[5].strip().endswith("%")}
    assert clipped["Ada"] > 50 > clipped["Bo"]
    groups = debrief.split("## The groups")[1]
    assert "**Mavericks** (validator, 2 students)" in groups and "Get clipped (VTRUST at most 0.5): 2 of 2" in groups
    assert verify(paths["session"]).ok


async def test_cabal_over_the_wire_is_caught_by_consensus(tmp_path):
    room = Classroom.new(tmp_path / "class", level="class-03-cabal", code=CODE)
    server = ClassServer(room, port=0)
    await server.start()
    address = f"127.0.0.1:{server.port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://{address}/health") as reply:
                health = await reply.json()
        assert health["assign"] == "alternate" and [g["name"] for g in health["groups"]] == ["cabal", "honest"]
        teacher = await ClassClient.teacher(address, room.secret)
        students = {n: await ClassClient.join(address, n, CODE) for n in ("Ada", "Bo", "Cy", "Di")}
        ada = students["Ada"]
        assert ada.welcome["role"] == "validator" and ada.welcome["briefing"]["group"] == "cabal"
        assert "uid 8" in ada.welcome["briefing"]["briefing"]
        assert students["Bo"].welcome["briefing"]["group"] == "honest"
        await teacher.command("step", blocks=20)
        for name in ("Ada", "Cy"):
            ck = name.lower()
            reply = await students[name].act({"kind": "set_weights", "hotkey": f"{ck}-hk1", "uids": [8],
                                              "values": [1.0]})
            assert reply["ok"], reply
        await teacher.command("step", blocks=60)
        snap = await ada.next_snapshot()
        assert snap["own"]["level"]["group"] == "cabal"
        assert set(snap["own"]["level"]["objectives"]) == {"permit", "favourite-incentive"}
        live = await teacher.command("debrief")
        assert live["ok"] and "## The cabal: The cabal" in live["text"] and "**caught**" in live["text"]
        ended = await teacher.command("end")
        assert ended["ok"] and ended["debrief"].endswith(".md")
        rows = {r["name"]: r for r in csv.DictReader(open(ended["csv"], encoding="utf-8"))}
        assert rows["Ada"]["group"] == "cabal" and rows["Bo"]["group"] == "honest"
        assert float(rows["Ada"]["team_clipped_share"]) > 0.5 and rows["Bo"]["team_clipped_share"] == ""
        assert rows["Bo"]["vtrust_passed"] == "True" and rows["Ada"]["vtrust_passed"] == ""  # honest only
        assert rows["Ada"]["favourite-incentive_passed"] == "False"  # the favourite never got 0.25
        report = room.activity.teams["cabal"]
        assert report["caught"] and report["team_validator_trust"] < report["honest_validator_trust"]
        assert report["caught_epochs"] >= 2 and {m["name"] for m in report["members"]} == {"Ada", "Cy"}
        after = await teacher.command("debrief")  # the console can show it again after the end
        assert after["ok"] and after["text"] == open(ended["debrief"], encoding="utf-8").read()
        for client in (teacher, *students.values()):
            await client.close()
    finally:
        await server.stop()
    result = await asyncio.to_thread(verify, ended["session"])
    assert result.ok, result


def test_scores_survive_a_resume(tmp_path):
    room, _ = _class(tmp_path, "class-02-consensus", ["Ada", "Bo"])
    room.step(60)
    room.save()
    before = {ck: (s.run.status, {k: v.status for k, v in s.run.verdicts.items()},
                   {k: getattr(t, "streak", None) for k, t in s.run.trackers.items()})
              for ck, s in room.activity.scores.items()}
    again = Classroom.resume(room.directory)
    after = {ck: (s.run.status, {k: v.status for k, v in s.run.verdicts.items()},
                  {k: getattr(t, "streak", None) for k, t in s.run.trackers.items()})
             for ck, s in again.activity.scores.items()}
    assert after == before and [s.group for s in again.seats.values()] == ["mavericks", "steady"]
    streak = again.activity.scores["bo"].run.trackers["in-consensus"].streak
    assert streak >= 1  # VTRUST 0.9 at the epochs before the save
    again.step(40)  # two more epochs: the streak goes on from where it was, not from 0
    bo = again.activity.scores["bo"].run
    assert bo.trackers["in-consensus"].streak >= streak + 2 or bo.verdicts["in-consensus"].status == "passed"
    assert verify(again.directory / SESSION_FILE).ok


def test_full_activity_and_picked_groups(tmp_path):
    level = tmp_path / "pick.yaml"
    level.write_text(open("levels/class-03-cabal.yaml", encoding="utf-8").read()
                     .replace("assign: alternate", "assign: pick")
                     .replace("      size: 3\n", "      size: 1\n")
                     .replace("      title: Honest validators\n", "      title: Honest validators\n      size: 1\n"))
    room = Classroom.new(tmp_path / "class", level=str(level), code=CODE)
    assert room.seats_max == 2
    with pytest.raises(JoinRefused, match="pick a group: cabal, honest"):
        room.join("Ada", CODE, "miner")
    assert room.join("Ada", CODE, "honest").group == "honest"
    with pytest.raises(JoinRefused, match="the group honest is full"):
        room.join("Bo", CODE, "honest")
    assert room.join("Bo", CODE, "cabal").group == "cabal"
    with pytest.raises(JoinRefused, match="full"):
        room.join("Cy", CODE, "cabal")
    assert room.world.snapshot_for("bo").player.free_rao < room.world.snapshot_for("bo").player.start_rao


def test_a_cabal_member_who_set_no_weights_is_not_called_clipped(tmp_path):
    """VTRUST is 0 both for a validator clipped to nothing and for one that set no weights; the debrief's
    'clipped' column tells them apart (seen in a teacher's trial: a silent student read '100.0%')."""
    room, seats = _class(tmp_path, "class-03-cabal", ["Ada", "Bo", "Cy"], role="validator")
    cabal = [s for s in seats if s.group == "cabal"]
    room.step(20)  # the first epoch: permits
    _until_ok(room, cabal[0].coldkey, {"kind": "set_weights", "hotkey": f"{cabal[0].coldkey}-hk1",
                                       "uids": [8], "values": [1.0]})
    room.step(45)
    _paths, _rows, debrief = _ended(room)
    table = {line.split("|")[1].strip(): line.split("|")[5].strip() for line in debrief.splitlines()
             if line.startswith("| ") and line.count("|") == 8}
    assert table[cabal[0].name] == "100.0%"
    silent = [s.name for s in seats if s.group == "cabal" and s is not cabal[0]]
    assert silent and all(table[name] == "set no weights" for name in silent)
