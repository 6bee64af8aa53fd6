"""信用修复 (总局令第107号, domain.md §9): every negative record of an entity, its tier, from when repair may
be applied for, when its publicity ends by itself, and which conditions are still unmet.

Negative records: published penalties, an entry on the 严重违法失信名单, and inspection results whose code is
negative. A recorded repair ends the record's publicity early: a penalty is withdrawn, a list entry removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.credit import lists
from creditcli.credit.penalties import add_months, publicity
from creditcli.credit.rules import Rules
from creditcli.db.models import ListEntry, Penalty, Repair, Result, ResultCode, Task
from creditcli.errors import InputMissingError, StateError, UsageError
from creditcli.io.writers import Table
from creditcli.workdays import WorkCalendar

MINOR, MODERATE, SERIOUS = "轻微", "一般", "严重"
PENALTY, LISTED, RESULT = "penalty", "list", "result"


@dataclass(frozen=True)
class Negative:
    kind: str
    ref: str
    """What ``repair record --ref`` names: a decision number, or TASK/ITEM/CODE for a result."""
    label: str
    tier: str
    since: dt.date
    apply_from: dt.date | None
    """None: no application (a minor record ends by itself)."""
    automatic: dt.date | None
    unmet: list[str] = field(default_factory=list)
    repaired: dt.date | None = None


def _window(rules: Rules, tier: str, since: dt.date) -> tuple[dt.date | None, dt.date | None]:
    r = rules.repair
    if tier == MINOR:
        return None, add_months(since, r.minor_months)
    if tier == SERIOUS:
        return add_months(since, r.serious_apply_months), add_months(since, r.serious_max_months)
    return add_months(since, r.moderate_apply_months), add_months(since, r.moderate_max_months)


def negatives(session: Session, rules: Rules, work: WorkCalendar, uscc: str) -> list[Negative]:
    repaired = {
        (r.record_kind, r.record_ref): r.decided_on for r in session.scalars(select(Repair).where(Repair.uscc == uscc))
    }
    on_lists = {
        e.list_kind for e in session.scalars(select(ListEntry).where(ListEntry.uscc == uscc)) if not e.removed_on
    }
    blockers = [f"仍在{kind}中" for kind in sorted(on_lists)]
    out: list[Negative] = []
    p_rules = rules.penalty_publicity
    for p in session.scalars(select(Penalty).where(Penalty.uscc == uscc).order_by(Penalty.decided_on)):
        # The dates come from the one computation of penalty publicity (总局令第45号, credit/penalties.py),
        # so that `repair check` and `penalties list|show|due` never disagree; a decision not yet published
        # counts from its date. No publication deadline is needed here (nor the holiday calendar).
        d = publicity(p, p_rules, work, deadline=False, start=p.published_on or p.decided_on)
        if not d.published or d.start is None:
            continue
        tier = MINOR if d.short else SERIOUS if d.lasting else MODERATE
        since, apply_from, automatic = d.start, d.early_stop_from, d.end
        unmet = list(blockers)
        if p.fulfilled_on is None:
            unmet.insert(0, "处罚决定尚未履行完毕（无履行日期）")
        label = f"行政处罚 {p.decision_no}（{p.kinds.replace(';', '、')}）"
        out.append(
            Negative(PENALTY, p.decision_no, label, tier, since, apply_from, automatic, unmet,
                     repaired.get((PENALTY, p.decision_no)) or p.withdrawn_on)
        )  # fmt: skip
    query = select(ListEntry).where(ListEntry.uscc == uscc, ListEntry.list_kind == lists.SERIOUS)
    for e in session.scalars(query.order_by(ListEntry.listed_on)):
        apply_from, automatic = _window(rules, SERIOUS, e.listed_on)
        label = f"{e.list_kind} {e.decision_no}（{e.ground}）"
        done = repaired.get((LISTED, e.decision_no)) or e.removed_on
        others = [b for b in blockers if lists.SERIOUS not in b]
        out.append(Negative(LISTED, e.decision_no, label, SERIOUS, e.listed_on, apply_from, automatic, others, done))
    texts = {c.code: c for c in session.scalars(select(ResultCode))}
    query_r = (
        select(Result, Task.code)
        .join(Task, Task.id == Result.task_id)
        .where(Result.uscc == uscc)
        .order_by(Result.checked_on, Task.code)
    )
    for r, task in session.execute(query_r):
        code = texts.get(r.result_code)
        if code is None or not code.negative:
            continue
        tier = rules.repair.result_tiers.get(r.result_code, rules.repair.default_result_tier)
        ref = f"{task}/{r.item_code or '-'}/{r.result_code}"
        apply_from, automatic = _window(rules, tier, r.checked_on)
        label = f"抽查结果 {ref}（{code.text}）"
        out.append(Negative(RESULT, ref, label, tier, r.checked_on, apply_from, automatic, list(blockers),
                            repaired.get((RESULT, ref))))  # fmt: skip
    return out


def record(
    session: Session,
    rules: Rules,
    work: WorkCalendar,
    uscc: str,
    kind: str,
    ref: str,
    *,
    decided_on: dt.date,
    decision_no: str,
    unit: str,
    now: dt.datetime | None = None,
) -> Negative:
    """Store a repair decision and end the record's publicity; refused while the rules do not allow it."""
    if not decision_no.strip() or not unit.strip():
        raise UsageError("信用修复须写明决定书文号（--decision-no）和作出决定的单位（--unit）")
    found = next((n for n in negatives(session, rules, work, uscc) if n.kind == kind and n.ref == ref), None)
    if found is None:
        raise InputMissingError(f"{uscc} 没有可修复的记录 {ref}（用 creditcli repair check {uscc} 查看）")
    if found.repaired is not None:
        raise StateError(f"{found.label} 已于 {found.repaired} 修复或移出")
    if found.apply_from is None and found.tier == MINOR:
        raise StateError(f"{found.label} 属轻微档次，公示满期（{found.automatic}）自动停止，无需申请修复")
    if found.apply_from is None:
        raise StateError(
            f"{found.label} 的公示不得提前停止（总局令第45号第十五条），公示满期（{found.automatic}）自动停止"
        )
    if decided_on < found.apply_from:
        raise StateError(f"{found.label} 自 {found.since} 起公示，{found.apply_from} 起才可申请信用修复")
    if found.unmet:
        raise StateError(f"{found.label} 尚不符合修复条件：{'；'.join(found.unmet)}")
    session.add(
        Repair(
            uscc=uscc,
            record_kind=kind,
            record_ref=ref,
            decided_on=decided_on,
            decision_no=decision_no.strip(),
            unit=unit.strip(),
            operator=clock.operator(),
            recorded_at=now or clock.now(),
        )
    )
    if kind == PENALTY:
        penalty = session.scalars(select(Penalty).where(Penalty.decision_no == ref)).one()
        penalty.withdrawn_on = penalty.withdrawn_on or decided_on
    elif kind == LISTED:
        entry = session.scalars(
            select(ListEntry).where(ListEntry.decision_no == ref, ListEntry.removed_on.is_(None))
        ).first()
        if entry is not None:
            entry.removed_on = decided_on
            entry.removal_reason = f"信用修复（{decision_no.strip()}）"
    session.flush()
    return found


COLUMNS = (
    ("kind", "类别"),
    ("ref", "记录"),
    ("label", "内容"),
    ("tier", "档次"),
    ("since", "起始日期"),
    ("apply_from", "可申请修复"),
    ("automatic", "自动停止公示"),
    ("unmet", "尚未满足的条件"),
    ("repaired", "已修复"),
)


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def check_table(items: list[Negative]) -> Table:
    rows = [
        (n.kind, n.ref, n.label, n.tier, n.since.isoformat(), _iso(n.apply_from), _iso(n.automatic),
         "；".join(n.unmet), _iso(n.repaired))
        for n in items
    ]  # fmt: skip
    return Table([k for k, _ in COLUMNS], [v for _, v in COLUMNS], [rows], "creditcli.repair-check/1")
