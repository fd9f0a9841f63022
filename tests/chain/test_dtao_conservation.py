"""Conservation, exactly, after every swap, stake, unstake, registration and block of a random history.

TAO issuance = Σ free + Σ root stake + Σ pool TAO; per subnet, alpha issuance = pool alpha + alpha out
and alpha out = Σ alpha stake + pending + protocol alpha + burned + unheld (``DtaoState`` docstring).
Refused calls must change nothing.
"""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from dtao_helpers import TAO, simple_epoch, world
from taosandbox.chain.dtao import coinbase, fixed, shares, staking
from taosandbox.chain.dtao.state import ROOT, U64_MAX
from taosandbox.chain.errors import ChainError

COLDKEYS = ["alice", "bob", "carol", "nobody"]
HOTKEYS = ["v1", "v2", "alice-hk1", "ghost"]
NETUIDS = [ROOT, 1, 2, 3, 9]  # 3 and 9 do not exist

amounts = st.one_of(st.integers(1, 10 * TAO), st.integers(1, 3_000 * TAO), st.sampled_from([1, 2_000, 10**6]))
ops = st.lists(st.one_of(
    st.tuples(st.just("stake"), st.sampled_from(COLDKEYS), st.sampled_from(HOTKEYS), st.sampled_from(NETUIDS),
              amounts, st.one_of(st.none(), st.integers(10**6, 10**9)), st.booleans()),
    st.tuples(st.just("unstake"), st.sampled_from(COLDKEYS), st.sampled_from(HOTKEYS), st.sampled_from(NETUIDS),
              st.floats(0.01, 1.2), st.booleans()),
    st.tuples(st.just("register"), st.sampled_from(NETUIDS), st.sampled_from(COLDKEYS), st.integers(0, 6)),
    st.tuples(st.just("blocks"), st.integers(1, 12)),
), max_size=25)


def _apply(state, op, rule) -> None:
    kind = op[0]
    if kind == "stake":
        _, ck, hk, n, amount, limit, partial = op
        staking.add_stake(state, ck, hk, n, amount, limit, partial)
    elif kind == "unstake":
        _, ck, hk, n, fraction, partial = op
        held = (state.root_stake.get((hk, ck), 0) if n == ROOT
                else state.subnets[n].alpha_stake.get((hk, ck), 0) if n in state.subnets else TAO)
        staking.remove_stake(state, ck, hk, n, max(int(held * fraction), 1), None, partial)
    elif kind == "register":
        _, n, ck, i = op
        staking.register(state, n, ck, f"{ck}-miner{i}")
    else:
        for _ in range(op[1]):
            coinbase.block_step(state, simple_epoch, rule)


@settings(max_examples=60, deadline=None)
@given(history=ops, rule=st.sampled_from(sorted(shares.SHARE_RULES)), root_weight=st.booleans(),
       moving=st.floats(0.0, 1.0))
def test_every_step_conserves_tao_and_alpha_exactly(history, rule, root_weight, moving) -> None:
    state = world(subnets=2)
    if root_weight:
        state.tao_weight = U64_MAX
    for s in state.subnets.values():
        s.tempo = 5
        s.moving_price = fixed.from_float(moving, fixed.U96F32)
    staking.add_stake(state, "bob", "v1", ROOT, 1_000 * TAO)
    for op in history:
        before = copy.deepcopy(state)
        try:
            _apply(state, op, shares.share_rule(rule))
        except ChainError:
            assert state == before, f"refused {op} but the state changed"
        assert state.conservation_gaps() == {}, op
    for s in state.subnets.values():
        # unheld alpha is the chain's own rounding plus miners' unpaid half when root is recycled: bounded by
        # what was emitted, never negative by more than the epochs' flooring
        assert -100 <= s.unheld <= s.alpha_issuance
