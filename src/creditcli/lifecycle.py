"""The life of an 抽查任务 (domain.md §1): 待抽取 → 已抽取 → 检查中 → 已完成 → 已公示.

Owned by neither the draw nor the results: both ask here. The draw asks whether a task may be drawn
(or drawn again), recording results asks which state their progress puts the task in, the results
notice asks whether it may be published. The answers are read off the tables (through ``db``), so
this module imports no domain package and every package may import it. The models are imported
where a session uses them: the state names are read by light commands (``deadlines``) too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from creditcli import clock
from creditcli.db import bulk
from creditcli.errors import StateError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from creditcli.db.models import Draw, Task

PENDING = "待抽取"
DRAWN = "已抽取"
INSPECTING = "检查中"
"""Some drawn entities have results."""
COMPLETED = "已完成"
"""Every drawn entity has at least one result."""
PUBLISHED = "已公示"
"""The results notice was published (publicity mark --what results)."""
STATES = (PENDING, DRAWN, INSPECTING, COMPLETED, PUBLISHED)
RESULTS_COMPLETE = (COMPLETED, PUBLISHED)


def _move(task: Task, state: str) -> None:
    if task.status != state:
        task.status = state
        task.updated_at = clock.now()


def standing_draw(session: Session, task: Task) -> Draw | None:
    """The draw that counts: the newest one not superseded by a redraw."""
    from sqlalchemy import select

    from creditcli.db.models import Draw

    return session.scalar(
        select(Draw).where(Draw.task_id == task.id, Draw.superseded_at.is_(None)).order_by(Draw.seq.desc())
    )


def has_results(session: Session, task: Task) -> bool:
    from sqlalchemy import select

    from creditcli.db.models import Result

    return session.scalar(select(Result.id).where(Result.task_id == task.id).limit(1)) is not None


def check_drawable(session: Session, task: Task, *, redraw: bool) -> Draw | None:
    """May the task be drawn now? Returns the standing draw a redraw supersedes (None for a first draw).

    A drawn task is drawn again only on purpose (``redraw``), and never once results are recorded: the
    results belong to the entities of the standing draw.
    """
    current = standing_draw(session, task)
    if current is None:
        return None
    if not redraw:
        raise StateError(
            f"任务 {task.code} 已于 {current.drawn_at:%Y-%m-%d %H:%M} 抽取（第 {current.seq} 次），不能重复抽取；"
            "确需重新抽取请加 --redraw --reason 原因（原记录保留并标记为作废）"
        )
    if has_results(session, task):
        raise StateError(f"任务 {task.code} 已录入检查结果，不能重新抽取（结果对应的是本次抽取的对象）")
    return current


def drawn(task: Task) -> None:
    """A draw was recorded (a first draw or a redraw): the task waits for its inspections."""
    _move(task, DRAWN)


def progress(session: Session, task: Task) -> tuple[int, int]:
    """Entities of the standing draw, and how many of them have at least one result (not withdrawn)."""
    draw = standing_draw(session, task)
    if draw is None:
        return 0, 0
    sql = (
        "SELECT COUNT(*), COUNT(r.uscc) FROM draw_selections s LEFT JOIN "
        "(SELECT DISTINCT uscc FROM results WHERE task_id = ? AND withdrawn_at IS NULL) r ON r.uscc = s.uscc "
        "WHERE s.draw_id = ?"
    )
    total, done = bulk.fetch_all(session, sql, (task.id, draw.id))[0]
    return int(total), int(done)


def results_recorded(session: Session, task: Task) -> tuple[int, int]:
    """Results were recorded (or changed): 检查中 until every drawn entity has one, then 已完成.

    A published task stays 已公示 (a later correction is published again by the bureau). Returns
    :func:`progress`.
    """
    total, done = progress(session, task)
    if task.status in (DRAWN, INSPECTING, COMPLETED):
        _move(task, COMPLETED if total and done == total else INSPECTING)
    return total, done


def check_publishable(task: Task) -> None:
    """The results notice is published once every drawn entity has a result."""
    if task.status not in RESULTS_COMPLETE:
        raise StateError(f"任务 {task.code} 的状态为 {task.status}：检查结果全部录入（已完成）后才能登记结果公示")


def published(task: Task) -> None:
    _move(task, PUBLISHED)
