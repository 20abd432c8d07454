"""The bundled samples: their cleaned outputs are what the cleaner gives now, and the README says so."""
from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from conftest import ROOT, SAMPLES
from metaclean.cli import app


def test_samples_output_is_in_sync(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["clean", str(SAMPLES / "input"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    kept = {p.relative_to(SAMPLES / "output"): p.read_bytes() for p in (SAMPLES / "output").rglob("*") if p.is_file()}
    assert made.keys() == kept.keys()
    stale = [str(k) for k in made if made[k] != kept[k]]
    assert not stale, f"samples/output is stale for {stale}: run metaclean clean samples/input -o samples/output"


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "metaclean clean samples/input" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].replace("python3 -m pip", "pip") in ci.replace("python3 -m pip", "pip")
