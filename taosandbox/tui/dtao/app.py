"""``DtaoApp``: the dynamic-TAO game on its own (``taosandbox dtao --play``)."""

from __future__ import annotations

import sys

from textual.app import App
from textual.binding import Binding

from taosandbox.tui.dtao.subnets import SubnetsScreen
from taosandbox.world.dtao_world import DtaoWorld


class DtaoApp(App):
    """One ``SubnetsScreen`` over a world."""

    TITLE = "taosandbox: dynamic TAO"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, world: DtaoWorld, blocks_per_tick: int = 5, hz: float = 4.0):
        super().__init__()
        self.world = world
        self.subnets_screen = SubnetsScreen(world, blocks_per_tick, hz)

    def on_mount(self) -> None:
        self.push_screen(self.subnets_screen)


def run_dtao_app(scenario: dict) -> int:
    """``taosandbox dtao --play``: build the world, open the Subnets screen."""
    from taosandbox.world.scenario import ScenarioError

    try:
        world = DtaoWorld(scenario)
    except ScenarioError as exc:
        print(f"taosandbox dtao: {exc}", file=sys.stderr)
        return 2
    DtaoApp(world).run()
    return 0
