"""creditcli publicity …: 公示名单的导出与公示登记."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.common import exported
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CodeArg, FileFormatOpt, FormatOpt, OutputOpt, day_option
from creditcli.cli.progress import working
from creditcli.cli.render import render_record, to_jsonable

app = CreditTyper(name="publicity", help="公示：抽查计划、抽查名单、抽查结果的公示文件与公示登记。")


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
    output: OutputOpt,
    columns: Annotated[
        Path | None,
        typer.Option("--columns", help="本省公示模板（CSV/XLSX，按其表头的列与顺序输出）", show_default=False),
    ] = None,
    partial: Annotated[bool, typer.Option("--partial", help="结果公示：只导出已录入结果的对象")] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="必填列（如检查机关、抽查计划编号）为空也导出")
    ] = False,
    fmt: FileFormatOpt = None,
) -> None:
    """导出公示文件（不含风险分类、签号、检查人员与内部备注）。"""
    from creditcli.actions import publicity

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, f"正在导出到 {output.name}"):
        done = publicity.export(
            app_ctx.store, code, what.value, output, columns=columns, partial=partial, allow_empty=allow_empty, fmt=fmt
        )
    exported(app_ctx, done.path, done.rows)
    if done.manifest is not None:
        app_ctx.info(f"公示文件清单（文件摘要与审计链头）已写入 {done.manifest}")


@app.command("site")
def site(
    ctx: typer.Context,
    code: CodeArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录（新目录或空目录）", show_default=False)],
) -> None:
    """写出静态公示页（不联网）：计划、名单、已公示的结果、公开证书，及核验本户抽取凭证的工具。"""
    from creditcli.actions import publicity

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, f"正在写出公示页到 {output}"):
        files = publicity.site(app_ctx.store, code, output)
    app_ctx.info(f"公示页已写入 {files[0]}（另有 {len(files) - 1} 个供下载的文件）")


@app.command("mark")
def mark(
    ctx: typer.Context,
    code: CodeArg,
    date: Annotated[str, typer.Option("--date", help="公示日期", show_default=False)],
    what: Annotated[What, typer.Option("--what", help="公示的是哪份名单")] = What.results,
    fmt: FormatOpt = None,
) -> None:
    """登记某份名单已于某日公示；结果公示登记后任务进入“已公示”。"""
    from creditcli.actions import publicity
    from creditcli.io.dates import RECORDED

    day = day_option(date, "--date", RECORDED, "公示日期")
    app_ctx = AppContext.from_typer(ctx)
    result = publicity.mark(app_ctx.store, code, day, what.value)
    labels = {"task": "任务编号", "what": "公示内容", "published_on": "公示日期", "status": "任务状态"}
    render_record(app_ctx, "creditcli.publicity-mark/1", to_jsonable(result), labels, app_ctx.format(fmt))
