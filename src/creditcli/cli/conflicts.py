"""creditcli conflicts …: 回避清单（执法人员 × 检查对象）."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt
from creditcli.cli.render import render_table

app = CreditTyper(name="conflicts", help="回避清单：执法检查人员与检查对象之间申报的利害关系。")

add_import_command(
    app,
    "conflicts",
    """导入回避清单（执法证号、统一社会信用代码、回避原因）。

    人员和对象都必须已在名录中；同一对人重复导入时更新回避原因。
    """,
)


@app.command("list")
def list_(
    ctx: typer.Context,
    inspector: Annotated[str | None, typer.Option("--inspector", help="只看此执法证号")] = None,
    uscc: Annotated[str | None, typer.Option("--uscc", help="只看此统一社会信用代码")] = None,
    fmt: FormatOpt = None,
) -> None:
    """列出回避清单。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    with rosters.conflicts(app_ctx.store, inspector, uscc) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))
