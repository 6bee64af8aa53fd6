"""Assign teams to a task's standing draw, replace a withdrawn inspector, and check both later.

The inputs of an assignment (officers, their stations and qualifications, the entities' stations,
the conflicts) are stored with it, so ``verify`` recomputes the same teams even after the rosters
change, and replays every replacement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.canonical import canonical_json
from creditcli.db import bulk
from creditcli.db.models import Assignment, Conflict, Draw, Entity, Inspector, Item, Replacement, Task, TeamMember
from creditcli.draw.pool import compress, decompress
from creditcli.draw.tasks import next_seq, spec_of
from creditcli.draw.verify import VerifyResult, verify_draw
from creditcli.errors import DataError, InputMissingError, Problem, RecordError, StateError, UsageError
from creditcli.lifecycle import standing_draw
from creditcli.teams import solver
from creditcli.teams.solver import Officer, Target, TeamProblem

OFFICER = "执法人员"
ON_DUTY = "在岗"
SUPPORT_KINDS = ("专家", "第三方机构人员")


@dataclass(frozen=True)
class AssignResult:
    task: str
    entities: int
    officers: int
    capacity: int
    spread: int
    loads_min: int
    loads_max: int
    method: str
    notes: tuple[str, ...] = ()
    """What the teams lack, one line per entity (no station under 所所交叉, fewer experts than asked):
    said, never silent."""


@dataclass
class TeamsCheck:
    problems: list[str] = field(default_factory=list)
    replacements: int = 0


def _snapshot(session: Session, task: Task, draw: Draw) -> dict[str, Any]:
    """Everything the solver reads, as plain sorted lists (stored with the assignment)."""
    spec = spec_of(task)
    drawn = sorted(
        u for (u,) in bulk.fetch_all(session, "SELECT uscc FROM draw_selections WHERE draw_id = ?", [draw.id])
    )
    found = bulk.fetch_where_in(session, "SELECT uscc, station, name FROM entities", "uscc", drawn)
    stations = {u: s for u, s, _ in found}
    names = {u: n for u, _, n in found}
    known: list[str] | None = None
    officers = []
    unplaced = []
    for code, name, station, unit, held in session.execute(
        select(Inspector.code, Inspector.name, Inspector.station, Inspector.unit, Inspector.qualifications)
        .where(
            Inspector.kind == OFFICER,
            Inspector.status == ON_DUTY,
            Inspector.cert_expiry.is_not(None),
            Inspector.cert_expiry >= spec.window_end,
        )
        .order_by(Inspector.code)
    ):
        placed = (station or "").strip()
        if not placed and (unit or "").strip():
            known = roster_stations(session) if known is None else known
            placed = station_of_unit(unit or "", known)
        if not placed:
            unplaced.append((code, name, unit or ""))
        officers.append([code, placed, sorted(q for q in (held or "").split(";") if q)])
    # Experts are matched by field (domain.md §4): their fields are part of the inputs.
    support = [
        [code, sorted(q for q in (fields or "").split(";") if q)]
        for code, fields in session.execute(
            select(Inspector.code, Inspector.qualifications)
            .where(Inspector.kind.in_(SUPPORT_KINDS), Inspector.status == ON_DUTY)
            .order_by(Inspector.code)
        )
    ]
    drawn_set = set(drawn)
    pairs = session.execute(
        select(Inspector.code, Entity.uscc)
        .join(Conflict, Conflict.inspector_id == Inspector.id)
        .join(Entity, Entity.id == Conflict.entity_id)
    )
    conflicts = sorted([code, uscc] for code, uscc in pairs if uscc in drawn_set)
    items = list(session.scalars(select(Item.qualifications).where(Item.code.in_(spec.items))))
    quals = sorted({q for text in items for q in (text or "").split(";") if q})
    return {
        "targets": [[u, stations.get(u) or ""] for u in drawn],
        "officers": officers,
        "support": support,
        "conflicts": conflicts,
        "qualifications": quals,
        "names": names,
        "unplaced": unplaced,
    }


def roster_stations(session: Session) -> list[str]:
    """Every station the rosters name: 管辖单位 of the entities and 所属监管所 of the inspectors."""
    found = {s for (s,) in bulk.fetch_all(session, "SELECT DISTINCT station FROM entities", ()) if s}
    found |= {s for s in session.scalars(select(Inspector.station).distinct()) if s}
    return sorted(s.strip() for s in found if s.strip())


def station_of_unit(unit: str, stations: list[str]) -> str:
    """The station an officer's 单位 names (bureau sheets often write the station there): the 单位 itself
    when it is a station of the rosters, else the one station its text contains; "" when none or several."""
    text = unit.strip()
    if text in stations:
        return text
    inside = [s for s in stations if s in text]
    return inside[0] if len(inside) == 1 else ""


def _unplaced_error(task: Task, unplaced: list[tuple[str, str, str]], stations: list[str]) -> DataError:
    """所所交叉 cannot be checked for an officer whose station is unknown: never skipped silently."""
    problems = [
        Problem(
            None,
            "所属监管所",
            code,
            f"“所属监管所”为空，“单位”（{unit}）不是名录中的监管所" if unit else "“所属监管所”和“单位”都为空",
            place=f"执法人员 {code}（{name}）",
        )
        for code, name, unit in unplaced
    ]
    error = DataError(
        f"任务 {task.code}：所所交叉（--cross-station）要知道每名可派执法人员属于哪个所，"
        f"{len(unplaced)} 人不知道，未保存任何匹配结果",
        problems,
    )
    shown = "、".join(stations[:10]) + ("……" if len(stations) > 10 else "")
    error.hints.append(
        "请在执法检查人员名录的“所属监管所”列填写其所（不属于监管所的填所在科室），用 creditcli inspectors import "
        f"重新导入后再匹配；名录中的监管所：{shown or '（无）'}"
    )
    return error


def _problem(snapshot: dict[str, Any], parameters: dict[str, Any], seed: str) -> TeamProblem:
    return TeamProblem(
        targets=[Target(u, s) for u, s in snapshot["targets"]],
        officers=[Officer(c, s, frozenset(q)) for c, s, q in snapshot["officers"]],
        conflicts=frozenset((c, u) for c, u in snapshot["conflicts"]),
        team_size=int(parameters["team_size"]),
        qualifications=frozenset(snapshot["qualifications"]),
        cross_station=bool(parameters["cross_station"]),
        seed=seed,
        max_per_inspector=parameters["max_per_inspector"],
    )


def _supporters(snapshot: dict[str, Any]) -> list[solver.Supporter]:
    """Experts as recorded: [code, fields] pairs, or bare codes in a record made before fields were."""
    return [(s, None) if isinstance(s, str) else (s[0], frozenset(s[1])) for s in snapshot["support"]]


def _teams(
    problem: TeamProblem, snapshot: dict[str, Any], experts: int
) -> tuple[solver.TeamSolution, list[Problem], list[str]]:
    """The teams, what keeps them from being formed (problems), and the teams formed without (all) their
    experts (notes, one per entity)."""
    solution = solver.solve(problem)
    names = snapshot.get("names", {})

    def place(uscc: str) -> str:
        return f"对象 {uscc}（{names.get(uscc, '')}）"

    short = sorted(solution.shortfalls, key=lambda s: s.uscc)
    problems = [Problem(None, "", s.uscc, s.reason, place=place(s.uscc)) for s in short]
    notes: list[str] = []
    if not problems:
        support, short = solver.add_support(problem, _supporters(snapshot), experts)
        solution.teams = [solver.Team(t.uscc, t.members + tuple(support.get(t.uscc, []))) for t in solution.teams]
        notes = [f"{place(s.uscc)}: {s.reason}" for s in short]
    return solution, problems, notes


def _digest(teams: list[solver.Team]) -> str:
    body = canonical_json([[t.uscc, [[m.code, m.role, m.ticket] for m in t.members]] for t in teams])
    return hashlib.sha256(body.encode()).hexdigest()


def current_assignment(session: Session, task: Task) -> tuple[Draw, Assignment | None]:
    draw = standing_draw(session, task)
    if draw is None:
        raise StateError(f"任务 {task.code} 尚未抽取，不能匹配检查组（先用 creditcli tasks draw 抽取）")
    found = session.scalar(select(Assignment).where(Assignment.draw_id == draw.id).order_by(Assignment.seq.desc()))
    return draw, found


MAX_EXPERTS = 50
"""--experts: supporting members per team, at most as many as a team may have inspectors (draw.spec.MAX_TEAM)."""


def assign(
    session: Session,
    task: Task,
    *,
    cross_station: bool = False,
    experts: int = 0,
    max_per_inspector: int | None = None,
    now: dt.datetime | None = None,
) -> AssignResult:
    """Teams for every drawn entity of the standing draw; refused (exit 65) with every entity that cannot
    be staffed, and nothing written, when no valid assignment exists."""
    if experts < 0 or (max_per_inspector is not None and max_per_inspector < 1):
        raise UsageError("--experts 不能为负数，--max-per-inspector 至少为 1")
    draw, existing = current_assignment(session, task)
    if existing is not None:
        raise StateError(f"任务 {task.code} 的第 {draw.seq} 次抽取已匹配检查组（{existing.created_at:%Y-%m-%d %H:%M}）")
    spec = spec_of(task)
    snapshot = _snapshot(session, task, draw)
    unplaced = snapshot.pop("unplaced")
    if cross_station and unplaced:
        raise _unplaced_error(task, unplaced, roster_stations(session))
    parameters = {
        "algorithm": solver.ALGORITHM,
        "team_size": spec.team_size,
        "cross_station": cross_station,
        "experts": experts,
        "max_per_inspector": max_per_inspector,
    }
    problem = _problem(snapshot, parameters, draw.seed)
    solution, problems, notes = _teams(problem, snapshot, experts)
    if cross_station:
        names = snapshot["names"]
        # No station to avoid: said, so that a roster without 管辖单位 does not pass the rule off as kept.
        notes = [
            f"对象 {u}（{names.get(u, '')}）: 没有管辖单位，所所交叉对它不起作用（任何所的人员都可派）"
            for u, station in snapshot["targets"]
            if not station
        ] + notes
    if problems:
        raise DataError(f"任务 {task.code} 有 {len(problems)} 个检查对象无法组成检查组，未保存任何匹配结果", problems)
    now = now or clock.now()
    seq = next_seq(session, Assignment.seq, task)
    record = Assignment(
        task_id=task.id,
        draw_id=draw.id,
        seq=seq,
        parameters=canonical_json(parameters),
        inputs=compress(canonical_json(snapshot).encode()),
        method=solution.method,
        capacity=solution.capacity,
        spread=solution.spread,
        digest=_digest(solution.teams),
        operator=clock.operator(),
        created_at=now,
    )
    session.add(record)
    session.flush()
    rows = (
        (t.uscc, m.code, m.role, position, m.ticket)
        for t in solution.teams
        for position, m in enumerate(t.members, start=1)
    )
    bulk.insert_rows(
        session,
        "team_members",
        ["uscc", "inspector_code", "role", "position", "ticket"],
        rows,
        {"assignment_id": record.id},
    )
    loads = list(solution.loads.values()) or [0]
    return AssignResult(
        task.code,
        len(solution.teams),
        len(solution.loads),
        solution.capacity,
        solution.spread,
        min(loads),
        max(loads),
        solution.method,
        tuple(notes),
    )


def _load(assignment: Assignment) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return json.loads(decompress(assignment.inputs, "检查组匹配")), json.loads(assignment.parameters)
    except ValueError as exc:
        raise RecordError(f"检查组匹配记录已损坏：内容无法读取（{exc}）") from exc


Members = dict[str, list[tuple[str, str, str]]]
"""uscc -> [(inspector code, role, ticket)] in team order."""


def _as_assigned(session: Session, assignment: Assignment) -> Members:
    """Read through the driver: 100k members as ORM objects took 5 s."""
    teams: Members = {}
    sql = "SELECT uscc, inspector_code, role, ticket FROM team_members WHERE assignment_id = ? ORDER BY uscc, position"
    for uscc, code, role, ticket in bulk.fetch_all(session, sql, (assignment.id,)):
        teams.setdefault(uscc, []).append((code, role, ticket))
    return teams


def _swap(members: list[tuple[str, str, str]], old: str, new: str, ticket: str) -> list[tuple[str, str, str]]:
    """The newcomer takes the leaver's place and role."""
    return [(new, role, ticket) if code == old else (code, role, t) for code, role, t in members]


def teams_now(session: Session, assignment: Assignment) -> Members:
    """The teams as assigned, with every replacement applied in order."""
    teams = _as_assigned(session, assignment)
    for r in _replacements(session, assignment):
        teams[r.uscc] = _swap(teams[r.uscc], r.old_code, r.new_code, r.ticket)
    return teams


def _replacements(session: Session, assignment: Assignment) -> list[Replacement]:
    return list(
        session.scalars(select(Replacement).where(Replacement.assignment_id == assignment.id).order_by(Replacement.id))
    )


def replace(
    session: Session, task: Task, code: str, reason: str, uscc: str | None = None, now: dt.datetime | None = None
) -> list[tuple[str, str]]:
    """递补 an inspector who withdraws, in every team he is on (or one): returns (uscc, new code) pairs."""
    if not reason.strip():
        raise UsageError("--reason 不能为空：递补必须写明原因")
    draw, assignment = current_assignment(session, task)
    if assignment is None:
        raise StateError(f"任务 {task.code} 尚未匹配检查组（先用 creditcli tasks assign）")
    snapshot, parameters = _load(assignment)
    problem = _problem(snapshot, parameters, draw.seed)
    teams = teams_now(session, assignment)
    if not any(c == code for members in teams.values() for c, _, _ in members):
        from creditcli.rosters.codes import normalise  # here: rosters.codes brings pandas (slow start-up)

        code = normalise(code)  # 执法证号 as typed (full-width, lower case) -> as stored
    on = sorted(u for u, members in teams.items() if any(c == code for c, _, _ in members))
    if uscc is not None:
        if uscc not in teams:
            raise InputMissingError(f"{uscc} 不是任务 {task.code} 的抽中对象")
        on = [u for u in on if u == uscc]
    if not on:
        where = f"对象 {uscc} 的检查组" if uscc else f"任务 {task.code} 的任何检查组"
        raise InputMissingError(f"执法检查人员 {code} 不在{where}中")
    withdrawn = {r.old_code for r in _replacements(session, assignment)} | {code}
    now = now or clock.now()
    out = []
    problems = []
    for u in on:
        members = [c for c, _, _ in teams[u]]
        if any(code == c for c, _ in _supporters(snapshot)):
            problems.append(
                Problem(None, "", code, "专家或第三方人员退出无需递补，不计入检查组人数", place=f"对象 {u}")
            )
            continue
        new = solver.replacement(problem, u, members, code, withdrawn)
        if new is None:
            reason = "没有符合条件（回避、所所交叉、资质）的执法人员可以递补"
            problems.append(Problem(None, "", code, reason, place=f"对象 {u}"))
            continue
        session.add(
            Replacement(
                assignment_id=assignment.id,
                uscc=u,
                old_code=code,
                new_code=new.code,
                ticket=new.ticket,
                reason=reason,
                operator=clock.operator(),
                replaced_at=now,
            )
        )
        teams[u] = _swap(teams[u], code, new.code, new.ticket)
        out.append((u, new.code))
    if problems:
        raise DataError(f"执法检查人员 {code} 无法递补，未作任何更改", problems)
    session.flush()
    return out


def check(session: Session, task: Task) -> TeamsCheck | None:
    """Recompute the standing assignment from its stored inputs and replay the replacements (None: no teams)."""
    draw = standing_draw(session, task)
    if draw is None:
        return None
    assignment = session.scalar(select(Assignment).where(Assignment.draw_id == draw.id).order_by(Assignment.seq.desc()))
    if assignment is None:
        return None
    result = TeamsCheck()
    try:
        snapshot, parameters = _load(assignment)
    except RecordError as exc:
        result.problems.append(exc.message)
        return result
    recorded = parameters.get("algorithm", "creditcli-teams/1")
    if recorded != solver.ALGORITHM:
        result.problems.append(f"匹配记录使用的算法 {recorded} 与本程序的 {solver.ALGORITHM} 不同，无法重新计算")
        return result
    problem = _problem(snapshot, parameters, draw.seed)
    solution, problems, _ = _teams(problem, snapshot, int(parameters["experts"]))
    if problems or _digest(solution.teams) != assignment.digest:
        result.problems.append("检查组与按记录重新计算的结果不符（匹配记录被改动过）")
    stored: dict[str, list[tuple[str, str, str]]] = {}
    for m in session.scalars(
        select(TeamMember)
        .where(TeamMember.assignment_id == assignment.id)
        .order_by(TeamMember.uscc, TeamMember.position)
    ):
        stored.setdefault(m.uscc, []).append((m.inspector_code, m.role, m.ticket))
    expected = {t.uscc: [(m.code, m.role, m.ticket) for m in t.members] for t in solution.teams}
    for u in sorted(set(stored) | set(expected)):
        if stored.get(u) != expected.get(u):
            result.problems.append(f"对象 {u} 的检查组与重新计算不符：记录 {stored.get(u)}，应为 {expected.get(u)}")
    withdrawn: set[str] = set()
    teams = {u: [c for c, _, _ in members] for u, members in stored.items()}
    for r in _replacements(session, assignment):
        withdrawn.add(r.old_code)
        new = solver.replacement(problem, r.uscc, teams.get(r.uscc, []), r.old_code, withdrawn)
        if new is None or (new.code, new.ticket) != (r.new_code, r.ticket):
            result.problems.append(f"对象 {r.uscc} 的递补（{r.old_code} → {r.new_code}）与按签号顺序应递补的人员不符")
        teams[r.uscc] = [r.new_code if c == r.old_code else c for c in teams.get(r.uscc, [])]
        result.replacements += 1
    return result


def verify_task(session: Session, task: Task, seq: int | None = None) -> VerifyResult:
    """``tasks verify``: the draw (draw.verify.verify_draw) and, for the standing draw, its teams."""
    result = verify_draw(session, task, seq)
    current = standing_draw(session, task)
    if current is not None and (seq is None or seq == current.seq):
        teams = check(session, task)
        if teams is not None:
            result.teams_checked = True
            result.team_replacements = teams.replacements
            result.problems.extend(teams.problems)
    result.ok = not result.problems
    return result
