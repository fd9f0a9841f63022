"""Small dynamic-TAO worlds for the tests."""

from __future__ import annotations

from taosandbox.chain.dtao import staking
from taosandbox.chain.dtao.state import DtaoState

TAO = 10**9


def simple_epoch(state: DtaoState, netuid: int, total: int) -> list[tuple[str, int, int]]:
    """Half to miners (every uid but 0, equally), half to dividends by stake weight: Yuma's 50/50 shape."""
    s = state.subnets[netuid]
    miners = s.hotkeys[1:]
    weights = {h: state.stake_weight(netuid, h) for h in s.hotkeys}
    total_weight = sum(weights.values())
    out = []
    for h in s.hotkeys:
        incentive = total // 2 // len(miners) if h in miners else 0
        dividend = total // 2 * weights[h] // total_weight if total_weight else 0
        out.append((h, incentive, dividend))
    return out


def world(subnets: int = 2, tao_per_pool: int = 1_000 * TAO, alpha_per_pool: int = 10_000 * TAO) -> DtaoState:
    """Alice owns ``subnets`` subnets; Bob and Carol have 10,000 TAO free; validator hotkeys v1, v2."""
    state = DtaoState()
    state.free["alice"] = subnets * tao_per_pool + 1_000 * TAO
    state.free["bob"] = 10_000 * TAO
    state.free["carol"] = 10_000 * TAO
    state.total_issuance = sum(state.free.values())
    for n in range(1, subnets + 1):
        staking.add_subnet(state, n, "alice", f"alice-hk{n}", tao_per_pool, alpha_per_pool)
    state.owner.update({"v1": "bob", "v2": "carol"})
    return state
