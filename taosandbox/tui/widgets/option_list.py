"""An OptionList that survives page up/down before its first layout.

Textual 8.2.8's ``OptionList._move_page`` indexes ``_index_to_line`` before the lines are built, so a
page key pressed right after the list is mounted raises KeyError and closes the app (found by the
random-key test).
"""

from __future__ import annotations

from textual.widgets import OptionList


class SafeOptionList(OptionList):
    """OptionList whose page keys do nothing until its lines exist."""

    def _move_page(self, direction) -> None:  # type: ignore[override]
        index = self.highlighted or 0
        if self._options and index not in self._index_to_line:
            self._update_lines()
        if index not in self._index_to_line:
            return
        super()._move_page(direction)
