"""creditcli entities …: 检查对象名录库."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from creditcli.cli.common import add_import_command, exported
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FileFormatOpt, FormatOpt, LimitOpt, OutputPath, UsccArg, entity_filter, rows_wanted
from creditcli.cli.progress import working
from creditcli.cli.render import render_record, render_table, shown_value, to_jsonable

if TYPE_CHECKING:
    from creditcli.rosters.entities import EntityFilter

app = CreditTyper(name="entities", help="检查对象名录库：导入、查询、导出。")

add_import_command(
    app,
    "entities",
    """导入检查对象名录（按统一社会信用代码新增或更新）。

    整个文件全部有效才写入；任何一行有问题，列出所有问题并退出（退出码 65），数据库不变。
    只含部分列的文件（如每月的信用风险分类：统一社会信用代码、信用风险分类、分类日期）只更新这些列。
    """,
    bad_checksum=True,
)


@app.command("list")
@entity_filter
def list_(ctx: typer.Context, flt: EntityFilter, limit: LimitOpt = None, fmt: FormatOpt = None) -> None:
    """列出检查对象（可按分类、状态、监管所、类型、行业、标签、名称筛选）。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    read, shown = rows_wanted(limit, app_ctx.format(fmt))
    with rosters.listing(app_ctx.store, "entities", flt, shown or read, brief=True, count=shown is not None) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("show")
def show(ctx: typer.Context, uscc: UsccArg, fmt: FormatOpt = None) -> None:
    """显示一个检查对象及其信用风险分类历史。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    detail = rosters.entity(app_ctx.store, uscc)
    data = {**detail.fields, "class_history": to_jsonable(detail.history)}
    render_record(app_ctx, "creditcli.entity/1", data, detail.labels, app_ctx.format(fmt))
    if app_ctx.format(fmt).value == "table" and detail.history:
        app_ctx.out.print("信用风险分类历史：")
        for change in detail.history:
            source = shown_value("source", change.source)
            app_ctx.out.print(f"  {change.effective_date}  {change.risk_class}  （{source}）", markup=False)


@app.command("export")
@entity_filter
def export(ctx: typer.Context, path: OutputPath, flt: EntityFilter, fmt: FileFormatOpt = None) -> None:
    """导出检查对象名录（CSV 为 Excel 可直接打开的 UTF-8 带 BOM；XLSX；JSON）。

    内部名录含信用风险分类，不得用于公示。
    """
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, f"正在导出到 {path.name}"):
        done = rosters.export(app_ctx.store, "entities", path, fmt, flt)
    exported(app_ctx, done.path, done.rows)
