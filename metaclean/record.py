"""The small types every pass and the pipeline share: Record, Witness, Change, Issue."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, NamedTuple


class Witness(NamedTuple):
    """Another copy of the record found inside it: a decoded ``resultStr``, the page text.

    Passes consult witnesses to restore originals; whatever a witness holds that is neither
    used nor a duplicate is folded into ``extra`` at the end, so nothing is lost.
    """

    source: str
    data: Mapping[str, Any]


class Change(NamedTuple):
    """One change a pass made to one field, for ``--explain``."""

    pass_name: str
    field: str
    before: Any
    after: Any
    reason: str = ""

    def to_json(self) -> dict:
        """Return the change as a JSON-ready dict (the ``--explain-to`` line format)."""
        out = {"pass": self.pass_name, "field": self.field, "before": self.before, "after": self.after}
        if self.reason:
            out["reason"] = self.reason
        return out


class Issue(NamedTuple):
    """A problem with an input: a file that cannot be read, a line that is not JSON, a pass that failed.

    Issues are data: the run records them and goes on; the exit code says that there were some.
    """

    file: str | None
    line: int | None
    message: str
    pass_name: str | None = None
    raw: str | None = None

    def where(self) -> str:
        """Return ``file:line`` (or just the file, or ``<input>``) for messages."""
        place = self.file or "<input>"
        return f"{place}:{self.line}" if self.line is not None else place

    def __str__(self) -> str:
        prefix = f"[{self.pass_name}] " if self.pass_name else ""
        return f"{self.where()}: {prefix}{self.message}"

    def to_json(self) -> dict:
        """Return the issue as a JSON-ready dict (the ``--errors`` line format)."""
        out: dict[str, Any] = {"file": self.file, "line": self.line, "error": self.message}
        if self.pass_name:
            out["pass"] = self.pass_name
        if self.raw is not None:
            out["raw"] = self.raw
        return out



class LazyReasons(Mapping[str, str]):
    """Reasons worked out when first read: only ``--explain`` reads them, so most runs never pay.

    >>> reasons = LazyReasons(lambda: {"doi": "normalized"})
    >>> dict(reasons), "doi" in reasons
    ({'doi': 'normalized'}, True)
    """

    __slots__ = ("_make", "_reasons")

    def __init__(self, make: Callable[[], Mapping[str, str]]) -> None:
        self._make = make
        self._reasons: Mapping[str, str] | None = None

    def _get(self) -> Mapping[str, str]:
        if self._reasons is None:
            self._reasons = self._make()
        return self._reasons

    def __getitem__(self, key: str) -> str:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class _NoReasons(Mapping[str, str]):
    """The empty reasons a Record starts with: one object for all, read-only, pickled by name."""

    __slots__ = ()

    def __getitem__(self, key: str) -> str:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __reduce__(self) -> str:
        return "NO_REASONS"

    def __repr__(self) -> str:
        return "{}"


NO_REASONS: Mapping[str, str] = _NoReasons()


class Record(NamedTuple):
    """One record on its way through the passes.

    ``data`` is the record's fields; passes never mutate it, they return a new Record with a new
    dict (``with_data``). ``reasons`` maps a field a pass changed to why it did (which fix, which
    witness decided); the pipeline attaches it to the Change it records and clears it. Immutable;
    a NamedTuple, not a frozen dataclass, because every pass that changes a record makes one
    (a frozen dataclass's ``__init__`` costs ~1 µs more, ~2% of a clean).
    """

    data: Mapping[str, Any]
    witnesses: tuple[Witness, ...] = ()
    page: str = ""
    reasons: Mapping[str, str] = NO_REASONS

    def with_data(self, data: Mapping[str, Any], reasons: Mapping[str, str] | None = None, *,
                  witnesses: tuple[Witness, ...] | None = None, page: str | None = None) -> Record:
        """Return a copy with new fields (and why they changed, keyed by field path), and maybe new witnesses or page."""
        return Record(data, self.witnesses if witnesses is None else witnesses, self.page if page is None else page,
                      NO_REASONS if reasons is None else reasons)  # not ``reasons or``: that would work out LazyReasons

    def evolve(self, **kw: Any) -> Record:
        """Return a copy with some attributes replaced."""
        return self._replace(**kw)

    def witness(self, source: str) -> Mapping[str, Any] | None:
        """Return the data of the first witness from ``source``, if any."""
        for w in self.witnesses:
            if w.source == source:
                return w.data
        return None


def add_warning(data: Mapping[str, Any], pass_name: str, field_path: str, message: str) -> dict:
    """Return a copy of ``data`` with a warning appended, unless the same warning is there already.

    Warnings are part of the output (``warnings``), so cleaning a cleaned record must not add
    them twice.
    """
    warning = {"pass": pass_name, "field": field_path, "message": message}
    existing = list(data.get("warnings") or ())
    if warning in existing:
        return dict(data)
    return {**data, "warnings": [*existing, warning]}
