"""Hypothesis properties of validator weights."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from taosandbox.market import VALIDATOR_STRATEGIES, Market, TaskSpec


@lru_cache(maxsize=1)
def market() -> Market:
    m = Market(TaskSpec("iris", pool_size=64), seed=9)
    m.add_miner(0, model="logistic", budget=80, seed=1)
    m.add_miner(1, model="tree", budget=20, seed=2)
    m.add_miner(2, strategy="random", seed=3)
    m.add_miner(3, strategy="idle", seed=4)
    for b in range(1, 4):
        m.step(b)
    return m


@settings(max_examples=60, deadline=None)
@given(
    strategy=st.sampled_from(VALIDATOR_STRATEGIES),
    n=st.integers(1, 40),
    power=st.floats(0.0, 8.0),
    top_k=st.none() | st.integers(1, 5),
    favoured=st.lists(st.integers(0, 50), max_size=3),
    consensus=st.none() | st.lists(st.floats(0.0, 1e6), min_size=1, max_size=50),
    seed=st.integers(0, 2**32),
)
def test_weights_are_a_distribution(
    strategy: str, n: int, power: float, top_k: int | None, favoured: list[int],
    consensus: list[float] | None, seed: int,
) -> None:
    m = market()
    uid = 100
    m.add_validator(uid, strategy=strategy, power=power, top_k=top_k, favoured=tuple(favoured),
                    noise=0.3, seed=seed)
    m.step(m.block + 1)
    cons = None if consensus is None else np.array(consensus)
    w = m.weights(uid, n, cons)
    if strategy == "offline":
        assert w is None
        return
    if w is None:
        assert strategy == "copier" and (cons is None or cons[:n].sum() == 0)
        return
    assert w.shape == (n,) and w.dtype == np.float64
    assert np.all(w >= 0) and abs(w.sum() - 1.0) < 1e-9
    if strategy == "copier":
        c = np.zeros(n)
        c[: min(n, len(cons))] = cons[:n]
        assert np.allclose(w, c / c.sum())
    if strategy == "honest" and n > 3:
        assert w[3] == 0.0  # the idle miner
    if strategy == "honest" and top_k is not None:
        assert np.count_nonzero(w) <= top_k
    m.remove(uid)
