"""``taosandbox dtao``: run a dynamic-TAO world without a screen and print what happened."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from taosandbox.chain.units import RAO_PER_TAO
from taosandbox.world.dtao_explain import emission_path, root_vs_alpha
from taosandbox.world.dtao_world import DtaoWorld


def subnet_table(world: DtaoWorld) -> list[str]:
    snap = world.snapshot()
    lines = [f"block {snap.block}  TAO issuance {snap.total_issuance / RAO_PER_TAO:,.3f}  "
             f"emission {snap.block_emission / RAO_PER_TAO:g} TAO/block  root stake {snap.root_stake / RAO_PER_TAO:,.0f} TAO",
             f"{'netuid':>6} {'price':>10} {'EMA':>10} {'share':>8} {'TAO pool':>12} {'alpha pool':>14} "
             f"{'alpha issued':>14} {'alpha/blk':>9}"]
    for r in snap.subnets:
        lines.append(f"{r.netuid:>6} {r.price:>10.6f} {r.moving_price:>10.6f} {r.share:>8.2%} "
                     f"{r.tao_reserve / RAO_PER_TAO:>12,.3f} {r.alpha_reserve / RAO_PER_TAO:>14,.3f} "
                     f"{r.alpha_issuance / RAO_PER_TAO:>14,.3f} {r.alpha_emission / RAO_PER_TAO:>9g}")
    return lines


def summary(world: DtaoWorld) -> dict[str, Any]:
    snap = world.snapshot()
    return {"block": snap.block, "total_issuance_rao": snap.total_issuance, "root_stake_rao": snap.root_stake,
            "state_hash": world.state_hash(), "conservation_gaps": world.state.conservation_gaps(),
            "subnets": [{"netuid": r.netuid, "price": r.price, "moving_price": r.moving_price, "share": r.share,
                         "tao_reserve_rao": r.tao_reserve, "alpha_reserve_rao": r.alpha_reserve,
                         "alpha_issuance_rao": r.alpha_issuance, "protocol_alpha_rao": r.protocol_alpha}
                        for r in snap.subnets],
            "halvings": [e.data for e in world.events if e.kind == "halving"]}


def parse_compare(text: str) -> tuple[int, str, float, int]:
    """``NETUID:HOTKEY:TAO:BLOCKS`` -> its parts, ValueError with the expected form otherwise."""
    parts = text.split(":")
    try:
        netuid, hotkey, amount, blocks = int(parts[0]), parts[1], float(parts[2]), int(parts[3])
    except (IndexError, ValueError):
        raise ValueError(f"--compare {text}: expected NETUID:HOTKEY:TAO:BLOCKS, e.g. 2:sn2-val0:100:720") from None
    if len(parts) != 4 or amount <= 0 or blocks < 1:
        raise ValueError(f"--compare {text}: expected NETUID:HOTKEY:TAO:BLOCKS with TAO > 0 and BLOCKS >= 1")
    return netuid, hotkey, amount, blocks


def dtao_command(scenario: dict[str, Any], blocks: int, explain: bool, compare: str | None,
                 json_path: str | None, out: TextIO = sys.stdout) -> int:
    from taosandbox.world.scenario import ScenarioError

    try:
        world = DtaoWorld(scenario)
        wanted = parse_compare(compare) if compare else None
    except (ScenarioError, ValueError) as exc:
        print(f"taosandbox dtao: {exc}", file=sys.stderr)
        return 2
    world.advance(blocks)
    print("\n".join(subnet_table(world)), file=out)
    for e in world.events:
        if e.kind == "halving":
            print(f"block {e.block}: {e.text}", file=out)
    if explain:
        print("", *emission_path(world), sep="\n", file=out)
    if wanted:
        netuid, hotkey, amount, more = wanted
        try:
            result = root_vs_alpha(world, netuid, hotkey, amount, more)
        except ValueError as exc:
            print(f"taosandbox dtao: --compare: {exc}", file=sys.stderr)
            return 2
        print("", *result.lines(), sep="\n", file=out)
    if json_path:
        text = json.dumps(summary(world), indent=1)
        if json_path == "-":
            print(text, file=out)
        else:
            with open(json_path, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
    return 0 if not world.state.conservation_gaps() else 1
