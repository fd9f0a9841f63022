"""The last epoch, worked through for one uid with the actual numbers (YUMA_SPEC §4, §5, §11).

Pure computation: which numbers matter for a miner (its column) or a validator (its row), sorted,
with cumulative stake, clipped amounts, dividend terms and a plain-language summary. The explain
screen only renders what this module returns. It reads an ``EpochResult`` (or anything with its
vectors and its ``row``/``column``/``matrix`` methods): one row or column of the n x n matrices, never the
whole matrix, so a 4096-uid subnet explains as fast as a small one. Fields a mechanism does not compute
come back as None and are shown as "not used".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from taosandbox.chain.fixed import u16_share_i64f64
from taosandbox.chain.returns import BELIEVABLE_APR, format_yearly, is_believable, nominator_return_per_day
from taosandbox.chain.units import format_tao, u16_to_float

if TYPE_CHECKING:
    from taosandbox.chain.hyperparams import Hyperparameters
    from taosandbox.chain.yuma import EpochResult
    from taosandbox.world.snapshot import Snapshot

SHOWN_LIMIT = 20
"""Large subnets: list the 20 biggest contributors and say how many more there are."""

_EPS = 1e-12
"""Weights below this count as zero (float dust from normalisation)."""


class ExplainError(ValueError):
    """The walkthrough cannot be built (unknown uid...); the message is one line for the screen."""


# ---------------------------------------------------------------------------------------------
# Reading an EpochResult: a field or matrix a result does not carry (a hand-built one, a mechanism
# without it) reads as None.


def _vector(result: EpochResult, name: str) -> np.ndarray | None:
    value = getattr(result, name, None)
    if value is None:
        return None
    return np.asarray(value, dtype=float)


def _row(result: EpochResult, name: str, i: int) -> np.ndarray | None:
    """Row ``i`` of matrix ``name`` (what validator i holds towards every uid), or None without it."""
    try:
        return np.asarray(result.row(name, i), dtype=float)
    except (AttributeError, KeyError):
        return None


def _column(result: EpochResult, name: str, j: int) -> np.ndarray | None:
    """Column ``j`` of matrix ``name`` (what every validator holds towards uid j), or None without it."""
    try:
        return np.asarray(result.column(name, j), dtype=float)
    except (AttributeError, KeyError):
        return None


def _mechanism(result: EpochResult, default: str) -> str:
    return str(getattr(result, "mechanism", None) or default)


# ---------------------------------------------------------------------------------------------
# Data returned to the screen.


@dataclass(frozen=True)
class ReceivedWeight:
    """One validator's opinion of the miner: W̄_ij, what survived clipping W̃_ij, and its stake a_i."""

    uid: int
    active_stake: float
    weight: float
    clipped: float

    @property
    def cut(self) -> float:
        """W̄_ij − W̃_ij: how much of this weight was above consensus and thrown away."""
        return self.weight - self.clipped


@dataclass(frozen=True)
class ConsensusRow:
    """One line of the consensus search: weights sorted high to low with the stake behind them."""

    uid: int
    weight: float
    active_stake: float
    cumulative_stake: float
    """Active stake of every validator whose weight is >= this one (ties share the same total)."""
    crosses_kappa: bool
    """True on the first line whose cumulative stake reaches κ: its weight is the consensus."""


@dataclass(frozen=True)
class MinerWalkthrough:
    """Column j of the last epoch: how a miner's weights became incentive and rao (§4.5–§4.13)."""

    uid: int
    block: int | None
    mechanism: str
    kappa: float
    received: tuple[ReceivedWeight, ...]
    """Validators with active stake or weight on this miner, by stake (largest first), top 20."""
    received_more: int
    """How many more such validators there are beyond ``received``."""
    consensus_rows: tuple[ConsensusRow, ...]
    consensus_more: int
    prerank: float
    """p_j = Σ_i a_i W̄_ij (§4.6)."""
    consensus: float
    """c_j: the largest weight backed by ≥ κ of active stake (§4.7)."""
    rank_raw: float
    """R_j = Σ_i a_i W̃_ij (§4.10), before normalising."""
    rank_raw_total: float
    """Σ_k R_k: the sum incentive normalises by."""
    rank: float | None
    """Stored rank (= normalised R_j); None when the mechanism does not compute it (Yuma 3)."""
    trust: float | None
    """R_j / p_j; None in Yuma 3."""
    incentive: float
    emission_share: float
    """I_j / (ΣI + ΣD): the miner's fraction of the epoch's emission (§4.13)."""
    emission_rao: float
    fallback: str | None
    """Set when the epoch fell back to paying by stake (§4.13): miners get nothing."""
    summary: str
    received_more_voting: int = 0
    """Validators beyond the top 20 that gave this miner weight (for the summary counts)."""


@dataclass(frozen=True)
class WeightVsConsensus:
    """One miner in a validator's row: what it set, the consensus, and what clipping kept."""

    uid: int
    weight: float
    consensus: float
    clipped: float

    @property
    def cut(self) -> float:
        return self.weight - self.clipped


@dataclass(frozen=True)
class BondTerm:
    """One miner's contribution to a validator's dividends: B_ij · I_j (§4.12)."""

    uid: int
    bond_delta: float | None
    """ΔB_ij = a_i W̃_ij, column-normalised; None when the mechanism has no such field."""
    bond: float
    """The bond the dividends used: B*_ij (2024, column-normalised) or a_i·B_ij/Σ_k B_kj (Yuma 3)."""
    incentive: float
    weight_for_bonds: float | None = None
    """Yuma 3 only: Wb_ij = W̄ + β(W̃ − W̄), what the bond moves towards."""
    bond_stored: float | None = None
    """Yuma 3 only: the per-pair bond B_ij in [0, 1] after this epoch's update."""

    @property
    def term(self) -> float:
        return self.bond * self.incentive


@dataclass(frozen=True)
class ValidatorWalkthrough:
    """Row i of the last epoch: permit, stake, clipping, bonds, dividends and the take (§4, §5)."""

    uid: int
    block: int | None
    mechanism: str
    kappa: float
    active: bool
    permit: bool
    """The permit computed by this epoch (used from the next epoch on, §4.3)."""
    stake_share: float
    """s_i = σ_i / Σσ."""
    active_stake: float
    """a_i: stake counted in consensus (active and permitted), normalised."""
    stake_rank: int
    """1 = largest stake among all uids."""
    weights: tuple[WeightVsConsensus, ...]
    """Miners this validator weighted, largest weight first, top 20."""
    weights_more: int
    weight_total: float
    """Σ_j W̄_ij (1 when it set any weight, 0 otherwise)."""
    clipped_total: float
    """Σ_j (W̄_ij − W̃_ij): weight lost to clipping."""
    validator_trust: float
    """Σ_j W̃_ij (§4.9)."""
    ema_alpha: float | np.ndarray | None
    bond_terms: tuple[BondTerm, ...]
    """Largest dividend terms first, top 20."""
    bond_terms_more: int
    dividends_raw: float
    """Σ_j B_ij I_j (times a_i in Yuma 3), before normalising."""
    dividends: float
    emission_share: float
    emission_rao: float
    take: float | None
    """Delegate take as a fraction (u16 / 65535); None when the snapshot has no row for this uid."""
    take_rao: float | None
    nominators_rao: float | None
    fallback: str | None
    summary: str
    stake_rao: int | None = None
    """Everything staked on the hotkey (None when the snapshot has no row for this uid)."""
    stakers_per_tao_day: float | None = None
    """What each staked TAO earns a day at this epoch's rate, after take (``chain.returns``)."""


Walkthrough = MinerWalkthrough | ValidatorWalkthrough


# ---------------------------------------------------------------------------------------------
# Building blocks, each tested against hand-worked numbers.


def consensus_rows(weights: np.ndarray, active_stake: np.ndarray, kappa: float) -> list[ConsensusRow]:
    """The κ search of §4.7 for one column, over validators with active stake (missing weight = 0).

    Sorted by weight, high to low (ties: lower uid first). ``cumulative_stake`` counts every row with a
    weight at least this large, so it reads "this much stake would accept a consensus this high".
    """
    weights = np.asarray(weights, dtype=float)
    stake = np.asarray(active_stake, dtype=float)
    voters = [i for i in range(len(stake)) if stake[i] > 0]
    total = float(sum(stake[i] for i in voters))
    if total <= 0:
        return []
    order = sorted(voters, key=lambda i: (-weights[i], i))
    rows: list[ConsensusRow] = []
    crossed = False
    for i in order:
        cumulative = float(sum(stake[k] for k in voters if weights[k] >= weights[i])) / total
        crosses = not crossed and cumulative >= kappa
        crossed = crossed or crosses
        rows.append(ConsensusRow(i, float(weights[i]), float(stake[i]) / total, cumulative, crosses))
    return rows


def _trim_consensus(rows: list[ConsensusRow], limit: int) -> tuple[tuple[ConsensusRow, ...], int]:
    """Keep the top ``limit`` lines, stretched to reach two past the κ crossing so it stays visible."""
    cross = next((k for k, r in enumerate(rows) if r.crosses_kappa), len(rows))
    keep = max(limit, min(len(rows), cross + 3))
    return tuple(rows[:keep]), len(rows) - min(keep, len(rows))


def emission_share_denominator(result: EpochResult) -> float:
    """S = ΣI + ΣD (2 normally, 0 when the epoch fell back to stake, §4.13)."""
    incentive = _vector(result, "incentive")
    dividends = _vector(result, "dividends")
    total = 0.0
    if incentive is not None:
        total += float(incentive.sum())
    if dividends is not None:
        total += float(dividends.sum())
    return total


def _fallback_text(result: EpochResult) -> str | None:
    fallback = getattr(result, "emission_fallback", None)
    if fallback is None or fallback is False:
        return None
    return str(fallback)


# ---------------------------------------------------------------------------------------------
# Miner


def explain_miner(
    result: EpochResult, uid: int, *, kappa: float, block: int | None = None, mechanism: str = "yuma_2024",
    limit: int = SHOWN_LIMIT,
) -> MinerWalkthrough:
    """Column ``uid`` of ``result`` worked through (§4.5–§4.13)."""
    n = _check_uid(result, uid)
    mechanism = _mechanism(result, mechanism)
    active_stake = _vector(result, "active_stake")
    if active_stake is None:
        active_stake = np.zeros(n)
    column = _column(result, "weights_masked_normalized", uid)
    if column is None:
        column = np.zeros(n)
    clipped = _column(result, "weights_clipped", uid)
    have_clipped = clipped is not None
    if clipped is None:
        clipped = np.minimum(column, 0.0)

    involved = [i for i in range(n) if active_stake[i] > 0 or column[i] > _EPS]
    involved.sort(key=lambda i: (-active_stake[i], i))
    received_all = [ReceivedWeight(i, float(active_stake[i]), float(column[i]), float(clipped[i])) for i in involved]
    received = tuple(received_all[:limit])
    hidden = received_all[limit:]

    rows = consensus_rows(column, active_stake, kappa)
    shown_rows, rows_more = _trim_consensus(rows, limit)

    prerank = _value(result, "preranks", uid, default=float(active_stake @ column))
    consensus = _value(result, "consensus", uid, default=0.0)
    # R_j before normalising: EpochResult stores the normalised rank, trust needs the raw one.
    # R_j = Σ_i a_i W̃_ij (this column); ΣR = Σ_i a_i Σ_j W̃_ij (one row per validator with stake).
    rank_raw = float(active_stake @ clipped) if have_clipped else 0.0
    rank_raw_total = float(sum(active_stake[i] * _row(result, "weights_clipped", i).sum()
                               for i in np.flatnonzero(active_stake))) if have_clipped else 0.0
    # Yuma 3's chain no longer uses rank or trust (§11); the engine still reports them for display.
    rank = _value(result, "ranks", uid)
    trust = _value(result, "trust", uid)
    incentive = _value(result, "incentive", uid, default=0.0)
    denominator = emission_share_denominator(result)
    share = _value(result, "normalized_server_emission", uid,
                   default=incentive / denominator if denominator > 0 else 0.0)
    rao = _value(result, "server_emission_rao", uid, default=0.0)
    fallback = _fallback_text(result)

    voting = [r for r in received_all if r.weight > _EPS and r.active_stake > 0]
    above = [r for r in voting if r.cut > _EPS]
    summary = _miner_summary(uid, rao, voting, above, consensus, trust, incentive, fallback)
    return MinerWalkthrough(
        uid=uid, block=block, mechanism=mechanism, kappa=kappa,
        received=received, received_more=len(hidden),
        consensus_rows=shown_rows, consensus_more=rows_more,
        prerank=prerank, consensus=consensus, rank_raw=rank_raw, rank_raw_total=rank_raw_total,
        rank=rank, trust=trust, incentive=incentive, emission_share=share, emission_rao=rao,
        fallback=fallback, summary=summary,
        received_more_voting=sum(1 for r in hidden if r.weight > _EPS),
    )


def _miner_summary(uid: int, rao: float, voting: list[ReceivedWeight], above: list[ReceivedWeight],
                   consensus: float, trust: float | None, incentive: float, fallback: str | None) -> str:
    earned = f"Miner {uid} earned {format_tao(int(rao))}"
    if fallback:
        return f"{earned}: no validator weight counted this epoch, so emission followed stake and miners got nothing."
    if not voting:
        return f"{earned}: no validator with active stake gave it any weight."
    parts = [f"{earned}: {len(voting)} validator{'s' if len(voting) != 1 else ''} weighted it"]
    if above:
        were = "was" if len(above) == 1 else "were"
        parts.append(f"{len(above)} of {len(voting)} scored it above consensus {consensus:.4f} and {were} clipped")
    else:
        parts.append(f"none scored it above consensus {consensus:.4f}, so nothing was clipped")
    text = "; ".join(parts)
    if trust is not None:
        text += f". It kept {trust:.1%} of its stake-weighted score (trust)"
    return text + f" and its incentive is {incentive:.2%} of the miners' total."


# ---------------------------------------------------------------------------------------------
# Validator


def explain_validator(
    result: EpochResult, uid: int, *, kappa: float, take_u16: int | None = None, block: int | None = None,
    mechanism: str = "yuma_2024", limit: int = SHOWN_LIMIT, stake_rao: int | None = None,
    hp: Hyperparameters | None = None,
) -> ValidatorWalkthrough:
    """Row ``uid`` of ``result`` worked through (§4.2–§4.13, §5 for the take); with the hotkey's
    ``stake_rao`` and the world's ``hp``, also what its stakers earn per staked TAO."""
    n = _check_uid(result, uid)
    mechanism = _mechanism(result, mechanism)
    active_stake = _vector(result, "active_stake")
    if active_stake is None:
        active_stake = np.zeros(n)
    stake = _vector(result, "stake_normalized")
    if stake is None:
        stake = active_stake
    consensus = _vector(result, "consensus")
    if consensus is None:
        consensus = np.zeros(n)
    incentive = _vector(result, "incentive")
    if incentive is None:
        incentive = np.zeros(n)
    row = _row(result, "weights_masked_normalized", uid)
    if row is None:
        row = np.zeros(n)
    row_clipped = _row(result, "weights_clipped", uid)
    if row_clipped is None:
        row_clipped = np.zeros(n)

    weighted = [j for j in range(n) if row[j] > _EPS]
    weighted.sort(key=lambda j: (-row[j], j))
    weights_all = [WeightVsConsensus(j, float(row[j]), float(consensus[j]), float(row_clipped[j])) for j in weighted]

    a_i = float(active_stake[uid])
    terms_all = _bond_terms(result, uid, a_i, incentive, yuma3=mechanism.startswith("yuma3"))
    terms_all.sort(key=lambda t: (-t.term, -t.bond, t.uid))
    dividends_raw = float(sum(t.term for t in terms_all))

    permits = _vector(result, "new_validator_permit")
    permit = bool(permits[uid]) if permits is not None else a_i > 0
    active_flags = _vector(result, "active")
    active = bool(active_flags[uid]) if active_flags is not None else True
    stake_rank = 1 + int(sum(1 for k in range(n) if stake[k] > stake[uid] or (stake[k] == stake[uid] and k < uid)))

    dividends = _value(result, "dividends", uid, default=0.0)
    denominator = emission_share_denominator(result)
    share = _value(result, "normalized_validator_emission", uid,
                   default=dividends / denominator if denominator > 0 else 0.0)
    rao = _value(result, "validator_emission_rao", uid, default=0.0)
    vtrust = _value(result, "validator_trust", uid, default=float(row_clipped.sum()))
    take = None if take_u16 is None else u16_to_float(take_u16)
    # drain_hotkey_emission's I64F64 take of the floored validator emission (chain/fixed.py).
    take_rao = None if take is None else float(u16_share_i64f64(int(rao), take_u16))
    nominators_rao = None if take_rao is None else rao - take_rao
    fallback = _fallback_text(result)
    alpha = getattr(result, "ema_alpha", None)

    per_day = None
    if take_u16 is not None and stake_rao and hp is not None:
        per_day = nominator_return_per_day(rao, stake_rao, take_u16, hp)
    summary = _validator_summary(uid, rao, a_i, stake[uid], permit, float(row.sum()), vtrust, dividends,
                                 take, nominators_rao, fallback, per_day)
    return ValidatorWalkthrough(
        uid=uid, block=block, mechanism=mechanism, kappa=kappa, active=active, permit=permit,
        stake_share=float(stake[uid]), active_stake=a_i, stake_rank=stake_rank,
        weights=tuple(weights_all[:limit]), weights_more=max(0, len(weights_all) - limit),
        weight_total=float(row.sum()), clipped_total=float((row - row_clipped).sum()), validator_trust=vtrust,
        ema_alpha=alpha, bond_terms=tuple(terms_all[:limit]), bond_terms_more=max(0, len(terms_all) - limit),
        dividends_raw=dividends_raw, dividends=dividends, emission_share=share, emission_rao=rao,
        take=take, take_rao=take_rao, nominators_rao=nominators_rao, fallback=fallback, summary=summary,
        stake_rao=stake_rao, stakers_per_tao_day=per_day,
    )


def _bond_terms(result: EpochResult, uid: int, a_i: float, incentive: np.ndarray, *,
                yuma3: bool) -> list[BondTerm]:
    """Row ``uid``'s bonds, one term per miner it holds a bond (or a new bond) in.

    2024 (§4.11–4.12): B*_ij is the EMA bond, column-normalised; ΔB_ij the instant bond.
    Yuma 3 (§11): B_ij is per pair in [0, 1]; dividends use a_i · B_ij / Σ_k B_kj, and the engine's
    ``bonds_delta`` holds the weights for bonds Wb_ij (there is no stake-weighted ΔB).
    """
    n = len(incentive)
    delta = _row(result, "bonds_delta", uid)
    normalized = _row(result, "bonds_ema_col_normalized", uid)
    stored = _row(result, "bonds_stored", uid)
    if normalized is None and stored is not None and yuma3:
        # Results without the normalised matrix: normalise the stored bonds' columns here.
        sums = np.array([_column(result, "bonds_stored", j).sum() for j in range(n)])
        normalized = np.divide(stored, sums, out=np.zeros(n), where=sums > 0)
    if normalized is None:
        normalized = np.zeros(n)
    scale = a_i if yuma3 else 1.0
    terms = []
    for j in range(n):
        new = delta is not None and delta[j] > 0
        if normalized[j] <= 0 and not new:
            continue
        terms.append(BondTerm(
            uid=j,
            bond_delta=None if yuma3 or delta is None else float(delta[j]),
            bond=float(normalized[j]) * scale,
            incentive=float(incentive[j]),
            weight_for_bonds=float(delta[j]) if yuma3 and delta is not None else None,
            bond_stored=float(stored[j]) if yuma3 and stored is not None else None,
        ))
    return terms


def _validator_summary(uid: int, rao: float, a_i: float, s_i: float, permit: bool, weight_total: float,
                       vtrust: float, dividends: float, take: float | None, nominators_rao: float | None,
                       fallback: str | None, per_day: float | None = None) -> str:
    earned = f"Validator {uid} earned {format_tao(int(rao))}"
    if fallback:
        text = f"{earned}: no usable weights this epoch, so validators were paid by stake ({s_i:.1%} of it)."
    elif a_i <= 0:
        why = "it has no validator permit" if not permit else "it is inactive or has no stake"
        text = f"{earned}: {why}, so its weights did not count this epoch"
        text += " (old bonds can still pay dividends)." if dividends > 0 else "."
    elif weight_total <= _EPS:
        text = f"{earned}: it holds {a_i:.1%} of active stake but set no weights; dividends come from its old bonds."
    else:
        kept = vtrust / weight_total if weight_total > 0 else 0.0
        text = (f"{earned}: it holds {a_i:.1%} of active stake, {kept:.1%} of its weights survived clipping "
                f"(vtrust {vtrust:.4f}) and its bonds earned {dividends:.2%} of all dividends.")
    if take is not None and nominators_rao is not None and rao > 0:
        text += f" After its {take:.0%} take, its stakers share {format_tao(int(nominators_rao))}"
        if per_day is None:
            text += "."
        elif is_believable(per_day):
            text += f" ({format_yearly(per_day)} at this rate)."
        else:
            low, high = BELIEVABLE_APR
            text += (f" ({format_yearly(per_day)} at this rate, far above the {low:.0%}–{high:.0%} stakers were "
                     f"quoted on the real network: this world's stake is small beside its emission).")
    return text


# ---------------------------------------------------------------------------------------------
# Entry point from a Snapshot


def is_validator_view(snapshot: Snapshot | None, result: EpochResult, uid: int) -> bool:
    """Explain ``uid`` as a validator (its row) or a miner (its column).

    The snapshot's role decides; without one, a uid with active stake or weights set is a validator.
    """
    row = snapshot.neuron(uid) if snapshot is not None else None
    if row is not None and row.role in ("miner", "validator"):
        return row.role == "validator"
    active_stake = _vector(result, "active_stake")
    row = _row(result, "weights_masked_normalized", uid)
    has_stake = active_stake is not None and active_stake[uid] > 0
    has_weights = row is not None and row.sum() > _EPS
    return bool(has_stake or has_weights)


def explain(snapshot: Snapshot, uid: int, *, as_validator: bool | None = None) -> Walkthrough:
    """The walkthrough of ``snapshot.last_epoch`` for ``uid``.

    Raises ``ExplainError`` (one line) when no epoch has run yet or the uid is not in the epoch.
    """
    result = snapshot.last_epoch
    if result is None:
        raise ExplainError("No epoch has run yet: Yuma runs at the first epoch block, then this screen fills in.")
    hp = snapshot.hyperparameters
    _check_uid(result, uid)
    if as_validator is None:
        as_validator = is_validator_view(snapshot, result, uid)
    block = snapshot.last_epoch_block
    if as_validator:
        row = snapshot.neuron(uid)
        return explain_validator(result, uid, kappa=hp.kappa_fraction, take_u16=row.take if row else None,
                                 block=block, mechanism=hp.mechanism, stake_rao=row.stake_rao if row else None,
                                 hp=hp)
    return explain_miner(result, uid, kappa=hp.kappa_fraction, block=block, mechanism=hp.mechanism)


def _size(result: EpochResult) -> int:
    for name in ("active_stake", "stake_normalized", "incentive", "consensus"):
        vector = _vector(result, name)
        if vector is not None:
            return len(vector)
    raise ExplainError("The epoch result has no per-uid vectors to explain.")


def _check_uid(result: EpochResult, uid: int) -> int:
    n = _size(result)
    if not isinstance(uid, (int, np.integer)) or isinstance(uid, bool) or not 0 <= uid < n:
        raise ExplainError(f"uid {uid!r} is not in the last epoch (uids 0..{n - 1}).")
    return n


def _value(result: EpochResult, name: str, uid: int, default: float | None = None) -> float | None:
    vector = _vector(result, name)
    if vector is None:
        return default
    return float(vector[uid])
