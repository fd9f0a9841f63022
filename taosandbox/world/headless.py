"""``taosandbox run``: the world as fast as it goes, with a JSON summary and CSV time series."""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from pathlib import Path
from typing import IO, Any

import numpy as np

from taosandbox.chain.emission import block_emission
from taosandbox.chain.returns import apr, apy
from taosandbox.chain.units import format_tao
from taosandbox.files import atomic_write, unwritable_reason
from taosandbox.world import World


class Recorder:
    """Per-block series: chain totals, and per-uid incentive, dividends and stake."""

    SERIES = ("incentive", "dividends", "stake_rao")

    def __init__(self) -> None:
        self.chain: list[tuple[int, ...]] = []
        self.per_uid: dict[str, list[np.ndarray]] = {name: [] for name in self.SERIES}
        self.blocks: list[int] = []

    def __call__(self, world: World, _events: list) -> None:
        sub = world.subnet
        ledger, mg, n = sub.ledger, sub.metagraph, sub.n
        self.chain.append((sub.block, ledger.total_issuance, block_emission(ledger.total_issuance),
                           ledger.pending_emission + ledger.accrued, ledger.recycled, sub.burn))
        self.blocks.append(sub.block)
        self.per_uid["incentive"].append(mg.metrics["incentive"][:n].copy())
        self.per_uid["dividends"].append(mg.metrics["dividends"][:n].copy())
        self.per_uid["stake_rao"].append(sub.stake_vector().astype(np.int64))

    def write_csv(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        path = directory / "chain.csv"
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["block", "total_issuance_rao", "block_emission_rao", "pending_emission_rao",
                          "recycled_rao", "burn_rao"])
            out.writerows(self.chain)
        written.append(path)
        width = max((len(v) for v in self.per_uid["incentive"]), default=0)
        for name, rows in self.per_uid.items():
            path = directory / f"{name}.csv"
            with path.open("w", newline="") as f:
                out = csv.writer(f)
                out.writerow(["block"] + [f"uid_{u}" for u in range(width)])
                for block, row in zip(self.blocks, rows):
                    values = row.tolist() + [""] * (width - len(row))
                    out.writerow([block] + values)
            written.append(path)
        return written


def summary(world: World, blocks: int) -> dict[str, Any]:
    """The JSON summary of a run (issue 3 §5 lists the fields)."""
    snap = world.snapshot()
    sub, ledger = world.subnet, world.subnet.ledger
    neurons = []
    for row in snap.neurons:
        agent = world.agents.get(row.uid)
        neurons.append({
            "uid": row.uid, "hotkey": row.hotkey, "coldkey": row.coldkey, "role": row.role,
            "strategy": row.strategy, "model": row.model, "accuracy": row.accuracy,
            "stake_rao": row.stake_rao, "rank": row.rank, "trust": row.trust,
            "consensus": row.consensus, "incentive": row.incentive, "dividends": row.dividends,
            "validator_trust": row.validator_trust, "validator_permit": row.validator_permit,
            "emission_rao_total": row.emission_total_rao, "registered_block": row.registered_block,
            "immune": row.immune, "is_player": bool(agent and agent.is_player),
        })
    delegates = [{"hotkey": d.hotkey, "uid": d.uid, "take": d.take, "stake_rao": d.total_stake_rao,
                  "return_per_tao_day": d.return_per_tao_day, "apr": apr(d.return_per_tao_day),
                  "apy": _finite(apy(d.return_per_tao_day))} for d in snap.delegates]
    coldkeys = sorted(set(ledger.free) | {ck for ck, _hk in ledger.stake})
    accounts = [{"coldkey": ck, "free_rao": ledger.balance(ck), "staked_rao": ledger.coldkey_stake(ck)}
                for ck in coldkeys]
    return {
        "seed": world.seed,
        "blocks": blocks,
        "final_block": sub.block,
        "total_issuance_rao": ledger.total_issuance,
        "pending_emission_rao": snap.pending_emission_rao,
        "block_emission_rao": snap.block_emission_rao,
        "recycled_rao": ledger.recycled,
        "fees_burned_rao": ledger.fees_burned,
        "proposals": [{k: p[k] for k in ("id", "proposer", "status", "changes", "ayes", "nays", "reason")}
                      for p in snap.extra["governance"]["proposals"]],
        "halvings": [{k: h[k] for k in ("block", "total_issuance_rao", "block_emission_rao")}
                     for h in sub.halvings],
        "state_hash": world.state_hash(),
        "accounts": accounts,
        "neurons": neurons,
        "delegates": delegates,
    }


def _finite(value: float) -> float | None:
    """JSON has no infinity: an APY past float range (a world paying absurd returns) is null."""
    return value if math.isfinite(value) else None


class Progress:
    """A one-line progress bar on a terminal; silent when the stream is not a terminal."""

    def __init__(self, total: int, stream: IO[str]):
        self.total, self.stream = total, stream
        self.enabled = stream.isatty()
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last < 0.1):
            return
        self.last = now
        frac = done / self.total if self.total else 1.0
        bar = "#" * int(frac * 30)
        rate = done / max(now - self.start, 1e-9)
        self.stream.write(f"\r[{bar:<30}] {frac:6.1%}  block {done}/{self.total}  {rate:,.0f} blocks/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.total, force=True)
            self.stream.write("\n")


def output_problems(json_path: str | None, csv_dir: str | None) -> list[str]:
    """Why the ``--json`` file or the ``--csv`` folder cannot be written (empty when both can)."""
    problems = []
    if json_path and json_path != "-" and (reason := unwritable_reason(json_path)):
        problems.append(f"--json {json_path}: {reason}")
    if csv_dir and (reason := unwritable_reason(csv_dir, directory=True)):
        problems.append(f"--csv {csv_dir}: {reason}")
    return problems


def write_outputs(data: dict[str, Any], recorder: Recorder | None, *, json_path: str | None,
                  csv_dir: str | None, stdout: IO[str]) -> None:
    """Write a run's JSON summary (``"-"``: to ``stdout``) and its CSV series, where asked."""
    if json_path == "-":
        json.dump(data, stdout, indent=2)
        stdout.write("\n")
    elif json_path:
        atomic_write(Path(json_path), json.dumps(data, indent=2) + "\n")
    if recorder is not None and csv_dir:
        recorder.write_csv(Path(csv_dir))


def run(world: World, blocks: int, *, json_path: str | None, csv_dir: str | None,
        stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    recorder = Recorder() if csv_dir else None
    if recorder:
        world.add_observer(recorder)
    progress = Progress(blocks, stderr)
    for done in range(1, blocks + 1):
        world.step()
        progress.update(done)
    progress.close()
    data = summary(world, blocks)
    write_outputs(data, recorder, json_path=json_path, csv_dir=csv_dir, stdout=stdout)
    if not json_path:
        stdout.write(f"{blocks} blocks from seed {world.seed}: block {data['final_block']}, issuance "
                     f"{format_tao(data['total_issuance_rao'])}, state {data['state_hash']}\n")
    return 0
