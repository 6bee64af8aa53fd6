"""A tamper-evident log of every change: each entry stores the SHA-256 of its own content and of the
entry before it, so an entry altered or deleted behind the tool's back breaks the chain.

Entries also vouch for the records that matter most in public: a draw entry carries the SHA-256 of
the draw's certificate, an assignment entry the digest of its teams, a result write the digest of
each task's results after the change (``refs`` ``{"results": {task id: digest}}``). ``verify``
recomputes them from the tables (for results: the newest entry of each task), and every draw,
assignment and task with results must have its entry (deleting the newest entries of the log
therefore shows too). An entry is appended in the same transaction as the change it describes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.canonical import canonical_json
from creditcli.db import bulk
from creditcli.db.models import Assignment, AuditEntry, Draw, PoolFreeze, Task
from creditcli.errors import UsageError
from creditcli.io.writers import Table

GENESIS = "0" * 64


@dataclass(frozen=True)
class Change:
    """What a command changed: counts, a digest of the data, and the records the entry vouches for."""

    counts: dict[str, int] = field(default_factory=dict)
    digest: str = ""
    refs: dict[str, Any] = field(default_factory=dict)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _hash(e: AuditEntry) -> str:
    at = e.at.isoformat(sep=" ", timespec="seconds")
    body = _json([e.seq, at, e.os_user, e.command, e.arguments, e.counts, e.digest, e.refs, e.prev_hash])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    session: Session, command: str, arguments: dict[str, Any], change: Change, now: dt.datetime | None = None
) -> AuditEntry:
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    entry = AuditEntry(
        seq=1 if last is None else last.seq + 1,
        at=(now or clock.now()).replace(microsecond=0),
        os_user=clock.operator(),
        command=command,
        arguments=_json(arguments),
        counts=_json(change.counts),
        digest=change.digest or hashlib.sha256(_json([command, arguments, change.counts]).encode()).hexdigest(),
        refs=_json(change.refs),
        prev_hash=GENESIS if last is None else last.entry_hash,
        entry_hash="",
    )
    entry.entry_hash = _hash(entry)
    session.add(entry)
    session.flush()
    return entry


def draw_change(session: Session, task: Task) -> Change:
    """The task's newest draw, by the SHA-256 of its certificate."""
    draw = session.scalars(select(Draw).where(Draw.task_id == task.id).order_by(Draw.seq.desc()).limit(1)).one()
    return Change({"selected": draw.selected_count}, draw.certificate_sha256, {"draw": draw.id})


def assignment_change(session: Session, task: Task) -> Change:
    """The task's newest assignment, by the digest of its teams."""
    query = select(Assignment).where(Assignment.task_id == task.id).order_by(Assignment.id.desc()).limit(1)
    assignment = session.scalars(query).one()
    rows = bulk.fetch_all(session, "SELECT COUNT(*) FROM team_members WHERE assignment_id = ?", (assignment.id,))
    return Change({"members": int(rows[0][0])}, assignment.digest, {"assignment": assignment.id})


def teams_digest(session: Session, assignment_id: int) -> str:
    """The digest of an assignment's teams as the tables hold them (teams.service._digest's input)."""
    sql = "SELECT uscc, inspector_code, role, ticket FROM team_members WHERE assignment_id = ? ORDER BY uscc, position"
    teams: dict[str, list[list[str]]] = {}
    for uscc, code, role, ticket in bulk.fetch_all(session, sql, (assignment_id,)):
        teams.setdefault(uscc, []).append([code, role, ticket])
    return hashlib.sha256(canonical_json([[u, m] for u, m in teams.items()]).encode()).hexdigest()


def verify(session: Session) -> list[str]:
    """Every break, the first one first; empty when the log, the draws and the assignments agree."""
    problems: list[str] = []
    vouched: dict[str, set[int]] = {"draw": set(), "assignment": set()}
    results = _ResultEntries()
    previous, expected = GENESIS, 1
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if e.seq != expected:
            problems.append(f"审计记录第 {expected}–{e.seq - 1} 条缺失（被删除）")
        if e.prev_hash != previous:
            problems.append(f"审计记录第 {e.seq} 条与前一条接不上（前一条被删改）")
        if _hash(e) != e.entry_hash:
            problems.append(f"审计记录第 {e.seq} 条（{e.command}）的内容被改动")
        refs = json.loads(e.refs)
        for kind, record_id in refs.items():
            if kind != "results":
                vouched.setdefault(kind, set()).add(record_id)
        results.see(e, refs)
        if "draw" in refs:
            problems += _check_draw(session, e, refs["draw"])
        if "assignment" in refs:
            problems += _check_assignment(session, e, refs["assignment"])
        previous, expected = e.entry_hash, e.seq + 1
    problems += _check_stored_records(session)
    for draw_id, task in session.execute(select(Draw.id, Task.code).join(Task, Task.id == Draw.task_id)):
        if draw_id not in vouched["draw"]:
            problems.append(f"任务 {task} 的抽取记录（编号 {draw_id}）没有对应的审计记录")
    for assignment_id, task in session.execute(
        select(Assignment.id, Task.code).join(Task, Task.id == Assignment.task_id)
    ):
        if assignment_id not in vouched["assignment"]:
            problems.append(f"任务 {task} 的检查组匹配（编号 {assignment_id}）没有对应的审计记录")
    return problems + results.problems(session)


def _check_stored_records(session: Session) -> list[str]:
    """The records that carry their own digest, recomputed: each frozen pool against the digest recorded
    (and published) when it was frozen and named by its draws; each assignment's stored inputs must
    still be readable (``tasks verify`` recomputes the teams from them)."""
    from creditcli.draw.pool import decompress, frozen_pool
    from creditcli.errors import RecordError

    problems: list[str] = []
    for record, code in session.execute(
        select(PoolFreeze, Task.code).join(Task, Task.id == PoolFreeze.task_id).order_by(Task.code, PoolFreeze.seq)
    ):
        try:
            frozen_pool(code, record)
        except RecordError as exc:
            problems.append(exc.message)
    mismatched = (
        select(Task.code, Draw.seq)
        .join(Task, Task.id == Draw.task_id)
        .join(PoolFreeze, PoolFreeze.id == Draw.freeze_id)
        .where(PoolFreeze.pool_digest != Draw.pool_digest)
        .order_by(Task.code, Draw.seq)
    )
    for code, seq in session.execute(mismatched):
        problems.append(f"任务 {code} 第 {seq} 次抽取所记的范围摘要与其冻结记录不符")
    query = select(Assignment, Task.code).join(Task, Task.id == Assignment.task_id).order_by(Task.code, Assignment.seq)
    for assignment, code in session.execute(query):
        try:
            json.loads(decompress(assignment.inputs, f"任务 {code} 第 {assignment.seq} 次检查组匹配的输入"))
        except RecordError as exc:
            problems.append(exc.message)
        except ValueError:
            problems.append(f"任务 {code} 第 {assignment.seq} 次检查组匹配的输入记录已损坏：内容无法读取")
    return problems


def _check_draw(session: Session, e: AuditEntry, draw_id: int) -> list[str]:
    draw = session.get(Draw, draw_id)
    if draw is None:
        return [f"审计记录第 {e.seq} 条所记的抽取记录（编号 {draw_id}）已被删除"]
    actual = hashlib.sha256(draw.certificate.encode("utf-8")).hexdigest()
    if actual != e.digest or draw.certificate_sha256 != e.digest:
        return [f"审计记录第 {e.seq} 条所记的抽取记录（编号 {draw_id}）已被改动：证书摘要不符"]
    return []


def _check_assignment(session: Session, e: AuditEntry, assignment_id: int) -> list[str]:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return [f"审计记录第 {e.seq} 条所记的检查组匹配（编号 {assignment_id}）已被删除"]
    if assignment.digest != e.digest or teams_digest(session, assignment_id) != e.digest:
        return [f"审计记录第 {e.seq} 条所记的检查组匹配（编号 {assignment_id}）已被改动：检查组摘要不符"]
    return []


def results_change(session: Session, tasks: list[Task], counts: dict[str, int]) -> Change:
    """A result write: the digest of each task's results after it (the entry's refs), combined."""
    from creditcli.results.digest import combined, results_digest

    digests = {str(t.id): results_digest(session, t.id) for t in sorted(tasks, key=lambda t: t.id)}
    return Change(counts, combined(digests), {"results": digests})


class _ResultEntries:
    """The newest entry vouching for each task's results, as verify reads the log in order."""

    def __init__(self) -> None:
        self.newest: dict[int, tuple[int, str]] = {}
        """task id -> (entry seq, digest)."""
        self.legacy = False
        """The log has result writes from before entries carried a digest (an older database)."""

    def see(self, e: AuditEntry, refs: dict[str, Any]) -> None:
        if "results" in refs:
            for task_id, digest in refs["results"].items():
                self.newest[int(task_id)] = (e.seq, digest)
        elif e.command.endswith((" results record", " results import")):
            self.legacy = True

    def problems(self, session: Session) -> list[str]:
        from creditcli.results.digest import results_digest

        out = []
        with_results = "SELECT DISTINCT t.id, t.code FROM tasks t JOIN results r ON r.task_id = t.id"
        tasks = {int(i): str(c) for i, c in bulk.fetch_all(session, "SELECT id, code FROM tasks")}
        for task_id, code in sorted(bulk.fetch_all(session, with_results), key=lambda r: str(r[1])):
            if int(task_id) not in self.newest and not self.legacy:
                out.append(f"任务 {code} 的检查结果没有对应的审计记录")
        for task_id, (seq, digest) in sorted(self.newest.items(), key=lambda kv: kv[1][0]):
            if results_digest(session, task_id) != digest:
                out.append(
                    f"审计记录第 {seq} 条所记的任务 {tasks.get(task_id, task_id)} 检查结果已被改动："
                    "检查结果摘要不符（结果或其更改记录被直接修改、增加或删除）"
                )
        return out


def results_vouched(session: Session, task: Task) -> list[str]:
    """``tasks verify``: the task's results against the newest audit entry that vouches for them."""
    from creditcli.results.digest import results_digest

    found = None
    for seq, refs in bulk.fetch_all(
        session, "SELECT seq, refs FROM audit_log WHERE refs LIKE ? ORDER BY seq", ('%"results"%',)
    ):
        digest = json.loads(refs).get("results", {}).get(str(task.id))
        if digest is not None:
            found = (seq, digest)
    if found is None:
        has = bulk.fetch_all(session, "SELECT COUNT(*) FROM results WHERE task_id = ?", (task.id,))[0][0]
        return [f"任务 {task.code} 的检查结果没有对应的审计记录"] if has and not _legacy(session) else []
    if results_digest(session, task.id) != found[1]:
        return [
            f"任务 {task.code} 的检查结果与审计记录第 {found[0]} 条不符"
            "（结果或其更改记录被直接修改、增加或删除；用 creditcli audit verify 查看）"
        ]
    return []


@dataclass(frozen=True)
class Head:
    """The newest entry of the chain: its sequence number and hash (``SEQ:HASH``). Kept outside the
    database (on paper, in a certificate, a public file's manifest, an archive), it proves later that
    the chain still holds that entry unchanged: a chain rewritten and rehashed inside the database
    passes every check of its own, but no longer contains this hash at this place."""

    seq: int
    entry_hash: str
    at: dt.datetime | None = None
    command: str = ""

    @property
    def text(self) -> str:
        return f"{self.seq}:{self.entry_hash}"

    def as_json(self) -> dict[str, Any]:
        """The head as certificates, manifests and archives record it."""
        return {"seq": self.seq, "entry_hash": self.entry_hash, "head": self.text}


_HEAD = re.compile(r"([0-9]{1,12}):([0-9a-fA-F]{64})")


def parse_head(text: str) -> Head:
    """``SEQ:HASH`` as ``audit head`` prints it (a usage error otherwise)."""
    found = _HEAD.fullmatch(text.strip())
    if found is None or int(found.group(1)) < 1:
        raise UsageError(
            f"--head 应写作 序号:哈希（audit head 打印的链头，序号从 1 起，哈希为 64 位十六进制），而不是 {text!r}"
        )
    return Head(int(found.group(1)), found.group(2).lower())


def head(session: Session) -> Head | None:
    """The newest entry (None while the log is empty)."""
    e = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return None if e is None else Head(e.seq, e.entry_hash, e.at, e.command)


def check_head(session: Session, given: Head) -> list[str]:
    """Does the chain still hold ``given`` (an entry noted earlier)? Empty when it does."""
    entry = session.scalars(select(AuditEntry).where(AuditEntry.seq == given.seq)).first()
    if entry is None:
        newest = head(session)
        now = f"现在最新为第 {newest.seq} 条" if newest else "现在日志为空"
        return [
            f"所给链头 {given.seq}:{given.entry_hash[:16]}… 不在审计日志中：第 {given.seq} 条已不存在（{now}），"
            "该条或其后的记录被删除"
        ]
    if entry.entry_hash != given.entry_hash:
        return [
            f"所给链头与审计记录第 {given.seq} 条（{entry.command}）不符：所给哈希 {given.entry_hash[:16]}…，"
            f"日志中为 {entry.entry_hash[:16]}…；第 {given.seq} 条或其前的记录被改写并重新计算了哈希"
        ]
    return []


def _legacy(session: Session) -> bool:
    """Result writes logged before entries carried the results digest (an upgraded database)."""
    sql = "SELECT COUNT(*) FROM audit_log WHERE (command LIKE ? OR command LIKE ?) AND refs NOT LIKE ?"
    return bool(bulk.fetch_all(session, sql, ("% results record", "% results import", '%"results"%'))[0][0])


def entry_count(session: Session) -> int:
    return int(bulk.fetch_all(session, "SELECT COUNT(*) FROM audit_log")[0][0])


COLUMNS = (
    ("seq", "序号"),
    ("at", "时间"),
    ("os_user", "操作人"),
    ("command", "命令"),
    ("arguments", "参数"),
    ("counts", "数量"),
    ("digest", "内容摘要"),
    ("entry_hash", "记录摘要"),
)


def entries_table(session: Session, limit: int | None = None) -> Table:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if limit:
        query = query.limit(limit)
    rows = [
        (e.seq, e.at.isoformat(sep=" "), e.os_user, e.command, e.arguments, e.counts, e.digest, e.entry_hash)
        for e in session.scalars(query)
    ]
    rows.reverse()
    return Table([k for k, _ in COLUMNS], [v for _, v in COLUMNS], [rows], "creditcli.audit/1")
