"""Subnet hyperparameters: the one home of every chain parameter (YUMA_SPEC §8).

Defaults are the values a new subnet got in 2024 (``init_new_network``, subtensor v1.1.6). The sandbox
changes a few of them to make the game playable; those changes live in ``SANDBOX_OVERRIDES`` with the
reason, and the UI and docs list them (``sandbox_differences``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import Any

from taosandbox.chain.units import RAO_PER_TAO, U16_MAX, u16_to_float

MECHANISMS = ("yuma_2024", "yuma3_2026")
"""Epoch mechanisms selectable by name: the 2024 reference (§4) and Yuma 3 (§11)."""

EPOCH_SCHEDULES = ("chain_2024", "period")
"""When the epoch runs: ``chain_2024`` = when ``(block + netuid + 1) % (tempo + 1) == tempo``
(``blocks_until_next_epoch`` is 0, ``run_coinbase.rs`` v1.2.5: every tempo + 1 blocks); ``period`` = when
``block - last_epoch_block >= tempo`` (§1 HEAD, every tempo blocks)."""

EMISSION_UPDATES = ("root_epoch", "every_block")
"""When the block emission follows issuance: ``root_epoch`` = only when the root network's epoch runs
(``root_epoch``, ``coinbase/root.rs`` v1.2.5: root tempo 100, so every 101 blocks), ``every_block``
= at once."""

CHOICES: dict[str, tuple[str, ...]] = {
    "mechanism": MECHANISMS,
    "epoch_schedule": EPOCH_SCHEDULES,
    "block_emission_update": EMISSION_UPDATES,
}
"""Text parameters and the values each may take."""


@dataclass(frozen=True)
class Hyperparameters:
    """Every parameter of one subnet, with the spec's defaults for a new 2024 subnet."""

    # §1 schedule
    tempo: int = 360
    """Blocks between epochs (see ``epoch_schedule``). 0 = never."""
    epoch_schedule: str = "chain_2024"
    """One of EPOCH_SCHEDULES: the 2024 chain's ``(block + netuid + 1) % (tempo + 1) == tempo``, or the
    period rule ``block - last_epoch_block >= tempo``."""
    block_emission_update: str = "root_epoch"
    """One of EMISSION_UPDATES: after issuance crosses a halving, the 2024 chain kept minting the old
    block emission until the next root epoch (``run_coinbase`` reads ``EmissionValues``, set by
    ``root_epoch``)."""

    # §4 consensus
    kappa: int = 32767
    """Consensus majority as a u16 fraction (0.49999)."""
    bonds_moving_average: int = 900_000
    """Bond EMA in parts per million; alpha = 1 - bma/1e6 = 0.1."""
    liquid_alpha_enabled: bool = False
    """§10 / §11: per-column (2024) or per-bond (Yuma 3) EMA alpha."""
    alpha_low: int = 45875
    """Liquid alpha lower bound, u16 fraction (0.7)."""
    alpha_high: int = 58982
    """Liquid alpha upper bound, u16 fraction (0.9)."""
    alpha_sigmoid_steepness: int = 1000
    """Yuma 3 liquid alpha steepness (§11)."""
    bonds_penalty: int = 65535
    """Yuma 3: how much of the clipping reaches bonds, u16 fraction (§11)."""
    max_allowed_validators: int = 64
    """Validator permits go to the top-K by stake (§4.3)."""
    activity_cutoff: int = 5000
    """A neuron that has not set weights for this many blocks is inactive (§4.1)."""
    mechanism: str = "yuma_2024"
    """Which epoch runs: one of MECHANISMS."""
    stake_threshold: int = 0
    """Yuma 3: stake (rao) below which a uid counts as zero stake (§11)."""

    # §6 registration
    max_allowed_uids: int = 256
    immunity_period: int = 5000
    burn: int = 1 * RAO_PER_TAO
    """Initial registration burn (rao); it then adjusts (§6)."""
    min_burn: int = 1
    max_burn: int = 100 * RAO_PER_TAO
    adjustment_interval: int = 360
    target_regs_per_interval: int = 1
    adjustment_alpha: float = 0.97
    """beta of the burn adjustment (the chain stores it as a u64 fraction of 2^64)."""
    max_regs_per_block: int = 1

    # §7 weights
    min_allowed_weights: int = 1
    max_weight_limit: int = 65535
    weights_rate_limit: int = 100
    weights_min_stake: int = 0
    commit_reveal_period: int = 0
    """Commit-reveal: set weights are hidden and only count this many blocks later (0 = off, as on
    the 2024 chain by default; the chain counts the period in tempos)."""

    # §3, §5 money
    subnet_owner_cut: int = 11796
    """Owner's share of each epoch's pending emission, u16 fraction (17.9995%)."""
    default_take: int = 11796
    """A new delegate's take, u16 fraction (18%)."""
    min_take: int = 0
    max_take: int = 11796
    hotkey_emission_tempo: int = 7200
    """Each hotkey's accrued emission is paid to its stakers every tempo + 1 blocks (§5)."""

    # §5 staking rules (chain-wide storage in subtensor v1.2.5; kept per subnet here)
    stake_interval: int = 360
    """``StakeInterval``: blocks over which one (coldkey, hotkey) pair may stake or unstake at most
    ``target_stakes_per_interval`` times (``try_increase_staking_counter``, ``utils/misc.rs``)."""
    target_stakes_per_interval: int = 1
    """``TargetStakesPerInterval`` (``SubtensorInitialTargetStakesPerInterval``, runtime)."""
    tx_rate_limit: int = 1000
    """``TxRateLimit``: ``become_delegate`` is refused within this many blocks of the coldkey's last
    stake, unstake or become_delegate (``exceeds_tx_rate_limit``, ``utils/rate_limiting.rs``)."""
    tx_delegate_take_rate_limit: int = 216_000
    """``TxDelegateTakeRateLimit``: a take increase is refused within this many blocks (30 days) of the
    coldkey's last become_delegate or increase (``do_increase_take``); decreases are not limited."""

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ValueError("; ".join(problems))

    def replace(self, **changes: Any) -> "Hyperparameters":
        """A copy with some fields changed (validated)."""
        return dataclasses.replace(self, **changes)

    @property
    def kappa_fraction(self) -> float:
        return u16_to_float(self.kappa)

    @property
    def ema_alpha(self) -> float:
        """alpha = 1 - bonds_moving_average / 1e6 (§4.11)."""
        return 1.0 - self.bonds_moving_average / 1_000_000


# Allowed ranges: (low, high) inclusive; None = unbounded. Governance proposals and levels check these.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "tempo": (0, 50400),
    "kappa": (0, U16_MAX),
    "bonds_moving_average": (0, 1_000_000),
    "alpha_low": (1, U16_MAX - 1),
    "alpha_high": (1, U16_MAX - 1),
    "alpha_sigmoid_steepness": (0, 100_000),
    "bonds_penalty": (0, U16_MAX),
    "max_allowed_validators": (1, 4096),
    "activity_cutoff": (1, None),
    "stake_threshold": (0, None),
    "max_allowed_uids": (1, 4096),
    "immunity_period": (0, None),
    "burn": (0, None),
    "min_burn": (0, None),
    "max_burn": (0, None),
    "adjustment_interval": (1, None),
    "target_regs_per_interval": (1, None),
    "adjustment_alpha": (0.0, 1.0),
    "max_regs_per_block": (1, None),
    "min_allowed_weights": (0, None),
    "max_weight_limit": (1, U16_MAX),
    "weights_rate_limit": (0, None),
    "weights_min_stake": (0, None),
    "commit_reveal_period": (0, 100_000),
    "subnet_owner_cut": (0, U16_MAX),
    "default_take": (0, U16_MAX),
    "min_take": (0, U16_MAX),
    "max_take": (0, U16_MAX),
    "hotkey_emission_tempo": (0, None),
    "stake_interval": (0, None),
    "target_stakes_per_interval": (1, None),
    "tx_rate_limit": (0, None),
    "tx_delegate_take_rate_limit": (0, None),
}


def validate(hp: Hyperparameters) -> list[str]:
    """Every way ``hp`` breaks a range or a rule, as 'field: what is wrong' lines."""
    problems = []
    for f in fields(hp):
        value = getattr(hp, f.name)
        if f.name in CHOICES:
            if value not in CHOICES[f.name]:
                problems.append(f"{f.name}: {value!r} is not one of {', '.join(CHOICES[f.name])}")
            continue
        expected = bool if f.type in ("bool", bool) else float if f.type in ("float", float) else int
        if expected is bool:
            if not isinstance(value, bool):
                problems.append(f"{f.name}: expected true or false, got {value!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{f.name}: expected a number, got {value!r}")
            continue
        if expected is int and not isinstance(value, int):
            problems.append(f"{f.name}: expected a whole number, got {value!r}")
            continue
        if not math.isfinite(value):
            problems.append(f"{f.name}: expected a finite number, got {value!r}")
            continue
        low, high = RANGES.get(f.name, (None, None))
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
            problems.append(f"{f.name}: {value} is outside the allowed range {bounds}")
    if not problems:
        if hp.alpha_low > hp.alpha_high:
            problems.append("alpha_low: must not exceed alpha_high")
        if hp.min_burn > hp.max_burn:
            problems.append("min_burn: must not exceed max_burn")
        if hp.min_take > hp.max_take:
            problems.append("min_take: must not exceed max_take")
        if not hp.min_take <= hp.default_take <= hp.max_take:
            problems.append("default_take: must lie within [min_take, max_take]")
    return problems


SANDBOX_OVERRIDES: dict[str, tuple[Any, str]] = {
    "tempo": (1, "Yuma runs every block (12 simulated seconds) so you can watch it; the chain ran it "
                 "every 361 blocks (72 minutes)."),
    "epoch_schedule": ("period", "the epoch runs when tempo blocks have passed since the last one (the "
                                 "chain's current rule), so tempo 1 means every block; the 2024 chain ran "
                                 "it every tempo + 1 blocks, when (block + netuid + 1) mod (tempo + 1) "
                                 "= tempo."),
    "block_emission_update": ("every_block", "a halving lowers the block emission at once; the 2024 chain "
                                             "kept the old rate until its next root epoch (up to 101 "
                                             "blocks later)."),
    "hotkey_emission_tempo": (360, "stakers are paid every 361 blocks (72 minutes); the chain paid "
                                   "them once every 7201 blocks (a day)."),
}
"""Where the sandbox departs from the chain by default, and why (shown on screen and in the docs)."""

CHAIN_2024 = Hyperparameters()
"""A new subnet on the 2024 chain, exactly."""

SANDBOX = Hyperparameters(**{name: value for name, (value, _why) in SANDBOX_OVERRIDES.items()})
"""The sandbox's defaults: the chain's, with SANDBOX_OVERRIDES applied."""


def sandbox_differences(hp: Hyperparameters) -> list[str]:
    """One line per parameter where ``hp`` differs from the 2024 chain's new-subnet default."""
    lines = []
    for f in fields(hp):
        ours, chains = getattr(hp, f.name), getattr(CHAIN_2024, f.name)
        if ours != chains:
            why = SANDBOX_OVERRIDES.get(f.name, (None, "set by this scenario"))[1]
            lines.append(f"{f.name} = {ours} (chain: {chains}): {why}")
    return lines
