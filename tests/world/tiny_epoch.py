"""A hand-worked epoch: 2 validators (600 / 400 τ), 3 miners, exact round weights.

Validator 0 weights miners 2, 3, 4 as 0.5 / 0.3 / 0.2; validator 1 as 0.4 / 0.4 / 0.2. Every number
below was worked out by hand (YUMA_SPEC §4), so the walkthrough can be checked against it without
the engine. ``TinyEpoch`` exposes the same attributes and methods as ``EpochResult``.
"""

from __future__ import annotations

import numpy as np

from taosandbox.chain.hyperparams import SANDBOX
from taosandbox.world.snapshot import NeuronRow, PlayerView, Snapshot

E_RAO = 296_021_652_568
"""Pending 361 τ minus the owner cut: what the epoch distributes (YUMA_SPEC §3)."""

_W_BAR = [[0, 0, 0.5, 0.3, 0.2], [0, 0, 0.4, 0.4, 0.2], [0] * 5, [0] * 5, [0] * 5]
_W_TILDE = [[0, 0, 0.5, 0.3, 0.2], [0, 0, 0.4, 0.3, 0.2], [0] * 5, [0] * 5, [0] * 5]
# ΔB_ij = a_i W̃_ij column-normalised: column 2 is 0.30 / 0.16 of 0.46, columns 3 and 4 are 0.6 / 0.4.
_DELTA = [[0, 0, 0.30 / 0.46, 0.6, 0.6], [0, 0, 0.16 / 0.46, 0.4, 0.4], [0] * 5, [0] * 5, [0] * 5]
# R = a·W̃ = 0.46, 0.30, 0.20 (total 0.96); incentive = R / 0.96.
_INCENTIVE = [0, 0, 0.46 / 0.96, 0.30 / 0.96, 0.20 / 0.96]
# D_0 = (0.30 + 0.18 + 0.12) / 0.96 = 0.625, D_1 = 0.375: already summing to 1.
_DIVIDENDS = [0.625, 0.375, 0, 0, 0]


class TinyEpoch:
    """Duck-typed EpochResult for the tiny case."""

    mechanism = "yuma_2024"

    def __init__(self) -> None:
        self.active = np.array([True] * 5)
        self.stake_normalized = np.array([0.6, 0.4, 0, 0, 0])
        self.active_stake = np.array([0.6, 0.4, 0, 0, 0])
        self.new_validator_permit = np.array([True] * 5)
        self.weights_masked_normalized = np.array(_W_BAR, dtype=float)
        self.preranks = np.array([0, 0, 0.46, 0.34, 0.20])
        self.consensus = np.array([0, 0, 0.5, 0.3, 0.2])
        self.weights_clipped = np.array(_W_TILDE, dtype=float)
        self.validator_trust = np.array([1.0, 0.9, 0, 0, 0])
        self.ranks = np.array(_INCENTIVE)
        self.trust = np.array([0, 0, 1.0, 0.30 / 0.34, 1.0])
        self.incentive = np.array(_INCENTIVE)
        self.bonds_delta = np.array(_DELTA, dtype=float)
        self.bonds_ema_col_normalized = np.array(_DELTA, dtype=float)
        self.bonds_stored = self.bonds_ema_col_normalized / self.bonds_ema_col_normalized.max(axis=0, initial=1e-300)
        self.dividends = np.array(_DIVIDENDS)
        self.normalized_server_emission = self.incentive / 2
        self.normalized_validator_emission = self.dividends / 2
        self.normalized_combined_emission = self.normalized_server_emission + self.normalized_validator_emission
        self.server_emission_rao = self.normalized_server_emission * E_RAO
        self.validator_emission_rao = self.normalized_validator_emission * E_RAO
        self.pruning_score_u16 = np.zeros(5, dtype=int)
        self.emission_fallback = None
        self.ema_alpha = 0.1

    def matrix(self, name: str) -> np.ndarray:
        return getattr(self, name)

    def row(self, name: str, i: int) -> np.ndarray:
        return self.matrix(name)[i]

    def column(self, name: str, j: int) -> np.ndarray:
        return self.matrix(name)[:, j]


def neuron(uid: int, role: str, take: int = 11796) -> NeuronRow:
    result = TinyEpoch()
    return NeuronRow(
        uid=uid, hotkey=f"hk{uid}", coldkey=f"ck{uid}", role=role, strategy="honest", model=None,
        accuracy=None, stake_rao=int(result.stake_normalized[uid] * 1000e9), rank=float(result.ranks[uid]),
        trust=float(result.trust[uid]), consensus=float(result.consensus[uid]),
        incentive=float(result.incentive[uid]), dividends=float(result.dividends[uid]),
        emission_rao=0, validator_trust=float(result.validator_trust[uid]), validator_permit=True,
        last_update=2990, updated=10, active=True, registered_block=1000, immune=False, immunity_left=0,
        pruning_score=0, emission_total_rao=0, take=take, is_player=uid == 2, next_to_prune=False,
    )


def snapshot(last_epoch=None, *, with_epoch: bool = True) -> Snapshot:
    """A Snapshot whose last epoch is the tiny case (or none at all)."""
    epoch = last_epoch if last_epoch is not None else (TinyEpoch() if with_epoch else None)
    roles = ["validator", "validator", "miner", "miner", "miner"]
    player = PlayerView(coldkey="ck2", role="miner", free_rao=0, staked_rao=0, stakes=(), uids=(2,),
                        hotkeys=("hk2",), earned_rao=0, spent_burn_rao=0, spent_fees_rao=0, start_rao=0)
    return Snapshot(
        block=3000, seconds=36000, hyperparameters=SANDBOX, total_issuance_rao=0, block_emission_rao=10**9,
        halving_index=0, next_halving_issuance_rao=None, blocks_to_next_halving=None, pending_emission_rao=0,
        recycled_rao=0, burn_rao=10**9, blocks_to_next_epoch=1, last_epoch_block=3000 if epoch else None,
        neurons=tuple(neuron(u, r) for u, r in enumerate(roles)), player=player, delegates=(), halvings=(),
        differences=(), last_epoch=epoch,
    )
