"""The per-block coinbase with hand-worked numbers: halvings, the 18/41/41 split, root, injection, epochs."""

from __future__ import annotations

import pytest

from dtao_helpers import TAO, simple_epoch, world
from taosandbox.chain.dtao import coinbase, fixed, shares, staking
from taosandbox.chain.dtao.state import ROOT, U64_MAX

W = fixed.U96F32


def _moving(state, netuid: int, price: float) -> None:
    state.subnets[netuid].moving_price = fixed.from_float(price, W)


def test_alpha_out_split_owner_miners_validators_without_root() -> None:
    state = world(subnets=1)
    state.block = 10
    state.subnets[1].tempo = 1000
    report = coinbase.block_step(state, simple_epoch)
    b = report.subnets[1]
    # 1 alpha minted; owner 11796/65535 = 17.9995%; the rest halved: miners and validators 41.0002% each
    assert b.alpha_out == TAO
    assert b.owner_cut == 179_995_422
    assert b.server == b.validator == 410_002_288
    assert b.root_alpha == 0
    assert state.subnets[1].unheld == TAO - 179_995_422 - 2 * 410_002_288 == 2
    assert state.conservation_gaps() == {}


def test_root_proportion_takes_validators_alpha_only_when_prices_sum_above_one() -> None:
    state = world(subnets=1)
    state.tao_weight = U64_MAX  # TaoWeight 1.0
    staking.add_stake(state, "bob", "v1", ROOT, 10_000 * TAO)  # root 10k TAO vs 10k alpha issued
    state.subnets[1].tempo = 1000
    rp = fixed.to_float(state.root_proportion(1), W)
    assert rp == pytest.approx(0.5, rel=1e-9)
    _moving(state, 1, 0.5)  # sum of EMA prices 0.5 <= 1: root's alpha is recycled, not paid
    report = coinbase.block_step(state, simple_epoch)
    assert not report.root_sell and state.subnets[1].pending_root == 0
    rp = fixed.to_float(state.root_proportion(1), W)
    assert report.subnets[1].root_alpha == pytest.approx(rp * 0.5 * (TAO - 179_995_422), rel=1e-3)
    _moving(state, 1, 1.5)
    report = coinbase.block_step(state, simple_epoch)
    assert report.root_sell and state.subnets[1].pending_root == report.subnets[1].root_alpha > 0
    assert report.subnets[1].validator + report.subnets[1].root_alpha == pytest.approx(report.subnets[1].server, abs=2)
    assert state.conservation_gaps() == {}


def test_alpha_emission_halves_on_alpha_issuance() -> None:
    state = world(subnets=1, alpha_per_pool=10_500_000 * TAO)  # alpha issuance at the first halving
    state.subnets[1].tempo = 1000
    assert coinbase.block_step(state, simple_epoch).subnets[1].alpha_out == TAO // 2


def test_tao_emission_halves_on_tao_issuance() -> None:
    state = world(subnets=1)
    state.free["whale"] = 10_500_000 * TAO - state.total_issuance
    state.total_issuance = 10_500_000 * TAO
    assert coinbase.block_step(state, simple_epoch).tao_emission == TAO // 2


def test_tao_split_by_moving_price_share() -> None:
    state = world(subnets=2)
    state.tao_weight = U64_MAX
    staking.add_stake(state, "bob", "v1", ROOT, 10_000 * TAO)
    _moving(state, 1, 0.1)
    _moving(state, 2, 0.3)
    report = coinbase.block_step(state, simple_epoch)
    assert report.subnets[1].tao_emission == pytest.approx(TAO // 4, abs=2)
    assert report.subnets[2].tao_emission == pytest.approx(3 * TAO // 4, abs=2)


def test_injection_cap_turns_excess_tao_into_a_protocol_buy() -> None:
    state = world(subnets=1)  # price 0.1; no root stake: root_proportion 0, so the cap is 0
    _moving(state, 1, 0.1)
    s = state.subnets[1]
    price_before = s.pool.price()
    report = coinbase.block_step(state, simple_epoch)
    b = report.subnets[1]
    assert b.alpha_in == 0 and b.tao_in == 0
    assert b.excess_tao == TAO and b.alpha_bought > 0
    assert s.protocol_alpha == b.alpha_bought and s.pool.price() > price_before
    assert state.conservation_gaps() == {}


def test_injection_below_the_cap_keeps_the_price() -> None:
    state = world(subnets=1)
    state.tao_weight = U64_MAX
    staking.add_stake(state, "bob", "v1", ROOT, 9_000 * TAO)
    _moving(state, 1, 0.1)
    s = state.subnets[1]
    before = s.pool.price_float()
    b = coinbase.block_step(state, simple_epoch).subnets[1]
    # alpha_in = 1 TAO / 0.1 = 10 alpha > cap 0.47 alpha: capped, tao_in = cap * price, the rest buys alpha
    assert b.alpha_in == pytest.approx(fixed.to_float(state.root_proportion(1), W) * TAO, rel=1e-3)
    assert b.tao_in == pytest.approx(b.alpha_in * 0.1, rel=1e-6)
    assert b.excess_tao + b.tao_in == pytest.approx(TAO, abs=2)
    assert s.pool.price_float() > before


def test_pending_is_drained_at_the_subnet_epoch() -> None:
    state = world(subnets=1)
    s = state.subnets[1]
    s.tempo = 10
    staking.register(state, 1, "bob", "bob-miner")
    staking.add_stake(state, "carol", "v2", 1, 100 * TAO)
    staking.register(state, 1, "carol", "v2")
    for _ in range(9):
        report = coinbase.block_step(state, simple_epoch)
        assert report.epochs == []
    assert s.pending_owner == 9 * 179_995_422
    report = coinbase.block_step(state, simple_epoch)
    assert [p.netuid for p in report.epochs] == [1] and s.pending == 0
    payout = report.epochs[0]
    assert payout.owner_cut == 10 * 179_995_422
    assert s.alpha_stake[("alice-hk1", "alice")] >= payout.owner_cut
    assert payout.incentives["bob-miner"] > 0  # the owner's own uid 0 earns nothing as a miner here
    assert state.conservation_gaps() == {}


def test_owner_hotkeys_mining_is_burned_and_lowers_the_share() -> None:
    state = world(subnets=2)
    for n in (1, 2):
        state.subnets[n].tempo = 5
        _moving(state, n, 0.2)
    staking.register(state, 1, "alice", "alice-miner")  # the owner mines her own subnet 1
    staking.register(state, 2, "bob", "bob-miner")
    for _ in range(5):
        report = coinbase.block_step(state, simple_epoch)
    assert {p.netuid: p.burned_incentive > 0 for p in report.epochs} == {1: True, 2: False}
    assert fixed.to_float(state.subnets[1].miner_burned, W) == 1.0
    s1 = shares.price_ema_shares(state, [1, 2])
    assert s1[1] == 0 and s1[2] == fixed.one(fixed.U64F64)
    assert state.conservation_gaps() == {}


@pytest.mark.parametrize("rule", ["tao_flow", "net_tao_flow"])
def test_flow_rules_favour_the_subnet_people_stake_into(rule: str) -> None:
    state = world(subnets=2)
    staking.add_stake(state, "bob", "v1", 2, 1_000 * TAO)
    report = coinbase.block_step(state, simple_epoch, shares.share_rule(rule))
    assert report.subnets[2].tao_emission > report.subnets[1].tao_emission
    assert state.conservation_gaps() == {}


def test_unknown_share_rule() -> None:
    with pytest.raises(ValueError, match="price_ema, tao_flow, net_tao_flow"):
        shares.share_rule("vibes")


def test_moving_price_creeps_toward_the_pool_price() -> None:
    state = world(subnets=1)
    s = state.subnets[1]
    for _ in range(100):
        coinbase.update_moving_price(state, s)
    # alpha = 3e-6 * b / (b + 201600) with b = 1 block: each step adds ~1.5e-12, below I96F32's 2^-32
    assert s.moving_price == 0
    state.block = 2_000_000  # an old subnet: alpha ~ 2.7e-6 per block
    for _ in range(1000):
        coinbase.update_moving_price(state, s)
    alpha = 3e-6 * 2_000_000 / (2_000_000 + 201_600)
    # each step is truncated to I96F32 (2^-32 = 2.3e-10): at most 1000 * 2.3e-10 below the real EMA
    assert fixed.to_float(s.moving_price, W) == pytest.approx(0.1 * (1 - (1 - alpha) ** 1000), abs=2.4e-7)
