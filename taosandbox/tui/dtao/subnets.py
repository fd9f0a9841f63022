"""``SubnetsScreen``: the game screen of a dynamic-TAO world.

A table of subnets (price, EMA price, emission share, pools, alpha issuance and emission), the selected
subnet's price chart, a staking form that quotes before it stakes (alpha out, fee, price impact, what an
unstake would pay at once), root vs alpha, and the block's emission path. Halvings of TAO and of each
alpha show as banners. The world steps on a timer; the engine owns every number.
"""

from __future__ import annotations

from collections import deque

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
from taosandbox.world.dtao_world import DtaoWorld

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
    """
    BINDINGS = [
        Binding("space", "toggle_pause", "Run/pause"),
        Binding("n", "step", "Next block"),
        Binding("e", "explain", "Emission path"),
        Binding("c", "compare", "Root vs alpha"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, world: DtaoWorld, blocks_per_tick: int = 5, hz: float = 4.0):
        super().__init__()
        self.world = world
        self.blocks_per_tick = blocks_per_tick
        self.hz = hz
        self.selected = 1
        self.prices: dict[int, deque[float]] = {n: deque(maxlen=HISTORY) for n in world.state.subnets}
        self.paused = True

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical():
                yield DataTable(id="subnets", cursor_type="row", zebra_stripes=True)
                yield RichLog(id="log", max_lines=400, wrap=True)
            with Vertical(id="side"):
                yield Static(id="status")
                yield Label(id="chart-title")
                yield Sparkline([], id="price-chart")
                with Horizontal(id="stake-form"):
                    yield Input(placeholder="TAO", id="amount", value="10")
                    yield Button("Stake", id="stake", variant="primary")
                    yield Button("On root", id="stake-root")
                    yield Button("Unstake all", id="unstake")
                yield Input(placeholder="max price τ/α (optional slippage limit)", id="limit")
                yield Static(id="quote")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#subnets", DataTable)
        for name, width in COLUMNS:
            table.add_column(name, key=name, width=width)
        for n in sorted(self.world.state.subnets):
            table.add_row(*([""] * len(COLUMNS)), key=str(n))
        self.timer = self.set_interval(1 / self.hz, self.advance, pause=True)
        self._refresh_views()

    # ------------------------------------------------------------------ time
    def advance(self) -> None:
        for _ in range(self.blocks_per_tick):
            self._one_block()
        self._refresh_views()

    def _one_block(self) -> None:
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
                   f"{stop}Your {_tao(held)} α here would unstake for {_tao(back)} τ now.")

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
    def _stake_root(self) -> None:
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
    def _unstake(self) -> None:
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

    def action_leave(self) -> None:
        """Back to the title screen in the game, or quit when this screen is the whole app."""
        self.timer.pause()
        if len(self.app.screen_stack) > 2:
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
