"""creditcli tasks assign / replace / export: 检查组的随机匹配、递补与内部导出."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FileFormatOpt, FormatOpt, in_range
from creditcli.cli.render import render_record, render_table, to_jsonable
from creditcli.io.writers import Table

CodeArg = Annotated[str, typer.Argument(help="任务编号", show_default=False)]


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
    from creditcli import audit
    from creditcli.draw.tasks import get_task
    from creditcli.teams import service

    app_ctx = AppContext.from_typer(ctx)
    with app_ctx.session(write=True) as session:
        task = get_task(session, code)
        result = service.assign(
            session,
            task,
            cross_station=cross_station,
            experts=in_range(experts, "--experts", 0, service.MAX_EXPERTS) or 0,
            max_per_inspector=in_range(max_per_inspector, "--max-per-inspector", 1),
        )
        app_ctx.audited(audit.assignment_change(session, task))
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
    render_record(app_ctx, "creditcli.assign/1", to_jsonable(result), labels, app_ctx.format(fmt))


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
    from creditcli.draw.tasks import get_task
    from creditcli.rosters.codes import normalise
    from creditcli.teams import service

    app_ctx = AppContext.from_typer(ctx)
    with app_ctx.session(write=True) as session:
        done = service.replace(
            session, get_task(session, code), inspector.strip(), reason, normalise(entity) if entity else None
        )
    rows = [(uscc, inspector.strip(), new) for uscc, new in done]
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
    output: Annotated[
        Path, typer.Option("--output", "-o", help="输出文件（.csv、.xlsx 或 .json）", show_default=False)
    ],
    fmt: FileFormatOpt = None,
) -> None:
    """导出检查计划、人员安排或检查结果录入表（内部使用，含人员信息，不得公示）。"""
    from creditcli.cli.common import export_to_file
    from creditcli.draw.tasks import get_task
    from creditcli.results.files import template_table
    from creditcli.teams import exports

    tables = {Export.plan: exports.plan_table, Export.schedule: exports.schedule_table}
    app_ctx = AppContext.from_typer(ctx)
    app_ctx.check_outputs(("--output", output))
    with app_ctx.session() as session:
        task = get_task(session, code)
        export_to_file(app_ctx, tables.get(what, template_table)(session, task), output, fmt)
