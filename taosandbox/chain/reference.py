"""Run Yuma reference cases (``shared/reference/yuma_cases.json`` format) through the engine and check them.

``taosandbox check-yuma FILE...`` calls ``check_files``.
"""

from __future__ import annotations

import json
import math
from dataclasses import MISSING, fields
from functools import lru_cache
from typing import Any, TextIO

import numpy as np

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.units import U16_MAX
from taosandbox.chain.yuma import EpochInputs, EpochResult, run_epoch

_HP_FIELDS = {f.name for f in fields(Hyperparameters)}
_INPUT_FIELDS = {f.name for f in fields(EpochInputs)}
_EXACT_FIELDS = {"active", "new_validator_permit", "emission_fallback"}
_DEFAULT_TOLERANCE = {"normalized_vectors_abs": 1e-9, "rao_amounts_rel": 1e-9, "bonds_abs": 1e-9}


def case_hyperparameters(case: dict) -> Hyperparameters:
    """The case's ``hyperparameters`` (chain defaults for the rest) with the case's ``mechanism``."""
    given = dict(case.get("hyperparameters") or {})
    unknown = sorted(set(given) - _HP_FIELDS)
    if unknown:
        raise ValueError(f"unknown hyperparameter(s): {', '.join(unknown)}")
    given["mechanism"] = case.get("mechanism", given.get("mechanism", "yuma_2024"))
    try:
        return _hyperparameters(tuple(sorted(given.items())))
    except TypeError:  # an unhashable (hence invalid) value: let Hyperparameters say what is wrong
        return Hyperparameters(**given)


@lru_cache(maxsize=64)
def _hyperparameters(items: tuple) -> Hyperparameters:
    # Hyperparameters is frozen and validating one costs ~10 µs: build each distinct set once.
    return Hyperparameters(**dict(items))


def case_inputs(inputs: dict) -> EpochInputs:
    unknown = sorted(set(inputs) - _INPUT_FIELDS)
    if unknown:
        raise ValueError(f"unknown input(s): {', '.join(unknown)}")
    missing = [f.name for f in fields(EpochInputs) if f.default is MISSING and f.name not in inputs]
    if missing:
        raise ValueError(f"missing input(s): {', '.join(missing)}")
    return EpochInputs(**inputs)


def _plain(value: Any) -> Any:
    """numpy values to plain lists / bools / ints / floats."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _run(case: dict, k: int) -> tuple[EpochResult, dict]:
    epoch = case["epochs"][k]
    result = run_epoch(case_inputs(epoch["inputs"]), case_hyperparameters(case))
    keys = list(epoch["expected"]) if "expected" in epoch else None
    return result, result_dict(result, keys)


def result_dict(result: EpochResult, keys: list[str] | None = None) -> dict:
    """``result`` as plain data, for ``keys`` (default: every field and matrix)."""
    if keys is None:
        keys = [f.name for f in fields(EpochResult) if not f.name.startswith("_")]
        keys += list(result._compact)
    out = {}
    for key in keys:
        if not hasattr(result, key):
            raise ValueError(f"the engine has no field {key!r}")
        out[key] = _plain(getattr(result, key))
    return out


def run_case_epoch(case: dict, k: int) -> dict:
    """Run epoch ``k`` of ``case`` (reference JSON format; inputs may be lists or numpy arrays) and return
    a dict with exactly the keys of that epoch's ``expected`` (plain lists, bools, ints, floats, None)."""
    return _run(case, k)[1]


# ---------------------------------------------------------------------------------------------------------
# Comparison


def _kind(key: str) -> str:
    if key in _EXACT_FIELDS or (key.endswith("_u16") and key != "pruning_score_u16"):
        return "exact"
    if key == "pruning_score_u16":
        return "pruning"
    if key.endswith("_rao") or key.endswith("_u64"):
        return "rao"
    if key.startswith("bonds"):
        return "bonds"
    return "abs"


def _compare(key: str, got: Any, want: Any, tol: dict, combined: np.ndarray) -> tuple[float, bool, str]:
    """(largest error, ok, where) for one field."""
    kind = _kind(key)
    if kind == "exact" or want is None or isinstance(want, str):
        ok = got == want
        return (0.0 if ok else math.inf), ok, "" if ok else f"got {got!r}, expected {want!r}"
    g = np.asarray(got, dtype=float)
    w = np.asarray(want, dtype=float)
    if g.shape != w.shape:
        return math.inf, False, f"shape {g.shape}, expected {w.shape}"
    if g.size == 0:
        return 0.0, True, ""
    if kind == "pruning":
        diff = np.abs(g - w)
        top = combined.max() if combined.size else 0.0
        raw = combined * (U16_MAX / top) if top > 0 else np.zeros_like(combined)
        tie = np.abs(raw - np.floor(raw) - 0.5) <= 1e-9
        ok_cells = (diff == 0) | ((diff == 1) & tie.reshape(diff.shape))
        err = float(diff.max())
        ok = bool(ok_cells.all())
    elif kind == "rao":
        diff = np.abs(g - w)
        scale = np.maximum(np.abs(g), np.abs(w))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        err = float(rel.max())
        # A micro-rao of absolute slack lets exact zeros compare with float noise.
        ok = bool(np.all(diff <= tol["rao_amounts_rel"] * scale + 1e-6))
        diff = rel
    else:
        diff = np.abs(g - w)
        err = float(diff.max()) if not np.isnan(diff).any() else math.inf
        limit = tol["bonds_abs"] if kind == "bonds" else tol["normalized_vectors_abs"]
        ok = err <= limit
    where = ""
    if not ok:
        idx = np.unravel_index(int(np.nanargmax(np.where(np.isnan(diff), np.inf, diff))), diff.shape)
        at = ",".join(str(int(i)) for i in idx)
        where = f"at [{at}] got {float(g[idx])!r}, expected {float(w[idx])!r}"
    return err, ok, where


def check_case(case: dict, tol: dict) -> tuple[bool, str]:
    """(passed, one-line report) for every epoch of one case."""
    case_id = case.get("id", "?") if isinstance(case, dict) else "?"
    worst: dict[str, float] = {}
    failures: list[str] = []
    try:
        epochs = case["epochs"]
        for k, epoch in enumerate(epochs):
            result, got = _run(case, k)
            for key, want in epoch["expected"].items():
                err, ok, where = _compare(key, got[key], want, tol, result.normalized_combined_emission)
                worst[key] = max(worst.get(key, 0.0), err)
                if not ok:
                    failures.append(f"{key} (epoch {k}) {where}")
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        problem = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return False, f"FAIL {case_id}: cannot run: {type(exc).__name__}: {problem}"
    # Compact: the non-zero largest errors per field; the exact fields are only counted.
    exact = sum(1 for err in worst.values() if err == 0)
    nonzero = " ".join(f"{key}={err:.0e}" for key, err in worst.items() if err)
    errors = f"{len(worst)} fields, {exact} exact" + (f"; {nonzero}" if nonzero else "")
    if failures:
        return False, f"FAIL {case_id}: {'; '.join(failures)} | {errors}"
    return True, f"PASS {case_id} | {errors}"


def _tolerance(doc: dict) -> dict:
    tol = dict(_DEFAULT_TOLERANCE)
    given = (doc.get("tolerance") or {}).get("float64_engine_vs_expected") or {}
    for key in tol:
        if isinstance(given.get(key), (int, float)):
            tol[key] = float(given[key])
    return tol


def check_files(paths: list[str], out: TextIO) -> int:
    """Check every case of every file; one line per case (or per unreadable file). 1 on any failure."""
    status = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
            if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
                raise ValueError("no 'cases' list at the top level (the format: docs/check-yuma.md)")
        except json.JSONDecodeError as exc:  # a ValueError: say where, as the other checkers do
            print(f"ERROR {path}:{exc.lineno}: not JSON ({exc.msg} at column {exc.colno})", file=out)
            status = 1
            continue
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(f"ERROR {path}: {reason}", file=out)
            status = 1
            continue
        tol = _tolerance(doc)
        for case in doc["cases"]:
            ok, line = check_case(case, tol)
            print(f"{line}  [{path}]" if len(paths) > 1 else line, file=out)
            if not ok:
                status = 1
    return status
