"""dedupe_fields: keep each value once, fold what the witnesses still hold into ``extra``."""
from __future__ import annotations

import re
from typing import Any, Container, Mapping

from metaclean.passes.normalize import fold, is_empty, normalize_fields
from metaclean.record import Record
from metaclean.schema import is_ordered, ordered

LETTER = re.compile(r"[^\W\d_]")


CONTAINERS = (dict, list)


def drop_empty(value: Any) -> Any:
    """Return ``value`` without empty strings, nulls, empty lists and objects, at any depth.

    A plain dict or list with nothing to drop is returned as it is (the same object), not copied.

    >>> drop_empty({"a": "", "b": [None, "x"], "c": {"d": []}, "e": 0, "f": False})
    {'b': ['x'], 'e': 0, 'f': False}
    """
    kind = value.__class__
    if kind is dict or kind is list:
        new: Any = None  # what the first item that is not kept as it is becomes
        for n, v in enumerate(value.values() if kind is dict else value):  # the common case: nothing to drop, no copy
            of = v.__class__
            if of is str:
                if v.strip():
                    continue
            elif of is dict or of is list:  # (before numbers: more values are containers)
                if v:
                    # Most containers inside hold only non-empty text and numbers: seen here, without a call.
                    for w in v.values() if of is dict else v:
                        if (inner := w.__class__) is str:
                            if not w.strip():
                                break
                        elif inner is not int and inner is not float and inner is not bool:
                            break
                    else:
                        continue  # nothing to drop inside: what drop_empty(v) would say, v itself
                    new = drop_empty(v)
                    if new is v:
                        continue  # a container with nothing to drop inside
                else:
                    new = v
            elif of is int or of is float or of is bool:
                continue  # numbers: never empty, nothing inside
            elif not isinstance(v, CONTAINERS) and not is_empty(v):
                continue  # another kind of value, kept as it is
            break
        else:
            return value
        # Items before n are kept as they are; item n became ``new`` (or is dropped); the rest are
        # worked out now: each container inside is walked once.
        items = list(value.items()) if kind is dict else list(enumerate(value))
        head = (items[n][0], new if items[n][1].__class__ in (dict, list) else items[n][1])
        kept = [*items[:n], head, *((k, drop_empty(v)) for k, v in items[n + 1:])]
        kept = [(k, v) for k, v in kept if not is_empty(v)]
        return dict(kept) if kind is dict else [v for _, v in kept]
    if isinstance(value, dict):
        out = {k: drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if not is_empty(v)}
    if isinstance(value, list):
        out = [drop_empty(v) for v in value]
        return [v for v in out if not is_empty(v)]
    return value


def contained(part: Any, whole: Any) -> bool:
    """Return True when every value in ``part`` is also in ``whole`` (strings compared folded).

    >>> contained({"journal": {"name": "X "}}, {"journal": {"name": "x", "volume": "2"}})
    True
    """
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(contained(v, whole.get(k)) for k, v in part.items())
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(contained(p, w) for w in whole) for p in part)
    if isinstance(part, str) and isinstance(whole, str):
        return part == whole or fold(part) == fold(whole)
    return part == whole and type(part) is type(whole)


def _strings(value: Any, into: set[str], folded: bool = True) -> set[str]:
    if isinstance(value, str):
        into.add(fold(value) if folded else value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, into, folded)
    elif isinstance(value, list):
        for v in value:
            _strings(v, into, folded)
    return into


class FoldedStrings:
    """The folded strings of a value, as a container: folded on the first question, not before.

    Most records never ask (their witnesses hold no text that is not in the record already).

    >>> "sensors" in FoldedStrings({"journal": {"name": "SENSORS"}})
    True
    """

    __slots__ = ("value", "folded", "texts")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.folded: set[str] | None = None
        self.texts: set[str] | None = None

    def __contains__(self, text: object) -> bool:
        if self.folded is None:
            self.folded = _strings(self.value, set())
        return text in self.folded

    def holds(self, text: str) -> bool:
        """Return True when ``fold(text)`` is in; a text found as it is answers without folding any.

        >>> FoldedStrings({"title": "A Title"}).holds("A Title"), FoldedStrings({"title": "A Title"}).holds("a title")
        (True, True)
        """
        if isinstance(self.value, dict) and text in self.value.values():  # a kept field's text: most are
            return True
        if self.texts is None:
            self.texts = _strings(self.value, set(), folded=False)
        if text in self.texts:
            return True  # a kept text's fold is a kept fold
        # A kept text that is its own fold is fold(text) when equal to it (a DOI in capitals, kept
        # in lower case): found without folding every kept text.
        folded = fold(text)
        return (folded in self.texts and fold(folded) == folded) or folded in self


def is_duplicate(key: str, value: Any, kept: Mapping[str, Any], kept_strings: Container[str]) -> bool:
    """Return True when ``{key: value}``, normalized, says nothing the kept fields do not already say.

    A text equal to any kept text is a duplicate wherever it is (a ``TitleCN`` kept as
    ``translations.zh.title``); short codes and numbers are not (issue ``"2"`` is no duplicate of
    volume ``"2"``). A value that normalizes only in part (``"Spring 2023"`` gives the year)
    is never a duplicate.

    >>> kept = {"journal": {"name": "Sensors", "volume": "2"}, "published": "2023"}
    >>> [is_duplicate(k, v, kept, _strings(kept, set())) for k, v in
    ...  (("PeriodicalName", "SENSORS"), ("issue", "2"), ("publicationDate", "Spring 2023"), ("year", 2023))]
    [True, False, False, True]
    """
    if isinstance(value, str) and len(value) >= 4 and LETTER.search(value) and (
            kept_strings.holds(value) if isinstance(kept_strings, FoldedStrings) else fold(value) in kept_strings):
        return True
    normalized = normalize_fields(Record({key: value})).data
    if normalized.get("extra"):
        return False
    normalized = {k: v for k, v in normalized.items() if k not in ("extra", "warnings")}
    return bool(normalized) and contained(normalized, kept)


def _extra(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``data["extra"]``; one that is no object is kept inside it, not lost."""
    extra = data.get("extra")
    if extra is None:  # most records: is_empty(None)
        return {}
    if isinstance(extra, dict):
        return dict(extra)
    return {} if is_empty(extra) else {"extra": extra}


def dedupe_fields(record: Record) -> Record:
    """Drop empty values and duplicates; fold what witnesses hold that is new into ``extra``.

    A value that equals a kept value (the inner ``resultStr`` copy of the DOI, ``PeriodicalName``
    beside ``journal.name``) appears once; a value that differs is never dropped: it is kept
    under ``extra.<source>``.

    >>> from metaclean.record import Witness
    >>> r = dedupe_fields(Record({"doi": "10.1000/x", "title": ""},
    ...     witnesses=(Witness("resultStr", {"doi": "https://doi.org/10.1000/X", "note": "n"}),)))
    >>> r.data
    {'doi': '10.1000/x', 'extra': {'resultStr': {'note': 'n'}}}
    """
    data = drop_empty(record.data)  # not changed below (it is the record's own when nothing was dropped)
    kept = dict(data)
    kept.pop("extra", None)
    kept.pop("warnings", None)
    kept_strings = FoldedStrings(kept)
    extra = _extra(data)
    reasons: dict[str, str] = {}
    for key, value in list(extra.items()):
        if not isinstance(value, dict) and is_duplicate(key, value, kept, kept_strings):
            del extra[key]
            reasons[f"extra.{key}"] = "duplicate of a kept value"
    for witness in record.witnesses:
        rest = {k: v for k, v in drop_empty(dict(witness.data)).items()
                if not is_duplicate(k, v, kept, kept_strings)}
        if rest:
            extra[witness.source] = {**(extra.get(witness.source) or {}), **rest}
            reasons[f"extra.{witness.source}"] = f"what {witness.source} holds that the record does not"
    if extra:
        data = {**data, "extra": extra}
    elif "extra" in data:
        data = {k: v for k, v in data.items() if k != "extra"}
    data = ordered(data)  # a new dict, whatever the order of the keys above (each has its rank)
    if not record.witnesses and data == record.data and list(data) == list(record.data):
        return record
    return record.with_data(data, reasons, witnesses=())


def finish(record: Record) -> dict:
    """Return the output dict of a record: leftover witnesses and page text kept under ``extra``.

    After a full run there is nothing left over; with passes skipped, nothing is lost either.
    """
    if not record.witnesses and not record.page and is_ordered(record.data):  # dedupe_fields ordered it
        return dict(record.data)
    data = dict(record.data)
    if record.witnesses or record.page:
        extra = _extra(data)
        for witness in record.witnesses:
            if witness.data:
                extra[witness.source] = {**(extra.get(witness.source) or {}), **witness.data}
        if record.page:
            extra["page_text"] = record.page
        data["extra"] = extra
    return ordered(data)
