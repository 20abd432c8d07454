"""CSL-JSON export: normalized records as items Zotero, pandoc and citeproc read."""
from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping

# Normalized (CSL/Crossref) type -> CSL item type.
CSL_TYPES = {
    "journal-article": "article-journal", "proceedings-article": "paper-conference", "book": "book",
    "book-chapter": "chapter", "dataset": "dataset", "dissertation": "thesis", "posted-content": "article",
    "report": "report",
}
# Normalized field -> CSL variable, for plain strings.
CSL_FIELDS = {"title": "title", "doi": "DOI", "url": "URL", "abstract": "abstract", "language": "language",
              "pmid": "PMID", "pmcid": "PMCID"}
HAS_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "del", "la", "le", "du", "dos", "das", "ter"})


def csl_name(name: str) -> dict[str, str]:
    """Return a CSL name: family and given for ``Given Family`` names, a literal otherwise.

    >>> csl_name("Özgür Kızılyurt"), csl_name("王晓明")
    ({'family': 'Kızılyurt', 'given': 'Özgür'}, {'literal': '王晓明'})
    >>> csl_name("Ludwig van Beethoven")
    {'family': 'Beethoven', 'given': 'Ludwig', 'non-dropping-particle': 'van'}
    """
    parts = name.split()
    if len(parts) < 2 or HAS_CJK.search(name):
        return {"literal": name}
    given, family = parts[:-1], parts[-1]
    particles = []
    while len(given) > 1 and given[-1].lower() in PARTICLES:
        particles.insert(0, given.pop())
    out = {"family": family, "given": " ".join(given)}
    if particles:
        out["non-dropping-particle"] = " ".join(particles)
    return out


def csl_date(iso: str) -> dict[str, list[list[int]]] | None:
    """Return a CSL date from an ISO 8601 date (``YYYY[-MM[-DD]]``).

    >>> csl_date("2023-09-26")
    {'date-parts': [[2023, 9, 26]]}
    """
    parts = iso.split("-")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        return None
    return {"date-parts": [[int(p) for p in parts]]}


def item_id(record: Mapping[str, Any]) -> str:
    """Return a stable id: the DOI, else a short hash of the title."""
    if isinstance(record.get("doi"), str):
        return record["doi"]
    digest = hashlib.sha1(str(record.get("title", "")).encode("utf-8")).hexdigest()[:12]
    return f"metaclean-{digest}"


def to_csl(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the CSL-JSON item of a normalized record; fields CSL has no place for go under ``custom``.

    >>> to_csl({"title": "T", "doi": "10.1/x", "journal": {"name": "J", "pages": "1-2"}, "published": "2023"})
    {'id': '10.1/x', 'type': 'article-journal', 'title': 'T', 'DOI': '10.1/x', 'container-title': 'J', 'page': '1-2', 'issued': {'date-parts': [[2023]]}}
    """
    item: dict[str, Any] = {"id": item_id(record), "type": CSL_TYPES.get(record.get("type") or "", "article-journal")}
    custom: dict[str, Any] = {}
    for key, value in record.items():
        if key in CSL_FIELDS and isinstance(value, str):
            item[CSL_FIELDS[key]] = value
        elif key == "authors":
            item["author"] = [csl_name(a["name"]) for a in value if isinstance(a, dict) and a.get("name")]
        elif key == "journal" and isinstance(value, dict):
            for field, variable in (("name", "container-title"), ("volume", "volume"), ("issue", "issue"),
                                    ("pages", "page")):
                if isinstance(value.get(field), str):
                    item[variable] = value[field]
            rest = {k: v for k, v in value.items() if k not in ("name", "volume", "issue", "pages")}
            if rest:
                custom["journal"] = rest
        elif key == "published" and isinstance(value, str) and (date := csl_date(value)):
            item["issued"] = date
        elif key == "keywords" and isinstance(value, list):
            item["keyword"] = ", ".join(str(k) for k in value)
        elif key == "translations" and isinstance(value, dict):
            custom["translations"] = value
            zh = value.get("zh")
            if not record.get("title") and isinstance(zh, dict) and isinstance(zh.get("title"), str):
                item["title"] = zh["title"]
        elif key != "type":
            custom[key] = value
    if custom:
        item["custom"] = custom
    return item
