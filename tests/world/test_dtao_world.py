"""The dynamic-TAO world: root plus subnets with their own Yuma, deterministic and conserving."""

from __future__ import annotations

import copy

import pytest

from taosandbox.chain.dtao.state import ROOT
from taosandbox.chain.emission import halving_threshold
from taosandbox.world.dtao_scenario import DtaoScenario, ruleset_of
from taosandbox.world.dtao_world import DtaoWorld
from taosandbox.world.scenario import ScenarioError

SMALL = {"subnets": 3, "validators_per_subnet": 2, "miners_per_subnet": 5, "tempo": 20}


def test_same_scenario_same_history() -> None:
    a, b = DtaoWorld(SMALL), DtaoWorld(SMALL)
    a.advance(120)
    b.advance(120)
    assert a.state_hash() == b.state_hash()
    c = DtaoWorld({**SMALL, "seed": 2})
    c.advance(120)
    assert c.state_hash() != a.state_hash()


def test_each_subnet_runs_its_own_epoch_staggered() -> None:
    world = DtaoWorld(SMALL)
    world.advance(20)
    firsts = {}
    for e in world.events:
        if e.kind == "epoch":
            firsts.setdefault(e.data["netuid"], e.block)
    assert firsts == {1: 19, 2: 18, 3: 17}
    world.advance(40)
    assert world.state.conservation_gaps() == {}
    # miners earned alpha, validators' permits came from alpha + TaoWeight x root stake
    s = world.state.subnets[1]
    assert s.alpha_stake.get(("sn1-miner0", "sn1-miner0-ck"), 0) > 0
    assert world.agents[1].permits[1:3].all()


def test_higher_price_subnets_get_more_tao() -> None:
    world = DtaoWorld(SMALL)
    world.step()
    rows = world.snapshot().subnets
    assert [r.tao_emission for r in rows] == sorted(r.tao_emission for r in rows)
    assert sum(r.share for r in rows) == pytest.approx(1.0, abs=1e-12)


def test_player_stakes_unstakes_and_registers() -> None:
    world = DtaoWorld(SMALL)
    assert world.apply({"type": "stake", "netuid": 2, "hotkey": "sn2-val0", "amount_tao": 10}).ok
    assert world.apply({"type": "stake", "netuid": ROOT, "hotkey": "sn2-val0", "amount_tao": 5}).ok
    held = world.state.subnets[2].alpha_stake[("sn2-val0", "player")]
    outcome = world.apply({"type": "unstake", "netuid": 2, "hotkey": "sn2-val0", "amount": held / 2 / 1e9})
    assert outcome.ok and outcome.detail.amount_out > 0
    assert world.apply({"type": "register", "netuid": 3}).ok
    assert len(world.agents[3].quality) == len(world.state.subnets[3].hotkeys) == 9
    world.advance(40)
    snap = world.snapshot()
    # the player's new miner on subnet 3 (quality 0.6) earned incentive at subnet 3's epochs
    assert {n for n, _, _ in snap.player_stakes} == {ROOT, 2, 3}
    assert world.state.conservation_gaps() == {}


@pytest.mark.parametrize("action,words", [
    ({"type": "stake", "netuid": 9, "hotkey": "sn1-val0", "amount_tao": 1}, "no subnet 9"),
    ({"type": "stake", "netuid": 1, "hotkey": "sn1-val0", "amount_tao": 10_000}, "cannot stake"),
    ({"type": "unstake", "netuid": 1, "hotkey": "sn1-val0", "amount": 1}, "cannot unstake"),
    ({"type": "register", "netuid": 0}, "no pool"),
    ({"type": "stake", "netuid": 1}, "needs 'hotkey'"),
    ({"type": "dance"}, "unknown action"),
])
def test_refusals_say_why_and_change_nothing(action: dict, words: str) -> None:
    world = DtaoWorld(SMALL)
    before = copy.deepcopy(world.state)
    outcome = world.apply(action)
    assert not outcome.ok and words in outcome.reason
    assert world.state == before
    assert world.events[-1].kind == "refused"


def test_alpha_halving_banner() -> None:
    world = DtaoWorld({**SMALL, "tempo": 1000})
    s = world.state.subnets[1]
    extra = halving_threshold(1) - s.alpha_issuance - 3 * 10**9
    s.pool = type(s.pool)(s.pool.tao, s.pool.alpha + extra, s.pool.balancer, s.pool.fee_rate)
    events = []
    for _ in range(8):
        events += world.step()
    halvings = [e for e in events if e.kind == "halving"]
    assert [e.data["netuid"] for e in halvings] == [1]
    assert halvings[0].data == {"token": "alpha", "netuid": 1, "before_rao": 10**9, "after_rao": 5 * 10**8}


def test_scenario_problems_name_the_field() -> None:
    with pytest.raises(ScenarioError) as err:
        DtaoScenario.from_dict({"subnets": 0, "share_rule": "vibes", "pool_tao": "lots", "wat": 1})
    paths = {p.path for p in err.value.problems}
    assert paths == {"pool_tao", "wat"}
    with pytest.raises(ScenarioError) as err:
        DtaoScenario.from_dict({"subnets": 0, "share_rule": "vibes", "prices": [0.1]})
    assert {p.path for p in err.value.problems} == {"subnets", "share_rule", "prices"}


def test_ruleset_choice() -> None:
    assert ruleset_of({}) == ruleset_of({"ruleset": "2024"}) == "2024"
    assert ruleset_of({"ruleset": "dtao"}) == "dtao"
    with pytest.raises(ScenarioError, match="ruleset"):
        ruleset_of({"ruleset": "2027"})


def test_an_owner_burn_burns_miner_incentive_and_lowers_the_share() -> None:
    plain = DtaoWorld({**SMALL, "prices": [0.1, 0.1, 0.1]})
    burning = DtaoWorld({**SMALL, "prices": [0.1, 0.1, 0.1], "owner_burn": [0, 0.5, 0]})
    plain.advance(40)
    burning.advance(40)
    assert plain.state.subnets[2].burned == 0 and burning.state.subnets[2].burned > 0
    burned = burning.state.subnets[2].miner_burned / 2**32
    assert 0.4 < burned < 0.6
    shares = {r.netuid: r.share for r in burning.snapshot().subnets}
    # subnet_emissions.rs get_shares: equal EMA prices, subnet 2 weighted by 1 - MinerBurned
    assert shares[2] == pytest.approx((1 - burned) / (3 - burned), rel=1e-3)
    assert burning.state.conservation_gaps() == {}
    with pytest.raises(ScenarioError, match="owner_burn"):
        DtaoScenario.from_dict({**SMALL, "owner_burn": [0, 1.5, 0]})


def test_a_faster_moving_alpha_moves_the_ema_toward_the_price() -> None:
    slow, fast = DtaoWorld(SMALL), DtaoWorld({**SMALL, "moving_alpha": 0.05})
    for world in (slow, fast):
        assert world.apply({"type": "stake", "netuid": 1, "hotkey": "sn1-val0", "amount_tao": 500}).ok
        world.advance(30)
    gap = {w: w.snapshot().subnets[0].price - w.snapshot().subnets[0].moving_price for w in (slow, fast)}
    assert gap[fast] < 0.3 * gap[slow]


def test_observers_see_actions_with_what_the_swap_did_and_checks_refuse() -> None:
    world = DtaoWorld(SMALL)
    seen: list = []
    world.add_observer(lambda w, events: seen.extend(events))
    world.add_action_check(lambda action, w: "no registering here" if action["type"] == "register" else None)
    assert world.apply({"type": "stake", "netuid": 2, "hotkey": "sn2-val0", "amount_tao": 10}).ok
    before = world.state_hash()
    refused = world.apply({"type": "register", "netuid": 1})
    assert not refused.ok and refused.reason == "no registering here" and world.state_hash() == before
    assert world.apply({"type": "unstake", "netuid": 2, "hotkey": "sn2-val0", "amount": "all"}).ok
    assert world.state.subnets[2].alpha_stake[("sn2-val0", "player")] == 0
    world.step()
    trades = [e.data["trade"] for e in seen if e.kind == "action"]
    assert [t["amount_out"] > 0 for t in trades] == [True, True]
    assert trades[0]["amount_out"] == trades[1]["amount_in"]  # all of it was unstaked
    assert any(e.kind == "refused" for e in seen)
