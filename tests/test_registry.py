"""Every pass is documented, has golden cases, a unique name; the pipeline is idempotent."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import metaclean
from metaclean import io
from metaclean.passes import PASSES
from metaclean.pipeline import clean

from conftest import CORPUS, SAMPLES

CASES = Path(__file__).parent / "cases"


def test_pass_names_are_unique_and_verb_object() -> None:
    names = [p.__name__ for p in PASSES]
    assert len(names) == len(set(names))
    assert all("_" in n and n.islower() for n in names)


@pytest.mark.parametrize("p", PASSES, ids=lambda p: p.__name__)
def test_every_pass_is_documented_with_an_example(p) -> None:
    doc = inspect.getdoc(p) or ""
    first = doc.splitlines()[0] if doc else ""
    assert first.endswith(".") and len(first) <= 100, f"{p.__name__}: one-line imperative summary"
    assert ">>>" in doc, f"{p.__name__}: a doctest-sized example"


@pytest.mark.parametrize("p", PASSES, ids=lambda p: p.__name__)
def test_every_pass_has_golden_cases(p) -> None:
    assert list((CASES / p.__name__).glob("*.in.json")), f"tests/cases/{p.__name__}/ has no golden pair"


def _inputs() -> list[Path]:
    found = sorted((SAMPLES / "input").iterdir())
    if CORPUS.is_dir():
        found += sorted(f for f in CORPUS.iterdir() if f.name != "truth.json")
    return found


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name)
def test_cleaning_twice_equals_cleaning_once(path: Path) -> None:
    for item in io.read_path(path).items:
        once = clean(item.value, page=item.page).record
        twice = metaclean.clean_record(once)
        assert twice == once
        assert list(twice) == list(once)  # the key order too


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name)
def test_every_pass_leaves_a_clean_record_alone(path: Path) -> None:
    from metaclean.record import Record

    for item in io.read_path(path).items:
        once = clean(item.value, page=item.page).record
        for p in PASSES:
            record = Record(once)
            assert p(record).data == once, p.__name__
