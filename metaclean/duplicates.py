"""Record-level duplicates across a batch: the same paper scraped twice.

Two clean records are the same paper when they share a DOI, or the same normalized title, first
author's family name and year. Grouping needs only a small digest per record, so a batch of
millions fits in memory; merging keeps every distinct value and where it came from.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Hashable, Iterable, Mapping, NamedTuple, Sequence

from metaclean.passes.dedupe import contained

NON_WORD = re.compile(r"[\W_]+")


class Source(NamedTuple):
    """Where a record was read from (the input file, and its line for JSONL)."""

    file: str
    line: int | None


def _fold(text: str) -> str:
    return NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def record_keys(record: Mapping[str, Any]) -> tuple[bytes, ...]:
    """Return the digests under which a clean record is the same paper as another.

    >>> a = record_keys({"title": "Deep  Learning!", "authors": [{"name": "Ann Lee"}], "published": "2020-01"})
    >>> a == record_keys({"title": "deep learning", "authors": [{"name": "A. Lee"}], "published": "2020"})
    True
    >>> len(record_keys({"doi": "10.1000/x", "title": "T", "authors": [{"name": "A B"}], "published": "2020"}))
    2
    """
    keys: list[str] = []
    doi = record.get("doi")
    if isinstance(doi, str) and doi:
        keys.append(f"doi:{doi.lower()}")
    title = record.get("title")
    authors = record.get("authors") or []
    first = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
    year = str(record.get("published") or "")[:4]
    if isinstance(title, str) and _fold(title) and isinstance(first, str) and first.split() and year:
        family = _fold(first.split()[-1])
        keys.append(f"tay:{_fold(title)}|{family}|{year}")
    return tuple(hashlib.blake2b(k.encode("utf-8"), digest_size=12).digest() for k in keys)


def group(keyed: Iterable[tuple[Hashable, Sequence[bytes]]]) -> list[list[Hashable]]:
    """Return the groups (of two or more ids, in first-seen order) that share any key.

    >>> group([("a", [b"1"]), ("b", [b"2"]), ("c", [b"2", b"3"]), ("d", [b"3"]), ("e", [])])
    [['b', 'c', 'd']]
    """
    parent: dict[Hashable, Hashable] = {}
    rank: dict[Hashable, int] = {}
    owner: dict[bytes, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rid, keys in keyed:
        parent[rid] = rid
        rank[rid] = len(rank)
        for key in keys:
            if key in owner:
                a, b = find(owner[key]), find(rid)
                if a != b:
                    first, second = (a, b) if rank[a] < rank[b] else (b, a)
                    parent[second] = first
            else:
                owner[key] = rid
    groups: dict[Hashable, list[Hashable]] = {}
    for rid in rank:
        groups.setdefault(find(rid), []).append(rid)
    return [g for g in groups.values() if len(g) > 1]


def merge(records: Sequence[tuple[Source, Mapping[str, Any]]]) -> dict:
    """Merge the records of one paper into the first: fill its gaps, and keep what differs.

    Every other copy's source goes to ``merged_from`` with the values it held that the merged
    record does not (``differs``), so nothing is lost.

    >>> merged = merge([(Source("a.json", None), {"title": "T", "doi": "10.1000/x"}),
    ...                 (Source("b.jsonl", 3), {"title": "T.", "doi": "10.1000/x", "citation_count": 4})])
    >>> merged["citation_count"], merged["merged_from"]
    (4, [{'file': 'b.jsonl', 'line': 3, 'differs': {'title': 'T.'}}])
    """
    (_, first), rest = records[0], records[1:]
    merged = {k: v for k, v in first.items() if k != "merged_from"}
    sources = list(first.get("merged_from") or [])
    for source, record in rest:
        differs = {}
        for key, value in record.items():
            if key == "merged_from":
                sources.extend(value)
            elif key not in merged:
                merged[key] = value
            elif not contained(value, merged[key]):
                differs[key] = value
        entry: dict[str, Any] = {"file": source.file}
        if source.line is not None:
            entry["line"] = source.line
        if differs:
            entry["differs"] = differs
        sources.append(entry)
    merged["merged_from"] = sources
    return merged
