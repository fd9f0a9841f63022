"""Help pages and glossary: the assets are found and complete, each page renders, search works."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input, Markdown, OptionList, Static

from taosandbox.tui.help_assets import help_dir, load_glossary, load_help_pages, search_glossary
from taosandbox.paths import assets_dir
from taosandbox.tui.screens.help import GlossaryScreen, HelpScreen

A7_TERMS = [
    "coldkey", "hotkey", "UID", "netuid", "subnet", "neuron", "metagraph", "axon", "dendrite", "synapse",
    "tempo", "epoch", "weights", "weight matrix", "consensus", "rank", "trust", "incentive", "dividends",
    "bonds", "vtrust", "vpermit", "immunity period", "registration", "recycling", "delegate", "nominator",
    "take", "rao", "root network", "Subnet Zero", "alpha", "AMM pool", "tao_weight", "Senate",
    "Triumvirate", "proposal", "commit-reveal",
]
BRIEF_TERMS = ["burn", "immunity", "pruning score", "halving", "issuance", "kappa", "clipping", "EMA"]
TOPICS = ["miner", "validator", "delegator", "Time controls", "metagraph columns", "How Yuma works",
          "Halving", "differs from the chain"]


class PushApp(App):
    def __init__(self, screen) -> None:
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen)


def test_assets_are_found():
    assert (assets_dir() / "glossary.yaml").is_file()
    assert help_dir().is_dir() and len(list(help_dir().glob("*.md"))) >= 9


def test_help_pages_cover_every_topic():
    titles = " | ".join(page.title for page in load_help_pages())
    for topic in TOPICS:
        assert topic in titles
    sandbox = next(p for p in load_help_pages() if p.slug == "sandbox").text
    for difference in ("Tempo 1", "every 361 blocks instead of every 7201", "single subnet", "minted into pending"):
        assert difference in sandbox


def test_every_glossary_term_has_a_definition_and_the_required_terms_are_there():
    glossary = load_glossary()
    assert all(definition.strip() for definition in glossary.values())
    missing = [term for term in A7_TERMS + BRIEF_TERMS if term not in glossary]
    assert missing == []


def test_search_puts_term_matches_first_then_definitions():
    glossary = load_glossary()
    found = search_glossary(glossary, "BOND")
    assert found[0][0] == "bonds"
    assert "dividends" in [term for term, _ in found]  # its definition mentions a bond
    assert search_glossary(glossary, "") == sorted(glossary.items(), key=lambda t: t[0].casefold())
    assert search_glossary(glossary, "zzzz") == []


def test_malformed_glossary_is_a_one_line_error(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("bonds:\n", encoding="utf-8")
    with pytest.raises(ValueError, match="term 'bonds' has no definition"):
        load_glossary(path)


async def test_each_help_page_renders():
    app = PushApp(HelpScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        pages = screen.pages
        for k, page in enumerate(pages):
            await pilot.pause()
            assert screen.current == k
            markdown = screen.query_one("#help-page", Markdown)
            assert markdown.source == page.text
            assert len(markdown.children) > 1  # parsed into blocks: heading, paragraphs, lists...
            await pilot.press("down")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_opens_on_a_named_page():
    app = PushApp(HelpScreen("yuma"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#help-pages", OptionList).highlighted == screen.current
        assert screen.query_one("#help-page", Markdown).source.startswith("# How Yuma works")


async def test_glossary_search_finds_bonds():
    app = PushApp(GlossaryScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert screen.query_one("#glossary-search", Input).has_focus
        await pilot.press(*"bonds")
        await pilot.pause()
        assert screen.matches[0][0] == "bonds"
        listing = str(screen.query_one("#glossary-list", Static).render())
        assert listing.startswith("bonds  A validator's stake in each miner")
        assert "of 65 terms" in str(screen.query_one("#glossary-count", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, GlossaryScreen)
