"""Governance: proposals change the rules at their enactment block, the senate follows stake, refusals."""

import numpy as np
import pytest

from taosandbox.world.actions import AddStake, RemoveStake, action_from_dict
from taosandbox.world.actions import Propose, Vote
from taosandbox.world import World

from gov_scenarios import gov_scenario, proposal_events

ALL_YES = {"default_policy": "always_yes"}
ALL_NO = {"default_policy": "always_no"}


def run_until(world: World, predicate, limit: int = 200) -> None:
    for _ in range(limit):
        if predicate():
            return
        world.step()
    raise AssertionError("condition not reached")


def test_passed_proposal_changes_the_parameter_at_its_enactment_block_and_the_epoch_follows():
    voted, twin = World(gov_scenario(governance=ALL_YES)), World(gov_scenario(governance=ALL_YES))
    voted.advance(10)
    twin.advance(10)
    assert voted.apply(Propose(changes={"max_allowed_validators": 2}, title="fewer permits")).ok
    assert voted.apply(Vote(proposal=1, aye=True)).ok
    proposal = voted.governance.proposal(1)
    run_until(voted, lambda: proposal.status != "open")
    assert proposal.status == "passed"
    enact = proposal.enact_block
    assert enact == voted.block + 5
    while voted.block < enact - 1:
        voted.step()
    while twin.block < voted.block:
        twin.step()
    # Up to the block before, nothing differs: same parameters, same epoch.
    assert voted.subnet.hp.max_allowed_validators == 64
    assert np.array_equal(voted.last_epoch.dividends, twin.last_epoch.dividends)
    assert voted.last_epoch.new_validator_permit.sum() == 9   # n <= 64: every uid (2024 rule)
    voted.step()
    twin.step()
    assert voted.block == enact and voted.subnet.hp.max_allowed_validators == 2
    assert voted.last_epoch.new_validator_permit.sum() == 2   # this block's epoch used the new value
    assert twin.last_epoch.new_validator_permit.sum() == 9
    stages = [e.data["stage"] for e in proposal_events(voted, 1)]
    assert stages[0] == "proposed" and stages[-2:] == ["passed", "enacted"]
    assert stages.count("voted") == 3   # the player plus two senators: the third vote was not needed
    assert voted.snapshot().hyperparameters.max_allowed_validators == 2
    assert voted.subnet.ledger.conservation_gap() == 0


def test_enacted_mechanism_toggle_switches_the_epoch():
    world = World(gov_scenario(governance=ALL_YES))
    world.advance(3)
    assert world.apply(Propose(changes={"mechanism": "yuma3_2026", "liquid_alpha_enabled": True})).ok
    run_until(world, lambda: world.governance.proposal(1).status == "enacted")
    assert world.subnet.hp.mechanism == "yuma3_2026" and world.subnet.hp.liquid_alpha_enabled
    world.advance(3)
    assert world.subnet.ledger.conservation_gap() == 0


def test_rejected_proposal_changes_nothing():
    voted, twin = World(gov_scenario(governance=ALL_NO)), World(gov_scenario(governance=ALL_NO))
    assert voted.apply(Propose(changes={"kappa": 50000})).ok
    assert voted.apply(Vote(proposal=1, aye=True)).ok
    run_until(voted, lambda: voted.governance.proposal(1).status != "open")
    proposal = voted.governance.proposal(1)
    assert proposal.status == "rejected" and "out of reach" in proposal.reason
    voted.advance(60)
    twin.advance(voted.block)
    assert voted.subnet.hp == twin.subnet.hp
    assert voted.snapshot().neurons == twin.snapshot().neurons
    assert voted.subnet.ledger.free == twin.subnet.ledger.free


def test_voting_period_ends_without_majority():
    world = World(gov_scenario(governance={"policies": {"val-0": "always_no"}, "default_policy": "always_yes",
                                           "senate_required_share": 0.5}))
    # Nobody holds half of all stake: an empty senate can never pass anything.
    assert world.governance.senate() == []
    assert world.apply(Propose(changes={"immunity_period": 100})).ok
    world.advance(40)
    proposal = world.governance.proposal(1)
    assert proposal.status == "rejected" and "voting period ended" in proposal.reason
    assert proposal.closed_block == 40 and world.subnet.hp.immunity_period == 5000


def test_self_interested_senators_back_a_higher_take_limit_and_block_a_lower_one():
    world = World(gov_scenario())
    world.advance(5)
    assert world.apply(Propose(changes={"max_take": 30000})).ok
    assert world.apply(Propose(changes={"max_take": 6000, "default_take": 6000})).ok
    run_until(world, lambda: not world.governance.open_proposals())
    up, down = world.governance.proposal(1), world.governance.proposal(2)
    assert up.status == "passed" and all(up.votes.values())
    assert down.status == "rejected" and not any(down.votes.values())
    why = [e.data["why"] for e in proposal_events(world, 2) if e.data["stage"] == "voted"]
    assert why and all("take limit falls" in w for w in why)


def test_self_interest_follows_the_preview_epoch():
    """Cutting permits to 2 raises the share of the two who keep one and zeroes the others'."""
    world = World(gov_scenario())
    world.advance(30)
    assert world.apply(Propose(changes={"max_allowed_validators": 2})).ok
    proposal = world.governance.proposal(1)
    # Equal stakes: the permit ties go to the higher uids, so val-2 (and the player) keep one.
    decisions = {hk: world.governance._decide(hk, proposal, world.block)[0] for hk in ("val-0", "val-1", "val-2")}
    assert decisions == {"val-0": False, "val-1": False, "val-2": True}
    run_until(world, lambda: proposal.status != "open")
    assert proposal.votes and all(aye == decisions[hk] for hk, aye in proposal.votes.items())


def test_senate_follows_stake_and_a_senator_who_leaves_loses_its_vote():
    world = World(gov_scenario(governance={"senate_required_share": 0.25, **ALL_NO}))
    assert sorted(world.governance.senate()) == ["player-hk1", "val-0", "val-1", "val-2"]
    assert world.apply(Propose(changes={"kappa": 40000})).ok
    assert world.apply(Vote(proposal=1, aye=True)).ok
    # Delegating 40 TAO to val-0 lifts it above 25% and drops everyone else below.
    assert world.apply(AddStake(hotkey="val-0", amount_rao=40 * 10**9)).ok
    assert world.governance.senate() == ["val-0"]
    world.step()
    assert world.governance.proposal(1).votes.get("player-hk1") is None
    assert any(e.data.get("removed") for e in proposal_events(world, 1))
    refused = world.apply(Vote(proposal=1, aye=True))
    assert not refused.ok and "none of your hotkeys is in the senate" in refused.reason
    view = world.snapshot().extra["governance"]
    assert [r["hotkey"] for r in view["senate"]] == ["val-0"] and view["majority"] == 1


def test_scheduled_proposal_by_the_triumvirate():
    world = World(gov_scenario(governance={"player_in_triumvirate": False, **ALL_YES,
                                           "schedule": [{"block": 4, "changes": {"immunity_period": 1000},
                                                         "title": "shorter immunity"}]}))
    refused = world.apply(Propose(changes={"kappa": 40000}))
    assert not refused.ok and "only the triumvirate may propose" in refused.reason
    world.advance(4)
    proposal = world.governance.proposal(1)
    assert proposal.proposer == "triumvirate-1" and proposal.title == "shorter immunity"
    view = world.snapshot().extra["governance"]
    row = view["proposals"][0]
    assert row["changes"] == {"immunity_period": [5000, 1000]} and row["blocks_left"] == 40
    assert row["player_may_vote"] and view["player"] == {"can_propose": False,
                                                         "senate_hotkeys": ["player-hk1"], "can_vote": True}
    run_until(world, lambda: proposal.status == "enacted")
    assert world.subnet.hp.immunity_period == 1000


@pytest.mark.parametrize("changes, expected", [
    ({"kappa": 70000}, "kappa: 70000 is outside the allowed range"),
    ({"tempo": -1}, "tempo: -1 is outside the allowed range"),
    ({"kapa": 1}, "did you mean 'kappa'"),
    ({"mechanism": "yuma9"}, "is not one of"),
    ({"liquid_alpha_enabled": 1}, "expected true or false"),
    ({"max_take": 6000}, "propose a new default_take too"),
    ({"max_allowed_uids": 5}, "cannot drop below"),
    ({"max_allowed_uids": 10_000}, "outside the allowed range"),
    ({"kappa": 32767}, "already 32767"),
    ({}, "at least one hyperparameter"),
])
def test_bad_proposals_are_refused_with_the_reason_and_change_nothing(changes, expected):
    world = World(gov_scenario(fee_rao=1000))
    before = world.state_hash()
    outcome = world.apply(Propose(changes=changes))
    assert not outcome.ok and expected in outcome.reason
    assert world.state_hash() == before and world.governance.proposals == []
    assert world.subnet.ledger.fees_paid.get("player", 0) == 0


def test_bad_votes_are_refused_and_change_nothing():
    world = World(gov_scenario(fee_rao=1000, governance=ALL_NO))
    assert world.apply(Propose(changes={"kappa": 40000})).ok
    assert world.apply(Vote(proposal=1, aye=False)).ok
    paid = world.subnet.ledger.fees_paid["player"]
    before = world.state_hash()
    for action, expected in [
        (Vote(proposal=1, aye=True), "already voted nay"),
        (Vote(proposal=7, aye=True), "no proposal #7"),
        (Vote(proposal=1, aye=True, hotkey="val-0"), "player does not own hotkey val-0"),
        (Vote(proposal=1, aye="yes"), "aye: expected true or false"),
    ]:
        outcome = world.apply(action)
        assert not outcome.ok and expected in outcome.reason, outcome.reason
    assert world.state_hash() == before and world.subnet.ledger.fees_paid["player"] == paid
    run_until(world, lambda: world.governance.proposal(1).status != "open")
    closed = world.apply(Vote(proposal=1, aye=True, hotkey="player-hk1"))
    assert not closed.ok and "voting is over" in closed.reason


def test_players_who_are_not_senators_or_triumvirs_cannot_vote_or_propose():
    world = World(gov_scenario(player={"role": "delegator", "balance_tao": 10},
                               governance={"player_in_triumvirate": False}))
    assert not world.apply(Propose(changes={"kappa": 1})).ok
    world.governance.propose("triumvirate-1", {"kappa": 40000})
    outcome = world.apply(Vote(proposal=1, aye=True))
    assert not outcome.ok and "you may not vote" in outcome.reason


def test_governance_actions_round_trip_and_replay_identically():
    actions = [Propose(changes={"max_take": 30000}, title="raise"), Vote(proposal=1, aye=True)]
    assert [action_from_dict(a.to_dict()) for a in actions] == actions

    def play() -> str:
        world = World(gov_scenario(fee_rao=500))
        world.advance(3)
        for action in actions:
            assert world.apply(action).ok
        world.advance(40)
        return world.state_hash()

    assert play() == play()


def test_disabled_governance_refuses_proposals_and_shows_so():
    world = World(gov_scenario(governance={"enabled": False}))
    outcome = world.apply(Propose(changes={"kappa": 40000}))
    assert not outcome.ok and outcome.reason == "governance is switched off in this scenario"
    view = world.snapshot().extra["governance"]
    assert view["enabled"] is False and view["senate"] == [] and view["triumvirate"] == []
