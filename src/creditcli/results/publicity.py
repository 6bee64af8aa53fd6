"""Public lists (公示, domain.md §7): the plan, the list of drawn entities, the results.

Only public fields exist here: no risk class, ticket, inspector or internal remark can be chosen,
whatever a province's column template asks for. Text cells are made formula-safe by the writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock, lifecycle
from creditcli.db import bulk
from creditcli.db.models import Item, Publication, ResultCode, Task
from creditcli.draw.records import drawn_codes
from creditcli.draw.spec import TaskSpec
from creditcli.draw.tasks import spec_of
from creditcli.errors import DataError, Problem, StateError, UsageError
from creditcli.io.columns import header_key
from creditcli.io.tabular import read_table
from creditcli.io.writers import Table
from creditcli.lifecycle import standing_draw

PLAN, LIST, RESULTS = "plan", "list", "results"
KINDS = (PLAN, LIST, RESULTS)
LABELS = {PLAN: "抽查计划公告", LIST: "抽查任务公告及抽查名单", RESULTS: "抽查结果公告"}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


FIELDS = {
    f.key: f
    for f in (
        Field("seq", "序号"),
        Field("plan_code", "抽查计划编号", ("计划编号",)),
        Field("plan_name", "抽查计划名称", ("计划名称",)),
        Field("task_code", "抽查任务编号", ("任务编号",)),
        Field("task_name", "抽查任务名称", ("任务名称",)),
        Field("task_type", "抽查类型"),
        Field("items", "抽查事项"),
        Field("scope", "抽查对象范围", ("抽查范围",)),
        Field("window_start", "检查日期自", ("检查开始日期",)),
        Field("window_end", "检查日期至", ("检查结束日期",)),
        Field("authority", "检查机关", ("检查实施机关", "实施机关")),
        Field("drawn", "抽查市场主体数量", ("抽查数量",)),
        Field("name", "市场主体名称", ("企业名称", "抽查市场主体名称", "名称")),
        Field("uscc", "统一社会信用代码/注册号", ("统一社会信用代码", "注册号", "信用代码")),
        Field("reg_authority", "登记机关"),
        Field("completed_on", "检查完成日期", ("完成日期",)),
        Field("results", "检查结果"),
        Field("note", "备注"),
    )
}
HEADER = (
    "plan_code",
    "plan_name",
    "task_code",
    "task_name",
    "task_type",
    "items",
    "scope",
    "window_start",
    "window_end",
)
DEFAULTS = {
    PLAN: HEADER,
    LIST: (*HEADER, "authority", "drawn", "seq", "name", "uscc", "reg_authority"),
    RESULTS: (
        "seq",
        "plan_code",
        "plan_name",
        "task_code",
        "task_name",
        "task_type",
        "authority",
        "name",
        "uscc",
        "completed_on",
        "results",
        "note",
    ),
}
"""The default column sets of domain.md §7 (the 公示系统's 双随机抽查结果信息 for results)."""
RENAMED = {RESULTS: {"name": "抽查市场主体名称"}}
"""Headers of a default set that differ from the field's usual label."""


def read_columns(path: Path) -> list[tuple[str, str]]:
    """A province's template: the header row of a CSV/XLSX file, each header one public field;
    returns (field, the template's own header), which the export then writes as its header."""
    index = {header_key(a): f.key for f in FIELDS.values() for a in (f.key, f.label, *f.aliases)}
    table = read_table(path, lambda cells: sum(header_key(c) in index for c in cells))
    keys: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for header in table.headers:
        if not header.strip():
            continue
        key = index.get(header_key(header))
        if key is None:
            known = "、".join(f.label for f in FIELDS.values())
            problems.append(Problem(None, header, "", f"不是可公示的字段（可用：{known}）"))
        else:
            keys.append((key, header.strip()))
    if problems or not keys:
        raise DataError(f"{path}: 公示模板的表头无法使用", problems)
    return keys


def _header_values(session: Session, task: Task, spec: TaskSpec, drawn: int, authority: str) -> dict[str, object]:
    names = {c: n for c, n in session.execute(select(Item.code, Item.name).where(Item.code.in_(spec.items)))}
    return {
        "plan_code": spec.plan_code,
        "plan_name": spec.plan_name,
        "task_code": spec.code,
        "task_name": spec.name,
        "task_type": f"{spec.task_type}抽查",
        "items": "；".join(names.get(c, c) for c in spec.items),
        "scope": spec.scope,
        "window_start": spec.window_start.isoformat(),
        "window_end": spec.window_end.isoformat(),
        # The legal authority, never the implementing 科室 (an internal name): the task's, else the config's.
        "authority": spec.authority.strip() or authority.strip(),
        "drawn": drawn,
        "note": "",
    }


def _drawn(session: Session, task: Task) -> list[str]:
    draw = standing_draw(session, task)
    if draw is None:
        raise StateError(f"任务 {task.code} 尚未抽取，没有可公示的名单或结果")
    return sorted(drawn_codes(session, draw))


def _entities(session: Session, usccs: Sequence[str]) -> dict[str, tuple[str, str]]:
    rows = bulk.fetch_where_in(session, "SELECT uscc, name, reg_authority FROM entities", "uscc", list(usccs))
    return {u: (n or "", r or "") for u, n, r in rows}


def public_table(
    session: Session,
    task: Task,
    kind: str,
    columns: Sequence[tuple[str, str]] | None = None,
    partial: bool = False,
    *,
    authority: str = "",
    allow_empty: bool = False,
) -> Table:
    """The rows of one public list, in the default columns or a province's (``columns``: field, header).

    ``authority``: the configured 检查机关 for a task without its own. A required column that would be
    empty is refused (exit 65) unless ``allow_empty``."""
    if kind not in KINDS:
        raise UsageError(f"--what 应为 {'、'.join(KINDS)}")
    renamed = RENAMED.get(kind, {})
    chosen = list(columns or [(k, renamed.get(k, FIELDS[k].label)) for k in DEFAULTS[kind]])
    keys = [k for k, _ in chosen]
    spec = spec_of(task)
    if kind == PLAN:
        head = _header_values(session, task, spec, 0, authority)
        rows = [{**head, "seq": 1}]
    else:
        drawn = _drawn(session, task)
        head = _header_values(session, task, spec, len(drawn), authority)
        entities = _entities(session, drawn)
        outcome = _outcomes(session, task, drawn, partial) if kind == RESULTS else {}
        if kind == RESULTS:  # (with --partial) only the entities that have a result: no empty 检查结果
            drawn = [u for u in drawn if u in outcome]
        rows = []
        for n, uscc in enumerate(drawn, start=1):
            name, reg = entities.get(uscc, ("", ""))
            done, text = outcome.get(uscc, ("", ""))
            row = {"seq": n, "name": name, "uscc": uscc, "reg_authority": reg, "completed_on": done, "results": text}
            rows.append({**head, **row})
    values = [tuple(row.get(k, "") for k in keys) for row in rows]
    if not allow_empty:
        check_required(task, kind, chosen, values)
    return Table(keys, [label for _, label in chosen], [values], f"creditcli.publicity-{kind}/1")


def _outcomes(session: Session, task: Task, drawn: Sequence[str], partial: bool) -> dict[str, tuple[str, str]]:
    """Per entity: the last inspection date and its result texts (by code), from the recorded results."""
    texts = {c: t for c, t in session.execute(select(ResultCode.code, ResultCode.text))}
    found: dict[str, tuple[str, set[str]]] = {}
    sql = "SELECT uscc, result_code, checked_on FROM results WHERE task_id = ? AND withdrawn_at IS NULL"
    for uscc, code, day in bulk.fetch_all(session, sql, (task.id,)):
        iso = day.isoformat() if isinstance(day, dt.date) else str(day)  # ISO text sorts as dates do
        last, codes = found.get(uscc, (iso, set()))
        found[uscc] = (max(last, iso), codes | {code})
    missing = [u for u in drawn if u not in found]
    if missing and not partial:
        names = _entities(session, missing)
        problems = [
            Problem(None, "", u, "没有检查结果", place=f"对象 {u}（{names.get(u, ('', ''))[0]}）") for u in missing
        ]
        message = f"任务 {task.code} 还有 {len(missing)} 个抽中对象没有检查结果，不能导出结果公示"
        raise DataError(f"{message}（确需先公示已有结果请加 --partial）", problems)
    return {u: (d, "；".join(texts.get(c, c) for c in sorted(codes))) for u, (d, codes) in found.items()}


@dataclass(frozen=True)
class MarkResult:
    task: str
    what: str
    published_on: str
    status: str


def mark(session: Session, task: Task, kind: str, day: dt.date, now: dt.datetime | None = None) -> MarkResult:
    """Record that a list was published; the results list moves a completed task to 已公示."""
    if kind not in KINDS:
        raise UsageError(f"--what 应为 {'、'.join(KINDS)}")
    if kind != PLAN:
        _drawn(session, task)
    if kind == RESULTS:
        lifecycle.check_publishable(task)
        sql = "SELECT MAX(checked_on) FROM results WHERE task_id = ? AND withdrawn_at IS NULL"
        last = bulk.fetch_all(session, sql, (task.id,))[0][0]
        last_day = last if isinstance(last, dt.date) or last is None else dt.date.fromisoformat(str(last)[:10])
        if last_day is not None and day < last_day:
            raise UsageError(
                f"--date {day.isoformat()} 早于任务 {task.code} 最后一次检查的日期 {last_day.isoformat()}："
                "结果公示只能在检查之后，请写实际公示的日期"
            )
    now = now or clock.now()
    session.add(Publication(task_id=task.id, what=kind, published_on=day, operator=clock.operator(), recorded_at=now))
    if kind == RESULTS:
        lifecycle.published(task)
    session.flush()
    return MarkResult(task.code, LABELS[kind], day.isoformat(), task.status)


REQUIRED = {
    "plan_code": "创建任务时用 --plan-code 写明年度抽查计划编号（任务文件中 plan_code = …）",
    "plan_name": "创建任务时用 --plan-name 写明年度抽查计划名称（任务文件中 plan_name = …）",
    "task_code": "",
    "task_name": "",
    "task_type": "",
    "items": "创建任务时用 --item 写明抽查事项（任务文件中 items = […]）",
    "window_start": "",
    "window_end": "",
    "authority": '在配置文件中写 authority = "济南市天桥区市场监督管理局"（各任务通用），'
    "或创建任务时用 --authority 写明（任务文件中 authority = …）",
    "name": "用 creditcli entities import 在检查对象名录中补上名称",
    "uscc": "",
}
"""Columns the 公示系统 requires, with how each is set. 检查结果 and 检查完成日期 are the results'
own check (every drawn entity has a result unless --partial)."""


def check_required(
    task: Task, kind: str, chosen: Sequence[tuple[str, str]], values: Sequence[tuple[object, ...]]
) -> None:
    """Refuse (exit 65) a public list whose required column would be empty in some row, naming the
    column, the rows and how to fill it: a list without 检查机关 is not a lawful notice."""
    problems = []
    for position, (key, header) in enumerate(chosen):
        if key not in REQUIRED:
            continue
        empty = [n for n, row in enumerate(values, start=2) if not str(row[position]).strip()]
        if not empty:
            continue
        where = (
            ""
            if len(empty) == len(values)
            else f"第 {'、'.join(map(str, empty[:5]))}{' 等' if len(empty) > 5 else ''} 行"
        )
        how = REQUIRED[key] or f"这一项取自任务记录，为空说明记录有误（用 creditcli tasks show {task.code} 查看）"
        reason = f"{where}为空：{how}" if where else f"为空：{how}"
        problems.append(Problem(None, header, "", reason, place=f"“{header}”"))
    if problems:
        error = DataError(
            f"任务 {task.code} 的{LABELS[kind]}有 {len(problems)} 个必填列为空，未写出文件",
            problems,
        )
        error.hints.append("已创建的任务不能修改这些项；确需先导出（在公示系统中补填）请加 --allow-empty")
        raise error
