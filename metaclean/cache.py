"""A cache of tables metaclean derives from installed packages, kept between runs.

Some tables cost more to build than to read back: eld's n-gram database is a Python module that
makes 245,000 dicts at every start (~0.2 s in each worker process), while the part metaclean
reads of it, packed, loads in ~0.015 s. Such a table is stored under a name that holds a stamp
of what it was made from (a package's files' sizes and modification times, and the maker's
format), so an upgraded package gives a new name and the old file is never read for it.

The folder is ``$METACLEAN_CACHE``, else ``$XDG_CACHE_HOME/metaclean``, else
``~/.cache/metaclean``; ``METACLEAN_CACHE=off`` keeps nothing. A cache that cannot be read or
written is not used (each process then reads the package as before): it never changes a result.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Callable

from metaclean.io import AtomicWriter

OFF = "off"


def folder() -> Path | None:
    """Return the cache's folder, or None when ``METACLEAN_CACHE=off``."""
    chosen = os.environ.get("METACLEAN_CACHE")
    if chosen:
        return None if chosen.lower() == OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "metaclean"


def stamp(*parts: object, files: tuple[Path, ...] = ()) -> str:
    """Return a short name for what a table is made from: ``parts``, each file's size and mtime, and
    the Python version (whose ``marshal`` writes the file).

    >>> stamp("eld", 1) == stamp("eld", 1) != stamp("eld", 2)
    True
    """
    seen = [repr(part) for part in (marshal.version, sys.version_info[:2], *parts)]  # marshal's format is Python's
    for path in files:
        info = path.stat()
        seen.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(seen).encode("utf-8")).hexdigest()[:20]


def table(name: str, key: str, build: Callable[[], Any]) -> Any:
    """Return the table ``name`` made from ``key`` (a ``stamp``): read from the cache, or built.

    ``build`` returns a value ``marshal`` can store (None: nothing to keep). A built table is
    written atomically, so processes starting at once each read a whole file or build their own.
    With no folder to keep it in (``off``, read-only) nothing is built: None, and the caller
    goes its own way, as it would without a cache.
    """
    where = folder()
    if where is None:
        return None
    path = where / f"{name}-{key}.marshal"
    try:
        stored = marshal.loads(path.read_bytes())
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            return stored[1]
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: built below
    if not _writable(where):
        return None
    value = build()
    if value is not None:
        _store(path, marshal.dumps((key, value)))
    return value


def _writable(where: Path) -> bool:
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(where, os.W_OK)


def _store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a folder that cannot be written is left alone."""
    try:
        writer = AtomicWriter(path)
    except OSError:
        return
    try:
        writer.write(data)
        writer.commit()
    except OSError:
        writer.abort()
