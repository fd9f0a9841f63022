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
    run.add_argument("--record", metavar="FILE", help="record the run as a session file (replay it later)")
    _add_session_commands(sub)
    _add_class_commands(sub)

    dtao = sub.add_parser("dtao", help="dynamic TAO: root and many subnets with pools (headless, or --play)")
    dtao.add_argument("--blocks", type=_positive_int, default=360, help="blocks to run first (default 360)")
    dtao.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                      help="a DtaoScenario field, e.g. subnets=8, tempo=20, share_rule=tao_flow")
    dtao.add_argument("--explain", action="store_true", help="the last block's emission path, with its numbers")
    dtao.add_argument("--compare", metavar="NETUID:HOTKEY:TAO:BLOCKS",
                      help="root or alpha: TAO staked on root vs on a subnet, valued after BLOCKS more blocks")
    dtao.add_argument("--json", metavar="PATH|-", help="write a summary as JSON")
    dtao.add_argument("--play", action="store_true", help="open the Subnets screen instead")

    levels = sub.add_parser("levels", help="list the levels (or check level files: levels check FILE...)")
    levels_sub = levels.add_subparsers(dest="levels_command", metavar="SUBCOMMAND")
    levels_check = levels_sub.add_parser("check", help="validate level files (--play also plays their solutions)")
    levels_check.add_argument("files", nargs="+", metavar="FILE")
    levels_check.add_argument("--play", action="store_true",
                              help="also play each solution headless and fail if it does not pass")

    study = sub.add_parser("study", add_help=False,
                           help="many seeded runs over a grid of settings (study FILE | show DIR | plot DIR)")
    study.add_argument("study_args", nargs=argparse.REMAINDER)  # parsed by taosandbox.study.commands

    check = sub.add_parser(
        "check-yuma", help="check the engine against Yuma reference cases (JSON files)",
        description="Run Yuma reference cases through the engine: one PASS/FAIL line per case, exit "
                    "status 1 if any fails. With no FILE, the shipped cases (assets/reference/"
                    "yuma_cases.json, the 2024 chain's epoch worked out independently). The file "
                    "format is described in docs/check-yuma.md.",
    )
    check.add_argument("files", nargs="*", metavar="FILE",
                       help="reference case files (default: the shipped yuma_cases.json)")
    return parser


def _add_session_commands(sub) -> None:
    sessions = sub.add_parser("sessions", help="list, save, show or delete saved sessions")
    what = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    what.add_parser("list", help="list named saves and autosaves (the default)")
    show = what.add_parser("show", help="what a session holds: world, seed, blocks, actions, damage")
    show.add_argument("name", metavar="NAME|FILE")
    save = what.add_parser("save", help="keep a session under a name (default: the latest autosave)")
    save.add_argument("name", metavar="NAME")
    save.add_argument("--from", dest="source", metavar="NAME|FILE", help="the session to keep")
    save.add_argument("--force", action="store_true", help="replace a save of that name")
    delete = what.add_parser("delete", help="delete saves")
    delete.add_argument("names", nargs="+", metavar="NAME|FILE")

    replay = sub.add_parser("replay", help="replay a saved session: the viewer, or headless checks/exports")
    replay.add_argument("file", metavar="FILE|NAME")
    replay.add_argument("--verify", action="store_true",
                        help="replay headless; exit 1 with the first diverging block if a checkpoint differs")
    replay.add_argument("--json", metavar="PATH|-", help="write the run summary as JSON ('-' for stdout)")
    replay.add_argument("--csv", metavar="DIR", help="write per-block CSV series into DIR")


def _add_class_commands(sub) -> None:
    """docs/classroom.md: the teacher's ``classroom`` and ``teach``, the student's ``join``."""
    room = sub.add_parser("classroom", help="run one live subnet for a whole class (students join from a browser)")
    room.add_argument("--level", metavar="NAME|PATH",
                      help="a class activity (taosandbox levels lists them) or a level's world (default: the sandbox)")
    room.add_argument("--host", default="127.0.0.1",
                      help="address to serve on (default 127.0.0.1; 0.0.0.0 for the school network)")
    room.add_argument("--port", type=int, default=8765, help="the class server's port (default 8765)")
    room.add_argument("--web-port", type=int, default=8000, help="the browsers' page (default 8000)")
    room.add_argument("--seats", type=_positive_int, default=40, help="most students (default 40)")
    room.add_argument("--code", help="the join code (default: a new random one)")
    room.add_argument("--seed", type=int, default=None, help="world seed")
    room.add_argument("--resume", action="store_true", help="continue the last class from its last save")
    room.add_argument("--dir", metavar="DIR", help="where the class is saved (default: the data folder)")
    room.add_argument("--no-console", action="store_true", help="do not open the teacher's console here")
    room.add_argument("--no-browser", action="store_true", help="terminal students only (no web page)")
    join = sub.add_parser("join", help="join a class as a student (from a terminal)")
    join.add_argument("address", metavar="ADDRESS", help="host:port of the class, as the teacher's screen says")
    join.add_argument("--name", help="your name (asked if missing)")
    join.add_argument("--code", help="the class code (asked if missing)")
    join.add_argument("--role", default="miner", choices=("miner", "validator", "delegator"))
    join.add_argument("--group", help="in a class activity where students pick their group: its name")
    teach = sub.add_parser("teach", help="open the teacher's console of a running class")
    teach.add_argument("address", metavar="ADDRESS")
    teach.add_argument("--secret", required=True, help="the teacher's secret the classroom command printed")


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
    from taosandbox.world.scenario import DEFAULT_SANDBOX, Scenario, ScenarioError

    if level:
        from taosandbox.levels import LevelError, load_level

        try:
            chosen = load_level(level)
        except LevelError as exc:
            raise ValueError(str(exc)) from None
        if chosen.ruleset != "2024":  # a DtaoScenario: its world runs with `taosandbox dtao`
            raise ValueError(f"level {chosen.name!r} is a dynamic-TAO level: play it with taosandbox --level "
                             f"{chosen.name}, or run a dTAO world headless with taosandbox dtao --set ...")
        scenario = chosen.scenario
    else:
        scenario = Scenario.from_dict(DEFAULT_SANDBOX)
    overrides = parse_sets(sets)
    try:
        return scenario.with_overrides(overrides) if overrides else scenario
    except ScenarioError as exc:
        raise ValueError("; ".join(f"--set {p}" for p in exc.problems)) from None


def _run(args: argparse.Namespace) -> int:
    from taosandbox.chain.errors import ChainError
    from taosandbox.world.headless import output_problems

    if problems := output_problems(args.json, args.csv):  # before the run, not after it
        print(f"taosandbox run: {'; '.join(problems)}", file=sys.stderr)
        return 2

    try:
        scenario = load_scenario(args.level, args.sets)
    except (ValueError, OSError) as exc:
        print(f"taosandbox run: {exc}", file=sys.stderr)
        return 2
    from taosandbox.world.headless import run
    from taosandbox.world import World

    try:
        world = World(scenario, seed=args.seed)
    except (ValueError, ChainError) as exc:
        print(f"taosandbox run: {exc}", file=sys.stderr)
        return 2
    recorder = None
    if args.record:
        from taosandbox.world.scenario import DEFAULT_SANDBOX
        from taosandbox.sessions import SessionRecorder

        # Written every 1000 blocks as it goes (atomically), and at the end.
        recorder = SessionRecorder(world, level=args.level, overrides=parse_sets(args.sets),
                                   base_scenario=None if args.level else DEFAULT_SANDBOX,
                                   autosave_path=args.record, autosave_seconds=float("inf"),
                                   level_rules=False)  # a headless run plays the world, not the lesson
    code = run(world, args.blocks, json_path=args.json, csv_dir=args.csv)
    if recorder is not None:
        recorder.save(args.record)
    return code


def _dtao(args: argparse.Namespace) -> int:
    try:
        scenario = parse_sets(args.sets)
    except ValueError as exc:
        print(f"taosandbox dtao: {exc}", file=sys.stderr)
        return 2
    if args.seed is not None:
        scenario["seed"] = args.seed
    if args.play:
        from taosandbox.tui.dtao.app import run_dtao_app

        return run_dtao_app(scenario)
    from taosandbox.world.dtao_headless import dtao_command

    return dtao_command(scenario, args.blocks, args.explain, args.compare, args.json)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["study"]:  # its own parsers (FILE, show DIR, plot DIR), and its extra's check
        from taosandbox.study.commands import study_command

        return study_command(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "dtao":
        return _dtao(args)
    if args.command == "sessions":
        from taosandbox.sessions.commands import sessions_command

        return sessions_command(args)
    if args.command == "replay":
        if args.verify or args.csv or args.json:
            from taosandbox.sessions.commands import replay_command

            return replay_command(args)
        from taosandbox.tui.replay_app import run_replay

        return run_replay(args.file)
    if args.command == "levels":
        from taosandbox.levels.commands import check_command, levels_command

        if args.levels_command == "check":
            return check_command(args.files, play=args.play)
        return levels_command()
    if args.command in ("classroom", "join", "teach"):
        from taosandbox.tui.classroom import commands

        return getattr(commands, f"{args.command}_command")(args)
    if args.command == "check-yuma":
        from taosandbox.chain.reference import check_files

        from taosandbox.paths import yuma_reference_cases

        return check_files(args.files or [str(yuma_reference_cases())], sys.stdout)
    if args.level:
        # Read the level before the screen opens: a broken file never starts a half-read game.
        from taosandbox.levels import LevelError, load_level
        from taosandbox.levels.level import refuse_class_level

        try:
            refuse_class_level(load_level(args.level))
        except LevelError as exc:
            print(exc, file=sys.stderr)
            return 1
    from taosandbox.tui.app import run_app

    return run_app(level=args.level, seed=args.seed)
