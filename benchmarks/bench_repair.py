"""Speed of the repair_text pass against running ftfy.fix_text on every string field.

    python benchmarks/bench_repair.py [--repeat N]

Inputs (from ../shared next to the repo): the public corpus records as the pass sees them (after
unwrap_json), the clean Semantic Scholar records, and the same records damaged the way
aggregators damage them (UTF-8 read as Windows-1252, GBK read as Latin-1, UTF-8 read as GBK,
HTML entities, JATS tags, zero-width characters, line breaks in titles). Throughput is the UTF-8
size of all string fields (witnesses included: the pass repairs them too) divided by the best
CPU time (``time.process_time``) of ``--repeat`` runs: on a shared machine wall time mostly
measures the neighbours.
"""
from __future__ import annotations

import argparse
import html
import json
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import ftfy

from metaclean.passes.repair_text import repair_text
from metaclean.passes.unwrap import unwrap_json
from metaclean.record import Record

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ZH_TITLE = "伊朗在阿塞拜疆的“圣战外交”形成时期：基于深度学习的研究"


def strings(value: Any) -> Iterator[str]:
    """Yield every string in a nested value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def map_strings(value: Any, fix: Callable[[str], str]) -> Any:
    """Return ``value`` with ``fix`` applied to every string (ftfy-on-every-field)."""
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, dict):
        return {k: map_strings(v, fix) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, fix) for v in value]
    return value


def public_records() -> list[Record]:
    """The public corpus, unwrapped as the pipeline would hand it to repair_text."""
    records = []
    for path in sorted((SHARED / "corpus" / "public").glob("p*")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines() if path.suffix == ".jsonl" else [text]
        for line in lines:
            data, _ = json.JSONDecoder().raw_decode(line)
            records.append(unwrap_json(Record(data)))
    return records


def s2_records() -> list[dict]:
    """The clean Semantic Scholar records."""
    with open(SHARED / "data" / "s2-papers.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


DAMAGES: tuple[Callable[[str, str], str], ...] = (
    lambda key, s: s.encode("utf-8").decode("windows-1252", "replace"),
    lambda key, s: f"<jats:title>Abstract</jats:title><jats:p>{html.escape(s)}</jats:p>" if key == "abstract"
    else html.escape(s),
    lambda key, s: s.replace(" ", "\u200b \n ", 2) if key == "title" else s.replace("e", "e\u00ad", 3),
)


def damage(record: dict, index: int) -> dict:
    """Damage every top-level string field of a record (the kind of damage cycles per record)."""
    hurt = DAMAGES[index % len(DAMAGES)]
    out = {k: hurt(k, v) if isinstance(v, str) else v for k, v in record.items()}
    if index % 4 == 0:
        out["TitleCN"] = ZH_TITLE.encode("gbk").decode("latin-1")
    elif index % 4 == 1:
        out["TitleCN"] = ZH_TITLE.encode("utf-8").decode("gbk", "replace")
    return out


def fields(record: Record) -> list[Any]:
    """The data the pass repairs: the record's fields and each witness's."""
    return [record.data, *(w.data for w in record.witnesses)]


def size_mb(records: list[Record]) -> float:
    return sum(len(s.encode("utf-8")) for r in records for s in strings(fields(r))) / 1e6


def best_time(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()  # CPU time: steadier than wall time on a shared machine
        run()
        best = min(best, time.process_time() - start)
    return best


def measure(name: str, records: list[Record], repeat: int) -> tuple[str, float, float, float, int]:
    """Return (set, MB, repair MB/s, ftfy MB/s, records the pass changed)."""
    mb = size_mb(records)
    ours = best_time(lambda: [repair_text(r) for r in records], repeat)
    theirs = best_time(lambda: [map_strings(fields(r), ftfy.fix_text) for r in records], repeat)
    changed = sum(repair_text(r) is not r for r in records)
    return name, mb, mb / ours, mb / theirs, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    public = public_records()
    clean = [Record(r) for r in s2_records()]
    damaged = [Record(damage(r.data, i)) for i, r in enumerate(clean)]
    rows = [
        measure("public corpus", public * 10, args.repeat),
        measure("s2 clean", clean, args.repeat),
        measure("s2 damaged", damaged, args.repeat),
    ]
    print(f"{'input':<16}{'records':>8}{'MB':>8}{'changed':>9}{'repair MB/s':>13}{'ftfy MB/s':>11}{'speed-up':>10}")
    for (name, mb, ours, theirs, changed), n in zip(rows, (len(public) * 10, len(clean), len(damaged))):
        print(f"{name:<16}{n:>8}{mb:>8.2f}{changed:>9}{ours:>13.1f}{theirs:>11.1f}{ours / theirs:>9.1f}x")


if __name__ == "__main__":
    main()
