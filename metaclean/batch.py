"""Clean whole inputs: files, directories, stdin; write each output in its input's shape.

The CLI configures a run and reports on it; this module reads, cleans and writes. A file that
fails is a ``FileReport`` with issues, never an exception that stops the run.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, NamedTuple, Sequence

from metaclean import io
from metaclean.pipeline import PASSES, Pass, Result, clean
from metaclean.record import Issue

OnResult = Callable[[str, "int | None", Result], None]
STDIN = "-"


class Job(NamedTuple):
    """One input to clean: a path (or ``-``), the name used in messages, its output path if any."""

    source: str
    name: str
    rel: Path


class FileReport(NamedTuple):
    """What cleaning one input did."""

    name: str
    output: str | None
    read: int
    written: int
    changed: int
    issues: tuple[Issue, ...]
    seconds: float


def plan(paths: Sequence[str]) -> tuple[list[Job], list[Issue]]:
    """Expand the command line's paths into jobs; a path that does not exist is an issue."""
    jobs: list[Job] = []
    issues: list[Issue] = []
    for raw in paths:
        if raw == STDIN:
            jobs.append(Job(STDIN, "<stdin>", Path("stdin")))
            continue
        path = Path(raw)
        if not path.exists():
            issues.append(Issue(raw, None, "no such file or directory"))
            continue
        for file, rel in io.find_inputs(path):
            jobs.append(Job(str(file), str(file), rel))
    return jobs, issues


def _records(
    parsed: io.Parsed, name: str, passes: Sequence[Pass], explain: bool, issues: list[Issue],
    on_result: OnResult | None, counts: list[int],
) -> Iterator[dict]:
    for item in parsed.items:
        counts[0] += 1
        if item.issue is not None:
            issues.append(item.issue._replace(file=name))
            continue
        result = clean(item.value, passes, explain=explain, page=item.page, file=name, line=item.line)
        if on_result is not None:
            on_result(name, item.line, result)
        issues.extend(result.issues)
        if result.record is None:
            continue
        if result.record != item.value:
            counts[2] += 1
        counts[1] += 1
        yield result.record


def _open(job: Job, stdin: IO[bytes] | None) -> io.Parsed:
    if job.source == STDIN:
        return io.read_stream(stdin or sys.stdin.buffer)
    return io.read_path(Path(job.source))


def process(
    job: Job, *, output: Path | None, sink: IO[bytes] | None = None, passes: Sequence[Pass] = PASSES,
    explain: bool = False, to: str = "json", on_result: OnResult | None = None, claimed: set[Path] | None = None,
    stdin: IO[bytes] | None = None, write: bool = True,
) -> FileReport:
    """Read, clean and write one input; return its report. Never raises for bad input.

    With ``output`` (a folder) the input's tree is mirrored there, written atomically; without it,
    records go to ``sink`` (stdout) as they are cleaned. ``claimed`` holds the output paths already
    written in this run: a second input that maps onto one is an issue, not an overwrite.
    """
    start = time.perf_counter()
    issues: list[Issue] = []
    counts = [0, 0, 0]

    def report(target: str | None) -> FileReport:
        return FileReport(job.name, target, counts[0], counts[1], counts[2], tuple(issues),
                          time.perf_counter() - start)

    try:
        parsed = _open(job, stdin)
    except io.InputError as exc:
        issues.append(Issue(job.name, exc.line, str(exc)))
        return report(None)
    except OSError as exc:
        issues.append(Issue(job.name, None, f"cannot read: {exc.strerror or exc}"))
        return report(None)
    shape = io.ARRAY if to == "csl" else parsed.shape
    records: Iterable[dict] = _records(parsed, job.name, passes, explain, issues, on_result, counts)
    if to == "csl":
        from metaclean.export.csl import to_csl

        records = (to_csl(r) for r in records)
    if not write:
        for _ in records:
            pass
        return report(None)
    target: Path | None = None
    if output is not None:
        target = output / io.output_name(job.rel, shape)
        if claimed is not None:
            if target in claimed:
                issues.append(Issue(job.name, None, f"would overwrite {target}, written from another input; skipped"))
                return report(None)
            claimed.add(target)
    writer = io.AtomicWriter(target) if target is not None else None
    try:
        for chunk in io.render(shape, records):
            (writer or sink).write(chunk)  # type: ignore[union-attr]
        if writer is not None:
            if counts[1] == 0 and shape != io.JSONL and shape != io.ARRAY:
                writer.abort()
                return report(None)
            writer.commit()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if writer is not None:
            writer.abort()
        issues.append(Issue(job.name, None, f"cannot write {target or 'output'}: {exc.strerror or exc}"))
        return report(None)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return report(str(target) if target else None)
