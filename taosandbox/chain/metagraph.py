"""The metagraph: per-UID state of one subnet as dense numpy arrays (YUMA_SPEC §4, §6, §7).

Arrays are allocated for ``max_allowed_uids`` once; the live part is ``[:n]``, so the epoch works on
views and never reallocates. Weights are stored as the chain stores them (u16, row max-upscaled), bonds
as u16 too (column max-upscaled in 2024, fractions ×65535 in Yuma 3): the chain's storage rounding is
part of its arithmetic.
"""

from __future__ import annotations

import numpy as np

from taosandbox.chain.units import U16_MAX


class Metagraph:
    """UIDs, their hotkeys, registration and weight-setting blocks, weights, bonds and metrics."""

    METRICS = ("rank", "trust", "consensus", "incentive", "dividends", "validator_trust")

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.n = 0
        self.hotkeys: list[str] = []
        self.uid_of: dict[str, int] = {}
        self.vacant: set[int] = set()
        """UIDs given up by a (sandbox) deregistration, filled by the next registration first."""
        self.registered_block = np.zeros(capacity, dtype=np.int64)
        self.last_update = np.zeros(capacity, dtype=np.int64)
        self.validator_permit = np.zeros(capacity, dtype=bool)
        self.pruning_score = np.zeros(capacity, dtype=np.int64)
        self.weights = np.zeros((capacity, capacity), dtype=np.float64)
        self.bonds = np.zeros((capacity, capacity), dtype=np.float64)
        self.emission = np.zeros(capacity, dtype=np.int64)
        """Rao each UID received at the last epoch (btcli's EMISSION)."""
        self.emission_total = np.zeros(capacity, dtype=np.int64)
        """Rao each UID received since its current hotkey registered."""
        self.metrics = {name: np.zeros(capacity, dtype=np.float64) for name in self.METRICS}

    def append(self, hotkey: str, block: int) -> int:
        """A new UID at the end (§6): permit false, pruning score 0, last_update = registration."""
        uid = self.n
        self.n += 1
        self.hotkeys.append(hotkey)
        self.uid_of[hotkey] = uid
        self.registered_block[uid] = block
        self.last_update[uid] = block
        self.validator_permit[uid] = False
        self.pruning_score[uid] = 0
        return uid

    def replace(self, uid: int, hotkey: str, block: int) -> str:
        """A new hotkey takes ``uid`` (§6). Weights row, bonds row, permit and last_update are NOT
        reset: the outdated-weights rule (§4.5) handles weights that pointed at the old occupant."""
        old = self.hotkeys[uid]
        del self.uid_of[old]
        self.hotkeys[uid] = hotkey
        self.uid_of[hotkey] = uid
        self.registered_block[uid] = block
        self.pruning_score[uid] = U16_MAX  # until the next epoch
        self.emission[uid] = 0
        self.emission_total[uid] = 0
        for values in self.metrics.values():
            values[uid] = 0.0
        return old

    def immune(self, block: int, immunity_period: int) -> np.ndarray:
        """§6: ``t - r_i < immunity_period`` for the live UIDs."""
        return (block - self.registered_block[: self.n]) < immunity_period

    def neuron_to_prune(self, block: int, immunity_period: int) -> int | None:
        """The UID a registration replaces (§6): lowest pruning score among non-immune UIDs (ties:
        earliest registration, then lowest uid); if every UID is immune, the same among all."""
        n = self.n
        if n == 0:
            return None
        immune = self.immune(block, immunity_period)
        candidates = np.flatnonzero(~immune)
        if candidates.size == 0:
            candidates = np.arange(n)
        order = np.lexsort((candidates, self.registered_block[candidates],
                            self.pruning_score[candidates]))
        return int(candidates[order[0]])
