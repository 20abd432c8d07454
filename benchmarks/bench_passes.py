"""Warm CPU time per record of each pass, in one process: which pass costs what.

    python benchmarks/bench_passes.py                                  # 4,000 records of the 20 MB corpus
    python benchmarks/bench_passes.py --records 1000 path/to/file.jsonl

The records (JSONL lines) are parsed fresh for each of four rounds; each pass runs over all of
them (as ``pipeline.clean_many`` does), timed with ``time.process_time``; the first round warms
the lazily loaded tables (eld's model, the word list) and the best of the other three is kept.
The cycle collector runs with ``metaclean clean``'s thresholds. Run two versions alternately (``PYTHONPATH=<checkout>``) to compare them on a shared machine.
"""
from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import orjson

from metaclean.batch import GC_THRESHOLDS
from metaclean.passes import PASSES, finish
from metaclean.pipeline import Run, _step
from metaclean.record import Record

DEFAULT = Path(__file__).resolve().parent / "out" / "big-20mb-s6.jsonl"  # make_corpus.py --size-mb 20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--records", type=int, default=4000)
    args = ap.parse_args()
    lines = args.path.read_bytes().splitlines()[: args.records]
    gc.set_threshold(*GC_THRESHOLDS)  # as `metaclean clean` runs: otherwise the collector's walks of the
    # thousands of records held here land on whichever pass happens to allocate then
    best: dict[str, float] = {}
    for round_ in range(4):
        runs = [Run(Record(orjson.loads(line)), [], [], []) for line in lines]
        records = [run.record for run in runs]
        for p in PASSES:
            start = time.process_time()
            records = [_step(p, record, run, False, None, None) for record, run in zip(records, runs)]
            if round_:
                best[p.__name__] = min(best.get(p.__name__, float("inf")), time.process_time() - start)
        start = time.process_time()
        for record in records:
            orjson.dumps(finish(record))
        if round_:
            best["finish + orjson.dumps"] = min(best.get("finish + orjson.dumps", float("inf")), time.process_time() - start)
    print(f"{len(lines)} records of {args.path.name}; warm CPU µs per record, best of 3")
    for name, seconds in best.items():
        print(f"{name:24s} {seconds * 1e6 / len(lines):7.1f}")
    print(f"{'all':24s} {sum(best.values()) * 1e6 / len(lines):7.1f}")


if __name__ == "__main__":
    main()
