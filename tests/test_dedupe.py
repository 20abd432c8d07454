"""Record-level duplicates: the same paper scraped twice is found, merged once, nothing lost."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from conftest import SEED
from metaclean.cli import app
from metaclean.duplicates import Source, group, merge, record_keys

runner = CliRunner()
SEED_LINE = SEED.read_text(encoding="utf-8").splitlines()[0]


def test_same_doi_or_same_title_author_year_are_duplicates() -> None:
    a = {"doi": "10.1000/x", "title": "Deep learning", "authors": [{"name": "Ann Lee"}], "published": "2020-01-02"}
    b = {"title": "DEEP LEARNING.", "authors": [{"name": "A. Lee"}], "published": "2020"}
    c = {"doi": "10.1000/X", "title": "Something else"}
    d = {"title": "Deep learning", "authors": [{"name": "Ann Lee"}], "published": "2021"}
    groups = group([(n, record_keys(r)) for n, r in enumerate([a, b, c, d])])
    assert groups == [[0, 1, 2]]


def test_records_without_keys_are_never_grouped() -> None:
    assert group([(0, record_keys({"title": "T"})), (1, record_keys({"title": "T"}))]) == []


def test_merge_keeps_every_distinct_value_with_its_source() -> None:
    first = {"title": "T", "doi": "10.1000/x", "journal": {"name": "J"}}
    second = {"title": "T (preprint)", "doi": "10.1000/x", "citation_count": 3}
    merged = merge([(Source("a.json", None), first), (Source("b.jsonl", 7), second)])
    assert merged["title"] == "T" and merged["citation_count"] == 3 and merged["journal"] == {"name": "J"}
    assert merged["merged_from"] == [{"file": "b.jsonl", "line": 7, "differs": {"title": "T (preprint)"}}]


def make_batch(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "a.txt")
    shutil.copy(SEED, src / "b.txt")
    other = json.dumps({"title": "Another paper", "doi": "10.1000/other"})
    (src / "c.jsonl").write_text(f"{SEED_LINE}\n{other}\n", encoding="utf-8")
    return src


def test_dedupe_merges_across_files_and_the_result_is_clean(tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(src), "-o", str(out), "--dedupe"])
    assert result.exit_code == 0, result.stderr
    assert "merged 3 copies of 1 paper" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "c.jsonl"]
    merged = json.loads((out / "a.json").read_text())
    assert [m["file"] for m in merged["merged_from"]] == [str(src / "b.txt"), str(src / "c.jsonl")]
    assert [json.loads(line)["doi"] for line in (out / "c.jsonl").read_text().splitlines()] == ["10.1000/other"]
    assert runner.invoke(app, ["check", str(out)]).exit_code == 0


def test_dedupe_report_lists_without_writing(tmp_path: Path) -> None:
    src = make_batch(tmp_path)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    result = runner.invoke(app, ["dedupe", str(src), "--report"])
    assert result.exit_code == 0, result.stderr
    (found,) = json.loads(result.stdout)
    assert [(Path(r["file"]).name, r["line"]) for r in found["records"]] == [("a.txt", None), ("b.txt", None),
                                                                              ("c.jsonl", 1)]
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


def test_dedupe_needs_somewhere_to_write() -> None:
    assert runner.invoke(app, ["clean", str(SEED), "--dedupe"]).exit_code == 2
    assert runner.invoke(app, ["dedupe", str(SEED)]).exit_code == 2
