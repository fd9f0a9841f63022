"""How the block's TAO is split among subnets: the pluggable share rule.

Upstream changed this rule three times in 2025-26; all three live in
``pallets/subtensor/src/coinbase/subnet_emissions.rs``:

- ``price_ema`` (in force at the pinned commit, ``get_shares``): each subnet's ``SubnetMovingPrice``
  over their sum, each weighted by ``1 − MinerBurned`` and renormalised. Exact, U64F64.
- ``tao_flow`` (``get_shares_flow`` with ``NetTaoFlowEnabled`` off): an EMA of the users' net TAO
  staked in, offset by the lowest (``z = max(S − L, 0)``, ``L = max(TaoFlowCutoff, min(min S, 0))``),
  normalised with exponent ``p = FlowNormExponent`` (1).
- ``net_tao_flow`` (``NetTaoFlowEnabled`` on): the same on user flow minus the protocol's own
  injections, scaled so their positive totals match.

The flow rules use floats for upstream's I64F64 EMA and its ``ln``/``exp`` power (relative error
~1e-15 against ~1e-19 for I64F64); shares are then turned into U64F64 bits.
"""

from __future__ import annotations

from collections.abc import Callable

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.state import DtaoState

F = fixed.U64F64
FLOW_EMA_SMOOTHING = 29_597_889_189_277 / (2**63 - 1)
"""``DefaultFlowEmaSmoothingFactor`` / i64::MAX: a one-month half-life (216,000 blocks)."""
FLOW_NORM_EXPONENT = 1.0
TAO_FLOW_CUTOFF = 0.0

ShareRule = Callable[[DtaoState, list[int]], dict[int, int]]
"""(state, netuids to emit to) -> netuid -> share as U64F64 bits, summing to ~1."""


def moving_price(state: DtaoState, netuid: int) -> int:
    """``get_moving_alpha_price`` as U64F64 bits."""
    return fixed.convert(state.subnets[netuid].moving_price, fixed.U96F32, F)


def price_ema_shares(state: DtaoState, netuids: list[int]) -> dict[int, int]:
    """``get_shares``: moving-price shares weighted by (1 − MinerBurned)."""
    total = sum(moving_price(state, n) for n in netuids)
    price_shares = {n: fixed.div(moving_price(state, n), total, F) for n in netuids}
    one = fixed.one(F)
    weighted = {}
    for n, share in price_shares.items():
        burned = min(fixed.convert(state.subnets[n].miner_burned, fixed.U96F32, F), one)
        weighted[n] = fixed.mul(share, one - burned, F)
    total_weight = sum(weighted.values())
    if total_weight > 0:
        return {n: fixed.div(w, total_weight, F) for n, w in weighted.items()}
    return price_shares


def _update_flow_emas(state: DtaoState, netuids: list[int]) -> None:
    a = FLOW_EMA_SMOOTHING
    for n in netuids:
        s = state.subnets[n]
        s.ema_tao_flow = (1 - a) * s.ema_tao_flow + a * s.tao_flow
        s.ema_protocol_flow = (1 - a) * s.ema_protocol_flow + a * s.protocol_flow
        s.tao_flow = s.protocol_flow = 0  # reset_tao_outflow / reset_protocol_flow


def _normalise_offset(flows: dict[int, float]) -> dict[int, int]:
    lower = max(TAO_FLOW_CUTOFF, min([min(f, 0.0) for f in flows.values()] or [0.0]))
    offset = {n: max(f - lower, 0.0) for n, f in flows.items()}
    powered = {n: z**FLOW_NORM_EXPONENT for n, z in offset.items()}
    total = sum(powered.values())
    if total <= 0:
        return {n: 0 for n in flows}
    return {n: fixed.from_float(v / total, F) for n, v in powered.items()}


def tao_flow_shares(state: DtaoState, netuids: list[int]) -> dict[int, int]:
    """``get_shares_flow`` with net flow off: users' TAO flow EMA."""
    _update_flow_emas(state, netuids)
    return _normalise_offset({n: state.subnets[n].ema_tao_flow for n in netuids})


def net_tao_flow_shares(state: DtaoState, netuids: list[int]) -> dict[int, int]:
    """``get_shares_flow`` with net flow on: users' flow minus the protocol's, normalised."""
    _update_flow_emas(state, netuids)
    user_pos = sum(max(state.subnets[n].ema_tao_flow, 0.0) for n in netuids)
    proto_pos = sum(max(state.subnets[n].ema_protocol_flow, 0.0) for n in netuids)
    norm = min(user_pos / proto_pos, 1.0) if proto_pos > 0 else 0.0
    flows = {}
    for n in netuids:
        s = state.subnets[n]
        proto = norm * s.ema_protocol_flow if s.ema_protocol_flow > 0 else s.ema_protocol_flow
        flows[n] = s.ema_tao_flow - proto
    return _normalise_offset(flows)


SHARE_RULES: dict[str, ShareRule] = {
    "price_ema": price_ema_shares,
    "tao_flow": tao_flow_shares,
    "net_tao_flow": net_tao_flow_shares,
}


def share_rule(name: str) -> ShareRule:
    if name not in SHARE_RULES:
        raise ValueError(f"unknown share rule {name!r}; choose from {', '.join(SHARE_RULES)}")
    return SHARE_RULES[name]
