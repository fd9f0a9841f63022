"""The epoch walkthrough against hand-worked numbers (tiny_epoch.py) and edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from taosandbox.world.explain import (
    ExplainError,
    MinerWalkthrough,
    ValidatorWalkthrough,
    consensus_rows,
    explain,
    explain_miner,
    explain_validator,
)
from tiny_epoch import E_RAO, TinyEpoch, snapshot

KAPPA = 32767 / 65535


def test_consensus_rows_mark_where_kappa_is_crossed():
    # Miner 3: validator 1 (0.4 stake) says 0.4, validator 0 (0.6 stake) says 0.3.
    rows = consensus_rows([0.3, 0.4, 0, 0, 0], [0.6, 0.4, 0, 0, 0], KAPPA)
    assert [r.uid for r in rows] == [1, 0]
    assert [r.cumulative_stake for r in rows] == pytest.approx([0.4, 1.0])
    assert [r.crosses_kappa for r in rows] == [False, True]
    assert rows[1].weight == pytest.approx(0.3)


def test_consensus_rows_tie_shares_cumulative_and_exact_half_is_consensus():
    rows = consensus_rows([0.2, 0.2, 0.1, 0], [0.25, 0.25, 0.5, 0], KAPPA)
    assert [r.cumulative_stake for r in rows] == pytest.approx([0.5, 0.5, 1.0])
    # Half the stake is above kappa = 0.49999: the first tied line already crosses.
    assert [r.crosses_kappa for r in rows] == [True, False, False]


def test_consensus_rows_count_missing_weight_as_zero_and_renormalise():
    rows = consensus_rows([0.9, 0.0, 0.0], [0.3, 0.3, 0.0], KAPPA)
    assert [r.uid for r in rows] == [0, 1]
    assert [r.active_stake for r in rows] == pytest.approx([0.5, 0.5])
    assert rows[0].crosses_kappa


def test_consensus_rows_without_active_stake_is_empty():
    assert consensus_rows([0.5, 0.5], [0.0, 0.0], KAPPA) == []


def test_miner_walkthrough_matches_hand_worked_numbers():
    walk = explain_miner(TinyEpoch(), 3, kappa=KAPPA)
    assert [(r.uid, r.active_stake, r.weight, r.clipped) for r in walk.received] == [
        (0, 0.6, 0.3, 0.3), (1, 0.4, 0.4, 0.3)]
    assert [r.cut for r in walk.received] == pytest.approx([0.0, 0.1])
    assert walk.prerank == pytest.approx(0.34)          # 0.6·0.3 + 0.4·0.4
    assert walk.consensus == pytest.approx(0.3)
    assert walk.rank_raw == pytest.approx(0.30)         # 0.6·0.3 + 0.4·0.3
    assert walk.rank_raw_total == pytest.approx(0.96)   # 0.46 + 0.30 + 0.20
    assert walk.trust == pytest.approx(0.30 / 0.34)
    assert walk.incentive == pytest.approx(0.3125)
    assert walk.emission_share == pytest.approx(0.15625)
    assert walk.emission_rao == pytest.approx(0.15625 * E_RAO)
    assert walk.received_more == 0 and walk.fallback is None
    crossing = [r for r in walk.consensus_rows if r.crosses_kappa]
    assert len(crossing) == 1 and crossing[0].weight == pytest.approx(walk.consensus)


def test_miner_summary_says_who_was_clipped():
    walk = explain_miner(TinyEpoch(), 3, kappa=KAPPA)
    assert walk.summary.startswith("Miner 3 earned 46.2534 τ: 2 validators weighted it")
    assert "1 of 2 scored it above consensus 0.3000" in walk.summary
    assert "88.2%" in walk.summary and "31.25%" in walk.summary
    top = explain_miner(TinyEpoch(), 2, kappa=KAPPA)
    assert "none scored it above consensus 0.5000" in top.summary


def test_miner_without_weights_says_so():
    walk = explain_miner(TinyEpoch(), 1, kappa=KAPPA)
    assert walk.emission_rao == 0
    assert "no validator with active stake gave it any weight" in walk.summary


def test_validator_walkthrough_matches_hand_worked_numbers():
    walk = explain_validator(TinyEpoch(), 1, kappa=KAPPA, take_u16=11796)
    assert walk.permit and walk.active
    assert walk.stake_share == pytest.approx(0.4) and walk.active_stake == pytest.approx(0.4)
    assert walk.stake_rank == 2
    # Sorted by weight, ties by uid: miner 2 (0.4), miner 3 (0.4), miner 4 (0.2).
    assert [w.uid for w in walk.weights] == [2, 3, 4]
    assert [w.cut for w in walk.weights] == pytest.approx([0.0, 0.1, 0.0])
    assert walk.clipped_total == pytest.approx(0.1)
    assert walk.validator_trust == pytest.approx(0.9)
    # Dividend terms B*_1j · I_j: 0.16/0.96, 0.12/0.96, 0.08/0.96.
    assert [t.uid for t in walk.bond_terms] == [2, 3, 4]
    assert [t.term for t in walk.bond_terms] == pytest.approx([0.16 / 0.96, 0.12 / 0.96, 0.08 / 0.96])
    assert walk.dividends_raw == pytest.approx(0.375)
    assert walk.dividends == pytest.approx(0.375)
    assert walk.emission_rao == pytest.approx(0.1875 * E_RAO)
    assert walk.take == pytest.approx(11796 / 65535)
    assert walk.take_rao == np.floor(0.1875 * E_RAO * 11796 / 65535)
    assert walk.take_rao + walk.nominators_rao == pytest.approx(walk.emission_rao)
    assert walk.ema_alpha == pytest.approx(0.1)


def test_validator_summary():
    walk = explain_validator(TinyEpoch(), 1, kappa=KAPPA, take_u16=11796)
    assert walk.summary.startswith("Validator 1 earned 55.5041 τ: it holds 40.0% of active stake, 90.0% of its")
    assert "After its 18% take, its stakers share" in walk.summary


def test_validator_without_stake_says_its_weights_did_not_count():
    result = TinyEpoch()
    result.active_stake = np.array([1.0, 0, 0, 0, 0])
    result.new_validator_permit = np.array([True, False, True, True, True])
    walk = explain_validator(result, 1, kappa=KAPPA)
    assert "no validator permit" in walk.summary and "old bonds" in walk.summary


def test_large_subnets_show_top_20_and_count_the_rest():
    n = 60
    result = TinyEpoch()
    stake = np.linspace(1, 2, n)
    stake[-1] = 0
    result.active_stake = stake / stake.sum()
    result.stake_normalized = result.active_stake
    w = np.zeros((n, n))
    w[: n - 1, n - 1] = 1.0
    result.weights_masked_normalized = w
    result.weights_clipped = w
    for name in ("preranks", "consensus", "incentive", "ranks", "trust", "dividends"):
        setattr(result, name, np.zeros(n))
    for name in ("server_emission_rao", "validator_emission_rao", "normalized_server_emission",
                 "normalized_validator_emission", "new_validator_permit", "active"):
        setattr(result, name, np.ones(n))
    for name in ("bonds_delta", "bonds_ema_col_normalized"):
        setattr(result, name, np.zeros((n, n)))
    result.consensus[n - 1] = 1.0
    walk = explain_miner(result, n - 1, kappa=KAPPA)
    assert len(walk.received) == 20 and walk.received_more == n - 1 - 20
    assert [r.uid for r in walk.received][:3] == [n - 2, n - 3, n - 4]  # largest stake first
    assert "59 validators weighted it" in walk.summary


def test_explain_from_snapshot_picks_the_view_by_role_and_takes_take_from_the_row():
    snap = snapshot()
    assert isinstance(explain(snap, 3), MinerWalkthrough)
    walk = explain(snap, 0)
    assert isinstance(walk, ValidatorWalkthrough)
    assert walk.block == 3000 and walk.take == pytest.approx(11796 / 65535)
    assert isinstance(explain(snap, 0, as_validator=False), MinerWalkthrough)


def test_explain_errors_are_one_line():
    with pytest.raises(ExplainError, match="No epoch has run yet"):
        explain(snapshot(with_epoch=False), 0)
    with pytest.raises(ExplainError, match=r"uid 9 is not in the last epoch \(uids 0..4\)"):
        explain(snapshot(), 9)


def test_yuma3_marks_rank_and_trust_unused_and_scales_bonds_by_stake():
    result = TinyEpoch()
    result.mechanism = "yuma3_2026"
    result.ranks = None
    result.trust = None
    del result.bonds_ema_col_normalized
    del result.bonds_delta
    # Per-pair bonds in [0, 1]: column 2 holds 0.5 and 0.5, so each validator gets half, times a_i.
    result.bonds_stored = np.zeros((5, 5))
    result.bonds_stored[:2, 2] = 0.5
    miner = explain_miner(result, 2, kappa=KAPPA)
    assert miner.rank is None and miner.trust is None and miner.mechanism == "yuma3_2026"
    assert "trust" not in miner.summary
    walk = explain_validator(result, 0, kappa=KAPPA)
    assert [t.uid for t in walk.bond_terms] == [2]
    assert walk.bond_terms[0].bond_delta is None
    assert walk.bond_terms[0].bond == pytest.approx(0.6 * 0.5)


# ---------------------------------------------------------------------------------------------
# Against the engine: the reference case tiny_2v3m run through run_epoch.

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from taosandbox.chain.reference import case_hyperparameters, case_inputs  # noqa: E402
from taosandbox.chain.yuma import run_epoch  # noqa: E402

_CASE = json.loads((Path(__file__).parent / "data" / "tiny_2v3m.json").read_text())
_EXPECTED = _CASE["case"]["epochs"][0]["expected"]
_ABS = _CASE["tolerance"]["normalized_vectors_abs"]
_REL = _CASE["tolerance"]["rao_amounts_rel"]


def _run(mechanism: str | None = None):
    case = dict(_CASE["case"])
    if mechanism:
        case["mechanism"] = mechanism
    hp = case_hyperparameters(case)
    return run_epoch(case_inputs(case["epochs"][0]["inputs"]), hp), hp


@pytest.mark.parametrize("j", [2, 3, 4])
def test_miner_walkthrough_equals_reference_case(j):
    result, hp = _run()
    walk = explain_miner(result, j, kappa=hp.kappa_fraction)
    w_bar = np.array(_EXPECTED["weights_masked_normalized"])
    w_tilde = np.array(_EXPECTED["weights_clipped"])
    assert walk.consensus == pytest.approx(_EXPECTED["consensus"][j], abs=_ABS)
    assert [r.uid for r in walk.received] == [0, 1]
    assert [r.cut for r in walk.received] == pytest.approx(list(w_bar[:2, j] - w_tilde[:2, j]), abs=_ABS)
    assert walk.prerank == pytest.approx(_EXPECTED["preranks"][j], abs=_ABS)
    assert walk.rank == pytest.approx(_EXPECTED["ranks"][j], abs=_ABS)
    assert walk.trust == pytest.approx(_EXPECTED["trust"][j], abs=_ABS)
    assert walk.incentive == pytest.approx(_EXPECTED["incentive"][j], abs=_ABS)
    assert walk.emission_rao == pytest.approx(_EXPECTED["server_emission_rao"][j], rel=_REL)
    assert walk.rank_raw / walk.rank_raw_total == pytest.approx(walk.incentive, abs=_ABS)
    crossing = [r for r in walk.consensus_rows if r.crosses_kappa]
    assert crossing[0].weight == pytest.approx(walk.consensus, abs=_ABS)


@pytest.mark.parametrize("i", [0, 1])
def test_validator_walkthrough_equals_reference_case(i):
    result, hp = _run()
    walk = explain_validator(result, i, kappa=hp.kappa_fraction, take_u16=11796)
    w_bar = np.array(_EXPECTED["weights_masked_normalized"])
    w_tilde = np.array(_EXPECTED["weights_clipped"])
    assert walk.clipped_total == pytest.approx((w_bar[i] - w_tilde[i]).sum(), abs=_ABS)
    assert walk.validator_trust == pytest.approx(_EXPECTED["validator_trust"][i], abs=_ABS)
    assert walk.dividends_raw == pytest.approx(_EXPECTED["dividends"][i], abs=1e-6)  # Σ D = 1 here
    assert walk.dividends == pytest.approx(_EXPECTED["dividends"][i], abs=_ABS)
    assert walk.emission_rao == pytest.approx(_EXPECTED["validator_emission_rao"][i], rel=_REL)
    assert {t.uid: t.bond for t in walk.bond_terms} == pytest.approx(
        {j: _EXPECTED["bonds_ema_col_normalized"][i][j] for j in (2, 3, 4)}, abs=_ABS)
    assert walk.ema_alpha == pytest.approx(_EXPECTED["ema_alpha"])


def test_yuma3_walkthrough_dividend_terms_add_up_to_the_engines_dividends():
    result, hp = _run("yuma3_2026")
    raw = [explain_validator(result, i, kappa=hp.kappa_fraction).dividends_raw for i in (0, 1)]
    assert np.array(raw) / sum(raw) == pytest.approx(result.dividends[:2], abs=1e-9)
    walk = explain_validator(result, 0, kappa=hp.kappa_fraction)
    assert walk.mechanism == "yuma3_2026"
    assert all(t.bond_delta is None and t.weight_for_bonds is not None for t in walk.bond_terms)


@pytest.mark.parametrize("mechanism", ["yuma_2024", "yuma3_2026"])
def test_explaining_reads_rows_and_columns_and_never_expands_a_matrix(mechanism, monkeypatch):
    from taosandbox.chain.yuma import EpochResult

    result, hp = _run(mechanism)

    def refuse(self, name):
        raise AssertionError(f"explain expanded the n x n matrix {name}")

    monkeypatch.setattr(EpochResult, "matrix", refuse)
    for uid in range(result.n):
        explain_miner(result, uid, kappa=hp.kappa_fraction)
        explain_validator(result, uid, kappa=hp.kappa_fraction)
