"""The command line: parse options, open inputs, call the library, write outputs. Nothing else."""
from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import signal
import sys
import threading
from enum import Enum
from pathlib import Path
from typing import IO, Any, Iterator, List, Optional

import typer

from metaclean import __version__, batch, io
from metaclean.pipeline import PASSES, select_passes
from metaclean.schema import json_schema

app = typer.Typer(
    pretty_exceptions_show_locals=False, no_args_is_help=True, add_completion=False,
    help="Turn damaged scraped scholarly-metadata records into clean, normalized JSON.",
)


class _Stderr:
    """Messages on stderr: styled by rich on a terminal, plain lines otherwise (pipes, logs, CI).

    rich is imported only when a terminal shows them: its import is a tenth of a one-file run.
    A message is parts, each a string or a (string, style) pair: no markup, so nothing to escape.
    """

    @functools.cached_property
    def console(self) -> Any:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def is_terminal(self) -> bool:
        return sys.stderr.isatty()

    def say(self, *parts: str | tuple[str, str]) -> None:
        if self.is_terminal:
            from rich.text import Text

            self.console.print(Text.assemble(*parts))
        else:
            sys.stderr.write("".join(p if isinstance(p, str) else p[0] for p in parts) + "\n")
            sys.stderr.flush()


err = _Stderr()
EXIT_OK, EXIT_ISSUES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
SHOWN = 120  # characters of a value shown by --explain on the terminal


class Engine(str, Enum):
    """Where the work runs."""

    local = "local"
    dask = "dask"


class Format(str, Enum):
    """Output formats."""

    json = "json"
    csl = "csl"


PATHS = typer.Argument(..., help="Files, folders (recursed) or - for stdin.")
ONLY = typer.Option([], "--only", help="Run only these passes (repeat, or comma-separate).")
SKIP = typer.Option([], "--skip", help="Skip these passes (repeat, or comma-separate).")
JOBS = typer.Option(0, "--jobs", "-j", help="Worker processes; 0 (default): all cores.")
QUIET = typer.Option(False, "--quiet", "-q", help="Print only errors: no progress bar, no summary.")
DEBUG = typer.Option(False, "--debug", help="Show tracebacks for internal errors.")
REPORT = typer.Option(None, "--report", help="Write the run's summary as JSON to this file.")
ERRORS = typer.Option(None, "--errors", help="Write every input that failed, as JSONL, to this file.")


def _names(values: List[str]) -> list[str]:
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def _short(value: object) -> str:
    text = value if isinstance(value, str) else io.dumps(value).decode("utf-8")
    text = text.replace("\n", "⏎")
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _usage(message: str) -> typer.Exit:
    err.say(("error:", "red"), f" {message}")
    return typer.Exit(EXIT_USAGE)


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        typer.echo(f"metaclean {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """metaclean: clean scraped scholarly metadata."""


def run() -> None:
    """The ``metaclean`` command (and ``python -m metaclean``): the app, then a quick exit.

    After its work a one-file run spent ~30 ms, a tenth of it, tearing the interpreter down
    (freeing every module's tables and patterns one by one) for a process about to end anyway.
    So it ends with ``os._exit`` once the exit handlers have run and stdout and stderr are
    flushed; while a thread or a worker process is still winding down (an interrupted run), or
    under a profiler, it exits the ordinary way. Standard output that cannot be written, while
    a command prints or in that last flush, is an error and exit code 1 (not a traceback, nor
    Python's exit 120 with "Exception ignored"); a reader gone (``| head``) ends quietly.
    """
    try:
        app(prog_name="metaclean")
        code = EXIT_OK  # not reached: click ends a standalone run with SystemExit
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except BrokenPipeError:  # the reader went away (metaclean schema | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except OSError as exc:  # from a command that prints (metaclean passes > /dev/full): a message, no trace
        err.say(("error:", "red"), f" {exc}")
        code = EXIT_ISSUES
    if not _alone():  # e.g. a worker still winding down (an interrupted run): Python's own exit waits
        sys.exit(code)
    atexit._run_exitfuncs()  # what Python's exit runs first; undocumented, but in every Python 3
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:  # ValueError: closed by the app
            if stream is sys.stdout:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(f"error: could not write standard output: {exc}\n")
                    sys.stderr.flush()
                code = code or EXIT_ISSUES
    os._exit(code)


def _alone() -> bool:
    """True when nothing waits for an ordinary exit: no other thread, no child process left
    (``active_children`` reaps the ended), no profiler or tracer (``python -m cProfile``, coverage)
    that writes its results after the program returns."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return False
    multiprocessing = sys.modules.get("multiprocessing")
    return threading.active_count() == 1 and not (multiprocessing and multiprocessing.active_children())


def _exit_code(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, a text is printed to stderr and is 1."""
    if code is None or isinstance(code, int):
        return code or 0
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"{code}\n")
    return 1


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a kill cleans up like Ctrl-C: no half-written file stays behind


def _progress(dones: Iterator[batch.Done], total: int | None, quiet: bool) -> Iterator[batch.Done]:
    if quiet or not err.is_terminal:
        yield from dones
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               TextColumn("{task.fields[files]} files, {task.fields[records]} records, {task.fields[rate]}/s"),
               TimeRemainingColumn())
    with Progress(*columns, console=err.console, transient=True) as bar:
        task = bar.add_task("cleaning", total=total or None, files=0, records=0, rate=0)
        files = records = 0
        for done in dones:
            files += done.chunk.last
            records += done.read
            size = len(done.chunk.data) if done.chunk.data is not None else _size(done.chunk.job)
            bar.advance(task, size)
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, files=files, records=records, rate=f"{records / elapsed:,.0f}")
            yield done


def _size(job: batch.Job) -> int:
    try:
        return os.stat(job.source).st_size if job.source != batch.STDIN else 0
    except OSError:
        return 0


def _summary_table(summary: batch.Summary) -> None:
    from rich.markup import escape
    from rich.table import Table

    data = summary.to_json()
    table = Table(title="metaclean", show_header=False, title_justify="left")
    for label, key in (("inputs", "inputs"), ("records read", "records_read"), ("records written", "records_written"),
                       ("records failed", "records_failed"), ("records/s", "records_per_second"),
                       ("inputs with issues", "inputs_with_issues")):
        table.add_row(label, f"{data[key]:,}" if isinstance(data[key], int) else str(data[key]))
    for name, count in data["repairs_by_pass"].items():
        table.add_row(f"  changed by {name}", f"{count:,}")
    for slow in data["slowest_inputs"][:3]:
        table.add_row("  slow input", f"{escape(slow['file'])} ({slow['seconds']} s)")
    err.console.print(table)


def _run(paths: List[str], **options: Any) -> int:
    """``_execute`` with the cycle collector tuned for cleaning (``batch.GC_THRESHOLDS``), then as it was."""
    before = gc.get_threshold()
    gc.set_threshold(*batch.GC_THRESHOLDS)  # forked workers inherit it
    try:
        return _execute(paths, **options)
    finally:
        gc.set_threshold(*before)


def _execute(
    paths: List[str], *, output: Optional[Path], to: Format, only: List[str], skip: List[str], explain: bool,
    explain_to: Optional[Path], errors: Optional[Path], report: Optional[Path], jobs: int, in_place: bool,
    quiet: bool, debug: bool, check: bool, dedupe: bool = False, list_duplicates: bool = False,
    engine: Engine = Engine.local, scheduler: Optional[str] = None,
) -> int:
    """Clean (or, for ``check``, only compare) the inputs; print what happened; return the exit code."""
    try:
        passes = select_passes(_names(only), _names(skip))
    except ValueError as exc:
        raise _usage(str(exc)) from None
    if output is not None and output.exists() and not output.is_dir():
        raise _usage(f"--output {output} exists and is not a folder")
    if in_place and (output is not None or batch.STDIN in paths):
        raise _usage("--in-place rewrites files: it takes no --output and no - (stdin)")
    if paths.count(batch.STDIN) > 1:
        raise _usage("- (stdin) can be given once")
    if dedupe and output is None and not in_place:
        raise _usage("--dedupe merges records across written outputs: give -o DIR or --in-place")
    jobs_list, issues = batch.plan(paths)
    if not jobs_list and issues:
        for issue in issues:
            err.say(("error:", "red"), f" {issue}")
        raise typer.Exit(EXIT_USAGE)
    workers = jobs or batch.default_workers()
    listing = check or list_duplicates
    options = batch.Options(passes, explain or bool(explain_to) or check, to.value, write=not listing,
                            dedupe=dedupe or list_duplicates)
    kept: list[batch.FileReport] = []
    summary = batch.Summary()
    stdout = sys.stdout.buffer
    would_change = 0
    signal.signal(signal.SIGTERM, _terminate)
    with contextlib.ExitStack() as files:
        runner = batch.LocalEngine(workers)
        if engine is Engine.dask:
            try:
                from metaclean.engine_dask import DaskEngine

                runner = files.enter_context(DaskEngine(scheduler, workers))
            except ImportError as exc:
                raise _usage(f"--engine dask needs the dask extra: pip install 'metaclean[dask]' ({exc})") from None
        elif scheduler:
            raise _usage("--scheduler goes with --engine dask")
        explain_file: IO[bytes] | None = files.enter_context(explain_to.open("wb")) if explain_to else None
        errors_file: IO[bytes] | None = files.enter_context(errors.open("wb")) if errors else None
        try:
            total = sum(_size(j) for j in jobs_list)
            dones = _progress(runner.run(jobs_list, options), total, quiet)
            dones = _report_changes(dones, explain and not check, explain_file, check)
            for rep in batch.collect(dones, output=output, sink=stdout, in_place=in_place, write=not listing):
                summary.add(rep)
                if options.dedupe:
                    kept.append(rep._replace(issues=()))
                would_change += rep.changed
                for issue in rep.issues:
                    err.say(("error:", "red"), f" {issue}")
                    if errors_file is not None:
                        errors_file.write(io.dumps(issue.to_json()) + b"\n")
                if output is None and not listing:
                    stdout.flush()
            if options.dedupe:
                found = runner.find_duplicates(kept)
                if list_duplicates:
                    typer.echo(io.dumps(found.to_json(), pretty=True).decode("utf-8"))
                else:
                    for issue in batch.merge_duplicates(found):
                        summary.add_issue()
                        err.say(("error:", "red"), f" {issue}")
                if not quiet:
                    copies = sum(len(g) for g in found.groups)
                    verb = "found" if list_duplicates else "merged"
                    err.say(f"{verb} {copies} copies of {len(found.groups)} paper(s) seen more than once")
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, without a traceback on exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except KeyboardInterrupt:
            err.say(("interrupted", "yellow"), ": every output written is complete; run again to finish")
            return EXIT_INTERRUPTED
        except Exception as exc:
            if debug:
                raise
            err.say(("internal error:", "red"), f" {type(exc).__name__}: {exc} (--debug shows where)")
            return EXIT_ISSUES
    for issue in issues:
        summary.add_issue()
        err.say(("error:", "red"), f" {issue}")
    if report is not None:
        report.write_bytes(io.dumps(summary.to_json(), pretty=True) + b"\n")
    if not quiet:
        if err.is_terminal:
            _summary_table(summary)
        else:
            data = summary.to_json()
            err.say((f"metaclean: {data['records_written']} of {data['records_read']} records "
                     f"{'checked' if check else 'cleaned'} from {data['inputs']} input(s)"
                     f"{f'; {summary.failed_inputs} with issues' if summary.failed_inputs else ''}", "dim"))
    if check and would_change:
        err.say(f"{would_change} record(s) would change")
    return EXIT_ISSUES if summary.failed_inputs or (check and would_change) else EXIT_OK


def _report_changes(dones: Iterator[batch.Done], show: bool, file: IO[bytes] | None,
                    check: bool) -> Iterator[batch.Done]:
    for done in dones:
        name = done.chunk.job.name
        for line, changes in done.changes:
            where = f"{name}:{line}" if line else name
            if show:
                err.say((where, "bold"))
                for c in changes:
                    err.say("  ", (c.pass_name, "cyan"), f" {c.field}: {_short(c.before)} → {_short(c.after)}",
                            (f"  ({c.reason})", "dim") if c.reason else "")
            if check:
                fields = ", ".join(dict.fromkeys(f"{c.pass_name}:{c.field}" for c in changes))
                typer.echo(f"{where}: would change {fields}")
            if file is not None:
                for c in changes:
                    file.write(io.dumps({"file": name, "line": line, **c.to_json()}) + b"\n")
        yield done


@app.command("clean")
def clean_command(
    paths: List[str] = PATHS,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Folder to write to, mirroring the inputs' tree. Default: stdout."),
    in_place: bool = typer.Option(False, "--in-place", help="Rewrite each input file with its cleaned records, atomically."),
    to: Format = typer.Option(Format.json, "--to", help="json: normalized records; csl: CSL-JSON items."),
    only: List[str] = ONLY,
    skip: List[str] = SKIP,
    explain: bool = typer.Option(False, "--explain", help="Print, per record, which pass changed which field (stderr)."),
    explain_to: Optional[Path] = typer.Option(None, "--explain-to", help="Write the explanation as JSONL to this file."),
    errors: Optional[Path] = ERRORS,
    report: Optional[Path] = REPORT,
    dedupe: bool = typer.Option(False, "--dedupe", help="Merge papers scraped more than once (needs -o or --in-place)."),
    jobs: int = JOBS,
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: worker processes here; dask: a Dask cluster."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the scheduler's address. Default: a local cluster."),
    quiet: bool = QUIET,
    debug: bool = DEBUG,
) -> None:
    """Clean records: page dumps, JSON objects, JSON arrays or JSONL, in their own shape."""
    raise typer.Exit(_run(paths, output=output, to=to, only=only, skip=skip, explain=explain, explain_to=explain_to,
                          errors=errors, report=report, jobs=jobs, in_place=in_place, quiet=quiet, debug=debug,
                          check=False, dedupe=dedupe, engine=engine, scheduler=scheduler))


@app.command("dedupe")
def dedupe_command(
    paths: List[str] = PATHS,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Clean into this folder and merge duplicates there."),
    in_place: bool = typer.Option(False, "--in-place", help="Clean each input in place and merge duplicates there."),
    report: bool = typer.Option(False, "--report", help="List the duplicates (JSON, stdout) without merging."),
    jobs: int = JOBS,
    quiet: bool = QUIET,
    debug: bool = DEBUG,
) -> None:
    """Find papers scraped more than once (same DOI, or same title, first author and year); merge or list them."""
    if not report and output is None and not in_place:
        raise _usage("say what to do: --report lists duplicates; -o DIR or --in-place merges them")
    raise typer.Exit(_run(paths, output=output, to=Format.json, only=[], skip=[], explain=False, explain_to=None,
                          errors=None, report=None, jobs=jobs, in_place=in_place, quiet=quiet, debug=debug,
                          check=False, dedupe=not report, list_duplicates=report))


@app.command("check")
def check_command(
    paths: List[str] = PATHS,
    only: List[str] = ONLY,
    skip: List[str] = SKIP,
    errors: Optional[Path] = ERRORS,
    report: Optional[Path] = REPORT,
    jobs: int = JOBS,
    quiet: bool = QUIET,
    debug: bool = DEBUG,
) -> None:
    """Clean without writing: list what would change; exit 1 if anything would (for CI and pre-commit)."""
    raise typer.Exit(_run(paths, output=None, to=Format.json, only=only, skip=skip, explain=False, explain_to=None,
                          errors=errors, report=report, jobs=jobs, in_place=False, quiet=quiet, debug=debug,
                          check=True))


@app.command("passes")
def passes_command() -> None:
    """List the passes, in the order they run, with what each does."""
    width = max(len(p.__name__) for p in PASSES)
    for p in PASSES:
        doc = (p.__doc__ or "").strip().splitlines()[0]
        typer.echo(f"{p.__name__:<{width}}  {doc}")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the normalized output."""
    typer.echo(io.dumps(json_schema(), pretty=True).decode("utf-8"))
