"""The library plugged into other engines, as the README shows: PySpark mapPartitions, Ray Data map_batches."""
from __future__ import annotations

import json
import shutil

import pytest

import metaclean
from conftest import SEED

SEED_LINE = SEED.read_bytes().splitlines()[0]
LINES = [SEED_LINE, b'{"title": "Other", "doi": "DOI: 10.1000/ABC"}', b"{broken"]


def test_clean_line_round_trip() -> None:
    out = json.loads(metaclean.clean_line(SEED_LINE))
    assert out["doi"] == "10.1080/21567689.2023.2262392" and out["title"].startswith("The formative years")
    with pytest.raises(ValueError, match="invalid JSON"):
        metaclean.clean_line(b"{broken")
    with pytest.raises(ValueError, match="expected a JSON object"):
        metaclean.clean_line(b"[1, 2]")


def test_pyspark_map_partitions(tmp_path) -> None:
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    from pyspark.sql import SparkSession

    def clean_partition(lines):
        """The README's Spark example: clean a partition, keep failures as data."""
        import metaclean

        for line in lines:
            try:
                yield ("ok", metaclean.clean_line(line))
            except ValueError as exc:
                yield ("error", json.dumps({"error": str(exc), "raw": line.decode("utf-8", "replace")}).encode())

    spark = (SparkSession.builder.master("local[2]").appName("metaclean-test")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    try:
        rdd = spark.sparkContext.parallelize(LINES, 2).mapPartitions(clean_partition)
        results = rdd.collect()
    finally:
        spark.stop()
    assert [kind for kind, _ in results] == ["ok", "ok", "error"]
    assert json.loads(results[1][1])["doi"] == "10.1000/abc"
    assert pyspark.__version__


def test_ray_data_map_batches() -> None:
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")

    def clean_batch(batch: dict) -> dict:
        """The README's Ray example: a batch of lines in, cleaned lines (or errors) out."""
        cleaned, errors = [], []
        for line in batch["line"]:
            try:
                cleaned.append(metaclean.clean_line(line).decode())
                errors.append("")
            except ValueError as exc:
                cleaned.append("")
                errors.append(str(exc))
        return {"cleaned": cleaned, "error": errors}

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    try:
        ds = ray.data.from_items([{"line": line} for line in LINES]).map_batches(clean_batch, batch_format="numpy")
        rows = ds.take_all()
    finally:
        ray.shutdown()
    assert [bool(r["error"]) for r in rows] == [False, False, True]
    assert json.loads(rows[0]["cleaned"])["authors"] == [{"name": "Özgür Kızılyurt"}]
