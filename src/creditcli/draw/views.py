"""Read-only views of tasks and draws for ``tasks list`` / ``tasks show`` (internal: classes, λ).

SQLAlchemy Core on a connection (``Store.connected``), columns named: a person waits for these at the
terminal, and the ORM with its models would cost more than the rest of the command (start-up).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, text

from creditcli.canonical import stored_json
from creditcli.draw.terms import class_label, draw_parameters
from creditcli.errors import InputMissingError
from creditcli.io.text import escape_controls
from creditcli.io.writers import Table

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row

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
    "authority": "检查机关",
    "scope": "范围说明",
    "mode": "抽取方式",
    "class_source": "分类来源",
    "status": "状态",
    "frozen_at": "冻结时间",
    "pool_digest": "抽取范围摘要",
    "algorithm_version": "抽取算法版本",
    "pool_size": "可抽取户数",
    "excluded": "已排除户数",
    "draws": "抽取次数",
    "seed": "随机种子",
    "drawn_at": "抽取时间",
    "selected": "抽中户数",
}


def task_table(db: Connection) -> Table:
    counts = {int(t): int(n) for t, n in db.execute(text("SELECT task_id, COUNT(*) FROM draws GROUP BY task_id"))}
    # The draw that counts (lifecycle.standing_draw): not superseded by a redraw; of those, the newest.
    standing = text("SELECT task_id, selected_count FROM draws WHERE superseded_at IS NULL ORDER BY task_id, seq")
    selected = {int(t): int(n) for t, n in db.execute(standing)}
    tasks = text("SELECT id, code, name, spec, status, window_start, window_end FROM tasks ORDER BY code")
    rows = []
    for task in db.execute(tasks.columns(window_start=Date(), window_end=Date())):
        rows.append(
            (
                task.code,
                task.name,
                _task_type(task.spec),
                f"{task.window_start}:{task.window_end}",
                task.status,
                counts.get(task.id, 0),
                selected.get(task.id, 0),
            )
        )
    return Table([n for n, _ in TASK_COLUMNS], [label for _, label in TASK_COLUMNS], [rows], "creditcli.tasks/1")


DAMAGED = "！记录已损坏"
"""Shown in ``tasks list`` for a task whose parameters cannot be read (``tasks show`` says why)."""


def _task_type(spec: str) -> str:
    """抽查类型, in every stored spec (TaskSpec.model_dump_json); a damaged one marks its row only."""
    try:
        return str(json.loads(spec)["task_type"])
    except (ValueError, TypeError, KeyError):
        return DAMAGED


def find_task(db: Connection, code: str) -> Row[Any]:
    """The task named ``code`` as typed, or with full-width digits and letters made half-width (as
    draw.tasks.get_task finds it, on a Core connection)."""
    from creditcli.io.text import fold_task_code

    query = text("SELECT id, code, name, spec, status, window_start, window_end FROM tasks WHERE code = :code").columns(
        window_start=Date(), window_end=Date()
    )
    task = db.execute(query, {"code": code}).first()
    if task is None and fold_task_code(code) != code:
        task = db.execute(query, {"code": fold_task_code(code)}).first()
    if task is None:
        raise InputMissingError(f"没有编号为 {code} 的抽查任务（用 creditcli tasks list 查看已有任务）")
    return task


_TEXT, _COUNT = (str,), (int, type(None))
_SPEC_SHAPE = {
    **dict.fromkeys(
        [
            "plan_code",
            "plan_name",
            "task_type",
            "organiser",
            "implementer",
            "authority",
            "scope",
            "mode",
            "window_start",
            "window_end",
            "class_source",
        ],
        _TEXT,
    ),
    "items": (list,),
    "team_size": (int,),
    "pool": (dict,),
    "exclude_inactive": (bool,),
    "exclude_drawn_within": _COUNT,
    "exclude": (list,),
    **dict.fromkeys(("ratios", "minimum", "maximum", "weights"), (dict,)),
    "count": _COUNT,
}
"""The stored spec's fields this view reads, and their JSON types."""


def spec_data(code: str, stored: str) -> dict[str, Any]:
    """A task's stored parameters as JSON values (``TaskSpec.model_dump_json`` wrote them).

    Read as JSON: building the pydantic models would cost more than the rest of ``tasks show``
    (start-up). A record without that shape is read by the model, which names the damage.
    """
    try:
        data = json.loads(stored)
    except ValueError:
        data = None
    if isinstance(data, dict) and all(isinstance(data.get(k), t) for k, t in _SPEC_SHAPE.items()):
        return data
    from creditcli.draw.spec import parse_spec

    parsed: dict[str, Any] = json.loads(parse_spec(code, stored).model_dump_json())
    return parsed


def task_detail(db: Connection, code: str) -> dict[str, Any]:
    task = find_task(db, code)
    spec = spec_data(task.code, task.spec)
    freeze_row = db.execute(
        text(
            "SELECT frozen_at, pool_digest, pool_size, excluded, exclusions, algorithm_version FROM pool_freezes "
            "WHERE task_id = :task "
            "ORDER BY seq DESC LIMIT 1"
        ).columns(frozen_at=DateTime()),
        {"task": task.id},
    ).first()
    # The draw that counts (lifecycle.standing_draw): not superseded by a redraw; of those, the newest.
    current = db.execute(
        text(
            "SELECT seed, drawn_at, selected_count, certificate FROM draws "
            "WHERE task_id = :task AND superseded_at IS NULL ORDER BY seq DESC LIMIT 1"
        ).columns(drawn_at=DateTime()),
        {"task": task.id},
    ).first()
    draws = db.execute(text("SELECT COUNT(*) FROM draws WHERE task_id = :task"), {"task": task.id}).scalar() or 0
    return {
        "code": task.code,
        "name": task.name,
        "plan": f"{spec['plan_code']} {spec['plan_name']}".strip(),
        "task_type": spec["task_type"],
        "items": "、".join(spec["items"]),
        "window": f"{spec['window_start']}:{spec['window_end']}",
        "team_size": spec["team_size"],
        "organiser": spec["organiser"],
        "implementer": spec["implementer"],
        "authority": spec["authority"],
        "scope": spec["scope"],
        "mode": spec["mode"],
        "class_source": spec["class_source"],
        "status": task.status,
        "frozen_at": freeze_row.frozen_at.isoformat(timespec="seconds") if freeze_row else None,
        "pool_digest": freeze_row.pool_digest if freeze_row else None,
        "algorithm_version": freeze_row.algorithm_version if freeze_row else None,
        "pool_size": freeze_row.pool_size if freeze_row else None,
        "excluded": freeze_row.excluded if freeze_row else None,
        "draws": draws,
        "seed": current.seed if current else None,
        "drawn_at": current.drawn_at.isoformat(timespec="seconds") if current else None,
        "selected": current.selected_count if current else None,
        "parameters": draw_parameters(
            spec["mode"], spec["ratios"], spec["minimum"], spec["maximum"], spec["count"], spec["weights"]
        ),
        "pool_scope": spec["pool"],
        "exclusion_rules": {
            "inactive": spec["exclude_inactive"],
            "drawn_within_months": spec["exclude_drawn_within"],
            "listed": len(spec["exclude"]),
        },
        "excluded_by_reason": excluded_by_reason(freeze_row.exclusions) if freeze_row else {},
        "strata": strata_rows(
            stored_json(current.certificate, f"任务 {escape_controls(task.code)} 的抽取证书", "strata")
        )
        if current
        else [],
    }


def excluded_by_reason(blob: bytes) -> dict[str, int]:
    """How many entities the freeze excluded, by reason (the recorded ``uscc,reason`` lines; the reason
    without its particulars: 近 12 个月内已被抽中（任务 …） counts as 近 12 个月内已被抽中)."""
    import gzip

    counts: dict[str, int] = {}
    try:
        lines = gzip.decompress(blob).decode().splitlines()
    except (OSError, EOFError, UnicodeDecodeError, ValueError):  # a damaged record: tasks verify says so
        return {}
    for line in lines:
        for reason in line.partition(",")[2].split("；"):
            kind = reason.split("（")[0]
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


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
