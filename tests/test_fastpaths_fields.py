"""The fast paths of normalize_fields, dedupe_fields and schema.ordered give the slow paths' answers."""
from __future__ import annotations

import re

import unicodedata

from hypothesis import given, strategies as st

from metaclean.passes.dedupe import FoldedStrings, _strings, drop_empty
from metaclean.passes.normalize import (
    AUTHOR_AND, AUTHOR_ET_AL, _date_in, _doi_in, _nfkc_casefold, ends_et_al, fold, normalize_date, normalize_doi, normalize_journal,
    normalize_type, split_authors,
)
from metaclean.schema import ORDER, TRANSLATION_ORDER, ordered

# Text made of the pieces the author regexes look for, with odd whitespace and case.
PIECES = st.sampled_from(["et", "al", "AL", "aL", ".", ",", " ", "\u00a0", "\t", "\n", "等", "Lee", "A", "and",
                          "AND", "&", "und", "y", "e", "Dal", ";", "ſ", "ı", "K", "\u212a"])
AUTHOR_TEXT = st.lists(PIECES, max_size=12).map("".join) | st.text(max_size=30)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.sampled_from(
    ["", " ", "x", "\u3000", "Ab"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["a", "b", "title", "machine", "zz"]), inner, max_size=4), max_leaves=12)


@given(AUTHOR_TEXT)
def test_ends_et_al_is_the_regex(text: str) -> None:
    assert ends_et_al(text) == (AUTHOR_ET_AL.search(text) is not None)


@given(AUTHOR_TEXT)
def test_and_hint_never_skips_a_match(text: str) -> None:
    lower = text.lower()
    if not ("nd" in lower or "et" in lower or "&" in text):
        assert AUTHOR_AND.search(text) is None


@given(AUTHOR_TEXT)
def test_split_authors_never_raises_and_keeps_names_clean(text: str) -> None:
    assert all(name == " ".join(name.split()) for name in split_authors(text))


@given(st.text(max_size=20))
def test_ascii_fold_is_nfkc_casefold(text: str) -> None:
    assert _nfkc_casefold(text) == unicodedata.normalize("NFKC", text).casefold()


def _slow_drop_empty(value):
    if isinstance(value, dict):
        value = {k: _slow_drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in value.items() if v not in (None, [], {}) and not (isinstance(v, str) and not v.strip())}
    if isinstance(value, list):
        value = [_slow_drop_empty(v) for v in value]
        return [v for v in value if v not in (None, [], {}) and not (isinstance(v, str) and not v.strip())]
    return value


@given(VALUES)
def test_drop_empty_is_the_plain_recursion(value) -> None:
    assert repr(drop_empty(value)) == repr(_slow_drop_empty(value))
    if isinstance(value, (dict, list)):  # nothing dropped at any depth: the same object back, not a copy
        assert (drop_empty(value) is value) == (repr(_slow_drop_empty(value)) == repr(value))


def test_drop_empty_walks_each_container_once(monkeypatch) -> None:
    from metaclean.passes import dedupe

    calls = []
    real = dedupe.drop_empty
    monkeypatch.setattr(dedupe, "drop_empty", lambda value: calls.append(1) or real(value))
    nested: list = [""]
    for _ in range(12):  # each level holds the next and a string: 13 lists
        nested = [nested, "x"]
    assert repr(dedupe.drop_empty(nested)) == repr(_slow_drop_empty(nested))
    assert len(calls) <= 2 * 13  # about once per list, not twice per level (2 ** 12 calls)


@given(st.dictionaries(st.sampled_from(["title", "journal", "x"]), VALUES, max_size=3),
       st.sampled_from(["Ab", "ab", "AB ", "x", "Ｘ", "ſ"]))
def test_holds_is_fold_in_the_folded_strings(kept, text: str) -> None:
    assert FoldedStrings(kept).holds(text) == (fold(text) in _strings(kept, set()))


def _slow_sorted(data, order):
    return dict(sorted(data.items(), key=lambda kv: (order.get(kv[0], len(order) + len(ORDER)), kv[0])))


@given(st.dictionaries(st.sampled_from([*ORDER, *TRANSLATION_ORDER, "machine", "zz", "aa", "Zeta"]),
                       st.integers(), max_size=12),
       st.dictionaries(st.sampled_from([*TRANSLATION_ORDER, "zz", "aa"]), st.integers(), max_size=6))
def test_ordered_is_the_sort(data, parts) -> None:
    slow = _slow_sorted(data, ORDER)
    assert list(ordered(data).items()) == list(slow.items())
    record = {**data, "translations": {"zh": parts}}
    fast = ordered(record)
    assert list(fast["translations"]["zh"].items()) == list(_slow_sorted(parts, TRANSLATION_ORDER).items())


def test_cached_answers_are_the_computed_ones_and_not_shared() -> None:
    for text in ("https://doi.org/10.5194/GMD-16", "DOI: 10.3390/S23249731.", "x" * 300 + " 10.1000/y"):
        assert normalize_doi(text) == normalize_doi(text) == _doi_in.__wrapped__(text)
    for text in ("2023 Sep 26", "04/05/2023", " " * 300 + "2023"):
        assert normalize_date(text) == normalize_date(text) == _date_in.__wrapped__(text)
    first = normalize_type(["Review", "JournalArticle"])
    first[1].append("changed")
    assert normalize_type(["Review", "JournalArticle"]) == ("journal-article", ["Review"])


@given(st.dictionaries(st.sampled_from(["journal", "PeriodicalName", "volume", "issue", "pages", "PeriodicalIF"]),
                       st.sampled_from(["X", "19 1", "Vol. 5, No. 2", "1 - 9", "0", 7, 0.7, "", None]), max_size=6))
def test_journal_fields_come_in_their_order(data) -> None:
    known = ["name", "volume", "issue", "pages", "impact_factor"]
    keys = [k for k in normalize_journal(data)[0] if k in known]
    assert keys == sorted(keys, key=known.index)


# Round 2: author keys, the strong-separator split and the no-duplicate path of _dedupe_authors.
from metaclean.passes import normalize as _normalize  # noqa: E402


@given(AUTHOR_TEXT)
def test_author_key_ascii_is_the_regex(name: str) -> None:
    assert _normalize.author_key(name) == _normalize.AUTHOR_KEY.sub("", _nfkc_casefold(name))


AUTHOR_STRONG_SEP = re.compile(r"\s*(?:;|；|、|，|\|)\s*")  # how normalize split author lists before
SEP_TEXT = st.lists(PIECES | st.sampled_from([";", "；", "、", "，", "|", " ; ", "\u3000|\u3000"]), max_size=12).map("".join)


@given(SEP_TEXT | st.text(max_size=30))
def test_strong_split_is_the_regex_split(text: str) -> None:
    text = text.strip()
    if ends_et_al(text):
        text = AUTHOR_ET_AL.sub("", text)
    fast = [c.strip() for c in _normalize.AUTHOR_STRONG_SEP_CHAR.split(text)]
    assert fast == AUTHOR_STRONG_SEP.split(text)


AUTHOR_ENTRIES = st.lists(st.fixed_dictionaries(
    {"name": st.sampled_from(["Ann Lee", "ann lee", "A. Lee", "Bo", "", "-", "Łukasz", "ＡＮＮ ＬＥＥ"])},
    optional={"ORCID": st.sampled_from(["1", "2", ""]), "x": st.integers(0, 2)}), max_size=5)


@given(AUTHOR_ENTRIES)
def test_dedupe_authors_fast_path_is_the_loop(entries: list[dict]) -> None:
    before = [dict(e) for e in entries]
    assert _normalize._dedupe_authors(entries) == _normalize._merge_authors(
        [dict(e) for e in entries], [_normalize.author_key(e["name"]) for e in entries])
    assert entries == before  # never mutated


TOP_KEYS = st.sampled_from([*ORDER, "zz", "aa", "Zz"])
PART_KEYS = st.sampled_from([*TRANSLATION_ORDER, "zz", "aa"])
TRANSLATIONS = st.dictionaries(st.sampled_from(["zh", "en"]), st.dictionaries(PART_KEYS, st.integers(), max_size=5)
                               | st.integers(), max_size=2) | st.integers()
ORDERABLE = st.tuples(st.dictionaries(TOP_KEYS, st.integers(), max_size=8), st.none() | TRANSLATIONS).map(
    lambda pair: pair[0] if pair[1] is None else {**pair[0], "translations": pair[1]})


@given(ORDERABLE)
def test_is_ordered_says_ordered_keeps_the_order(data: dict) -> None:
    from metaclean.schema import is_ordered
    again = ordered(data)
    same = list(again) == list(data) and all(
        list(v) == list(data["translations"][k]) for k, v in again["translations"].items() if isinstance(v, dict)
    ) if isinstance(again.get("translations"), dict) else list(again) == list(data)
    assert is_ordered(data) == same


# Round 3: decimal strings in to_int, numbers in is_empty, the no-split path of split_authors.
NUMERIC_TEXT = st.lists(st.sampled_from(["1", "0", "٣", "²", "1,2", " ", "-", "+", ".", "5", "x", "\u0966"]),
                        max_size=6).map("".join)


def _slow_to_int(value):
    if isinstance(value, str) and _normalize.NUMBER.match(value) and "." not in value:
        return int(_normalize.NUMBER_SEPARATORS.sub("", value))
    return None


@given(NUMERIC_TEXT | st.text(max_size=8))
def test_to_int_of_text_is_the_regex_path(text: str) -> None:
    assert _normalize.to_int(text) == _slow_to_int(text)


@given(st.integers() | st.floats() | st.booleans())
def test_numbers_are_never_empty(number) -> None:
    assert _normalize.is_empty(number) is False  # 0, 0.0, False and NaN are values, not empty


def _slow_split_chunks(text: str) -> list[str]:
    chunks = [c.strip() for c in _normalize.AUTHOR_STRONG_SEP_CHAR.split(
        AUTHOR_ET_AL.sub("", text) if ends_et_al(text) else text)]
    inverted = len(chunks) >= 2 and all(c.count(",") <= 1 for c in chunks) and any("," in c for c in chunks)
    return [" ".join(n.split()) for n in _normalize._split_chunks(chunks, inverted) if n.strip(" .")]


@given(SEP_TEXT | st.text(max_size=30))
def test_split_authors_fast_path_is_the_chunk_loop(text: str) -> None:
    if text.strip():
        assert split_authors(text) == _slow_split_chunks(text.strip())


# Round 4: pieces of author and keyword lists that ask repair_text for nothing skip its call.
from metaclean.passes.repair_text import repair_piece  # noqa: E402

PIECE_TEXT = st.lists(st.sampled_from(["Ann", " ", "  ", "&", "&amp;", "<", "<i>", "\t", "\n", "é", "Ã©", "x",
                                       "\u00a0", "\x00", "\x7f", ".", "-"]), max_size=8).map("".join)


@given(PIECE_TEXT | st.text(max_size=12), st.booleans())
def test_repair_piece_shortcut_is_repair_piece(text: str, names: bool) -> None:
    assert _normalize._repair_piece(text, names=names) == repair_piece(text, names=names)


# Round 5: the key plan, the DOI regex without re.I and with runs, names cut from plain ASCII author text.
DOI_OLD = re.compile(r"10\.\d{4,9}/(?:[^\s\"<>]|<[^\s\"<>]*>)+", re.I)  # how normalize found DOIs before
DOI_TEXT = st.lists(st.sampled_from(["10.", "1002", "10.1002/", "/", "(SICI)", "<", ">", "<693::AID>", "\"", " ",
                                     "\u00a0", "x", "X", "ı", "K", "\u212a", ".", "&gt;", "%2F"]), max_size=10).map("".join)


@given(DOI_TEXT | st.text(max_size=30))
def test_doi_regex_is_the_one_char_at_a_time_regex(text: str) -> None:
    old, new = DOI_OLD.search(text), _normalize.DOI.search(text)
    assert (old and old.span()) == (new and new.span())


KNOWN_KEYS = st.sampled_from(sorted({*_normalize.CONSUMED, *_normalize.SOURCE_KEYS, *_normalize.RANKING_KEYS,
                                     *_normalize.ID_KEYS, *_normalize.ID_CONTAINERS, "Foo", "journal.volume"}))
PLAN_KEYS = st.lists(KNOWN_KEYS, unique=True, max_size=25)


@given(PLAN_KEYS)
def test_key_plan_is_each_table_walked_in_its_order(keys: list[str]) -> None:
    plan = _normalize.key_plan(tuple(keys))

    def walked(table):
        return tuple(key for key in table if key in keys)  # every key of the table asked for, the absent skipped
    assert plan.kept == walked(_normalize.KEPT) and plan.dois == walked(_normalize.DOI_KEYS)
    assert plan.urls == walked(_normalize.URL_KEYS) and plan.dates == walked(_normalize.DATE_KEYS)
    assert plan.authors == walked(_normalize.AUTHOR_KEYS) and plan.keywords == walked(_normalize.KEYWORD_KEYS)
    assert plan.types == walked(_normalize.TYPE_KEYS) and plan.counts == walked(_normalize.COUNT_KEYS)
    assert plan.containers == walked(_normalize.ID_CONTAINERS)
    assert plan.renamed == tuple((k, t) for k, t in _normalize.RENAMED.items() if k in keys)
    assert plan.journal == tuple((f, k) for f, k in _normalize.JOURNAL_FLAT_PAIRS if k in keys)
    assert [r[0] for r in plan.rest] == [k for k in keys if k not in _normalize.CONSUMED]


RECORD_VALUES = st.sampled_from(["", " ", "x", "0", "7", "1,234", "10.1000/AbC", "https://doi.org/10.1000/abc",
                                 "http://x.org/a", "2023-09", "Spring 2023", "abs/2211.13560", "A B; C D et al.",
                                 "Journal Article", 3, 0, 1.5, True, None, [], {}, ["x", ""], {"name": "X", "v": 1},
                                 {"DOI": "10.1/x", "PubMed": "12", "CorpusId": 5}, {"url": "http://a.b", "s": 1}])


@given(st.dictionaries(KNOWN_KEYS, RECORD_VALUES, max_size=12))
def test_normalize_fields_reads_keys_in_any_order_alike(data: dict) -> None:
    # Tables fix the order of every decision, not the record: the same keys in reverse give the same fields.
    from hypothesis import assume

    from metaclean.record import Record
    assume(isinstance(data.get("publication_types", []), list))  # another kind of value raises (left as it is)
    forward = _normalize.normalize_fields(Record(data)).data
    backward = _normalize.normalize_fields(Record(dict(reversed(list(data.items()))))).data

    def known(out):
        return {k: v for k, v in out.items() if k not in ("extra", "source", "rankings")}
    assert known(forward) == known(backward)


@given(SEP_TEXT | PIECE_TEXT | st.text(max_size=30))
def test_names_of_plain_ascii_text_need_no_repair(text: str) -> None:
    if _normalize._plain_ascii(text):
        assert all(_normalize._repair_piece(name, names=True) == name for name in split_authors(text))


FOLD_TEXTS = st.sampled_from(["ab", "AB", "Ab ", "ß", "ss", "SS", "ﬁ", "fi", "FI", "ǰ", "J̌", "ſ", "s", "Ｘ", "x",
                              "a  b", "a b", "10.1000/abc", "10.1000/ABC", "K", "\u212a", "k", "İ", "i̇"])


@given(st.dictionaries(st.sampled_from(["title", "doi", "x"]), FOLD_TEXTS | st.lists(FOLD_TEXTS, max_size=2),
                       max_size=3), FOLD_TEXTS)
def test_holds_its_own_fold_shortcut_is_fold_in_the_folded_strings(kept, text: str) -> None:
    assert FoldedStrings(kept).holds(text) == (fold(text) in _strings(kept, set()))


ROMANCE_TEXT = st.lists(st.sampled_from(["y", "e", "Y", " ", "  ", "\u00a0", "\t", "\u3000", "\x1c", "\u2028", "Ana",
                                         "Silva", ","]), max_size=10).map("".join)


@given(ROMANCE_TEXT | st.text(max_size=20))
def test_no_romance_and_is_the_regex(text: str) -> None:
    assert _normalize._no_romance_and(text) == (_normalize.AUTHOR_AND_ROMANCE.search(text) is None)


@given(st.characters())
def test_every_whitespace_but_the_space_is_unprintable(char: str) -> None:
    if re.fullmatch(r"\s", char) and char != " ":
        assert not char.isprintable()
