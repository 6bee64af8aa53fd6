"""Use cases of 检查组: assign, replace (递补), and the internal exports (plan, schedule, result template)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.actions.store import Exported, Store, Unit, write_use_case

if TYPE_CHECKING:
    from creditcli.io.writers import FileFormat
    from creditcli.teams.service import AssignResult

EXPORTS = ("plan", "schedule", "result-template")
"""What ``export`` writes: 检查计划 (one row per entity), 人员安排 (per inspector), 检查结果录入表."""


@write_use_case("tasks assign")
def assign(
    unit: Unit, code: str, cross_station: bool = False, experts: int = 0, max_per_inspector: int | None = None
) -> AssignResult:
    """Teams for every drawn entity (回避, qualifications, 所所交叉, even loads), replayable from the seed."""
    from creditcli import audit
    from creditcli.draw.tasks import get_task
    from creditcli.teams import service

    task = get_task(unit.session, code)
    result = service.assign(
        unit.session, task, cross_station=cross_station, experts=experts, max_per_inspector=max_per_inspector
    )
    unit.record(audit.assignment_change(unit.session, task))
    return result


@dataclass(frozen=True)
class Replaced:
    task: str
    inspector: str
    teams: list[tuple[str, str]]
    """(uscc, the replacing inspector) for every team the inspector left."""


@write_use_case("tasks replace")
def replace(unit: Unit, code: str, inspector: str, reason: str, entity: str | None = None) -> Replaced:
    """递补: the next eligible officer in ticket order replaces ``inspector`` (in one team, or in all of his)."""
    from creditcli.audit import Change
    from creditcli.draw.tasks import get_task
    from creditcli.rosters.codes import normalise
    from creditcli.teams import service

    task = get_task(unit.session, code)
    done = service.replace(unit.session, task, inspector.strip(), reason, normalise(entity) if entity else None)
    unit.record(Change({"replaced": len(done)}))
    return Replaced(task.code, inspector.strip(), done)


def export(store: Store, code: str, what: str, output: Path, fmt: FileFormat | None = None) -> Exported:
    """An internal file of the task (names inspectors: never for publicity)."""
    from creditcli.draw.tasks import get_task
    from creditcli.io.writers import format_for, write_table
    from creditcli.results.files import template_table
    from creditcli.teams import exports

    store.check_outputs(("--output", output))
    chosen = format_for(output, fmt)
    build = {"plan": exports.plan_table, "schedule": exports.schedule_table, "result-template": template_table}[what]
    with store.reading() as session:
        return Exported(output, write_table(build(session, get_task(session, code)), output, chosen))
