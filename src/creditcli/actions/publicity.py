"""Use cases of 公示 and what follows the results: public files, the publication record, deadlines,
一对象一档案 and the year's coverage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.actions.store import Exported, Store, Unit, write_use_case

if TYPE_CHECKING:
    from creditcli.io.writers import FileFormat
    from creditcli.results.coverage import CoverageRow
    from creditcli.results.deadlines import Deadline
    from creditcli.results.publicity import MarkResult


def export(
    store: Store,
    code: str,
    what: str,
    output: Path,
    *,
    columns: Path | None = None,
    partial: bool = False,
    allow_empty: bool = False,
    fmt: FileFormat | None = None,
) -> Exported:
    """A public file (抽查计划公告, 抽查名单 or 抽查结果公告): never a class, ticket, inspector or remark."""
    from creditcli.draw.tasks import get_task
    from creditcli.errors import UsageError
    from creditcli.io.writers import format_for
    from creditcli.results import publicity

    if partial and what != publicity.RESULTS:
        raise UsageError("--partial 只用于 --what results")
    from creditcli.audit import head
    from creditcli.results.manifest import manifest_path, write_with_manifest

    store.check_outputs(("--output", output), ("公示文件清单", manifest_path(output)), inputs=[("--columns", columns)])
    chosen = format_for(output, fmt)
    keys = publicity.read_columns(columns) if columns is not None else None
    with store.reading() as session:
        task = get_task(session, code)
        authority = store.settings.authority
        table = publicity.public_table(session, task, what, keys, partial, authority=authority, allow_empty=allow_empty)
        facts = {"task": task.code, "what": what, "title": publicity.LABELS[what]}
        rows, manifest = write_with_manifest(table, output, chosen, facts, head(session))
        return Exported(output, rows, manifest)


def site(store: Store, code: str, output: Path) -> list[Path]:
    """The static 公示 page of a task under ``output`` (a new or empty directory): ``index.html`` with the
    plan, the 抽查名单, the results once published, the public certificate and an in-browser verifier of
    抽取凭证, and beside it the public files for download. Returns the files written, the page first."""
    from creditcli.audit import head
    from creditcli.draw.tasks import get_task
    from creditcli.results import site as public_site

    store.check_outputs(("--output", output))
    public_site.check_directory(output)  # before reading anything
    with store.reading() as session:
        task = get_task(session, code)
        newest = head(session)
        built = public_site.gather(
            session, task, store.settings.authority, None if newest is None else newest.as_json()
        )
    return public_site.write(built, output)


@write_use_case("publicity mark")
def mark(unit: Unit, code: str, published_on: dt.date, what: str = "results") -> MarkResult:
    """A list was published on ``published_on``; the results notice moves the task to 已公示."""
    from creditcli.audit import Change
    from creditcli.draw.tasks import get_task
    from creditcli.results import publicity

    result = publicity.mark(unit.session, get_task(unit.session, code), what, published_on)
    unit.record(Change({"published": 1}))
    return result


def archives(store: Store, output: Path, *, uscc: str | None = None, task: str | None = None) -> int:
    """一对象一档案 of one entity, or of every entity a task drew, under ``output`` (a folder or a .zip)."""
    from creditcli.audit import head
    from creditcli.draw.tasks import get_task
    from creditcli.errors import UsageError
    from creditcli.results import archive

    if (uscc is None) == (task is None):
        raise UsageError("请给出一个统一社会信用代码，或用 --task 指定任务（二者选一）")
    store.check_outputs(("--output", output))
    with store.reading() as session:
        codes = [uscc] if uscc is not None else archive.task_entities(session, get_task(session, task or ""))
        newest = head(session)
        return archive.export(session, codes, output, None if newest is None else newest.as_json())


def deadlines(store: Store, today: dt.date, calendar: Path | None = None) -> list[Deadline]:
    """Every drawn task's result deadline (20 working days after its window, 调休 included)."""
    from creditcli.results.deadlines import deadlines as find
    from creditcli.workdays import load_calendar

    work = load_calendar(calendar or store.settings.calendar_file)
    with store.connected() as conn:
        return find(conn, work, today)


def coverage(store: Store, year: int) -> list[CoverageRow]:
    """The year's coverage per class and station against the configured minimum ratios."""
    from creditcli.results.coverage import coverage as compute

    with store.reading() as session:
        return compute(session, year, dict(store.settings.default_ratios))
