"""``pow_ratio_scaled`` as safe-bigmath computes it, and the fast path that must agree with it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from taosandbox.chain.dtao.bigmath import pow_ratio_scaled, pow_ratio_scaled_fast

ACC = 10**18


def test_crate_doc_example() -> None:
    # safe-bigmath src/integer.rs doc test: (2/3)^(1/2) * 1000 floored is 816
    assert pow_ratio_scaled(2, 3, 1, 2, 0, 1000) == 816


def test_equal_weights_are_an_exact_ratio() -> None:
    # w1 = w2 = 0.5: the exponent reduces to 1/1, so the result is floor(x * 10^18 / (x + dx))
    assert pow_ratio_scaled(100_000, 100_100, ACC // 2, ACC // 2, 256, ACC) == 100_000 * ACC // 100_100


def test_square_root_path() -> None:
    # exponent 1/2 (calculate_quote_delta_in with w1 = 0.5): floor(sqrt(4/1) * 10^18)
    assert pow_ratio_scaled(4, 1, 1, 2, 1024, ACC) == 2 * ACC
    assert pow_ratio_scaled(2, 1, 1, 2, 1024, ACC) == 1_414_213_562_373_095_048


def test_series_path_is_close_to_the_real_power() -> None:
    w = 500_000_000_000_000_001  # irreducible 10^18 exponent: the ln/exp series path
    got = pow_ratio_scaled(10**15, 10**15 + 10**12, w, ACC - w, 256, ACC)
    assert abs(got / ACC - (10**15 / (10**15 + 10**12)) ** (w / (ACC - w))) < 1e-15


def test_refusals_match_the_crate() -> None:
    assert pow_ratio_scaled(1, 0, 1, 1, 64, ACC) is None
    assert pow_ratio_scaled(1, 1, 1, 0, 64, ACC) is None
    assert pow_ratio_scaled(0, 5, 1, 3, 64, ACC) == 0
    assert pow_ratio_scaled(7, 5, 0, 3, 64, ACC) == ACC


def test_fast_path_on_a_value_too_long_for_its_digits() -> None:
    # Found by the property below: 191^17.8 x 10^18 has 59 integer digits, so the 60-digit power knows
    # it only to a unit or so, however far from a whole number it looks; the series must decide.
    w = 53_147_205_976_760_176
    args = (191, 1, ACC - w, w, 256, ACC)
    assert pow_ratio_scaled_fast(*args) == pow_ratio_scaled(*args)


@settings(max_examples=300, deadline=None)
@given(x=st.integers(1, 10**17), d=st.integers(-(10**16), 10**16), w=st.integers(ACC // 100, ACC - ACC // 100),
       base_quote=st.booleans())
def test_fast_path_equals_the_series(x: int, d: int, w: int, base_quote: bool) -> None:
    den = max(x + d, 1)
    num_w, den_w = (ACC - w, w) if base_quote else (w, ACC - w)
    assert pow_ratio_scaled_fast(x, den, num_w, den_w, 256, ACC) == pow_ratio_scaled(x, den, num_w, den_w, 256, ACC)
