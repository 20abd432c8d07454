"""Repair, in machine translations, what the translator garbled and the source text proves.

A machine translation of a scholarly record keeps the source's Latin-script names, titles and URLs
as they are: every Latin run in a Chinese translation should be a copy of a span of the original.
The translator breaks some of them (``Az æ rbaycana`` for ``Azərbaycana``, ``pahlav? sm`` for
``Pahlavīsm``, ``op. city`` for ``op. cit.``, ``general`` for ``Jeneral``), glues the next note's
number to a URL (``https://bit.ly/3wavloH.96弗兰克``) and leaves ASCII punctuation between Chinese
characters. ``repair_translations`` repairs each of these only where the source proves it:

* a Latin run not found in the source is replaced by the one source span (same field, between
  the nearest runs that both texts share exactly once) that it matches closely, when that match
  is clearly better than any other source span; two spans about as close leave it alone;
* a URL that is not in the source but is a source URL plus ``.96`` gets the number split off;
* ``,:;?()`` become ``，：；？（）`` only between CJK neighbours (never in ``19:3``, ``https://``
  or a Latin citation inside the Chinese text).

Every repair is named in ``reasons`` with the source text that proved it.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any, Iterator, NamedTuple

from metaclean.record import Record
from metaclean.script import lazy_patterns

FIELDS = ("title", "abstract", "keywords", "disclosure", "notes", "author_notes")

LATIN = "A-Za-zÀ-ÖØ-öø-ɏɐ-ʯḀ-ỿ"
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_CLOSE = "”’》）」』】〉、。，；：？！"
CJK_OPEN = "“‘《（「『【〈"


# The patterns with the CJK class in them, compiled on first use (``_compiled``): the class's
# ~40,000 characters cost ~7 ms to compile, at every start-up, and only machine translations need them.
PATTERNS = {
    "CJK_CHAR": f"[{CJK}]",  # one CJK character
    # a URL, up to the CJK text after it
    "URL": r"https?://[^\s，。；：“”‘’（）《》「」\u3000-\u303f" + CJK + r"'\"<>]+",
    "DIGITS_BEFORE_CJK": f"\\d+(?=[{CJK}{CJK_CLOSE}])",  # a number on a CJK unit (``2021年``)
}
_compiled, __getattr__ = lazy_patterns(PATTERNS, __name__)


URL_TAIL = ".,;:)’”'"
GLUED_NUMBER = re.compile(r"([.,;]?)(\d{1,3})")
WORD = re.compile(f"[{LATIN}\\d](?:[{LATIN}\\d'’\\-.?\u0300-\u036f]*[{LATIN}\\d?\u0300-\u036f])?\\.?|(?<= )[?/](?= )")
RUN_GAP = re.compile(r"[ ,:;&]{0,3}")
HAS_LETTER = re.compile(f"[{LATIN}]")
SKELETON_DROP = re.compile(r"[\s?/]+")
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？"}
PUNCT = re.compile(r" ?([,:;?]) ?")
PAREN_PAIR = re.compile(r"\(([^()]*)\)")
DIGITS = re.compile(r"\d+")

#: A Latin run is replaced only by a source span at least this similar (difflib ratio on the
#: case- and accent-folded letters) ...
MIN_RATIO = 0.8
#: ... and this much more similar than any other, different source span: else it is ambiguous.
MIN_LEAD = 0.1
#: How much less similar a longer or shorter cut of the best place may be and still be chosen
#: because its length fits the run better.
CUT_TOLERANCE = 0.08
#: A garble changes a letter or two (``Az æ rbaycana``, ``op. city``): a repair may change at most
#: this share of the run's letters (and at least 2), and never drops a number (a note's ``107``;
#: a number garbled inside a long run, ``3000 million`` for ``30 Milyon`` in an 80-letter title,
#: is still repaired).
MAX_EDIT_SHARE = 0.1
#: Runs with fewer letters than this are too short to match safely (``pp``, ``W``, ``QF``).
MIN_LETTERS = 4
#: Longer runs are sentences the translator left untranslated, not names or titles to restore.
MAX_RUN_WORDS = 40
SEP = "\u2029"  # joins list items so that runs never cross them


class Span(NamedTuple):
    """A stretch of text: where it starts and ends, and what it says."""

    start: int
    end: int
    text: str


class Anchor(NamedTuple):
    """A span found exactly once in the translation and once in the source: the two are the same place."""

    t_start: int
    t_end: int
    s_start: int
    s_end: int


class Repair(NamedTuple):
    """One replacement in the translation, with the proof for ``--explain``."""

    span: Span
    new: str
    why: str


def _skeleton(text: str) -> str:
    """Fold case and accents and drop spaces, ``?`` and ``/``: what a garble leaves of a word.

    >>> _skeleton("Az æ rbaycana"), _skeleton("Azərbaycana")
    ('azærbaycana', 'azərbaycana')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return SKELETON_DROP.sub("", bare.casefold())


def _mask_urls(text: str) -> str:
    """Return ``text`` with URLs blanked by NULs (same length), so that word runs never enter them."""
    return _compiled("URL").sub(lambda m: "\0" * len(m.group()), text)


def _runs(text: str) -> list[list[Span]]:
    """Split ``text`` into runs of Latin-script words joined by spaces and light punctuation."""
    masked = _mask_urls(text)
    runs: list[list[Span]] = []
    current: list[Span] = []
    for m in WORD.finditer(masked):
        if current and not RUN_GAP.fullmatch(masked, current[-1].end, m.start()):
            runs.append(current)
            current = []
        current.append(Span(m.start(), m.end(), m.group()))
    if current:
        runs.append(current)
    trimmed = []
    for words in runs:
        while words and not HAS_LETTER.search(words[0].text):
            words = words[1:]
        while words and not HAS_LETTER.search(words[-1].text):
            words = words[:-1]
        if words:
            trimmed.append(words)
    return trimmed


def _latin_runs(text: str) -> list[Span]:
    """Return the Latin-script runs of ``text`` worth matching (enough letters).

    >>> [r.text for r in _latin_runs("参见' İranın Az æ rbaycana Baxışı ',同前")]
    ['İranın Az æ rbaycana Baxışı']
    """
    out = []
    for words in _runs(text):
        span = Span(words[0].start, words[-1].end, text[words[0].start : words[-1].end])
        if len(HAS_LETTER.findall(span.text)) >= MIN_LETTERS:
            out.append(span)
    return out


def _anchors(t_text: str, s_text: str, t_runs: list[Span], extra: list[Anchor]) -> list[Anchor]:
    """Return the spans both texts share exactly once, in an order both texts agree on."""
    found = list(extra)
    spans = t_runs + [Span(m.start(), m.end(), m.group()) for m in _compiled("URL").finditer(t_text)]
    for span in spans:
        if len(span.text) >= 6 and t_text.count(span.text) == 1 and s_text.count(span.text) == 1:
            s_start = s_text.index(span.text)
            found.append(Anchor(span.start, span.end, s_start, s_start + len(span.text)))
    found.sort()
    # the longest chain increasing in both texts (patience sort): crossing pairs are coincidences
    tails: list[int] = []
    prev: list[int] = [-1] * len(found)
    for i, a in enumerate(found):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if found[tails[mid]].s_start < a.s_start:
                lo = mid + 1
            else:
                hi = mid
        prev[i] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(i)
        else:
            tails[lo] = i
    chain, i = [], tails[-1] if tails else -1
    while i >= 0:
        chain.append(found[i])
        i = prev[i]
    return chain[::-1]


def _region(anchors: list[Anchor], span: Span, s_len: int) -> tuple[int, int]:
    """Return the part of the source between the anchors around ``span`` in the translation."""
    lo, hi = 0, s_len
    for a in anchors:
        if a.t_end <= span.start:
            lo = max(lo, a.s_end)
        elif a.t_start >= span.end:
            hi = min(hi, a.s_start)
            break
    return (lo, hi) if lo < hi else (0, s_len)


def _windows(s_text: str, lo: int, hi: int) -> Iterator[Span]:
    """Yield every stretch of whole words within one Latin run of the source region."""
    for words in _runs(s_text[lo:hi]):
        for i in range(len(words)):
            for j in range(i, len(words)):
                yield Span(lo + words[i].start, lo + words[j].end, s_text[lo + words[i].start : lo + words[j].end])


def _best_source(run: Span, s_text: str, lo: int, hi: int) -> tuple[str, float, float] | None:
    """Return (source span, its ratio, the next best different span's ratio) or None if none is close."""
    key = _skeleton(run.text)
    scored: dict[str, tuple[float, list[Span]]] = {}
    for w in _windows(s_text, lo, hi):
        wkey = _skeleton(w.text)
        if len(wkey) < 0.7 * len(key) - 1:
            continue
        if len(wkey) > 1.4 * len(key) + 2:
            continue
        sm = SequenceMatcher(None, key, wkey, autojunk=False)
        if sm.real_quick_ratio() < MIN_RATIO - MIN_LEAD or sm.quick_ratio() < MIN_RATIO - MIN_LEAD:
            continue
        ratio = sm.ratio()
        old = scored.get(w.text)
        scored[w.text] = (max(ratio, old[0]) if old else ratio, [*(old[1] if old else ()), w])
    if not scored:
        return None
    best_text, (best, best_spans) = max(scored.items(), key=lambda kv: kv[1][0])
    if best < MIN_RATIO:
        return None
    # Among cuts of the same place about as close, the one as long as the run: ``op. city`` is
    # ``op. cit.`` (the translator turned the period into a letter), not ``op. cit``.
    same_place = [
        (abs(len(_skeleton(text)) - len(key)), -ratio, text, spans)
        for text, (ratio, spans) in scored.items()
        if ratio >= best - CUT_TOLERANCE and any(s.start < b.end and b.start < s.end for s in spans for b in best_spans)
    ]
    _, neg_ratio, best_text, best_spans = min(same_place, key=lambda c: c[:2])
    best = -neg_ratio
    second = 0.0
    for text, (ratio, spans) in scored.items():
        if text == best_text:
            continue
        overlaps = any(s.start < b.end and b.start < s.end for s in spans for b in best_spans)
        if overlaps and ratio < best:
            continue  # a longer or shorter cut of the same place: a question of where it ends
        second = max(second, ratio)
    return best_text, best, second


def _garble_sized(old: str, new: str) -> bool:
    """Return True when ``new`` differs from ``old`` as a garble does: a few letters, no number lost.

    >>> _garble_sized("Az æ rbaycana", "Azərbaycana"), _garble_sized("Baku Azerbaijan", "and Azerbaijan")
    (True, False)
    >>> _garble_sized("op. cit107", "op. cit.")
    False
    """
    if len(DIGITS.findall(new)) < len(DIGITS.findall(old)):  # a garbled number is fixed, not dropped
        return False
    a, b = _skeleton(old), _skeleton(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    edits = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal")
    return edits <= max(2, MAX_EDIT_SHARE * len(a))


def _latin_repairs(t_text: str, s_text: str, extra: list[Anchor], where: str) -> list[Repair]:
    """Find the translation's Latin runs that the source proves garbled, and their repairs.

    Only in a translation in a CJK script, where a Latin run is a copy of the source; in a
    Latin-script translation every sentence would be a "run" that the source does not contain.
    """
    if not _compiled("CJK_CHAR").search(t_text):
        return []
    runs = [r for r in _latin_runs(t_text) if r.text.count(" ") < MAX_RUN_WORDS]
    anchors = _anchors(t_text, s_text, runs, extra)
    repairs = []
    for run in runs:
        if run.text in s_text:
            continue
        lo, hi = _region(anchors, run, len(s_text))
        found = _best_source(run, s_text, lo, hi)
        if found is None:
            continue
        new, ratio, second = found
        if ratio - second < MIN_LEAD or new == run.text or not _garble_sized(run.text, new):
            continue
        why = f"{run.text!r} -> {new!r}: the source {where} has {new!r} (similarity {ratio:.2f}, next {second:.2f})"
        repairs.append(Repair(run, new, why))
    return repairs


def _url_repairs(t_text: str, s_text: str, where: str) -> list[Repair]:
    """Split a footnote number off a URL where the source shows the URL ends before it."""
    url_pattern = _compiled("URL")
    s_urls = {m.group().rstrip(URL_TAIL) for m in url_pattern.finditer(s_text)}
    repairs = []
    for m in url_pattern.finditer(t_text):
        url = m.group()
        if url.rstrip(URL_TAIL) in s_urls:
            continue
        for src in sorted((u for u in s_urls if url.startswith(u) and u != url), key=len, reverse=True):
            glued = GLUED_NUMBER.fullmatch(url, len(src))
            if glued:
                new = f"{src}{glued.group(1)} {glued.group(2)}"
                why = f"split {glued.group(2)!r} off {url!r}: the source {where} has the URL {src!r}"
                repairs.append(Repair(Span(m.start(), m.end(), url), new, why))
            break
    return repairs


def _apply(text: str, repairs: list[Repair]) -> str:
    """Return ``text`` with the (non-overlapping) repairs made."""
    out, pos = [], 0
    for r in sorted(repairs, key=lambda r: r.span.start):
        if r.span.start < pos:
            continue
        out.append(text[pos : r.span.start])
        out.append(r.new)
        pos = r.span.end
    out.append(text[pos:])
    return "".join(out)


def _cjk_left(text: str, i: int) -> bool:
    """Is the character at ``i`` (left of a punctuation mark) Chinese text?"""
    if i < 0:
        return False
    ch = text[i]
    cjk_char = _compiled("CJK_CHAR")
    if cjk_char.match(ch) or ch in CJK_CLOSE:
        return ch not in "”’" or (i > 0 and bool(cjk_char.match(text[i - 1])))
    return False


def _cjk_right(text: str, j: int) -> bool:
    """Is the text from ``j`` (right of a punctuation mark) Chinese text, or a number on a CJK unit?"""
    if j >= len(text):
        return False
    ch = text[j]
    cjk_char = _compiled("CJK_CHAR")
    if cjk_char.match(ch) or ch in CJK_OPEN:
        return ch not in "“‘" or (j + 1 < len(text) and bool(cjk_char.match(text[j + 1])))
    return bool(_compiled("DIGITS_BEFORE_CJK").match(text, j))


def fullwidth_punctuation(text: str) -> tuple[str, int]:
    """Return ``text`` with ASCII ``,:;?()`` between CJK neighbours made full-width, and how many.

    >>> fullwidth_punctuation("为了做到这一点,我采用(编)的方法:见2021年,https://x.org 19:3")
    ('为了做到这一点，我采用（编）的方法：见2021年,https://x.org 19:3', 3)
    """
    count = 0

    def paren(m: re.Match) -> str:
        nonlocal count
        inner = m.group(1)
        if _compiled("CJK_CHAR").search(inner) and not HAS_LETTER.search(inner):
            count += 1
            return f"（{inner}）"
        return m.group()

    text = PAREN_PAIR.sub(paren, text)
    out, pos = [], 0
    for m in PUNCT.finditer(text):
        if _cjk_left(text, m.start() - 1) and _cjk_right(text, m.end()):
            out.append(text[pos : m.start()])
            out.append(HALF_TO_FULL[m.group(1)])
            pos = m.end()
            count += 1
    out.append(text[pos:])
    return "".join(out), count


def _as_text(value: Any) -> tuple[list[str], bool] | None:
    """Return (the items, whether it was a list) of a string or list-of-strings field, else None."""
    if isinstance(value, str):
        return [value], False
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return list(value), True
    return None


def _item_anchors(t_items: list[str], s_items: list[str]) -> list[Anchor]:
    """Return the item boundaries as anchors when both sides are split into as many items."""
    if len(t_items) != len(s_items) or len(t_items) < 2:
        return []
    anchors, t_pos, s_pos = [], 0, 0
    for t_item, s_item in zip(t_items[:-1], s_items[:-1]):
        t_pos += len(t_item)
        s_pos += len(s_item)
        anchors.append(Anchor(t_pos, t_pos + 1, s_pos, s_pos + 1))  # the separator itself
        t_pos += 1
        s_pos += 1
    return anchors


def _repair_field(value: Any, source: Any, where: str) -> tuple[Any, list[str]]:
    """Return the repaired translation field and the reasons (an empty list when unchanged)."""
    items = _as_text(value)
    if items is None:
        return value, []
    t_items, was_list = items
    src = _as_text(source)
    reasons: list[str] = []
    if src is not None and not any(SEP in t for t in t_items):
        s_items = src[0]
        t_text, s_text = SEP.join(t_items), SEP.join(s_items)
        for _ in range(3):  # until nothing changes: a repair can make the next one provable
            extra = _item_anchors(t_text.split(SEP), s_items)
            repairs = _url_repairs(t_text, s_text, where)
            repairs += _latin_repairs(t_text, s_text, extra, where)
            if not repairs:
                break
            t_text = _apply(t_text, repairs)
            reasons += [r.why for r in repairs]
        t_items = t_text.split(SEP)
    fixed, punctuation = [], 0
    for item in t_items:
        new, n = fullwidth_punctuation(item)
        if n:
            punctuation += n
        fixed.append(new)
    if punctuation:
        reasons.append(f"{punctuation} ASCII punctuation mark(s) between CJK characters made full-width")
    if not reasons:
        return value, []
    return (fixed if was_list else fixed[0]), reasons


def repair_translations(record: Record) -> Record:
    """Repair garbled names, URLs and punctuation in machine translations from the source text.

    The translator copies Latin-script names, titles and URLs from the source; where its copy
    differs, the source proves what it should be (see the module docstring for what counts).

    >>> from metaclean.record import Record
    >>> r = repair_translations(Record({"notes": ["See ‘İranın Azərbaycana Baxışı’, op. cit."],
    ...     "translations": {"zh": {"notes": ["参见' İranın Az æ rbaycana Baxışı ',同前"], "machine": True}}}))
    >>> r.data["translations"]["zh"]["notes"]
    ["参见' İranın Azərbaycana Baxışı ',同前"]
    """
    translations = record.data.get("translations")
    if not isinstance(translations, dict):
        return record
    new_translations = dict(translations)
    reasons: dict[str, str] = {}
    for lang, tr in translations.items():
        if not isinstance(tr, dict) or not tr.get("machine"):
            continue
        new_tr = dict(tr)
        for name in FIELDS:
            if name not in tr:
                continue
            source = record.data.get(name)
            if source is None:  # no such field in the source: the record's text as a whole decides
                source = [v for f in FIELDS for v in (_as_text(record.data.get(f)) or ([], False))[0]]
            new, why = _repair_field(tr[name], source, name)
            if why:
                new_tr[name] = new
                reasons[f"translations.{lang}.{name}"] = "; ".join(dict.fromkeys(why))
        if new_tr != tr:
            new_translations[lang] = new_tr
    if not reasons:
        return record
    return record.with_data({**record.data, "translations": new_translations}, {**record.reasons, **reasons})
