"""检查对象名录库 (domain.md §2): the columns, the filters, and the queries of ``entities list`` and
``entities show``.

Kept light (start-up): a query here imports neither pandas nor the ORM models; the import of the
roster (its ``SPEC`` and hooks, with pandas and numpy) is rosters/entity_import.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, text

from creditcli.db.sql import idents
from creditcli.errors import InputMissingError
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.dates import FOUNDED, RECORDED
from creditcli.rosters import codes
from creditcli.rosters.query import Filter, roster_table
from creditcli.rosters.terms import ACTIVE

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from creditcli.io.writers import Table

ENTITY_TYPES = {
    "企业": "企业",
    "公司": "企业",
    "enterprise": "企业",
    "个体工商户": "个体工商户",
    "个体": "个体工商户",
    "individual": "个体工商户",
    "农民专业合作社": "农民专业合作社",
    "农专社": "农民专业合作社",
    "合作社": "农民专业合作社",
    "cooperative": "农民专业合作社",
    "外国企业常驻代表机构": "外国企业常驻代表机构",
    "外国(地区)企业常驻代表机构": "外国企业常驻代表机构",
    "代表机构": "外国企业常驻代表机构",
    "foreign_rep": "外国企业常驻代表机构",
}
STATUSES = {
    "存续": ACTIVE,
    "在业": ACTIVE,
    "开业": ACTIVE,
    "在营": ACTIVE,
    "正常": ACTIVE,
    "存续(在营、开业、在册)": ACTIVE,
    "active": ACTIVE,
    "注销": "注销",
    "已注销": "注销",
    "deregistered": "注销",
    "吊销": "吊销",
    "吊销,未注销": "吊销",
    "吊销未注销": "吊销",
    "revoked": "吊销",
    "撤销": "撤销",
    "cancelled": "撤销",
    "迁出": "迁出",
    "moved_out": "迁出",
}

COLUMNS = ColumnSet(
    (
        Column(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码", "统一代码", "credit_code"),
            Kind.USCC,
            True,
        ),
        Column(
            "name",
            "企业名称",
            ("名称", "市场主体名称", "主体名称", "企业(机构)名称", "单位名称"),
            required=True,
            max_len=NAME_LEN,
        ),
        Column("reg_no", "注册号", ("原注册号", "工商注册号"), max_len=32),
        Column("entity_type", "主体类型", ("市场主体类型", "类型", "type"), Kind.CHOICE, choices=ENTITY_TYPES),
        Column("established", "成立日期", ("登记日期", "注册日期", "成立时间"), Kind.DATE, bounds=FOUNDED),
        Column("reg_authority", "登记机关", ("登记管理机关",), max_len=NAME_LEN),
        Column("station", "管辖单位", ("属地监管所", "监管所", "管辖机关", "所属监管所", "管辖所"), max_len=NAME_LEN),
        Column("area", "片区", ("网格", "监管片区"), max_len=NAME_LEN),
        Column("industry", "行业代码", ("行业", "国民经济行业代码", "行业类别代码"), max_len=16),
        Column("address", "住所", ("地址", "经营场所", "住所(经营场所)", "注册地址"), max_len=NAME_LEN),
        Column(
            "legal_rep", "法定代表人", ("负责人", "经营者", "法定代表人(负责人)", "投资人", "法人"), max_len=NAME_LEN
        ),
        Column(
            "status",
            "登记状态",
            ("经营状态", "状态", "企业状态"),
            Kind.CHOICE,
            choices=STATUSES,
            default=ACTIVE,
        ),
        Column(
            "risk_class",
            "信用风险分类",
            ("风险等级", "风险分类", "信用风险等级", "分类结果"),
            Kind.RISK_CLASS,
        ),
        Column("risk_class_date", "分类日期", ("风险分类日期", "评定日期", "class_date"), Kind.DATE, bounds=RECORDED),
        Column("tags", "标签", ("专项库", "专项标签", "专业领域"), Kind.TAGS),
        Column("abnormal", "经营异常名录", ("列入经营异常名录", "经营异常"), Kind.BOOL, default="0"),
        Column(
            "serious_illegal",
            "严重违法失信名单",
            ("严重违法失信", "列入严重违法失信名单"),
            Kind.BOOL,
            default="0",
        ),
        Column("warning", "导入警告", ()),
    )
)
LIST_COLUMNS = ("uscc", "name", "entity_type", "station", "industry", "status", "risk_class", "tags")


@dataclass(frozen=True)
class EntityFilter:
    risk_class: str | None = None
    status: str | None = None
    station: str | None = None
    entity_type: str | None = None
    industry: str | None = None
    tag: str | None = None
    name: str | None = None

    def to_filter(self) -> Filter:
        return (
            Filter()
            .equals("risk_class", self.risk_class.upper() if self.risk_class else None)
            .equals("status", self.status)
            .equals("station", self.station)
            .equals("entity_type", self.entity_type)
            .prefix("industry", self.industry)
            .has_tag("tags", self.tag)
            .contains("name", self.name)
        )


def entity_table(db: Session | Connection, flt: EntityFilter, limit: int | None = None, brief: bool = False) -> Table:
    return roster_table(
        db,
        "entities",
        COLUMNS,
        flt.to_filter(),
        ["uscc"],
        "creditcli.entities/1",
        limit,
        LIST_COLUMNS if brief else None,
    )


@dataclass(frozen=True)
class ClassChange:
    risk_class: str
    effective_date: dt.date
    source: str


@dataclass(frozen=True)
class EntityDetail:
    fields: dict[str, str]
    labels: dict[str, str]
    history: list[ClassChange]


def get_entity(db: Connection, uscc: str) -> EntityDetail:
    """One entity and its class history (SQLAlchemy Core: ``entities show`` needs no ORM)."""
    code = codes.normalise(uscc)
    names = [c.name for c in COLUMNS.columns]
    entity = db.execute(
        text(f"SELECT id, {idents(names)} FROM entities WHERE uscc = :uscc").columns(
            **{c.name: Boolean() if c.kind is Kind.BOOL else Date() for c in COLUMNS.columns if c.kind in _TYPED}
        ),
        {"uscc": code},
    ).one_or_none()
    if entity is None:
        raise InputMissingError(f"名录中没有统一社会信用代码为 {code} 的检查对象")
    history = db.execute(
        text(
            "SELECT risk_class, effective_date, source FROM entity_class_history "
            "WHERE entity_id = :entity ORDER BY effective_date, id"
        ).columns(effective_date=Date()),
        {"entity": entity.id},
    ).all()
    fields = {}
    for col in COLUMNS.columns:
        value = entity._mapping[col.name]
        if col.kind is Kind.BOOL:
            fields[col.name] = "是" if value else "否"
        else:
            fields[col.name] = "" if value is None else str(value)
    return EntityDetail(
        fields,
        {c.name: c.label for c in COLUMNS.columns},
        [ClassChange(h.risk_class, h.effective_date, h.source) for h in history],
    )


_TYPED = (Kind.BOOL, Kind.DATE)
"""Column kinds read back as Python values (bool, date), as the ORM would give them."""


def class_on(session: Session, uscc: str, day: dt.date, model: str | None = None) -> str | None:
    """The risk class an entity had on ``day`` (None if none was recorded by then): the imported class,
    or the one ``model`` computed (the two kinds share the history, told apart by their source)."""
    from sqlalchemy import select

    from creditcli.db.models import Entity, EntityClassHistory

    code = codes.normalise(uscc)
    source = EntityClassHistory.source
    which = source.not_like("model:%") if model is None else source.like(f"model:{model}@%")
    row = session.execute(
        select(EntityClassHistory.risk_class)
        .join(Entity, Entity.id == EntityClassHistory.entity_id)
        .where(Entity.uscc == code, EntityClassHistory.effective_date <= day, which)
        .order_by(EntityClassHistory.effective_date.desc(), EntityClassHistory.id.desc())
        .limit(1)
    ).first()
    return None if row is None else str(row[0])
