"""``results list``: a task's results as they stand; with ``--all`` the withdrawn ones and every change.

Internal (not public): inspectors, findings and remarks are shown as recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.models import Task
from creditcli.draw.records import drawn_codes
from creditcli.errors import InputMissingError
from creditcli.io.writers import Table
from creditcli.lifecycle import standing_draw
from creditcli.results import service
from creditcli.rosters.codes import normalise

COLUMNS = (
    ("uscc", "统一社会信用代码"),
    ("name", "市场主体名称"),
    ("item_code", "抽查事项编码"),
    ("result_code", "检查结果代码"),
    ("text", "检查结果"),
    ("method", "核查方式"),
    ("checked_on", "检查日期"),
    ("inspectors", "检查人员执法证号"),
    ("findings", "发现问题情况"),
    ("action", "后续处置措施"),
    ("action_done", "后续处置是否完成"),
    ("remarks", "备注"),
    ("replaces", "替代结果代码"),
    ("withdrawn", "已撤回"),
    ("withdrawn_at", "撤回时间"),
    ("withdrawn_by", "撤回人"),
    ("withdrawn_reason", "撤回原因"),
    ("operator", "录入人"),
    ("recorded_at", "录入时间"),
)
HISTORY = ("history", "更改记录")


@dataclass(frozen=True)
class ResultList:
    task: str
    table: Table
    shown: int
    withdrawn: int
    """Withdrawn results of the task (for the entity asked), shown or not."""


def result_list(session: Session, task: Task, uscc: str | None = None, everything: bool = False) -> ResultList:
    draw = standing_draw(session, task)
    if draw is None:
        raise InputMissingError(f"任务 {task.code} 尚未抽取，没有检查结果")
    wanted = normalise(uscc) if uscc else None
    if wanted is not None and wanted not in drawn_codes(session, draw):
        raise InputMissingError(f"{wanted} 不是任务 {task.code} 的抽中对象（用 creditcli tasks show {task.code} 查看）")
    stored = service.stored_results(session, task)
    texts = dict(bulk.fetch_all(session, "SELECT code, text FROM result_codes"))
    keys = sorted(k for k in stored if wanted is None or k[0] == wanted)
    names = dict(bulk.fetch_where_in(session, "SELECT uscc, name FROM entities", "uscc", sorted({k[0] for k in keys})))
    extra = dict(
        (int(i), (o, _time(r)))
        for i, o, r in bulk.fetch_all(
            session, "SELECT id, operator, recorded_at FROM results WHERE task_id = ?", (task.id,)
        )
    )
    history = _history(session, task) if everything else {}
    rows = []
    withdrawn = 0
    for key in keys:
        r = stored[key]
        withdrawn += r.withdrawn
        if r.withdrawn and not everything:
            continue
        u, item, code = key
        t = r.text
        row = [u, names.get(u) or "", item, code, texts.get(code, ""), *(t[f] for f in service.FIELDS), t["replaces"],
               "是" if r.withdrawn else "否", *(t[f] for f in service.WITHDRAWAL), *extra[r.id]]  # fmt: skip
        if everything:
            row.append("；".join(history.get(r.id, [])))
        rows.append(tuple(row))
    columns: Sequence[tuple[str, str]] = (*COLUMNS, HISTORY) if everything else COLUMNS
    table = Table([k for k, _ in columns], [v for _, v in columns], [rows], "creditcli.results/1")
    return ResultList(task.code, table, len(rows), withdrawn)


def _time(value: object) -> str:
    import datetime as dt

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, dt.datetime) else str(value or "")


def _history(session: Session, task: Task) -> dict[int, list[str]]:
    sql = (
        "SELECT c.result_id, c.field, c.old_value, c.new_value, c.source, c.operator, c.changed_at "
        "FROM result_changes c JOIN results r ON r.id = c.result_id WHERE r.task_id = ? ORDER BY c.id"
    )
    out: dict[int, list[str]] = {}
    for result_id, field, old, new, source, operator, at in bulk.fetch_all(session, sql, (task.id,)):
        label = service.TRACKED_LABELS.get(field, field)
        line = f"{_time(at)} {operator}（{source}）{label}：{old or '（空）'} → {new or '（空）'}"
        out.setdefault(int(result_id), []).append(line)
    return out
