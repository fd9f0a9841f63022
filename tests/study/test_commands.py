"""``taosandbox study FILE``, ``study show DIR`` and ``study plot DIR`` as a user types them."""

from __future__ import annotations

import sys

import pytest

from taosandbox.cli import main


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """The small study run once through the command line (in this process: --workers 0)."""
    from tests.study.conftest import SMALL

    folder = tmp_path_factory.mktemp("cli")
    (folder / "small.yaml").write_text(SMALL)
    assert main(["study", str(folder / "small.yaml"), "--workers", "0", "--out", str(folder / "out")]) == 0
    return folder


def test_without_the_extra_one_line_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["study", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ['taosandbox study needs the study extra: pip install "taosandbox[study]" '
                   '(distributed is not installed)']


def test_a_bad_study_file_prints_file_line_field_problem(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: T\nquestion: Q\nseeds: [1]\nblocks: 10\ngrid:\n  hyperparameters.mechanism: [yuma_2025]\n")
    assert main(["study", str(bad), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:6: grid.hyperparameters.mechanism[0]: 'yuma_2025':"), err
    assert not (tmp_path / "out").exists()


def test_show_prints_mean_spread_and_interval_per_grid_point(done, capsys):
    capsys.readouterr()
    assert main(["study", "show", str(done / "out"), "--measure", "copier_dividends_ratio"]) == 0
    out = capsys.readouterr().out
    assert "Small: Does the copier earn less?" in out and "4 of 4 runs" in out
    header = next(line for line in out.splitlines() if "measure" in line)
    assert header.split() == ["hyperparameters.mechanism", "group", "measure", "n", "mean", "sd", "95%", "low",
                              "95%", "high"]
    rows = [line.split() for line in out.splitlines() if "copier_dividends_ratio" in line]
    assert [r[0] for r in rows] == ["yuma_2024", "yuma3_2026"] and all(r[3] == "2" for r in rows)


def test_show_and_plot_refuse_unknown_names(done, capsys):
    assert main(["study", "show", str(done / "out"), "--measure", "nope"]) == 2
    assert main(["study", "plot", str(done / "out"), "--x", "kappa", "--y", "copier_dividends_ratio"]) == 2
    assert "--x kappa: not a grid parameter" in capsys.readouterr().err
    assert main(["study", "plot", str(done / "out"), "--x", "hyperparameters.mechanism",
                 "--y", "dividends_per_tao"]) == 2
    assert "choose one with --group" in capsys.readouterr().err


def test_plot_draws_in_the_terminal_and_writes_png_and_svg(done, capsys):
    out = done / "out"
    assert main(["study", "plot", str(out), "--x", "hyperparameters.mechanism", "--y", "copier_dividends_ratio"]) == 0
    png = out / "plot-copier_dividends_ratio-by-hyperparameters.mechanism.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "yuma3_2026" in capsys.readouterr().out
    svg = done / "slide.svg"
    assert main(["study", "plot", str(out), "--x", "hyperparameters.mechanism", "--y", "dividends_per_tao",
                 "--by", "group", "--image", str(svg)]) == 0
    text = svg.read_text()
    assert text.startswith("<?xml") and "validator:copier" in text


def test_a_used_folder_needs_resume(done, capsys):
    args = ["study", str(done / "small.yaml"), "--workers", "0", "--out", str(done / "out")]
    assert main(args) == 2
    assert "not empty (use --resume" in capsys.readouterr().err
    assert main(args + ["--resume"]) == 0
    assert "4 runs in the table (0 new in" in capsys.readouterr().out
