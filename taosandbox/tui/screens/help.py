"""Help pages (a Markdown viewer with a page list) and the searchable glossary.

``HelpScreen(page=None)``: ``page`` is a slug (``"yuma"``) or a title to open first. ``GlossaryScreen(
query="")``: the Input filters terms as you type. Both close with ``escape``.
"""

from __future__ import annotations

from rich.markup import escape as escape_markup
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from taosandbox.tui.widgets.option_list import SafeOptionList
from textual.screen import Screen
from textual.widgets import Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from taosandbox.tui.help_assets import HelpPage, load_glossary, load_help_pages, search_glossary


class HelpScreen(Screen):
    """How to play, the time controls, the metagraph, Yuma, halvings and the sandbox's differences."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("right", "scroll_page(1)", "Scroll page", show=False),
        Binding("left", "scroll_page(-1)", "Scroll page", show=False),
    ]

    def __init__(self, page: str | None = None, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.pages: list[HelpPage] = load_help_pages()
        self.start = self._find(page)
        """Index of the page shown first."""
        self.current = self.start
        """Index of the page on screen."""

    def _find(self, page: str | None) -> int:
        if page is None:
            return 0
        wanted = page.casefold()
        for k, candidate in enumerate(self.pages):
            if wanted in (candidate.slug.casefold(), candidate.title.casefold()):
                return k
        return 0

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield SafeOptionList(*(Option(p.title, id=p.slug) for p in self.pages), id="help-pages")
            with VerticalScroll(id="help-body"):
                yield Markdown(self.pages[self.start].text if self.pages else "No help pages found.",
                               id="help-page")
        yield Footer()

    def on_mount(self) -> None:
        if not self.query("#help-pages"):  # closed again before it mounted (a key right after ?)
            return
        pages = self.query_one("#help-pages", OptionList)
        pages.highlighted = self.start
        pages.focus()

    @on(OptionList.OptionHighlighted, "#help-pages")
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        self.show_page(event.option_index)

    def show_page(self, index: int) -> None:
        """Display page ``index`` (of ``self.pages``)."""
        self.current = index
        self.query_one("#help-page", Markdown).update(self.pages[index].text)
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll_page(self, direction: int) -> None:
        if not self.query("#help-body"):  # a page key before the screen has composed (random keys)
            return
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=direction * max(1, body.size.height - 2), animate=False)


class GlossaryScreen(Screen):
    """Every term a learner meets, with a short definition; type to filter."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, query: str = "", *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.glossary = load_glossary()
        self.initial_query = query
        self.matches: list[tuple[str, str]] = []
        """The terms currently listed, as (term, definition)."""

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial_query, placeholder="Search terms and definitions", id="glossary-search")
        yield Static(id="glossary-count")
        with VerticalScroll(id="glossary-body"):
            yield Static(id="glossary-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#glossary-search", Input).focus()
        self.filter(self.initial_query)

    @on(Input.Changed, "#glossary-search")
    def _changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    def filter(self, query: str) -> None:
        """List the terms matching ``query``."""
        self.matches = search_glossary(self.glossary, query)
        count = self.query_one("#glossary-count", Static)
        count.update(f"{len(self.matches)} of {len(self.glossary)} terms" if query.strip() else
                     f"{len(self.glossary)} terms")
        lines = [f"[b]{escape_markup(term)}[/b]  {escape_markup(definition)}" for term, definition in self.matches]
        self.query_one("#glossary-list", Static).update(
            "\n\n".join(lines) if lines else f"Nothing matches {escape_markup(query)!r}.")
