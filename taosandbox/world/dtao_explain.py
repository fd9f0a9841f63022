"""The emission path of a dTAO world with the real numbers, and a delegator's root-or-alpha comparison.

``emission_path`` follows the last block from the TAO minted to each subnet's share, into its pool
(injection and the protocol's buy), out as alpha (owner, miners, validators, root), and, for subnets whose
epoch ran, to the hotkeys. ``root_vs_alpha`` plays the same future twice on copies of the world: once with
TAO staked on root, once with it staked as alpha on a subnet, and values both positions in TAO as an
unstake would pay them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from taosandbox.chain.dtao import fixed, staking
from taosandbox.chain.dtao.state import ROOT
from taosandbox.chain.errors import ChainError
from taosandbox.chain.units import RAO_PER_TAO, tao_to_rao
from taosandbox.world.dtao_world import DtaoWorld


def _t(rao: int) -> str:
    return f"{rao / RAO_PER_TAO:,.9f}".rstrip("0").rstrip(".")


def emission_path(world: DtaoWorld) -> list[str]:
    """Lines a learner reads top to bottom: block -> subnet -> pool -> neurons, with every amount."""
    report = world.last_report
    if report is None:
        return ["No block has run yet: advance one block to see where its emission goes."]
    st = world.state
    lines = [f"Block {report.block}: {_t(report.tao_emission)} TAO minted "
             f"(TAO issuance now {_t(st.total_issuance)}; the rate halves at each threshold).",
             f"Root dividends this block: {'paid' if report.root_sell else 'recycled'} "
             f"(sum of EMA prices {'>' if report.root_sell else '<='} 1)."]
    for n, b in sorted(report.subnets.items()):
        s = st.subnets[n]
        share = fixed.to_float(b.share, fixed.U64F64)
        lines.append(f"Subnet {n}: share {share:.4%} of the block = {_t(b.tao_emission)} TAO "
                     f"(its EMA price over the sum of EMA prices).")
        lines.append(f"  pool: +{_t(b.tao_in)} TAO and +{_t(b.alpha_in)} alpha injected at price "
                     f"{s.pool.price_float():.6f}; the injection cap (root proportion "
                     f"{fixed.to_float(st.root_proportion(n), fixed.U96F32):.4f} x alpha emission) "
                     f"left {_t(b.excess_tao)} TAO, which bought {_t(b.alpha_bought)} alpha for the protocol.")
        lines.append(f"  alpha out: {_t(b.alpha_out)} alpha minted -> owner {_t(b.owner_cut)}, miners {_t(b.server)}, "
                     f"validators {_t(b.validator)}, root {_t(b.root_alpha)} "
                     f"({'pending' if report.root_sell else 'recycled'}); pending until the epoch: {_t(s.pending)}.")
    for payout in report.epochs:
        top = sorted(payout.incentives.items(), key=lambda kv: -kv[1])[:3]
        divs = sorted(payout.alpha_dividends.items(), key=lambda kv: -kv[1])[:3]
        lines.append(f"Subnet {payout.netuid} epoch: owner {_t(payout.owner_cut)} alpha; miners "
                     + ", ".join(f"{h} {_t(v)}" for h, v in top)
                     + (f"; burned (owner's own miners) {_t(payout.burned_incentive)}" if payout.burned_incentive else "")
                     + "; validators " + ", ".join(f"{h} {_t(v)}" for h, v in divs)
                     + (f"; root stakers {_t(sum(payout.root_dividends.values()))}"
                        if sum(payout.root_dividends.values()) else "")
                     + ".")
    return lines


@dataclass(frozen=True)
class Comparison:
    """What ``amount`` TAO is worth after ``blocks`` blocks on root and as alpha on ``netuid``, in rao."""

    netuid: int
    hotkey: str
    amount: int
    blocks: int
    root_value: int
    alpha_value: int
    alpha_now: int
    """What the alpha position would pay if unstaked right after staking (the round-trip cost)."""

    def lines(self) -> list[str]:
        gain = lambda v: (v - self.amount) / self.amount  # noqa: E731
        return [f"{_t(self.amount)} TAO on {self.hotkey}, {self.blocks} blocks:",
                f"  on root:               worth {_t(self.root_value)} TAO ({gain(self.root_value):+.4%})",
                f"  as alpha on subnet {self.netuid}: worth {_t(self.alpha_value)} TAO ({gain(self.alpha_value):+.4%})",
                f"  (unstaking the alpha at once would pay {_t(self.alpha_now)} TAO: fees and slippage)"]


def _position_value(world: DtaoWorld, coldkey: str, hotkey: str) -> int:
    """TAO on root plus every alpha position of ``coldkey`` on ``hotkey``, valued as unstakes."""
    st = world.state
    value = st.root_stake.get((hotkey, coldkey), 0)
    for n, s in st.subnets.items():
        alpha = s.alpha_stake.get((hotkey, coldkey), 0)
        if alpha:
            try:
                value += staking.quote_unstake(st, n, alpha).amount_out
            except ChainError:
                pass
    return value


def root_vs_alpha(world: DtaoWorld, netuid: int, hotkey: str, amount_tao: float, blocks: int) -> Comparison:
    """Stake ``amount_tao`` from the player on ``hotkey`` on root, or on ``netuid``, and play ``blocks``."""
    amount = tao_to_rao(amount_tao)
    values = {}
    alpha_now = 0
    for where in (ROOT, netuid):
        fork = copy.deepcopy(world)
        fork.player = "(comparison)"
        fork.state.free[fork.player] = amount
        fork.state.total_issuance += amount
        quote = staking.add_stake(fork.state, fork.player, hotkey, where, amount)
        if where != ROOT:
            alpha_now = quote.unstake_now
        fork.advance(blocks)
        values[where] = _position_value(fork, fork.player, hotkey)
    return Comparison(netuid, hotkey, amount, blocks, values[ROOT], values[netuid], alpha_now)
