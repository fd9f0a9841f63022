"""Yuma consensus: one epoch of a subnet, with every intermediate a learner may want to see.

Two mechanisms, chosen by ``Hyperparameters.mechanism``:

* ``"yuma_2024"`` — the pre-dynamic-TAO chain (subtensor v1.1.6 ``epoch()``), YUMA_SPEC §4, with the
  2024 liquid alpha of §10 when ``liquid_alpha_enabled``.
* ``"yuma3_2026"`` — Yuma 3 (subtensor HEAD, ``Yuma3On``), YUMA_SPEC §11, with its per-bond liquid alpha.

Float64 throughout (the chain uses I32F32 fixed point; §9 gives the size of the difference).

Row ``i`` of every matrix is the source (validator), column ``j`` the target (miner). Only rows that hold a
validator permit (old or new) or a previous bond can be non-zero in any matrix the epoch produces, so the
epoch works on those rows only (64 of 256 on a full subnet) and ``EpochResult`` keeps the matrices in that
compact form; ``EpochResult.matrix(name)`` expands one to n x n on demand.

Yuma 3 fields that differ from the 2024 meaning (§11):

* ``bonds_delta`` holds the *weights for bonds* ``Wb = W̄ + β(W̃ - W̄)`` (Yuma 3 has no stake-weighted ΔB).
* ``bonds_ema_col_normalized`` is the updated bond matrix column-normalised (used only for dividends);
  ``bonds_stored`` holds the un-normalised bonds, fractions in [0, 1].
* ``ranks`` and ``trust`` are computed as in 2024 for display; the chain no longer uses them. The pruning
  score comes from the combined Emission vector, as in 2024.
* ``ema_alpha`` is a float, or with liquid alpha an n x n array (one alpha per bond).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taosandbox.chain.hyperparams import MECHANISMS, Hyperparameters
from taosandbox.chain.units import U16_MAX

MATRIX_NAMES = (
    "weights_masked_normalized",
    "weights_clipped",
    "bonds_delta",
    "bonds_ema_col_normalized",
    "bonds_stored",
)
"""The n x n intermediates, held compactly by ``EpochResult`` (see ``EpochResult.matrix``)."""


@dataclass
class EpochInputs:
    """What the chain reads from storage when a subnet's epoch runs (YUMA_SPEC §4 notation)."""

    current_block: int
    """t: the block the epoch runs in."""
    stake: Any
    """σ (n,): raw stake per uid in rao (int or float, >= 0)."""
    validator_permit: Any
    """P (n,) bool: permits computed by the PREVIOUS epoch."""
    weights: Any
    """W (n, n): stored weights (u16, row max-upscaled; any positive per-row scale gives the same result)."""
    bonds: Any
    """B (n, n): stored bonds. yuma_2024: column max-upscaled (any per-column scale). yuma3: fractions in [0, 1]."""
    last_update: Any
    """u (n,) int: block of each uid's last weight update."""
    block_at_registration: Any
    """r (n,) int: block each uid was (last) registered in."""
    rao_emission: int
    """E: rao the epoch distributes (pending emission minus the owner cut, §3)."""
    owner_uid: int | None = None
    """Yuma 3: the subnet owner's uid (always permitted, may self-weight)."""
    last_epoch_block: int | None = None
    """Yuma 3: block of the previous epoch; bonds on a uid registered at or after it are dropped.
    None = current_block - tempo (the chain's ``last_tempo``)."""


@dataclass
class EpochResult:
    """Every intermediate of one epoch, named like the reference file's ``expected`` keys.

    Vectors are (n,) numpy arrays. The n x n matrices (``MATRIX_NAMES``) are properties that expand the
    compact storage on first use; ``row``/``column`` explain one neuron without building the matrix.
    """

    mechanism: str
    active: np.ndarray
    stake_normalized: np.ndarray
    active_stake: np.ndarray
    new_validator_permit: np.ndarray
    preranks: np.ndarray
    consensus: np.ndarray
    validator_trust: np.ndarray
    ranks: np.ndarray
    trust: np.ndarray
    incentive: np.ndarray
    dividends: np.ndarray
    normalized_server_emission: np.ndarray
    normalized_validator_emission: np.ndarray
    normalized_combined_emission: np.ndarray
    server_emission_rao: np.ndarray
    """Un-floored float rao: normalized_server_emission x E."""
    validator_emission_rao: np.ndarray
    combined_emission_rao: np.ndarray
    server_emission_u64: np.ndarray
    """What the chain pays, np.int64: floor(share x E) (§4.13)."""
    validator_emission_u64: np.ndarray
    pruning_score_u16: np.ndarray
    emission_fallback: str | None
    """None normally; "active_stake" or "stake" when no usable weights (§4.13)."""
    ema_alpha: float | np.ndarray
    """The bond EMA alpha: a float, per column (n,) with 2024 liquid alpha, per bond (n, n) with Yuma 3's."""
    matrix_rows: np.ndarray
    """Indices of the rows that may be non-zero in any matrix; all others are zero."""
    _compact: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _expanded: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.stake_normalized)

    def matrix(self, name: str) -> np.ndarray:
        """The n x n matrix ``name`` (one of MATRIX_NAMES), built on first use and cached (read-only)."""
        if name not in self._compact:
            raise KeyError(f"no matrix {name!r}; one of {', '.join(MATRIX_NAMES)}")
        full = self._expanded.get(name)
        if full is None:
            full = np.zeros((self.n, self.n))
            full[self.matrix_rows] = self._compact[name]
            full.flags.writeable = False
            self._expanded[name] = full
        return full

    def row(self, name: str, i: int) -> np.ndarray:
        """Row i (what validator i holds towards every uid) of matrix ``name``."""
        if name not in self._compact:
            raise KeyError(f"no matrix {name!r}; one of {', '.join(MATRIX_NAMES)}")
        k = np.searchsorted(self.matrix_rows, i)
        if k < len(self.matrix_rows) and self.matrix_rows[k] == i:
            return self._compact[name][k].copy()
        return np.zeros(self.n)

    def column(self, name: str, j: int) -> np.ndarray:
        """Column j (what every validator holds towards uid j) of matrix ``name``."""
        if name not in self._compact:
            raise KeyError(f"no matrix {name!r}; one of {', '.join(MATRIX_NAMES)}")
        out = np.zeros(self.n)
        out[self.matrix_rows] = self._compact[name][:, j]
        return out

    weights_masked_normalized = property(lambda self: self.matrix("weights_masked_normalized"))
    weights_clipped = property(lambda self: self.matrix("weights_clipped"))
    bonds_delta = property(lambda self: self.matrix("bonds_delta"))
    bonds_ema_col_normalized = property(lambda self: self.matrix("bonds_ema_col_normalized"))
    bonds_stored = property(lambda self: self.matrix("bonds_stored"))


# ---------------------------------------------------------------------------------------------------------
# Input checking


def _vector(name: str, value: Any, n: int | None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1 or (n is not None and arr.shape[0] != n):
        want = "(n,)" if n is None else f"({n},)"
        raise ValueError(f"{name}: expected shape {want}, got {arr.shape}")
    return arr


def _real(name: str, arr: np.ndarray) -> np.ndarray:
    """Check a numeric array is real, finite and >= 0; return it as float64 (no copy if already)."""
    kind = arr.dtype.kind
    if kind == "u" or kind == "b":
        return arr.astype(np.float64)
    if kind not in "if":
        raise ValueError(f"{name}: expected numbers, got dtype {arr.dtype}")
    if arr.size:
        # One min and one max reduction: NaN makes the comparison false, so it is caught too.
        lo, hi = arr.min(), arr.max()
        if not (lo >= 0):
            what = "NaN" if kind == "f" and np.isnan(lo) else "negative values"
            raise ValueError(f"{name}: contains {what}")
        if not np.isfinite(hi):
            raise ValueError(f"{name}: contains inf or NaN")
    return arr.astype(np.float64, copy=False)


def _integers(name: str, value: Any, n: int) -> np.ndarray:
    arr = _vector(name, value, n)
    if arr.dtype.kind not in "iu":
        if arr.size and arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)):
            return arr.astype(np.int64)
        if arr.size:
            raise ValueError(f"{name}: expected whole block numbers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _check_int(name: str, value: Any, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    return int(value)


@dataclass
class _Checked:
    n: int
    t: int
    stake: np.ndarray
    permit: np.ndarray
    weights: np.ndarray  # as given (any real dtype); rows are taken as needed
    bonds: np.ndarray
    last_update: np.ndarray
    registered: np.ndarray
    emission: int
    owner_uid: int | None
    last_epoch_block: int | None


def _check(inputs: EpochInputs, hp: Hyperparameters) -> _Checked:
    if not isinstance(hp, Hyperparameters):
        raise ValueError(f"hp: expected Hyperparameters, got {type(hp).__name__}")
    if hp.mechanism not in MECHANISMS:
        raise ValueError(f"mechanism: {hp.mechanism!r} is not one of {', '.join(MECHANISMS)}")
    stake = _vector("stake", inputs.stake, None)
    n = stake.shape[0]
    if n == 0:
        raise ValueError("stake: a subnet needs at least one uid")
    stake = _real("stake", stake)
    permit = _vector("validator_permit", inputs.validator_permit, n)
    if permit.dtype != np.bool_:
        if permit.dtype.kind not in "iu" or not np.all((permit == 0) | (permit == 1)):
            raise ValueError("validator_permit: expected booleans")
        permit = permit.astype(bool)
    weights = np.asarray(inputs.weights)
    if weights.shape != (n, n):
        raise ValueError(f"weights: expected shape ({n}, {n}), got {weights.shape}")
    if weights.dtype.kind not in "ub":
        _check_matrix("weights", weights)
    bonds = np.asarray(inputs.bonds)
    if bonds.shape != (n, n):
        raise ValueError(f"bonds: expected shape ({n}, {n}), got {bonds.shape}")
    if bonds.dtype.kind not in "ub":
        _check_matrix("bonds", bonds)
    if hp.mechanism == "yuma3_2026" and bonds.size and bonds.max() > 1:
        raise ValueError("bonds: Yuma 3 bonds are fractions in [0, 1]")
    last_update = _integers("last_update", inputs.last_update, n)
    registered = _integers("block_at_registration", inputs.block_at_registration, n)
    t = _check_int("current_block", inputs.current_block)
    emission = _check_int("rao_emission", inputs.rao_emission)
    if emission < 0:
        raise ValueError(f"rao_emission: must be >= 0, got {emission}")
    owner = _check_int("owner_uid", inputs.owner_uid, allow_none=True)
    if owner is not None and not 0 <= owner < n:
        raise ValueError(f"owner_uid: {owner} is not a uid (n = {n})")
    last_epoch = _check_int("last_epoch_block", inputs.last_epoch_block, allow_none=True)
    return _Checked(n, t, stake, permit, weights, bonds, last_update, registered, emission, owner, last_epoch)


def _check_matrix(name: str, arr: np.ndarray) -> None:
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected numbers, got dtype {arr.dtype}")
    _real(name, arr)


# ---------------------------------------------------------------------------------------------------------
# Small numeric helpers (all "normalise" = divide by the sum, unchanged if the sum is 0, §4 preamble)


def _normalize(x: np.ndarray) -> np.ndarray:
    total = x.sum()
    return x / total if total > 0 else x.copy()


def _col_normalize_inplace(m: np.ndarray) -> np.ndarray:
    """Divide each column by its sum; zero-sum columns are left unchanged. Returns the column sums."""
    sums = m.sum(axis=0)
    np.divide(m, sums, out=m, where=sums > 0)
    return sums


def _row_normalize_inplace(m: np.ndarray) -> None:
    sums = m.sum(axis=1, keepdims=True)
    np.divide(m, sums, out=m, where=sums > 0)


def _col_max_upscale(m: np.ndarray) -> np.ndarray:
    """Each column divided by its max (max = 1); zero columns stay zero (§4.15)."""
    mx = m.max(axis=0) if m.shape[0] else np.zeros(m.shape[1])
    return np.divide(m, mx, out=np.zeros_like(m), where=mx > 0)


def _topk_permits(s: np.ndarray, k: int, nonzero_only: bool) -> np.ndarray:
    """§4.3 / §11: top-k by stake; ascending stable sort (ties: lower uid sorts first) and deny the
    first n - k. 2024: if n <= k everyone (zero stake included). Yuma 3: only non-zero stake."""
    n = len(s)
    permit = s != 0 if nonzero_only else np.ones(n, dtype=bool)
    if n > k:
        order = np.argsort(s, kind="stable")
        permit[order[: n - k]] = False
    return permit


def _stake_weighted_median_cols(w: np.ndarray, stake: np.ndarray, kappa: float) -> np.ndarray:
    """§4.7 consensus for every column at once: c_j = the largest weight w backed by >= kappa of stake.

    ``w`` is (m, n) — only rows with stake > 0 — and ``stake`` (m,) > 0. Like the chain
    (``weighted_median_col_sparse``) the stake is renormalised over these rows and the test is written as
    "stake strictly below w <= minority", minority = stake_sum - kappa: this is Σ_{w_i >= w} s_i >= kappa.
    Vectorised: sort each column once, exclusive cumulative stake along the sorted order, and take the
    last position whose exclusive stake is still <= minority (the cumulative sum is non-decreasing, so
    counting the qualifying positions finds it). Ties need no care: every position of a tied group has
    the same value.
    """
    m, n = w.shape
    if m == 0:
        return np.zeros(n)
    st = stake / stake.sum()
    minority = st.sum() - kappa
    # Sort along the contiguous axis: transposed (n, m) rows are cache-friendly for argsort.
    wt = np.ascontiguousarray(w.T)
    order = np.argsort(wt, axis=1, kind="stable")
    below = st[order]  # stake in sorted order, (n, m)
    np.cumsum(below, axis=1, out=below)
    below -= st[order]  # exclusive cumulative stake: stake of rows sorted before this one
    count = np.count_nonzero(below <= minority, axis=1)
    pos = np.maximum(count - 1, 0)  # minority < 0 (kappa > 1 by rounding): the chain returns the minimum
    return wt[np.arange(n), order[np.arange(n), pos]]


def _liquid_alpha_2024(c: np.ndarray, hp: Hyperparameters) -> np.ndarray | None:
    """§10: per-column alpha from a logistic through (c_lo, alpha_low), (c_hi, alpha_high)."""
    if not np.any(c != 0):
        return None
    c_hi = float(np.quantile(c, 0.75))  # linear interpolation, as the chain's ``quantile``
    c_lo = float(np.quantile(c, 0.25))
    if c_hi == 0 and c_lo == 0:  # "unless both are 0" (chain: c_hi > c_lo || c_hi != 0 || c_lo < 0)
        return None
    alpha_low, alpha_high = hp.alpha_low / U16_MAX, hp.alpha_high / U16_MAX
    if c_hi <= c_lo:
        a = b = 0.0
    else:
        a = (math.log(1 / alpha_high - 1) - math.log(1 / alpha_low - 1)) / (c_lo - c_hi)
        b = math.log(1 / alpha_low - 1) + a * c_lo
    alpha = 1.0 / (1.0 + np.exp(b - a * c))
    return np.clip(alpha, alpha_low, alpha_high)


def _liquid_alpha_yuma3(wb: np.ndarray, bonds: np.ndarray, c: np.ndarray, hp: Hyperparameters) -> np.ndarray:
    """§11 per-bond alpha (``alpha_sigmoid``): buying (w >= b) is judged by how far w exceeds consensus,
    selling by how far the bond exceeds the weight."""
    alpha_low, alpha_high = hp.alpha_low / U16_MAX, hp.alpha_high / U16_MAX
    d = np.where(wb >= bonds, np.clip(wb - c, 0.0, 1.0), np.clip(bonds - wb, 0.0, 1.0))
    exponent = np.clip(-(hp.alpha_sigmoid_steepness / 100.0) * (d - 0.5), -20.0, 20.0)  # safe_exp
    alpha = alpha_low + (alpha_high - alpha_low) / (1.0 + np.exp(exponent))
    return np.clip(alpha, alpha_low, alpha_high)


# ---------------------------------------------------------------------------------------------------------
# The epoch


def run_epoch(inputs: EpochInputs, hp: Hyperparameters) -> EpochResult:
    """Run one epoch of ``hp.mechanism`` on ``inputs``. Raises ValueError on bad input (nothing returned)."""
    x = _check(inputs, hp)
    yuma3 = hp.mechanism == "yuma3_2026"
    n, t = x.n, x.t

    # §4.1 activity: a uid is active if it set weights within the activity cutoff.
    active = x.last_update + hp.activity_cutoff >= t

    # §4.2 stake: s = σ / Σσ. §11: Yuma 3 first zeroes uids below the stake threshold.
    sigma = x.stake
    if yuma3 and hp.stake_threshold > 0:
        sigma = np.where(sigma < hp.stake_threshold, 0.0, sigma)
    s = _normalize(sigma)

    # §4.3 new permits (stored for the next epoch; this one masks with the old P).
    new_permit = _topk_permits(s, hp.max_allowed_validators, nonzero_only=yuma3)
    if yuma3 and x.owner_uid is not None:
        new_permit[x.owner_uid] = True  # §11: the subnet owner's uid always has a permit

    # §4.4 active stake: a_i = s_i if active and permitted (old P), normalised.
    old_permit = x.permit
    a = _normalize(np.where(active & old_permit, s, 0.0))

    # Compact rows: weights survive only on rows with P (§4.5), bonds only where they exist, and bonds are
    # written for P' rows (§4.15). Every other row is zero in every matrix below.
    bond_rows = x.bonds.any(axis=1)
    rows = np.flatnonzero(old_permit | new_permit | bond_rows)
    m = len(rows)
    a_r = a[rows]
    p_r = old_permit[rows]

    # §4.5 weights: drop rows without P, the diagonal (Yuma 3 keeps the owner's self-weight) and outdated
    # cells (u_i <= r_j: i has not set weights since j registered); row-normalise.
    w = x.weights[rows].astype(np.float64)  # fancy indexing copies: safe to edit in place
    w[~p_r] = 0.0
    keep_diag = rows != x.owner_uid if (yuma3 and x.owner_uid is not None) else np.ones(m, dtype=bool)
    w[np.arange(m)[keep_diag], rows[keep_diag]] = 0.0
    outdated = x.last_update[rows][:, None] <= x.registered[None, :]
    w[outdated] = 0.0
    _row_normalize_inplace(w)

    # §4.6 preranks p_j = Σ_i a_i W̄_ij.
    preranks = a_r @ w

    # §4.7 consensus: stake-weighted upper median per column over rows with a_i > 0.
    staked = a_r > 0
    consensus = _stake_weighted_median_cols(w[staked], a_r[staked], hp.kappa_fraction)

    # §4.8 clip at consensus; §4.9 validator trust = row sums of the clipped weights.
    wc = np.minimum(w, consensus)
    vtrust_r = wc.sum(axis=1)

    # §4.10 ranks R = Σ_i a_i W̃_ij; trust = R / p (0 where p = 0); incentive = R normalised (= stored rank).
    r_raw = a_r @ wc
    trust = np.divide(r_raw, preranks, out=np.zeros(n), where=preranks > 0)
    incentive = _normalize(r_raw)

    if yuma3:
        bonds_delta_r, ema_r, ema_norm_r, dividends, ema_alpha = _bonds_yuma3(x, hp, rows, w, wc, a_r, consensus, incentive)
    else:
        bonds_delta_r, ema_r, ema_norm_r, dividends, ema_alpha = _bonds_2024(
            x, hp, rows, outdated, wc, a_r, consensus, incentive
        )

    # §4.13 emission: miners I/S, validators D/S, S = ΣI + ΣD; fallback when S = 0.
    total = incentive.sum() + dividends.sum()
    fallback = None
    if total > 0:
        server = incentive / total
        validator = dividends / total
    else:
        server = np.zeros(n)
        if np.any(a != 0):
            validator, fallback = a.copy(), "active_stake"
        else:
            validator, fallback = s.copy(), "stake"
    combined = _normalize(server + validator) if total > 0 else validator.copy()

    e = float(x.emission)
    server_rao = server * e
    validator_rao = validator * e
    combined_rao = combined * e
    server_u64 = np.floor(server_rao).astype(np.int64)
    validator_u64 = np.floor(validator_rao).astype(np.int64)

    # §4.14 pruning score: combined emission max-upscaled to u16, rounded half up (I32F32 ``round``).
    top = combined.max()
    if top > 0:
        pruning = np.floor(combined * (U16_MAX / top) + 0.5).astype(np.int64)
    else:
        pruning = np.zeros(n, dtype=np.int64)

    # §4.15 storage: rows with P' get the new bonds (2024: column max-upscaled), rows losing their permit
    # are cleared, other rows keep what they had.
    stored_r = np.array(x.bonds[rows], dtype=np.float64)
    np_r = new_permit[rows]
    stored_r[np_r] = ema_r[np_r] if yuma3 else _col_max_upscale(ema_r)[np_r]
    stored_r[p_r & ~np_r] = 0.0

    validator_trust = np.zeros(n)
    validator_trust[rows] = vtrust_r
    return EpochResult(
        mechanism=hp.mechanism,
        active=active,
        stake_normalized=s,
        active_stake=a,
        new_validator_permit=new_permit,
        preranks=preranks,
        consensus=consensus,
        validator_trust=validator_trust,
        ranks=incentive.copy(),
        trust=trust,
        incentive=incentive,
        dividends=dividends,
        normalized_server_emission=server,
        normalized_validator_emission=validator,
        normalized_combined_emission=combined,
        server_emission_rao=server_rao,
        validator_emission_rao=validator_rao,
        combined_emission_rao=combined_rao,
        server_emission_u64=server_u64,
        validator_emission_u64=validator_u64,
        pruning_score_u16=pruning,
        emission_fallback=fallback,
        ema_alpha=ema_alpha,
        matrix_rows=rows,
        _compact={
            "weights_masked_normalized": w,
            "weights_clipped": wc,
            "bonds_delta": bonds_delta_r,
            "bonds_ema_col_normalized": ema_norm_r,
            "bonds_stored": stored_r,
        },
    )


def _bonds_2024(x: _Checked, hp, rows, outdated, wc, a_r, consensus, incentive):
    """§4.11 bonds EMA and §4.12 dividends (2024), on the compact rows."""
    # §4.11 previous bonds with outdated cells removed (same rule as weights), column-normalised: B̂.
    b = x.bonds[rows].astype(np.float64)
    b[outdated] = 0.0
    _col_normalize_inplace(b)
    # Instant bond ΔB_ij = a_i W̃_ij, column-normalised.
    delta = wc * a_r[:, None]
    _col_normalize_inplace(delta)
    # EMA B* = α ΔB + (1-α) B̂ (§10: per-column α with liquid alpha), column-normalised again. A column
    # with no new bond keeps its proportions; a brand-new column takes ΔB.
    alpha = _liquid_alpha_2024(consensus, hp) if hp.liquid_alpha_enabled else None
    ema_alpha: float | np.ndarray = hp.ema_alpha if alpha is None else alpha
    ema = delta * ema_alpha
    b *= 1.0 - ema_alpha
    ema += b
    _col_normalize_inplace(ema)
    # §4.12 dividends D_i = Σ_j B*_ij I_j, normalised.
    dividends = np.zeros(x.n)
    dividends[rows] = ema @ incentive
    dividends = _normalize(dividends)
    return delta, ema, ema, dividends, ema_alpha


def _bonds_yuma3(x: _Checked, hp, rows, w, wc, a_r, consensus, incentive):
    """§11 Yuma 3 bonds (per pair, in [0, 1], not stake-weighted) and dividends."""
    # Weights for bonds Wb = W̄ + β(W̃ - W̄), β = bonds_penalty (1 = clipped weights).
    beta = hp.bonds_penalty / U16_MAX
    wb = w + beta * (wc - w)
    # Bonds on a uid registered at or after the previous epoch are dropped (chain: last_tempo <= r_j).
    last_epoch = x.last_epoch_block if x.last_epoch_block is not None else x.t - hp.tempo
    b = x.bonds[rows].astype(np.float64)
    b[:, last_epoch <= x.registered] = 0.0
    ema_alpha: float | np.ndarray
    if hp.liquid_alpha_enabled and np.any(consensus != 0):
        alpha = _liquid_alpha_yuma3(wb, b, consensus, hp)
        # On chain (sparse) only columns in the validator's weights-for-bonds row survive: a bond on a
        # miner no longer weighted is dropped, not decayed (§11 last point).
        ema = np.where(wb > 0, np.minimum((1.0 - alpha) * b + alpha * wb, 1.0), 0.0)
        ema_alpha = np.zeros((x.n, x.n))
        ema_alpha[rows] = alpha
    else:
        ema_alpha = hp.ema_alpha
        ema = np.minimum((1.0 - ema_alpha) * b + ema_alpha * wb, 1.0)
    # Dividends D_i = a_i Σ_j (B_ij / Σ_k B_kj) I_j, normalised.
    ema_norm = ema.copy()
    _col_normalize_inplace(ema_norm)
    dividends = np.zeros(x.n)
    dividends[rows] = (ema_norm @ incentive) * a_r
    dividends = _normalize(dividends)
    return wb, ema, ema_norm, dividends, ema_alpha
