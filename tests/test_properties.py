"""Property tests: random records never crash the pipeline, never lose a word, and clean to a fixed point."""
from __future__ import annotations

import json
import re
from io import BytesIO
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import metaclean
from metaclean.pipeline import clean

KEYS = ["title", "authors", "doi", "abstract", "journal", "publicationDate", "citationCount", "PeriodicalName",
        "TitleCN", "AbstractTextCN", "ListUrlMain", "JCR", "RegionNum", "keywords", "volume", "pages", "foo", "Bar"]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüğış", min_size=4, max_size=10)
HAN = st.text(alphabet="研究方法数据学习模型系统分析网络", min_size=2, max_size=12)
SENTENCE = st.lists(st.one_of(WORDS, HAN), min_size=1, max_size=12).map(" ".join)
ANY_TEXT = st.text(max_size=60)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                   SENTENCE, ANY_TEXT)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                     max_leaves=12)
RECORD = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8)), VALUE, max_size=8)


def wrap(record: dict, times: int) -> dict:
    """The aggregator's way: the record again, JSON-encoded ``times`` times, under resultStr."""
    payload: object = record
    for _ in range(times):
        payload = json.dumps(payload, ensure_ascii=False)
    return {**record, "resultStr": payload} if times else record


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def words(texts: list[str]) -> set[str]:
    text = unicodedata.normalize("NFC", " ".join(texts)).casefold()
    return set(re.findall(r"[a-zäöüğış]{4,}", text))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(RECORD, st.integers(0, 3))
def test_random_records_never_crash_and_are_idempotent(record: dict, times: int) -> None:
    result = clean(wrap(record, times))
    assert result.record is not None and not result.issues, result.issues
    assert metaclean.clean_record(result.record) == result.record


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), SENTENCE, min_size=1, max_size=8), st.integers(0, 2))
def test_no_word_of_the_input_is_lost(record: dict, times: int) -> None:
    out = clean(wrap(record, times)).record
    assert words(strings(record)) <= words(strings(out))


@SETTINGS
@given(st.text(max_size=200))
@example("\x87¢ß;\x80")  # a name cut from a list read as mojibake alone: repaired in the first clean
@example("Ann Caf\ufffd Bar; Baz Qux")  # damage in a list is warned about once, not again per name
def test_any_string_in_any_field_is_survived(text: str) -> None:
    for key in ("title", "abstract", "authors", "keywords", "doi", "resultStr", "journal"):
        result = clean({key: text})
        assert result.record is not None and not result.issues
        assert metaclean.clean_record(result.record) == result.record


JSONISH = st.lists(st.sampled_from([b"{", b"}", b"[", b"]", b'"', b":", b",", b"\n", b"\\", b"\\u00", b"null",
                                    b"1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe4\xb8\xad", b"\xd6\xd0", b"\x00",
                                    b'"resultStr"', b'"title"', b" "]), max_size=60).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=300), JSONISH))
def test_fuzz_the_reader_fails_only_with_input_errors(data: bytes) -> None:
    from metaclean import io

    try:
        parsed = io.read_stream(BytesIO(data))
        items = list(parsed.items)
    except io.InputError as exc:
        assert str(exc)  # a message a user can read
        return
    for item in items:
        assert item.issue is not None or item.value is not None or item.line is not None
        if item.issue is None:
            result = clean(item.value, page=item.page)
            assert result.record is not None or result.issues
