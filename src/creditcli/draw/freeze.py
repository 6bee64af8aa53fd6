"""Freeze the pool before the seed exists (domain.md §8): its digest is published or filed first, so
nobody can change the pool after seeing the seed. The freeze record stores the pool compressed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock, lifecycle
from creditcli.canonical import canonical_json
from creditcli.db.models import PoolFreeze, Task
from creditcli.draw import salting
from creditcli.draw.documents import pre_draw_notice
from creditcli.draw.pool import EligiblePool, check_drawable, check_pool, compress, eligible
from creditcli.draw.tasks import next_seq, spec_of
from creditcli.errors import StateError
from creditcli.parallel import gc_paused, in_child


@dataclass(frozen=True)
class FreezeResult:
    task: str
    seq: int
    pool_digest: str
    pool_size: int
    strata: dict[str, int]
    excluded: dict[str, int]
    frozen_at: dt.datetime
    algorithm_version: int = 1
    roots: dict[str, str] | None = None
    """Version 2: root_c per class (public: the pre-draw notice publishes them)."""


@dataclass(frozen=True)
class PackedPool:
    """A pool as the freeze record stores it: digest and compressed lines."""

    digest: str
    pool: bytes
    exclusions: bytes

    @classmethod
    def of(cls, ep: EligiblePool) -> PackedPool:
        return cls(ep.pool.digest(), compress(ep.pool.lines()), compress(ep.exclusion_bytes()))


@dataclass(frozen=True)
class Salted:
    """Version 2 at freeze: the fresh secret (the salts follow from it)."""

    secret: str

    @classmethod
    def fresh(cls) -> Salted:
        return cls(salting.new_secret())


def freeze_record(
    session: Session,
    task: Task,
    ep: EligiblePool,
    now: dt.datetime,
    packed: PackedPool | None = None,
    salted: Salted | None = None,
    roots: dict[str, str] | None = None,
) -> PoolFreeze:
    """Store the pool ``ep`` as the task's next freeze (``packed``: already computed elsewhere);
    ``salted``: for algorithm version 2, its secret and salts, and ``roots`` the class roots they give
    (computed here if not given)."""
    check_pool(task, ep)
    packed = packed or PackedPool.of(ep)
    if salted is not None and roots is None:
        roots = salting.pool_roots(salted.secret, ep.pool)
    seq = next_seq(session, PoolFreeze.seq, task)
    record = PoolFreeze(
        task_id=task.id,
        seq=seq,
        pool_digest=packed.digest,
        pool_size=len(ep.pool),
        strata=canonical_json(ep.pool.sizes()),
        pool=packed.pool,
        exclusions=packed.exclusions,
        excluded=len(ep.exclusions),
        operator=clock.operator(),
        frozen_at=now,
        algorithm_version=1 if salted is None else 2,
        pool_secret=None if salted is None else salted.secret,
        roots=None if roots is None else salting.roots_json(roots),
    )
    session.add(record)
    session.flush()
    return record


def latest_freeze(session: Session, task: Task) -> PoolFreeze | None:
    return session.scalar(select(PoolFreeze).where(PoolFreeze.task_id == task.id).order_by(PoolFreeze.seq.desc()))


def freeze(
    session: Session, task: Task, *, refreeze: bool = False, now: dt.datetime | None = None, version: int = 2
) -> tuple[FreezeResult, EligiblePool]:
    """Fix the pool before the seed exists; a second freeze needs ``refreeze`` and no standing draw.
    ``version``: the draw algorithm's (2: salted, with a fresh secret and the class roots; domain.md §8b)."""
    now = now or clock.now()
    if lifecycle.standing_draw(session, task) is not None:
        raise StateError(f"任务 {task.code} 已抽取，不能再冻结抽取范围（重新抽取请用 tasks draw --redraw --reason）")
    previous = latest_freeze(session, task)
    if previous is not None and not refreeze:
        raise StateError(
            f"任务 {task.code} 的抽取范围已于 {previous.frozen_at:%Y-%m-%d %H:%M} 冻结"
            f"（摘要 {previous.pool_digest[:16]}…）；"
            "如确需按最新名录重新冻结，请加 --refreeze（原记录保留）"
        )
    spec = spec_of(task)
    ep = eligible(session, task, spec, now)
    check_drawable(spec, ep.pool)
    with gc_paused():  # version 2 makes millions of strings: the cyclic GC would rescan them all
        # The pool is digested and compressed in a child process while the salts and the class trees
        # of version 2 are computed here (without a child, the same bytes are computed here after).
        packing = in_child(lambda: PackedPool.of(ep))
        salted = Salted.fresh() if version == 2 else None
        roots = None if salted is None else salting.pool_roots(salted.secret, ep.pool)
        packed = packing.result()
    record = freeze_record(session, task, ep, now, packed, salted, roots)
    return _freeze_result(task, record, ep), ep


def _freeze_result(task: Task, record: PoolFreeze, ep: EligiblePool) -> FreezeResult:
    return FreezeResult(
        task.code,
        record.seq,
        record.pool_digest,
        record.pool_size,
        json.loads(record.strata),
        ep.exclusion_counts(),
        record.frozen_at,
        record.algorithm_version,
        salting.stored_roots(record.roots),
    )


def freeze_with_notice(
    session: Session, task: Task, *, refreeze: bool = False, now: dt.datetime | None = None, version: int = 2
) -> tuple[FreezeResult, str]:
    """:func:`freeze`, and the pre-draw notice (抽取前公告) to file or publish before the seed is rolled."""
    result, _ = freeze(session, task, refreeze=refreeze, now=now, version=version)
    spec = spec_of(task)
    notice = pre_draw_notice(
        spec,
        spec.draw_parameters(),
        result.pool_digest,
        result.strata,
        result.excluded,
        result.frozen_at.isoformat(sep=" ", timespec="seconds"),
        clock.operator(),  # as the freeze record stores it
        result.roots if result.algorithm_version == 2 else None,
    )
    return result, notice
