"""The governance panel: the senate, open proposals with their votes and countdowns, the player's vote or
proposal (when the player holds a senate or triumvirate seat), and the fee each costs.

It renders ``Snapshot.extra["governance"]`` (docs/governance.md) and never touches the world: a vote or a
proposal becomes an engine action handed to ``apply`` (a callback returning the world's ``Outcome``, or
None when the action is sent elsewhere); without a callback the panel posts ``GovernancePanel.ActionRequested``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from taosandbox.chain.units import format_tao
from taosandbox.world.actions import Propose, Vote


def parse_changes(text: str) -> dict[str, Any]:
    """``"max_take=6553, default_take=6553"`` -> ``{"max_take": 6553, ...}``; ValueError says what is wrong.

    Values are numbers, true/false, or text (``mechanism=yuma3_2026``); the engine checks the ranges."""
    changes: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise ValueError(f"{part!r}: write name=value, e.g. kappa=40000")
        lowered = raw.lower()
        if lowered in ("true", "false"):
            changes[name] = lowered == "true"
            continue
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        changes[name] = value if isinstance(value, (int, float, str)) else raw
    if not changes:
        raise ValueError("write at least one name=value, e.g. kappa=40000")
    return changes


def describe_proposal(p: dict[str, Any]) -> str:
    """One proposal as a few lines of text (rich markup)."""
    changes = ", ".join(f"{name} {before} → {after}" for name, (before, after) in p["changes"].items())
    title = f" “{p['title']}”" if p["title"] else ""
    status = p["status"]
    if status == "open":
        when = f"[b]open[/b], {p['blocks_left']} blocks left (ends at block {p['ends_block']})"
    elif status == "passed":
        when = f"[b]passed[/b], enacted in {p['blocks_to_enact']} blocks (block {p['enact_block']})"
    else:
        when = f"[b]{status}[/b]" + (f": {p['reason']}" if status == "rejected" and p["reason"] else "")
    ayes = ", ".join(p["ayes"]) or "none"
    nays = ", ".join(p["nays"]) or "none"
    mine = "; ".join(f"{hk} voted {'aye' if aye else 'nay'}" for hk, aye in p["player_votes"].items())
    lines = [f"#{p['id']}{title} by {p['proposer']}: {changes}", f"  {when}",
             f"  aye {len(p['ayes'])}: {ayes}   nay {len(p['nays'])}: {nays}"]
    if mine:
        lines.append(f"  your vote: {mine}")
    return "\n".join(lines)


class GovernancePanel(VerticalScroll):
    """Senate, proposals and the player's governance actions, rendered from a snapshot."""

    DEFAULT_CSS = """
    GovernancePanel {
        padding: 0 1;
        & .gov-section { height: auto; margin-bottom: 1; }
        & .gov-title { text-style: bold; color: $accent; }
        & .gov-row { height: auto; }
        & .gov-row > Button { margin: 0 1 0 0; min-width: 14; }
        & .gov-row > Select { width: 28; }
        & .gov-row > Input { width: 1fr; }
        & #gov-result { color: $text-muted; height: auto; }
        & #gov-result.-refused { color: $warning; }
        & .-hidden { display: none; }
    }
    """

    @dataclass
    class ActionRequested(Message):
        """The player asked for a governance action (posted when the panel has no ``apply`` callback)."""

        action: Any

    def __init__(self, apply: Callable[[Any], Any] | None = None, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._apply = apply
        self._view: dict[str, Any] | None = None
        self._open_ids: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("Governance", classes="gov-title")
        yield Static("waiting for the first block", id="gov-senate", classes="gov-section")
        yield Static("", id="gov-proposals", classes="gov-section")
        with Horizontal(id="gov-vote", classes="gov-row -hidden"):
            yield Select([], prompt="open proposal", id="gov-proposal-select", allow_blank=True)
            yield Button("Vote aye", id="gov-aye", variant="success")
            yield Button("Vote nay", id="gov-nay", variant="error")
        with Horizontal(id="gov-propose", classes="gov-row -hidden"):
            yield Input(placeholder="name=value, …  e.g. max_take=6553, default_take=6553", id="gov-changes")
            yield Button("Propose", id="gov-propose-button", variant="primary")
        yield Static("", id="gov-result")

    # ------------------------------------------------------------------ rendering
    def show(self, snapshot: Any) -> None:
        """Render ``snapshot.extra["governance"]`` (cheap: a few Statics, Select options only on change)."""
        view = snapshot.extra.get("governance") if snapshot is not None else None
        self._view = view
        if not self.is_mounted or view is None:
            return
        senate, proposals = self.query_one("#gov-senate", Static), self.query_one("#gov-proposals", Static)
        if not view["enabled"]:
            senate.update("Governance is switched off in this world.")
            proposals.update("")
            self._set_controls(False, False)
            return
        senate.update(self._senate_text(view))
        shown = view["proposals"]
        proposals.update("\n".join(describe_proposal(p) for p in shown) if shown else "No proposals yet.")
        votable = tuple(p["id"] for p in shown if p["player_may_vote"])
        if votable != self._open_ids:
            self._open_ids = votable
            select = self.query_one("#gov-proposal-select", Select)
            select.set_options([(f"#{i}", i) for i in votable])
            if votable:
                select.value = votable[0]
        fee = view["fee_rao"]
        suffix = f" · fee {format_tao(fee, 9, trim=True)}" if fee else ""
        self.query_one("#gov-aye", Button).label = "Vote aye" + suffix
        self.query_one("#gov-nay", Button).label = "Vote nay" + suffix
        self.query_one("#gov-propose-button", Button).label = "Propose" + suffix
        self._set_controls(bool(votable), view["player"]["can_propose"])

    def _senate_text(self, view: dict[str, Any]) -> str:
        members = ", ".join(f"{'[b]' if r['is_player'] else ''}{r['hotkey']}{'[/b]' if r['is_player'] else ''}"
                            f" {r['share']:.1%}" for r in view["senate"]) or "nobody qualifies"
        you = view["player"]
        roles = [name for name, yes in (("triumvirate (you may propose)", you["can_propose"]),
                                        ("senate (you may vote)", you["can_vote"])) if yes]
        return (f"Senate {view['senate_size']}/{view['max_senate_size']} seats (≥{view['required_share']:.0%} of "
                f"stake each), {view['majority']} ayes pass a proposal: {members}\n"
                f"Triumvirate: {', '.join(view['triumvirate'])}. Voting period {view['voting_period']} blocks, "
                f"enactment {view['enactment_delay']} blocks later.\n"
                f"You: {', '.join(roles) if roles else 'no seat (stake decides senate seats)'}")

    def _set_controls(self, can_vote: bool, can_propose: bool) -> None:
        self.query_one("#gov-vote").set_class(not can_vote, "-hidden")
        self.query_one("#gov-propose").set_class(not can_propose, "-hidden")

    # ------------------------------------------------------------------ actions
    @on(Button.Pressed, "#gov-aye")
    @on(Button.Pressed, "#gov-nay")
    def _vote(self, event: Button.Pressed) -> None:
        value = self.query_one("#gov-proposal-select", Select).value
        if not isinstance(value, int):
            self._report(False, "choose an open proposal first")
            return
        self._send(Vote(proposal=value, aye=event.button.id == "gov-aye"))

    @on(Button.Pressed, "#gov-propose-button")
    @on(Input.Submitted, "#gov-changes")
    def _propose(self) -> None:
        try:
            changes = parse_changes(self.query_one("#gov-changes", Input).value)
        except ValueError as exc:
            self._report(False, str(exc))
            return
        self._send(Propose(changes=changes))

    def _send(self, action: Any) -> None:
        if self._apply is None:
            self.post_message(self.ActionRequested(action))
            return
        outcome = self._apply(action)
        if outcome is not None:
            self._report(outcome.ok, "done" if outcome.ok else outcome.reason or "refused")

    def _report(self, ok: bool, text: str) -> None:
        """Show the result of the last action (the game may call this with the world's answer)."""
        result = self.query_one("#gov-result", Static)
        result.update(text if ok else f"Refused: {text}")
        result.set_class(not ok, "-refused")
