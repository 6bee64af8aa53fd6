"""The eligible pool of a task: scope filters, then exclusions, each recorded with its reason; the checks a
task's parameters must pass against a pool; the compressed form a pool is stored in."""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.models import Draw, DrawSelection, PoolFreeze, Task
from creditcli.draw.spec import Excluded, TaskSpec
from creditcli.draw.strategies import Pool
from creditcli.draw.terms import STRATIFIED, class_label
from creditcli.errors import DataError, RecordError
from creditcli.io.columns import Column, ColumnSet, Kind
from creditcli.io.text import escape_controls
from creditcli.parallel import gc_paused
from creditcli.rosters.query import Filter
from creditcli.rosters.terms import ACTIVE

EXCLUDE_COLUMNS = ColumnSet(
    (
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "uscc"), Kind.USCC, True),
        Column("reason", "排除原因", ("原因", "reason", "备注")),
    )
)


@dataclass(frozen=True)
class EligiblePool:
    pool: Pool
    exclusions: list[tuple[str, str]]
    """(uscc, reason), sorted by USCC."""

    def exclusion_bytes(self) -> bytes:
        return "".join(f"{u},{r}\n" for u, r in self.exclusions).encode()

    def exclusion_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.exclusions:
            kind = reason.split("（")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items()))


def read_exclusions(path: Path, classes: tuple[str, ...]) -> list[Excluded]:
    """An --exclude file: USCCs (and optionally a reason per row), checked like a roster file."""
    from creditcli.io.tabular import read_table
    from creditcli.rosters.validate import validate

    table = read_table(path, EXCLUDE_COLUMNS.score({}))
    v = validate(table, EXCLUDE_COLUMNS, {}, ("uscc",), classes)
    if v.problems:
        raise DataError(f"{path}: 排除名单有 {len(v.problems)} 处问题，未创建任务", v.problems)
    reasons = v.frame["reason"].tolist() if "reason" in v.frame else [""] * len(v.frame)
    default = f"列入排除名单 {path.name}"
    return [Excluded(uscc=u, reason=r or default) for u, r in zip(v.frame["uscc"].tolist(), reasons, strict=True)]


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def scope_filter(spec: TaskSpec) -> Filter:
    scope = spec.pool
    flt = Filter()
    flt.one_of("entity_type", scope.entity_types)
    flt.one_of("station", scope.stations)
    flt.any_prefix("industry", scope.industry_prefixes)
    flt.all_tags("tags", scope.tags)
    flt.between(
        "established",
        scope.registered_from.isoformat() if scope.registered_from else None,
        scope.registered_to.isoformat() if scope.registered_to else None,
    )
    return flt


def eligible(session: Session, task: Task, spec: TaskSpec, now: dt.datetime) -> EligiblePool:
    """Entities in the task's scope minus the exclusions (each with its reason); classes as they stand now."""
    reasons: dict[str, str] = {}
    if spec.exclude_inactive:
        flt = scope_filter(spec)
        statuses = "SELECT uscc, status FROM entities" + _and(flt, "status <> ?")
        inactive = _fetch(session, statuses, [*flt.params, ACTIVE])
        wording = {status: f"登记状态为{status}" for status in {s for _, s in inactive}}
        reasons = {code: wording[status] for code, status in inactive}
    rows = _in_scope(session, spec)
    listed = _listed(session, task, spec, now)
    if listed:  # only entities in the task's scope count as excluded from it
        in_scope = {r[0] for r in rows} | reasons.keys()
        for code, why in listed.items():
            if code in in_scope:
                reasons[code] = "；".join([reasons[code], *why] if code in reasons else why)
        rows = [r for r in rows if r[0] not in listed]
    return EligiblePool(_pool(rows), sorted(reasons.items()))


def eligible_pool(session: Session, task: Task, spec: TaskSpec, now: dt.datetime) -> Pool:
    """The pool of :func:`eligible` alone, without looking for the reasons of the exclusions (a query of
    every entity fewer): what verify compares the frozen pool with."""
    rows = _in_scope(session, spec)
    listed = _listed(session, task, spec, now)
    return _pool([r for r in rows if r[0] not in listed] if listed else rows)


def _in_scope(session: Session, spec: TaskSpec) -> list[tuple[Any, ...]]:
    """(uscc, class) of the entities in the task's scope (of those 存续 unless inactive ones are included),
    with the class the draw stratifies by: the imported one, or the one a model computed (none yet: None)."""
    flt = scope_filter(spec)
    if spec.class_model is None:
        classes, first = "SELECT uscc, risk_class FROM entities", []
    else:
        classes = (
            "SELECT uscc, m.risk_class FROM entities"
            " LEFT JOIN model_classes m ON m.entity_id = entities.id AND m.model = ?"
        )
        first = [spec.class_model]
    if spec.exclude_inactive:
        return _fetch(session, classes + _and(flt, "status = ?"), [*first, *flt.params, ACTIVE])
    return _fetch(session, classes + flt.sql(), [*first, *flt.params])


def _listed(session: Session, task: Task, spec: TaskSpec, now: dt.datetime) -> dict[str, list[str]]:
    """The codes the task excludes by name (its exclusion list, entities drawn recently), with the reasons."""
    listed: dict[str, list[str]] = {}
    for item in spec.exclude:
        listed.setdefault(item.uscc, []).append(item.reason)
    if spec.exclude_drawn_within:
        since = months_before(now.date(), spec.exclude_drawn_within)
        for code, other, when in _recently_drawn(session, task, since):
            listed.setdefault(code, []).append(
                f"近 {spec.exclude_drawn_within} 个月内已被抽中（任务 {other}，{when:%Y-%m-%d}）"
            )
    return listed


def _pool(rows: list[tuple[Any, ...]]) -> Pool:
    return Pool.from_pairs([r[0] for r in rows], [r[1] or "" for r in rows])


def check_pool(task: Task, ep: EligiblePool) -> None:
    if len(ep.pool) == 0:
        raise DataError(
            f"任务 {task.code} 的抽查范围内没有可抽取的检查对象（已排除 {len(ep.exclusions)} 户），请检查范围条件"
        )


def check_drawable(spec: TaskSpec, pool: Pool) -> None:
    """Parameters that depend on the pool: a ratio or weight for every class present, a count that fits."""
    sizes = pool.sizes()
    if spec.mode == STRATIFIED:
        missing = [c for c in sizes if c not in spec.ratios]
        hint = "--ratio {}=比例"
    else:
        missing = [c for c in sizes if c not in spec.weights]
        hint = "--weight {}=权重"
        if spec.count is not None and spec.count > len(pool):
            raise DataError(f"抽取数量 {spec.count} 大于可抽取的检查对象数 {len(pool)}")
    if missing:
        labels = "、".join(class_label(c) for c in missing)
        error = DataError(
            f"抽取范围中有分类 {labels} 的检查对象，但任务没有该分类的抽取参数"
            f"（用 {hint.format(class_label(missing[0]))} 指定）"
        )
        if spec.class_model is not None and "" in missing:
            error.hints.append(
                f"其中 {sizes['']} 户没有模型 {spec.class_model} 的分类（在上次计算之后才导入）："
                f"可先运行 creditcli risk classify 再创建任务"
            )
        raise error


def _and(flt: Filter, clause: str) -> str:
    """The filter's WHERE clause with one more condition (written in the code, ``?`` for its value)."""
    return flt.sql() + (" AND " if flt.clauses else " WHERE ") + clause


def _fetch(session: Session, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with gc_paused():
        return bulk.fetch_all(session, sql, params)


def _recently_drawn(session: Session, task: Task, since: dt.date) -> list[tuple[str, str, dt.datetime]]:
    """Entities selected by a standing draw of another task since ``since``."""
    rows = session.execute(
        select(DrawSelection.uscc, Task.code, Draw.drawn_at)
        .join(Draw, Draw.id == DrawSelection.draw_id)
        .join(Task, Task.id == Draw.task_id)
        .where(
            Draw.task_id != task.id,
            Draw.superseded_at.is_(None),
            Draw.drawn_at >= dt.datetime.combine(since, dt.time()),
        )
        .order_by(DrawSelection.uscc, Draw.drawn_at)
    )
    return [(str(u), str(c), d) for u, c, d in rows]


def compress(data: bytes) -> bytes:
    """gzip without a timestamp: the same pool always compresses to the same bytes."""
    return gzip.compress(data, compresslevel=1, mtime=0)  # level 9 took 3.3 s for a 1M pool, level 1 0.4 s


def decompress(data: bytes, what: str = "冻结范围") -> bytes:
    """A stored blob back; one that is no longer gzip (damaged, or altered by hand) is a RecordError."""
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError: never a write failure here
        raise RecordError(
            f"{what}记录已损坏：无法解压（{exc}）；请用 creditcli audit verify 查找被改动之处，并从备份恢复数据库"
        ) from exc


def frozen_pool(code: str, record: PoolFreeze) -> bytes:
    """The pool lines of a freeze record, checked against the digest recorded (and published) when it
    was frozen: a damaged blob must never become a certificate's pool file or a draw's pool."""
    from creditcli.canonical import RESTORE

    what = f"任务 {escape_controls(code)} 第 {record.seq} 次冻结的抽取范围"
    data = decompress(record.pool, what)
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.pool_digest:
        raise RecordError(
            f"{what}记录已损坏：内容的摘要 {digest[:16]}… 与冻结时记录的 {record.pool_digest[:16]}… 不符；{RESTORE}"
        )
    return data
