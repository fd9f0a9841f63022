"""The class server with several real WebSocket clients on 127.0.0.1: join, act, refuse, reconnect,
teacher commands, end class, and resume after a crash."""

import asyncio
import csv
import json

import pytest

from taosandbox.classroom import codec, protocol
from taosandbox.classroom.classroom import SESSION_FILE, Classroom
from taosandbox.classroom.client import ClassClient, ClassError
from taosandbox.classroom.server import ClassServer
from taosandbox.sessions.replay import verify

from class_worlds import CODE


async def _until(client, predicate, timeout=20):
    """The first snapshot/roster of ``client`` for which ``predicate`` holds (each new one is checked)."""
    async def wait():
        while True:
            if client.snapshot is not None and predicate(client.snapshot):
                return client.snapshot
            client.updated.clear()
            await client.updated.wait()
    return await asyncio.wait_for(wait(), timeout)


async def _closing(*clients):
    for c in clients:
        await c.close()


async def test_students_join_act_and_see_each_other(server):
    ada = await ClassClient.join(server.address, "Ada", CODE.lower(), "miner")
    bob = await ClassClient.join(server.address, "Bob", CODE, "delegator")
    assert ada.welcome["coldkey"] == "ada" and bob.welcome["role"] == "delegator"
    assert (await ada.act({"kind": "register", "role": "miner"}))["ok"]
    # the register reaches bob's next snapshot: ada's neuron, not his
    message = await _until(bob, lambda m: "ada-hk1" in str(m["world"]["neurons"]))
    snap = codec.snapshot_from(message["world"], message["own"])
    assert snap.player.coldkey == "bob" and not any(r.is_player for r in snap.neurons)
    staked = await bob.act({"kind": "add_stake", "hotkey": "val-0", "amount_rao": 10**9})  # a delegate
    assert staked["ok"], staked
    theft = await bob.act({"kind": "deregister", "hotkey": "ada-hk1"})
    assert not theft["ok"] and "not one of your registered hotkeys" in theft["reason"]
    await _closing(ada, bob)


@pytest.mark.parametrize("name, code, role, reason", [
    ("Eve", "WRONG", "miner", "wrong class code"),
    ("", CODE, "miner", "a name is"),
    ("Eve", CODE, "wizard", "choose a role"),
])
async def test_a_bad_join_gets_a_clear_message(server, name, code, role, reason):
    with pytest.raises(ClassError, match=reason):
        await ClassClient.join(server.address, name, code, role)


async def test_a_full_class_and_a_close_name_are_refused(server):
    clients = [await ClassClient.join(server.address, f"S{i}", CODE) for i in range(4)]
    with pytest.raises(ClassError, match="the class is full"):
        await ClassClient.join(server.address, "Late", CODE)
    await _closing(*clients)


async def test_a_name_too_close_to_another_is_refused(server):
    ada = await ClassClient.join(server.address, "Ada L", CODE)
    with pytest.raises(ClassError, match="too close to 'Ada L'"):
        await ClassClient.join(server.address, "ada.l", CODE)  # the same coldkey, another name
    await ada.close()


async def test_bad_messages_are_refused_and_change_nothing(server, room):
    ada = await ClassClient.join(server.address, "Ada", CODE)
    log_before = len(room.world.action_log)
    await ada.send_raw("not json")
    await ada.send_raw(json.dumps({"type": "launch_missiles", "id": 50}))
    await ada.send_raw("x" * (protocol.MAX_MESSAGE_BYTES + 1))
    await ada.send_raw(json.dumps({"type": "action", "id": 1, "action": {"kind": "nope"}}))
    await ada.send_raw(json.dumps({"type": "action", "id": 1, "action": {"kind": "register"}}))  # id reused
    await ada.send_raw(json.dumps({"type": "command", "id": 2, "command": "end"}))  # not the teacher
    await ada.send_raw(json.dumps({"type": "action", "id": 3, "action": {"kind": "act_as", "coldkey": "x"}}))
    ada._next_id = 100  # past the raw ids above
    pong = await ada.request({"type": "ping"})  # answered after every frame before it
    assert pong["type"] == "pong"
    reasons = [m["reason"] for m in ada.take("error")] + [m.get("reason") for m in ada.take("result")]
    text = " | ".join(r or "" for r in reasons)
    for expected in ("not JSON", "unknown message type", "too large", "out of order", "not yours"):
        assert expected in text, text
    assert len(room.world.action_log) == log_before
    assert not room.ended
    await ada.close()


async def test_a_flood_is_refused_and_the_others_still_play(server, room):
    ada = await ClassClient.join(server.address, "Ada", CODE)
    bob = await ClassClient.join(server.address, "Bob", CODE)
    for i in range(1, 200):
        await ada.send_raw(json.dumps({"type": "ping", "id": i}))
    assert (await bob.act({"kind": "register", "role": "miner"}))["ok"]
    pong = await bob.request({"type": "ping"})
    assert pong["type"] == "pong"
    assert server.clients and any(c.refused for c in server.clients if c.coldkey == "ada")
    await _closing(ada, bob)


async def test_rejoin_returns_the_seat_and_a_second_tab_takes_over(server, room):
    first = await ClassClient.join(server.address, "Ada", CODE)
    assert (await first.act({"kind": "register", "role": "miner"}))["ok"]
    second = await ClassClient.join(server.address, "ada", CODE)  # same name, another tab
    assert second.welcome["coldkey"] == "ada"
    await asyncio.wait_for(first._reader, 10)  # the old tab is told and closed
    assert "another tab" in (first.closed_reason or "")
    message = await second.next_snapshot()
    assert message["own"]["player"]["hotkeys"] == ["ada-hk1"]
    await second.close()
    third = await ClassClient.join(server.address, "Ada", CODE)  # the network dropped: back again
    assert third.welcome["coldkey"] == "ada" and len(room.seats) == 1
    await _closing(first, third)


async def test_teacher_commands_need_the_secret(server, room):
    with pytest.raises(ClassError, match="wrong teacher secret"):
        await ClassClient.teacher(server.address, "guess")
    teacher = await ClassClient.teacher(server.address, room.secret)
    ada = await ClassClient.join(server.address, "Ada", CODE)
    assert (await teacher.command("step", blocks=3))["ok"]
    assert room.world.block == 3
    assert (await teacher.command("skip", to="epoch"))["ok"]
    assert (await teacher.command("speed", delta=1))["ok"] and room.clock.speed == 3
    assert (await teacher.command("broadcast", text="Register a miner now"))["ok"]
    assert (await teacher.command("lock"))["ok"]
    locked = await ada.act({"kind": "register", "role": "miner"})
    assert not locked["ok"] and "locked" in locked["reason"]
    assert (await teacher.command("unlock"))["ok"]
    assert (await ada.act({"kind": "register", "role": "miner"}))["ok"]
    bad = await teacher.command("warp")
    assert not bad["ok"] and "unknown command" in bad["reason"]
    roster = await _until(teacher, lambda r: r["rows"] and r["rows"][0]["uids"])
    assert roster["type"] == "roster" and roster["rows"][0]["name"] == "Ada" and roster["locked"] is False
    assert roster["leaderboard"]["miner"][0]["coldkey"] == "ada"
    assert (await ada.request({"type": "ping"}))["type"] == "pong"  # sent after the broadcast: it is in
    assert [m["text"] for m in ada.take("broadcast")] == ["Register a miner now"]
    assert (await teacher.command("remove", coldkey="ada"))["ok"]
    with pytest.raises(ClassError, match="removed you"):
        await ClassClient.join(server.address, "Ada", CODE)
    await _closing(teacher, ada)


async def test_end_class_writes_csv_and_a_session_that_verifies(server, room):
    teacher = await ClassClient.teacher(server.address, room.secret)
    ada = await ClassClient.join(server.address, "Ada", CODE)
    bob = await ClassClient.join(server.address, "Bob", CODE, "validator")
    await ada.act({"kind": "register", "role": "miner"})
    await bob.act({"kind": "register", "role": "validator"})
    await teacher.command("step", blocks=12)
    await bob.act({"kind": "add_stake", "hotkey": "bob-hk1", "amount_rao": 5 * 10**9})
    await teacher.command("step", blocks=5)
    ended = await teacher.command("end")
    assert ended["ok"]
    rows = list(csv.DictReader(open(ended["csv"], encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Ada", "Bob"] and rows[1]["role"] == "validator"
    assert float(rows[1]["staked_tao"]) >= 5
    result = verify(ended["session"])
    assert result.ok, result
    late = await ada.act({"kind": "retrain", "hotkey": "ada-hk1"})
    assert not late["ok"] and "ended" in late["reason"]
    await _closing(teacher, ada, bob)


async def test_resume_after_a_crash_keeps_every_seat(server, room):
    ada = await ClassClient.join(server.address, "Ada", CODE)
    await ada.act({"kind": "register", "role": "miner"})
    teacher = await ClassClient.teacher(server.address, room.secret)
    await teacher.command("step", blocks=7)
    await server.call(room.save)  # the autosave (every 2 s while anything changes)
    before = (room.world.block, room.world.state_hash(), room.world.subnet.ledger.balance("ada"))
    await _closing(ada, teacher)
    # a crash: nothing more is saved (no stop()); a new process resumes from the files
    again = await asyncio.get_running_loop().run_in_executor(None, Classroom.resume, room.directory)
    assert (again.world.block, again.world.state_hash(), again.world.subnet.ledger.balance("ada")) == before
    assert again.code == room.code and again.secret == room.secret and list(again.seats) == ["ada"]
    srv = ClassServer(again, port=0)
    await srv.start()
    back = await ClassClient.join(f"127.0.0.1:{srv.port}", "Ada", CODE)
    snap = await back.next_snapshot()
    assert snap["own"]["player"]["hotkeys"] == ["ada-hk1"] and snap["own"]["mine"]
    await back.close()
    await srv.stop()
    assert verify(again.directory / SESSION_FILE).ok
