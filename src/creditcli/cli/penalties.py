"""creditcli penalties …: 行政处罚信息及其公示期限."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CalendarOpt, FormatOpt, TodayOpt, day_option
from creditcli.cli.render import render_record, render_table, to_jsonable

if TYPE_CHECKING:
    from creditcli.errors import CalendarGap

app = CreditTyper(name="penalties", help="行政处罚：导入、查询，按规则计算公示与停止公示的日期。")

add_import_command(
    app,
    "penalties",
    """导入行政处罚决定（按决定书文号新增或更新）。

    列：决定书文号、统一社会信用代码、当事人类型、处罚决定日期、违法行为类型、处罚种类、罚款金额、处罚机关、
    处罚程序、履行日期、限制期限至、公示日期、撤下日期。
    """,
    references=True,
)

PENALTY_LABELS = {
    "decision_no": "决定书文号",
    "uscc": "统一社会信用代码",
    "decided_on": "处罚决定日期",
    "kinds": "处罚种类",
    "amount": "罚款金额",
    "procedure": "处罚程序",
    "published": "是否公示",
    "reason": "依据",
    "publish_by": "应公示日期",
    "start": "公示日期",
    "end": "公示截止",
    "early_stop_from": "可申请提前停止",
    "short": "短期公示",
    "lasting": "不得提前停止",
    "withdrawn_on": "撤下日期",
    "repair": "修复决定",
    "note": "备注",
}


def warn_gaps(app_ctx: AppContext, gaps: list[CalendarGap]) -> None:
    """The rows a missing calendar year left without a date are marked; say once per year how to fix it."""
    for gap in gaps:
        app_ctx.info(f"注意：{gap.message}。标为“{gap.note}”的处罚暂缺应公示日期，其余照常列出")


@app.command("list")
def list_(
    ctx: typer.Context,
    uscc: Annotated[str | None, typer.Option("--uscc", help="只列此对象的处罚", show_default=False)] = None,
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """列出行政处罚及其公示日期、公示截止日期、可申请提前停止公示的日期、撤下日期与修复决定。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    with credit.penalties(app_ctx.store, uscc, calendar) as listing:
        render_table(app_ctx, listing.table, app_ctx.format(fmt))
    warn_gaps(app_ctx, listing.gaps)


@app.command("show")
def show(
    ctx: typer.Context,
    decision_no: Annotated[str, typer.Argument(help="决定书文号", show_default=False)],
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """显示一项处罚及按规则得出的公示期限。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    p = credit.penalty(app_ctx.store, decision_no, calendar)
    data = {
        "decision_no": p.decision_no,
        "uscc": p.uscc,
        "decided_on": p.decided_on,
        "kinds": p.kinds,
        "amount": p.amount,
        "procedure": p.procedure,
        **{f.name: getattr(p.publicity, f.name) for f in dataclasses.fields(p.publicity) if f.name != "gap"},
        "withdrawn_on": p.withdrawn_on,
        "repair": p.repair,
        "note": p.publicity.note,
    }
    render_record(app_ctx, "creditcli.penalty/1", to_jsonable(data), PENALTY_LABELS, app_ctx.format(fmt))
    warn_gaps(app_ctx, [p.publicity.gap] if p.publicity.gap is not None else [])


@app.command("due")
def due(
    ctx: typer.Context,
    today: TodayOpt = None,
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """列出应公示（作出决定后 20 个工作日内）和公示期已满应撤下的处罚信息。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    with credit.penalties_due(app_ctx.store, day_option(today, "--today"), calendar) as listing:
        render_table(app_ctx, listing.table, app_ctx.format(fmt))
    warn_gaps(app_ctx, listing.gaps)
