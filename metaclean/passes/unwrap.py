"""unwrap_json: decode JSON that was stored as a string inside the record, at any depth."""
from __future__ import annotations

import operator
import re
from itertools import compress
from typing import Any, Mapping

import orjson

from metaclean.record import Record, Witness, add_warning

# A field named like this holds the whole record again; any other string that decodes to an
# object with a few record keys is treated the same way.
RECORD_FIELDS = ("resultStr", "result_str", "resultJson", "raw", "json")
RECORD_FIELD_SET = frozenset(RECORD_FIELDS)
RECORD_KEYS = frozenset({"title", "authors", "doi", "abstract", "journal", "publicationDate", "DOIUrl"})
MAX_LAYERS = 64  # a string encoded more often than this is not data, it is an accident
MAX_WITNESSES = 64
# Starts like an object with a key and its colon: JSON, not prose (a title may open with "{").
BROKEN_JSON = re.compile(r'\s*"?\[?\s*\{\s*\\*"[^"\\]{0,200}\\*"\s*:')
JSON_OPENERS = '{["'
# What JSON text (maybe encoded again) can start with: an opener or whitespace (none above U+3000).
JSON_FIRST_CHARS = frozenset(JSON_OPENERS).union(c for c in map(chr, range(0x3001)) if c.isspace())
JSON_ARRAY_START = re.compile(r"\[\s*(?:[\"{\[\]]|-?\d+(?:\.\d+)?\s*[,\]]|true|false|null)")

# In the JSON text of an object, where a value that the walk below decodes or drops would show:
# a string opening with whitespace, a bracket or an escape (an escaped quote, \u0020), or the
# string "null". Every string value follows a ':' (and maybe whitespace), and a '"' inside a
# string is escaped, so none of these is missed ('""' is an empty one); other hits only cost a walk.
MAY_HOLD_JSON = re.compile(r':\s*"(?:[\s{\[\\]|null")')


# What earlier runs kept verbatim (``extra``) or wrote themselves (``warnings``) is not decoded
# again: cleaning a cleaned record must change nothing.
VERBATIM = frozenset({"extra", "warnings"})


def _looks_like_json(value: str) -> bool:
    """Cheap test: could this string be JSON text of an object or array (maybe encoded again)?

    Titles such as ``[Review] of X`` start with a bracket too, so an array must open with a
    value that only JSON has there.
    """
    if value[:1] not in JSON_FIRST_CHARS:  # most strings: one set lookup
        return False
    head = value[:3].lstrip()
    if not head:
        return False
    if head[0] == "{":
        return True
    if head[0] == "[":
        return head[1:2] in ('"', "{", "[", "]") or JSON_ARRAY_START.match(value) is not None
    return head[0] == '"' and value.lstrip()[1:2] in ("{", "[", "\\")


def decode_layers(value: str) -> tuple[Any, int, str | None]:
    """Decode a string that holds JSON, encoded once or several times.

    Return (decoded value, layers peeled, error). The value is the last string if decoding stops
    at text that is not JSON; error says why a string that looked like JSON did not parse.

    >>> decode_layers('"{\\\\"a\\\\": 1}"')
    ({'a': 1}, 2, None)
    """
    layers = 0
    current: Any = value
    while isinstance(current, str) and _looks_like_json(current) and layers < MAX_LAYERS:
        try:
            current = orjson.loads(current)
        except orjson.JSONDecodeError as exc:  # where it breaks, not the parser's wording
            return current, layers, f"breaks at character {exc.pos}"
        layers += 1
    return current, layers, None


SIZED = frozenset({str, list, dict})  # empty when falsy
NUMBERS = frozenset({int, float, bool})  # never empty: 0 and False are values
PLAIN = NUMBERS | {type(None), list}  # values the unwrap loop passes over: nothing in them is decoded


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if value.__class__ in SIZED:  # exact types first: called for every merged value
        return not value
    return value == "" or value == [] or value == {}


def _has_json(value: Any, depth: int = 0) -> bool:
    """Return True when a string in ``value`` (or in the objects inside it) looks like JSON."""
    if isinstance(value, str):
        return _looks_like_json(value)
    if isinstance(value, dict) and depth < MAX_LAYERS:
        for item in value.values():  # a loop, not any(generator): this walks every record
            if item.__class__ is str:  # most items: _looks_like_json's first test, no call
                if item[:1] in JSON_FIRST_CHARS and _looks_like_json(item):
                    return True
            elif isinstance(item, (str, dict)) and _has_json(item, depth + 1):
                return True
    return False


def merge_witness(outer: Any, inner: Any) -> tuple[Any, Any]:
    """Return (``outer`` with its empty parts filled from ``inner``, what ``inner`` says differently).

    Objects merge key by key, so an empty ``journal.name`` is filled while a different
    ``journal.pages`` stays with the witness; the second item is None when nothing differs.

    >>> merge_witness({"name": "", "pages": "0"}, {"name": "Sensors", "pages": "12"})
    ({'name': 'Sensors', 'pages': '0'}, {'pages': '12'})
    """
    if isinstance(outer, dict) and isinstance(inner, dict):
        merged, rest = dict(outer), {}
        for key, value in inner.items():
            if _is_empty(value):
                continue
            if _is_empty(merged.get(key)):
                merged[key] = value
            else:
                merged[key], differs = merge_witness(merged[key], value)
                if differs is not None:
                    rest[key] = differs
        return merged, rest or None
    if _is_empty(outer):
        return inner, None
    return outer, None if outer == inner or _is_empty(inner) else inner


def _may_unwrap(data: Mapping[str, Any]) -> bool:
    """Is there JSON to decode in ``data``, or a ``"null"`` inner copy to drop? The inner copy is asked first."""
    for key in RECORD_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and (value == "null" or _looks_like_json(value)):
            return True
    for key, value in data.items():  # any(_has_json(v) ...) over the keys but VERBATIM, strings inlined
        kind = value.__class__
        if kind is str:
            if value[:1] in JSON_FIRST_CHARS and _looks_like_json(value) and key not in VERBATIM:
                return True
        elif kind not in PLAIN and key not in VERBATIM and _has_json(value):
            return True
    return any(data[key] == "null" for key in RECORD_FIELDS if key in data)


def _is_record(value: Any) -> bool:
    return isinstance(value, dict) and len(RECORD_KEYS.intersection(value)) >= 2


def unwrap_json(record: Record) -> Record:
    """Decode JSON stored in string fields (resultStr first), to any depth, and merge it in.

    Aggregators store the whole record again, JSON-encoded, in ``resultStr`` (sometimes encoded
    several times, sometimes broken). The inner copy is the original data: empty outer fields
    are filled from it, and where both hold different values the inner copy is kept as a witness
    for the later passes. A string that looks like JSON but does not parse stays verbatim under
    ``extra`` with a warning.

    >>> r = unwrap_json(Record({"title": "", "resultStr": '{"title": "T", "doi": "10.1/x"}'}))
    >>> r.data["title"], r.data["doi"], "resultStr" in r.data
    ('T', '10.1/x', False)
    """
    if not _may_unwrap(record.data):
        return record
    data: dict[str, Any] = dict(record.data)
    witnesses = list(record.witnesses)
    reasons: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    # Inner records found in inner records, and objects holding JSON strings, go on the queue:
    # bounded, iterative, no recursion. Each dict on it is a copy this pass owns.
    queue: list[tuple[str, dict]] = [("", data)]
    while queue and len(witnesses) < MAX_WITNESSES:
        prefix, current = queue.pop(0)
        for key, value in list(current.items()):  # each step changes only its own key (and "extra")
            kind = value.__class__
            if kind is str:
                if value[:1] not in JSON_FIRST_CHARS and value != "null":
                    continue  # plain text, most values: _looks_like_json's first test, one set lookup
            elif kind in PLAIN or (kind is not dict and not isinstance(value, (str, dict))):
                continue  # numbers, None, lists: nothing below decodes them
            if current is data and key in VERBATIM:  # (after the tests above, which pass over any value)
                continue
            name = f"{prefix}{key}"
            if isinstance(value, dict) and _has_json(value):
                current[key] = dict(value)
                queue.append((f"{name}.", current[key]))
                continue
            if key in RECORD_FIELDS and value == "null":  # the aggregator's "no inner copy"
                del current[key]
                reasons[name] = "JSON null: no inner copy"
                continue
            if not (isinstance(value, str) and _looks_like_json(value)):
                continue
            decoded, layers, error = decode_layers(value)
            if error is not None or layers == 0:
                if key in RECORD_FIELDS or BROKEN_JSON.match(value):
                    if current is data:
                        del data[key]
                        data["extra"] = {**(data.get("extra") or {}), key: value}
                        name = f"extra.{key}"
                        reasons[name] = "string that is not valid JSON"
                    warnings.append((name, f"looks like JSON but does not parse ({error}); kept verbatim"))
                continue
            if _is_record(decoded) or key in RECORD_FIELDS:
                del current[key]
                if isinstance(decoded, dict):
                    inner = decoded  # just made by orjson: this pass's own
                    if layers > 1 or MAY_HOLD_JSON.search(value):
                        queue.append((f"{name}.", inner))
                    witnesses.append(Witness(name, inner))
                elif not _is_empty(decoded) and current is data:
                    data["extra"] = {**(data.get("extra") or {}), key: decoded}
                reasons[name] = f"decoded {layers} layer(s) of JSON"
            else:
                current[key] = decoded
                reasons[name] = f"decoded {layers} layer(s) of JSON"
    # Merge: each witness fills what the outer record lacks (in objects too: an empty
    # journal.name); what it has the same is dropped; what it has different stays in the
    # witness for restore_originals and, finally, extra.
    merged: list[Witness] = []
    for w in witnesses[len(record.witnesses):]:
        rest: dict[str, Any] = {}
        # Most of an inner copy equals the outer record, and merging an equal value changes
        # nothing (it is empty, or a filled scalar kept, or an object merged into itself), except
        # in the record fields, kept whole: those equal ones are passed over, compared at C speed.
        keys = list(w.data)
        unequal = map(operator.not_, map(operator.eq, w.data.values(), map(data.get, keys)))
        # compress yields only the keys whose selector is true, asking for each as it goes (so
        # data.get sees data as the loop left it, as a plain loop would): all at C speed.
        for key in compress(keys, map(operator.or_, unequal, map(RECORD_FIELD_SET.__contains__, keys))):
            value = w.data[key]
            kind = value.__class__
            if (not value) if kind in SIZED else (kind not in NUMBERS and _is_empty(value)):
                continue  # _is_empty, inlined: numbers are never empty
            if key in RECORD_FIELDS:
                rest[key] = value
                continue
            before = data.get(key)
            kind = before.__class__
            if kind in NUMBERS or (kind is str and before):  # merge_witness with a filled scalar, inlined
                if before != value:
                    rest[key] = value
                continue
            # merge_witness(None, value) is (value, None)
            data[key], differs = (value, None) if before is None else merge_witness(before, value)
            if data[key] != before:
                reasons[key] = f"filled from {w.source}"
            if differs is not None:
                rest[key] = differs
        merged.append(Witness(w.source, rest))
    for field_path, message in warnings:
        data = add_warning(data, "unwrap_json", field_path, message)
    return record.with_data(data, reasons, witnesses=(*record.witnesses, *merged))
