"""split_abstract: take apart an abstract that a publisher's page glued together with its keywords,
statements, footnotes and contributor notes, and give every part a field of its own.

Scraped abstracts look like ``ABSTRACTThis study ... Azerbaijan.KEYWORDS: Karabakh Warcoup...
Disclosure statementNo potential conflict...Notes1 See ...2 ‘Zarif...Additional information...``:
the separators between the parts were lost. ``split_text`` finds the headings (English and
Chinese, glued or not), cuts the text at them, splits the keywords (segmenting a run whose
separators were lost with the record's own words, case changes and a word-frequency list) and the
numbered notes (following the sequence 1, 2, 3...), and drops the repeated name heading of the
contributor notes. Every character ends up in exactly one part; only labels, headings, separators
and note numbers are dropped.
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from metaclean.record import Record

# ---------------------------------------------------------------------------------------------
# The parts


class Anatomy(NamedTuple):
    """The parts of a glued abstract; empty parts are ``""`` or ``()``."""

    abstract: str
    keywords: tuple[str, ...] = ()
    copyright: str = ""
    disclosure: str = ""
    funding: str = ""
    data_availability: str = ""
    article_history: str = ""
    orcid: str = ""
    notes: tuple[str, ...] = ()
    author_notes: str = ""
    label: str = ""  # the label dropped from the front (``ABSTRACT``), for the reasons
    segmented: bool = False  # keywords were cut out of a run that had lost its separators
    repeats: int = 0  # keywords dropped as repeats of another (``Data; data``), for the reasons

    def parts(self) -> dict[str, Any]:
        """Return the non-empty parts as a dict of output fields (lists for lists).

        >>> Anatomy("Text.", keywords=("a", "b")).parts()
        {'abstract': 'Text.', 'keywords': ['a', 'b']}
        """
        out: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


FIELDS = ("abstract", "keywords", "copyright", "disclosure", "funding", "data_availability",
          "article_history", "orcid", "notes", "author_notes")
LIST_FIELDS = frozenset({"keywords", "notes"})

# ---------------------------------------------------------------------------------------------
# Headings

QUOTES = "‘’“”\"'«»《「『(["
SENTENCE_END = ".?!。！？;；)）]】’”\"'»》」』"

# Anything that could be a label or heading (capitalized: a heading always is): an abstract
# without one skips all the work below. Case-sensitive, so that the search skips fast; grouped by
# first letter, so that at each capital the engine tries one group, not all ~50 words (~10% faster).
MARKERS = re.compile(
    r"A(?:bstract|BSTRACT|rticle\s*[Hh]istory|RTICLE\s*HISTORY|dditional\s*[Ii]nformation"
    r"|DDITIONAL\s*INFORMATION|bout\s*[Tt]he|BOUT\s*THE)|S(?:ummary|UMMARY)|K(?:ey\s*[Ww]ords|EY\s*WORDS)"
    r"|I(?:ndex\s*[Tt]erms|NDEX\s*TERMS)|D(?:isclosure|ISCLOSURE|eclaration|ECLARATION|ata\s*[Aa]vailab"
    r"|ATA\s*AVAILAB)|C(?:onflicts?\s*[Oo]f|ONFLICTS?\s*OF|ompeting|OMPETING|opyright|OPYRIGHT)"
    r"|F(?:unding|UNDING|ootnotes|OOTNOTES)|ORCID|N(?:otes|OTES)|E(?:ndnotes|NDNOTES)|©|\([cC]\)|<jats:title"
    r"|摘要|关(?:键[词字]|于贡献者|于撰稿人)|披露声明|利益冲突|资助|基金项目|数据可|文章历史|注释?\s*[:：]?\s*1"
    r"|附加信息|其他信息|补充信息|作者简介"
)

# The label in front of the abstract: ``ABSTRACT``, ``Abstract.``, ``Summary:``, ``摘要``, or a
# JATS heading ``<jats:title>Abstract</jats:title>``.
LEADING_LABEL = re.compile(
    r"\s*(?:<jats:title>\s*(?P<jats>abstract|summary|摘要)\s*[.:：]?\s*</jats:title>"
    r"|(?P<word>abstract|summary|摘要))",
    re.IGNORECASE,
)


def _heading(words: str) -> str:
    """Turn ``key words`` into a pattern for ``Key words``, ``KEYWORDS``, ``Key Words``...

    The first letter is a capital (a heading's always is), the others either case, and the
    spacing varies. A case-sensitive pattern lets the regex engine skip text fast.

    >>> print(_heading("key words?"))
    K[eE][yY]\\s*[wW][oO][rR][dD][sS]?
    """
    out = []
    for k, ch in enumerate(words):
        if ch == " ":
            out.append(r"\s*")
        elif "a" <= ch <= "z":
            out.append(ch.upper() if k == 0 else f"[{ch}{ch.upper()}]")
        else:
            out.append(ch)
    return "".join(out)


NOTE_ONE_FOLLOWS = r"(?=\s*[:：.]?\s*1(?!\d))"
# field -> heading alternatives, judged in ``_accept``.
HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("keywords", ("key words", "index terms", "关键词", "关键字")),
    ("disclosure", ("disclosure statement", "declaration of competing interests?",
                    "declaration of interests?", "conflicts? of interests? statement",
                    "conflicts? of interests?", "competing interests?", "披露声明", "利益冲突声明")),
    ("data_availability", ("data availability statement", "data availability", "数据可用性声明",
                           "数据可得性声明")),
    ("funding", ("funding statement", "funding information", "funding details", "funding",
                 "资助", "基金项目")),
    ("article_history", ("article history", "文章历史")),
    ("orcid", ("orcid", )),
    ("author_notes", ("additional information", "notes on contributors?", "about the authors?",
                      "附加信息", "其他信息", "补充信息", "关于贡献者的说明", "关于撰稿人的说明",
                      "作者简介")),
    # Footnotes: only when note 1 follows at once.
    ("notes", ("endnotes", "footnotes", "notes", "注释", "注")),
    # A label inside the text (a page that put the keywords first).
    ("abstract", ("abstract", "摘要")),
)
HEADING = re.compile("|".join(
    f"(?P<{field}>(?:{'|'.join(_heading(h) for h in alts)}){NOTE_ONE_FOLLOWS if field == 'notes' else ''})"
    for field, alts in HEADINGS
))
# Where a heading could start: a flat, case-sensitive pattern the engine scans fast; HEADING
# then matches there.
HEADING_START = re.compile("|".join(sorted(
    {p for _, alts in HEADINGS for h in alts for p in (h[:3].title(), h[:3].upper()) if p.strip()}
)))
# Common words that begin sentences too: they head a part only when glued or followed by ``:``.
WEAK_HEADINGS = frozenset({"funding", "abstract", "资助", "基金项目", "摘要"})
TAIL_ONLY = frozenset({"orcid"})  # ``ORCID iDs are...`` is prose; after other parts, a heading
SPACES = re.compile(r"\s+")
LABEL_PUNCT = re.compile(r"\s*[.:：]\s*")
COLON_AFTER = re.compile(r"\s*[:：—–]")
ABBREVIATION_BEFORE = re.compile(
    r"(?:\b(?:p|pp|no|nos|vol|vols|cit|ch|chap|fig|figs|art|para|sec|n|nn|ed|eds|op|cf|ibid|v|vs)\.\s*)$",
    re.IGNORECASE,
)

# A copyright line at the end of a part: ``© 2023 Elsevier Ltd. All rights reserved.``
COPYRIGHT = re.compile(
    r"©|\([cC]\)\s*(?=\d{4})|(?:Copyright|COPYRIGHT)\s*(?:©|\([cC]\))?\s*(?=\d{4}|[Tt]he\b|[A-Z])"
)
COPYRIGHT_END = re.compile(r"(?:[.)\]]|\b\d{4})\s*$")
COPYRIGHT_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
MAX_COPYRIGHT = 400
COPYRIGHT_NEEDLES = ("©", "(c)", "(C)", "Copyright", "COPYRIGHT")  # every COPYRIGHT match holds one

# A second abstract, in another language, inside the abstract.
LANGUAGE_LABEL = re.compile(
    r"(?:ABSTRACT|Abstract|RESUMO|Resumo|RESUMEN|Resumen|R[ÉE]SUM[ÉE]|R[ée]sum[ée]|ZUSAMMENFASSUNG"
    r"|Zusammenfassung|АННОТАЦИЯ|Аннотация|RIASSUNTO|Riassunto)\s*[:：]"
)
# Every LANGUAGE_LABEL match holds one of these (``SUM``/``sum``: the forms of résumé): C scans first.
LANGUAGE_NEEDLES = ("ABSTRACT", "Abstract", "SUM", "sum", "ZUSAMMENFASSUNG", "Zusammenfassung",
                    "АННОТАЦИЯ", "Аннотация", "RIASSUNTO", "Riassunto")
KEYWORD_SEPARATORS = re.compile(r"\s*[;,·，；、•|]\s*")
# Words that also begin compounds (``photoacoustic``, ``nanoprobe``): a keyword ends with one
# only where the case changes or the record uses it as a word of its own.
COMBINING_FORMS = frozenset(
    "aero agro anti astro audio auto bio chemo cyber eco electro geo hydro hyper immuno infra "
    "intra macro mega meta micro mono multi nano neuro para photo poly pseudo psycho radio semi "
    "socio tele thermo ultra vaso".split()
)
KEYWORD_PERIODS = re.compile(r"(?<=[^\W\d_]{3})\.\s+")  # ``Wittgenstein. determination``, not ``U.S. policy``
MAX_KEYWORD_WORDS = 6
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
FIRST_PART = re.compile(r"([^\W\d_]+)(?:['’][^\W\d_]+)*")  # WORD; findall gives the letters before an apostrophe
APOSTROPHE = re.compile("['’]")
PIECE_PARTS = re.compile(r"[-‐–/'’]")
TOKEN_PUNCT = ".,;:!?()[]{}\"'‘’“”«»"
MAX_SKIPPED_NOTES = 2
DIGITS = re.compile(r"\d\d*")  # a note number is a whole run of one to four digits (``\d+``: the
# leading ``\d`` lets the engine skip to digits, ~25% faster)
NOTE_NUMBER_AFTER = re.compile(r"[.,:/–\-]\d|[%]|\d")
FIRST_NOTE = re.compile(r"\s*[:：.]?\s*1(?!\d)\s*")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _is_all_caps(heading: str) -> bool:
    letters = [c for c in heading if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _starts_content(ch: str) -> bool:
    """Could a part's text begin with this character right after a glued heading?"""
    return ch.isupper() or ch.isdigit() or ch in QUOTES or _is_cjk(ch)


def _accept(field: str, text: str, start: int, end: int, in_tail: bool) -> int | None:
    """Judge a heading candidate ``text[start:end]``; return where its part's text starts, or None.

    A heading must be capitalized (``Funding``, ``KEYWORDS``; never ``funding``) and look like one:
    followed by a colon, or glued to the next part (``statementNo``), or in capitals. Once one
    heading was found (``in_tail``), a heading followed by a space and a capital is enough.
    """
    heading = text[start:end]
    first = heading[0]
    cjk = _is_cjk(first)
    if not (cjk or first.isupper()):
        return None
    before = text[start - 1] if start else ""
    nxt = text[end] if end < len(text) else ""
    if not nxt:
        return None
    if not cjk and nxt.isalpha() and nxt.islower() and not nxt.isupper() and not _is_all_caps(heading):
        return None  # part of a longer word: ``Fundings``, ``Notesbook``
    if before and before.isalpha() and not cjk and not in_tail and not _is_all_caps(heading):
        return None  # ``mindNotes`` inside prose
    if cjk and before and not in_tail and before not in SENTENCE_END and not before.isspace():
        # Chinese has no spaces: a heading inside a sentence (``关注1``) needs a colon at least.
        if field == "notes" or not COLON_AFTER.match(text, end):
            return None
    colon = COLON_AFTER.match(text, end)
    if colon:
        return colon.end()
    if field in TAIL_ONLY and not in_tail:
        return None
    if field == "notes":
        return end
    if cjk:
        return end if (in_tail or not before or before in SENTENCE_END or before.isspace()) else None
    if not nxt.isspace():  # glued to its text: the mark of a lost separator
        if _starts_content(nxt) or (_is_all_caps(heading) and nxt.isalpha()):
            return end
        return None
    space = SPACES.match(text, end)
    after = space.end() if space else end
    rest = text[after:after + 1]
    if not rest:
        return None
    weak = heading.lower().replace(" ", "") in WEAK_HEADINGS
    if _is_all_caps(heading) and not weak:
        return after
    # ``Heading Text`` with a space between: only where a sentence ended (not ``‘On Abstract
    # Sciences’`` inside a note), and never for words that often begin sentences.
    after_sentence = not before or text[max(0, start - 40):start].rstrip()[-1:] in SENTENCE_END
    if not weak and after_sentence and _starts_content(rest[0]):
        return after
    return None


def _strip_label(text: str) -> tuple[str, str]:
    """Remove the label(s) in front of an abstract; return (label, rest).

    >>> _strip_label("ABSTRACTThis study")
    ('ABSTRACT', 'This study')
    >>> _strip_label("Abstract algebra is old.")
    ('', 'Abstract algebra is old.')
    """
    labels = []
    pos = 0
    while True:
        m = LEADING_LABEL.match(text, pos)
        if not m:
            break
        word = m.group("word")
        if word is not None and not (word[0].isupper() or _is_cjk(word[0])):
            break
        end = m.end()
        if word is not None:
            nxt = text[end:end + 1]
            colon = LABEL_PUNCT.match(text, end)
            if colon:
                end = colon.end()
            elif not nxt:
                break
            elif nxt.isspace():
                rest = text[end:end + 40].lstrip(" \t")
                if not rest or not (rest[0] in "\r\n" or _starts_content(rest[0])):
                    break
            elif not (_starts_content(nxt) or (_is_all_caps(word) and nxt.isalpha())
                      or LEADING_LABEL.match(text, end)):
                break
        labels.append((word or m.group("jats")).strip())
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if not labels:
        return "", text
    return " ".join(labels), text[pos:]


# ---------------------------------------------------------------------------------------------
# Keywords


@lru_cache(maxsize=1)
def word_ranks() -> Mapping[str, int]:
    """Return the bundled English word list as ``{word: rank}`` (0 = most frequent), loaded once."""
    raw = (Path(__file__).parent.parent / "data" / "words_en.txt.gz").read_bytes()
    words = gzip.decompress(raw).decode("utf-8").split()
    return {w: i for i, w in enumerate(words)}


def vocabulary(*texts: str) -> frozenset[str]:
    """Return the lowercased words and space-separated tokens of some text.

    >>> sorted(vocabulary("COVID-19 hit ChatGPT."))
    ['chatgpt', 'covid', 'covid-19', 'hit']
    """
    vocab: set[str] = set()
    for text in texts:
        if not text:
            continue
        if not text.isascii() and ("Σ" in text or "İ" in text):
            vocab.update(_tokens_vocabulary(text))
            continue
        # Without Σ (whose lowercase depends on the letters around it) and İ (which lowers to
        # two characters), lowering maps each character to one and keeps it a letter, digit,
        # space, apostrophe or TOKEN_PUNCT or not (tested over every character): the lowered
        # text's tokens and words are the lowered tokens and words. WORD finds the same words in
        # a token as with its TOKEN_PUNCT stripped (none is a letter; an apostrophe must stand
        # between letters); in a token of letters (most), it finds the token. C-level scans and
        # set operations instead of a loop over the tokens.
        tokens = set(map(str.strip, set(text.lower().split()), repeat(TOKEN_PUNCT)))
        plain = set(filter(str.isalpha, tokens))
        vocab |= plain
        others = tokens - plain
        if others:
            joined = " ".join(others)  # WORD never spans the spaces
            vocab.update(WORD.findall(joined))
            if "'" in joined or "’" in joined:
                vocab.update(FIRST_PART.findall(joined))  # bahdanau’s -> bahdanau
            vocab.update(t for t in others if len(t) > 1 and any(c.isalpha() for c in t))
    return frozenset(vocab)


def _tokens_vocabulary(text: str) -> set[str]:
    """``vocabulary`` of one text, token by token (for the text whose lowercase is not its characters')."""
    vocab: set[str] = set()
    for token in set(text.split()):  # most tokens repeat
        word = token.strip(TOKEN_PUNCT)
        if word.isalpha():  # a plain word (most tokens): WORD finds it whole, punctuation holds none
            vocab.add(word.lower())
        else:
            vocab.update(_token_vocabulary(token) if len(token) <= CACHED_TOKEN
                         else _token_vocabulary.__wrapped__(token))  # a URL, a blob: not kept
    return vocab


CACHED_TOKEN = 64  # characters: longer tokens are not cached, so the cache stays small


@lru_cache(maxsize=16_384)  # tokens repeat across records: "(AI)", "learning,"
def _token_vocabulary(token: str) -> tuple[str, ...]:
    """Return what one space-free token adds to ``vocabulary``: its words and itself, lowercased.

    A text's vocabulary is the union of its tokens': a word never spans a space (whitespace is
    ``\\W``), so WORD finds the same words token by token as in the whole text.

    >>> sorted(_token_vocabulary("(Bahdanau’s"))
    ['bahdanau', 'bahdanau’s']
    """
    words = {word.lower() for word in WORD.findall(token)}
    vocab = set(words)
    vocab.update(APOSTROPHE.split(word, maxsplit=1)[0] for word in words
                 if "'" in word or "’" in word)  # Bahdanau’s -> bahdanau
    token = token.strip(TOKEN_PUNCT).lower()
    if len(token) > 1 and any(c.isalpha() for c in token):
        vocab.add(token)
    return tuple(vocab)


def _piece_cost(piece: str, vocab: frozenset[str]) -> float | None:
    """Cost of a keyword piece (lower is likelier), or None when nothing vouches for it."""
    return _key_cost(piece.lower(), vocab)


def _word_cost(word: str, ranks: Mapping[str, int]) -> float | None:
    """Cost of a word of the word list (rarer costs more); None for one it lacks or a rare short one."""
    rank = ranks.get(word)
    if rank is None or len(word) < 3 or (len(word) == 3 and rank > 5000):
        return None
    return 0.5 + rank / 100000


def _key_cost(key: str, vocab: frozenset[str]) -> float | None:
    """``_piece_cost`` of a piece already lowercased."""
    if len(key) >= 2 and key in vocab:
        return 0.0
    ranks = word_ranks()
    if key.isalpha():  # one part (most pieces): the loop below, without splitting
        return _word_cost(key, ranks)
    parts = [p for p in PIECE_PARTS.split(key) if p]
    if not parts:
        return None
    cost = 0.0
    for part in parts:
        if part.isdigit() or (len(part) >= 2 and part in vocab):
            continue
        part_cost = _word_cost(part, ranks)
        if part_cost is None:
            return None
        cost += part_cost
    return cost


def _can_cut(token: str, j: int) -> bool:
    left, right = token[j - 1], token[j]
    return right.isalpha() and (left.isalnum() or left in ")]")


def _case_cuts(token: str) -> list[int]:
    """Where the letter case says a new word starts: ``realismIran``, ``GPTModels``."""
    if token.islower():  # no capital letter: every cut needs one (most glued runs)
        return []
    cuts = []
    for j in range(1, len(token)):
        a, b = token[j - 1], token[j]
        if not b.isupper():
            continue
        if a.islower() or (a.isdigit() and j > 1) or a in ")]":
            cuts.append(j)
        elif a.isupper() and j + 1 < len(token) and token[j + 1].islower() and j >= 2 and token[j - 2].isupper():
            cuts.append(j)
    return cuts


def _segment(token: str, vocab: frozenset[str]) -> list[str] | None:
    """Cut a token into the fewest pieces that the vocabulary vouches for; None if it can't.

    >>> _segment("Warcoup", frozenset({"war", "coup"}))
    ['War', 'coup']
    """
    n = len(token)
    best: list[tuple[int, float, tuple[int, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, ())
    case_cuts = set(_case_cuts(token))
    # Once, not per piece; in a token of letters every cut is allowed (a letter after a letter).
    cuttable = [True] * (n + 1) if token.isalpha() else [j == 0 or j == n or _can_cut(token, j) for j in range(n + 1)]
    lowered = token.lower() if token.isascii() else None  # ASCII lowers letter by letter
    letters = _letter_runs(lowered) if lowered is not None else []
    words, sorted_vocab = (_sorted_words(), _sorted_vocabulary(vocab)) if lowered is not None else ([], [])
    ranks = word_ranks()
    for i in range(n):
        if best[i] is None or not cuttable[i]:
            continue
        pieces, cost, cuts = best[i]
        # Every way on from i adds a piece, and no piece costs less than 0: once the whole token
        # has (pieces + 1, cost) or better, nothing from i can beat it (ties keep the first).
        if best[n] is not None and (pieces + 1, cost) >= best[n][:2]:
            continue
        last = n if lowered is None else _piece_end(lowered, i, letters[i], words, sorted_vocab)
        more = pieces + 1
        for j in range(i + 2, last + 1):
            if not cuttable[j]:
                continue
            piece = token[i:j].lower() if lowered is None else lowered[i:j]
            # _key_cost, its two commonest answers first (a piece has >= 2 letters); most pieces
            # are no word at all: ``piece in ranks`` says so before _word_cost is called
            if piece in vocab:
                c = 0.0
            elif piece in COMBINING_FORMS and j < n and j not in case_cuts:
                continue  # ``photo|acoustic`` is one word, not two keywords (unless the record says ``para``)
            elif piece.isalpha():
                if piece not in ranks:
                    continue
                c = _word_cost(piece, ranks)  # type: ignore[assignment]
            else:
                c = _key_cost(piece, vocab)  # type: ignore[assignment]
            if c is None:
                continue
            # A cut where the case changes is evidence; one inside a run of letters is not.
            c += 0.0 if (j == n or j in case_cuts) else 0.25
            total = cost + c
            old = best[j]
            # (more, total) < old[:2], without the tuples
            if old is None or more < old[0] or (more == old[0] and total < old[1]):
                best[j] = (more, total, (*cuts, j))
    if best[n] is None:
        return None
    out, prev = [], 0
    for j in best[n][2]:
        out.append(token[prev:j])
        prev = j
    return out


@lru_cache(maxsize=1)  # the tokens of one keywords run share one vocabulary
def _sorted_vocabulary(vocab: frozenset[str]) -> list[str]:
    return sorted(vocab)


@lru_cache(maxsize=1)
def _sorted_words() -> list[str]:
    """Return the bundled word list sorted, for prefix searches (built once, ~0.02 s)."""
    return sorted(word_ranks())


def _prefix_length(text: str, words: list[str]) -> int:
    """Return the length of the longest start of ``text`` that an item of the sorted ``words`` starts with.

    The item sharing the longest start with ``text`` sorts beside it: it is one of the two on
    either side of where ``text`` would be inserted.

    >>> _prefix_length("segmentation", ["seed", "segment", "set"]), _prefix_length("x", ["a"])
    (7, 0)
    """
    k = bisect_left(words, text)
    longest = 0
    if k:
        word = words[k - 1]
        longest = len(word) if text.startswith(word) else _common_length(text, word)  # a whole word: often
    return _longer_prefix(text, words, longest, k)


def _longer_prefix(text: str, words: list[str], longest: int, k: int | None = None) -> int:
    """Return ``max(longest, _prefix_length(text, words))``, comparing letters only when an item may share more.

    Items sharing more than ``longest`` letters start with ``text[:longest + 1]``: if any does, the
    first item from where that start sorts does (``k``: where ``text`` sorts, when known).

    >>> _longer_prefix("segmentation", ["seed", "segment", "set"], 3), _longer_prefix("segmentation", ["set"], 3)
    (7, 3)
    """
    if longest >= len(text):
        return longest
    start = text[:longest + 1]
    m = bisect_left(words, start)
    if m == len(words) or not words[m].startswith(start):
        return longest
    # Some item shares more: one of text's two neighbours does (see _prefix_length).
    if k is None:
        k = bisect_left(words, text)
    for word in words[max(k - 1, 0):k + 1]:
        n = len(word) if text.startswith(word) else _common_length(text, word)
        if n > longest:
            longest = n
    return longest


def _common_length(a: str, b: str) -> int:
    """Return how many letters ``a`` and ``b`` share at their start.

    >>> _common_length("segment", "seed")
    2
    """
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


NOT_LETTER = re.compile(r"[^A-Za-z]")  # in ASCII text: ``not str.isalpha``


def _letter_runs(lowered: str) -> list[int]:
    """For each position of an ASCII text, how far the letters from there reach, plus one if to the end.

    >>> _letter_runs("ab-c")
    [2, 1, 0, 2]
    """
    n = len(lowered)
    if lowered.isalpha():  # (most tokens)
        return [n - i + 1 for i in range(n)]
    out = []
    for i in range(n):
        stop = NOT_LETTER.search(lowered, i)
        out.append(stop.start() - i if stop else n - i + 1)
    return out


def _last_piece_end(lowered: str, i: int, vocab: frozenset[str]) -> int:
    """Return the last end ``j`` for which ``lowered[i:j]`` may still have a cost (ASCII only).

    A piece's first part (up to ``-``, ``/``, ``'``) must be a word of the vocabulary or the word
    list, or the piece one of the vocabulary's tokens: once the letters from ``i`` are a prefix of
    none of them, no longer piece can be vouched for, and ``_segment`` stops trying cuts. A digit
    or separator before that point ends the pruning: ``covid-19`` is judged part by part.

    >>> _last_piece_end("coupxq", 0, frozenset({"coup"})), _last_piece_end("covid-19", 0, frozenset())
    (4, 8)
    """
    return _piece_end(lowered, i, _letter_runs(lowered)[i], _sorted_words(), _sorted_vocabulary(vocab))


def _piece_end(lowered: str, i: int, letters: int, words: list[str], sorted_vocab: list[str]) -> int:
    """``_last_piece_end`` with the letters from ``i`` counted and the sorted lists at hand.

    (``_prefix_length`` for the word list, then ``_longer_prefix`` for the vocabulary, written
    out: ``_segment`` asks this once per position.)
    """
    rest = lowered[i:]
    k = bisect_left(words, rest)
    longest = 0
    if k:
        word = words[k - 1]
        longest = len(word) if rest.startswith(word) else _common_length(rest, word)
    if k < len(words) and words[k].startswith(rest[:longest + 1]):  # shares more than the word before
        longest = max(longest, _common_length(rest, words[k]))
    if longest < letters and longest < len(rest):  # else the vocabulary cannot change the answer
        start = rest[:longest + 1]
        m = bisect_left(sorted_vocab, start)
        if m < len(sorted_vocab) and sorted_vocab[m].startswith(start):  # some item shares more
            longest = _prefix_length(rest, sorted_vocab)
    if letters <= longest:  # the letters end while still a prefix: no pruning
        return len(lowered)
    return i + longest


def _split_token(token: str, vocab: frozenset[str]) -> list[str]:
    """Return the keyword boundaries inside one space-free token (the token whole if none)."""
    if _piece_cost(token, vocab) is not None or len(token) < 4:
        return [token]
    pieces = _segment(token, vocab)
    if pieces is not None:
        return pieces
    # No segmentation into known words: trust the case changes alone, then segment each piece.
    cuts = _case_cuts(token)
    if not cuts:
        return [token]
    out = []
    for a, b in zip([0, *cuts], [*cuts, len(token)]):
        piece = token[a:b]
        sub = None if _piece_cost(piece, vocab) is not None else _segment(piece, vocab)
        out.extend(sub or [piece])
    return out


NO_WORDS: frozenset[str] = frozenset()


def segment_keywords(run: str, context: str = "") -> list[str]:
    """Split a keyword list whose separators were lost into its keywords.

    Every cut falls inside a space-free token (the spaces left are inside keywords). Tokens that
    the record's own words (``context``) or the word list don't vouch for stay whole.

    >>> segment_keywords("Karabakh Warcoupconstructivist neoclassical realismIranAzerbaijan",
    ...                  "the Karabakh War; a coup; Iran and Azerbaijan")
    ['Karabakh War', 'coup', 'constructivist neoclassical realism', 'Iran', 'Azerbaijan']
    >>> segment_keywords("deep learning")
    ['deep learning']
    """
    vocab: frozenset[str] | None = None  # built for the first token that needs it
    keywords: list[list[str]] = [[]]
    for token in run.split():
        # A token of the word list stays whole, whatever the record's words: they only make
        # costs that were None 0.0, never the other way (_key_cost).
        if len(token) < 4 or _key_cost(token.lower(), NO_WORDS) is not None:
            pieces = [token]
        else:
            if vocab is None:
                vocab = vocabulary(context)
            pieces = _split_token(token, vocab)
        keywords[-1].append(pieces[0])
        for piece in pieces[1:]:
            keywords.append([piece])
    return [" ".join(k) for k in keywords if k]


def split_keywords(text: str, context: str = "") -> tuple[list[str], bool]:
    """Split a keywords part on its separators, or segment it if they were lost.

    Return (keywords, segmented).

    >>> split_keywords("big data; healthcare, AI")
    (['big data', 'healthcare', 'AI'], False)
    """
    text = text.strip().rstrip(".。;；,，").strip()
    if not text:
        return [], False
    if KEYWORD_SEPARATORS.search(text):
        return [k for k in (p.strip() for p in KEYWORD_SEPARATORS.split(text)) if k], False
    by_period = [p.strip() for p in KEYWORD_PERIODS.split(text)]
    if len(by_period) > 1 and all(p and len(p.split()) <= MAX_KEYWORD_WORDS for p in by_period):
        return by_period, False
    keywords = segment_keywords(text, context)
    return keywords, len(keywords) > 1


# ---------------------------------------------------------------------------------------------
# Notes


def _note_start_ok(text: str, i: int, j: int) -> int:
    """Score a candidate note number ``text[i:j]``: 0 = no, 1 = possible, 2 = likely."""
    after = text[j:j + 3]
    if NOTE_NUMBER_AFTER.match(after):
        return 0  # 19:3, 2.4, 1–7, 50%
    before = text[i - 1] if i else ""
    if before in SENTENCE_END and before:
        glued = True
    elif before.isspace():
        head = text[max(0, i - 40):i].rstrip()
        if not head or head[-1] not in SENTENCE_END or ABBREVIATION_BEFORE.search(head[-12:] + " "):
            return 0
        glued = False
    else:
        return 0
    rest = text[j:j + 40].lstrip()
    good = bool(rest) and (_starts_content(rest[0]) or rest[:4].lower() in ("op. ", "ibid", "see "))
    return (2 if good else 1) + (1 if glued else 0)


def _next_note(body: str, candidates: Mapping[int, list[tuple[int, int]]], n: int, after: int,
               strict: bool = False) -> tuple[int, int] | None:
    """Find where note ``n`` starts after position ``after``: the likeliest candidate that the
    next number can still follow, the earliest among equals."""
    nxt = candidates.get(n + 1)
    # The next number can follow i when one of its runs starts after i: the last one does (the
    # runs are in text order).
    last_next = nxt[-1][0] if nxt else -1
    scored = [(s, i, j) for i, j in candidates.get(n, ()) if i > after and (s := _note_start_ok(body, i, j))]
    if strict:
        scored = [(s, i, j) for s, i, j in scored if s >= 3 and last_next > i]
    if not scored:
        return None
    # Ranked by (can be followed, likelier, earlier); no two candidates start at one i.
    _, _, i, j = min((0 if not nxt or last_next > i else 1, -s, i, j) for s, i, j in scored)
    return i, j


def split_notes(body: str) -> list[str]:
    """Split numbered footnotes glued together (``1 See X.2 Ibid.``) into a list, numbers dropped.

    Notes are found by following the numbers 1, 2, 3...; a number inside a note (a year, a
    page, ``19:3``, a URL) never starts one because the next note must have the next number and
    follow the end of a sentence.

    >>> split_notes("1 See Smith, op. cit., p. 12.2 Ibid., p. 3.3 In 2019 they met.")
    ['See Smith, op. cit., p. 12.', 'Ibid., p. 3.', 'In 2019 they met.']
    """
    m = FIRST_NOTE.match(body)
    if not m:
        return [body.strip()] if body.strip() else []
    candidates: dict[int, list[tuple[int, int]]] = {}
    # Whole runs (``(?<!\d)\d{1,4}(?!\d)``, but scanned faster): none starts at m.end() inside a
    # longer run, as FIRST_NOTE ends after ``1(?!\d)`` or a space.
    for c in DIGITS.finditer(body, m.end()):
        i, j = c.span()
        if j - i <= 4:
            value = int(c[0])
            runs = candidates.get(value)
            if runs is None:
                candidates[value] = [(i, j)]
            else:
                runs.append((i, j))
    top = max(candidates, default=-1)  # the largest number: one above n is still to come while n < top
    starts = [(m.start(), m.end())]
    n = 2
    while True:
        found = _next_note(body, candidates, n, starts[-1][1])
        skipped = 0
        # A number the page (or a machine translation) lost: accept the one after it only on
        # strong evidence, a glued likely start that the number after it follows as well.
        while found is None and skipped < MAX_SKIPPED_NOTES and top > n:
            skipped += 1
            found = _next_note(body, candidates, n + skipped, starts[-1][1], strict=True)
        if found is None:
            break
        starts.append(found)
        n += skipped + 1
    notes = []
    for k, (_, content_start) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(body)
        note = body[content_start:end].strip()
        if note:
            notes.append(note)
    return notes


# ---------------------------------------------------------------------------------------------
# Contributor notes


def dedupe_name_headings(text: str) -> str:
    """Drop the name heading repeated in front of a contributor's note.

    >>> dedupe_name_headings("Özgür KızılyurtÖzgür Kızılyurt holds a BA.")
    'Özgür Kızılyurt holds a BA.'
    >>> dedupe_name_headings("K. MoodleyK. Moodley is a researcher. J. RoeJ. Roe is too.")
    'K. Moodley is a researcher. J. Roe is too.'
    """
    return NAME_HEADING.sub(r"\g<name>", text)


NAME_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[.!?。]\s)|(?<=[.!?。]))(?P<name>[^\W\d_][^\n.!?]{0,60}?(?:\.[^\n.!?]{1,60}?)?)(?P=name)(?=[\s,])"
)


# ---------------------------------------------------------------------------------------------
# The whole text


def _take_copyright(part: str) -> tuple[str, str]:
    """Split a trailing copyright line off a part: (rest, copyright)."""
    if not any(needle in part for needle in COPYRIGHT_NEEDLES):  # (most parts) C scans, not the regex's
        return part, ""
    for m in COPYRIGHT.finditer(part):
        line = part[m.start():].strip()
        # It starts a sentence, holds a year and ends like one (``reserved.``, ``Ltd.``, a year),
        # not running on into other text.
        if part[max(0, m.start() - 40):m.start()].rstrip()[-1:] not in SENTENCE_END:
            continue
        if len(line) <= MAX_COPYRIGHT and COPYRIGHT_END.search(line) and COPYRIGHT_YEAR.search(line):
            return part[:m.start()].rstrip(), line
    return part, ""


def split_text(text: str, *, context: str = "") -> Anatomy:
    """Take a glued abstract apart; ``context`` is other text of the record (its title).

    >>> a = split_text("ABSTRACTWe study X.KEYWORDS: safety culturerisk Disclosure "
    ...                "statementNone.Notes1 See Y, p. 4.2 Ibid.", context="Safety culture and risk")
    >>> a.abstract, a.keywords, a.disclosure, a.notes
    ('We study X.', ('safety culture', 'risk'), 'None.', ('See Y, p. 4.', 'Ibid.'))
    >>> split_text("A clean abstract.") == Anatomy("A clean abstract.")
    True
    """
    return _split_text(text, context, False)


def _split_text(text: str, context: str, marked: bool) -> Anatomy:
    """``split_text``; ``marked``: the caller found a MARKERS match in ``text`` already (one scan, not two)."""
    anatomy = _split_once(text, context, marked)
    # What is left as the abstract may start with a label or hold a heading that only now
    # stands where one can (``Disclosure statementABSTRACTABSTRACT``): split until nothing
    # changes, so that the pass is idempotent.
    for _ in range(MAX_ROUNDS):
        if anatomy.abstract == text:
            break
        again = _split_once(anatomy.abstract, context)
        if again == Anatomy(anatomy.abstract):
            break
        anatomy = _combine(again, anatomy)
    return anatomy


MAX_ROUNDS = 4


def _combine(first: Anatomy, then: Anatomy) -> Anatomy:
    """Join the parts of two splits, ``first`` being the parts found earlier in the text."""
    def join(a: str, b: str) -> str:
        return f"{a} {b}" if a and b else a or b

    keywords = _unique([*first.keywords, *then.keywords])
    return Anatomy(
        abstract=first.abstract,
        keywords=tuple(keywords),
        repeats=first.repeats + then.repeats + len(first.keywords) + len(then.keywords) - len(keywords),
        copyright=join(first.copyright, then.copyright),
        disclosure=join(first.disclosure, then.disclosure),
        funding=join(first.funding, then.funding),
        data_availability=join(first.data_availability, then.data_availability),
        article_history=join(first.article_history, then.article_history),
        orcid=join(first.orcid, then.orcid),
        notes=first.notes + then.notes,
        author_notes=join(first.author_notes, then.author_notes),
        label=join(then.label, first.label),
        segmented=first.segmented or then.segmented,
    )


def _split_once(text: str, context: str, marked: bool = False) -> Anatomy:
    """Split ``text`` once: the label, then the parts at their headings."""
    if not marked and not MARKERS.search(text):
        return Anatomy(text)
    label, body = _strip_label(text)

    # Cut at the headings, in order. Text before the first heading is the abstract.
    sections: list[tuple[str, int, int]] = []  # (field, content start, heading start)
    in_tail = False
    pos = 0
    while True:
        hint = HEADING_START.search(body, pos)
        if not hint:
            break
        m = HEADING.match(body, hint.start())
        if not m:
            pos = hint.start() + 1
            continue
        field = m.lastgroup or ""
        start = _accept(field, body, m.start(), m.end(), in_tail)
        if start is None or (field == "abstract" and not in_tail and m.start() > 0):
            pos = m.start() + 1
            continue
        sections.append((field, start, m.start()))
        in_tail = True
        pos = start
    # Two headings of one part with nothing between are one heading (``Additional information
    # Notes on contributors``).
    merged: list[tuple[str, int, int]] = []
    for field, start, head in sections:
        if merged and merged[-1][0] == field and not body[merged[-1][1]:head].strip():
            merged[-1] = (field, start, merged[-1][2])
        else:
            merged.append((field, start, head))
    sections = merged
    # An abstract in two languages carries each language's keywords inside it (``resumo: ...
    # PALAVRAS-CHAVE: ... ABSTRACT: ... KEYWORDS: ...``): the first keywords heading after the
    # last language label is part of the abstract; a page's own keywords come after it.
    # (Only a keywords part can be dropped: without one, the text is not scanned for labels.)
    has_keywords = any(field == "keywords" for field, _, _ in sections)
    interior = [m.start() for m in LANGUAGE_LABEL.finditer(body) if m.start() > 0] if has_keywords and any(
        needle in body for needle in LANGUAGE_NEEDLES) else []
    if interior:
        last = interior[-1]
        for k, (field, _, head) in enumerate(sections):
            if field == "keywords" and head > last:
                del sections[k]
                break
    lead_end = sections[0][2] if sections else len(body)
    if not sections and not label:
        abstract, copyright_line = _take_copyright(text)
        if not copyright_line:
            return Anatomy(text)
        return Anatomy(abstract.strip(), copyright=copyright_line)

    # (field, text) in order; a copyright line ends the abstract or the whole text, nothing else
    # (a note that happens to be a copyright line stays a note).
    chunks = [("abstract", body[:lead_end])]
    for k, (field, content_start, _) in enumerate(sections):
        end = sections[k + 1][2] if k + 1 < len(sections) else len(body)
        chunks.append((field, body[content_start:end]))
    copyright_lines = []
    parts: dict[str, list[str]] = {}
    for k, (field, chunk) in enumerate(chunks):
        chunk = chunk.strip()
        if k == 0 or k == len(chunks) - 1:
            chunk, line = _take_copyright(chunk)
            if line:
                copyright_lines.append(line)
        if chunk:
            parts.setdefault(field, []).append(chunk)

    abstract = " ".join(parts.pop("abstract", []))
    keywords: list[str] = []
    segmented = False
    for chunk in parts.pop("keywords", []):
        found, seg = split_keywords(chunk, f"{context}\n{abstract}")
        keywords.extend(found)
        segmented = segmented or seg
    notes: list[str] = []
    for chunk in parts.pop("notes", []):
        notes.extend(split_notes(chunk))
    author_notes = " ".join(dedupe_name_headings(c) for c in parts.pop("author_notes", []))
    unique = _unique(keywords)
    return Anatomy(
        abstract=abstract,
        keywords=tuple(unique),
        repeats=len(keywords) - len(unique),
        copyright=" ".join(copyright_lines),
        disclosure=" ".join(parts.get("disclosure", [])),
        funding=" ".join(parts.get("funding", [])),
        data_availability=" ".join(parts.get("data_availability", [])),
        article_history=" ".join(parts.get("article_history", [])),
        orcid=" ".join(parts.get("orcid", [])),
        notes=tuple(notes),
        author_notes=author_notes,
        label=label,
        segmented=segmented,
    )


def _fold(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = _fold(item)
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------------
# The pass


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [k for k in (p.strip() for p in KEYWORD_SEPARATORS.split(value)) if k]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _contains(seq: list[str], part: list[str]) -> bool:
    """Is ``part`` a run of consecutive items of ``seq``?"""
    n = len(part)
    return any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def _merge(target: dict, anatomy: Anatomy, prefix: str, reasons: dict[str, str]) -> None:
    """Put the parts of ``anatomy`` into ``target`` (a copy), merging with what is there."""
    moved = []
    for field, value in anatomy.parts().items():
        path = f"{prefix}{field}"
        if field == "abstract":
            target[field] = value
            continue
        moved.append(field.replace("_", " "))
        existing = target.get(field)
        if field == "notes":
            # Notes repeat (``Ibid.``): keep them all, unless the record has these very notes.
            old = _as_list(existing) if isinstance(existing, list) else []
            merged = old + value if not _contains(old, value) else old
            if merged != existing:
                target[field] = merged
        elif field in LIST_FIELDS:
            merged = _unique([*_as_list(existing), *value])
            if merged != existing:
                target[field] = merged
        elif not isinstance(existing, str) or not existing.strip():
            target[field] = value
        elif _fold(value) not in _fold(existing):
            target[field] = f"{existing} {value}"
        else:
            continue
        reasons[path] = _reason(field, anatomy)
    what = []
    if anatomy.label:
        what.append(f"dropped the label '{anatomy.label}'")
    if moved:
        what.append("moved " + ", ".join(moved) + " to fields of their own")
    if what:
        reasons[f"{prefix}abstract"] = "; ".join(what)


def _reason(field: str, anatomy: Anatomy) -> str:
    if field == "keywords":
        text = "split from the abstract after its keywords heading"
        text += ("; segmented run-together keywords using title/abstract vocabulary and "
                 "case changes" if anatomy.segmented else "")
        return text + (f"; dropped {anatomy.repeats} repeated keyword(s)" if anatomy.repeats else "")
    if field == "notes":
        return f"split {len(anatomy.notes)} numbered notes from the abstract, following 1, 2, 3..."
    if field == "copyright":
        return "moved the trailing copyright line out of the abstract"
    if field == "author_notes":
        return "split the contributor notes from the abstract; dropped the repeated name heading"
    return f"split from the abstract after its {field.replace('_', ' ')} heading"


def _context(data: Mapping[str, Any]) -> str:
    titles = [v for k, v in data.items() if "title" in k.lower() and isinstance(v, str)]
    return "\n".join(titles)


def split_abstract(record: Record) -> Record:
    """Split the label, keywords, statements, notes and contributor notes out of the abstract.

    Publishers' pages glue them into one string; each part becomes a field of its own, in the
    record and in its translations (``translations.zh.abstract``).

    >>> r = split_abstract(Record({"abstract": "ABSTRACTWe study X.KEYWORDS: a; b"}))
    >>> r.data["abstract"], r.data["keywords"]
    ('We study X.', ['a', 'b'])
    """
    data = record.data
    new: dict[str, Any] | None = None
    reasons: dict[str, str] = {}
    abstract = data.get("abstract")
    # Without a marker split_text returns the text whole: most abstracts stop here, before the
    # context of their titles is gathered.
    if isinstance(abstract, str) and MARKERS.search(abstract):
        anatomy = _split_text(abstract, _context(data), True)
        if anatomy != Anatomy(abstract):
            new = dict(data)
            _merge(new, anatomy, "", reasons)
    translations = data.get("translations")
    if isinstance(translations, dict):
        new_translations = None
        for lang, tr in translations.items():
            if not isinstance(tr, dict) or not isinstance(tr.get("abstract"), str) or not MARKERS.search(tr["abstract"]):
                continue
            anatomy = _split_text(tr["abstract"], _context(tr), True)
            if anatomy == Anatomy(tr["abstract"]):
                continue
            tr_new = dict(tr)
            _merge(tr_new, anatomy, f"translations.{lang}.", reasons)
            new_translations = new_translations or dict(translations)
            new_translations[lang] = tr_new
        if new_translations is not None:
            new = new if new is not None else dict(data)
            new["translations"] = new_translations
    if new is None or new == data:
        return record
    return record.with_data(new, reasons)
