"""Returns per staked TAO: the one definition of a day's return and of the yearly rates people quote.

The delegate table, the Explain screen, ``taosandbox run --json``, the levels' objectives and the
studies all read these, so a figure means the same wherever it is shown.
"""

from __future__ import annotations

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.units import BLOCKS_PER_DAY, u16_to_float

DAYS_PER_YEAR = 365

BELIEVABLE_APR = (0.10, 0.25)
"""The yearly rate a staker on the 2024 network was quoted: taostats' calculator gave validators
19.6%/yr and stakers 18% less (docs.taostats.io/docs/calculator). A world whose best delegate pays far
more than the upper bound departs from the real network (a level's small stakes), and says so."""


def epoch_blocks(hp: Hyperparameters) -> int:
    """Blocks between two epochs: ``tempo`` under the period rule, ``tempo + 1`` on the 2024 chain
    (``Subnet.epoch_due``); 0 when the epoch never runs."""
    if hp.tempo == 0:
        return 0
    return hp.tempo if hp.epoch_schedule == "period" else hp.tempo + 1


def nominator_return_per_epoch(validator_emission_rao: float, stake_rao: float, take_u16: int) -> float:
    """TAO a nominator earns per staked TAO from one epoch: the hotkey's validator emission after the
    take (``drain_hotkey_emission`` pays the take first, the rest pro rata to stake, subtensor v1.2.5),
    over the stake on the hotkey."""
    if stake_rao <= 0:
        return 0.0
    return float(validator_emission_rao) * (1 - u16_to_float(take_u16)) / float(stake_rao)


def nominator_return_per_day(validator_emission_rao: float, stake_rao: float, take_u16: int,
                             hp: Hyperparameters) -> float:
    """``nominator_return_per_epoch`` at one epoch's rate, times the epochs in a day."""
    blocks = epoch_blocks(hp)
    if not blocks:
        return 0.0
    return nominator_return_per_epoch(validator_emission_rao, stake_rao, take_u16) * BLOCKS_PER_DAY / blocks


def apr(per_day: float) -> float:
    """Simple yearly rate: a day's return times 365 (what 'APR' means in staking dashboards)."""
    return per_day * DAYS_PER_YEAR


def apy(per_day: float) -> float:
    """Compounded yearly rate, restaking once a day as taoyield quotes it: ``(1 + daily)^365 - 1``
    (taoyield.com/docs, "Staking APY"). The 2024 chain paid stakers once a day; capped so an absurd
    daily rate cannot overflow."""
    if per_day >= 1.0:
        return float("inf")
    return (1.0 + per_day) ** DAYS_PER_YEAR - 1.0


def format_rate(rate: float) -> str:
    """A yearly rate as a percentage: ``0.147`` -> ``'14.7%'``; beyond 1,000% as ``'>1000%'``."""
    if rate != rate:  # NaN: no data
        return "-"
    if rate > 10.0:
        return ">1000%"
    return f"{rate:.1%}"


def format_yearly(per_day: float) -> str:
    """A day's return per staked TAO as people quote it: ``'14.7%/yr APR, 15.8% APY'``; past 1,000%
    a year only ``'>1000%/yr'`` (the compounded figure would be astronomical)."""
    rate = apr(per_day)
    if rate > 10.0:
        return f"{format_rate(rate)}/yr"
    return f"{format_rate(rate)}/yr APR, {format_rate(apy(per_day))} APY"


def is_believable(per_day: float) -> bool:
    """Is this return of the real network's order (at most the upper end of BELIEVABLE_APR, with room)?"""
    return apr(per_day) <= 2 * BELIEVABLE_APR[1]
