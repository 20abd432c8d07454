"""Where metaclean's time goes: per-pass time shares, records/s per pass on clean vs damaged
records, and cProfile (plus pyinstrument, when installed) over ~20 MB of the benchmark JSONL.

    python benchmarks/profile_batch.py                 # prints markdown (the body of profile.md)
    python benchmarks/profile_batch.py --mb 20 --records 3000 > benchmarks/profile.md

It runs the installed ``metaclean`` in this process (the passes one by one, timed around each
call, the way ``metaclean.pipeline.run_passes`` calls them), so numbers are for one core.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io as stdio
import os
import platform
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus  # noqa: E402

from metaclean import io as mio  # noqa: E402
from metaclean.passes import PASSES, finish  # noqa: E402
from metaclean.pipeline import clean, diff  # noqa: E402
from metaclean.record import Record  # noqa: E402

KINDS = (("s2", "raw S2 records (clean, not the aggregator's format)"),
         ("aggregator_clean", "aggregator format, no damage (Chinese fields absent, resultStr inner copy)"),
         ("damaged", "aggregator format, the benchmark's damage mix"))


def read_prefix(path: Path, mb: float) -> list[bytes]:
    """The first ``mb`` MB of a JSONL file, as lines."""
    lines, total = [], 0
    with path.open("rb") as f:
        for line in f:
            lines.append(line)
            total += len(line)
            if total >= mb * 1e6:
                break
    return lines


NOOP: dict[str, list] = defaultdict(lambda: [0, 0.0])  # pass -> [records it left unchanged, CPU s spent on them]


def time_passes(values: list[dict], repeat: int = 1) -> dict[str, float]:
    """Seconds spent in each pass (and in reading, finishing, writing, explaining) over ``values``."""
    spent: dict[str, float] = defaultdict(float)
    clock = time.process_time  # CPU time: other work on the machine does not count
    for _ in range(repeat):
        for data in values:
            record = Record(data)
            for p in PASSES:
                t = clock()
                new = p(record)
                took = clock() - t
                spent[p.__name__] += took
                if new is record:  # the pass had nothing to do: what a fast path could save
                    NOOP[p.__name__][0] += 1
                    NOOP[p.__name__][1] += took
                elif new.reasons:
                    new = new.evolve(reasons={})
                record = new
            t = clock()
            out = finish(record)
            spent["finish"] += clock() - t
            t = clock()
            mio.dumps(out)
            spent["(write: orjson.dumps)"] += clock() - t
    return {k: v / repeat for k, v in spent.items()}


def time_explain_diff(values: list[dict]) -> float:
    """Seconds the pipeline's deep ``diff`` costs per pass when --explain is on."""
    total = 0.0
    for data in values:
        record = Record(data)
        for p in PASSES:
            new = p(record)
            if new is not record:
                t = time.process_time()
                for _ in diff(record.data, new.data):
                    pass
                total += time.process_time() - t
            record = new.evolve(reasons={}) if new.reasons else new
    return total


def pass_table(values: list[dict], nbytes: int, label: str) -> str:
    """Markdown: per pass, seconds, share and records/s."""
    gc.collect()
    NOOP.clear()
    spent = time_passes(values)
    total = sum(spent.values())
    rows = [f"**{label}**: {len(values)} records, {nbytes / 1e6:.1f} MB; total {total:.2f} s "
            f"= {len(values) / total:,.0f} records/s, {nbytes / 1e6 / total:.2f} MB/s (CPU time, one core, no file I/O)", "",
            "| step | CPU s | share | records/s | records left unchanged | CPU s on those |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, sec in sorted(spent.items(), key=lambda kv: -kv[1]):
        rate = f"{len(values) / sec:,.0f}" if sec else "-"
        is_pass = not name.startswith("(") and name != "finish"
        unchanged, wasted = NOOP.get(name, [0, 0.0]) if is_pass else ("", None)
        share = f"{100 * unchanged / len(values):.0f}%" if is_pass else "-"
        rows.append(f"| `{name}` | {sec:.3f} | {100 * sec / total:.1f}% | {rate} | {share} | "
                    f"{f'{wasted:.3f}' if wasted is not None else '-'} |")
    return "\n".join(rows)


def pstats_table(profile: cProfile.Profile, sort: str, limit: int) -> str:
    out = stdio.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(sort)
    rows = ["| ncalls | tottime | cumtime | function |", "| ---: | ---: | ---: | --- |"]
    for func in stats.fcn_list[:limit]:  # type: ignore[attr-defined]
        cc, nc, tt, ct, _ = stats.stats[func]  # type: ignore[attr-defined]
        filename, line, name = func
        where = f"{Path(filename).name}:{line}" if line else filename
        if "site-packages" in filename or "/lib/python" in filename:
            where = f"{filename.split('site-packages/')[-1].split('/lib/python3.11/')[-1]}:{line}"
        calls = f"{nc}" if nc == cc else f"{nc}/{cc}"
        rows.append(f"| {calls} | {tt:.3f} | {ct:.3f} | `{where}({name})` |")
    return "\n".join(rows)


def run_cli_loop(lines: list[bytes]) -> None:
    """What one worker does for a JSONL file, minus the file I/O: parse, clean, render."""
    for line in lines:
        result = clean(orjson.loads(line))
        if result.record is not None:
            mio.dumps(result.record)


# --- what-if: the recommendations of profile.md, tried by patching the installed package --------

EN_FUNCTION_WORDS = frozenset(
    "the of and in for on with to a an from by using towards toward through between into its is are via "
    "based under".split())
LOWER_WORD = re.compile(r"[a-z]+")


def what_if(lines: list[bytes]) -> str:
    """CPU time of parse + clean + render with each recommendation patched in, cumulatively.

    The patches keep the answers (E3, E4) or are checked against eld on the 772 S2 titles (E2: 531
    answered, 0 disagreements when measured); they are experiments, not the fix. (E1, reading the
    abstract only when the title is unsure, landed in 5d011bd.)
    """
    import collections.abc

    from metaclean import lang, script
    import metaclean.passes.translations as tr

    def bench() -> float:
        values = [orjson.loads(line) for line in lines]
        clean(values[0])
        gc.collect()
        t = time.process_time()
        for v in values:
            result = clean(v)
            if result.record is not None:
                mio.dumps(result.record)
        return time.process_time() - t

    original_detect, original_cjk = lang.detect_record_language, script.is_cjk_text

    def english_first(title: str | None, abstract: str | None = None) -> str | None:
        if title and title.isascii():
            words = LOWER_WORD.findall(title.lower())
            if len(words) >= 4 and sum(w in EN_FUNCTION_WORDS for w in words) >= 2:
                return "en"
        return original_detect(title, abstract)

    def fast_is_cjk(text: str) -> bool:
        return not (text.isascii() or not script.CJK.search(text)) and original_cjk(text)

    modules = [m for m in list(sys.modules.values())
               if getattr(m, "__name__", "").startswith("metaclean") and getattr(m, "Mapping", None) is not None]
    saved = {m: m.Mapping for m in modules}
    mb = sum(map(len, lines)) / 1e6
    rows = ["| variant (cumulative) | CPU s | MB/s | records/s | gain |", "| --- | ---: | ---: | ---: | ---: |"]
    base = None
    steps = (
        ("as installed", lambda: None),
        ("E2 English function-word fast path before eld", lambda: setattr(tr, "detect_record_language", english_first)),
        ("E3 + `is_cjk_text`: `isascii()` / `CJK.search` before two `findall`s", lambda: setattr(tr, "is_cjk_text", fast_is_cjk)),
        ("E4 + `collections.abc.Mapping` for `typing.Mapping` in isinstance", lambda: [setattr(m, "Mapping", collections.abc.Mapping) for m in modules]),
        ("E4b + `dict` instead (records are dicts)", lambda: [setattr(m, "Mapping", dict) for m in modules]),
    )
    try:
        for label, patch in steps:
            patch()
            sec = bench()
            base = base or sec
            rows.append(f"| {label} | {sec:.2f} | {mb / sec:.2f} | {len(lines) / sec:,.0f} | {base / sec:.2f}x |")
    finally:
        tr.detect_record_language, tr.is_cjk_text = original_detect, original_cjk
        for m, v in saved.items():
            m.Mapping = v
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20, help="MB of the benchmark JSONL to profile (default 20)")
    ap.add_argument("--size-mb", type=float, default=20, help="size of the corpus file to take it from")
    ap.add_argument("--records", type=int, default=3000, help="records per kind for the clean-vs-damaged table")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--what-if-mb", type=float, default=5, help="MB for the what-if table (0: skip it)")
    ap.add_argument("--what-if-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--pstats", type=Path, default=make_corpus.OUT / "profile.pstats")
    args = ap.parse_args(argv)

    path = make_corpus.build(max(args.size_mb, args.mb))
    lines = read_prefix(path, args.mb)
    nbytes = sum(map(len, lines))
    values = [orjson.loads(line) for line in lines]
    import metaclean

    print("# Where metaclean's time goes\n")
    print(f"metaclean {metaclean.__version__} ({Path(metaclean.__file__).parent}), Python "
          f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}. Input: the first {nbytes / 1e6:.1f} MB "
          f"({len(values)} records) of `{path.relative_to(make_corpus.ROOT)}` (`benchmarks/make_corpus.py`). "
          f"Command: `python benchmarks/profile_batch.py --mb {args.mb:g} --records {args.records}`.\n")

    print("## Time per pass, over the benchmark JSONL\n")
    t = time.process_time()
    read = [orjson.loads(line) for line in lines]
    read_s = time.process_time() - t
    print(pass_table(values, nbytes, "benchmark JSONL (damaged mix)"))
    print(f"\nReading (orjson.loads of the lines, not in the table): {read_s:.3f} s. "
          f"The deep `diff` that `--explain` adds after each pass that changed something: "
          f"{time_explain_diff(values[:2000]):.3f} s per 2,000 records.\n")
    del read

    print("## Records/s per pass: clean vs damaged records\n")
    for kind, label in KINDS:
        kv = make_corpus.records(kind, args.records)
        kbytes = sum(len(orjson.dumps(v)) for v in kv)
        print(pass_table(kv, kbytes, f"{kind}: {label}"))
        print()

    if args.what_if_only:
        print(what_if(read_prefix(path, args.what_if_mb)))
        return
    if args.what_if_mb:
        sub = read_prefix(path, args.what_if_mb)
        print(f"## What if: the recommendations, patched in ({sum(map(len, sub)) / 1e6:.1f} MB, {len(sub)} records)\n")
        print(what_if(sub))
        print()

    print(f"## cProfile: parse + clean + render, {len(lines)} records, one core\n")
    profile = cProfile.Profile()
    t = time.process_time()
    profile.runcall(run_cli_loop, lines)
    wall = time.process_time() - t
    profile.dump_stats(args.pstats)
    print(f"CPU time under cProfile: {wall:.1f} s (cProfile roughly doubles it). Raw stats: "
          f"`{args.pstats.relative_to(make_corpus.ROOT)}`.\n")
    print(f"### Top {args.top} by cumulative time\n")
    print(pstats_table(profile, "cumulative", args.top))
    print(f"\n### Top {args.top} by self time\n")
    print(pstats_table(profile, "tottime", args.top))

    try:
        from pyinstrument import Profiler
    except ImportError:
        print("\n(pyinstrument: not available)")
        return
    sub = lines[: max(1, len(lines) // 4)]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    run_cli_loop(sub)
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    print(f"\n## pyinstrument (statistical, {len(sub)} records)\n\n```")
    print("\n".join(text.splitlines()[:90]))
    print("```")


if __name__ == "__main__":
    main()
