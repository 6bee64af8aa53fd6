"""Staff exports of the teams (internal, not public): the inspection plan and each inspector's schedule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.models import Inspector, Item, Task
from creditcli.draw.tasks import spec_of
from creditcli.errors import StateError
from creditcli.io.writers import Table
from creditcli.teams.service import current_assignment, teams_now

PLAN = (
    ("seq", "序号"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("address", "住所"),
    ("station", "管辖单位"),
    ("items", "抽查事项"),
    ("team", "检查组（组长在前）"),
    ("window_start", "检查日期自"),
    ("window_end", "检查日期至"),
)
SCHEDULE = (
    ("inspector_code", "执法证号"),
    ("inspector_name", "姓名"),
    ("unit", "所属单位"),
    ("role", "角色"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("address", "住所"),
    ("window_start", "检查日期自"),
    ("window_end", "检查日期至"),
)


def team_context(
    session: Session, task: Task
) -> tuple[dict[str, list[tuple[str, str, str]]], dict[str, tuple[str, str, str]]]:
    _, assignment = current_assignment(session, task)
    if assignment is None:
        raise StateError(f"任务 {task.code} 尚未匹配检查组（先用 creditcli tasks assign）")
    teams = teams_now(session, assignment)
    rows = bulk.fetch_where_in(session, "SELECT uscc, name, address, station FROM entities", "uscc", sorted(teams))
    entities = {u: (n or "", a or "", s or "") for u, n, a, s in rows}
    return teams, entities


def plan_table(session: Session, task: Task) -> Table:
    spec = spec_of(task)
    teams, entities = team_context(session, task)
    people = {code: name for code, name in session.execute(select(Inspector.code, Inspector.name))}
    items = {
        code: name for code, name in session.execute(select(Item.code, Item.name).where(Item.code.in_(spec.items)))
    }
    item_text = "；".join(items.get(c, c) for c in spec.items)
    rows = []
    for n, (uscc, members) in enumerate(sorted(teams.items()), start=1):
        name, address, station = entities.get(uscc, ("", "", ""))
        team = "；".join(f"{people.get(code, code)}（{role}，{code}）" for code, role, _ in members)
        rows.append((n, uscc, name, address, station, item_text, team, spec.window_start, spec.window_end))
    return Table([k for k, _ in PLAN], [v for _, v in PLAN], [rows], "creditcli.inspection-plan/1")


def schedule_table(session: Session, task: Task) -> Table:
    spec = spec_of(task)
    teams, entities = team_context(session, task)
    people = {
        c: (n, u or s or "")
        for c, n, u, s in session.execute(select(Inspector.code, Inspector.name, Inspector.unit, Inspector.station))
    }
    rows = []
    for uscc, members in teams.items():
        name, address, _ = entities.get(uscc, ("", "", ""))
        for code, role, _ in members:
            person, unit = people.get(code, (code, ""))
            rows.append((code, person, unit, role, uscc, name, address, spec.window_start, spec.window_end))
    rows.sort(key=lambda r: (r[0], r[4]))
    return Table([k for k, _ in SCHEDULE], [v for _, v in SCHEDULE], [rows], "creditcli.inspector-schedule/1")
