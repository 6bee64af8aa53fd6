"""Verify a draw: recompute it from its record and compare; say how today's roster differs from the
frozen pool (domain.md §8: "verify recomputes all of it, also after the roster has changed since")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.canonical import canonical_json
from creditcli.db.models import PoolFreeze, Task
from creditcli.draw.drawing import run_strategy
from creditcli.draw.pool import decompress, eligible
from creditcli.draw.records import find_draw, selections
from creditcli.draw.strategies import Pool, class_label
from creditcli.draw.tasks import spec_of
from creditcli.errors import RecordError


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
    cert = json.loads(row.certificate)
    spec = spec_of(task)
    if canonical_json(spec.draw_parameters()) != row.parameters or cert.get("parameters") != spec.draw_parameters():
        problems.append("抽取参数与任务记录不符")
    try:
        pool = Pool.parse(data)
    except ValueError:  # UnicodeDecodeError too: a blob replaced by something that is no pool
        problems.append("冻结范围记录已损坏：内容不是抽取范围，无法重新计算抽取")
        result.ok = False
        return result
    outcome = run_strategy(row.mode, json.loads(row.parameters), row.seed, pool)
    expected = [(p.rank, p.uscc, p.risk_class, p.ticket) for p in outcome.selected]
    stored = [(s.rank, s.uscc, s.risk_class, s.ticket) for s in selections(session, row)]
    in_cert = [(s["rank"], s["uscc"], s["risk_class"], s["ticket"]) for s in cert.get("selected", [])]
    if sorted(stored) != sorted(expected):
        problems.extend(_differences("数据库中的抽取结果", sorted(stored), sorted(expected)))
    if in_cert != expected:
        problems.extend(_differences("证书中的抽取结果", in_cert, expected))
    if cert.get("seed") != row.seed or cert.get("pool_digest") != row.pool_digest:
        problems.append("证书中的随机种子或范围摘要与抽取记录不符")
    result.selected = len(expected)
    current = eligible(session, task, spec, now or clock.now()).pool
    recorded = dict(zip(pool.uscc.tolist(), pool.classes.tolist(), strict=True))
    today = dict(zip(current.uscc.tolist(), current.classes.tolist(), strict=True))
    result.roster_added = len(today.keys() - recorded.keys())
    result.roster_removed = len(recorded.keys() - today.keys())
    result.roster_reclassified = sum(1 for u, c in today.items() if u in recorded and recorded[u] != c)
    result.ok = not problems
    return result


def _differences(where: str, got: Sequence[tuple[Any, ...]], want: Sequence[tuple[Any, ...]]) -> list[str]:
    missing = [w for w in want if w not in set(got)]
    extra = [g for g in got if g not in set(want)]
    out = [f"{where}与重新计算不符：缺少 {len(missing)} 条，多出 {len(extra)} 条"]
    out += [f"  应有：第 {w[0]} 名 {w[1]}（{class_label(w[2])}）" for w in missing[:10]]
    out += [f"  多出：第 {g[0]} 名 {g[1]}（{class_label(g[2])}）" for g in extra[:10]]
    return out
