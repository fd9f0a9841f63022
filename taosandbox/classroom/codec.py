"""Snapshots as JSON and back: what the server sends and a remote game renders.

A class sends one shared part per block (``world_part``: the chain, the metagraph) and a small part per
student (``own_part``: their coldkey's view, delegates with their stakes, which neurons are theirs, their
validators' top bonds).
The last epoch's matrices (the explain screen's worked numbers) stay on the server.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.world.snapshot import DelegateRow, NeuronRow, PlayerView, Snapshot, StakeRow, top_bonds

_SHARED = ("block", "seconds", "total_issuance_rao", "block_emission_rao", "halving_index",
           "next_halving_issuance_rao", "blocks_to_next_halving", "pending_emission_rao", "recycled_rao",
           "burn_rao", "blocks_to_next_epoch", "last_epoch_block", "differences")


def _plain(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _row(row: Any) -> list:
    return [getattr(row, f.name) for f in fields(row)]


def world_part(snapshot: Snapshot) -> dict[str, Any]:
    """Everything every student sees alike; neuron rows as lists in ``NeuronRow`` field order."""
    data = {name: getattr(snapshot, name) for name in _SHARED}
    data["hyperparameters"] = {f.name: getattr(snapshot.hyperparameters, f.name)
                               for f in fields(snapshot.hyperparameters)}
    data["neuron_fields"] = [f.name for f in fields(NeuronRow)]
    data["neurons"] = [_row(r) for r in snapshot.neurons]
    data["halvings"] = [dict(h) for h in snapshot.halvings]
    data["extra"] = {k: v for k, v in snapshot.extra.items() if k != "fees"}
    return data


def own_part(snapshot: Snapshot) -> dict[str, Any]:
    """What only this student sees: their coldkey, stakes, delegates' rows, their uids, fees paid."""
    player = snapshot.player
    own = {f.name: getattr(player, f.name) for f in fields(player) if f.name != "stakes"}
    own["stakes"] = [_row(s) for s in player.stakes]
    mine = [r.uid for r in snapshot.neurons if r.is_player]
    bonds = {str(r.uid): top_bonds(snapshot, r.uid) for r in snapshot.neurons
             if r.is_player and r.role == "validator" and snapshot.last_epoch is not None}
    return {"player": own, "delegates": [_row(d) for d in snapshot.delegates], "mine": mine,
            "bonds": bonds, "fees": snapshot.extra.get("fees", {})}


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def snapshot_from(world: dict[str, Any], own: dict[str, Any]) -> Snapshot:
    """The inverse: a ``Snapshot`` a game screen renders. ValueError for a part that does not fit."""
    try:
        names = world["neuron_fields"]
        mine = set(own["mine"])
        neurons = []
        for values in world["neurons"]:
            row = dict(zip(names, values))
            row["is_player"] = row["uid"] in mine
            neurons.append(NeuronRow(**{k: v for k, v in row.items() if k in NeuronRow.__dataclass_fields__}))
        hp_fields = Hyperparameters.__dataclass_fields__
        hp = Hyperparameters(**{k: _tuple(v) for k, v in world["hyperparameters"].items() if k in hp_fields})
        player = dict(own["player"])
        player["stakes"] = tuple(StakeRow(*s) for s in player["stakes"])
        for name in ("uids", "hotkeys"):
            player[name] = tuple(player[name])
        return Snapshot(
            **{name: _tuple(world[name]) for name in _SHARED}, hyperparameters=hp, neurons=tuple(neurons),
            player=PlayerView(**player), delegates=tuple(DelegateRow(*d) for d in own["delegates"]),
            halvings=tuple(dict(h) for h in world["halvings"]), last_epoch=None,
            extra={**world["extra"], "fees": own.get("fees", {}), "bonds": own.get("bonds", {}),
                   **({"level": own["level"]} if "level" in own else {})})
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a snapshot the game cannot read ({type(exc).__name__}: {exc})") from None
