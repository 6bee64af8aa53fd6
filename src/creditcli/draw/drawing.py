"""The draw (domain.md §8) and its record: the seed, the frozen pool (frozen now if it was not yet),
the strategy, and the record written once — draw row, certificate, selected entities with their
tickets and ranks.

Nothing here prints; results are dataclasses for the caller to render.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from creditcli import __version__, clock, lifecycle
from creditcli.canonical import canonical_json
from creditcli.db import bulk
from creditcli.db.models import Draw, PoolFreeze, Task
from creditcli.draw import salting, strategies
from creditcli.draw.certificate import certificate_json, fraction_text
from creditcli.draw.freeze import PackedPool, Salted, freeze_record, latest_freeze
from creditcli.draw.pool import check_drawable, check_pool, eligible, frozen_pool
from creditcli.draw.seeds import check_seed, check_unused, new_seed
from creditcli.draw.spec import parameter_problems
from creditcli.draw.strategies import STRATIFIED, Outcome, Pool
from creditcli.draw.tasks import next_seq, spec_of
from creditcli.errors import StateError, UsageError
from creditcli.io.columns import Column, check_typed
from creditcli.parallel import gc_paused, in_child


@dataclass(frozen=True)
class DrawResult:
    task: str
    seq: int
    seed: str
    seed_generated: bool
    pool_digest: str
    pool_size: int
    outcome: Outcome
    froze: bool
    superseded: int | None
    algorithm_version: int = 1


REASON = Column("superseded_reason", "重新抽取的原因")


def run_strategy(
    mode: str,
    parameters: dict[str, Any],
    seed: str,
    pool: Pool,
    *,
    parallel: bool = True,
    secret: str | None = None,
    keys: np.ndarray | None = None,
) -> Outcome:
    """The draw from recorded parameters (``TaskSpec.draw_parameters``): what verify re-runs.

    ``parallel``: hash a big pool's tickets in two processes (see ``strategies.stratified``).
    ``secret``: version 2, the pool secret: tickets of the ids ``uscc|salt`` (domain.md §8b);
    ``keys``: their keys, already computed (stratified mode).
    """
    if mode == STRATIFIED:
        return strategies.stratified(
            seed,
            pool,
            {k: Decimal(v) for k, v in parameters["ratios"].items()},
            parameters["minimum"],
            parameters["maximum"],
            parallel=parallel,
            secret=secret,
            keys=keys,
        )
    weights = {k: Decimal(v) for k, v in parameters["weights"].items()}
    return strategies.weighted(seed, pool, int(parameters["count"]), weights, secret=secret)


def check_version(task: Task, record: PoolFreeze, algorithm: int | None) -> None:
    """A draw asked for with ``--algorithm`` other than the version the pool was frozen for is refused:
    the version is fixed at freeze (a version-2 notice has published the roots)."""
    if algorithm is not None and algorithm != record.algorithm_version:
        raise StateError(
            f"任务 {task.code} 的抽取范围已按第 {record.algorithm_version} 版算法冻结（第 {record.seq} 次冻结），"
            f"不能按第 {algorithm} 版抽取；如确需第 {algorithm} 版，请先用 "
            f"creditcli tasks freeze {task.code} --refreeze --algorithm {algorithm} 重新冻结并重新公告"
            "（原冻结记录保留）"
        )


def frozen_secret(task: Task, record: PoolFreeze) -> str | None:
    """The secret a frozen pool's tickets are salted with: None for version 1."""
    return salting.frozen_secret(task, record) if record.algorithm_version == 2 else None


def draw(
    session: Session,
    task: Task,
    *,
    seed: str | None = None,
    redraw_reason: str | None = None,
    allow_seed_reuse: bool = False,
    now: dt.datetime | None = None,
    algorithm: int | None = None,
    default_algorithm: int = 2,
) -> DrawResult:
    """Draw the task from its frozen pool (freezing it first if need be) and record the draw.

    No seed: one is generated and recorded as such. A drawn task is drawn again only with a
    ``redraw_reason``; the previous draw is kept and marked as superseded. The algorithm's version is
    the frozen pool's; ``algorithm`` (``--algorithm``) must agree with it, and chooses the version of
    a pool frozen here (otherwise ``default_algorithm``, the bureau's).
    """
    now = now or clock.now()
    generated = seed is None
    seed = new_seed() if seed is None else check_seed(seed)
    if redraw_reason is not None:
        (redraw_reason,) = check_typed([(REASON, "--reason", redraw_reason)])
    if redraw_reason is not None and not redraw_reason:
        raise UsageError("--reason 不能为空：重新抽取必须写明原因")
    current = lifecycle.check_drawable(session, task, redraw=redraw_reason is not None)
    if not allow_seed_reuse:
        check_unused(session, seed)
    spec = spec_of(task)
    if problems := parameter_problems(spec):
        raise UsageError(
            f"任务 {task.code} 的抽取参数超出现在允许的范围（任务创建于这些范围之前），不能抽取：\n"
            + "".join(f"  - {p}\n" for p in problems)
            + "请按现在的范围新建任务（docs/tasks.md）"
        )
    record = latest_freeze(session, task)
    froze = record is None
    if record is None:
        ep = eligible(session, task, spec, now)
        check_pool(task, ep)
        check_drawable(spec, ep.pool)
        version = algorithm or default_algorithm
        with gc_paused():  # version 2 makes millions of strings: the cyclic GC would rescan them all
            # Digesting and compressing the pool (0.65 s at 1M) runs in a child process while the
            # tickets are hashed here (version 2: in one pass with each entity's salt and leaf, the
            # class trees built from the leaves after); without a child the same bytes are computed
            # in this process.
            secret = salting.new_secret() if version == 2 else None
            roots, keys, packed = (None, None, None)
            if secret is None:
                packing = in_child(lambda: PackedPool.of(ep))
            else:  # the child packs the pool too, with a smaller share of the entities
                stratified = seed if spec.mode == STRATIFIED else None
                roots, keys, packed = salting.salted_pass_beside(secret, ep.pool, stratified, lambda: PackedPool.of(ep))
            outcome = run_strategy(spec.mode, spec.draw_parameters(), seed, ep.pool, secret=secret, keys=keys)
            del keys
            if secret is None:
                packed = packing.result()
        record = freeze_record(session, task, ep, now, packed, None if secret is None else Salted(secret), roots)
        pool = ep.pool
    else:
        check_version(task, record, algorithm)
        pool = Pool.parse(frozen_pool(task.code, record))
        check_drawable(spec, pool)
        with gc_paused():
            outcome = run_strategy(spec.mode, spec.draw_parameters(), seed, pool, secret=frozen_secret(task, record))
    superseded = None
    if current is not None:
        current.superseded_at = now
        current.superseded_reason = redraw_reason
        superseded = current.seq
    seq = next_seq(session, Draw.seq, task)
    result = DrawResult(
        task.code,
        seq,
        seed,
        generated,
        record.pool_digest,
        len(pool),
        outcome,
        froze,
        superseded,
        record.algorithm_version,
    )
    certificate = certificate_json(task, spec, record, result, operator=clock.operator(), drawn_at=now)
    row = Draw(
        task_id=task.id,
        freeze_id=record.id,
        seq=seq,
        seed=seed,
        seed_generated=generated,
        algorithm=strategies.ALGORITHM,
        algorithm_version=record.algorithm_version,
        mode=spec.mode,
        parameters=canonical_json(spec.draw_parameters()),
        pool_digest=record.pool_digest,
        selected_count=len(outcome.selected),
        certificate=certificate,
        certificate_sha256=hashlib.sha256(certificate.encode()).hexdigest(),
        operator=clock.operator(),
        tool_version=__version__,
        drawn_at=now,
    )
    session.add(row)
    session.flush()
    inclusion = {s.risk_class: fraction_text(s.inclusion) for s in outcome.strata}
    bulk.insert_rows(
        session,
        "draw_selections",
        ["rank", "uscc", "risk_class", "ticket", "inclusion"],
        ((p.rank, p.uscc, p.risk_class, p.ticket, inclusion[p.risk_class]) for p in outcome.selected),
        {"draw_id": row.id},
    )
    lifecycle.drawn(task)
    return result
