"""Human-readable documents for filing and signing: the pre-draw notice and the draw certificate."""

from __future__ import annotations

from typing import Any

from creditcli.draw.spec import TaskSpec
from creditcli.draw.terms import class_label

ALGORITHM = "creditcli-consistent-sampling"


def _task_lines(spec: TaskSpec) -> list[str]:
    scope = spec.pool
    parts = [
        f"- 任务编号：{spec.code}",
        f"- 任务名称：{spec.name}",
        f"- 抽查计划：{spec.plan_code} {spec.plan_name}".rstrip(),
        f"- 抽查类型：{spec.task_type}",
        f"- 抽查事项：{'、'.join(spec.items) or '（未指定）'}",
        f"- 检查时间：{spec.window_start} 至 {spec.window_end}",
        f"- 发起部门：{spec.organiser or '—'}；实施部门：{spec.implementer or '—'}",
    ]
    if spec.class_model is not None:
        parts.append(f"- 分层所用分类：本局信用风险分类模型 {spec.class_model} 计算的分类（内部使用，不公开）")
    filters = [
        ("主体类型", "、".join(scope.entity_types)),
        ("管辖单位", "、".join(scope.stations)),
        ("行业代码前缀", "、".join(scope.industry_prefixes)),
        ("标签", "、".join(scope.tags)),
        ("成立日期自", str(scope.registered_from or "")),
        ("成立日期至", str(scope.registered_to or "")),
    ]
    given = [f"{k} {v}" for k, v in filters if v]
    parts.append(f"- 抽查范围：{'；'.join(given) if given else '全部登记状态为存续的检查对象'}")
    if spec.scope:
        parts.append(f"- 范围说明：{spec.scope}")
    return parts


def _parameter_lines(mode: str, parameters: dict[str, Any]) -> list[str]:
    if mode == "weighted":
        weights = "，".join(f"{class_label(k)}={v}" for k, v in parameters["weights"].items())
        return [f"- 抽取方式：按信用风险分类加权（Pareto πps），共抽取 {parameters['count']} 户；权重 {weights}"]
    ratios = "，".join(f"{class_label(k)}={v}" for k, v in parameters["ratios"].items())
    lines = [f"- 抽取方式：按信用风险分类分层抽取，各类抽取比例 {ratios}（抽取数 = ⌈户数 × 比例⌉）"]
    for key, label in (("minimum", "最少"), ("maximum", "最多")):
        if parameters[key]:
            lines.append(
                f"- 各类{label}抽取：" + "，".join(f"{class_label(k)}={v}" for k, v in parameters[key].items())
            )
    return lines


def pre_draw_notice(
    spec: TaskSpec,
    parameters: dict[str, Any],
    digest: str,
    sizes: dict[str, int],
    excluded: dict[str, int],
    when: str,
    operator: str = "",
    roots: dict[str, str] | None = None,
) -> str:
    """抽取前公告: filed or published before the seed is rolled, so the pool cannot change afterwards.

    ``roots`` (algorithm version 2, domain.md §8b): each class's Merkle root, published with its count.
    """
    lines = ["# 随机抽取前公告（抽取范围已冻结）", "", *_task_lines(spec), *_parameter_lines(spec.mode, parameters)]
    if roots is None:
        lines += ["", "## 抽取范围", "", "| 信用风险分类 | 户数 |", "|---|---:|"]
        lines += [f"| {class_label(c)} | {n} |" for c, n in sizes.items()]
        lines += [f"| 合计 | {sum(sizes.values())} |", ""]
    else:
        lines += [f"- 抽取算法：{ALGORITHM} 第 2 版（加盐签号，docs/verify.md）"]
        lines += ["", "## 抽取范围", "", "| 信用风险分类 | 户数 n | 承诺根 root（SHA-256 Merkle 树） |"]
        lines += ["|---|---:|---|"]
        lines += [f"| {class_label(c)} | {n} | `{roots.get(c, '')}` |" for c, n in sizes.items()]
        lines += [f"| 合计 | {sum(sizes.values())} | |", ""]
        lines += [
            "各分类的承诺根在种子产生之前公布：每户的签号由其统一社会信用代码加上一个保密的“盐值”计算，"
            "盐值已随抽取范围冻结，此后不能更改；抽取后，每户可凭本局出具的抽取凭证核对自己的签号和分类承诺根。",
            "",
        ]
    if excluded:
        lines += ["已排除：" + "；".join(f"{k} {v} 户" for k, v in excluded.items()), ""]
    lines += [
        f"抽取范围摘要（SHA-256，按统一社会信用代码排序的“代码,分类”行）：`{digest}`",
        "",
        f"冻结时间：{when}；操作人：{operator or '—'}",
        "",
        "随机种子将在本公告发布后，以公开方式（十面骰子逐位掷出，至少 20 位）产生。",
        "抽取方法与复核方式见 docs/verify.md：任何人可用抽取证书和抽取范围文件重新计算结果。",
        "",
    ]
    return "\n".join(lines)


INTERNAL_NOTE = (
    "> 内部文件：含每户的信用风险分类与签号，仅供监督人员、上级机关、审计（纪检）复核，不得公开或交给被抽查企业；"
    "对外请用 creditcli tasks certificate --public 写出的公开版。"
)


def _head_line(head: dict[str, Any] | None) -> list[str]:
    if head is None:
        return []
    return [f"- 写出时的审计链头：`{head['head']}`（creditcli audit verify --head 可核对日志仍含此条）"]


def _draw_lines(cert: dict[str, Any]) -> list[str]:
    """Which draw and its seed, as both certificates (internal and public) state them."""
    supersedes = f"（取代第 {cert['supersedes']} 次）" if cert["supersedes"] else ""
    return [
        f"- 抽取序号：第 {cert['draw_seq']} 次{supersedes}",
        f"- 随机种子：`{cert['seed']}`" + ("（系统生成）" if cert["seed_generated"] else ""),
    ]


def _pool_lines(cert: dict[str, Any]) -> list[str]:
    """The frozen pool, when and by whom, as both certificates state them."""
    return [
        f"- 抽取范围摘要：`{cert['pool_digest']}`（{cert['pool_size']} 户，另排除 {cert['excluded']} 户）",
        f"- 冻结时间：{cert['frozen_at']}；抽取时间：{cert['drawn_at']}；操作人：{cert['operator']}",
    ]


def certificate_markdown(cert: dict[str, Any], spec: TaskSpec, head: dict[str, Any] | None = None) -> str:
    """The signed, filed version of the certificate JSON (电子固化记录); internal (domain.md §8)."""
    lines = [
        "# 随机抽取证书（内部）",
        "",
        INTERNAL_NOTE,
        "",
        *_task_lines(spec),
        *_parameter_lines(cert["mode"], cert["parameters"]),
        *_draw_lines(cert),
        f"- 算法：{cert['algorithm']} 第 {cert['algorithm_version']} 版",
        *_pool_lines(cert),
        f"- 程序版本：creditcli {cert['tool_version']}",
        *_head_line(head),
        "",
        "## 各类抽取数",
        "",
        "| 信用风险分类 | 户数 n | 抽取数 k | 入样概率 |",
        "|---|---:|---:|---:|",
    ]
    for s in cert["strata"]:
        lines.append(f"| {class_label(s['risk_class'])} | {s['n']} | {s['k']} | {s['inclusion']} |")
    lines += _salted_lines(cert)
    lines += [
        "",
        "## 抽中名单",
        "",
        "| 序号 | 分类 | 名次 | 统一社会信用代码 | 签号（前 20 位） |",
        "|---:|---|---:|---|---|",
    ]
    for i, p in enumerate(cert["selected"], start=1):
        lines.append(f"| {i} | {class_label(p['risk_class'])} | {p['rank']} | {p['uscc']} | {p['ticket'][:22]} |")
    lines += [
        "",
        "复核方法见 docs/verify.md。",
        "",
        "经办人签字：____________    监督人签字：____________    日期：__________",
        "",
    ]
    return "\n".join(lines)


def public_markdown(cert: dict[str, Any], spec: TaskSpec) -> str:
    """The public certificate for publishing and for the entities drawn: counts per class, no entity's
    class, ticket or rank (domain.md §3, §8). ``cert["selected"]``: (code, name) in code order."""
    lines = [
        "# 随机抽取证书（公开版）",
        "",
        "本证书可向社会和被抽查企业公开：不含任何一户的信用风险分类、签号或名次。",
        "",
        *_task_lines(spec),
        *_parameter_lines(cert["mode"], cert["parameters"]),
        *_draw_lines(cert),
        f"- 算法：{cert['algorithm']} 第 {cert['algorithm_version']} 版（docs/verify.md）",
        *_pool_lines(cert),
        f"- 程序版本：creditcli {cert['tool_version']}；本证书写出时间：{cert['written_at']}",
        *_head_line(cert["audit_head"]),
        "",
        "## 各类户数与抽取数",
        "",
        "| 信用风险分类 | 户数 n | 抽取数 k |",
        "|---|---:|---:|",
    ]
    lines += [f"| {class_label(s['risk_class'])} | {s['n']} | {s['k']} |" for s in cert["strata"]]
    lines += _salted_lines(cert)
    lines += [
        "",
        f"## 抽中名单（{cert['selected_count']} 户，按统一社会信用代码排序）",
        "",
        "| 序号 | 统一社会信用代码 | 名称 |",
        "|---:|---|---|",
    ]
    for i, (uscc, name) in enumerate(cert["selected"], start=1):
        lines.append(f"| {i} | {uscc} | {_cell(name)} |")
    lines += [
        "",
        "公众可核对：抽取前公告中的抽取范围摘要与本证书相同（种子在摘要公布之后产生）；各类抽取数符合公布的比例。",
        "",
    ]
    return "\n".join(lines)


def _salted_lines(cert: dict[str, Any]) -> list[str]:
    """Version 2 (domain.md §8b): each class's Merkle root, published before the seed, and its threshold
    (the ticket of the k-th selected; weighted: the largest Pareto key selected), as both certificates
    state them."""
    if cert["algorithm_version"] != 2:
        return []
    weighted = cert["mode"] == "weighted"
    lines = [
        "",
        "## 各类承诺根与阈值（第 2 版算法：加盐签号）",
        "",
        "| 信用风险分类 | 承诺根 root | " + ("入样概率 λ |" if weighted else "阈值（第 k 个抽中的签号） |"),
        "|---|---|---|",
    ]
    for s in cert["strata"]:
        limit = s.get("inclusion", s.get("lambda")) if weighted else s["threshold"]
        lines.append(f"| {class_label(s['risk_class'])} | `{s['root']}` | {limit if limit is not None else '—'} |")
    if weighted:
        lines += ["", f"排序值阈值 threshold_key（抽中者中 λ < 1 的最大排序值）：`{cert['threshold_key']}`"]
    lines += [
        "",
        "每户的签号由其统一社会信用代码和冻结时确定的保密盐值计算；各户可凭本局出具的抽取凭证，"
        "核对自己在所属分类承诺根下的位置、签号及是否抽中（docs/verify.md）。",
    ]
    return lines


def _cell(value: str) -> str:
    return value.replace("|", "｜").replace("\n", " ")
