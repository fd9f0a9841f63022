"""The checks ``set_weights`` makes before storing a weight vector (YUMA_SPEC §7, 2024)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from taosandbox.chain.units import U16_MAX, u16_to_float
from taosandbox.chain.errors import ChainError
from taosandbox.chain.hyperparams import Hyperparameters


def check_weights(
    hp: Hyperparameters,
    *,
    uid: int,
    n: int,
    uids: Sequence[int],
    values: Sequence[float],
    stake: int,
    last_update: int,
    permit: bool,
    block: int,
) -> np.ndarray:
    """The u16 row the chain would store for validator ``uid``, or ChainError saying why not.

    Checks in the chain's order (§7): lengths; stake >= WeightsMinStake; rate limit; permit (unless a
    single self-weight); no duplicates; uids exist; at least min_allowed_weights; max weight limit.
    """
    if len(uids) != len(values):
        raise ChainError("length_mismatch", f"{len(uids)} uids but {len(values)} values")
    if len(uids) > n:
        raise ChainError("too_many_weights", f"{len(uids)} weights for a subnet of {n} uids")
    vals = _numbers(values, "bad_weight", "weights must be finite numbers >= 0", integer=False)
    if vals.size and (not np.isfinite(vals).all() or (vals < 0).any()):
        bad = next(v for v in values if not math.isfinite(float(v)) or v < 0)
        raise ChainError("bad_weight", f"weights must be finite numbers >= 0, got {bad!r}")
    ids = _numbers(uids, "bad_uid", "uids must be whole numbers", integer=True)
    if stake < hp.weights_min_stake:
        raise ChainError("not_enough_stake", f"needs {hp.weights_min_stake} rao of stake to set weights")
    # §7 rate limit: last_update starts at the registration block, so a new neuron waits too.
    if last_update != 0 and block - last_update < hp.weights_rate_limit:
        wait = hp.weights_rate_limit - (block - last_update)
        raise ChainError("rate_limited",
                         f"weights were set {block - last_update} blocks ago; the rate limit is "
                         f"{hp.weights_rate_limit} blocks (wait {wait} more)")
    self_weight = ids.size == 1 and int(ids[0]) == uid
    if not permit and not self_weight:
        raise ChainError("no_permit", "no validator permit: only the top stakes may set weights on others")
    if np.unique(ids).size != ids.size:
        raise ChainError("duplicate_uids", "the same uid appears twice")
    outside = ids[(ids < 0) | (ids >= n)]
    if outside.size:
        raise ChainError("unknown_uid", f"uid {int(outside[0])} does not exist (the subnet has uids 0..{n - 1})")
    if not self_weight and len(uids) < min(hp.min_allowed_weights, n):
        raise ChainError("too_few_weights",
                         f"at least {min(hp.min_allowed_weights, n)} weights are required, got {len(uids)}")
    row = np.zeros(n, dtype=np.float64)
    top = vals.max() if vals.size else 0.0
    if top > 0:
        # §7 max-upscale to u16: round(v * 65535 / max); the chain rounds halves away from zero.
        row[ids] = np.floor(vals * float(U16_MAX) / top + 0.5)
    if hp.max_weight_limit != U16_MAX and not self_weight and row.sum() > 0:
        largest = row.max() / row.sum()
        if largest > u16_to_float(hp.max_weight_limit):
            raise ChainError("max_weight_exceeded",
                             f"the largest weight is {largest:.1%} of the total; the limit is "
                             f"{u16_to_float(hp.max_weight_limit):.1%}")
    return row


def _numbers(items: Sequence, code: str, what: str, *, integer: bool) -> np.ndarray:
    """``items`` as a 1-d numpy array of numbers (whole numbers if ``integer``), or ChainError."""
    if any(type(v) is bool or isinstance(v, np.bool_) for v in items):
        raise ChainError(code, f"{what}, got a true/false value")
    try:
        arr = np.asarray(items)
    except (TypeError, ValueError):
        arr = np.asarray([], dtype=object)
    kinds = "iu" if integer else "iuf"
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in kinds):
        bad = next((v for v in items if not isinstance(v, (int, np.integer) if integer
                                                    else (int, float, np.integer, np.floating))), items)
        raise ChainError(code, f"{what}, got {bad!r}")
    return arr.astype(np.int64 if integer else np.float64, copy=False)
