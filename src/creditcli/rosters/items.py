"""抽查事项清单 (domain.md §5), with the qualifications a team needs for each item."""

from __future__ import annotations

from sqlalchemy.orm import Session

from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.writers import Table
from creditcli.rosters.importer import RosterSpec
from creditcli.rosters.query import Filter, roster_table

GENERAL = "一般检查事项"
ITEM_TYPES = {
    "一般检查事项": GENERAL,
    "一般": GENERAL,
    "general": GENERAL,
    "重点检查事项": "重点检查事项",
    "重点": "重点检查事项",
    "key": "重点检查事项",
}

COLUMNS = ColumnSet(
    (
        Column("code", "事项编码", ("事项代码", "编码", "事项编号", "code"), Kind.CODE, required=True, max_len=64),
        Column("seq", "序号", ("seq",), max_len=16),
        Column("name", "抽查事项名称", ("事项名称", "抽查事项", "name"), required=True, max_len=NAME_LEN),
        Column("category", "抽查类别", ("category",), max_len=NAME_LEN),
        Column("item_type", "事项类别", ("item_type",), Kind.CHOICE, choices=ITEM_TYPES, default=GENERAL),
        Column("target", "检查对象", ("target",)),
        Column("method", "检查方式", ("method",)),
        Column("subject", "检查主体", ("subject",), max_len=NAME_LEN),
        Column("basis", "检查依据", ("basis",)),
        Column("ratio", "抽查比例", ("ratio",), max_len=NAME_LEN),
        Column("frequency", "抽查频次", ("frequency",), max_len=NAME_LEN),
        Column("note", "备注", ("note",)),
        Column("qualifications", "所需资质", ("资质要求", "qualifications"), Kind.TAGS),
    )
)
LIST_COLUMNS = ("code", "name", "category", "item_type", "ratio", "frequency", "qualifications")

SPEC = RosterSpec(name="items", label="抽查事项", table="items", columns=COLUMNS, key=("code",))


def item_table(session: Session, limit: int | None = None, brief: bool = False) -> Table:
    return roster_table(
        session,
        "items",
        COLUMNS,
        Filter(),
        ["code"],
        "creditcli.items/1",
        limit,
        LIST_COLUMNS if brief else None,
    )
