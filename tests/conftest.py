"""Shared fixtures: where the real record, the public corpus and the reference data live."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests replay the same examples every run (derandomized), so that a
# submission's CI result does not depend on luck; locally they explore new ones each time.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "input" / "000_89078f4decd3ccbe.txt"
CORPUS = SHARED / "corpus" / "public"


def need(path: Path) -> Path:
    """Skip the test, saying why, when the shared reference data is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared reference data lies beside the checkout)")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The public corpus of damaged records."""
    return need(CORPUS)


@pytest.fixture(scope="session")
def truth(corpus: Path) -> dict:
    """What a perfect cleaner recovers from each corpus record."""
    return json.loads((corpus / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_output() -> dict:
    """The seed record, cleaned by the library."""
    from metaclean import io
    from metaclean.pipeline import clean

    (item,) = io.read_path(SEED).items
    return clean(item.value, page=item.page).record
