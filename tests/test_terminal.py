"""A terminal that speaks Chinese at any width (issue 17 §3): help screens and usage errors of every
command in Chinese, no English boilerplate of Typer/Click, help that wraps instead of being cut."""

from __future__ import annotations

import importlib
import re

import pytest
from typer.testing import CliRunner

from creditcli.cli.app import Root, app
from creditcli.cli.groups import _name

ENGLISH = [
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[required]",
    "[default",
    "env var",
    "<bool>",
    "<int>",
    "<str>",
    "<float>",
    "<Path>",
    "list[",
    "completion for the current shell",
]


def every_command() -> list[list[str]]:
    """Every command path of creditcli: the root, each group, each command of each group."""
    paths: list[list[str]] = [[], ["deadlines"], ["demo"]]
    for noun in Root.NOUNS:
        paths.append([noun])
        typer_app = importlib.import_module(f"creditcli.cli.{noun}").app
        paths.extend([noun, _name(info)] for info in typer_app.registered_commands)
    return paths


COMMANDS = every_command()


def help_text(args: list[str], columns: int) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_walk_finds_every_command() -> None:
    """A walk that missed the groups could not fail."""
    assert len(COMMANDS) > 60
    assert ["tasks", "draw"] in COMMANDS and ["entities", "list"] in COMMANDS and ["risk"] in COMMANDS


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_every_help_screen_is_chinese(columns: int) -> None:
    for args in COMMANDS:
        text = help_text(args, columns)
        found = [word for word in ENGLISH if word in text]
        assert found == [], (args, columns, text)
        assert "用法：creditcli" in text, (args, text)
        assert "─ 选项 ─" in text and "显示此帮助" in text, (args, text)
        widest = max(len(line) for line in text.splitlines())
        assert widest <= columns, (args, columns)


@pytest.mark.parametrize("columns", [80, 100])
def test_help_wraps_and_is_never_cut(columns: int) -> None:
    """Chinese has no spaces to wrap at: rich cut such sentences with "…" where the column ended."""
    for args in COMMANDS:
        text = help_text(args, columns)
        assert "…" not in text, (args, columns, text)
    text = help_text([], 100)
    assert "另一进程正在修改数据库时最多等待的秒数" in text and "退出码 75" in text  # --wait, once cut


def test_flags_and_counters_carry_no_type_label() -> None:
    text = help_text([], 100)
    line = next(line for line in text.splitlines() if "--verbose" in line)
    assert re.search(r"--verbose\s+-v\s+显示更多过程信息", line), line
    line = next(line for line in help_text(["entities", "import"], 100).splitlines() if "--dry-run" in line)
    assert re.search(r"--dry-run\s+只检查并报告", line), line
    text = help_text(["tasks", "create"], 100)
    assert re.search(r"--team-size\s+<整数>", text) and re.search(r"--ratio\s+<文本\.\.\.>", text), text


def test_usage_line_and_panels() -> None:
    text = help_text(["tasks", "show"], 100)
    assert "用法：creditcli tasks show [选项] CODE" in text
    assert "─ 参数 ─" in text and "─ 选项 ─" in text and "[必填]" in text
    text = help_text(["tasks"], 100)
    assert "用法：creditcli tasks [选项] 命令 [参数]..." in text and "─ 命令 ─" in text


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["taks"],
            "错误：没有命令 taks；是不是要用 tasks？\n用法：creditcli [选项] 命令 [参数]...\n"
            "查看帮助：creditcli --help\n",
        ),
        (
            ["tasks", "lst"],
            "错误：没有命令 lst；是不是要用 list？\n"
            "用法：creditcli tasks [选项] 命令 [参数]...\n查看帮助：creditcli tasks --help\n",
        ),
        (
            ["entities", "list", "--limt", "3"],
            "错误：没有选项 --limt；是不是要用 --limit？\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["tasks", "list", "--bogus"],
            "错误：没有选项 --bogus\n用法：creditcli tasks list [选项]\n查看帮助：creditcli tasks list --help\n",
        ),
        (
            ["tasks", "show"],
            "错误：缺少参数 CODE（任务编号）\n"
            "用法：creditcli tasks show [选项] CODE\n查看帮助：creditcli tasks show --help\n",
        ),
        (
            ["entities", "list", "-n", "abc"],
            "错误：--limit/-n 的值无效：应为整数\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["entities", "list", "-f", "xml"],
            "错误：--format/-f 的值无效：xml 不是可选的值（可选：table、csv、json）\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["tasks", "list", "extra"],
            "错误：多余的参数：extra\n用法：creditcli tasks list [选项]\n查看帮助：creditcli tasks list --help\n",
        ),
        (["tasks", "list", "--format"], "错误：选项 --format 需要一个值\n"),
        (["--wait", "soon", "tasks", "list"], None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_usage_errors_in_chinese(args: list[str], message: str | None) -> None:
    code, stdout, stderr = run(*args)
    assert code == 2 and stdout == ""
    if message is not None:
        assert stderr == message
    first = stderr.splitlines()[0]
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", first), stderr  # no English sentence
    assert "Usage" not in stderr and "Error" not in stderr and "Try" not in stderr
