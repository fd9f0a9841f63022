"""``SubnetsScreen``: the game screen of a dynamic-TAO world.

A table of subnets (price, EMA price, emission share, pools, alpha issuance and emission), the selected
subnet's price chart, a staking form that quotes before it stakes (alpha out, fee, price impact, what an
unstake would pay at once), root vs alpha, and the block's emission path. Halvings of TAO and of each
alpha show as banners. The world steps on a timer; the engine owns every number.

With a ``ruleset: dtao`` level (``session``), the game's ``ObjectivesPanel`` sits on the right with
live progress, hints (i) and the level's questions (a), the briefing comes first and the result at the
end (``LevelIntroModal``, ``LevelResultModal``), and the result is written to the progress file.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, RichLog, Sparkline, Static

from taosandbox.chain.dtao import staking
from taosandbox.chain.errors import ChainError
from taosandbox.chain.units import RAO_PER_TAO, tao_to_rao
from taosandbox.world.dtao_explain import emission_path, root_vs_alpha
from taosandbox.world.dtao_world import DtaoWorld, Outcome

COLUMNS = (("netuid", 6), ("price τ/α", 10), ("EMA", 10), ("share", 8), ("TAO pool", 12), ("alpha pool", 14),
           ("alpha issued", 14), ("α/block", 8))
HISTORY = 240


def _tao(rao: int) -> str:
    return f"{rao / RAO_PER_TAO:,.4f}"


class SubnetsScreen(Screen):
    """Root and N subnets under dynamic TAO: the table, the chart, the staking form, the log."""

    DEFAULT_CSS = """
    SubnetsScreen #subnets { height: 1fr; }
    SubnetsScreen #side { width: 60; }
    SubnetsScreen #chart-title, SubnetsScreen #quote, SubnetsScreen #status { height: auto; padding: 0 1; }
    SubnetsScreen #price-chart { height: 6; }
    SubnetsScreen #stake-form { height: auto; }
    SubnetsScreen #stake-form Input { width: 16; }
    SubnetsScreen #log { height: 12; }
    SubnetsScreen #limit-row { height: auto; }
    SubnetsScreen #limit-row Input { width: 1fr; }
    SubnetsScreen.-level #subnets { height: auto; max-height: 10; }
    SubnetsScreen.-level #side { width: 1fr; height: auto; }
    SubnetsScreen.-level #log { height: 1fr; min-height: 4; }
    SubnetsScreen.-level #price-chart { height: 2; }
    SubnetsScreen.-level ObjectivesPanel { width: 40; }
    /* Under 100 columns (TaoApp's -narrow) the screen stacks and scrolls: table, form, log, objectives. */
    SubnetsScreen.-level.-narrow #body { layout: vertical; overflow-y: auto; }
    SubnetsScreen.-level.-narrow #main { height: auto; }
    SubnetsScreen.-level.-narrow #log { height: 6; }
    SubnetsScreen.-level.-narrow #chart-title, SubnetsScreen.-level.-narrow #price-chart { display: none; }
    SubnetsScreen.-level.-narrow ObjectivesPanel { dock: none; width: 1fr; height: auto; border-left: none;
                                                   border-top: solid $accent; }
    """
    BINDINGS = [
        Binding("space", "toggle_pause", "Run/pause"),
        Binding("n", "step", "Next block"),
        Binding("s", "focus_amount", "Stake…"),
        Binding("e", "explain", "Emission path"),
        Binding("c", "compare", "Root vs alpha"),
        Binding("r", "register", "Register here"),
        Binding("o", "stake_root", "On root", show=False),
        *(Binding(str(n), f"select_subnet({n})", f"Subnet {n}", show=False) for n in range(1, 10)),
        Binding("u", "unstake", "Unstake all", show=False),
        Binding("i", "level_hint", "Hint", show=False),
        Binding("a", "level_answer", "Answer", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, world: DtaoWorld, blocks_per_tick: int = 5, hz: float = 4.0, session: Any = None):
        super().__init__()
        self.world = world
        self.session = session
        """The ``LevelSession`` of a dTAO level played here, or None (the free dTAO sandbox)."""
        self.blocks_per_tick = blocks_per_tick
        self.hz = hz
        self.selected = 1
        self.prices: dict[int, deque[float]] = {n: deque(maxlen=HISTORY) for n in world.state.subnets}
        self.paused = True
        self._leave_armed = False
        """A level's first escape (outside a field) only warns; the second leaves."""

    def compose(self) -> ComposeResult:
        yield Header()
        level = self.session is not None
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield DataTable(id="subnets", cursor_type="row", zebra_stripes=True)
                if level:  # a level's panel takes the right: the form goes under the table
                    yield from self._side()
                yield RichLog(id="log", max_lines=400, wrap=True)
            if not level:
                yield from self._side()
            else:
                from taosandbox.tui.widgets.objectives import ObjectivesPanel

                yield ObjectivesPanel(self.session.level, apply=self._answer, reveal_hint=self.session.reveal_hint,
                                      id="objectives")
        yield Footer()

    def _side(self) -> ComposeResult:
        """Status, price chart, the staking form and its quote."""
        with Vertical(id="side"):
            yield Static(id="status")
            yield Label(id="chart-title")
            yield Sparkline([], id="price-chart")
            with Horizontal(id="stake-form"):
                yield Input(placeholder="TAO", id="amount", value="10")
                yield Button("Stake", id="stake", variant="primary")
                yield Button("On root", id="stake-root")
                yield Button("Unstake all", id="unstake")
            with Horizontal(id="limit-row"):
                yield Input(placeholder="max price τ/α (optional slippage limit)", id="limit")
                yield Button("Register", id="register")
            yield Static(id="quote")

    def on_mount(self) -> None:
        table = self.query_one("#subnets", DataTable)
        for name, width in COLUMNS:
            table.add_column(name, key=name, width=width)
        for n in sorted(self.world.state.subnets):
            table.add_row(*([""] * len(COLUMNS)), key=str(n))
        self.timer = self.set_interval(1 / self.hz, self.advance, pause=True)
        self._refresh_views()
        if self.session is not None:
            self.add_class("-level")
            self._show_intro()

    # ------------------------------------------------------------------ time
    def advance(self) -> None:
        for _ in range(self.blocks_per_tick):
            self._one_block()
            if self.session is not None and self.session.done:
                break
        self._refresh_views()
        self._update_level()

    def _one_block(self) -> None:
        self._leave_armed = False
        for event in self.world.step():
            if event.kind == "halving":
                self.notify(event.text, title="Halving", timeout=8)
                self.query_one("#log", RichLog).write(f"[b]block {event.block}[/b] {event.text}")
        for n, s in self.world.state.subnets.items():
            self.prices[n].append(s.pool.price_float())

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.timer.resume() if not self.paused else self.timer.pause()
        self._refresh_views()

    def action_step(self) -> None:
        self._one_block()
        self._refresh_views()
        self._update_level()

    def pause(self) -> None:
        self.paused = True
        self.timer.pause()

    # ------------------------------------------------------------------ views
    def _refresh_views(self) -> None:
        snap = self.world.snapshot()
        table = self.query_one("#subnets", DataTable)
        with self.app.batch_update():
            for row in snap.subnets:
                cells = (str(row.netuid), f"{row.price:.6f}", f"{row.moving_price:.6f}", f"{row.share:.2%}",
                         _tao(row.tao_reserve), _tao(row.alpha_reserve), _tao(row.alpha_issuance),
                         f"{row.alpha_emission / RAO_PER_TAO:g}")
                for (name, _), value in zip(COLUMNS, cells):
                    if table.get_cell(str(row.netuid), name) != value:
                        table.update_cell(str(row.netuid), name, value)
            state = "paused" if self.paused else "running"
            stakes = ", ".join(f"{'root' if n == 0 else f'sn{n}'} {_tao(v)}{'τ' if n == 0 else 'α'}"
                               for n, _, v in snap.player_stakes) or "none"
            self.query_one("#status", Static).update(
                f"block {snap.block} ({state}) · {snap.block_emission / RAO_PER_TAO:g} τ/block · root "
                f"{_tao(snap.root_stake)} τ · root dividends {'paid' if snap.root_sell else 'recycled'}\n"
                f"you: {_tao(snap.player_free)} τ free · stakes: {stakes}")
            self.query_one("#chart-title", Label).update(f"subnet {self.selected} price (last {HISTORY} blocks)")
            self.query_one("#price-chart", Sparkline).data = list(self.prices[self.selected])
            self._show_quote()

    def _amount(self) -> int | None:
        try:
            value = float(self.query_one("#amount", Input).value)
        except ValueError:
            return None
        return tao_to_rao(value) if value > 0 else None

    def _hotkey(self) -> str:
        return f"sn{self.selected}-val0"

    def _limit(self) -> int | None | str:
        """The slippage limit in rao per alpha, None when empty, or the reason it cannot be read."""
        text = self.query_one("#limit", Input).value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return f"the max price must be a number of TAO per alpha, got {text!r}"
        return tao_to_rao(value) if value > 0 else "the max price must be above 0"

    def _show_quote(self) -> None:
        box = self.query_one("#quote", Static)
        amount, limit = self._amount(), self._limit()
        if amount is None:
            box.update("Type an amount of TAO to see the quote.")
            return
        if isinstance(limit, str):
            box.update(f"[b]Cannot quote:[/b] {limit}")
            return
        try:
            q = staking.quote_stake(self.world.state, self.selected, amount, limit)
        except ChainError as exc:
            box.update(f"[b]Refused:[/b] {exc}")
            return
        stop = (f"  the price reaches your limit first: only {_tao(amount - q.refund)} τ would swap, so Stake "
                f"refuses (no partial fills here)\n" if q.refund else "")
        held = self.world.state.subnets[self.selected].alpha_stake.get((self._hotkey(), self.world.player), 0)
        back = staking.quote_unstake(self.world.state, self.selected, held).amount_out if held else 0
        box.update(f"Stake {_tao(amount)} τ on subnet {self.selected} ({self._hotkey()}):\n"
                   f"  you get {_tao(q.amount_out)} α, fee {_tao(q.fee)} τ\n"
                   f"  price {q.price_before:.6f} -> {q.price_after:.6f}, impact {q.impact:.2%}\n"
                   f"  unstaking it at once would pay {_tao(q.unstake_now)} τ\n"
                   f"{stop}Your {_tao(held)} α here would unstake for {_tao(back)} τ now.\n"
                   f"[dim]keys: 1-9 subnet · s stake · o on root · u unstake all · r register · e emission path[/dim]")

    # ------------------------------------------------------------------ input
    @on(DataTable.RowHighlighted, "#subnets")
    def _select(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.selected = int(event.row_key.value)
            self._refresh_views()

    @on(Input.Changed, "#limit")
    @on(Input.Changed, "#amount")
    def _amount_changed(self) -> None:
        self._show_quote()

    def action_select_subnet(self, netuid: int) -> None:
        """Digits pick a subnet (the table's cursor follows), so the keyboard alone can stake anywhere."""
        if netuid in self.world.state.subnets:
            self.query_one("#subnets", DataTable).move_cursor(row=sorted(self.world.state.subnets).index(netuid))

    def action_focus_amount(self) -> None:
        """The cursor in the amount: type the TAO, enter stakes it on the selected subnet."""
        field = self.query_one("#amount", Input)
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#amount")
    def _stake_typed(self) -> None:
        """Enter in the amount stakes it, and gives the keys back to the game (n, space...)."""
        self._stake()
        self.set_focus(None)

    @on(Button.Pressed, "#stake")
    def _stake(self) -> None:
        amount = self._amount()
        log = self.query_one("#log", RichLog)
        if amount is None:
            log.write("Type a positive amount of TAO first.")
            return
        limit = self._limit()
        if isinstance(limit, str):
            log.write(f"[b]not staked:[/b] {limit}")
            return
        outcome = self.world.apply({"type": "stake", "netuid": self.selected, "hotkey": self._hotkey(),
                                    "amount_tao": amount / RAO_PER_TAO, "limit_price_rao": limit})
        log.write(f"staked: {_tao(outcome.detail.amount_out)} α on subnet {self.selected}" if outcome.ok
                  else f"[b]refused:[/b] {outcome.reason}")
        self._refresh_views()

    @on(Button.Pressed, "#stake-root")
    def action_stake_root(self) -> None:
        """Stake the amount on root (netuid 0, TAO 1:1, no pool) under the selected subnet's validator."""
        amount = self._amount()
        log = self.query_one("#log", RichLog)
        if amount is None:
            log.write("Type a positive amount of TAO first.")
            return
        outcome = self.world.apply({"type": "stake", "netuid": 0, "hotkey": self._hotkey(),
                                    "amount_tao": amount / RAO_PER_TAO})
        log.write(f"staked {_tao(amount)} τ on root under {self._hotkey()}: its weight in subnet {self.selected}'s "
                  f"stake is TaoWeight x that" if outcome.ok else f"[b]refused:[/b] {outcome.reason}")
        self._refresh_views()

    @on(Button.Pressed, "#unstake")
    def action_unstake(self) -> None:
        held = self.world.state.subnets[self.selected].alpha_stake.get((self._hotkey(), self.world.player), 0)
        log = self.query_one("#log", RichLog)
        if not held:
            log.write(f"You hold no alpha on subnet {self.selected} under {self._hotkey()}.")
            return
        outcome = self.world.apply({"type": "unstake", "netuid": self.selected, "hotkey": self._hotkey(),
                                    "amount": held / RAO_PER_TAO})
        log.write(f"unstaked: {_tao(outcome.detail.amount_out)} τ back" if outcome.ok
                  else f"[b]refused:[/b] {outcome.reason}")
        self._refresh_views()

    @on(Button.Pressed, "#register")
    def action_register(self) -> None:
        """Register a hotkey of yours on the selected subnet: the burn is swapped into its pool."""
        s = self.world.state.subnets[self.selected]
        outcome = self.world.apply({"type": "register", "netuid": self.selected})
        trade = self.world.events[-1].data.get("trade", {}) if outcome.ok else {}
        self.query_one("#log", RichLog).write(
            f"registered {trade.get('hotkey')} as uid {outcome.detail} on subnet {self.selected} for a "
            f"{_tao(s.burn)} τ burn: {_tao(trade.get('alpha_recycled', 0))} α bought from the pool and recycled"
            if outcome.ok else f"[b]refused:[/b] {outcome.reason}")
        self._refresh_views()

    # ------------------------------------------------------------------ a level
    def _show_intro(self) -> None:
        from taosandbox.tui.screens.level_intro import LevelIntroModal

        def after(start: bool | None) -> None:
            if not start:
                self._leave_level()
            elif self.session.level.questions:
                self._panel().focus_answer()

        self.app.push_screen(LevelIntroModal(self.session.level), after)

    def _panel(self) -> Any:
        from taosandbox.tui.widgets.objectives import ObjectivesPanel

        return self.query_one("#objectives", ObjectivesPanel)

    def _answer(self, answer: Any) -> Any:
        """The panel's answers: recorded by the run and judged at once, on the world as it is now."""
        reason = self.session.submit_answer(answer)
        self._update_level()
        return Outcome(reason is None, reason)

    def _update_level(self) -> None:
        if self.session is None:
            return
        self._panel().update_from(self.world)  # the world's ``extra["level"]``, as a Snapshot's
        result = self.session.finished()
        if result is None:
            return
        self.pause()
        self._refresh_views()
        from taosandbox.tui.screens.level_result import NEXT, RETRY, LevelResultModal

        session = self.session

        def after(choice: str | None) -> None:
            following = session.next_level() if choice == NEXT else None
            restart = getattr(self.app, "restart_level", None)
            if choice == RETRY and restart:
                restart(session.level.name)
            elif following is not None and restart:
                restart(following.name)
            else:
                self._leave_level()

        self.app.push_screen(LevelResultModal(result, session.level, record=session.record), after)

    def _leave_level(self) -> None:
        leave = getattr(self.app, "leave_game", None)
        if leave is not None:
            self.timer.pause()
            leave()
        else:
            self.action_leave()

    def action_level_hint(self) -> None:
        if self.session is None:
            self.notify("Hints come with levels: pick a dTAO level on the title screen.", timeout=4)
            return
        self._panel().action_hint()

    def action_level_answer(self) -> None:
        if self.session is None or not self.session.level.questions:
            self.notify("There is no question to answer here.", timeout=4)
        elif not self._panel().focus_answer():
            self.notify("Every question is answered.", timeout=4)

    def action_leave(self) -> None:
        """Escape in a field gives the keys back (s, n, space, i...); else back to the title screen in the
        game, or quit when this screen is the whole app."""
        if isinstance(self.focused, Input):
            self.set_focus(None)
            return
        if self.session is not None and not self._leave_armed:  # a level is not left by a stray escape
            self._leave_armed = True
            self.notify("Press escape again to leave this level (it is not saved).", title="Leave the level?",
                        timeout=4)
            return
        self.timer.pause()
        if self.session is not None and getattr(self.app, "leave_game", None) is not None:
            self.app.leave_game()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_explain(self) -> None:
        log = self.query_one("#log", RichLog)
        for line in emission_path(self.world):
            log.write(line)

    def action_compare(self) -> None:
        amount = self._amount() or 10 * RAO_PER_TAO
        result = root_vs_alpha(self.world, self.selected, self._hotkey(), amount / RAO_PER_TAO, 360)
        log = self.query_one("#log", RichLog)
        for line in result.lines():
            log.write(line)
