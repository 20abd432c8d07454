"""Clean whole inputs: files, folders, stdin; in parallel worker processes; outputs in input order.

The CLI configures a run and reports on it; this module reads, cleans and writes. The unit of
work is a *chunk*: a whole file, or a slice of a JSONL file or stream cut on line boundaries.
Workers clean chunks and return rendered bytes; the parent writes them in input order, each
output file atomically. A file that fails is a report with issues, never an exception that stops
the run.
"""
from __future__ import annotations

import collections
import itertools
import os
import signal
import stat
import sys
import time
from io import BytesIO
from pathlib import Path
from typing import IO, Iterable, Iterator, NamedTuple, Sequence, TypeVar

from metaclean import io
from metaclean.duplicates import Source, group, merge, record_keys
from metaclean.pipeline import PASSES, Pass, clean_many
from metaclean.record import Change, Issue

STDIN = "-"
CHUNK_BYTES = 1 << 20  # JSONL is cut into slices of about this size for the workers


class Keyed(NamedTuple):
    """A written record's place and duplicate keys, for ``--dedupe``."""

    line: int | None
    keys: tuple[bytes, ...]
    label: str


class Job(NamedTuple):
    """One input to clean: a path (or ``-``), the name used in messages, its path relative to its root."""

    source: str
    name: str
    rel: Path


class Options(NamedTuple):
    """How to clean: which passes, what to record, what to write."""

    passes: tuple[Pass, ...] = PASSES
    explain: bool = False
    to: str = "json"
    write: bool = True
    dedupe: bool = False


class Chunk(NamedTuple):
    """A piece of work: a whole input, a byte range of a JSONL file, or bytes of JSONL lines.

    With ``data`` None the worker reads the input itself: all of it, or only ``span`` (start,
    end), which lies on line boundaries; so a worker on another machine needs the path, not the
    bytes. ``stamp`` is the file's (size, modification time) when it was cut: a worker finding
    another reports the chunk instead of cleaning lines that are no longer where they were.
    """

    job: Job
    index: int
    data: bytes | None = None
    first_line: int = 1
    last: bool = True
    span: tuple[int, int] | None = None
    stamp: tuple[int, int] | None = None


class Done(NamedTuple):
    """What a worker made of a chunk: the rendered output and everything the run reports."""

    chunk: Chunk
    shape: str | None
    output: bytes
    read: int
    written: int
    changed: int
    issues: tuple[Issue, ...]
    changes: tuple[tuple[int | None, tuple[Change, ...]], ...]
    touched: dict[str, int]
    seconds: float
    keys: tuple[Keyed, ...] = ()


class FileReport(NamedTuple):
    """What cleaning one input did."""

    name: str
    output: str | None
    read: int
    written: int
    changed: int
    issues: tuple[Issue, ...]
    seconds: float
    touched: dict[str, int]
    keys: tuple[Keyed, ...] = ()


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


def clean_chunk(chunk: Chunk, options: Options) -> Done:
    """Read, clean and render one chunk. Runs in a worker process; never raises for bad input."""
    start = time.perf_counter()
    issues: list[Issue] = []
    name = chunk.job.name
    try:
        if chunk.span is not None:
            with open(chunk.job.source, "rb") as f:
                if chunk.stamp is not None and _stamp(os.fstat(f.fileno())) != chunk.stamp:
                    raise io.InputError("changed while it was being cleaned; run again", chunk.first_line)
                f.seek(chunk.span[0])
                data = f.read(chunk.span[1] - chunk.span[0])
            parsed = io.Parsed(io.JSONL, io.json_lines(data.split(b"\n"), chunk.first_line))
        elif chunk.data is None:
            parsed = io.read_path(Path(chunk.job.source))
        elif chunk.index or not chunk.last:
            parsed = io.Parsed(io.JSONL, io.json_lines(chunk.data.split(b"\n"), chunk.first_line))
        else:
            parsed = io.read_stream(BytesIO(chunk.data))
    except io.InputError as exc:
        return _failed(chunk, Issue(name, exc.line, str(exc)), start)
    except OSError as exc:
        return _failed(chunk, Issue(name, None, f"cannot read: {exc.strerror or exc}"), start)
    shape = io.ARRAY if options.to == "csl" else parsed.shape
    read = written = changed = 0
    explained: list[tuple[int | None, tuple[Change, ...]]] = []
    touched: collections.Counter[str] = collections.Counter()
    records: list[dict] = []
    keyed: list[Keyed] = []
    items = list(parsed.items)
    cleaned = iter(clean_many([(i.value, i.page, i.line) for i in items if i.issue is None], options.passes,
                              explain=options.explain, file=name))
    for item in items:
        read += 1
        if item.issue is not None:
            issues.append(item.issue._replace(file=name))
            continue
        result = next(cleaned)
        issues.extend(result.issues)
        touched.update(result.touched)
        if result.changes:
            explained.append((item.line, result.changes))
        if result.record is None:
            continue
        written += 1
        changed += result.record != item.value
        records.append(result.record)
        if options.dedupe:
            label = str(result.record.get("doi") or result.record.get("title") or "")[:120]
            keyed.append(Keyed(item.line, record_keys(result.record), label))
    if options.to == "csl":
        from metaclean.export.csl import to_csl

        records = [to_csl(r) for r in records]
    output = io.render_body(shape, records) if options.write else b""
    return Done(chunk, shape, output, read, written, changed, tuple(issues), tuple(explained), dict(touched),
                time.perf_counter() - start, tuple(keyed))


def _failed(chunk: Chunk, issue: Issue, start: float) -> Done:
    raw = chunk.data.decode("utf-8", "replace") if chunk.data is not None and chunk.job.source == STDIN else None
    return Done(chunk, None, b"", 0, 0, 0, (issue._replace(raw=raw),), (), {}, time.perf_counter() - start)


def chunks(job: Job, stdin: IO[bytes] | None = None) -> Iterator[Chunk]:
    """Cut one input into chunks: JSONL into slices on line boundaries, anything else whole.

    Only the head of a file is read here to tell JSONL from the rest; a whole-file chunk is read
    by the worker. Standard input is read here, since workers cannot share it.
    """
    if job.source == STDIN:
        stream: IO[bytes] = stdin or sys.stdin.buffer
    else:
        try:
            stream = open(job.source, "rb")  # noqa: SIM115 - closed below, or by the generator's end
        except OSError:
            yield Chunk(job, 0)  # the worker reports why it cannot be read
            return
    with stream:
        head = stream.read(io.HEAD_BYTES)
        if job.source != STDIN and not io.sniff_jsonl(head):
            yield Chunk(job, 0)
            return
        if not io.sniff_jsonl(head):
            yield Chunk(job, 0, head + stream.read())
            return
        yield from _slices(job, head, stream)


def _slices(job: Job, head: bytes, stream: IO[bytes]) -> Iterator[Chunk]:
    pending, line, index = head, 1, 0
    while True:
        block = stream.read(CHUNK_BYTES)
        pending += block
        cut = pending.rfind(b"\n") + 1 if block else len(pending)
        if block and (cut == 0 or cut < CHUNK_BYTES // 2):
            continue
        piece, pending = pending[:cut], pending[cut:]
        if piece or index == 0 or not block:
            yield Chunk(job, index, piece, line, last=not block)
            line += piece.count(b"\n")
            index += 1
        if not block:
            return


def ranges(job: Job, size: int | None = None, stdin: IO[bytes] | None = None) -> Iterator[Chunk]:
    """Cut one input into chunks that workers read themselves: byte ranges of a JSONL file, else whole.

    The ranges lie on line boundaries; only newlines are counted here (to number the lines), so
    the records' bytes are not copied to the workers. Standard input is cut by ``chunks``.
    """
    size = CHUNK_BYTES if size is None else size
    if job.source == STDIN or not _regular(job.source):  # a pipe (``<(zcat x.gz)``) has no ranges to read again
        yield from chunks(job, stdin)
        return
    try:
        with open(job.source, "rb") as f:
            stamp = _stamp(os.fstat(f.fileno()))
            total = stamp[0]
            if total <= size or not io.sniff_jsonl(f.read(io.HEAD_BYTES)):
                yield Chunk(job, 0)
                return
            start, line, index = 0, 1, 0
            while start < total:
                f.seek(min(start + size, total))
                f.readline()  # to the end of the line the cut falls in
                end = min(f.tell(), total)
                f.seek(start)
                lines = sum(block.count(b"\n") for block in _blocks(f, end - start))
                yield Chunk(job, index, None, line, last=end >= total, span=(start, end), stamp=stamp)
                start, line, index = end, line + lines, index + 1
    except OSError:
        yield Chunk(job, 0)  # the worker reports why it cannot be read


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # the worker reports why it cannot be read


def _stamp(info: os.stat_result) -> tuple[int, int]:
    return info.st_size, info.st_mtime_ns


def _blocks(f: IO[bytes], length: int, block: int = 1 << 22) -> Iterator[bytes]:
    while length > 0:
        data = f.read(min(block, length))
        if not data:
            return
        length -= len(data)
        yield data


def run(
    jobs: Iterable[Job], options: Options, workers: int = 1, stdin: IO[bytes] | None = None,
) -> Iterator[Done]:
    """Clean the chunks of ``jobs``, in ``workers`` processes; yield what each gave, in input order.

    At most a few chunks per worker are in flight, so memory stays flat however large the input;
    with one worker everything runs in this process. Workers read their byte ranges of a file
    themselves (``ranges``): sending them the bytes cost the parent and the workers ~5% of a run.
    """
    cut = chunks if workers <= 1 else ranges
    tasks = (c for job in jobs for c in cut(job, stdin=stdin))
    first = next(tasks, None)
    second = next(tasks, None) if first is not None else None
    if workers <= 1 or second is None:  # one chunk: starting workers would cost more than it saves
        for chunk in itertools.chain((c for c in (first, second) if c is not None), tasks):
            yield clean_chunk(chunk, options)
        return
    tasks = itertools.chain((first, second), tasks)
    import multiprocessing  # here, not at the top: a one-file run never starts workers (start-up time)
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_interrupts) as pool:
        try:
            for future in ahead((pool.submit(clean_chunk, chunk, options) for chunk in tasks), 2 * workers):
                yield future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


T = TypeVar("T")


def ahead(items: Iterable[T], depth: int) -> Iterator[T]:
    """Yield ``items`` in order, drawing up to ``depth`` of them before the first is yielded.

    With items that are submitted work (futures), this keeps ``depth`` tasks in flight while the
    results are taken in input order: bounded memory, order kept. Both engines use it.

    >>> drawn = []
    >>> it = ahead((drawn.append(n) or n for n in range(5)), 2)
    >>> next(it), drawn
    (0, [0, 1])
    """
    window: collections.deque[T] = collections.deque()
    for item in items:
        window.append(item)
        if len(window) >= depth:
            yield window.popleft()
    yield from window


def _ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the run and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# Cleaning makes many short-lived dicts and strings that reference counting frees at once; the
# cycle collector's youngest generation still walks them every 700 allocations (Python's
# default), about 5% of a run's CPU here. Every 20,000 is enough: records make no cycles.
GC_THRESHOLDS = (20_000, 20, 100)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Output:
    """The output of one job while its chunks arrive: where it goes, and what was written so far."""

    def __init__(self, job: Job, target: Path | None, sink: IO[bytes] | None, shape: str | None) -> None:
        self.job, self.target, self.shape = job, target, shape
        self.writer = io.AtomicWriter(target) if target is not None else None
        self.stream = self.writer or sink
        self.items = 0
        self.read = self.written = self.changed = 0
        self.issues: list[Issue] = []
        self.touched: collections.Counter[str] = collections.Counter()
        self.seconds = 0.0
        self.keys: list[Keyed] = []
        self.failed = False  # the output cannot be completed: nothing more is written
        self.lost = False  # ... because part of the input could not be read
        if self.stream is not None and shape == io.ARRAY:
            self.stream.write(b"[")

    def add(self, done: Done) -> None:
        self.read += done.read
        self.written += done.written
        self.changed += done.changed
        if done.shape is None and self.lost:  # the same reason again for each later part: said once
            self.issues.extend(i for i in done.issues if i.message not in {j.message for j in self.issues})
        else:
            self.issues.extend(done.issues)
        if done.shape is None and not self.lost and (done.chunk.index or not done.chunk.last):
            self._lose()  # a part of an input of several could not be read: its output would lack records
        self.touched.update(done.touched)
        self.seconds += done.seconds
        self.keys.extend(done.keys)
        if self.stream is None or self.failed or not done.output:
            return
        try:
            if self.shape == io.ARRAY:
                self.stream.write(b",\n" if self.items else b"\n")
            self.stream.write(done.output)
            self.items += done.written
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._fail(exc)

    def close(self) -> FileReport:
        target = None
        try:
            if self.stream is not None and not self.failed and self.shape == io.ARRAY:
                self.stream.write(b"\n]\n" if self.items else b"]\n")
            if self.writer is not None and not self.failed:
                if self.written or self.shape in (io.JSONL, io.ARRAY):
                    self.writer.commit()
                    target = str(self.target)
                else:
                    self.writer.abort()
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._fail(exc)
        written = (0 if self.writer is not None else self.items) if self.failed else self.written
        return FileReport(self.job.name, target, self.read, written, self.changed, tuple(self.issues),
                          self.seconds, dict(self.touched), tuple(self.keys))

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()

    def _lose(self) -> None:
        self.lost = True
        if self.writer is not None:
            what = f"{self.target} not written"
        elif self.stream is not None:
            what = "output incomplete (the parts before it were written)"
        else:
            what = "cleaned output incomplete"
        if not self.failed:
            self.issues.append(Issue(self.job.name, None, f"{what}: part of the input could not be read"))
        self.failed = True
        self.abort()

    def _fail(self, exc: OSError) -> None:
        self.failed = True
        self.abort()
        self.issues.append(Issue(self.job.name, None, f"cannot write {self.target or 'output'}: {exc.strerror or exc}"))


def collect(
    dones: Iterable[Done], *, output: Path | None = None, sink: IO[bytes] | None = None, in_place: bool = False,
    write: bool = True, claimed: set[Path] | None = None,
) -> Iterator[FileReport]:
    """Write what the workers made, in input order; yield one report per input as it completes.

    With ``output`` (a folder) the inputs' tree is mirrored there; with ``in_place`` each file is
    replaced; otherwise records go to ``sink``. Every file is written atomically. An output path
    claimed by an earlier input is an issue, not an overwrite.
    """
    claimed = set() if claimed is None else claimed
    current: _Output | None = None
    try:
        for done in dones:
            if done.chunk.index == 0:
                current = _start(done, output, sink, in_place, write, claimed)
            assert current is not None
            current.add(done)
            if done.chunk.last:
                report, current = current.close(), None
                yield report
    except BaseException:
        if current is not None:
            current.abort()
        raise


def _start(done: Done, output: Path | None, sink: IO[bytes] | None, in_place: bool, write: bool,
           claimed: set[Path]) -> _Output:
    job = done.chunk.job
    if not write or done.shape is None:
        return _Output(job, None, None, done.shape)
    target = None
    if in_place and job.source != STDIN:
        target = Path(job.source)
    elif output is not None:
        target = output / io.output_name(job.rel, done.shape)
    if target is None:
        return _Output(job, None, sink, done.shape)
    if target in claimed:
        out = _Output(job, None, None, done.shape)
        out.issues.append(Issue(job.name, None, f"would overwrite {target}, written from another input; skipped"))
        return out
    claimed.add(target)
    try:
        return _Output(job, target, None, done.shape)
    except OSError as exc:
        out = _Output(job, None, None, done.shape)
        out.issues.append(Issue(job.name, None, f"cannot write {target}: {exc.strerror or exc}"))
        return out


class Summary:
    """Totals over a run, for the closing table and ``--report``: records, issues, repairs, slow files."""

    SLOWEST = 5

    def __init__(self) -> None:
        self.inputs = self.read = self.written = self.changed = 0
        self.failed_inputs = 0
        self.issues = 0
        self.touched: collections.Counter[str] = collections.Counter()
        self.times: list[tuple[float, str]] = []
        self.started = time.perf_counter()

    def add(self, report: FileReport) -> None:
        """Count one input's report."""
        self.inputs += 1
        self.read += report.read
        self.written += report.written
        self.changed += report.changed
        self.issues += len(report.issues)
        self.failed_inputs += bool(report.issues)
        self.touched.update(report.touched)
        self.times.append((report.seconds, report.name))
        if len(self.times) > 4 * self.SLOWEST:
            self.times = sorted(self.times, reverse=True)[: self.SLOWEST]

    def add_issue(self) -> None:
        """Count an issue found outside any input (a path that does not exist)."""
        self.issues += 1
        self.failed_inputs += 1

    def to_json(self) -> dict:
        """Return the summary as a JSON-ready dict (the ``--report`` format)."""
        seconds = time.perf_counter() - self.started
        return {
            "inputs": self.inputs, "inputs_with_issues": self.failed_inputs, "records_read": self.read,
            "records_written": self.written, "records_changed": self.changed,
            "records_failed": self.read - self.written, "issues": self.issues,
            "repairs_by_pass": dict(self.touched.most_common()), "seconds": round(seconds, 3),
            "records_per_second": round(self.read / seconds, 1) if seconds else None,
            "slowest_inputs": [{"file": name, "seconds": round(s, 3)}
                               for s, name in sorted(self.times, reverse=True)[: self.SLOWEST]],
        }


class Duplicates(NamedTuple):
    """Groups of records that are the same paper: each a list of (input, line, label, output, position)."""

    groups: list[list[tuple[str, int | None, str, str | None, int]]]

    def to_json(self) -> list[dict]:
        """Return the groups as JSON-ready dicts (the ``dedupe --report`` format)."""
        return [{"records": [{"file": f, "line": line, "label": label} for f, line, label, _, _ in g]}
                for g in self.groups]


def find_duplicates(reports: Iterable[FileReport]) -> Duplicates:
    """Group the records of a run (cleaned with ``Options(dedupe=True)``) that are the same paper."""
    places: dict[tuple[int, int], tuple[str, int | None, str, str | None, int]] = {}
    keyed: list[tuple[tuple[int, int], tuple[bytes, ...]]] = []
    for n, report in enumerate(reports):
        for position, k in enumerate(report.keys):
            places[(n, position)] = (report.name, k.line, k.label, report.output, position)
            keyed.append(((n, position), k.keys))
    return Duplicates([[places[rid] for rid in g] for g in group(keyed)])  # type: ignore[index]


def merge_duplicates(found: Duplicates) -> list[Issue]:
    """Merge each group into its first record, in the written outputs; drop the other copies.

    Only the output files that hold a duplicate are read and rewritten (atomically).
    """
    by_file: dict[str, dict[int, tuple[int, int]]] = collections.defaultdict(dict)
    for g, members in enumerate(found.groups):
        for m, (_, _, _, output, position) in enumerate(members):
            if output is not None:
                by_file[output][position] = (g, m)
    issues: list[Issue] = []
    loaded: dict[str, tuple[str, list[dict]]] = {}
    for output in by_file:
        try:
            parsed = io.read_path(Path(output))
            loaded[output] = (parsed.shape, [item.value for item in parsed.items])
        except (OSError, io.InputError) as exc:
            issues.append(Issue(output, None, f"cannot merge duplicates: {exc}"))
    copies: dict[int, list[tuple[int, tuple[Source, dict]]]] = collections.defaultdict(list)
    for output, positions in by_file.items():
        if output in loaded:
            for position, (g, m) in positions.items():
                file, line, _, _, _ = found.groups[g][m]
                copies[g].append((m, (Source(file, line), loaded[output][1][position])))
    merged = {g: merge([c for _, c in sorted(members, key=lambda x: x[0])]) for g, members in copies.items()}
    for output, (shape, records) in loaded.items():
        keep = []
        for position, record in enumerate(records):
            g, m = by_file[output].get(position, (None, None))
            if g is None:
                keep.append(record)
            elif m == min(mm for mm, _ in copies[g]):
                keep.append(merged[g])
        if not keep and shape not in (io.JSONL, io.ARRAY):
            Path(output).unlink()  # its one record was merged into the first copy, which names it
            continue
        writer = io.AtomicWriter(Path(output))
        try:
            body = io.render_body(shape, keep)
            writer.write(b"[\n" + body + b"\n]\n" if shape == io.ARRAY else body)
            writer.commit()
        except OSError as exc:
            writer.abort()
            issues.append(Issue(output, None, f"cannot write merged duplicates: {exc.strerror or exc}"))
    return issues


class LocalEngine:
    """Clean in worker processes on this machine (``--engine local``, the default)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def run(self, jobs: Iterable[Job], options: Options, stdin: IO[bytes] | None = None) -> Iterator[Done]:
        """Clean the chunks of ``jobs``; yield what each gave, in input order."""
        return run(jobs, options, self.workers, stdin)

    @staticmethod
    def find_duplicates(reports: Iterable[FileReport]) -> Duplicates:
        """Group the copies of each paper from the keys the reports carry."""
        return find_duplicates(reports)
