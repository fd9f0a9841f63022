"""Transaction fees: once per accepted transaction, never for a refused one, burned, conservation exact."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.world.actions import AddStake, Register, RemoveStake, SetModel, SetTake, SetWeights
from taosandbox.world.actions import Propose, Vote
from taosandbox.world import World

from gov_scenarios import gov_scenario

FEE = 1_000_000  # 0.001 TAO
TAO = 10**9


def money(world: World) -> tuple[int, int, int]:
    ledger = world.subnet.ledger
    return ledger.balance("player"), ledger.total_issuance, ledger.fees_paid.get("player", 0)


def test_each_accepted_transaction_pays_the_fee_once_and_refusals_pay_nothing():
    world = World(gov_scenario(fee_rao=FEE))
    free, issuance, paid = money(world)
    cases = [
        (AddStake(hotkey="val-0", amount_rao=5 * TAO), True, 5 * TAO),
        (RemoveStake(hotkey="player-hk1", amount_rao=2 * TAO), True, -2 * TAO),  # val-0: one per 360 blocks
        (SetTake(hotkey="player-hk1", take=1000), True, 0),
        (SetWeights(hotkey="player-hk1", uids=(3, 4), values=(1.0, 1.0)), True, 0),
        (Propose(changes={"kappa": 40000}), True, 0),
        (Vote(proposal=1, aye=True), True, 0),
        (SetModel(hotkey="player-hk1", model="knn"), False, 0),          # refused: a validator
        (AddStake(hotkey="val-0", amount_rao=10**6 * TAO), False, 0),    # refused: not enough
        (RemoveStake(hotkey="val-1", amount_rao=TAO), False, 0),         # refused: nothing staked there
        (SetTake(hotkey="player-hk1", take=60000), False, 0),            # refused: above max_take
        (Vote(proposal=1, aye=False), False, 0),                         # refused: double vote
    ]
    for action, accepted, spend in cases:
        outcome = world.apply(action)
        assert outcome.ok == accepted, (action, outcome.reason)
        fee = FEE if accepted else 0
        now = money(world)
        assert now == (free - spend - fee, issuance - fee, paid + fee), action
        free, issuance, paid = now
        assert world.subnet.ledger.conservation_gap() == 0
    assert world.subnet.ledger.fees_burned >= 6 * FEE
    fee_events = [e for e in world.events if e.kind == "fee"]
    assert len(fee_events) == 6 and all(e.data["fee_rao"] == FEE and e.player for e in fee_events)
    view = world.snapshot()
    assert view.player.spent_fees_rao == 6 * FEE
    assert view.extra["fees"]["fee_rao"] == FEE and "vote" in view.extra["fees"]["transactions"]


def test_off_chain_actions_are_free():
    world = World(gov_scenario(fee_rao=FEE, player={"role": "miner", "balance_tao": 20, "register": True}))
    hotkey = world.snapshot().player.hotkeys[0]
    assert world.apply(SetModel(hotkey=hotkey, model="tree", budget=50)).ok
    assert world.subnet.ledger.fees_paid.get("player", 0) == 0


def test_registration_must_afford_burn_plus_fee():
    burn = 10**9  # the default initial burn
    world = World(gov_scenario(fee_rao=FEE, player={"role": "miner", "balance_tao": burn / TAO}))
    assert world.subnet.burn == burn
    outcome = world.apply(Register(role="miner", model="tree", budget=30))
    assert not outcome.ok and "plus a 0.001000000 τ fee" in outcome.reason
    assert money(world)[0] == burn and world.subnet.ledger.fees_paid.get("player", 0) == 0
    rich = World(gov_scenario(fee_rao=FEE, player={"role": "miner", "balance_tao": 2}))
    assert rich.apply(Register(role="miner", model="tree", budget=30)).ok
    assert money(rich)[0] == 2 * TAO - burn - FEE


def test_non_player_validators_pay_for_setting_weights_and_stop_when_broke():
    world = World(gov_scenario(fee_rao=FEE // 10))
    world.advance(60)
    ledger = world.subnet.ledger
    sets = [e for e in world.events if e.kind == "weights_set" and e.data["hotkey"] == "val-0"]
    assert sets and ledger.fees_paid["val-0-owner"] == len(sets) * FEE // 10
    broke = World(gov_scenario(fee_rao=2 * TAO))   # each validator owner holds 1 TAO free
    broke.advance(30)
    assert not [e for e in broke.events if e.kind == "weights_set" and e.data["hotkey"].startswith("val-")]
    assert broke.subnet.ledger.fees_paid.get("val-0-owner", 0) == 0


def test_senators_pay_for_their_votes():
    world = World(gov_scenario(fee_rao=FEE, governance={"default_policy": "always_yes"}))
    assert world.apply(Propose(changes={"immunity_period": 100})).ok
    world.advance(40)
    proposal = world.governance.proposal(1)
    ledger = world.subnet.ledger
    for hotkey in proposal.votes:
        owner = ledger.owner[hotkey]
        assert ledger.fees_paid[owner] >= FEE
    assert world.subnet.ledger.conservation_gap() == 0


_BASE: dict[int, World] = {}


def base_world() -> World:
    if not _BASE:
        _BASE[0] = World(gov_scenario(fee_rao=FEE, governance={"voting_period": 12, "enactment_delay": 2,
                                                               "senate_required_share": 0.2},
                                      arrivals=[{"every": 9, "balance_tao": 3, "role": "miner",
                                                 "model": "tree", "budget": 20}]))
    return copy.deepcopy(_BASE[0])


HOTKEYS = ["val-0", "val-1", "val-2", "player-hk1"]
action_strategy = st.one_of(
    st.builds(AddStake, hotkey=st.sampled_from(HOTKEYS), amount_rao=st.integers(-5, 60) .map(lambda t: t * TAO)),
    st.builds(RemoveStake, hotkey=st.sampled_from(HOTKEYS), amount_rao=st.integers(0, 1200).map(lambda t: t * TAO)),
    st.builds(Propose, changes=st.sampled_from([{"kappa": 40000}, {"max_allowed_validators": 3},
                                                {"kappa": 99999}, {"immunity_period": 10},
                                                {"mechanism": "yuma3_2026"}, {"max_take": 30000}])),
    st.builds(Vote, proposal=st.integers(0, 4), aye=st.booleans()),
    st.builds(SetTake, hotkey=st.just("player-hk1"), take=st.integers(0, 20000)),
    st.builds(Register, role=st.just("miner"), model=st.just("tree"), budget=st.just(20)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 6), action_strategy), min_size=1, max_size=12))
def test_conservation_holds_over_random_actions_proposals_votes_and_fees(plan):
    world = base_world()
    ledger = world.subnet.ledger
    for wait, action in plan:
        for _ in range(wait):
            world.step()
            assert ledger.conservation_gap() == 0
        free, paid = ledger.balance("player"), ledger.fees_paid.get("player", 0)
        outcome = world.apply(action)
        assert ledger.conservation_gap() == 0
        assert ledger.fees_paid.get("player", 0) == paid + (FEE if outcome.ok else 0)
        if not outcome.ok:
            assert ledger.balance("player") == free
    world.advance(15)
    assert ledger.conservation_gap() == 0
    assert sum(ledger.fees_paid.values()) == ledger.fees_burned
