"""The results' documents on paper (.docx): the 随机抽查情况记录表 a team fills on site (domain.md §6),
pre-filled from the recorded results, and the 抽查结果公告 (its table is the public results list)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.db import bulk
from creditcli.db.models import Item, Result, ResultCode, Task
from creditcli.draw.papers import chinese_date
from creditcli.draw.tasks import spec_of
from creditcli.io.paper import Paper
from creditcli.results.publicity import RESULTS, public_table
from creditcli.results.service import METHODS
from creditcli.teams.exports import team_context

FOLLOW_UPS = (
    "无须后续处置措施",
    "停止检查，反馈至日常监管部门依法依规处理",
    "违反本部门相关规定，责令限期整改，后续跟踪由日常监管部门负责",
    "发现案件线索，初步固定相关证据后移送办案机构依法依规处理",
    "违反其他部门相关规定，抄告相关部门",
    "其他",
)
"""后续处置措施, the standard list of the record sheet (domain.md §6)."""
TICKED, EMPTY = "☑", "☐"


def boxes(choices: tuple[str, ...] | list[str], ticked: set[str]) -> str:
    return "  ".join(f"{TICKED if c in ticked else EMPTY}{c}" for c in choices)


def record_sheets(session: Session, task: Task, authority: str) -> Iterator[tuple[str, Paper]]:
    """Per drawn entity (by code): its record sheet, with what is recorded already ticked and filled in."""
    spec = spec_of(task)
    teams, entities = team_context(session, task)
    reps = {
        u: r or ""
        for u, r in bulk.fetch_where_in(session, "SELECT uscc, legal_rep FROM entities", "uscc", sorted(teams))
    }
    items = {c: n for c, n in session.execute(select(Item.code, Item.name).where(Item.code.in_(spec.items)))}
    vocabulary = [(c, t) for c, t in session.execute(select(ResultCode.code, ResultCode.text).where(ResultCode.active))]
    recorded: dict[str, list[Result]] = defaultdict(list)
    for result in session.scalars(select(Result).where(Result.task_id == task.id).order_by(Result.id)):
        if getattr(result, "withdrawn_at", None) is None:  # a withdrawn result is history, not the finding
            recorded[result.uscc].append(result)
    for uscc in sorted(teams):
        name, address, _ = entities.get(uscc, ("", "", ""))
        mine = recorded.get(uscc, [])
        paper = Paper().title("市场监管领域随机抽查情况记录表")
        paper.table(
            [
                ["项目", "内容"],
                ["任务名称", spec.name],
                ["任务编号", spec.code],
                ["被检查对象", name],
                ["统一社会信用代码/注册号", uscc],
                ["住所", address],
                ["法定代表人（负责人）", reps.get(uscc, "")],
                ["联系电话", ""],
            ],
            widths=(56, 100),
        )
        rows = [["检查事项", "是否检查", "发现问题情况", "处置情况"]]
        for code in spec.items or [""]:
            found = [r for r in mine if r.item_code == code or not code]
            rows.append(
                [
                    items.get(code, code) or "（未指定）",
                    ("是" if found else "") or "□是 □否",
                    "；".join(r.findings for r in found if r.findings),
                    "；".join(r.action for r in found if r.action),
                ]
            )
        paper.table(rows, widths=(50, 22, 42, 42))
        paper.plain("核查方式：" + boxes(METHODS, {r.method for r in mine}))
        paper.plain("检查结果：" + boxes([f"{c} {t}" for c, t in vocabulary], {_label(r, vocabulary) for r in mine}))
        paper.plain("后续处置措施：" + boxes(FOLLOW_UPS, {r.action for r in mine} & set(FOLLOW_UPS)))
        days = sorted({r.checked_on for r in mine})
        paper.plain(f"检查执行部门：{authority}")
        paper.plain("检查日期：" + ("、".join(chinese_date(d) for d in days) if days else "______年____月____日"))
        paper.signatures("检查人员", "检查人员", "被检查对象代表")
        yield uscc, paper


def _label(result: Result, vocabulary: list[tuple[str, str]]) -> str:
    return next((f"{c} {t}" for c, t in vocabulary if c == result.result_code), result.result_code)


def results_notice(session: Session, task: Task, authority: str, doc_no: str = "") -> Paper:
    """抽查结果公告: the body text and the public results table (the columns a reader needs)."""
    spec = spec_of(task)
    table = public_table(session, task, RESULTS, authority=authority)
    wanted = ("seq", "name", "uscc", "completed_on", "results")
    at = [list(table.names).index(k) for k in wanted]
    labels = [table.labels[i] for i in at]
    rows: list[list[Any]] = [[str(row[i]) for i in at] for batch in table.batches for row in batch]
    paper = Paper().title(f"{spec.name}{'' if spec.name.endswith('抽查') else '抽查'}结果公告")
    if doc_no:
        paper.subtitle(doc_no)
    paper.text(
        f"根据“双随机、一公开”监管工作安排，{authority}于{chinese_date(spec.window_start)}至"
        f"{chinese_date(spec.window_end)}对随机抽取的 {len(rows)} 户市场主体开展了{spec.name}。现将抽查结果公示如下："
    )
    paper.table([labels, *rows], widths=(9, 41, 52, 28, 26))  # a code, a date on one line
    paper.text("对抽查结果有异议的，可自公示之日起向本机关提出。")
    paper.closing(authority, chinese_date(clock.today()))
    return paper
