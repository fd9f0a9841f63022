"""Measures against numbers worked by hand, on a four-neuron world whose epochs are written out below."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from taosandbox.chain.units import RAO_PER_TAO
from taosandbox.study.measures import Collector, gini, ranks, spearman
from taosandbox.world.world import Agent


def test_ranks_share_ties_and_spearman_matches_the_textbook_formula():
    assert ranks([10, 20, 20, 30]).tolist() == [1.0, 2.5, 2.5, 4.0]
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # no ties: rho = 1 - 6 sum d^2 / (n (n^2 - 1)); d = (0, 1, -1, 0) -> 1 - 12/60 = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert math.isnan(spearman([1, 2], [1, 2])) and math.isnan(spearman([1, 2, 3], [5, 5, 5]))


def test_gini_of_equal_and_of_winner_takes_all():
    assert gini([1, 1, 1, 1]) == 0.0
    # sum |xi - xj| = 2 * 3 * 1 = 6; 2 n^2 mean = 2 * 16 * 0.25 = 8
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert math.isnan(gini([])) and math.isnan(gini([0, 0]))


def _epoch(incentive, dividends, vtrust, server, validator):
    f = lambda v: np.array(v, dtype=np.float64)  # noqa: E731
    return SimpleNamespace(incentive=f(incentive), dividends=f(dividends), validator_trust=f(vtrust),
                           server_emission_u64=np.array(server, dtype=np.int64),
                           validator_emission_u64=np.array(validator, dtype=np.int64))


class FakeWorld:
    """uid 0 honest validator (600 TAO, take 0), uid 1 copier (800 TAO, take 50%), uids 2-3 honest miners."""

    def __init__(self):
        hotkeys = ["v0", "v1", "m2", "m3"]
        self.subnet = SimpleNamespace(
            n=4, metagraph=SimpleNamespace(hotkeys=hotkeys), last_epoch=None, halvings=[{"block": 77}],
            ledger=SimpleNamespace(take={"v0": 0, "v1": 65535 // 2 + 1}),
            hp=SimpleNamespace(default_take=0),
            stake_vector=lambda: np.array([600, 800, 0, 0], dtype=np.float64) * RAO_PER_TAO)
        self.agents = {0: Agent(0, "v0", "c0", "validator", "honest"), 1: Agent(1, "v1", "c1", "validator", "copier"),
                       2: Agent(2, "m2", "c2", "miner", "honest"), 3: Agent(3, "m3", "c3", "miner", "honest")}
        self.scenario = SimpleNamespace(neurons=())
        accuracy = {2: 0.9, 3: 0.6}
        self.market = SimpleNamespace(miner_info=lambda uid: {"accuracy": accuracy[uid]})


def test_group_run_and_delegate_measures_over_two_epochs():
    world = FakeWorld()
    c = Collector(world)
    tao = RAO_PER_TAO
    world.subnet.last_epoch = _epoch([0, 0, 0.75, 0.25], [0.6, 0.4, 0, 0], [0.9, 0.5, 0, 0],
                                     [0, 0, 75 * tao, 25 * tao], [60 * tao, 40 * tao, 0, 0])
    c.add_epoch(world)
    world.subnet.last_epoch = _epoch([0, 0, 0.5, 0.5], [0.5, 0.5, 0, 0], [1.0, 0.7, 0, 0],
                                     [0, 0, 50 * tao, 50 * tao], [30 * tao, 30 * tao, 0, 0])
    c.add_epoch(world)
    rows = c.rows(world)
    honest, copier, miners = rows["validator:honest"], rows["validator:copier"], rows["miner"]
    # dividends per TAO: honest 60/600 + 30/600 = 0.15; copier 40/800 + 30/800 = 0.0875
    assert honest["dividends_per_tao"] == pytest.approx(0.15)
    assert copier["dividends_per_tao"] == pytest.approx(0.0875)
    assert rows["validator"]["dividends_per_tao"] == pytest.approx(100 / 1400 + 60 / 1400)
    assert honest["dividends_share"] == pytest.approx((0.6 + 0.5) / 2)
    assert copier["validator_trust"] == pytest.approx((0.5 + 0.7) / 2)
    assert miners["incentive_share"] == pytest.approx(1.0) and miners["members"] == 2
    assert miners["incentive_mean"] == pytest.approx(0.5)
    assert miners["emission_tao"] == pytest.approx(200.0)
    assert rows["validator"]["emission_tao"] == pytest.approx(160.0)
    # a nominator of v1 keeps half: (40/800 + 30/800) * (1 - 32768/65535)
    assert rows["delegate:v1"]["delegate_return_per_tao"] == pytest.approx(0.0875 * (1 - 32768 / 65535))
    assert rows["delegate:v0"]["delegate_return_per_tao"] == pytest.approx(0.15)
    assert rows["delegate:v1"]["take"] == pytest.approx(32768 / 65535)
    run = rows["run"]
    assert run["copier_dividends_ratio"] == pytest.approx(0.0875 / 0.15)
    assert math.isnan(run["cabal_dividends_ratio"]) and math.isnan(run["cabal_incentive_share"])
    # miners' mean incentive: m2 (0.75 + 0.5)/2 = 0.625, m3 0.375; two miners rank the same way as accuracy
    assert run["gini_incentive"] == pytest.approx(2 * 0.25 / (2 * 4 * 0.5))
    assert math.isnan(run["spearman_accuracy_incentive"])  # fewer than 3 miners
    assert run["first_halving_block"] == 77.0 and run["epochs"] == 2.0


def test_the_cabal_share_follows_the_favoured_uids():
    world = FakeWorld()
    world.scenario = SimpleNamespace(neurons=(SimpleNamespace(strategy="colluding", favoured=(3,)),))
    c = Collector(world)
    world.subnet.last_epoch = _epoch([0, 0, 0.8, 0.2], [0.5, 0.5, 0, 0], [1, 1, 0, 0], [0, 0, 8, 2], [5, 5, 0, 0])
    c.add_epoch(world)
    world.subnet.last_epoch = _epoch([0, 0, 0.4, 0.6], [0.5, 0.5, 0, 0], [1, 1, 0, 0], [0, 0, 4, 6], [5, 5, 0, 0])
    c.add_epoch(world)
    assert c.rows(world)["run"]["cabal_incentive_share"] == pytest.approx((0.2 + 0.6) / 2)
