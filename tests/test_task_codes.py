"""Task codes are safe file names (issue 14 §4): refused at creation from the command line and from task
files; tasks stored before the rule stay readable, and their default file names come from one function."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import Cli
from creditcli.draw.tasks import default_file, file_stem

WINDOW = "2026-03-01:2026-06-30"
RULE = "任务编号也用作默认文件名，只能用字母、数字、汉字和 - _ . ( ) （ ） 〔 〕，最多 64 个字符，不能以 . 开头"


def refusal(shown: str, why: str) -> str:
    return f"错误：任务参数有误，未创建任务：\n  - 任务编号 “{shown}” 不可用（{why}）：{RULE}\n"


BAD_CODES = [
    ("../escape/evil", "../escape/evil", "含有 “/”；以 . 开头"),
    ("2026/SJ/001", "2026/SJ/001", "含有 “/”"),
    ("..\\evil", "..\\evil", "含有 “\\”；以 . 开头"),
    (".hidden", ".hidden", "以 . 开头"),
    ("2026\nSJ", "2026\\nSJ", "含有 “\\n”"),
    ("T\x1b[31m1", "T\\x1b[31m1", "含有 “\\x1b”、“[”"),
    ("T\x00 1", "T\\x00 1", "含有 “\\x00”、空格"),
    ("C:evil*?", "C:evil*?", "含有 “:”、“*”、“?”"),
    ("x" * 65, "x" * 65, "有 65 个字符"),
]


@pytest.mark.parametrize(("code", "shown", "why"), BAD_CODES)
def test_unsafe_codes_are_refused_on_the_command_line(
    cli: Cli, roster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, shown: str, why: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = cli.dump()
    result = cli("tasks", "create", code, "--name", "x", "--window", WINDOW)
    assert (result.exit_code, result.stderr) == (2, refusal(shown, why))
    assert cli.dump() == before


def test_unsafe_code_in_a_task_file_is_refused(cli: Cli, roster: None, tmp_path: Path) -> None:
    path = tmp_path / "task.toml"
    path.write_text('code = "../escape/evil"\nname = "x"\nwindow = "2026-03-01:2026-06-30"\n', encoding="utf-8")
    before = cli.dump()
    result = cli("tasks", "create", "--from", path)
    assert (result.exit_code, result.stderr) == (2, refusal("../escape/evil", "含有 “/”；以 . 开头"))
    assert cli.dump() == before


@pytest.mark.parametrize("code", ["2026-SJ-001", "济历市监〔2026〕抽查(一)", "A_b.1（二）", "x" * 64, "T.1"])
def test_safe_codes_are_taken_and_name_their_files(
    cli: Cli, roster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    monkeypatch.chdir(tmp_path)
    cli.ok("tasks", "create", code, "--name", "x", "--window", WINDOW)
    cli.ok("tasks", "freeze", code)
    assert [p.name for p in tmp_path.glob("*.md")] == [f"{code}-抽取前公告.md"]


def test_a_task_stored_before_the_rule_stays_readable_and_writes_a_safe_default_file(
    cli: Cli, roster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database may hold codes from before the rule. They are shown and used as they are; a default
    file name keeps the allowed characters and adds 8 hex digits of the code's SHA-256."""
    work = tmp_path / "work" / "here"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", WINDOW)
    legacy = "../escape/evil"
    (spec,) = cli.query("SELECT spec FROM tasks WHERE code = 'T1'")[0]
    cli.execute("UPDATE tasks SET code = :c, spec = :s", c=legacy, s=json.dumps({**json.loads(spec), "code": legacy}))
    assert json.loads(cli.ok("tasks", "show", legacy, "-f", "json").stdout)["code"] == legacy
    frozen = cli.ok("tasks", "freeze", legacy)
    name = f"_escape_evil-{hashlib.sha256(legacy.encode()).hexdigest()[:8]}-抽取前公告.md"
    assert [p.name for p in work.iterdir()] == [name]
    assert not (tmp_path / "work" / "escape").exists() and not (tmp_path / "escape").exists()
    assert f"抽取前公告已写入 {name}" in frozen.stderr
    cli.ok("tasks", "draw", legacy, "--seed", "20261127000000000042")
    cli.ok("tasks", "verify", legacy)


@pytest.mark.parametrize(
    ("code", "stem"),
    [
        ("2026-SJ-001", "2026-SJ-001"),
        ("a/b", "a_b-" + hashlib.sha256(b"a/b").hexdigest()[:8]),
        ("a_b", "a_b"),  # the safe code keeps its name; the legacy "a/b" gets another
        ("...", "任务-" + hashlib.sha256(b"...").hexdigest()[:8]),
        ("x\udcff", "x_-" + hashlib.sha256("x\udcff".encode("utf-8", "surrogatepass")).hexdigest()[:8]),
    ],
)
def test_file_stem_is_the_code_or_its_safe_characters_and_digest(code: str, stem: str) -> None:
    assert file_stem(code) == stem
    assert default_file(code, "抽取前公告.md") == Path(f"{stem}-抽取前公告.md")
