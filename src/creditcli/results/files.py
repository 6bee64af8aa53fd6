"""The results sheet: staff get one row per drawn entity (and item) to fill in, and it comes back.

The template's headers are the import's labels, so a filled-in template reads back without a
mapping; any other sheet with these headers (or their aliases, or ``--mapping``) reads too.
Rows whose 检查结果代码 is still empty are skipped and counted; everything else is checked as
``results record`` checks a single entry, and the whole file is refused if any row is wrong.

Once results exist the template comes pre-filled with them (withdrawn ones marked 撤回 with their
reason), so the sheet is corrected and imported again: a row marked 撤回 withdraws its result, a row
whose 替代结果代码 names another code of the same entity and item withdraws that one, and the file
imported unchanged changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db.models import Item, Task
from creditcli.draw.tasks import spec_of
from creditcli.errors import DataError, Problem
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.dates import RECORDED, parse_date
from creditcli.io.tabular import read_table
from creditcli.io.text import fold_task_code
from creditcli.io.writers import Table
from creditcli.results import service
from creditcli.rosters.validate import Validated, validate
from creditcli.teams.exports import team_context

COLUMNS = ColumnSet(
    (
        Column("task_code", "抽查任务编号", ("任务编号", "task"), required=True, max_len=64),
        Column("uscc", "统一社会信用代码", ("信用代码", "uscc"), Kind.USCC, required=True),
        Column("name", "市场主体名称", ("企业名称", "名称", "name"), max_len=NAME_LEN),
        Column("item_code", "抽查事项编码", ("事项编码", "item"), Kind.CODE, max_len=64),
        Column("item_name", "抽查事项名称", ("事项名称",), max_len=NAME_LEN),
        Column("result_code", "检查结果代码", ("检查结果", "结果代码", "result"), Kind.CODE, max_len=16),
        Column("method", "核查方式", ("method",), max_len=32),
        Column("checked_on", "检查日期", ("date",), Kind.DATE, bounds=RECORDED),
        Column("inspectors", "检查人员执法证号", ("检查人员", "inspectors")),
        Column("findings", "发现问题情况", ("发现问题", "findings")),
        Column("action", "后续处置措施", ("处置措施", "action")),
        Column("action_done", "后续处置是否完成", ("处置是否完成", "done"), Kind.BOOL),
        Column("remarks", "备注", ("remarks",)),
        Column("withdraw", "撤回", ("是否撤回", "withdraw"), Kind.BOOL),
        Column("reason", "撤回原因", ("reason",)),
        Column("replaces", "替代结果代码", ("替代", "replaces"), Kind.CODE, max_len=16),
    )
)
REQUIRED = ("task_code", "uscc", "result_code")
"""Columns a results sheet must have (several rows per entity are normal: no uniqueness here)."""
_SEPARATORS = str.maketrans({"；": ";", "，": ";", ",": ";", "、": ";", " ": ";"})


def template_table(session: Session, task: Task) -> Table:
    """One row per drawn entity and task item, with the team's codes filled in (leader first); where
    results are recorded, one row per result instead, filled in as stored (withdrawn ones marked 撤回)."""
    spec = spec_of(task)
    teams, entities = team_context(session, task)
    stored: dict[tuple[str, str], list[tuple[str, service.Stored]]] = {}
    for (uscc, item, code), result in sorted(service.stored_results(session, task).items()):
        stored.setdefault((uscc, item), []).append((code, result))
    item_codes = {*spec.items, *(item for _, item in stored)}
    query = select(Item.code, Item.name).where(Item.code.in_(sorted(item_codes)))
    names = {code: name for code, name in session.execute(query)}
    rows: list[tuple[str, ...]] = []
    for uscc, members in sorted(teams.items()):
        team = ";".join(code for code, _, _ in members)
        name = entities.get(uscc, ("", "", ""))[0]
        planned = list(spec.items) or [""]
        extra = sorted({item for u, item in stored if u == uscc} - set(planned))
        for item in [*planned, *extra]:
            head = (task.code, uscc, name, item, names.get(item, ""))
            results = stored.get((uscc, item), [])
            if not results:
                rows.append((*head, "", "", "", team, "", "", "", "", "", "", ""))
            for code, r in results:
                t = r.text
                withdrawn = ("是", t["withdrawn_reason"]) if r.withdrawn else ("", "")
                rows.append((*head, code, *(t[f] for f in service.FIELDS), *withdrawn, t["replaces"]))
    names_ = [c.name for c in COLUMNS.columns]
    return Table(
        names_,
        [c.label for c in COLUMNS.columns],
        [rows],
        "creditcli.result-template/1",
        choices=service.choices(session),
        locked=frozenset({"task_code", "uscc", "name", "item_code", "item_name"}),
    )


@dataclass
class ImportSummary:
    source: str
    encoding: str
    rows: int
    skipped: int
    """Rows without a result code (not filled in yet)."""
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    tasks: dict[str, str] = field(default_factory=dict)
    """Task code -> state after the import."""
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False


def import_results(
    session: Session,
    path: Path,
    mapping: dict[str, str],
    encoding: str | None = None,
    dry_run: bool = False,
    sheet: str | None = None,
) -> ImportSummary:
    """Read, check every row (all tasks of the file), then record them all or nothing (exit 65)."""
    from creditcli.draw.tasks import get_task
    from creditcli.errors import InputMissingError

    table = read_table(path, COLUMNS.score(mapping), encoding, sheet)
    v = validate(table, COLUMNS, mapping, REQUIRED, (), unique_key=False)
    problems = list(v.problems)
    columns = {c.name: _column(v, c.name) for c in COLUMNS.columns}  # each column as a list, once
    columns["task_code"] = [fold_task_code(c) for c in columns["task_code"]]
    filled = [pos for pos, code in enumerate(columns["result_code"]) if code]
    # A row whose cells the validator refused (a control character, a date out of range …) is not
    # checked further: its other messages would only repeat the same cells.
    refused = v.rows_with_problems()
    by_task: dict[str, list[service.Placed]] = {}
    for pos in filled:
        if refused[pos]:
            continue
        entry = _entry(v, {name: values[pos] for name, values in columns.items()}, int(v.rows[pos]), problems)
        if entry is not None:
            by_task.setdefault(columns["task_code"][pos], []).append(entry)
    tasks: dict[str, Task] = {}
    for code, typed in by_task.items():
        try:
            tasks[code] = get_task(session, code)
        except InputMissingError:
            problems += [Problem(p.row, _header(v, "task_code"), code, "没有这个抽查任务") for p in typed]
            continue
        by_task[code] = entries = service.as_written(session, tasks[code], typed)
        problems += service.check(session, tasks[code], entries, v.headers)
    summary = ImportSummary(str(path), table.encoding, len(v.frame), len(v.frame) - len(filled), dry_run=dry_run)
    summary.notes = list(v.notes)
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise DataError(f"{path}: 发现 {len(problems)} 处问题，未录入任何检查结果", problems)
    for code, task in sorted(tasks.items()):
        if dry_run:
            summary.tasks[code] = task.status
            continue
        done = service.write(session, task, by_task[code], f"导入 {path.name}")
        summary.inserted += done.inserted
        summary.updated += done.updated
        summary.unchanged += done.unchanged
        summary.withdrawn += done.withdrawn
        summary.tasks[code] = done.status
    return summary


def _column(v: Validated, name: str) -> Sequence[str]:
    return v.frame[name].tolist() if name in v.frame else [""] * len(v.frame)


def _header(v: Validated, name: str) -> str:
    return v.headers.get(name, COLUMNS.by_name(name).label)


def _entry(v: Validated, cells: dict[str, str], row: int, problems: list[Problem]) -> service.Placed | None:
    """A filled-in row as an entry; a missing date or method is a problem of that row (unless it is
    withdrawn: then the row only names the result)."""
    withdraw = cells["withdraw"] == "1"
    if withdraw:
        entry = service.ResultEntry(
            uscc=cells["uscc"], result_code=cells["result_code"], checked_on=dt.date.min, method="", inspectors=(),
            item_code=cells["item_code"], withdraw=True, reason=cells["reason"],
        )  # fmt: skip
        return service.Placed(entry, row)
    missing = [name for name in ("checked_on", "method") if not cells[name]]
    for name in missing:
        problems.append(Problem(row, _header(v, name), "", "填写了检查结果时不能为空"))
    day = parse_date(cells["checked_on"]) if cells["checked_on"] else None
    if missing or day is None:
        return None  # (an unreadable date was reported by the validator)
    entry = service.ResultEntry(
        uscc=cells["uscc"],
        result_code=cells["result_code"],
        checked_on=day,
        method=cells["method"],
        inspectors=tuple(cells["inspectors"].translate(_SEPARATORS).split(";")),
        item_code=cells["item_code"],
        findings=cells["findings"],
        action=cells["action"],
        action_done=cells["action_done"] == "1",
        remarks=cells["remarks"],
        reason=cells["reason"],
        replaces=cells["replaces"],
    )
    return service.Placed(entry, row)
