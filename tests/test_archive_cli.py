"""archive export: one directory per entity with the draw excerpt, team, results with history, publications."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from conftest import U1, U2, U3, U4, Cli, record_result


def test_one_entity_with_everything_that_touched_it(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    assert record_result(cli, U1, assigned[U1], "--findings", "账目不全").exit_code == 0
    leaving = assigned[U1][0]
    cli.ok("tasks", "replace", "T1", "--inspector", leaving, "--reason", "回避：近亲属", "--entity", U1)
    result = cli.ok("archive", "export", U1, "-o", tmp_path / "档案")
    assert result.stderr == f"已导出 1 个对象的档案到 {tmp_path / '档案'}\n"
    data = json.loads((tmp_path / "档案" / U1 / "archive.json").read_text(encoding="utf-8"))
    assert data["schema"] == "creditcli.archive/1"
    assert data["entity"]["name"] == "济南甲有限公司" and data["entity"]["risk_class"] == "A"
    assert [h["risk_class"] for h in data["class_history"]] == ["A"]
    (part,) = data["tasks"]
    seed, digest, ticket, rank = cli.query(
        "SELECT d.seed, d.pool_digest, s.ticket, s.rank FROM draws d JOIN draw_selections s ON s.draw_id = d.id "
        "WHERE s.uscc = :u",
        u=U1,
    )[0]
    assert (part["draw"]["seed"], part["draw"]["pool_digest"], part["draw"]["ticket"], part["draw"]["rank"]) == (
        seed,
        digest,
        ticket,
        rank,
    )
    assert leaving not in [m["code"] for m in part["team"]] and len(part["team"]) == 2
    assert [(r["old"], r["reason"]) for r in part["replacements"]] == [(leaving, "回避：近亲属")]
    (res,) = part["results"]
    assert (res["code"], res["text"], res["findings"]) == ("1", "未发现问题", "账目不全")
    assert [(c["field"], c["old"], c["new"]) for c in res["changes"]] == [("findings", "", "账目不全")]
    index = (tmp_path / "档案" / U1 / "index.md").read_text(encoding="utf-8")
    assert index.startswith(f"# 一对象一档案：{U1}\n")
    assert f"种子 `{seed}`" in index and "更改 findings： → 账目不全" in index and "回避：近亲属" in index


def test_every_entity_of_a_task_into_a_zip(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.ok("archive", "export", "--task", "T1", "-o", tmp_path / "t1.zip")
    with zipfile.ZipFile(tmp_path / "t1.zip") as z:
        names = sorted(z.namelist())
    assert names == sorted(f"{u}/{f}" for u in (U1, U2, U4) for f in ("archive.json", "index.md"))


def test_unknown_entities_and_bad_arguments(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    never = cli.ok("archive", "export", U3, "-o", tmp_path / "a")  # in the roster, never drawn: its record alone
    assert never.exit_code == 0
    assert json.loads((tmp_path / "a" / U3 / "archive.json").read_text(encoding="utf-8"))["tasks"] == []
    unknown = cli("archive", "export", "91370100MA3C00099X", "-o", tmp_path / "b")
    assert (unknown.exit_code, unknown.stderr) == (
        66,
        "错误：名录和抽取记录中都没有统一社会信用代码为 91370100MA3C00099X 的对象\n",
    )
    both = cli("archive", "export", U1, "--task", "T1")
    assert (both.exit_code, both.stderr) == (2, "错误：请给出一个统一社会信用代码，或用 --task 指定任务（二者选一）\n")
