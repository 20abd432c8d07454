"""The fast paths of unwrap_json and repair_text give the slow paths' answers.

Each fast path decides from a cheap test that the slow path would change nothing; these tests
draw texts rich in the characters the tests look at and check the decision against the slow path.
"""
from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import metaclean.passes.repair_text  # noqa: F401  (the package exports the pass under the same name)
import metaclean.passes.unwrap  # noqa: F401

rt = sys.modules["metaclean.passes.repair_text"]
unwrap = sys.modules["metaclean.passes.unwrap"]

# Pieces the fixes and their tests look at: entities, tags, mojibake, CJK bytes, invisible
# characters, every kind of whitespace, name damage.
PIECES = [
    "a", "Zo", "é", "—", "“", "’", "Ã", "©", "â€", "™", "Â", "\xa0", "\x85", "\x93", "Ò", "Á", "À", "Ê", "°",
    "&amp;", "&#8217;", "&", "AT&T", "<i>", "</i>", "<p>", "<x>", "<!-- c -->", "<", "研究", "浼", "鍦", "锟斤拷",
    "\ufffd", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\x07", "\x1c", "\x1b[31m", " ", "  ", "\n",
    "\n\n\n", "\t", "\r\n", "\u2028", "\u2029", "\u3000", "\u2009", "Mart n", "J?rg", "van der", "Ω", "Д",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)
LONG_TEXT = st.lists(st.sampled_from(PIECES), min_size=40, max_size=120).map("".join)


def _all_steps(text: str, multiline: bool, layout: bool) -> frozenset[str]:
    return rt.ALL_STEPS


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, LONG_TEXT), st.booleans(), st.booleans())
def test_unasked_fixes_change_nothing(text: str, multiline: bool, names: bool) -> None:
    """Running every fix every round gives what running the scanned ones gives (the scan's premise,
    on which its cutoff and the pass's whole-string fast path rest)."""
    scanned = rt.repair_string(text, multiline=multiline, names=names)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rt, "_scan", _all_steps)
        assert rt.repair_string(text, multiline=multiline, names=names) == scanned


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, LONG_TEXT), st.booleans())
def test_string_fast_path(text: str, multiline: bool) -> None:
    if rt._asks_nothing(text, multiline):
        assert rt.repair_string(text, multiline=multiline) == rt.Repair(text)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_name_damage_hint(text: str) -> None:
    if not rt.NAME_DAMAGE_HINT.search(text):
        assert not rt.LOST_LETTER.search(text) and not rt.QUESTION_LETTER.search(text)


ORIGINAL_LINE_WS = re.compile(r"\s{2,}|[\t\n\r\v\f\x85\u2028\u2029]")


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_line_ws_as_written_first(text: str) -> None:
    assert rt.LINE_WS.sub(" ", text) == ORIGINAL_LINE_WS.sub(" ", text)


# --- unwrap_json: an inner copy's JSON text tells whether walking it can find anything ---------

OPENING = st.sampled_from(["", " ", "\n", "\u3000", "{", "[", '"', "null", "{\"a\": 1}", "[1]", "x", ":", '\\',
                           " {", "\n{", "\t[", "\u3000{", '"{', '"[', '"\\'])
STRING = st.tuples(OPENING, st.text(alphabet='ab :"{[\\\n', max_size=6)).map("".join)
VALUE = st.recursive(st.one_of(st.none(), st.integers(), STRING),
                     lambda inner: st.one_of(st.lists(inner, max_size=3),
                                             st.dictionaries(st.text(alphabet='ab:" ', max_size=4), inner, max_size=3)),
                     max_leaves=8)


def _walk_would_act(value: object) -> bool:
    """Would the unwrap_json loop act on a value in this object: decode a string, drop a "null"?"""
    if not isinstance(value, dict):
        return False
    return any(v == "null" or (isinstance(v, str) and unwrap._looks_like_json(v)) or _walk_would_act(v)
               for v in value.values())


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.text(alphabet='ab:" ', max_size=4), VALUE, max_size=5), st.booleans(),
       st.sampled_from([None, 0, 2]), st.sampled_from([(", ", ": "), (",", ":"), (" , ", " :\n ")]))
def test_inner_copy_needs_no_walk(data: dict, ascii_only: bool, indent: int | None, separators: tuple) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent, separators=separators)
    if unwrap.MAY_HOLD_JSON.search(text) is None:
        assert not _walk_would_act(data)


ASCII_PIECES = [p for p in PIECES if p.isascii()] + ["\x00", "\x7f", "\x0b", "\x0c", "\x1f", "x y", "&x"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, st.lists(st.sampled_from(ASCII_PIECES), max_size=16).map("".join)), st.booleans())
def test_asks_nothing_without_regex_for_ascii(text: str, multiline: bool) -> None:
    """The ASCII shortcut may send a clean text the slow way (a line break), never a dirty one the fast way."""
    by_regex = rt.ASKING_TRIGGER.search(text) is None and not rt._needs_layout(text, multiline)
    assert rt._asks_nothing(text, multiline) <= by_regex


ORIGINAL_INVISIBLE = re.compile(
    "[\u200b\u2060\ufeff\u00ad\u206a-\u206f\ufff9-\ufffb\x00-\x08\x0e-\x1f\x7f]"
    "|(?<![^\x00-\x7f])[\u200c\u200d]+(?![^\x00-\x7f])"
)
ZERO_WIDTHS = st.lists(st.sampled_from(["a", "é", "研", "\u200c", "\u200d", "\u200b", "\x07", " "]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, ZERO_WIDTHS))
def test_invisible_as_written_first(text: str) -> None:
    found = [(m.span(), m.group()) for m in rt.INVISIBLE.finditer(text)]
    assert found == [(m.span(), m.group()) for m in ORIGINAL_INVISIBLE.finditer(text)]


# --- ftfy without its last, idle round --------------------------------------------------------

FTFY_CASES = Path(__file__).parents[1].parent / "shared" / "data" / "ftfy-test-cases"
WORDS = ["Jos\u00e9", "“quoted”", "l’été", "Müller", "naïve", "—", "\u00a0", "œuvre", "Ωmega", "Дом", "日本", "x"]


def _damaged(words: list[str], codec: str, times: int) -> str:
    text = " ".join(words)
    for _ in range(times):
        text = text.encode("utf-8").decode(codec, "replace")
    return text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
       st.sampled_from(["sloppy-windows-1252", "latin-1", "sloppy-windows-1250", "macroman", "cp437"]),
       st.integers(1, 3), st.sampled_from(["", "\x80", "\ud800", "\x9d"]))
def test_ftfy_fix_is_fix_and_explain(words: list[str], codec: str, times: int, extra: str) -> None:
    line = _damaged(words, codec, times) + extra
    assert rt._ftfy_fix(line) == tuple(ftfy.fix_and_explain(line, rt.FTFY_CONFIG))


def test_ftfy_fix_is_fix_and_explain_on_ftfys_corpus() -> None:
    if not FTFY_CASES.is_dir():
        pytest.skip(f"ftfy test cases not found at {FTFY_CASES}")
    for path in sorted(FTFY_CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            for line in case["original"].split("\n"):
                assert rt._ftfy_fix(line) == tuple(ftfy.fix_and_explain(line, rt.FTFY_CONFIG)), case["label"]


PAIRS = st.tuples(st.sampled_from(sorted(set("".join(rt.UTF8_LEADS.values())) | rt.LEGACY_HIGH)),
                  st.sampled_from(sorted(set("".join(rt.UTF8_CONTINUATIONS.values())) | rt.LEGACY_HIGH) + [" ", "?"])
                  ).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), PAIRS), max_size=20).map("".join), st.booleans())
def test_asking_triggers_ask_what_all_triggers_ask(text: str, multiline: bool) -> None:
    """With layout, _scan visits only the triggers that ask; without, all of them: the same steps."""
    if len(rt.TRIGGER.findall(text)) <= rt.MAX_TRIGGERS:
        assert rt._scan(text, multiline, True) - {"whitespace"} == rt._scan(text, multiline, False)


# --- ftfy's badness test, tried near its anchors only -------------------------------------------

def _badness_branches() -> list:
    parsed = re._parser.parse(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags)
    (op, (_, branches)), = parsed.data
    assert op == re._constants.BRANCH
    return branches


def _element_chars(op, av) -> set[str] | None:
    """The characters one element of a branch matches, or None when it may match an ASCII one."""
    if op == re._constants.LITERAL:
        return None if av < 0x80 else {chr(av)}
    if op == re._constants.IN:
        chars = set()
        for kind, value in av:
            if kind == re._constants.LITERAL:
                chars.add(chr(value))
            elif kind == re._constants.RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negation or a category (\s, \w)
                return None
        return None if any(c.isascii() for c in chars) else chars
    return None


def test_every_badness_branch_holds_an_anchor() -> None:
    for branch in _badness_branches():
        anchors = [chars for op, av in branch.data if (chars := _element_chars(op, av)) is not None]
        assert any(chars <= rt.BADNESS_ANCHORS for chars in anchors), branch


def test_badness_matches_are_short() -> None:
    assert max(branch.getwidth()[1] for branch in _badness_branches()) <= rt.MAX_BADNESS_WIDTH


BADNESS_CHARS = sorted(rt.BADNESS_ANCHORS) + list("aZ .,?!\n\t") + ["\xa0", "\u3000", "Д", "研"]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(alphabet=BADNESS_CHARS, max_size=30),
                 st.lists(st.sampled_from(WORDS + [" ", "ÃÂ", "Ã ", "Â ", "œ", "ГўВЂВ"]), max_size=10).map("".join),
                 st.lists(st.sampled_from(WORDS), max_size=8).flatmap(
                     lambda words: st.sampled_from(["sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "macroman"])
                     .map(lambda codec: _damaged(words, codec, 1)))))
def test_is_bad_is_ftfys(text: str) -> None:
    assert rt.is_bad(text) == ftfy.badness.is_bad(text)


def test_is_bad_and_fix_encoding_are_ftfys_on_ftfys_corpus() -> None:
    if not FTFY_CASES.is_dir():
        pytest.skip(f"ftfy test cases not found at {FTFY_CASES}")
    for path in sorted(FTFY_CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            for text in (case["original"], case["fixed"], *case["original"].split("\n")):
                assert rt.is_bad(text) == ftfy.badness.is_bad(text), case["label"]
                assert rt._fix_encoding(text) == tuple(ftfy.fix_encoding_and_explain(text, rt.FTFY_CONFIG)), case["label"]


# --- unwrap_json: one set lookup for the first character, equal inner values passed over -------

def test_json_first_chars_hold_every_space() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces <= unwrap.JSON_FIRST_CHARS


@settings(max_examples=400, deadline=None)
@given(VALUE)
def test_merging_an_equal_value_changes_nothing(value: object) -> None:
    """The merge passes over inner values equal to the outer ones: merge_witness keeps those as they are."""
    copy = json.loads(json.dumps(value))
    assert unwrap.merge_witness(value, copy) == (value, None) or unwrap._is_empty(copy)


# --- the asking triggers, with one test of the next character before the pairs ------------------

PAIRS_AS_WRITTEN_FIRST = re.compile(
    f"[{rt.TRIGGER_CHARS}]"
    f"(?:(?<=[<{rt._char_class(''.join(rt.SUSPECT_KINDS.keys() - {chr(10)} | rt.UTF8_AS_CJK_SET))}])"
    f"|(?<=&)(?={rt.ENTITY.pattern[1:]})"
    + "".join(f"|(?<=[{rt._char_class(rt.UTF8_LEADS[enc])}])(?=[{rt._char_class(rt.UTF8_CONTINUATIONS[enc] + '?')}\ufffd])"
              for enc in rt.CHARMAP_ENCODINGS)
    + f"|(?<=[{rt._char_class(rt.A0_LEADS)}])(?= )"
    f"|(?<=[{rt._char_class(''.join(rt.LEGACY_HIGH))}])(?=[{rt._char_class(''.join(rt.LEGACY_HIGH))}]))"
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), PAIRS, st.sampled_from(sorted(rt.LEGACY_HIGH))), max_size=20).map("".join))
def test_asking_trigger_as_written_first(text: str) -> None:
    assert [m.span() for m in rt.ASKING_TRIGGER.finditer(text)] == [m.span() for m in PAIRS_AS_WRITTEN_FIRST.finditer(text)]


def test_mojibake_pair_bits_are_the_pairs_of_each_codepage() -> None:
    """is_mojibake_pair (codepage bits) says yes to exactly the lead+continuation pairs of one codepage."""
    pairs = frozenset(
        lead + cont
        for enc in rt.CHARMAP_ENCODINGS for lead in rt.UTF8_LEADS[enc] for cont in rt.UTF8_CONTINUATIONS[enc] + "?\ufffd"
    ) | {lead + " " for lead in rt.A0_LEADS}
    alphabet = sorted({c for p in pairs for c in p} | set("aZ é©\u3000研"))
    for a in alphabet:
        for b in alphabet:
            assert rt.is_mojibake_pair(a + b) == (a + b in pairs), (a, b)
    assert not rt.is_mojibake_pair("Ã") and not rt.is_mojibake_pair("Ã©x")


def test_fix_encoding_without_ftfys_private_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """With an ftfy that lacks its private one-step function, the public fix gives the same answers."""
    texts = ["Jos\u00c3\u00a9 Garc\u00c3\u00ada", "caf\u00c3\u00a9 \u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d", "plain text"]
    fast = [rt._fix_encoding(t) for t in texts]
    monkeypatch.setattr(rt, "FTFY_ONE_STEP", None)
    assert [rt._fix_encoding(t) for t in texts] == fast
    assert fast[0][0] == "José García"


MANY_TRIGGERS = st.tuples(
    st.text(alphabet="Ελληνικά κείμενα Русский текст о науке àéîõüçñ ", min_size=200, max_size=600),
    st.sampled_from(["", "Ã©", "&amp;", "\u200b", "  ", "<i>x</i>", "Ð Ñƒ"]),
).map("".join)


@settings(max_examples=200, deadline=None)
@given(MANY_TRIGGERS, st.booleans())
def test_past_max_triggers_unasked_fixes_change_nothing(text: str, multiline: bool) -> None:
    """A Greek or Cyrillic abstract holds more than MAX_TRIGGERS triggers: only asking ones decide."""
    assert len(rt.TRIGGER.findall(text)) > rt.MAX_TRIGGERS
    scanned = rt.repair_string(text, multiline=multiline)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rt, "_scan", _all_steps)
        assert rt.repair_string(text, multiline=multiline) == scanned


# --- the scan without a regex for ASCII text; whitespace folded by str.split --------------------

ASCII_TEXT = st.one_of(
    st.lists(st.sampled_from(ASCII_PIECES + ["\x1c", "\x1d", "\x1e", "\x0b", "\r", "\t\t", " \n", "\n "]),
             max_size=20).map("".join),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40),
)


def test_ascii_triggers_are_the_tag_the_ampersand_and_the_controls() -> None:
    """_ascii_asks' premise: in ASCII text a trigger asks only as "<", "&" (before an entity) or a control but "\\n"."""
    controls = {chr(c) for c in [*range(0x20), 0x7F]} - {"\n"}
    assert {c for c in map(chr, range(0x80)) if rt.TRIGGER.match(c)} == controls | {"<", "&"}
    assert all(rt.ASKING_TRIGGER.match(c + "x") for c in controls | {"<"})
    assert not any(rt.ASKING_TRIGGER.match(c + d) for c in map(chr, range(0x80)) for d in "x &?\ufffd\u00a9\u00a0"
                   if c not in controls | {"<", "&"})


def _scan_by_regex(text: str, multiline: bool, layout: bool) -> frozenset[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rt, "_ascii_asks", lambda text: True)  # every text the regex way
        return rt._scan(text, multiline, layout)


@settings(max_examples=600, deadline=None)
@given(st.one_of(ASCII_TEXT, TEXT), st.booleans(), st.booleans())
def test_scan_without_regex_for_ascii(text: str, multiline: bool, layout: bool) -> None:
    assert rt._scan(text, multiline, layout) == _scan_by_regex(text, multiline, layout)


@settings(max_examples=600, deadline=None)
@given(st.one_of(ASCII_TEXT, TEXT, LONG_TEXT), st.booleans())
def test_quick_scan_is_the_scan_or_none(text: str, multiline: bool) -> None:
    """_quick_scan answers (nothing, or whitespace only) exactly when no trigger asks; else it leaves it to _scan."""
    quick = rt._quick_scan(text, multiline)
    asks = rt.ASKING_TRIGGER.search(text) is not None
    assert (quick is None) == asks
    if quick is not None:
        assert quick == _scan_by_regex(text, multiline, True)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ASCII_TEXT, TEXT), st.booleans())
def test_printable_ascii_layout_test(text: str, multiline: bool) -> None:
    """_repair_str's inlined layout test for printable ASCII without "<" and "&" is _needs_layout's answer."""
    if text.isascii() and text.isprintable():
        assert ("  " in text or text[:1] == " " or text[-1:] == " ") == rt._needs_layout(text, multiline)


ORIGINAL_NAME_DAMAGE_HINT = re.compile(r"[A-Za-z][ ?][a-z]")


@settings(max_examples=600, deadline=None)
@given(st.one_of(TEXT, st.text(alphabet="aZ ?.b", max_size=12)))
def test_name_damage_hint_as_written_first(text: str) -> None:
    assert (rt.NAME_DAMAGE_HINT.search(text) is None) == (ORIGINAL_NAME_DAMAGE_HINT.search(text) is None)


@settings(max_examples=600, deadline=None)
@given(st.one_of(ASCII_TEXT, TEXT, st.text(alphabet=st.characters(max_codepoint=0x7F, whitelist_categories=("Zs", "Cc", "Ll")), max_size=30)))
def test_fold_line_by_split(text: str) -> None:
    assert rt._fold_line(text) == rt.LINE_WS.sub(" ", text).strip()


def test_ftfy_step_copy_differs_only_in_is_bad() -> None:
    """FTFY_ONE_STEP is ftfy's code with ftfy's globals, but for is_bad, which knows the answer."""
    step = ftfy._fix_encoding_one_step_and_explain
    assert rt.FTFY_ONE_STEP.__code__ is step.__code__
    assert {k for k, v in rt.FTFY_ONE_STEP.__globals__.items() if step.__globals__.get(k) is not v} == {"is_bad"}
    assert rt.FTFY_ONE_STEP.__globals__["is_bad"] is rt._known_bad


def test_ftfy_step_asks_is_bad_once_of_its_text() -> None:
    """_known_bad's premise: the step calls is_bad once, on its argument ``text`` (which _fix_encoding tested)."""
    import dis
    calls = [i for i in dis.get_instructions(ftfy._fix_encoding_one_step_and_explain) if i.argval == "is_bad"]
    assert len(calls) == 1
    assert inspect.getsource(ftfy._fix_encoding_one_step_and_explain).count("is_bad(") == 1
    assert "not is_bad(text)" in inspect.getsource(ftfy._fix_encoding_one_step_and_explain)
    assert "text = " not in inspect.getsource(ftfy._fix_encoding_one_step_and_explain).split("is_bad(")[0]


# --- start-up: tables and classes built without the slow ways they were first built -------------

def _two_byte_table_one_by_one(encoding: str, leads: range, trails: tuple[int, ...]) -> frozenset[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@pytest.mark.parametrize("encoding", ["gbk", "gb2312", "gb18030", "big5", "cp950", "euc_jp", "cp932", "euc_kr"])
def test_two_byte_table_in_one_decode(encoding: str) -> None:
    """One decode of all the pairs, a line break between them, finds what one decode per pair finds."""
    for leads, trails in [(range(0x80, 0x100), tuple(range(0x40, 0xFF))), (range(0xA1, 0xFF), tuple(range(0x00, 0x100)))]:
        assert rt._two_byte_table(encoding, leads, trails) == _two_byte_table_one_by_one(encoding, leads, trails)


def test_class_chars_are_the_regex_engines() -> None:
    bmp = "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    bodies = [*ftfy.badness.MOJIBAKE_CATEGORIES.values(), "".join(ftfy.badness.MOJIBAKE_CATEGORIES.values()),
              "a-", "-\u00e9", "\u00e0-\u00e2-\u00e9", "\\w\u00e9", "^\u00e9"]
    for body in bodies:
        assert rt._class_chars(body) == frozenset(re.findall(f"[{body}]", bmp)), body


def test_char_class_matches_exactly_its_characters() -> None:
    chars = "".join(rt.ASKING_ALONE | rt.PAIR_FIRSTS) + "-]\\^[ \t&~|"
    pattern = re.compile(f"[{rt._char_class(chars)}]")
    assert {c for c in map(chr, range(0x10000)) if pattern.match(c)} == set(chars)


def test_asking_alone_by_negative_lookbehind() -> None:
    """A trigger followed by a character no pair or entity takes asks exactly when it asks alone."""
    for char in rt.ASKING_ALONE | rt.PAIR_FIRSTS:
        assert (rt.ASKING_TRIGGER.match(char + "x") is not None) == (char in rt.ASKING_ALONE), char


# --- CJK legacy bytes: a text whose Western bytes are UTF-8 has no run to re-decode ------------

LEGACY_PIECES = PIECES + ["ÒÁÀÊÔÚ°¢Èû°Ý½®µÄ", "“ú–{Œê", "ÇÑ±¹¾î", "BÄDÄÑ", "Ã©", "Ã\x81", "\x81", "\x8d", "\x80", "€"]


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(LEGACY_PIECES), max_size=12).map("".join), PAIRS,
                 st.lists(st.sampled_from(WORDS), max_size=6).flatmap(
                     lambda words: st.sampled_from(["sloppy-windows-1252", "latin-1", "gbk", "big5", "cp932"])
                     .map(lambda codec: _damaged(words, codec, 1)))))
def test_legacy_runs_when_western_bytes_are_utf8(text: str) -> None:
    if rt._utf8_when_western(text):
        assert all(rt._legacy_reading(text[start:end]) == (None, "") for start, end in rt._legacy_tokens(text))
    fast = rt.fix_cjk_legacy(text), rt._ambiguous_cjk(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rt, "_utf8_when_western", lambda text: False)
        assert (rt.fix_cjk_legacy(text), rt._ambiguous_cjk(text)) == fast


def test_kept_alone_is_every_whitespace_line_ws_keeps_alone() -> None:
    """_fold_line's premise: besides the space, LINE_WS keeps alone exactly the characters of KEPT_ALONE."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    kept = {c for c in spaces if rt.LINE_WS.sub(" ", f"a{c}b") == f"a{c}b"} - {" "}
    assert kept == {c for c in spaces if rt.KEPT_ALONE.match(c)}
    assert set(rt.ASCII_KEPT_ALONE) == {c for c in kept if c.isascii()}


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, st.lists(st.sampled_from(PIECES + ["&amp;amp;", "&amp;#8217;", "&&amp;", "&amp;lt;i&amp;gt;"]),
                                max_size=12).map("".join)))
def test_entities_stop_when_no_ampersand_is_left(text: str) -> None:
    current = text
    for _ in range(rt.MAX_ENTITY_LAYERS):  # decode_entities as first written
        decoded = rt.ENTITY.sub(rt._decode_entity, current)
        if decoded == current:
            break
        current = decoded
    assert rt.decode_entities(text) == current


# --- unwrap_json: the record's keys tested with the plain values passed over ---------------------

def _may_unwrap_as_written_first(data: dict) -> bool:
    for key in unwrap.RECORD_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and (value == "null" or unwrap._looks_like_json(value)):
            return True
    return any(unwrap._has_json(v) for k, v in data.items() if k not in unwrap.VERBATIM) or any(
        v == "null" for k, v in data.items() if k in unwrap.RECORD_FIELDS)


RECORD_KEY = st.sampled_from(["title", "raw", "json", "extra", "warnings", "journal", "a", "resultStr"])


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(RECORD_KEY, st.one_of(VALUE, st.just("null"), st.floats(), st.booleans()), max_size=6))
def test_may_unwrap_as_written_first(data: dict) -> None:
    assert unwrap._may_unwrap(data) == _may_unwrap_as_written_first(data)


@settings(max_examples=600, deadline=None)
@given(st.one_of(ASCII_TEXT, TEXT, LONG_TEXT, st.lists(st.one_of(st.sampled_from(PIECES), PAIRS), max_size=20).map("".join)),
       st.booleans())
def test_scan_from_the_first_asking_trigger(text: str, multiline: bool) -> None:
    """_scan started where _quick_needs found the first trigger that asks finds what it finds from 0."""
    quick = rt._quick_needs(text, multiline)
    if quick.__class__ is int:
        assert rt._scan(text, multiline, True, quick) == rt._scan(text, multiline, True)
    else:
        assert quick == rt._scan(text, multiline, True)


# --- repair_text: regexes rewritten to be searched faster, against their first forms -------------

LEGACY_PAIR_AS_WRITTEN_FIRST = re.compile(f"[{re.escape(rt.LATIN1_HIGH + rt.CP1252_HIGH)}]{{2}}")


def _legacy_tokens_as_written_first(text: str) -> list[tuple[int, int]]:
    tokens = []
    pair = LEGACY_PAIR_AS_WRITTEN_FIRST.search(text)
    while pair:
        start = pair.start()
        while start > 0 and text[start - 1] > " ":
            start -= 1
        space = rt.SPACE_OR_CONTROL.search(text, pair.end())
        end = space.start() if space else len(text)
        tokens.append((start, end))
        pair = LEGACY_PAIR_AS_WRITTEN_FIRST.search(text, end)
    return tokens


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(sorted(rt.LEGACY_HIGH))), max_size=24).map("".join))
def test_legacy_tokens_as_written_first(text: str) -> None:
    assert list(rt._legacy_tokens(text)) == _legacy_tokens_as_written_first(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TEXT, LONG_TEXT), st.booleans())
def test_para_gap_as_written_first(text: str, multiline: bool) -> None:
    assert rt.PARA_GAP.sub("\n\n", text) == re.sub(r"\n{3,}", "\n\n", text)
