"""The cache of derived tables: read back when its stamp matches, rebuilt otherwise, never required."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from metaclean import cache, lang

TEXTS = ["La gran pantalla como laboratorio", "Inteligência artificial e o teste de Turing",
         "Künstliche Intelligenz in der Radiologie", "Machine learning for crop yield prediction",
         "Türkiye'de yapay zekâ politikaları", "Искусственный интеллект в медицине", "x"]


class Builder:
    def __init__(self, value: object) -> None:
        self.value, self.calls = value, 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("METACLEAN_CACHE", str(where))
    return where


def test_a_table_is_built_once_then_read_back(folder: Path) -> None:
    build = Builder({b"gram": b"\x01\x02", "n": [1, 2.5]})
    first = cache.table("t", "k1", build)
    again = cache.table("t", "k1", build)
    assert first == again == build.value and build.calls == 1
    assert [p.name for p in folder.iterdir()] == ["t-k1.marshal"]  # no temporary file left


def test_another_stamp_is_another_table(folder: Path) -> None:
    cache.table("t", "k1", Builder("old"))
    assert cache.table("t", "k2", Builder("new")) == "new"
    assert cache.table("t", "k1", Builder("unused")) == "old"


def test_a_damaged_file_is_rebuilt(folder: Path) -> None:
    cache.table("t", "k1", Builder([1, 2, 3]))
    (folder / "t-k1.marshal").write_bytes(b"\x00garbage")
    build = Builder([1, 2, 3])
    assert cache.table("t", "k1", build) == [1, 2, 3] and build.calls == 1
    assert cache.table("t", "k1", Builder("unused")) == [1, 2, 3]


def test_a_file_of_another_key_under_the_name_is_not_believed(folder: Path) -> None:
    cache.table("t", "k2", Builder("k2's"))
    (folder / "t-k2.marshal").rename(folder / "t-k1.marshal")
    assert cache.table("t", "k1", Builder("k1's")) == "k1's"


def test_nothing_is_built_or_kept_when_the_cache_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METACLEAN_CACHE", "off")
    build = Builder("value")
    assert cache.table("t", "k1", build) is None and build.calls == 0


def test_a_folder_that_cannot_be_made_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("METACLEAN_CACHE", str(tmp_path / "file" / "cache"))
    build = Builder("value")
    assert cache.table("t", "k1", build) is None and build.calls == 0


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("METACLEAN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "metaclean"


def test_a_stamp_changes_with_its_files(tmp_path: Path) -> None:
    source = tmp_path / "data.py"
    source.write_text("x = 1\n")
    before = cache.stamp("maker", 1, files=(source,))
    os.utime(source, ns=(1, 1))
    assert cache.stamp("maker", 1, files=(source,)) != before


@pytest.fixture
def fresh_scorer():
    lang._ngram_scorer.cache_clear()
    yield
    lang._ngram_scorer.cache_clear()


@pytest.mark.usefixtures("fresh_scorer")
def test_eld_weights_from_the_cache_score_as_eld(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    detector = lang._detector()
    built = lang._ngram_scorer()
    assert len(list(folder.glob("eld-weights-*.marshal"))) == 1
    lang._ngram_scorer.cache_clear()
    monkeypatch.setattr(lang, "_packed_weights", lambda: pytest.fail("rebuilt though kept"))
    loaded = lang._ngram_scorer()
    for text in TEXTS:
        expected = list(detector.detect(text).scores().items())
        assert list(built(text).items()) == list(loaded(text).items()) == expected, text


@pytest.mark.usefixtures("fresh_scorer")
def test_eld_weights_without_a_cache_score_as_eld(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METACLEAN_CACHE", "off")
    monkeypatch.setattr(lang, "_packed_weights", lambda: pytest.fail("packed with no cache to keep them"))
    scorer = lang._ngram_scorer()
    for text in TEXTS:
        assert list(scorer(text).items()) == list(lang._detector().detect(text).scores().items()), text
