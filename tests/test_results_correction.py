"""Issue 16 §1 and §4: results are withdrawn (never deleted), listed, corrected through the pre-filled
sheet, published only as they stand, recorded by two officers, and vouched for in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

from python_calamine import CalamineWorkbook

from conftest import OPERATOR, PINNED_NOW, U1, U2, U3, U4, Cli, record_result, write_xlsx

DAY = PINNED_NOW.date().isoformat()
CLASH = (
    "与对象 {U1} 现有的检查结果 1 未发现问题 矛盾（未发现问题与其他结果不能并存）：更正录错的结果请加 --replaces 1"
    "（录入表填“替代结果代码”），或先用 creditcli results withdraw 撤回"
)


def stamp(cli: Cli) -> str:
    """When the (only) withdrawn result was withdrawn, as stored: the pinned clock keeps ticking."""
    (at,) = {w[2] for w in withdrawn(cli) if w[2]}
    assert at.startswith(DAY)
    return at


def status(cli: Cli) -> str:
    return str(cli.query("SELECT status FROM tasks WHERE code = 'T1'")[0][0])


def withdrawn(cli: Cli) -> list[tuple[str, str, str, str, str]]:
    """(uscc, code, withdrawn_at, by, reason) of every result, withdrawn or not."""
    rows = cli.query(
        "SELECT uscc, result_code, withdrawn_at, withdrawn_by, withdrawn_reason FROM results ORDER BY uscc, result_code"
    )
    return [(u, c, "" if a is None else str(a)[:19], b or "", r or "") for u, c, a, b, r in rows]


def public_results(cli: Cli, path: Path) -> list[list[str]]:
    cli.ok("publicity", "export", "T1", "--what", "results", "-o", path, "--partial")
    return [line.split(",") for line in path.read_text(encoding="utf-8-sig").splitlines()]


# §1 bullet 1: results withdraw --------------------------------------------------------------------------


def test_a_wrong_result_is_withdrawn_with_who_when_why_and_never_published(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    # 未发现问题 and 发现问题已责令改正 side by side (the scandal) cannot be recorded any more ...
    assert record_result(cli, U1, assigned[U1], "--result", "E").exit_code == 65
    assert public_results(cli, tmp_path / "before.csv")[1][10] == "未发现问题"
    # ... the wrong one is withdrawn, then the right one recorded.
    done = cli("results", "withdraw", "T1", U1, "--result", "1", "--reason", "误录，应为 E", "-f", "json")
    assert done.exit_code == 0, done.stderr
    assert record_result(cli, U1, assigned[U1], "--result", "E").exit_code == 0
    NOW = stamp(cli)
    assert json.loads(done.stdout) == {
        "schema": "creditcli.withdraw/1",
        "task": "T1",
        "uscc": U1,
        "item": "SJ01",
        "result_code": "1",
        "reason": "误录，应为 E",
        "withdrawn_by": OPERATOR,
        "withdrawn_at": NOW,
        "status": "检查中",
        "drawn": 3,
        "with_results": 0,
    }
    assert withdrawn(cli) == [(U1, "1", NOW, OPERATOR, "误录，应为 E"), (U1, "E", "", "", "")]
    history = cli.query("SELECT field, old_value, new_value, source FROM result_changes ORDER BY id")
    assert history == [
        ("withdrawn_at", "", NOW, "命令行撤回"),
        ("withdrawn_by", "", OPERATOR, "命令行撤回"),
        ("withdrawn_reason", "", "误录，应为 E", "命令行撤回"),
    ]
    newest = [c for (c,) in cli.query("SELECT command FROM audit_log ORDER BY seq DESC")][:2]
    assert newest == ["creditcli results record", "creditcli results withdraw"]
    got = public_results(cli, tmp_path / "after.csv")
    assert [r[10] for r in got[1:]] == ["发现问题已责令改正"]
    assert "未发现问题" not in (tmp_path / "after.csv").read_text(encoding="utf-8-sig")
    # It stays in the archive, marked.
    cli.ok("archive", "export", U1, "-o", tmp_path / "档案")
    data = json.loads((tmp_path / "档案" / U1 / "archive.json").read_text(encoding="utf-8"))
    kept = {r["code"]: r["withdrawn"] for r in data["tasks"][0]["results"]}
    assert kept == {"1": {"at": NOW, "by": OPERATOR, "reason": "误录，应为 E"}, "E": None}
    assert "**已撤回**" in (tmp_path / "档案" / U1 / "index.md").read_text(encoding="utf-8")
    cli.ok("audit", "verify")
    cli.ok("tasks", "verify", "T1")


def test_withdrawing_what_is_not_there_or_is_gone_already_is_refused(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    before = cli.dump()
    missing = cli("results", "withdraw", "T1", U1, "--result", "E", "--reason", "误录")
    assert (missing.exit_code, missing.stderr) == (
        66,
        f"错误：任务 T1 中对象 {U1} 没有事项 SJ01 的检查结果 E，无法撤回（现有：1（事项 SJ01））\n",
    )
    none_yet = cli("results", "withdraw", "T1", U2, "--result", "1", "--reason", "误录")
    assert (none_yet.exit_code, none_yet.stderr) == (
        66,
        f"错误：任务 T1 中对象 {U2} 没有事项 SJ01 的检查结果 1，无法撤回（该对象还没有任何检查结果）\n",
    )
    blank = cli("results", "withdraw", "T1", U1, "--result", "1", "--reason", "  ")
    assert (blank.exit_code, blank.stderr) == (2, "错误：--reason 不能为空：请写明撤回原因（如 “误录，应为 E”）\n")
    no_task = cli("results", "withdraw", "T9", U1, "--result", "1", "--reason", "误录")
    assert no_task.exit_code == 66
    assert cli.dump() == before
    cli.ok("results", "withdraw", "T1", U1, "--result", "1", "--reason", "误录")
    NOW = stamp(cli)
    after = cli.dump()
    again = cli("results", "withdraw", "T1", U1, "--result", "1", "--reason", "再撤")
    assert (again.exit_code, again.stderr) == (
        1,
        f"错误：任务 T1 中对象 {U1} 的检查结果 1 已于 {NOW} 由 {OPERATOR} 撤回（误录）\n",
    )
    assert cli.dump() == after


def test_a_withdrawn_result_no_longer_completes_the_task_and_recording_it_again_reinstates_it(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    for uscc in (U1, U2, U4):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    assert status(cli) == "已完成"
    cli.ok("results", "withdraw", "T1", U4, "--result", "1", "--reason", "对象未检查")
    assert status(cli) == "检查中"
    NOW = stamp(cli)
    refused = cli("publicity", "export", "T1", "--what", "results", "-o", tmp_path / "r.csv")
    assert refused.exit_code == 65 and f"对象 {U4}（济南丁专业合作社）: 没有检查结果" in refused.stderr
    again = json.loads(record_result(cli, U4, assigned[U4]).stdout)
    assert (again["updated"], again["status"]) == (1, "已完成")
    assert withdrawn(cli)[-1] == (U4, "1", "", "", "")
    assert cli.query("SELECT field, old_value, new_value FROM result_changes ORDER BY id")[-3:] == [
        ("withdrawn_at", NOW, ""),
        ("withdrawn_by", OPERATOR, ""),
        ("withdrawn_reason", "对象未检查", ""),
    ]


def test_record_replaces_a_wrong_result_from_the_terminal(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    before = cli.dump()
    wrong = record_result(cli, U1, assigned[U1], "--result", "E", "--replaces", "A")
    assert (wrong.exit_code, wrong.stderr) == (
        65,
        f"错误：命令行录入: 发现 2 处问题，未录入任何检查结果\n  --result E: {CLASH.format(U1=U1)}\n"
        f"  --replaces A: 对象 {U1} 没有这条检查结果，无法替代\n",
    )
    assert cli.dump() == before
    done = json.loads(record_result(cli, U1, assigned[U1], "--result", "E", "--replaces", "1").stdout)
    assert (done["inserted"], done["withdrawn"], done["with_results"]) == (1, 1, 1)
    assert withdrawn(cli) == [(U1, "1", stamp(cli), OPERATOR, "由检查结果 E 替代"), (U1, "E", "", "", "")]


# §1 bullets 1 and 3: the pre-filled sheet, 撤回 and 替代结果代码 -----------------------------------------


def sheet(path: Path) -> list[list[object]]:
    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]


def test_the_template_is_prefilled_and_a_row_replaces_a_wrong_result(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    team = ";".join(assigned[U1])
    assert record_result(cli, U1, assigned[U1], "--item", "SJ01", "--findings", "无").exit_code == 0
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    rows = sheet(tmp_path / "t.xlsx")
    assert rows[1] == ["T1", U1, "济南甲有限公司", "SJ01", "登记事项检查", "1", "实地检查", "2026-04-01", team, "无",
                       "", "否", "", "", "", ""]  # fmt: skip
    assert rows[2][1] == U2 and rows[2][5:8] == ["", "", ""]  # not inspected yet: the team only
    # The correction, made in the row itself: E, replacing 1.
    fixed = [*rows[1][:5], "E", "实地检查", "2026-04-01", team, "年报未公示", "责令改正", "是", "", "", "误录", "1"]
    before = cli.dump()
    bad = [*fixed[:15], "A"]
    path = write_xlsx(tmp_path / "bad.xlsx", rows[0], [bad, *rows[2:]])
    refused = cli("results", "import", path)
    assert (refused.exit_code, refused.stderr.splitlines()) == (
        65,
        [f"错误：{path}: 发现 2 处问题，未录入任何检查结果",
         f"  第 2 行 “检查结果代码”: E {CLASH.format(U1=U1)}",
         f"  第 2 行 “替代结果代码”: A 对象 {U1} 没有这条检查结果，无法替代"],
    )  # fmt: skip
    both = write_xlsx(tmp_path / "both.xlsx", rows[0], [rows[1], fixed, *rows[2:]])
    refused = cli("results", "import", both)
    assert refused.exit_code == 65
    assert "  第 3 行 “替代结果代码”: 1 同一文件又录入了这条结果：替代与录入只能选一" in refused.stderr
    assert cli.dump() == before
    done = cli.ok("results", "import", write_xlsx(tmp_path / "f.xlsx", rows[0], [fixed, *rows[2:]]), "-f", "json")
    summary = json.loads(done.stdout)
    assert {k: summary[k] for k in ("inserted", "updated", "unchanged", "withdrawn")} == {
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 1,
    }
    assert withdrawn(cli) == [(U1, "1", stamp(cli), OPERATOR, "误录"), (U1, "E", "", "", "")]
    assert cli.query("SELECT replaces FROM results WHERE result_code = 'E'") == [("1",)]
    assert [r[10] for r in public_results(cli, tmp_path / "p.csv")[1:]] == ["发现问题已责令改正"]

    # Exported again: both rows, the withdrawn one marked; imported unchanged it changes nothing at all.
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t2.xlsx")
    again = sheet(tmp_path / "t2.xlsx")
    assert [(r[1], r[5], r[13], r[14], r[15]) for r in again[1:3]] == [
        (U1, "1", "是", "误录", ""),
        (U1, "E", "", "", "1"),
    ]
    before = cli.dump()
    same = json.loads(cli.ok("results", "import", tmp_path / "t2.xlsx", "-f", "json").stdout)
    assert (same["inserted"], same["updated"], same["withdrawn"], same["unchanged"]) == (0, 0, 0, 2)
    assert cli.dump() == before  # not even an audit entry


def test_a_row_marked_withdrawn_needs_a_reason_and_an_existing_result(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    assert record_result(cli, U1, assigned[U1], "--item", "SJ01").exit_code == 0
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    rows = sheet(tmp_path / "t.xlsx")
    rows[1][13] = "是"  # 撤回, no reason
    rows[2][5], rows[2][13], rows[2][14] = "E", "是", "误录"  # nothing recorded to withdraw
    path = write_xlsx(tmp_path / "w.xlsx", rows[0], rows[1:])
    before = cli.dump()
    refused = cli("results", "import", path)
    assert (refused.exit_code, refused.stderr.splitlines()) == (
        65,
        [f"错误：{path}: 发现 2 处问题，未录入任何检查结果",
         "  第 2 行 “撤回原因”: 撤回检查结果时须写明撤回原因",
         f"  第 3 行 “检查结果代码”: E 对象 {U2} 没有这条检查结果，无法撤回"],
    )  # fmt: skip
    assert cli.dump() == before
    rows[1][14] = "重复录入"
    rows[2][5:16] = [""] * 11
    done = json.loads(
        cli.ok("results", "import", write_xlsx(tmp_path / "x.xlsx", rows[0], rows[1:]), "-f", "json").stdout
    )
    assert (done["withdrawn"], done["tasks"]) == (1, {"T1": "检查中"})
    assert withdrawn(cli) == [(U1, "1", stamp(cli), OPERATOR, "重复录入")]


# §1 bullet 2: results list -------------------------------------------------------------------------------


def test_results_list_shows_what_stands_and_with_all_the_withdrawn_and_the_history(
    cli: Cli, assigned: dict[str, list[str]]
) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    cli.ok("results", "withdraw", "T1", U1, "--result", "1", "--reason", "误录")
    assert record_result(cli, U1, assigned[U1], "--result", "E", "--findings", "年报未公示").exit_code == 0
    assert record_result(cli, U2, assigned[U2]).exit_code == 0
    NOW = stamp(cli)
    listed = cli.ok("results", "list", "T1", "-f", "json")
    data = json.loads(listed.stdout)
    assert (data["schema"], data["count"]) == ("creditcli.results/1", 2)
    assert [(r["uscc"], r["result_code"], r["text"], r["withdrawn"]) for r in data["rows"]] == [
        (U1, "E", "发现问题已责令改正", "否"),
        (U2, "1", "未发现问题", "否"),
    ]
    assert data["rows"][0]["inspectors"] == ";".join(assigned[U1]) and data["rows"][0]["findings"] == "年报未公示"
    assert listed.stderr == "另有 1 条已撤回的结果未列出（加 --all 查看）\n"
    everything = json.loads(cli.ok("results", "list", "T1", "--uscc", U1, "--all", "-f", "json").stdout)["rows"]
    assert [(r["result_code"], r["withdrawn"], r["withdrawn_reason"], r["withdrawn_by"]) for r in everything] == [
        ("1", "是", "误录", OPERATOR),
        ("E", "否", "", ""),
    ]
    assert everything[0]["history"] == (
        f"{NOW} {OPERATOR}（命令行撤回）撤回时间：（空） → {NOW}；"
        f"{NOW} {OPERATOR}（命令行撤回）撤回人：（空） → {OPERATOR}；"
        f"{NOW} {OPERATOR}（命令行撤回）撤回原因：（空） → 误录"
    )
    csv = cli.ok("results", "list", "T1", "--uscc", U2, "-f", "csv").stdout.splitlines()
    assert csv[0].split(",")[:5] == ["统一社会信用代码", "市场主体名称", "抽查事项编码", "检查结果代码", "检查结果"]
    assert len(csv) == 2 and csv[1].startswith(f"{U2},济南乙有限公司,SJ01,1,未发现问题")
    stranger = cli("results", "list", "T1", "--uscc", U3)
    assert (stranger.exit_code, stranger.stderr) == (
        66,
        f"错误：{U3} 不是任务 T1 的抽中对象（用 creditcli tasks show T1 查看）\n",
    )


# §1 bullet 4: publicity --partial ------------------------------------------------------------------------


def test_partial_results_list_only_entities_with_a_result(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    assert record_result(cli, U2, assigned[U2]).exit_code == 0
    assert record_result(cli, U4, assigned[U4], "--result", "E").exit_code == 0
    got = public_results(cli, tmp_path / "r.csv")
    assert [(r[0], r[8], r[10]) for r in got[1:]] == [("1", U2, "未发现问题"), ("2", U4, "发现问题已责令改正")]
    cli.ok("results", "withdraw", "T1", U4, "--result", "E", "--reason", "录错对象")
    got = public_results(cli, tmp_path / "r2.csv")
    assert [(r[0], r[8], r[10]) for r in got[1:]] == [("1", U2, "未发现问题")]


# §1 bullet 5: two 执法人员 -----------------------------------------------------------------------------


def test_one_officer_is_refused_naming_the_rule(cli: Cli, assigned: dict[str, list[str]]) -> None:
    before = cli.dump()
    alone = record_result(cli, U1, assigned[U1][:1])
    assert (alone.exit_code, alone.stderr) == (
        65,
        "错误：命令行录入: 发现 1 处问题，未录入任何检查结果\n"
        f"  --inspector {assigned[U1][0]}: 只有 1 名执法人员：对象 {U1} 的检查须由其检查组中至少 2 名执法人员进行"
        "（行政处罚法第四十二条；专家和第三方人员不计入），请填写全部参加检查的执法人员\n",
    )
    twice = record_result(cli, U1, [assigned[U1][0], assigned[U1][0]])
    assert twice.exit_code == 65 and "只有 1 名执法人员" in twice.stderr
    none = cli("results", "record", "T1", U1, "--result", "1", "--date", "2026-04-01")
    assert none.exit_code == 65 and "  --inspector: 只有 0 名执法人员" in none.stderr
    assert cli.dump() == before


def test_experts_do_not_count_toward_the_two(cli: Cli, tmp_path: Path) -> None:
    from conftest import ENTITY_HEADER, RESULT_ITEM_HEADER, TEAM_INSPECTOR_HEADER, entity_rows, write_csv

    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    people = [[f"3701000{i}", f"人员{i}", "执法人员", "华山市场监管所", "2027-12-31", "在岗"] for i in range(2)]
    people.append(["ZJ0001", "张强", "专家", "", "", "在岗"])
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", TEAM_INSPECTOR_HEADER, people))
    cli.ok("items", "import", write_csv(tmp_path / "items.csv", RESULT_ITEM_HEADER, [["SJ01", "登记事项检查"]]))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.ok("tasks", "assign", "T1", "--experts", "1")
    team = dict(cli.query("SELECT inspector_code, role FROM team_members WHERE uscc = :u", u=U1))
    assert team["ZJ0001"] == "专家"
    officer = next(c for c, role in team.items() if role != "专家")
    before = cli.dump()
    refused = record_result(cli, U1, [officer, "ZJ0001"])
    assert refused.exit_code == 65
    assert f"--inspector {officer}、ZJ0001: 只有 1 名执法人员：对象 {U1} 的检查须由" in refused.stderr
    assert cli.dump() == before
    assert record_result(cli, U1, [*team]).exit_code == 0


# §4 bullet 1: results cannot be altered unnoticed ----------------------------------------------------------


def test_every_result_write_carries_the_digest_of_the_tasks_results(cli: Cli, assigned: dict[str, list[str]]) -> None:
    from creditcli.results.digest import results_digest

    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    cli.ok("results", "withdraw", "T1", U1, "--result", "1", "--reason", "误录")
    rows = cli.query("SELECT command, digest, refs FROM audit_log WHERE command LIKE '%results%' ORDER BY seq")
    assert [c for c, _, _ in rows] == ["creditcli results record", "creditcli results withdraw"]
    (task_id,) = cli.query("SELECT id FROM tasks WHERE code = 'T1'")[0]
    for _, digest, refs in rows:
        assert json.loads(refs) == {"results": {str(task_id): digest}}
    from creditcli.actions import Store

    store = Store(cli.db)
    with store.reading() as session:
        assert results_digest(session, task_id) == rows[-1][1]
    store.close()


def tampered(cli: Cli, sql: str, **params: str) -> tuple[list[str], list[str]]:
    cli.execute(sql, **params)
    audit, tasks = cli("audit", "verify"), cli("tasks", "verify", "T1")
    assert (audit.exit_code, tasks.exit_code) == (1, 1), (audit.stderr, tasks.stderr)
    return audit.stderr.splitlines(), tasks.stderr.splitlines()


def test_a_result_changed_with_raw_sql_is_found(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    assert record_result(cli, U1, assigned[U1], "--findings", "账目不全").exit_code == 0
    cli.ok("audit", "verify")
    assert json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)["results_checked"] == 1
    audit, tasks = tampered(cli, "UPDATE results SET findings = '无', result_code = 'E'")
    assert audit == [
        "错误：审计核验未通过：审计记录第 8 条所记的任务 T1 检查结果已被改动：检查结果摘要不符"
        "（结果或其更改记录被直接修改、增加或删除）（共 1 处）"
    ]
    assert tasks == [
        "错误：任务 T1 第 1 次抽取复核不一致：",
        f"任务 T1 检查结果 {U1}/SJ01/E 的“发现问题情况”为 无，与更改记录的最后取值 账目不全 不符（被直接改动）",
        "任务 T1 的检查结果与审计记录第 8 条不符"
        "（结果或其更改记录被直接修改、增加或删除；用 creditcli audit verify 查看）",
    ]


def test_a_result_deleted_with_raw_sql_is_found(cli: Cli, assigned: dict[str, list[str]]) -> None:
    for uscc in (U1, U2):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    audit, tasks = tampered(cli, "DELETE FROM results WHERE uscc = :u", u=U2)
    assert audit[0].startswith("错误：审计核验未通过：审计记录第 8 条所记的任务 T1 检查结果已被改动")
    assert tasks[1].startswith("任务 T1 的检查结果与审计记录第 8 条不符")


def test_results_whose_newest_entries_were_deleted_are_found(cli: Cli, assigned: dict[str, list[str]]) -> None:
    """The newest entry deleted, its result kept: the entry before no longer matches. (The newest entries
    deleted together with every row they recorded leave an older, consistent state: that needs a chain
    head kept outside the database, audit head.)"""
    for uscc in (U1, U2):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    audit, _ = tampered(cli, "DELETE FROM audit_log WHERE seq = 8")
    assert audit == [
        "错误：审计核验未通过：审计记录第 7 条所记的任务 T1 检查结果已被改动：检查结果摘要不符"
        "（结果或其更改记录被直接修改、增加或删除）（共 1 处）"
    ]
    audit, tasks = tampered(cli, "DELETE FROM audit_log WHERE seq = 7")
    assert audit == ["错误：审计核验未通过：任务 T1 的检查结果没有对应的审计记录（共 1 处）"]
    assert tasks[1:] == ["任务 T1 的检查结果没有对应的审计记录"]


# Found by a hostile trial: the list must not contradict itself however the correction is attempted --------


def test_a_result_that_contradicts_a_standing_one_is_refused(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    """1 (未发现问题) then E without --replaces would publish both: refused, naming the fix; a second
    problem result beside a first one is allowed (several results may apply)."""
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    before = cli.dump()
    second = record_result(cli, U1, assigned[U1], "--result", "E")
    assert second.exit_code == 65
    assert second.stderr.splitlines()[1] == (
        "  --result E: 与对象 91370112MA3C00001X 现有的检查结果 1 未发现问题 矛盾（未发现问题与其他结果不能并存）："
        "更正录错的结果请加 --replaces 1（录入表填“替代结果代码”），或先用 creditcli results withdraw 撤回"
    )
    assert cli.dump() == before
    # The same change made in the pre-filled sheet, without 替代结果代码: refused too.
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    rows = sheet(tmp_path / "t.xlsx")
    rows[1][5] = "E"
    rows.insert(2, [*rows[1][:5], "1", *rows[1][6:]])
    refused = cli("results", "import", write_xlsx(tmp_path / "f.xlsx", rows[0], rows[1:]))
    assert refused.exit_code == 65 and "现有的检查结果 1 未发现问题 矛盾" in refused.stderr
    assert cli.dump() == before
    assert record_result(cli, U1, assigned[U1], "--result", "E", "--replaces", "1").exit_code == 0
    assert record_result(cli, U1, assigned[U1], "--result", "A").exit_code == 0  # E and A may stand together
    assert sorted(c for _, c, at, _, _ in withdrawn(cli) if not at) == ["A", "E"]


def test_clearing_withdrawn_in_the_sheet_does_not_bring_a_result_back(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    cli.ok("results", "withdraw", "T1", U1, "--result", "1", "--reason", "录错")
    cli.ok("tasks", "export", "T1", "--what", "result-template", "-o", tmp_path / "t.xlsx")
    rows = sheet(tmp_path / "t.xlsx")
    assert (rows[1][13], rows[1][14]) == ("是", "录错")
    rows[1][13] = rows[1][14] = ""
    before = cli.dump()
    path = write_xlsx(tmp_path / "f.xlsx", rows[0], rows[1:])
    refused = cli("results", "import", path)
    assert (refused.exit_code, refused.stderr.splitlines()) == (
        65,
        [
            f"错误：{path}: 发现 1 处问题，未录入任何检查结果",
            "  第 2 行 “撤回”: 这条结果已撤回：录入表中清空“撤回”不能恢复它；"
            "确需恢复请用 creditcli results record 录入（留痕）",
        ],
    )
    assert cli.dump() == before


def test_a_task_with_one_item_gives_it_to_a_result_without_one(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0  # no --item: T1 has the one item SJ01
    assert cli.query("SELECT item_code FROM results") == [("SJ01",)]
    cli.ok("results", "withdraw", "T1", U1, "--result", "1", "--reason", "录错")  # found without --item too
    assert [w[1:3] != ("1", "") for w in withdrawn(cli)] == [True]
