"""``taosandbox check-yuma FILE...``: exit codes and what it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from taosandbox.cli import main

from taosandbox.paths import yuma_reference_cases

REFERENCE = yuma_reference_cases()


def run_cli(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "taosandbox", "check-yuma", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],  # the repository root, so ``-m taosandbox`` imports this checkout
    )


def test_reference_file_passes() -> None:
    proc = run_cli(REFERENCE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    cases = json.loads(REFERENCE.read_text())["cases"]
    assert len(lines) == len(cases)
    for line, case in zip(lines, cases):
        assert line.startswith(f"PASS {case['id']} ")


def test_corrupted_expected_value_fails_naming_case_and_field(tmp_path: Path, capsys) -> None:
    doc = json.loads(REFERENCE.read_text())
    doc["cases"][2]["epochs"][0]["expected"]["dividends"][1] += 1e-6
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["check-yuma", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    failing = [line for line in lines if line.startswith("FAIL")]
    assert len(failing) == 1
    assert failing[0].startswith(f"FAIL {doc['cases'][2]['id']}: dividends (epoch 0) at [1]")
    assert sum(line.startswith("PASS") for line in lines) == len(doc["cases"]) - 1


def test_corrupted_boolean_and_pruning_score(tmp_path: Path, capsys) -> None:
    doc = json.loads(REFERENCE.read_text())
    exp = doc["cases"][0]["epochs"][0]["expected"]
    exp["new_validator_permit"][4] = False
    exp["pruning_score_u16"][4] += 1  # 21845.0...: not a .5 tie, so +1 is a failure
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["check-yuma", str(bad)]) == 1
    failures = capsys.readouterr().out.splitlines()[0].split("|")[0]
    assert failures.startswith("FAIL tiny_2v3m")
    assert "new_validator_permit" in failures and "pruning_score_u16" in failures


def test_pruning_score_may_differ_by_one_at_a_half_tie(tmp_path: Path, capsys) -> None:
    doc = json.loads(REFERENCE.read_text())
    # uid 3: 65535 x 0.15625.../0.3125... = 32767.49999999999..., within 1e-9 of .5: 32768 is accepted.
    doc["cases"][0]["epochs"][0]["expected"]["pruning_score_u16"][3] += 1
    ok = tmp_path / "tie.json"
    ok.write_text(json.dumps(doc))
    assert main(["check-yuma", str(ok)]) == 0


def test_bad_json_prints_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"cases": [')
    proc = run_cli(bad)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and "broken.json" in lines[0]
    assert proc.stderr == ""


def test_missing_file_and_good_file(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.json"
    assert main(["check-yuma", str(missing), str(REFERENCE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ERROR") and "nope.json" in lines[0]
    assert all(line.startswith("PASS") for line in lines[1:])


def test_case_with_bad_inputs_fails_cleanly(tmp_path: Path, capsys) -> None:
    doc = json.loads(REFERENCE.read_text())
    doc["cases"][0]["epochs"][0]["inputs"]["stake"][0] = -1
    bad = tmp_path / "neg.json"
    bad.write_text(json.dumps(doc))
    assert main(["check-yuma", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL tiny_2v3m" in out and "stake" in out


def test_no_file_checks_the_shipped_cases() -> None:
    proc = run_cli()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cases = json.loads(REFERENCE.read_text())["cases"]
    assert [line.split()[1] for line in proc.stdout.splitlines()] == [c["id"] for c in cases]


def test_help_names_the_shipped_file_and_the_format_doc(capsys) -> None:
    import pytest

    with pytest.raises(SystemExit):
        main(["check-yuma", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "assets/reference/yuma_cases.json" in out and "docs/check-yuma.md" in out


def test_the_minimal_file_in_the_docs_passes(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs/check-yuma.md").read_text()
    example = tmp_path / "minimal.json"
    example.write_text(doc.split("```json", 1)[1].split("```", 1)[0])
    proc = run_cli(example)
    assert proc.returncode == 0 and proc.stdout.startswith("PASS one_validator_one_miner"), proc.stdout


def test_unreadable_files_are_one_line_each_naming_the_file_and_line(tmp_path: Path, capsys) -> None:
    """No exception class names: 'FILE:LINE: not JSON (...)' and 'FILE: no cases list (...)'."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"cases": [\n  1,\n')
    shapeless = tmp_path / "shapeless.json"
    shapeless.write_text('{"x": 1}\n')
    assert main(["check-yuma", str(broken), str(shapeless), str(tmp_path / "nope.json")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"ERROR {broken}:3: not JSON (")
    assert lines[1] == f"ERROR {shapeless}: no 'cases' list at the top level (the format: docs/check-yuma.md)"
    assert lines[2] == f"ERROR {tmp_path / 'nope.json'}: No such file or directory"
    assert not any("Error:" in line for line in lines)
