"""The fast paths of language and script detection give the answers of the slow ones they replace."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metaclean import lang, script

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters of several scripts, the separators eld keeps (' ` ’), digits, spaces and punctuation,
# with long words (eld cuts at 70 bytes and at 350-380 bytes of text).
PIECES = st.sampled_from([
    "the", "of", "intelligence", "artificial", "e", "o", "de", "la", "ção", "über", "Künstliche", "İstanbul",
    "ИНТЕЛЛЕКТ", "искусственный", "τεχνητή", "ذكاء", "ความ", "人工", "知能", "인공", "don't", "l’IA", "`x",
    "a" * 75, "supercalifragilisticexpialidocious" * 3, "10.1080/2156.2023", "COVID-19", "https://doi.org/x",
    "www.example.org", "(2019)", " ", "  ", "\n", "\t", ".", ", ", "—", "’", "'", "-", "1", "x1y", "ﬁ",
])
TEXTS = st.one_of(st.lists(PIECES, max_size=80).map("".join), st.text(max_size=400))


@SETTINGS
@given(TEXTS)
def test_ngram_scorer_gives_elds_scores(text: str) -> None:
    fast = lang._ngram_scorer()(text)
    assert list(fast.items()) == list(lang._detector().detect(text).scores().items())


def test_ngram_scorer_on_long_words_and_cut_texts() -> None:
    for text in ["a" * 200, "ab " * 200, "Inteligência artificial " * 30, "x", "", "’’’", "de la o e a"]:
        fast = lang._ngram_scorer()(text)
        assert list(fast.items()) == list(lang._detector().detect(text).scores().items())


# NOISE as it was written before the lookbehind.
OLD_NOISE = re.compile(r"https?://\S+|www\.\S+|\b10\.\d{4,9}/\S+|\S*\d\S*")


@SETTINGS
@given(TEXTS)
def test_noise_removes_what_it_removed(text: str) -> None:
    assert lang.NOISE.sub(" ", text) == OLD_NOISE.sub(" ", text)


@pytest.mark.parametrize("text", [
    "see https://doi.org/10.1/x and 10.1080/21568235.2023.1 (2019) x1y www.a.b COVID-19",
    "ahttps://x a10.12345/y http://x1 1http://x",
])
def test_noise_examples(text: str) -> None:
    assert lang.NOISE.sub(" ", text) == OLD_NOISE.sub(" ", text)


def _old_cjk_share(text: str) -> float:
    if text.isascii() or not script.CJK.search(text):
        return 0.0
    letters = len(script.LETTER.findall(text))
    return len(script.CJK.findall(text)) / letters if letters else 0.0


CJKISH = st.text(alphabet=st.sampled_from(list("伊朗在的ひらがなカタカナ・ー한국어 Iran’s ‘x’ 1 。、")), max_size=60)


@SETTINGS
@given(st.one_of(CJKISH, st.text(max_size=60)))
def test_cjk_share_counts_runs_as_characters(text: str) -> None:
    assert script.cjk_share(text) == _old_cjk_share(text)
    if script.is_cjk_text(text):
        assert script.script_language(text) == script.cjk_language(text)


# --- split_abstract's keyword segmentation and notes ------------------------------------------

from metaclean.passes import anatomy  # noqa: E402


def _old_vocabulary(text: str) -> frozenset[str]:
    """``anatomy.vocabulary`` as it was: the whole text at once."""
    vocab: set[str] = set()
    words = {word.lower() for word in set(anatomy.WORD.findall(text))}
    vocab.update(words)
    vocab.update(anatomy.APOSTROPHE.split(word, maxsplit=1)[0] for word in words if "'" in word or "’" in word)
    for token in set(text.split()):
        token = token.strip(anatomy.TOKEN_PUNCT).lower()
        if len(token) > 1 and token not in vocab and any(c.isalpha() for c in token):
            vocab.add(token)
    return frozenset(vocab)


WORDY = st.lists(st.sampled_from([
    "Bahdanau’s", "(AI)", "learning,", "İstanbul", "ΟΔΟΣ.", "don't", "'tis", "x", "COVID-19", "“quoted”",
    "a_b", "²", "½", "日本語", "e.g.", " ", "\n", "\u2003", "’", "...", "Ⅻ", "l’IA", "naïve", "Σ'",
]), max_size=40).map(" ".join)


@SETTINGS
@given(st.one_of(WORDY, st.text(max_size=200)))
def test_vocabulary_token_by_token_is_the_whole_texts(text: str) -> None:
    assert anatomy.vocabulary(text) == _old_vocabulary(text)


def _old_last_piece_end(lowered: str, i: int, vocab: frozenset[str]) -> int:
    """``anatomy._last_piece_end`` as it was: one prefix at a time, in the set of all prefixes."""
    prefixes = anatomy.word_prefixes()
    words = sorted(vocab)
    for j in range(i + 1, len(lowered) + 1):
        if not lowered[j - 1].isalpha():
            return len(lowered)
        prefix = lowered[i:j]
        k = anatomy.bisect_left(words, prefix)
        if prefix not in prefixes and not (k < len(words) and words[k].startswith(prefix)):
            return j - 1
    return len(lowered)


ASCII_RUNS = st.lists(st.sampled_from([
    "war", "coup", "deep", "learning", "machine", "covid", "-", "19", "/", "'", "xq", "zz", "photo", "acoustic",
    "s", "e", "ion", "chatgpt", "q",
]), min_size=1, max_size=8).map("".join)


@SETTINGS
@given(ASCII_RUNS, st.data(), st.frozensets(st.sampled_from(["chatgpt", "xqz", "zzq", "coup", "warco", "q-19"])))
def test_last_piece_end_by_sorted_neighbours(lowered: str, data: st.DataObject, vocab: frozenset[str]) -> None:
    i = data.draw(st.integers(0, len(lowered) - 1))
    assert anatomy._last_piece_end(lowered, i, vocab) == _old_last_piece_end(lowered, i, vocab)


OLD_NOTE_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")


@SETTINGS
@given(st.lists(st.sampled_from([*"0123456789 .:：,1١٢", "See p. ", "Ibid.", "12345", "2019"]), max_size=40).map("".join))
def test_split_notes_finds_the_numbers_it_found(body: str) -> None:
    # split_notes' note-number candidates against the lookbehind pattern they replace
    m = anatomy.FIRST_NOTE.match(body)
    if m:
        runs = [(int(c[0]), c.span()) for c in anatomy.DIGITS.finditer(body, m.end()) if c.end() - c.start() <= 4]
        assert runs == [(int(c[0]), c.span()) for c in OLD_NOTE_NUMBER.finditer(body, m.end())]
