"""The command line, through CliRunner and through the installed command in real pipes."""
from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from conftest import SEED
from metaclean import io
from metaclean.cli import app
from metaclean.passes import PASSES

runner = CliRunner()
SEED_LINE = SEED.read_text(encoding="utf-8").splitlines()[0]


def run(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


def test_clean_a_page_dump_to_stdout() -> None:
    result = run("clean", str(SEED))
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "The formative years of Iran’s ‘jihadi field diplomacy’ in Azerbaijan"
    assert "metaclean:" in result.stderr  # the summary goes to stderr, never into the records


def test_stdin_gives_the_same_record() -> None:
    from_file = json.loads(run("clean", str(SEED)).stdout)
    from_stdin = json.loads(run("clean", "-", input=SEED.read_bytes()).stdout)
    assert from_stdin == from_file


def test_three_jsonl_lines_in_three_lines_out() -> None:
    result = run("clean", "-", input="\n".join([SEED_LINE] * 3) + "\n")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 3
    assert len({json.loads(line)["doi"] for line in lines}) == 1


def test_output_folder_mirrors_the_tree(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    shutil.copy(SEED, src / "a" / "b.txt")
    (src / "a" / "c.jsonl").write_text(f"{SEED_LINE}\n{SEED_LINE}\n", encoding="utf-8")
    (src / "d.json").write_text(json.dumps([json.loads(SEED_LINE)] * 2, ensure_ascii=False), encoding="utf-8")
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == ["a/b.json", "a/c.jsonl", "d.json"]
    assert isinstance(json.loads((out / "a" / "b.json").read_text()), dict)
    assert len((out / "a" / "c.jsonl").read_text().splitlines()) == 2
    assert len(json.loads((out / "d.json").read_text())) == 2


def test_two_inputs_for_one_output_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "b.txt")
    (src / "b.json").write_text(json.dumps({"title": "Other paper", "doi": "10.1000/other"}), encoding="utf-8")
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "would overwrite" in result.stderr and "b.txt" in result.stderr
    assert json.loads((tmp_path / "out" / "b.json").read_text())["doi"] == "10.1000/other"


@pytest.fixture()
def bad_dir(tmp_path: Path) -> Path:
    bad = tmp_path / "bad"
    bad.mkdir()
    good = json.loads(SEED_LINE)
    (bad / "empty.json").write_bytes(b"")
    (bad / "truncated.json").write_text(SEED_LINE[:500], encoding="utf-8")
    (bad / "binary.json").write_bytes(bytes(range(256)) * 16)
    (bad / "nested_bomb.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    lines = [json.dumps({"title": f"Good paper {n}", "doi": f"10.1000/{n}"}) for n in range(4)]
    lines[2] = '{"title": "broken'
    (bad / "one_bad_line.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (bad / "utf16.json").write_bytes(json.dumps(good, ensure_ascii=False).encode("utf-16"))
    (bad / "gbk.json").write_bytes(json.dumps({"title": "基于深度学习的中文古籍自动标点研究"}, ensure_ascii=False).encode("gbk"))
    deep = {"title": "", "resultStr": {"title": "Deep original"}}
    payload: object = deep["resultStr"]
    for _ in range(14):
        payload = json.dumps(payload)
    (bad / "deep_resultstr.json").write_text(json.dumps({"title": "深", "resultStr": payload}), encoding="utf-8")
    (bad / "bad_resultstr.json").write_text(json.dumps({"title": "T", "resultStr": '{"title": "cut here'}), encoding="utf-8")
    return bad


class Ran(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


def run_installed(*args: str, input: bytes | None = None) -> Ran:
    """Run the installed ``metaclean`` command, as a user's shell would."""
    p = subprocess.run([installed(), *args], input=input, capture_output=True, check=False)
    return Ran(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


@pytest.mark.parametrize("how", ["installed", "CliRunner"])
def test_bad_inputs_are_named_and_the_rest_is_cleaned(bad_dir: Path, tmp_path: Path, how: str) -> None:
    out = tmp_path / "out"
    result = (run_installed if how == "installed" else run)("clean", str(bad_dir), "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    for name in ("empty.json", "truncated.json", "binary.json", "nested_bomb.json"):
        assert name in result.stderr
        assert not (out / name).exists()  # nothing half-written
    assert "one_bad_line.jsonl:3" in result.stderr
    good = [json.loads(line)["title"] for line in (out / "one_bad_line.jsonl").read_text().splitlines()]
    assert good == ["Good paper 0", "Good paper 1", "Good paper 3"]
    assert json.loads((out / "utf16.json").read_text())["doi"] == "10.1080/21567689.2023.2262392"
    assert json.loads((out / "gbk.json").read_text())["title"] == "基于深度学习的中文古籍自动标点研究"
    assert json.loads((out / "deep_resultstr.json").read_text())["title"] == "Deep original"
    assert "cut here" in (out / "bad_resultstr.json").read_text()
    assert not list(out.rglob("*.tmp"))


def test_errors_file_keeps_every_failed_input(bad_dir: Path, tmp_path: Path) -> None:
    errors = tmp_path / "errors.jsonl"
    run("clean", str(bad_dir), "-o", str(tmp_path / "out"), "--errors", str(errors))
    failed = [json.loads(line) for line in errors.read_text().splitlines()]
    by_file = {Path(f["file"]).name: f for f in failed}
    assert {"empty.json", "truncated.json", "binary.json", "nested_bomb.json", "one_bad_line.jsonl"} <= set(by_file)
    assert by_file["one_bad_line.jsonl"]["line"] == 3 and "broken" in by_file["one_bad_line.jsonl"]["raw"]


def test_a_full_disk_leaves_no_half_written_file(tmp_path: Path, monkeypatch) -> None:
    def full(self, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io.AtomicWriter, "write", full)
    out = tmp_path / "out"
    result = run("clean", str(SEED), "-o", str(out))
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert not [p for p in out.rglob("*") if p.is_file()]


def test_missing_path_is_a_usage_error() -> None:
    result = run("clean", "does/not/exist.json")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_missing_path_among_good_ones_is_an_issue(tmp_path: Path) -> None:
    result = run("clean", str(SEED), "nope.json", "-o", str(tmp_path))
    assert result.exit_code == 1 and "nope.json" in result.stderr
    assert (tmp_path / SEED.with_suffix(".json").name).is_file()


def test_unknown_pass_is_a_usage_error() -> None:
    result = run("clean", str(SEED), "--skip", "nope")
    assert result.exit_code == 2 and "unknown pass nope" in result.stderr


def test_explain_goes_to_stderr_and_names_passes(tmp_path: Path) -> None:
    result = run("clean", str(SEED), "--explain")
    json.loads(result.stdout)
    assert "restore_originals" in result.stderr and "title" in result.stderr
    trail = tmp_path / "explain.jsonl"
    run("clean", str(SEED), "--explain-to", str(trail))
    changes = [json.loads(line) for line in trail.read_text().splitlines()]
    restored = [c for c in changes if c["pass"] == "restore_originals" and c["field"] == "title"]
    assert restored and restored[0]["after"].startswith("The formative years")
    assert restored[0]["before"] == "伊朗在阿塞拜疆的“圣战外交”形成时期" and restored[0]["reason"]


def test_only_runs_just_those_passes() -> None:
    record = json.loads(run("clean", str(SEED), "--only", "unwrap_json").stdout)
    assert record["title"] == "伊朗在阿塞拜疆的“圣战外交”形成时期"
    assert "resultStr" not in record and "citationCount" in record


def test_passes_lists_every_pass_in_order() -> None:
    lines = run("passes").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [p.__name__ for p in PASSES]


def test_schema_is_valid_and_the_seed_output_follows_it() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(run("clean", str(SEED)).stdout), schema)


def test_csl_output_validates_against_the_official_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from conftest import SHARED, need

    schema = json.loads(need(SHARED / "data" / "csl" / "csl-data.json").read_text())
    items = json.loads(run("clean", str(SEED), "--to", "csl").stdout)
    jsonschema.validate(items, schema)
    (item,) = items
    assert item["type"] == "article-journal" and item["DOI"] == "10.1080/21567689.2023.2262392"
    assert item["author"] == [{"family": "Kızılyurt", "given": "Özgür"}]
    assert item["issued"] == {"date-parts": [[2023, 9, 26]]}
    assert item["custom"]["translations"]["zh"]["machine"] is True


def test_pandoc_reads_the_csl_output(tmp_path: Path) -> None:
    pypandoc = pytest.importorskip("pypandoc")
    csl = tmp_path / "refs.json"
    csl.write_text(run("clean", str(SEED), "--to", "csl").stdout, encoding="utf-8")
    bib = subprocess.run([pypandoc.get_pandoc_path(), "-f", "csljson", "-t", "bibtex", str(csl)],
                         capture_output=True, text=True, check=True).stdout
    assert "10.1080/21567689.2023.2262392" in bib and "Kızılyurt" in bib


def installed() -> str:
    exe = shutil.which("metaclean")
    if exe is None:
        pytest.skip("the metaclean command is not installed (pip install -e .)")
    return exe


def test_installed_command_in_a_pipe() -> None:
    exe = installed()
    three = "\n".join([SEED_LINE] * 3) + "\n"
    p = subprocess.run([exe, "clean", "-"], input=three.encode(), capture_output=True, check=False)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.decode().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["authors"] == [{"name": "Özgür Kızılyurt"}]


def test_closed_pipe_ends_quietly() -> None:
    exe = installed()
    many = ("\n".join([SEED_LINE] * 400) + "\n").encode()
    p = subprocess.run(f"{exe} clean - | head -n 1", shell=True, input=many, capture_output=True, check=False)
    assert json.loads(p.stdout.decode())["doi"] == "10.1080/21567689.2023.2262392"
    assert b"Traceback" not in p.stderr and b"BrokenPipe" not in p.stderr


def test_python_dash_m_runs_the_cli() -> None:
    p = subprocess.run([sys.executable, "-m", "metaclean", "passes"], capture_output=True, text=True, check=True)
    assert p.stdout.split()[0] == PASSES[0].__name__


def test_a_full_disk_on_stdout_is_an_error_not_a_crash() -> None:
    exe = installed()
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        p = subprocess.run([exe, "clean", str(SEED)], stdout=full, stderr=subprocess.PIPE, check=False)
    assert p.returncode == 1
    assert b"No space left on device" in p.stderr and b"Traceback" not in p.stderr


@pytest.mark.parametrize("args", [["passes"], ["--version"]])
def test_output_that_cannot_be_flushed_at_exit_is_an_error(args: list[str]) -> None:
    # the commands that print (not `clean`, which has its own handling) and the last flush at exit
    exe = installed()
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb") as full:
        p = subprocess.run([exe, *args], stdout=full, stderr=subprocess.PIPE, check=False)
    assert p.returncode == 1
    assert b"No space left on device" in p.stderr
    assert b"Traceback" not in p.stderr and b"Exception ignored" not in p.stderr


@pytest.mark.parametrize("args", [["passes"], ["schema"]])
def test_a_reader_that_goes_away_ends_a_command_quietly(args: list[str]) -> None:
    exe = installed()
    p = subprocess.run(f"'{exe}' {' '.join(args)} | head -c 1", shell=True, capture_output=True, check=False)
    assert len(p.stdout) == 1 and p.stderr == b""


def test_the_command_exits_with_the_apps_code() -> None:
    exe = installed()
    assert subprocess.run([exe, "clean", str(SEED)], capture_output=True).returncode == 0
    assert subprocess.run([exe, "clean", "/nonexistent/x.json"], capture_output=True).returncode != 0
    assert subprocess.run([exe, "no-such-command"], capture_output=True).returncode == 2
