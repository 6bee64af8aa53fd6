"""creditcli tasks …: 抽查任务的创建、冻结、抽取、复核与抽取证书."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from creditcli.cli import task_options as T
from creditcli.cli import teams
from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CodeArg, FormatOpt, SeqOpt, UsccArg, date_option, in_range
from creditcli.cli.progress import working
from creditcli.cli.render import command_hint, render_record, render_table, to_jsonable

app = CreditTyper(
    name="tasks",
    help="抽查任务：创建、冻结抽取范围、随机抽取、复核、抽取证书。",
    epilog="示例：creditcli tasks create 2026-001 --name 食品生产企业抽查 --window 2026-03-01:2026-06-30",
)


@app.command("create")
def create(
    ctx: typer.Context,
    code: T.Code = None,
    from_file: T.FromFile = None,
    name: T.Name = None,
    plan_code: T.PlanCode = None,
    plan_name: T.PlanName = None,
    task_type: T.TaskType = None,
    item: T.Items = None,
    organiser: T.Organiser = None,
    implementer: T.Implementer = None,
    authority: T.Authority = None,
    window: T.Window = None,
    team_size: T.TeamSize = None,
    scope: T.Scope = None,
    entity_type: T.EntityTypes = None,
    station: T.Stations = None,
    industry: T.Industries = None,
    tag: T.Tags = None,
    registered_from: T.RegisteredFrom = None,
    registered_to: T.RegisteredTo = None,
    include_inactive: T.IncludeInactive = False,
    exclude_drawn_within: T.ExcludeDrawnWithin = None,
    exclude: T.Exclude = None,
    mode: T.Mode = None,
    ratio: T.Ratios = None,
    minimum: T.Minimum = None,
    maximum: T.Maximum = None,
    count: T.Count = None,
    weight: T.Weights = None,
    class_source: T.ClassSource = None,
    fmt: FormatOpt = None,
) -> None:
    """创建抽查任务（参数在创建时检查并固定）。"""
    from creditcli.actions import tasks
    from creditcli.draw.tasks import parse_pairs, parse_window
    from creditcli.draw.views import DETAIL_LABELS

    app_ctx = AppContext.from_typer(ctx)
    given: dict[str, Any] = {
        "code": code,
        "name": name,
        "plan_code": plan_code,
        "plan_name": plan_name,
        "task_type": task_type,
        "items": item or None,
        "organiser": organiser,
        "implementer": implementer,
        "authority": authority,
        "window": parse_window(window) if window else None,
        "team_size": team_size,
        "scope": scope,
        "exclude_inactive": False if include_inactive else None,
        "exclude_drawn_within": exclude_drawn_within,
        "exclude_file": exclude,
        "mode": mode,
        "ratios": parse_pairs(ratio, "--ratio") if ratio else None,
        "minimum": parse_pairs(minimum, "--min") if minimum else None,
        "maximum": parse_pairs(maximum, "--max") if maximum else None,
        "count": count,
        "weights": parse_pairs(weight, "--weight") if weight else None,
        "class_source": class_source,
        "pool": {
            "entity_types": entity_type,
            "stations": station,
            "industry_prefixes": industry,
            "tags": tag,
            "registered_from": date_option(registered_from, "--registered-from"),
            "registered_to": date_option(registered_to, "--registered-to"),
        },
    }
    detail = tasks.create(app_ctx.store, given, from_file)
    app_ctx.info(f"已创建抽查任务 {detail['code']}：{detail['name']}")
    render_record(app_ctx, "creditcli.task/1", detail, DETAIL_LABELS, app_ctx.format(fmt))


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """列出抽查任务及其状态。"""
    from creditcli.actions import tasks

    app_ctx = AppContext.from_typer(ctx)
    render_table(app_ctx, tasks.listing(app_ctx.store), app_ctx.format(fmt))


@app.command("show")
def show(
    ctx: typer.Context,
    code: CodeArg,
    selected: Annotated[
        bool, typer.Option("--selected", help="列出抽中的检查对象（签号顺序、名称、管辖单位、检查组）")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """显示一个抽查任务：参数、冻结范围、抽取结果和各类入样概率（内部使用）。"""
    from creditcli.actions import tasks
    from creditcli.draw.views import DETAIL_LABELS, strata_table

    app_ctx = AppContext.from_typer(ctx)
    out = app_ctx.format(fmt)
    if selected:
        render_table(app_ctx, tasks.selected(app_ctx.store, code), out)
        return
    detail = tasks.detail(app_ctx.store, code)
    if out is OutputFormat.table:
        shown = {**detail, **parameter_lines(detail)}
        render_record(app_ctx, "creditcli.task/1", shown, {**DETAIL_LABELS, **PARAMETER_LABELS}, out)
    else:
        render_record(app_ctx, "creditcli.task/1", detail, DETAIL_LABELS, out)
    if out is OutputFormat.table and detail["strata"]:
        render_table(app_ctx, strata_table(detail["strata"]), out, title="各类抽取数与入样概率")


PARAMETER_LABELS = {
    "p_ratios": "分类抽取比例",
    "p_minimum": "分类最少抽取数",
    "p_maximum": "分类最多抽取数",
    "p_count": "按权重抽取总数",
    "p_weights": "分类权重",
    "p_scope": "范围条件",
    "p_rules": "排除规则",
    "p_excluded": "冻结时排除",
}
SCOPE_LABELS = {
    "entity_types": "主体类型",
    "stations": "管辖单位",
    "industry_prefixes": "行业代码前缀",
    "tags": "标签",
}


def parameter_lines(detail: dict[str, Any]) -> dict[str, str]:
    """Every parameter of a task as a line of ``tasks show``: the draw's ratios, minimums, maximums (or
    count and weights), the scope filters, the exclusion rules, and what the freeze excluded, by reason."""

    def pairs(values: dict[str, Any]) -> str:
        return "、".join(f"{k or '未分类'}={v}" for k, v in values.items()) or "无"

    params = detail["parameters"]
    lines: dict[str, str] = {}
    if "weights" in params:
        lines["p_count"] = str(params["count"])
        lines["p_weights"] = pairs(params["weights"])
    else:
        lines["p_ratios"] = pairs(params["ratios"])
        lines["p_minimum"] = pairs(params["minimum"])
        lines["p_maximum"] = pairs(params["maximum"])
    scope = detail["pool_scope"]
    parts = [f"{label} {'、'.join(scope[key])}" for key, label in SCOPE_LABELS.items() if scope.get(key)]
    if scope.get("registered_from") or scope.get("registered_to"):
        parts.append(f"成立日期 {scope.get('registered_from') or ''}至{scope.get('registered_to') or ''}")
    lines["p_scope"] = "；".join(parts) or "无（全部检查对象）"
    rules = detail["exclusion_rules"]
    said = ["排除登记状态非存续的对象" if rules["inactive"] else "不排除登记状态非存续的对象"]
    if rules["drawn_within_months"]:
        said.append(f"排除近 {rules['drawn_within_months']} 个月内被其他任务抽中的对象")
    if rules["listed"]:
        said.append(f"排除名单 {rules['listed']} 户")
    lines["p_rules"] = "；".join(said)
    if detail["frozen_at"] is not None:
        by_reason = detail["excluded_by_reason"]
        lines["p_excluded"] = "；".join(f"{reason} {n} 户" for reason, n in by_reason.items()) or "无"
    return lines


AlgorithmOpt = Annotated[
    int | None,
    typer.Option(
        "--algorithm",
        help="抽取算法版本：2 加盐签号（默认，可由配置 draw_algorithm 改变）或 1；版本在冻结时确定",
        show_default=False,
    ),
]


@app.command("freeze")
def freeze(
    ctx: typer.Context,
    code: CodeArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="抽取前公告文件（默认 任务编号-抽取前公告.md）", show_default=False),
    ] = None,
    refreeze: Annotated[bool, typer.Option("--refreeze", help="按最新名录重新冻结（原冻结记录保留）")] = False,
    algorithm: AlgorithmOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """冻结抽取范围并生成抽取前公告（在产生随机种子之前）。"""
    from creditcli.actions import tasks

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, "正在冻结抽取范围"):
        done = tasks.freeze(app_ctx.store, code, output, refreeze, in_range(algorithm, "--algorithm", 1, 2))
    result = done.result
    app_ctx.info(f"已冻结抽取范围：{result.pool_size} 户，摘要 {result.pool_digest}；抽取前公告已写入 {done.notice}")
    render_record(app_ctx, "creditcli.freeze/1", to_jsonable(result), {}, app_ctx.format(fmt))


@app.command("draw")
def draw(
    ctx: typer.Context,
    code: CodeArg,
    seed: Annotated[
        str | None, typer.Option("--seed", help="随机种子：至少 20 位数字，按原样记录", show_default=False)
    ] = None,
    redraw: Annotated[bool, typer.Option("--redraw", help="重新抽取（须同时写明 --reason）")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="重新抽取的原因", show_default=False)] = None,
    allow_seed_reuse: Annotated[bool, typer.Option("--allow-seed-reuse", help="允许使用其他任务用过的种子")] = False,
    if_not_drawn: Annotated[
        bool, typer.Option("--if-not-drawn", help="已抽取的任务不再抽取，退出码 0（供定时任务重复运行）")
    ] = False,
    algorithm: AlgorithmOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """按冻结的范围和随机种子抽取检查对象（未冻结时先冻结）。"""
    from creditcli.actions import tasks
    from creditcli.draw.certificate import strata_entries
    from creditcli.draw.views import strata_rows, strata_table
    from creditcli.errors import UsageError

    app_ctx = AppContext.from_typer(ctx)
    if redraw and not reason:
        raise UsageError("重新抽取（--redraw）必须用 --reason 写明原因")
    if reason and not redraw:
        raise UsageError("--reason 只用于重新抽取：请同时加 --redraw")
    with working(app_ctx, "正在抽取"):
        done = tasks.draw(
            app_ctx.store,
            code,
            seed=seed,
            redraw_reason=reason,
            allow_seed_reuse=allow_seed_reuse,
            if_not_drawn=if_not_drawn,
            algorithm=in_range(algorithm, "--algorithm", 1, 2),
        )
    result = done.result
    if result is None:
        when = f"{done.standing_at:%Y-%m-%d %H:%M}"
        app_ctx.info(f"任务 {code} 已于 {when} 抽取（第 {done.standing_seq} 次）：按 --if-not-drawn 不再抽取")
        return
    strata = strata_rows(strata_entries(result.outcome))
    if result.froze:
        app_ctx.info(
            "任务尚未冻结抽取范围：已先冻结再抽取。抽取范围摘要"
            f"{'和各类根哈希' if result.algorithm_version == 2 else ''}因此没有在掷骰之前公布，"
            "公开证书的冻结时间即抽取时间；公开抽取应先用 creditcli tasks freeze 冻结并公布抽取前公告，再掷骰抽取"
        )
    if result.seed_generated:
        app_ctx.info(
            f"未提供 --seed：已用系统随机数生成种子 {result.seed} 并记录；公开抽取仪式应当场用十面骰子掷出种子"
        )
    if result.superseded:
        app_ctx.info(f"第 {result.superseded} 次抽取已标记为作废（原因：{reason}），记录保留")
    summary = {
        "task": result.task,
        "seq": result.seq,
        "seed": result.seed,
        "seed_generated": result.seed_generated,
        "pool_digest": result.pool_digest,
        "pool_size": result.pool_size,
        "selected": len(result.outcome.selected),
        "algorithm_version": result.algorithm_version,
        "strata": strata,
    }
    labels = {
        "task": "任务编号",
        "seq": "抽取序号",
        "seed": "随机种子",
        "seed_generated": "系统生成种子",
        "pool_digest": "抽取范围摘要",
        "pool_size": "可抽取户数",
        "selected": "抽中户数",
        "algorithm_version": "算法版本",
    }
    out = app_ctx.format(fmt)
    render_record(app_ctx, "creditcli.draw/1", summary, labels, out)
    if out is OutputFormat.table:
        render_table(app_ctx, strata_table(strata), out, title="各类抽取数")
    task = result.task
    if out is OutputFormat.table:  # where to look, for a person (a program reading JSON or CSV needs none)
        app_ctx.info(f"查看抽中名单：{command_hint(app_ctx, 'tasks', 'show', task, '--selected')}")
        app_ctx.info(
            f"下一步：匹配检查组 {command_hint(app_ctx, 'tasks', 'assign', task)}；"
            f"出抽取证书 {command_hint(app_ctx, 'tasks', 'certificate', task, '-o', f'{task}-抽取证书.json')}"
        )


@app.command("verify")
def verify(ctx: typer.Context, code: CodeArg, seq: SeqOpt = None, fmt: FormatOpt = None) -> None:
    """重新计算抽取结果并与记录核对；同时报告名录与冻结范围的差异。"""
    from creditcli.actions import tasks
    from creditcli.errors import VerifyError

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, "正在重新计算抽取结果并核对"):
        result = tasks.verify(app_ctx.store, code, in_range(seq, "--seq", 1))
    labels = {
        "task": "任务编号",
        "seq": "抽取序号",
        "ok": "核对一致",
        "selected": "抽中户数",
        "roster_added": "名录新增（未在冻结范围）",
        "roster_removed": "冻结范围中已不可抽",
        "roster_reclassified": "分类已变化",
        "teams_checked": "已核对检查组",
        "team_replacements": "递补次数",
        "results_checked": "已核对检查结果",
    }
    out = app_ctx.format(fmt)
    render_record(app_ctx, "creditcli.verify/1", to_jsonable(result), labels, out)
    if out is OutputFormat.table and result.no_longer_drawable:
        from creditcli.io.writers import Table

        gone = Table(["uscc", "reason"], ["统一社会信用代码", "为何今天已不可抽"], [result.no_longer_drawable], "")
        render_table(app_ctx, gone, out, title="冻结范围中今天已不可抽的对象（抽取按冻结范围进行，结果不受影响）")
    if not result.ok:
        raise VerifyError(f"任务 {code} 第 {result.seq} 次抽取复核不一致：\n" + "\n".join(result.problems))
    app_ctx.info(f"复核通过：任务 {code} 第 {result.seq} 次抽取可由记录完全重现")


@app.command("certificate")
def certificate(
    ctx: typer.Context,
    code: CodeArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="证书 JSON 文件；同名 .md 为签字存档版")],
    pool: Annotated[
        Path | None,
        typer.Option("--pool", help="同时写出冻结的抽取范围（CSV，含分类，供内部复核）", show_default=False),
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="写出公开版证书：不含每户的分类、签号和名次，可向社会公开")
    ] = False,
    seq: SeqOpt = None,
) -> None:
    """写出抽取证书（JSON + Markdown），可选写出抽取范围文件。

    完整证书与抽取范围文件含每户的信用风险分类（内部），仅供监督人员、上级机关、审计复核；
    向社会和被抽查企业公开的是 --public 写出的公开版（见 docs/verify.md）。
    """
    from creditcli.actions import tasks

    app_ctx = AppContext.from_typer(ctx)
    written = tasks.certificate(app_ctx.store, code, output, pool, in_range(seq, "--seq", 1), public=public)
    if public:
        app_ctx.info(f"公开版抽取证书（不含分类、签号和名次，可公开）已写入 {written[0]} 和 {written[1]}")
        return
    app_ctx.info(
        f"抽取证书已写入 {written[0]} 和 {written[1]}（内部：含每户的信用风险分类，仅供监督人员、上级机关、审计；"
        "公开用 --public）"
    )
    if pool is not None:
        app_ctx.info(
            f"抽取范围已写入 {pool}（内部：含信用风险分类；证书中的 pool_digest 是各行前两列“代码,分类”的 SHA-256，"
            "第 2 版算法的文件另有第三列盐值，核对时去掉：cut -d, -f1,2 文件 | sha256sum）"
        )


@app.command("proof")
def proof(
    ctx: typer.Context,
    code: CodeArg,
    uscc: UsccArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="抽取凭证文件（默认 任务编号-抽取凭证-统一社会信用代码.json）", show_default=False
        ),
    ] = None,
    seq: Annotated[
        int | None, typer.Option("--seq", "--draw", help="第几次抽取（默认当前有效的一次）", show_default=False)
    ] = None,
) -> None:
    """为一户出具抽取凭证（第 2 版算法）：该户可凭此核对自己的签号与抽取结果。

    凭证载有该户的信用风险分类，只交给该户本身，不得公开或交给他人（见 README）。
    """
    from creditcli.actions import tasks

    app_ctx = AppContext.from_typer(ctx)
    written = tasks.proof(app_ctx.store, code, uscc, output, in_range(seq, "--seq", 1))
    app_ctx.info(
        f"抽取凭证已写入 {written}（含该户的信用风险分类：只交给该户本身；"
        "核对方法：python tools/verify_draw.py --proof 凭证 --public 公开版证书）"
    )


@app.command("document")
def document(
    ctx: typer.Context,
    code: CodeArg,
    what: Annotated[
        str,
        typer.Option(
            "--what",
            help="文书：notice 随机抽取前公告、certificate 随机抽取证书、inspection-notice 检查通知书、"
            "record-sheet 随机抽查情况记录表、results-notice 抽查结果公告",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出的 .docx 文件（默认：任务编号-文书名称.docx）", show_default=False),
    ] = None,
    split: Annotated[
        Path | None,
        typer.Option("--split", help="每户一个文件，写到这个目录（检查通知书、记录表）", show_default=False),
    ] = None,
    doc_no: Annotated[str, typer.Option("--doc-no", help="文号，如 天市监抽〔2026〕12号", show_default=False)] = "",
    draw_at: Annotated[
        str,
        typer.Option("--draw-at", help='公开抽取的时间和地点，如 "2026-12-05 09:30 局三楼会议室"', show_default=False),
    ] = "",
    contact: Annotated[str, typer.Option("--contact", help="联系人及电话（检查通知书）", show_default=False)] = "",
    public: Annotated[bool, typer.Option("--public", help="公开版抽取证书：不含信用风险分类和签号")] = False,
) -> None:
    """写出可编辑、可盖章的文书（.docx，按党政机关公文格式排版）。"""
    from creditcli.actions import documents

    app_ctx = AppContext.from_typer(ctx)
    wording = documents.Wording(doc_no.strip(), draw_at.strip(), contact.strip(), public)
    done = documents.document(app_ctx.store, code, what, output, split, wording)
    where = done.paths[0] if split is None else split
    count = f"（{done.pages} 户）" if what in documents.PER_ENTITY else ""
    app_ctx.info(f"{documents.KINDS[what]}已写入 {where}{count}")


teams.register(app)  # tasks assign, replace, export (cli/teams.py)
