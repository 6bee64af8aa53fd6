"""Use cases of 检查结果: record or withdraw one from the terminal, import a filled-in sheet, list them.

Every write's audit entry carries the digest of each task's results after it (audit.results_change),
so a result changed behind the tool's back is found by ``audit verify`` and ``tasks verify``; a
write that changes nothing (the same result again, a sheet imported unchanged) leaves no entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.actions.rosters import rejects_written
from creditcli.actions.store import Store, Unit, write_use_case

if TYPE_CHECKING:
    from creditcli.io.writers import Table
    from creditcli.results.files import ImportSummary
    from creditcli.results.listing import ResultList
    from creditcli.results.service import RecordResult, Withdrawal


@write_use_case("results record")
def record(
    unit: Unit,
    code: str,
    uscc: str,
    result: str,
    checked_on: dt.date,
    inspectors: Sequence[str] = (),
    method: str = "实地检查",
    item: str = "",
    findings: str = "",
    action: str = "",
    done: bool = False,
    remarks: str = "",
    replaces: str = "",
    reason: str = "",
) -> RecordResult:
    """One result of one entity; recording the same (entity, item, code) again updates it, with history.
    ``replaces``: a code of the same entity and item this result corrects, withdrawn (``reason``) with it."""
    from creditcli.audit import results_change
    from creditcli.draw.tasks import get_task
    from creditcli.io.columns import check_typed
    from creditcli.results import service
    from creditcli.results.files import COLUMNS
    from creditcli.rosters.codes import normalise
    from creditcli.rosters.inspectors import COLUMNS as INSPECTORS

    col = COLUMNS.by_name
    typed = [(col("result_code"), "--result", result), (col("method"), "--method", method)]
    typed += [(col("item_code"), "--item", item), (col("findings"), "--findings", findings)]
    typed += [(col("action"), "--action", action), (col("remarks"), "--remarks", remarks)]
    typed += [(INSPECTORS.by_name("code"), "--inspector", code) for code in inspectors]
    result, method, item, findings, action, remarks, *codes = check_typed(typed)
    entry = service.ResultEntry(
        uscc=normalise(uscc),
        result_code=result,
        checked_on=checked_on,
        method=method,
        inspectors=tuple(codes),
        item_code=item,
        findings=findings,
        action=action,
        action_done=done,
        remarks=remarks,
        replaces=replaces,
        reason=reason,
    )
    task = get_task(unit.session, code)
    outcome = service.record(unit.session, task, [service.Placed(entry)], "命令行录入")
    if outcome.inserted or outcome.updated or outcome.withdrawn:
        counts = {"inserted": outcome.inserted, "updated": outcome.updated, "withdrawn": outcome.withdrawn}
        unit.record(results_change(unit.session, [task], counts))
    else:
        unit.unchanged()  # the same result again: nothing to log
    return outcome


@write_use_case("results withdraw")
def withdraw(unit: Unit, code: str, uscc: str, result: str, reason: str, item: str = "") -> Withdrawal:
    """Withdraw a wrongly entered result: kept with who, when and why, no longer counted or published."""
    from creditcli.audit import results_change
    from creditcli.draw.tasks import get_task
    from creditcli.results import service

    task = get_task(unit.session, code)
    done = service.withdraw(unit.session, task, uscc, result, reason, item)
    unit.record(results_change(unit.session, [task], {"withdrawn": 1}))
    return done


def import_file(
    store: Store,
    path: Path,
    *,
    mapping: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    rejects: Path | None = None,
) -> ImportSummary:
    """A filled-in result sheet (``tasks export --what result-template``): every row checked, all or nothing."""
    from creditcli.io.columns import load_mapping
    from creditcli.results import files

    store.check_outputs(("--rejects", rejects), inputs=[("导入文件", path), ("--mapping", mapping)])
    columns = load_mapping(mapping, files.COLUMNS)
    with rejects_written(rejects, store.notify):
        return _import(store, path, columns, encoding, sheet, dry_run)


@write_use_case("results import")
def _import(
    unit: Unit, path: Path, mapping: Mapping[str, str], encoding: str | None, sheet: str | None, dry_run: bool
) -> ImportSummary:
    from creditcli.audit import results_change
    from creditcli.draw.tasks import get_task
    from creditcli.results import files

    summary = files.import_results(unit.session, path, dict(mapping), encoding, dry_run, sheet)
    if dry_run or not (summary.inserted or summary.updated or summary.withdrawn):
        unit.unchanged()  # a dry run, or the sheet as the database already has it
    else:
        counts = {"rows": summary.rows, "inserted": summary.inserted, "updated": summary.updated,
                  "withdrawn": summary.withdrawn}  # fmt: skip
        unit.record(results_change(unit.session, [get_task(unit.session, c) for c in summary.tasks], counts))
    return summary


def template(store: Store, code: str) -> tuple[Table, tuple[dt.date, dt.date]]:
    """The result sheet to fill in (one row per drawn entity and item, the team already in it), and the
    task's inspection window its dates must lie in."""
    from creditcli.draw.tasks import get_task
    from creditcli.results.files import template_table

    with store.reading() as session:
        task = get_task(session, code)
        return template_table(session, task), (task.window_start, task.window_end)


def listing(store: Store, code: str, uscc: str | None = None, everything: bool = False) -> ResultList:
    """A task's current results (``everything``: withdrawn ones and the change history too)."""
    from creditcli.draw.tasks import get_task
    from creditcli.results.listing import result_list

    with store.reading() as session:
        return result_list(session, get_task(session, code), uscc, everything)
