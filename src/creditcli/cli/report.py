"""creditcli report coverage: 年度抽查覆盖情况."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli import clock
from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt, in_range
from creditcli.cli.render import render_table

app = CreditTyper(name="report", help="统计报告。")


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", help="年度（按检查时间的开始日期；默认今年）", show_default=False)
    ] = None,
    fmt: FormatOpt = None,
) -> None:
    """按信用风险分类和监管所统计：名录户数、已抽取、已检查、检查结果、年度最低抽查比例的完成情况。"""
    from creditcli.actions import publicity
    from creditcli.results.coverage import coverage_table

    app_ctx = AppContext.from_typer(ctx)
    out = app_ctx.format(fmt)
    chosen = in_range(year, "--year", 1, 9999) or clock.today().year
    rows = publicity.coverage(app_ctx.store, chosen)
    title = f"{chosen} 年抽查覆盖情况" if out is OutputFormat.table else None
    render_table(app_ctx, coverage_table(rows, bars=out is OutputFormat.table), out, title=title)
