"""严重违法失信名单 and 经营异常名录 (domain.md §9): who listed an entity, on what ground, and its removal.

谁列入、谁管理、谁移出: only the listing unit removes. A removal the rules do not allow yet (the serious
list's early removal after one year) is refused with the date it becomes possible; the serious list's
automatic removal date is derived, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.credit.penalties import DECISION_NO, add_months
from creditcli.credit.rules import Rules
from creditcli.db.models import Entity, ListEntry
from creditcli.errors import InputMissingError, StateError, UsageError
from creditcli.io.columns import NAME_LEN, Column, check_typed
from creditcli.io.writers import Table
from creditcli.rosters import codes

SERIOUS, ABNORMAL = "严重违法失信名单", "经营异常名录"
KINDS = {"serious": SERIOUS, "abnormal": ABNORMAL}


@dataclass(frozen=True)
class Dates:
    removal_from: dt.date
    """The first day a removal may be decided (the listing day itself for the abnormal list)."""
    automatic: dt.date | None
    """When the entry leaves the list by itself (the serious list only)."""


class Listing(Protocol):
    @property
    def list_kind(self) -> str: ...
    @property
    def listed_on(self) -> dt.date: ...


def dates(entry: Listing, rules: Rules) -> Dates:
    if entry.list_kind == SERIOUS:
        s = rules.serious_list
        return Dates(
            add_months(entry.listed_on, 12 * s.early_removal_years),
            add_months(entry.listed_on, 12 * s.automatic_removal_years),
        )
    return Dates(entry.listed_on, None)


def in_roster(session: Session, uscc: str) -> bool:
    return session.scalar(select(Entity.id).where(Entity.uscc == uscc)) is not None


GROUND = Column("ground", "列入事由", max_len=NAME_LEN)
UNIT = Column("unit", "作出决定的单位", max_len=NAME_LEN)
REASON = Column("reason", "移出原因")


def _active(session: Session, kind: str, uscc: str) -> ListEntry | None:
    query = select(ListEntry).where(ListEntry.list_kind == kind, ListEntry.uscc == uscc, ListEntry.removed_on.is_(None))
    return session.scalars(query).first()


def add(
    session: Session,
    rules: Rules,
    kind: str,
    uscc: str,
    *,
    ground: str,
    decision_no: str,
    listed_on: dt.date,
    unit: str,
    now: dt.datetime | None = None,
    allow_unknown: bool = False,
) -> ListEntry:
    """List ``uscc``; an entity not in the roster only with ``allow_unknown`` (README: references)."""
    ground, decision_no, unit = check_typed(
        [(GROUND, "--ground", ground), (DECISION_NO, "--decision-no", decision_no), (UNIT, "--unit", unit)]
    )
    if not codes.valid(uscc):
        raise UsageError(f"统一社会信用代码 {uscc} 无效（长度、字符或校验位不符）")
    if not allow_unknown and not in_roster(session, uscc):
        raise InputMissingError(
            f"检查对象名录中没有统一社会信用代码为 {uscc} 的对象，未列入：请先导入检查对象名录；"
            "确认无误的，可加 --allow-unknown 列入"
        )
    if not ground.strip() or not decision_no.strip() or not unit.strip():
        raise UsageError("列入须写明事由（--ground）、决定书文号（--decision-no）和作出决定的单位（--unit）")
    if kind == ABNORMAL and ground.strip() not in rules.abnormal_list.grounds:
        raise UsageError(f"列入经营异常名录的事由应为：{'、'.join(rules.abnormal_list.grounds)}")
    existing = _active(session, kind, uscc)
    if existing is not None:
        raise StateError(
            f"{uscc} 已于 {existing.listed_on} 由{existing.unit}列入{kind}（{existing.decision_no}），尚未移出"
        )
    entry = ListEntry(
        list_kind=kind,
        uscc=uscc,
        ground=ground,
        decision_no=decision_no,
        listed_on=listed_on,
        unit=unit,
        operator=clock.operator(),
        recorded_at=now or clock.now(),
    )
    session.add(entry)
    session.flush()
    return entry


def remove(
    session: Session, rules: Rules, kind: str, uscc: str, *, reason: str, removed_on: dt.date, unit: str
) -> ListEntry:
    """Record the removal, or refuse it: not listed, another unit, or too early (with the date it may be)."""
    reason, unit = check_typed([(REASON, "--reason", reason), (UNIT, "--unit", unit)])
    entry = _active(session, kind, uscc)
    if entry is None:
        raise InputMissingError(f"{uscc} 不在{kind}中")
    if not reason.strip():
        raise UsageError("移出须写明原因（--reason）")
    if unit.strip() != entry.unit:
        raise StateError(f"{uscc} 由{entry.unit}列入{kind}，应由{entry.unit}移出（谁列入、谁移出）")
    allowed = dates(entry, rules).removal_from
    if removed_on < allowed:
        raise StateError(f"{uscc} 于 {entry.listed_on} 列入{kind}，{allowed} 起才可移出")
    entry.removed_on = removed_on
    entry.removal_reason = reason
    session.flush()
    return entry


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


COLUMNS = (
    ("list_kind", "名单"),
    ("uscc", "统一社会信用代码"),
    ("ground", "列入事由"),
    ("decision_no", "决定书文号"),
    ("listed_on", "列入日期"),
    ("unit", "作出决定的单位"),
    ("removal_from", "可移出日期"),
    ("automatic", "自动移出日期"),
    ("removed_on", "移出日期"),
    ("removal_reason", "移出原因"),
)


def list_table(session: Session, rules: Rules, kind: str | None, active_only: bool) -> Table:
    query = select(ListEntry).order_by(ListEntry.list_kind, ListEntry.listed_on, ListEntry.uscc)
    if kind is not None:
        query = query.where(ListEntry.list_kind == kind)
    if active_only:
        query = query.where(ListEntry.removed_on.is_(None))
    rows = []
    for e in session.scalars(query):
        d = dates(e, rules)
        listed = (e.list_kind, e.uscc, e.ground, e.decision_no, e.listed_on.isoformat(), e.unit)
        removal = (d.removal_from.isoformat(), _iso(d.automatic), _iso(e.removed_on), e.removal_reason or "")
        rows.append((*listed, *removal))
    return Table([k for k, _ in COLUMNS], [v for _, v in COLUMNS], [rows], "creditcli.lists/1")
