"""The fast paths of split_abstract give the answers of the slow ones they replace."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metaclean.passes import anatomy

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- keyword segmentation -----------------------------------------------------------------------

def _old_segment(token: str, vocab: frozenset[str]) -> list[str] | None:
    """``anatomy._segment`` as it was: every end reached is tried, left to right."""
    n = len(token)
    best: list[tuple[int, float, tuple[int, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, ())
    case_cuts = set(anatomy._case_cuts(token))
    cuttable = [j == 0 or j == n or anatomy._can_cut(token, j) for j in range(n + 1)]
    lowered = token.lower() if token.isascii() else None
    for i in range(n):
        if best[i] is None or not cuttable[i]:
            continue
        pieces, cost, cuts = best[i]  # type: ignore[misc]
        last = n if lowered is None else anatomy._last_piece_end(lowered, i, vocab)
        for j in range(i + 2, last + 1):
            if not cuttable[j]:
                continue
            piece = token[i:j].lower() if lowered is None else lowered[i:j]
            if j < n and j not in case_cuts and piece in anatomy.COMBINING_FORMS and piece not in vocab:
                continue
            c = anatomy._key_cost(piece, vocab)
            if c is None:
                continue
            c += 0.0 if (j == n or j in case_cuts) else 0.25
            cand = (pieces + 1, cost + c, (*cuts, j))
            if best[j] is None or cand[:2] < best[j][:2]:  # type: ignore[index]
                best[j] = cand
    if best[n] is None:
        return None
    out, prev = [], 0
    for j in best[n][2]:  # type: ignore[index]
        out.append(token[prev:j])
        prev = j
    return out


# Words of the word list (short and long, common and rare), combining forms, case changes,
# digits, separators and letters no list holds: ties and near-ties of cost are common.
TOKEN_PIECES = st.sampled_from([
    "war", "coup", "Iran", "deep", "learning", "machine", "art", "artificial", "intelligence", "in", "tell",
    "health", "heal", "th", "ear", "earth", "ethics", "safety", "culture", "photo", "acoustic", "bio", "para", "the", "he", "a", "s", "e",
    "ion", "ChatGPT", "GPT", "Models", "COVID", "-", "19", "/", "'", "’", "(", ")", "xq", "zz", "q", "é", "ß",
    "İ", "Σ",
])
TOKENS = st.lists(TOKEN_PIECES, min_size=1, max_size=9).map("".join)
VOCABS = st.frozensets(st.sampled_from([
    "war", "coup", "warco", "chatgpt", "gpt", "models", "covid-19", "covid", "para", "bio", "photo", "zz",
    "xqz", "q-19", "learning", "inte", "he", "health", "iran", "ß", "é",
]))


@SETTINGS
@given(TOKENS, VOCABS)
def test_segment_skips_only_ends_that_cannot_win(token: str, vocab: frozenset[str]) -> None:
    assert anatomy._segment(token, vocab) == _old_segment(token, vocab)


def test_segment_on_keyword_runs() -> None:
    vocab = anatomy.vocabulary("Karabakh War; a coup; Iran and Azerbaijan; deep learning in health")
    for token in ["Warcoupconstructivist", "realismIranAzerbaijan", "ethicsartificial", "intelligencehealth",
                  "learningmachine", "photoacousticbio", "COVID-19vaccines", "GPTModelsdeep"]:
        assert anatomy._segment(token, vocab) == _old_segment(token, vocab)
    # The whole token is reached with 3 pieces (``coup|Model|sear``) before a cheaper 3 is found
    # from a later end (``coup|Models|ear``): ends with as few pieces are still tried.
    vocab = frozenset({"ty", "health", "war", "th"})
    assert anatomy._segment("coupModelsear", vocab) == _old_segment("coupModelsear", vocab) == ["coup", "Models", "ear"]


# --- the prefix bound, written out -------------------------------------------------------------

def _old_prefix_length(text: str, words: list[str]) -> int:
    """``anatomy._prefix_length`` as it was: both neighbours compared letter by letter."""
    k = anatomy.bisect_left(words, text)
    longest = 0
    for word in words[max(k - 1, 0):k + 1]:
        n = 0
        for a, b in zip(text, word):
            if a != b:
                break
            n += 1
        longest = max(longest, n)
    return longest


def _old_last_piece_end(lowered: str, i: int, vocab: frozenset[str]) -> int:
    """``anatomy._last_piece_end`` as it was: the bound from both sorted lists, asked in full."""
    rest = lowered[i:]
    stop = anatomy.NOT_LETTER.search(rest)
    letters = stop.start() if stop else len(rest) + 1
    longest = _old_prefix_length(rest, anatomy._sorted_words())
    if longest < letters:
        longest = max(longest, _old_prefix_length(rest, sorted(vocab)))
    if letters <= longest:
        return len(lowered)
    return i + longest


ASCII_TOKENS = st.lists(st.sampled_from([
    "war", "coup", "warco", "deep", "learning", "intelligence", "intel", "art", "artificial", "zz", "xq", "q",
    "covid", "-", "19", "/", "'", "a", "s", "ethics", "ethic", "photo", "acoustic", "chatgpt", "aaa", "zzzz",
]), min_size=1, max_size=8).map("".join)
VOCAB_ITEMS = st.frozensets(st.sampled_from([
    "chatgpt", "chatgptx", "xqz", "zzq", "zzzzz", "coup", "warco", "warcoupx", "q-19", "a", "aa", "zz", "intelligencex",
    "éa", "artx", "ethicsart",
]))


@SETTINGS
@given(ASCII_TOKENS, st.data(), VOCAB_ITEMS)
def test_piece_end_as_the_bound_asked_in_full(lowered: str, data: st.DataObject, vocab: frozenset[str]) -> None:
    i = data.draw(st.integers(0, len(lowered) - 1))
    assert anatomy._last_piece_end(lowered, i, vocab) == _old_last_piece_end(lowered, i, vocab)


@SETTINGS
@given(st.text(alphabet="abcez-", max_size=8), st.lists(st.text(alphabet="abcez", min_size=1, max_size=6), max_size=12))
def test_prefix_length_and_longer_prefix(text: str, items: list[str]) -> None:
    words = sorted(set(items))
    assert anatomy._prefix_length(text, words) == _old_prefix_length(text, words)
    for longest in range(len(text) + 2):
        assert anatomy._longer_prefix(text, words, longest) == max(longest, _old_prefix_length(text, words))


@SETTINGS
@given(st.text(alphabet="aZ1)-.éİΣσ", max_size=10))
def test_case_cuts_and_letter_runs(token: str) -> None:
    old_cuts = []
    for j in range(1, len(token)):
        a, b = token[j - 1], token[j]
        if b.isupper() and (a.islower() or (a.isdigit() and j > 1) or a in ")]"
                            or (a.isupper() and j + 1 < len(token) and token[j + 1].islower() and j >= 2
                                and token[j - 2].isupper())):
            old_cuts.append(j)
    assert anatomy._case_cuts(token) == old_cuts
    if token.isascii():
        lowered = token.lower()
        runs = []
        for i in range(len(lowered)):
            stop = anatomy.NOT_LETTER.search(lowered[i:])
            runs.append(stop.start() if stop else len(lowered) - i + 1)
        assert anatomy._letter_runs(lowered) == runs


# --- notes -------------------------------------------------------------------------------------

def _old_next_note(body: str, candidates: dict[int, list[tuple[int, int]]], n: int, after: int,
                   strict: bool = False) -> tuple[int, int] | None:
    """``anatomy._next_note`` as it was: every start of the next number asked."""
    scored = [(s, i, j) for i, j in candidates.get(n, ()) if i > after and (s := anatomy._note_start_ok(body, i, j))]
    nxt = [i for i, _ in candidates.get(n + 1, ())]
    if strict:
        scored = [(s, i, j) for s, i, j in scored if s >= 3 and any(k > i for k in nxt)]
    if not scored:
        return None

    def rank(item: tuple[int, int, int]) -> tuple[int, int, int]:
        s, i, _ = item
        return (0 if not nxt or any(k > i for k in nxt) else 1, -s, i)

    _, i, j = min(scored, key=rank)
    return i, j


def _old_split_notes(body: str) -> list[str]:
    """``anatomy.split_notes`` as it was: every number compared with n at each lost note."""
    m = anatomy.FIRST_NOTE.match(body)
    if not m:
        return [body.strip()] if body.strip() else []
    candidates: dict[int, list[tuple[int, int]]] = {}
    for c in anatomy.re.finditer(r"\d+", body[m.end():]):
        i, j = c.start() + m.end(), c.end() + m.end()
        if j - i <= 4:
            candidates.setdefault(int(c[0]), []).append((i, j))
    starts = [(m.start(), m.end())]
    n = 2
    while True:
        found = _old_next_note(body, candidates, n, starts[-1][1])
        skipped = 0
        while found is None and skipped < anatomy.MAX_SKIPPED_NOTES and any(k > n for k in candidates):
            skipped += 1
            found = _old_next_note(body, candidates, n + skipped, starts[-1][1], strict=True)
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


NOTE_BODIES = st.lists(st.sampled_from([
    "1", "2", "3", "4", "5", "6", "7", "9", "12", "2019", "12345", "0", "02", "٢", " ", ". ", ".", "See ", "Ibid.",
    "p. ", "19:3", "op. cit", ", ", "A", "x", "–", "%", "\n",
]), max_size=40).map("".join)


@SETTINGS
@given(NOTE_BODIES)
def test_split_notes_as_before(body: str) -> None:
    assert anatomy.split_notes(body) == _old_split_notes(body)
    assert anatomy.split_notes("1 " + body) == _old_split_notes("1 " + body)


# --- markers -----------------------------------------------------------------------------------

OLD_MARKERS = anatomy.re.compile(
    r"Abstract|ABSTRACT|Summary|SUMMARY|Key\s*[Ww]ords|KEY\s*WORDS|Index\s*[Tt]erms|INDEX\s*TERMS"
    r"|Disclosure|DISCLOSURE|Declaration|DECLARATION|Conflicts?\s*[Oo]f|CONFLICTS?\s*OF|Competing"
    r"|COMPETING|Funding|FUNDING|Data\s*[Aa]vailab|DATA\s*AVAILAB|Article\s*[Hh]istory|ARTICLE\s*HISTORY"
    r"|ORCID|Notes|NOTES|Endnotes|ENDNOTES|Footnotes|FOOTNOTES|Additional\s*[Ii]nformation"
    r"|ADDITIONAL\s*INFORMATION|About\s*[Tt]he|ABOUT\s*THE|©|Copyright|COPYRIGHT|\([cC]\)|<jats:title"
    r"|摘要|关键[词字]|披露声明|利益冲突|资助|基金项目|数据可|文章历史|注释?\s*[:：]?\s*1|附加信息|其他信息"
    r"|补充信息|关于贡献者|关于撰稿人|作者简介"
)
MARKER_WORDS = [p for alt in OLD_MARKERS.pattern.split("|") for p in (alt.replace("\\s*", " ").replace("\\", ""), alt[:3])]


@SETTINGS
@given(st.lists(st.sampled_from([*MARKER_WORDS, "x", " ", "a", "A", "c", "C", "(", ")", "\n", "Key", "words", "Words", "关", "注 1", "数据"]),
                max_size=12).map("".join))
def test_markers_grouped_by_first_letter_find_what_they_found(text: str) -> None:
    assert bool(anatomy.MARKERS.search(text)) == bool(OLD_MARKERS.search(text))
    for m in OLD_MARKERS.finditer(text):  # every old match is a new one, where it starts
        assert anatomy.MARKERS.match(text, m.start())


# --- vocabulary from the lowered text; copyright pre-test --------------------------------------

import re as _re  # noqa: E402
import sys as _sys  # noqa: E402

_LETTER = _re.compile(r"[^\W\d_]")


def test_lowering_keeps_every_characters_class() -> None:
    """``vocabulary``'s fast path: but for İ, lowering maps a character to one character of the same class."""
    for cp in range(_sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        if c == "İ":
            assert len(low) == 2
            continue
        assert len(low) == 1
        assert bool(_LETTER.match(c)) == bool(_LETTER.match(low)), hex(cp)
        assert c.isalpha() == low.isalpha() and c.isspace() == low.isspace(), hex(cp)
        assert (c in anatomy.TOKEN_PUNCT) == (low in anatomy.TOKEN_PUNCT), hex(cp)


VOCAB_TEXTS = st.lists(st.sampled_from([
    "Bahdanau’s", "(AI)", "learning,", "İstanbul", "ΟΔΟΣ.Α", "ΣΑ", "don't", "'tis", "é'ab", "x'y'z", "a''b", "COVID-19",
    "“quoted”", "a_b", "²", "Ⅻ", "e.g.", "u.s.", " ", "\n", "\u2003", "’", "...", "l’IA", "naïve", "Σ'", "-", "1", "ab",
]), max_size=30).map("".join)


@SETTINGS
@given(st.one_of(VOCAB_TEXTS, VOCAB_TEXTS.map(lambda t: t.replace("Σ", "S").replace("İ", "I")), st.text(max_size=60)))
def test_vocabulary_of_the_lowered_text_is_token_by_tokens(text: str) -> None:
    assert anatomy.vocabulary(text) == frozenset(anatomy._tokens_vocabulary(text))


@SETTINGS
@given(st.text(alphabet="©()cC Copyrightht2019.THE", max_size=30))
def test_copyright_needles_before_the_regex(part: str) -> None:
    found = anatomy.COPYRIGHT.search(part) is not None
    assert not found or any(needle in part for needle in anatomy.COPYRIGHT_NEEDLES)


LANGUAGE_WORDS = [w for alt in anatomy.LANGUAGE_LABEL.pattern[3:].split(")")[0].split("|")
                  for w in {alt.replace("[ÉE]", c).replace("[ée]", c) for c in "ÉEée"}]


@SETTINGS
@given(st.lists(st.sampled_from([*LANGUAGE_WORDS, ":", "：", " ", "x", "S", "UM"]), max_size=8).map("".join))
def test_language_needles_before_the_regex(body: str) -> None:
    found = anatomy.LANGUAGE_LABEL.search(body) is not None
    assert not found or any(needle in body for needle in anatomy.LANGUAGE_NEEDLES)
