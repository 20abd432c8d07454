"""normalize_fields: map the aggregator's fields onto the normalized schema, typed."""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Mapping
from urllib.parse import unquote

from metaclean.record import Record, add_warning

DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.I)
DOI_TRAILING = ".,;:)]}'\u201d\u2019"
DOI_URL = re.compile(r"^\s*(?:https?://)?(?:dx\.)?doi\.org/", re.I)
NUMBER = re.compile(r"^\s*[+-]?\d[\d,\s]*(?:\.\d+)?\s*$")
VOLUME_ISSUE = re.compile(r"^\s*(\d+)\s*(?:[\s(,/]|\bno\.?\s*)\s*(\d+)\s*\)?\s*$", re.I)
PLACEHOLDERS = frozenset({"0", "-", "--", "n/a", "na", "none", "null", "unknown", "未知", "无"})

# Author lists: ';' and CJK separators always separate; ',' separates unless names are "Last, First".
AUTHOR_STRONG_SEP = re.compile(r"\s*(?:;|；|、|，|\|)\s*")
AUTHOR_AND = re.compile(r"\s*(?:,\s*|\s)(?:and|&|und|et|y|e)\s+(?=\S)", re.I)
AUTHOR_KEY = re.compile(r"[\W_]+")

MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for m in names}
DATE_YMD = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?(?:[T\s].*)?$")
DATE_DMY = re.compile(r"^\s*(\d{1,2})?\s*([A-Za-z]{3,9})\.?,?\s*(\d{1,2})?,?\s*(\d{4})\s*$")
DATE_NUMERIC_DMY = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")

# S2, PubMed and Crossref names for a work's type, to the CSL/Crossref type.
TYPES = {
    "journal article": "journal-article", "journalarticle": "journal-article", "article": "journal-article",
    "journal-article": "journal-article", "article-journal": "journal-article", "review": "journal-article",
    "editorial": "journal-article", "letter": "journal-article", "lettersandcomments": "journal-article",
    "casereport": "journal-article", "clinicaltrial": "journal-article", "metaanalysis": "journal-article",
    "news": "journal-article", "study": "journal-article", "comment": "journal-article",
    "conference": "proceedings-article", "conference paper": "proceedings-article",
    "proceedings-article": "proceedings-article", "paper-conference": "proceedings-article",
    "book": "book", "booksection": "book-chapter", "book-chapter": "book-chapter", "chapter": "book-chapter",
    "dataset": "dataset", "thesis": "dissertation", "dissertation": "dissertation",
    "preprint": "posted-content", "posted-content": "posted-content", "report": "report",
}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def fold(text: str) -> str:
    """Return a comparison key for text: NFKC, casefolded, whitespace folded.

    >>> fold("  Politics  Religion &amp; Ideology ") == fold("politics religion &amp; ideology")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def normalize_doi(value: Any) -> str | None:
    """Return the bare, lowercase DOI in a value (``doi:`` forms, doi.org URLs, labels), or None.

    >>> normalize_doi("https://doi.org/10.5194/GMD-16-6433-2023"), normalize_doi("DOI: 10.3390/S23249731.")
    ('10.5194/gmd-16-6433-2023', '10.3390/s23249731')
    """
    if not isinstance(value, str):
        return None
    text = unquote(value) if "%2" in value or "%3" in value else value
    m = DOI.search(text)
    if not m:
        return None
    doi = m.group(0).rstrip(DOI_TRAILING)
    while doi.count("(") < doi.count(")") and doi.endswith(")"):
        doi = doi[:-1]
    return doi.lower()


def to_int(value: Any) -> int | None:
    """Return an int from ints, integral floats and numeric strings (``"1,234"``), else None.

    >>> to_int("0"), to_int(" 1,234 "), to_int(3.0), to_int("n/a")
    (0, 1234, 3, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and NUMBER.match(value) and "." not in value:
        return int(re.sub(r"[,\s]", "", value))
    return None


def to_number(value: Any) -> int | float | None:
    """Return a number from a number or a numeric string, else None.

    >>> to_number("0.7"), to_number(4), to_number("x")
    (0.7, 4, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and NUMBER.match(value):
        text = re.sub(r"[,\s]", "", value)
        return float(text) if "." in text else int(text)
    return None


def normalize_date(value: Any) -> str | None:
    """Return an ISO 8601 date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from the usual forms, or None.

    >>> [normalize_date(v) for v in ("2023-09-26", "2023/9/26", "2023年9月", "26 Sep 2023", "Sep 26, 2023", 2021)]
    ['2023-09-26', '2023-09-26', '2023-09', '2023-09-26', '2023-09-26', '2021']
    """
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return str(value)
    if not isinstance(value, str):
        return None
    y = m = d = None
    if match := DATE_YMD.match(value):
        y, m, d = match.groups()
    elif match := DATE_DMY.match(value):
        d1, month, d2, y = match.groups()
        if month.lower() not in MONTHS:
            return None
        m, d = str(MONTHS[month.lower()]), d1 or d2
    elif match := DATE_NUMERIC_DMY.match(value):
        d, m, y = match.groups()
    else:
        return None
    parts = [y]
    if m and 1 <= int(m) <= 12:
        parts.append(f"{int(m):02d}")
        if d and 1 <= int(d) <= 31:
            parts.append(f"{int(d):02d}")
    return "-".join(parts)


def _split_commas(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    # "Smith, J., Doe, K." or "Smith, John, Doe, Jane": single-word parts pair up as "Last, First".
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(" " not in p for p in parts):
        return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
    return parts


def split_authors(value: Any) -> list[str]:
    """Return the author names in a value: a string with separators, a list of strings or of objects.

    >>> split_authors("Hong Liu; Hao Peng; Hong Liu")
    ['Hong Liu', 'Hao Peng', 'Hong Liu']
    >>> split_authors("C. D. Burgh-Day, Tennessee Leeuwenburg and Ann Lee")
    ['C. D. Burgh-Day', 'Tennessee Leeuwenburg', 'Ann Lee']
    >>> split_authors("王晓明，李华")
    ['王晓明', '李华']
    """
    if isinstance(value, Mapping):
        value = [value]
    if isinstance(value, list):
        names: list[str] = []
        for item in value:
            if isinstance(item, Mapping):
                name = item.get("name") or " ".join(
                    str(item[k]) for k in ("given", "family") if isinstance(item.get(k), str))
                if isinstance(name, str) and name.strip():
                    names.append(" ".join(name.split()))
            elif isinstance(item, str):
                names.extend(split_authors(item))
        return names
    if not isinstance(value, str) or not value.strip():
        return []
    names = []
    for chunk in AUTHOR_STRONG_SEP.split(value.strip()):
        chunk = AUTHOR_AND.sub(", ", chunk)
        names.extend(_split_commas(chunk) if "," in chunk else [chunk.strip()])
    return [" ".join(n.split()) for n in names if n.strip(" .")]


def author_key(name: str) -> str:
    """Return the key under which two spellings of a name are the same author."""
    return AUTHOR_KEY.sub("", unicodedata.normalize("NFKC", name).casefold())


def normalize_authors(value: Any) -> list[dict]:
    """Return authors as ``[{"name": ...}]``, duplicates removed, order kept.

    >>> normalize_authors("Łukasz Ledziński; G. Grześk; Łukasz Ledziński")
    [{'name': 'Łukasz Ledziński'}, {'name': 'G. Grześk'}]
    """
    extra_keys: dict[str, dict] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                extra_keys[author_key(item["name"])] = {k: v for k, v in item.items() if k != "name" and not _empty(v)}
    seen: set[str] = set()
    out = []
    for name in split_authors(value):
        key = author_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append({"name": name, **extra_keys.get(key, {})})
    return out


def normalize_type(value: Any) -> tuple[str | None, list[str]]:
    """Return (CSL/Crossref type, the raw type names it does not capture) for a type value.

    >>> normalize_type("Journal Article"), normalize_type(["Review", "JournalArticle"])
    (('journal-article', []), ('journal-article', ['Review']))
    """
    raw = [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
    raw = [r.strip() for part in raw for r in part.split(",") if r.strip()]
    types = [TYPES.get(r.lower()) for r in raw]
    chosen = next((t for t in types if t and t != "journal-article"), None) or next((t for t in types if t), None)
    kept = [r for r, t in zip(raw, types) if t is None or (r.lower().replace(" ", "-") != t and
                                                            r.lower().replace(" ", "") != t.replace("-", ""))]
    return chosen, kept


def normalize_journal(data: Mapping[str, Any]) -> tuple[dict, list[tuple[str, Any]]]:
    """Build ``journal`` from the journal object and its flat duplicates; return it and leftovers.

    ``"19 1"`` as a volume is volume 19, issue 1; pages ``"0"`` is a placeholder and dropped.

    >>> normalize_journal({"journal": {"name": "X", "volume": "19 1", "pages": "0"}, "PeriodicalIF": 0.7})[0]
    {'name': 'X', 'volume': '19', 'issue': '1', 'impact_factor': 0.7}
    """
    given = data.get("journal")
    journal: dict[str, Any] = dict(given) if isinstance(given, Mapping) else {}
    leftovers: list[tuple[str, Any]] = []
    if isinstance(given, str):
        journal["name"] = given
    flat = {"name": ("PeriodicalName", "venue", "journalName", "periodical"), "volume": ("volume",),
            "issue": ("issue",), "pages": ("pages",), "impact_factor": ("PeriodicalIF", "impactFactor")}
    for field, keys in flat.items():
        for key in keys:
            if _empty(data.get(key)):
                continue
            value = data[key]
            if _empty(journal.get(field)):
                journal[field] = value
            elif str(journal[field]).strip() != str(value).strip() and fold(str(journal[field])) != fold(str(value)):
                leftovers.append((key, value))
    out: dict[str, Any] = {}
    name = journal.pop("name", None)
    if isinstance(name, str) and name.strip():
        out["name"] = " ".join(name.split())
    for field in ("volume", "issue", "pages"):
        value = journal.pop(field, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip() and value.strip().lower() not in PLACEHOLDERS:
            out[field] = value.strip()
        elif not _empty(value) and not isinstance(value, str):
            leftovers.append((f"journal.{field}", value))
    if "volume" in out and "issue" not in out and (m := VOLUME_ISSUE.match(out["volume"])):
        out["volume"], out["issue"] = m.group(1), m.group(2)
    factor = journal.pop("impact_factor", None)
    number = to_number(factor)
    if number:
        out["impact_factor"] = number
    elif not _empty(factor) and number is None:
        leftovers.append(("journal.impact_factor", factor))
    for key, value in journal.items():
        if not _empty(value):
            out[key] = value
    return out, leftovers


DOI_KEYS = ("doi", "DOI", "DOIUrl", "doiUrl", "ListUrlMain", "url", "URL", "link")
URL_KEYS = ("url", "URL", "ListUrlMain", "link")
DATE_KEYS = ("published", "publicationDate", "pubDate", "PubDate", "date", "year", "publicationYear")
COUNT_KEYS = ("citation_count", "citationCount", "citedCount", "citedByCount")
TYPE_KEYS = ("type", "publicationTypes", "publicationType", "PubType")
AUTHOR_KEYS = ("authors", "author", "Authors", "Author")
JOURNAL_KEYS = ("journal", "PeriodicalName", "venue", "journalName", "periodical", "volume", "issue", "pages",
                "PeriodicalIF", "impactFactor")
KEYWORD_KEYS = ("keywords", "Keywords", "keyword")
KEYWORD_SEP = re.compile(r"\s*[;,，、；·]\s*")
SOURCE_KEYS = {"platform": "platform", "PeriodicalId": "periodical_id", "FirstCategoryId": "category_id",
               "paperid": "paper_id", "paperId": "paper_id", "Score": "score", "Total": "total"}
RANKING_KEYS = {"JCR": ("jcr", "quartile"), "JCRName": ("jcr", "category"), "RegionNum": ("cas", "zone"),
                "RegionCategory": ("cas", "category")}
ID_KEYS = {"PMCID": "pmcid", "pmcid": "pmcid", "PMID": "pmid", "pmid": "pmid", "arxivId": "arxiv"}
RENAMED = {"isOpenAccess": "open_access", "openAccessPdf": "pdf_url", "fieldsOfStudy": "fields_of_study",
           "EPubDate": "published_online"}
# Fields of the normalized schema that pass through as they are (they are normalized already).
KEPT = ("title", "language", "abstract", "copyright", "disclosure", "funding", "data_availability",
        "article_history", "orcid", "notes", "author_notes", "translations", "warnings", "pdf_url",
        "open_access", "fields_of_study", "published_online", "publication_types", "pmid", "pmcid", "arxiv")


def _first(data: Mapping[str, Any], keys: tuple[str, ...], convert: Callable[[Any], Any],
           extra: dict[str, Any], same: Callable[[Any, Any], bool] | None = None) -> Any:
    """Return the first convertible value among ``keys``; values that differ from it go to ``extra``."""
    chosen = None
    for key in keys:
        value = data.get(key)
        if _empty(value):
            continue
        converted = convert(value)
        if converted is None:
            extra[key] = value
        elif chosen is None:
            chosen = converted
        elif not (same or (lambda a, b: a == b))(chosen, converted):
            extra[key] = value
    return chosen


def _keywords(value: Any) -> list[str] | None:
    items = value if isinstance(value, list) else KEYWORD_SEP.split(value) if isinstance(value, str) else []
    out, seen = [], set()
    for item in items:
        if isinstance(item, str) and item.strip() and fold(item) not in seen:
            seen.add(fold(item))
            out.append(" ".join(item.split()))
    return out or None


def _url(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")) else None


def normalize_fields(record: Record) -> Record:
    """Map fields onto the normalized schema: bare DOI, author objects, journal, ISO dates, ints.

    The aggregator repeats values under several names (``PeriodicalName`` = ``journal.name``,
    ``ListUrlMain`` = the DOI's URL), types them wrongly (``citationCount: "0"``) and fills gaps
    with placeholders (``pages: "0"``). Each value lands in one typed field; one that does not
    fit is kept under ``extra``; the aggregator's own ids go under ``source``, rankings under
    ``rankings``.

    >>> r = normalize_fields(Record({"doi": "DOI: 10.1000/ABC", "citationCount": "7", "authors": "A B; C D"}))
    >>> r.data["doi"], r.data["citation_count"], r.data["authors"]
    ('10.1000/abc', 7, [{'name': 'A B'}, {'name': 'C D'}])
    """
    data = record.data
    out: dict[str, Any] = {}
    extra: dict[str, Any] = dict(data.get("extra") or {})
    consumed: set[str] = {"extra"}

    def take(keys: tuple[str, ...]) -> tuple[str, ...]:
        consumed.update(keys)
        return keys

    for key in KEPT:
        if not _empty(data.get(key)):
            out[key] = data[key]
    consumed.update(KEPT)
    out["authors"] = normalize_authors(next((data[k] for k in take(AUTHOR_KEYS) if not _empty(data.get(k))), None))
    for key in AUTHOR_KEYS[1:]:
        if not _empty(data.get(key)) and normalize_authors(data[key]) != out["authors"]:
            extra[key] = data[key]
    doi_extra: dict[str, Any] = {}
    out["doi"] = _first(data, take(DOI_KEYS), normalize_doi, doi_extra)
    urls: dict[str, Any] = {}
    out["url"] = _first({k: v for k, v in data.items() if k in URL_KEYS and normalize_doi(v) in (None, out["doi"])
                         and not (isinstance(v, str) and DOI_URL.match(v))}, URL_KEYS, _url, urls)
    for key, value in doi_extra.items():
        if normalize_doi(value) is not None or _url(value) is None or key not in URL_KEYS:
            extra[key] = value
    extra.update(urls)
    out["keywords"] = _keywords(next((data[k] for k in take(KEYWORD_KEYS) if not _empty(data.get(k))), None))
    journal, leftovers = normalize_journal(data)
    take(JOURNAL_KEYS)
    out["journal"] = journal
    extra.update(leftovers)
    out["published"] = _first(data, take(DATE_KEYS), normalize_date, extra,
                              lambda a, b: a.startswith(b) or b.startswith(a))
    out["type"], raw_types = normalize_type(next((data[k] for k in take(TYPE_KEYS) if not _empty(data.get(k))), None))
    if raw_types:
        out["publication_types"] = list(dict.fromkeys([*(data.get("publication_types") or []), *raw_types]))
    count = _first(data, take(COUNT_KEYS), to_int, extra)
    out["citation_count"] = count
    for key, target in RENAMED.items():
        if key in data:
            consumed.add(key)
            value = data[key]
            if key == "openAccessPdf" and isinstance(value, Mapping):
                value = value.get("url")
            if key == "EPubDate":
                value = normalize_date(value) or value
                if value == out.get("published"):
                    continue
            if key == "fieldsOfStudy" and isinstance(value, str):
                value = _keywords(value)
            if not _empty(value) and _empty(out.get(target)):
                out[target] = value
    source: dict[str, Any] = dict(data.get("source") or {})
    rankings: dict[str, Any] = {k: dict(v) for k, v in (data.get("rankings") or {}).items() if isinstance(v, Mapping)}
    consumed.update(("source", "rankings"))
    for key, value in data.items():
        if key in consumed or _empty(value):
            continue
        if key in SOURCE_KEYS:
            source.setdefault(SOURCE_KEYS[key], value)
        elif key in RANKING_KEYS:
            group, field = RANKING_KEYS[key]
            rankings.setdefault(group, {}).setdefault(field, to_int(value) if field == "zone" and to_int(value) else value)
        elif key in ID_KEYS:
            out.setdefault(ID_KEYS[key], value)
        else:
            extra[key] = value
    out["source"], out["rankings"], out["extra"] = source, rankings, extra
    new = {k: v for k, v in out.items() if not _empty(v)}
    if isinstance(data.get("citationCount"), str) and count is None:
        new = add_warning(new, "normalize_fields", "citation_count", f"not a number: {data['citationCount']!r}")
    if new == data:
        return record
    reasons = {key: destination(key, value) for key, value in data.items() if new.get(key) is not value}
    return record.with_data(new, {"*": "normalized", **reasons})


GROUPS = ((AUTHOR_KEYS, "authors"), (DOI_KEYS, "doi or url"), (JOURNAL_KEYS, "journal"), (DATE_KEYS, "published"),
          (COUNT_KEYS, "citation_count"), (TYPE_KEYS, "type"), (KEYWORD_KEYS, "keywords"))


def destination(key: str, value: Any) -> str:
    """Say where normalize_fields puts an input field, for ``--explain``.

    >>> destination("PeriodicalId", 7), destination("pages", "0"), destination("Foo", 1)
    ('moved to source.periodical_id', 'normalized into journal', 'kept under extra.Foo')
    """
    if _empty(value):
        return "empty value dropped"
    if key in SOURCE_KEYS:
        return f"moved to source.{SOURCE_KEYS[key]}"
    if key in RANKING_KEYS:
        return "moved to rankings.{}.{}".format(*RANKING_KEYS[key])
    if key in ID_KEYS or key in RENAMED:
        return f"moved to {ID_KEYS.get(key) or RENAMED[key]}"
    for keys, target in GROUPS:
        if key in keys:
            return f"normalized into {target}"
    return "normalized" if key in KEPT or key in ("source", "rankings", "extra") else f"kept under extra.{key}"
