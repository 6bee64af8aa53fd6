"""External scores (舆情, 关联企业, a professional field's own risk score …) that model indicators read by
name: imported like a roster, keyed by 统一社会信用代码 and score name, one number per pair."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from creditcli.credit.penalties import plain_decimal
from creditcli.io.columns import Column, ColumnSet, Kind
from creditcli.io.dates import RECORDED
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.rosters.query import Filter, roster_table
from creditcli.rosters.validate import Validated

COLUMNS = ColumnSet(
    (
        Column("uscc", "统一社会信用代码", ("信用代码", "uscc"), Kind.USCC, required=True),
        Column("name", "评分名称", ("指标名称", "指标", "name"), required=True, max_len=64),
        Column("value", "分值", ("评分", "得分", "value"), required=True, max_len=32),
        Column("scored_on", "评分日期", ("日期",), Kind.DATE, bounds=RECORDED),
    )
)


MAX_SCORE = 1_000_000_000
"""分值 are at most this (docs/risk.md): a model's points per unit are bounded alike, so a score stays finite."""


def _check_values(session: Session, v: Validated) -> None:
    """分值 must be a plain number in [0, MAX_SCORE] (kept as exact decimal text; read as a double)."""
    if "value" not in v.frame:
        return
    bad = [n for n, text in enumerate(v.frame["value"].tolist()) if text and not valid_score(text)]
    v.problem(np.array(bad, dtype=np.int64), "value", f"应为 0 到 {MAX_SCORE} 之间的数，如 12 或 12.5")


def valid_score(text: str) -> bool:
    value = plain_decimal(text)
    return value is not None and value <= MAX_SCORE


SPEC = RosterSpec(
    name="scores", label="外部评分", table="external_scores", columns=COLUMNS, key=("uscc", "name"),
    resolve=_check_values, references=("uscc",),
)  # fmt: skip


def score_table(session: Session, name: str | None, uscc: str | None) -> Table:
    flt = Filter().equals("name", name).equals("uscc", uscc)
    return roster_table(session, "external_scores", COLUMNS, flt, ["uscc", "name"], "creditcli.scores/1")
