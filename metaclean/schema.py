"""The normalized output schema, version 1: field order, and its JSON Schema (``metaclean schema``)."""
from __future__ import annotations

from typing import Any, Mapping

SCHEMA_VERSION = 1

_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}
_TRANSLATION = {
    "type": "object",
    "description": "A translation of the record's text into one language (BCP-47 key).",
    "properties": {
        "title": _STR, "abstract": _STR, "keywords": _STRS, "disclosure": _STR, "notes": _STRS,
        "author_notes": _STR, "funding": _STR, "copyright": _STR,
        "machine": {"type": "boolean", "description": "true: a machine translation made by the aggregator"},
    },
    "additionalProperties": True,
}

# Every field of the output, in the order it is written, with its JSON Schema.
FIELDS: dict[str, dict[str, Any]] = {
    "title": {**_STR, "description": "The original title (never a machine translation)."},
    "language": {**_STR, "description": "BCP-47 code of the original's language (en, zh, es, ...)."},
    "authors": {"type": "array", "items": {"type": "object", "required": ["name"],
                                           "properties": {"name": _STR}, "additionalProperties": True},
                "description": "Authors in order, duplicates removed."},
    "doi": {**_STR, "pattern": "^10\\.", "description": "Bare, lowercase DOI."},
    "url": {**_STR, "description": "Landing page URL when it is not the DOI's."},
    "pdf_url": _STR,
    "abstract": {**_STR, "description": "The abstract alone: no label, keywords, notes or statements."},
    "keywords": _STRS,
    "journal": {"type": "object", "properties": {
        "name": _STR, "volume": _STR, "issue": _STR, "pages": _STR,
        "impact_factor": {"type": "number"}}, "additionalProperties": True},
    "published": {**_STR, "pattern": "^\\d{4}(-\\d{2}(-\\d{2})?)?$", "description": "ISO 8601 date."},
    "published_online": _STR,
    "type": {**_STR, "description": "CSL/Crossref type: journal-article, proceedings-article, ..."},
    "publication_types": {**_STRS, "description": "Source type names the type does not capture (Review)."},
    "citation_count": {"type": "integer", "minimum": 0},
    "open_access": {"type": "boolean"},
    "fields_of_study": _STRS,
    "pmid": _STR, "pmcid": _STR, "arxiv": _STR,
    "rankings": {"type": "object", "description": "Journal rankings: jcr {quartile, category}, cas {zone, category}.",
                 "additionalProperties": {"type": "object"}},
    "copyright": _STR,
    "disclosure": _STR,
    "funding": _STR,
    "data_availability": _STR,
    "article_history": _STR,
    "orcid": _STRS,
    "notes": {**_STRS, "description": "Numbered footnotes, in order, without their numbers."},
    "author_notes": _STR,
    "translations": {"type": "object", "additionalProperties": _TRANSLATION,
                     "description": "Translations by language; machine: true marks the aggregator's."},
    "merged_from": {"type": "array", "items": {"type": "object", "properties": {
        "file": _STR, "line": {"type": ["integer", "null"]}, "differs": {"type": "object"}}},
        "description": "With --dedupe: the other copies of this paper merged into it, and what they held that differs."},
    "source": {"type": "object", "description": "The aggregator's own ids: platform, periodical_id, ...",
               "additionalProperties": True},
    "extra": {"type": "object", "description": "Input fields with no place in the schema, kept verbatim.",
              "additionalProperties": True},
    "warnings": {"type": "array", "items": {"type": "object", "properties": {
        "pass": _STR, "field": _STR, "message": _STR}}, "description": "Damage that could not be repaired."},
}
ORDER = {name: i for i, name in enumerate(FIELDS)}
# A translation's parts in the order of the record's own, and whether it is a machine's last.
TRANSLATION_ORDER = {name: ORDER.get(name, len(ORDER)) for name in _TRANSLATION["properties"]}
# The known keys ranked: their ranks are distinct, so walking these lists is the sort.
RANKED = sorted(ORDER, key=ORDER.__getitem__)
TRANSLATION_RANKED = sorted(TRANSLATION_ORDER, key=TRANSLATION_ORDER.__getitem__)


def _sorted(data: Mapping[str, Any], order: Mapping[str, int], ranked: list[str]) -> dict[str, Any]:
    """Return ``data`` with the keys of ``order`` first, by rank (``ranked``), then the others sorted by name."""
    out = {key: data[key] for key in ranked if key in data}
    if len(out) < len(data):  # every unknown key ranks after every known one
        out.update((key, data[key]) for key in sorted(key for key in data if key not in order))
    return out


def _in_order(data: Mapping[str, Any], order: Mapping[str, int]) -> bool:
    """Return True when ``_sorted`` would keep ``data``'s own key order: known keys by rank, then the others by name."""
    rank, unknown = -1, None
    for key in data:
        if (r := order.get(key)) is None:
            if unknown is not None and key < unknown:
                return False
            unknown = key
        elif unknown is not None or r < rank:
            return False
        else:
            rank = r
    return True


def is_ordered(data: Mapping[str, Any]) -> bool:
    """Return True when ``ordered(data)`` has the keys of ``data`` in their order, at the top and in each translation.

    >>> is_ordered({"title": "T", "doi": "10.1/x", "zzz": 1}), is_ordered({"doi": "10.1/x", "title": "T"})
    (True, False)
    """
    if not _in_order(data, ORDER):
        return False
    translations = data.get("translations")
    if isinstance(translations, dict) and all(isinstance(v, dict) for v in translations.values()):
        return all(_in_order(parts, TRANSLATION_ORDER) for parts in translations.values())
    return True


def ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``data`` with its keys in schema order; keys the schema does not know come last, sorted.

    Each translation's parts follow the same order, ``machine`` last.

    >>> list(ordered({"doi": "10.1/x", "zzz": 1, "title": "T"}))
    ['title', 'doi', 'zzz']
    >>> list(ordered({"translations": {"zh": {"machine": True, "abstract": "a", "title": "t"}}})["translations"]["zh"])
    ['title', 'abstract', 'machine']
    """
    out = _sorted(data, ORDER, RANKED)
    translations = out.get("translations")
    if isinstance(translations, dict) and all(isinstance(v, dict) for v in translations.values()):
        out["translations"] = {lang: _sorted(parts, TRANSLATION_ORDER, TRANSLATION_RANKED)
                               for lang, parts in translations.items()}
    return out


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a normalized record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://metaclean.invalid/schema/v{SCHEMA_VERSION}.json",
        "title": f"metaclean normalized record, version {SCHEMA_VERSION}",
        "type": "object",
        "properties": FIELDS,
        "additionalProperties": False,
    }
