"""Run the dynamic-TAO reference cases (``tests/chain/data/dtao_cases.json``) through the engine.

Each case is one of subtensor's own tests at the pinned commit: its inputs, the values it asserts and
its tolerance. ``check_case`` returns the failures of one case (empty when it passes).
"""

from __future__ import annotations

from taosandbox.chain.dtao import coinbase, fixed
from taosandbox.chain.dtao.balancer import (
    Balancer, mul_perquintill_round, perquintill_from_rational, price_float,
)
from taosandbox.chain.dtao.pool import Pool
from taosandbox.chain.dtao.state import DtaoState, Subnet

F, W = fixed.U64F64, fixed.U96F32


def _balancer(weight: list[int]) -> Balancer:
    return Balancer(perquintill_from_rational(*weight))


def _near(name: str, got: float, want: float, tol: float) -> list[str]:
    return [] if abs(got - want) <= tol else [f"{name}: got {got!r}, want {want!r} (± {tol})"]


def _state(inputs: dict) -> DtaoState:
    state = DtaoState(block=1000)
    if "tao_weight" in inputs:
        state.tao_weight = inputs["tao_weight"]
    if "owner_cut" in inputs:
        state.owner_cut = inputs["owner_cut"]
    if inputs.get("root_tao"):
        state.root_stake[("root-hotkey", "root-coldkey")] = inputs["root_tao"]
        state.owner["root-hotkey"] = "root-coldkey"
    for spec in inputs.get("subnets", []):
        n = spec["netuid"]
        pool = Pool(spec["tao_reserve"], spec["alpha_reserve"])
        state.subnets[n] = Subnet(n, f"owner-{n}", f"owner-hotkey-{n}", pool,
                                  alpha_out=spec.get("alpha_out", 0), tempo=spec.get("tempo", 360),
                                  last_epoch_block=state.block, moving_price=fixed.from_float(spec["moving_price"], W))
        state.subnets[n].unheld = state.subnets[n].alpha_out
    state.total_issuance = state.root_tao + sum(s.pool.tao for s in state.subnets.values())
    return state


def _no_epoch(state: DtaoState, netuid: int, total: int) -> list[tuple[str, int, int]]:
    raise AssertionError("reference coinbase cases never reach an epoch")


def _coinbase(case: dict) -> list[str]:
    inputs, expected, tol = case["inputs"], case["expected"], case["tolerance"]["abs"]
    state = _state(inputs)
    state.total_issuance += inputs["emission"]
    report = coinbase.run_coinbase(state, inputs["emission"], _no_epoch)
    failures = []
    for field, attr in [("alpha_reserve", lambda s: s.pool.alpha), ("tao_reserve", lambda s: s.pool.tao),
                        ("pending_owner", lambda s: s.pending_owner), ("pending_server", lambda s: s.pending_server),
                        ("pending_validator", lambda s: s.pending_validator),
                        ("pending_root", lambda s: s.pending_root)]:
        for netuid, want in expected.get(field, {}).items():
            failures += _near(f"{field}[{netuid}]", attr(state.subnets[int(netuid)]), want, tol)
    if "issued" in expected:
        failures += _near("issued", inputs["emission"] - report.recycled_tao, expected["issued"], tol)
    gaps = state.conservation_gaps()
    if gaps:
        failures.append(f"conservation broken: {gaps}")
    return failures


def _moving_price(case: dict) -> list[str]:
    i = case["inputs"]
    state = DtaoState(block=i["block"], moving_alpha=fixed.from_float(i["moving_alpha"], W))
    s = Subnet(1, "o", "oh", Pool(i["tao_reserve"], i["alpha_reserve"]), first_emission_block=i["first_emission_block"],
               moving_price=fixed.from_float(i["moving_price"], W))
    state.subnets[1] = s
    for _ in range(i["steps"]):
        coinbase.update_moving_price(state, s)
    got = fixed.to_float(s.moving_price, W)
    if "below" in case["expected"]:
        return [] if got < case["expected"]["below"] else [f"moving price {got} not below {case['expected']['below']}"]
    return _near("moving price", got, case["expected"]["value"], case["tolerance"]["abs"])


def check_case(case: dict) -> list[str]:
    """The ways the engine disagrees with one reference case."""
    kind, i, e = case["kind"], case["inputs"], case["expected"]
    tol = case["tolerance"]
    if kind == "exp_scaled":
        got = fixed.to_float(_balancer(i["quote_weight"]).exp_scaled(i["reserve"], i["delta"], i["base_quote"]), F)
        return _near("exp_scaled", got, e["value"], tol["abs"])
    if kind in ("quote_delta_in", "base_delta_in"):
        b = _balancer(i["quote_weight"])
        fn = b.quote_delta_in if kind == "quote_delta_in" else b.base_delta_in
        got = fn(fixed.from_float(i["current_price"], F), fixed.from_float(i["target_price"], F), i["reserve"])
        return _near(kind, got, e["value"], tol["abs"])
    if kind == "base_needed_for_quote":
        got = _balancer(i["quote_weight"]).base_needed_for_quote(i["tao_reserve"], i["alpha_reserve"], i["delta_tao"])
        return _near(kind, got, e["value"], tol["abs"])
    if kind == "mul_perquintill_round":
        parts = perquintill_from_rational(*i["perquintill"])
        got = [mul_perquintill_round(parts, v) for v in i["values"]]
        return [] if got == e["values"] else [f"mul_perquintill_round: got {got}, want {e['values']}"]
    if kind == "price":
        got = price_float(_balancer(i["quote_weight"]).price(i["alpha_reserve"], i["tao_reserve"]))
        return _near("price", got, e["value"], tol["abs"])
    if kind == "swap":
        pool = Pool(i["tao_reserve"], i["alpha_reserve"])
        limit = fixed.from_float(i["limit_price"], F)
        result = pool.quote_buy(i["amount"], limit) if i["buy"] else pool.quote_sell(i["amount"], limit)
        failures = _near("paid_out", result.paid_out, e["paid_out"], tol["abs"])
        failures += _near("paid_in", result.paid_in, e["paid_in"], tol["abs"])
        moved_up = result.price_after >= result.price_before
        if moved_up != (e["price_moves"] == "up"):
            failures.append(f"price moved the wrong way: {result.price_before} -> {result.price_after}")
        return failures
    if kind == "convert_deltas":
        b = _balancer(i["quote_weight"])
        tao, alpha, delta = i["tao_reserve"], i["alpha_reserve"], i["delta"]
        failures = _near("sell", b.tao_out_for_alpha_in(tao, alpha, delta), e["sell"], tol["abs"])
        return failures + _near("buy", b.alpha_out_for_tao_in(tao, alpha, delta), e["buy"], tol["abs"])
    if kind == "adjust_liquidity":
        pool = Pool(i["tao_reserve"], i["alpha_reserve"])
        new = pool.balancer.with_added_liquidity(pool.tao, pool.alpha, i["tao_delta"], i["alpha_delta"])
        if new is None:
            return ["weights left [0.01, 0.99]"]
        price = price_float(new.price(pool.alpha + i["alpha_delta"], pool.tao + i["tao_delta"]))
        quote = new.quote / 10**18
        return (_near("price", price, e["price"], e["price"] * tol["price_rel"])
                + _near("quote weight", quote, e["quote_weight"], e["quote_weight"] * tol["quote_weight_rel"]))
    if kind == "coinbase":
        return _coinbase(case)
    if kind == "moving_price":
        return _moving_price(case)
    if kind == "root_proportion":
        state = DtaoState(tao_weight=i["tao_weight"])
        state.root_stake[("h", "c")] = i["root_tao"]
        state.subnets[1] = Subnet(1, "o", "oh", Pool(1, i["alpha_issuance"]))
        tw = state.tao_weight_fixed()
        weighted = fixed.mul(tw, fixed.from_int(i["root_tao"], W), W)
        want = fixed.div(weighted, weighted + fixed.from_int(i["alpha_issuance"], W), W)
        got = state.root_proportion(1)
        return [] if got == want else [f"root_proportion: got {got}, want {want} (U96F32 bits)"]
    if kind == "dividend_distribution":
        stakes = {h: tuple(v) for h, v in i["stakes"].items()}
        alpha, root = coinbase.calculate_dividend_distribution(
            i["pending_validator"], i["pending_root"], fixed.from_float(i["tao_weight"], W), stakes, i["dividends"])
        return (_near("alpha total", fixed.to_int(sum(alpha.values()), W), e["alpha_total"], tol["abs"])
                + _near("root total", fixed.to_int(sum(root.values()), W), e["root_total"], tol["abs"]))
    return [f"unknown case kind {kind!r}"]
