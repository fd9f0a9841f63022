"""A shared world: students are extra coldkeys; each acts only for itself, and the log replays."""

from taosandbox.chain.units import tao_to_rao as tao
from taosandbox.world import World
from taosandbox.world.actions import ActAs, AddStake, AddStudent, Register, action_from_dict
from taosandbox.world.world import OUTSIDE

from world_scenarios import small_scenario


def _class_world() -> World:
    world = World(small_scenario(3))
    assert world.apply(AddStudent(coldkey="ada", balance_tao=50, role="miner")).ok
    assert world.apply(AddStudent(coldkey="bob", balance_tao=80, role="delegator")).ok
    return world


def test_a_student_is_funded_from_outside_the_subnet_and_issuance_is_unchanged():
    world = World(small_scenario(3, chain={"total_issuance_tao": 1_000_000}))
    issuance, outside = world.subnet.ledger.total_issuance, world.subnet.ledger.balance(OUTSIDE)
    assert world.apply(AddStudent(coldkey="ada", balance_tao=50)).ok
    ledger = world.subnet.ledger
    assert ledger.balance("ada") == tao(50)
    assert ledger.balance(OUTSIDE) == outside - tao(50)
    assert ledger.total_issuance == issuance
    again = world.apply(AddStudent(coldkey="ada", balance_tao=5))
    assert not again.ok and "already exists" in again.reason


def test_a_student_is_minted_when_too_little_is_held_outside():
    world = World(small_scenario(3))
    issuance = world.subnet.ledger.total_issuance
    assert world.subnet.ledger.balance(OUTSIDE) < tao(50)
    assert world.apply(AddStudent(coldkey="ada", balance_tao=50)).ok
    assert world.subnet.ledger.total_issuance == issuance + tao(50)


def test_each_student_registers_and_sees_their_own_view():
    world = _class_world()
    assert world.apply(ActAs("ada", Register(role="miner").to_dict())).ok
    world.step()  # one registration per block, as on the chain
    assert world.apply(ActAs("bob", Register(role="miner").to_dict())).ok
    with world.acting_as("ada"):
        ada = world.snapshot()
    with world.acting_as("bob"):
        bob = world.snapshot()
    assert ada.player.coldkey == "ada" and ada.player.hotkeys == ("ada-hk1",)
    assert bob.player.hotkeys == ("bob-hk1",) and bob.player.role == "delegator"
    assert [r.hotkey for r in ada.neurons if r.is_player] == ["ada-hk1"]
    assert [r.hotkey for r in bob.neurons if r.is_player] == ["bob-hk1"]
    assert world.snapshot().player.coldkey == world.scenario.player.coldkey  # the scenario's player


def test_a_student_cannot_act_for_another_students_hotkey():
    world = _class_world()
    world.apply(ActAs("ada", Register(role="miner").to_dict()))
    outcome = world.apply(ActAs("bob", {"kind": "deregister", "hotkey": "ada-hk1"}))
    assert not outcome.ok and "not one of your registered hotkeys" in outcome.reason
    assert world.subnet.uid("ada-hk1") is not None
    stranger = world.apply(ActAs("eve", Register().to_dict()))
    assert not stranger.ok and "not a student" in stranger.reason
    nested = world.apply(ActAs("bob", ActAs("ada", Register().to_dict()).to_dict()))
    assert not nested.ok and "cannot act_as" in nested.reason


def test_a_student_pays_from_their_own_balance():
    world = _class_world()
    hotkey = world.snapshot().neurons[0].hotkey
    assert world.apply(ActAs("bob", AddStake(hotkey=hotkey, amount_rao=tao(30)).to_dict())).ok
    assert world.subnet.ledger.stake_of("bob", hotkey) == tao(30)
    assert world.subnet.ledger.balance("bob") <= tao(50)
    assert world.subnet.ledger.stake_of(world.scenario.player.coldkey, hotkey) == 0


def test_the_class_log_replays_to_the_same_state():
    world = _class_world()
    world.advance(3)
    world.apply(ActAs("ada", Register(role="miner", model="knn", budget=100).to_dict()))
    world.advance(5)
    world.apply(ActAs("bob", AddStake(hotkey="ada-hk1", amount_rao=tao(10)).to_dict()))
    world.advance(5)
    replayed = World(small_scenario(3))
    log = list(world.action_log)
    block = 0
    for at, data in log:
        while replayed.block < at:
            replayed.step()
        replayed.apply(action_from_dict(data))
    while replayed.block < world.block:
        replayed.step()
    assert replayed.state_hash() == world.state_hash()


def test_a_students_action_line_says_it_echoes_the_chains_line():
    """The chain's line (registered, staked) already tells the student what happened: the action's line
    carries `echoes` so the class event log shows one line per action, as it does alone."""
    from taosandbox.chain.events import Event
    from taosandbox.tui.widgets.event_log import summarise

    world = _class_world()
    start = len(world.events)
    assert world.apply(ActAs("ada", Register(role="miner").to_dict())).ok
    action = world.events[-1]
    assert action.kind == "action" and action.data["echoes"] >= 1
    # As the class sends them to ada: her lines marked hers, only echoes/fee data kept.
    sent = [Event(e.block, e.kind, e.text, {k: e.data[k] for k in ("echoes", "fee_rao") if k in e.data},
                  player=True) for e in world.events[start:]]
    lines = [text for text, kind in summarise(sent) if kind == "mine"]
    assert len(lines) == 1 and "registered" in lines[0]
