"""The class's web page: served offline (no Google Fonts), with bundled fonts that draw every glyph."""

from pathlib import Path

import aiohttp
from fontTools.ttLib import TTFont

from taosandbox.tui.classroom.web import WEB_DIR, join_command, start_web

ROOT = Path(__file__).resolve().parents[2]
FONTS = WEB_DIR / "static" / "fonts"


def _game_characters() -> set[str]:
    chars: set[str] = set()
    for base in ("taosandbox", "levels"):
        for path in (ROOT / base).rglob("*"):
            if path.suffix in (".py", ".tcss", ".yaml"):
                chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 127}
    return chars


def test_the_bundled_fonts_have_every_glyph_the_game_uses():
    covered: set[int] = set()
    for font in FONTS.glob("*.ttf"):
        covered |= set(TTFont(font).getBestCmap())
    chars = _game_characters()
    assert "⏸" in chars and "τ" in chars  # the header's pause mark and the unit
    missing = sorted(c for c in chars if ord(c) not in covered)
    assert not missing, f"no bundled glyph for {missing}"


async def test_the_page_links_no_outside_font_and_serves_the_bundled_one():
    runner, server = await start_web(8765, "127.0.0.1", 0, "class")
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/") as page:
                html = await page.text()
            assert page.status == 200
            assert "googleapis" not in html and "/class-static/fonts/DejaVuSansMono.ttf" in html
            async with http.get(f"http://127.0.0.1:{port}/class-static/fonts/DejaVuSansMono.ttf") as font:
                assert font.status == 200 and len(await font.read()) > 100_000
            async with http.get(f"http://127.0.0.1:{port}/static/js/textual.js") as script:
                assert script.status == 200
    finally:
        await runner.cleanup()
    assert join_command(8765).endswith("-m taosandbox join 127.0.0.1:8765")
