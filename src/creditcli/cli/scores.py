"""creditcli scores …: 导入的外部评分（舆情、行业风险等），供风险分类模型的指标读取."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt
from creditcli.cli.render import render_table

app = CreditTyper(name="scores", help="外部评分：导入、查询，供信用风险分类模型的 external_score 指标使用。")

add_import_command(
    app,
    "scores",
    """导入外部评分（按 统一社会信用代码 + 评分名称 新增或更新）。

    列：统一社会信用代码、评分名称（如 舆情）、分值（不小于 0 的数）、评分日期。
    """,
    references=True,
)


@app.command("list")
def list_(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="只看此评分名称", show_default=False)] = None,
    uscc: Annotated[str | None, typer.Option("--uscc", help="只看此统一社会信用代码", show_default=False)] = None,
    fmt: FormatOpt = None,
) -> None:
    """列出外部评分。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    with rosters.scores(app_ctx.store, name, uscc) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))
