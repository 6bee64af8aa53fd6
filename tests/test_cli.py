"""The root command: version, help text, global options, database set-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from conftest import Cli
from creditcli import __version__
from creditcli.cli.app import app
from creditcli.db.schema import HEAD_REVISION


def all_commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(root, [])
    return found


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"creditcli {__version__}\n")


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_chinese_help(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout.split("Options")[0])


def test_db_env_variable_and_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sub" / "x.db"
    monkeypatch.setenv("CREDITCLI_DB", str(target))
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"新建数据库：{target}\n数据库结构已从 空 升级到 {HEAD_REVISION}：{target}\n"
    again = CliRunner().invoke(app, ["db", "upgrade"])
    assert again.stderr == f"数据库结构已是最新版本 {HEAD_REVISION}：{target}\n"


def test_default_db_location_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDITCLI_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    target = tmp_path / "creditcli" / "creditcli.db"
    missing = CliRunner().invoke(app, ["db", "status"])
    assert (missing.exit_code, missing.stderr.splitlines()[0]) == (
        66,
        f"错误：数据库文件不存在：{target}。请检查 --db 是否写对；"
        f"新建数据库请运行 creditcli --db {target} db upgrade（导入等修改数据的命令也会新建）",
    )
    assert not target.parent.exists()  # a read creates nothing, not even the directory
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(app, ["db", "status", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert target.exists()
    assert json.loads(result.stdout) == {
        "schema": "creditcli.db-status/1",
        "db": str(tmp_path / "creditcli" / "creditcli.db"),
        "revision": HEAD_REVISION,
        "required": HEAD_REVISION,
        "entities": 0,
        "inspectors": 0,
        "items": 0,
        "conflicts": 0,
    }


def test_config_file_sets_class_set(tmp_path: Path, cli: Cli) -> None:
    config = tmp_path / "config.toml"
    config.write_text('risk_classes = ["A", "B", "C", "D", "E"]\n', encoding="utf-8")
    data = tmp_path / "e.csv"
    from conftest import U1, write_csv

    write_csv(data, ["统一社会信用代码", "企业名称", "信用风险分类"], [[U1, "甲", "E"]])
    assert cli("entities", "import", data).exit_code == 65
    cli.ok("--config", config, "entities", "import", data)
    assert cli.query("SELECT risk_class FROM entities") == [("E",)]
    bad = tmp_path / "bad.toml"
    bad.write_text("risk_classes = []\n", encoding="utf-8")
    result = cli("--config", bad, "entities", "list")
    assert result.exit_code == 78
    assert result.stderr.startswith(f"错误：配置文件 {bad} 有误：risk_classes:")


def test_unknown_database_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", "mysql://x/y", "entities", "list"])
    assert (result.exit_code, result.stderr) == (
        78,
        "错误：不支持的数据库类型：mysql（支持 SQLite 与 PostgreSQL）\n",
    )


def test_usage_error_exit_code() -> None:
    result = CliRunner().invoke(app, ["entities", "list", "--limit", "-1"])
    assert result.exit_code == 2


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "creditcli", "--version"], capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout) == (0, f"creditcli {__version__}\n")


def test_every_command_is_in_the_readme_table() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    root = get_command(app)
    for name, group in root.commands.items():  # type: ignore[attr-defined]
        rows = "\n".join(line for line in readme.splitlines() if line.startswith(f"| `creditcli {name}"))
        assert rows, f"README has no row for creditcli {name}"
        for sub in getattr(group, "commands", {}):
            assert sub in rows, f"README does not mention creditcli {name} {sub}"


def test_a_closed_pipe_ends_the_output_quietly() -> None:
    """`creditcli tasks list | head -1`: the reader is done, so no error message and exit 0."""
    from creditcli.cli.guard import CreditTyper

    demo = CreditTyper()

    @demo.command()
    def shout() -> None:
        print("第一行")
        raise BrokenPipeError(32, "Broken pipe")

    result = CliRunner().invoke(demo, [])
    assert (result.exit_code, result.stderr) == (0, "")
