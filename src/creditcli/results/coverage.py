"""Coverage of a year's spot checks per credit-risk class and per station, against the annual minimum ratios.

Pool: the 存续 entities of today's roster. Drawn: distinct entities in the standing draws of the
tasks whose inspection window starts in the year. Inspected: those of them with at least one
result. Required: pool × the class's minimum ratio (the configured default ratios), rounded up;
a station's requirement is the sum over its classes. Reached: drawn ÷ required.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.models import Draw, DrawSelection, Result, Task
from creditcli.draw.terms import UNCLASSIFIED
from creditcli.io.writers import Table
from creditcli.rosters.terms import ACTIVE

CLASS, STATION = "分类", "监管所"


@dataclass
class CoverageRow:
    dimension: str
    group: str
    pool: int = 0
    drawn: int = 0
    inspected: int = 0
    required: int = 0
    results: Counter[str] = field(default_factory=Counter)

    @property
    def reached(self) -> float | None:
        return self.drawn / self.required if self.required else None


def coverage(session: Session, year: int, ratios: dict[str, Decimal]) -> list[CoverageRow]:
    pool = bulk.fetch_all(
        session,
        "SELECT coalesce(risk_class, ''), coalesce(station, ''), COUNT(*) FROM entities WHERE status = ? GROUP BY 1, 2",
        (ACTIVE,),
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    picks = session.execute(
        select(DrawSelection.uscc, DrawSelection.risk_class, Task.id)
        .join(Draw, Draw.id == DrawSelection.draw_id)
        .join(Task, Task.id == Draw.task_id)
        .where(Draw.superseded_at.is_(None), Task.window_start >= start, Task.window_start <= end)
    ).all()
    task_ids = {t for _, _, t in picks}
    results = (
        session.execute(
            select(Result.uscc, Result.result_code).where(Result.task_id.in_(task_ids), Result.withdrawn_at.is_(None))
        ).all()
        if task_ids
        else []
    )
    stations = dict(
        bulk.fetch_where_in(
            session, "SELECT uscc, coalesce(station, '') FROM entities", "uscc", sorted({u for u, _, _ in picks})
        )
    )
    rows: dict[tuple[str, str], CoverageRow] = {}

    def row(dimension: str, group: str) -> CoverageRow:
        return rows.setdefault((dimension, group), CoverageRow(dimension, group or "（未填）"))

    for klass, station, count in pool:
        need = math.ceil(count * ratios.get(klass, Decimal(0)))
        for r in (row(CLASS, klass or UNCLASSIFIED), row(STATION, station)):
            r.pool += count
            r.required += need
    drawn_class = {u: k for u, k, _ in picks}
    for uscc, klass in drawn_class.items():
        row(CLASS, klass or UNCLASSIFIED).drawn += 1
        row(STATION, stations.get(uscc, "")).drawn += 1
    inspected = {u for u, _ in results if u in drawn_class}
    for uscc in inspected:
        row(CLASS, drawn_class[uscc] or UNCLASSIFIED).inspected += 1
        row(STATION, stations.get(uscc, "")).inspected += 1
    for uscc, code in results:
        if uscc in drawn_class:
            row(CLASS, drawn_class[uscc] or UNCLASSIFIED).results[code] += 1
            row(STATION, stations.get(uscc, "")).results[code] += 1
    return sorted(rows.values(), key=lambda r: (r.dimension != CLASS, r.group))


COLUMNS = (
    ("dimension", "维度"),
    ("group", "分类/监管所"),
    ("pool", "名录户数（存续）"),
    ("drawn", "已抽取"),
    ("inspected", "已检查"),
    ("required", "年度最低抽查户数"),
    ("reached", "完成比例"),
    ("results", "检查结果（代码×户次）"),
)


def _bar(share: float | None, width: int = 10) -> str:
    if share is None:
        return ""
    filled = min(width, round(share * width))
    return "█" * filled + "░" * (width - filled)


def coverage_table(rows: list[CoverageRow], bars: bool = False) -> Table:
    """Machine output keeps ``reached`` as a number with 4 decimals; the terminal adds a bar."""
    names = [k for k, _ in COLUMNS] + (["bar"] if bars else [])
    labels = [v for _, v in COLUMNS] + (["进度"] if bars else [])
    values = []
    for r in rows:
        reached = r.reached
        shown = "" if reached is None else (f"{reached:.0%}" if bars else f"{reached:.4f}")
        results = "；".join(f"{code}×{n}" for code, n in sorted(r.results.items()))
        line = [r.dimension, r.group, r.pool, r.drawn, r.inspected, r.required, shown, results]
        values.append(tuple(line + ([_bar(reached)] if bars else [])))
    return Table(names, labels, [values], "creditcli.coverage/1")
