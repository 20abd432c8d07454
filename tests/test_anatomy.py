"""split_abstract: a glued abstract comes apart into its parts, exactly, and nothing else does.

The seed record, the public corpus and damaged records built from the clean Semantic Scholar
papers check it against real text; the small cases pin each part and each label variant.
"""
from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from metaclean.passes.anatomy import Anatomy, split_abstract, split_notes, split_text
from metaclean.record import Record

from conftest import CORPUS, SHARED, need

SEED_NAME = "000_89078f4decd3ccbe.txt"
S2 = SHARED / "data" / "s2-papers.jsonl"


def fold(s: str) -> str:
    """The corpus scorer's comparison: NFC, no invisible characters, whitespace folded."""
    s = unicodedata.normalize("NFC", s or "").replace("\u200b", "").replace("\u00ad", "").replace("\ufeff", "")
    return re.sub(r"\s+", " ", s).strip()


def words(*texts: str) -> set[str]:
    return {w.lower() for t in texts for w in re.findall(r"[^\W\d_]{2,}", t)}


# ---------------------------------------------------------------------------------------------
# The seed


@pytest.fixture(scope="module")
def seed_text() -> str:
    local = Path(__file__).resolve().parents[1] / "samples" / "input" / SEED_NAME
    path = local if local.exists() else need(SHARED / "seeds" / SEED_NAME)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_record(seed_text: str) -> dict:
    return json.JSONDecoder().raw_decode(seed_text)[0]


def test_seed_english_parts(seed_record: dict) -> None:
    out = split_abstract(Record(seed_record)).data
    assert out["abstract"].startswith("This study examines")
    assert out["abstract"].endswith("between Iran and Azerbaijan.")
    assert out["keywords"] == ["Karabakh War", "coup", "constructivist neoclassical realism", "Iran", "Azerbaijan"]
    assert out["disclosure"] == "No potential conflict of interest was reported by the author(s)."
    notes = out["notes"]
    assert len(notes) == 146
    assert notes[0].startswith("See ‘Mosāhebe-ye Efshā-shode-ye Zarif’") and notes[0].endswith("%D9%84.")
    assert notes[1].startswith("‘Zarif: Diplomāsi va Meydān")
    assert notes[2] == "The conflict over Karabakh started in 1988 and turned into war in 1992."
    assert notes[-1].startswith("See M. Motamedi")
    assert out["author_notes"].startswith("Özgür Kızılyurt holds a BA")
    assert "Özgür KızılyurtÖzgür" not in out["author_notes"]
    for field in ("copyright", "funding", "orcid", "article_history", "data_availability"):
        assert field not in out


def letters(s: str) -> str:
    return re.sub(r"[\W\d_]", "", s)


def test_seed_nothing_lost(seed_record: dict) -> None:
    """Every letter of the glued string is in exactly one part; only labels, headings and the
    repeated name heading are dropped."""
    glued = seed_record["abstract"]
    out = split_abstract(Record(seed_record)).data
    kept = "".join(letters(" ".join(v) if isinstance(v, list) else v) for k, v in out.items()
                   if k in ("abstract", "keywords", "disclosure", "notes", "author_notes"))
    dropped = glued
    for heading in ("ABSTRACT", "KEYWORDS", "Disclosure statement", "Notes", "Additional information",
                    "Notes on contributors", "Özgür Kızılyurt"):
        dropped = dropped.replace(heading, "", 1)
    assert kept == letters(dropped)
    # Each note's text is a piece of the glued string, in order.
    pos = 0
    for note in out["notes"]:
        found = glued.find(note, pos)
        assert found >= 0, note[:60]
        pos = found + len(note)


@pytest.fixture(scope="module")
def seed_zh(seed_text: str) -> str:
    page = seed_text[json.JSONDecoder().raw_decode(seed_text)[1]:]
    return next(line for line in page.splitlines() if line.startswith("摘要本研究考察了"))


def test_seed_chinese_translation_parts(seed_record: dict, seed_zh: str) -> None:
    record = Record({"title": "The formative years", "abstract": "A clean abstract.",
                     "translations": {"zh": {"title": seed_record["title"], "abstract": seed_zh, "machine": True}}})
    result = split_abstract(record)
    zh = result.data["translations"]["zh"]
    assert result.data["abstract"] == "A clean abstract."
    assert zh["title"] == seed_record["title"] and zh["machine"] is True
    assert zh["abstract"].startswith("本研究考察了") and zh["abstract"].endswith("产生了不利影响。")
    assert zh["keywords"] == ["卡拉巴赫战争", "构成主义", "新古典现实主义", "米兰阿塞拜疆"]
    assert zh["disclosure"] == "作者未报告潜在的利益冲突。"
    assert zh["notes"][0].startswith("见《Mosāhebe-ye Efshā-shode-ye Zarif》")
    assert zh["notes"][1].startswith("Zarif:Diplomāsi")
    assert zh["notes"][2].startswith("卡拉巴赫冲突始于1988年")
    assert "translations.zh.keywords" in result.reasons
    assert "keywords" not in result.data
    # Nothing lost: the parts hold every character of the translation but the headings and numbers.
    kept = "".join([zh["abstract"], *zh["keywords"], zh["disclosure"], *zh["notes"]])
    dropped = re.sub(r"摘要|关键词|披露声明|注|[\s\d:,，]", "", seed_zh)
    assert sorted(re.sub(r"[\s\d:,，]", "", kept)) == sorted(dropped)


@pytest.mark.xfail(strict=True, reason="the machine translation lost note numbers 8-89; the split "
                                       "cannot find its way back into the sequence")
def test_seed_chinese_notes_resync(seed_zh: str) -> None:
    assert len(split_text(seed_zh).notes) > 100


# ---------------------------------------------------------------------------------------------
# The public corpus


def _corpus_entries() -> list:
    truth_file = CORPUS / "truth.json"
    if not truth_file.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{truth_file} is not here"))]
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    return [pytest.param(t, id=t["file"]) for k, t in sorted(truth.items()) if not k.startswith("_")]


@pytest.mark.parametrize("expected", _corpus_entries())
def test_public_corpus(expected: dict) -> None:
    """The pass alone recovers each record's abstract, keywords, notes and disclosure.

    HTML entities (``&#8217;``) are the repair pass's job, not this one's: they are decoded
    before comparing.
    """
    import html

    raw = (CORPUS / expected["file"]).read_text(encoding="utf-8")
    record = json.JSONDecoder().raw_decode(raw.lstrip())[0]
    out = split_abstract(Record(record)).data
    assert fold(html.unescape(out["abstract"])) == fold(expected["abstract"])
    assert sorted(fold(k).lower() for k in out.get("keywords", [])) == sorted(fold(k).lower() for k in expected["keywords"])
    assert [fold(n) for n in out.get("notes", [])] == [fold(n) for n in expected["notes"]]
    assert fold(out.get("disclosure", "")) == fold(expected["disclosure"] or "")
    again = split_abstract(Record(out))
    assert again.data == out, "not idempotent"


# ---------------------------------------------------------------------------------------------
# Labels


@pytest.mark.parametrize(("glued", "label", "abstract"), [
    ("ABSTRACTThis study examines X.", "ABSTRACT", "This study examines X."),
    ("Abstract. Machine learning is popular.", "Abstract", "Machine learning is popular."),
    ("Abstract The rapid increase of data.", "Abstract", "The rapid increase of data."),
    ("Abstract: We study Y.", "Abstract", "We study Y."),
    ("ABSTRACT\nWe study Y.", "ABSTRACT", "We study Y."),
    ("Summary: Background: X. Methods: Y.", "Summary", "Background: X. Methods: Y."),
    ("SUMMARY An account is given of Z.", "SUMMARY", "An account is given of Z."),
    ("ABSTRACTresumo: As Investigações.", "ABSTRACT", "resumo: As Investigações."),
    ("<jats:title>Abstract</jats:title>We study Y.", "Abstract", "We study Y."),
    ("摘要本研究考察了伊朗。", "摘要", "本研究考察了伊朗。"),
    ("摘要：本研究考察了伊朗。", "摘要", "本研究考察了伊朗。"),
])
def test_label_dropped(glued: str, label: str, abstract: str) -> None:
    anatomy = split_text(glued)
    assert (anatomy.label, anatomy.abstract) == (label, abstract)


@pytest.mark.parametrize("clean", [
    "Abstract algebra is the study of groups and rings.",
    "Summary statistics were computed for each cohort.",
    "We used keywords from the titles and notes from the interviews; funding came later.",
    "Funding agencies, keywords and Notes matter. Keywords were ranked by frequency in 2019.",
    "In 1998 there were 12 cases. 2 of them died. 3 recovered in 2001.4 were lost.",
    "The dataset has 1 million notes, see Notes 2 and 3 in the appendix.",
    "We discuss the Disclosure of conflicts in our funding model.",
    "The © symbol and the word copyright appear in many old books, and the essays discuss them at length.",
])
def test_clean_abstract_passes_through(clean: str) -> None:
    record = Record({"title": "T", "abstract": clean})
    assert split_text(clean) == Anatomy(clean)
    assert split_abstract(record) is record


# ---------------------------------------------------------------------------------------------
# Parts


def test_structured_abstract_stays_whole_and_copyright_moves() -> None:
    glued = ("Background: Sepsis kills. Methods: We enrolled 120 patients (2019–2021). Results: "
             "Mortality fell by 12%. Conclusions: It works. © 2023 Elsevier Ltd. All rights reserved.")
    anatomy = split_text(glued)
    assert anatomy.abstract == glued[:glued.index(" ©")]
    assert anatomy.copyright == "© 2023 Elsevier Ltd. All rights reserved."
    assert anatomy.notes == ()


def test_copyright_that_runs_on_stays() -> None:
    glued = "We study X. © 2022 American Heart Association, Inc. EDITORIAL"
    assert split_text(glued) == Anatomy(glued)


@pytest.mark.parametrize(("glued", "keywords"), [
    ("We study X.Keywords: deep learning; vision", ["deep learning", "vision"]),
    ("We study X. Key words: deep learning, vision.", ["deep learning", "vision"]),
    ("We study X.KEY WORDS deep learning · vision", ["deep learning", "vision"]),
    ("We study X. Index Terms—deep learning, vision", ["deep learning", "vision"]),
    ("我们研究了X。关键词：深度学习，视觉", ["深度学习", "视觉"]),
    ("我们研究了X。关键词:深度学习;视觉", ["深度学习", "视觉"]),
    ("We study X.KEYWORDS: deep learning", ["deep learning"]),
])
def test_keyword_labels_and_separators(glued: str, keywords: list[str]) -> None:
    anatomy = split_text(glued)
    assert anatomy.abstract in ("We study X.", "我们研究了X。")
    assert list(anatomy.keywords) == keywords


@pytest.mark.parametrize(("run", "context", "keywords"), [
    ("safety cultureartificial intelligenceimpactaviation",
     "The Impact of Artificial Intelligence on Future Aviation Safety Culture",
     ["safety culture", "artificial intelligence", "impact", "aviation"]),
    ("artificial textText Detectionshared taskrussian", "", ["artificial text", "Text Detection", "shared task", "russian"]),
    ("INVESTIGAÇÕES FILOSÓFICASDETERMINAÇÃOFICÇÃO", "DETERMINAÇÃO E FICÇÃO NAS INVESTIGAÇÕES FILOSÓFICAS",
     ["INVESTIGAÇÕES FILOSÓFICAS", "DETERMINAÇÃO", "FICÇÃO"]),
    # Words the record does not contain: the word list and the case changes decide.
    ("machine learningclimate changeNigeria", "", ["machine learning", "climate change", "Nigeria"]),
    # No evidence for a cut: stays whole rather than cut wrongly.
    ("zorblaxquintor", "", ["zorblaxquintor"]),
    ("photoacoustic nanoprobes", "", ["photoacoustic nanoprobes"]),
    ("deep learning", "", ["deep learning"]),
    ("healthcare", "", ["healthcare"]),
    ("ChatGPT", "ChatGPT writes essays.", ["ChatGPT"]),
])
def test_keyword_runs(run: str, context: str, keywords: list[str]) -> None:
    anatomy = split_text(f"We study it.KEYWORDS: {run}", context=context)
    assert list(anatomy.keywords) == keywords


@pytest.mark.parametrize(("glued", "field", "value"), [
    ("We study X.Disclosure statementNo potential conflict of interest was reported.",
     "disclosure", "No potential conflict of interest was reported."),
    ("We study X. Declaration of competing interest: None.", "disclosure", "None."),
    ("We study X.FundingThis work was supported by the NSF [grant 123].",
     "funding", "This work was supported by the NSF [grant 123]."),
    ("We study X. Funding: NIH.", "funding", "NIH."),
    ("We study X.Data availability statementThe data are on Zenodo.", "data_availability", "The data are on Zenodo."),
    ("We study X.ARTICLE HISTORY Received 12 May 2023 Accepted 3 June 2023",
     "article_history", "Received 12 May 2023 Accepted 3 June 2023"),
    ("We study X.KEYWORDS: a; bORCID Jane Roe http://orcid.org/0000-0002-1825-0097",
     "orcid", "Jane Roe http://orcid.org/0000-0002-1825-0097"),
    ("We study X.Additional informationNotes on contributorsK. MoodleyK. Moodley is a researcher.",
     "author_notes", "K. Moodley is a researcher."),
    ("我们研究了X。披露声明作者未报告潜在的利益冲突。", "disclosure", "作者未报告潜在的利益冲突。"),
])
def test_statement_parts(glued: str, field: str, value: str) -> None:
    anatomy = split_text(glued)
    assert anatomy.abstract in ("We study X.", "我们研究了X。")
    assert getattr(anatomy, field) == value


# ---------------------------------------------------------------------------------------------
# Notes


def test_notes_follow_the_sequence_not_the_numbers_inside() -> None:
    notes = [
        "See R.K. Ramazani, ‘Ideology’, The Middle East Journal, 58:4 (2004), pp. 1–7.",
        "Smith, op. cit., p. 12.",
        "‘Zarif’, Irna, 1 May 2021, https://bit.ly/3wyUrOk.",
        "The conflict started in 1988 and turned into war in 1992.",
        "See https://example.org/archive/2019/12.",
        "Version 2.4 of the data, 19:3 (2001), p. 5.",
        "Ibid.",
    ]
    body = "".join(f"{i} {n}" for i, n in enumerate(notes, 1))
    assert split_notes(body) == notes
    assert split_text(f"We study X.Notes{body}").notes == tuple(notes)


def test_notes_need_their_heading() -> None:
    glued = "We counted 1 case in 1998.2 More in 1999.3 None since."
    assert split_text(glued).notes == ()


def test_chinese_notes() -> None:
    anatomy = split_text("我们研究了X。注1见《甲》,2021年4月29日。2乙,第12页。3丙。")
    assert anatomy.notes == ("见《甲》,2021年4月29日。", "乙,第12页。", "丙。")


# ---------------------------------------------------------------------------------------------
# The pass on records


def test_merges_with_existing_keywords_and_says_why() -> None:
    record = Record({"abstract": "We study X.KEYWORDS: Deep Learning; vision; graphs",
                     "keywords": ["deep learning", "robots"]})
    result = split_abstract(record)
    assert result.data["keywords"] == ["deep learning", "robots", "vision", "graphs"]
    assert record.data["keywords"] == ["deep learning", "robots"]  # input untouched
    assert "keywords" in result.reasons and "abstract" in result.reasons


def test_merges_with_a_keyword_string() -> None:
    record = Record({"abstract": "We study X.Keywords: vision, graphs", "keywords": "robots; vision"})
    assert split_abstract(record).data["keywords"] == ["robots", "vision", "graphs"]


def test_reason_names_segmentation() -> None:
    result = split_abstract(Record({"title": "Safety culture in aviation",
                                    "abstract": "We study X.KEYWORDS: safety cultureaviation"}))
    assert result.data["keywords"] == ["safety culture", "aviation"]
    assert "segmented" in result.reasons["keywords"]


def test_idempotent_on_a_full_glue() -> None:
    record = Record({"abstract": "ABSTRACTWe study X. © 2023 The Authors.KEYWORDS: safety cultureaviation "
                                 "Disclosure statementNone.Notes1 See Y, p. 4.2 Ibid.Additional information"
                                 "Notes on contributorsA. RoeA. Roe is a researcher."})
    once = split_abstract(record)
    assert once.data["abstract"] == "We study X."
    assert once.data["copyright"] == "© 2023 The Authors."
    assert split_abstract(once).data == once.data


# ---------------------------------------------------------------------------------------------
# Damaged records made from clean ones


def _phrases(title: str, abstract: str) -> list[str]:
    stop = set("the and for with from that this are was were which their these using based into its our "
               "has have been can not also more than such between".split())
    out = set()
    for chunk in re.split(r"[.,;:()\[\]!?\"“”‘’]", f"{title}. {abstract}"):
        ws = chunk.split()
        for n in (1, 2, 3):
            for i in range(len(ws) - n + 1):
                p = ws[i:i + n]
                if all(re.fullmatch(r"[A-Za-z][a-z]{2,}|[A-Z]{2,}", w) for w in p) and not {w.lower() for w in p} & stop:
                    out.add(" ".join(p))
    return sorted(out)


@pytest.fixture(scope="module")
def s2_records() -> list[dict]:
    rows = [json.loads(line) for line in need(S2).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("title") and r.get("abstract") and len(r["abstract"]) > 200]


def test_keyword_runs_from_real_records(s2_records: list[dict]) -> None:
    """Glue keywords made of each record's own phrases; recover them (ambiguous compounds aside)."""
    rng = random.Random(7)
    total = wrong = 0
    misses = []
    for r in s2_records:
        phrases = _phrases(r["title"], r["abstract"])
        if len(phrases) < 5:
            continue
        keywords = rng.sample(phrases, rng.randint(2, 5))
        if len({k.lower() for k in keywords}) < len(keywords):
            continue
        if rng.random() < 0.5:
            keywords = [k.lower() for k in keywords]
        glued = f"ABSTRACT{r['abstract'].strip()}KEYWORDS: {''.join(keywords)} Disclosure statementNone."
        anatomy = split_text(glued, context=r["title"])
        total += 1
        if [k.lower() for k in anatomy.keywords] != [k.lower() for k in keywords]:
            wrong += 1
            misses.append((keywords, anatomy.keywords))
        assert anatomy.disclosure == "None."
    assert total > 500
    # The misses are real compounds (``work`` + ``space``, ``sur`` + ``apprentissage``).
    assert wrong / total < 0.01, misses[:10]


def test_notes_from_real_records(s2_records: list[dict]) -> None:
    """Glue notes full of numbers (years, pages, volumes, URLs, sentences with figures); split them back."""
    rng = random.Random(3)
    sentences = [s for r in s2_records for s in re.split(r"(?<=[.!?])\s+", r["abstract"].strip())
                 if re.search(r"\d", s) and 20 < len(s) < 300 and s.endswith(".")]

    def note(i: int) -> str:
        r = rng.choice(s2_records)
        year = rng.randint(1950, 2024)
        return rng.choice([
            f"See A. Author, ‘{r['title']}’, Journal, {rng.randint(1, 60)}:{rng.randint(1, 4)} ({year}), "
            f"pp. {rng.randint(1, 200)}–{rng.randint(201, 400)}.",
            f"Ibid., p. {rng.randint(1, 400)}.",
            f"{r['title'].split()[0]}, op. cit., p. {i + 2}.",
            f"‘{r['title']}’, Web, {rng.randint(1, 28)} May {year}, https://bit.ly/{rng.randint(100, 99999)}.",
            rng.choice(sentences).strip(),
            f"See https://doi.org/10.{rng.randint(1000, 9999)}/{i + 2}.",
        ])

    for _ in range(200):
        notes = [" ".join(note(i).split()) for i in range(rng.randint(1, 60))]
        body = "".join(f"{i} {n}" for i, n in enumerate(notes, 1))
        anatomy = split_text(f"ABSTRACTWe study X.Notes{body}Additional informationNotes on contributors"
                             f"A. RoeA. Roe is a researcher.")
        assert list(anatomy.notes) == notes
        assert anatomy.author_notes == "A. Roe is a researcher."


# ---------------------------------------------------------------------------------------------
# Properties

from collections import Counter  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SENTENCE = st.lists(st.sampled_from(["data", "model", "we", "study", "in", "1998", "p.", "12", "war",
                                     "coup", "2.4", "19:3", "https://x.org/12", "(2004),", "ibid"]),
                    min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
PARTS = [("KEYWORDS: ", "keywords"), ("Disclosure statement", "disclosure"), ("FundingThe ", "funding"),
         ("Notes1 ", "notes"), ("Additional information", "author_notes")]


@settings(max_examples=200, deadline=None)
@given(abstract=st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join),
       tail=st.lists(st.tuples(st.sampled_from(PARTS), SENTENCE), max_size=4, unique_by=lambda t: t[0]))
def test_nothing_lost_and_idempotent(abstract: str, tail: list) -> None:
    glued = "ABSTRACT" + abstract + "".join(heading + text for (heading, _), text in tail)
    result = split_abstract(Record({"abstract": glued}))
    out = result.data
    kept = "".join(letters(" ".join(v) if isinstance(v, list) else v) for v in out.values())
    dropped = glued
    for heading in ["ABSTRACT", *(h.replace("The ", "") for (h, _), _ in tail)]:
        dropped = dropped.replace(heading.strip(), "", 1)
    missing = Counter(letters(dropped)) - Counter(kept)
    assert not Counter(kept) - Counter(letters(dropped))  # nothing made up
    if missing:  # only keywords repeated (in any case) may go, and the reason says so
        assert "repeated keyword" in result.reasons.get("keywords", "")
        repeated = Counter(letters(" ".join(out["keywords"]).casefold()))
        assert all(repeated[c.casefold()] for c in missing)
    assert out["abstract"] == abstract
    assert split_abstract(result).data == out


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_safe(text: str) -> None:
    record = Record({"abstract": text})
    once = split_abstract(record)
    assert split_abstract(once).data == once.data


TOKENS = st.sampled_from(["ABSTRACT", "Abstract", "Summary", " ", ". ", "KEYWORDS", ": ", "Keywords", "Notes",
                          "1", "2", "3", "Disclosure statement", "Funding", "ORCID", "Additional information",
                          "Notes on contributors", "© 2023 X.", "摘要", "关键词", "注", "。", "披露声明", "The",
                          "war", "coup", "A. Roe", "data", "\n", "<jats:title>Abstract</jats:title>"])


@settings(max_examples=500, deadline=None)
@given(st.lists(TOKENS, max_size=30).map("".join))
def test_heading_soup_is_idempotent(text: str) -> None:
    once = split_abstract(Record({"title": "war and data", "abstract": text}))
    assert split_abstract(once).data == once.data


def test_repeated_keywords_are_dropped_and_said() -> None:
    """A keyword repeated in another case is one keyword; the reason counts the ones dropped."""
    result = split_abstract(Record({"abstract": "ABSTRACTData.KEYWORDS: Data (2004), data (2004), war"}))
    assert result.data["keywords"] == ["Data (2004)", "war"]
    assert "dropped 1 repeated keyword(s)" in result.reasons["keywords"]
