"""creditcli publicity …: 公示名单的导出与公示登记."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FileFormatOpt, FormatOpt, day_option
from creditcli.cli.render import render_record, to_jsonable
from creditcli.errors import UsageError

app = CreditTyper(name="publicity", help="公示：抽查计划、抽查名单、抽查结果的公示文件与公示登记。")

CodeArg = Annotated[str, typer.Argument(help="任务编号", show_default=False)]


class What(StrEnum):
    plan = "plan"
    list = "list"
    results = "results"


WhatOpt = Annotated[What, typer.Option("--what", help="plan：抽查计划公告；list：抽查名单；results：抽查结果公告")]


@app.command("export")
def export(
    ctx: typer.Context,
    code: CodeArg,
    what: WhatOpt,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="输出文件（.csv、.xlsx 或 .json）", show_default=False)
    ],
    columns: Annotated[
        Path | None,
        typer.Option("--columns", help="本省公示模板（CSV/XLSX，按其表头的列与顺序输出）", show_default=False),
    ] = None,
    partial: Annotated[bool, typer.Option("--partial", help="结果公示：只导出已录入结果的对象")] = False,
    fmt: FileFormatOpt = None,
) -> None:
    """导出公示文件（不含风险分类、签号、检查人员与内部备注）。"""
    from creditcli.cli.common import export_to_file
    from creditcli.draw.tasks import get_task
    from creditcli.results import publicity

    if partial and what is not What.results:
        raise UsageError("--partial 只用于 --what results")
    app_ctx = AppContext.from_typer(ctx)
    app_ctx.check_outputs(("--output", output), inputs=[("--columns", columns)])
    keys = publicity.read_columns(columns) if columns is not None else None
    with app_ctx.session() as session:
        table = publicity.public_table(session, get_task(session, code), what.value, keys, partial)
        export_to_file(app_ctx, table, output, fmt)


@app.command("mark")
def mark(
    ctx: typer.Context,
    code: CodeArg,
    date: Annotated[str, typer.Option("--date", help="公示日期", show_default=False)],
    what: Annotated[What, typer.Option("--what", help="公示的是哪份名单")] = What.results,
    fmt: FormatOpt = None,
) -> None:
    """登记某份名单已于某日公示；结果公示登记后任务进入“已公示”。"""
    from creditcli.draw.tasks import get_task
    from creditcli.io.dates import RECORDED
    from creditcli.results import publicity

    day = day_option(date, "--date", RECORDED, "公示日期")
    app_ctx = AppContext.from_typer(ctx)
    with app_ctx.session(write=True) as session:
        result = publicity.mark(session, get_task(session, code), what.value, day)
    labels = {"task": "任务编号", "what": "公示内容", "published_on": "公示日期", "status": "任务状态"}
    render_record(app_ctx, "creditcli.publicity-mark/1", to_jsonable(result), labels, app_ctx.format(fmt))
