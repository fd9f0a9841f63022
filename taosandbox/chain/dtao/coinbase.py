"""One block of dynamic-TAO emission: ``block_step`` and ``run_coinbase``.

Transcribed from ``pallets/subtensor/src/coinbase/`` at the pinned commit:
``block_step.rs`` (order: emission, coinbase, moving prices), ``block_emission.rs`` (TAO halving on TAO
issuance, alpha halving on each subnet's alpha issuance: the same curve), ``run_coinbase.rs``
(``get_subnet_terms``, ``inject_and_maybe_swap``, ``emit_to_subnets``, ``drain_pending``,
``distribute_emission``, ``calculate_dividend_distribution``, ``distribute_dividends_and_incentives``),
``subnet_emissions.rs`` (shares, see ``shares``) and ``staking/stake_utils.rs`` (``update_moving_price``).
Fixed-point as upstream: U96F32 for the coinbase terms, U64F64 for shares and prices.

The epoch itself is not here: ``EpochFn`` is called with the alpha to distribute and returns each
hotkey's (incentive, dividend), as ``epoch_with_mechanisms`` does; the world plugs Yuma in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from taosandbox.chain.dtao import fixed
from taosandbox.chain.dtao.pool import MAX_PRICE_RAO, Pool
from taosandbox.chain.dtao.balancer import price_from_rao
from taosandbox.chain.dtao.shares import ShareRule, moving_price, price_ema_shares
from taosandbox.chain.dtao.staking import credit_alpha, credit_alpha_to_nominators
from taosandbox.chain.dtao.state import ROOT, DtaoState, Subnet, subnet_account
from taosandbox.chain.emission import block_emission

W = fixed.U96F32
F = fixed.U64F64
HALF_W = fixed.one(W) >> 1

EpochFn = Callable[[DtaoState, int, int], list[tuple[str, int, int]]]
"""(state, netuid, alpha to distribute) -> [(hotkey, incentive, dividend)] in alpha-rao."""


@dataclass
class SubnetBlock:
    """What one subnet received this block, for the explain screen and tests."""

    tao_emission: int = 0
    tao_in: int = 0
    alpha_in: int = 0
    excess_tao: int = 0
    alpha_bought: int = 0
    alpha_out: int = 0
    owner_cut: int = 0
    server: int = 0
    validator: int = 0
    root_alpha: int = 0
    share: int = 0
    """U64F64 bits."""


@dataclass
class EpochPayout:
    """What a drained epoch paid (``distribute_emission``)."""

    netuid: int
    owner_cut: int
    incentives: dict[str, int] = field(default_factory=dict)
    burned_incentive: int = 0
    alpha_dividends: dict[str, int] = field(default_factory=dict)
    root_dividends: dict[str, int] = field(default_factory=dict)


@dataclass
class BlockReport:
    block: int
    tao_emission: int
    root_sell: bool
    subnets: dict[int, SubnetBlock] = field(default_factory=dict)
    epochs: list[EpochPayout] = field(default_factory=list)
    recycled_tao: int = 0


def subnets_to_emit_to(state: DtaoState) -> list[int]:
    """``get_subnets_to_emit_to``: started (``FirstEmissionBlockNumber``) and open to registration."""
    return [n for n, s in sorted(state.subnets.items())
            if s.first_emission_block is not None and s.registration_allowed]


def block_emissions(state: DtaoState, netuids: list[int], emission: int, rule: ShareRule) -> dict[int, tuple[int, int]]:
    """``get_subnet_block_emissions``: netuid -> (TAO emission as U96F32 bits, share as U64F64 bits)."""
    shares = rule(state, netuids)
    enabled_sum = sum(sh for n, sh in shares.items() if state.subnets[n].emission_enabled)
    any_disabled = any(not state.subnets[n].emission_enabled for n in shares)
    out = {}
    for n, share in shares.items():
        if any_disabled:
            share = fixed.div(share, enabled_sum, F) if state.subnets[n].emission_enabled and enabled_sum else 0
        out[n] = (fixed.convert(fixed.mul(fixed.from_int(emission, F), share, F), F, W), share)
    return out


def subnet_terms(state: DtaoState, netuid: int, tao_emission: int) -> tuple[int, int, int, int]:
    """``get_subnet_terms`` for one subnet: (tao_in, alpha_in, alpha_out, excess_tao), U96F32 bits.

    alpha_in = tao_emission / price, capped at root_proportion × alpha_emission; what the cap removes is
    excess TAO the protocol spends buying alpha.
    """
    s = state.subnets[netuid]
    alpha_emission = fixed.from_int(block_emission(s.alpha_issuance), W)
    price = fixed.convert(s.pool.price(), F, W)
    tao_in = tao_emission
    alpha_in = fixed.div(tao_emission, price, W)
    cap = fixed.mul(state.root_proportion(netuid), alpha_emission, W)
    if alpha_in > cap:
        alpha_in = cap
        tao_in = fixed.mul(alpha_in, price, W)
    excess = max(tao_emission - tao_in, 0)
    return tao_in, alpha_in, alpha_emission, excess


def _inject(state: DtaoState, s: Subnet, tao_in: int, alpha_in: int, excess: int, credit: int, out: SubnetBlock) -> int:
    """``inject_and_maybe_swap`` for one subnet; returns the credit left.

    Upstream order: the weights are updated for the coming injection first, then the excess TAO buys
    alpha on the old reserves (with the new weights), then alpha and TAO enter the reserves.
    """
    new_balancer = s.pool.balancer.with_added_liquidity(s.pool.tao, s.pool.alpha, tao_in, alpha_in)
    if new_balancer is None:  # weights would leave [0.01, 0.99]: nothing injected
        tao_in = alpha_in = 0
    else:
        s.pool = Pool(s.pool.tao, s.pool.alpha, new_balancer, s.pool.fee_rate)
    if excess > 0 and credit >= excess:
        credit -= excess
        try:
            result = s.pool.quote_buy(excess, price_from_rao(MAX_PRICE_RAO), drop_fees=True)
        except ValueError:  # the TAO stays on the subnet account
            state.free[subnet_account(s.netuid)] += excess
        else:
            s.pool = s.pool.after_buy(result)
            s.alpha_out += result.paid_out
            s.protocol_alpha += result.paid_out
            s.protocol_flow += result.paid_in
            state.free[subnet_account(s.netuid)] += excess - result.paid_in
            out.excess_tao, out.alpha_bought = result.paid_in, result.paid_out
    if tao_in > credit:  # spend_tao fails: the TAO is not injected
        tao_in = 0
    credit -= tao_in
    s.pool = Pool(s.pool.tao + tao_in, s.pool.alpha + alpha_in, s.pool.balancer, s.pool.fee_rate)
    s.protocol_flow += tao_in
    out.tao_in, out.alpha_in = tao_in, alpha_in
    return credit


def _emit_alpha_out(state: DtaoState, s: Subnet, alpha_out_w: int, root_sell: bool, out: SubnetBlock) -> None:
    """``emit_to_subnets`` step 3: mint alpha out, split owner 18% / miners / validators / root."""
    created = fixed.to_int(alpha_out_w, W)
    s.alpha_out += created
    if s.owner_cut_enabled:
        cut_w = fixed.mul(alpha_out_w, fixed.ratio(state.owner_cut, 65535, W), W)
        alpha_out_w -= cut_w
        out.owner_cut = fixed.to_int(cut_w, W)
        s.pending_owner += out.owner_cut
    root_w = fixed.mul(fixed.mul(state.root_proportion(s.netuid), alpha_out_w, W), HALF_W, W)
    server_w = fixed.mul(alpha_out_w, HALF_W, W)
    validator_w = max(alpha_out_w - server_w - root_w, 0)
    out.server, out.validator, out.root_alpha = (fixed.to_int(v, W) for v in (server_w, validator_w, root_w))
    s.pending_server += out.server
    s.pending_validator += out.validator
    if root_sell:
        s.pending_root += out.root_alpha
    else:  # recycle_subnet_alpha: root's share is not issued
        s.alpha_out -= out.root_alpha
    s.unheld += created - out.owner_cut - out.server - out.validator - out.root_alpha
    out.alpha_out = created


def update_moving_price(state: DtaoState, s: Subnet) -> None:
    """``update_moving_price``: EMA toward min(price, 1), slowed for young subnets (b / (b + halving))."""
    start = (s.first_emission_block or 0) - 1
    since = fixed.from_int(max(state.block - start, 0), F)
    factor = fixed.div(since, since + fixed.from_int(s.ema_halving_blocks, F), F)
    alpha = fixed.mul(fixed.convert(state.moving_alpha, W, F), factor, F)
    one = fixed.one(F)
    current = fixed.mul(alpha, min(s.pool.price(), one), F)
    keep = fixed.mul(one - alpha, moving_price(state, s.netuid), F)
    s.moving_price = fixed.convert(current + keep, F, W)


def should_run_epoch(state: DtaoState, s: Subnet) -> bool:
    """``should_run_epoch`` (stateful scheduler): ``tempo`` blocks since the last epoch."""
    return s.tempo > 0 and state.block - s.last_epoch_block >= s.tempo


def calculate_dividend_distribution(pending_alpha: int, pending_root: int, tao_weight: int,
                                    stakes: dict[str, tuple[int, int]], dividends: dict[str, int]
                                    ) -> tuple[dict[str, int], dict[str, int]]:
    """``calculate_dividend_distribution``: split each hotkey's epoch dividend into an alpha part and a
    root part by its alpha stake vs TaoWeight × root stake, then share the validators' pending alpha by
    the alpha parts and the pending root alpha by the root parts. ``stakes``: hotkey -> (alpha, root);
    ``tao_weight`` and the results are U96F32 bits."""
    alpha_divs, root_divs = {}, {}
    for hotkey, dividend in dividends.items():
        if hotkey not in stakes:
            continue
        alpha_stake, root_stake = stakes[hotkey]
        root_alpha = fixed.mul(fixed.from_int(root_stake, W), tao_weight, W)
        root_prop = fixed.div(root_alpha, fixed.from_int(alpha_stake, W) + root_alpha, W)
        d = fixed.from_int(dividend, W)
        root_divs[hotkey] = fixed.mul(d, root_prop, W)
        alpha_divs[hotkey] = d - root_divs[hotkey]
    total_root, total_alpha = sum(root_divs.values()), sum(alpha_divs.values())
    root_out = {h: fixed.mul(fixed.from_int(pending_root, W), fixed.div(r, total_root, W), W)
                for h, r in root_divs.items()}
    alpha_out = {h: fixed.mul(fixed.from_int(pending_alpha, W), fixed.div(a, total_alpha, W), W)
                 for h, a in alpha_divs.items()}
    return alpha_out, root_out


def _owner_hotkeys(state: DtaoState, s: Subnet) -> set[str]:
    """``get_owner_hotkeys``: the owner's registered hotkeys, and the owner hotkey."""
    keys = {h for h in s.hotkeys if state.owner.get(h) == s.owner_coldkey}
    if s.owner_hotkey in s.hotkeys:
        keys.add(s.owner_hotkey)
    return keys


def distribute_emission(state: DtaoState, s: Subnet, server: int, validator: int, root: int, owner_cut: int,
                        epoch: EpochFn) -> EpochPayout:
    """``distribute_emission`` and ``distribute_dividends_and_incentives`` for one drained epoch."""
    payout = EpochPayout(s.netuid, owner_cut)
    hotkey_emission = epoch(state, s.netuid, server + validator + root)
    incentives: dict[str, int] = {}
    dividends: dict[str, int] = {}
    for hotkey, incentive, dividend in hotkey_emission:
        incentives[hotkey] = incentives.get(hotkey, 0) + incentive
        dividends[hotkey] = dividends.get(hotkey, 0) + dividend  # no child keys: all to the hotkey
    if sum(incentives.values()) == 0:
        validator += server  # no miner earned: validators take the miners' half too
        server = 0
    stakes = {h: (s.hotkey_alpha(h), state.hotkey_root_stake(h)) for h in dividends}
    alpha_divs, root_divs = calculate_dividend_distribution(validator, root, state.tao_weight_fixed(), stakes,
                                                            dividends)
    paid = 0
    credit_alpha(s, s.owner_hotkey, s.owner_coldkey, owner_cut)
    paid += owner_cut
    owners = _owner_hotkeys(state, s)
    withheld = total_incentive = 0
    for hotkey, incentive in incentives.items():
        total_incentive += incentive
        if hotkey in owners:  # burn_subnet_alpha: out of circulation, SubnetAlphaOut unchanged
            withheld += incentive
            s.burned += incentive
        else:
            credit_alpha(s, hotkey, state.owner.get(hotkey, hotkey), incentive)
            payout.incentives[hotkey] = incentive
        paid += incentive
    payout.burned_incentive = withheld
    s.miner_burned = fixed.ratio(withheld, total_incentive, W) if total_incentive else 0
    for hotkey, divs_w in alpha_divs.items():
        take_w = fixed.mul(state.take_fixed(hotkey), divs_w, W)
        take, rest = fixed.to_int(take_w, W), fixed.to_int(divs_w - take_w, W)
        credit_alpha(s, hotkey, state.owner.get(hotkey, hotkey), take)
        credit_alpha_to_nominators(s, hotkey, state.owner.get(hotkey, hotkey), rest)
        payout.alpha_dividends[hotkey] = take + rest
        paid += take + rest
    for hotkey, root_w in root_divs.items():
        take_w = fixed.mul(state.take_fixed(hotkey), root_w, W)
        take, rest = fixed.to_int(take_w, W), fixed.to_int(root_w - take_w, W)
        credit_alpha(s, hotkey, state.owner.get(hotkey, hotkey), take)
        _credit_root_claim(state, s, hotkey, rest)
        payout.root_dividends[hotkey] = take + rest
        paid += take + rest
    s.unheld += server + validator + root + owner_cut - paid
    return payout


def _credit_root_claim(state: DtaoState, s: Subnet, hotkey: str, amount: int) -> None:
    """Root dividends, claimed at once and kept as alpha (``RootClaimType::Keep``), pro rata root stake."""
    nominators = {c: v for (h, c), v in state.root_stake.items() if h == hotkey and v > 0}
    total = sum(nominators.values())
    if not total:
        credit_alpha(s, hotkey, state.owner.get(hotkey, hotkey), amount)
        return
    given = 0
    for coldkey, stake in sorted(nominators.items()):
        part = amount * stake // total
        credit_alpha(s, hotkey, coldkey, part)
        given += part
    credit_alpha(s, hotkey, state.owner.get(hotkey, hotkey), amount - given)


def drain_pending(state: DtaoState, epoch: EpochFn) -> list[EpochPayout]:
    """``drain_pending`` + ``distribute_emissions_to_subnets``: subnets whose epoch is due pay out."""
    payouts = []
    for netuid, s in sorted(state.subnets.items()):
        if not should_run_epoch(state, s):
            continue
        pots = (s.pending_server, s.pending_validator, s.pending_root, s.pending_owner)
        s.pending_server = s.pending_validator = s.pending_root = s.pending_owner = 0
        s.last_epoch_block = state.block
        payouts.append(distribute_emission(state, s, *pots, epoch))
    return payouts


def run_coinbase(state: DtaoState, emission: int, epoch: EpochFn, rule: ShareRule = price_ema_shares) -> BlockReport:
    """``run_coinbase`` with ``emission`` rao freshly minted (already counted in ``total_issuance``)."""
    report = BlockReport(state.block, emission, False)
    netuids = subnets_to_emit_to(state)
    emissions = block_emissions(state, netuids, emission, rule) if netuids else {}
    root_sell = sum(moving_price(state, n) for n in netuids) > fixed.one(F)
    report.root_sell = root_sell
    terms = {n: subnet_terms(state, n, e) for n, (e, _) in emissions.items()}
    credit = emission
    for n in netuids:
        out = report.subnets[n] = SubnetBlock(tao_emission=fixed.to_int(emissions[n][0], W), share=emissions[n][1])
        tao_in, alpha_in, _, excess = terms[n]
        credit = _inject(state, state.subnets[n], fixed.to_int(tao_in, W), fixed.to_int(alpha_in, W),
                         fixed.to_int(excess, W), credit, out)
    state.total_issuance -= credit  # recycle_credit: unspent emission is never issued
    report.recycled_tao = credit
    for n in netuids:
        _emit_alpha_out(state, state.subnets[n], terms[n][2], root_sell, report.subnets[n])
    report.epochs = drain_pending(state, epoch)
    return report


def block_step(state: DtaoState, epoch: EpochFn, rule: ShareRule = price_ema_shares) -> BlockReport:
    """``block_step``: next block, mint the TAO block emission, run the coinbase, update moving prices."""
    state.block += 1
    emission = block_emission(state.total_issuance)
    state.total_issuance += emission
    report = run_coinbase(state, emission, epoch, rule)
    for n in subnets_to_emit_to(state):
        update_moving_price(state, state.subnets[n])
    return report


__all__ = ["ROOT", "BlockReport", "EpochFn", "EpochPayout", "SubnetBlock", "block_step", "run_coinbase"]
