"""Market behaviour: miners, validators, drift, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from taosandbox.market import MODEL_KINDS, TASK_KINDS, Market, TaskSpec

BLOCKS = 150


def run(m: Market, start: int, stop: int) -> None:
    for b in range(start, stop):
        m.step(b)


@pytest.fixture(scope="module")
def digits() -> Market:
    """A digits market run for BLOCKS blocks with one miner of each interesting kind."""
    m = Market(TaskSpec("digits", pool_size=512), seed=7)
    m.add_miner(0, model="logistic", budget=600, seed=10)  # good
    m.add_miner(1, model="tree", params={"max_depth": 3}, budget=40, seed=11)  # weak
    m.add_miner(2, strategy="idle", seed=12)
    m.add_miner(3, strategy="random", seed=13)
    m.add_miner(4, strategy="copycat", copy_of=0, seed=14)
    m.add_miner(5, strategy="sybil", model="naive_bayes", budget=200, owner="eve", seed=15)
    m.add_validator(10, strategy="honest", seed=20)
    m.add_validator(11, strategy="colluding", favoured=(3,), share=0.5, seed=21)
    m.add_validator(12, strategy="noisy", noise=0.2, seed=22)
    m.add_validator(13, strategy="offline", seed=23)
    m.add_validator(14, strategy="copier", seed=24)
    m.add_validator(15, strategy="honest", power=1.0, top_k=2, sample_size=16, seed=25)
    run(m, 1, BLOCKS + 1)
    return m


def test_better_model_scores_higher(digits: Market) -> None:
    good, weak = digits.accuracy(0), digits.accuracy(1)
    assert good > 0.9
    assert good > weak + 0.2
    s = digits.scores(10)
    assert s[0] > s[1] + 0.2
    # the validator's EMA tracks the held-out accuracy
    assert abs(s[0] - good) < 0.1
    w = digits.weights(10, 16, None)
    assert w[0] > w[1] > 0


def test_more_budget_scores_higher() -> None:
    m = Market(TaskSpec("make_classification"), seed=3)
    m.add_miner(0, model="forest", budget=1000, seed=1)
    m.add_miner(1, model="forest", budget=30, seed=1)
    m.add_validator(5, seed=2, sample_size=32)
    run(m, 1, 101)
    assert m.accuracy(0) > m.accuracy(1) + 0.1
    assert m.scores(5)[0] > m.scores(5)[1]
    assert m.miner_info(0)["samples"] == 1000


def test_idle_scores_zero(digits: Market) -> None:
    assert digits.accuracy(2) is None
    for v in (10, 11, 12, 15):
        assert digits.scores(v)[2] == 0.0
    assert np.isnan(digits.answers[2]).all()
    assert digits.weights(10, 16, None)[2] == 0.0


def test_random_near_chance(digits: Market) -> None:
    assert abs(digits.accuracy(3) - 0.1) < 0.05
    assert abs(digits.scores(10)[3] - 0.1) < 0.08


def test_non_miners_score_zero(digits: Market) -> None:
    s = digits.scores(10)
    assert len(s) == digits.n == 6
    assert digits.accuracy(10) is None
    assert np.all(digits.scores(10, 16)[6:] == 0.0)


def test_copycat_copies_previous_block() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.add_miner(0, model="logistic", budget=100, seed=1)
    m.add_miner(1, strategy="copycat", copy_of=0, seed=2)
    assert np.isnan(m.answers[1]).all()
    m.step(1)
    assert np.isnan(m.answers[1]).all()  # nothing seen yet
    before = m.answers[0].copy()
    m.step(2)
    assert np.array_equal(m.answers[1], before)
    m.set_model(0, "knn", {"n_neighbors": 1}, 10)
    after = m.answers[0].copy()
    assert not np.array_equal(before, after)
    m.step(3)
    assert np.array_equal(m.answers[1], before)  # still one block late
    m.step(4)
    assert np.array_equal(m.answers[1], after)
    assert m.accuracy(1) == m.accuracy(0)


def test_drift_and_retrain() -> None:
    m = Market(TaskSpec("wine", drift_block=20), seed=4)
    m.add_miner(0, model="logistic", budget=100, seed=1)
    m.add_validator(9, seed=3, ema_alpha=0.2)
    run(m, 1, 20)
    pre, pre_ema = m.accuracy(0), m.scores(9)[0]
    assert pre > 0.85 and pre_ema > 0.8
    m.step(20)
    assert m.phase == 1
    assert m.miner_info(0)["stale"]
    assert m.accuracy(0) < pre - 0.4
    run(m, 21, 40)
    assert m.scores(9)[0] < pre_ema - 0.4
    m.retrain(0, 40)
    assert m.accuracy(0) > pre - 0.05
    assert m.miner_info(0)["trained_block"] == 40 and not m.miner_info(0)["stale"]
    run(m, 40, 70)
    assert m.scores(9)[0] > 0.8


def test_colluding_favours_its_miner(digits: Market) -> None:
    honest = digits.weights(10, 16, None)
    coll = digits.weights(11, 16, None)
    assert coll[3] >= 0.5 > honest[3] * 10
    assert coll[3] == coll.max()
    assert abs(coll.sum() - 1.0) < 1e-12


def test_copier_and_offline(digits: Market) -> None:
    cons = np.array([0.0, 2.0, 1.0, 1.0])
    w = digits.weights(14, 6, cons)
    assert np.allclose(w, [0, 0.5, 0.25, 0.25, 0, 0])
    assert digits.weights(14, 6, None) is None
    assert digits.weights(13, 16, None) is None
    assert digits.weights(13, 16, cons) is None


def test_noisy_is_noisy_but_close(digits: Market) -> None:
    honest = digits.weights(10, 16, None)
    noisy = digits.weights(12, 16, None)
    assert np.all(noisy >= 0) and abs(noisy.sum() - 1) < 1e-12
    assert not np.array_equal(noisy, honest)
    assert np.all(noisy[6:] == 0.0)  # uids the market never saw get no noise
    assert np.corrcoef(noisy[:6], honest[:6])[0, 1] > 0.8


def test_top_k(digits: Market) -> None:
    w = digits.weights(15, 16, None)
    assert np.count_nonzero(w) == 2
    assert w[0] > 0


def test_power_sharpens() -> None:
    m = Market(TaskSpec("digits"), seed=2)
    m.add_miner(0, model="logistic", budget=400, seed=1)
    m.add_miner(1, model="naive_bayes", budget=100, seed=1)
    m.add_validator(5, power=1.0, seed=3)
    m.add_validator(6, power=4.0, seed=3)
    run(m, 1, 60)
    w1, w4 = m.weights(5, 2, None), m.weights(6, 2, None)
    assert w4[0] / w4[1] > w1[0] / w1[1] > 1


def test_no_weights_before_scores() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.add_miner(0, seed=1)
    m.add_validator(1, seed=2)
    m.add_validator(2, strategy="colluding", favoured=(0,), seed=2)
    assert m.weights(1, 4, None) is None
    assert np.allclose(m.weights(2, 4, None), [1, 0, 0, 0])
    with pytest.raises(KeyError):
        m.weights(0, 4, None)


def test_remove_resets_scores() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.add_miner(0, seed=1)
    m.add_miner(1, seed=2)
    m.add_validator(3, seed=2)
    run(m, 1, 30)
    assert m.scores(3)[1] > 0.5
    m.remove(1)
    assert m.scores(3)[1] == 0.0
    assert m.accuracy(1) is None and not m.is_miner(1)
    run(m, 30, 40)
    assert m.scores(3)[1] == 0.0 and m.scores(3)[0] > 0.5
    m.remove(3)
    with pytest.raises(KeyError):
        m.scores(3)
    m.add_validator(3, seed=5)
    assert np.all(m.scores(3) == 0.0)


def test_configure_validator() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.add_validator(0, seed=1)
    m.configure_validator(0, sample_size=32, ema_alpha=0.5, power=3, top_k=None)
    info = m.validator_info(0)
    assert (info["sample_size"], info["ema_alpha"], info["power"]) == (32, 0.5, 3.0)
    with pytest.raises(ValueError, match="unknown validator setting 'alpha'; choose from: "
                       "sample_size, ema_alpha"):
        m.configure_validator(0, alpha=0.5)
    with pytest.raises(ValueError, match="ema_alpha must be"):
        m.configure_validator(0, ema_alpha=0.0)
    with pytest.raises(ValueError, match="unknown validator strategy 'lazy'"):
        m.add_validator(1, strategy="lazy", seed=1)
    with pytest.raises(ValueError, match="unknown miner strategy 'lazy'"):
        m.add_miner(1, strategy="lazy", seed=1)
    with pytest.raises(ValueError, match="unknown model 'svm'; choose one of: logistic, knn"):
        m.add_miner(1, model="svm", seed=1)
    with pytest.raises(ValueError, match="copy_of"):
        m.add_miner(1, strategy="copycat", seed=1)
    assert not m.is_miner(1)


def test_blocks_must_increase() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.step(5)
    with pytest.raises(ValueError, match="blocks must increase"):
        m.step(5)


def test_regression_end_to_end() -> None:
    m = Market(TaskSpec("make_regression", drift_block=60), seed=5)
    assert m.kind == "regression"
    m.add_miner(0, model="logistic", budget=500, seed=1)  # ridge on a linear target: good
    m.add_miner(1, model="tree", params={"max_depth": 2}, budget=30, seed=1)
    m.add_miner(2, strategy="random", seed=2)
    m.add_miner(3, strategy="idle", seed=2)
    m.add_validator(9, seed=3)
    run(m, 1, 60)
    acc = [m.accuracy(u) for u in range(3)]
    assert all(0.0 <= a <= 1.0 for a in acc)
    assert acc[0] > acc[1] + 0.2 and acc[1] > acc[2]
    s = m.scores(9)
    assert s[0] > s[1] > s[2] > s[3] == 0.0
    w = m.weights(9, 4, None)
    assert w[0] > 0.5
    m.step(60)
    assert m.accuracy(0) < acc[0] - 0.3
    m.retrain(0, 61)
    assert m.accuracy(0) > acc[0] - 0.05


def _scenario(seed: int) -> tuple[list[np.ndarray | None], bytes, np.ndarray]:
    m = Market(TaskSpec("make_moons", pool_size=128, drift_block=25), seed=seed)
    m.add_miner(0, model="mlp", params={"hidden": 8, "max_iter": 30}, budget=100, seed=seed + 1)
    m.add_miner(1, model="forest", params={"n_estimators": 3}, budget=100, seed=seed + 2)
    m.add_miner(2, model="knn", budget=50, seed=seed + 3)
    m.add_miner(3, strategy="random", seed=seed + 4)
    m.add_miner(4, strategy="copycat", copy_of=1, seed=seed + 5)
    for v, strat in enumerate(("honest", "noisy", "colluding"), start=5):
        m.add_validator(v, strategy=strat, favoured=(3,), seed=seed + v)
    out: list[np.ndarray | None] = []
    for b in range(1, 40):
        m.step(b)
        if b == 30:
            m.retrain(0, b)
        if b % 10 == 0:
            out += [m.weights(v, 8, None) for v in (5, 6, 7)]
    return out, m.state_digest(), m.answers.copy()


def test_determinism() -> None:
    a, da, ans_a = _scenario(11)
    b, db, ans_b = _scenario(11)
    c, dc, _ = _scenario(12)
    assert len(a) == 9 and all(w is not None for w in a)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert np.array_equal(ans_a, ans_b, equal_nan=True)
    assert da == db
    assert dc != da
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_state_digest_changes() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    seen = {m.state_digest()}
    m.add_miner(0, seed=1)
    seen.add(m.state_digest())
    m.add_validator(1, seed=1)
    seen.add(m.state_digest())
    m.step(1)
    seen.add(m.state_digest())
    m.configure_validator(1, power=1.0)
    seen.add(m.state_digest())
    m.set_model(0, "knn", None, 50)
    seen.add(m.state_digest())
    assert len(seen) == 6


def test_seed_may_be_a_generator() -> None:
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    m1, m2 = Market(TaskSpec("iris"), seed=1), Market(TaskSpec("iris"), seed=1)
    for m, g in ((m1, g1), (m2, g2)):
        m.add_miner(0, model="tree", seed=g)
        m.add_validator(1, seed=g)
        run(m, 1, 5)
    assert m1.state_digest() == m2.state_digest()


def test_shared_fits() -> None:
    m = Market(TaskSpec("digits"), seed=1)
    for u in range(5):
        m.add_miner(u, model="logistic", budget=300, seed=u)
    assert len(m._fits) == 1
    assert all(np.array_equal(m.answers[0], m.answers[u]) for u in range(5))


@pytest.mark.parametrize("dataset", sorted(TASK_KINDS))
def test_every_dataset_and_model(dataset: str) -> None:
    m = Market(TaskSpec(dataset, pool_size=64, drift_block=3), seed=1)
    assert m.kind == TASK_KINDS[dataset].kind
    kinds = [k for k, s in MODEL_KINDS.items() if m.kind in s.tasks]
    for uid, model in enumerate(kinds):
        # budget 10 < n_neighbors 50 and < the number of digits classes is fine
        params = {"n_neighbors": 50} if model == "knn" else None
        m.add_miner(uid, model=model, params=params, budget=10 if uid % 2 else 1000, seed=uid)
        assert 0.0 <= m.accuracy(uid) <= 1.0
    m.add_validator(99, seed=1)
    for b in range(1, 6):
        m.step(b)
    assert m.phase == 1
    assert np.all(m.scores(99)[: len(kinds)] > 0.0)


def test_sybil_and_player_reconfiguration() -> None:
    m = Market(TaskSpec("iris"), seed=1)
    m.add_miner(0, strategy="sybil", owner="mallory", model="knn", budget=30, seed=1)
    m.add_miner(1, strategy="sybil", owner="mallory", model="knn", budget=30, seed=2)
    assert m.miner_info(0)["owner"] == "mallory"
    assert np.array_equal(m.answers[0], m.answers[1])  # same model, same data: same answers
    before = m.miner_info(0)
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        m.set_model(0, "svm", None, 100)
    with pytest.raises(ValueError, match="budget must be an integer between 10 and 1000"):
        m.set_model(0, "tree", None, 5000)
    assert m.miner_info(0) == before  # a refused configuration changes nothing
    m.add_miner(2, strategy="idle", seed=3)
    m.set_model(2, "forest", {"n_estimators": 5}, 90)
    info = m.miner_info(2)
    assert info["strategy"] == "honest" and info["model"] == "forest"
    assert info["params"] == {"n_estimators": 5, "max_depth": 8}
    assert info["samples"] == 90 and info["accuracy"] > 0.8
    m.retrain(2, 3)  # retraining an unchanged miner on unchanged data changes nothing but the block
    assert m.miner_info(2)["trained_block"] == 3 and m.accuracy(2) == info["accuracy"]


def test_random_miner_after_drift() -> None:
    m = Market(TaskSpec("digits", drift_block=2), seed=3)
    m.add_miner(0, strategy="random", seed=1)
    first = m.answers[0].copy()
    m.step(1)
    m.step(2)
    assert not np.array_equal(first, m.answers[0])
    assert abs(m.accuracy(0) - 0.1) < 0.05
    m.retrain(0, 3)  # no model: a no-op
