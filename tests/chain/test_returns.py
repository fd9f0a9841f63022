"""Returns per staked TAO: the per-epoch share, the day's rate and the yearly rates, worked by hand."""

from __future__ import annotations

import math

import pytest

from taosandbox.chain.hyperparams import CHAIN_2024, SANDBOX
from taosandbox.chain.returns import (BELIEVABLE_APR, apr, apy, epoch_blocks, format_rate, format_yearly,
                                      is_believable, nominator_return_per_day, nominator_return_per_epoch)


def test_epoch_blocks_follow_the_schedule():
    assert epoch_blocks(SANDBOX) == 1                      # period rule, tempo 1: every block
    assert epoch_blocks(CHAIN_2024) == 361                 # 2024 chain: every tempo + 1 blocks
    assert epoch_blocks(SANDBOX.replace(tempo=0)) == 0     # never


def test_nominator_share_is_emission_after_take_over_stake():
    # 100 τ of validator emission, take 32768/65535 (just over half), on 2,000 τ of stake.
    per_epoch = nominator_return_per_epoch(100e9, 2000e9, 32768)
    assert per_epoch == pytest.approx(100 * (1 - 32768 / 65535) / 2000)
    assert nominator_return_per_epoch(100e9, 0, 0) == 0.0
    # A tempo-360 chain runs 7200/361 epochs a day; tempo 1 in the sandbox, 7200.
    assert nominator_return_per_day(100e9, 2000e9, 0, CHAIN_2024) == pytest.approx(0.05 * 7200 / 361)
    assert nominator_return_per_day(100e9, 2000e9, 0, SANDBOX) == pytest.approx(0.05 * 7200)
    assert nominator_return_per_day(100e9, 2000e9, 0, SANDBOX.replace(tempo=0)) == 0.0


def test_yearly_rates_as_dashboards_quote_them():
    daily = 0.0004
    assert apr(daily) == pytest.approx(0.146)
    assert apy(daily) == pytest.approx(1.0004 ** 365 - 1)  # about 15.7%: daily restaking adds a little
    assert apy(daily) > apr(daily)
    assert math.isinf(apy(2.0))
    assert format_rate(0.146) == "14.6%" and format_rate(12.0) == ">1000%" and format_rate(math.nan) == "-"
    assert format_yearly(daily) == "14.6%/yr APR, 15.7% APY"
    assert format_yearly(0.36) == ">1000%/yr"


def test_believable_means_the_real_networks_order():
    low, high = BELIEVABLE_APR
    assert is_believable(high / 365) and is_believable(low / 365)
    assert not is_believable(0.36)  # the old free sandbox: 0.36 τ per τ a day
