"""The command line: --help stays light, and check-yuma is reachable."""

import subprocess
import sys


def test_help_lists_the_commands():
    done = subprocess.run([sys.executable, "-m", "taosandbox", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for command in ("run", "check-yuma"):
        assert command in done.stdout


def test_a_broken_level_is_refused_before_the_game_opens(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nworld:\n  neuronz: []\n")
    done = subprocess.run([sys.executable, "-m", "taosandbox", "--level", str(bad)], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1
    assert f"{bad}:3: world.neuronz: unknown field; did you mean 'neurons'?" in done.stderr
    assert "\x1b[" not in done.stdout  # the Textual screen never opened


def test_a_class_activity_is_refused_single_player_with_how_to_run_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "taosandbox", "--level", "class-03-cabal"], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1
    assert "class-03-cabal is a class activity" in done.stderr
    assert "taosandbox classroom --level class-03-cabal" in done.stderr
    assert "\x1b[" not in done.stdout
