"""Shared fixtures: user folders in a temporary directory, and one small recorded game."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from session_helpers import record_game  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Saves and autosaves go to a temporary TAOSANDBOX_HOME, never the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("TAOSANDBOX_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    """A 400-block game with register, retrain, stake and a refused action; (path, facts)."""
    path = tmp_path_factory.mktemp("recorded") / "game.jsonl"
    facts = record_game(path)
    return path, facts


@pytest.fixture
def game(recorded, tmp_path):
    """A private copy of the recorded game the test may damage."""
    src, facts = recorded
    path = tmp_path / "game.jsonl"
    path.write_bytes(src.read_bytes())
    return path, facts
