"""行政处罚信息公示 (总局令第45号, domain.md §9): decisions are imported like a roster; whether each is
published, when publication is due, when its publicity ends and from when an early stop may be applied
for are derived from the rules file, never stored, so a changed rule applies to every decision at once."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.credit.rules import MAX_AMOUNT, PenaltyPublicityRules
from creditcli.db.models import Penalty
from creditcli.errors import InputMissingError
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.dates import RECORDED, DateBounds
from creditcli.io.numbers import PLAIN_TEXT, NumberRule
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.workdays import WorkCalendar

ORGANISATION, PERSON = "法人及其他组织", "自然人"
ORDINARY, SUMMARY = "普通程序", "简易程序"
FINE = "罚款"

AMOUNT = NumberRule(
    Decimal(MAX_AMOUNT), 2, f"应为以元计的金额：0 到 {MAX_AMOUNT} 元，最多两位小数，{PLAIN_TEXT}，如 5000 或 5000.00"
)


DECISION_NO = Column(
    "decision_no", "决定书文号", ("行政处罚决定书文号", "处罚决定书文号", "文号"), Kind.CODE, required=True, max_len=128
)
"""Every decision number (处罚、列入、修复决定书文号), in a file or typed on the command line: one rule."""

COLUMNS = ColumnSet(
    (
        DECISION_NO,
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
        Column("amount", "罚款金额", ("罚款金额（元）", "罚款数额"), Kind.NUMBER, max_len=32, number=AMOUNT),
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


def plain_decimal(text: str) -> Decimal | None:
    """A stored amount or score as a number (one stored before the plain-digits rule may hold a
    thousands separator or an exponent)."""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


SPEC = RosterSpec(
    name="penalties", label="行政处罚", table="penalties", columns=COLUMNS, key=("decision_no",),
    references=("uscc",),
)  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has none (1-31 + 3 months → 4-30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Publicity:
    published: bool
    """Whether the decision is published at all."""
    reason: str
    """Why not, or which period applies."""
    publish_by: dt.date | None
    start: dt.date | None
    end: dt.date | None
    early_stop_from: dt.date | None
    short: bool = False
    """通报批评 or a low fine only: the short period."""


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


def publicity(p: Decision, rules: PenaltyPublicityRules, work: WorkCalendar, deadline: bool = True) -> Publicity:
    """``deadline=False``: skip the publication deadline (working days), which needs the holiday calendar
    of the following weeks; the classification only needs the period."""
    kinds = [k for k in p.kinds.split(";") if k]
    if p.procedure not in rules.published_procedures:
        return Publicity(False, f"{p.procedure}作出的处罚不公示", None, None, None, None)
    if kinds and set(kinds) <= set(rules.not_published_kinds):
        return Publicity(False, f"仅受{'、'.join(kinds)}的处罚不公示", None, None, None, None)
    publish_by = work.add_workdays(p.decided_on, rules.publish_within_workdays) if deadline else None
    threshold = rules.fine_threshold_person if p.party_kind == PERSON else rules.fine_threshold_organisation
    amount = plain_decimal(p.amount or "") or Decimal(0)
    short = bool(kinds) and all(k in rules.short_kinds or (k == FINE and amount < threshold) for k in kinds)
    reason = (
        f"通报批评或较低数额罚款（低于 {threshold} 元）：公示 {rules.short_months} 个月"
        if short
        else f"公示 {rules.long_years} 年（限制期更长的到限制期满）"
    )
    start = p.published_on
    if start is None:
        return Publicity(True, reason, publish_by, None, None, None, short)
    if short:
        return Publicity(True, reason, publish_by, start, add_months(start, rules.short_months), None, short)
    end = add_months(start, 12 * rules.long_years)
    if p.restriction_until is not None and p.restriction_until > end:
        end = p.restriction_until
    early = None if set(kinds) & set(rules.no_early_stop_kinds) else add_months(start, 12 * rules.minimum_years)
    return Publicity(True, reason, publish_by, start, end, early)


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
)


def _text(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def penalty_table(session: Session, rules: PenaltyPublicityRules, work: WorkCalendar, uscc: str | None) -> Table:
    query = select(Penalty).order_by(Penalty.decided_on, Penalty.decision_no)
    if uscc:
        query = query.where(Penalty.uscc == uscc)
    rows = []
    for p in session.scalars(query):
        d = publicity(p, rules, work)
        rows.append(
            (p.decision_no, p.uscc, p.decided_on.isoformat(), p.kinds, p.amount or "", p.procedure, d.published,
             _text(d.publish_by), _text(p.published_on), _text(d.end), _text(d.early_stop_from))
        )  # fmt: skip
    names, labels = [k for k, _ in LIST_COLUMNS], [v for _, v in LIST_COLUMNS]
    return Table(names, labels, [rows], "creditcli.penalties/1", frozenset({"published"}))


DUE_COLUMNS = (
    ("action", "应办事项"),
    ("decision_no", "决定书文号"),
    ("uscc", "统一社会信用代码"),
    ("date", "期限"),
    ("overdue", "逾期"),
)
PUBLISH, WITHDRAW = "应公示", "应撤下"


def due_table(session: Session, rules: PenaltyPublicityRules, work: WorkCalendar, today: dt.date) -> Table:
    """Publicity that must be published (by its 20th working day) or withdrawn (its period is over)."""
    rows = []
    query = select(Penalty).where(Penalty.withdrawn_on.is_(None)).order_by(Penalty.decided_on, Penalty.decision_no)
    for p in session.scalars(query):
        d = publicity(p, rules, work)
        if not d.published:
            continue
        if p.published_on is None and d.publish_by is not None:
            rows.append((PUBLISH, p.decision_no, p.uscc, d.publish_by.isoformat(), today > d.publish_by))
        elif d.end is not None and d.end <= today:
            rows.append((WITHDRAW, p.decision_no, p.uscc, d.end.isoformat(), today > d.end))
    names, labels = [k for k, _ in DUE_COLUMNS], [v for _, v in DUE_COLUMNS]
    return Table(names, labels, [rows], "creditcli.penalties-due/1", frozenset({"overdue"}))
