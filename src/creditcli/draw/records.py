"""The stored draws read back: which draw counts, what it selected, its strata."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import lifecycle
from creditcli.db import bulk
from creditcli.db.models import Draw, Task
from creditcli.errors import StateError


def find_draw(session: Session, task: Task, seq: int | None = None) -> Draw:
    """Draw ``seq`` of the task, or (None) the standing one; none is a StateError naming the fix."""
    if seq is None:
        found = lifecycle.standing_draw(session, task)
    else:
        found = session.scalar(select(Draw).where(Draw.task_id == task.id, Draw.seq == seq))
    if found is None:
        which = f"第 {seq} 次抽取" if seq is not None else "有效的抽取记录"
        raise StateError(f"任务 {task.code} 没有{which}（先用 creditcli tasks draw 抽取）")
    return found


def drawn_codes(session: Session, draw_row: Draw) -> set[str]:
    """The USCCs a draw selected (through the driver: cheap at 50k)."""
    rows = bulk.fetch_all(session, "SELECT uscc FROM draw_selections WHERE draw_id = ?", (draw_row.id,))
    return {uscc for (uscc,) in rows}


def selection_rows(session: Session, draw_row: Draw) -> list[tuple[Any, ...]]:
    """A draw's stored selection as (rank, uscc, risk_class, ticket) rows, as the driver gives them (an ORM
    object per row cost 0.6 s for 38k rows), in no particular order."""
    sql = "SELECT rank, uscc, risk_class, ticket FROM draw_selections WHERE draw_id = ?"
    return bulk.fetch_all(session, sql, (draw_row.id,))


def strata_of(row: Draw) -> list[dict[str, Any]]:
    """Per class n, k, inclusion and ratio or weight, as the draw's certificate records them."""
    strata: list[dict[str, Any]] = json.loads(row.certificate)["strata"]
    return strata
