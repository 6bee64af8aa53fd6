"""Declared 回避 pairs, inspector × entity (行政处罚法 第四十三条; domain.md §4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.sql import ident, idents
from creditcli.io.columns import Column, ColumnSet, Kind
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.rosters.query import Filter
from creditcli.rosters.validate import Validated

COLUMNS = ColumnSet(
    (
        Column(
            "inspector_code",
            "执法证号",
            ("人员编号", "编号", "证号", "执法人员执法证号"),
            Kind.CODE,
            required=True,
            max_len=64,
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码", "检查对象统一社会信用代码"),
            Kind.USCC,
            True,
        ),
        Column("reason", "回避原因", ("原因", "利害关系", "reason"), required=True),
    )
)
TABLE_COLUMNS = ColumnSet(
    (
        Column("inspector_id", "人员ID"),
        Column("entity_id", "对象ID"),
        Column("reason", "回避原因"),
    )
)


def _resolve(session: Session, v: Validated) -> None:
    """Codes in the file -> ids in the rosters; an unknown code is a problem of its row."""
    skip = v.rows_with_problems()
    for file_col, table, key, target, label in (
        ("inspector_code", "inspectors", "code", "inspector_id", "执法检查人员"),
        ("uscc", "entities", "uscc", "entity_id", "检查对象"),
    ):
        values = v.frame[file_col]
        select = f"SELECT {idents([key, 'id'])} FROM {ident(table)}"
        found = bulk.fetch_where_in(session, select, key, values.unique().tolist())
        lookup = {str(k): int(i) for k, i in found}
        ids = np.array([lookup.get(x, 0) for x in values.tolist()], dtype=np.int64)
        missing = np.flatnonzero((ids == 0) & ~skip)
        v.problem(missing, file_col, f"{label}名录中没有这条记录，请先导入{label}名录")
        v.frame[target] = pd.Series(ids.astype(str), index=v.frame.index, dtype="str")


SPEC = RosterSpec(
    name="conflicts",
    label="回避",
    table="conflicts",
    columns=ColumnSet(COLUMNS.columns + TABLE_COLUMNS.columns[:2]),
    key=("inspector_code", "uscc"),
    db_key=("inspector_id", "entity_id"),
    resolve=_resolve,
)

LIST_NAMES = ("inspector_code", "inspector_name", "uscc", "entity_name", "reason")
LIST_LABELS = ("执法证号", "姓名", "统一社会信用代码", "企业名称", "回避原因")


LIST_SQL = (
    "SELECT i.code, i.name, e.uscc, e.name, c.reason FROM conflicts c"
    " JOIN inspectors i ON i.id = c.inspector_id JOIN entities e ON e.id = c.entity_id"
)


def conflict_table(session: Session, inspector: str | None = None, uscc: str | None = None) -> Table:
    flt = Filter().equals("i.code", inspector).equals("e.uscc", uscc)
    batches = bulk.fetch_rows(session, f"{LIST_SQL}{flt.sql()} ORDER BY i.code, e.uscc", flt.params)
    return Table(LIST_NAMES, LIST_LABELS, batches, "creditcli.conflicts/1")
