"""The draw's documents on paper (.docx): the 随机抽取前公告 and the 随机抽取证书.

Built from the stored records only (the freeze, the draw's certificate), so a document printed today says
what was filed then. Plain Chinese in the body; the formulas go to an appendix.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.db import bulk
from creditcli.db.models import Item, PoolFreeze, Task
from creditcli.draw.records import find_draw
from creditcli.draw.spec import TaskSpec
from creditcli.draw.tasks import spec_of
from creditcli.draw.terms import WEIGHTED, class_label
from creditcli.errors import StateError
from creditcli.io.paper import Paper

METHOD_TEXT = (
    "本次抽取不由任何人挑选。每一户检查对象都有一个“签号”，它是 0 到 1 之间的一个数，由公开的随机种子和该户的"
    "统一社会信用代码按国际通用的 SHA-256 算法计算得出，任何人用同样的种子和代码都会算出同样的签号。"
    "抽取时，在每一个分类中按签号从小到大取足公告的户数，签号相同时按统一社会信用代码的先后决定。"
)
SEED_TEXT = (
    "抽取范围已经冻结，本公告公布了它的户数和摘要，此后名单不能再增删。随机种子在本公告发布之后才在抽取现场"
    "当众以十面骰子逐位掷出（至少 20 位），因此事先没有任何人能够知道哪一户会被抽中；抽取结束后，任何人都可以用"
    "公开的种子重新计算并核对结果。"
)
WEIGHTED_TEXT = "按分类加权抽取时，各分类的入样概率与公告的权重成比例，签号先按入样概率换算再排序。"
FORMULAS = [
    "种子摘要 = SHA-256(随机种子)，以小写十六进制表示；",
    "h = SHA-256(种子摘要 + 统一社会信用代码) 作为整数；",
    "签号 = “0.” + 把 h 写成 64 位十进制数后倒序；签号小者优先；",
    "按分类比例抽取：分类 c 有 n 户、比例为 r 时抽取 ⌈n × r⌉ 户（另有最少、最多户数时从之）；",
    "按分类加权抽取（Pareto πps）：入样概率 λ = k·w / Σw（λ ≥ 1 者必中，其余重新按比例计算），"
    "排序值 Q = (u / (1 − u)) / (λ / (1 − λ))，u 为签号，取 Q 最小的 k 户。",
]


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def item_names(session: Session, spec: TaskSpec) -> str:
    names = {c: n for c, n in session.execute(select(Item.code, Item.name).where(Item.code.in_(spec.items)))}
    return "、".join(names.get(c, c) for c in spec.items) or "（未指定）"


def task_rows(session: Session, spec: TaskSpec) -> list[list[str]]:
    rows = [
        ["任务编号", spec.code],
        ["任务名称", spec.name],
        ["抽查类型", f"{spec.task_type}抽查"],
        ["抽查事项", item_names(session, spec)],
        ["检查时间", f"{chinese_date(spec.window_start)}至{chinese_date(spec.window_end)}"],
    ]
    if spec.plan_code or spec.plan_name:
        rows.insert(0, ["抽查计划", f"{spec.plan_code} {spec.plan_name}".strip()])
    if spec.scope:
        rows.append(["抽查对象范围", spec.scope])
    return [["项目", "内容"], *rows]


def notice(session: Session, task: Task, authority: str, doc_no: str = "", draw_at: str = "") -> Paper:
    """随机抽取前公告: the task, the frozen pool's per-class counts and digest, when and how the seed is made."""
    spec = spec_of(task)
    frozen = session.scalar(select(PoolFreeze).where(PoolFreeze.task_id == task.id).order_by(PoolFreeze.seq.desc()))
    if frozen is None:
        raise StateError(f"任务 {task.code} 的抽取范围尚未冻结，还不能出具抽取前公告（先用 creditcli tasks freeze）")
    sizes: dict[str, int] = json.loads(frozen.strata)
    paper = Paper().title("随机抽取前公告")
    if doc_no:
        paper.subtitle(doc_no)
    paper.text(
        f"为做好{spec.name}工作，{authority}将以“双随机、一公开”方式从下列范围内随机抽取检查对象。"
        "现将抽取范围和抽取方法公告如下。"
    )
    paper.heading("一、抽查任务").table(task_rows(session, spec), widths=(40, 116))
    paper.heading("二、抽取范围")
    paper.text(
        f"抽取范围于{chinese_date(frozen.frozen_at.date())}{frozen.frozen_at:%H:%M}冻结，共 {frozen.pool_size} 户"
        + (f"（另有 {frozen.excluded} 户依规定排除）" if frozen.excluded else "")
        + "，各分类户数如下："
    )
    roots = json.loads(frozen.roots) if frozen.algorithm_version == 2 and frozen.roots else None
    if roots is None:
        rows = [
            ["分类", "户数"],
            *([class_label(c), str(n)] for c, n in sizes.items()),
            ["合计", str(frozen.pool_size)],
        ]
        paper.table(rows, widths=(78, 78))
    else:  # version 2 (domain.md §8b): each class's root is published with its count, before the seed
        rows = [["分类", "户数", "承诺根（SHA-256）"]]
        rows += [[class_label(c), str(n), str(roots.get(c, ""))] for c, n in sizes.items()]
        rows.append(["合计", str(frozen.pool_size), ""])
        paper.table(rows, widths=(20, 20, 116))
        paper.text(
            "抽取算法：第 2 版（加盐签号）。每户的签号由其统一社会信用代码和冻结时确定的保密盐值计算，"
            "各分类的承诺根如上表。"
        )
    paper.text(f"抽取范围摘要（SHA-256）：{frozen.pool_digest}")
    paper.text(f"冻结经办人：{frozen.operator}")  # who froze it (issue 16 §5: --operator, not the login)
    paper.heading("三、抽取时间和地点")
    paper.text(f"抽取将于{draw_at}公开进行，欢迎监督。" if draw_at else "抽取的时间和地点另行通知，欢迎监督。")
    paper.heading("四、抽取方法")
    paper.text(SEED_TEXT).text(METHOD_TEXT)
    if spec.mode == WEIGHTED:
        paper.text(WEIGHTED_TEXT)
    paper.text("计算方法见附件，抽取结果可由任何人复核。")
    paper.closing(authority, chinese_date(clock.today()))
    paper.page_break().plain("附件").heading("签号的计算方法")
    for n, line in enumerate(FORMULAS, start=1):
        paper.text(f"{n}. {line}")
    return paper


def certificate(
    session: Session, task: Task, authority: str, *, public: bool, seq: int | None = None, head: str | None = None
) -> Paper:
    """随机抽取证书: internal (classes, ranks, tickets: for 监督人员、上级机关、审计) or public (neither);
    ``head``: the audit chain's head (``SEQ:HASH``) as the document is made (docs/verify.md §7)."""
    spec = spec_of(task)
    draw = find_draw(session, task, seq)
    cert: dict[str, Any] = json.loads(draw.certificate)
    usccs = [p["uscc"] for p in cert["selected"]]
    names = {u: n for u, n in bulk.fetch_where_in(session, "SELECT uscc, name FROM entities", "uscc", usccs)}
    paper = Paper().title("随机抽取证书" + ("" if public else "（内部）"))
    if not public:
        paper.plain("本证书载有检查对象的信用风险分类和签号，仅供监督人员、上级机关、审计查阅，不得公开。")
    paper.heading("一、抽查任务").table(task_rows(session, spec), widths=(40, 116))
    paper.heading("二、抽取记录")
    record = [
        ["项目", "内容"],
        [
            "抽取序号",
            f"第 {cert['draw_seq']} 次" + (f"（取代第 {cert['supersedes']} 次）" if cert["supersedes"] else ""),
        ],
        ["随机种子", cert["seed"]],
        ["抽取方法", f"{cert['algorithm']} 第 {cert['algorithm_version']} 版"],
        ["抽取范围摘要", cert["pool_digest"]],
        ["抽取范围户数", f"{cert['pool_size']} 户（另排除 {cert['excluded']} 户）"],
        ["冻结时间", cert["frozen_at"].replace("T", " ")],
        ["抽取时间", cert["drawn_at"].replace("T", " ")],
        ["操作人", cert["operator"]],
    ]
    if head is not None:
        record.append(["写出时的审计链头", head])
    paper.table(record, widths=(40, 116))
    paper.heading("三、各分类抽取数")
    strata = [
        ["分类", "户数", "抽取数"],
        *([class_label(s["risk_class"]), str(s["n"]), str(s["k"])] for s in cert["strata"]),
    ]
    paper.table(strata, widths=(52, 52, 52))
    paper.heading("四、抽中名单")
    if public:
        rows = [["序号", "企业名称", "统一社会信用代码"]]
        ordered = sorted(cert["selected"], key=lambda p: p["uscc"])
        rows += [[str(n), names.get(p["uscc"], ""), p["uscc"]] for n, p in enumerate(ordered, start=1)]
        paper.table(rows, widths=(14, 92, 50))
    else:
        rows = [["序号", "企业名称", "统一社会信用代码", "分类", "名次", "签号（前 12 位）"]]
        rows += [
            [
                str(n),
                names.get(p["uscc"], ""),
                p["uscc"],
                class_label(p["risk_class"]),
                str(p["rank"]),
                p["ticket"][:14],
            ]
            for n, p in enumerate(cert["selected"], start=1)
        ]
        paper.table(rows, widths=(9, 41, 48, 14, 14, 30))
    paper.text(f"抽查事项：{item_names(session, spec)}。")
    paper.signatures("经办人", "监督人", "见证人")
    paper.closing(authority, chinese_date(clock.today()))
    return paper
