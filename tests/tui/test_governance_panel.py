"""GovernancePanel: renders the senate and proposals, turns presses into Propose/Vote with their fees."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from taosandbox.world.actions import Propose, Vote
from taosandbox.tui.widgets.governance import GovernancePanel, parse_changes
from taosandbox.world import World

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "governance"))
from gov_scenarios import gov_scenario  # noqa: E402


class GovApp(App):
    def __init__(self, world: World, *, with_callback: bool = True) -> None:
        super().__init__()
        self.world = world
        self.sent: list = []
        self.with_callback = with_callback

    def compose(self) -> ComposeResult:
        yield GovernancePanel(apply=self.apply_action if self.with_callback else None, id="gov")

    def apply_action(self, action):
        self.sent.append(action)
        outcome = self.world.apply(action)
        self.query_one(GovernancePanel).show(self.world.snapshot())
        return outcome

    def on_governance_panel_action_requested(self, message: GovernancePanel.ActionRequested) -> None:
        self.sent.append(message.action)


def _text(app: App, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def test_parse_changes():
    assert parse_changes("max_take=6553, default_take = 6553") == {"max_take": 6553, "default_take": 6553}
    assert parse_changes("mechanism=yuma3_2026,liquid_alpha_enabled=true") == {
        "mechanism": "yuma3_2026", "liquid_alpha_enabled": True}
    assert parse_changes("adjustment_alpha=0.5") == {"adjustment_alpha": 0.5}
    for bad in ("", "kappa", "kappa="):
        with pytest.raises(ValueError):
            parse_changes(bad)


async def test_player_proposes_votes_and_sees_the_result():
    world = World(gov_scenario(fee_rao=1_000_000, governance={"default_policy": "always_no"}))
    app = GovApp(world)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(GovernancePanel)
        panel.show(world.snapshot())
        await pilot.pause()
        senate = _text(app, "#gov-senate")
        assert "Senate 4/12 seats" in senate and "player-hk1" in senate and "3 ayes pass" in senate
        assert "No proposals yet." in _text(app, "#gov-proposals")
        assert app.query_one("#gov-vote").has_class("-hidden")          # nothing to vote on yet
        assert not app.query_one("#gov-propose").has_class("-hidden")   # the player holds a seat
        assert "fee 0.001 τ" in str(app.query_one("#gov-propose-button", Button).label)

        app.query_one("#gov-changes", Input).value = "kappa=70000"
        await pilot.click("#gov-propose-button")
        await pilot.pause()
        assert "Refused: kappa: 70000 is outside" in _text(app, "#gov-result")

        app.query_one("#gov-changes", Input).value = "kappa=40000"
        app.query_one("#gov-changes", Input).focus()
        await pilot.press("enter")   # submitting the input proposes too
        await pilot.pause()
        assert app.sent[-1] == Propose(changes={"kappa": 40000})
        assert "#1 by player: kappa 32767 → 40000" in _text(app, "#gov-proposals")
        assert not app.query_one("#gov-vote").has_class("-hidden")

        await pilot.click("#gov-aye")
        await pilot.pause()
        assert app.sent[-1] == Vote(proposal=1, aye=True)
        proposals = _text(app, "#gov-proposals")
        assert "your vote: player-hk1 voted aye" in proposals and "40 blocks left" in proposals
        assert app.query_one("#gov-vote").has_class("-hidden")          # one vote per senator
        assert world.snapshot().player.spent_fees_rao == 2_000_000

        world.advance(40)
        panel.show(world.snapshot())
        await pilot.pause()
        assert "rejected" in _text(app, "#gov-proposals")


async def test_without_callback_the_panel_posts_its_request():
    world = World(gov_scenario())
    app = GovApp(world, with_callback=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(GovernancePanel).show(world.snapshot())
        await pilot.pause()
        app.query_one("#gov-changes", Input).value = "immunity_period=100"
        await pilot.click("#gov-propose-button")
        await pilot.pause()
        assert app.sent == [Propose(changes={"immunity_period": 100})]
        assert world.governance.proposals == []   # the panel itself never touches the world
