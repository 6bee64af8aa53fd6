"""creditcli repair …: 信用修复."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CalendarOpt, FormatOpt, day_option
from creditcli.cli.render import render_table

app = CreditTyper(name="repair", help="信用修复：逐项查看负面记录的档次、可申请日期与未满足的条件；登记修复决定。")

UsccArg = Annotated[str, typer.Argument(help="统一社会信用代码", show_default=False)]


class Kind(StrEnum):
    penalty = "penalty"
    list = "list"
    result = "result"


@app.command("check")
def check(ctx: typer.Context, uscc: UsccArg, calendar: CalendarOpt = None, fmt: FormatOpt = None) -> None:
    """列出对象的每项负面记录（行政处罚、严重违法失信名单、负面抽查结果）及其修复条件。"""
    from creditcli.credit import repair
    from creditcli.credit.rules import load_rules
    from creditcli.rosters.codes import normalise
    from creditcli.workdays import load_calendar

    app_ctx = AppContext.from_typer(ctx)
    rules = load_rules(app_ctx.settings.rules_file)
    work = load_calendar(calendar or app_ctx.settings.calendar_file)
    with app_ctx.session() as session:
        items = repair.negatives(session, rules, work, normalise(uscc))
    render_table(app_ctx, repair.check_table(items), app_ctx.format(fmt))


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
    from creditcli.credit import repair
    from creditcli.credit.rules import load_rules
    from creditcli.io.dates import RECORDED
    from creditcli.rosters.codes import normalise
    from creditcli.workdays import load_calendar

    day = day_option(date, "--date", RECORDED, "修复决定日期")
    app_ctx = AppContext.from_typer(ctx)
    rules = load_rules(app_ctx.settings.rules_file)
    work = load_calendar(calendar or app_ctx.settings.calendar_file)
    with app_ctx.session(write=True) as session:
        done = repair.record(
            session, rules, work, normalise(uscc), kind.value, ref.strip(),
            decided_on=day, decision_no=decision_no, unit=unit,
        )  # fmt: skip
    app_ctx.info(f"已登记信用修复：{done.label}，{day} 起停止公示")
