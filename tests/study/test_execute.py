"""Running studies on a real Dask LocalCluster (processes, 2 workers): same table whatever the workers or
the finish order, a dying worker's run is redone, a failing run is a row, an interrupted study resumes."""

from __future__ import annotations

import random

import cloudpickle
import pandas as pd
import pytest

from taosandbox.study import execute, runner, table
from taosandbox.study.spec import load_study
from tests.study import crash_once


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster of worker processes for the module, as `taosandbox study` starts it; it
    starts with one worker."""
    with execute.local_cluster(1) as c:
        yield c


def test_the_workers_run_without_the_statistical_profiler(cluster):
    """Sampling the running task's stack every 10 ms cost ~30% CPU per run (benchmarks/bench_study.py)."""
    import dask
    from distributed import Client

    two_workers(cluster)
    with Client(cluster.scheduler_address) as client:
        enabled = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert len(enabled) == 2 and not any(enabled.values())


def test_the_workers_keep_glibcs_own_malloc_trim_threshold(monkeypatch):
    """Dask's MALLOC_TRIM_THRESHOLD_=65536 cost a run 7-15% more CPU than outside Dask (bench_study)."""
    import os

    import dask

    # A nanny started with Dask's defaults (the module's cluster, scaled up) leaves it in os.environ.
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    from distributed import Client

    with execute.local_cluster(1) as own, Client(own) as client:
        env = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        tick = client.run(lambda: dask.config.get("distributed.admin.tick.interval"))
    assert list(env.values()) == [None]
    assert list(tick.values()) == ["1s"]


def two_workers(cluster):
    from distributed import Client

    cluster.scale(2)
    with Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small study run in this process, one run after another."""
    from tests.study.conftest import SMALL

    folder = tmp_path_factory.mktemp("ref")
    (folder / "small.yaml").write_text(SMALL)
    study = load_study(folder / "small.yaml")
    outcome = execute.run_study(study, folder / "out", workers=0)
    assert outcome.done == 4 and outcome.failed == 0
    return study, folder / "out"


def same_files(a, b):
    for name in (table.TABLE, table.CSV, table.STUDY_COPY):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_table_is_tidy_and_explains_its_measures(reference):
    study, out = reference
    df = pd.read_parquet(out / table.TABLE)
    assert list(df.columns[:6]) == ["point", "seed", "param:hyperparameters.mechanism", "group", "status", "error"]
    assert set(df["status"]) == {"ok"}
    assert sorted(set(zip(df["point"], df["seed"]))) == [(0, 1), (0, 2), (1, 1), (1, 2)]
    first = df[(df["point"] == 0) & (df["seed"] == 1)]
    assert list(first["group"])[:2] == ["run", "level"]
    assert {"validator:copier", "validator:honest", "miner"} <= set(first["group"])
    assert pd.read_csv(out / table.CSV).shape == df.shape
    meta = table.read_meta(out)
    assert meta["complete"] and meta["runs_done"] == 4 and meta["taosandbox_version"]
    assert meta["measures"]["dividends_per_tao"]["unit"] == "TAO per TAO staked"
    assert "objective.compare" in df.columns


def test_one_and_two_workers_give_the_same_files_and_a_dying_worker_is_retried(
        reference, cluster, tmp_path, monkeypatch):
    study, ref = reference
    one = execute.run_study(study, tmp_path / "one", scheduler=cluster.scheduler_address)
    assert one.done == 4
    same_files(ref, tmp_path / "one")
    two_workers(cluster)
    monkeypatch.setenv(crash_once.MARKER_ENV, str(tmp_path / "marker"))
    cloudpickle.register_pickle_by_value(crash_once)
    try:
        # the workers were started before the env var: tell them where the marker goes
        cluster_client_env(cluster, crash_once.MARKER_ENV, str(tmp_path / "marker"))
        two = execute.run_study(study, tmp_path / "two", scheduler=cluster.scheduler_address,
                                task_fn=crash_once.crash_once)
    finally:
        cloudpickle.unregister_pickle_by_value(crash_once)
    assert (tmp_path / "marker").exists(), "the worker did not die: the retry was not exercised"
    assert two.done == 4 and two.failed == 0
    same_files(ref, tmp_path / "two")


def cluster_client_env(cluster, name, value):
    import os

    from distributed import Client

    def setenv(name=name, value=value):
        os.environ[name] = value

    with Client(cluster.scheduler_address) as client:
        client.run(setenv)
    os.environ[name] = value


def test_rows_sort_the_same_whatever_order_runs_finish_in(reference):
    study, out = reference
    rows = table.read_rows(out)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert table.sort_rows(shuffled) == table.sort_rows(rows)


class StopAfter(execute.Progress):
    """Ctrl-C after ``n`` runs have arrived."""

    def __init__(self, n):
        self.n = n
        self.enabled = False

    def update(self, done, force=False):
        if done >= self.n:
            raise KeyboardInterrupt


@pytest.mark.parametrize("on_dask", [False, True])
def test_an_interrupted_study_leaves_a_valid_partial_table_that_resume_completes(
        reference, cluster, tmp_path, on_dask):
    study, ref = reference
    if on_dask:
        two_workers(cluster)
    where = {"scheduler": cluster.scheduler_address} if on_dask else {"workers": 0}
    first = execute.run_study(study, tmp_path / "out", progress=StopAfter(2), **where)
    assert first.interrupted
    partial = pd.read_parquet(tmp_path / "out" / table.TABLE)
    runs = set(zip(partial["point"], partial["seed"]))
    assert 2 <= len(runs) < 4
    assert not table.read_meta(tmp_path / "out")["complete"]
    second = execute.run_study(study, tmp_path / "out", resume=True, **where)
    assert second.skipped == len(runs) and second.done == 4 - len(runs) and not second.interrupted
    same_files(ref, tmp_path / "out")


def test_resume_refuses_a_folder_of_another_study(reference, tmp_path):
    study, ref = reference
    other = load_study_text(study.source.replace("blocks: 40", "blocks: 41"), tmp_path)
    with pytest.raises(ValueError, match="different study"):
        execute.run_study(other, ref, workers=0, resume=True)


def load_study_text(text, folder):
    (folder / "s.yaml").write_text(text)
    return load_study(folder / "s.yaml")


def test_a_failing_run_is_a_row_and_the_study_goes_on(reference, tmp_path, monkeypatch):
    study, _ = reference
    real = runner.measure_run

    def flaky(study, params, seed):
        if params["hyperparameters.mechanism"] == "yuma3_2026" and seed == 2:
            raise RuntimeError("the model would not train")
        return real(study, params, seed)

    monkeypatch.setattr(runner, "measure_run", flaky)
    outcome = execute.run_study(study, tmp_path / "out", workers=0)
    assert outcome.done == 4 and outcome.failed == 1
    df = pd.read_parquet(tmp_path / "out" / table.TABLE)
    bad = df[df["status"] == "failed"]
    assert len(bad) == 1 and (bad["point"].item(), bad["seed"].item()) == (1, 2)
    assert bad["error"].item().startswith("RuntimeError: the model would not train")
    assert (df[df["status"] == "ok"].groupby(["point", "seed"]).ngroups) == 3


def test_a_cached_world_runs_exactly_like_a_fresh_one(reference):
    study, _ = reference
    runner._worlds.clear()
    first = runner.measure_run(study, study.points[0], 1)
    hits = runner.cache_stats["world_hits"]
    again = runner.measure_run(study, study.points[0], 1)
    assert runner.cache_stats["world_hits"] == hits + 1
    assert repr(first) == repr(again)


def test_a_table_read_back_and_written_again_is_the_same_bytes(tmp_path):
    """What --resume does to the rows already there: bool, int and float grid values keep their types."""
    text = ("title: T\nquestion: Q\nseeds: [1, 2]\nblocks: 5\ngrid:\n  hyperparameters.liquid_alpha_enabled: [false, true]\n"
            "  hyperparameters.kappa: [16384, 32767]\n  task.noise: [0.0, 0.25]\n")
    study = load_study_text(text, tmp_path)
    rows = []
    for point, params in enumerate(study.points):
        for seed in study.seeds:
            rows.append(runner.failed_row(point, seed, params, "x") if point == 3 else
                        {"point": point, "seed": seed, **{f"param:{k}": v for k, v in params.items()},
                         "group": "run", "status": "ok", "error": "", "epochs": float(seed)})
    table.write(tmp_path / "a", study, rows, total_runs=16)
    again = table.read_rows(tmp_path / "a")
    table.write(tmp_path / "b", study, again, total_runs=16)
    same_files(tmp_path / "a", tmp_path / "b")
    df = pd.read_parquet(tmp_path / "a" / table.TABLE)
    assert str(df["param:hyperparameters.liquid_alpha_enabled"].dtype) == "bool"
    assert str(df["param:hyperparameters.kappa"].dtype) == "int64"
