"""Pure helpers of the UI: clock, parsers, event summaries, level choices."""

from __future__ import annotations

import pytest

from taosandbox.chain.units import RAO_PER_TAO
from taosandbox.chain.events import Event
from taosandbox.tui.format import sim_clock
from taosandbox.tui.launch import LevelChoice, as_choice, autosave, autosave_available
from taosandbox.tui.widgets.event_log import summarise
from taosandbox.tui.widgets.forms import parse_params, parse_tao, parse_weights


def test_sim_clock():
    assert sim_clock(0) == "day 0 00:00:00"
    assert sim_clock(8076) == "day 0 02:14:36"
    assert sim_clock(86400 + 12) == "day 1 00:00:12"


def test_parse_tao():
    assert parse_tao("2.5") == 2_500_000_000
    assert parse_tao("1,000 τ") == 1000 * RAO_PER_TAO
    for bad, words in (("", "enter an amount"), ("x", "not a number"), ("-1", "more than 0"),
                       ("nan", "more than 0"), ("0.0000000001", "less than 1 rao")):
        with pytest.raises(ValueError, match=words):
            parse_tao(bad)
    with pytest.raises(ValueError, match="you only have 1.0000"):
        parse_tao("2", available_rao=RAO_PER_TAO)


def test_parse_weights():
    assert parse_weights("3:1, 7:0.5") == ((3, 7), (1.0, 0.5))
    for bad, words in (("3", "write uid:weight"), ("a:1", "not a uid"), ("3:x", "not a weight"),
                       ("3:-1", "0 or more"), ("3:0", "above 0"), ("3:1,3:2", "twice"), ("", "enter")):
        with pytest.raises(ValueError, match=words):
            parse_weights(bad)
    with pytest.raises(ValueError, match="not in the metagraph"):
        parse_weights("9:1", known_uids={1, 2})


def test_parse_params():
    assert parse_params("C=2, kernel=rbf", None) == {"C": 2, "kernel": "rbf"}
    assert parse_params("", {"C": 1}) == {}
    with pytest.raises(ValueError, match="not a setting of this model"):
        parse_params("gamma=1", {"C": 1})
    with pytest.raises(ValueError, match="name=value"):
        parse_params("C", {"C": 1})


def test_event_summary_throttles_routine_events_but_keeps_the_players():
    events = [Event(b, "epoch", f"epoch {b}") for b in range(1, 500)]
    events.append(Event(500, "refused", "Refused stake: not enough", player=True))
    events += [Event(501, "registered", f"r{i}") for i in range(30)]
    lines = summarise(events, dropped=7)
    texts = [t for t, _ in lines]
    assert ("#500 Refused stake: not enough", "error") in lines
    assert sum(t.startswith("#501 r") for t in texts) == 12
    assert texts[-1].startswith("#501 … 499 epoch, 18 registered, 7 more not kept")


def test_level_choices_from_any_shape():
    assert as_choice(("first", "Buy a seat", "miner")) == LevelChoice("first", "Buy a seat", "miner")
    assert as_choice({"name": "x", "title": "X", "role": "validator"}).role == "validator"
    assert as_choice({"name": "y"}) == LevelChoice("y", "y", "any")


def test_autosave_hook_never_raises():
    assert autosave(None) is None
    assert not autosave_available()  # nothing saved yet in this test's home
    assert "nothing saved" in autosave(object())


def test_model_settings_are_checked_against_the_market():
    from taosandbox.market import MODEL_KINDS
    from taosandbox.tui.widgets.miner_panel import allowed_params

    allowed = allowed_params(MODEL_KINDS["logistic"])
    assert set(allowed) == set(MODEL_KINDS["logistic"].params)
    with pytest.raises(ValueError, match="not a setting"):
        parse_params("gamma=1", allowed)
    with pytest.raises(ValueError, match="between"):
        allowed["C"].check("logistic", "C", parse_params("C=1e9", allowed)["C"])


def test_fees_and_spending_are_shown_before_and_after_acting(make_world):
    from taosandbox.world.actions import Register
    from taosandbox.tui.format import fee_note, fee_rao, spending_text
    from taosandbox.tui.widgets.miner_panel import miner_status

    world = make_world("miner", chain__fee_rao=10**7)
    snap = world.snapshot()
    assert fee_rao(snap, "register") == 10**7 and fee_rao(snap, "answer") == 0
    assert "0.0100 τ" in fee_note(snap)
    assert "plus a [b]0.0100 τ[/] fee" in miner_status(snap, [])
    assert world.apply(Register(role="miner")).ok
    snap = world.snapshot()
    assert spending_text(snap.player) == "  spent: burned 1.0000 τ, fees 0.0100 τ"
    assert fee_note(make_world("miner").snapshot()) == ""


def test_tao_cell_keeps_big_stakes_whole_and_uncut():
    from taosandbox.tui.format import tao_cell

    assert tao_cell(12_345_678_900, 10) == "12.35"
    assert tao_cell(99_999 * 10**9, 10) == "99,999.00"
    assert tao_cell(1_800_000 * 10**9, 10) == "1,800,000"   # was cut to "1,800,000." at width 10
    assert tao_cell(270_000_380_000_000, 11) == "270,000"   # one column reads alike from 100,000 τ up
