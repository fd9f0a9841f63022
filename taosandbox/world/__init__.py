"""The world: one subnet's chain, its market and its players, stepped block by block.

Actions go in (``world.actions``), snapshots and events come out (``world.snapshot``,
``taosandbox.chain.events``); ``world.scenario`` is the plain data a world is built from. ``World``
is imported lazily so that reading a scenario or an action does not load the whole engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taosandbox.world.world import World

__all__ = ["World"]


def __getattr__(name: str) -> Any:
    if name == "World":
        from taosandbox.world.world import World

        return World
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
