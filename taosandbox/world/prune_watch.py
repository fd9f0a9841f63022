"""Warnings before the player's own neuron is pruned, so that losing a UID never comes unannounced.

A full subnet makes room for each new registration by pruning the UID with the lowest pruning score
among those out of immunity (YUMA_SPEC §6; subtensor ``get_neuron_to_prune``, here
``Metagraph.neuron_to_prune``). The watch says, once each, when a player's neuron

- leaves immunity (``immunity_ended``), with where its score stands;
- would be the one pruned when its immunity ends, while fewer than ``WARN_FRACTION`` of the immunity
  period is left (``prune_risk``, stage ``approaching``);
- is the one the next registration would replace now (``prune_risk``, stage ``next``; again, with
  ``again`` True, when it falls back to the bottom after ``REARM_BLOCKS`` out of danger).

It only reads the chain: the events are the player's (``player=True``) and change nothing else.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taosandbox.chain.events import Event

WARN_FRACTION = 0.1
"""Warn of an approaching prune this far (a fraction of the immunity period) before immunity ends."""


REARM_BLOCKS = 50
"""Out of danger this long, a neuron that becomes next to prune again is announced again."""


class PruneWatch:
    """Remembers which warnings were given, per player hotkey, and gives each once."""

    def __init__(self) -> None:
        self.told: set[tuple[str, str]] = set()
        """(hotkey, stage) pairs already announced."""
        self.safe_since: dict[str, int] = {}
        """hotkey -> the block since which it has not been next to prune (after a warning)."""

    def events(self, subnet: Any, player_hotkeys: dict[int, str]) -> list[Event]:
        """This block's warnings for the player's neurons (``uid -> hotkey``)."""
        if not player_hotkeys:
            return []
        mg, hp, block = subnet.metagraph, subnet.hp, subnet.block
        n, period = mg.n, hp.immunity_period
        full = n >= hp.max_allowed_uids and not mg.vacant
        out = []
        scores = mg.pruning_score[:n]
        for uid, hotkey in sorted(player_hotkeys.items()):
            left = period - (block - int(mg.registered_block[uid]))
            score = int(scores[uid])
            if left == 0 and self._first(hotkey, "immunity_ended"):
                rank = int(np.sum(scores < score)) + 1
                out.append(Event(block, "immunity_ended",
                                 f"Your uid {uid} ({hotkey}) left immunity: it can now be pruned. Its pruning "
                                 f"score {score:,} is number {rank} from the bottom of {n}; a full subnet prunes "
                                 "the lowest score out of immunity at each registration.",
                                 {"uid": uid, "hotkey": hotkey, "pruning_score": score, "rank_from_bottom": rank},
                                 player=True))
            if not full:
                continue
            if left <= 0:
                is_next = mg.neuron_to_prune(block, period) == uid
                again = (hotkey, "next") in self.told
                if not is_next:
                    self.safe_since.setdefault(hotkey, block)
                    continue
                safe_since = self.safe_since.pop(hotkey, None)
                if again and (safe_since is None or block - safe_since < REARM_BLOCKS):
                    continue
                self.told.add((hotkey, "next"))
                event = self._risk(block, uid, hotkey, score, "next",
                                   f"⚠ Your uid {uid} ({hotkey}) is {'again ' if again else ''}next to be pruned: "
                                   f"its pruning score {score:,} is the lowest out of immunity, so the next "
                                   "registration takes its seat. Raise its score (a better model: retrain, more "
                                   "data) or accept losing the UID.")
                out.append(Event(event.block, event.kind, event.text, {**event.data, "again": again}, True))
            elif left <= max(1, int(period * WARN_FRACTION)):
                if mg.neuron_to_prune(block + left, period) == uid and self._first(hotkey, "approaching"):
                    out.append(self._risk(block, uid, hotkey, score, "approaching",
                                          f"⚠ Your uid {uid} ({hotkey}) has the lowest pruning score ({score:,}) "
                                          f"and its immunity ends in {left:,} blocks: after that, the next "
                                          "registration prunes it unless its score rises."))
        return out

    def _first(self, hotkey: str, stage: str) -> bool:
        if (hotkey, stage) in self.told:
            return False
        self.told.add((hotkey, stage))
        return True

    @staticmethod
    def _risk(block: int, uid: int, hotkey: str, score: int, stage: str, text: str) -> Event:
        return Event(block, "prune_risk", text,
                     {"uid": uid, "hotkey": hotkey, "pruning_score": score, "stage": stage}, player=True)
