"""External scores (舆情, 关联企业, a professional field's own risk score …) that model indicators read by
name: imported like a roster, keyed by 统一社会信用代码 and score name, one number per pair."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from creditcli.io.columns import Column, ColumnSet, Kind
from creditcli.io.dates import RECORDED
from creditcli.io.numbers import PLAIN_TEXT, NumberRule
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.rosters.query import Filter, roster_table

MAX_SCORE = 1_000_000_000
"""分值 are at most this (docs/risk.md): a model's points per unit are bounded alike, so a score stays finite."""
SCORE = NumberRule(Decimal(MAX_SCORE), None, f"应为 0 到 {MAX_SCORE} 之间的数，{PLAIN_TEXT}，如 12 或 12.5")

COLUMNS = ColumnSet(
    (
        Column("uscc", "统一社会信用代码", ("信用代码", "uscc"), Kind.USCC, required=True),
        Column("name", "评分名称", ("指标名称", "指标", "name"), required=True, max_len=64),
        Column("value", "分值", ("评分", "得分", "value"), Kind.NUMBER, required=True, max_len=32, number=SCORE),
        Column("scored_on", "评分日期", ("日期",), Kind.DATE, bounds=RECORDED),
    )
)


SPEC = RosterSpec(
    name="scores", label="外部评分", table="external_scores", columns=COLUMNS, key=("uscc", "name"),
    references=("uscc",),
)  # fmt: skip


def score_table(session: Session, name: str | None, uscc: str | None) -> Table:
    flt = Filter().equals("name", name).equals("uscc", uscc)
    return roster_table(session, "external_scores", COLUMNS, flt, ["uscc", "name"], "creditcli.scores/1")
