"""Property: whatever order the students' actions arrive in, the class session replays to the same
checkpoints (the world applies them in one order, between blocks, and records each with its block)."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.classroom.classroom import SESSION_FILE, Classroom
from taosandbox.sessions.replay import verify

from class_worlds import CODE, class_scenario

STUDENTS = ("ada", "bob", "cy")


def _action(student: str, choice: int) -> dict:
    own = f"{student}-hk1"
    other = f"{STUDENTS[(STUDENTS.index(student) + 1) % len(STUDENTS)]}-hk1"
    return [
        {"kind": "register", "role": "miner", "model": "knn", "budget": 60},
        {"kind": "register", "role": "validator"},
        {"kind": "add_stake", "hotkey": other, "amount_rao": 2 * 10**9},
        {"kind": "remove_stake", "hotkey": other, "amount_rao": 10**9},
        {"kind": "retrain", "hotkey": own},
        {"kind": "set_take", "hotkey": own, "take": 5000},
        {"kind": "deregister", "hotkey": other},  # someone else's: refused, still recorded
        {"kind": "no_such_action"},  # malformed: refused at the door, not recorded
    ][choice]


moves = st.lists(st.tuples(st.sampled_from(STUDENTS), st.integers(0, 7), st.integers(0, 3)),
                 min_size=1, max_size=14)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves)
def test_any_interleaving_replays_to_the_same_checkpoints(plan):
    with tempfile.TemporaryDirectory() as tmp:
        room = Classroom.new(Path(tmp) / "c", scenario=class_scenario(5), code=CODE)
        room.recorder.every = 2  # many checkpoints, so a divergence would show early
        for name in STUDENTS:
            room.join(name.title(), CODE, "miner")
        for student, choice, blocks in plan:
            room.act(student, _action(student, choice))
            room.step(blocks)
        room.save()
        result = verify(Path(tmp) / "c" / SESSION_FILE)
        assert result.ok, result.message()
        assert result.matched == result.checkpoints >= 1
