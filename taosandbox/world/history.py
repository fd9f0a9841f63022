"""Per-block series for the charts, appended from snapshots, in bounded memory.

``History`` keeps at most ``capacity`` samples. When it is full it drops every other sample and from
then on records one block in ``stride`` (doubling each time), so a run of any length fits and stays
evenly spaced; the newest snapshot always replaces the last sample so the charts never lag behind.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taosandbox.chain.units import rao_to_tao


class History:
    """Block, issuance, block emission, player earnings and every uid's incentive over time."""

    def __init__(self, capacity: int = 512) -> None:
        if capacity < 4:
            raise ValueError(f"History capacity must be at least 4, got {capacity}")
        self.capacity = capacity
        self.stride = 1
        """Blocks between kept samples; doubles each time the buffer is compacted."""
        self.version = 0
        """Bumped on every change, so a chart can skip redrawing when nothing moved."""
        self._len = 0
        self._block = np.zeros(capacity, dtype=np.int64)
        self._issuance = np.zeros(capacity)
        self._emission = np.zeros(capacity)
        self._earned = np.zeros(capacity)
        self._threshold = np.full(capacity, np.nan)
        self._incentive = np.full((capacity, 0), np.nan, dtype=np.float32)
        self._miner = np.zeros(0, dtype=bool)
        """Whether each uid was a miner at the latest sample (the top-miners ranking uses it)."""

    def __len__(self) -> int:
        return self._len

    def clear(self) -> None:
        """Forget everything (a new world, or time went backwards after loading a save)."""
        self.__init__(self.capacity)

    def append(self, snapshot: Any) -> None:
        """Record ``snapshot`` (a Snapshot): cheap enough to call every block."""
        block = int(snapshot.block)
        if self._len and block <= self._block[self._len - 1]:
            if block < self._block[self._len - 1]:
                self.clear()
            else:
                return
        if self._len == self.capacity and not self._provisional():
            self._compact()
        # The newest sample is provisional until it is a whole stride past the one before it:
        # until then each new snapshot overwrites it.
        if self._provisional():
            k = self._len - 1
        else:
            k = self._len
            self._len += 1
        self._write(k, block, snapshot)
        self.version += 1

    def _provisional(self) -> bool:
        return self._len >= 2 and self._block[self._len - 1] - self._block[self._len - 2] < self.stride

    def _write(self, k: int, block: int, snapshot: Any) -> None:
        self._block[k] = block
        self._issuance[k] = snapshot.total_issuance_rao
        self._emission[k] = snapshot.block_emission_rao
        self._earned[k] = snapshot.player.earned_rao
        threshold = snapshot.next_halving_issuance_rao
        self._threshold[k] = np.nan if threshold is None else threshold
        neurons = snapshot.neurons
        width = max((row.uid for row in neurons), default=-1) + 1
        if width > self._incentive.shape[1]:
            grown = np.full((self.capacity, width), np.nan, dtype=np.float32)
            grown[:, : self._incentive.shape[1]] = self._incentive
            self._incentive = grown
            self._miner = np.concatenate([self._miner, np.zeros(width - len(self._miner), dtype=bool)])
        self._incentive[k] = np.nan
        self._miner[:] = False
        for row in neurons:
            self._incentive[k, row.uid] = row.incentive
            self._miner[row.uid] = row.role == "miner"

    def _compact(self) -> None:
        """Keep every other sample (always the newest), double the stride."""
        keep = np.arange(0, self._len, 2)
        if keep[-1] != self._len - 1:
            keep = np.append(keep, self._len - 1)
        for name in ("_block", "_issuance", "_emission", "_earned", "_threshold", "_incentive"):
            array = getattr(self, name)
            array[: len(keep)] = array[keep]
        self._len = len(keep)
        self.stride *= 2

    # -- series (read-only views, oldest first) -------------------------------------------------

    @property
    def blocks(self) -> np.ndarray:
        return self._view(self._block)

    @property
    def issuance_tao(self) -> np.ndarray:
        return rao_to_tao(self._view(self._issuance))

    @property
    def block_emission_tao(self) -> np.ndarray:
        return rao_to_tao(self._view(self._emission))

    @property
    def earned_tao(self) -> np.ndarray:
        """Everything the player has earned so far, at each sample."""
        return rao_to_tao(self._view(self._earned))

    @property
    def next_halving_tao(self) -> np.ndarray:
        """The issuance at which emission next halves (NaN when there is none)."""
        return rao_to_tao(self._view(self._threshold))

    def incentive(self, uid: int) -> np.ndarray:
        """Incentive of ``uid`` at each sample (NaN where the uid did not exist)."""
        if uid >= self._incentive.shape[1]:
            return np.full(self._len, np.nan)
        return self._view(self._incentive[:, uid]).astype(float)

    def top_miners(self, k: int = 5) -> list[int]:
        """The ``k`` miners with the highest incentive at the latest sample, highest first."""
        if not self._len:
            return []
        latest = np.nan_to_num(self._incentive[self._len - 1], nan=-1.0)
        uids = [u for u in np.argsort(-latest, kind="stable") if self._miner[u] and latest[u] >= 0]
        return [int(u) for u in uids[:k]]

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._len]
        view = view.view()
        view.flags.writeable = False
        return view
