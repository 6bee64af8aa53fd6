"""Use cases of the bureau's credit tools: penalty publicity, the two lists, credit repair, risk classification.

Rules (``rules_file``) and the holiday calendar (``calendar_file``, or a file given for one call) come
from the store's settings; penalties and scores are imported through ``actions.rosters.import_file``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.actions.store import Store, Unit, write_use_case

if TYPE_CHECKING:
    from creditcli.credit.classify import RunSummary
    from creditcli.credit.lists import Dates
    from creditcli.credit.penalties import Listing, Publicity
    from creditcli.credit.repair import Negative
    from creditcli.credit.riskviews import Report
    from creditcli.credit.rules import Rules
    from creditcli.io.writers import Table
    from creditcli.workdays import WorkCalendar

AS_OF_FIRST = dt.date(2000, 1, 1)
"""The earliest classification day: a model counts months back from it (year 1 minus 24 months is no date)."""


def _rules(store: Store) -> Rules:
    from creditcli.credit.rules import load_rules

    return load_rules(store.settings.rules_file)


def _calendar(store: Store, calendar: Path | None) -> WorkCalendar:
    from creditcli.workdays import load_calendar

    return load_calendar(calendar or store.settings.calendar_file)


# 行政处罚信息公示 -------------------------------------------------------------------------------


@contextmanager
def penalties(store: Store, uscc: str | None = None, calendar: Path | None = None) -> Iterator[Listing]:
    """Every decision (or one entity's) with its publicity dates derived by the rules, its 撤下日期 and the
    repair decision that withdrew it early; a date the holiday calendar cannot count marks that decision only."""
    from creditcli.credit.penalties import penalty_table
    from creditcli.rosters.codes import normalise

    rules, work = _rules(store).penalty_publicity, _calendar(store, calendar)
    with store.reading() as session:
        yield penalty_table(session, rules, work, normalise(uscc) if uscc else None)


@dataclass(frozen=True)
class PenaltyDetail:
    decision_no: str
    uscc: str
    decided_on: dt.date
    kinds: str
    amount: str
    procedure: str
    publicity: Publicity
    withdrawn_on: dt.date | None
    repair: str
    """The repair decision that withdrew the publicity early (``修复1号（2026-06-10，单位）``), or ""."""


def penalty(store: Store, decision_no: str, calendar: Path | None = None) -> PenaltyDetail:
    from creditcli.credit.penalties import get_penalty, publicity, repair_text, repairs

    rules, work = _rules(store).penalty_publicity, _calendar(store, calendar)
    with store.reading() as session:
        p = get_penalty(session, decision_no)
        derived = publicity(p, rules, work)
        repair = repair_text(repairs(session, p.decision_no).get(p.decision_no))
        return PenaltyDetail(
            p.decision_no, p.uscc, p.decided_on, p.kinds, p.amount or "", p.procedure, derived, p.withdrawn_on, repair
        )


@contextmanager
def penalties_due(store: Store, today: dt.date, calendar: Path | None = None) -> Iterator[Listing]:
    """Decisions to publish (20 working days) and publicity to withdraw, as of ``today``."""
    from creditcli.credit.penalties import due_table

    rules, work = _rules(store).penalty_publicity, _calendar(store, calendar)
    with store.reading() as session:
        yield due_table(session, rules, work, today)


# 严重违法失信名单、经营异常名录 ------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    list_kind: str
    uscc: str
    dates: Dates
    in_roster: bool
    """False: listed with ``allow_unknown`` although the entity is not in the roster (the CLI warns)."""


@write_use_case("lists add")
def list_add(
    unit: Unit,
    which: str,
    uscc: str,
    ground: str,
    decision_no: str,
    listed_on: dt.date,
    by: str,
    allow_unknown: bool = False,
) -> Listed:
    """谁列入: ``by`` (the deciding unit) lists ``uscc`` on ``which`` (serious / abnormal)."""
    from creditcli.audit import Change
    from creditcli.credit import lists
    from creditcli.rosters.codes import normalise

    rules = _rules(unit.store)
    code = normalise(uscc)
    known = lists.in_roster(unit.session, code)
    entry = lists.add(
        unit.session, rules, lists.KINDS[which], code, ground=ground, decision_no=decision_no,
        listed_on=listed_on, unit=by, allow_unknown=allow_unknown,
    )  # fmt: skip
    unit.record(Change({"listed": 1}))
    return Listed(entry.list_kind, entry.uscc, lists.dates(entry, rules), known)


@dataclass(frozen=True)
class Removed:
    list_kind: str
    uscc: str
    removed_on: dt.date


@write_use_case("lists remove")
def list_remove(unit: Unit, which: str, uscc: str, reason: str, removed_on: dt.date, by: str) -> Removed:
    """谁列入、谁移出: refused for another unit, or before the rules allow it (with the date it may be)."""
    from creditcli.audit import Change
    from creditcli.credit import lists
    from creditcli.rosters.codes import normalise

    entry = lists.remove(
        unit.session, _rules(unit.store), lists.KINDS[which], normalise(uscc),
        reason=reason, removed_on=removed_on, unit=by,
    )  # fmt: skip
    unit.record(Change({"removed": 1}))
    return Removed(entry.list_kind, entry.uscc, removed_on)


@contextmanager
def list_entries(store: Store, which: str | None = None, active_only: bool = False) -> Iterator[Table]:
    from creditcli.credit import lists

    rules = _rules(store)
    with store.reading() as session:
        yield lists.list_table(session, rules, None if which is None else lists.KINDS[which], active_only)


# 信用修复 --------------------------------------------------------------------------------------


def negatives(store: Store, uscc: str, calendar: Path | None = None) -> list[Negative]:
    """Every negative record of an entity with its tier, the day an application is possible, what is unmet."""
    from creditcli.credit import repair
    from creditcli.rosters.codes import normalise

    rules, work = _rules(store), _calendar(store, calendar)
    with store.reading() as session:
        return repair.negatives(session, rules, work, normalise(uscc))


@write_use_case("repair record")
def repair(
    unit: Unit,
    uscc: str,
    kind: str,
    ref: str,
    decided_on: dt.date,
    decision_no: str,
    by: str,
    calendar: Path | None = None,
) -> Negative:
    """谁认定、谁修复: record a repair decision and end the record's publicity early, or refuse with why."""
    from creditcli.audit import Change
    from creditcli.credit import repair as rules_of_repair
    from creditcli.rosters.codes import normalise

    done = rules_of_repair.record(
        unit.session, _rules(unit.store), _calendar(unit.store, calendar), normalise(uscc), kind, ref.strip(),
        decided_on=decided_on, decision_no=decision_no, unit=by,
    )  # fmt: skip
    unit.record(Change({"repaired": 1}))
    return done


# 信用风险分类 ----------------------------------------------------------------------------------


def classify(
    store: Store, as_of: dt.date, *, model: Path | None = None, dry_run: bool = False, calendar: Path | None = None
) -> RunSummary:
    """Classify every entity with the bureau's model (default: the shipped one) as of ``as_of``; a dry run
    computes and writes nothing (no lock, no audit entry)."""
    from creditcli.credit import classify as engine
    from creditcli.credit.riskmodel import load_model
    from creditcli.errors import UsageError

    if as_of < AS_OF_FIRST:
        raise UsageError(f"--as-of {as_of} 早于 {AS_OF_FIRST}：分类基准日不能早于 {AS_OF_FIRST}")
    loaded = load_model(model, store.settings.risk_classes)
    if dry_run:
        with store.reading() as session:
            return engine.run(session, loaded, _rules(store), _calendar(store, calendar), as_of, dry_run=True)
    return _classify(store, as_of, model, calendar)


@write_use_case("risk classify")
def _classify(unit: Unit, as_of: dt.date, model: Path | None, calendar: Path | None) -> RunSummary:
    from creditcli.audit import Change
    from creditcli.credit import classify as engine
    from creditcli.credit.riskmodel import load_model

    loaded = load_model(model, unit.store.settings.risk_classes)
    summary = engine.run(unit.session, loaded, _rules(unit.store), _calendar(unit.store, calendar), as_of)
    if summary.noop:
        unit.unchanged()
    else:
        unit.record(
            Change({"entities": summary.entities, "new": summary.new, "changed": summary.changed}, loaded.sha256)
        )
    return summary


def explain(store: Store, uscc: str, model: str | None = None) -> dict[str, Any]:
    """Why an entity is in its class: every model's scores, indicator values, direct rules."""
    from creditcli.credit import riskviews

    with store.reading() as session:
        return riskviews.explain(session, uscc, model)


def report(store: Store, model: str | None = None) -> Report:
    """The newest run's classes per station, and the change since the model's previous run."""
    from creditcli.credit import riskviews

    with store.reading() as session:
        return riskviews.report(session, store.settings.risk_classes, model)
