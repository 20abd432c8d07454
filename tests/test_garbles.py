"""repair_translations: what the source proves is repaired in machine translations; nothing else."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from metaclean.passes.garbles import fullwidth_punctuation, repair_translations
from metaclean.record import Record

CASES = Path(__file__).parent / "cases" / "repair_translations"
SEED = CASES / "seed-jihadi-field-diplomacy.in.json"


def _record(notes, zh_notes, machine=True, **more) -> Record:
    return Record({"notes": notes, **more, "translations": {"zh": {"notes": zh_notes, "machine": machine}}})


def _zh(record: Record) -> dict:
    return record.data["translations"]["zh"]


@pytest.mark.parametrize("inp", sorted(CASES.glob("*.in.json")), ids=lambda p: p.name[:-8])
def test_golden_pairs(inp: Path) -> None:
    """The golden pairs, run on the pass directly (test_passes runs them through PASSES too)."""
    data = json.loads(inp.read_text(encoding="utf-8"))["data"]
    expected = json.loads(inp.with_name(inp.name.replace(".in.json", ".out.json")).read_text(encoding="utf-8"))
    assert repair_translations(Record(data)).data == expected["data"]


# -- the real record ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[Record, Record]:
    record = Record(json.loads(SEED.read_text(encoding="utf-8"))["data"])
    return record, repair_translations(record)


def test_seed_names_restored_from_the_source(seed) -> None:
    before, after = seed
    notes = " ".join(_zh(after)["notes"])
    assert "Az æ rbaycana" in " ".join(_zh(before)["notes"])
    assert "İranın Azərbaycana Baxışı" in notes
    assert "Az æ rbaycana" not in notes and "Az / rbaycana" not in notes
    assert "Pahlavīsm" in notes and "pahlav? sm" not in notes
    assert "op. city" not in notes
    assert "Goftogu-ye general Haqiqatpur" not in notes
    assert "Goftogu-ye Jeneral Haqiqatpur" in notes
    assert "Siyavuş Novruzov: General Həqiqətpurla Bağlı Azərbaycanda Cinayət İşi Qaldırılıb" in notes


def test_seed_abstract_gets_fullwidth_punctuation(seed) -> None:
    _, after = seed
    abstract = _zh(after)["abstract"]
    assert "为了做到这一点，我采用" in abstract
    assert "两个主要特点：利用军事工具" in abstract
    assert not any(c in abstract for c in ",:;?")


def test_seed_keeps_latin_citations_and_urls(seed) -> None:
    before, after = seed
    notes = " ".join(_zh(after)["notes"])
    for kept in ("58:4(2004)", "第1 - 7页", "https://bit.ly/3wyUrOk", "(Colorado: Lynne Rienner Publishers, 2002)"):
        assert kept in " ".join(_zh(before)["notes"]) and kept in notes


def test_seed_explains_each_repair(seed) -> None:
    _, after = seed
    why = after.reasons["translations.zh.notes"]
    assert "'İranın Az æ rbaycana Baxışı' -> 'İranın Azərbaycana Baxışı': the source notes has" in why
    assert "made full-width" in after.reasons["translations.zh.abstract"]
    assert set(after.reasons) == {"translations.zh.abstract", "translations.zh.notes"}


def test_seed_is_pure_and_idempotent(seed) -> None:
    before, after = seed
    assert json.loads(SEED.read_text(encoding="utf-8"))["data"] == before.data
    assert repair_translations(after.evolve(reasons={})).data == after.data


def test_seed_differently_split_notes_align_on_the_whole_text(seed) -> None:
    """The colleague's splitter may cut the Chinese notes elsewhere: the repairs are the same."""
    before, after = seed
    zh = _zh(before)
    joined = "".join(zh["notes"])
    halves = [joined[: len(joined) // 2], joined[len(joined) // 2 :]]
    for notes in (joined, halves):
        data = copy.deepcopy(dict(before.data))
        data["translations"]["zh"]["notes"] = notes
        got = _zh(repair_translations(Record(data)))["notes"]
        text = got if isinstance(got, str) else "".join(got)
        assert isinstance(got, type(notes))
        assert "İranın Azərbaycana Baxışı" in text and "op. city" not in text and "Pahlavīsm" in text


# -- Latin-script runs --------------------------------------------------------------------------


def test_restores_a_garbled_name() -> None:
    r = repair_translations(_record(["See ‘İranın Azərbaycana Baxışı’, op. cit."], ["参见' İranın Az / rbaycana Baxışı ',同前"]))
    assert _zh(r)["notes"] == ["参见' İranın Azərbaycana Baxışı ',同前"]


def test_two_equally_close_source_spans_leave_it_alone() -> None:
    record = _record(["Compare ‘Haqiqatpur’ and ‘Haqiqatpor’."], ["比较“Haqiqatpar”。"])
    assert repair_translations(record) is record


def test_a_run_not_close_to_any_source_span_is_left_alone() -> None:
    # the translator's own Latin ("dr", "QF") and words the source does not have stay as they are
    record = _record(["Interview with Doktor Mansur, the Quds Force commander."], ["采访dr . Mansur, QF指挥官Kabiri。"])
    assert _zh(repair_translations(record))["notes"] == ["采访dr . Mansur, QF指挥官Kabiri。"]


def test_a_translation_that_copies_the_source_is_unchanged() -> None:
    record = _record(["See ‘Goftogu-ye Jeneral Haqiqatpur’, op. cit."], ["见“Goftogu-ye Jeneral Haqiqatpur”，op. cit."])
    assert repair_translations(record) is record


def test_source_field_missing_uses_the_record_text() -> None:
    record = Record({"abstract": "See ‘Mosāhebe-ye Efshā-shode-ye Zarif’.",
                     "translations": {"zh": {"notes": ["见《Mosāhebe-ye Efshā-shode-ye Zarıf》"], "machine": True}}})
    assert _zh(repair_translations(record))["notes"] == ["见《Mosāhebe-ye Efshā-shode-ye Zarif》"]


def test_human_translation_and_odd_shapes_are_left_alone() -> None:
    for record in (
        _record(["See ‘İranın Azərbaycana Baxışı’."], ["参见' İranın Az æ rbaycana Baxışı '"], machine=False),
        Record({"title": "x"}),
        Record({"title": "x", "translations": "不是字典"}),
        Record({"notes": ["a"], "translations": {"zh": {"notes": [1, 2], "machine": True}}}),
        Record({"notes": ["a"], "translations": {"zh": None}}),
    ):
        assert repair_translations(record) is record


# -- URLs ---------------------------------------------------------------------------------------


def test_footnote_number_split_off_a_url() -> None:
    record = _record(["See Irna, https://bit.ly/3wavloH.", "Frank and Weber, op. cit."], "见Irna，https://bit.ly/3wavloH.96弗兰克和韦伯，同上")
    got = repair_translations(record)
    assert _zh(got)["notes"] == "见Irna，https://bit.ly/3wavloH. 96弗兰克和韦伯，同上"
    assert "the source notes has the URL 'https://bit.ly/3wavloH'" in got.reasons["translations.zh.notes"]


def test_url_whose_end_the_source_does_not_show_is_left_alone() -> None:
    record = _record(["See https://bit.ly/3wavloH96 and https://example.org/a."], ["见https://bit.ly/3wavloH96 和 https://example.org/b.12"])
    assert repair_translations(record) is record


# -- punctuation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("为了做到这一点,我采用", "为了做到这一点，我采用"),
        ("两个主要特点:利用", "两个主要特点：利用"),
        ("的;也就是说", "的；也就是说"),
        ("这是真的?是的", "这是真的？是的"),
        ("A. Ehteshami(编)的《中东》", "A. Ehteshami（编）的《中东》"),
        ("《伊朗与世界》(牛津大学出版社,2009)", "《伊朗与世界》（牛津大学出版社，2009）"),
        ("《国际事务杂志》,2007年第60期", "《国际事务杂志》，2007年第60期"),
    ],
)
def test_fullwidth_between_cjk(text: str, expected: str) -> None:
    assert fullwidth_punctuation(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "见https://bit.ly/3wyUrOk的文本",
        "中东杂志,58:4(2004),第1 - 7页",
        "第19:3节",
        "pp. 1–7, 中文",
        "参见Ramazani,中东杂志",
        "(柏林:SWP, 2013)",
        "Haqiqatpur”,op. city;“İranın",
        "Iran, Azerbaijan: a study (2001)?",
    ],
)
def test_punctuation_left_alone_outside_cjk(text: str) -> None:
    assert fullwidth_punctuation(text) == (text, 0)


def test_punctuation_in_keywords_and_title_too() -> None:
    record = Record({"title": "A, B", "keywords": ["Karabakh War"],
                     "translations": {"zh": {"title": "伊朗,阿塞拜疆", "keywords": ["卡拉巴赫战争:构成主义"], "machine": True}}})
    zh = _zh(repair_translations(record))
    assert zh["title"] == "伊朗，阿塞拜疆" and zh["keywords"] == ["卡拉巴赫战争：构成主义"]
