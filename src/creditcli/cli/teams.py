"""creditcli tasks assign / replace / export: 检查组的随机匹配、递补与内部导出."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creditcli.cli.common import exported
from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CodeArg, FileFormatOpt, FormatOpt, OutputOpt, in_range
from creditcli.cli.progress import working
from creditcli.cli.render import command_hint, render_record, render_table, to_jsonable


class Export(StrEnum):
    plan = "plan"
    schedule = "schedule"
    result_template = "result-template"


def register(app: CreditTyper) -> None:
    app.command("assign")(assign)
    app.command("replace")(replace)
    app.command("export")(export)


def assign(
    ctx: typer.Context,
    code: CodeArg,
    cross_station: Annotated[bool, typer.Option("--cross-station", help="所所交叉：不派监管该对象的所的人员")] = False,
    experts: Annotated[int, typer.Option("--experts", help="每组另加专家或第三方人员数（不计入检查组人数）")] = 0,
    max_per_inspector: Annotated[
        int | None, typer.Option("--max-per-inspector", help="每名执法人员最多负责的对象数", show_default=False)
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """为已抽取的任务随机匹配检查组（回避、资质、所所交叉、均衡分配）。"""
    from creditcli.actions import teams
    from creditcli.teams.service import MAX_EXPERTS

    app_ctx = AppContext.from_typer(ctx)
    experts = in_range(experts, "--experts", 0, MAX_EXPERTS) or 0
    most = in_range(max_per_inspector, "--max-per-inspector", 1)
    with working(app_ctx, "正在匹配检查组"):
        result = teams.assign(app_ctx.store, code, cross_station=cross_station, experts=experts, max_per_inspector=most)
    for note in result.notes:
        app_ctx.info(f"警告：{note}")
    if result.spread > 1:
        app_ctx.info(
            f"提示：受回避、资质或所所交叉限制，工作量无法完全均分：每人 {result.loads_min}–{result.loads_max} 户"
            f"（相差 {result.spread}）"
        )
    labels = {
        "task": "任务编号",
        "entities": "检查对象数",
        "officers": "可派执法人员数",
        "capacity": "每人最多（户）",
        "spread": "负担相差",
        "loads_min": "每人最少（户）",
        "loads_max": "每人最多实际（户）",
        "method": "求解方式",
    }
    out = app_ctx.format(fmt)
    render_record(app_ctx, "creditcli.assign/1", to_jsonable(result), labels, out)
    if out is OutputFormat.table:  # where to look, for a person (a program reading JSON or CSV needs none)
        app_ctx.info(f"查看各户检查组：{command_hint(app_ctx, 'tasks', 'show', result.task, '--selected')}")
        plan_file = f"{result.task}-检查计划.xlsx"
        plan = command_hint(app_ctx, "tasks", "export", result.task, "--what", "plan", "-o", plan_file)
        app_ctx.info(f"导出检查计划：{plan}")


def replace(
    ctx: typer.Context,
    code: CodeArg,
    inspector: Annotated[str, typer.Option("--inspector", help="退出的执法检查人员（执法证号）", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="递补原因", show_default=False)],
    entity: Annotated[
        str | None, typer.Option("--entity", help="只递补这一个对象的检查组（统一社会信用代码）", show_default=False)
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """递补：由签号顺序中下一位符合条件的执法人员替换退出者，并记录原因。"""
    from creditcli.actions import teams
    from creditcli.io.writers import Table

    app_ctx = AppContext.from_typer(ctx)
    done = teams.replace(app_ctx.store, code, inspector, reason, entity)
    rows = [(uscc, done.inspector, new) for uscc, new in done.teams]
    table = Table(["uscc", "old", "new"], ["统一社会信用代码", "退出人员", "递补人员"], [rows], "creditcli.replace/1")
    render_table(app_ctx, table, app_ctx.format(fmt))


def export(
    ctx: typer.Context,
    code: CodeArg,
    what: Annotated[
        Export,
        typer.Option(
            "--what",
            help="plan：检查计划（每个对象一行）；schedule：每名人员的任务；result-template：检查结果录入表",
        ),
    ],
    output: OutputOpt,
    fmt: FileFormatOpt = None,
) -> None:
    """导出检查计划、人员安排或检查结果录入表（内部使用，含人员信息，不得公示）。"""
    from creditcli.actions import teams

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, f"正在导出到 {output.name}"):
        done = teams.export(app_ctx.store, code, what.value, output, fmt)
    exported(app_ctx, done.path, done.rows)
