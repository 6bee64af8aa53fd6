"""creditcli repair …: 信用修复."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CalendarOpt, FormatOpt, UsccArg, day_option
from creditcli.cli.render import render_table

app = CreditTyper(name="repair", help="信用修复：逐项查看负面记录的档次、可申请日期与未满足的条件；登记修复决定。")


class Kind(StrEnum):
    penalty = "penalty"
    list = "list"
    result = "result"


@app.command("check")
def check(ctx: typer.Context, uscc: UsccArg, calendar: CalendarOpt = None, fmt: FormatOpt = None) -> None:
    """列出对象的每项负面记录（行政处罚、严重违法失信名单、负面抽查结果）及其修复条件。"""
    from creditcli.actions import credit
    from creditcli.credit.repair import check_table

    app_ctx = AppContext.from_typer(ctx)
    render_table(app_ctx, check_table(credit.negatives(app_ctx.store, uscc, calendar)), app_ctx.format(fmt))


@app.command("record")
def record(
    ctx: typer.Context,
    uscc: UsccArg,
    kind: Annotated[Kind, typer.Option("--kind", help="penalty：行政处罚；list：严重违法失信名单；result：抽查结果")],
    ref: Annotated[str, typer.Option("--ref", help="记录（repair check 的“记录”列）", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="修复决定日期", show_default=False)],
    decision_no: Annotated[str, typer.Option("--decision-no", help="修复决定书文号", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", help="作出修复决定的单位", show_default=False)],
    calendar: CalendarOpt = None,
) -> None:
    """登记信用修复决定，提前停止该记录的公示；规则尚不允许或条件未满足时拒绝并说明。"""
    from creditcli.actions import credit
    from creditcli.io.dates import RECORDED

    day = day_option(date, "--date", RECORDED, "修复决定日期")
    app_ctx = AppContext.from_typer(ctx)
    done = credit.repair(app_ctx.store, uscc, kind.value, ref, day, decision_no, unit, calendar)
    app_ctx.info(f"已登记信用修复：{done.label}，{day} 起停止公示")
