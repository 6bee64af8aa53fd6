"""Verify a draw: recompute it from its record and compare; say how today's roster differs from the
frozen pool (domain.md §8: "verify recomputes all of it, also after the roster has changed since").

At 1M entities every step is linear: the frozen pool is parsed as arrays, the recorded selection is
read through the driver, the two pools are compared as sorted arrays, and the lists of differences
are built against sets made once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.canonical import canonical_json, stored_json
from creditcli.db.models import PoolFreeze, Task
from creditcli.draw import salting
from creditcli.draw.certificate import threshold_key, thresholds
from creditcli.draw.drawing import run_strategy
from creditcli.draw.pool import decompress, eligible, eligible_pool
from creditcli.draw.records import find_draw, selection_rows
from creditcli.draw.spec import TaskSpec
from creditcli.draw.strategies import STRATIFIED, WEIGHTED, Outcome, Pool, class_label
from creditcli.draw.tasks import spec_of
from creditcli.errors import RecordError
from creditcli.io.text import escape_controls
from creditcli.parallel import in_child

LISTED = 10
"""Differences named one by one in a finding; the rest are counted."""


@dataclass
class VerifyResult:
    task: str
    seq: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    selected: int = 0
    roster_added: int = 0
    roster_removed: int = 0
    roster_reclassified: int = 0
    teams_checked: bool = False
    team_replacements: int = 0
    results_checked: int = 0
    """Results of the standing draw checked against their history and the audit log (actions.tasks.verify)."""
    no_longer_drawable: list[tuple[str, str]] = field(default_factory=list)
    """(uscc, why) of each entity of the frozen pool that today's roster would not put in it."""


def verify_draw(session: Session, task: Task, seq: int | None = None, now: dt.datetime | None = None) -> VerifyResult:
    """Recompute the draw from its record; also say how today's roster differs from the frozen pool."""
    row = find_draw(session, task, seq)
    result = VerifyResult(task.code, row.seq, ok=True)
    problems = result.problems
    freeze_row = session.get(PoolFreeze, row.freeze_id)
    assert freeze_row is not None  # a foreign key
    try:
        data = decompress(freeze_row.pool)
    except RecordError as exc:  # nothing to recompute from: that is the finding
        problems.append(exc.message)
        result.ok = False
        return result
    digest = hashlib.sha256(data).hexdigest()
    if digest != freeze_row.pool_digest or digest != row.pool_digest:
        problems.append(f"冻结的抽取范围摘要不符：记录 {row.pool_digest}，重新计算 {digest}")
    if hashlib.sha256(row.certificate.encode()).hexdigest() != row.certificate_sha256:
        problems.append("抽取证书内容与其 SHA-256 不符：证书被改动过")
    try:
        cert = stored_json(row.certificate, f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的证书")
    except RecordError as exc:
        problems.append(exc.message)
        result.ok = False
        return result
    spec = spec_of(task)
    if canonical_json(spec.draw_parameters()) != row.parameters or cert.get("parameters") != spec.draw_parameters():
        problems.append("抽取参数与任务记录不符")
    try:
        pool = Pool.parse(data)
    except ValueError:  # UnicodeDecodeError too: a blob replaced by something that is no pool
        problems.append("冻结范围记录已损坏：内容不是抽取范围，无法重新计算抽取")
        result.ok = False
        return result
    try:
        parameters = stored_json(row.parameters, f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的参数")
    except RecordError as exc:  # already reported as 抽取参数与任务记录不符; nothing to recompute with
        problems.append(exc.message)
        result.ok = False
        return result
    mode, seed = row.mode, row.seed
    version = freeze_row.algorithm_version
    if row.algorithm_version != version or cert.get("algorithm_version") != version:
        problems.append(
            f"算法版本不一致：冻结记录为第 {version} 版，抽取记录为第 {row.algorithm_version} 版，"
            f"证书为第 {cert.get('algorithm_version')} 版"
        )
    secret = freeze_row.pool_secret
    if version == 2 and (secret is None or not salting.valid_secret(secret)):
        problems.append(
            f"第 {freeze_row.seq} 次冻结的密钥记录缺失或已损坏（不是 64 位十六进制数）："
            "无法重新计算各户的盐值、签号和承诺根"
        )
        result.ok = False
        return result
    # Recomputing the draw (hashing every id; version 2: the salts and the class trees too) and
    # reading today's roster are independent and take about as long each (1M: ~1 s of one core): a
    # child process recomputes, in one process, while this one reads the database. Without a child
    # (no fork, or it failed) the recomputation runs here afterwards, on two processes as in a draw;
    # the outcome is the same either way.
    salt_key = secret if version == 2 else None
    child = in_child(lambda: _recomputed(mode, parameters, seed, pool, salt_key, parallel=False))
    try:
        stored = sorted(selection_rows(session, row))
        current = eligible_pool(session, task, spec, now or clock.now())
    finally:
        computed = child.result()
    recomputed = computed if computed is not None else _recomputed(mode, parameters, seed, pool, salt_key)
    expected, roots, outcome = recomputed
    if roots is not None and outcome is not None:
        problems.extend(salted_problems(freeze_row, cert, roots, outcome))
    in_cert = [(s["rank"], s["uscc"], s["risk_class"], s["ticket"]) for s in cert.get("selected", [])]
    if stored != sorted(expected):
        problems.extend(differences("数据库中的抽取结果", stored, sorted(expected)))
    if in_cert != expected:
        problems.extend(differences("证书中的抽取结果", in_cert, expected))
    if cert.get("seed") != row.seed or cert.get("pool_digest") != row.pool_digest:
        problems.append("证书中的随机种子或范围摘要与抽取记录不符")
    result.selected = len(expected)
    result.roster_added, result.roster_removed, result.roster_reclassified = roster_changes(pool, current)
    if result.roster_removed:
        result.no_longer_drawable = why_not_drawable(session, task, spec, gone(pool, current), now or clock.now())
    result.ok = not problems
    return result


def gone(recorded: Pool, today: Pool) -> list[str]:
    """The codes of ``recorded`` that ``today`` no longer has, sorted."""
    old_codes, _ = _last_of_each(recorded)
    new_codes, _ = _last_of_each(today)
    return sorted(str(c) for c in np.setdiff1d(old_codes, new_codes))


def why_not_drawable(
    session: Session, task: Task, spec: TaskSpec, codes: list[str], now: dt.datetime
) -> list[tuple[str, str]]:
    """Why each of ``codes`` (frozen in the pool) would not be drawable today: its exclusion as the pool
    records it (登记状态为注销, 近 12 个月内已被抽中 …), gone from the roster, or out of the task's scope."""
    from creditcli.db import bulk

    excluded = dict(eligible(session, task, spec, now).exclusions)
    known = {str(r[0]) for r in bulk.fetch_where_in(session, "SELECT uscc FROM entities", "uscc", codes)}
    out = []
    for code in codes:
        if code in excluded:
            out.append((code, excluded[code]))
        elif code not in known:
            out.append((code, "已不在检查对象名录中"))
        else:
            out.append((code, "已不在任务的抽查范围内（管辖单位、主体类型、行业、标签或成立日期已变化）"))
    return out


def _recomputed(
    mode: str, parameters: dict[str, Any], seed: str, pool: Pool, secret: str | None, *, parallel: bool = True
) -> tuple[list[tuple[Any, ...]], dict[str, str] | None, Outcome | None]:
    """The draw recomputed: (rank, uscc, risk_class, ticket) of every selected entity, in certificate
    order; with a ``secret`` (version 2) from the salts it gives, with the class roots and the outcome."""
    if secret is None:
        outcome = run_strategy(mode, parameters, seed, pool, parallel=parallel)
        return [(p.rank, p.uscc, p.risk_class, p.ticket) for p in outcome.selected], None, None
    roots, keys = salting.salted_pass(secret, pool, seed if mode == STRATIFIED else None, parallel=parallel)
    outcome = run_strategy(mode, parameters, seed, pool, parallel=parallel, secret=secret, keys=keys)
    return [(p.rank, p.uscc, p.risk_class, p.ticket) for p in outcome.selected], roots, outcome


def salted_problems(record: PoolFreeze, cert: dict[str, Any], roots: dict[str, str], outcome: Outcome) -> list[str]:
    """Version 2: the class roots recomputed from the secret against the freeze record's and the
    certificate's, and the thresholds against the certificate's; each disagreement named."""
    out: list[str] = []
    stored = salting.stored_roots(record.roots)
    if stored is None:
        out.append(f"第 {record.seq} 次冻结的承诺根记录缺失或已损坏，无法与重新计算的承诺根核对")
        stored = {}
    for klass in sorted(set(roots) | set(stored)):
        got, want = stored.get(klass), roots.get(klass)
        if got != want:
            out.append(
                f"{class_label(klass)}类的承诺根与重新计算不符：冻结记录 {_short(got)}，按密钥重新计算 {_short(want)}"
                "（密钥、盐值、承诺根或抽取范围被改动过）"
            )
    strata = {s.get("risk_class"): s for s in cert.get("strata", []) if isinstance(s, dict)}
    limits = thresholds(outcome)
    for klass in sorted(roots):
        entry = strata.get(klass, {})
        if entry.get("root") != roots[klass]:
            out.append(
                f"证书中{class_label(klass)}类的承诺根 {_short(entry.get('root'))} "
                f"与重新计算的 {_short(roots[klass])} 不符"
            )
        if outcome.mode == STRATIFIED and entry.get("threshold") != limits.get(klass):
            out.append(
                f"证书中{class_label(klass)}类的阈值 {_short(entry.get('threshold'))} 与重新计算的 "
                f"{_short(limits.get(klass))} 不符"
            )
    if outcome.mode == WEIGHTED and cert.get("threshold_key") != threshold_key(outcome):
        out.append(f"证书中的 threshold_key {cert.get('threshold_key')} 与重新计算的 {threshold_key(outcome)} 不符")
    return out


def _short(value: Any) -> str:
    """A root or ticket in a finding: its first 16 characters (none: 无)."""
    if not isinstance(value, str):
        return "无"
    return value[:16] + "…" if len(value) > 16 else value


def differences(where: str, got: Sequence[tuple[Any, ...]], want: Sequence[tuple[Any, ...]]) -> list[str]:
    """A finding: the rows of ``want`` not in ``got`` and of ``got`` not in ``want`` (each counted, the
    first ten named), in the order of their lists."""
    have, wanted = set(got), set(want)  # once: a set per row made 16k rows take 23 s
    missing = [w for w in want if w not in have]
    extra = [g for g in got if g not in wanted]
    out = [f"{where}与重新计算不符：缺少 {len(missing)} 条，多出 {len(extra)} 条"]
    # A row that differs only in its ticket (rank, code and class alike) is one finding, not two.
    recorded = {g[:3]: g for g in extra if len(g) > 3}
    retold = [(w, recorded[w[:3]]) for w in missing if len(w) > 3 and w[:3] in recorded]
    same = {w[:3] for w, _ in retold}
    out += [
        f"  第 {w[0]} 名 {w[1]}（{class_label(w[2])}）的签号不符：记录为 {g[3]}，重新计算为 {w[3]}"
        for w, g in retold[:LISTED]
    ]
    out += [f"  应有：第 {w[0]} 名 {w[1]}（{class_label(w[2])}）" for w in missing if w[:3] not in same][:LISTED]
    out += [f"  多出：第 {g[0]} 名 {g[1]}（{class_label(g[2])}）" for g in extra if g[:3] not in same][:LISTED]
    return out


def roster_changes(recorded: Pool, today: Pool) -> tuple[int, int, int]:
    """Codes in ``today`` but not in ``recorded``, in ``recorded`` but not in ``today``, and in both with
    another class. Both pools are sorted by code; a code listed twice counts once, with its last class."""
    old_codes, old_classes = _last_of_each(recorded)
    new_codes, new_classes = _last_of_each(today)
    if len(old_codes) == 0 or len(new_codes) == 0:
        return len(new_codes), len(old_codes), 0
    at = np.searchsorted(old_codes, new_codes)
    found = (at < len(old_codes)) & (old_codes[np.minimum(at, len(old_codes) - 1)] == new_codes)
    both = int(np.count_nonzero(found))
    reclassified = int(np.count_nonzero(old_classes[at[found]] != new_classes[found]))
    return len(new_codes) - both, len(old_codes) - both, reclassified


def _last_of_each(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """The pool's codes once each, with the last class listed for them (as ``dict(zip(codes, classes))``)."""
    last = np.ones(len(pool), dtype=bool)
    last[:-1] = pool.uscc[1:] != pool.uscc[:-1]
    if last.all():  # unique, as a pool always is unless its record was altered: no copies
        return pool.uscc, pool.classes
    return pool.uscc[last], pool.classes[last]
