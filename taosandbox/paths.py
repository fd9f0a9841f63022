"""One home for every path: packaged data, and the user's config, data and cache directories.

``TAOSANDBOX_HOME`` overrides the user directories (tests point it at a temporary directory).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "taosandbox"
_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def data_dir(name: str) -> Path:
    """A folder of shipped data (``levels`` or ``assets``), from a wheel or from a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def levels_dir() -> Path:
    return data_dir("levels")


def assets_dir() -> Path:
    return data_dir("assets")


def yuma_reference_cases() -> Path:
    """The shipped Yuma reference cases (``taosandbox check-yuma`` with no file; docs/check-yuma.md)."""
    return assets_dir() / "reference" / "yuma_cases.json"


def _user_dir(kind: str) -> Path:
    home = os.environ.get("TAOSANDBOX_HOME")
    if home:
        path = Path(home) / kind
    else:
        import platformdirs

        path = {
            "config": platformdirs.user_config_path,
            "data": platformdirs.user_data_path,
            "cache": platformdirs.user_cache_path,
        }[kind](APP_NAME)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _user_dir("config")


def user_data_dir() -> Path:
    return _user_dir("data")


def cache_dir() -> Path:
    """Files the game can rebuild (trained miners' predictions, saved-game states): safe to delete."""
    return _user_dir("cache")


def sessions_dir() -> Path:
    path = user_data_dir() / "sessions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_file() -> Path:
    return user_data_dir() / "progress.json"


def classroom_dir() -> Path:
    """Where ``taosandbox classroom`` keeps the running class (session, seats) and its results."""
    path = user_data_dir() / "classroom"
    path.mkdir(parents=True, exist_ok=True)
    return path
