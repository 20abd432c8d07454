"""Batch runs: parallel workers in input order, in-place rewrites, check, reports, interruptions."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEED
from metaclean import batch
from metaclean.cli import app

runner = CliRunner()
SEED_RECORD = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])


def numbered_jsonl(path: Path, n: int) -> Path:
    """n aggregator records whose DOIs number them, so that order can be checked."""
    small = {k: v for k, v in SEED_RECORD.items() if k not in ("abstract", "resultStr")}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({**small, "doi": f"10.1000/n{i}", "title": f"Paper number {i}"}, ensure_ascii=False) + "\n")
    return path


def test_jsonl_is_cut_into_chunks_on_line_boundaries(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "CHUNK_BYTES", 4096)
    src = numbered_jsonl(tmp_path / "big.jsonl", 300)
    job = batch.Job(str(src), str(src), Path("big.jsonl"))
    chunks = list(batch.chunks(job))
    assert len(chunks) > 3 and chunks[-1].last and not any(c.last for c in chunks[:-1])
    assert b"".join(c.data for c in chunks) == src.read_bytes()
    assert [c.first_line for c in chunks] == [1 + sum(c.data.count(b"\n") for c in chunks[:i]) for i in range(len(chunks))]


def test_ranges_are_line_ranges_that_cover_the_file(tmp_path: Path) -> None:
    src = numbered_jsonl(tmp_path / "big.jsonl", 500)
    job = batch.Job(str(src), str(src), Path("big.jsonl"))
    parts = list(batch.ranges(job, size=10_000))
    data = src.read_bytes()
    assert len(parts) > 5 and parts[-1].last and not any(p.last for p in parts[:-1])
    assert parts[0].span[0] == 0 and parts[-1].span[1] == len(data) and all(p.data is None for p in parts)
    for a, b in zip(parts, parts[1:]):
        assert a.span[1] == b.span[0] and data[a.span[1] - 1:a.span[1]] == b"\n"
        assert b.first_line == a.first_line + data[a.span[0]:a.span[1]].count(b"\n")


def test_a_named_pipe_is_cut_into_slices_not_read_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "CHUNK_BYTES", 4096)
    src = numbered_jsonl(tmp_path / "big.jsonl", 300)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat '{src}' > '{fifo}'"])
    parts = list(batch.ranges(batch.Job(str(fifo), str(fifo), Path("pipe.jsonl"))))
    writer.wait(timeout=30)
    assert len(parts) > 3 and all(p.data is not None for p in parts)
    assert b"".join(p.data for p in parts) == src.read_bytes()


def test_a_file_changed_after_it_was_cut_is_an_issue_and_not_half_written(tmp_path: Path) -> None:
    src = numbered_jsonl(tmp_path / "big.jsonl", 300)
    job = batch.Job(str(src), str(src), Path("big.jsonl"))
    parts = list(batch.ranges(job, size=4096))
    dones = [batch.clean_chunk(parts[0], batch.Options())]
    numbered_jsonl(src, 200)  # rewritten while the first range was being cleaned
    dones += [batch.clean_chunk(p, batch.Options()) for p in parts[1:]]
    (report,) = batch.collect(iter(dones), output=tmp_path / "out")
    assert report.output is None and list((tmp_path / "out").iterdir()) == []  # no half file, no temporary
    first = report.issues[0]
    assert "changed while it was being cleaned" in first.message and first.line == parts[1].first_line
    assert [i.message for i in report.issues[1:]] == [f"{tmp_path / 'out' / 'big.jsonl'} not written: part of the input could not be read"]
    assert report.written == 0  # said once, not once per later range; and nothing counted as written


def test_a_first_part_that_fails_loses_the_output_and_says_so(tmp_path: Path) -> None:
    src = numbered_jsonl(tmp_path / "big.jsonl", 300)
    parts = list(batch.ranges(batch.Job(str(src), str(src), Path("big.jsonl")), size=4096))
    dones = [batch.clean_chunk(p, batch.Options()) for p in parts]
    dones[0] = batch._failed(parts[0], batch.Issue(str(src), 1, "partition 0 failed on the cluster"), 0.0)
    (report,) = batch.collect(iter(dones), output=tmp_path / "out")
    assert report.output is None and report.written == 0 and not (tmp_path / "out").exists()
    assert [i.message for i in report.issues] == ["partition 0 failed on the cluster",
                                                  "cleaned output incomplete: part of the input could not be read"]


def test_parallel_run_names_the_line_of_a_bad_record(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "CHUNK_BYTES", 8192)
    src = numbered_jsonl(tmp_path / "big.jsonl", 400)
    lines = src.read_text().splitlines(keepends=True)
    src.write_text("".join(lines[:250]) + '{"broken\n' + "".join(lines[250:]))
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "--jobs", "2", "--errors", str(errors)])
    assert result.exit_code == 1
    (failed,) = [json.loads(line) for line in errors.read_text().splitlines()]
    assert failed["line"] == 251 and failed["raw"] == '{"broken'
    assert len((tmp_path / "out" / "big.jsonl").read_text().splitlines()) == 400


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parallel_output_keeps_input_order(tmp_path: Path, monkeypatch, jobs: str) -> None:
    monkeypatch.setattr(batch, "CHUNK_BYTES", 8192)
    src = numbered_jsonl(tmp_path / "big.jsonl", 400)
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(src), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 0, result.stderr
    dois = [json.loads(line)["doi"] for line in (out / "big.jsonl").read_text().splitlines()]
    assert dois == [f"10.1000/n{i}" for i in range(400)]


def test_parallel_and_serial_runs_give_identical_bytes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        shutil.copy(SEED, src / f"seed{i}.txt")
    numbered_jsonl(src / "lines.jsonl", 50)
    runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "one"), "--jobs", "1"])
    runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "two"), "--jobs", "2"])
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert one == two and len(one) == 7


def test_in_place_rewrites_atomically_and_twice_is_once(tmp_path: Path) -> None:
    target = tmp_path / "record.txt"
    shutil.copy(SEED, target)
    target.chmod(0o640)
    result = runner.invoke(app, ["clean", "--in-place", str(target)])
    assert result.exit_code == 0, result.stderr
    once = target.read_bytes()
    assert json.loads(once)["doi"] == "10.1080/21567689.2023.2262392"
    assert target.stat().st_mode & 0o777 == 0o640
    runner.invoke(app, ["clean", "--in-place", str(target)])
    assert target.read_bytes() == once
    assert [p.name for p in tmp_path.iterdir()] == ["record.txt"]


def test_in_place_on_a_jsonl_cut_into_ranges_for_two_workers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "CHUNK_BYTES", 8192)
    src = numbered_jsonl(tmp_path / "big.jsonl", 400)
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["clean", "--in-place", str(src), "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert src.read_bytes() == (tmp_path / "out" / "big.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out"]


def test_in_place_refuses_stdin_and_output() -> None:
    assert runner.invoke(app, ["clean", "--in-place", "-"]).exit_code == 2
    assert runner.invoke(app, ["clean", "--in-place", str(SEED), "-o", "x"]).exit_code == 2


def test_check_lists_what_would_change_and_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(SEED)])
    assert result.exit_code == 1
    assert "would change" in result.stdout and "restore_originals:title" in result.stdout
    clean_dir = tmp_path / "clean"
    runner.invoke(app, ["clean", str(SEED), "-o", str(clean_dir)])
    result = runner.invoke(app, ["check", str(clean_dir)])
    assert result.exit_code == 0, result.stdout
    assert not list(tmp_path.glob("clean/*.tmp"))


def test_report_file_summarizes_the_run(tmp_path: Path) -> None:
    src = numbered_jsonl(tmp_path / "lines.jsonl", 5)
    with src.open("a") as f:
        f.write('{"broken\n')
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["clean", str(src), str(SEED), "-o", str(tmp_path / "out"), "--report", str(report)])
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    assert data["inputs"] == 2 and data["records_read"] == 7 and data["records_written"] == 6
    assert data["records_failed"] == 1 and data["inputs_with_issues"] == 1
    assert data["repairs_by_pass"]["normalize_fields"] == 6
    assert {s["file"] for s in data["slowest_inputs"]} == {str(src), str(SEED)}


def test_a_file_that_disappears_mid_run_is_an_issue(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "a.txt")
    shutil.copy(SEED, src / "b.txt")
    jobs, _ = batch.plan([str(src)])
    (src / "a.txt").unlink()  # listed, then gone before it is read
    reports = list(batch.collect(batch.run(jobs, batch.Options()), output=tmp_path / "out"))
    assert "cannot read" in reports[0].issues[0].message and reports[0].output is None
    assert reports[1].output is not None and not reports[1].issues


def installed() -> str:
    exe = shutil.which("metaclean")
    if exe is None:
        pytest.skip("the metaclean command is not installed (pip install -e .)")
    return exe


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_run_leaves_only_whole_files_and_rerun_finishes(tmp_path: Path, sig: int) -> None:
    exe = installed()
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        numbered_jsonl(src / f"part{i:02d}.jsonl", 400)
    out = tmp_path / "out"
    proc = subprocess.Popen([exe, "clean", str(src), "-o", str(out), "-q"], stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not (out.is_dir() and any(out.glob("*.jsonl"))):
        time.sleep(0.02)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert b"Traceback" not in stderr
    for path in out.iterdir():
        assert not path.name.startswith("."), f"temporary file left: {path.name}"
        assert len(path.read_text().splitlines()) == 400
    done = subprocess.run([exe, "clean", str(src), "-o", str(out), "-q"], capture_output=True, check=False)
    assert done.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == [f"part{i:02d}.jsonl" for i in range(40)]


def test_a_single_100_mb_record(tmp_path: Path) -> None:
    exe = installed()
    words = " ".join(f"word{i % 997}" for i in range(10_000))
    abstract = (words + ". ") * (100 * 2**20 // (len(words) + 2))
    src = tmp_path / "huge.json"
    src.write_text(json.dumps({"title": "伊朗", "abstract": abstract, "resultStr": json.dumps({"title": "Huge"})}))
    assert src.stat().st_size > 100 * 10**6
    p = subprocess.run([exe, "clean", str(src), "-o", str(tmp_path / "out"), "-q"], capture_output=True, check=False)
    assert p.returncode == 0, p.stderr[-500:]
    out = json.loads((tmp_path / "out" / "huge.json").read_text())
    assert out["title"] == "Huge" and len(out["abstract"]) == len(abstract.strip())


def test_default_workers_is_the_usable_cores() -> None:
    assert batch.default_workers() == len(os.sched_getaffinity(0))
