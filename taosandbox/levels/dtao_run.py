"""Playing a ``ruleset: dtao`` level: ``DtaoLevelRun`` is ``LevelRun`` fed a ``DtaoView`` after every block.

The run reads the player's trades from the world's action events (``DtaoWorld.apply`` puts what each
swap did in ``data["trade"]``), keeps the TAO put in under each hotkey, and values positions as an
unstake would pay them now (``staking.quote_unstake``, the chain's own swap).
"""

from __future__ import annotations

from typing import Any

from taosandbox.chain.dtao import fixed, staking
from taosandbox.chain.dtao.state import ROOT
from taosandbox.chain.errors import ChainError
from taosandbox.levels.dtao_objectives import DTAO_KINDS, DtaoView, Position, Trade
from taosandbox.levels.run import LevelRun


class DtaoLevelRun(LevelRun):
    """``LevelRun`` on a ``DtaoWorld``: objectives see a ``DtaoView`` built after every block."""

    kinds = DTAO_KINDS

    def __init__(self, level: Any, world: Any):
        self.trades: list[Trade] = []
        self.costs: dict[str, int] = {}
        self.burned: dict[int, int] = {}
        self._read = len(world.events)
        """How much of ``world.events`` has been read for trades."""
        super().__init__(level, self.view(world))

    def view(self, world: Any) -> DtaoView:
        """The world as objectives read it: snapshot, last report, trades, positions valued as unstakes."""
        snap = world.snapshot()
        positions = []
        for netuid, hotkey, amount in snap.player_stakes:
            worth = amount
            if netuid != ROOT:
                try:
                    worth = staking.quote_unstake(world.state, netuid, amount).amount_out
                except ChainError:  # more than the pool can pay out: worth nothing now
                    worth = 0
            positions.append(Position(netuid, hotkey, amount, worth))
        burned = tuple((n, fixed.to_float(s.miner_burned, fixed.U96F32)) for n, s in sorted(world.state.subnets.items()))
        return DtaoView(snap, world.last_report, tuple(self.trades), tuple(positions),
                        tuple(sorted(self.costs.items())), tuple(sorted(self.burned.items())), burned)

    def observe(self, world: Any, events: list) -> None:
        # Trades are read from the world's whole log, not only ``events``: an answer judged between blocks
        # (``LevelSession.submit_answer``) must see a stake made a moment before it.
        for event in world.events[self._read:]:
            trade = event.data.get("trade") if event.kind == "action" else None
            if trade is not None:
                self._record(event.block, event.data["action"], trade)
        self._read = len(world.events)
        for payout in (world.last_report.epochs if world.last_report else ()):
            self.burned[payout.netuid] = payout.burned_incentive
        self.update(self.view(world), events)
        world.extra["level"] = self.progress()

    def _record(self, block: int, action: dict, trade: dict) -> None:
        side, hotkey = action["type"], trade.get("hotkey", action.get("hotkey", ""))
        t = Trade(block, side, action["netuid"], hotkey, trade["amount_in"], trade["amount_out"],
                  trade.get("fee", 0), trade.get("impact", 0.0), trade.get("price_before", 0.0),
                  trade.get("price_after", 0.0), trade.get("unstake_now", 0), trade.get("alpha_recycled", 0))
        self.trades.append(t)
        if side in ("stake", "unstake"):
            self.costs[hotkey] = self.costs.get(hotkey, 0) + (t.tao if side == "stake" else -t.tao)

    def _player_hotkeys(self, snapshot: Any) -> frozenset[str]:
        return frozenset()

    def _epoch_ran(self, snapshot: Any, events: Any) -> bool:
        return any(e.kind == "epoch" for e in events)

    def check_action(self, action: Any, where: Any) -> str | None:
        if self.finished:
            return None
        return self.level.constraints.check(action)


def attach_dtao(level: Any, world: Any) -> DtaoLevelRun:
    """Start a dTAO ``level`` on ``world``: observe every block, check every action."""
    run = DtaoLevelRun(level, world)
    world.add_observer(run.observe)
    world.add_action_check(run.check_action)
    world.extra["level"] = run.progress()
    world.extra["questions"] = dict(level.questions)
    return run


__all__ = ["DtaoLevelRun", "attach_dtao"]
