"""The emission path shows the block's real numbers; root or alpha compares the same future twice."""

from __future__ import annotations

from taosandbox.chain.units import RAO_PER_TAO
from taosandbox.world.dtao_explain import emission_path, root_vs_alpha
from taosandbox.world.dtao_world import DtaoWorld

SMALL = {"subnets": 3, "validators_per_subnet": 2, "miners_per_subnet": 5, "tempo": 20}


def test_emission_path_before_and_after_a_block() -> None:
    world = DtaoWorld(SMALL)
    assert "advance one block" in emission_path(world)[0]
    world.advance(19)  # subnet 1's epoch runs at block 19
    lines = emission_path(world)
    report = world.last_report
    assert lines[0].startswith("Block 19: 1 TAO minted")
    b = report.subnets[3]
    assert any(f"= {b.tao_emission / RAO_PER_TAO:,.9f}".rstrip("0") in line for line in lines)
    assert any(line.startswith("Subnet 1 epoch: owner") for line in lines)
    assert "0.179995422" in "\n".join(lines)  # the owner's 18% of 1 alpha, to the alpha-rao


def test_root_vs_alpha_leaves_the_world_alone() -> None:
    world = DtaoWorld(SMALL)
    world.advance(5)
    before = world.state_hash()
    result = root_vs_alpha(world, 2, "sn2-val0", 50, 60)
    assert world.state_hash() == before
    assert result.root_value >= 50 * RAO_PER_TAO  # root stake is TAO: it can only gain
    assert 0 < result.alpha_now < 50 * RAO_PER_TAO  # an immediate round trip pays fees
    assert len(result.lines()) == 4 and "subnet 2" in result.lines()[2]
