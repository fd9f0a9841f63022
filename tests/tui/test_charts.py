"""ChartsPanel draws a History headless and skips redraws when nothing changed."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual_plotext import PlotextPlot

from taosandbox.world.history import History
from taosandbox.tui.widgets.charts import ChartsPanel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "world"))
from test_history import at  # noqa: E402


class ChartsApp(App):
    def compose(self) -> ComposeResult:
        yield ChartsPanel(id="charts")


def _text(panel: ChartsPanel, plot_id: str) -> str:
    return panel.query_one(plot_id, PlotextPlot).render().plain


async def test_charts_draw_earnings_top_miners_and_issuance():
    history = History()
    for b in range(1, 50):
        history.append(at(b, issuance=b * 10**14, earned=b * 10**9, incentive={2: 0.5, 3: 0.3, 4: 0.2}))
    app = ChartsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(ChartsPanel)
        assert "waiting for the first block" in _text(panel, "#chart-earnings")
        panel.update_from(history)
        await pilot.pause()
        assert "Your earnings: 49.0000 τ" in _text(panel, "#chart-earnings")
        incentive = _text(panel, "#chart-incentive")
        assert "uid 2" in incentive and "uid 3" in incentive and "uid 4" in incentive
        assert "Issuance 4.900M τ: 46.7% of the way to the halving at 10.500M τ" in _text(panel, "#chart-issuance")


async def test_update_is_skipped_when_history_did_not_change():
    history = History()
    history.append(at(1, earned=10**9))
    app = ChartsApp()
    async with app.run_test(size=(120, 40)):
        panel = app.query_one(ChartsPanel)
        calls = []
        original = panel._draw_earnings
        panel._draw_earnings = lambda *args: (calls.append(1), original(*args))
        panel.update_from(history)
        panel.update_from(history)
        assert len(calls) == 1
        history.append(at(2, earned=2 * 10**9))
        panel.update_from(history)
        assert len(calls) == 2
        panel.update_from(History())  # an empty history draws nothing and does not fail
