"""Issue 15 item 7: the event log names questions, not their ids; logs each action once; can show only yours."""

from __future__ import annotations

from taosandbox.chain.events import Event
from taosandbox.tui.app import TaoApp
from taosandbox.tui.widgets.event_log import EventLog, summarise
from taosandbox.world.actions import Register
from tests.tui.conftest import advance, settle


def test_an_action_the_chain_already_told_is_one_line_with_its_fee():
    events = [Event(5, "registered", "player-hk1 registered at uid 3 for 1.0000 τ", {}, True),
              Event(5, "fee", "Paid a fee", {"fee_rao": 125_000}, True),
              Event(5, "action", "You registered player-hk1 at uid 3", {"echoes": 1}, True)]
    assert summarise(events) == [("#5 player-hk1 registered at uid 3 for 1.0000 τ (fee 0.000125000 τ, burned)",
                                  "mine")]
    alone = [Event(6, "action", "You answered “How many?”: 3600", {}, True)]
    assert summarise(alone) == [("#6 You answered “How many?”: 3600", "mine")]


def test_the_world_marks_an_action_the_chain_echoed(make_world):
    world = make_world("miner")
    world.step()
    start = len(world.events)
    assert world.apply(Register(role="miner")).ok
    mine = [e for e in world.events[start:] if e.player]
    action = [e for e in mine if e.kind == "action"][0]
    assert action.data["echoes"] == sum(1 for e in mine if e.kind not in ("action", "fee"))
    texts = [t for t, _ in summarise(world.events[start:])]
    assert sum("registered" in t for t in texts) == 1


def log_lines(app) -> list[str]:
    return [strip.text for strip in app.screen.query_one(EventLog).lines]


async def test_f_shows_only_your_lines_and_back(make_world):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#miner-register")
        await settle(pilot)
        await advance(pilot, 400)  # routine summaries and other neurons' lines
        log = app.screen.query_one(EventLog)
        everything = log_lines(app)
        assert any(line.startswith("  #") for line in everything)  # others' lines are there
        await pilot.press("f")
        assert log.mine_only and "your events only" in str(log.border_title)
        mine = log_lines(app)
        assert mine and not any(line.startswith("  #") for line in mine)
        assert sum("registered" in line for line in mine) == 1
        await pilot.press("f")
        assert not log.mine_only and len(log_lines(app)) >= len(everything)
