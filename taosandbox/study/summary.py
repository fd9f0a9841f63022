"""``taosandbox study show DIR``: per grid point and group, each measure's mean, spread and 95% interval
over the seeds, as a plain-text table."""

from __future__ import annotations

import math
from typing import Any

PARAM = "param:"


def param_columns(df) -> list[str]:
    return [c for c in df.columns if c.startswith(PARAM)]


def measure_columns(df) -> list[str]:
    return list(df.columns[df.columns.get_loc("error") + 1:])


def t_quantile(n: int) -> float:
    """The two-sided 95% Student t quantile for ``n`` seeds (n - 1 degrees of freedom)."""
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1))


def interval(values: list[float]) -> dict[str, float]:
    """mean, sample standard deviation and the 95% t-interval of the mean over seeds (NaN-free values)."""
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": math.nan, "sd": math.nan, "low": math.nan, "high": math.nan}
    mean = math.fsum(values) / n
    if n == 1:
        return {"n": 1, "mean": mean, "sd": math.nan, "low": math.nan, "high": math.nan}
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_quantile(n) * sd / math.sqrt(n)
    return {"n": n, "mean": mean, "sd": sd, "low": mean - half, "high": mean + half}


def summarise(df, measures: list[str] | None = None, groups: list[str] | None = None) -> list[dict[str, Any]]:
    """One record per (grid point, group, measure) that has values: params, group, measure, n, mean, sd..."""
    params = param_columns(df)
    ok = df[df["status"] == "ok"]
    wanted = measures or measure_columns(df)
    records = []
    for (point, group), part in ok.groupby(["point", "group"], sort=False):
        if groups and group not in groups:
            continue
        first = part.iloc[0]
        for measure in wanted:
            values = [float(v) for v in part[measure] if not math.isnan(float(v))]
            if not values:
                continue
            records.append({"point": int(point), **{p[len(PARAM):]: first[p] for p in params},
                            "group": group, "measure": measure, **interval(values)})
    records.sort(key=lambda r: (r["point"], _group_key(r["group"]), wanted.index(r["measure"])))
    return records


def _group_key(group: str):
    from taosandbox.study.table import group_rank

    return group_rank(group)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return "-"
        if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-3):
            return f"{x:.3e}"
        return f"{x:.4f}"
    return str(x)


def render(records: list[dict[str, Any]], meta: dict[str, Any], failed: int) -> str:
    """The summary as aligned text columns, with the study's title and question on top."""
    head = [f"{meta.get('title', '')}: {meta.get('question', '')}",
            f"{meta.get('runs_done', 0)} of {meta.get('runs_total', 0)} runs"
            + (f", {failed} failed" if failed else "")
            + ("" if meta.get("complete") else " (incomplete: --resume completes it)")
            + f"; {meta.get('blocks')} blocks; 95% interval over seeds (Student t)", ""]
    if not records:
        return "\n".join(head + ["no results yet"]) + "\n"
    params = [k for k in records[0] if k not in ("point", "group", "measure", "n", "mean", "sd", "low", "high")]
    cols = params + ["group", "measure", "n", "mean", "sd", "95% low", "95% high"]
    rows = [[_fmt(r[p]) for p in params] + [r["group"], r["measure"], str(r["n"]), _fmt(r["mean"]),
                                            _fmt(r["sd"]), _fmt(r["low"]), _fmt(r["high"])] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    numeric = {"n", "mean", "sd", "95% low", "95% high"}
    lines = ["  ".join(c.rjust(w) if c in numeric else c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(v.rjust(w) if c in numeric else v.ljust(w)
                               for v, c, w in zip(row, cols, widths)).rstrip())
    return "\n".join(head + lines) + "\n"
