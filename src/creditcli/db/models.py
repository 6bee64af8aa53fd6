"""SQLAlchemy models: the rosters (domain.md §2–§5) and their import log.

Bulk paths write through the driver (see ``db/bulk.py``) but the schema is defined here once;
the Alembic migrations in ``db/migrations`` must produce exactly this metadata (a test checks).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """抽查对象名录库: one row per market entity, keyed by the normalised USCC."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    reg_no: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    entity_type: Mapped[str] = mapped_column(String(16))
    established: Mapped[dt.date | None] = mapped_column(Date)
    reg_authority: Mapped[str | None] = mapped_column(Text)
    station: Mapped[str | None] = mapped_column(Text, index=True)
    area: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(Text)
    legal_rep: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))
    risk_class: Mapped[str | None] = mapped_column(String(8))
    risk_class_date: Mapped[dt.date | None] = mapped_column(Date)
    tags: Mapped[str | None] = mapped_column(Text)
    abnormal: Mapped[bool] = mapped_column(Boolean, default=False)
    serious_illegal: Mapped[bool] = mapped_column(Boolean, default=False)
    warning: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class EntityClassHistory(Base):
    """Every change of an entity's risk class, so that "the class on date D" can be answered."""

    __tablename__ = "entity_class_history"
    __table_args__ = (Index("ix_entity_class_history_entity_date", "entity_id", "effective_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    risk_class: Mapped[str] = mapped_column(String(8))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    """``导入 FILE`` for an imported (national) class, ``model:NAME@VERSION`` for a computed one."""
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    details: Mapped[str | None] = mapped_column(Text)
    """JSON: the score and indicator values that produced a computed class (None for imported ones)."""


class Inspector(Base):
    """执法检查人员名录库, including experts and third-party agency staff (domain.md §4)."""

    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(Text)
    station: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    cert_expiry: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Item(Base):
    """抽查事项清单 (domain.md §5), with the qualifications a team needs for the item."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    seq: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    item_type: Mapped[str] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    ratio: Mapped[str | None] = mapped_column(Text)
    frequency: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Conflict(Base):
    """A declared 回避 pair (行政处罚法 第四十三条): this inspector must not inspect this entity."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("inspector_id", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ImportRun(Base):
    """One successful import: which file (by digest), by whom, and what it changed."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roster: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Task(Base):
    """抽查任务: its parameters as validated JSON (``draw.tasks.TaskSpec``), and its state."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    spec: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))
    window_start: Mapped[dt.date] = mapped_column(Date)
    window_end: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class PoolFreeze(Base):
    """The eligible pool fixed before the seed exists (domain.md §8), compressed, with its digest."""

    __tablename__ = "pool_freezes"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    pool_digest: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int] = mapped_column(Integer)
    strata: Mapped[str] = mapped_column(Text)
    """JSON: pool size per class."""
    pool: Mapped[bytes] = mapped_column(LargeBinary)
    """gzip of the sorted ``uscc,class`` lines."""
    exclusions: Mapped[bytes] = mapped_column(LargeBinary)
    """gzip of sorted ``uscc,reason`` lines."""
    excluded: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(Text)
    frozen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    algorithm_version: Mapped[int] = mapped_column(Integer, server_default="1")
    """The draw algorithm's version the pool was frozen for (domain.md §8b): 1, or 2 (salted tickets)."""
    pool_secret: Mapped[str | None] = mapped_column(String(64))
    """Version 2: the key of every entity's salt, hex. Internal: never printed, never in a certificate."""
    roots: Mapped[str | None] = mapped_column(Text)
    """Version 2: canonical JSON {class: Merkle root hex}, published in the pre-draw notice."""


class Draw(Base):
    """One draw of a task. Never deleted or rewritten; a redraw marks the earlier one superseded."""

    __tablename__ = "draws"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    freeze_id: Mapped[int] = mapped_column(ForeignKey("pool_freezes.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(Text, index=True)
    seed_generated: Mapped[bool] = mapped_column(Boolean)
    algorithm: Mapped[str] = mapped_column(String(64))
    algorithm_version: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))
    parameters: Mapped[str] = mapped_column(Text)
    """Canonical JSON of the draw parameters."""
    pool_digest: Mapped[str] = mapped_column(String(64))
    selected_count: Mapped[int] = mapped_column(Integer)
    certificate: Mapped[str] = mapped_column(Text)
    """The certificate JSON as issued (its SHA-256 is kept beside it)."""
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(Text)
    tool_version: Mapped[str] = mapped_column(String(32))
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime)
    superseded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    superseded_reason: Mapped[str | None] = mapped_column(Text)


class DrawSelection(Base):
    """A selected entity of a draw: kept by USCC so the record stands even if the roster changes."""

    __tablename__ = "draw_selections"
    __table_args__ = (UniqueConstraint("draw_id", "uscc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="RESTRICT"))
    rank: Mapped[int] = mapped_column(Integer)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    risk_class: Mapped[str] = mapped_column(String(8))
    ticket: Mapped[str] = mapped_column(String(96))
    inclusion: Mapped[str] = mapped_column(String(64))
    """Exact inclusion probability as a fraction ``p/q``."""


class Assignment(Base):
    """检查组: the teams of one draw, with the inputs they were computed from (for verify)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[str] = mapped_column(Text)
    """Canonical JSON: team size, cross-station, experts, cap, qualifications."""
    inputs: Mapped[bytes] = mapped_column(LargeBinary)
    """gzip of the canonical JSON snapshot of officers, support staff, targets and conflicts."""
    method: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int] = mapped_column(Integer)
    spread: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the canonical JSON of the teams as assigned."""
    operator: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TeamMember(Base):
    """One place in a team as assigned (replacements are recorded beside it, never over it)."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("assignment_id", "uscc", "inspector_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="RESTRICT"))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    inspector_code: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    ticket: Mapped[str] = mapped_column(String(96))


class Replacement(Base):
    """递补: who withdrew from which team, who took the place, why, when and by whom."""

    __tablename__ = "replacements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="RESTRICT"))
    uscc: Mapped[str] = mapped_column(String(18))
    old_code: Mapped[str] = mapped_column(String(64))
    new_code: Mapped[str] = mapped_column(String(64))
    ticket: Mapped[str] = mapped_column(String(96))
    reason: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ResultCode(Base):
    """检查结果 vocabulary (domain.md §6): data, so that a province can load its own list."""

    __tablename__ = "result_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    text: Mapped[str] = mapped_column(Text)
    parent: Mapped[str | None] = mapped_column(String(16))
    negative: Mapped[bool] = mapped_column(Boolean)
    follow_up: Mapped[bool] = mapped_column(Boolean)
    must_publish: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    """False once a loaded list no longer has the code (kept: recorded results still name it)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Result(Base):
    """One result of one drawn entity (optionally for one item) in one task: several per entity."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("task_id", "uscc", "item_code", "result_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    uscc: Mapped[str] = mapped_column(String(18))
    item_code: Mapped[str] = mapped_column(String(64))
    """'' for a result of the whole inspection."""
    result_code: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    checked_on: Mapped[dt.date] = mapped_column(Date)
    inspectors: Mapped[str] = mapped_column(Text)
    """执法证号 joined by ';', in the order given."""
    findings: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    action_done: Mapped[bool] = mapped_column(Boolean)
    remarks: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    replaces: Mapped[str | None] = mapped_column(String(16))
    """The result code this result corrects (withdrawn in the same write), if any."""
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    """Set when the result was withdrawn (``results withdraw``, 撤回 in the file): it stays in the
    history and the archive, and no longer counts anywhere else."""
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class ResultChange(Base):
    """Every change to a recorded result: which field, the old and new value, who, when, from where."""

    __tablename__ = "result_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="RESTRICT"))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Publication(Base):
    """That a public list (plan, list or results) of a task was published, and on which date."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    what: Mapped[str] = mapped_column(String(16))
    published_on: Mapped[dt.date] = mapped_column(Date)
    operator: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """The hash-chained log of every change (db/audit.py): each entry hashes its content and the previous hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(Text)
    command: Mapped[str] = mapped_column(Text)
    arguments: Mapped[str] = mapped_column(Text)
    """Canonical JSON of the command's parameters."""
    counts: Mapped[str] = mapped_column(Text)
    """Canonical JSON: how many rows the command added, changed …"""
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of what changed (a file, a certificate, an assignment …)."""
    refs: Mapped[str] = mapped_column(Text)
    """Canonical JSON: the records the entry vouches for, e.g. {"draw": 3}."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class Penalty(Base):
    """行政处罚决定 (domain.md §9): the decision as imported; its publicity periods are derived by the rules."""

    __tablename__ = "penalties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_no: Mapped[str] = mapped_column(String(128), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    party_kind: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    violation: Mapped[str | None] = mapped_column(Text)
    kinds: Mapped[str] = mapped_column(Text)
    """处罚种类 joined by ';'."""
    amount: Mapped[str | None] = mapped_column(String(32))
    """罚款金额 in yuan as exact decimal text."""
    authority: Mapped[str | None] = mapped_column(Text)
    procedure: Mapped[str] = mapped_column(String(8))
    fulfilled_on: Mapped[dt.date | None] = mapped_column(Date)
    restriction_until: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ListEntry(Base):
    """An entity on the 严重违法失信名单 or the 经营异常名录: who listed it, on what ground, and its removal
    (谁列入、谁管理、谁移出). Never deleted: a removal is recorded on the entry."""

    __tablename__ = "list_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_kind: Mapped[str] = mapped_column(String(16))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    ground: Mapped[str] = mapped_column(Text)
    decision_no: Mapped[str] = mapped_column(String(128))
    listed_on: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(Text)
    """The deciding unit, which alone may remove the entry."""
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Repair(Base):
    """信用修复决定: which negative record it ends early, when, by which decision and unit."""

    __tablename__ = "repairs"
    __table_args__ = (UniqueConstraint("record_kind", "record_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    record_kind: Mapped[str] = mapped_column(String(16))
    """penalty, list or result."""
    record_ref: Mapped[str] = mapped_column(String(160))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    decision_no: Mapped[str] = mapped_column(String(128))
    unit: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RiskRun(Base):
    """One ``risk classify`` run: the model as read (text and digest), its date, and what it gave."""

    __tablename__ = "risk_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(64))
    model_sha256: Mapped[str] = mapped_column(String(64))
    model_text: Mapped[str] = mapped_column(Text)
    as_of: Mapped[dt.date] = mapped_column(Date)
    entities: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    distribution: Mapped[str] = mapped_column(Text)
    """JSON: {station: {class: count}} after the run, for ``risk report``."""
    operator: Mapped[str] = mapped_column(Text)
    run_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ModelClass(Base):
    """The current computed class of an entity under one model (the history keeps the earlier ones)."""

    __tablename__ = "model_classes"
    __table_args__ = (UniqueConstraint("model", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    risk_class: Mapped[str] = mapped_column(String(8))
    details: Mapped[str] = mapped_column(Text)
    """JSON: score, indicator values and points, direct rule and professional model that decided."""
    effective_date: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(ForeignKey("risk_runs.id", ondelete="RESTRICT"))


class ExternalScore(Base):
    """An imported external score of an entity (e.g. 舆情, 关联企业), read by model indicators by name."""

    __tablename__ = "external_scores"
    __table_args__ = (UniqueConstraint("uscc", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(32))
    """Exact decimal text, as imported."""
    scored_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
