"""The explain screen's pages: a walkthrough (``taosandbox.world.explain``) written out as Markdown steps.

Plain strings, no Textual: each step is a title, a spec section and a Markdown body with the
formula in words and symbols and the actual numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taosandbox.chain.returns import format_yearly
from taosandbox.chain.units import format_tao
from taosandbox.world.explain import MinerWalkthrough, ValidatorWalkthrough, Walkthrough

NOT_USED = "not used in Yuma 3"


@dataclass(frozen=True)
class Page:
    """One step of the walkthrough."""

    title: str
    section: str
    """Where the spec explains it: "§4.7"."""
    body: str
    """Markdown."""


def f4(x: float | None) -> str:
    return NOT_USED if x is None else f"{x:.4f}"


def pct(x: float) -> str:
    return f"{x:.2%}"


def _table(headers: list[str], rows: list[list[str]], more: int = 0, what: str = "rows") -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    text = "\n".join(lines)
    if more:
        text += f"\n\n…and {more} more {what}."
    return text


def _sum_text(terms: list[str], total: float, more: int) -> str:
    if not terms:
        return f"0 (no terms) = **{total:.4f}**"
    if len(terms) > 6 or more:
        return f"{' + '.join(terms[:6])} + … = **{total:.4f}**"
    return f"{' + '.join(terms)} = **{total:.4f}**"


def _yuma3(walk: Walkthrough) -> bool:
    return walk.mechanism.startswith("yuma3")


# ---------------------------------------------------------------------------------------------
# Miner


def miner_pages(walk: MinerWalkthrough) -> list[Page]:
    j = walk.uid
    received = [r for r in walk.received]
    weights_table = _table(
        ["validator", "active stake aᵢ", f"weight W̄ᵢ,{j}", "aᵢ·W̄"],
        [[str(r.uid), f4(r.active_stake), f4(r.weight), f4(r.active_stake * r.weight)] for r in received],
        walk.received_more, "validators",
    )
    pages = [Page("Weights received", "§4.5", f"""\
Every validator with a permit sets a **weights row**: how good it thinks each miner is. The chain
normalises each row to sum to 1 (W̄), after dropping self-weight and weights set before miner {j}
registered ("outdated"). Column {j} is what miner {j} received. Only validators with a permit that are
active carry **active stake** aᵢ (their share of the stake that votes).

{weights_table}
""")]

    terms = [f"{r.active_stake:.4f}×{r.weight:.4f}" for r in received if r.active_stake > 0 and r.weight > 0]
    pages.append(Page("Prerank", "§4.6", f"""\
**Prerank** is the stake-weighted score before any clipping: each validator's weight times its stake.

*p_j = Σᵢ aᵢ · W̄ᵢⱼ*

p_{j} = {_sum_text(terms, walk.prerank, walk.received_more)}
"""))

    crossing = next((r for r in walk.consensus_rows if r.crosses_kappa), None)
    rows = [[str(r.uid), f4(r.weight), f4(r.active_stake), f4(r.cumulative_stake),
             "◀ κ reached: consensus" if r.crosses_kappa else ""] for r in walk.consensus_rows]
    cons_table = _table(["validator", "weight", "stake", "stake with weight ≥ this", ""], rows,
                        walk.consensus_more, "validators")
    where = (f"The running total first reaches κ at validator {crossing.uid}'s weight, so "
             f"**c_{j} = {walk.consensus:.4f}**." if crossing else
             f"No active stake voted, so **c_{j} = {walk.consensus:.4f}**.")
    pages.append(Page("Consensus", "§4.7", f"""\
**Consensus** is the largest weight that at least κ = {walk.kappa:.5f} of the active stake agrees with:
sort the weights from high to low and add up the stake behind them (a validator that gave nothing
counts as weight 0). It is a stake-weighted upper median, so no minority can push a miner up alone.

*c_j = max {{ w : Σ_{{i : W̄ᵢⱼ ≥ w}} aᵢ ≥ κ }}*

{cons_table}

{where}
"""))

    clip_rows = [[str(r.uid), f4(r.weight), f4(walk.consensus), f4(r.clipped), f4(r.cut)] for r in received]
    above = [r for r in received if r.cut > 1e-12]
    note = (f"{len(above)} validator{'s' if len(above) != 1 else ''} scored miner {j} above consensus; "
            "the excess is thrown away and will also cost them validator trust and bonds."
            if above else "Nobody was above consensus: nothing was clipped.")
    pages.append(Page("Clipping", "§4.8", f"""\
Weights above consensus are cut down to it: being more generous than the majority earns nothing.

*W̃ᵢⱼ = min(W̄ᵢⱼ, c_j)*, clipped amount *W̄ᵢⱼ − W̃ᵢⱼ*

{_table(["validator", "W̄ᵢⱼ", "c_j", "W̃ᵢⱼ", "clipped"], clip_rows, walk.received_more, "validators")}

{note}
"""))

    rank_terms = [f"{r.active_stake:.4f}×{r.clipped:.4f}" for r in received if r.active_stake > 0 and r.clipped > 0]
    if walk.trust is None:
        trust_text = f"Trust and the stored rank are **{NOT_USED}** (§11): incentive comes straight from R."
    elif _yuma3(walk):
        trust_text = (f"Trust = R_j / p_j = {walk.trust:.4f} and the stored rank {f4(walk.rank)} are shown for "
                      f"comparison only: they are **{NOT_USED}** (§11); incentive comes straight from R.")
    else:
        trust_text = (f"**Trust** is the part of the prerank that survived clipping:\n\n"
                      f"*trust_j = R_j / p_j* = {walk.rank_raw:.4f} / {walk.prerank:.4f} = **{walk.trust:.4f}**\n\n"
                      f"The stored **rank** is R normalised over all miners: **{f4(walk.rank)}**.")
    pages.append(Page("Rank and trust", "§4.10", f"""\
**Rank** is the stake-weighted score again, this time with clipped weights.

*R_j = Σᵢ aᵢ · W̃ᵢⱼ*

R_{j} = {_sum_text(rank_terms, walk.rank_raw, walk.received_more)}

{trust_text}
"""))

    pages.append(Page("Incentive", "§4.10", f"""\
**Incentive** is miner {j}'s share of all miners' rank: the miners' half of the emission is divided in
these proportions.

*I_j = R_j / Σₖ R_k* = {walk.rank_raw:.4f} / {walk.rank_raw_total:.4f} = **{walk.incentive:.4f}** ({pct(walk.incentive)})
"""))
    pages.append(Page("Emission", "§4.13", _miner_emission(walk)))
    return pages


def _miner_emission(walk: MinerWalkthrough) -> str:
    fallback = ""
    if walk.fallback:
        fallback = (f"**Fallback ({walk.fallback}):** no weights counted this epoch, so the whole emission "
                    "followed stake and miners received nothing.\n\n")
    return f"""\
{fallback}The epoch's budget E (pending emission minus the subnet owner's 18%) is split between miners'
incentive and validators' dividends, each normalised, so miners share half of E.

*share_j = I_j / (ΣI + ΣD)*, *rao_j = share_j × E*

share = **{walk.emission_share:.6f}** → miner {walk.uid} earned **{format_tao(int(walk.emission_rao))}**
({walk.emission_rao:,.0f} rao).

A miner's emission stays with its hotkey (§5); the sandbox adds it to the owner's stake when the
hotkey is drained.
"""


# ---------------------------------------------------------------------------------------------
# Validator


def validator_pages(walk: ValidatorWalkthrough, *, max_validators: int | None = None,
                    drain_blocks: int | None = None) -> list[Page]:
    i = walk.uid
    k_text = f"the top {max_validators} uids by stake" if max_validators else "the top uids by stake"
    pages = [Page("Permit and stake", "§4.2–§4.4", f"""\
A validator's vote counts only if it holds a **validator permit** ({k_text}) and is **active** (set
weights within the activity cutoff). Its vote is weighted by its **active stake** aᵢ: its stake share
among permitted, active validators.

| | validator {i} |
|---|---:|
| stake share sᵢ = σᵢ / Σσ | {f4(walk.stake_share)} (#{walk.stake_rank} by stake) |
| permit (from this epoch on) | {"yes" if walk.permit else "no"} |
| active | {"yes" if walk.active else "no"} |
| active stake aᵢ | **{f4(walk.active_stake)}** |
""")]

    weight_rows = [[str(w.uid), f4(w.weight), f4(w.consensus), f4(w.clipped), f4(w.cut)] for w in walk.weights]
    weights_note = ("It set no weights (or none that count), so there is nothing to clip."
                    if not walk.weights else
                    f"Clipped in total: **{walk.clipped_total:.4f}** of {walk.weight_total:.4f}.")
    pages.append(Page("Weights vs consensus", "§4.7–§4.8", f"""\
Each miner's consensus c_j is the largest weight backed by ≥ κ = {walk.kappa:.5f} of active stake.
Whatever validator {i} gave above it is clipped: *W̃ᵢⱼ = min(W̄ᵢⱼ, c_j)*.

{_table(["miner", "W̄ᵢⱼ (its weight)", "c_j (consensus)", "W̃ᵢⱼ (kept)", "clipped"], weight_rows,
        walk.weights_more, "miners")}

{weights_note}
"""))

    pages.append(Page("Validator trust", "§4.9", f"""\
**Validator trust** (VTRUST) is how much of the validator's weight survived clipping: close to 1
means it agrees with consensus.

*vtrustᵢ = Σⱼ W̃ᵢⱼ* = {walk.weight_total:.4f} − {walk.clipped_total:.4f} = **{walk.validator_trust:.4f}**
"""))
    pages.append(Page("Bonds", "§4.11" if not _yuma3(walk) else "§11", _bonds_body(walk)))

    term_rows = [[str(t.uid), f4(t.bond), f4(t.incentive), f"{t.term:.6f}"] for t in walk.bond_terms]
    formula = ("*Dᵢ = aᵢ · Σⱼ (Bᵢⱼ / Σₖ Bₖⱼ) · I_j*, then normalised (the bond column already includes aᵢ below)"
               if _yuma3(walk) else "*Dᵢ = Σⱼ B\\*ᵢⱼ · I_j*, then normalised over validators")
    pages.append(Page("Dividends", "§4.12" if not _yuma3(walk) else "§11", f"""\
**Dividends** pay validators for holding bonds in miners that earn incentive: each bond times that
miner's incentive.

{formula}

{_table(["miner", "bond", "incentive I_j", "bond × I_j"], term_rows, walk.bond_terms_more, "terms")}

Σ = **{walk.dividends_raw:.6f}** → normalised dividends Dᵢ = **{walk.dividends:.4f}** ({pct(walk.dividends)} of all dividends)
"""))

    fallback = ""
    if walk.fallback:
        fallback = (f"**Fallback ({walk.fallback}):** no weights counted this epoch, so validators were paid "
                    "in proportion to stake instead of dividends.\n\n")
    pages.append(Page("Emission", "§4.13", f"""\
{fallback}Validators share the other half of the epoch's budget E, in proportion to dividends.

*shareᵢ = Dᵢ / (ΣI + ΣD)*, *raoᵢ = shareᵢ × E*

share = **{walk.emission_share:.6f}** → validator {i} earned **{format_tao(int(walk.emission_rao))}**
({walk.emission_rao:,.0f} rao).
"""))
    pages.append(Page("Take and nominators", "§5", _take_body(walk, drain_blocks)))
    return pages


def _alpha_text(alpha: object) -> str:
    if alpha is None:
        return "α (not reported)"
    values = np.atleast_1d(np.asarray(alpha, dtype=float))
    if values.size == 1:
        return f"α = {float(values[0]):.4f}"
    return f"liquid alpha: α per miner between {values.min():.4f} and {values.max():.4f}"


def _bonds_body(walk: ValidatorWalkthrough) -> str:
    i = walk.uid
    if _yuma3(walk):
        rows = [[str(t.uid), f4(t.weight_for_bonds), f4(t.bond_stored), f4(t.bond)] for t in walk.bond_terms]
        return f"""\
In Yuma 3 a bond is per (validator, miner) pair, in [0, 1], **not** stake-weighted: it moves towards
the validator's *weight for bonds* Wb (its clipped weight, with the bonds penalty β) by
{_alpha_text(walk.ema_alpha)} each epoch. The stake-weighted instant bond ΔB is {NOT_USED}.

*Wbᵢⱼ = W̄ᵢⱼ + β (W̃ᵢⱼ − W̄ᵢⱼ)*, *Bᵢⱼ ← (1 − α) Bᵢⱼ + α · Wbᵢⱼ*

{_table(["miner", "Wbᵢⱼ", "Bᵢⱼ (stored)", "aᵢ · Bᵢⱼ / Σₖ Bₖⱼ"], rows, walk.bond_terms_more, "miners")}
{"" if rows else f"Validator {i} holds no bonds."}
"""
    rows = [[str(t.uid), f4(t.bond_delta), f4(t.bond)] for t in walk.bond_terms]
    return f"""\
**Bonds** are a validator's stake in each miner, built up slowly: this epoch's instant bond is its
stake times its clipped weight, and the stored bond moves towards it by {_alpha_text(walk.ema_alpha)}
(an exponential moving average). Validators that found good miners early hold bigger bonds.

*ΔBᵢⱼ = aᵢ · W̃ᵢⱼ* (column-normalised), *B\\*ᵢⱼ = α · ΔBᵢⱼ + (1 − α) · B̂ᵢⱼ* (column-normalised)

{_table(["miner", "ΔBᵢⱼ (this epoch)", "B*ᵢⱼ (after EMA)"], rows, walk.bond_terms_more, "miners")}
{"" if rows else f"Validator {i} holds no bonds."}
"""


def _take_body(walk: ValidatorWalkthrough, drain_blocks: int | None) -> str:
    when = (f"The sandbox pays a hotkey's stakers every {drain_blocks} blocks (the chain: every 7201)."
            if drain_blocks else "A hotkey's stakers are paid when the hotkey is drained.")
    if walk.take is None or walk.take_rao is None or walk.nominators_rao is None:
        return f"No delegate row for validator {walk.uid}: its take is unknown.\n\n{when}\n"
    return f"""\
The validator's emission V is shared with everyone who staked on its hotkey (nominators). First the
hotkey owner keeps the **take**; the rest is split **pro rata to stake**, the owner's own stake
included, and restaked.

*take = floor(V × take_u16 / 65535)*, *nominators = V − take* (in the chain's I64F64 fixed point,
which can make the take 1 rao smaller). Stake added since the hotkey's last drain does not count yet.

| | |
|---|---:|
| V | {format_tao(int(walk.emission_rao))} |
| take | {walk.take:.2%} → {format_tao(int(walk.take_rao))} |
| shared by stakers | **{format_tao(int(walk.nominators_rao))}** |
{_per_tao_rows(walk)}
{when}
"""


def _per_tao_rows(walk: ValidatorWalkthrough) -> str:
    """The stakers' share per staked TAO, a day and a year, as the delegate table shows it."""
    if walk.stakers_per_tao_day is None or not walk.stake_rao:
        return ""
    return (f"| ÷ stake on the hotkey | {format_tao(walk.stake_rao, 2)} |\n"
            f"| per staked τ, a day at this rate | {walk.stakers_per_tao_day:.6f} τ |\n"
            f"| a year | {format_yearly(walk.stakers_per_tao_day)} |\n")


def pages_for(walk: Walkthrough, *, max_validators: int | None = None,
              drain_blocks: int | None = None) -> list[Page]:
    if isinstance(walk, MinerWalkthrough):
        return miner_pages(walk)
    return validator_pages(walk, max_validators=max_validators, drain_blocks=drain_blocks)
