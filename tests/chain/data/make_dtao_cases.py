"""Writes dtao_cases.json from subtensor's own tests: their inputs, the values they assert (their f64
formulas, evaluated here in Python floats: the same IEEE arithmetic) and their tolerances.

Run: python tests/chain/data/make_dtao_cases.py
"""
import json
from pathlib import Path
C = "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
BAL = "pallets/swap/src/pallet/balancer.rs"
TESTS = "pallets/swap/src/pallet/tests.rs"
CB = "pallets/subtensor/src/tests/coinbase.rs"
U16 = 65535
cases = []

def add(**kw): cases.append(kw)

# balancer.rs tests::test_exp_scaled
for i, (wn, wd, r, d, bq, exp) in enumerate([
    (5, 10, 100000, 100, True, 0.999000999000999),
    (1, 4, 500000, 5000, True, 0.970590147927644),
    (3, 4, 200000, 2000, False, 0.970590147927644),
    (9, 10, 13513642, 1673, False, 0.998886481979889),
    (773, 1000, 7_000_000_000, 10_000, True, 0.999999580484586)]):
    add(id=f"exp_scaled_{i}", kind="exp_scaled", upstream=f"{BAL}::tests::test_exp_scaled",
        inputs=dict(quote_weight=[wn, wd], reserve=r, delta=d, base_quote=bq),
        expected=dict(value=exp), tolerance=dict(abs=1e-9))

# test_calculate_quote_delta_in / base_delta_in / reverse: assert_eq! against the f64 formula cast to u64
add(id="quote_delta_in", kind="quote_delta_in", upstream=f"{BAL}::tests::test_calculate_quote_delta_in",
    inputs=dict(quote_weight=[250_000_000_000, 1_000_000_000_000], current_price=0.1, target_price=0.2, reserve=1_000_000_000),
    expected=dict(value=int(1_000_000_000 * ((0.2 / 0.1) ** 0.75 - 1.0))), tolerance=dict(abs=0))
add(id="base_delta_in", kind="base_delta_in", upstream=f"{BAL}::tests::test_calculate_base_delta_in",
    inputs=dict(quote_weight=[250_000_000_000, 1_000_000_000_000], current_price=0.2, target_price=0.1, reserve=1_000_000_000),
    expected=dict(value=int(1_000_000_000 * ((0.2 / 0.1) ** 0.25 - 1.0))), tolerance=dict(abs=0))
add(id="quote_delta_in_impossible", kind="quote_delta_in", upstream=f"{BAL}::tests::test_calculate_quote_delta_in_impossible",
    inputs=dict(quote_weight=[250_000_000_000, 1_000_000_000_000], current_price=0.1, target_price=0.05, reserve=1_000_000_000),
    expected=dict(value=0), tolerance=dict(abs=0))
add(id="base_delta_in_impossible", kind="base_delta_in", upstream=f"{BAL}::tests::test_calculate_base_delta_in_impossible",
    inputs=dict(quote_weight=[250_000_000_000, 1_000_000_000_000], current_price=0.1, target_price=0.2, reserve=1_000_000_000),
    expected=dict(value=0), tolerance=dict(abs=0))
t, dt = 1_000_000_000, 1_123_432
add(id="base_needed_for_quote", kind="base_needed_for_quote", upstream=f"{BAL}::tests::test_base_needed_for_quote",
    inputs=dict(quote_weight=[250_000_000_000, 1_000_000_000_000], tao_reserve=t, alpha_reserve=t, delta_tao=dt),
    expected=dict(value=int(t * ((t / (t - dt)) ** (0.25 / 0.75) - 1.0))), tolerance=dict(abs=0))

# mul_perquintill_round
for name, (pn, pd), pairs in [
    ("half", (1, 2), [(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (1023, 512), (1025, 513)]),
    ("third", (1, 3), [(3, 1), (4, 1), (5, 2), (6, 2)]),
    ("large", (7, 10), [(10**18, (10**18 * 7 + 5) // 10)])]:
    add(id=f"mul_perquintill_round_{name}", kind="mul_perquintill_round",
        upstream=f"{BAL}::tests::test_mul_round_{'half_behaviour' if name=='half' else 'third_behaviour' if name=='third' else 'large_values_simple_rational'}",
        inputs=dict(perquintill=[pn, pd], values=[v for v, _ in pairs]), expected=dict(values=[e for _, e in pairs]),
        tolerance=dict(abs=0))

# prices
for name, (qn, qd), x, y, eps in [("equal_weights", (1, 2), 2, 5, 1e-12), ("two_to_one", (1, 3), 4, 10, 1e-10),
                                  ("general", (2, 5), 9, 25, 1e-9), ("high_values", (3, 10), 21_000_000_000_000_000, 15_000_000_000_000_000, 1e-9),
                                  ("zero_tao", (3, 10), 10, 0, 0.0)]:
    w2 = qn / qd
    add(id=f"price_{name}", kind="price", upstream=f"{BAL}::tests::test_price_*",
        inputs=dict(quote_weight=[qn, qd], alpha_reserve=x, tao_reserve=y),
        expected=dict(value=((1 - w2) / w2) * (y / x)), tolerance=dict(abs=eps))

# tests.rs test_swap_basic: reserves 1e9 TAO / 4e9 alpha, price 0.25, fee 33/65535
for amount, buy in [(1_000, True), (2_000, True), (123_456, True), (1_000, False), (2_000, False), (123_456, False),
                    (1_000_000_000, True), (10_000_000_000, True)]:
    fee = int(amount * (33 / U16))
    x, y = 4e9, 1e9
    out = x * (1.0 - y / (y + (amount - fee))) if buy else y * (1.0 - x / (x + (amount - fee)))
    add(id=f"swap_basic_{'buy' if buy else 'sell'}_{amount}", kind="swap", upstream=f"{TESTS}::test_swap_basic",
        inputs=dict(tao_reserve=1_000_000_000, alpha_reserve=4_000_000_000, buy=buy, amount=amount,
                    limit_price=1000.0 if buy else 0.0001),
        expected=dict(paid_out=int(out), paid_in=amount - fee, price_moves="up" if buy else "down"),
        tolerance=dict(abs=1))

# tests.rs test_convert_deltas (epsilon 2)
U64M = 2**64 - 1
for (tao, alpha) in [(1500, 1000), (1, 1000000), (1000000, 1)]:
    for w in [0.5, 0.50000001, 0.49999999, 0.1, 0.9]:
        for d in [1, 10000, 1000000, U64M]:
            y, x, dd = float(tao), float(alpha), float(d)
            sell = y * (1. - (x / (x + dd)) ** ((1. - w) / w))
            buy = x * (1. - (y / (y + dd)) ** (w / (1. - w)))
            add(id=f"convert_deltas_{tao}_{alpha}_{w}_{d}", kind="convert_deltas", upstream=f"{TESTS}::test_convert_deltas",
                inputs=dict(tao_reserve=tao, alpha_reserve=alpha, quote_weight=[int(w * 1e9), 1_000_000_000], delta=d),
                expected=dict(sell=int(sell), buy=int(buy)), tolerance=dict(abs=2))

# tests.rs test_adjust_protocol_liquidity_happy
for td, ad in [(0, 0), (0, 1), (1, 0), (1, 1), (10, 10), (1_000_000, 0), (0, 1_000_000), (1_000_000_000, 1_000_000_000),
               (1_000_000_000_000, 0), (0, 1_000_000_000_000), (1_000_000_000_000, 1_000_000_000_000),
               (2_000_000_000_000, 1_000_000_000_000), (1_234_567, 2_432_765), (1_234_567, 2_432_765_890)]:
    tao, alpha = 1_000_000_000_000, 4_000_000_000_000
    price = tao / alpha
    nt, na = tao + td, alpha + ad
    add(id=f"adjust_liquidity_{td}_{ad}", kind="adjust_liquidity", upstream=f"{TESTS}::test_adjust_protocol_liquidity_happy",
        inputs=dict(tao_reserve=tao, alpha_reserve=alpha, tao_delta=td, alpha_delta=ad),
        expected=dict(price=price, quote_weight=nt / (na * price + nt)),
        tolerance=dict(price_rel=1e-12, quote_weight_rel=1e-12))

# coinbase: one run_coinbase over a described state.
def sub(netuid, tao, alpha, moving_price=1.0, **kw):
    return dict(netuid=netuid, tao_reserve=tao, alpha_reserve=alpha, moving_price=moving_price, **kw)

FULL = dict(root_tao=1_000_000_000_000_000_000, tao_weight=U64M)
add(id="coinbase_alpha_issuance_base", kind="coinbase", upstream=f"{CB}::test_coinbase_alpha_issuance_base",
    description="Two subnets at price 1 (1e6/1e6) share 1e6 rao: each pool gets 500,000 alpha. Upstream's subnets are stable-mechanism (moving price 1).",
    inputs=dict(emission=1_000_000, **FULL, subnets=[sub(1, 1_000_000, 1_000_000), sub(2, 1_000_000, 1_000_000)]),
    expected=dict(alpha_reserve={"1": 1_500_000, "2": 1_500_000}), tolerance=dict(abs=0))
add(id="coinbase_alpha_issuance_different", kind="coinbase", upstream=f"{CB}::test_coinbase_alpha_issuance_different",
    description="Prices 1 and 2, moving prices 1 and 2: TAO split 1:2, alpha in = tao / price = 333,333 each.",
    inputs=dict(emission=1_000_000, **FULL, subnets=[sub(1, 1_000_000, 1_000_000, 1.0), sub(2, 2_000_000, 1_000_000, 2.0)]),
    expected=dict(alpha_reserve={"1": 1_000_000 + 1_000_000 // 3, "2": 1_000_000 + (1_000_000 * 2 // 3) // 2}), tolerance=dict(abs=0))
add(id="coinbase_tao_issuance_different_prices", kind="coinbase", upstream=f"{CB}::test_coinbase_tao_issuance_different_prices",
    description="Pool prices 0.1 and 0.2, moving prices 0.1 and 0.2: subnet 2 gets twice the TAO; all 1e8 rao issued.",
    inputs=dict(emission=100_000_000, **FULL, subnets=[sub(1, 100_000, 1_000_000, 0.1), sub(2, 100_000, 500_000, 0.2)]),
    expected=dict(tao_reserve={"1": 100_000 + 100_000_000 // 3, "2": 100_000 + 2 * 100_000_000 // 3}, issued=100_000_000),
    tolerance=dict(abs=10))
add(id="coinbase_owner_cut_full", kind="coinbase", upstream=f"{CB}::test_owner_cut_base",
    description="Owner cut u16::MAX takes the whole 1 alpha of alpha emission into PendingOwnerCut (tempo large: no drain).",
    inputs=dict(emission=0, owner_cut=U16, subnets=[sub(1, 1_000_000_000_000, 1_000_000_000_000, tempo=10000)]),
    expected=dict(pending_owner={"1": 1_000_000_000}), tolerance=dict(abs=0))
add(id="coinbase_owner_cut_zero", kind="coinbase", upstream=f"{CB}::test_owner_cut_base",
    inputs=dict(emission=0, owner_cut=0, subnets=[sub(1, 1_000_000_000_000, 1_000_000_000_000, tempo=10000)]),
    expected=dict(pending_owner={"1": 0}), tolerance=dict(abs=0))
add(id="coinbase_pending_emission_root_sell", kind="coinbase", upstream=f"{CB}::test_pending_emission",
    description="TaoWeight 1, 1e9 rao on root; upstream's two earlier coinbase runs minted 2 alpha of alpha out (pool alpha 1), "
                "this run mints the third, so root_proportion = 1 / (1 + 3) as its comment says; moving price 2 > 1 so root sells: "
                "server 1/2, root 1/8, validators 3/8 of the 1 alpha. Owner cut 0 as in the mock.",
    inputs=dict(emission=0, owner_cut=0, root_tao=1_000_000_000, tao_weight=U64M,
                subnets=[sub(1, 1_000_000, 1, 2.0, tempo=10000, alpha_out=2_000_000_000)]),
    expected=dict(pending_server={"1": 500_000_000}, pending_validator={"1": 375_000_000}, pending_root={"1": 125_000_000}),
    tolerance=dict(abs=1))
# moving price
add(id="moving_price_initial", kind="moving_price", upstream=f"{CB}::test_update_moving_price_initial",
    inputs=dict(block=510, first_emission_block=500, moving_alpha=0.5, moving_price=0.0, tao_reserve=1_000_000, alpha_reserve=1_000_000, steps=1),
    expected=dict(below=0.001), tolerance=dict(abs=0))
add(id="moving_price_after_time", kind="moving_price", upstream=f"{CB}::test_update_moving_price_after_time",
    inputs=dict(block=144_000_500, first_emission_block=500, moving_alpha=0.5, moving_price=0.0, tao_reserve=1_000_000, alpha_reserve=1_000_000, steps=1),
    expected=dict(value=0.5), tolerance=dict(abs=0.001))
add(id="moving_price_14_steps", kind="moving_price", upstream=f"{CB}::test_coinbase_moving_prices",
    inputs=dict(block=7200 * 28, first_emission_block=1, moving_alpha=0.1, moving_price=0.0, tao_reserve=1_000_000, alpha_reserve=1_000_000, steps=14),
    expected=dict(value=0.512325), tolerance=dict(abs=0.001))
# root proportion
add(id="root_proportion", kind="root_proportion", upstream=f"{CB}::test_root_proportion",
    inputs=dict(root_tao=1_000_000_000_000, tao_weight=3_320_413_933_267_719_290, alpha_issuance=100_000_000_000),
    expected=dict(formula="tao_weight * root_tao / (tao_weight * root_tao + alpha_issuance), U96F32"), tolerance=dict(abs=0))
# dividend distribution totals
add(id="dividend_distribution_totals", kind="dividend_distribution", upstream=f"{CB}::test_calculate_dividend_distribution_totals",
    inputs=dict(pending_validator=183_123_567_452, pending_root=837_120_949_872, tao_weight=0.18,
                stakes={"0": [4_859_302, 2_342_352], "1": [23_423, 859_273]}, dividends={"0": 77_783_738, "1": 19_283_940}),
    expected=dict(alpha_total=183_123_567_452, root_total=837_120_949_872), tolerance=dict(abs=1000))

doc = dict(
    schema_version=1,
    generator="subtensor's own test inputs with the expected values its tests assert (their f64 formulas evaluated in "
              "Python floats, the same IEEE arithmetic), and their tolerances.",
    source=dict(repository="https://github.com/opentensor/subtensor", commit=C,
                files=[BAL, TESTS, CB, "pallets/subtensor/src/coinbase/run_coinbase.rs", "pallets/subtensor/src/staking/stake_utils.rs"]),
    conventions=dict(amounts="integer rao / alpha-rao", prices="TAO per alpha as floats; the engine holds U64F64 bits",
                     quote_weight="[numerator, denominator] of Perquintill::from_rational", tao_weight="parts of u64::MAX",
                     moving_price="I96F32 set from the float"),
    cases=cases)
json.dump(doc, open(Path(__file__).with_name("dtao_cases.json"), "w"), indent=1)
print(len(cases))
