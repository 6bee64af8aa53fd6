"""The import of the entity roster (domain.md §2): its ``SPEC`` and the hooks the importer calls
(bad check characters, the derived entity type, the class history). The columns and the queries are
rosters/entities.py, which a read imports without pandas or numpy (start-up)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Date, DateTime, bindparam, text
from sqlalchemy.orm import Session

from creditcli.db import bulk
from creditcli.rosters import codes
from creditcli.rosters.entities import COLUMNS
from creditcli.rosters.importer import Pending, RosterSpec
from creditcli.rosters.validate import Validated


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
