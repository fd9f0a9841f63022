"""Refusals change nothing, everywhere: malformed actions of every kind against worlds in random states.

``World.apply`` checks an action completely (``World.refusal``) before anything changes. Here every
action kind is sent with bad and out-of-range fields, NaN and infinite numbers, wrong lengths, other
players' hotkeys and unaffordable amounts; whatever is refused must leave ``state_hash()``, every
balance and stake and the issuance as they were, and nothing may raise.
"""

from __future__ import annotations

import copy
import functools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.world import World
from taosandbox.world.actions import (AddStake, Answer, BecomeDelegate, Deregister, Propose, Register,
                                      RemoveStake, Retrain, SetModel, SetScoring, SetTake, SetWeights, Vote)
from world_scenarios import small_scenario

PLAYERS = {
    "miner": {"role": "miner", "balance_tao": 20, "register": True},
    "validator": {"role": "validator", "balance_tao": 50, "register": True, "stake_tao": 100},
}


@functools.lru_cache(maxsize=None)
def base_world(role: str, fee: int) -> World:
    return World(small_scenario(3, player=PLAYERS[role], chain={"fee_rao": fee},
                                governance={"player_in_triumvirate": True}))


def money(world: World) -> tuple:
    ledger = world.subnet.ledger
    return (world.state_hash(), dict(ledger.free), dict(ledger.stake), ledger.total_issuance,
            ledger.recycled, ledger.fees_burned, sorted(world.agents), world.subnet.n)


junk = st.one_of(st.none(), st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.just(-1),
                 st.just(True), st.just(""), st.just("x"), st.just([1, 2]), st.just({"a": 1}),
                 st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True))
hotkeys = st.one_of(st.sampled_from(["player-hk1", "val-0", "val-1", "min-0", "nobody", "", "player-hk2"]),
                    junk)
amounts = st.one_of(st.sampled_from([0, 1, -5, 10**9, 10**18, 2**64]), junk)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), junk)
models = st.one_of(st.sampled_from(["logistic", "tree", "knn", "svm", "forest"]), junk)
params = st.one_of(st.dictionaries(st.sampled_from(["max_depth", "C", "k", "n_estimators", "bogus"]),
                                   numbers, max_size=2), junk)
uid_lists = st.one_of(st.lists(st.integers(-2, 12), max_size=5).map(tuple), junk)
value_lists = st.one_of(st.lists(numbers, max_size=5).map(tuple), junk)

actions = st.one_of(
    st.builds(Register, role=st.one_of(st.sampled_from(["miner", "validator", "owner"]), junk),
              hotkey=st.one_of(st.none(), hotkeys), model=models, params=params,
              budget=st.one_of(st.integers(-5, 10**6), junk)),
    st.builds(Deregister, hotkey=hotkeys),
    st.builds(SetModel, hotkey=hotkeys, model=models, params=params,
              budget=st.one_of(st.integers(-5, 10**6), junk)),
    st.builds(Retrain, hotkey=hotkeys),
    st.builds(SetWeights, hotkey=hotkeys, uids=uid_lists, values=value_lists),
    st.builds(SetScoring, hotkey=hotkeys, auto=st.one_of(st.booleans(), junk),
              sample_size=st.one_of(st.integers(-3, 100), junk), ema_alpha=numbers, power=numbers),
    st.builds(AddStake, hotkey=hotkeys, amount_rao=amounts),
    st.builds(RemoveStake, hotkey=hotkeys, amount_rao=amounts),
    st.builds(SetTake, hotkey=hotkeys, take=st.one_of(st.integers(-10, 70000), junk)),
    st.builds(BecomeDelegate, hotkey=hotkeys, take=st.one_of(st.integers(-10, 70000), junk)),
    st.builds(Answer, question_id=st.one_of(st.text(max_size=5), junk), value=numbers),
    st.builds(Propose, changes=st.one_of(st.dictionaries(
        st.sampled_from(["kappa", "max_take", "tempo", "adjustment_alpha", "mechanism", "nope"]),
        numbers, max_size=2), junk), title=st.one_of(st.text(max_size=5), junk)),
    st.builds(Vote, proposal=st.one_of(st.integers(-1, 3), junk), aye=st.one_of(st.booleans(), junk),
              hotkey=hotkeys),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(role=st.sampled_from(sorted(PLAYERS)), fee=st.sampled_from([0, 1_000_000]),
       blocks=st.integers(0, 40), before=st.lists(actions, max_size=3), action=actions)
def test_every_refused_action_changes_nothing_and_nothing_raises(role, fee, blocks, before, action):
    world = copy.deepcopy(base_world(role, fee))
    world.advance(blocks)
    for earlier in before:  # a random state: some of these are accepted
        world.apply(earlier)
        assert world.subnet.ledger.conservation_gap() == 0
    state = money(world)
    outcome = world.apply(action)
    if not outcome.ok:
        assert outcome.reason
        assert money(world) == state, (action, outcome.reason)
        assert world.events[-1].kind == "refused"
    assert world.subnet.ledger.conservation_gap() == 0
    world.advance(2)
    assert world.subnet.ledger.conservation_gap() == 0


def test_a_registration_with_a_bad_model_parameter_burns_nothing_and_takes_no_uid():
    """The case the issue found: the model name was checked, then the burn paid and the UID taken,
    then the market refused the parameters."""
    world = copy.deepcopy(base_world("miner", 0))
    state = money(world)
    outcome = world.apply(Register(role="miner", model="tree", params={"max_depth": -3}))
    assert not outcome.ok and "max_depth" in outcome.reason
    assert money(world) == state
