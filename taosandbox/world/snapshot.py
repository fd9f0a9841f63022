"""Immutable views of the world for the UI, levels and exports: data flows out, never back in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from taosandbox.chain.hyperparams import Hyperparameters


@dataclass(frozen=True)
class NeuronRow:
    """One UID of the metagraph, with btcli's columns and what the game adds."""

    uid: int
    hotkey: str
    coldkey: str
    role: str
    """"miner" or "validator" (what the agent does; the chain does not know)."""
    strategy: str
    """The agent's strategy (honest, idle, copier...), "player" for the player's own."""
    model: str | None
    accuracy: float | None
    """Miner's current score on held-out tasks; None for validators and idle miners."""
    stake_rao: int
    rank: float
    trust: float
    consensus: float
    incentive: float
    dividends: float
    emission_rao: int
    """Rao this UID received at the last epoch (btcli's EMISSION column)."""
    validator_trust: float
    validator_permit: bool
    last_update: int
    updated: int
    """Blocks since it last set weights (btcli's UPDATED)."""
    active: bool
    registered_block: int
    immune: bool
    immunity_left: int
    pruning_score: int
    emission_total_rao: int
    """Everything this UID earned since the world began (or since it registered)."""
    take: int
    """Delegate take, u16 fraction of 65535."""
    is_player: bool
    next_to_prune: bool
    """True for the UID a registration would replace now (only when the subnet is full)."""
    accrued_rao: int = 0
    """Emission this UID earned at epochs and not yet paid to its stakers (§5)."""
    blocks_to_drain: int = 0
    """Blocks until the hotkey's next drain pays ``accrued_rao`` out (restaked)."""
    delegate: bool = False
    """Has become a delegate: accepts stake from other coldkeys (§5)."""


@dataclass(frozen=True)
class StakeRow:
    """The player's stake on one hotkey, and what it has earned."""

    hotkey: str
    uid: int | None
    amount_rao: int
    earned_rao: int
    own: bool
    """True when the hotkey belongs to the player (own stake, not a delegation)."""


@dataclass(frozen=True)
class DelegateRow:
    """A validator hotkey the player can stake with."""

    hotkey: str
    uid: int
    owner: str
    take: int
    total_stake_rao: int
    nominators: int
    player_stake_rao: int
    return_per_tao_day: float
    """Recent return to nominators per staked TAO per day, after take."""
    validator_trust: float
    validator_permit: bool
    accepts_delegation: bool = True
    """A delegate (``become_delegate``): other coldkeys may stake on it; otherwise only its owner."""


@dataclass(frozen=True)
class PlayerView:
    """The player's coldkey and earnings."""

    coldkey: str
    role: str
    free_rao: int
    staked_rao: int
    stakes: tuple[StakeRow, ...]
    uids: tuple[int, ...]
    hotkeys: tuple[str, ...]
    earned_rao: int
    """Everything the network paid the player (mining, dividends, take, nominator returns)."""
    spent_burn_rao: int
    spent_fees_rao: int
    start_rao: int
    pending_rao: int = 0
    """Earned by the player's own hotkeys at epochs, waiting for their drains (not yet split)."""


@dataclass(frozen=True)
class Snapshot:
    """The whole world at the end of ``block``, frozen."""

    block: int
    seconds: int
    hyperparameters: Hyperparameters
    total_issuance_rao: int
    block_emission_rao: int
    halving_index: int | None
    next_halving_issuance_rao: int | None
    blocks_to_next_halving: int | None
    pending_emission_rao: int
    recycled_rao: int
    burn_rao: int
    blocks_to_next_epoch: int
    last_epoch_block: int | None
    neurons: tuple[NeuronRow, ...]
    player: PlayerView
    delegates: tuple[DelegateRow, ...]
    halvings: tuple[dict[str, int], ...]
    differences: tuple[str, ...]
    """Where this world departs from the 2024 chain (shown on screen)."""
    last_epoch: Any = None
    """The last ``EpochResult`` (read-only arrays), for the explain screen; None before the first."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Level progress, governance and other additions."""

    def neuron(self, uid: int) -> NeuronRow | None:
        for row in self.neurons:
            if row.uid == uid:
                return row
        return None


def top_bonds(snapshot: Snapshot, uid: int, top: int = 6) -> list[tuple[int, float]] | None:
    """A validator's largest stored bonds at the last epoch, as (miner uid, bond), largest first; None
    before the first epoch. A class student's snapshot carries them in ``extra["bonds"]`` (the epoch's
    matrices stay on the teacher's computer)."""
    epoch = snapshot.last_epoch
    if epoch is None:
        sent = snapshot.extra.get("bonds", {}).get(str(uid))
        return None if sent is None else [(int(j), float(v)) for j, v in sent]
    if uid >= epoch.n:
        return []
    row = epoch.row("bonds_stored", uid)
    return [(j, float(v)) for v, j in sorted(((v, j) for j, v in enumerate(row) if v), reverse=True)[:top]]
