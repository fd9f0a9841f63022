"""Shared helpers: a minimal valid level, hand-built snapshots, an isolated progress file."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from taosandbox.chain.hyperparams import SANDBOX
from taosandbox.world.snapshot import NeuronRow, PlayerView, Snapshot, StakeRow

MINIMAL = textwrap.dedent("""\
    title: Minimal
    concept: testing
    intro: Hello.
    debrief: Bye.
    deadline: 300
    world:
      seed: 3
      neurons:
        - {role: validator, count: 2, stake_tao: 100}
        - {role: miner, count: 6}
      player: {role: miner, balance_tao: 10}
    objectives:
      - {kind: own_uid, by_block: 100}
    solution:
      - block: 1
        action: {kind: register}
    """)


def assert_one_problem(path, text: str, field: str, words: str) -> None:
    """Loading ``text`` from ``path`` fails with exactly one line: ``path:LINE: field: ...words...``, at the
    line marked ``# HERE`` (if any)."""
    from taosandbox.levels import LevelError, load_level

    path.write_text(text)
    with pytest.raises(LevelError) as caught:
        load_level(path)
    lines = caught.value.lines
    assert len(lines) == 1, lines
    marked = [i + 1 for i, line in enumerate(text.splitlines()) if "# HERE" in line]
    line = lines[0]
    assert line.startswith(f"{path}:{marked[0]}: " if marked else f"{path}:"), line
    assert f": {field}: " in line, line
    assert words in line, line


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def row(uid: int, *, player: bool = False, role: str = "miner", strategy: str = "honest", **values) -> NeuronRow:
    base = dict(
        uid=uid, hotkey=f"hk-{uid}", coldkey=f"ck-{uid}", role=role, strategy="player" if player else strategy,
        model=None, accuracy=None, stake_rao=0, rank=0.0, trust=0.0, consensus=0.0, incentive=0.0,
        dividends=0.0, emission_rao=0, validator_trust=0.0, validator_permit=False, last_update=0,
        updated=0, active=True, registered_block=0, immune=False, immunity_left=0, pruning_score=0,
        emission_total_rao=0, take=11796, is_player=player, next_to_prune=False,
    )
    base.update(values)
    return NeuronRow(**base)


def snapshot(block: int, neurons=(), *, stakes=(), earned_rao: int = 0, halving_index: int = 0,
             epoch: bool = True, **values) -> Snapshot:
    mine = [r for r in neurons if r.is_player]
    player = PlayerView(
        coldkey="player", role="miner", free_rao=0, staked_rao=sum(s.amount_rao for s in stakes),
        stakes=tuple(stakes), uids=tuple(r.uid for r in mine), hotkeys=tuple(r.hotkey for r in mine),
        earned_rao=earned_rao, spent_burn_rao=values.pop("spent_burn_rao", 0), spent_fees_rao=0, start_rao=0,
    )
    base = dict(
        block=block, seconds=block * 12, hyperparameters=SANDBOX, total_issuance_rao=0,
        block_emission_rao=10**9, halving_index=halving_index, next_halving_issuance_rao=None,
        blocks_to_next_halving=None, pending_emission_rao=0, recycled_rao=0, burn_rao=10**9,
        blocks_to_next_epoch=1, last_epoch_block=block if epoch else None, neurons=tuple(neurons),
        player=player, delegates=(), halvings=(), differences=(),
    )
    base.update(values)
    return Snapshot(**base)


__all__ = ["MINIMAL", "StakeRow", "replace", "row", "snapshot"]
