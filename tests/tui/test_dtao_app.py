"""The Subnets screen (in ``DtaoApp``): the table follows the engine, the quote comes before the stake,
halvings show."""

from __future__ import annotations

from textual.widgets import DataTable, Input, RichLog, Static

from taosandbox.chain.emission import halving_threshold
from taosandbox.tui.dtao.app import DtaoApp
from taosandbox.world.dtao_world import DtaoWorld

SMALL = {"subnets": 3, "validators_per_subnet": 2, "miners_per_subnet": 4, "tempo": 20}


def _text(app: DtaoApp, selector: str) -> str:
    return str(app.subnets_screen.query_one(selector, Static).render())


async def test_table_and_quote_then_stake() -> None:
    world = DtaoWorld(SMALL)
    app = DtaoApp(world)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        table = app.subnets_screen.query_one("#subnets", DataTable)
        assert table.row_count == 3
        assert table.get_cell("2", "price τ/α") == f"{world.state.subnets[2].pool.price_float():.6f}"
        await pilot.press("down")  # select subnet 2
        await pilot.pause()
        assert app.subnets_screen.selected == 2
        quote = _text(app, "#quote")
        assert "Stake 10.0000 τ on subnet 2" in quote and "impact" in quote and "unstaking it at once" in quote
        await pilot.click("#stake")
        await pilot.pause()
        assert world.state.subnets[2].alpha_stake[("sn2-val0", "player")] > 0
        assert "sn2" in _text(app, "#status")
        await pilot.click("#unstake")
        await pilot.pause()
        assert world.state.subnets[2].alpha_stake[("sn2-val0", "player")] == 0
        await pilot.click("#stake-root")
        await pilot.pause()
        assert world.state.root_stake[("sn2-val0", "player")] == 10 * 10**9
        assert "root 10.0000τ" in _text(app, "#status")
        assert world.state.conservation_gaps() == {}


async def test_bad_amount_and_refusal_are_explained() -> None:
    app = DtaoApp(DtaoWorld(SMALL))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        app.subnets_screen.query_one("#amount", Input).value = "abc"
        await pilot.pause()
        assert "Type an amount" in _text(app, "#quote")
        app.subnets_screen.query_one("#amount", Input).value = "5000"
        await pilot.pause()
        await pilot.click("#stake")
        await pilot.pause()
        log = app.subnets_screen.query_one("#log", RichLog)
        assert any("refused" in line.text for line in log.lines)


async def test_steps_explain_compare_and_halving_banner() -> None:
    world = DtaoWorld({**SMALL, "tempo": 1000})
    s = world.state.subnets[1]
    s.pool = type(s.pool)(s.pool.tao, s.pool.alpha + halving_threshold(1) - s.alpha_issuance - 2 * 10**9,
                          s.pool.balancer, s.pool.fee_rate)
    app = DtaoApp(world)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        for _ in range(4):
            await pilot.press("n")
        await pilot.pause()
        assert world.block == 4
        log_text = "\n".join(line.text for line in app.subnets_screen.query_one("#log", RichLog).lines)
        assert "Subnet 1 alpha halving" in log_text
        await pilot.press("e")
        await pilot.press("c")
        await pilot.pause()
        log_text = "\n".join(line.text for line in app.subnets_screen.query_one("#log", RichLog).lines)
        assert "Block 4: 1 TAO minted" in log_text and "on root:" in log_text
        assert world.block == 4  # the comparison ran on copies


async def test_the_title_screen_offers_the_dtao_ruleset() -> None:
    import taosandbox.tui.screens.title as title
    from taosandbox.tui.app import TaoApp
    from tests.tui.test_wiring import wait_for_screen

    app = TaoApp()
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_for_screen(pilot, "TitleScreen")
        options = app.screen.query_one("#title-levels")
        options.highlighted = [o.id for o in options.options].index(title.DTAO)
        await pilot.click("#title-start")
        await wait_for_screen(pilot, "SubnetsScreen")
        assert app.screen.query_one("#subnets", DataTable).row_count == 4
        await pilot.press("escape")
        await wait_for_screen(pilot, "TitleScreen")


async def test_slippage_limit_in_the_form() -> None:
    world = DtaoWorld(SMALL)
    app = DtaoApp(world)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        screen = app.subnets_screen
        price = world.state.subnets[1].pool.price_float()
        screen.query_one("#amount", Input).value = "200"
        screen.query_one("#limit", Input).value = f"{price * 1.05:.9f}"
        await pilot.pause()
        assert "the price reaches your limit first" in _text(app, "#quote")
        before = world.state_hash()
        await pilot.click("#stake")
        await pilot.pause()
        assert world.state_hash() == before
        log = app.subnets_screen.query_one("#log", RichLog)
        assert any("refused" in line.text and "limit" in line.text for line in log.lines)
        screen.query_one("#limit", Input).value = "cheap"
        await pilot.pause()
        assert "must be a number" in _text(app, "#quote")
