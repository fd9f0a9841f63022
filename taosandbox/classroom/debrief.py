"""The debrief of a class activity: the lesson, then what this class's subnet actually did.

Markdown, written beside the results CSV at the end of class and shown in the teacher's console.
Every number is read from the class's world (its last epoch) and the students' scores.
"""

from __future__ import annotations

from typing import Any

from taosandbox.chain.units import rao_to_tao


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def debrief_markdown(room: Any) -> str:
    activity, world = room.activity, room.world
    spec, level = activity.spec, activity.level
    snap = world.snapshot()
    rows_by_owner: dict[str, list[Any]] = {}
    for row in snap.neurons:
        rows_by_owner.setdefault(row.coldkey, []).append(row)
    seats = [s for s in room.seats.values() if not s.removed]
    out = [f"# Debrief: {level.title}", "", f"Class `{room.title}`, block {world.block:,}, "
           f"{len(seats)} student{'s' if len(seats) != 1 else ''}.", "", spec.debrief or level.debrief, ""]

    out += ["## The groups", ""]
    for group in spec.groups:
        members = [s for s in seats if s.group == group.name]
        scores = [activity.scores[s.coldkey] for s in members if s.coldkey in activity.scores]
        passed = sum(1 for sc in scores if sc.run.status == "passed")
        earned = [sum(rao_to_tao(r.emission_total_rao) for r in rows_by_owner.get(s.coldkey, [])) for s in members]
        mean = f"; their neurons earned {sum(earned) / len(earned):.4f} τ each on average" if earned else ""
        out.append(f"**{group.title}** ({group.role}, {len(members)} student{'s' if len(members) != 1 else ''}): "
                   f"{passed} passed every objective{mean}.")
        for leaf in scores[0].level.leaves if scores else ():
            done = sum(1 for sc in scores if sc.run.verdicts[leaf.id].status == "passed")
            out.append(f"- {leaf.description}: {done} of {len(scores)}")
        out.append("")

    miners = [(s, r) for s in seats for r in rows_by_owner.get(s.coldkey, []) if r.role == "miner"]
    if miners:
        out += ["## Who won incentive, and why", "",
                "Incentive is each miner's share of the miners' emission: the stake-weighted score the "
                "validators gave it, clipped to consensus. Better answers on the validators' held-out "
                "samples (accuracy) earn more weight.", "",
                "| student | uid | model | accuracy | incentive | earned τ |", "|---|---|---|---|---|---|"]
        for seat, row in sorted(miners, key=lambda sr: -sr[1].incentive):
            acc = "-" if row.accuracy is None else _pct(row.accuracy)
            out.append(f"| {seat.name} | {row.uid} | {row.model or '-'} | {acc} | {row.incentive:.4f} | "
                       f"{rao_to_tao(row.emission_total_rao):.4f} |")
        others = [r for r in snap.neurons if r.role == "miner" and r.coldkey not in room.seats]
        if others:
            best = max(others, key=lambda r: r.incentive)
            acc = "-" if best.accuracy is None else _pct(best.accuracy)
            out += ["", f"The best miner outside the class: uid {best.uid} ({best.model or best.strategy}, "
                        f"accuracy {acc}) with incentive {best.incentive:.4f}."]
        winner, top = max(miners, key=lambda sr: sr[1].incentive)
        if top.incentive > 0:
            out += ["", f"**{winner.name}** won the most incentive ({top.incentive:.4f}) with "
                        f"{top.model or 'a model'}" + (f" at {_pct(top.accuracy)} accuracy." if top.accuracy
                                                        is not None else ".")]
        out.append("")

    validators = [(s, r) for s in seats for r in rows_by_owner.get(s.coldkey, []) if r.role == "validator"]
    if validators:
        honest = [r.validator_trust for r in snap.neurons if r.role == "validator" and r.validator_permit
                  and r.coldkey not in room.seats]
        out += ["## Validators and consensus", "",
                "Yuma clips each weight to the consensus backed by kappa = "
                f"{snap.hyperparameters.kappa_fraction:.2f} of the stake; validator trust (VTRUST) is what is left "
                "of a validator's weights, so 1 - VTRUST is the share Yuma clipped.", "",
                "| student | uid | permit | VTRUST | clipped | dividends | earned τ |", "|---|---|---|---|---|---|---|"]
        epoch = world.last_epoch
        for seat, row in sorted(validators, key=lambda sr: -sr[1].validator_trust):
            # A validator that set no weights has VTRUST 0 with nothing clipped: say so, not "100%".
            weighted = (epoch is not None and row.uid < epoch.n
                        and float(epoch.row("weights_masked_normalized", row.uid).sum()) > 0)
            clipped = ("not counted" if not row.validator_permit else
                       _pct(1 - row.validator_trust) if weighted else "set no weights")
            out.append(f"| {seat.name} | {row.uid} | {'yes' if row.validator_permit else 'no'} | "
                       f"{row.validator_trust:.4f} | {clipped} | {row.dividends:.4f} | "
                       f"{rao_to_tao(row.emission_total_rao):.4f} |")
        if honest:
            out += ["", f"The world's own validators (outside the class) average VTRUST "
                        f"{sum(honest) / len(honest):.4f}."]
        out.append("")

    for group in spec.groups:
        report = activity.teams.get(group.name)
        if group.team is None:
            continue
        out += [f"## The cabal: {group.title}", ""]
        if report is None:
            out += ["No epoch has run since the team was formed: nothing to grade yet.", ""]
            continue
        verdict = ("**caught**: Yuma clipped most of its weight on the favourite"
                   if report["caught"] else "**not caught** at the last epoch")
        out += [f"The team was told to pour its weight on uid {report['favourite_uid']}. At the last epoch "
                f"(block {report['block']:,}) its {len(report['members'])} validator{'s' if len(report['members']) != 1 else ''} gave that miner "
                f"{report['weight_given']:.4f} of their weights in total (each validator's weights sum to 1); "
                f"Yuma clipped {_pct(report['clipped_share'])} of it ({verdict}; caught at "
                f"{report['caught_epochs']} of {report['epochs']} epochs with weights).", "",
                f"- the favourite's consensus weight {report['favourite_consensus']:.4f}, incentive "
                f"{report['favourite_incentive']:.4f}",
                f"- the team's VTRUST {report['team_validator_trust']:.4f} vs the honest validators' "
                f"{report['honest_validator_trust']:.4f}", ""]
        if report["members"]:
            out += ["| member | uid | permit | weight on favourite | kept after the clip | VTRUST |",
                    "|---|---|---|---|---|---|"]
            out += [f"| {m['name']} | {m['uid']} | {'yes' if m['permit'] else 'no'} | "
                    f"{m['weight_on_favourite']:.4f} | {m['kept']:.4f} | {m['validator_trust']:.4f} |"
                    for m in report["members"]]
            out.append("")

    out += ["## Every student", "", "| student | group | objectives passed | status | score |", "|---|---|---|---|---|"]
    for seat in seats:
        score = activity.scores.get(seat.coldkey)
        if score is None:
            continue
        verdicts = score.run.verdicts.values()
        passed = sum(1 for v in verdicts if v.status == "passed")
        out.append(f"| {seat.name} | {seat.group} | {passed}/{len(verdicts)} | {score.run.status} | "
                   f"{score.run.score} |")
    return "\n".join(out) + "\n"
