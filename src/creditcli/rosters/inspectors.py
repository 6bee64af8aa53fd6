"""执法检查人员名录库 with experts and third-party agency staff (domain.md §4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from creditcli.io.columns import NAME_LEN, Column, ColumnSet, Kind
from creditcli.io.writers import Table
from creditcli.rosters.importer import Pending, RosterSpec
from creditcli.rosters.query import Filter, roster_table
from creditcli.rosters.validate import Validated

OFFICER = "执法人员"
KINDS = {
    "执法人员": OFFICER,
    "行政执法人员": OFFICER,
    "执法": OFFICER,
    "officer": OFFICER,
    "专家": "专家",
    "专家学者": "专家",
    "expert": "专家",
    "第三方机构人员": "第三方机构人员",
    "第三方": "第三方机构人员",
    "第三方机构": "第三方机构人员",
    "第三方专业机构": "第三方机构人员",
    "agency": "第三方机构人员",
}
ON_DUTY = "在岗"
STATUSES = {
    "在岗": ON_DUTY,
    "在职": ON_DUTY,
    "active": ON_DUTY,
    "离岗": "离岗",
    "leave": "离岗",
    "停用": "停用",
    "disabled": "停用",
}

COLUMNS = ColumnSet(
    (
        # Required of officers only (_fill_codes): an expert or agency person without one is numbered.
        Column("code", "执法证号", ("人员编号", "编号", "证号", "执法证编号", "id"), Kind.CODE, max_len=64),
        Column("name", "姓名", ("人员姓名",), required=True, max_len=NAME_LEN),
        Column("kind", "人员类别", ("类别", "人员类型", "kind"), Kind.CHOICE, choices=KINDS, default=OFFICER),
        Column("unit", "单位", ("所在单位", "工作单位"), max_len=NAME_LEN),
        Column("station", "所属监管所", ("监管所", "所属单位", "科室", "station"), max_len=NAME_LEN),
        Column("position", "岗位", ("职务",), max_len=NAME_LEN),
        Column("qualifications", "资质", ("业务专长", "专业资质", "资质标签", "qualifications"), Kind.TAGS),
        Column(
            "cert_expiry",
            "执法证有效期至",
            ("证件有效期", "有效期至", "执法证有效期", "cert_expiry"),
            Kind.DATE,
        ),
        Column("status", "状态", ("在岗状态", "人员状态"), Kind.CHOICE, choices=STATUSES, default=ON_DUTY),
    )
)
LIST_COLUMNS = ("code", "name", "kind", "station", "qualifications", "cert_expiry", "status")


def _require_expiry(p: Pending) -> None:
    """Only certified officers may inspect (国办发〔2024〕54号): a new officer needs an expiry date."""
    from creditcli.errors import Problem

    if not len(p.new):
        return  # a file that only updates known people (e.g. new expiry dates) may leave 人员类别 out
    v = p.validated
    expiry = v.frame["cert_expiry"].to_numpy() if "cert_expiry" in v.frame else None
    kinds = v.frame["kind"].to_numpy()
    header = v.headers.get("cert_expiry", "执法证有效期至")
    for pos in p.new.tolist():
        if kinds[pos] == OFFICER and (expiry is None or not expiry[pos]):
            v.problems.append(Problem(int(v.rows[pos]), header, "", "执法人员须填写执法证有效期"))


GENERATED_PREFIX = {"专家": "ZJ-", "第三方机构人员": "DSF-"}
"""The code given to an expert (ZJ-…) or agency person (DSF-…) whose row has no 执法证号."""


def generated_code(kind: str, name: str, unit: str) -> str:
    """A stable code for a person without 执法证号: the same kind, name and unit give the same code in
    every import, so a re-imported list updates the same records."""
    import hashlib

    digest = hashlib.sha256(f"{kind}\x1f{name}\x1f{unit}".encode()).hexdigest()[:10].upper()
    return GENERATED_PREFIX[kind] + digest


def _fill_codes(session: Session, v: Validated) -> None:
    """An officer must have a 执法证号; an expert or agency person without one gets :func:`generated_code`."""
    import numpy as np

    empty = np.flatnonzero((v.frame["code"] == "").to_numpy())
    if not len(empty):
        return
    frame = v.frame
    kinds = frame["kind"].tolist() if "kind" in frame else [""] * len(frame)
    names = frame["name"].tolist() if "name" in frame else [""] * len(frame)
    units = frame["unit"].tolist() if "unit" in frame else [""] * len(frame)
    codes = frame["code"].tolist()
    taken = {c: int(v.rows[i]) for i, c in enumerate(codes) if c}
    officers = []
    for pos in empty.tolist():
        kind, name = kinds[pos], names[pos]
        if kind not in GENERATED_PREFIX or not name:
            officers.append(pos)
            continue
        code = generated_code(kind, name, units[pos])
        row = int(v.rows[pos])
        if code in taken:
            v.problem(
                np.array([pos]),
                "code",
                f"与第 {taken[code]} 行为同一人（人员类别、姓名、单位相同）：请填写执法证号以区分",
            )
            continue
        taken[code] = row
        codes[pos] = code
        v.notes.append(
            f"第 {row} 行{kind} {name} 未填执法证号：已编号 {code}（同一人员类别、姓名和单位每次得到同一编号）"
        )
    frame["code"] = codes
    v.problem(
        np.array(officers, dtype=np.int64),
        "code",
        "不能为空（执法人员须填写执法证号；专家和第三方机构人员可留空，自动编号）",
    )


SPEC = RosterSpec(
    name="inspectors",
    label="执法检查人员",
    table="inspectors",
    columns=COLUMNS,
    key=("code",),
    prepare=_require_expiry,
    resolve=_fill_codes,
)


@dataclass(frozen=True)
class InspectorFilter:
    kind: str | None = None
    status: str | None = None
    station: str | None = None
    qualification: str | None = None
    name: str | None = None

    def to_filter(self) -> Filter:
        return (
            Filter()
            .equals("kind", self.kind)
            .equals("status", self.status)
            .equals("station", self.station)
            .has_tag("qualifications", self.qualification)
            .contains("name", self.name)
        )


def inspector_table(session: Session, flt: InspectorFilter, limit: int | None = None, brief: bool = False) -> Table:
    return roster_table(
        session,
        "inspectors",
        COLUMNS,
        flt.to_filter(),
        ["code"],
        "creditcli.inspectors/1",
        limit,
        LIST_COLUMNS if brief else None,
    )


LABELS = {c.name: c.label for c in COLUMNS.columns}


def get_inspector(session: Session, code: str) -> dict[str, str]:
    from creditcli.errors import InputMissingError
    from creditcli.rosters.codes import normalise

    for typed in dict.fromkeys((normalise(code), code.strip())):  # (a record stored before keys were normalised)
        table = roster_table(
            session, "inspectors", COLUMNS, Filter().equals("code", typed), ["code"], "creditcli.inspector/1"
        )
        for frame in table.chunks:
            return {str(k): str(v) for k, v in frame.iloc[0].to_dict().items()}
    raise InputMissingError(f"名录中没有执法证号为 {normalise(code)} 的人员")
