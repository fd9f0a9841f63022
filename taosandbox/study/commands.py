"""``taosandbox study``: run a study file, show its summary, plot a measure. Needs the ``study`` extra."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

INSTALL = 'taosandbox study needs the study extra: pip install "taosandbox[study]"'
NEEDS = ("dask", "distributed", "pandas", "pyarrow", "matplotlib")


def missing_extra() -> str | None:
    """The first library of the study extra that cannot be imported, or None."""
    import importlib.util

    for name in NEEDS:
        try:
            if sys.modules.get(name, ...) is None or importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def _parsers() -> dict[str, argparse.ArgumentParser]:
    run = argparse.ArgumentParser(prog="taosandbox study", description=(
        "Run every (grid point, seed) of a study file and write a table (Parquet and CSV). "
        "Also: taosandbox study show DIR, taosandbox study plot DIR --x PARAM --y MEASURE."))
    run.add_argument("file", metavar="FILE", help="the study file (YAML; see docs/experiments.md)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_workers, default=2,
                       help="local worker processes (default 2; 0 = in this process, one run after another)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    run.add_argument("--out", metavar="DIR", help="output folder (default: studies-out/NAME)")
    run.add_argument("--resume", action="store_true", help="keep the runs already in DIR and do the rest")

    show = argparse.ArgumentParser(prog="taosandbox study show",
                                   description="mean, spread and 95%% interval over seeds per grid point")
    show.add_argument("dir", metavar="DIR")
    show.add_argument("--measure", action="append", metavar="NAME", help="only this measure (repeatable)")
    show.add_argument("--group", action="append", metavar="GROUP", help="only this group (repeatable)")

    plot = argparse.ArgumentParser(prog="taosandbox study plot",
                                   description="plot a measure against a grid parameter (terminal + image)")
    plot.add_argument("dir", metavar="DIR")
    plot.add_argument("--x", required=True, metavar="PARAM", help="grid parameter on the x axis")
    plot.add_argument("--y", required=True, metavar="MEASURE", help="measure on the y axis")
    plot.add_argument("--by", metavar="PARAM|group", help="one line per value of this parameter (or per group)")
    plot.add_argument("--group", metavar="GROUP", help="the group whose measure to plot (e.g. validator:copier)")
    plot.add_argument("--image", metavar="FILE", help="image to write, .png or .svg (default DIR/plot-Y-by-X.png)")
    return {"run": run, "show": show, "plot": plot}


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def study_command(argv: list[str]) -> int:
    parsers = _parsers()
    kind = argv[0] if argv and argv[0] in ("show", "plot") and not Path(argv[0]).is_file() else "run"
    args = parsers[kind].parse_args(argv[1:] if kind != "run" else argv)
    name = missing_extra()
    if name is not None:
        print(f"{INSTALL} ({name} is not installed)", file=sys.stderr)
        return 2
    return {"run": _run, "show": _show, "plot": _plot}[kind](args)


def _run(args: argparse.Namespace) -> int:
    from taosandbox.files import unwritable_reason
    from taosandbox.study.execute import Progress, run_study
    from taosandbox.study.spec import StudyError, load_study

    try:
        study = load_study(args.file)
    except StudyError as exc:
        print(exc, file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path("studies-out") / study.name
    reason = unwritable_reason(out, directory=True)
    if reason:
        print(f"taosandbox study: --out {out}: {reason}", file=sys.stderr)
        return 2
    if out.is_dir() and any(out.iterdir()) and not args.resume:
        print(f"taosandbox study: {out} is not empty (use --resume to complete it, or another --out)",
              file=sys.stderr)
        return 2
    where = f"the scheduler at {args.scheduler}" if args.scheduler else (
        "this process" if args.workers == 0 else f"{args.workers} local worker process(es)")
    runs = len(study.points) * len(study.seeds)
    print(f"{study.title}: {len(study.points)} grid point(s) x {len(study.seeds)} seed(s) = {runs} runs of "
          f"{study.blocks} blocks on {where}", file=sys.stderr)
    try:
        outcome = run_study(study, out, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                            progress=Progress(sys.stderr))
    except (ValueError, OSError) as exc:
        print(f"taosandbox study: {exc}", file=sys.stderr)
        return 2
    done = outcome.skipped + outcome.done
    if outcome.interrupted:
        print(f"interrupted: {done} of {outcome.total} runs are in {out}; "
              f"`taosandbox study {args.file} --out {out} --resume` completes it", file=sys.stderr)
        return 130
    failed = f", {outcome.failed} failed (see the error column)" if outcome.failed else ""
    kept = f", {outcome.skipped} kept from before" if outcome.skipped else ""
    print(f"{done} runs in the table ({outcome.done} new in {outcome.seconds:.1f} s{kept}){failed}: "
          f"{out / 'runs.parquet'}, {out / 'runs.csv'}\n"
          f"summary: taosandbox study show {out}")
    return 1 if outcome.failed else 0


def _show(args: argparse.Namespace) -> int:
    from taosandbox.study.summary import measure_columns, render, summarise
    from taosandbox.study.table import load_frame

    try:
        df, meta = load_frame(Path(args.dir))
    except (FileNotFoundError, OSError) as exc:
        print(f"taosandbox study show: {exc}", file=sys.stderr)
        return 2
    known = measure_columns(df)
    for name in args.measure or ():
        if name not in known:
            print(f"taosandbox study show: --measure {name}: not in this table (expected one of "
                  f"{', '.join(known)})", file=sys.stderr)
            return 2
    failed = int(df.loc[df["status"] == "failed", ["point", "seed"]].drop_duplicates().shape[0])
    sys.stdout.write(render(summarise(df, args.measure, args.group), meta, failed))
    return 0


def _plot(args: argparse.Namespace) -> int:
    from taosandbox.study.plot import PlotError, image, series, terminal_plot
    from taosandbox.study.table import load_frame

    folder = Path(args.dir)
    try:
        df, meta = load_frame(folder)
        _xcol, lines = series(df, args.x, args.y, args.by, args.group, meta.get("grid"))
    except (FileNotFoundError, OSError, PlotError) as exc:
        print(f"taosandbox study plot: {exc}", file=sys.stderr)
        return 2
    target = Path(args.image) if args.image else folder / f"plot-{args.y}-by-{args.x}.png"
    if target.suffix not in (".png", ".svg"):
        print(f"taosandbox study plot: --image {target}: expected a .png or .svg file name", file=sys.stderr)
        return 2
    sys.stdout.write(terminal_plot(lines, args.x, args.y, color=sys.stdout.isatty()) + "\n")
    title = meta.get("title", "") + (f" [{args.group}]" if args.group else "")
    image(lines, args.x, args.y, target, title)
    print(f"image: {target}")
    return 0
