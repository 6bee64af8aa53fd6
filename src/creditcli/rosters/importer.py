"""The one import mechanism every roster uses: read -> validate -> compare -> upsert, all or nothing.

A file may carry only some columns (the monthly risk-class refresh): only those are compared
and updated. A new record must still have every required column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.db import adbc, bulk, changes
from creditcli.db.models import Base, ImportRun
from creditcli.errors import DataError, Problem
from creditcli.io.columns import ColumnSet
from creditcli.io.tabular import RawTable, read_table
from creditcli.parallel import gc_paused
from creditcli.rosters.validate import Validated, validate


@dataclass
class Pending:
    """What an import will write, handed to the roster's hooks before and after writing."""

    validated: Validated
    new: np.ndarray
    """Frame positions of records to insert."""
    ids: np.ndarray
    """Database id per frame row (0 for new rows)."""
    compared: list[str]
    """Columns compared with the stored record (the file's stored columns, keys left out)."""
    stored: pa.Array
    """Stored record per frame row as ``changes.stored_sql`` joins ``compared`` (null for new rows)."""
    changed: np.ndarray
    """Existing records whose compared columns differ from the file."""
    source: str = ""
    now: dt.datetime = field(default_factory=clock.now)
    warnings: list[str] = field(default_factory=list)
    insert_only: set[str] = field(default_factory=set)
    """Columns the file left out but new records get (defaults, derived values): never updated."""
    max_id_before: int = 0
    """Records inserted by this import have ids above this (set when written)."""

    def add_insert_only(self, column: str) -> None:
        if column not in self.validated.frame:
            self.validated.frame[column] = ""
            self.insert_only.add(column)

    def old(self, column: str, changed: np.ndarray) -> np.ndarray:
        """Stored values of ``column`` at the frame positions ``changed`` (changed records), as canonical text.

        Only those differ from the file; decoding them alone keeps a 1M-row import off Python objects.
        """
        if column not in self.compared:
            return np.full(len(changed), "", dtype=object)
        return changes.stored_values(self.stored, self.compared.index(column), changed)


@dataclass(frozen=True)
class RosterSpec:
    name: str
    label: str
    table: str
    columns: ColumnSet
    key: tuple[str, ...]
    """File columns that identify a record (validated, unique within a file)."""
    db_key: tuple[str, ...] | None = None
    """Table columns matching ``key`` after ``resolve`` (defaults to ``key``)."""
    resolve: Callable[[Session, Validated], None] | None = None
    """Turn file keys into table keys (e.g. codes into ids), adding problems for unknown ones."""
    prepare: Callable[[Pending], None] | None = None
    """Fill derived values of new records before the required-column check; may add warnings."""
    after_write: Callable[[Session, Pending], None] | None = None
    references: tuple[str, ...] = ()
    """File columns of USCCs that must name an entity of the roster (penalties, scores): an unknown one
    is a problem of its row, unless the import allows unknown codes (then counted and warned about)."""

    @property
    def table_key(self) -> tuple[str, ...]:
        return self.db_key or self.key


@dataclass(frozen=True)
class ImportResult:
    roster: str
    source: str
    encoding: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    columns: list[str]
    notes: list[str]
    warnings: list[str]
    dry_run: bool
    sha256: str = ""
    """Of the file as read."""
    unknown: int = 0
    """Rows naming an entity not in the roster, imported with ``allow_unknown``."""


def import_roster(
    session: Session,
    spec: RosterSpec,
    path: Path,
    *,
    mapping: dict[str, str],
    classes: Sequence[str],
    encoding: str | None = None,
    dry_run: bool = False,
    accept_bad_checksum: bool = False,
    sheet: str | None = None,
    allow_unknown: bool = False,
) -> ImportResult:
    with gc_paused():
        table = read_table(path, spec.columns.score(mapping), encoding, sheet)
        return _import(session, spec, table, mapping, classes, dry_run, accept_bad_checksum, allow_unknown)


def _import(
    session: Session,
    spec: RosterSpec,
    table: RawTable,
    mapping: dict[str, str],
    classes: Sequence[str],
    dry_run: bool,
    accept_bad_checksum: bool,
    allow_unknown: bool,
) -> ImportResult:
    path = table.path
    v = validate(table, spec.columns, mapping, spec.key, classes, accept_bad_checksum)
    if spec.resolve is not None:
        spec.resolve(session, v)
    unknown = _check_references(session, spec, v, allow_unknown)
    # Every problem of the file is collected before anything is refused: one run, one full list.
    pending = _match_existing(session, spec, v, dry_run)
    pending.source = path.name
    _complete_new(spec, pending)
    _raise_problems(path, v.problems)
    result = ImportResult(
        roster=spec.name,
        source=str(path),
        encoding=table.encoding,
        rows=len(v.frame),
        inserted=len(pending.new),
        updated=int(pending.changed.sum()),
        unchanged=len(v.frame) - len(pending.new) - int(pending.changed.sum()),
        columns=[spec.columns.by_name(c).label for c in v.present if c in _column_names(spec)],
        notes=v.notes,
        warnings=[
            f"第 {int(v.rows[pos])} 行 {v.frame.iloc[pos][spec.key[0]]}: 校验位应为 {want}，已按要求导入并记录警告"
            for pos, want in v.bad_checksum.items()
        ]
        + pending.warnings
        + _unknown_warnings(spec, v, unknown),
        dry_run=dry_run,
        sha256=table.sha256,
        unknown=len(unknown),
    )
    if not dry_run:
        _write(session, spec, pending)
        if spec.after_write is not None:
            spec.after_write(session, pending)
        session.add(
            ImportRun(
                roster=spec.name,
                source=str(path),
                sha256=table.sha256,
                rows=result.rows,
                inserted=result.inserted,
                updated=result.updated,
                unchanged=result.unchanged,
                operator=clock.operator(),
                imported_at=pending.now,
            )
        )
        session.flush()
    return result


UNKNOWN_ENTITY = "检查对象名录中没有这个统一社会信用代码：请先导入检查对象名录；确认无误的，可加 --allow-unknown 导入"


def _check_references(session: Session, spec: RosterSpec, v: Validated, allow: bool) -> np.ndarray:
    """Rows whose ``spec.references`` name no entity: problems, or (``allow``) frame positions to warn about."""
    unknown = np.zeros(0, dtype=np.int64)
    for column in spec.references:
        if column not in v.frame:
            continue
        values = v.frame[column]
        found = bulk.fetch_where_in(session, "SELECT uscc FROM entities", "uscc", values.unique().tolist())
        known = values.isin({str(k) for (k,) in found}).to_numpy(dtype=bool)
        header = v.headers.get(column, column)
        invalid = np.isin(v.rows, [p.row for p in v.problems if p.column == header and p.row is not None])
        missing = np.flatnonzero(~known & (values != "").to_numpy(dtype=bool) & ~invalid)
        if allow:
            unknown = np.union1d(unknown, missing)
        else:
            v.problem(missing, column, UNKNOWN_ENTITY)
    return unknown


def _unknown_warnings(spec: RosterSpec, v: Validated, unknown: np.ndarray) -> list[str]:
    if not len(unknown):
        return []
    codes = v.frame[spec.references[0]].to_numpy(dtype=object)
    shown = "、".join(f"第 {int(v.rows[p])} 行 {codes[p]}" for p in unknown[:10].tolist())
    more = "……" if len(unknown) > 10 else ""
    return [f"{len(unknown)} 行的统一社会信用代码不在检查对象名录中，已按 --allow-unknown 导入：{shown}{more}"]


def _raise_problems(path: Path, problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise DataError(f"{path}: 发现 {len(problems)} 处问题，未导入任何数据", problems)


def _column_names(spec: RosterSpec) -> set[str]:
    return {c.name for c in spec.columns.columns}


def _value_columns(spec: RosterSpec, v: Validated) -> list[str]:
    """Frame columns that the table stores (file keys turned into ids are not among them)."""
    stored = set(Base.metadata.tables[spec.table].columns.keys())
    return [c for c in v.present if c in stored]


def _match_existing(session: Session, spec: RosterSpec, v: Validated, dry_run: bool) -> Pending:
    key = list(spec.table_key)
    cols = [c for c in _value_columns(spec, v) if c not in key]
    old = changes.stored_rows(session, spec.table, key, cols, v.frame[key], None if dry_run else spec.table)
    # Each file row's place among the stored rows (keys are unique on both sides), found by hash in Arrow.
    keys = pa.table([pa.array(v.frame[c].array) for c in key], names=key)
    where = pc.index_in(changes.join_key(keys, key), value_set=changes.join_key(old, key))
    present = where.is_valid().to_numpy(zero_copy_only=False)
    ids = pc.fill_null(pc.take(old["id"], where), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    stored = pc.cast(pc.take(old["stored"], where), pa.large_string())
    if isinstance(stored, pa.ChunkedArray):
        stored = stored.combine_chunks()
    changed = np.zeros(len(ids), dtype=bool)
    if present.any():  # (nothing to compare in an empty table)
        # Compared as Arrow strings: 1M joined rows as Python objects on both sides cost 1 GB.
        same = pc.equal(stored, changes.join_values(v.frame, cols))
        changed = present & ~pc.fill_null(same, False).to_numpy(zero_copy_only=False)
    return Pending(v, np.flatnonzero(~present), ids, cols, stored, changed)


def _complete_new(spec: RosterSpec, p: Pending) -> None:
    v = p.validated
    for col in spec.columns.columns:
        if col.default is None or not len(p.new):
            continue
        p.add_insert_only(col.name)
        empty_new = p.new[(v.frame[col.name] == "").to_numpy(dtype=bool)[p.new]]
        v.frame.loc[empty_new, col.name] = col.default
    if spec.prepare is not None:
        spec.prepare(p)
    label = spec.label
    for col in spec.columns.columns:
        # Empty cells of a column the file has were reported by the validator already.
        if not col.required or col.name in spec.key or col.name in v.headers:
            continue
        missing = p.new[(v.frame[col.name] == "").to_numpy(dtype=bool)[p.new]] if col.name in v.frame else p.new
        reason = f"{label}名录中还没有这条记录，新增时“{col.label}”不能为空"
        for pos in missing.tolist():
            v.problems.append(Problem(int(v.rows[pos]), col.label, "", reason))


def _write(session: Session, spec: RosterSpec, p: Pending) -> None:
    v = p.validated
    names = _value_columns(spec, v)
    if len(p.new):
        new = v.frame.iloc[p.new][names] if len(p.new) < len(v.frame) else v.frame[names]
        now = bulk.timestamp(session, p.now)
        constants = changes.constant_columns(spec.table, new, spec.table_key) | {"created_at": now, "updated_at": now}
        varying = [c for c in names if c not in constants]
        p.max_id_before = bulk.max_id(session, spec.table)
        adbc.insert_arrow(session, spec.table, changes.to_arrow(spec.table, new[varying]), constants)
    changed = np.flatnonzero(p.changed)
    if len(changed):
        cols = [c for c in names if c not in spec.table_key and c not in p.insert_only]
        upd = v.frame.iloc[changed][cols].copy()
        upd["id"] = p.ids[changed].astype(str)
        stamp = bulk.timestamp(session, p.now)
        rows = ((*r[:-1], stamp, r[-1]) for r in changes.driver_rows(spec.table, upd))
        bulk.update_rows(session, spec.table, [*cols, "updated_at"], rows)
