"""What happened: the world appends an ``Event`` for everything a player or a teacher may want to see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "registered",      # a hotkey took a UID (data: uid, hotkey, coldkey, burn_rao, replaced)
    "pruned",          # a neuron lost its UID to a new registration (data: uid, hotkey, pruning_score)
    "deregistered",    # the player gave up a UID
    "epoch",           # Yuma ran (data: distributed_rao, owner_cut_rao)
    "halving",         # block emission halved (data: before_rao, after_rao, total_issuance_rao, index)
    "weights_set",     # a validator set weights (data: uid, hotkey)
    "stake_added",     # data: coldkey, hotkey, amount_rao
    "stake_removed",   # data: coldkey, hotkey, amount_rao
    "take_set",        # data: hotkey, take
    "drained",         # a hotkey's accrued emission was paid to its stakers (data: hotkey, amount_rao)
    "burn_adjusted",   # the registration burn changed (data: before_rao, after_rao)
    "model_trained",   # a miner (re)trained (data: uid, model, accuracy)
    "drift",           # the task distribution shifted
    "permit_changed",  # a uid gained or lost its validator permit (data: uid, permit)
    "immunity_ended",  # a player's neuron left immunity (data: uid, hotkey, pruning_score, rank_from_bottom)
    "prune_risk",      # a player's neuron is about to be pruned (data: uid, hotkey, pruning_score, stage)
    "refused",         # a player action was refused (data: action, reason)
    "action",          # a player action was applied (data: action)
    "proposal",        # governance: proposed / voted / passed / rejected / enacted (data: stage, ...)
    "fee",             # a transaction fee was paid (data: coldkey, fee_rao, action)
)


@dataclass(frozen=True)
class Event:
    """One thing that happened at ``block``; ``text`` is a sentence a learner can read."""

    block: int
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    player: bool = False
    """True when it concerns the player (their action, their neuron, their stake)."""
