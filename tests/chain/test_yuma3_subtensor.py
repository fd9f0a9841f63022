"""Yuma 3 against subtensor's own tests (opentensor/subtensor, pallets/subtensor/src/tests, the Yuma3 /
liquid-alpha trajectory tests ``test_yuma_3_kappa_moves_first`` and ``..._second``): 3 validators with
stake 8/1/1, 2 servers, liquid alpha 0.1..0.3, bonds_penalty 0, kappa 32767, bonds_moving_average
975000. The chain's tests assert bonds and dividends with epsilon 1e-3; so do we.

Their ``set_weights`` stores explicit zeros, and with liquid alpha a listed zero weight decays its bond
(§11), so ``weights_listed`` marks every validator -> server entry as listed.
"""

from __future__ import annotations

import numpy as np
import pytest

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.yuma import EpochInputs, run_epoch

M = 65535
HP = Hyperparameters(
    mechanism="yuma3_2026", tempo=1, bonds_penalty=0, alpha_sigmoid_steepness=1000,
    bonds_moving_average=975_000, kappa=32767, liquid_alpha_enabled=True,
    alpha_low=6554, alpha_high=19661,  # 0.1 and 0.3 as u16 fractions (the test sets them as I32F32)
    max_allowed_validators=3,
)

FIRST = dict(
    weights={0: [[M, 0]] * 3, 1: [[0, M], [M, 0], [M, 0]], 2: [[0, M], [0, M], [M, 0]], 3: [[0, M]] * 3},
    bonds=[
        [[0.1013, 0.0000], [0.1013, 0.0000], [0.1013, 0.0000]],
        [[0.0908, 0.1013], [0.3697, 0.0000], [0.3697, 0.0000]],
        [[0.0815, 0.1924], [0.3170, 0.1013], [0.5580, 0.0000]],
        [[0.0731, 0.2742], [0.2765, 0.1924], [0.4306, 0.1013]],
        [[0.0656, 0.3478], [0.2435, 0.2742], [0.3589, 0.1924]],
        [[0.0588, 0.4139], [0.2157, 0.3478], [0.3089, 0.2742]],
    ],
    dividends=[
        [0.8000, 0.1000, 0.1000, 0.0000, 0.0000],
        [1.0000, 0.0000, 0.0000, 0.0000, 0.0000],
        [0.9382, 0.0618, 0.0000, 0.0000, 0.0000],
        [0.8819, 0.0773, 0.0407, 0.0000, 0.0000],
        [0.8564, 0.0844, 0.0592, 0.0000, 0.0000],
        [0.8418, 0.0884, 0.0697, 0.0000, 0.0000],
    ],
)

SECOND = dict(
    weights={0: [[M, 0]] * 3, 1: [[M, 0], [0, M], [M, 0]], 2: [[0, M], [0, M], [M, 0]], 3: [[0, M]] * 3},
    bonds=[
        [[0.1013, 0.0000], [0.1013, 0.0000], [0.1013, 0.0000]],
        [[0.1924, 0.0000], [0.0908, 0.2987], [0.1924, 0.0000]],
        [[0.1715, 0.1013], [0.0815, 0.3697], [0.4336, 0.0000]],
        [[0.1531, 0.1924], [0.0731, 0.4336], [0.3608, 0.1013]],
        [[0.1369, 0.2742], [0.0656, 0.4910], [0.3103, 0.1924]],
        [[0.1225, 0.3478], [0.0588, 0.5426], [0.2712, 0.2742]],
    ],
    dividends=[
        [0.8000, 0.1000, 0.1000, 0.0000, 0.0000],
        [0.8446, 0.0498, 0.1056, 0.0000, 0.0000],
        [0.6868, 0.3132, 0.0000, 0.0000, 0.0000],
        [0.7421, 0.2090, 0.0489, 0.0000, 0.0000],
        [0.7625, 0.1706, 0.0669, 0.0000, 0.0000],
        [0.7730, 0.1508, 0.0762, 0.0000, 0.0000],
    ],
)


@pytest.mark.parametrize("scenario", [FIRST, SECOND], ids=["kappa_moves_first", "kappa_moves_second"])
def test_yuma3_matches_subtensor_trajectory(scenario: dict) -> None:
    n = 5
    stake = np.array([8, 1, 1, 0, 0])
    registered = np.ones(n, dtype=np.int64)  # everyone registered at block 1
    listed = np.zeros((n, n), dtype=bool)
    listed[:3, 3:] = True
    # The setup epoch (block 2, no weights) hands out the permits: top-3 non-zero stake.
    x = EpochInputs(2, stake, np.zeros(n, bool), np.zeros((n, n)), np.zeros((n, n)), np.ones(n, np.int64),
                    registered, 10**9)
    r = run_epoch(x, HP)
    assert r.new_validator_permit.tolist() == [True, True, True, False, False]
    weights, last_update = np.zeros((n, n)), np.ones(n, np.int64)
    for epoch, (want_bonds, want_dividends) in enumerate(zip(scenario["bonds"], scenario["dividends"])):
        block = 3 + epoch
        if epoch in scenario["weights"]:  # weights set in the block before the epoch
            weights = np.zeros((n, n))
            weights[:3, 3:] = scenario["weights"][epoch]
            last_update[:3] = block - 1
        x = EpochInputs(block, stake, r.new_validator_permit, weights, r.bonds_stored, last_update.copy(),
                        registered, 10**9, last_epoch_block=block - 1, weights_listed=listed)
        r = run_epoch(x, HP)
        assert np.allclose(r.bonds_stored[:3, 3:], want_bonds, atol=1e-3), epoch
        assert np.allclose(r.dividends, want_dividends, atol=1e-3), epoch
