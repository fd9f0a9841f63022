"""The one home of unit conversions and TAO formatting (chain/units.py)."""

from __future__ import annotations

import numpy as np

from taosandbox.chain.units import (RAO_PER_TAO, U16_MAX, float_to_u16, format_tao, rao_to_tao, tao_to_rao,
                                   u16_to_float)


def test_tao_and_rao_convert_both_ways():
    assert tao_to_rao(2.5) == 2_500_000_000
    assert tao_to_rao(0.1 + 0.2) == 300_000_000  # rounded to the nearest rao, not truncated
    assert rao_to_tao(1_500_000_000) == 1.5
    assert rao_to_tao(np.array([RAO_PER_TAO, 3 * RAO_PER_TAO])).tolist() == [1.0, 3.0]


def test_format_tao():
    assert format_tao(1_234_500_000_000) == "1,234.5000 τ"
    assert format_tao(1_234_500_000_000, 0) == "1,234 τ"
    assert format_tao(10**6, 9) == "0.001000000 τ"
    assert format_tao(10**6, 9, trim=True) == "0.001 τ"
    assert format_tao(5 * RAO_PER_TAO, trim=True) == "5 τ"
    assert format_tao(2_500_000_000, trim=True) == "2.5 τ"


def test_u16_fractions():
    assert u16_to_float(U16_MAX) == 1.0
    assert u16_to_float(0) == 0.0
    assert u16_to_float(11796) == 11796 / 65535
    assert float_to_u16(0.18) == 11796  # 0.18 x 65535 = 11796.3, the chain's default take
    assert float_to_u16(1.0) == U16_MAX and float_to_u16(0.0) == 0
