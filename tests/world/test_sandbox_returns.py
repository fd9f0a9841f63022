"""Issue 15 item 13: a delegator in the free sandbox earns what a staker on the real network would."""

from __future__ import annotations

import json

import pytest

from taosandbox.chain.returns import BELIEVABLE_APR, DAYS_PER_YEAR, apr
from taosandbox.chain.units import BLOCKS_PER_DAY, RAO_PER_TAO
from taosandbox.world import World
from taosandbox.world.actions import AddStake
from taosandbox.world.headless import summary
from taosandbox.world.scenario import Scenario, sandbox_scenario


@pytest.fixture(scope="module")
def delegated():
    """The free sandbox as a delegator: 1,000 τ on val-2 at block 0, then three drains' worth of blocks."""
    world = World(Scenario.from_dict(sandbox_scenario("delegator")))
    assert world.apply(AddStake(hotkey="val-2", amount_rao=1000 * RAO_PER_TAO)).ok
    world.advance(1100)
    return world


def test_every_delegate_quotes_a_believable_yearly_rate(delegated):
    low, high = BELIEVABLE_APR
    rates = {d.hotkey: apr(d.return_per_tao_day) for d in delegated.snapshot().delegates}
    assert len(rates) == 8
    for hotkey, rate in rates.items():
        assert low <= rate <= high, f"{hotkey} pays {rate:.1%}/yr"


def test_what_the_player_earned_is_a_believable_yearly_rate(delegated):
    """Measured, not quoted: what the player was paid, per staked TAO, over the blocks it was paid for,
    as a simple yearly rate. Stake added since a hotkey's last drain does not count at the next one, so
    the first drain pays the player nothing and each later one pays for the blocks since the previous."""
    snap = delegated.snapshot()
    (stake,) = [s for s in snap.player.stakes if s.hotkey == "val-2"]
    drains = [e for e in delegated.events if e.kind == "drained" and e.data.get("hotkey") == "val-2"]
    assert len(drains) == 3 and "player" not in drains[0].data["payouts"]
    assert stake.earned_rao == sum(e.data["payouts"]["player"] for e in drains[1:]) > 0
    counted_blocks = drains[-1].block - drains[0].block
    yearly = stake.earned_rao / (1000 * RAO_PER_TAO) * BLOCKS_PER_DAY / counted_blocks * DAYS_PER_YEAR
    low, high = BELIEVABLE_APR
    assert low <= yearly <= high, f"earned {yearly:.1%}/yr"


def test_the_run_summary_reports_the_same_rates(delegated):
    data = json.loads(json.dumps(summary(delegated, 1100)))
    by_hotkey = {d["hotkey"]: d for d in data["delegates"]}
    row = next(d for d in delegated.snapshot().delegates if d.hotkey == "val-2")
    assert by_hotkey["val-2"]["return_per_tao_day"] == row.return_per_tao_day
    assert by_hotkey["val-2"]["apr"] == pytest.approx(apr(row.return_per_tao_day))
    assert by_hotkey["val-2"]["apy"] > by_hotkey["val-2"]["apr"]
