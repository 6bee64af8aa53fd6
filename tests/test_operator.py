"""Who did it (issue 16 §5): --operator, CREDITCLI_OPERATOR and the configuration's ``operator`` name the
operator of the audit log, the records, certificates and notices; a write as root without one warns."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, Cli, docx_text, entity_rows, write_csv
from creditcli import clock

ROOT_WARNING = (
    "警告：以操作系统用户 root 运行且未注明操作人，审计日志和记录中的操作人将是“root”，看不出是谁；"
    "请用 --operator 姓名、环境变量 CREDITCLI_OPERATOR 或配置项 operator 注明\n"
)


@pytest.fixture
def nobody_stated(monkeypatch: pytest.MonkeyPatch) -> None:
    """No operator stated anywhere (the suite states 测试员 for every test; conftest restores it after)."""
    monkeypatch.delenv(clock.OPERATOR_ENV, raising=False)
    clock.set_operator(None)


def as_login(monkeypatch: pytest.MonkeyPatch, name: str, uid: int) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: name)
    monkeypatch.setattr(os, "geteuid", lambda: uid)


def audit_users(cli: Cli) -> list[str]:
    return [r[0] for r in cli.query("SELECT os_user FROM audit_log ORDER BY seq")]


def roster(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())


def test_option_environment_and_configuration_in_this_order(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nobody_stated: None
) -> None:
    as_login(monkeypatch, "root", 0)
    config = tmp_path / "config.toml"
    config.write_text('operator = "王五"\n', encoding="utf-8")
    by_config = cli("--config", config, "entities", "import", roster(tmp_path))
    assert by_config.exit_code == 0 and "警告" not in by_config.stderr
    monkeypatch.setenv(clock.OPERATOR_ENV, "李四")
    by_env = cli("--config", config, "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30")
    assert by_env.exit_code == 0 and "警告" not in by_env.stderr
    by_option = cli("--operator", " 张三 ", "--config", config, "tasks", "create", "T2", "--name", "y",
                    "--window", "2026-03-01:2026-06-30")  # fmt: skip
    assert by_option.exit_code == 0 and "警告" not in by_option.stderr
    assert audit_users(cli) == ["王五", "李四", "张三"]
    assert cli.query("SELECT code, created_by FROM tasks ORDER BY code") == [("T1", "李四"), ("T2", "张三")]


def test_certificates_and_notices_show_the_operator(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", roster(tmp_path))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1",
           "--authority", "济南市天桥区市场监督管理局")  # fmt: skip
    notice = tmp_path / "notice.md"
    cli.ok("--operator", "张三", "tasks", "freeze", "T1", "-o", notice)
    assert "冻结时间：" in notice.read_text(encoding="utf-8")
    assert "；操作人：张三\n" in notice.read_text(encoding="utf-8")
    cli.ok("--operator", "李四", "tasks", "draw", "T1", "--seed", "20261127000000000042")
    cert = tmp_path / "cert.json"
    cli.ok("tasks", "certificate", "T1", "-o", cert)  # written later, by someone else: the drawer is named
    assert json.loads(cert.read_text(encoding="utf-8"))["operator"] == "李四"
    assert "；操作人：李四\n" in cert.with_suffix(".md").read_text(encoding="utf-8")
    assert cli.query("SELECT operator FROM pool_freezes") == [("张三",)]
    cli.ok("--operator", "王五", "tasks", "document", "T1", "--what", "notice", "-o", tmp_path / "notice.docx")
    cli.ok("tasks", "document", "T1", "--what", "certificate", "-o", tmp_path / "cert.docx")
    assert "冻结经办人：张三" in docx_text(tmp_path / "notice.docx")  # who froze, not who printed it
    assert "操作人|李四" in docx_text(tmp_path / "cert.docx")
    assert cli.query("SELECT operator FROM draws") == [("李四",)]


def test_a_write_as_root_without_an_operator_warns(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nobody_stated: None
) -> None:
    as_login(monkeypatch, "root", 0)
    written = cli("entities", "import", roster(tmp_path))
    assert written.exit_code == 0
    assert ROOT_WARNING in written.stderr
    assert audit_users(cli) == ["root"]  # recorded all the same: the warning says what it will read
    read = cli("entities", "list", "--wide")
    assert (read.exit_code, read.stderr) == (0, "")  # a read records nobody
    named = cli("--operator", "张三", "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30")
    assert (named.exit_code, "警告" in named.stderr) == (0, False)
    as_login(monkeypatch, "kim", 1000)
    own_login = cli("tasks", "create", "T2", "--name", "y", "--window", "2026-03-01:2026-06-30")
    assert (own_login.exit_code, "警告" in own_login.stderr) == (0, False)
    assert audit_users(cli) == ["root", "张三", "kim"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "不能为空：请写操作人的姓名，如 张三"), ("  ", "不能为空：请写操作人的姓名，如 张三"),
     ("张" * 65, "太长（65 个字符）：最多 64 个字符"), ("张三\x1b[2J", "含有控制字符：请只写姓名")],
)  # fmt: skip
def test_an_operator_that_names_nobody_is_refused(cli: Cli, tmp_path: Path, name: str, reason: str) -> None:
    cli.ok("entities", "import", roster(tmp_path))
    before = cli.dump()
    refused = cli("--operator", name, "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30")
    assert (refused.exit_code, refused.stderr) == (2, f"错误：--operator {reason}\n")
    config = tmp_path / "config.toml"
    config.write_text(f"operator = {json.dumps(name)}\n", encoding="utf-8")
    bad = cli("--config", config, "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30")
    assert (bad.exit_code, bad.stderr) == (78, f"错误：配置文件 {config} 有误：operator: 操作人{reason}\n")
    assert cli.dump() == before
