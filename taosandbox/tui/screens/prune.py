"""The unmissable prune banner: your own neuron is about to lose its UID, or just lost it, and why.

Shown, like the halving banner, for the player's ``pruned`` event and for the first ``prune_risk`` of a
neuron (world/prune_watch.py). The rule (YUMA_SPEC §6): a full subnet gives each new registration the
UID with the lowest pruning score among those out of immunity; the pruning score is the last epoch's
combined emission max-upscaled to 0..65535 (§4.14).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from taosandbox.tui.screens.banner import BannerModal

RULE = ("Why: the subnet is full, so every new registration takes the UID with the lowest pruning score "
        "among neurons out of immunity ({immunity:,} blocks after registering). The pruning score is the "
        "last epoch's emission (incentive for a miner, dividends for a validator) scaled so the best is 65,535.")


def prune_text(event: Any, snapshot: Any | None) -> str:
    """The banner's explanation, from a player's ``pruned`` or ``prune_risk`` event."""
    data = event.data or {}
    uid, hotkey, score = data.get("uid"), data.get("hotkey", "?"), int(data.get("pruning_score", 0))
    hp = getattr(snapshot, "hyperparameters", None)
    immunity = int(getattr(hp, "immunity_period", 0))
    slots = f" ({hp.max_allowed_uids} of {hp.max_allowed_uids} UIDs taken)" if hp is not None else ""
    if event.kind == "pruned":
        lines = [
            f"At block {event.block:,} a new registration took your uid {uid} ({hotkey}).",
            f"Its pruning score, {score:,}, was the lowest out of immunity{slots}.",
            "",
            RULE.format(immunity=immunity),
            "",
            "What was staked on it went back to its owners; your coldkey keeps what it earned.",
            "You can register again (Miner or Validator tab). A better model scores higher.",
        ]
    else:
        lines = [
            f"At block {event.block:,} your uid {uid} ({hotkey}) became the next to be pruned:",
            f"its pruning score {score:,} is the lowest out of immunity{slots}.",
            "",
            RULE.format(immunity=immunity),
            "",
            "Newcomers register now and then: the next one takes this UID unless its score rises.",
            "Time is paused. Retrain or train a better model (Miner tab), or press space to go on.",
        ]
    return "\n".join(lines)


class PruneModal(BannerModal):
    """Your neuron is pruned (or next to be); the simulation stays paused until it is dismissed."""

    DEFAULT_CSS = """
    PruneModal {
        align: center middle;
        background: $background 70%;
        & #prune-box {
            width: 84; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
            border: heavy $error; background: $panel;
        }
        & #prune-title { text-style: bold; color: $text-error; content-align: center middle; width: 1fr; }
        & #prune-scroll { height: auto; max-height: 1fr; }
        & #prune-ok { margin-top: 1; width: 1fr; }
    }
    """
    def compose(self) -> ComposeResult:
        title = "✂ YOUR NEURON WAS PRUNED ✂" if self.event.kind == "pruned" else "⚠ YOUR NEURON IS NEXT TO BE PRUNED ⚠"
        with Vertical(id="prune-box"):
            yield Static(title, id="prune-title")
            with VerticalScroll(id="prune-scroll"):
                yield Static(prune_text(self.event, self.snapshot), id="prune-text")
            yield Button("Continue (enter)", variant="error", id="prune-ok")
