"""normalize_fields: map the aggregator's fields onto the normalized schema, typed."""
from __future__ import annotations

import datetime
import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, Mapping, NamedTuple
from urllib.parse import unquote

from metaclean.passes.repair_text import repair_piece
from metaclean.record import LazyReasons, Record, add_warning

# SICI-style DOIs hold "<...>" pairs (10.1002/(SICI)...<693::AID-ASI4>3.0.CO;2-0): a "<" is part of
# the DOI when its ">" follows; a lone "<", ">" or quote ends it. Runs of plain characters are taken
# whole ("+" inside: the same greedy match, nothing follows it, ~2x faster than one at a time), and
# no re.I: the pattern has no letter.
DOI = re.compile(r"10\.\d{4,9}/(?:[^\s\"<>]+|<[^\s\"<>]*>)+")
DOI_TRAILING = ".,;:)]}'\u201d\u2019"
DOI_TRAILING_ENTITY = re.compile(r"&(?:quot|apos|gt|lt|amp|#\d+)$", re.I)
DOI_URL = re.compile(r"^\s*(?:https?://)?(?:dx\.|www\.)?doi\.org/", re.I)
ARXIV_ID = re.compile(
    r"^\s*(?:arxiv:\s*|abs/|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)?"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z.\-]*/\d{7}(?:v\d+)?)(?:\.pdf)?\s*$", re.I)
ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
ARXIV_VOLUME = re.compile(r"^\s*abs/(\S+)\s*$", re.I)  # S2 writes an arXiv id as the volume of "ArXiv"
PMID = re.compile(r"^\s*(?:pmid:?\s*)?(\d{1,9})\s*$", re.I)
PMCID = re.compile(r"^\s*(?:pmcid:?\s*)?(?:pmc)?\s*(\d{1,9})\s*$", re.I)
NUMBER = re.compile(r"^\s*[+-]?\d[\d,\s]*(?:\.\d+)?\s*$")
NUMBER_SEPARATORS = re.compile(r"[,\s]")
VOLUME_ISSUE = re.compile(
    r"^\s*(?:vol(?:ume)?\.?\s*)?(\d+)\s*(?:[\s(,/:]|(?=no|iss|nr))\s*(?:(?:no|issue|iss|nr|n)\.?\s*)?(\d+)\s*\)?\s*$",
    re.I)
VOLUME_LABEL = re.compile(r"^\s*vol(?:ume)?\.?\s*(\d+)\s*$", re.I)
PAGE_RANGE = re.compile(r"^\s*(\S+)\s+[-\u2013\u2014]\s+(\S+)\s*$")
CACHED_LEN = 256  # the caches below keep short values only, so that their memory stays small
CACHED_KEYS = 128  # and key plans of records with this many keys at most
PLACEHOLDERS = frozenset({"0", "-", "--", "n/a", "na", "none", "null", "unknown", "未知", "无"})

# Author lists: ';' and CJK separators always separate; ',' separates unless names are "Last, First".
# Splitting on them and stripping each chunk is splitting on r"\s*(?:;|；|、|，|\|)\s*" for a text with
# no space at either end (str.strip and \s agree on what a space is), without trying \s* everywhere.
AUTHOR_STRONG_SEP_CHAR = re.compile(r"[;；、，|]")
AUTHOR_AND = re.compile(r"\s*(?:,\s*|\s)(?:and|&|und|et)\s+(?=\S)", re.I)
# Spanish "y" and Portuguese "e" also join surnames (Ortega y Gasset, Sousa e Silva): they separate
# two authors only when both sides are names of two words or more.
AUTHOR_AND_ROMANCE = re.compile(r"\s+(?:y|e)\s+")
AUTHOR_ET_AL = re.compile(r"\s*,?\s*\bet\.?\s+al\b\.?\s*$|\s*,?\s*等\s*$", re.I)
# AUTHOR_ET_AL without its optional lead: it finds a match where AUTHOR_ET_AL does, ~4x faster (no \s* tried everywhere).
AUTHOR_ET_AL_END = re.compile(r"(?:\bet\.?\s+al\b\.?|等)\s*$", re.I)
AUTHOR_KEY = re.compile(r"[\W_]+")
# For ASCII text, [\W_] is every character but a letter or a digit: bytes.translate deletes them at once.
ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
# Keys that name an author in an object: S2/CSL, then given/family pairs (Crossref, PubMed, others).
AUTHOR_NAME_KEYS = ("name", "literal", "fullName", "full_name", "display_name", "CollectiveName")
AUTHOR_NAME_PAIRS = (("given", "family"), ("ForeName", "LastName"), ("Initials", "LastName"),
                     ("firstName", "lastName"), ("first_name", "last_name"), ("FirstName", "LastName"))
AUTHOR_ID_KEYS = ("authorId", "ORCID", "orcid")

MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for m in names}
TIME = r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
DATE_YMD = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?" + TIME + r"\s*$")
DATE_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
DATE_Y_MONTH_D = re.compile(r"^\s*(\d{4})[\s\-/,]+([A-Za-z]{3,9})\.?(?:[\s\-/,]+(\d{1,2}))?\s*$")
DATE_DMY = re.compile(
    r"^\s*(?:(\d{1,2})[\s\-/.]*)?([A-Za-z]{3,9})\.?[\s\-/,]*(?:(\d{1,2})(?:st|nd|rd|th)?,?\s*)?(\d{4})\s*$")
DATE_NUMERIC = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

# S2, PubMed and Crossref names for a work's type, to the CSL/Crossref type. The names in SUBTYPES
# say more than the type they map to (a Review is a journal article), so they are kept as well.
TYPES = {
    "journal article": "journal-article", "journalarticle": "journal-article", "article": "journal-article",
    "journal-article": "journal-article", "article-journal": "journal-article",
    "conference": "proceedings-article", "conference paper": "proceedings-article",
    "proceedings-article": "proceedings-article", "paper-conference": "proceedings-article",
    "book": "book", "booksection": "book-chapter", "book-chapter": "book-chapter", "chapter": "book-chapter",
    "dataset": "dataset", "thesis": "dissertation", "dissertation": "dissertation",
    "preprint": "posted-content", "posted-content": "posted-content", "report": "report",
}
SUBTYPES = {
    "review": "journal-article", "editorial": "journal-article", "letter": "journal-article",
    "lettersandcomments": "journal-article", "casereport": "journal-article", "clinicaltrial": "journal-article",
    "metaanalysis": "journal-article", "news": "journal-article", "study": "journal-article",
    "comment": "journal-article",
}


def is_empty(value: Any) -> bool:
    """Return True for null, blank text, ``[]`` and ``{}``: values that say nothing.

    >>> [is_empty(v) for v in (None, " ", [], {}, 0, False, "x")]
    [True, True, True, True, False, False, False]
    """
    if value is None:
        return True
    kind = value.__class__  # exact types first: called ~150 times per record
    if kind is str:
        return not value.strip()
    if kind is list or kind is dict:
        return not value
    if kind is int or kind is float or kind is bool:  # exact numbers never equal [] or {}
        return False
    return (isinstance(value, str) and not value.strip()) or value in ([], {})


def fold(text: str) -> str:
    """Return a comparison key for text: NFKC, casefolded, whitespace folded.

    >>> fold("  Politics  Religion &amp; Ideology ") == fold("politics religion &amp; ideology")
    True
    """
    return " ".join(_nfkc_casefold(text).split())


def _nfkc_casefold(text: str) -> str:
    # ASCII text is its own NFKC form, and its casefold is its lower()
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def normalize_doi(value: Any) -> str | None:
    """Return the bare, lowercase DOI in a value (``doi:`` forms, doi.org URLs, labels), or None.

    >>> normalize_doi("https://doi.org/10.5194/GMD-16-6433-2023"), normalize_doi("DOI: 10.3390/S23249731.")
    ('10.5194/gmd-16-6433-2023', '10.3390/s23249731')
    >>> normalize_doi("10.1002%2Fabc"), normalize_doi("(10.1016/S0140-6736(20)30183-5)")
    ('10.1002/abc', '10.1016/s0140-6736(20)30183-5')
    >>> normalize_doi("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0")
    '10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0'
    """
    if not isinstance(value, str):
        return None
    return _doi_in(value) if len(value) <= CACHED_LEN else _doi_in.__wrapped__(value)


@lru_cache(maxsize=4096)  # a record asks about its DOI and URLs two or three times
def _doi_in(value: str) -> str | None:
    text = unquote(value) if "%2" in value or "%3" in value else value
    m = DOI.search(text)
    if not m:
        return None
    doi = m.group(0)
    while True:
        trimmed = doi.rstrip(DOI_TRAILING)
        if "&" in trimmed:  # (DOI_TRAILING_ENTITY starts with one)
            trimmed = DOI_TRAILING_ENTITY.sub("", trimmed)
        while trimmed.count("(") < trimmed.count(")") and trimmed.endswith(")"):
            trimmed = trimmed[:-1]
        if trimmed == doi:
            break
        doi = trimmed
    return doi.lower()


def normalize_arxiv(value: Any) -> str | None:
    """Return the bare arXiv id in a value (``arXiv:``, ``abs/``, arxiv.org URLs, its 10.48550 DOI), or None.

    >>> normalize_arxiv("arXiv:2209.13464v2"), normalize_arxiv("abs/2211.13560"), normalize_arxiv("10.48550/ARXIV.2309.15768")
    ('2209.13464v2', '2211.13560', '2309.15768')
    """
    if not isinstance(value, str):
        return None
    if m := ARXIV_DOI.match(value.strip()):
        value = m.group(1)
    m = ARXIV_ID.match(value)
    return m.group(1) if m else None


def normalize_pmid(value: Any) -> str | None:
    """Return a PubMed id as a digit string (from an int, ``"PMID: 123"``), or None.

    >>> normalize_pmid(37938612), normalize_pmid("PMID: 37938612"), normalize_pmid("x")
    ('37938612', '37938612', None)
    """
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    m = PMID.match(value) if isinstance(value, str) else None
    return m.group(1) if m else None


def normalize_pmcid(value: Any) -> str | None:
    """Return a PubMed Central id as ``PMC<digits>``, or None.

    >>> normalize_pmcid("PMC10648357"), normalize_pmcid(10648357), normalize_pmcid("pmc 123")
    ('PMC10648357', 'PMC10648357', 'PMC123')
    """
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"PMC{value}"
    m = PMCID.match(value) if isinstance(value, str) else None
    return f"PMC{m.group(1)}" if m else None


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
    if isinstance(value, str):
        if value.isdecimal():  # only [Nd] digits (what \d is): NUMBER matches, and there is nothing to remove
            return int(value)
        if NUMBER.match(value) and "." not in value:
            return int(NUMBER_SEPARATORS.sub("", value))
    return None


def to_count(value: Any) -> int | None:
    """Return a count: a non-negative int (see ``to_int``), else None.

    >>> to_count("1,234"), to_count("-1")
    (1234, None)
    """
    number = to_int(value)
    return number if number is not None and number >= 0 else None


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
        text = NUMBER_SEPARATORS.sub("", value)
        return float(text) if "." in text else int(text)
    return None


def _iso(y: str | int, m: str | int | None = None, d: str | int | None = None) -> str | None:
    """Return ``YYYY[-MM[-DD]]`` when the parts make a real date, else None."""
    try:
        year, month, day = int(y), int(m) if m else None, int(d) if d else None
        if not 1000 <= year <= 2999 or (month is None and day is not None):
            return None
        if month is None:
            return f"{year:04d}"
        datetime.date(year, month, day or 1)  # raises for month 13 or February 30
    except (TypeError, ValueError):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def normalize_date(value: Any) -> str | None:
    """Return an ISO 8601 date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from the usual forms, or None.

    Also Crossref's ``{"date-parts": [[2023, 9, 26]]}`` and PubMed's ``2023 Sep 26``. A date
    that is impossible (``2023-02-30``) or ambiguous (``04/05/2023``) gives None, so the caller
    keeps the raw value rather than a guess.

    >>> [normalize_date(v) for v in ("2023-09-26", "2023/9/26", "2023年9月", "26 Sep 2023", "Sep 26, 2023", 2021)]
    ['2023-09-26', '2023-09-26', '2023-09', '2023-09-26', '2023-09-26', '2021']
    >>> [normalize_date(v) for v in ("2023 Sep 26", "09/26/2023", "04/05/2023", "2023-02-30", {"date-parts": [[2023, 9]]})]
    ['2023-09-26', '2023-09-26', None, None, '2023-09']
    """
    if isinstance(value, dict):
        parts = value.get("date-parts")
        value = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else None
    if isinstance(value, list):
        parts = [p for p in value if p is not None]
        if not 1 <= len(parts) <= 3 or not all(to_int(p) is not None for p in parts):
            return None
        return _iso(*(to_int(p) for p in parts))
    if isinstance(value, int) and not isinstance(value, bool):
        return _iso(value) if 1000 <= value <= 2999 else None
    if not isinstance(value, str):
        return None
    return _date_in(value) if len(value) <= CACHED_LEN else _date_in.__wrapped__(value)


@lru_cache(maxsize=4096)  # the same few thousand date strings come back record after record
def _date_in(value: str) -> str | None:
    if match := DATE_YMD.match(value) or DATE_COMPACT.match(value):
        return _iso(*match.groups())
    if match := DATE_Y_MONTH_D.match(value):
        y, month, d = match.groups()
        return _iso(y, MONTHS[month.lower()], d) if month.lower() in MONTHS else None
    if match := DATE_DMY.match(value):
        d1, month, d2, y = match.groups()
        if month.lower() not in MONTHS or (d1 and d2):
            return None
        return _iso(y, MONTHS[month.lower()], d1 or d2)
    if match := DATE_NUMERIC.match(value):
        a, b, y = (int(g) for g in match.groups())
        if a > 12 >= b:
            return _iso(y, b, a)
        if b > 12 >= a:
            return _iso(y, a, b)
        return _iso(y, a, b) if a == b else None
    return None


def year_of(value: Any) -> str | None:
    """Return the one year a date that did not parse still names (``Spring 2023``), else None.

    >>> year_of("Spring 2023"), year_of("2023 Sep-Oct"), year_of("1999-2001")
    ('2023', '2023', None)
    """
    years = set(YEAR.findall(value)) if isinstance(value, str) else set()
    return years.pop() if len(years) == 1 else None


def ends_et_al(text: str) -> bool:
    """Return True when AUTHOR_ET_AL finds "et al." or "等" at the end of ``text``.

    The regex tries every position; only a text that ends so can match, and that is cheap to see
    (under re.I only "a"/"A" match "a" and "l"/"L" match "l", as their lower()).

    >>> ends_et_al("A B, C D et al."), ends_et_al("A B; C D"), ends_et_al("王晓明 等"), ends_et_al("Dal")
    (True, False, True, False)
    """
    tail = text.rstrip()
    if not (tail.endswith("等") or tail[-3:].lower().endswith(("al", "al."))):
        return False
    return AUTHOR_ET_AL_END.search(text) is not None


def _split_commas(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    # "Smith, J., Doe, K." or "Smith, John, Doe, Jane": single-word parts pair up as "Last, First".
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(" " not in p for p in parts):
        return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
    return parts


def _no_romance_and(text: str) -> bool:
    """Return True when AUTHOR_AND_ROMANCE finds nothing in ``text``. In printable text a space is the only
    whitespace (every other character \\s matches is not printable): " y " and " e " are all it could find."""
    if text.isprintable():
        return " y " not in text and " e " not in text
    return AUTHOR_AND_ROMANCE.search(text) is None


def _split_romance_and(chunk: str) -> str:
    """Split at the last " y "/" e " with a name of two words or more on each side, then again to its left."""
    if _no_romance_and(chunk):  # the common case: no " y " or " e " at all
        return chunk
    for m in reversed(list(AUTHOR_AND_ROMANCE.finditer(chunk))):
        left, right = chunk[:m.start()], chunk[m.end():]
        if all(len(p.replace(",", " ").split()) >= 2 for p in (left, right)):
            return f"{_split_romance_and(left)}, {right}"
    return chunk


def author_name(item: Mapping[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    """Return the name an author object gives and the keys it was built from.

    ``name`` (S2), ``literal`` (CSL), ``given``/``family`` (Crossref), ``ForeName``/``LastName``
    (PubMed) and the like.

    >>> author_name({"given": "Ann", "family": "Lee", "ORCID": "x"}), author_name({"LastName": "Lee", "Initials": "A"})
    (('Ann Lee', ('given', 'family')), ('A Lee', ('Initials', 'LastName')))
    """
    for key in AUTHOR_NAME_KEYS:
        if isinstance(item.get(key), str) and item[key].strip():
            return " ".join(item[key].split()), (key,)
    present = [k for k in item if isinstance(item[k], str) and item[k].strip()]
    pairs = [p for p in AUTHOR_NAME_PAIRS if p[1] in present]
    for given, family in sorted(pairs, key=lambda p: p[0] not in present):  # full pairs first
        used = (given, family) if given in present else (family,)
        return " ".join(" ".join(item[k] for k in used).split()), used
    return None, ()


def split_authors(value: Any) -> list[str]:
    """Return the author names in a value: a string with separators, a list of strings or of objects.

    >>> split_authors("Hong Liu; Hao Peng; Hong Liu")
    ['Hong Liu', 'Hao Peng', 'Hong Liu']
    >>> split_authors("C. D. Burgh-Day, Tennessee Leeuwenburg and Ann Lee")
    ['C. D. Burgh-Day', 'Tennessee Leeuwenburg', 'Ann Lee']
    >>> split_authors("王晓明，李华")
    ['王晓明', '李华']
    >>> split_authors("Lee, Ann Marie; Ortega y Gasset, José; Silva e Souza, Ana")
    ['Ann Marie Lee', 'José Ortega y Gasset', 'Ana Silva e Souza']
    >>> split_authors("Ana Sousa e Silva e Maria Lima")
    ['Ana Sousa e Silva', 'Maria Lima']
    """
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, list):
        names: list[str] = []
        for item in value:
            if isinstance(item, dict):
                name = author_name(item)[0]
                if name:
                    names.append(name)
            elif isinstance(item, str):
                names.extend(split_authors(item))
        return names
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    chunks = [c.strip() for c in AUTHOR_STRONG_SEP_CHAR.split(AUTHOR_ET_AL.sub("", text) if ends_et_al(text) else text)]
    # With ";" between authors, one comma inside an author is "Last, First".
    inverted = (len(chunks) >= 2 and "," in text  # no chunk has a comma the text does not
                and all(c.count(",") <= 1 for c in chunks) and any("," in c for c in chunks))
    if "," not in text and _no_and(text) and _no_romance_and(text):
        names = chunks  # the loop below would keep each chunk as it is: what no chunk has, the text has not
    else:
        names = _split_chunks(chunks, inverted)
    return [" ".join(n.split()) for n in names if n.strip(" .")]


def _may_have_and(text: str) -> bool:
    """Cheap test: could AUTHOR_AND find something in ``text``? It needs "&", "and", "und" or "et"."""
    lower = text.lower()  # (re.I: only A-Z fold to a-z here)
    return "nd" in lower or "et" in lower or "&" in text


def _no_and(text: str) -> bool:
    """Return True when AUTHOR_AND finds nothing in ``text``, trying the regex only on a hint of it."""
    return not _may_have_and(text) or AUTHOR_AND.search(text) is None


def _split_chunks(chunks: list[str], inverted: bool) -> list[str]:
    """Return the names in the chunks of an author list: "and", " y "/" e " and commas split them."""
    names = []
    for chunk in chunks:
        if _may_have_and(chunk):
            chunk = AUTHOR_AND.sub(", ", chunk)
        chunk = _split_romance_and(chunk)
        if inverted and chunk.count(",") == 1:
            last, first = (p.strip() for p in chunk.split(","))
            names.append(f"{first} {last}".strip())
        else:
            names.extend(_split_commas(chunk) if "," in chunk else [chunk.strip()])
    return names


def author_key(name: str) -> str:
    """Return the key under which two spellings of a name are the same author.

    >>> author_key("Ann-Marie O'Neil"), author_key("Łukasz Ledziński")
    ('annmarieoneil', 'łukaszledziński')
    """
    if name.isascii():  # NFKC-casefold of ASCII is lower() (_nfkc_casefold)
        return name.lower().encode().translate(None, ASCII_NOT_ALNUM).decode()
    return AUTHOR_KEY.sub("", _nfkc_casefold(name))


def _plain_ascii(text: str) -> bool:
    """Return True for printable ASCII text with no "<" and no "&" (no trigger of repair_text)."""
    return text.isascii() and text.isprintable() and "<" not in text and "&" not in text


def _repair_piece(text: str, *, names: bool = False) -> str:
    """``repair_piece(text)``, without its call for most pieces: printable ASCII text with no "<", no "&"
    and no space at either end or twice in a row asks repair_text for nothing (its _quick_scan: no
    trigger, no whitespace to fold), so it comes back as it is."""
    if (text.isascii() and text.isprintable() and "<" not in text and "&" not in text  # (_plain_ascii, inlined)
            and "  " not in text and text[:1] != " " and text[-1:] != " "):
        return text
    return repair_piece(text, names=names)


def _author_entries(value: Any) -> tuple[list[dict], list[Any]]:
    """Return (author objects with every other key they carried, items that name nobody)."""
    entries: list[dict] = []
    unnamed: list[Any] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            name, used = author_name(item)
            if name is None:
                unnamed.append(item)
            else:
                entries.append({"name": name, **{k: v for k, v in item.items() if k not in used and not is_empty(v)}})
        elif isinstance(item, str):
            names = split_authors(item)
            # Cut from a repaired list: repaired on their own, as a second clean would. Names cut from a
            # plain ASCII text (joined by ", " or " " at most, single-spaced) pass _repair_piece's test.
            if names != [item] and not _plain_ascii(item):
                names = [_repair_piece(n, names=True) for n in names]
            entries += [{"name": n} for n in names]
        elif not is_empty(item):
            unnamed.append(item)
    return entries, unnamed


def _author_id(entry: Mapping[str, Any]) -> Any:
    return next((entry[k] for k in AUTHOR_ID_KEYS if not is_empty(entry.get(k))), None)


def normalize_authors(value: Any) -> list[dict]:
    """Return authors as ``[{"name": ...}]``, duplicates removed, order kept, other keys kept.

    Two entries with one name are one author unless their ids (``authorId``, ``ORCID``) differ.

    >>> normalize_authors("Łukasz Ledziński; G. Grześk; Łukasz Ledziński")
    [{'name': 'Łukasz Ledziński'}, {'name': 'G. Grześk'}]
    >>> normalize_authors([{"given": "Ann", "family": "Lee", "ORCID": "0000-0002-1825-0097"}])
    [{'name': 'Ann Lee', 'ORCID': '0000-0002-1825-0097'}]
    """
    return _dedupe_authors(_author_entries(value)[0])


def _dedupe_authors(entries: list[dict]) -> list[dict]:
    keys = [author_key(entry["name"]) for entry in entries]
    if "" not in keys and len(set(keys)) == len(keys):  # the common case: every entry stays, none merges
        return list(entries)  # entries are never mutated, here or in _merge_authors, so they can be shared
    return _merge_authors(entries, keys)


def _merge_authors(entries: list[dict], keys: list[str]) -> list[dict]:
    """Return the entries with a key, each author once: a later entry of one name and id fills the first's gaps."""
    out: list[dict] = []
    by_key: dict[str, list[dict]] = {}
    for entry, key in zip(entries, keys):
        if not key:
            continue
        same = [e for e in by_key[key] if None in (_author_id(e), _author_id(entry))
                or _author_id(e) == _author_id(entry)] if key in by_key else None
        if same:
            for k, v in entry.items():
                same[0].setdefault(k, v)
            continue
        entry = dict(entry)
        by_key.setdefault(key, []).append(entry)
        out.append(entry)
    return out


def normalize_type(value: Any) -> tuple[str | None, list[str]]:
    """Return (CSL/Crossref type, the raw type names it does not capture) for a type value.

    >>> normalize_type("Journal Article"), normalize_type(["Review", "JournalArticle"])
    (('journal-article', []), ('journal-article', ['Review']))
    >>> normalize_type(["JournalArticle", "Conference"]), normalize_type("Patent")
    (('proceedings-article', ['JournalArticle']), (None, ['Patent']))
    """
    raw = [value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
    types_of = _types_of if sum(map(len, raw)) <= CACHED_LEN else _types_of.__wrapped__
    chosen, kept = types_of(tuple(raw))
    return chosen, list(kept)


@lru_cache(maxsize=1024)  # a few hundred type names, over and over
def _types_of(raw: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    raw = list(dict.fromkeys(r.strip() for part in raw for r in part.split(",") if r.strip()))
    types = [TYPES.get(r.lower()) or SUBTYPES.get(r.lower().replace(" ", "")) for r in raw]
    chosen = next((t for t in types if t and t != "journal-article"), None) or next((t for t in types if t), None)
    kept = tuple(r for r, t in zip(raw, types) if t is None or t != chosen or r.lower().replace(" ", "") in SUBTYPES)
    return chosen, kept


def name_value(value: Any) -> tuple[Any, Any]:
    """Return (a name, what else the value holds) from a string, a list of strings (Crossref's
    ``container-title``) or an object with a name (S2's ``publicationVenue``)."""
    if isinstance(value, list):
        strings = [v for v in value if isinstance(v, str) and v.strip()]
        if not strings:
            return None, value
        rest = [v for v in value if v is not strings[0] and not is_empty(v)]
        return strings[0], rest or None
    if isinstance(value, dict):
        return value.get("name"), {k: v for k, v in value.items() if k != "name" and not is_empty(v)} or None
    return value, None


JOURNAL_FLAT = {"name": ("PeriodicalName", "venue", "journalName", "periodical", "container-title",
                         "publicationVenue"),
                "volume": ("volume",), "issue": ("issue",), "pages": ("pages", "page"),
                "impact_factor": ("PeriodicalIF", "impactFactor"), "issn": ("ISSN", "issn")}
JOURNAL_ORIGIN = {field: f"journal.{field}" for field in JOURNAL_FLAT}  # a field's origin, unless flat
JOURNAL_FLAT_PAIRS = tuple((field, key) for field, keys in JOURNAL_FLAT.items() for key in keys)


def normalize_journal(data: Mapping[str, Any]) -> tuple[dict, list[tuple[str, Any]]]:
    """Build ``journal`` from the journal object and its flat duplicates; return it and leftovers.

    ``"19 1"`` as a volume is volume 19, issue 1; pages ``"0"`` is a placeholder and dropped.
    The name may also come from S2's ``venue`` and ``publicationVenue``, Crossref's
    ``container-title`` list; a name that differs from the chosen one is a leftover, for ``extra``.

    >>> normalize_journal({"journal": {"name": "X", "volume": "19 1", "pages": "0"}, "PeriodicalIF": 0.7})[0]
    {'name': 'X', 'volume': '19', 'issue': '1', 'impact_factor': 0.7}
    >>> normalize_journal({"container-title": ["Nature"], "volume": "Vol. 5, No. 2", "page": "1 - 9"})[0]
    {'name': 'Nature', 'volume': '5', 'issue': '2', 'pages': '1-9'}
    """
    return _journal(data, JOURNAL_FLAT_PAIRS)


def _journal(data: Mapping[str, Any], pairs: tuple[tuple[str, str], ...]) -> tuple[dict, list[tuple[str, Any]]]:
    """``normalize_journal``, reading the flat keys of ``pairs`` only: those of JOURNAL_FLAT_PAIRS
    the record has, in their order (a key it has not is skipped by the loop anyway)."""
    given = data.get("journal")
    journal: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
    leftovers: list[tuple[str, Any]] = []
    origin = dict(JOURNAL_ORIGIN)  # where a value came from, for extra
    if given is not None and not isinstance(given, dict) and not is_empty(given):
        journal["name"], rest = name_value(given)
        if rest is not None:
            leftovers.append(("journal", given))
    for field, key in pairs:  # (is_empty, its text case inlined, below)
        if (value := data.get(key)) is None or (not value.strip() if value.__class__ is str else is_empty(value)):
            continue
        rest = None
        if field == "name":
            value, rest = name_value(value)
        unset = (current := journal.get(field)) is None or (
            not current.strip() if current.__class__ is str else is_empty(current))
        if (not value.strip() if value.__class__ is str else is_empty(value)) or (not unset and str(current).strip() != str(value).strip()
                               and fold(str(current)) != fold(str(value))):
            leftovers.append((key, data[key]))  # another name, or no name at all: kept whole
            continue
        if unset:
            journal[field] = value
            origin[field] = key
        if rest is not None:  # the same name, with more: S2's venue id, type, url; other titles
            leftovers.append((key, rest))
    out: dict[str, Any] = {}
    name = journal.pop("name", None)
    if isinstance(name, str) and name.strip():
        out["name"] = " ".join(name.split())
    elif not is_empty(name):
        leftovers.append((origin["name"], name))
    for field in ("volume", "issue", "pages"):
        value = journal.pop(field, None)
        if value is None:  # (is_empty: nothing to keep, nothing left over)
            continue
        if value.__class__ is str:  # the common case, the branches below for a text
            if (text := value.strip()) and text.lower() not in PLACEHOLDERS:
                out[field] = " ".join(value.split())
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip() and value.strip().lower() not in PLACEHOLDERS:
            out[field] = " ".join(value.split())
        elif not is_empty(value) and not isinstance(value, str):
            leftovers.append((origin[field], value))
    if "volume" in out and "issue" not in out and (m := VOLUME_ISSUE.match(out["volume"])):
        pages = out.pop("pages", None)  # put back after the issue: name, volume, issue, pages, in order
        out["volume"], out["issue"] = m.group(1), m.group(2)
        if pages is not None:
            out["pages"] = pages
    elif "volume" in out and (m := VOLUME_LABEL.match(out["volume"])):
        out["volume"] = m.group(1)
    if "pages" in out and (m := PAGE_RANGE.match(out["pages"])):
        out["pages"] = f"{m.group(1)}-{m.group(2)}"
    if (factor := journal.pop("impact_factor", None)) is not None:  # to_number(None) is None, and None is empty
        number = to_number(factor)
        if number:
            out["impact_factor"] = number
        elif not is_empty(factor) and number is None:
            leftovers.append((origin["impact_factor"], factor))
    for key, value in journal.items():  # the other fields, after the known ones, as they came
        if not is_empty(value):
            out[key] = value
    return out, leftovers


DOI_KEYS = ("doi", "DOI", "DOIUrl", "doiUrl", "ListUrlMain", "url", "URL", "link", "externalIds.DOI")
URL_KEYS = ("url", "URL", "ListUrlMain", "link")
DATE_KEYS = ("published", "publicationDate", "pubDate", "PubDate", "date", "issued", "published-print",
             "year", "publicationYear")
COUNT_KEYS = ("citation_count", "citationCount", "citedCount", "citedByCount", "is-referenced-by-count")
TYPE_KEYS = ("type", "publicationTypes", "publicationType", "PubType")
AUTHOR_KEYS = ("authors", "author", "Authors", "Author")
JOURNAL_KEYS = ("journal", *(k for keys in JOURNAL_FLAT.values() for k in keys))
KEYWORD_KEYS = ("keywords", "Keywords", "keyword")
KEYWORD_SEP = re.compile(r"\s*[;,，、；·]\s*")
SOURCE_KEYS = {"platform": "platform", "PeriodicalId": "periodical_id", "FirstCategoryId": "category_id",
               "paperid": "paper_id", "paperId": "paper_id", "corpusId": "corpus_id", "Score": "score",
               "Total": "total"}
RANKING_KEYS = {"JCR": ("jcr", "quartile"), "JCRName": ("jcr", "category"), "RegionNum": ("cas", "zone"),
                "RegionCategory": ("cas", "category")}
ID_KEYS = {"PMCID": "pmcid", "pmcid": "pmcid", "PMID": "pmid", "pmid": "pmid", "arxivId": "arxiv", "arxiv": "arxiv"}
ID_NORMALIZERS: dict[str, Callable[[Any], str | None]] = {
    "pmid": normalize_pmid, "pmcid": normalize_pmcid, "arxiv": normalize_arxiv}
# Objects of ids (S2's externalIds): these keys become top-level ids, the others source ids.
ID_CONTAINERS = ("externalIds", "external_ids", "ids")
EXTERNAL_IDS = {"doi": "doi", "pubmed": "pmid", "pmid": "pmid", "pubmedcentral": "pmcid", "pmcid": "pmcid",
                "pmc": "pmcid", "arxiv": "arxiv"}
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
RENAMED = {"isOpenAccess": "open_access", "openAccessPdf": "pdf_url", "fieldsOfStudy": "fields_of_study",
           "EPubDate": "published_online", "published-online": "published_online"}
# Fields of the normalized schema that pass through as they are (they are normalized already).
KEPT = ("title", "language", "abstract", "copyright", "disclosure", "funding", "data_availability",
        "article_history", "orcid", "notes", "author_notes", "translations", "warnings", "pdf_url",
        "open_access", "fields_of_study", "published_online", "publication_types", "merged_from")


# The keys the steps above read: the rest of the record goes to source, rankings, ids or extra. A key
# of RENAMED counts only when the record has it, and one that it has not is in no view either.
CONSUMED = frozenset({"extra", "source", "rankings", *KEPT, *AUTHOR_KEYS, *DOI_KEYS, *KEYWORD_KEYS,
                      *JOURNAL_KEYS, *DATE_KEYS, *TYPE_KEYS, *COUNT_KEYS, *RENAMED})


Route = tuple[str, "str | None", "tuple[str, str] | None", "str | None"]


def route(key: str, ids: Mapping[str, str] = ID_KEYS) -> Route:
    """Return where a key no step of normalize_fields reads goes: (key, its field of source, its
    (group, field) of rankings, the id it is); the first that is not None counts, else extra.

    >>> route("PeriodicalId"), route("JCR")
    (('PeriodicalId', 'periodical_id', None, None), ('JCR', None, ('jcr', 'quartile'), None))
    """
    return key, SOURCE_KEYS.get(key), RANKING_KEYS.get(key), ids.get(key)


class KeyPlan(NamedTuple):
    """The keys of a record that each step of normalize_fields reads, in the order the step reads them."""

    containers: tuple[str, ...]
    kept: tuple[str, ...]
    authors: tuple[str, ...]
    dois: tuple[str, ...]
    urls: tuple[str, ...]
    keywords: tuple[str, ...]
    journal: tuple[tuple[str, str], ...]  # (field, key) pairs of JOURNAL_FLAT_PAIRS
    dates: tuple[str, ...]
    types: tuple[str, ...]
    counts: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]  # (key, target) pairs of RENAMED
    rest: tuple[Route, ...]  # the keys no step reads, in the record's order, and where each goes


@lru_cache(maxsize=512)  # records of one source share their keys: a few plans serve a whole file
def key_plan(keys: tuple[str, ...]) -> KeyPlan:
    """Return which of ``keys`` each step of normalize_fields reads, each in its table's order.

    A step that walked its whole table asked the record for each key and skipped the absent ones;
    reading only the keys the record has, in the same order, decides the same (each key once).

    >>> p = key_plan(("url", "doi", "Foo", "pages"))
    >>> p.dois, p.urls, p.journal, p.rest
    (('doi', 'url'), ('url',), (('pages', 'pages'),), (('Foo', None, None, None),))
    """
    present = set(keys)

    def only(table: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(key for key in table if key in present)

    return KeyPlan(only(ID_CONTAINERS), only(KEPT), only(AUTHOR_KEYS), only(DOI_KEYS), only(URL_KEYS),
                only(KEYWORD_KEYS), tuple(pair for pair in JOURNAL_FLAT_PAIRS if pair[1] in present),
                only(DATE_KEYS), only(TYPE_KEYS), only(COUNT_KEYS),
                tuple(pair for pair in RENAMED.items() if pair[0] in present),
                tuple(route(key) for key in keys if key not in CONSUMED))


def first_title(value: Any) -> str | None:
    """Return the title a value gives: a string, or the first non-empty item of a list (Crossref).

    >>> first_title(["", "A Title", "Another"]), first_title([[], "T"]), first_title([{"a": 1}])
    ('A Title', 'T', None)
    """
    if isinstance(value, list):
        value = next((v for v in value if not is_empty(v)), None)
    return value if isinstance(value, str) and value.strip() else None


def _first(data: Mapping[str, Any], keys: tuple[str, ...], convert: Callable[[Any], Any],
           extra: dict[str, Any], same: Callable[[Any, Any], bool] | None = None) -> Any:
    """Return the first convertible value among ``keys``; values that differ from it go to ``extra``."""
    chosen = None
    for key in keys:
        value = data.get(key)
        if value is None or (not value.strip() if value.__class__ is str else is_empty(value)):
            continue  # (is_empty, its text case inlined)
        converted = convert(value)
        if converted is None:
            extra[key] = value
        elif chosen is None:
            chosen = converted
        elif not (same or (lambda a, b: a == b))(chosen, converted):
            extra[key] = value
    return chosen


def _same_date(a: str, b: str) -> bool:
    """Two dates are one when one is the other, less precise (``2023`` and ``2023-09``)."""
    return a.startswith(b) or b.startswith(a)


def _keywords(value: Any) -> list[str] | None:
    items = value if isinstance(value, list) else KEYWORD_SEP.split(value) if isinstance(value, str) else []
    if isinstance(value, str) and items[1:]:  # cut from a repaired list: repaired on their own, as a second clean would
        items = [_repair_piece(item) for item in items]
    out, seen = [], set()
    for item in items:
        if isinstance(item, str) and item.strip() and (key := fold(item)) not in seen:
            seen.add(key)
            out.append(" ".join(item.split()))
    return out or None


def _url(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")) else None


def _put(target: dict[str, Any], key: str, value: Any, extra: dict[str, Any], extra_key: str) -> None:
    """Set ``target[key]`` unless it holds another value already; then the new one goes to ``extra``."""
    if (current := target.get(key)) is None or is_empty(current):  # None first: no call for a new key
        target[key] = value
    elif target[key] != value:
        extra[extra_key] = value


def _mapping(data: Mapping[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``data[key]`` as a dict; a value of another kind goes to ``extra`` under its key."""
    value = data.get(key)
    if isinstance(value, dict):
        return dict(value)
    if not is_empty(value):
        extra[key] = value
    return {}


def _flatten_ids(data: Mapping[str, Any], source: dict[str, Any], extra: dict[str, Any],
                 containers: tuple[str, ...] = ID_CONTAINERS) -> tuple[dict[str, Any], dict[str, str]]:
    """Spread S2's ``externalIds`` out: return (the fields with them, which of them are record ids).

    DOI joins the DOI candidates (as ``externalIds.DOI``); PubMed, PubMedCentral and ArXiv are
    ids (``externalIds.PubMed`` -> ``pmid``); ids the schema has no field for (CorpusId, DBLP,
    MAG) go to ``source`` in snake case (``corpus_id``). A record without them is its own view,
    not copied (the caller copies before it adds to it). ``containers``: those of ID_CONTAINERS the
    record may have, in their order.
    """
    if not containers or not any(isinstance(data.get(container), dict) for container in containers):
        return data, ID_KEYS  # type: ignore[return-value]
    view = dict(data)
    ids = dict(ID_KEYS)
    for container in containers:
        if not isinstance(data.get(container), dict):
            continue
        del view[container]
        for key, value in data[container].items():
            if is_empty(value):
                continue
            target = EXTERNAL_IDS.get(str(key).lower())
            if target == "doi":
                view["externalIds.DOI"] = value
            elif target:
                view[f"{container}.{key}"] = value
                ids[f"{container}.{key}"] = target
            else:
                _put(source, CAMEL.sub("_", str(key)).lower(), value, extra, f"{container}.{key}")
    return view, ids


def normalize_fields(record: Record) -> Record:
    """Map fields onto the normalized schema: bare DOI, author objects, journal, ISO dates, ints.

    The aggregator repeats values under several names (``PeriodicalName`` = ``journal.name``,
    ``ListUrlMain`` = the DOI's URL), types them wrongly (``citationCount: "0"``) and fills gaps
    with placeholders (``pages: "0"``). Each value lands in one typed field; one that does not
    fit is kept under ``extra``; the aggregator's own ids go under ``source``, rankings under
    ``rankings``. S2 and Crossref records map too: ``externalIds`` (DOI, PubMed, PubMedCentral,
    ArXiv to ``doi``/``pmid``/``pmcid``/``arxiv``, the rest to ``source``), ``venue`` and
    ``publicationVenue``, ``container-title``, ``issued`` date-parts, ``given``/``family`` authors.

    >>> r = normalize_fields(Record({"doi": "DOI: 10.1000/ABC", "citationCount": "7", "authors": "A B; C D"}))
    >>> r.data["doi"], r.data["citation_count"], r.data["authors"]
    ('10.1000/abc', 7, [{'name': 'A B'}, {'name': 'C D'}])
    """
    data = record.data
    # Each step reads the keys of its table that the record has (a key it has not was skipped).
    keys = key_plan(names) if len(names := tuple(data)) <= CACHED_KEYS else key_plan.__wrapped__(names)
    out: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if "extra" in data:  # (_mapping of an absent key is {}, and leaves extra alone)
        extra.update(_mapping(data, "extra", extra))
    source = _mapping(data, "source", extra) if "source" in data else {}
    rankings: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v
                                for k, v in _mapping(data, "rankings", extra).items()} if "rankings" in data else {}
    view, ids = _flatten_ids(data, source, extra, keys.containers)
    routes = keys.rest if view is data else None  # the view's own are worked out at the end
    for key in keys.kept:
        if (value := data[key]) is not None and (value.strip() if value.__class__ is str else not is_empty(value)):
            out[key] = value  # (is_empty, its text case inlined)
    if isinstance(out.get("title"), list):  # Crossref: a list of titles
        titles = [t for t in out["title"] if not is_empty(t)]
        if (title := first_title(out["title"])) is None:
            del out["title"]
        else:
            out["title"] = title
        if titles[1:] or title is None:
            extra["title"] = data["title"]
    authors: list[dict] = []
    truncated = False
    for key in keys.authors:
        if (value := data[key]) is None or (not value.strip() if value.__class__ is str else is_empty(value)):
            continue  # a blank text does not end with "et al." either
        truncated = truncated or (isinstance(value, str) and ends_et_al(value))
        entries, unnamed = _author_entries(data[key])
        if unnamed:
            extra[key] = unnamed if entries else data[key]
        if authors and entries and _dedupe_authors(entries) != _dedupe_authors(authors):
            extra[key] = data[key]
        elif not authors:
            authors = entries
    # Fields without a value are not set at all (an empty one would be dropped at the end); no later
    # step sets them, so the others keep their order.
    if authors and (authors := _dedupe_authors(authors)):
        out["authors"] = authors
    doi_extra: dict[str, Any] = {}
    doi = _first(view, keys.dois if view is data else DOI_KEYS, normalize_doi, doi_extra)
    if doi is not None:
        out["doi"] = doi
    urls: dict[str, Any] = {}
    url = _first({k: v for k in keys.urls if normalize_doi(v := data[k]) in (None, doi)
                  and not (isinstance(v, str) and DOI_URL.match(v))}, keys.urls, _url, urls)
    if url is not None:
        out["url"] = url
    for key, value in doi_extra.items():
        if normalize_doi(value) is not None or _url(value) is None or key not in URL_KEYS:
            extra[key] = value
    extra.update(urls)
    keywords: list[str] = []
    for key in keys.keywords:
        if (value := data[key]) is not None:  # _keywords(None) is None
            keywords.extend(_keywords(value) or ())
    if keywords and (keywords := _keywords(keywords)):  # type: ignore[assignment]
        out["keywords"] = keywords
    journal, leftovers = _journal(data, keys.journal)
    # ARXIV_VOLUME does not match "" (an absent volume)
    if ((volume := journal.get("volume")) is not None and (m := ARXIV_VOLUME.match(str(volume)))
            and normalize_arxiv(m.group(1))):
        if view is data:  # not copied by _flatten_ids
            view, ids = dict(data), dict(ids)
            # the new key comes last, an arXiv id (unless the record has a key of that name already)
            routes = None if "journal.volume" in data else (*routes, ("journal.volume", None, None, "arxiv"))
        view["journal.volume"] = m.group(1)
        ids["journal.volume"] = "arxiv"
        del journal["volume"]
    if journal:
        out["journal"] = journal
    extra.update(leftovers)
    published = _first(data, keys.dates, normalize_date, extra, _same_date)
    if published is None:
        published = next((y for k in keys.dates if (y := year_of(data[k]))), None)
    if published is not None:
        out["published"] = published
    type_values: list[Any] = []
    for key in keys.types:
        value = data[key]
        if isinstance(value, (str, list)):
            type_values.extend([value] if isinstance(value, str) else value)
        elif not is_empty(value):
            extra[key] = value
    kind, raw_types = normalize_type(type_values)
    if kind is not None:
        out["type"] = kind
    if raw_types:
        kept = data.get("publication_types")
        if not isinstance(kept, list):  # a text joins the list; anything else is kept under extra
            if kept is not None and not isinstance(kept, str) and not is_empty(kept):
                extra["publication_types"] = kept
            kept = [kept] if isinstance(kept, str) and kept.strip() else []
        out["publication_types"] = list(dict.fromkeys([*kept, *raw_types]))
    count = _first(data, keys.counts, to_count, extra)
    if count is not None:
        out["citation_count"] = count
    for key, target in keys.renamed:
        if (value := data[key]) is None or (not value.strip() if value.__class__ is str else is_empty(value)):
            continue  # an empty value lands nowhere
        if key == "openAccessPdf" and isinstance(value, dict):  # S2: {url, status, license}
            rest = {k: v for k, v in value.items() if k != "url" and not is_empty(v)}
            if rest:
                extra[key] = rest
            value = value.get("url")
        if target == "published_online":
            value = normalize_date(value) or value
            if value == published:
                continue
        if key == "fieldsOfStudy" and isinstance(value, str):
            value = _keywords(value)
        if value.strip() if value.__class__ is str else not is_empty(value):  # (is_empty, its text case inlined)
            _put(out, target, value, extra, key)
    for key, target, ranking, id_kind in routes if routes is not None else [
            route(k, ids) for k in view if k not in CONSUMED]:
        if (value := view[key]) is None or (
                not value.strip() if (kind := value.__class__) is str else kind is not int and is_empty(value)):
            continue  # (is_empty, its text and int cases inlined: most values here are text)
        # (_put's own test first: a field not set yet takes the value, most do)
        if target is not None:
            if target in source:
                _put(source, target, value, extra, key)
            else:
                source[target] = value
        elif ranking is not None:
            group, field = ranking
            if group not in rankings:
                rankings[group] = {}
            if not isinstance(slot := rankings[group], dict):
                extra[key] = value
                continue
            if field == "zone":  # (to_int of an int is the int)
                value = (value if value.__class__ is int else to_int(value)) or value
            if field in slot:
                _put(slot, field, value, extra, key)
            else:
                slot[field] = value
        elif id_kind is not None:
            normalized = ID_NORMALIZERS[id_kind](value)
            if normalized is None:
                extra[key] = value
            else:
                _put(out, id_kind, normalized, extra, key)
        else:
            extra[key] = value
    # A DOI (from normalize_doi: "10.<digits>/...") is an arXiv id only as arXiv's own DOI, "10.48550/arxiv.<id>"
    if doi is not None and doi.startswith("10.48550/") and normalize_arxiv(doi) and is_empty(out.get("arxiv")):
        out["arxiv"] = normalize_arxiv(doi)
    if source:
        out["source"] = source
    if rankings:
        out["rankings"] = rankings
    if extra:
        out["extra"] = extra
    new = out  # every value set above says something: no empty one to drop
    if count is None and isinstance(data.get("citationCount"), str):
        new = add_warning(new, "normalize_fields", "citation_count", f"not a number: {data['citationCount']!r}")
    if truncated:
        new = add_warning(new, "normalize_fields", "authors", "the author list ends with 'et al.': it is incomplete")
    if new == data:
        return record
    return record.with_data(new, LazyReasons(lambda: {"*": "normalized", **{
        key: destination(key, value) for key, value in data.items() if new.get(key) is not value}}))


GROUPS = ((AUTHOR_KEYS, "authors"), (DOI_KEYS, "doi or url"), (JOURNAL_KEYS, "journal"), (DATE_KEYS, "published"),
          (COUNT_KEYS, "citation_count"), (TYPE_KEYS, "type"), (KEYWORD_KEYS, "keywords"),
          (ID_CONTAINERS, "doi, pmid, pmcid, arxiv and source"))


def _destinations() -> dict[str, str]:
    """Return where each known input field goes; a field that is in several tables takes the first."""
    table: dict[str, str] = {}
    for key, field in SOURCE_KEYS.items():
        table.setdefault(key, f"moved to source.{field}")
    for key, (group, field) in RANKING_KEYS.items():
        table.setdefault(key, f"moved to rankings.{group}.{field}")
    for key in (*ID_KEYS, *RENAMED):
        table.setdefault(key, f"moved to {ID_KEYS.get(key) or RENAMED[key]}")
    for keys, target in GROUPS:
        for key in keys:
            table.setdefault(key, f"normalized into {target}")
    for key in (*KEPT, "source", "rankings", "extra"):
        table.setdefault(key, "normalized")
    return table


DESTINATIONS = _destinations()  # built once: destination() is asked about every changed field


def destination(key: str, value: Any) -> str:
    """Say where normalize_fields puts an input field, for ``--explain``.

    >>> destination("PeriodicalId", 7), destination("pages", "0"), destination("Foo", 1)
    ('moved to source.periodical_id', 'normalized into journal', 'kept under extra.Foo')
    """
    if is_empty(value):
        return "empty value dropped"
    return DESTINATIONS.get(key) or f"kept under extra.{key}"
