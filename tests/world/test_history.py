"""History: bounded memory, even downsampling, the newest sample always present, top miners."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from taosandbox.world.history import History
from tiny_epoch import snapshot

BASE = snapshot()


def at(block: int, *, issuance: int = 0, earned: int = 0, incentive: dict[int, float] | None = None,
       threshold: int | None = 10_500_000 * 10**9):
    neurons = BASE.neurons
    if incentive is not None:
        neurons = tuple(dataclasses.replace(row, incentive=incentive.get(row.uid, 0.0)) for row in neurons)
    return dataclasses.replace(
        BASE, block=block, total_issuance_rao=issuance, next_halving_issuance_rao=threshold, neurons=neurons,
        player=dataclasses.replace(BASE.player, earned_rao=earned))


def test_series_in_tao_oldest_first():
    history = History()
    for b in range(1, 4):
        history.append(at(b, issuance=b * 10**9, earned=2 * b * 10**9))
    assert list(history.blocks) == [1, 2, 3]
    assert list(history.issuance_tao) == [1.0, 2.0, 3.0]
    assert list(history.earned_tao) == [2.0, 4.0, 6.0]
    assert list(history.block_emission_tao) == [1.0, 1.0, 1.0]
    assert list(history.next_halving_tao) == [10_500_000.0] * 3
    with pytest.raises(ValueError):
        history.blocks[0] = 5  # read-only views


def test_memory_is_bounded_and_samples_stay_evenly_spaced_with_the_newest_kept():
    history = History(capacity=16)
    for b in range(1, 1001):
        history.append(at(b, issuance=b))
        assert len(history) <= 16
        assert history.blocks[-1] == b
    blocks = np.asarray(history.blocks)
    assert history.stride == 128
    assert blocks[0] == 1 and blocks[-1] == 1000
    gaps = np.diff(blocks[:-1])
    assert set(gaps) == {history.stride}  # every committed gap is one stride
    assert list(history.issuance_tao) == pytest.approx(list(blocks / 1e9))


def test_same_block_is_ignored_and_going_back_in_time_starts_over():
    history = History()
    history.append(at(5))
    history.append(at(5, earned=99))
    assert len(history) == 1 and history.earned_tao[0] == 0
    history.append(at(3))
    assert list(history.blocks) == [3]


def test_top_miners_by_latest_incentive_and_their_series():
    history = History()
    history.append(at(1, incentive={2: 0.5, 3: 0.3, 4: 0.2}))
    history.append(at(2, incentive={2: 0.1, 3: 0.6, 4: 0.3, 0: 0.9}))  # uid 0 is a validator
    assert history.top_miners(2) == [3, 4]
    assert list(history.incentive(2)) == pytest.approx([0.5, 0.1])
    assert np.isnan(history.incentive(40)).all() and len(history.incentive(40)) == 2


def test_no_halving_threshold_is_nan_and_capacity_is_checked():
    history = History()
    history.append(at(1, threshold=None))
    assert np.isnan(history.next_halving_tao[0])
    assert History().top_miners() == []
    with pytest.raises(ValueError, match="at least 4"):
        History(capacity=2)


def test_irregular_appends_stay_bounded_and_cover_the_whole_run():
    history = History(capacity=8)
    for b in range(3, 5000, 7):  # a UI sampling a fast-forwarding world
        history.append(at(b))
    blocks = np.asarray(history.blocks)
    assert len(history) <= 8 and blocks[0] == 3 and blocks[-1] == range(3, 5000, 7)[-1]
    assert np.all(np.diff(blocks) > 0)
