"""The passes, in the one order they run: ``PASSES``.

Each pass is a pure function ``Record -> Record`` with a one-line docstring; order matters, so
it is written out once, here.
"""
from __future__ import annotations

from metaclean.passes.anatomy import split_abstract
from metaclean.passes.dedupe import dedupe_fields, finish
from metaclean.passes.garbles import repair_translations
from metaclean.passes.normalize import normalize_fields
from metaclean.passes.page import parse_page
from metaclean.passes.repair_text import repair_text
from metaclean.passes.translations import restore_originals
from metaclean.passes.unwrap import unwrap_json

PASSES = (
    unwrap_json,
    parse_page,
    repair_text,
    restore_originals,
    split_abstract,
    repair_translations,
    normalize_fields,
    dedupe_fields,
)

__all__ = ["PASSES", "finish"]
