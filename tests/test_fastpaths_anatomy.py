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
