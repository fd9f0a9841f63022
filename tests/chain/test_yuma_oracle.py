"""The fast epoch against a plain, dense, loop-by-loop transcription of YUMA_SPEC §4 / §10 (2024).

The engine works on compact rows, sorts packed integer keys for consensus and never builds B* to get
dividends; this oracle does none of that, so agreement on random subnets checks those shortcuts.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.yuma import KAPPA_TIE_TOLERANCE, MATRIX_NAMES, EpochInputs, run_epoch


def _normalize(v):
    total = v.sum()
    return v / total if total > 0 else v


def _col_normalize(mat):
    out = mat.copy()
    for j in range(mat.shape[1]):
        total = mat[:, j].sum()
        if total > 0:
            out[:, j] = mat[:, j] / total
    return out


def oracle(x: EpochInputs, hp: Hyperparameters) -> dict:
    n = len(x.stake)
    t = x.current_block
    u = np.asarray(x.last_update)
    r = np.asarray(x.block_at_registration)
    perm = np.asarray(x.validator_permit, bool)
    active = np.array([u[i] + hp.activity_cutoff >= t for i in range(n)])
    s = _normalize(np.asarray(x.stake, float))
    k = hp.max_allowed_validators
    new_permit = np.ones(n, bool)
    if n > k:
        for i in sorted(range(n), key=lambda i: (s[i], i))[: n - k]:
            new_permit[i] = False
    a = _normalize(np.array([s[i] if active[i] and perm[i] else 0.0 for i in range(n)]))
    w = np.array(x.weights, float)
    for i in range(n):
        for j in range(n):
            if not perm[i] or i == j or u[i] <= r[j]:
                w[i, j] = 0.0
        if w[i].sum() > 0:
            w[i] = w[i] / w[i].sum()
    pre = a @ w
    kappa = hp.kappa / 65535
    cons = np.zeros(n)
    staked = [i for i in range(n) if a[i] > 0]
    if staked:
        st_ = np.array([a[i] for i in staked])
        st_ = st_ / st_.sum()
        for j in range(n):
            vals = sorted({w[i, j] for i in staked}, reverse=True)
            for v in vals:  # the largest weight whose support reaches kappa
                if sum(st_[q] for q, i in enumerate(staked) if w[i, j] >= v) >= kappa - KAPPA_TIE_TOLERANCE:
                    cons[j] = v
                    break
    wc = np.minimum(w, cons)
    vtrust = wc.sum(axis=1)
    rank = a @ wc
    trust = np.array([rank[j] / pre[j] if pre[j] > 0 else 0.0 for j in range(n)])
    inc = _normalize(rank)
    b = np.array(x.bonds, float)
    for i in range(n):
        for j in range(n):
            if u[i] <= r[j]:
                b[i, j] = 0.0
    b = _col_normalize(b)
    delta = _col_normalize(wc * a[:, None])
    alpha = 1 - hp.bonds_moving_average / 1e6
    if hp.liquid_alpha_enabled and np.any(cons != 0):
        c_hi, c_lo = np.quantile(cons, 0.75), np.quantile(cons, 0.25)
        if not (c_hi == 0 and c_lo == 0):
            lo, hi = hp.alpha_low / 65535, hp.alpha_high / 65535
            if c_hi <= c_lo:
                aa = bb = 0.0
            else:
                aa = (math.log(1 / hi - 1) - math.log(1 / lo - 1)) / (c_lo - c_hi)
                bb = math.log(1 / lo - 1) + aa * c_lo
            alpha = np.clip(1 / (1 + np.exp(bb - aa * cons)), lo, hi)
    ema = _col_normalize(alpha * delta + (1 - alpha) * b)
    div = _normalize(ema @ inc)
    total = inc.sum() + div.sum()
    if total > 0:
        server, validator = inc / total, div / total
        combined = _normalize(inc + div)
    else:
        server = np.zeros(n)
        validator = a if a.any() else s
        combined = validator
    top = combined.max()
    pruning = np.floor(combined * 65535 / top + 0.5) if top > 0 else np.zeros(n)
    colmax = ema.max(axis=0)
    upscaled = np.where(colmax > 0, ema / np.where(colmax > 0, colmax, 1), 0)
    stored = np.array(x.bonds, float)
    for i in range(n):
        if new_permit[i]:
            stored[i] = upscaled[i]
        elif perm[i]:
            stored[i] = 0.0
    return dict(
        active=active, stake_normalized=s, new_validator_permit=new_permit, active_stake=a,
        weights_masked_normalized=w, preranks=pre, consensus=cons, weights_clipped=wc,
        validator_trust=vtrust, ranks=inc, trust=trust, incentive=inc, bonds_delta=delta,
        bonds_ema_col_normalized=ema, dividends=div, normalized_server_emission=server,
        normalized_validator_emission=validator, normalized_combined_emission=combined,
        pruning_score_u16=pruning, bonds_stored=stored,
        server_emission_u64=np.floor(server * x.rao_emission),
        validator_emission_u64=np.floor(validator * x.rao_emission),
    )


@st.composite
def subnets(draw):
    n = draw(st.integers(1, 12))
    ints = lambda hi: st.lists(st.integers(0, hi), min_size=n, max_size=n)  # noqa: E731
    # Few distinct values, so ties and exact-kappa splits are common.
    stake = draw(st.lists(st.sampled_from([0, 1, 2, 3, 10, 10**12]), min_size=n, max_size=n))
    weights = draw(st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 65535]), min_size=n, max_size=n),
                            min_size=n, max_size=n))
    bonds = draw(st.lists(ints(65535), min_size=n, max_size=n))
    permit = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    last_update = draw(st.lists(st.sampled_from([0, 1000, 2000, 2990]), min_size=n, max_size=n))
    reg = draw(st.lists(st.sampled_from([0, 1000, 2000]), min_size=n, max_size=n))
    hp = Hyperparameters(
        max_allowed_validators=draw(st.integers(1, 12)),
        liquid_alpha_enabled=draw(st.booleans()),
        kappa=draw(st.sampled_from([32767, 0, 1, 21845, 43690, 65535])),
        bonds_moving_average=draw(st.sampled_from([900_000, 0, 500_000, 1_000_000])),
        activity_cutoff=draw(st.sampled_from([5000, 1500])),
    )
    e = draw(st.integers(0, 10**12))
    x = EpochInputs(3000, np.asarray(stake), np.asarray(permit), np.asarray(weights, dtype=np.uint16),
                    np.asarray(bonds, float), np.asarray(last_update), np.asarray(reg), e)
    return x, hp


@settings(max_examples=400, deadline=None)
@given(subnets())
def test_fast_epoch_matches_dense_oracle(case) -> None:
    x, hp = case
    got = run_epoch(x, hp)
    want = oracle(x, hp)
    for name, expected in want.items():
        value = got.matrix(name) if name in MATRIX_NAMES else getattr(got, name)
        if name == "pruning_score_u16":
            assert np.abs(np.asarray(value) - expected).max(initial=0) <= 1, name  # .5 ties may round apart
        elif name.endswith("_u64"):
            assert np.abs(np.asarray(value) - expected).max(initial=0) <= 1, name
        else:
            assert np.allclose(value, expected, rtol=0, atol=1e-12), (name, value, expected)


def oracle_yuma3(x: EpochInputs, hp: Hyperparameters) -> dict:
    """YUMA_SPEC §11, dense and literal (weights_listed = the non-zero weights)."""
    n = len(x.stake)
    u = np.asarray(x.last_update)
    r = np.asarray(x.block_at_registration)
    perm = np.asarray(x.validator_permit, bool)
    active = u + hp.activity_cutoff >= x.current_block
    sigma = np.array([v if v >= hp.stake_threshold else 0.0 for v in np.asarray(x.stake, float)])
    s = _normalize(sigma)
    new_permit = s != 0
    if n > hp.max_allowed_validators:
        for i in sorted(range(n), key=lambda i: (s[i], i))[: n - hp.max_allowed_validators]:
            new_permit[i] = False
    if x.owner_uid is not None:
        new_permit[x.owner_uid] = True
    a = _normalize(np.where(active & perm, s, 0.0))
    w = np.array(x.weights, float)
    for i in range(n):
        for j in range(n):
            if not perm[i] or (i == j and i != x.owner_uid) or u[i] <= r[j]:
                w[i, j] = 0.0
        if w[i].sum() > 0:
            w[i] /= w[i].sum()
    kappa = hp.kappa / 65535
    cons = np.zeros(n)
    staked = [i for i in range(n) if a[i] > 0]
    if staked:
        st_ = a[staked] / a[staked].sum()
        for j in range(n):
            for v in sorted({w[i, j] for i in staked}, reverse=True):
                if sum(st_[q] for q, i in enumerate(staked) if w[i, j] >= v) >= kappa - KAPPA_TIE_TOLERANCE:
                    cons[j] = v
                    break
    wc = np.minimum(w, cons)
    inc = _normalize(a @ wc)
    beta = hp.bonds_penalty / 65535
    wb = w + beta * (wc - w)
    last_epoch = x.last_epoch_block if x.last_epoch_block is not None else x.current_block - hp.tempo
    b = np.array(x.bonds, float)
    b[:, last_epoch <= r] = 0.0
    if hp.liquid_alpha_enabled and np.any(cons != 0):
        lo, hi = hp.alpha_low / 65535, hp.alpha_high / 65535
        ema = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                if wb[i, j] >= b[i, j]:
                    d = min(max(wb[i, j] - cons[j], 0.0), 1.0)
                else:
                    d = min(max(b[i, j] - wb[i, j], 0.0), 1.0)
                e = min(max(-(hp.alpha_sigmoid_steepness / 100) * (d - 0.5), -20.0), 20.0)
                al = min(max(lo + (hi - lo) / (1 + math.exp(e)), lo), hi)
                if wb[i, j] > 0:  # sparse: only listed (non-zero) weights-for-bonds entries survive
                    ema[i, j] = min((1 - al) * b[i, j] + al * wb[i, j], 1.0)
    else:
        al = 1 - hp.bonds_moving_average / 1e6
        ema = np.minimum((1 - al) * b + al * wb, 1.0)
    norm = _col_normalize(ema)
    div = _normalize(a * (norm @ inc))
    stored = np.array(x.bonds, float)
    for i in range(n):
        if new_permit[i]:
            stored[i] = ema[i]
        elif perm[i]:
            stored[i] = 0.0
    return dict(new_validator_permit=new_permit, active_stake=a, consensus=cons, incentive=inc,
                bonds_delta=wb, bonds_ema_col_normalized=norm, dividends=div, bonds_stored=stored)


@settings(max_examples=300, deadline=None)
@given(subnets(), st.data())
def test_fast_yuma3_matches_dense_oracle(case, data) -> None:
    x, hp = case
    n = len(x.stake)
    hp = hp.replace(mechanism="yuma3_2026", bonds_penalty=data.draw(st.sampled_from([65535, 0, 32768])),
                    stake_threshold=data.draw(st.sampled_from([0, 2])), tempo=1000)
    x.bonds = np.asarray(x.bonds) / 65535
    x.owner_uid = data.draw(st.one_of(st.none(), st.integers(0, n - 1)))
    x.last_epoch_block = data.draw(st.one_of(st.none(), st.sampled_from([500, 1500])))
    got = run_epoch(x, hp)
    for name, expected in oracle_yuma3(x, hp).items():
        value = got.matrix(name) if name in MATRIX_NAMES else getattr(got, name)
        assert np.allclose(value, expected, rtol=0, atol=1e-12), (name, value, expected)
