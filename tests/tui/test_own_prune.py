"""Issue 15 item 1: the player's own prune, and its approach, stop time and say why."""

from __future__ import annotations

from textual.widgets import Static

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from taosandbox.tui.screens.prune import PruneModal
from taosandbox.tui.widgets.event_log import EventLog
from taosandbox.world import World
from tests.tui.conftest import advance, wait_for_workers

# A full 8-UID subnet with a 30-block immunity, strong newcomers every 40 blocks and a weak player
# miner: it is next to prune at block 30 (immunity over) and pruned at block 380 (seed 7).
SCENARIO = {
    "name": "prune-test", "seed": 7,
    "hyperparameters": {"max_allowed_uids": 8, "immunity_period": 30},
    "neurons": [
        {"role": "validator", "strategy": "honest", "stake_tao": 1000.0, "hotkey": "val-a",
         "registered_block": -10_000},
        {"role": "miner", "strategy": "honest", "count": 6, "budget": 120, "hotkey": "m",
         "registered_block": -10_000},
    ],
    "arrivals": [{"every": 40, "start": 20, "balance_tao": 20.0, "limit": 20, "models": ["forest"],
                  "budgets": [200]}],
    "player": {"role": "miner", "balance_tao": 100.0, "register": True, "budget": 10},
}


def test_the_world_warns_then_marks_the_players_prune():
    world = World(SCENARIO)
    world.advance(380)
    mine = [(e.block, e.kind, e.data.get("stage")) for e in world.events
            if e.player and e.kind in ("immunity_ended", "prune_risk", "pruned")]
    assert mine[:3] == [(27, "prune_risk", "approaching"), (30, "immunity_ended", None), (30, "prune_risk", "next")]
    assert mine[-1] == (380, "pruned", None)
    assert len([m for m in mine if m[2] == "next"]) <= 3  # re-announced only after a spell out of danger


async def test_the_prune_banner_stops_the_running_world_and_explains():
    app = TaoApp(world=World(SCENARIO))
    async with app.run_test(size=(120, 40)) as pilot:
        game = app.screen
        game.run_sim(limit=200, fast=True)  # the worker stops itself on the alert block
        await wait_for_workers(app)
        await pilot.pause()
        await pilot.pause()
        assert app.world.block == 30 and not game.running
        assert isinstance(app.screen, PruneModal)
        text = str(app.screen.query_one("#prune-text", Static).render())
        assert "next to be pruned" in text and "lowest out of immunity" in text and "30 blocks" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await advance(pilot, 350)  # to block 380, the prune
        assert isinstance(app.screen, PruneModal)
        text = str(app.screen.query_one("#prune-text", Static).render())
        assert "a new registration took your uid 7 (player-hk1)" in text
        await pilot.press("enter")
        await pilot.pause()
        log = "\n".join(s.text for s in game.query_one(EventLog).lines)
        assert "★ #380 uid 7 (player-hk1) was pruned" in log
