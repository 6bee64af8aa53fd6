"""信用风险分类 by the bureau's own model (domain.md §3, §9; docs/risk.md).

Every entity gets a class from the general model, overridden within a professional model's field;
only information still in its period of effect on the as-of date counts. The work is vectorised
over the whole roster (1M entities), and a run that would change nothing writes nothing: the
indicator values are part of what is compared, so the same data and model always give the same rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.credit import lists
from creditcli.credit.penalties import add_months, publicity
from creditcli.credit.riskmodel import Indicator, LoadedModel, RiskModel, Scoring
from creditcli.credit.rules import Rules
from creditcli.db import adbc, bulk
from creditcli.db.models import ExternalScore, ListEntry, Penalty, Repair, RiskRun
from creditcli.db.sql import idents
from creditcli.parallel import gc_paused
from creditcli.workdays import WorkCalendar

UNSET_STATION = "（未填管辖单位）"
GENERAL = "general"


@dataclass
class Roster:
    """The entities as arrays, ordered by id; other tables are joined to it by entity id."""

    ids: np.ndarray
    station: np.ndarray
    """Code per entity into ``stations``."""
    stations: list[str]
    entity_type: np.ndarray
    established: np.ndarray
    """datetime64[D], NaT when unknown."""
    tags: np.ndarray
    """Code per entity into ``tag_sets``."""
    tag_sets: list[frozenset[str]]

    def positions(self, entity_ids: Sequence[int]) -> np.ndarray:
        return np.searchsorted(self.ids, np.array(entity_ids, dtype=np.int64))

    def has_tag(self, tags: Sequence[str]) -> np.ndarray:
        """Whether each entity carries one of ``tags`` (decided once per distinct tag set)."""
        wanted = set(tags)
        per_set = np.array([bool(t & wanted) for t in self.tag_sets], dtype=bool)
        return per_set[self.tags] if len(per_set) else np.zeros(len(self.ids), dtype=bool)


def _factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return codes.astype(np.int64), list(uniques)


def load_roster(session: Session, with_type: bool) -> Roster:
    """Only the columns indicators read, each distinct text kept once (1M rows: seconds, not minutes)."""
    columns = ["id", "station", "established", "tags", *(["entity_type"] if with_type else [])]
    with gc_paused():
        rows = bulk.fetch_all(session, f"SELECT {idents(columns)} FROM entities ORDER BY id")
        n = len(rows)
        cols = list(zip(*rows, strict=True)) if rows else [()] * (5 if with_type else 4)
        del rows
    station, stations = _factorize(cols[1])
    tags, tag_texts = _factorize(cols[3])
    established = (
        np.array([str(e) if e else "NaT" for e in cols[2]], dtype="datetime64[D]")
        if n
        else np.array([], dtype="datetime64[D]")
    )
    return Roster(
        np.array(cols[0], dtype=np.int64),
        station,
        [s if isinstance(s, str) and s else UNSET_STATION for s in stations],
        np.array(cols[4], dtype=object) if with_type else np.array([], dtype=object),
        established,
        tags,
        [frozenset(t for t in text.split(";") if t) if isinstance(text, str) else frozenset() for text in tag_texts],
    )


@dataclass(frozen=True)
class Facts:
    """What the indicators read, gathered once per run for the as-of date."""

    penalties: list[tuple[int, frozenset[str]]]
    """(entity id, 处罚种类) of each decision in its period of effect."""
    listed: dict[str, list[tuple[int, str]]]
    """list kind → (entity id, ground) of each entry standing on the as-of date."""
    results: list[tuple[int, str, dt.date]]
    """(entity id, result code, checked on) of each negative result not repaired by then."""
    negative_codes: frozenset[str]
    scores: dict[str, list[tuple[int, float]]]


def gather(
    session: Session, roster: Roster, rules: Rules, work: WorkCalendar, as_of: dt.date, score_names: set[str]
) -> Facts:
    from creditcli.db.models import Entity, Result, ResultCode, Task

    in_effect: list[tuple[int, frozenset[str]]] = []
    columns = [getattr(Penalty, c) for c in _PENALTY_FIELDS]
    query_p = select(Entity.id, *columns).join(Entity, Entity.uscc == Penalty.uscc).where(Penalty.decided_on <= as_of)
    for entity_id, *values in session.execute(query_p):
        p = _Decision(*values)
        if p.withdrawn_on is not None and p.withdrawn_on <= as_of:
            continue
        if p.published_on is None:  # not published yet: its period of effect runs from the decision
            p = p._replace(published_on=p.decided_on)
        d = publicity(p, rules.penalty_publicity, work, deadline=False)
        if d.published and d.start is not None and d.end is not None and d.start <= as_of < d.end:
            in_effect.append((int(entity_id), frozenset(k for k in p.kinds.split(";") if k)))
    listed: dict[str, list[tuple[int, str]]] = {lists.SERIOUS: [], lists.ABNORMAL: []}
    query_l = (
        select(Entity.id, ListEntry.list_kind, ListEntry.listed_on, ListEntry.removed_on, ListEntry.ground)
        .join(Entity, Entity.uscc == ListEntry.uscc)
        .where(ListEntry.listed_on <= as_of)
    )
    for entity_id, kind, listed_on, removed_on, ground in session.execute(query_l):
        automatic = lists.dates(_Listing(kind, listed_on), rules).automatic
        gone = (removed_on is not None and removed_on <= as_of) or (automatic is not None and automatic <= as_of)
        if not gone:
            listed.setdefault(kind, []).append((int(entity_id), ground))
    negative = frozenset(c for c, neg in session.execute(select(ResultCode.code, ResultCode.negative)) if neg)
    repairs = select(Repair.record_ref).where(Repair.record_kind == "result", Repair.decided_on <= as_of)
    repaired = {ref for (ref,) in session.execute(repairs)}
    results = []
    query_r = (
        select(Entity.id, Result.result_code, Result.checked_on, Result.item_code, Task.code)
        .join(Task, Task.id == Result.task_id)
        .join(Entity, Entity.uscc == Result.uscc)
        .where(Result.withdrawn_at.is_(None))  # a withdrawn result was never a finding
    )
    for entity_id, code, checked, item, task in session.execute(query_r.where(Result.checked_on <= as_of)):
        if f"{task}/{item or '-'}/{code}" not in repaired:
            results.append((int(entity_id), str(code), checked))
    scores: dict[str, list[tuple[int, float]]] = {name: [] for name in score_names}
    if score_names:
        query_s = (
            select(Entity.id, ExternalScore.name, ExternalScore.value, ExternalScore.scored_on)
            .join(Entity, Entity.uscc == ExternalScore.uscc)
            .where(ExternalScore.name.in_(sorted(score_names)))
        )
        for entity_id, name, value, scored_on in session.execute(query_s):
            if scored_on is None or scored_on <= as_of:
                scores[name].append((int(entity_id), float(value)))
    return Facts(in_effect, listed, results, negative, scores)


class _Decision(NamedTuple):
    kinds: str
    procedure: str
    decided_on: dt.date
    party_kind: str
    amount: str | None
    published_on: dt.date | None
    restriction_until: dt.date | None
    withdrawn_on: dt.date | None


_PENALTY_FIELDS = _Decision._fields


class _Listing(NamedTuple):
    list_kind: str
    listed_on: dt.date


def indicator_values(ind: Indicator, roster: Roster, facts: Facts, as_of: dt.date) -> np.ndarray:
    """One float per entity (NaN: unknown)."""
    n = len(roster.ids)
    out = np.zeros(n, dtype=np.float64)
    if ind.source == "penalties":
        wanted = set(ind.kinds)
        hits = [p for p, kinds in facts.penalties if not wanted or kinds & wanted]
        np.add.at(out, roster.positions(hits), 1)
    elif ind.source in ("serious_list", "abnormal_list"):
        kind = lists.SERIOUS if ind.source == "serious_list" else lists.ABNORMAL
        hits = [
            p for p, ground in facts.listed.get(kind, []) if not ind.grounds or any(g in ground for g in ind.grounds)
        ]
        out[roster.positions(hits)] = 1
    elif ind.source == "negative_results":
        codes = set(ind.codes) if ind.codes else facts.negative_codes
        since = add_months(as_of, -(ind.months or 0))
        hits = [p for p, code, checked in facts.results if code in codes and checked > since]
        np.add.at(out, roster.positions(hits), 1)
    elif ind.source == "registration_age":
        out = _completed_years(roster.established, as_of)
    elif ind.source == "entity_type":
        out = np.isin(roster.entity_type, ind.values).astype(np.float64)
    elif ind.source == "tag":
        out = roster.has_tag([ind.tag or ""]).astype(np.float64)
    elif ind.source == "external_score":
        out[:] = np.nan
        pairs = facts.scores.get(ind.score or "", [])
        if pairs:
            where, values = zip(*pairs, strict=True)
            out[roster.positions(where)] = values
    return out


def _completed_years(established: np.ndarray, as_of: dt.date) -> np.ndarray:
    """满 N 年: whole years completed on ``as_of`` (NaN when the date is unknown; 0 for future dates)."""
    known = ~np.isnat(established)
    years = established.astype("datetime64[Y]").astype(np.int64) + 1970
    months = established.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (established - established.astype("datetime64[M]")).astype(np.int64) + 1
    before = (months > as_of.month) | ((months == as_of.month) & (days > as_of.day))
    age = (as_of.year - years - before).astype(np.float64)
    return np.where(known, np.maximum(age, 0), np.nan)


def indicator_points(ind: Indicator, values: np.ndarray) -> np.ndarray:
    unknown = np.isnan(values)
    safe = np.where(unknown, 0, values)
    if ind.points is not None:
        points = safe * ind.points
        if ind.max_points is not None:
            points = np.minimum(points, ind.max_points)
    else:
        points = np.zeros(len(values))
        decided = np.zeros(len(values), dtype=bool)
        for step in ind.steps:
            hit = ~decided & ((safe < step.below) if step.below is not None else (safe >= (step.at_least or 0)))
            points = np.where(hit, step.points, points)
            decided |= hit
    return np.round(np.where(unknown, ind.missing_points, points), 6)


def bands(scoring: Scoring, scores: np.ndarray) -> np.ndarray:
    """Class index per score: the highest band reached (below the first band: the first class)."""
    lows = np.array(list(scoring.bands.values()))
    return np.maximum(np.searchsorted(lows, scores, side="right") - 1, 0)


@dataclass
class Scored:
    """One scoring (general or professional) over the entities it applies to."""

    name: str
    applies: np.ndarray
    values: list[np.ndarray]
    points: list[np.ndarray]
    score: np.ndarray
    klass: np.ndarray
    """Index into the class set."""
    direct: np.ndarray
    """Index of the direct rule that decided (-1: the score did)."""


def score(scoring: Scoring, name: str, applies: np.ndarray, roster: Roster, facts: Facts, as_of: dt.date,
          classes: Sequence[str]) -> Scored:  # fmt: skip
    values = [indicator_values(i, roster, facts, as_of) for i in scoring.indicators]
    points = [indicator_points(i, v) for i, v in zip(scoring.indicators, values, strict=True)]
    total = np.round(np.sum(points, axis=0), 6) if points else np.zeros(len(roster.ids))
    klass = bands(scoring, total)
    direct = np.full(len(roster.ids), -1, dtype=np.int64)
    ids = [i.id for i in scoring.indicators]
    for r, rule in enumerate(scoring.direct):
        hit = values[ids.index(rule.when)] >= rule.at_least  # NaN compares False
        target = classes.index(rule.risk_class)
        # Several rules: the first that holds sets the class, a later one only raises it.
        first = hit & (direct < 0)
        higher = hit & (direct >= 0) & (target > klass)
        klass = np.where(first | higher, target, klass)
        direct = np.where(first | higher, r, direct)
    return Scored(name, applies, values, points, total, klass, direct)


@dataclass
class Outcome:
    """The classification of the whole roster by one model on one date."""

    classes: np.ndarray
    """Class letter per entity (object array)."""
    details: np.ndarray
    """Canonical JSON per entity: why it is in its class (docs/risk.md)."""
    decided_by: np.ndarray


def classify(model: RiskModel, roster: Roster, facts: Facts, as_of: dt.date) -> Outcome:
    classes = model.model.classes
    n = len(roster.ids)
    everyone = np.ones(n, dtype=bool)
    scored = [score(model.general, GENERAL, everyone, roster, facts, as_of, classes)]
    for prof in model.professional:
        applies = roster.has_tag(prof.tags)
        scored.append(score(prof, prof.name, applies, roster, facts, as_of, classes))
    final = scored[0].klass.copy()
    by = np.zeros(n, dtype=np.int64)
    for s, sc in enumerate(scored[1:], start=1):
        # Within its field a professional model replaces the general class; where fields overlap,
        # the highest-risk professional class stands (the first model in the file on a tie).
        first = sc.applies & (by == 0)
        higher = sc.applies & (by > 0) & (sc.klass > final)
        final = np.where(first | higher, sc.klass, final)
        by = np.where(first | higher, s, by)
    letters = np.array(classes, dtype=object)[final]
    return Outcome(letters, _details(model, scored, by, final), by)


def _details(model: RiskModel, scored: list[Scored], by: np.ndarray, final: np.ndarray) -> np.ndarray:
    """One JSON text per entity, built once per distinct combination (most entities share one).

    Entities with the same indicator values in the same scorings have the same points, scores and
    class, so the values alone (with where each scoring applies) identify a text.
    """
    import pandas as pd

    n = len(by)
    key = np.zeros(n, dtype=np.int64)
    for column in [sc.applies for sc in scored[1:]] + [v for sc in scored for v in sc.values]:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        key = key * len(uniques) + codes
        key, _ = pd.factorize(key)  # renumbered densely: never overflows
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    texts = np.array([_detail_text(model, scored, by, final, int(i)) for i in first], dtype=object)
    return texts[inverse.ravel()] if n else np.array([], dtype=object)


def _number(value: float) -> float | int | None:
    if np.isnan(value):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _detail_text(model: RiskModel, scored: list[Scored], by: np.ndarray, final: np.ndarray, i: int) -> str:
    scorings = dict(model.scorings())
    out: dict[str, Any] = {"by": scored[int(by[i])].name, "class": model.model.classes[int(final[i])], "scores": {}}
    for sc in scored:
        if not sc.applies[i]:
            continue
        scoring = scorings[sc.name]
        entry: dict[str, Any] = {"score": _number(sc.score[i]), "indicators": {}}
        if sc.direct[i] >= 0:
            entry["direct"] = scoring.direct[int(sc.direct[i])].id
        for ind, values, points in zip(scoring.indicators, sc.values, sc.points, strict=True):
            value, point = values[i], points[i]
            if point != 0 or np.isnan(value) or value != 0:
                entry["indicators"][ind.id] = [_number(value), _number(point)]
        out["scores"][sc.name] = entry
    return json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class RunSummary:
    model: str
    version: str
    as_of: dt.date
    entities: int
    new: int
    changed: int
    """Entities whose class moved."""
    refreshed: int
    """Entities whose class stayed but whose indicator values changed."""
    distribution: dict[str, dict[str, int]]
    by_model: dict[str, int]
    dry_run: bool
    run_id: int | None = None
    noop: bool = False
    moves: dict[str, int] = field(default_factory=dict)
    """"B→C": how many entities moved so."""


def run(
    session: Session,
    loaded: LoadedModel,
    rules: Rules,
    work: WorkCalendar,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> RunSummary:
    """Classify every entity and store what changed (nothing on a dry run or an identical re-run)."""
    now = now or clock.now()
    model = loaded.model
    name = model.model.name
    sources = {i.source for _, sc in model.scorings() for i in sc.indicators}
    roster = load_roster(session, "entity_type" in sources)
    names = {i.score for _, sc in model.scorings() for i in sc.indicators if i.score}
    facts = gather(session, roster, rules, work, as_of, names)
    outcome = classify(model, roster, facts, as_of)
    known, old_class, old_details = _current(session, name, roster)
    new = ~known
    moved = known & (old_class != outcome.classes)
    refreshed = known & ~moved & (old_details != outcome.details)
    distribution = _distribution(roster, outcome.classes)
    moves: dict[str, int] = {}
    if moved.any():
        pairs, counts = np.unique(
            np.char.add(np.char.add(old_class[moved].astype(str), "→"), outcome.classes[moved].astype(str)),
            return_counts=True,
        )
        moves = {str(k): int(v) for k, v in zip(pairs, counts, strict=True)}
    by_model = {
        sc_name: int(np.count_nonzero(outcome.decided_by == i)) for i, (sc_name, _) in enumerate(model.scorings())
    }
    summary = RunSummary(name, model.model.version, as_of, len(roster.ids), int(new.sum()), int(moved.sum()),
                         int(refreshed.sum()), distribution, by_model, dry_run, moves=moves)  # fmt: skip
    if dry_run:
        return summary
    last = session.scalars(select(RiskRun).where(RiskRun.model == name).order_by(RiskRun.id.desc())).first()
    unchanged = not (new.any() or moved.any() or refreshed.any())
    if unchanged and last is not None and (last.model_sha256, last.as_of) == (loaded.sha256, as_of):
        return dataclasses.replace(summary, noop=True, run_id=last.id)
    record = RiskRun(
        model=name, version=model.model.version, model_sha256=loaded.sha256, model_text=loaded.text, as_of=as_of,
        entities=len(roster.ids), changed=int(new.sum() + moved.sum()),
        distribution=json.dumps(distribution, ensure_ascii=False, sort_keys=True), operator=clock.operator(),
        run_at=now,
    )  # fmt: skip
    session.add(record)
    session.flush()
    _store(session, record, model, roster, outcome, new, moved, refreshed, now)
    return dataclasses.replace(summary, run_id=record.id)


def _current(session: Session, name: str, roster: Roster) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored classes and details of this model aligned with the roster (known: a row exists)."""
    import pandas as pd

    n = len(roster.ids)
    known = np.zeros(n, dtype=bool)
    klass = np.full(n, "", dtype=object)
    details = np.full(n, "", dtype=object)
    sql = "SELECT entity_id, details FROM model_classes WHERE model = ? ORDER BY entity_id"
    with gc_paused():
        rows = bulk.fetch_all(session, sql, [name])
        if rows:
            entity_ids, texts = zip(*rows, strict=True)
            del rows
            at = roster.positions(entity_ids)
            known[at] = True
            codes, uniques = pd.factorize(np.array(texts, dtype=object))
            details[at] = np.asarray(uniques, dtype=object)[codes]
            # The class is inside the details: read once per distinct text.
            klass[at] = np.array([json.loads(t)["class"] for t in uniques], dtype=object)[codes]
    return known, klass, details


def _distribution(roster: Roster, classes: np.ndarray) -> dict[str, dict[str, int]]:
    letters, codes = np.unique(classes.astype(str), return_inverse=True)
    counts = np.bincount(roster.station * len(letters) + codes.ravel(), minlength=len(roster.stations) * len(letters))
    out: dict[str, dict[str, int]] = {}
    for i, count in enumerate(counts.tolist()):
        if count:
            station, letter = roster.stations[i // len(letters)], str(letters[i % len(letters)])
            out.setdefault(station, {})[letter] = count
    return dict(sorted(out.items()))


def _store(session: Session, record: RiskRun, model: RiskModel, roster: Roster, outcome: Outcome,
           new: np.ndarray, moved: np.ndarray, refreshed: np.ndarray,
           now: dt.datetime) -> None:  # fmt: skip
    import pyarrow as pa

    name = model.model.name
    stamp = bulk.timestamp(session, now)
    as_of = record.as_of

    def arrow(mask: np.ndarray) -> pa.Table:
        return pa.table(
            {
                "entity_id": roster.ids[mask],
                "risk_class": pa.array(outcome.classes[mask], pa.string()),
                "details": pa.array(outcome.details[mask], pa.string()),
            }
        )

    if new.any():
        constants = {"model": name, "effective_date": as_of.isoformat(), "run_id": record.id}
        adbc.insert_arrow(session, "model_classes", arrow(new), constants)
    day = as_of.isoformat() if bulk.dialect(session) == "sqlite" else as_of
    if moved.any():
        rows = zip(outcome.classes[moved].tolist(), outcome.details[moved].tolist(), roster.ids[moved].tolist(),
                   strict=True)  # fmt: skip
        columns = ["risk_class", "details", "effective_date", "run_id"]
        bulk.update_rows(session, "model_classes", columns, ((c, d, day, record.id, i) for c, d, i in rows),
                         key="entity_id", match={"model": name})  # fmt: skip
    if refreshed.any():
        rows2 = zip(outcome.details[refreshed].tolist(), roster.ids[refreshed].tolist(), strict=True)
        bulk.update_rows(session, "model_classes", ["details", "run_id"], ((d, record.id, i) for d, i in rows2),
                         key="entity_id", match={"model": name})  # fmt: skip
    changed = new | moved
    if changed.any():
        constants = {"effective_date": as_of.isoformat(), "source": model.source, "recorded_at": stamp}
        adbc.insert_arrow(session, "entity_class_history", arrow(changed), constants)
