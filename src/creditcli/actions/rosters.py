"""Use cases of the rosters (and of every file read by the one import mechanism): import, list, show, export.

Entities, inspectors, items and conflicts, and — read the same way — the result codes, penalty
decisions and external scores. Each has a name here (``ROSTERS``) and the command its import is
audited as.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.actions.store import Exported, Store, Unit, write_use_case
from creditcli.errors import CreditError, DataError

if TYPE_CHECKING:
    from creditcli.io.writers import FileFormat, Table
    from creditcli.rosters.entities import EntityDetail, EntityFilter
    from creditcli.rosters.importer import ImportResult, RosterSpec
    from creditcli.rosters.inspectors import InspectorFilter

ROSTERS: dict[str, tuple[str, str]] = {
    "entities": ("creditcli.rosters.entity_import", "entities import"),
    "inspectors": ("creditcli.rosters.inspectors", "inspectors import"),
    "items": ("creditcli.rosters.items", "items import"),
    "conflicts": ("creditcli.rosters.conflicts", "conflicts import"),
    "vocabulary": ("creditcli.results.vocabulary", "results vocabulary"),
    "penalties": ("creditcli.credit.penalties", "penalties import"),
    "scores": ("creditcli.credit.scores", "scores import"),
}
"""Roster name -> (the module that declares its ``SPEC``, the command its import is audited as)."""


def spec(roster: str) -> RosterSpec:
    spec_: RosterSpec = importlib.import_module(ROSTERS[roster][0]).SPEC
    return spec_


def import_file(
    store: Store,
    roster: str,
    path: Path,
    *,
    mapping: Path | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    accept_bad_checksum: bool = False,
    allow_unknown: bool = False,
    rejects: Path | None = None,
) -> ImportResult:
    """Import a roster file: all of it, or nothing (exit 65, every problem listed; ``rejects`` keeps the list)."""
    from creditcli.io.columns import load_mapping

    store.check_outputs(("--rejects", rejects), inputs=[("导入文件", path), ("--mapping", mapping)])
    columns = load_mapping(mapping, spec(roster).columns)
    with rejects_written(rejects, store.notify):
        return _import(store, roster, path, columns, encoding, sheet, dry_run, accept_bad_checksum, allow_unknown)


@write_use_case("roster import", named=lambda a: ROSTERS[a["roster"]][1])
def _import(
    unit: Unit,
    roster: str,
    path: Path,
    mapping: Mapping[str, str],
    encoding: str | None,
    sheet: str | None,
    dry_run: bool,
    accept_bad_checksum: bool,
    allow_unknown: bool,
) -> ImportResult:
    from creditcli.audit import Change
    from creditcli.rosters.importer import import_roster

    result = import_roster(
        unit.session,
        spec(roster),
        path,
        mapping=dict(mapping),
        classes=unit.store.settings.risk_classes,
        encoding=encoding,
        dry_run=dry_run,
        accept_bad_checksum=accept_bad_checksum,
        sheet=sheet,
        allow_unknown=allow_unknown,
    )
    if dry_run:
        unit.unchanged()
    else:
        unit.record(
            Change({"rows": result.rows, "inserted": result.inserted, "updated": result.updated}, result.sha256)
        )
    return result


@contextmanager
def rejects_written(rejects: Path | None, notify: Callable[[str], None]) -> Iterator[None]:
    """``--rejects FILE``: the problems of a refused file, written for the sender to correct.

    The file always tells about this run, never an earlier one: a file without problems leaves a
    list with its header only; a run that ends without a list (another error) removes an earlier
    list. A list that cannot be written (the disk filled up meanwhile: its place was checked before
    the import began) is said after the problems, which are shown all the same (exit 65).
    """
    from creditcli.io.writers import format_for, write_table

    if rejects is None:
        yield
        return
    try:
        yield
    except DataError as exc:
        if not exc.problems:
            _remove_stale(rejects, exc.hints.append)
            raise
        try:
            write_table(problems_table(exc), rejects, format_for(rejects, None))
        except CreditError as failed:
            exc.hints.append(f"问题清单未能写入：{failed.message}")
        else:
            exc.hints.append(f"问题清单已写入 {rejects}")
        raise
    except CreditError:
        _remove_stale(rejects, notify)
        raise
    write_table(problems_table(DataError("")), rejects, format_for(rejects, None))
    notify(f"没有问题：问题清单 {rejects} 只有表头")


def _remove_stale(rejects: Path, say: Callable[[str], None]) -> None:
    """An earlier run's list, which would be read as this run's problems."""
    if rejects.is_file():
        rejects.unlink()
        say(f"已删除上一次的问题清单 {rejects}（本次没有逐行的问题清单）")


def problems_table(exc: DataError) -> Table:
    from creditcli.io.writers import Table

    rows = [("" if p.row is None else str(p.row), p.column, p.value, p.reason) for p in exc.problems]
    return Table(["row", "column", "value", "reason"], ["行号", "列", "值", "问题"], [rows], "creditcli.problems/1")


def export(
    store: Store,
    roster: str,
    path: Path,
    fmt: FileFormat | None = None,
    flt: EntityFilter | InspectorFilter | None = None,
) -> Exported:
    """Write a whole roster (or the filtered part of entities and inspectors) to CSV, XLSX or JSON, atomically."""
    from creditcli.io.writers import format_for, write_table

    store.check_outputs(("输出文件", path))
    chosen = format_for(path, fmt)
    with listing(store, roster, flt) as table:
        return Exported(path, write_table(table, path, chosen))


@contextmanager
def listing(
    store: Store, roster: str, flt: Any = None, limit: int | None = None, brief: bool = False, count: bool = False
) -> Iterator[Table]:
    """A roster's rows (the filtered part; the first ``limit``; ``brief``: the list columns), read while open;
    ``count``: with how many rows match in ``total``, when ``limit`` may have left some out."""
    import dataclasses

    from creditcli.rosters.query import count_rows

    if roster == "entities":  # the driver's rows on a Core connection: no ORM (start-up)
        from creditcli.rosters import entities

        with store.connected() as conn:
            chosen = flt or entities.EntityFilter()
            table = entities.entity_table(conn, chosen, limit, brief=brief)
            if count and limit:
                table = dataclasses.replace(table, total=count_rows(conn, "entities", chosen.to_filter()))
            yield table
        return
    with store.reading() as session:
        if roster == "inspectors":
            from creditcli.rosters import inspectors

            people = flt or inspectors.InspectorFilter()
            table = inspectors.inspector_table(session, people, limit, brief=brief)
            if count and limit:
                table = dataclasses.replace(table, total=count_rows(session, "inspectors", people.to_filter()))
            yield table
        elif roster == "items":
            from creditcli.rosters import items
            from creditcli.rosters.query import Filter

            table = items.item_table(session, limit, brief=brief)
            if count and limit:
                table = dataclasses.replace(table, total=count_rows(session, "items", Filter()))
            yield table
        elif roster == "vocabulary":
            from creditcli.results import vocabulary

            yield vocabulary.vocabulary_table(session)
        else:
            raise ValueError(f"no listing of {roster}")


@contextmanager
def conflicts(store: Store, inspector: str | None = None, uscc: str | None = None) -> Iterator[Table]:
    from creditcli.rosters import conflicts as roster
    from creditcli.rosters.codes import normalise

    with store.reading() as session:
        yield roster.conflict_table(
            session, normalise(inspector) if inspector else None, normalise(uscc) if uscc else None
        )


@contextmanager
def scores(store: Store, name: str | None = None, uscc: str | None = None) -> Iterator[Table]:
    from creditcli.credit import scores as roster
    from creditcli.rosters.codes import normalise

    with store.reading() as session:
        yield roster.score_table(session, name, normalise(uscc) if uscc else None)


def entity(store: Store, uscc: str) -> EntityDetail:
    from creditcli.rosters.entities import get_entity

    with store.connected() as conn:
        return get_entity(conn, uscc)


def inspector(store: Store, code: str) -> dict[str, str]:
    from creditcli.rosters.inspectors import get_inspector

    with store.reading() as session:
        return get_inspector(session, code)
