"""The ``taosandbox`` command. ``--help`` imports neither Textual nor scikit-learn."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taosandbox",
        description="Play a miner, validator or delegator in a live simulated Bittensor subnet.",
    )
    parser.add_argument("--level", metavar="NAME|PATH", help="open a level in the game")
    parser.add_argument("--seed", type=int, default=None, help="world seed")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check-yuma", help="check the engine against Yuma reference cases (JSON files)"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "check-yuma":
        from taosandbox.chain.reference import check_files

        return check_files(args.files, sys.stdout)
    from taosandbox.tui.app import run_app

    return run_app(level=args.level, seed=args.seed)
