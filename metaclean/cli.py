"""The command line: parse options, open inputs, call the library, write outputs. Nothing else."""
from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import IO, List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from metaclean import __version__, batch, io
from metaclean.pipeline import PASSES, Result, select_passes
from metaclean.schema import json_schema

app = typer.Typer(
    pretty_exceptions_show_locals=False, no_args_is_help=True, add_completion=False,
    help="Turn damaged scraped scholarly-metadata records into clean, normalized JSON.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_OK, EXIT_ISSUES, EXIT_USAGE = 0, 1, 2
SHOWN = 120  # characters of a value shown by --explain on the terminal


class Format(str, Enum):
    """Output formats."""

    json = "json"
    csl = "csl"


def _names(values: List[str]) -> list[str]:
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def _short(value: object) -> str:
    text = value if isinstance(value, str) else io.dumps(value).decode("utf-8")
    text = text.replace("\n", "⏎")
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _usage(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
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


@app.command("clean")
def clean_command(
    paths: List[str] = typer.Argument(..., help="Files, directories (recursed) or - for stdin."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Folder to write to, mirroring the inputs' tree. Default: stdout."),
    to: Format = typer.Option(Format.json, "--to", help="json: normalized records; csl: CSL-JSON items."),
    only: List[str] = typer.Option([], "--only", help="Run only these passes (repeat, or comma-separate)."),
    skip: List[str] = typer.Option([], "--skip", help="Skip these passes (repeat, or comma-separate)."),
    explain: bool = typer.Option(False, "--explain", help="Print, per record, which pass changed which field (stderr)."),
    explain_to: Optional[Path] = typer.Option(None, "--explain-to", help="Write the explanation as JSONL to this file."),
    errors: Optional[Path] = typer.Option(None, "--errors", help="Write every input that failed, as JSONL, to this file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for internal errors."),
) -> None:
    """Clean records: page dumps, JSON objects, JSON arrays or JSONL, in their own shape."""
    try:
        passes = select_passes(_names(only), _names(skip))
    except ValueError as exc:
        raise _usage(str(exc)) from None
    if output is not None and output.exists() and not output.is_dir():
        raise _usage(f"--output {output} exists and is not a folder")
    if paths.count(batch.STDIN) > 1:
        raise _usage("- (stdin) can be given once")
    jobs, issues = batch.plan(paths)
    if not jobs and issues:
        for issue in issues:
            err.print(f"[red]error:[/red] {escape(str(issue))}")
        raise typer.Exit(EXIT_USAGE)
    explain_file: IO[bytes] | None = explain_to.open("wb") if explain_to else None
    errors_file: IO[bytes] | None = errors.open("wb") if errors else None

    def on_result(name: str, line: int | None, result: Result) -> None:
        if explain and result.changes:
            err.print(f"[bold]{escape(name)}{f':{line}' if line else ''}[/bold]")
            for c in result.changes:
                why = f"  [dim]({escape(c.reason)})[/dim]" if c.reason else ""
                err.print(f"  [cyan]{c.pass_name}[/cyan] {escape(c.field)}: "
                          f"{escape(_short(c.before))} → {escape(_short(c.after))}{why}")
        if explain_file is not None:
            for c in result.changes:
                explain_file.write(io.dumps({"file": name, "line": line, **c.to_json()}) + b"\n")

    stdout = sys.stdout.buffer
    claimed: set[Path] = set()
    reports = []
    try:
        for job in jobs:
            report = batch.process(job, output=output, sink=stdout, passes=passes, explain=explain or bool(explain_to),
                                   to=to.value, on_result=on_result, claimed=claimed)
            reports.append(report)
            for issue in report.issues:
                err.print(f"[red]error:[/red] {escape(str(issue))}")
                if errors_file is not None:
                    errors_file.write(io.dumps(issue.to_json()) + b"\n")
            if output is None:
                stdout.flush()
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, without a traceback on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]: outputs written so far are complete; the rest were not written")
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        err.print(f"[red]internal error:[/red] {escape(type(exc).__name__)}: {escape(str(exc))} (--debug shows where)")
        raise typer.Exit(EXIT_ISSUES) from None
    finally:
        for f in (explain_file, errors_file):
            if f is not None:
                f.close()
    for issue in issues:
        err.print(f"[red]error:[/red] {escape(str(issue))}")
    failed = sum(bool(r.issues) for r in reports) + len(issues)
    if not quiet:
        records = sum(r.written for r in reports)
        read = sum(r.read for r in reports)
        err.print(f"[dim]metaclean: {records} of {read} records cleaned from {len(reports)} input(s)"
                  f"{f'; {failed} with issues' if failed else ''}[/dim]")
    raise typer.Exit(EXIT_ISSUES if failed else EXIT_OK)


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
