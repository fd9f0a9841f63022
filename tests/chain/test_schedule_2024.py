"""The 2024 chain's clock: when the epoch runs, when a halving reaches the block emission, and the
owner cut in fixed point (coinbase/run_coinbase.rs and coinbase/root.rs, subtensor v1.2.5)."""

from taosandbox.chain import emission
from taosandbox.chain.hyperparams import CHAIN_2024, SANDBOX
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import RAO_PER_TAO, tao_to_rao


def epoch_blocks(sub: Subnet, until: int) -> list[int]:
    found = []
    while sub.block < until:
        sub.step()
        found += [e.block for e in sub.events if e.kind == "epoch"]
        sub.events.clear()
    return found


def test_chain_2024_runs_the_epoch_when_block_plus_netuid_plus_one_divides_by_tempo_plus_one():
    """should_run_epoch: blocks_until_next_epoch = tempo - (block + netuid + 1) % (tempo + 1) is 0.
    Netuid 1, tempo 360: (b + 2) % 361 == 360 at blocks 358, 719, 1080 (every 361 blocks, not 360)."""
    sub = Subnet(CHAIN_2024)
    sub.ledger.create_coldkey("alice", tao_to_rao(10))
    sub.register("alice", "a")
    assert sub.blocks_to_next_epoch() == 358
    assert epoch_blocks(sub, 1100) == [358, 719, 1080]
    assert sub.blocks_to_next_epoch() == 361 - (1100 - 1080)


def test_the_sandbox_keeps_the_period_rule_and_lists_it():
    """tempo 1 with the period rule: an epoch every block (the sandbox's override, listed)."""
    from taosandbox.chain.hyperparams import sandbox_differences

    sub = Subnet(SANDBOX.replace(tempo=3))
    sub.ledger.create_coldkey("alice", tao_to_rao(10))
    sub.register("alice", "a")
    assert epoch_blocks(sub, 9) == [3, 6, 9]
    assert any(line.startswith("epoch_schedule = period (chain: chain_2024)")
               for line in sandbox_differences(SANDBOX))


def test_owner_cut_is_the_chains_i96f32_product():
    """run_coinbase 4.6.1: I96F32(361e9) · (I96F32(11796) / I96F32(65535)) = 361e9 · floor(11796 ·
    2^32 / 65535) / 2^32 → 64_978_347_432 rao (YUMA_SPEC §3's figure; the exact floor is 15 rao more)."""
    sub = Subnet(SANDBOX.replace(tempo=361))
    sub.ledger.create_coldkey("alice", tao_to_rao(10))
    sub.register("alice", "a")
    while sub.block < 361:
        sub.step()
    assert sub.ledger.balance("subnet-owner") == 64_978_347_432
    assert 361 * RAO_PER_TAO * 11796 // 65535 == 64_978_347_432 + 15


def test_a_halving_reaches_the_block_emission_at_the_next_root_epoch():
    """run_coinbase mints EmissionValues, which root_epoch (netuid 0, tempo 100) refreshes when
    blocks_until_next_epoch is 0: (block + 1) % 101 == 100. Issuance crosses 10.5M τ at block 3;
    blocks 4..98 still mint 1 τ; block 99 is a root epoch and mints 0.5 τ."""
    threshold = emission.halving_threshold(1)
    sub = Subnet(CHAIN_2024.replace(tempo=0), total_issuance=threshold - 3 * RAO_PER_TAO)
    sub.emission_rate = emission.block_emission(sub.ledger.total_issuance)
    minted = []
    for _ in range(101):
        before = sub.ledger.total_issuance
        sub.step()
        minted.append(sub.ledger.total_issuance - before)
    assert sub.halvings[0]["block"] == 3
    assert minted[:98] == [RAO_PER_TAO] * 98  # blocks 1..98
    assert minted[98:] == [RAO_PER_TAO // 2] * 3  # blocks 99..101
    assert "from the next root epoch, block 99" in next(e.text for e in sub.events if e.kind == "halving")
