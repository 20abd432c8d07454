"""Which writing system a text is in: cheap character-class tests shared by the passes."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

#: The big character classes, compiled on first use (``_compiled``): ``re`` builds a class's table
#: character by character (1-4 ms a pattern, ~15 ms of every start-up), and only text that may be
#: CJK needs them. ``script.CJK`` and the others still give the compiled pattern (``__getattr__``).
PATTERNS = {
    "HAN": r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]",
    "KANA": r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]",
    "HANGUL": r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]",
    "CJK": r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]",
}
LETTER = re.compile(r"[^\W\d_]")
# Runs of the characters CJK and LETTER match: their lengths add up to the same counts, with one
# string made per run instead of one per character.
PATTERNS["CJK_RUN"] = PATTERNS["CJK"] + "+"
LETTER_RUN = re.compile(LETTER.pattern + "+")
CJK_SHARE = 0.3  # of the letters: above it, the text is written in a CJK script
# Every character CJK matches (U+3040-U+FAFF) is three bytes in UTF-8, led by a byte E3-EF: text
# whose UTF-8 holds no such byte has none. Deleting the other bytes is one C pass, ~3x faster than
# CJK.search over a long Latin abstract ("surrogatepass": any str encodes).
NOT_CJK_LEAD = bytes(b for b in range(256) if not 0xE3 <= b <= 0xEF)


def lazy_patterns(patterns: dict[str, str], module: str) -> tuple[Callable[[str], re.Pattern[str]], Callable[[str], Any]]:
    """Return ``compiled(name)``, which compiles ``patterns[name]`` once, on first use, and a module
    ``__getattr__`` that gives ``module.NAME`` for each of them, as when they were compiled constants.

    >>> compiled, _ = lazy_patterns({"DIGIT": r"[0-9]"}, "example")
    >>> compiled("DIGIT").findall("a1b2"), compiled("DIGIT") is compiled("DIGIT")
    (['1', '2'], True)
    """
    compiled = lru_cache(maxsize=None)(lambda name: re.compile(patterns[name]))

    def module_getattr(name: str) -> Any:
        if name in patterns:
            return compiled(name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return compiled, module_getattr


_compiled, __getattr__ = lazy_patterns(PATTERNS, __name__)


def _surely_not_cjk(text: str) -> bool:
    """Return True when ``text`` holds no character that CJK matches: ASCII, or no UTF-8 lead byte E3-EF."""
    return text.isascii() or not text.encode("utf-8", "surrogatepass").translate(None, NOT_CJK_LEAD)


def may_be_cjk(text: str) -> bool:
    """Return False when ``text`` holds no Han, kana or Hangul at all (then ``is_cjk_text`` is False too).

    >>> may_be_cjk("Iran’s diplomacy"), may_be_cjk("伊朗 Iran")
    (False, True)
    """
    return not _surely_not_cjk(text) and _compiled("CJK").search(text) is not None


def cjk_share(text: str) -> float:
    """Return the share of the letters of ``text`` that are Han, kana or Hangul.

    >>> cjk_share("伊朗 Ir")
    0.5
    """
    if _surely_not_cjk(text):
        return 0.0  # may_be_cjk's search is left to the count below, which finds what it would
    cjk = sum(map(len, _compiled("CJK_RUN").findall(text)))
    letters = sum(map(len, LETTER_RUN.findall(text))) if cjk else 0
    return cjk / letters if letters else 0.0


def is_cjk_text(text: str) -> bool:
    """Return True when ``text`` is written in Chinese, Japanese or Korean.

    >>> is_cjk_text("伊朗在阿塞拜疆的“圣战外交”形成时期"), is_cjk_text("Iran’s ‘jihadi field diplomacy’")
    (True, False)
    """
    return not text.isascii() and cjk_share(text) > CJK_SHARE  # most text is ASCII: no call for it


def script_language(text: str) -> str | None:
    """Return ``ja``, ``ko`` or ``zh`` by the first script test that ``text`` passes: kana, Hangul, Han.

    Kana only occurs in Japanese and Hangul only in Korean; Han alone is taken as Chinese. Ask it of
    text known to be CJK (``is_cjk_text``): a Latin title with one kanji would be "zh".

    >>> script_language("ChatGPTの利用"), script_language("Hello")
    ('ja', None)
    """
    if _compiled("KANA").search(text):
        return "ja"
    if _compiled("HANGUL").search(text):
        return "ko"
    return "zh" if _compiled("HAN").search(text) else None
