"""The fast paths of language and script detection give the answers of the slow ones they replace."""
from __future__ import annotations

import functools
import unicodedata

import json
import re

import pytest
from conftest import SHARED, need
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
    for text in ["a" * 200, "ab " * 200, "Inteligência artificial " * 30, "x", "", "’’’", "de la o e a",
                 "the\x0bthe\x0cthe\rof\x1cand\u2028or\x85la", "l''a ' ` ’ b", "una la una la una"]:
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


@functools.lru_cache(maxsize=1)
def _word_prefixes() -> frozenset[str]:
    """Every prefix of every word of the bundled word list: what ``anatomy`` looked prefixes up in."""
    return frozenset(w[:k] for w in anatomy.word_ranks() for k in range(1, len(w) + 1))


def _old_last_piece_end(lowered: str, i: int, vocab: frozenset[str]) -> int:
    """``anatomy._last_piece_end`` as it was: one prefix at a time, in the set of all prefixes."""
    prefixes = _word_prefixes()
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


# --- English titles without the model, CJK without counting ----------------------------------

S2 = SHARED / "data" / "s2-papers.jsonl"


def _without_fast_path(monkeypatch: pytest.MonkeyPatch, title: str, abstract: str) -> str | None:
    with monkeypatch.context() as m:
        m.setattr(lang, "plainly_english", lambda title: False)
        return lang.detect_record_language(title, abstract)


def test_plainly_english_answers_as_the_model_on_s2(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [json.loads(line) for line in need(S2).read_text(encoding="utf-8").splitlines() if line.strip()]
    fast = [(r["title"], r.get("abstract") or "") for r in rows if r.get("title") and lang.plainly_english(r["title"])]
    assert len(fast) > 500
    wrong = [t for t, a in fast if _without_fast_path(monkeypatch, t, a) != "en"]
    assert wrong == []


@pytest.mark.parametrize(
    "title",
    [
        "Natural Language Processing in the Legal Domain",  # one function word, common words only
        "Augmenting Human Selves Through Artificial Agents \u2013 Lessons From the Brain",  # three
        "Data Worlds \u2014 An Introduction: the Case of\u00a0Archives",  # dashes and spaces are not letters
        "Why Linguistics Will Thrive in the 21st Century \u2014 A Reply to Piantadosi (2023)",
    ],
)
def test_plainly_english_titles(monkeypatch: pytest.MonkeyPatch, title: str) -> None:
    assert lang.plainly_english(title)
    assert _without_fast_path(monkeypatch, title, "") == "en"


@pytest.mark.parametrize(
    "title",
    [
        "Uso de ChatGPT como herramienta en las aulas de clase",
        "Over de ethiek van kunstmatige intelligentie in het onderwijs",  # "over" is Dutch too
        "Was ist das Problem an der Maschine",  # "an" is German too
        "Robots: hype of hoop",  # "of" is Dutch too: one English word must be only English
        "La revolution de la machine on line",
        "A Nova Eletricidade: Aplica\u00e7\u00f5es - The New Electricity and Trends",  # letters outside ASCII
        "Intuition and Ingenuity: G\u00f6del on Turing\u2019s Error",  # a letter outside ASCII
        "AI in society",  # too short
        "Comunicacao via radio digital",  # "via" is Portuguese, Spanish, Italian too
    ],
)
def test_not_plainly_english(title: str) -> None:
    assert not lang.plainly_english(title)


@SETTINGS
@given(st.text())
def test_ascii_letters_means_no_other_letter(text: str) -> None:
    if lang._ascii_letters(text):
        assert not any(c.isalnum() and not c.isascii() for c in text)


@SETTINGS
@given(st.one_of(CJKISH, st.text(max_size=60)))
def test_may_be_cjk_is_false_only_for_text_that_is_not_cjk(text: str) -> None:
    if not script.may_be_cjk(text):
        assert not script.is_cjk_text(text)


def test_english_prose_is_what_the_model_reads_as_english_on_s2() -> None:
    rows = [json.loads(line) for line in need(S2).read_text(encoding="utf-8").splitlines() if line.strip()]
    samples = {r["abstract"][:lang.ABSTRACT_SAMPLE] for r in rows if r.get("abstract")}
    taken = [s for s in samples if lang.english_prose(s)]
    assert len(taken) > 500
    guesses = [lang.guess_language(s) for s in taken]
    assert [s for s, g in zip(taken, guesses) if g is None or g.language != "en" or g.margin < lang.MIN_MARGIN] == []


@pytest.mark.parametrize("text", [
    "A provocativa comparação entre IA e eletricidade, feita pelo cientista da computação Andrew Ng, resume a "
    "profunda transformação que os recentes avanços trouxeram para the world and the people",
    "La inteligencia artificial es una de las tecnologias que mas ha cambiado la forma en que los seres humanos "
    "trabajan, the end and the beginning with the data",
    "We study the models and the data.",  # too short to say
])
def test_not_english_prose(text: str) -> None:
    assert not lang.english_prose(text)


# --- round 3: CJK by UTF-8 lead bytes, words lowered once, eld's order kept ------------------

def _old_may_be_cjk(text: str) -> bool:
    return not text.isascii() and script.CJK.search(text) is not None


EVERY_PLANE = st.text(st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF, exclude_categories=()), max_size=40)


@SETTINGS
@given(st.one_of(CJKISH, EVERY_PLANE, st.text(max_size=60)))
def test_may_be_cjk_by_lead_bytes_is_the_search(text: str) -> None:
    assert script.may_be_cjk(text) == _old_may_be_cjk(text)


@pytest.mark.parametrize("text", [
    "\ud800 lone surrogate", "ﬁ ligature \ufb01", "\ufffd replacement", "\u303f edge", "\u3040", "\ufaff", "\ufb00",
    "\u30fb only a dot", "“quoted” — naïve", "\U00020000", "\uac00",
])
def test_may_be_cjk_at_the_edges(text: str) -> None:
    assert script.may_be_cjk(text) == _old_may_be_cjk(text)


def test_lowering_makes_no_ascii_letter_of_punctuation_symbols_or_spaces() -> None:
    # plainly_english lowers the whole title, not each ASCII word, once _ascii_letters holds
    for code in range(0x80, 0x110000):
        c = chr(code)
        if unicodedata.category(c)[0] in "PSZ":
            assert not any("a" <= x <= "z" or "A" <= x <= "Z" for x in c.lower()), hex(code)


@SETTINGS
@given(st.one_of(st.lists(PIECES, max_size=20).map(" ".join), st.text(max_size=80)))
def test_words_of_a_lowered_title(text: str) -> None:
    if lang._ascii_letters(text):
        assert lang.ASCII_WORD.findall(text.lower()) == [w.lower() for w in lang.ASCII_WORD.findall(text)]


@SETTINGS
@given(st.one_of(st.lists(PIECES, max_size=20).map(" ".join), st.text(max_size=80)))
def test_ascii_words_are_the_regexs(text: str) -> None:
    # plainly_english and english_prose split the UTF-8 bytes instead of running ASCII_WORD
    if lang._ascii_letters(text):
        assert lang._ascii_words(text) == [w.encode() for w in lang.ASCII_WORD.findall(text.lower())]


def test_word_sets_as_bytes() -> None:
    assert {w.decode() for w in lang.ENGLISH_BYTES} == lang.ENGLISH_WORDS
    assert {w.decode() for w in lang.ONLY_ENGLISH_BYTES} == lang.ONLY_ENGLISH
    assert {w.decode() for w in lang.OTHER_FUNCTION_BYTES} == lang.OTHER_FUNCTION_WORDS


def _old_guess(text: str) -> lang.Guess | None:
    """``guess_language`` as it was: the scores sorted again."""
    if not text or not text.strip():
        return None
    found = lang._cjk_language(text)
    if found:
        return lang.Guess(found, "script")
    clean = lang.NOISE.sub(" ", text)
    if not lang._has_letters(clean, lang.MIN_LETTERS):
        return None
    scores = lang._ngram_scorer()(clean)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return lang.Guess(ranked[0][0], "ngram", ranked[0][1] / second if second > 0 else float("inf"))


@SETTINGS
@given(TEXTS)
def test_guess_reads_elds_order(text: str) -> None:
    assert lang.guess_language(text) == _old_guess(text)


@SETTINGS
@given(st.one_of(CJKISH, EVERY_PLANE))
def test_cjk_share_without_the_search(text: str) -> None:
    assert script.cjk_share(text) == _old_cjk_share(text)


# The character classes as they were compiled at import, before they were compiled on first use.
EAGER_PATTERNS = {
    script: {
        "HAN": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
        "KANA": r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]",
        "HANGUL": r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]",
        "CJK": r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]",
        "CJK_RUN": r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+",
    },
    lang: {
        "HANGUL": r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]",
        "KANA": r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]",
        "HAN": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]",
        "ANY_CJK": r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]|[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]"
                   r"|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]",
        "LATIN_WORD": r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ'’\u0300-\u036f-]*",
        "OTHER_WORD": r"[^\W\d_A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af"
                      r"\uf900-\ufaff]{2,}",
    },
}


@pytest.mark.parametrize("module", [script, lang], ids=["script", "lang"])
def test_lazy_patterns_are_the_eager_ones(module) -> None:
    for name, pattern in EAGER_PATTERNS[module].items():
        compiled = getattr(module, name)  # the module attribute, as other code reads it
        assert compiled is module._compiled(name) and compiled.pattern == pattern and not compiled.flags & re.ASCII
    with pytest.raises(AttributeError):
        getattr(module, "NOT_A_PATTERN")
