"""Reading every shape and encoding scrapers produce, and refusing bad input clearly."""
from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from metaclean import io

RECORD = {"title": "伊朗在阿塞拜疆的“圣战外交”形成时期", "authors": "Özgür Kızılyurt"}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def values(parsed: io.Parsed) -> list:
    return [item.value for item in parsed.items]


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),  # with BOM
    lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    lambda s: s.encode("gb18030"),
    lambda s: s.encode("gbk", "ignore"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gb18030", "gbk"])
def test_encodings_decode_to_the_same_record(tmp_path: Path, encode) -> None:
    record = dict(RECORD, authors="Ann Lee") if encode(" ")[:1] != b" " else RECORD
    text = json.dumps(record, ensure_ascii=False)
    try:
        data = encode(text)
    except UnicodeEncodeError:
        pytest.skip("not encodable")
    parsed = io.read_path(write(tmp_path, "r.json", data))
    assert parsed.shape == io.OBJECT
    assert values(parsed)[0]["title"] == RECORD["title"]


def test_gbk_file_with_latin_letters_outside_gbk(tmp_path: Path) -> None:
    text = json.dumps({"title": "基于深度学习的中文古籍自动标点研究", "authors": "王晓明，李华"}, ensure_ascii=False)
    parsed = io.read_path(write(tmp_path, "gbk.json", text.encode("gbk")))
    assert values(parsed)[0]["authors"] == "王晓明，李华"


def test_shapes_are_detected(tmp_path: Path) -> None:
    one = json.dumps(RECORD, ensure_ascii=False)
    assert io.read_path(write(tmp_path, "a.json", one.encode())).shape == io.OBJECT
    pretty = json.dumps(RECORD, ensure_ascii=False, indent=2)
    assert io.read_path(write(tmp_path, "b.json", pretty.encode())).shape == io.OBJECT
    array = json.dumps([RECORD, RECORD], ensure_ascii=False)
    parsed = io.read_path(write(tmp_path, "c.json", array.encode()))
    assert parsed.shape == io.ARRAY and len(values(parsed)) == 2
    lines = "\n".join([one, one, one]) + "\n"
    parsed = io.read_path(write(tmp_path, "d.jsonl", lines.encode()))
    assert parsed.shape == io.JSONL and len(values(parsed)) == 3
    page = one + "\n\n引用次数: 0\n摘要\nThe title\n"
    parsed = io.read_path(write(tmp_path, "e.txt", page.encode()))
    (item,) = parsed.items
    assert parsed.shape == io.PAGE and item.value == RECORD and "引用次数: 0" in item.page


def test_pretty_printed_page_dump(tmp_path: Path) -> None:
    page = json.dumps(RECORD, ensure_ascii=False, indent=2) + "\n引用次数: 3\nThe title\n"
    parsed = io.read_path(write(tmp_path, "p.txt", page.encode()))
    (item,) = parsed.items
    assert parsed.shape == io.PAGE and item.value == RECORD and item.page.strip().endswith("The title")


def test_jsonl_with_a_bad_line_keeps_the_others(tmp_path: Path) -> None:
    good = json.dumps(RECORD, ensure_ascii=False)
    parsed = io.read_path(write(tmp_path, "x.jsonl", f"{good}\n{good}\n{{\"title\": \"trunc\n{good}\n".encode()))
    items = list(parsed.items)
    assert [i.line for i in items] == [1, 2, 3, 4]
    assert items[2].issue is not None and items[2].issue.line == 3 and "trunc" in items[2].issue.raw
    assert [i.value for i in items if i.issue is None] == [RECORD] * 3


def test_jsonl_whose_first_line_is_broken(tmp_path: Path) -> None:
    good = json.dumps(RECORD, ensure_ascii=False)
    parsed = io.read_path(write(tmp_path, "y.jsonl", f"{{broken\n{good}\n{good}\n".encode()))
    items = list(parsed.items)
    assert parsed.shape == io.JSONL and items[0].issue is not None and len(items) == 3


def test_jsonl_is_read_lazily() -> None:
    class Endless:
        def __init__(self) -> None:
            self.served = 0

        def read(self, n: int = -1) -> bytes:
            self.served += 1
            if self.served > 50:
                raise AssertionError("read the whole stream before yielding")
            return (json.dumps(RECORD, ensure_ascii=False) + "\n").encode() * 2000

    parsed = io.read_stream(Endless())
    first = next(iter(parsed.items))
    assert parsed.shape == io.JSONL and first.value == RECORD


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.json", b"", "empty"),
    ("blank.json", b"  \n\n", "empty"),
    ("truncated.json", b'{"title": "A", "abstract": "cut', "truncated or invalid JSON"),
    ("binary.json", bytes(range(256)) * 4, "binary"),
    ("prose.txt", b"just some text", "not JSON"),
    ("nested_bomb.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("nested_obj.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
], ids=lambda v: v if isinstance(v, str) and v.endswith((".json", ".txt")) else "")
def test_bad_input_is_a_clear_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(io.InputError, match=message):
        io.read_path(write(tmp_path, name, data))


def test_truncated_error_names_the_line(tmp_path: Path) -> None:
    text = '{\n  "title": "A",\n  "abstract": "cut'
    with pytest.raises(io.InputError) as info:
        io.read_path(write(tmp_path, "t.json", text.encode()))
    assert info.value.line == 3


def test_find_inputs_recurses_and_keeps_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for rel in ("a/b/x.txt", "a/y.json", "z.jsonl", "a/.hidden.json", "a/readme.md"):
        (tmp_path / rel).write_text("{}")
    found = sorted(str(rel) for _, rel in io.find_inputs(tmp_path))
    assert found == ["a/b/x.txt", "a/y.json", "z.jsonl"]


def test_output_names_mirror_the_tree() -> None:
    assert io.output_name(Path("a/b.txt"), io.PAGE) == Path("a/b.json")
    assert io.output_name(Path("a/c.jsonl"), io.JSONL) == Path("a/c.jsonl")
    assert io.output_name(Path("a/d.ndjson"), io.JSONL) == Path("a/d.jsonl")


def test_atomic_writer_leaves_old_file_on_abort(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    writer = io.AtomicWriter(target)
    writer.write(b"half of the new")
    writer.abort()
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
    writer = io.AtomicWriter(target)
    writer.write(b"new")
    writer.commit()
    assert target.read_bytes() == b"new"


def test_output_is_utf8_without_escapes() -> None:
    assert io.dumps({"t": "伊朗 “x” İ ə"}) == '{"t":"伊朗 “x” İ ə"}'.encode()


def test_atomic_writer_gives_normal_permissions(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.json"
    writer = io.AtomicWriter(fresh)
    writer.commit()
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~io.UMASK
    kept = tmp_path / "kept.json"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    writer = io.AtomicWriter(kept)
    writer.commit()
    assert kept.stat().st_mode & 0o777 == 0o640


def test_western_legacy_file_is_read_as_windows_1252(tmp_path: Path) -> None:
    text = json.dumps({"title": "Études sur l’été", "authors": "Jörg Müller; Ørsted"}, ensure_ascii=False)
    parsed = io.read_path(write(tmp_path, "latin.json", text.encode("cp1252")))
    assert values(parsed)[0] == {"title": "Études sur l’été", "authors": "Jörg Müller; Ørsted"}
