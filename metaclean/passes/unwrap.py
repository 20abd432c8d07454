"""unwrap_json: decode JSON that was stored as a string inside the record, at any depth."""
from __future__ import annotations

import re
from typing import Any

import orjson

from metaclean.record import Record, Witness, add_warning

# A field named like this holds the whole record again; any other string that decodes to an
# object with a few record keys is treated the same way.
RECORD_FIELDS = ("resultStr", "result_str", "resultJson", "raw", "json")
RECORD_KEYS = frozenset({"title", "authors", "doi", "abstract", "journal", "publicationDate", "DOIUrl"})
MAX_LAYERS = 64  # a string encoded more often than this is not data, it is an accident
MAX_WITNESSES = 64
BROKEN_JSON = re.compile(r'\s*"?\[?\s*\{\s*\\?"')  # starts like an object with a key: JSON, not prose
JSON_ARRAY_START = re.compile(r"\[\s*(?:[\"{\[\]]|-?\d+(?:\.\d+)?\s*[,\]]|true|false|null)")


def _looks_like_json(value: str) -> bool:
    """Cheap test: could this string be JSON text of an object or array (maybe encoded again)?

    Titles such as ``[Review] of X`` start with a bracket too, so an array must open with a
    value that only JSON has there.
    """
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
        except orjson.JSONDecodeError as exc:
            return current, layers, str(exc)
        layers += 1
    return current, layers, None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


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
    if not any(isinstance(v, str) and _looks_like_json(v) for v in record.data.values()):
        return record
    data: dict[str, Any] = dict(record.data)
    witnesses = list(record.witnesses)
    reasons: dict[str, str] = {}
    # Inner records found in inner records go on the queue: bounded, iterative, no recursion.
    queue: list[tuple[str, dict]] = [("", data)]
    while queue and len(witnesses) < MAX_WITNESSES:
        prefix, current = queue.pop(0)
        for key in list(current):
            value = current[key]
            if not (isinstance(value, str) and _looks_like_json(value)):
                continue
            decoded, layers, error = decode_layers(value)
            name = f"{prefix}{key}"
            if error is not None or layers == 0:
                if current is data and (key in RECORD_FIELDS or BROKEN_JSON.match(value)):
                    del data[key]
                    data["extra"] = {**(data.get("extra") or {}), key: value}
                    data = add_warning(data, "unwrap_json", f"extra.{key}",
                                       f"looks like JSON but does not parse ({error}); kept verbatim")
                    reasons[f"extra.{key}"] = "string that is not valid JSON"
                continue
            if _is_record(decoded) or key in RECORD_FIELDS:
                del current[key]
                if isinstance(decoded, dict):
                    inner = dict(decoded)
                    queue.append((f"{name}.", inner))
                    witnesses.append(Witness(name, inner))
                elif not _is_empty(decoded) and current is data:
                    data["extra"] = {**(data.get("extra") or {}), key: decoded}
                reasons[key] = f"decoded {layers} layer(s) of JSON"
            else:
                current[key] = decoded
                reasons[name] = f"decoded {layers} layer(s) of JSON"
    # Merge: each witness fills what the outer record lacks; what it has the same is dropped;
    # what it has different stays in the witness for restore_originals and, finally, extra.
    merged: list[Witness] = []
    for w in witnesses[len(record.witnesses):]:
        rest: dict[str, Any] = {}
        for key, value in w.data.items():
            if _is_empty(value):
                continue
            if _is_empty(data.get(key)) and key not in RECORD_FIELDS:
                data[key] = value
                reasons[key] = f"filled from {w.source}"
            elif data.get(key) != value:
                rest[key] = value
        merged.append(Witness(w.source, rest))
    return record.with_data(data, reasons, witnesses=(*record.witnesses, *merged))
