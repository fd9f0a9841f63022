"""Yuma consensus: one epoch of a subnet, with every intermediate a learner may want to see.

Two mechanisms, chosen by ``Hyperparameters.mechanism``:

* ``"yuma_2024"`` — the pre-dynamic-TAO chain (subtensor v1.1.6 ``epoch()``), YUMA_SPEC §4, with the
  2024 liquid alpha of §10 when ``liquid_alpha_enabled``.
* ``"yuma3_2026"`` — Yuma 3 (subtensor HEAD, ``Yuma3On``), YUMA_SPEC §11, with its per-bond liquid alpha.

Float64 throughout (the chain uses I32F32 fixed point; §9 gives the size of the difference).

Row ``i`` of every matrix is the source (validator), column ``j`` the target (miner). Only rows that hold a
validator permit (old or new) or a previous bond can be non-zero in any matrix the epoch produces, so the
epoch works on those rows only (64 of 256 on a full subnet) and ``EpochResult`` keeps the matrices in that
compact form: ``compact(name)`` gives the rows ``matrix_rows``, ``matrix(name)`` (or the attribute of the
same name) expands one to a new n x n array, ``write_matrix(name, out)`` writes it into an array the caller
keeps (the cheap way to carry ``bonds_stored`` to the next epoch), ``row``/``column`` explain one neuron.
The 2024 bond matrices are not needed for dividends and are computed only when asked for.

Yuma 3 fields that differ from the 2024 meaning (§11):

* ``bonds_delta`` holds the *weights for bonds* ``Wb = W̄ + β(W̃ - W̄)`` (Yuma 3 has no stake-weighted ΔB).
* ``bonds_ema_col_normalized`` is the updated bond matrix column-normalised (used only for dividends);
  ``bonds_stored`` holds the un-normalised bonds, fractions in [0, 1].
* ``ranks`` and ``trust`` are computed as in 2024 for display; the chain no longer uses them. The pruning
  score comes from the combined Emission vector, as in 2024.
* ``ema_alpha`` is a float, or with liquid alpha an n x n array (one alpha per bond).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
    """B (n, n): stored bonds. yuma_2024: column max-upscaled (any per-column scale, the engine's own
    ``bonds_stored`` included). yuma3: fractions in [0, 1]."""
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
    weights_listed: Any = None
    """Yuma 3 with liquid alpha: (n, n) bool, which weights the chain stores as entries, explicit zeros
    included. The chain's sparse bond update keeps a bond only where its validator lists the miner
    (§11). None = the non-zero weights."""


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
    _compact: dict[str, Any] = field(default_factory=dict, repr=False)
    """Per matrix: the (len(matrix_rows), n) array, or a function computing it on first use (the 2024
    bond matrices are not needed for dividends, so the epoch does not build them unless asked)."""
    _expanded: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return len(self.stake_normalized)

    def compact(self, name: str) -> np.ndarray:
        """Matrix ``name`` restricted to ``matrix_rows``: shape (len(matrix_rows), n), read-only."""
        value = self._compact.get(name)
        if value is None:
            raise KeyError(f"no matrix {name!r}; one of {', '.join(MATRIX_NAMES)}")
        if callable(value):
            value = self._compact[name] = value()
        value.flags.writeable = False
        return value

    def matrix(self, name: str) -> np.ndarray:
        """The n x n matrix ``name`` (one of MATRIX_NAMES), built on first use and cached (read-only)."""
        full = self._expanded.get(name)
        if full is None:
            rows = self.compact(name)
            full = np.zeros((self.n, self.n))
            full[self.matrix_rows] = rows
            full.flags.writeable = False
            self._expanded[name] = full
        return full

    def write_matrix(self, name: str, out: np.ndarray) -> np.ndarray:
        """Write the n x n matrix ``name`` into ``out`` (an existing float (n, n) array) and return it.

        For a caller that keeps one array across epochs (e.g. the stored bonds fed to the next epoch):
        no n x n allocation, which costs more than the epoch itself when repeated every step.
        """
        if out.shape != (self.n, self.n):
            raise ValueError(f"out: expected shape ({self.n}, {self.n}), got {out.shape}")
        rows = self.compact(name)
        out.fill(0.0)
        out[self.matrix_rows] = rows
        return out

    def row(self, name: str, i: int) -> np.ndarray:
        """Row i (what validator i holds towards every uid) of matrix ``name``."""
        rows = self.compact(name)
        k = int(np.searchsorted(self.matrix_rows, i))
        if k < len(self.matrix_rows) and self.matrix_rows[k] == i:
            return rows[k].copy()
        return np.zeros(self.n)

    def column(self, name: str, j: int) -> np.ndarray:
        """Column j (what every validator holds towards uid j) of matrix ``name``."""
        rows = self.compact(name)
        out = np.zeros(self.n)
        out[self.matrix_rows] = rows[:, j]
        return out

    weights_masked_normalized = property(lambda self: self.matrix("weights_masked_normalized"))
    weights_clipped = property(lambda self: self.matrix("weights_clipped"))
    bonds_delta = property(lambda self: self.matrix("bonds_delta"))
    bonds_ema_col_normalized = property(lambda self: self.matrix("bonds_ema_col_normalized"))
    bonds_stored = property(lambda self: self.matrix("bonds_stored"))


# ---------------------------------------------------------------------------------------------------------
# Input checking (cheap: whole-array reductions, no per-element Python)


def _vector(name: str, value: Any, n: int | None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1 or (n is not None and arr.shape[0] != n):
        want = "(n,)" if n is None else f"({n},)"
        raise ValueError(f"{name}: expected shape {want}, got {arr.shape}")
    return arr


def _nonnegative_finite(name: str, arr: np.ndarray) -> None:
    """Raise unless ``arr`` holds real numbers, all >= 0 and finite."""
    kind = arr.dtype.kind
    if kind in "ub":  # unsigned integers and booleans cannot be negative or non-finite
        return
    if kind not in "if":
        raise ValueError(f"{name}: expected numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        return
    lo = _min(arr, axis=None)  # NaN propagates through min, so one reduction finds NaN and negatives
    if not lo >= 0:
        raise ValueError(f"{name}: contains NaN" if lo != lo else f"{name}: contains negative values")
    if kind == "f" and not _max(arr, axis=None) < math.inf:
        raise ValueError(f"{name}: contains inf")


def _integers(name: str, value: Any, n: int) -> np.ndarray:
    arr = _vector(name, value, n)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.size and arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)):
        return arr.astype(np.int64)
    if arr.size:
        raise ValueError(f"{name}: expected whole block numbers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _check_int(name: str, value: Any, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    return int(value)


_INF_BITS = np.float64(math.inf).view(np.uint64)


def _bond_rows(bonds: np.ndarray) -> np.ndarray:
    """(n,) bool, the rows holding any bond; raises on a negative, NaN or infinite bond.

    Float64 bonds (the chain's own) in one pass, the largest bit pattern per row: non-negative doubles
    order like their bit patterns, and a NaN, an inf or a negative number has a pattern >= that of +inf.
    The bonds are the epoch's largest input (n x n), read here once instead of twice.
    """
    if bonds.dtype == np.float64:
        row_max = _max(bonds.view(np.uint64), axis=1)
        if _max(row_max) < _INF_BITS:
            return row_max > 0
    _nonnegative_finite("bonds", bonds)  # raises, except for -0.0 (a pattern above inf, but allowed)
    return _sum(bonds, axis=1, dtype=np.float64) > 0


@dataclass
class _Checked:
    n: int
    t: int
    stake: np.ndarray  # float64
    permit: np.ndarray  # bool
    weights: np.ndarray  # as given (any real dtype); rows are taken as needed
    bonds: np.ndarray  # as given
    bond_rows: np.ndarray  # bool (n,): rows holding any bond
    last_update: np.ndarray  # int64
    registered: np.ndarray  # int64
    emission: int
    owner_uid: int | None
    last_epoch_block: int | None
    weights_listed: np.ndarray | None


def _check(inputs: EpochInputs, hp: Hyperparameters) -> _Checked:
    if not isinstance(hp, Hyperparameters):
        raise ValueError(f"hp: expected Hyperparameters, got {type(hp).__name__}")
    if hp.mechanism not in MECHANISMS:
        raise ValueError(f"mechanism: {hp.mechanism!r} is not one of {', '.join(MECHANISMS)}")
    stake = _vector("stake", inputs.stake, None)
    n = stake.shape[0]
    if n == 0:
        raise ValueError("stake: a subnet needs at least one uid")
    _nonnegative_finite("stake", stake)
    permit = _vector("validator_permit", inputs.validator_permit, n)
    if permit.dtype != np.bool_:
        if permit.dtype.kind not in "iu" or not np.all((permit == 0) | (permit == 1)):
            raise ValueError("validator_permit: expected booleans")
        permit = permit.astype(bool)
    weights = np.asarray(inputs.weights)
    if weights.shape != (n, n):
        raise ValueError(f"weights: expected shape ({n}, {n}), got {weights.shape}")
    _nonnegative_finite("weights", weights)
    bonds = np.asarray(inputs.bonds)
    if bonds.shape != (n, n):
        raise ValueError(f"bonds: expected shape ({n}, {n}), got {bonds.shape}")
    bond_rows = _bond_rows(bonds)
    if hp.mechanism == "yuma3_2026" and bond_rows.any() and bonds.max() > 1:
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
    listed = inputs.weights_listed
    if listed is not None:
        listed = np.asarray(listed)
        if listed.shape != (n, n) or listed.dtype != np.bool_:
            raise ValueError(f"weights_listed: expected a ({n}, {n}) bool array")
    return _Checked(
        n, t, stake.astype(np.float64, copy=False), permit, weights, bonds, bond_rows, last_update,
        registered, emission, owner, last_epoch, listed,
    )


# ---------------------------------------------------------------------------------------------------------
# Small numeric helpers. "Normalise" = divide by the sum, left unchanged if the sum is 0 (§4 preamble).


# The ufuncs' own reductions: ndarray.sum/min/max/all/any and np.clip/np.flatnonzero go through Python
# wrappers that cost more than the work itself on vectors of a few hundred values, and an epoch makes
# dozens of such calls (same results, bit for bit).
_sum, _min, _max = np.add.reduce, np.minimum.reduce, np.maximum.reduce
_all, _any = np.logical_and.reduce, np.logical_or.reduce


def _nonzero(mask: np.ndarray) -> np.ndarray:
    """Indices of the True entries of a 1-D mask (np.flatnonzero without its wrapper)."""
    return mask.nonzero()[0]


@functools.cache
def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones: a mat-vec with it is the cheapest row or column sum."""
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def _normalize(x: np.ndarray) -> np.ndarray:
    total = _sum(x)
    return x / total if total > 0 else x.copy()


def _col_normalize_inplace(m: np.ndarray, sums: np.ndarray | None = None) -> None:
    """Divide each column by its sum; zero-sum columns are left unchanged."""
    if sums is None:
        sums = _sum(m, axis=0)
    # Dividing zero columns by 1 is cheaper than a masked (``where=``) divide.
    m /= np.where(sums > 0, sums, 1.0)


def _col_max_upscale_inplace(m: np.ndarray) -> np.ndarray:
    """Divide each column by its max (column max = 1), in place; zero columns stay zero (§4.15)."""
    if m.shape[0]:
        mx = _max(m, axis=0)
        m /= np.where(mx > 0, mx, 1.0)
    return m


def topk_permits(s: np.ndarray, k: int, nonzero_only: bool) -> np.ndarray:
    """§4.3 / §11: top-k by stake; ascending stable sort (ties: lower uid sorts first) and deny the
    first n - k. 2024: if n <= k everyone (zero stake included). Yuma 3: only non-zero stake."""
    n = len(s)
    if n <= k:
        return s != 0 if nonzero_only else np.ones(n, dtype=bool)
    permit = np.zeros(n, dtype=bool)
    permit[np.argsort(s, kind="stable")[n - k:]] = True
    if nonzero_only:
        permit &= s != 0
    return permit


KAPPA_TIE_TOLERANCE = 1e-14
"""Stake support within this of kappa counts as reaching it (float rounding, not a rule change)."""


def _stake_weighted_median_cols(wt: np.ndarray, stake: np.ndarray, kappa: float) -> np.ndarray:
    """§4.7 consensus for every column at once: c_j = the largest weight backed by >= kappa of the stake.

    ``wt`` is the weight matrix TRANSPOSED, (n, m): row j holds column j's weights in [0, 1] from the m
    rows with stake > 0; ``stake`` (m,) > 0. As on chain (``weighted_median_col_sparse``) the stake is
    renormalised over these rows and the test is "stake on strictly smaller weights <= minority",
    minority = stake_sum - kappa, i.e. Σ_{i: w_ij >= w} s_i >= kappa.

    Vectorised, no loop over columns: sort each column once; in sorted order the stake on smaller weights
    is the cumulative stake before each position, a non-decreasing sequence, so the answer is the value
    at the first position whose *inclusive* cumulative stake exceeds minority (or the last position).
    Positions inside a group of equal weights all carry the same value, so the order among ties does
    not matter.

    Speed, in three tricks:

    * np.sort is SIMD-accelerated and about 3x faster than np.argsort, so the row index rides in the low
      ``b`` bits of a sort key: the weight's own bit pattern (non-negative doubles order like their bits),
      low ``b`` mantissa bits cleared. Weights within 2^(b-52) of each other *relative* (1.4e-14 for
      m <= 64; distinct u16 weights over row sums of u16 differ by at least 1e-12) sort by row index
      instead; the answer is then one of the two, read back exactly from ``wt``.
    * Stake in fixed point (integers summing to 2^(62 - bits of n), far finer than the chain's I32F32),
      so one running sum over all columns in sorted order is exact, and a column's cumulative stake is
      that sum minus the total of the columns before it. A sequential 1-D cumsum is several times cheaper
      than any per-column scan numpy offers.
    """
    n, m = wt.shape
    if m == 0:
        return np.zeros(n)
    bits = max(1, (m - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    keys = wt.view(np.uint64) & ~low
    keys |= np.arange(m, dtype=np.uint64)
    keys.sort(axis=1)
    keys &= low
    order = keys.view(np.intp)  # row index of the k-th smallest weight of each column
    scale = float(2 ** (62 - n.bit_length()))
    st = np.rint(stake * (scale / _sum(stake))).astype(np.int64)
    running = np.cumsum(st.take(order))  # non-decreasing over all columns, column after column
    # A support of exactly kappa counts (§4.7); the tolerance keeps rounding from breaking such ties
    # (e.g. 3/9 + 3/9 against 1 - 21845/65535).
    minority = int(_sum(st)) - int(round((kappa - KAPPA_TIE_TOLERANCE) * scale))
    threshold = np.empty(n, dtype=np.int64)  # per column: minority plus the stake of earlier columns
    threshold[0] = minority
    np.add(running[m - 1:-1:m], minority, out=threshold[1:])
    # The first position exceeding it; if none does (kappa = 0 on chain picks the maximum), the last.
    first = np.searchsorted(running, threshold, side="right")
    start = np.arange(0, n * m, m)
    # Clamped to column j: with kappa near 1 the rounding of many rows' stake can make minority < 0.
    np.maximum(first, start, out=first)
    np.minimum(first, start + (m - 1), out=first)
    return wt.take(start + order.take(first))


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


# The epoch: one function per step of YUMA_SPEC §4 (§11 where Yuma 3 differs), each taking the
# previous steps' results (immutable named tuples: cheaper to build than frozen dataclasses).
# ``run_epoch`` at the bottom reads as the spec's list.

Matrix = np.ndarray | Callable[[], np.ndarray]
"""A compact (m, n) matrix, or a function computing it when first asked for (``EpochResult.compact``)."""


class StakeStep(NamedTuple):
    """§4.1–§4.4: who is active, normalised stake, next epoch's permits, active stake."""

    active: np.ndarray
    """(n,) bool, §4.1."""
    s: np.ndarray
    """(n,) normalised stake, §4.2 (Yuma 3: below the stake threshold counts as 0)."""
    new_permit: np.ndarray
    """(n,) bool P', §4.3: stored for the next epoch."""
    a: np.ndarray
    """(n,) active stake, §4.4: s where active and permitted by the old P, normalised."""


class Rows(NamedTuple):
    """The rows any matrix of the epoch can have non-zero, and the §4.5 masks restricted to them.

    Weights survive only on rows with P (§4.5), bonds only where they exist, and bonds are written for
    P' rows (§4.15): every other row is zero in every matrix, so the epoch works on these m rows (64 of
    256 on a full subnet) instead of n.
    """

    uids: np.ndarray
    """(m,) the rows, ascending."""
    permitted: np.ndarray
    """(m,) bool: old permit P of each row."""
    a: np.ndarray
    """(m,) active stake of each row."""
    outdated: tuple[np.ndarray, np.ndarray]
    """Index arrays (row positions, uids) of the outdated cells, ``u_i <= r_j``: i has not set weights
    since j registered (a few recent registrations). Their weights and bonds are dropped."""
    dropped: tuple[np.ndarray, np.ndarray]
    """The outdated cells and the self-weights (Yuma 3 keeps the owner's): every cell §4.5 masks on a
    permitted row."""


class MaskedWeights(NamedTuple):
    """§4.5 W̄ on the compact rows: masked (no permit, self, outdated) and row-normalised."""

    wt: np.ndarray
    """(n, m) C-order: W̄ transposed, so each column's weights are contiguous (consensus sorts them)."""

    @property
    def w(self) -> np.ndarray:
        """(m, n) view of W̄ (F-order: elementwise ops and reductions run just as fast)."""
        return self.wt.T


class ConsensusStep(NamedTuple):
    """§4.6–§4.10: preranks, consensus, clipped weights, validator trust, ranks, trust, incentive."""

    preranks: np.ndarray
    consensus: np.ndarray
    clipped: np.ndarray
    """(m, n) W̃ = min(W̄, c)."""
    validator_trust: np.ndarray
    ranks: np.ndarray
    """(n,) un-normalised R = Σ_i a_i W̃_ij."""
    trust: np.ndarray
    incentive: np.ndarray


class BondStep(NamedTuple):
    """§4.11–§4.12 (2024) or §11 (Yuma 3): the bond matrices on the compact rows and the dividends."""

    delta: Matrix
    """2024: ΔB column-normalised. Yuma 3: the weights for bonds Wb."""
    ema_normalized: Matrix
    """B* column-normalised (what dividends are paid on)."""
    updated: Matrix
    """What §4.15 stores for rows with P' (2024: B* column max-upscaled; Yuma 3: B in [0, 1])."""
    dividends: np.ndarray
    ema_alpha: float | np.ndarray


class EmissionStep(NamedTuple):
    """§4.13 shares and rao, §4.14 pruning score."""

    server: np.ndarray
    validator: np.ndarray
    combined: np.ndarray
    fallback: str | None
    server_rao: np.ndarray
    validator_rao: np.ndarray
    combined_rao: np.ndarray
    server_u64: np.ndarray
    validator_u64: np.ndarray
    pruning: np.ndarray


def stake_step(x: _Checked, hp: Hyperparameters) -> StakeStep:
    """§4.1–§4.4 (§11: stake threshold, non-zero top-K, the owner's permit)."""
    yuma3 = hp.mechanism == "yuma3_2026"
    active = x.last_update >= x.t - hp.activity_cutoff  # §4.1 u + cutoff >= t
    sigma = x.stake
    if yuma3 and hp.stake_threshold > 0:
        sigma = np.where(sigma < hp.stake_threshold, 0.0, sigma)
    s = _normalize(sigma)  # §4.2
    new_permit = topk_permits(s, hp.max_allowed_validators, nonzero_only=yuma3)  # §4.3
    if yuma3 and x.owner_uid is not None:
        new_permit[x.owner_uid] = True  # §11: the subnet owner's uid always has a permit
    a = _normalize(s * (active & x.permit))  # §4.4 (old P)
    return StakeStep(active, s, new_permit, a)


def compact_rows(x: _Checked, hp: Hyperparameters, stake: StakeStep) -> Rows:
    """The rows the epoch works on (old or new permit, or holding a bond) and the §4.5 masks on them."""
    uids = _nonzero(x.permit | stake.new_permit | x.bond_rows)
    m = len(uids)
    keeps_self = hp.mechanism == "yuma3_2026" and x.owner_uid is not None  # §11: the owner may self-weight
    not_owner = uids != x.owner_uid if keeps_self else slice(None)
    diagonal = (np.arange(m)[not_owner], uids[not_owner])
    last_update = x.last_update[uids]
    # Only columns registered at or after the oldest update among the rows can hold outdated cells.
    recent = _nonzero(x.registered >= _min(last_update)) if m else np.zeros(0, dtype=np.intp)
    row_pos, k = (last_update[:, None] <= x.registered[recent]).nonzero()
    outdated = (row_pos, recent[k])
    dropped = (np.concatenate((diagonal[0], row_pos)), np.concatenate((diagonal[1], outdated[1])))
    return Rows(uids, x.permit[uids], stake.a[uids], outdated, dropped)


def masked_weights(x: _Checked, rows: Rows) -> MaskedWeights:
    """§4.5: drop rows without P, the diagonal and outdated cells; row-normalise."""
    wt = x.weights[rows.uids].T.astype(np.float64, order="C")  # a fresh copy: safe to edit in place
    w = wt.T
    if not _all(rows.permitted):
        w[~rows.permitted] = 0.0
    wt[rows.dropped[1], rows.dropped[0]] = 0.0  # self-weights and outdated cells
    row_sums = _ones(x.n) @ wt  # a mat-vec: cheaper than w.sum(axis=1)
    # Multiplying by the reciprocal is twice as fast as dividing; a weight may then exceed 1 by one ulp,
    # which nothing below minds.
    wt *= 1.0 / np.where(row_sums > 0, row_sums, math.inf)  # rows with no weight stay 0
    return MaskedWeights(wt)


def consensus_step(rows: Rows, weights: MaskedWeights, hp: Hyperparameters) -> ConsensusStep:
    """§4.6 preranks, §4.7 consensus, §4.8 clip, §4.9 validator trust, §4.10 ranks, trust, incentive."""
    w, a_r = weights.w, rows.a
    n = w.shape[1]
    preranks = a_r @ w  # §4.6 p_j = Σ_i a_i W̄_ij
    # §4.7 stake-weighted upper median per column over rows with a_i > 0.
    staked = a_r > 0
    wt_staked = weights.wt if _all(staked) else np.ascontiguousarray(weights.wt[:, staked])
    consensus = _stake_weighted_median_cols(wt_staked, a_r[staked], hp.kappa_fraction)
    clipped = np.minimum(w, consensus)  # §4.8
    validator_trust = np.zeros(n)
    validator_trust[rows.uids] = clipped @ _ones(n)  # §4.9 row sums
    ranks = a_r @ clipped  # §4.10 R; trust = R / p (0 where p = 0); incentive = R normalised
    trust = ranks / np.where(preranks > 0, preranks, math.inf)  # 0 where p = 0
    return ConsensusStep(preranks, consensus, clipped, validator_trust, ranks, trust, _normalize(ranks))


def bonds_2024(x: _Checked, hp: Hyperparameters, rows: Rows, cons: ConsensusStep) -> BondStep:
    """§4.11 bonds EMA and §4.12 dividends (2024), with §10 liquid alpha.

    Dividends need only D = B* I, so B* is never built here: with B̂ = Bm / bsum (column sums),
    ΔB̂ = a_i W̃_ij / R_j (ΔB's column sums are the ranks R), and S_j = α [R_j > 0] + (1-α) [bsum_j > 0]
    the column sums of α ΔB̂ + (1-α) B̂,

        B*_ij = a_i W̃_ij (α / R_j / S_j) + Bm_ij ((1-α) / bsum_j / S_j),

    so D = a ∘ (W̃ (new ∘ I)) + Bm (old ∘ I): two matrix-vector products. The matrices themselves
    (bonds_delta, bonds_ema_col_normalized and what is stored) are built from the same coefficients only
    when the result is asked for them.
    """
    n, a_r, wc, r_raw = x.n, rows.a, cons.clipped, cons.ranks
    # §4.11 previous bonds with outdated cells removed (same rule as weights: u_i <= r_j).
    bm = x.bonds[rows.uids]  # fancy indexing copies: safe to edit in place
    if bm.dtype != np.float64:
        bm = bm.astype(np.float64)
    bm[rows.outdated] = 0.0
    bsum = _sum(bm, axis=0)
    # §4.11 EMA weight of the new bonds; §10 per column with liquid alpha.
    alpha = _liquid_alpha_2024(cons.consensus, hp) if hp.liquid_alpha_enabled else None
    ema_alpha: float | np.ndarray = hp.ema_alpha if alpha is None else alpha
    has_new, has_old = r_raw > 0, bsum > 0
    col_sum = ema_alpha * has_new + (1.0 - ema_alpha) * has_old
    # (A column whose EMA is all zero — e.g. alpha = 1 and no new bond — stays zero.)
    new_den, old_den = r_raw * col_sum, bsum * col_sum
    new = ema_alpha / np.where(new_den > 0, new_den, math.inf)  # 0 where the denominator is
    old = (1.0 - ema_alpha) / np.where(old_den > 0, old_den, math.inf)
    # §4.12 dividends D_i = Σ_j B*_ij I_j, normalised.
    dividends = np.zeros(n)
    dividends[rows.uids] = a_r * (wc @ (new * cons.incentive)) + bm @ (old * cons.incentive)

    def delta() -> np.ndarray:  # ΔB column-normalised
        return wc * a_r[:, None] * np.divide(1.0, r_raw, out=np.zeros(n), where=has_new)

    def ema() -> np.ndarray:  # B*, column-normalised (a column with neither stays 0)
        out = np.multiply(wc, a_r[:, None], order="C")  # C like bm: mixed layouts are slow in place
        out *= new
        out += bm * old
        return out

    def upscaled() -> np.ndarray:  # §4.15: stored column max-upscaled
        return _col_max_upscale_inplace(ema())

    return BondStep(delta, ema, upscaled, _normalize(dividends), ema_alpha)


def bonds_yuma3(x: _Checked, hp: Hyperparameters, rows: Rows, weights: MaskedWeights,
                cons: ConsensusStep) -> BondStep:
    """§11 Yuma 3 bonds (per pair, in [0, 1], not stake-weighted) and dividends."""
    w, wc = weights.w, cons.clipped
    # Weights for bonds Wb = W̄ + β(W̃ - W̄), β = bonds_penalty (1 = clipped weights).
    beta = hp.bonds_penalty / U16_MAX
    wb = w + beta * (wc - w)
    # Bonds on a uid registered at or after the previous epoch are dropped (chain: last_tempo <= r_j).
    last_epoch = x.last_epoch_block if x.last_epoch_block is not None else x.t - hp.tempo
    b = x.bonds[rows.uids].astype(np.float64)
    b[:, last_epoch <= x.registered] = 0.0
    ema_alpha: float | np.ndarray
    if hp.liquid_alpha_enabled and np.any(cons.consensus != 0):
        alpha = _liquid_alpha_yuma3(wb, b, cons.consensus, hp)
        # On chain (sparse) only entries of the validator's weights-for-bonds row survive: a bond on a
        # miner it does not list, or whose clipped weight vanished, is dropped instead of decayed; an
        # explicitly listed zero weight decays it (§11 last point). Masked weights (no permit, self,
        # outdated) are not entries either.
        if x.weights_listed is None:
            listed = w > 0
        else:
            listed = x.weights_listed[rows.uids] & _survives_masks(rows, x.n)
        keep = listed & ~((wb == 0) & (w > 0))
        ema = np.where(keep, np.minimum((1.0 - alpha) * b + alpha * wb, 1.0), 0.0)
        ema_alpha = np.zeros((x.n, x.n))
        ema_alpha[rows.uids] = alpha
    else:
        ema_alpha = hp.ema_alpha
        ema = np.minimum((1.0 - ema_alpha) * b + ema_alpha * wb, 1.0)
    # Dividends D_i = a_i Σ_j (B_ij / Σ_k B_kj) I_j, normalised.
    ema_norm = ema.copy()
    _col_normalize_inplace(ema_norm)
    dividends = np.zeros(x.n)
    dividends[rows.uids] = (ema_norm @ cons.incentive) * rows.a
    return BondStep(wb, ema_norm, ema, _normalize(dividends), ema_alpha)  # §11: stored as fractions


def _survives_masks(rows: Rows, n: int) -> np.ndarray:
    """(m, n) bool: which cells the §4.5 masks (no permit, self, outdated) leave in place."""
    mask = np.ones((len(rows.uids), n), dtype=bool)
    mask[~rows.permitted] = False
    mask[rows.dropped] = False
    return mask


def emission_step(x: _Checked, stake: StakeStep, incentive: np.ndarray,
                  dividends: np.ndarray) -> EmissionStep:
    """§4.13 emission: miners I/S, validators D/S, S = ΣI + ΣD, fallback when S = 0; §4.14 pruning."""
    total = _sum(incentive) + _sum(dividends)
    fallback = None
    if total > 0:
        server = incentive / total
        validator = dividends / total
        combined = server + validator
    else:
        server = np.zeros(x.n)
        if np.any(stake.a != 0):
            validator, fallback = stake.a.copy(), "active_stake"
        else:
            validator, fallback = stake.s.copy(), "stake"
        combined = validator.copy()
    e = float(x.emission)
    server_rao, validator_rao = server * e, validator * e
    # §4.14 pruning score: combined emission max-upscaled to u16, rounded half up (I32F32 ``round``).
    top = _max(combined)
    if top > 0:
        pruning = (combined * (U16_MAX / top) + 0.5).astype(np.int64)  # >= 0: truncation is floor
    else:
        pruning = np.zeros(x.n, dtype=np.int64)
    return EmissionStep(
        server, validator, combined, fallback, server_rao, validator_rao, combined * e,
        server_rao.astype(np.int64), validator_rao.astype(np.int64), pruning,  # floor (all >= 0)
    )


def stored_bonds(x: _Checked, stake: StakeStep, rows: Rows, bonds: BondStep) -> Matrix:
    """§4.15 storage: rows with P' get the updated bonds, rows losing their permit are cleared, other
    rows keep what they had (in the compact set only because they hold bonds)."""
    keep = ~stake.new_permit[rows.uids]
    if not _any(keep):
        return bonds.updated
    old_rows = x.bonds[rows.uids[keep & ~rows.permitted]]

    def stored() -> np.ndarray:
        # A function makes a fresh array to edit in place; a ready one (Yuma 3) is copied.
        out = bonds.updated() if callable(bonds.updated) else np.array(bonds.updated, dtype=np.float64)
        out[keep & rows.permitted] = 0.0
        out[keep & ~rows.permitted] = old_rows
        return out

    return stored


def run_epoch(inputs: EpochInputs, hp: Hyperparameters) -> EpochResult:
    """Run one epoch of ``hp.mechanism`` on ``inputs``. Raises ValueError on bad input (nothing returned)."""
    x = _check(inputs, hp)
    stake = stake_step(x, hp)  # §4.1–§4.4
    rows = compact_rows(x, hp, stake)
    weights = masked_weights(x, rows)  # §4.5
    cons = consensus_step(rows, weights, hp)  # §4.6–§4.10
    if hp.mechanism == "yuma3_2026":
        bonds = bonds_yuma3(x, hp, rows, weights, cons)  # §11
    else:
        bonds = bonds_2024(x, hp, rows, cons)  # §4.11–§4.12, §10
    emission = emission_step(x, stake, cons.incentive, bonds.dividends)  # §4.13–§4.14
    stored = stored_bonds(x, stake, rows, bonds)  # §4.15
    return EpochResult(
        mechanism=hp.mechanism,
        active=stake.active,
        stake_normalized=stake.s,
        active_stake=stake.a,
        new_validator_permit=stake.new_permit,
        preranks=cons.preranks,
        consensus=cons.consensus,
        validator_trust=cons.validator_trust,
        ranks=cons.incentive.copy(),
        trust=cons.trust,
        incentive=cons.incentive,
        dividends=bonds.dividends,
        normalized_server_emission=emission.server,
        normalized_validator_emission=emission.validator,
        normalized_combined_emission=emission.combined,
        server_emission_rao=emission.server_rao,
        validator_emission_rao=emission.validator_rao,
        combined_emission_rao=emission.combined_rao,
        server_emission_u64=emission.server_u64,
        validator_emission_u64=emission.validator_u64,
        pruning_score_u16=emission.pruning,
        emission_fallback=emission.fallback,
        ema_alpha=bonds.ema_alpha,
        matrix_rows=rows.uids,
        _compact={
            "weights_masked_normalized": weights.w,
            "weights_clipped": cons.clipped,
            "bonds_delta": bonds.delta,
            "bonds_ema_col_normalized": bonds.ema_normalized,
            "bonds_stored": stored,
        },
    )
