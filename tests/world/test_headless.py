"""`taosandbox run`: JSON summary fields, CSV series, --set overrides and their errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from taosandbox.cli import main, parse_sets

SMALL = ["--set", "task.pool_size=64", "--set", "neurons=[{role: validator, stake_tao: 100, count: 2}, "
         "{role: miner, model: logistic, count: 3}]"]


def test_json_summary_has_every_field(capsys):
    assert main(["run", "--blocks", "25", "--seed", "4", "--json", "-", *SMALL]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("seed", "blocks", "final_block", "total_issuance_rao", "pending_emission_rao",
                "block_emission_rao", "recycled_rao", "halvings", "state_hash", "accounts", "neurons"):
        assert key in data
    assert data["seed"] == 4 and data["blocks"] == 25 and data["final_block"] == 25
    neuron = data["neurons"][2]
    for key in ("uid", "hotkey", "coldkey", "role", "strategy", "model", "accuracy", "stake_rao", "rank",
                "trust", "consensus", "incentive", "dividends", "validator_trust", "validator_permit",
                "emission_rao_total", "registered_block", "immune"):
        assert key in neuron
    assert data["neurons"][0]["accuracy"] is None and 0 < neuron["accuracy"] <= 1
    held = sum(a["free_rao"] + a["staked_rao"] for a in data["accounts"])
    assert held + data["pending_emission_rao"] == data["total_issuance_rao"]


def test_halving_shows_up_in_the_summary(capsys):
    assert main(["run", "--blocks", "30", "--json", "-", *SMALL,
                 "--set", "chain.total_issuance_tao=10499990"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["halvings"]) == 1
    halving = data["halvings"][0]
    assert halving["total_issuance_rao"] >= 10_500_000 * 10**9
    assert halving["block_emission_rao"] == 500_000_000
    assert data["block_emission_rao"] == 500_000_000


def test_csv_series_open_as_tables(tmp_path, capsys):
    assert main(["run", "--blocks", "12", "--csv", str(tmp_path), *SMALL]) == 0
    chain = list(csv.DictReader((tmp_path / "chain.csv").open()))
    assert len(chain) == 12 and chain[0]["block"] == "1"
    assert int(chain[-1]["total_issuance_rao"]) > int(chain[0]["total_issuance_rao"])
    incentive = list(csv.reader((tmp_path / "incentive.csv").open()))
    assert incentive[0][:3] == ["block", "uid_0", "uid_1"] and len(incentive) == 13
    assert (tmp_path / "dividends.csv").exists() and (tmp_path / "stake_rao.csv").exists()


@pytest.mark.parametrize("args, words", [
    (["--set", "hyperparameters.kapa=1"], "did you mean 'kappa'"),
    (["--set", "chain.total_issuance_tao=lots"], "chain.total_issuance_tao: expected a number"),
    (["--set", "nope"], "expected KEY=VALUE"),
    (["--set", "hyperparameters.tempo=-4"], "tempo: -4 is outside the allowed range"),
])
def test_bad_overrides_give_one_clear_line(args, words, capsys):
    assert main(["run", "--blocks", "1", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and err.startswith("taosandbox run: --set")


def test_parse_sets_reads_yaml_scalars():
    assert parse_sets(["a.b=3", "c=x", "d=[1, 2]", "e=0.5"]) == {"a.b": 3, "c": "x", "d": [1, 2], "e": 0.5}


def test_no_progress_bar_when_piped():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "taosandbox", "run", "--blocks", "5", *SMALL],
                          capture_output=True, text=True, cwd=root)
    assert done.returncode == 0
    assert done.stderr == "" and "5 blocks from seed 1" in done.stdout


@pytest.mark.parametrize("flag, target, words", [
    ("--json", "/proc/x.json", "--json /proc/x.json: cannot write in /proc"),
    ("--csv", "/proc/x", "--csv /proc/x: cannot write in /proc"),
    ("--csv", "FILE", "is a file, not a folder"),
    ("--json", "DIR", "is a folder, not a file"),
])
def test_unwritable_outputs_are_refused_before_the_run(flag, target, words, tmp_path, capsys, monkeypatch):
    import taosandbox.world.headless as headless

    def never(*_args, **_kwargs):
        raise AssertionError("the run started before its output path was checked")

    monkeypatch.setattr(headless, "run", never)
    (tmp_path / "taken.csv").write_text("x\n")
    target = {"FILE": str(tmp_path / "taken.csv"), "DIR": str(tmp_path)}.get(target, target)
    assert main(["run", flag, target, *SMALL]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_replay_export_refuses_an_unwritable_path_before_replaying(capsys):
    assert main(["replay", "no-such-session", "--json", "/proc/x.json"]) == 2
    assert "cannot write in /proc" in capsys.readouterr().err


def test_a_writable_output_in_a_new_folder_passes_the_check(tmp_path):
    from taosandbox.world.headless import output_problems

    assert output_problems(str(tmp_path / "new" / "deeper" / "x.json"), str(tmp_path / "series")) == []
    assert not (tmp_path / "new").exists()


def test_json_to_dev_null_writes_into_the_device_and_leaves_it_one(capsys):
    """`--json /dev/null` must not rename a regular file over the device (atomic_write writes into
    devices and pipes); before the fix the run replaced /dev/null and broke every program after it."""
    import os
    import stat

    assert main(["run", "--blocks", "3", "--json", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
