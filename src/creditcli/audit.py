"""A tamper-evident log of every change: each entry stores the SHA-256 of its own content and of the
entry before it, so an entry altered or deleted behind the tool's back breaks the chain.

Entries also vouch for the records that matter most in public: a draw entry carries the SHA-256 of
the draw's certificate, an assignment entry the digest of its teams. ``verify`` recomputes both from
the tables, and every draw and assignment must have its entry (deleting the newest entries of the
log therefore shows too). An entry is appended in the same transaction as the change it describes.
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
from creditcli.db.models import Assignment, AuditEntry, Draw, Task
from creditcli.errors import UsageError
from creditcli.io.writers import Table

GENESIS = "0" * 64


@dataclass(frozen=True)
class Change:
    """What a command changed: counts, a digest of the data, and the records the entry vouches for."""

    counts: dict[str, int] = field(default_factory=dict)
    digest: str = ""
    refs: dict[str, int] = field(default_factory=dict)


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
            vouched.setdefault(kind, set()).add(record_id)
        if "draw" in refs:
            problems += _check_draw(session, e, refs["draw"])
        if "assignment" in refs:
            problems += _check_assignment(session, e, refs["assignment"])
        previous, expected = e.entry_hash, e.seq + 1
    for draw_id, task in session.execute(select(Draw.id, Task.code).join(Task, Task.id == Draw.task_id)):
        if draw_id not in vouched["draw"]:
            problems.append(f"任务 {task} 的抽取记录（编号 {draw_id}）没有对应的审计记录")
    for assignment_id, task in session.execute(
        select(Assignment.id, Task.code).join(Task, Task.id == Assignment.task_id)
    ):
        if assignment_id not in vouched["assignment"]:
            problems.append(f"任务 {task} 的检查组匹配（编号 {assignment_id}）没有对应的审计记录")
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
