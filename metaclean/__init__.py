"""metaclean: turn damaged scraped scholarly-metadata records into clean, normalized JSON.

The public API:

- ``clean_record(dict) -> dict``: clean one record;
- ``clean_stream(records) -> Iterator[Result]``: clean many, lazily, with changes and issues;
- ``clean_line(bytes) -> bytes``: clean one JSONL line, for other engines (Spark, Ray);
- ``PASSES``: the passes, in the order they run.
"""
from __future__ import annotations

__version__ = "0.4.0"

from metaclean.passes import PASSES  # noqa: E402
from metaclean.pipeline import Result, clean_line, clean_record, clean_stream  # noqa: E402

__all__ = ["PASSES", "Result", "__version__", "clean_line", "clean_record", "clean_stream"]
