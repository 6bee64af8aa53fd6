"""creditcli audit …: 审计日志（哈希链）的查看与核验."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.context import AppContext, OutputFormat, eprint
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt, in_range
from creditcli.cli.render import render_record, render_table

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


@app.command("head")
def head(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """打印审计日志的链头（最新一条的序号与哈希，写作 序号:哈希），供记在库外、日后核验。

    把链头抄在纸上或存在库外，日后用 creditcli audit verify --head 序号:哈希 证明日志仍含这一条、
    此前的记录没有被改写（即使有人在库内改写记录并重新计算了整条哈希链）。
    """
    from creditcli.actions import database

    app_ctx = AppContext.from_typer(ctx)
    newest = database.audit_head(app_ctx.store)
    data = {
        "seq": newest.seq,
        "entry_hash": newest.entry_hash,
        "at": newest.at.isoformat(sep=" ") if newest.at else None,
        "command": newest.command,
        "head": newest.text,
    }
    labels = {"seq": "序号", "entry_hash": "记录摘要", "at": "时间", "command": "命令", "head": "链头"}
    render_record(app_ctx, "creditcli.audit-head/1", data, labels, app_ctx.format(fmt))


HeadOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--head",
        help="此前记下的链头 序号:哈希（audit head 打印的，或证书、公示文件清单、档案中记录的）；可重复",
        show_default=False,
    ),
]


@app.command("verify")
def verify(ctx: typer.Context, head: HeadOpt = None, fmt: FormatOpt = None) -> None:
    """核验审计日志的哈希链，以及抽取记录、检查组匹配、检查结果与日志是否一致；有问题时退出码 1 并指出第一处。

    --head 序号:哈希 另核对日志仍含此前记下的链头（库内改写并重算整条哈希链也能发现）。
    """
    from creditcli.actions import database
    from creditcli.errors import EXIT_FAILURE

    app_ctx = AppContext.from_typer(ctx)
    check = database.audit_verify(app_ctx.store, head or [])
    problems = check.problems
    if app_ctx.format(fmt) is OutputFormat.json:
        report = {
            "schema": "creditcli.audit-verify/1",
            "ok": not problems,
            "entries": check.entries,
            "problems": problems,
            "heads": [{"head": h.text, "held": held} for h, held in check.heads],
        }
        app_ctx.out.print_json(data=report)
    elif app_ctx.format(fmt) is OutputFormat.csv:  # one record, through the formula-safe writer
        summary = {"ok": not problems, "entries": check.entries, "problems": len(problems)}
        labels = {"ok": "通过", "entries": "记录条数", "problems": "问题处数"}
        render_record(app_ctx, "creditcli.audit-verify/1", summary, labels, OutputFormat.csv)
    if problems:
        eprint(f"错误：审计核验未通过：{problems[0]}（共 {len(problems)} 处）")
        for line in problems[1:]:
            eprint(f"  {line}")
        raise typer.Exit(EXIT_FAILURE)
    if app_ctx.format(fmt) is OutputFormat.table:
        app_ctx.out.print(
            f"审计核验通过：{check.entries} 条记录，哈希链完整，抽取记录、检查组匹配与检查结果未被改动", markup=False
        )
        for given, _ in check.heads:
            app_ctx.out.print(f"链头 {given.seq}:{given.entry_hash[:16]}… 仍在日志中，此前的记录未被改写", markup=False)
