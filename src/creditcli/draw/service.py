"""Freeze, draw, verify: the draw record is written once and can be recomputed by anyone.

Nothing here prints; results are dataclasses for the CLI (or any Python caller) to render.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import __version__, clock, lifecycle
from creditcli.db import bulk
from creditcli.db.models import Draw, DrawSelection, PoolFreeze, Task
from creditcli.draw import strategies, tasks
from creditcli.draw.documents import certificate_markdown, pre_draw_notice
from creditcli.draw.pool import EligiblePool, compress, decompress, eligible, read_exclusions
from creditcli.draw.spec import TaskSpec, build_spec, parameter_problems
from creditcli.draw.strategies import STRATIFIED, Outcome, Pool, class_label
from creditcli.draw.tasks import canonical_json, known_items, next_seq, spec_of
from creditcli.errors import DataError, RecordError, StateError, UsageError
from creditcli.parallel import in_child as Forked
from creditcli.settings import Settings

CERTIFICATE_SCHEMA = "creditcli.draw-certificate/1"
SEED_PATTERN = re.compile(r"^[0-9]{20,}$")
SEED_DIGITS = 20


@dataclass(frozen=True)
class FreezeResult:
    task: str
    seq: int
    pool_digest: str
    pool_size: int
    strata: dict[str, int]
    excluded: dict[str, int]
    frozen_at: dt.datetime


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


def check_seed(seed: str) -> str:
    if not SEED_PATTERN.match(seed):
        raise UsageError(
            f"随机种子 “{seed}” 无效：应为至少 {SEED_DIGITS} 位十进制数字（公开摇号时用十面骰子逐位掷出），按原样记录"
        )
    return seed


def new_seed() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(SEED_DIGITS))


def _check_pool(task: Task, ep: EligiblePool) -> None:
    if len(ep.pool) == 0:
        raise DataError(
            f"任务 {task.code} 的抽查范围内没有可抽取的检查对象（已排除 {len(ep.exclusions)} 户），请检查范围条件"
        )


@dataclass(frozen=True)
class PackedPool:
    """A pool as the freeze record stores it: digest and compressed lines."""

    digest: str
    pool: bytes
    exclusions: bytes

    @classmethod
    def of(cls, ep: EligiblePool) -> PackedPool:
        return cls(ep.pool.digest(), compress(ep.pool.lines()), compress(ep.exclusion_bytes()))

    def to_bytes(self) -> bytes:
        return self.digest.encode("ascii") + struct.pack(">Q", len(self.pool)) + self.pool + self.exclusions

    @classmethod
    def from_bytes(cls, data: bytes) -> PackedPool:
        (size,) = struct.unpack(">Q", data[64:72])
        return cls(data[:64].decode("ascii"), data[72 : 72 + size], data[72 + size :])


def _freeze_record(
    session: Session, task: Task, ep: EligiblePool, now: dt.datetime, packed: PackedPool | None = None
) -> PoolFreeze:
    _check_pool(task, ep)
    packed = packed or PackedPool.of(ep)
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
    )
    session.add(record)
    session.flush()
    return record


def latest_freeze(session: Session, task: Task) -> PoolFreeze | None:
    return session.scalar(select(PoolFreeze).where(PoolFreeze.task_id == task.id).order_by(PoolFreeze.seq.desc()))


def freeze(
    session: Session, task: Task, *, refreeze: bool = False, now: dt.datetime | None = None
) -> tuple[FreezeResult, EligiblePool]:
    """Fix the pool before the seed exists; a second freeze needs ``refreeze`` and no standing draw."""
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
    _check_drawable(spec, ep.pool)
    record = _freeze_record(session, task, ep, now)
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
    )


def _check_drawable(spec: TaskSpec, pool: Pool) -> None:
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


def run_strategy(mode: str, parameters: dict[str, Any], seed: str, pool: Pool) -> Outcome:
    """The draw from recorded parameters (``TaskSpec.draw_parameters``): what verify re-runs."""
    if mode == STRATIFIED:
        return strategies.stratified(
            seed,
            pool,
            {k: Decimal(v) for k, v in parameters["ratios"].items()},
            parameters["minimum"],
            parameters["maximum"],
        )
    weights = {k: Decimal(v) for k, v in parameters["weights"].items()}
    return strategies.weighted(seed, pool, int(parameters["count"]), weights)


def draw(
    session: Session,
    task: Task,
    *,
    seed: str | None = None,
    redraw_reason: str | None = None,
    allow_seed_reuse: bool = False,
    now: dt.datetime | None = None,
) -> DrawResult:
    now = now or clock.now()
    generated = seed is None
    seed = new_seed() if seed is None else check_seed(seed)
    if redraw_reason is not None and not redraw_reason.strip():
        raise UsageError("--reason 不能为空：重新抽取必须写明原因")
    current = lifecycle.check_drawable(session, task, redraw=redraw_reason is not None)
    if not allow_seed_reuse:
        used = session.execute(
            select(Task.code, Draw.seq).join(Task, Task.id == Draw.task_id).where(Draw.seed == seed)
        ).first()
        if used is not None:
            raise UsageError(f"随机种子 {seed} 已被任务 {used[0]} 的第 {used[1]} 次抽取使用；请重新掷骰生成新的种子")
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
        _check_pool(task, ep)
        _check_drawable(spec, ep.pool)
        # Digesting and compressing the pool (0.65 s at 1M) runs in a child process while the
        # tickets are hashed here; without a child the same bytes are computed in this process.
        packing = Forked(lambda: PackedPool.of(ep).to_bytes())
        outcome = run_strategy(spec.mode, spec.draw_parameters(), seed, ep.pool)
        packed = packing.result()
        record = _freeze_record(session, task, ep, now, PackedPool.from_bytes(packed) if packed else None)
        pool = ep.pool
    else:
        pool = Pool.parse(decompress(record.pool))
        _check_drawable(spec, pool)
        outcome = run_strategy(spec.mode, spec.draw_parameters(), seed, pool)
    superseded = None
    if current is not None:
        current.superseded_at = now
        current.superseded_reason = redraw_reason
        superseded = current.seq
    seq = next_seq(session, Draw.seq, task)
    result = DrawResult(task.code, seq, seed, generated, record.pool_digest, len(pool), outcome, froze, superseded)
    certificate = certificate_json(task, spec, record, result, operator=clock.operator(), drawn_at=now)
    row = Draw(
        task_id=task.id,
        freeze_id=record.id,
        seq=seq,
        seed=seed,
        seed_generated=generated,
        algorithm=strategies.ALGORITHM,
        algorithm_version=strategies.ALGORITHM_VERSION,
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
    inclusion = {s.risk_class: _fraction(s.inclusion) for s in outcome.strata}
    bulk.insert_rows(
        session,
        "draw_selections",
        ["rank", "uscc", "risk_class", "ticket", "inclusion"],
        ((p.rank, p.uscc, p.risk_class, p.ticket, inclusion[p.risk_class]) for p in outcome.selected),
        {"draw_id": row.id},
    )
    lifecycle.drawn(task)
    return result


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def strata_entries(outcome: Outcome) -> list[dict[str, Any]]:
    """Per class: n, k, exact inclusion probability and the ratio or weight (as in the certificate)."""
    strata = []
    for s in outcome.strata:
        entry: dict[str, Any] = {"risk_class": s.risk_class, "n": s.n, "k": s.k, "inclusion": _fraction(s.inclusion)}
        if s.ratio is not None:
            entry["ratio"] = str(s.ratio)
        if s.weight is not None:
            entry["weight"] = str(s.weight)
        strata.append(entry)
    return strata


def certificate_data(
    task: Task, spec: TaskSpec, record: PoolFreeze, result: DrawResult, operator: str, drawn_at: dt.datetime
) -> dict[str, Any]:
    """The draw certificate (docs/verify.md): everything needed to re-run and check the draw."""
    outcome = result.outcome
    strata = strata_entries(outcome)
    return {
        "schema": CERTIFICATE_SCHEMA,
        "algorithm": strategies.ALGORITHM,
        "algorithm_version": strategies.ALGORITHM_VERSION,
        "task": {
            "code": task.code,
            "name": spec.name,
            "plan_code": spec.plan_code,
            "plan_name": spec.plan_name,
            "task_type": spec.task_type,
            "items": spec.items,
            "window": [spec.window_start.isoformat(), spec.window_end.isoformat()],
            "class_source": spec.class_source,
        },
        "draw_seq": result.seq,
        "supersedes": result.superseded,
        "seed": result.seed,
        "seed_generated": result.seed_generated,
        "mode": outcome.mode,
        "parameters": spec.draw_parameters(),
        "pool_digest": record.pool_digest,
        "pool_size": record.pool_size,
        "excluded": record.excluded,
        "frozen_at": record.frozen_at.isoformat(timespec="seconds"),
        "drawn_at": drawn_at.isoformat(timespec="seconds"),
        "operator": operator,
        "tool_version": __version__,
        "strata": strata,
        "selected": [
            {"rank": p.rank, "uscc": p.uscc, "risk_class": p.risk_class, "ticket": p.ticket} for p in outcome.selected
        ],
    }


def certificate_json(
    task: Task, spec: TaskSpec, record: PoolFreeze, result: DrawResult, operator: str, drawn_at: dt.datetime
) -> str:
    data = certificate_data(task, spec, record, result, operator, drawn_at)
    selected = data.pop("selected")
    # Indented for reading, one selected entity per line: json's indenting encoder is pure Python
    # and took 1 s for 70k entities, the compact one per entry a tenth of that.
    head = json.dumps(data, ensure_ascii=False, indent=2)[:-2]
    rows = ",\n".join("    " + json.dumps(s, ensure_ascii=False) for s in selected)
    return f'{head},\n  "selected": [\n{rows}\n  ]\n}}\n' if selected else f'{head},\n  "selected": []\n}}\n'


def find_draw(session: Session, task: Task, seq: int | None = None) -> Draw:
    if seq is None:
        found = lifecycle.standing_draw(session, task)
    else:
        found = session.scalar(select(Draw).where(Draw.task_id == task.id, Draw.seq == seq))
    if found is None:
        which = f"第 {seq} 次抽取" if seq is not None else "有效的抽取记录"
        raise StateError(f"任务 {task.code} 没有{which}（先用 creditcli tasks draw 抽取）")
    return found


def drawn_codes(session: Session, draw_row: Draw) -> set[str]:
    """The USCCs a draw selected (through the driver: cheap at 50k)."""
    rows = bulk.fetch_all(session, "SELECT uscc FROM draw_selections WHERE draw_id = ?", (draw_row.id,))
    return {uscc for (uscc,) in rows}


def selections(session: Session, draw_row: Draw) -> list[DrawSelection]:
    return list(
        session.scalars(
            select(DrawSelection)
            .where(DrawSelection.draw_id == draw_row.id)
            .order_by(DrawSelection.risk_class, DrawSelection.rank)
        )
    )


def verify(session: Session, task: Task, seq: int | None = None, now: dt.datetime | None = None) -> VerifyResult:
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


def strata_of(row: Draw) -> list[dict[str, Any]]:
    strata: list[dict[str, Any]] = json.loads(row.certificate)["strata"]
    return strata


def create_task(session: Session, settings: Settings, raw: dict[str, Any], now: dt.datetime | None = None) -> Task:
    """Check the parameters (including those that depend on today's pool) and store the task.

    A task whose pool is empty, or smaller than its count, is refused here already, so nothing is
    recorded for a task that could never be drawn.
    """
    raw = dict(raw)
    exclude_file = raw.pop("exclude_file", None)
    if exclude_file is not None:
        raw["exclude"] = [e.model_dump() for e in read_exclusions(Path(exclude_file), settings.risk_classes)]
    spec = build_spec(raw, settings, known_items(session))
    if spec.class_model is not None and not _has_model_classes(session, spec.class_model):
        raise UsageError(
            f"模型 {spec.class_model} 还没有计算过分类，不能作为分类来源（先运行 creditcli risk classify）"
        )
    task = tasks.create_task(session, spec, now)
    ep = eligible(session, task, spec, now or clock.now())
    _check_pool(task, ep)
    _check_drawable(spec, ep.pool)
    return task


def _has_model_classes(session: Session, model: str) -> bool:
    from creditcli.db.models import ModelClass

    return session.scalars(select(ModelClass.id).where(ModelClass.model == model).limit(1)).first() is not None


def freeze_with_notice(
    session: Session, task: Task, *, refreeze: bool = False, now: dt.datetime | None = None
) -> tuple[FreezeResult, str]:
    result, _ = freeze(session, task, refreeze=refreeze, now=now)
    spec = spec_of(task)
    notice = pre_draw_notice(
        spec,
        spec.draw_parameters(),
        result.pool_digest,
        result.strata,
        result.excluded,
        result.frozen_at.isoformat(sep=" ", timespec="seconds"),
    )
    return result, notice


@dataclass(frozen=True)
class Certificate:
    json_text: str
    markdown: str
    pool_lines: bytes


def certificate(session: Session, task: Task, seq: int | None = None) -> Certificate:
    """The certificate exactly as issued at draw time (byte-identical on every call)."""
    row = find_draw(session, task, seq)
    freeze_row = session.get(PoolFreeze, row.freeze_id)
    assert freeze_row is not None  # a foreign key
    cert = json.loads(row.certificate)
    return Certificate(row.certificate, certificate_markdown(cert, spec_of(task)), decompress(freeze_row.pool))
