"""Golden pairs per pass: tests/cases/<pass>/<slug>.in.json -> <slug>.out.json.

``in.json`` is ``{"data": {...}, "page": "...", "witnesses": {"resultStr": {...}}}`` (page and
witnesses optional): the Record given to the pass alone. ``out.json`` is ``{"data": {...}}``, the
record's fields after that pass (and ``"witnesses"`` when the case is about them). Adding a case is
adding two files.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from metaclean.passes import PASSES
from metaclean.record import Record, Witness

CASES = Path(__file__).parent / "cases"
BY_NAME = {p.__name__: p for p in PASSES}


def _cases() -> list:
    found = []
    for inp in sorted(CASES.glob("*/*.in.json")):
        out = inp.with_name(inp.name.replace(".in.json", ".out.json"))
        found.append(pytest.param(inp.parent.name, inp, out, id=f"{inp.parent.name}/{inp.name[:-8]}"))
    return found


def load_case(inp: Path) -> Record:
    """Build the Record a golden case describes."""
    case = json.loads(inp.read_text(encoding="utf-8"))
    witnesses = tuple(Witness(k, v) for k, v in (case.get("witnesses") or {}).items())
    return Record(case["data"], witnesses=witnesses, page=case.get("page", ""))


@pytest.mark.parametrize(("pass_name", "inp", "out"), _cases())
def test_golden(pass_name: str, inp: Path, out: Path) -> None:
    assert pass_name in BY_NAME, f"cases/{pass_name} names no pass"
    assert out.is_file(), f"{out.name} is missing"
    record = load_case(inp)
    result = BY_NAME[pass_name](record)
    expected = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(result.data, ensure_ascii=False)) == expected["data"]
    if "witnesses" in expected:
        assert {w.source: dict(w.data) for w in result.witnesses} == expected["witnesses"]


@pytest.mark.parametrize("p", PASSES, ids=lambda p: p.__name__)
def test_pass_leaves_input_alone(p) -> None:
    """Passes are pure: they never mutate the record they are given."""
    for inp in sorted(CASES.glob("*/*.in.json")):
        record = load_case(inp)
        snapshot = json.dumps(record.data, sort_keys=True, ensure_ascii=False)
        p(record)
        assert json.dumps(record.data, sort_keys=True, ensure_ascii=False) == snapshot, inp.name
