"""audit list / verify: every change is logged in a hash chain; raw SQL behind the tool's back is found."""

from __future__ import annotations

import json

from conftest import U1, Cli, record_result


def entries(cli: Cli) -> list[tuple[int, str]]:
    return [(int(s), str(c)) for s, c in cli.query("SELECT seq, command FROM audit_log ORDER BY seq")]


def test_every_change_is_logged_and_the_chain_verifies(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    cli.ok("entities", "list")  # reading leaves no entry
    assert [c for _, c in entries(cli)] == [
        "creditcli entities import",
        "creditcli inspectors import",
        "creditcli items import",
        "creditcli tasks create",
        "creditcli tasks draw",
        "creditcli tasks assign",
        "creditcli results record",
    ]
    listed = json.loads(cli.ok("audit", "list", "-f", "json").stdout)["rows"]
    draw = next(r for r in listed if r["command"] == "creditcli tasks draw")
    certificate = cli.query("SELECT certificate_sha256 FROM draws")[0][0]
    assert draw["digest"] == certificate and json.loads(draw["arguments"])["seed"] == "20261127000000000042"
    ok = cli.ok("audit", "verify")
    assert ok.stdout == "审计核验通过：7 条记录，哈希链完整，抽取记录、检查组匹配与检查结果未被改动\n"


def test_an_altered_entry_is_named(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.execute("UPDATE audit_log SET counts = :c WHERE seq = 2", c='{"rows":1}')
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    assert broken.stderr.splitlines()[0] == (
        "错误：审计核验未通过：审计记录第 2 条（creditcli inspectors import）的内容被改动（共 1 处）"
    )


def test_a_deleted_entry_is_named(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.execute("DELETE FROM audit_log WHERE seq = 3")
    broken = cli("audit", "verify", "-f", "json")
    assert broken.exit_code == 1
    report = json.loads(broken.stdout)
    assert (report["schema"], report["ok"], report["entries"], len(report["problems"])) == (
        "creditcli.audit-verify/1",
        False,
        5,  # of the six the fixture made, one deleted
        2,
    )
    assert broken.stderr.splitlines()[:2] == [
        "错误：审计核验未通过：审计记录第 3–3 条缺失（被删除）（共 2 处）",
        "  审计记录第 4 条与前一条接不上（前一条被删改）",
    ]


def test_a_changed_draw_or_assignment_is_found(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.execute("UPDATE draws SET certificate = certificate || ' '")
    cli.execute("DELETE FROM team_members WHERE uscc = :u AND role = '组员'", u=U1)
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    lines = broken.stderr.splitlines()
    assert lines[0] == "错误：审计核验未通过：审计记录第 5 条所记的抽取记录（编号 1）已被改动：证书摘要不符（共 2 处）"
    assert lines[1] == "  审计记录第 6 条所记的检查组匹配（编号 1）已被改动：检查组摘要不符"


def test_deleting_the_newest_entries_leaves_a_draw_without_its_entry(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.execute("DELETE FROM audit_log WHERE seq >= 5")
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    assert broken.stderr.splitlines() == [
        "错误：审计核验未通过：任务 T1 的抽取记录（编号 1）没有对应的审计记录（共 2 处）",
        "  任务 T1 的检查组匹配（编号 1）没有对应的审计记录",
    ]


def test_a_refused_or_dry_run_command_leaves_no_entry(cli: Cli, assigned: dict[str, list[str]]) -> None:
    before = entries(cli)
    assert cli("tasks", "draw", "T1", "--seed", "20261127000000000043").exit_code == 1
    assert cli("tasks", "draw", "T1", "--if-not-drawn").exit_code == 0
    assert entries(cli) == before
