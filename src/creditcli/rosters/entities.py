"""检查对象名录库 (domain.md §2): columns, import hooks, class history, queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Date, DateTime, bindparam, select, text
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.db.models import Entity, EntityClassHistory
from creditcli.errors import InputMissingError
from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.dates import FOUNDED, RECORDED
from creditcli.io.writers import Table
from creditcli.rosters import codes
from creditcli.rosters.importer import Pending, RosterSpec
from creditcli.rosters.query import Filter, roster_table
from creditcli.rosters.terms import ACTIVE
from creditcli.rosters.validate import Validated

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


def _mark_bad_checksums(_session: Session, v: Validated) -> None:
    """Codes accepted with --accept-bad-checksum carry a warning on the entity (domain.md §2)."""
    if not v.bad_checksum:
        return
    warning = np.full(len(v.frame), "", dtype=object)
    for pos, want in v.bad_checksum.items():
        warning[pos] = f"统一社会信用代码校验位不符（应为 {want}），按 --accept-bad-checksum 导入"
    v.frame["warning"] = warning
    v.frame["warning"] = v.frame["warning"].astype("str")


def _prepare(p: Pending) -> None:
    _derive_entity_type(p)
    _warn_older_classification(p)


def _warn_older_classification(p: Pending) -> None:
    """An older class file imported after a newer one is usually a mistake: say so, but obey the file."""
    v = p.validated
    if "risk_class_date" not in v.frame:
        return
    changed = np.flatnonzero(p.changed)  # only changed records have a stored date that differs
    new = v.frame["risk_class_date"].iloc[changed].to_numpy(dtype=object)
    old = p.old("risk_class_date", changed)
    older = np.flatnonzero((new != "") & (old != "") & (new < old))
    if len(older):
        first = older[0]
        p.warnings.append(
            f"{len(older)} 条记录的分类日期早于库中已有的分类日期（如第 {int(v.rows[changed[first]])} 行 "
            f"{new[first]} < {old[first]}），已按文件更新；请确认导入的不是旧文件"
        )


def _derive_entity_type(p: Pending) -> None:
    """主体类型 can be read off the code's 2nd–3rd characters (91 企业, 92 个体工商户, 93 合作社)."""
    v = p.validated
    p.add_insert_only("entity_type")
    missing = p.new[(v.frame["entity_type"] == "").to_numpy(dtype=bool)[p.new]]
    if not len(missing):
        return
    types = v.frame["entity_type"].to_numpy(dtype=object)
    prefix = v.frame["uscc"].to_numpy(dtype=object)[missing]
    for pos, code in zip(missing.tolist(), prefix.tolist(), strict=True):
        types[pos] = codes.ENTITY_TYPE_BY_CATEGORY.get(code[:2], "")
    v.frame["entity_type"] = types
    v.frame["entity_type"] = v.frame["entity_type"].astype("str")


def _record_class_history(session: Session, p: Pending) -> None:
    """Keep every class change with its date, so that "the class on date D" can be answered."""
    v = p.validated
    if "risk_class" not in v.frame:
        return
    today = p.now.date().isoformat()
    source = f"导入 {p.source}"
    stamp = bulk.timestamp(session, p.now)
    if len(p.new):
        # New records: copied inside the database, so 1M classes never travel through Python.
        date = "coalesce(risk_class_date, :today)" if "risk_class_date" in v.frame else ":today"
        session.execute(
            text(
                "INSERT INTO entity_class_history (entity_id, risk_class, effective_date, source, recorded_at) "
                f"SELECT id, risk_class, {date}, :source, :stamp FROM entities "
                "WHERE id > :max_id AND risk_class IS NOT NULL"
            ).bindparams(bindparam("today", type_=Date), bindparam("stamp", type_=DateTime)),
            {"today": p.now.date(), "source": source, "stamp": p.now, "max_id": p.max_id_before},
        )
    changed = np.flatnonzero(p.changed)
    new_class = v.frame["risk_class"].iloc[changed].to_numpy(dtype=object)
    hit = (new_class != "") & (new_class != p.old("risk_class", changed))
    moved = changed[hit]
    if not len(moved):
        return
    dates = v.frame["risk_class_date"].iloc[moved].tolist() if "risk_class_date" in v.frame else None
    ids = p.ids[moved].tolist()
    classes = new_class[hit].tolist()
    days = dates if dates is not None else [""] * len(moved)
    rows = ((entity_id, klass, day or today) for entity_id, klass, day in zip(ids, classes, days, strict=True))
    bulk.insert_rows(
        session,
        "entity_class_history",
        ["entity_id", "risk_class", "effective_date"],
        rows,
        {"source": source, "recorded_at": stamp},
    )


SPEC = RosterSpec(
    name="entities",
    label="检查对象",
    table="entities",
    columns=COLUMNS,
    key=("uscc",),
    resolve=_mark_bad_checksums,
    prepare=_prepare,
    after_write=_record_class_history,
)


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


def entity_table(session: Session, flt: EntityFilter, limit: int | None = None, brief: bool = False) -> Table:
    return roster_table(
        session,
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


def get_entity(session: Session, uscc: str) -> EntityDetail:
    code = codes.normalise(uscc)
    entity = session.scalars(select(Entity).where(Entity.uscc == code)).one_or_none()
    if entity is None:
        raise InputMissingError(f"名录中没有统一社会信用代码为 {code} 的检查对象")
    history = session.scalars(
        select(EntityClassHistory)
        .where(EntityClassHistory.entity_id == entity.id)
        .order_by(EntityClassHistory.effective_date, EntityClassHistory.id)
    ).all()
    fields = {}
    for col in COLUMNS.columns:
        value = getattr(entity, col.name)
        if col.kind is Kind.BOOL:
            fields[col.name] = "是" if value else "否"
        else:
            fields[col.name] = "" if value is None else str(value)
    return EntityDetail(
        fields,
        {c.name: c.label for c in COLUMNS.columns},
        [ClassChange(h.risk_class, h.effective_date, h.source) for h in history],
    )


def class_on(session: Session, uscc: str, day: dt.date, model: str | None = None) -> str | None:
    """The risk class an entity had on ``day`` (None if none was recorded by then): the imported class,
    or the one ``model`` computed (the two kinds share the history, told apart by their source)."""
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
