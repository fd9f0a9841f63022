"""Charts over time: the player's earnings, the top miners' incentive, issuance towards the halving.

``ChartsPanel.update_from(history)`` redraws from a ``taosandbox.world.history.History``; it does nothing
when the history has not changed since the last call, so calling it at every refresh tick (2–4 Hz) is
cheap. Drawn with plotext (``textual-plotext``'s ``PlotextPlot``) in braille.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual_plotext import PlotextPlot

from taosandbox.world.history import History

TOP_MINERS = 5


MAX_POINTS = 240
"""Braille gives two dots per cell: more points than that across a chart only cost render time."""


def _clean(x: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float]]:
    """Drop samples where ``y`` is NaN (a uid that did not exist yet: plotext cannot draw NaN), and
    thin to at most MAX_POINTS, always keeping the newest."""
    keep = np.flatnonzero(~np.isnan(y))
    if len(keep) > MAX_POINTS:
        step = -(-len(keep) // MAX_POINTS)
        keep = np.append(keep[:-1:step], keep[-1])
    return x[keep].tolist(), y[keep].tolist()


def _floor_at_zero(plt, values: list[float]) -> None:
    """Earnings and incentive are never negative: keep plotext from centring a flat 0 line on -1..1."""
    top = max((v for v in values if np.isfinite(v)), default=0.0)
    plt.ylim(0, top * 1.05 if top > 0 else 1)


def _blocks_axis(plt, blocks: np.ndarray) -> None:
    """With a single block plotext centres it on -1..1: show block b..b+1 instead (no negative blocks)."""
    first, last = float(blocks[0]), float(blocks[-1])
    plt.xlim(first, last if last > first else first + 1)


def _tao_label(tao: float) -> str:
    if tao >= 1e6:
        return f"{tao / 1e6:,.3f}M τ"
    return f"{tao:,.4f} τ"


class ChartsPanel(Widget):
    """Three stacked line charts drawn from a History."""

    DEFAULT_CSS = """
    ChartsPanel {
        height: 1fr;
        layout: vertical;
    }
    ChartsPanel PlotextPlot {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._drawn: tuple[int, int] | None = None
        """(id of the history, its version) last drawn, to skip redraws when nothing changed."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield PlotextPlot(id="chart-earnings")
            yield PlotextPlot(id="chart-incentive")
            yield PlotextPlot(id="chart-issuance")

    def on_mount(self) -> None:
        for plot_id, title in (("#chart-earnings", "Your earnings"), ("#chart-incentive", "Top miners' incentive"),
                               ("#chart-issuance", "Issuance towards the next halving")):
            plot = self.query_one(plot_id, PlotextPlot)
            plot.plt.title(title + " (waiting for the first block)")
            plot.refresh()

    def update_from(self, history: History) -> None:
        """Redraw every chart from ``history`` (skipped when it has not changed)."""
        key = (id(history), history.version)
        if key == self._drawn or not self.is_mounted:
            return
        self._drawn = key
        if not len(history):
            return
        blocks = np.asarray(history.blocks, dtype=float)
        self._draw_earnings(blocks, history)
        self._draw_incentive(blocks, history)
        self._draw_issuance(blocks, history)
        for plot in self.query(PlotextPlot):  # after drawing: clear_data resets the limits
            _blocks_axis(plot.plt, blocks)

    def _draw_earnings(self, blocks: np.ndarray, history: History) -> None:
        plot = self.query_one("#chart-earnings", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        earned = np.asarray(history.earned_tao)
        x, y = _clean(blocks, earned)
        plt.plot(x, y, marker="braille")
        _floor_at_zero(plt, y)
        plt.title(f"Your earnings: {_tao_label(float(earned[-1]))}")
        plt.xlabel("block")
        plot.refresh()

    def _draw_incentive(self, blocks: np.ndarray, history: History) -> None:
        plot = self.query_one("#chart-incentive", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        top = history.top_miners(TOP_MINERS)
        values: list[float] = []
        for uid in top:
            x, y = _clean(blocks, np.asarray(history.incentive(uid)))
            if x:
                plt.plot(x, y, marker="braille", label=f"uid {uid}")
                values += y
        _floor_at_zero(plt, values)
        plt.title("Top miners' incentive" if top else "Top miners' incentive (no miners yet)")
        plt.xlabel("block")
        plot.refresh()

    def _draw_issuance(self, blocks: np.ndarray, history: History) -> None:
        plot = self.query_one("#chart-issuance", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        # Millions of τ on the axis: "10.5" reads better than "10500000.0".
        issuance = np.asarray(history.issuance_tao)
        threshold = np.asarray(history.next_halving_tao)
        plt.plot(*_clean(blocks, issuance / 1e6), marker="braille", label="issuance (M τ)")
        x, y = _clean(blocks, threshold / 1e6)
        if x:
            plt.plot(x, y, marker="braille", label="next halving")
            share = issuance[-1] / threshold[-1] if not np.isnan(threshold[-1]) and threshold[-1] > 0 else 0.0
            plt.title(f"Issuance {_tao_label(float(issuance[-1]))}: {share:.1%} of the way to the halving "
                      f"at {_tao_label(float(threshold[-1]))}")
        else:
            plt.title(f"Issuance {_tao_label(float(issuance[-1]))} (no halving ahead)")
        plt.xlabel("block")
        plot.refresh()
