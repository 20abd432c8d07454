"""Reading inputs (page dumps, JSON objects, JSON arrays, JSONL; any of the encodings scrapers
produce) into records, and writing outputs atomically.

Detect, don't ask: the shape of a file is read from its bytes. Whatever cannot be read becomes an
``Issue`` naming the file and the line; the caller goes on with the rest.
"""
from __future__ import annotations

import codecs
import itertools
import json
import os
import re
import tempfile
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, NamedTuple

import orjson

from metaclean.record import Issue

OBJECT, ARRAY, JSONL, PAGE = "object", "array", "jsonl", "page"
SUFFIXES = (".json", ".jsonl", ".ndjson", ".txt")
HEAD_BYTES = 1 << 16
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
JSON_WRITE = orjson.OPT_NON_STR_KEYS
UMASK = os.umask(0o022)  # read the process umask (there is no other way), then put it back
os.umask(UMASK)


class Item(NamedTuple):
    """One record read from an input: its line (1-based; the item number in an array), value, page text."""

    line: int | None
    value: Any
    page: str = ""
    issue: Issue | None = None


class Parsed(NamedTuple):
    """An input read: its shape (object, array, jsonl, page) and its items, lazily for JSONL."""

    shape: str
    items: Iterable[Item]


class InputError(Exception):
    """An input that cannot be read at all; becomes an Issue naming the file (and line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def decode(raw: bytes) -> str:
    """Decode bytes as scrapers write them: UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030.

    Bytes that are not UTF-8 are read as GB18030 when that gives common Chinese characters, else
    as Windows-1252 (a Western legacy file). Raises InputError for bytes that are no text.

    >>> decode("标题".encode("gbk")), decode(codecs.BOM_UTF8 + b"{}"), decode("Jütte “x”".encode("cp1252"))
    ('标题', '{}', 'Jütte “x”')
    """
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {encoding} after its byte-order mark at byte {exc.start}") from None
    if len(CONTROL_BYTES.findall(raw[:HEAD_BYTES])) > max(2, len(raw[:HEAD_BYTES]) // 100) or b"\x00" in raw:
        raise InputError("binary data, not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        chinese = raw.decode("gb18030")
    except UnicodeDecodeError:
        chinese = None
    if chinese is not None and _reads_as_chinese(chinese):
        return chinese
    try:
        return raw.decode("cp1252")  # Western legacy files: é, ü, “ ” as single bytes
    except UnicodeDecodeError:
        return chinese if chinese is not None else raw.decode("latin-1")


def _reads_as_chinese(text: str) -> bool:
    """Is GB18030-decoded text mostly common Chinese characters (not Latin-1 bytes paired up)?"""
    from metaclean.passes.repair_text import common_cjk

    common = common_cjk("gbk")
    chars = [c for c in text if "\u3400" <= c <= "\u9fff"]
    return bool(chars) and sum(c in common for c in chars) >= 0.8 * len(chars)


def _error_line(exc: Exception) -> int | None:
    line = getattr(exc, "lineno", None)
    return line if isinstance(line, int) and line > 0 else None


def _describe(exc: Exception) -> str:
    message = str(exc)
    if "recursion" in message.lower() or "depth limit" in message or isinstance(exc, RecursionError):
        return "JSON nested too deeply (more than 1,024 levels)"
    return f"invalid JSON: {message}"


def json_lines(lines: Iterable[bytes | str], first_line: int = 1) -> Iterator[Item]:
    """Parse JSONL lines (numbered from ``first_line``) into items; a bad line is an item with an issue."""
    for n, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if isinstance(line, bytes):
                try:
                    value = orjson.loads(decode(line))
                except (orjson.JSONDecodeError, InputError) as exc2:
                    yield Item(n, None, issue=Issue(None, n, _describe(exc2), raw=_raw(line)))
                    continue
            else:
                yield Item(n, None, issue=Issue(None, n, _describe(exc), raw=_raw(line)))
                continue
        yield Item(n, value)


def _raw(line: bytes | str) -> str:
    return line.decode("utf-8", "replace").rstrip("\r\n") if isinstance(line, bytes) else line.rstrip("\r\n")


def _looks_jsonl(lines: list[str]) -> bool:
    """Two or more lines that open objects, and at least one that parses alone: JSONL."""
    starts = [ln for ln in lines if ln.strip()]
    if len(starts) < 2 or sum(ln.lstrip().startswith("{") for ln in starts) < 2:
        return False
    if not starts[1].lstrip().startswith("{"):
        return False
    for line in starts[:3]:
        try:
            if isinstance(orjson.loads(line), dict):
                return True
        except orjson.JSONDecodeError:
            continue
    return False


def parse_text(text: str) -> Parsed:
    """Detect what a decoded input holds and parse it.

    >>> parse_text('{"a": 1}\\n{"a": 2}\\n').shape, parse_text('{"a": 1}\\n\\n引用次数: 0').shape
    ('jsonl', 'page')
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise InputError("empty input: no record")
    if stripped[0] not in "{[":
        raise InputError(f"not JSON: starts with {stripped[:20]!r}", 1)
    try:
        value = orjson.loads(stripped)
    except orjson.JSONDecodeError as exc:
        whole_error = exc
    else:
        if isinstance(value, list):
            return Parsed(ARRAY, [Item(n, v) for n, v in enumerate(value, 1)])
        return Parsed(OBJECT, [Item(None, value)])
    lines = text.splitlines()
    if _looks_jsonl(lines[:50]):
        return Parsed(JSONL, json_lines(lines))
    if stripped[0] == "{":
        offset = len(text) - len(stripped)
        try:
            value, end = json.JSONDecoder().raw_decode(stripped)
        except RecursionError:
            raise InputError(_describe(RecursionError()), 1) from None
        except json.JSONDecodeError as exc:
            line = text.count("\n", 0, offset + exc.pos) + 1
            raise InputError(f"truncated or invalid JSON: {exc.msg} (column {exc.colno})", line) from None
        return Parsed(PAGE, [Item(None, value, stripped[end:])])
    raise InputError(_describe(whole_error), _error_line(whole_error))


def sniff_jsonl(head: bytes) -> bool:
    """Tell from the first bytes of an input whether it is JSONL (UTF-8, one object per line).

    >>> sniff_jsonl(b'{"a": 1}\\n{"a": 2}\\n'), sniff_jsonl(b'{"a": 1}\\n\\xe5\\xbc\\x95\\n')
    (True, False)
    """
    if any(head.startswith(bom) for bom, enc in BOMS if enc != "utf-8-sig") or b"\x00" in head:
        return False
    first_lines = head.split(b"\n", 3)
    if len(first_lines) < 2:
        return False
    return _looks_jsonl([ln.decode("utf-8", "replace") for ln in first_lines[:3]])


def read_stream(stream: IO[bytes]) -> Parsed:
    """Read an input stream; JSONL is read lazily line by line, so memory stays flat."""
    head = stream.read(HEAD_BYTES)
    if sniff_jsonl(head):
        return Parsed(JSONL, json_lines(_chain_lines(head, stream)))
    return parse_text(decode(head + stream.read()))


def _chain_lines(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    rest = b""
    first = True
    for chunk in itertools.chain((head,), iter(lambda: stream.read(1 << 20), b"")):
        if first and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[3:]
        first = False
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def read_path(path: Path) -> Parsed:
    """Open and read one input file (see read_stream). Raises InputError or OSError."""
    stream = path.open("rb")
    parsed = read_stream(stream)
    if parsed.shape != JSONL:
        stream.close()
        return parsed
    return Parsed(JSONL, _closing(parsed.items, stream))


def _closing(items: Iterable[Item], stream: IO[bytes]) -> Iterator[Item]:
    with stream:
        yield from items


def find_inputs(path: Path) -> Iterator[tuple[Path, Path]]:
    """Yield (file, path relative to the input root) for a file or, recursively, a directory's files.

    In a directory, only files with an input suffix (.json, .jsonl, .ndjson, .txt) are read; hidden
    files and folders are skipped.
    """
    if not path.is_dir():
        yield path, Path(path.name)
        return
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                file = Path(root, name)
                yield file, file.relative_to(path)


def output_name(rel: Path, shape: str) -> Path:
    """Return the output path for an input's relative path: ``a/b.txt`` -> ``a/b.json``, JSONL -> ``.jsonl``."""
    return rel.with_suffix(".jsonl" if shape == JSONL else ".json")


def dumps(value: Any, *, pretty: bool = False) -> bytes:
    """Serialize a record: UTF-8, no ``\\u`` escapes, keys in the order given."""
    return orjson.dumps(value, option=JSON_WRITE | (orjson.OPT_INDENT_2 if pretty else 0))


def render_body(shape: str, records: Iterable[dict]) -> bytes:
    """Return the bytes of records in an output's shape, without an array's brackets.

    JSONL: one compact line each; an array: pretty items joined by commas (the writer adds the
    brackets, so that an array can be written in pieces); one object: pretty, with a newline.
    """
    if shape == JSONL:
        return b"".join(dumps(record) + b"\n" for record in records)
    if shape == ARRAY:
        return b",\n".join(dumps(record, pretty=True) for record in records)
    return b"".join(dumps(record, pretty=True) + b"\n" for record in records)


class AtomicWriter:
    """Write a file through a temporary file in the same folder, fsync, then rename over the target.

    An interrupted or failed write leaves the old file (or none), never a half-written one.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        self.tmp = Path(tmp)
        os.chmod(fd, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~UMASK)
        self.file = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        """Write bytes to the temporary file."""
        self.file.write(data)

    def commit(self) -> None:
        """Flush, fsync and rename the temporary file over the target."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        """Drop the temporary file; the target is left as it was."""
        self.file.close()
        self.tmp.unlink(missing_ok=True)
