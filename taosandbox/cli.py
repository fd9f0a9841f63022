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

    run = sub.add_parser("run", help="run the world headless and write a JSON summary / CSV series")
    run.add_argument("--level", metavar="NAME|PATH", help="a level's world instead of the free sandbox")
    run.add_argument("--seed", type=int, default=None, help="world seed (default: the scenario's)")
    run.add_argument("--blocks", type=_positive_int, default=7200, help="blocks to run (default 7200 = a day)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario field by dotted path, e.g. chain.total_issuance_tao=10499000")
    run.add_argument("--json", metavar="PATH|-", help="write the summary as JSON ('-' for stdout)")
    run.add_argument("--csv", metavar="DIR", help="write per-block CSV series into DIR")

    levels = sub.add_parser("levels", help="list the levels (or check level files: levels check FILE...)")
    levels_sub = levels.add_subparsers(dest="levels_command", metavar="SUBCOMMAND")
    levels_check = levels_sub.add_parser("check", help="validate level files without playing them")
    levels_check.add_argument("files", nargs="+", metavar="FILE")

    check = sub.add_parser(
        "check-yuma", help="check the engine against Yuma reference cases (JSON files)"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_sets(items: list[str]) -> dict[str, object]:
    """``["a.b=3", "c=x"]`` -> ``{"a.b": 3, "c": "x"}`` (values read as YAML scalars)."""
    import yaml

    overrides: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set {item}: expected KEY=VALUE")
        try:
            overrides[key.strip()] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            raise ValueError(f"--set {item}: cannot read the value {text!r}") from None
    return overrides


def load_scenario(level: str | None, sets: list[str]):
    """The scenario of a level (or the free sandbox) with ``--set`` overrides applied."""
    from taosandbox.scenario import DEFAULT_SANDBOX, Scenario, ScenarioError

    if level:
        from taosandbox.levels import LevelError, load_level

        try:
            scenario = load_level(level).scenario
        except LevelError as exc:
            raise ValueError(str(exc)) from None
    else:
        scenario = Scenario.from_dict(DEFAULT_SANDBOX)
    overrides = parse_sets(sets)
    try:
        return scenario.with_overrides(overrides) if overrides else scenario
    except ScenarioError as exc:
        raise ValueError("; ".join(f"--set {p}" for p in exc.problems)) from None


def _run(args: argparse.Namespace) -> int:
    from taosandbox.chain.errors import ChainError

    try:
        scenario = load_scenario(args.level, args.sets)
    except (ValueError, OSError) as exc:
        print(f"taosandbox run: {exc}", file=sys.stderr)
        return 2
    from taosandbox.headless import run
    from taosandbox.world import World

    try:
        world = World(scenario, seed=args.seed)
    except (ValueError, ChainError) as exc:
        print(f"taosandbox run: {exc}", file=sys.stderr)
        return 2
    return run(world, args.blocks, json_path=args.json, csv_dir=args.csv)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "levels":
        from taosandbox.levels.commands import check_command, levels_command

        if args.levels_command == "check":
            return check_command(args.files)
        return levels_command()
    if args.command == "check-yuma":
        from taosandbox.chain.reference import check_files

        return check_files(args.files, sys.stdout)
    from taosandbox.tui.app import run_app

    return run_app(level=args.level, seed=args.seed)
