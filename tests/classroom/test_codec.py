"""What a student's snapshot carries over the wire: their validators' bonds (the epoch's matrices stay
on the server), so the validator tab shows bonds in class as it does alone."""

from taosandbox.classroom import codec
from taosandbox.classroom.classroom import Classroom
from taosandbox.tui.widgets.validator_panel import bonds_text


def test_a_student_validator_sees_its_own_bonds(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))
    room = Classroom.new(tmp_path / "class", level="class-03-cabal", code="TEST42")
    seat = room.join("Ada", "TEST42", "validator")
    room.step(20)  # the first epoch: a permit
    for _ in range(15):
        if room.act("ada", {"kind": "set_weights", "hotkey": "ada-hk1", "uids": [3], "values": [1.0]}).ok:
            break
        room.step(1)
    room.step(45)
    here = room.world.snapshot_for(seat.coldkey, room.world.snapshot())
    uid = room.world.subnet.uid("ada-hk1")
    message = codec.dumps({"world": codec.world_part(here), "own": codec.own_part(here)})
    import json
    data = json.loads(message)
    there = codec.snapshot_from(data["world"], data["own"])
    assert there.last_epoch is None  # the matrices stay on the server
    assert bonds_text(there, uid) == bonds_text(here, uid)
    assert bonds_text(there, uid).startswith("bonds (top): uid 3: ")
