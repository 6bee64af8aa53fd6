"""creditcli audit …: 审计日志（哈希链）的查看与核验."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.context import AppContext, OutputFormat, eprint
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt, in_range
from creditcli.cli.render import render_table

app = CreditTyper(name="audit", help="审计日志：每次修改数据的记录，逐条哈希相连，可核验是否被删改。")


@app.command("list")
def list_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", help="只显示最近 N 条（0：全部）")] = 0,
    fmt: FormatOpt = None,
) -> None:
    """列出审计记录：时间、操作人、命令与参数、数量、内容摘要。"""
    from creditcli.actions import database

    app_ctx = AppContext.from_typer(ctx)
    with database.audit_entries(app_ctx.store, in_range(limit, "--limit") or None) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("verify")
def verify(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """核验审计日志的哈希链，以及抽取记录、检查组匹配、检查结果与日志是否一致；有问题时退出码 1 并指出第一处。"""
    from creditcli.actions import database
    from creditcli.errors import EXIT_FAILURE

    app_ctx = AppContext.from_typer(ctx)
    check = database.audit_verify(app_ctx.store)
    problems = check.problems
    if app_ctx.format(fmt) is OutputFormat.json:
        report = {
            "schema": "creditcli.audit-verify/1",
            "ok": not problems,
            "entries": check.entries,
            "problems": problems,
        }
        app_ctx.out.print_json(data=report)
    if problems:
        eprint(f"错误：审计核验未通过：{problems[0]}（共 {len(problems)} 处）")
        for line in problems[1:]:
            eprint(f"  {line}")
        raise typer.Exit(EXIT_FAILURE)
    if app_ctx.format(fmt) is not OutputFormat.json:
        app_ctx.out.print(
            f"审计核验通过：{check.entries} 条记录，哈希链完整，抽取记录、检查组匹配与检查结果未被改动", markup=False
        )
