"""The command line: sessions list/save/show/delete, replay --verify/--json/--csv, run --record."""

import csv
import json

from taosandbox.cli import main

from session_helpers import lines_of, rewrite


def test_replay_verify_ok_and_diverged(game, capsys):
    path, _ = game
    assert main(["replay", "--verify", str(path)]) == 0
    assert capsys.readouterr().out == "OK: 9/9 checkpoints matched up to block 400\n"
    records = lines_of(path)
    k = [i for i, r in enumerate(records) if r["type"] == "action"][2]
    records[k]["action"]["amount_rao"] += 1
    rewrite(path, records)
    assert main(["replay", "--verify", str(path)]) == 1
    assert capsys.readouterr().out.startswith("FAILED: DIVERGED at block 150: ")


def test_replay_refuses_a_bad_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text("not a session\n")
    assert main(["replay", "--verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"taosandbox replay: {path}:1: not a session header (is this a taosandbox session file?)\n"
    assert main(["sessions", "show", str(path)]) == 1
    assert capsys.readouterr().err == (f"taosandbox sessions show: {path}:1: not a session header (is this a "
                                       "taosandbox session file?)\n")
    path.write_text("")
    assert main(["replay", "--verify", str(path)]) == 1
    assert capsys.readouterr().err == f"taosandbox replay: {path}: the file is empty\n"
    assert main(["replay", "--verify", str(tmp_path / "missing.jsonl")]) == 1
    assert "no such session file or save" in capsys.readouterr().err


def test_run_record_then_replay_exports_what_run_wrote(tmp_path, capsys):
    """A recorded headless run replays to the same JSON summary and CSV series as the run itself."""
    session = tmp_path / "run.jsonl"
    sets = ["--set", "task.pool_size=128", "--set", "neurons[3].count=2", "--set", "neurons[4].count=2"]
    args = ["run", "--blocks", "120", "--seed", "4", *sets]
    assert main(args + ["--json", str(tmp_path / "run.json"), "--csv", str(tmp_path / "run_csv"),
                        "--record", str(session)]) == 0
    header = lines_of(session)[0]
    assert header["overrides"] == {"task.pool_size": 128, "neurons[3].count": 2, "neurons[4].count": 2}
    assert header["seed"] == 4 and header["scenario"].get("name", "sandbox") == "sandbox"
    assert main(["replay", str(session), "--json", str(tmp_path / "replay.json"),
                 "--csv", str(tmp_path / "replay_csv")]) == 0
    run_summary = json.loads((tmp_path / "run.json").read_text())
    assert json.loads((tmp_path / "replay.json").read_text()) == run_summary
    for name in ("chain.csv", "incentive.csv", "dividends.csv", "stake_rao.csv"):
        a = list(csv.reader((tmp_path / "run_csv" / name).open()))
        b = list(csv.reader((tmp_path / "replay_csv" / name).open()))
        assert a == b and len(a) == 121, name
    capsys.readouterr()
    assert main(["replay", str(session), "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == run_summary
    assert captured.err.startswith("OK: 2/2 checkpoints")


def test_sessions_commands(game, capsys, isolated_home):
    path, _ = game
    assert main(["sessions"]) == 0
    assert capsys.readouterr().out.startswith("no saved sessions in ")
    assert main(["sessions", "save", "lesson 1", "--from", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("lesson 1.jsonl")
    assert main(["sessions", "save", "lesson 1", "--from", str(path)]) == 1
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["sessions", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "KIND", "SAVED", "BLOCK", "ACTIONS", "WORLD"]
    assert out[1].startswith("lesson 1  named") and out[1].split()[-3:] == ["400", "4", "small"]
    assert main(["sessions", "show", "lesson 1"]) == 0
    show = capsys.readouterr().out
    assert "seed:        3\n" in show and "actions:     4\n" in show and "state:       intact\n" in show
    assert "1 add_stake, 1 register, 1 remove_stake, 1 set_model" in show
    assert main(["replay", "--verify", "lesson 1"]) == 0  # a save's name works where a file does
    capsys.readouterr()
    assert main(["sessions", "delete", "lesson 1"]) == 0
    assert main(["sessions", "show", "lesson 1"]) == 1
    assert "no such session file or save" in capsys.readouterr().err
