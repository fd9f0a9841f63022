"""``taosandbox study plot DIR --x PARAM --y MEASURE [--by PARAM|group]``: the mean over seeds with its
95% interval, drawn in the terminal (plotext) and written as a PNG or SVG (matplotlib) for a slide."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from taosandbox.study.measures import describe
from taosandbox.study.summary import PARAM, interval, measure_columns, param_columns


MARKERS = ("•", "x", "+", "o", "*", "#", "@", "%")
"""One character per line, so lines tell apart without colour."""


class PlotError(ValueError):
    """A plot cannot be drawn from this table (unknown column, nothing to plot)."""


def series(df, x: str, y: str, by: str | None, group: str | None,
           grid: dict[str, list] | None = None) -> tuple[str, dict[str, list[tuple]]]:
    """(x column, {line label: [(x value, mean, low, high), ...]}) from the table's ok rows; points and
    lines follow the grid's order of values (``study.json``'s grid) when it is given."""
    params = [p[len(PARAM):] for p in param_columns(df)]
    if x not in params:
        raise PlotError(f"--x {x}: not a grid parameter of this study (expected one of {', '.join(params) or 'none'})")
    measures = measure_columns(df)
    if y not in measures:
        raise PlotError(f"--y {y}: not a measure in this table (expected one of {', '.join(measures)})")
    if by is not None and by != "group" and by not in params:
        raise PlotError(f"--by {by}: not a grid parameter (expected group or one of {', '.join(params)})")
    ok = df[(df["status"] == "ok") & df[y].notna()]
    if group is not None:
        ok = ok[ok["group"] == group]
    elif by != "group":
        groups = sorted(set(ok["group"]))
        if len(groups) > 1:
            raise PlotError(f"--y {y} has values for several groups ({', '.join(groups[:6])}"
                            f"{'...' if len(groups) > 6 else ''}): choose one with --group, or --by group")
    if ok.empty:
        raise PlotError(f"no values of {y} to plot" + (f" for group {group}" if group else ""))
    xcol = PARAM + x
    bycol = None if by is None else ("group" if by == "group" else PARAM + by)
    lines: dict[str, list[tuple]] = {}
    keys = [xcol] + ([bycol] if bycol else [])
    for key, part in ok.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        label = y if bycol is None else f"{by}={key[1]}" if by != "group" else str(key[1])
        stats = interval([float(v) for v in part[y]])
        lines.setdefault(label, []).append((key[0], stats["mean"], stats["low"], stats["high"]))
    order = list((grid or {}).get(x, []))
    for points in lines.values():
        points.sort(key=lambda p: order.index(p[0]) if p[0] in order else len(order))
    return xcol, lines


def _xs(points: list[tuple]) -> tuple[list[float], list[str] | None]:
    """Numeric x positions, and tick labels when the grid values are not numbers (mechanism names...)."""
    values = [p[0] for p in points]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values], None
    return list(range(len(values))), [str(v) for v in values]


def terminal_plot(lines: dict[str, list[tuple]], x: str, y: str, width: int = 100, height: int = 25,
                  color: bool = False) -> str:
    """The lines as text (plotext); plain characters unless ``color``."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("pro" if color else "clear")
    ticks: list[float] = []
    names: list[str] = []
    for i, (label, points) in enumerate(lines.items()):
        xs, labels_here = _xs(points)
        plt.plot(xs, [p[1] for p in points], label=label, marker=MARKERS[i % len(MARKERS)])
        if len(xs) > len(ticks):
            ticks, names = xs, labels_here or [f"{v:g}" for v in xs]
    plt.xticks(ticks, names)
    plt.xlabel(x)
    plt.title(f"{y} (mean over seeds)")
    text = plt.build()
    return text if color else plt.uncolorize(text)


def image(lines: dict[str, list[tuple]], x: str, y: str, path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=150)
    labels = None
    for label, points in lines.items():
        xs, labels_here = _xs(points)
        labels = labels or labels_here
        means = [p[1] for p in points]
        low = [p[2] if not math.isnan(p[2]) else p[1] for p in points]
        high = [p[3] if not math.isnan(p[3]) else p[1] for p in points]
        ax.plot(xs, means, marker="o", label=label)
        ax.fill_between(xs, low, high, alpha=0.2)
    if labels:
        ax.set_xticks(list(range(len(labels))), labels)
    measure = describe(y)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{y} ({measure.unit})")
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    if len(lines) > 1 or next(iter(lines)) != y:
        ax.legend(fontsize=8)
    fig.text(0.01, 0.01, "mean over seeds, band: 95% interval", fontsize=7, alpha=0.7)
    fig.tight_layout()
    metadata: dict[str, Any] = {"Date": None} if path.suffix == ".svg" else {}
    fig.savefig(path, metadata=metadata)
    plt.close(fig)
    return path
