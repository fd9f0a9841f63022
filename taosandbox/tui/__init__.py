"""The Textual game. Only this package (and ``cli.main``) imports Textual or rich."""
