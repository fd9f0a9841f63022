"""The help pages and the glossary shipped in ``assets/`` (read by the help and glossary screens)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from taosandbox.paths import assets_dir


@dataclass(frozen=True)
class HelpPage:
    """One Markdown page of ``assets/help``; pages are ordered by file name."""

    slug: str
    """The file name without its number and extension: ``01-start.md`` -> ``start``."""
    title: str
    """The page's first ``# `` heading."""
    text: str


def help_dir() -> Path:
    return assets_dir() / "help"


def load_help_pages(folder: Path | None = None) -> list[HelpPage]:
    """Every ``*.md`` page of the help folder, in file-name order."""
    folder = folder or help_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"help pages not found: {folder} is not a folder")
    pages = []
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        slug = path.stem.split("-", 1)[1] if path.stem[:1].isdigit() and "-" in path.stem else path.stem
        pages.append(HelpPage(slug, title, text))
    return pages


def load_glossary(path: Path | None = None) -> dict[str, str]:
    """Term -> definition from ``assets/glossary.yaml``; a malformed file is a one-line ValueError."""
    path = path or assets_dir() / "glossary.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of term: definition")
    glossary = {}
    for term, definition in data.items():
        if not isinstance(definition, str) or not definition.strip():
            raise ValueError(f"{path}: term {term!r} has no definition")
        glossary[str(term)] = definition.strip()
    return glossary


def search_glossary(glossary: dict[str, str], query: str) -> list[tuple[str, str]]:
    """Terms matching ``query`` (case-insensitive): terms containing it first, then definitions.

    An empty query lists every term, alphabetically.
    """
    needle = query.strip().casefold()
    ordered = sorted(glossary.items(), key=lambda item: item[0].casefold())
    if not needle:
        return ordered
    in_term = [item for item in ordered if needle in item[0].casefold()]
    in_term.sort(key=lambda item: (not item[0].casefold().startswith(needle), item[0].casefold()))
    in_text = [item for item in ordered if item not in in_term and needle in item[1].casefold()]
    return in_term + in_text
