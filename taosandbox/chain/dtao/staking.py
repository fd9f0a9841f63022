"""Staking, unstaking and registration on a dynamic-TAO chain: every one of them is a pool swap.

``pallets/subtensor/src/staking/stake_utils.rs`` (``stake_into_subnet``, ``unstake_from_subnet``,
``swap_tao_for_alpha``, ``swap_alpha_for_tao``) and ``subnets/registration.rs`` (the burn is TAO
swapped into the pool for alpha that is then recycled). Root (netuid 0) is the stable mechanism:
TAO stake 1:1, no pool, no fee.

Every call checks everything before it changes anything: a refusal (``ChainError``) leaves the state
as it was. Limit prices are in rao per alpha, as the extrinsics take them; ``allow_partial=False``
(the default) refuses a swap that would stop at the limit, like ``add_stake_limit`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from taosandbox.chain.dtao.balancer import price_float, price_from_rao
from taosandbox.chain.dtao.pool import MAX_PRICE_RAO, MIN_PRICE_RAO, SwapResult, price_impact
from taosandbox.chain.dtao.state import ROOT, DtaoState, Subnet, subnet_account
from taosandbox.chain.errors import ChainError
from taosandbox.chain.units import rao_to_tao


def _check_amount(amount: int, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ChainError("bad_amount", f"{what} must be a whole number of rao, got {amount!r}")
    if amount <= 0:
        raise ChainError("bad_amount", f"{what} must be positive, got {amount}")


def credit_alpha(s: Subnet, hotkey: str, coldkey: str, amount: int) -> None:
    """``increase_stake_for_hotkey_and_coldkey_on_subnet``."""
    if amount:
        key = (hotkey, coldkey)
        s.alpha_stake[key] = s.alpha_stake.get(key, 0) + amount


def credit_alpha_to_nominators(s: Subnet, hotkey: str, owner: str, amount: int) -> None:
    """``increase_stake_for_hotkey_on_subnet``: every nominator's alpha grows pro rata.

    The chain keeps a share pool per hotkey; here each (hotkey, coldkey) position gets the floor of its
    pro-rata part and the hotkey's owner the flooring remainder (or all of it on an empty hotkey).
    """
    if not amount:
        return
    positions = sorted((c, v) for (h, c), v in s.alpha_stake.items() if h == hotkey and v > 0)
    total = sum(v for _, v in positions)
    given = 0
    if total:
        for coldkey, value in positions:
            part = amount * value // total
            credit_alpha(s, hotkey, coldkey, part)
            given += part
    credit_alpha(s, hotkey, owner, amount - given)


@dataclass(frozen=True)
class StakeQuote:
    """What a stake or an unstake would do, before it is done (``sim_swap``)."""

    netuid: int
    amount_in: int
    """TAO (stake) or alpha (unstake) asked for."""
    amount_out: int
    """Alpha received (stake) or TAO received (unstake)."""
    fee: int
    """In the input token."""
    refund: int
    price_before: float
    price_after: float
    impact: float
    """Average price vs spot, fee included: 0.02 means 2% worse than the spot price."""
    unstake_now: int
    """Stake: TAO you would get back by unstaking the alpha at once. Unstake: equals ``amount_out``."""


def _limit(limit_price_rao: int | None, buy: bool) -> int:
    if limit_price_rao is None:
        return price_from_rao(MAX_PRICE_RAO if buy else MIN_PRICE_RAO)
    _check_amount(limit_price_rao, "a limit price (rao per alpha)")
    return price_from_rao(limit_price_rao)


def _check_partial(result: SwapResult, allow_partial: bool, limit_price_rao: int | None) -> None:
    if result.partial and not allow_partial:
        raise ChainError("slippage_too_high",
                         f"the price would pass your limit of {rao_to_tao(limit_price_rao):.9f} TAO/alpha before the "
                         f"whole amount is swapped ({result.paid_in + result.fee:,} of "
                         f"{result.paid_in + result.fee + result.refund:,} would go through)")


def quote_stake(state: DtaoState, netuid: int, tao: int, limit_price_rao: int | None = None) -> StakeQuote:
    """What staking ``tao`` rao on ``netuid`` would give, and what unstaking it at once would return."""
    _check_amount(tao, "a stake")
    if netuid == ROOT:
        return StakeQuote(ROOT, tao, tao, 0, 0, 1.0, 1.0, 0.0, tao)
    s = state.subnet(netuid)
    result = s.pool.quote_buy(tao, _limit(limit_price_rao, True))
    after = s.pool.after_buy(result)
    try:
        back = after.quote_sell(result.paid_out, _limit(None, False)).paid_out
    except ChainError:
        back = 0
    return StakeQuote(netuid, tao, result.paid_out, result.fee, result.refund, price_float(result.price_before),
                      price_float(result.price_after), price_impact(result, True), back)


def quote_unstake(state: DtaoState, netuid: int, alpha: int, limit_price_rao: int | None = None) -> StakeQuote:
    """What unstaking ``alpha`` alpha-rao from ``netuid`` would pay."""
    _check_amount(alpha, "an unstake")
    if netuid == ROOT:
        return StakeQuote(ROOT, alpha, alpha, 0, 0, 1.0, 1.0, 0.0, alpha)
    s = state.subnet(netuid)
    result = s.pool.quote_sell(alpha, _limit(limit_price_rao, False))
    return StakeQuote(netuid, alpha, result.paid_out, result.fee, result.refund, price_float(result.price_before),
                      price_float(result.price_after), price_impact(result, False), result.paid_out)


def _check_hotkey(state: DtaoState, hotkey: str) -> None:
    if hotkey not in state.owner:
        raise ChainError("no_hotkey", f"hotkey {hotkey!r} is not registered anywhere")


def add_stake(state: DtaoState, coldkey: str, hotkey: str, netuid: int, tao: int,
              limit_price_rao: int | None = None, allow_partial: bool = False) -> StakeQuote:
    """``add_stake`` / ``add_stake_limit``: swap ``tao`` into the pool, the alpha bought is the stake."""
    _check_amount(tao, "a stake")
    _check_hotkey(state, hotkey)
    if state.free.get(coldkey, 0) < tao:
        raise ChainError("insufficient_balance",
                         f"{coldkey} has {state.free.get(coldkey, 0):,} rao free, cannot stake {tao:,}")
    if netuid == ROOT:
        state.free[coldkey] -= tao
        state.root_stake[(hotkey, coldkey)] = state.root_stake.get((hotkey, coldkey), 0) + tao
        return quote_stake(state, ROOT, tao)
    s = state.subnet(netuid)
    quote = quote_stake(state, netuid, tao, limit_price_rao)
    result = s.pool.quote_buy(tao, _limit(limit_price_rao, True))
    _check_partial(result, allow_partial, limit_price_rao)
    if not result.paid_out:
        raise ChainError("amount_too_low", "the stake is too small to buy any alpha")
    spent = result.paid_in + result.fee
    state.free[coldkey] -= spent
    s.pool = s.pool.after_buy(result)
    s.alpha_out += result.paid_out
    credit_alpha(s, hotkey, coldkey, result.paid_out)
    state.free[state.block_author or subnet_account(netuid)] += result.fee  # the fee goes to the block author
    s.tao_flow += spent
    return quote


def remove_stake(state: DtaoState, coldkey: str, hotkey: str, netuid: int, alpha: int,
                 limit_price_rao: int | None = None, allow_partial: bool = False) -> StakeQuote:
    """``remove_stake`` / ``remove_stake_limit``: sell ``alpha`` into the pool for TAO."""
    _check_amount(alpha, "an unstake")
    if netuid == ROOT:
        held = state.root_stake.get((hotkey, coldkey), 0)
        if held < alpha:
            raise ChainError("not_enough_stake",
                             f"{coldkey} has {held:,} rao on root under {hotkey}, cannot unstake {alpha:,}")
        state.root_stake[(hotkey, coldkey)] = held - alpha
        state.free[coldkey] = state.free.get(coldkey, 0) + alpha
        return quote_unstake(state, ROOT, alpha)
    s = state.subnet(netuid)
    held = s.alpha_stake.get((hotkey, coldkey), 0)
    if held < alpha:
        raise ChainError("not_enough_stake",
                         f"{coldkey} has {held:,} alpha-rao on subnet {netuid} under {hotkey}, "
                         f"cannot unstake {alpha:,}")
    quote = quote_unstake(state, netuid, alpha, limit_price_rao)
    result = s.pool.quote_sell(alpha, _limit(limit_price_rao, False))
    _check_partial(result, allow_partial, limit_price_rao)
    after = s.pool.after_sell(result)
    fee_swap = None
    if state.block_author and result.fee:  # the fee alpha is sold, fee-less, for the block author
        fee_swap = after.quote_sell(result.fee, _limit(None, False), drop_fees=True)
    s.alpha_stake[(hotkey, coldkey)] = held - result.paid_in - result.fee
    s.pool = after
    s.alpha_out -= result.paid_in
    state.free[coldkey] = state.free.get(coldkey, 0) + result.paid_out
    paid_out = result.paid_out
    if fee_swap is not None:
        s.pool = s.pool.after_sell(fee_swap)
        s.alpha_out -= fee_swap.paid_in
        state.free[state.block_author] += fee_swap.paid_out
        paid_out += fee_swap.paid_out
    else:
        s.burned += result.fee
    s.tao_flow -= paid_out
    return quote


def register(state: DtaoState, netuid: int, coldkey: str, hotkey: str) -> int:
    """``burned_register``: pay the burn in TAO through the pool and recycle the alpha; returns the uid."""
    s = state.subnet(netuid)
    if not s.registration_allowed:
        raise ChainError("registration_closed", f"subnet {netuid} does not accept registrations")
    if hotkey in s.hotkeys:
        raise ChainError("already_registered", f"{hotkey} is already registered on subnet {netuid}")
    if state.owner.get(hotkey, coldkey) != coldkey:
        raise ChainError("not_owner", f"hotkey {hotkey} belongs to {state.owner[hotkey]}, not {coldkey}")
    if state.free.get(coldkey, 0) < s.burn:
        raise ChainError("insufficient_balance",
                         f"registering on subnet {netuid} burns {s.burn:,} rao; "
                         f"{coldkey} has {state.free.get(coldkey, 0):,}")
    if len(s.hotkeys) >= s.max_uids:
        raise ChainError("subnet_full", f"subnet {netuid} has all its {s.max_uids} uids taken")
    result = s.pool.quote_buy(s.burn, _limit(None, True))
    state.free[coldkey] -= s.burn
    s.pool = s.pool.after_buy(result)  # alpha_out += bought, then -= bought: the alpha is recycled
    state.free[subnet_account(netuid)] += s.burn - result.paid_in  # the fee stays on the subnet account
    s.tao_flow += s.burn
    state.owner.setdefault(hotkey, coldkey)
    s.hotkeys.append(hotkey)
    return len(s.hotkeys) - 1


def add_subnet(state: DtaoState, netuid: int, owner_coldkey: str, owner_hotkey: str, lock_tao: int,
               alpha_reserve: int | None = None, **fields) -> Subnet:
    """Create a subnet whose pool starts with the owner's locked TAO and ``alpha_reserve`` new alpha.

    Upstream (``do_register_network``) seeds the pool 1:1 with the minimum lock; a sandbox world may
    choose another starting price through ``alpha_reserve``. The owner hotkey takes uid 0.
    """
    from taosandbox.chain.dtao.pool import Pool

    if isinstance(netuid, bool) or not isinstance(netuid, int) or netuid <= ROOT:
        raise ChainError("bad_netuid", f"a subnet's netuid is a whole number above 0, got {netuid!r}")
    if netuid in state.subnets:
        raise ChainError("subnet_exists", f"subnet {netuid} already exists")
    _check_amount(lock_tao, "a subnet lock")
    if state.free.get(owner_coldkey, 0) < lock_tao:
        raise ChainError("insufficient_balance", f"{owner_coldkey} cannot lock {lock_tao:,} rao")
    alpha = lock_tao if alpha_reserve is None else alpha_reserve
    _check_amount(alpha, "an alpha reserve")
    state.free[owner_coldkey] -= lock_tao
    fields.setdefault("last_epoch_block", state.block)
    s = Subnet(netuid, owner_coldkey, owner_hotkey, Pool(lock_tao, alpha), **fields)
    state.subnets[netuid] = s
    state.owner.setdefault(owner_hotkey, owner_coldkey)
    s.hotkeys.append(owner_hotkey)
    return s
