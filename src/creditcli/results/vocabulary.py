"""检查结果 vocabulary: the default list of domain.md §6 is seeded by migration 0004; a province
loads its own list as a file (same reading rules as the rosters). Codes a new list leaves out
are kept, inactive, because recorded results still name them."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creditcli.db.models import ResultCode
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.writers import Table
from creditcli.rosters.importer import Pending, RosterSpec
from creditcli.rosters.query import Filter, roster_table
from creditcli.rosters.validate import Validated

COLUMNS = ColumnSet(
    (
        Column("code", "代码", ("结果代码", "检查结果代码", "编码", "code"), Kind.CODE, required=True, max_len=16),
        Column("text", "检查结果", ("结果", "名称", "text"), required=True, max_len=NAME_LEN),
        Column("parent", "上级代码", ("上级", "parent"), Kind.CODE, max_len=16),
        Column("negative", "负面结果", ("负面", "negative"), Kind.BOOL, default="0"),
        Column("follow_up", "需后续处置", ("后续处置", "follow_up"), Kind.BOOL, default="0"),
        Column("must_publish", "必须公示", ("公示", "must_publish"), Kind.BOOL, default="0"),
        Column("active", "启用", ("active",), Kind.BOOL, default="1"),
    )
)


def _check_parents(session: Session, v: Validated) -> None:
    """A parent must be a code of the same list or one already stored."""
    if "parent" not in v.frame:
        return
    known = set(v.frame["code"].tolist()) | set(session.scalars(select(ResultCode.code)))
    parents = v.frame["parent"].to_numpy(dtype=object)
    unknown = np.flatnonzero([p != "" and p not in known for p in parents])
    v.problem(unknown, "parent", "不是已有的检查结果代码")


def _mark_inactive(session: Session, p: Pending) -> None:
    listed = p.validated.frame["code"].tolist()
    session.execute(update(ResultCode).where(ResultCode.code.not_in(listed)).values(active=False))
    if "active" not in p.validated.frame:
        session.execute(update(ResultCode).where(ResultCode.code.in_(listed)).values(active=True))


SPEC = RosterSpec(
    name="result_codes",
    label="检查结果代码",
    table="result_codes",
    columns=COLUMNS,
    key=("code",),
    resolve=_check_parents,
    after_write=_mark_inactive,
)


def vocabulary_table(session: Session) -> Table:
    return roster_table(session, "result_codes", COLUMNS, Filter(), ["code"], "creditcli.result-codes/1")


def active_codes(session: Session) -> dict[str, ResultCode]:
    """The codes in use, in the vocabulary's order (as imported)."""
    return {c.code: c for c in session.scalars(select(ResultCode).where(ResultCode.active).order_by(ResultCode.id))}
