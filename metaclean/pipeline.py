"""Run the passes over records, and notice what each one changed.

The passes themselves only transform a Record; this module is where a change becomes a
``Change`` for ``--explain`` and where a pass that raises becomes an ``Issue`` instead of a crash.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from metaclean.passes import PASSES, finish
from metaclean.record import Change, Issue, Record

Pass = Callable[[Record], Record]


class Result(NamedTuple):
    """What cleaning one input record gave: the clean record, its changes, its issues.

    ``touched`` names the passes that changed the record (known even without ``explain``).
    """

    record: dict | None
    changes: tuple[Change, ...] = ()
    issues: tuple[Issue, ...] = ()
    touched: tuple[str, ...] = ()


class Run(NamedTuple):
    """The passes' work on one record: the result, every change (with explain), issues, passes that changed it."""

    record: Record
    changes: list[Change]
    issues: list[Issue]
    touched: list[str]


def select_passes(only: Iterable[str] = (), skip: Iterable[str] = ()) -> tuple[Pass, ...]:
    """Return PASSES restricted to ``only`` (if given) and without ``skip``, in PASSES order.

    Raises ValueError naming any unknown pass, so the CLI can report a usage error.
    """
    only, skip = list(only), list(skip)
    names = {p.__name__ for p in PASSES}
    unknown = [n for n in (*only, *skip) if n not in names]
    if unknown:
        raise ValueError(f"unknown pass {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    return tuple(p for p in PASSES if (not only or p.__name__ in only) and p.__name__ not in skip)


def diff(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Yield (field path, before, after) for every leaf that differs; dicts are walked, lists are leaves."""
    if before is after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in (*before.keys(), *(k for k in after.keys() if k not in before)):
            sub = f"{path}.{key}" if path else str(key)
            yield from diff(before.get(key), after.get(key), sub)
    elif before != after or type(before) is not type(after):
        yield path, before, after


def _reason(reasons: Mapping[str, str], path: str) -> str:
    while True:
        if path in reasons:
            return reasons[path]
        if "." not in path:
            return reasons.get("*", "")
        path = path.rsplit(".", 1)[0]


def _step(p: Pass, record: Record, run: Run, explain: bool, file: str | None, line: int | None) -> Record:
    """Run one pass over one record; note in ``run`` what it changed, or the issue if it raised."""
    try:
        new = p(record)
    except Exception as exc:  # a pass bug must not take the batch down: report it as data
        run.issues.append(Issue(file, line, f"pass failed: {type(exc).__name__}: {exc}", p.__name__))
        return record
    if new is record:
        return record
    if new.data is not record.data and new.data != record.data:
        run.touched.append(p.__name__)
    if explain:
        for path, b, a in diff(record.data, new.data):
            run.changes.append(Change(p.__name__, path, b, a, _reason(new.reasons, path)))
    return Record(new.data, new.witnesses, new.page)  # reasons are per pass; not read unless explain


def run_passes(
    record: Record, passes: Sequence[Pass] = PASSES, *, explain: bool = False, file: str | None = None,
    line: int | None = None,
) -> Run:
    """Run ``passes`` over ``record`` in order; return the result, its changes, issues and touching passes.

    A pass that raises is skipped for this record and reported as an Issue naming the pass and
    the input; the record goes on through the remaining passes.
    """
    run = Run(record, [], [], [])
    for p in passes:
        record = _step(p, record, run, explain, file, line)
    return run._replace(record=record)


def clean(
    data: Any, passes: Sequence[Pass] = PASSES, *, explain: bool = False, page: str = "",
    file: str | None = None, line: int | None = None,
) -> Result:
    """Clean one input value (a dict, with the page text that followed it, if any) into a Result."""
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        return Result(None, (), (Issue(file, line, f"expected a JSON object, found {kind}"),))
    run = run_passes(Record(data, page=page), passes, explain=explain, file=file, line=line)
    return Result(finish(run.record), tuple(run.changes), tuple(run.issues), tuple(run.touched))


def clean_many(
    items: Sequence[tuple[Any, str, int | None]], passes: Sequence[Pass] = PASSES, *, explain: bool = False,
    file: str | None = None,
) -> list[Result]:
    """Clean many (value, page text, line) items: the same Results as ``clean`` on each, faster.

    Each pass runs over all the records before the next pass starts, so that its tables (the
    language model, the word list, ftfy's) stay in the processor's caches: about a fifth faster
    on a chunk of records than record by record.
    """
    results: list[Result | None] = []
    runs: list[tuple[int, Run, int | None]] = []
    for data, page, line in items:
        if isinstance(data, dict):
            runs.append((len(results), Run(Record(data, page=page), [], [], []), line))
            results.append(None)
        else:
            results.append(clean(data, passes, explain=explain, page=page, file=file, line=line))
    records = [run.record for _, run, _ in runs]
    for p in passes:
        records = [_step(p, record, run, explain, file, line) for record, (_, run, line) in zip(records, runs)]
    for record, (slot, run, _) in zip(records, runs):
        results[slot] = Result(finish(record), tuple(run.changes), tuple(run.issues), tuple(run.touched))
    return results  # type: ignore[return-value]


def clean_record(data: dict, *, passes: Sequence[Pass] = PASSES) -> dict:
    """Clean one record: a dict as read from the aggregator's JSON, returned in the normalized schema.

    >>> clean_record({"title": "A&amp;B", "citationCount": "3"})["citation_count"]
    3
    """
    result = clean(data, passes)
    if result.record is None:
        raise ValueError(result.issues[0].message)
    return result.record


def clean_stream(
    records: Iterable[Any], *, passes: Sequence[Pass] = PASSES, explain: bool = False,
    file: str | None = None,
) -> Iterator[Result]:
    """Clean records one by one, lazily, in order: one Result per input record.

    Each item is a dict, or a ``(dict, page_text)`` pair for page dumps. A value that is not
    a record gives a Result with no record and an Issue naming its position (1-based).
    """
    for n, item in enumerate(records, 1):
        data, page = item if isinstance(item, tuple) else (item, "")
        yield clean(data, passes, explain=explain, page=page, file=file, line=n)


def clean_line(line: bytes | str, *, passes: Sequence[Pass] = PASSES) -> bytes:
    """Clean one JSONL line: the record's JSON in, the clean record's compact JSON out (no newline).

    The plug for other engines (Spark's ``mapPartitions``, Ray's ``map_batches``). A line that is
    not a JSON object raises ValueError, naming why, so that the caller can route it to its errors.

    >>> clean_line(b'{"title": "T", "citationCount": "3"}')
    b'{"title":"T","citation_count":3}'
    """
    import orjson

    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None
    result = clean(data, passes)
    if result.record is None:
        raise ValueError(result.issues[0].message)
    return orjson.dumps(result.record)
