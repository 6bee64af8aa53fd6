"""行政处罚信息公示 (总局令第45号, domain.md §9): decisions are imported like a roster; whether each is
published, when publication is due, when its publicity ends and from when an early stop may be applied
for are derived from the rules file, never stored, so a changed rule applies to every decision at once."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.credit.rules import MAX_AMOUNT, PenaltyPublicityRules
from creditcli.db.models import Penalty, Repair
from creditcli.errors import CalendarGap, InputMissingError
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.dates import RECORDED, DateBounds
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.rosters.validate import Validated
from creditcli.workdays import WorkCalendar

ORGANISATION, PERSON = "法人及其他组织", "自然人"
ORDINARY, SUMMARY = "普通程序", "简易程序"
FINE = "罚款"

COLUMNS = ColumnSet(
    (
        Column(
            "decision_no",
            "决定书文号",
            ("行政处罚决定书文号", "处罚决定书文号", "文号"),
            Kind.CODE,
            required=True,
            max_len=128,
        ),
        Column("uscc", "统一社会信用代码", ("信用代码", "uscc"), Kind.USCC, required=True),
        Column(
            "party_kind",
            "当事人类型",
            ("当事人类别",),
            Kind.CHOICE,
            choices={
                ORGANISATION: ORGANISATION,
                "法人": ORGANISATION,
                "组织": ORGANISATION,
                PERSON: PERSON,
                "个人": PERSON,
            },
            default=ORGANISATION,
        ),
        Column("decided_on", "处罚决定日期", ("处罚日期", "决定日期"), Kind.DATE, required=True, bounds=RECORDED),
        Column("violation", "违法行为类型", ("违法行为",), max_len=NAME_LEN),
        Column("kinds", "处罚种类", ("处罚类别", "处罚内容"), Kind.TAGS, required=True),
        Column("amount", "罚款金额", ("罚款金额（元）", "罚款数额"), max_len=32),
        Column("authority", "处罚机关", ("作出处罚决定的机关", "决定机关"), max_len=NAME_LEN),
        Column(
            "procedure",
            "处罚程序",
            ("程序",),
            Kind.CHOICE,
            choices={ORDINARY: ORDINARY, "普通": ORDINARY, SUMMARY: SUMMARY, "简易": SUMMARY},
            default=ORDINARY,
        ),
        Column("fulfilled_on", "履行日期", ("履行完毕日期",), Kind.DATE, bounds=RECORDED),
        Column("restriction_until", "限制期限至", ("限制期至",), Kind.DATE, bounds=DateBounds(RECORDED.earliest)),
        Column("published_on", "公示日期", (), Kind.DATE, bounds=RECORDED),
        Column("withdrawn_on", "撤下日期", ("停止公示日期",), Kind.DATE, bounds=RECORDED),
    )
)


AMOUNT_RULE = f"应为以元计的金额：0 到 {MAX_AMOUNT} 元，最多两位小数，如 5000 或 5000.00"


def _check_amounts(session: Session, v: Validated) -> None:
    """罚款金额 must be a plain amount of yuan within the bound (kept as exact decimal text)."""
    if "amount" not in v.frame:
        return
    bad = [n for n, text in enumerate(v.frame["amount"].tolist()) if text and not valid_amount(text)]
    v.problem(np.array(bad, dtype=np.int64), "amount", AMOUNT_RULE)


def valid_amount(text: str) -> bool:
    """0 ≤ amount ≤ MAX_AMOUNT 元, in 元 and 分 (``1e309`` parses as a finite Decimal, but is no fine)."""
    value = plain_decimal(text)
    return value is not None and value <= MAX_AMOUNT and value == value.quantize(Decimal("0.01"))


def plain_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


SPEC = RosterSpec(
    name="penalties", label="行政处罚", table="penalties", columns=COLUMNS, key=("decision_no",),
    resolve=_check_amounts, references=("uscc",),
)  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has none (1-31 + 3 months → 4-30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Publicity:
    """A decision's publicity, derived by the rules: the one computation that ``penalties list|show|due``,
    ``repair check|record`` and the risk model all read, so that they never disagree."""

    published: bool
    """Whether the decision is published at all."""
    reason: str
    """Why not, or which period applies."""
    publish_by: dt.date | None
    start: dt.date | None
    end: dt.date | None
    """Publicity ends by itself (总局令第45号第十四条)."""
    early_stop_from: dt.date | None
    """From when an early stop may be applied for (信用修复); None: never (short period, or 第十五条)."""
    short: bool = False
    """通报批评 or a low fine only: the short period."""
    lasting: bool = False
    """A penalty whose publicity may not be stopped early (责令停产停业, 吊销 …, 第十五条)."""
    gap: CalendarGap | None = None
    """The publication deadline needs a year the holiday calendar does not cover (``publish_by`` is None)."""

    @property
    def note(self) -> str:
        return "" if self.gap is None else self.gap.note


class Decision(Protocol):
    """What the publicity rules read of a decision (a stored Penalty, or a row read for classification)."""

    @property
    def kinds(self) -> str: ...
    @property
    def procedure(self) -> str: ...
    @property
    def decided_on(self) -> dt.date: ...
    @property
    def party_kind(self) -> str: ...
    @property
    def amount(self) -> str | None: ...
    @property
    def published_on(self) -> dt.date | None: ...
    @property
    def restriction_until(self) -> dt.date | None: ...


def publicity(
    p: Decision,
    rules: PenaltyPublicityRules,
    work: WorkCalendar,
    deadline: bool = True,
    start: dt.date | None = None,
) -> Publicity:
    """``deadline=False``: skip the publication deadline (working days), which needs the holiday calendar
    of the following weeks; the classification only needs the period. ``start``: count the period from
    this day instead of the 公示日期 (repair counts a decision not yet published from its date).

    A publication deadline in a year the calendar does not cover leaves ``publish_by`` empty and says so
    (``gap``): the periods, which count months, are still derived."""
    kinds = [k for k in p.kinds.split(";") if k]
    if p.procedure not in rules.published_procedures:
        return Publicity(False, f"{p.procedure}作出的处罚不公示", None, None, None, None)
    if kinds and set(kinds) <= set(rules.not_published_kinds):
        return Publicity(False, f"仅受{'、'.join(kinds)}的处罚不公示", None, None, None, None)
    publish_by, gap = None, None
    if deadline:
        try:
            publish_by = work.add_workdays(p.decided_on, rules.publish_within_workdays)
        except CalendarGap as missing:
            gap = missing
    threshold = rules.fine_threshold_person if p.party_kind == PERSON else rules.fine_threshold_organisation
    amount = plain_decimal(p.amount or "") or Decimal(0)
    short = bool(kinds) and all(k in rules.short_kinds or (k == FINE and amount < threshold) for k in kinds)
    lasting = bool(set(kinds) & set(rules.no_early_stop_kinds))
    reason = (
        f"通报批评或较低数额罚款（低于 {threshold} 元）：公示 {rules.short_months} 个月"
        if short
        else f"公示 {rules.long_years} 年（限制期更长的到限制期满）"
    )
    start = start or p.published_on
    if start is None:
        return Publicity(True, reason, publish_by, None, None, None, short, lasting, gap)
    if short:
        end = add_months(start, rules.short_months)
        return Publicity(True, reason, publish_by, start, end, None, short, lasting, gap)
    end = add_months(start, 12 * rules.long_years)
    if p.restriction_until is not None and p.restriction_until > end:
        end = p.restriction_until
    early = None if lasting else add_months(start, 12 * rules.minimum_years)
    return Publicity(True, reason, publish_by, start, end, early, short, lasting, gap)


def get_penalty(session: Session, decision_no: str) -> Penalty:
    from creditcli.rosters.codes import normalise

    for typed in dict.fromkeys((normalise(decision_no), decision_no.strip())):  # (stored before normalising)
        found = session.scalars(select(Penalty).where(Penalty.decision_no == typed)).one_or_none()
        if found is not None:
            return found
    raise InputMissingError(f"没有决定书文号为 {normalise(decision_no)} 的行政处罚")


LIST_COLUMNS = (
    ("decision_no", "决定书文号"),
    ("uscc", "统一社会信用代码"),
    ("decided_on", "处罚决定日期"),
    ("kinds", "处罚种类"),
    ("amount", "罚款金额"),
    ("procedure", "处罚程序"),
    ("published", "是否公示"),
    ("publish_by", "应公示日期"),
    ("published_on", "公示日期"),
    ("end", "公示截止"),
    ("early_stop_from", "可申请提前停止"),
    ("withdrawn_on", "撤下日期"),
    ("repair", "修复决定"),
    ("note", "备注"),
)


def _text(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def repairs(session: Session, decision_no: str | None = None) -> dict[str, Repair]:
    """The repair decisions that ended a penalty's publicity early, by decision number."""
    query = select(Repair).where(Repair.record_kind == "penalty")
    if decision_no is not None:
        query = query.where(Repair.record_ref == decision_no)
    return {r.record_ref: r for r in session.scalars(query)}


def repair_text(repair: Repair | None) -> str:
    """``修复1号（2026-06-10，济南市历下区市场监督管理局）``: the decision that withdrew the publicity early."""
    return "" if repair is None else f"{repair.decision_no}（{repair.decided_on.isoformat()}，{repair.unit}）"


@dataclass(frozen=True)
class Listing:
    table: Table
    gaps: list[CalendarGap]
    """Years the holiday calendar misses, that some rows needed (those rows are marked, the rest complete)."""


def _gaps(found: list[CalendarGap]) -> list[CalendarGap]:
    return list({g.note: g for g in found}.values())


def penalty_table(session: Session, rules: PenaltyPublicityRules, work: WorkCalendar, uscc: str | None) -> Listing:
    query = select(Penalty).order_by(Penalty.decided_on, Penalty.decision_no)
    if uscc:
        query = query.where(Penalty.uscc == uscc)
    repaired = repairs(session)
    rows, gaps = [], []
    for p in session.scalars(query):
        d = publicity(p, rules, work)
        if d.gap is not None:
            gaps.append(d.gap)
        rows.append(
            (p.decision_no, p.uscc, p.decided_on.isoformat(), p.kinds, p.amount or "", p.procedure, d.published,
             _text(d.publish_by), _text(p.published_on), _text(d.end), _text(d.early_stop_from),
             _text(p.withdrawn_on), repair_text(repaired.get(p.decision_no)), d.note)
        )  # fmt: skip
    names, labels = [k for k, _ in LIST_COLUMNS], [v for _, v in LIST_COLUMNS]
    return Listing(Table(names, labels, [rows], "creditcli.penalties/1", frozenset({"published"})), _gaps(gaps))


DUE_COLUMNS = (
    ("action", "应办事项"),
    ("decision_no", "决定书文号"),
    ("uscc", "统一社会信用代码"),
    ("date", "期限"),
    ("overdue", "逾期"),
    ("note", "备注"),
)
PUBLISH, WITHDRAW = "应公示", "应撤下"


def due_table(session: Session, rules: PenaltyPublicityRules, work: WorkCalendar, today: dt.date) -> Listing:
    """Publicity that must be published (by its 20th working day) or withdrawn (its period is over).

    A publication deadline the calendar cannot count is listed without its date (``备注`` says which year
    is missing): not overdue while that year has not begun, ``未知`` after."""
    rows, gaps = [], []
    query = select(Penalty).where(Penalty.withdrawn_on.is_(None)).order_by(Penalty.decided_on, Penalty.decision_no)
    for p in session.scalars(query):
        d = publicity(p, rules, work)
        if not d.published:
            continue
        if p.published_on is None and d.gap is not None:
            gaps.append(d.gap)
            late = "否" if d.gap.surely_after(today) else "未知"
            rows.append((PUBLISH, p.decision_no, p.uscc, "", late, d.note))
        elif p.published_on is None and d.publish_by is not None:
            rows.append((PUBLISH, p.decision_no, p.uscc, d.publish_by.isoformat(), _yes(today > d.publish_by), ""))
        elif d.end is not None and d.end <= today:
            rows.append((WITHDRAW, p.decision_no, p.uscc, d.end.isoformat(), _yes(today > d.end), ""))
    names, labels = [k for k, _ in DUE_COLUMNS], [v for _, v in DUE_COLUMNS]
    return Listing(Table(names, labels, [rows], "creditcli.penalties-due/1"), _gaps(gaps))


def _yes(flag: bool) -> str:
    return "是" if flag else "否"
