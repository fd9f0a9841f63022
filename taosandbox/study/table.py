"""The study's output folder: a tidy table (one row per run and measure group) as Parquet and CSV, the
study file, and ``study.json`` (project version, the grid, every measure's meaning and unit, progress).

Rows are sorted by (grid point, seed, group), so the files are the same byte for byte whatever the number
of workers or the order runs finish in. Every write is atomic (``files.atomic_write``): an interrupted
study leaves a valid partial table that ``--resume`` completes.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

from taosandbox import __version__
from taosandbox.files import atomic_write
from taosandbox.study.measures import describe
from taosandbox.study.spec import Study

TABLE = "runs.parquet"
CSV = "runs.csv"
STUDY_COPY = "study.yaml"
META = "study.json"
KEYS = ("point", "seed")
FIXED = ("point", "seed", "group", "status", "error")


def group_rank(group: str) -> tuple[int, str]:
    """run first, then the level, the roles, role:strategy groups, delegates; by name within each."""
    if group == "run":
        return 0, group
    if group == "level":
        return 1, group
    if group.startswith("delegate:"):
        return 4, group
    return (3 if ":" in group else 2), group


def sort_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["point"], r["seed"], group_rank(r["group"])))


def columns(study: Study, rows: list[dict[str, Any]]) -> list[str]:
    """point, seed, the grid's params, group, status, error, then measures in catalogue order."""
    params = [f"param:{k}" for k in study.grid]
    from taosandbox.study.runner import measure_columns

    measures = measure_columns(study)
    objectives = sorted({k for r in rows for k in r if k.startswith("objective.")})
    return ["point", "seed", *params, "group", "status", "error", *measures, *objectives]


def frame(study: Study, rows: list[dict[str, Any]]):
    """The rows as a pandas DataFrame with fixed columns and dtypes (measures are float64)."""
    import pandas as pd

    cols = columns(study, rows)
    data = {c: [r.get(c) for r in rows] for c in cols}
    df = pd.DataFrame(data, columns=cols)
    df["point"] = df["point"].astype("int64")
    df["seed"] = df["seed"].astype("int64")
    for c in ("group", "status", "error"):
        df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    for c in cols[cols.index("error") + 1:]:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def write(out: Path, study: Study, rows: list[dict[str, Any]], *, total_runs: int) -> None:
    """Write (replace) the table, the study file and study.json in ``out``."""
    rows = sort_rows(rows)
    df = frame(study, rows)
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow")
    atomic_write(out / TABLE, buffer.getvalue())
    atomic_write(out / CSV, df.to_csv(index=False, float_format="%.17g", lineterminator="\n"))
    atomic_write(out / STUDY_COPY, study.source)
    done = {(r["point"], r["seed"]) for r in rows}
    failed = {(r["point"], r["seed"]) for r in rows if r["status"] == "failed"}
    meta = {
        "taosandbox_version": __version__,
        "study": study.name, "title": study.title, "question": study.question,
        "source_sha256": study.source_hash,
        "base": {"level": study.level, "set": study.base_set},
        "grid": {k: list(v) for k, v in study.grid.items()},
        "seeds": list(study.seeds), "blocks": study.blocks,
        "runs_total": total_runs, "runs_done": len(done), "runs_failed": len(failed),
        "complete": len(done) >= total_runs,
        "measures": {c: {"meaning": describe(c).meaning, "unit": describe(c).unit, "scope": describe(c).scope}
                     for c in df.columns[df.columns.get_loc("error") + 1:]},
    }
    atomic_write(out / META, json.dumps(meta, indent=2, default=_plain) + "\n")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def read_rows(out: Path) -> list[dict[str, Any]]:
    """Rows already in ``out`` (empty if there is no table yet)."""
    import pandas as pd

    path = out / TABLE
    if not path.is_file():
        return []
    df = pd.read_parquet(path)
    rows = []
    for record in df.to_dict(orient="records"):
        rows.append({k: v for k, v in record.items() if not (isinstance(v, float) and math.isnan(v))
                     or k in FIXED})
    return rows


def read_meta(out: Path) -> dict[str, Any]:
    path = Path(out) / META
    if not path.is_file():
        raise FileNotFoundError(f"{out}: no {META} here (expected the folder a study wrote, `study FILE --out DIR`)")
    return json.loads(path.read_text(encoding="utf-8"))


def load_frame(out: Path):
    """The table of a study folder as a DataFrame, and its meta (for ``study show`` / ``study plot``)."""
    import pandas as pd

    meta = read_meta(out)
    path = Path(out) / TABLE
    if not path.is_file():
        raise FileNotFoundError(f"{out}: no {TABLE} here yet")
    return pd.read_parquet(path), meta
