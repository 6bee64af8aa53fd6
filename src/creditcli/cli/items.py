"""creditcli items …: 抽查事项清单."""

from __future__ import annotations

import typer

from creditcli.cli.common import add_import_command, exported
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FileFormatOpt, FormatOpt, LimitOpt, OutputPath, rows_wanted
from creditcli.cli.progress import working
from creditcli.cli.render import render_table

app = CreditTyper(name="items", help="抽查事项清单：导入、查询、导出。")

add_import_command(
    app,
    "items",
    """导入抽查事项清单（按事项编码新增或更新）。

    “所需资质”列写明检查该事项的检查组必须具备的资质（如 特种设备）。
    """,
)


@app.command("list")
def list_(ctx: typer.Context, limit: LimitOpt = None, fmt: FormatOpt = None) -> None:
    """列出抽查事项。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    read, shown = rows_wanted(limit, app_ctx.format(fmt))
    with rosters.listing(app_ctx.store, "items", None, shown or read, brief=True, count=shown is not None) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("export")
def export(ctx: typer.Context, path: OutputPath, fmt: FileFormatOpt = None) -> None:
    """导出抽查事项清单。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    with working(app_ctx, f"正在导出到 {path.name}"):
        done = rosters.export(app_ctx.store, "items", path, fmt)
    exported(app_ctx, done.path, done.rows)
