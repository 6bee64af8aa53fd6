"""creditcli items …: 抽查事项清单."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from creditcli.cli.common import add_import_command, export_to_file
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.lazy import lazy_module
from creditcli.cli.options import FileFormatOpt, FormatOpt, LimitOpt, OutputPath, in_range
from creditcli.cli.render import render_table

if TYPE_CHECKING:
    from creditcli.rosters import items
else:
    items = lazy_module("creditcli.rosters.items")

app = CreditTyper(name="items", help="抽查事项清单：导入、查询、导出。")

add_import_command(
    app,
    lambda: items.SPEC,
    """导入抽查事项清单（按事项编码新增或更新）。

    “所需资质”列写明检查该事项的检查组必须具备的资质（如 特种设备）。
    """,
)


@app.command("list")
def list_(ctx: typer.Context, limit: LimitOpt = 0, fmt: FormatOpt = None) -> None:
    """列出抽查事项。"""
    app_ctx = AppContext.from_typer(ctx)
    limit = in_range(limit, "--limit") or 0
    with app_ctx.session() as session:
        render_table(app_ctx, items.item_table(session, limit or None, brief=True), app_ctx.format(fmt))


@app.command("export")
def export(ctx: typer.Context, path: OutputPath, fmt: FileFormatOpt = None) -> None:
    """导出抽查事项清单。"""
    app_ctx = AppContext.from_typer(ctx)
    app_ctx.check_outputs(("输出文件", path))
    with app_ctx.session() as session:
        export_to_file(app_ctx, items.item_table(session), path, fmt)
