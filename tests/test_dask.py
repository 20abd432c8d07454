"""The Dask engine: same outputs as the local engine, partitions on line boundaries, dead workers survived."""
from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEED, need, CORPUS
from metaclean import batch
from metaclean.cli import app

distributed = pytest.importorskip("distributed")
from metaclean.engine_dask import DaskEngine, partitions  # noqa: E402

runner = CliRunner()
SEED_RECORD = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])


def numbered_jsonl(path: Path, n: int, abstract: bool = False) -> Path:
    keep = {k: v for k, v in SEED_RECORD.items() if abstract or k not in ("abstract", "resultStr")}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({**keep, "doi": f"10.1000/n{i}", "title": f"Paper number {i}"}, ensure_ascii=False) + "\n")
        f.write('{"broken line\n')
    return path


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster():
    """A two-worker local cluster on loopback, shared by the tests of this module."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    yield cluster
    cluster.close()


def corpus_jsonl(path: Path, megabytes: int) -> Path:
    """A JSONL of about ``megabytes`` MB: the public corpus's records over and over, each with its own DOI."""
    records = []
    for f in sorted(need(CORPUS).iterdir()):
        if f.suffix == ".json" and f.name != "truth.json":
            records.append(json.loads(f.read_text(encoding="utf-8")))
    size, n = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < megabytes * 10**6:
            record = records[n % len(records)]
            line = json.dumps({**record, "doi": f"10.1000/copy{n}"}, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            n += 1
        out.write('{"broken line\n')
    return path


def test_dask_engine_gives_the_local_engines_outputs(tmp_path: Path, cluster) -> None:
    src = tmp_path / "in"
    shutil.copytree(need(CORPUS), src, ignore=shutil.ignore_patterns("truth.json"))
    corpus_jsonl(src / "many.jsonl", 200)
    local, remote = tmp_path / "local", tmp_path / "dask"
    jobs, _ = batch.plan([str(src)])
    local_reports = list(batch.collect(batch.run(jobs, batch.Options(), 2), output=local))
    with DaskEngine(cluster.scheduler_address) as engine:
        reports = list(batch.collect(engine.run(jobs, batch.Options()), output=remote))
    assert tree(remote) == tree(local)
    assert [(r.read, r.written) for r in reports] == [(r.read, r.written) for r in local_reports]
    (bad,) = [i for r in reports for i in r.issues]
    (many,) = [r for r in reports if r.name.endswith("many.jsonl")]
    assert bad.line == many.read and "partition" in bad.message and many.written == many.read - 1
    assert len(list(partitions(batch.Job(str(src / "many.jsonl"), "many", Path("many.jsonl"))))) > 10


def test_cli_engine_dask_with_a_local_cluster(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(SEED), "-o", str(out), "--engine", "dask", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    local = runner.invoke(app, ["clean", str(SEED)])
    assert json.loads((out / (SEED.stem + ".json")).read_text()) == json.loads(local.stdout)


def test_dedupe_on_dask_groups_with_the_cluster(tmp_path: Path, cluster) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "a.txt")
    line = SEED.read_text(encoding="utf-8").splitlines()[0]
    (src / "b.jsonl").write_text(f"{json.dumps({'title': 'Other', 'doi': '10.1000/o'})}\n{line}\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "--dedupe", "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.stderr
    merged = json.loads((tmp_path / "out" / "a.json").read_text())
    assert merged["merged_from"] == [{"file": str(src / "b.jsonl"), "line": 2}]
    assert [json.loads(x)["doi"] for x in (tmp_path / "out" / "b.jsonl").read_text().splitlines()] == ["10.1000/o"]


def test_killing_a_worker_mid_run_still_gives_complete_output(tmp_path: Path) -> None:
    src = numbered_jsonl(tmp_path / "big.jsonl", 6000)
    jobs, _ = batch.plan([str(src)])
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    try:
        with DaskEngine(cluster.scheduler_address, partition_bytes=64 << 10) as engine:
            victim = next(iter(engine.client.scheduler_info()["workers"]))
            pid = engine.client.run(os.getpid, workers=[victim])[victim]

            killed: list[float] = []

            def kill() -> None:
                time.sleep(0.5)
                os.kill(pid, signal.SIGKILL)
                killed.append(time.monotonic())

            threading.Thread(target=kill, daemon=True).start()
            reports = list(batch.collect(engine.run(jobs, batch.Options()), output=tmp_path / "out"))
            finished = time.monotonic()
        assert killed and killed[0] < finished, "the worker was not killed while the run went on"
    finally:
        cluster.close()
    lines = (tmp_path / "out" / "big.jsonl").read_text().splitlines()
    assert [json.loads(x)["doi"] for x in lines] == [f"10.1000/n{i}" for i in range(6000)]
    assert reports[0].written == 6000
