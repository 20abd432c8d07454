"""repair_text: undo encoding damage, markup and invisible characters in every string of a record.

The pass is a chain of small string fixes (``FIXES``, in this order):

1. ``decode_entities``   ``&amp;``, ``&#8217;``, ``&AMP;``, ``&amp;amp;`` (double-escaped)
2. ``strip_tags``        JATS/HTML/MathML tags; block tags keep words apart, inline ones do not
3. ``fix_cjk_legacy``    GBK, Big5 or Shift-JIS bytes read as Latin-1/Windows-1252
4. ``fix_mojibake``      ftfy's encoding repair (UTF-8 read as Windows-1252, -1250, MacRoman ...)
5. ``fix_utf8_as_cjk``   UTF-8 bytes read as GBK (or Shift-JIS)
6. ``remove_invisibles`` BOMs, zero-width spaces, soft hyphens, control characters
7. ``fold_whitespace``   one space in single-line fields; paragraph breaks kept in multi-line ones

Most strings need none of them: one regex scan (``_scan``) finds the characters any fix starts
from, and only the fixes those ask for run; ftfy sees only lines with a UTF-8 lead/continuation
pair of one codepage.

Decisions. Correct text is left byte-identical: curly quotes, full-width punctuation, ligatures,
a lone no-break or ideographic space, and decomposed (NFD) letters all stay -- normalization is
not this pass's job; only text it re-decodes is put in NFC. ZWJ/ZWNJ join Persian, Indic and emoji
sequences, so they are removed only between ASCII characters. Abstracts (any field ending in
``abstract``, ``AbstractTextCN``), ``notes``, ``author_notes`` and ``disclosure`` are multi-line.
CJK mojibake is re-decoded only into common characters of one script (GB2312 level 1, Big5 level
1, JIS level 1 and kana); bytes that read as Chinese and as Korean (EUC-KR) alike are not guessed.
Damage that cannot be undone -- U+FFFD, ``锟斤拷``, letters lost as spaces in names, mojibake
remnants -- stays as it is, and a warning names the field (``find_damage``).
"""
from __future__ import annotations

import html
import re
import types
import unicodedata
from collections import abc
from functools import lru_cache
from typing import Any, Callable, Iterator, Mapping, NamedTuple

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs ftfy decodes with)
import ftfy.badness
import ftfy.fixes
from ftfy.chardata import C1_CONTROL_RE, CHARMAP_ENCODINGS
from ftfy.fixes import remove_terminal_escapes

from metaclean.record import Record, Witness, add_warning
from metaclean.script import lazy_patterns

PASS_NAME = "repair_text"
MAX_ROUNDS = 4  # the whole chain is re-run until nothing changes, so repairing twice is a no-op

# --- which fields are what -------------------------------------------------------------------

# Prose with paragraphs: line breaks kept. Everything else is one line.
MULTILINE_FIELDS = frozenset({"abstract", "abstracttextcn", "notes", "author_notes", "disclosure"})
# Person names, where a space inside a word is a lost letter rather than a word break.
NAME_FIELDS = frozenset({"authors", "author", "authorname", "editors", "editor", "creators",
                         "creator", "contributors", "given", "family", "names"})
NOT_NAMES = ("note", "affil", "id", "orcid", "url", "email", "count")
PERSON_NAME_PARTS = frozenset({"name", "full_name", "fullname", "literal", "given", "family", "raw"})
SKIPPED_FIELDS = frozenset({"warnings"})  # our own output, written by the passes


@lru_cache(maxsize=4096)
def is_multiline_field(path: str) -> bool:
    """Return True for fields whose text keeps its paragraph breaks (abstracts, notes).

    >>> is_multiline_field("abstract"), is_multiline_field("AbstractTextCN"), is_multiline_field("title")
    (True, True, False)
    >>> is_multiline_field("translations.zh.abstract"), is_multiline_field("extra.author_notes")
    (True, True)
    """
    last = path.rsplit(".", 1)[-1].lower()
    return last in MULTILINE_FIELDS or last.endswith("abstract")


def _is_author_key(key: str) -> bool:
    return key in NAME_FIELDS or ("author" in key and not any(w in key for w in NOT_NAMES))


@lru_cache(maxsize=4096)
def is_name_field(path: str) -> bool:
    """Return True for fields that hold person names (``authors``, ``authors.name``, ``AuthorCN``).

    >>> is_name_field("authors.name"), is_name_field("AuthorCN"), is_name_field("journal.name")
    (True, True, False)
    >>> is_name_field("authors.affiliation"), is_name_field("author_notes")
    (False, False)
    """
    *parents, last = path.lower().rsplit(".", 2)[-2:] if "." in path else [path.lower()]
    if _is_author_key(last):
        return True
    return last in PERSON_NAME_PARTS and bool(parents) and _is_author_key(parents[-1])


# --- 1. entities ---------------------------------------------------------------------------

ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
MAX_ENTITY_LAYERS = 8


def _decode_entity(match: re.Match) -> str:
    entity = match.group()
    decoded = html.unescape(entity)
    return decoded if decoded != entity else html.unescape(entity.lower())


def decode_entities(text: str) -> str:
    """Decode HTML entities -- named, numeric, upper-case, escaped several times over.

    Only complete entities (with the ``;``) count, so ``AT&T`` and ``&notes`` stay as they are.

    >>> decode_entities("Politics &AMP; Religion &amp;amp; Ideology, Bahdanau&#8217;s &#x3B1;")
    'Politics & Religion & Ideology, Bahdanau’s α'
    """
    for _ in range(MAX_ENTITY_LAYERS):
        decoded = ENTITY.sub(_decode_entity, text)
        if decoded == text:
            break
        text = decoded
        if "&" not in text:  # no entity left to decode: the next round would change nothing
            break
    return text


# --- 2. tags -------------------------------------------------------------------------------

TAG = re.compile(
    r"""<!--.*?-->|<(/?)(?:([A-Za-z][\w.-]*):)?([A-Za-z][\w.-]*)"""
    r"""((?:\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*)\s*/?>""",
    re.S,
)
MARKUP_PREFIXES = frozenset({"jats", "mml", "xlink", "ali", "tei", "xhtml", "html", "m"})
BREAK_TAGS = frozenset({"br", "break"})
BLOCK_TAGS = frozenset({
    "p", "div", "hr", "title", "subtitle", "sec", "section", "abstract", "trans-abstract", "list",
    "list-item", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "tr", "td", "th", "thead", "tbody", "caption", "label", "article", "blockquote", "pre", "fig",
    "figure", "disp-quote", "def-list", "def-item", "term", "def", "body", "header", "footer",
    "para", "kwd-group", "kwd", "trans-title", "trans-title-group", "title-group", "notes", "fn",
    "boxed-text", "disp-formula", "statement", "speech", "verse-group", "verse-line", "ack",
})
INLINE_TAGS = frozenset({
    "i", "b", "em", "strong", "u", "s", "sub", "sup", "span", "a", "font", "small", "big", "tt",
    "code", "sc", "italic", "bold", "underline", "monospace", "roman", "sans-serif", "strike",
    "overline", "inline-formula", "named-content", "ext-link", "xref", "uri", "email",
    "styled-content", "abbr", "cite", "q", "mark", "del", "ins", "var", "kbd", "samp", "math",
    "mi", "mo", "mn", "ms", "mtext", "mrow", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mspace", "mstyle", "mtable", "mtr", "mtd", "mfenced",
    "semantics", "annotation", "tex-math", "inline-graphic", "nobr", "wbr",
})


def _tag_replacement(match: re.Match, multiline: bool) -> str:
    prefix, name = match.group(2), (match.group(3) or "").lower()
    if match.group().startswith("<!--"):
        return ""
    if prefix is not None and prefix.lower() not in MARKUP_PREFIXES:
        return match.group()
    if name in BREAK_TAGS:
        return "\n" if multiline else " "
    if name in BLOCK_TAGS:
        return "\n\n" if multiline else " "
    if name in INLINE_TAGS or prefix is not None:
        return ""
    return match.group()  # x<y>z in prose: not a tag we know, so not markup


def strip_tags(text: str, *, multiline: bool = False) -> str:
    """Remove JATS/HTML/MathML tags, keeping their text; only known tag names count as tags.

    A block tag (``<p>``, ``<jats:title>``) separates words -- a paragraph break in multi-line
    fields, a space elsewhere; inline tags (``<i>``, ``<sub>``) are removed without a space.

    >>> strip_tags("<jats:title>Abstract</jats:title><jats:p>CO<sub>2</sub> and <i>x</i><y</jats:p>")
    ' Abstract  CO2 and x<y '
    >>> strip_tags("<jats:title>Abstract</jats:title><jats:p>Text</jats:p>", multiline=True)
    '\\n\\nAbstract\\n\\n\\n\\nText\\n\\n'
    """
    return TAG.sub(lambda m: _tag_replacement(m, multiline), text)


JATS_TAG = re.compile(r"</?jats:")


def _tag_kind(text: str) -> str:
    return "jats tags" if JATS_TAG.search(text) else "html tags"


# --- CJK tables: a few thousand two-byte decodes (~15 ms), the common sets built on first use ---

# The wide classes of PATTERNS (here and below) cost ~1-3 ms each to compile (the regex compiler
# marks every character of a range, twice), and only some texts need them: each is compiled on
# first use (``_compiled(name)``; ``repair_text.CJK_CHAR`` still gives the pattern).
PATTERNS: dict[str, str] = {
    "CJK_CHAR": r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]",
    "CJK_PAIR": r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{2}",
}
_compiled, __getattr__ = lazy_patterns(PATTERNS, __name__)


def _two_byte_table(encoding: str, leads: range, trails: tuple[int, ...]) -> frozenset[str]:
    """What each pair of a lead and a trail byte decodes to in ``encoding``, but the pairs that do not decode.

    >>> sorted(_two_byte_table("gbk", range(0xB0, 0xB1), (0xA1, 0xA2, 0x7F)))
    ['啊', '阿']
    """
    pairs = [bytes((lead, trail)) for lead in leads for trail in trails]
    # All pairs in one decode, a line break after each (~3x faster than one decode each): a pair
    # that does not decode leaves U+FFFD in its piece (no pair decodes to U+FFFD), and the pieces
    # stay one a pair (no lead takes a line break as its trail: checked by the count).
    pieces = b"\n".join(pairs).decode(encoding, "replace").split("\n")
    if len(pieces) == len(pairs) and 0x0A not in trails and 0x0A not in leads:
        return frozenset(piece for piece in pieces if "\ufffd" not in piece)
    chars = set()
    for pair in pairs:
        try:
            chars.add(pair.decode(encoding))
        except UnicodeDecodeError:
            pass
    return frozenset(chars)


@lru_cache(maxsize=None)
def common_cjk(script: str) -> frozenset[str]:
    """Return the common characters of ``gbk`` (GB2312 level 1), ``big5`` (level 1), ``shift-jis``
    (JIS level 1 and kana) or ``any`` (all three); CJK punctuation and full-width forms included.

    >>> len(common_cjk("gbk")) > 3755, "的" in common_cjk("gbk"), "鍦" in common_cjk("gbk")
    (True, True, False)
    """
    high = tuple(range(0xA1, 0xFF))
    shared = {chr(c) for c in (*range(0x3000, 0x3040), *range(0xFF01, 0xFF5F))}
    if script == "gbk":
        chars = _two_byte_table("gb2312", range(0xB0, 0xD8), high)
        shared |= _two_byte_table("gb2312", range(0xA1, 0xA4), high)
    elif script == "big5":
        low = tuple(range(0x40, 0x7F))
        chars = _two_byte_table("big5", range(0xA4, 0xC6), (*low, *high))  # level 1 ends at C67E
        chars |= _two_byte_table("big5", range(0xC6, 0xC7), low)
        shared |= _two_byte_table("big5", range(0xA1, 0xA4), (*low, *high))
    elif script == "shift-jis":
        chars = _two_byte_table("euc_jp", range(0xB0, 0xD0), high)
        shared |= {chr(c) for c in range(0x3041, 0x3100)}  # hiragana, katakana (not half-width)
    else:
        return common_cjk("gbk") | common_cjk("big5") | common_cjk("shift-jis")
    return frozenset(chars | shared)


def _common_share(text: str, common: frozenset[str]) -> tuple[float, int]:
    """Return (share of the CJK characters of ``text`` that are in ``common``, how many there are)."""
    chars = _compiled("CJK_CHAR").findall(text)
    if not chars:
        return 0.0, 0
    return sum(map(common.__contains__, chars)) / len(chars), len(chars)


def _plausible_cjk(fixed: str, common: frozenset[str]) -> bool:
    """Is ``fixed`` made of common characters of its script (allowing 1 in 10 rare ones)?"""
    share, count = _common_share(fixed, common)
    return count >= 2 and share >= (1.0 if count < 10 else 0.9) and _compiled("CJK_PAIR").search(fixed) is not None


# --- 3. legacy CJK encodings read as Latin-1 / Windows-1252 ----------------------------------

LATIN1_HIGH = "".join(chr(c) for c in range(0x80, 0x100))
CP1252_HIGH = bytes(range(0x80, 0x100)).decode("sloppy-windows-1252")
LEGACY_HIGH = frozenset(LATIN1_HIGH + CP1252_HIGH)
# Two in a row, written as one and a lookahead: a search led by one class tries only the characters
# of that class (a repeat is tried at every position: ~3x slower).
LEGACY_PAIR = re.compile(f"[{re.escape(LATIN1_HIGH + CP1252_HIGH)}](?=[{re.escape(LATIN1_HIGH + CP1252_HIGH)}])")
SPACE_OR_CONTROL = re.compile("[\\x00-\\x20]")
LEGACY_CODECS = (("gbk", "gb18030"), ("big5", "cp950"), ("shift-jis", "cp932"))
# Big5 and Shift-JIS take ASCII bytes as second bytes, so Western words with accented capitals
# decode too ("BÄDÄÑ" -> "B饉麵"): from them, a character glued to a Latin letter is not believed.
ASCII_TRAIL_SCRIPTS = frozenset({"big5", "shift-jis"})


PATTERNS["GLUED_TO_LATIN"] = (
    r"[A-Za-z][\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff][A-Za-z]"
)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


PATTERNS["HANGUL_TEXT"] = r"[\x00-\x7f\uac00-\ud7a3]*"


PATTERNS["HANGUL_PAIR"] = r"[\uac00-\ud7a3]{2}"


AMBIGUOUS = "GBK or EUC-KR (Korean) bytes read as Latin-1, not repaired: either reading is plausible"


@lru_cache(maxsize=4096)
def _legacy_reading(token: str) -> tuple[str | None, str]:
    """Read ``token`` as CJK legacy bytes misread as a Western codepage.

    Return (fixed token, fix name), or (None, why not) when Korean is as plausible (EUC-KR Hangul
    occupies the first rows of GB2312's common hanzi), or (None, "") when it is not CJK mojibake.
    """
    for western in WESTERN_CODECS:
        try:
            raw = token.encode(western)
            break
        except UnicodeEncodeError:
            continue
    else:
        return None, ""
    if _is_utf8(raw):  # UTF-8 read as Latin-1 is ftfy's case ("aÃ§Ã£o"), not GBK
        return None, ""
    best: tuple[float, str, str] | None = None
    for script, codec in LEGACY_CODECS:
        try:
            fixed = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        common = common_cjk(script)
        if script in ASCII_TRAIL_SCRIPTS and _compiled("GLUED_TO_LATIN").search(fixed):
            continue
        if _plausible_cjk(fixed, common):
            share = _common_share(fixed, common)[0]
            if best is None or share > best[0]:
                best = (share, fixed, f"{script} read as {western.removeprefix('sloppy-')}")
    if best is None:
        return None, ""
    korean = raw.decode("euc_kr", "replace")
    if _compiled("HANGUL_TEXT").fullmatch(korean) and _compiled("HANGUL_PAIR").search(korean):
        return None, AMBIGUOUS
    return best[1], best[2]


def _legacy_tokens(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each run of non-space characters holding two high Latin-1 characters."""
    pair = LEGACY_PAIR.search(text)
    while pair:
        start = at = pair.start()
        while start > 0 and text[start - 1] > " ":
            start -= 1
        space = SPACE_OR_CONTROL.search(text, at + 2)  # past the pair (LEGACY_PAIR matches its first character)
        end = space.start() if space else len(text)
        yield start, end
        pair = LEGACY_PAIR.search(text, end)


WESTERN_CODECS = ("latin-1", "sloppy-windows-1252")


def _utf8_when_western(text: str) -> bool:
    """Is ``text``, encoded as Latin-1 (else Windows-1252), UTF-8? Then no run of it is CJK legacy bytes.

    Each run is encoded by the first of the two that takes it, which gives the bytes it has in the
    whole text (the two agree on every character both take), and runs end at ASCII bytes, which
    never cut a UTF-8 sequence: each run is UTF-8 too, and ``_legacy_reading`` refuses it.

    >>> _utf8_when_western("Jos\u00c3\u00a9 Garc\u00c3\u00ada"), _utf8_when_western("\u00d2\u00c1\u00c0\u00ca")
    (True, False)
    """
    for western in WESTERN_CODECS:
        try:
            return _is_utf8(text.encode(western))
        except UnicodeEncodeError:
            continue
    return False


def _ambiguous_cjk(text: str) -> list[str]:
    """Return the runs of ``text`` that are CJK legacy bytes, Chinese or Korean: not for ftfy either."""
    if _utf8_when_western(text):  # most texts asked about: UTF-8 mojibake
        return []
    return [text[start:end] for start, end in _legacy_tokens(text)
            if _legacy_reading(text[start:end]) == (None, AMBIGUOUS)]


def fix_cjk_legacy(text: str) -> tuple[str, tuple[str, ...]]:
    """Re-decode GBK, Big5 or Shift-JIS text that was read as Latin-1 or Windows-1252.

    Each run of non-space characters is tried on its own; a run is replaced only if its bytes are
    not UTF-8 and decode to common characters of one script (at least two in a row), and are not
    just as plausibly Korean.

    >>> fix_cjk_legacy("ÒÁÀÊÔÚ°¢Èû°Ý½®µÄ and “ú–{Œê")
    ('伊朗在阿塞拜疆的 and 日本語', ('gbk read as latin-1', 'shift-jis read as windows-1252'))
    >>> fix_cjk_legacy("EDUCAÇÃO, Jürgen Müller, «Über», MÄ£ÄM BÄDÄÑ, ÇÑ±¹¾î")[1]
    ()
    """
    if _utf8_when_western(text):  # most texts asked about: UTF-8 mojibake, ftfy's
        return text, ()
    pieces: list[str] = []
    fixes: list[str] = []
    done = 0
    for start, end in _legacy_tokens(text):
        fixed, name = _legacy_reading(text[start:end])
        if fixed is not None:
            pieces.append(text[done:start] + fixed)
            fixes.append(name)
            done = end
    if not fixes:
        return text, ()
    return "".join(pieces) + text[done:], tuple(dict.fromkeys(fixes))


# --- 4. Western mojibake: ftfy -----------------------------------------------------------------

def _charmap(byte_values: bytes) -> dict[str, str]:
    """What these bytes become in each codepage ftfy undoes: {encoding: characters}."""
    return {enc: byte_values.decode(enc, "replace").replace("\ufffd", "") for enc in CHARMAP_ENCODINGS}


def _char_class(chars: str) -> str:
    r"""The inside of a regex class matching exactly ``chars``, runs written as ranges (compiles faster).

    >>> print(_char_class("dcba-xz"))
    \-a-dxz
    """
    codes = sorted(set(map(ord, chars)))
    breaks = [i for i in range(1, len(codes)) if codes[i] != codes[i - 1] + 1]  # where a run starts
    parts: list[str] = []
    for start, end in zip([0, *breaks], [*breaks, len(codes)]):
        low, high = _escaped(codes[start]), _escaped(codes[end - 1])
        parts.append(low if end - start == 1 else f"{low}{high}" if end - start == 2 else f"{low}-{high}")
    return "".join(parts)


def _escaped(code: int) -> str:
    return chr(code) if code > 0x7F else re.escape(chr(code))  # re.escape leaves non-ASCII as it is


# UTF-8 mojibake is a lead byte followed by a continuation byte, both read in the same codepage
# (ftfy's lossy forms put ? or U+FFFD for the second one); or a lead byte followed by a space
# where a no-break space (A0) was lost (not in MacRoman, as in ftfy); or C1 controls (Latin-1
# read for Windows-1252); or surrogates. A line with none of these is never given to ftfy, so
# curly quotes, dashes and accented letters ("ção": a lead and a continuation, but not in one
# codepage) cost a regex search or two.
UTF8_LEADS = _charmap(bytes(range(0xC2, 0xF5)))
UTF8_CONTINUATIONS = _charmap(bytes(range(0x80, 0xC0)))
A0_LEADS = "".join(
    chars for enc, chars in _charmap(b"\xc2\xc3\xc5\xce\xd0\xd9\xe2\xe3\xf0").items() if enc != "macroman"
)
# A mojibake pair is a lead and a continuation of the same codepage: one bit per codepage, a pair
# is one when its two characters share a bit (a frozenset of the ~26,000 pairs took 7 ms to build).
_CODEPAGE_BIT = {enc: 1 << n for n, enc in enumerate(CHARMAP_ENCODINGS)}
LEAD_CODEPAGES: dict[str, int] = {}
CONTINUATION_CODEPAGES: dict[str, int] = dict.fromkeys("?\ufffd", (1 << len(CHARMAP_ENCODINGS)) - 1)
for _enc, _bit in _CODEPAGE_BIT.items():
    for _char in UTF8_LEADS[_enc]:
        LEAD_CODEPAGES[_char] = LEAD_CODEPAGES.get(_char, 0) | _bit
    for _char in UTF8_CONTINUATIONS[_enc]:
        CONTINUATION_CODEPAGES[_char] = CONTINUATION_CODEPAGES.get(_char, 0) | _bit
A0_LEAD_SET = frozenset(A0_LEADS)


def is_mojibake_pair(pair: str) -> bool:
    """Is ``pair`` a UTF-8 lead and continuation read in one codepage (or a lead before a lost no-break space)?

    >>> is_mojibake_pair("Ã©"), is_mojibake_pair("a©"), is_mojibake_pair("Ã ")
    (True, False, True)
    """
    if len(pair) != 2:
        return False
    lead, second = pair
    return bool(LEAD_CODEPAGES.get(lead, 0) & CONTINUATION_CODEPAGES.get(second, 0)) or (
        second == " " and lead in A0_LEAD_SET)
ANY_LEAD = _char_class("".join(UTF8_LEADS.values()))
ANY_CONTINUATION = _char_class("".join(UTF8_CONTINUATIONS.values()) + " ?")
MOJIBAKE_PAIR = re.compile(f"[{ANY_LEAD}][{ANY_CONTINUATION}\ufffd]")
C1_OR_SURROGATE = re.compile("[\x80-\x9f\ud800-\udfff]")


def may_hold_mojibake(text: str) -> bool:
    """Cheap test: could ftfy find UTF-8 mojibake in ``text``?

    >>> may_hold_mojibake("Organizações “quoted” – fine"), may_hold_mojibake("OrganizaÃ§Ãµes")
    (False, True)
    """
    return C1_OR_SURROGATE.search(text) is not None or _has_mojibake_pair(text)


def _has_mojibake_pair(text: str) -> bool:
    match = MOJIBAKE_PAIR.search(text)
    while match:  # pairs overlap ("çÃ©"), so each search starts one character on
        if is_mojibake_pair(match.group()):
            return True
        match = MOJIBAKE_PAIR.search(text, match.start() + 1)
    return False


FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
    remove_control_chars=False, normalization=None, explain=True,
)
FTFY_STEP_NAMES = {
    "fix_c1_controls": "c1 controls read as windows-1252",
    "fix_surrogates": "utf-16 surrogates",
    "decode_inconsistent_utf8": "mojibake: utf-8 read as windows-1252 (in parts)",
}


# ftfy tests a line for mojibake with one regex (``is_bad``) before each step of its encoding fix,
# and that regex tries all its ~40 branches at every character: the last, clean step scans the
# whole line slowly. Each branch has a part that only matches characters of BADNESS_ANCHORS (the
# characters of ftfy's categories and of its pattern, but the lower-case accented letters that
# fill Western text: no branch needs them but "[Œœ][^A-Za-z]"), and no match is longer than
# MAX_BADNESS_WIDTH (tests/test_fastpaths_text.py checks both against ftfy's pattern): so a
# match exists if and only if one lies within MAX_BADNESS_WIDTH characters of an anchor, and
# ftfy's own regex is tried there only.
def _class_chars(body: str) -> frozenset[str]:
    """The non-ASCII characters of the BMP (surrogates aside) that the regex class ``[body]`` matches.

    >>> sorted(_class_chars("\u00e0-\u00e2x\u0153"))
    ['à', 'á', 'â', 'œ']
    """
    if "\\" in body or "[" in body or "]" in body or body[:1] == "^":  # not plain characters and ranges:
        bmp = "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
        return frozenset(re.findall(f"[{body}]", bmp))  # ask the regex engine (~12 ms)
    codes: list[int] = []
    at = 0
    while at < len(body):
        if body[at + 1:at + 2] == "-" and at + 2 < len(body):  # a range, as the regex parser reads it
            codes.extend(range(ord(body[at]), ord(body[at + 2]) + 1))
            at += 3
        else:
            codes.append(ord(body[at]))
            at += 1
    return frozenset(chr(c) for c in codes if 0x80 <= c < 0xD800 or 0xE000 <= c < 0x10000)


_LOWER_ACCENTED = _class_chars(ftfy.badness.MOJIBAKE_CATEGORIES["lower_accented"]) - {"œ"}
BADNESS_ANCHORS = _class_chars("".join(ftfy.badness.MOJIBAKE_CATEGORIES.values())).union(
    c for c in ftfy.badness.BADNESS_RE.pattern if not c.isascii()) - _LOWER_ACCENTED
BADNESS_ANCHOR = re.compile(f"[{_char_class(''.join(BADNESS_ANCHORS))}]")
MAX_BADNESS_WIDTH = 7  # "ГўВЂВ.[A-Za-z ]"


def is_bad(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``: does ``text`` look like mojibake? ftfy's regex, tried near anchors only.

    >>> is_bad("Jos\u00c3\u00a9 Garc\u00c3\u00ada"), is_bad("José García, “quoted” – 10 µm")
    (True, False)
    """
    search = ftfy.badness.BADNESS_RE.search
    tried = 0  # every match starting before this was looked for already
    for anchor in BADNESS_ANCHOR.finditer(text):
        at = anchor.start()
        # pos and endpos bound the search without slicing, so "^" still means the start of text
        if search(text, max(at - MAX_BADNESS_WIDTH + 1, tried), at + MAX_BADNESS_WIDTH):
            return True
        tried = at + 1
    return False


def _known_bad(text: str) -> bool:
    """``is_bad(text)`` inside FTFY_ONE_STEP: True, as _fix_encoding calls the step only when it is."""
    return True


def _with_is_bad(step: Callable | None) -> Callable | None:
    """A copy of ftfy's function ``step`` that calls ``_known_bad`` above where it calls ftfy's ``is_bad``.

    The step asks is_bad once, of the text it is given (tests/test_fastpaths_text.py checks), and
    _fix_encoding gives it only text is_bad said yes to: the same answers without the scan.
    """
    if step is None:
        return None
    copy = types.FunctionType(step.__code__, {**step.__globals__, "is_bad": _known_bad}, step.__name__,
                              step.__defaults__, step.__closure__)
    copy.__kwdefaults__ = step.__kwdefaults__
    return copy


# ftfy's one step of fix_encoding_and_explain (private, in ftfy 6.x): its loop is run here, with
# the cheap test above first. tests/test_fastpaths_text.py checks the result equals ftfy's own.
# The step starts with ftfy's is_bad again (a scan of the whole line): its copy knows the answer.
FTFY_ONE_STEP = _with_is_bad(getattr(ftfy, "_fix_encoding_one_step_and_explain", None))


def _fix_encoding(text: str) -> tuple[str, list]:
    """``ftfy.fix_encoding_and_explain(text, FTFY_CONFIG)``, with ftfy's first test in each step (ASCII, or
    not ``is_bad``: nothing to do) made here, at C speed.

    >>> _fix_encoding("Jos\u00c3\u00a9")
    ('José', [('encode', 'latin-1'), ('decode', 'utf-8')])
    """
    if FTFY_ONE_STEP is None:  # an ftfy without this private step: its public fix, slower, the same answer
        fixed, plan = ftfy.fix_encoding_and_explain(text, FTFY_CONFIG)
        return fixed, list(plan or [])
    plan: list = []
    while not text.isascii() and is_bad(text):
        fixed, steps = FTFY_ONE_STEP(text, FTFY_CONFIG)
        if steps is not None:
            plan.extend(steps)
        if fixed == text:
            break
        text = fixed
    return text, plan


# The fixes FTFY_CONFIG leaves on after the encoding fix, in ftfy's order.
FTFY_FOLLOWING = (("fix_c1_controls", ftfy.fixes.fix_c1_controls), ("fix_surrogates", ftfy.fixes.fix_surrogates))


def _ftfy_fix(line: str) -> tuple[str, list]:
    """``ftfy.fix_and_explain(line, FTFY_CONFIG)``, without its last round over a line it has just fixed.

    ftfy repeats its round (the encoding fix, then FTFY_FOLLOWING) until a round changes nothing.
    The encoding fix itself runs until it changes nothing, so when the following fixes leave its
    result alone, the next round would change nothing: it is not run (it costs a full badness
    scan). Unless C1 controls are left: on those the encoding fix explains a step that changed
    nothing, so that round still runs, for the same explanation.

    >>> _ftfy_fix("Jos\u00c3\u00a9")
    ('José', [('encode', 'latin-1'), ('decode', 'utf-8')])
    """
    plan: list = []
    text = line
    while True:
        start = text
        text, encoding_plan = _fix_encoding(text)
        plan.extend(encoding_plan)
        decoded = text
        for name, fix in FTFY_FOLLOWING:
            fixed = fix(text)
            if fixed != text:
                plan.append(ftfy.ExplanationStep("apply", name))
                text = fixed
        if text == start or (text == decoded and not C1_CONTROL_RE.search(text)):
            return text, plan


def _describe(plan: list) -> list[str]:
    """Turn ftfy's explanation into fix names: ``mojibake: utf-8 read as windows-1252``."""
    names, encoded_as = [], ""
    for action, parameter in plan:
        if action == "encode":
            encoded_as = parameter.removeprefix("sloppy-")
        elif action == "decode":
            names.append(f"mojibake: {parameter.removesuffix('-variants')} read as {encoded_as}")
        elif action == "apply":
            names.append(FTFY_STEP_NAMES.get(parameter, parameter.replace("_", " ")))
    return names


def fix_mojibake(text: str) -> tuple[str, tuple[str, ...]]:
    """Undo Western mojibake with ftfy, line by line (as ``ftfy.fix_text`` does), nothing else.

    ftfy's quote, width, ligature and normalization fixes are off: they change correct text. A
    re-decoded line is put in NFC. A line holding CJK bytes that could be Chinese or Korean is
    not given to ftfy either (it would take some of their pairs for UTF-8).

    >>> fix_mojibake("Jos\u00c3\u00a9 \u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d")
    ('José “quoted”', ('mojibake: utf-8 read as windows-1252',))
    """
    if not may_hold_mojibake(text):
        return text, ()
    out, names = [], []
    lines = text.split("\n")
    for line in lines:  # (one line is the text, just tested)
        if (len(lines) == 1 or may_hold_mojibake(line)) and not _ambiguous_cjk(line):
            fixed, plan = _ftfy_fix(line)
            if fixed != line:
                names.extend(_describe(plan))
                line = unicodedata.normalize("NFC", fixed)
        out.append(line)
    return "\n".join(out), tuple(dict.fromkeys(names))


# --- 5. UTF-8 read as GBK / Shift-JIS ------------------------------------------------------------

NON_ASCII_RUN = re.compile(r"[^\x00-\x7f][^\x00-\x7f]+")  # two or more; one class first is faster to search
UTF8_MISREAD_AS = (("gbk", "gbk"), ("shift-jis", "cp932"))
DAMAGED_SHARE = 0.7  # mojibake of this kind is mostly rare characters (measured: 0.26-0.56)
# UTF-8 puts a byte E3-E9 before every kana and hanzi; read as GBK or Shift-JIS such a byte starts
# a rare (level 2) character. Text without one of those cannot be this mojibake.
UTF8_AS_CJK_SET = frozenset().union(*(
    _two_byte_table(codec, range(0xE3, 0xEA), tuple(range(0x40, 0xFF))) for _, codec in UTF8_MISREAD_AS
))


PATTERNS["UTF8_AS_CJK_CHAR"] = f"[{_char_class(''.join(UTF8_AS_CJK_SET))}]"  # ~3 ms to compile: on first use


def fix_utf8_as_cjk(text: str) -> tuple[str, tuple[str, ...]]:
    """Re-decode UTF-8 bytes that were read as GBK (or Shift-JIS).

    A run is replaced only if its bytes are valid UTF-8, the result is made of common characters
    and the damaged run is not: correct Chinese is never re-decoded.

    >>> fix_utf8_as_cjk("浼婃湕鍦ㄩ樋濉炴嫓鐤嗙殑")
    ('伊朗在阿塞拜疆的', ('utf-8 read as gbk',))
    >>> fix_utf8_as_cjk("伊朗在阿塞拜疆的“圣战外交”")[1]
    ()
    """
    if not _compiled("UTF8_AS_CJK_CHAR").search(text):
        return text, ()
    fixes: list[str] = []
    everyday = common_cjk("any")

    def replace(match: re.Match) -> str:
        run = match.group()
        if _common_share(run, everyday)[0] > DAMAGED_SHARE:
            return run
        for script, codec in UTF8_MISREAD_AS:
            try:
                fixed = run.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if _plausible_cjk(fixed, everyday):
                fixes.append(f"utf-8 read as {script}")
                return fixed
        return run

    fixed = NON_ASCII_RUN.sub(replace, text)
    return fixed, tuple(dict.fromkeys(fixes))


# --- 6. invisible characters -----------------------------------------------------------------

# C1 controls (U+0080-U+009F) are not here: fix_mojibake reads them as Windows-1252 (as ftfy
# does); the five bytes Windows-1252 leaves undefined stay, as in ftfy's own corpus.
# ZWJ/ZWNJ join Persian, Indic and emoji sequences: removed only between ASCII characters, where
# they do nothing. Bidi marks (LRM, RLM, embeddings) are meaningful in RTL text and stay.
# (``[...]|(?<![^\x00-\x7f])[\u200c\u200d]+(?![^\x00-\x7f])``, written to start with one class: the
# regex engine then skips to candidates instead of trying both branches at every character.)
INVISIBLE = re.compile(
    "[\u200b\u2060\ufeff\u00ad\u206a-\u206f\ufff9-\ufffb\x00-\x08\x0e-\x1f\x7f\u200c\u200d]"
    "(?:(?<=[\u200c\u200d])(?<![^\x00-\x7f].)[\u200c\u200d]*(?![^\x00-\x7f])|(?<![\u200c\u200d]))"
)
INVISIBLE_NAMES = {"\ufeff": "byte order marks", "\u00ad": "soft hyphens", "\u200b": "zero-width characters",
                   "\u2060": "zero-width characters", "\u200c": "zero-width characters",
                   "\u200d": "zero-width characters"}


def remove_invisibles(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove BOMs, zero-width spaces, soft hyphens, terminal escapes and control characters.

    >>> remove_invisibles("\ufeffMa\u200bchine learn\u00ading\x07")
    ('Machine learning', ('byte order marks', 'zero-width characters', 'soft hyphens', 'control characters'))
    >>> remove_invisibles("می\u200cخواهم")[1]
    ()
    """
    names = dict.fromkeys(
        INVISIBLE_NAMES.get(m.group()[0], "control characters") for m in INVISIBLE.finditer(text)
    )
    if not names:
        return text, ()
    if "\x1b" in text:
        text = remove_terminal_escapes(text)
    return INVISIBLE.sub("", text), tuple(names)


# --- 7. whitespace -----------------------------------------------------------------------------

# A lone no-break, thin or ideographic space is correct text; runs and line breaks are not.
# (``\s\s+|[\t\n...]``, written to start with one class: the regex engine then skips to spaces.)
LINE_WS = re.compile(r"\s(?:\s+|(?<=[\t\n\r\v\f\x85\u2028\u2029]))")
PARA_BREAK = re.compile(r"\r\n?|\u2028|\x85")
PARA_GAP = re.compile(r"\n\n\n+")  # (not ``\n{3,}``: a literal start is searched for at C speed)


# Whitespace that LINE_WS keeps when alone (besides the space): without it, every run of
# whitespace becomes one space and the ends go, which is what str.split and join do (both take
# whitespace as str.isspace does, as the regex's \s does).
ASCII_KEPT_ALONE = "\x1c\x1d\x1e\x1f"
KEPT_ALONE = re.compile("[\x1c-\x1f\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")  # tests check it is all


def _fold_line(line: str) -> str:
    if line.isascii():
        if not any(map(line.__contains__, ASCII_KEPT_ALONE)):
            return " ".join(line.split())
    elif KEPT_ALONE.search(line) is None:  # a search and a split: half a LINE_WS.sub
        return " ".join(line.split())
    return LINE_WS.sub(" ", line).strip()


def fold_whitespace(text: str, *, multiline: bool = False) -> str:
    """Fold runs of whitespace to one space and trim; multi-line text keeps paragraph breaks.

    >>> fold_whitespace(" Machine\\n learning  versus\\tcrop models ")
    'Machine learning versus crop models'
    >>> fold_whitespace("First  paragraph. \\r\\n\\n\\n Second.", multiline=True)
    'First paragraph.\\n\\nSecond.'
    """
    if not multiline:
        return _fold_line(text)
    if "\r" in text or "\u2028" in text or "\x85" in text:  # ``in`` is many times faster than a regex scan
        text = PARA_BREAK.sub("\n", text)
    text = "\n".join(map(_fold_line, text.replace("\u2029", "\n\n").split("\n")))
    return (PARA_GAP.sub("\n\n", text) if "\n\n\n" in text else text).strip()


# --- the chain ---------------------------------------------------------------------------------

class Repair(NamedTuple):
    """What ``repair_string`` did: the text, the fixes applied, the damage it could not undo."""

    text: str
    fixes: tuple[str, ...] = ()
    damage: tuple[str, ...] = ()


# What each character found by the scan asks for; the two-character tests (mojibake pairs, two
# high Latin-1 characters, entities, tags) are made where the scan stops.
def _kinds(chars: str, *kinds: str) -> dict[str, tuple[str, ...]]:
    return {c: kinds for c in chars}


def _chars(*ranges: tuple[int, int]) -> str:
    return "".join(chr(c) for low, high in ranges for c in range(low, high + 1))


SUSPECT_KINDS: dict[str, tuple[str, ...]] = {
    **_kinds(_chars((0x00, 0x08), (0x0E, 0x1F), (0x7F, 0x7F), (0x206A, 0x206F), (0xFFF9, 0xFFFB)),
             "invisibles"),
    **_kinds("\u200b\u200c\u200d\u2060\ufeff\u00ad", "invisibles"),
    **_kinds("\t\n\r\v\f\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + _chars((0x2000, 0x200A)), "whitespace"),
    **_kinds(_chars((0x80, 0x9F), (0xD800, 0xDFFF)), "mojibake"),
    **_kinds("\ufffd锟烫屯âÃÂ", "damage"),
}
SUSPECT_KINDS["\x85"] = ("mojibake", "whitespace")
# Triggers that ask by themselves: "<", and the characters with a kind of their own.
ASKING_ALONE = frozenset("<") | SUSPECT_KINDS.keys() - {"\n"} | UTF8_AS_CJK_SET
# Triggers that ask only with the next character: "&" (an entity), the first of a pair.
PAIR_FIRSTS = frozenset("&") | LEGACY_HIGH | set("".join(UTF8_LEADS.values()))
TRIGGER_CHARS = _char_class("".join(ASKING_ALONE | PAIR_FIRSTS))


PATTERNS["TRIGGER"] = f"[{TRIGGER_CHARS}]"  # only texts scanned without layout use it: compiled on first use


MAX_TRIGGERS = 64  # past this (Cyrillic, Greek: every letter), each fix's own test is cheaper
# The triggers that can ask for a step, at C speed: "&", "<", a character with a kind of its
# own, a possible mojibake pair, two high Latin-1 characters. A text without one asks for no
# step (whatever its trigger count: each fix's own test needs one of them too). The one leading
# class lets the regex engine skip to candidates without trying each branch at every character.
# A trigger asks alone if it is none of the others (``(?<![...])``): that class is a few hundred
# Latin, Greek and Cyrillic characters, where ``(?<=[...])`` would be ASKING_ALONE's thousands of
# CJK ones again (~3 ms to compile).
PAIR_SECONDS = "".join(UTF8_CONTINUATIONS.values()) + "?\ufffd " + "".join(LEGACY_HIGH)  # of the pairs below
ASKING_TRIGGER = re.compile(
    f"[{TRIGGER_CHARS}]"
    f"(?:(?<![{_char_class(''.join(PAIR_FIRSTS - ASKING_ALONE))}])"
    f"|(?<=&)(?={ENTITY.pattern[1:]})"
    # The pairs: first one test of the next character against all their second ones (most
    # candidates, an accented letter before a plain one, fail it), then codepage by codepage.
    f"|(?=[{_char_class(PAIR_SECONDS)}])(?:"
    + "|".join(f"(?<=[{_char_class(UTF8_LEADS[enc])}])(?=[{_char_class(UTF8_CONTINUATIONS[enc] + '?')}\ufffd])"
               for enc in CHARMAP_ENCODINGS)  # is_mojibake_pair, codepage by codepage
    + f"|(?<=[{_char_class(A0_LEADS)}])(?= )"
    f"|(?<=[{_char_class(''.join(LEGACY_HIGH))}])(?=[{_char_class(''.join(LEGACY_HIGH))}])))"
)


def _needs_layout(text: str, multiline: bool) -> bool:
    """Could whitespace folding change ``text``, from its spaces and line breaks alone?"""
    return text[:1].isspace() or text[-1:].isspace() or "  " in text or (
        "\n" in text and (not multiline or " \n" in text or "\n " in text or "\n\n\n" in text))


NOTHING: frozenset[str] = frozenset()
LAYOUT_ONLY = frozenset({"whitespace"})


def _ascii_asks(text: str) -> bool:
    """Does a trigger ask in ASCII ``text``? There they are "<", an entity and the controls but the line break.

    (isprintable refuses exactly the ASCII controls, tests/test_fastpaths_text.py checks the rest.)

    >>> _ascii_asks("A\\nB"), _ascii_asks("AT&T"), _ascii_asks("A&amp;B"), _ascii_asks("A\\tB")
    (False, False, True, True)
    """
    return ("<" in text or ("&" in text and ENTITY.search(text) is not None)
            or not (text.isprintable() or ("\n" in text and text.replace("\n", "").isprintable())))


def _scan(text: str, multiline: bool, layout: bool, start: int = 0) -> frozenset[str]:
    """Return the steps that may change ``text`` (and "damage" if it may hold some): one scan at C speed.

    ``start``: where the first trigger that asks is, when a search found it (with layout only);
    the regex's lookbehinds still see the text before it, so the scan finds what it finds from 0.

    >>> sorted(_scan("Caf\u00c3\u00a9 &amp; <i>x</i>", False, True))
    ['damage', 'entities', 'legacy', 'mojibake', 'tags']
    >>> _scan("“Curly” – clean", False, True)
    frozenset()
    """
    if layout and text.isascii() and (quick := _quick_needs(text, multiline)).__class__ is not int:
        return quick  # most texts after a fix: no regex
    needs: set[str] = set()
    if layout and _needs_layout(text, multiline):
        needs.add("whitespace")
    # Past the cutoff ALL_STEPS runs every fix, and those that nothing asked for find nothing to
    # do: so only the triggers that ask are visited -- except without layout, where ALL_STEPS
    # would also fold whitespace: there every trigger still counts.
    hits = ASKING_TRIGGER.finditer(text, start) if layout else _compiled("TRIGGER").finditer(text)
    for count, hit in enumerate(hits):
        if count == MAX_TRIGGERS:
            return ALL_STEPS
        char, at = hit.group(), hit.start()
        if char == "&":
            if ENTITY.match(text, at):
                needs.add("entities")
            continue
        if char == "<":
            if TAG.match(text, at):
                needs.add("tags")
            continue
        needs.update(SUSPECT_KINDS.get(char, ()))
        if char in UTF8_AS_CJK_SET:
            needs.add("utf8_as_cjk")
        pair = text[at:at + 2]
        if is_mojibake_pair(pair):
            needs.add("mojibake")
        if char in LEGACY_HIGH and pair[1:] in LEGACY_HIGH and len(pair) == 2:
            needs.add("legacy")
    if not layout:
        needs.discard("whitespace")
    return frozenset(needs)


Fix = Callable[[str, bool], tuple[str, tuple[str, ...]]]  # (text, multiline) -> (text, fix names)

# The chain, in order: markup first (entities can hide mojibake, ``10Î&frac14;s``), CJK legacy
# bytes before ftfy (which would take some of their pairs for UTF-8), layout last.
FIXES: tuple[tuple[str, Fix], ...] = (
    ("entities", lambda text, multiline: (decode_entities(text), ("html entities",))),
    ("tags", lambda text, multiline: (strip_tags(text, multiline=multiline), (_tag_kind(text),))),
    ("legacy", lambda text, multiline: fix_cjk_legacy(text)),
    ("mojibake", lambda text, multiline: fix_mojibake(text)),
    ("utf8_as_cjk", lambda text, multiline: fix_utf8_as_cjk(text)),
    ("invisibles", lambda text, multiline: remove_invisibles(text)),
    ("whitespace", lambda text, multiline: (fold_whitespace(text, multiline=multiline), ("whitespace",))),
)
ALL_STEPS = frozenset(step for step, _ in FIXES) | {"damage"}


def _one_round(
    text: str, needs: frozenset[str], multiline: bool, layout: bool
) -> tuple[str, list[str], frozenset[str]]:
    """Run the fixes ``needs`` asks for, in order; return (text, fix names, what the result needs)."""
    fixes: list[str] = []
    for step, fix in FIXES:
        if step in needs:
            fixed, names = fix(text, multiline)
            if fixed != text:
                fixes.extend(names or (step,))
                text = fixed
                needs = _scan(text, multiline, layout)
    return text, fixes, needs


def repair_string(text: str, *, multiline: bool = False, names: bool = False, layout: bool = True) -> Repair:
    """Repair one string: entities, tags, mojibake, invisible characters, whitespace.

    ``multiline`` keeps paragraph breaks (abstracts, notes); otherwise whitespace runs and line
    breaks fold to one space. ``names`` also looks for letters lost as spaces (``Mart n``), which
    only person names show reliably. ``layout=False`` leaves whitespace as it is (free text, as
    in ftfy's corpus). Repairing a repaired string changes nothing.

    >>> repaired = repair_string("Jos\u00c3\u00a9 Garc\u00c3\u00ada &amp; the <i>E. coli</i>\\n genome")
    >>> repaired.text
    'José García & the E. coli genome'
    >>> repaired.fixes
    ('html entities', 'html tags', 'mojibake: utf-8 read as latin-1', 'whitespace')
    >>> repair_string("“Curly” quotes, 全角，标点（）, İstanbul, Əliyev").fixes
    ()
    >>> repair_string("Mart n J tte", names=True).damage
    ("a letter lost as a space: 'Mart n'", "a letter lost as a space: 'J tte'")
    """
    return _repair(text, multiline, names, layout, _scan(text, multiline, layout))


def _repair(text: str, multiline: bool, names: bool, layout: bool, needs: frozenset[str]) -> Repair:
    """``repair_string``, from what ``_scan(text, multiline, layout)`` said (``needs``)."""
    fixes: list[str] = []
    for _ in range(MAX_ROUNDS):
        if not needs.difference(("damage",)):
            break
        fixed, round_fixes, needs = _one_round(text, needs, multiline, layout)
        if fixed == text:
            break
        fixes.extend(round_fixes)
        text = fixed
    damage = _encoding_damage(text) if "damage" in needs or "legacy" in needs else ()
    return Repair(text, tuple(dict.fromkeys(fixes)), damage + _name_damage(text) if names else damage)


# --- damage that cannot be undone ------------------------------------------------------------------

REMNANT_TAIL = re.escape("".join(sorted(set(LATIN1_HIGH[0x20:0x40] + CP1252_HIGH[:0x20]))))
DAMAGE = re.compile(
    "(?P<fffd>\ufffd+)|(?P<kunkun>(?:锟斤拷)+)|(?P<tang>烫{3,}|屯{3,})"
    f"|(?P<remnant>â€|[ÃÂ][{REMNANT_TAIL}]|(?<=[a-z])Ã(?=[\\sa-z]|$))"
)
DAMAGE_CHAR = re.compile("[\ufffd锟烫屯âÃÂ]")
# Each message quotes the damaged text, so that a later clean, which may find the field under
# another name (``doi`` -> ``extra.doi``), recognises the warning as one it gave already.
DAMAGE_MESSAGES = {
    "fffd": "replacement character U+FFFD in '{context}': the original characters are lost",
    "kunkun": "'锟斤拷' in '{context}': U+FFFD encoded as UTF-8 and read as GBK; the original characters are lost",
    "tang": "'{found}' in '{context}': uninitialised memory bytes read as GBK",
    "remnant": "mojibake remnant '{found}' in '{context}' left after repair",
}
CONTEXT = 12  # characters quoted on each side of the damage
# Name particles that are written in lower case: not a lost letter.
PARTICLES = frozenset(
    "al ap bin binti bint ben d da das de dei del della der des di do dos du e el et i ibn "
    "la le les lo op te ten ter und van von vom y zu zum zur and".split()
)
LOST_LETTER = re.compile(r"\b[A-Z][a-z]*(?: (?P<tail>[a-z]+)\b(?![.'’-]))")
QUESTION_LETTER = re.compile(r"[A-Za-z]\?[a-z]")


# Each message above as a pattern: what it quotes, so that a message quoting less of the same
# damage is recognised (a name cut from an author list quotes less context than the whole list did).
DAMAGE_PATTERNS = tuple(
    re.compile(re.escape(template).replace(r"\{found\}", "(?P<found>.*?)").replace(r"\{context\}", "(?P<context>.*)"),
               re.DOTALL)
    for template in DAMAGE_MESSAGES.values())


def _repeats(message: str, given: set[str]) -> bool:
    """Does ``message`` report damage that a message of ``given`` reported already, maybe with more context?

    >>> _repeats("replacement character U+FFFD in 'Caf\ufffd': the original characters are lost",
    ...          {"replacement character U+FFFD in 'Caf\ufffd; Bar': the original characters are lost"})
    True
    """
    if message in given:
        return True
    for pattern in DAMAGE_PATTERNS:
        if (new := pattern.fullmatch(message)) is None:
            continue
        found = new.groupdict().get("found")
        return any((old := pattern.fullmatch(g)) is not None and new["context"] in old["context"]
                   and found == old.groupdict().get("found") for g in given)
    return False


def find_damage(text: str, *, names: bool = False) -> tuple[str, ...]:
    """Describe damage in ``text`` that no fix can undo (for a warning; the text is not changed).

    >>> for message in find_damage("Caf\ufffd 锟斤拷 â€ here"):
    ...     print(message)
    replacement character U+FFFD in 'Caf\ufffd 锟斤拷 â€ here': the original characters are lost
    '锟斤拷' in 'Caf\ufffd 锟斤拷 â€ here': U+FFFD encoded as UTF-8 and read as GBK; the original characters are lost
    mojibake remnant 'â€' in 'Caf\ufffd 锟斤拷 â€ here' left after repair
    >>> find_damage("Jaime A. Teixeira da Silva; SÃO PAULO; MÃE", names=True)
    ()
    """
    return _encoding_damage(text) + (_name_damage(text) if names else ())


def _encoding_damage(text: str) -> tuple[str, ...]:
    found: list[str] = []
    end = 0
    for hit in DAMAGE_CHAR.finditer(text):  # a fast class search, then the full pattern right there
        match = DAMAGE.match(text, hit.start()) if hit.start() >= end else None
        if match:
            context = text[max(0, match.start() - CONTEXT):match.end() + CONTEXT].strip()
            found.append(DAMAGE_MESSAGES[match.lastgroup].format(found=match.group(), context=context))
            end = match.end()
    found.extend(f"{AMBIGUOUS}: '{run}'" for run in _ambiguous_cjk(text))
    return tuple(dict.fromkeys(found))


# Both patterns above hold a letter, a space or "?", and a lower-case letter, in that order.
# (``[A-Za-z][ ?][a-z]``, written to start at the space or "?": the regex engine then skips to those.)
NAME_DAMAGE_HINT = re.compile(r"[ ?][a-z](?<=[A-Za-z]..)")


def _name_damage(text: str) -> tuple[str, ...]:
    if not text.isascii():  # read as normalize_fields writes a name: kept spaces (U+00A0, U+3000) plain
        text = " ".join(text.split())
    if not NAME_DAMAGE_HINT.search(text):
        return ()
    found = [f"a letter lost as a space: '{m.group()}'" for m in LOST_LETTER.finditer(text)
             if m.group("tail") not in PARTICLES]
    found.extend(f"a letter lost as '?': '{m.group()}'" for m in QUESTION_LETTER.finditer(text))
    return tuple(dict.fromkeys(found))


# --- the pass --------------------------------------------------------------------------------------

Reasons = dict[str, list[str]]
Damages = list[tuple[str, str]]
SCALARS = frozenset({int, float, bool})
Memo = dict[tuple[str, bool, bool], Repair]  # witnesses repeat the record's strings: repair each once


@lru_cache(maxsize=4096)
def _field_kind(path: str) -> tuple[bool, bool]:
    return is_multiline_field(path), is_name_field(path)


@lru_cache(maxsize=4096, typed=True)  # typed: the key 1 is not the key True
def _child(path: str, key: Any) -> tuple[str, bool, bool]:
    """(path of ``key`` under ``path``, is it multi-line, does it hold names): one lookup for a record's usual keys."""
    item_path = f"{path}.{key}" if path else str(key)
    return (item_path, *_field_kind(item_path))


def _quick_scan(text: str, multiline: bool) -> frozenset[str] | None:
    """``_scan(text, multiline, True)`` when no trigger in ``text`` asks (whitespace at most), else None.

    >>> _quick_scan("Deep learning", False), _quick_scan("A&amp;B", False), _quick_scan("Caf\u00e9 ", False)
    (frozenset(), None, frozenset({'whitespace'}))
    """
    quick = _quick_needs(text, multiline)
    return None if quick.__class__ is int else quick


def _quick_needs(text: str, multiline: bool) -> frozenset[str] | int:
    """``_quick_scan``'s answer, or instead of None where ``_scan`` may start: the first trigger that asks.

    >>> _quick_needs("Caf\u00e9 &amp; B", False), _quick_needs("A&amp;B", False), _quick_needs("Caf\u00e9", False)
    (5, 0, frozenset())
    """
    if text.isascii():  # most strings: no regex (an entity's aside)
        if _ascii_asks(text):
            return 0
    elif (hit := ASKING_TRIGGER.search(text)) is not None:
        return hit.start()
    return LAYOUT_ONLY if _needs_layout(text, multiline) else NOTHING


def _asks_nothing(text: str, multiline: bool) -> bool:
    """Would ``_scan`` find nothing to do in ``text`` (no trigger that asks, no stray whitespace)?

    >>> _asks_nothing("Deep learning", False), _asks_nothing("A&amp;B", False), _asks_nothing("Caf\u00e9", False)
    (True, False, True)
    """
    return _quick_needs(text, multiline) is NOTHING


def repair_piece(text: str, *, names: bool = False) -> str:
    """Return a piece cut from a repaired string, repaired on its own: what a second clean makes of it.

    ftfy reads a line whole, so a piece of it alone can read as mojibake when the line did not
    (``‡¢ß`` cut from ``‡¢ß;€``). Passes that cut strings (author and keyword lists) repair the
    pieces, so that cleaning a cleaned record changes nothing.

    >>> repair_piece("‡¢ß"), repair_piece("García")
    ('ࢧ', 'García')
    """
    return text if _asks_nothing(text, False) else repair_string(text, names=names).text


def _repair_str(value: str, path: str, reasons: Reasons, damages: Damages, memo: Memo) -> str:
    """Return ``value`` repaired, the same object when nothing changed; note why and the damage."""
    multiline, names = _field_kind(path)
    if value.isascii() and "<" not in value and "&" not in value and value.isprintable():
        # _quick_scan's answer for most strings, inlined: the space is their only whitespace
        needs = LAYOUT_ONLY if "  " in value or value[:1] == " " or value[-1:] == " " else NOTHING
    else:
        needs = _quick_needs(value, multiline)
    if needs is NOTHING:
        # Most strings: repair_string would find no step to run and no damage (both need a
        # trigger that asks), so only the names' own test is left.
        if names:
            _note_name_damage(value, path, damages)
        return value
    return _repair_asked(value, path, multiline, names, needs, reasons, damages, memo)


def _note_name_damage(value: str, path: str, damages: Damages) -> None:
    found = _name_damage(value)
    if found:
        damages.extend((path, message) for message in found)


def _repair_asked(value: str, path: str, multiline: bool, names: bool, needs: frozenset[str] | int,
                  reasons: Reasons, damages: Damages, memo: Memo) -> str:
    """``_repair_str`` for a string the quick scan did not pass (``needs``: _quick_needs' answer)."""
    key = (value, multiline, names)
    repair = memo.get(key)
    if repair is None:  # the scan is made once: what _quick_needs found, or the full one from where it stopped
        if needs.__class__ is int:
            needs = _scan(value, multiline, True, needs)
        repair = memo[key] = _repair(value, multiline, names, True, needs)
    if repair.fixes:
        reasons.setdefault(path, []).extend(repair.fixes)
    if repair.damage:
        damages.extend((path, message) for message in repair.damage)
    return repair.text if repair.text != value else value


def _repair_value(value: Any, path: str, reasons: Reasons, damages: Damages, memo: Memo) -> Any:
    """Return ``value`` with every string repaired, the same object when nothing changed."""
    if isinstance(value, str):
        return _repair_str(value, path, reasons, damages, memo)
    if isinstance(value, (list, tuple)):
        items = [_repair_value(item, path, reasons, damages, memo) for item in value]
        return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
    if isinstance(value, (dict, abc.Mapping)):
        changed: dict | None = None
        for key, item in value.items():
            kind = item.__class__
            if kind is str:  # most values: _repair_str inlined
                if not item:
                    continue  # "" (one string in eight) needs nothing either
                item_path, multiline, names = _child(path, key)
                if item.isascii() and "<" not in item and "&" not in item and item.isprintable():
                    if not ("  " in item or item[:1] == " " or item[-1:] == " "):
                        # nothing asked, as in _repair_str (a skipped field is never a name field)
                        if names:
                            _note_name_damage(item, item_path, damages)
                        continue
                    needs: frozenset[str] | int = LAYOUT_ONLY
                else:
                    needs = _quick_needs(item, multiline)
                    if needs is NOTHING:
                        if names:
                            _note_name_damage(item, item_path, damages)
                        continue
                if key in SKIPPED_FIELDS and not path:
                    continue
                new = _repair_asked(item, item_path, multiline, names, needs, reasons, damages, memo)
            else:
                if item is None or kind in SCALARS or (key in SKIPPED_FIELDS and not path):
                    continue
                new = _repair_value(item, _child(path, key)[0], reasons, damages, memo)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
        return value if changed is None else changed
    return value


def repair_data(
    data: Mapping[str, Any], memo: Memo | None = None
) -> tuple[Mapping[str, Any], dict[str, str], Damages]:
    """Return (repaired data, why each changed field changed, damage found) for one mapping."""
    reasons: Reasons = {}
    damages: Damages = []
    repaired = _repair_value(data, "", reasons, damages, {} if memo is None else memo)
    return repaired, {path: "; ".join(dict.fromkeys(names)) for path, names in reasons.items()}, damages


def repair_text(record: Record) -> Record:
    """Repair mojibake, HTML entities, markup, invisible characters and stray whitespace in every string.

    Aggregators pass text through several wrong decodings and HTML escapers; the damage is
    mechanical, so it is undone mechanically, and only where the repaired text is plausible.
    Damage that cannot be undone is left as it is, with a warning naming the field.

    >>> r = repair_text(Record({"title": "Caf\u00c3\u00a9 &amp; Bar", "authors": "Mart n"}))
    >>> r.data["title"], r.reasons["title"], r.data["warnings"][0]["field"]
    ('Café & Bar', 'html entities; mojibake: utf-8 read as latin-1', 'authors')
    """
    memo: Memo = {}
    repaired, reasons, damages = repair_data(record.data, memo)
    data = repaired
    given = {message for w in data.get("warnings") or () if isinstance(w, Mapping) and w.get("pass") == PASS_NAME
             and isinstance(message := w.get("message"), str)}  # an input's own warnings may hold anything
    for path, message in damages:
        if not _repeats(message, given):  # given already, maybe under the field's earlier name
            data = add_warning(data, PASS_NAME, path, message)
    if data.get("warnings") != repaired.get("warnings"):
        reasons["warnings"] = "irreparable damage flagged"
    else:
        data = repaired  # every warning was there already
    witnesses = tuple(_repair_witness(w, memo) for w in record.witnesses)
    if data is record.data and all(a is b for a, b in zip(witnesses, record.witnesses)):
        return record
    return record.with_data(data, reasons, witnesses=witnesses)


def _repair_witness(witness: Witness, memo: Memo) -> Witness:
    data = _repair_value(witness.data, "", {}, [], memo)  # a witness's reasons and damage are not reported
    return witness if data is witness.data else Witness(witness.source, data)


