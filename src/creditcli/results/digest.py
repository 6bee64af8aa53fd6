"""The digest of a task's results as the tables hold them, and their change history checked.

Every result write's audit entry carries the digest of that task's results after the change (as an
assignment's entry carries the digest of its teams), so ``audit verify`` and ``tasks verify`` find a
result changed, added or deleted behind the tool's back: the newest entry of the task no longer
matches the tables. The digest covers every stored column of every result, withdrawn ones too, and
every row of their change history.

``history_problems`` reads the history itself: for each result and field, the recorded changes must
follow on from one another and end at the stored value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from creditcli.canonical import canonical_json
from creditcli.db import bulk
from creditcli.db.sql import ident, idents

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

RESULT_COLUMNS = (
    "id", "uscc", "item_code", "result_code", "method", "checked_on", "inspectors", "findings", "action",
    "action_done", "remarks", "operator", "recorded_at", "updated_at", "replaces", "withdrawn_at", "withdrawn_by",
    "withdrawn_reason",
)  # fmt: skip
CHANGE_COLUMNS = ("id", "result_id", "field", "old_value", "new_value", "source", "operator", "changed_at")


def _plain(column: str, value: Any) -> Any:
    """One stored value in the same form on SQLite (0/1, ISO text) and PostgreSQL (bool, date)."""
    if column == "action_done":
        return bool(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def results_digest(session: Session, task_id: int) -> str:
    """SHA-256 of the task's results and their change history, in a fixed order."""
    sql = f"SELECT {idents(RESULT_COLUMNS)} FROM results WHERE task_id = ? ORDER BY id"
    results = [
        [_plain(c, v) for c, v in zip(RESULT_COLUMNS, r, strict=True)] for r in bulk.fetch_all(session, sql, (task_id,))
    ]
    names = ", ".join(f"c.{ident(c)}" for c in CHANGE_COLUMNS)
    sql = f"SELECT {names} FROM result_changes c JOIN results r ON r.id = c.result_id WHERE r.task_id = ? ORDER BY c.id"
    changes = [
        [_plain(c, v) for c, v in zip(CHANGE_COLUMNS, r, strict=True)] for r in bulk.fetch_all(session, sql, (task_id,))
    ]
    return hashlib.sha256(canonical_json([results, changes]).encode("utf-8")).hexdigest()


def combined(digests: dict[str, str]) -> str:
    """The one digest of an entry that vouches for several tasks' results (task id -> digest)."""
    if len(digests) == 1:
        return next(iter(digests.values()))
    return hashlib.sha256(canonical_json(digests).encode("utf-8")).hexdigest()


def history_problems(session: Session, task_id: int, task_code: str) -> tuple[int, list[str]]:
    """How many results were checked, and every result whose stored fields do not follow from its history.

    A field without recorded changes has no history to compare with (its first value was recorded
    with the result); that case is left to the digest of the task's newest audit entry.
    """
    from creditcli.results.service import TRACKED, TRACKED_LABELS, stored_text

    count = int(bulk.fetch_all(session, "SELECT COUNT(*) FROM results WHERE task_id = ?", (task_id,))[0][0])
    sql = (
        "SELECT c.result_id, c.field, c.old_value, c.new_value FROM result_changes c "
        "JOIN results r ON r.id = c.result_id WHERE r.task_id = ? ORDER BY c.id"
    )
    changes = bulk.fetch_all(session, sql, (task_id,))
    columns = idents(("id", "uscc", "item_code", "result_code", *TRACKED))
    ids = sorted({int(c[0]) for c in changes})  # only results with a history have one to follow
    stored = {
        int(r[0]): (f"{r[1]}/{r[2] or '-'}/{r[3]}", stored_text(r[4:]))
        for r in bulk.fetch_where_in(session, f"SELECT {columns} FROM results", "id", ids)
    }
    last: dict[tuple[int, str], str] = {}
    problems: list[str] = []
    for result_id, field, old, new in changes:
        key = (int(result_id), str(field))
        if key in last and last[key] != old:
            name = stored[key[0]][0]
            label = TRACKED_LABELS.get(key[1], key[1])
            problems.append(f"任务 {task_code} 检查结果 {name} 的“{label}”更改记录前后接不上（更改记录被改动或删除）")
        last[key] = str(new)
    for (result_id, field), value in last.items():
        name, text = stored[result_id]
        if field in text and text[field] != value:
            problems.append(
                f"任务 {task_code} 检查结果 {name} 的“{TRACKED_LABELS.get(field, field)}”为 {text[field] or '（空）'}，"
                f"与更改记录的最后取值 {value or '（空）'} 不符（被直接改动）"
            )
    return count, problems
