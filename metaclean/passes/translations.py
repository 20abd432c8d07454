"""restore_originals: put the original title and abstract back over machine translations."""
from __future__ import annotations

from typing import Any, Mapping

from metaclean.lang import detect_record_language
from metaclean.passes.normalize import first_title, name_value
from metaclean.record import Record, Witness, add_warning
from metaclean.script import LETTER, is_cjk_text, script_language

# The translated field, and the aggregator's own field for its Chinese translation.
TRANSLATED = (("title", "TitleCN"), ("abstract", "AbstractTextCN"))
CN_FIELDS = frozenset(cn for _, cn in TRANSLATED)
READ = tuple(f for pair in TRANSLATED for f in pair)  # the fields read from every source
READ_SET = frozenset(READ)


def _text(value: Any) -> str | None:
    """Return a value's text as normalize_fields will keep it (``first_title``: Crossref lists too).

    A second clean agrees. Strings and None (most values) are answered here, as first_title would.
    """
    if type(value) is str:
        return value if value.strip() else None
    return None if value is None else first_title(value)


def _row(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Return the text of each field of READ in ``data`` (None where it has none)."""
    # _text written out: strings and None answered without a call, first_title for the rest.
    return {f: (v if v.strip() else None) if type(v := data.get(f)) is str else None if v is None else first_title(v)
            for f in READ}


def _non_cjk_context(data: Mapping[str, Any]) -> bool:
    """Return True when the record's other values show it was written in a non-CJK language."""
    name = name_value(data.get("journal"))[0] or data.get("PeriodicalName")  # as normalize_fields reads it
    authors = data.get("authors")
    if isinstance(authors, list):  # anything else that is not text (a number, a dict) says nothing
        authors = " ".join(str(a.get("name") or "") if isinstance(a, dict) else str(a) for a in authors)
    author_text = authors if isinstance(authors, str) else ""
    evidence = [t for t in (_text(name), _text(author_text)) if t and LETTER.search(t)]  # a name of digits says nothing
    return bool(evidence) and not any(is_cjk_text(t) for t in evidence)


def _foreign(texts: list[dict[str, str | None]], field: str, data: Mapping[str, Any], cjk: Mapping[str, bool]) -> bool:
    """Return True when a CJK ``field`` with no original beside it must still be a translation.

    ``texts`` holds each source's text of each field of READ (``cjk``: whether each is CJK);
    ``data`` is the record's. A title is, when an abstract is in another script (with no abstract
    at all: when the journal and the authors are); an abstract is, when a title is.
    """
    other = "abstract" if field == "title" else "title"
    values = [v for row in texts if (v := row[other])]
    if values:
        return any(not (cjk[v] if v in cjk else is_cjk_text(v)) for v in values)
    return field == "title" and _non_cjk_context(data)


def restore_originals(record: Record) -> Record:
    """Restore original titles and abstracts over machine translations; keep each translation labelled.

    Aggregators write their Chinese machine translation where the original belongs. Every
    witness is consulted (the record itself, ``resultStr``, the page text, ``TitleCN`` and
    ``AbstractTextCN``): a value in another script than the original's is a translation and
    goes to ``translations.<lang>`` with ``machine: true``; ``language`` names the original's.
    A paper written in Chinese keeps its Chinese title and is not marked as translated.

    >>> r = restore_originals(Record({"title": "心脏病学中的人工智能", "authors": "Ann Lee"},
    ...     witnesses=(Witness("resultStr", {"title": "AI in Cardiology"}),)))
    >>> r.data["title"], r.data["translations"]["zh"]
    ('AI in Cardiology', {'title': '心脏病学中的人工智能', 'machine': True})
    """
    data = dict(record.data)
    # Each source's text of each field, read once (the record's row again once a field changed);
    # a witness without any of them is left out: it has nothing to give.
    readers = [w for w in record.witnesses if not READ_SET.isdisjoint(w.data)]
    names = ["record"] + [w.source for w in readers]
    texts = [_row(data)] + [_row(w.data) for w in readers]
    record_row = texts[0]  # kept equal to _row(data) below, as data's title and abstract change
    cjk = {v: is_cjk_text(v) for v in {v for row in texts for v in row.values() if v}}  # each asked once
    if not cjk:
        return record
    translations: dict[str, dict] = {k: dict(v) for k, v in (data.get("translations") or {}).items()
                                     if isinstance(v, dict)}
    used: dict[str, set[str]] = {}
    reasons: dict[str, str] = {}
    changed = False
    # Without a CJK text anywhere nothing is translated: the loop below would find nothing to do.
    for field, cn_field in TRANSLATED if any(cjk.values()) else ():
        originals = [(src, v) for src, row in zip(names, texts) if (v := row[field]) and not cjk[v]]
        translated = [(src, f, v) for src, row in zip(names, texts) for f in (field, cn_field)
                      if (v := row[f]) and cjk[v]]
        if not translated:
            continue
        current = record_row[field]
        if originals:
            src, original = originals[0]
            if original != current:
                data[field] = record_row[field] = original  # a text is its own _text
                reasons[field] = f"original restored from {src}"
                changed = True
            used.setdefault(src, set()).add(field)
        elif current and cjk[current] and not _foreign(texts, field, data, cjk):
            # Written in a CJK language: the value is the original; equal CN copies are duplicates.
            for src, f, v in translated:
                if v == current:
                    used.setdefault(src, set()).add(f)
            continue
        for src, f, value in translated:
            lang = script_language(value) or "zh"  # the value is CJK (is_cjk above)
            entry = translations.setdefault(lang, {})
            if _text(entry.get(field)) in (None, value):
                if entry.get(field) != value:
                    entry[field] = value
                    reasons[f"translations.{lang}.{field}"] = f"machine translation, from {src}.{f}"
                entry["machine"] = True
                used.setdefault(src, set()).add(f)
        if not originals and current and cjk[current]:  # without originals data[field] is still current
            del data[field]
            record_row[field] = None
            data = add_warning(data, "restore_originals", field,
                               "only a machine translation survives; the original was not found")
            changed = True
    from_record = used.get("record", ())
    for cn in CN_FIELDS:
        if cn in from_record and cn in data:
            del data[cn]
            changed = True
    if translations != (data.get("translations") or {}):
        data["translations"] = translations
        changed = True
    if not _text(data.get("language")):
        lang = detect_record_language(record_row["title"] or "", record_row["abstract"] or "")
        if lang:
            data["language"] = lang
            reasons["language"] = "detected from the original title and abstract"
            changed = True
    witnesses = record.witnesses  # unless a value was taken from one
    if any(w.source in used for w in witnesses):
        witnesses = tuple(
            Witness(w.source, {k: v for k, v in w.data.items() if k not in used.get(w.source, ())})
            for w in record.witnesses
        )
    if not changed and witnesses == record.witnesses:
        return record
    # Unchanged fields stay the very same dict, so that the pipeline need not compare them.
    return record.with_data(data if changed else record.data, reasons, witnesses=witnesses)
