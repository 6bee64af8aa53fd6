"""Read-only views of tasks and draws for ``tasks list`` / ``tasks show`` (internal: classes, λ)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditcli.db.models import Draw, Task
from creditcli.draw.freeze import latest_freeze
from creditcli.draw.records import strata_of
from creditcli.draw.strategies import class_label
from creditcli.draw.tasks import spec_of
from creditcli.io.writers import Table
from creditcli.lifecycle import standing_draw

TASK_COLUMNS = (
    ("code", "任务编号"),
    ("name", "任务名称"),
    ("task_type", "抽查类型"),
    ("window", "检查时间"),
    ("status", "状态"),
    ("draws", "抽取次数"),
    ("selected", "抽中户数"),
)
STRATA_COLUMNS = (
    ("risk_class", "信用风险分类"),
    ("n", "户数"),
    ("k", "抽取数"),
    ("parameter", "比例/权重"),
    ("inclusion", "入样概率"),
    ("inclusion_decimal", "入样概率（小数）"),
)
DETAIL_LABELS = {
    "code": "任务编号",
    "name": "任务名称",
    "plan": "抽查计划",
    "task_type": "抽查类型",
    "items": "抽查事项",
    "window": "检查时间",
    "team_size": "检查组人数",
    "organiser": "发起部门",
    "implementer": "实施部门",
    "scope": "范围说明",
    "mode": "抽取方式",
    "class_source": "分类来源",
    "status": "状态",
    "frozen_at": "冻结时间",
    "pool_digest": "抽取范围摘要",
    "pool_size": "可抽取户数",
    "excluded": "已排除户数",
    "draws": "抽取次数",
    "seed": "随机种子",
    "drawn_at": "抽取时间",
    "selected": "抽中户数",
}


def task_table(session: Session) -> Table:
    counts = {int(t): int(n) for t, n in session.execute(select(Draw.task_id, func.count()).group_by(Draw.task_id))}
    rows = []
    for task in session.scalars(select(Task).order_by(Task.code)):
        spec = spec_of(task)
        current = standing_draw(session, task)
        rows.append(
            (
                task.code,
                task.name,
                spec.task_type,
                f"{task.window_start}:{task.window_end}",
                task.status,
                counts.get(task.id, 0),
                current.selected_count if current else 0,
            )
        )
    return Table([n for n, _ in TASK_COLUMNS], [label for _, label in TASK_COLUMNS], [rows], "creditcli.tasks/1")


def task_detail(session: Session, task: Task) -> dict[str, Any]:
    spec = spec_of(task)
    freeze_row = latest_freeze(session, task)
    current = standing_draw(session, task)
    draws = session.scalar(select(func.count()).select_from(Draw).where(Draw.task_id == task.id)) or 0
    return {
        "code": task.code,
        "name": task.name,
        "plan": f"{spec.plan_code} {spec.plan_name}".strip(),
        "task_type": spec.task_type,
        "items": "、".join(spec.items),
        "window": f"{spec.window_start}:{spec.window_end}",
        "team_size": spec.team_size,
        "organiser": spec.organiser,
        "implementer": spec.implementer,
        "scope": spec.scope,
        "mode": spec.mode,
        "class_source": spec.class_source,
        "status": task.status,
        "frozen_at": freeze_row.frozen_at.isoformat(timespec="seconds") if freeze_row else None,
        "pool_digest": freeze_row.pool_digest if freeze_row else None,
        "pool_size": freeze_row.pool_size if freeze_row else None,
        "excluded": freeze_row.excluded if freeze_row else None,
        "draws": draws,
        "seed": current.seed if current else None,
        "drawn_at": current.drawn_at.isoformat(timespec="seconds") if current else None,
        "selected": current.selected_count if current else None,
        "parameters": spec.draw_parameters(),
        "strata": strata_rows(strata_of(current)) if current else [],
    }


def strata_rows(strata: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Certificate strata entries as display rows (with the inclusion probability as a decimal)."""
    out = []
    for s in strata:
        num, den = (int(x) for x in s["inclusion"].split("/"))
        out.append(
            {
                "risk_class": class_label(s["risk_class"]),
                "n": s["n"],
                "k": s["k"],
                "parameter": s.get("ratio", s.get("weight", "")),
                "inclusion": s["inclusion"],
                "inclusion_decimal": f"{num / den:.6f}",
            }
        )
    return out


def strata_table(rows: list[dict[str, Any]]) -> Table:
    names = [n for n, _ in STRATA_COLUMNS]
    return Table(
        names,
        [label for _, label in STRATA_COLUMNS],
        [[tuple(r[n] for n in names) for r in rows]],
        "creditcli.task-strata/1",
    )
