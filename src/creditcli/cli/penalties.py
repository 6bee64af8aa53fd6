"""creditcli penalties …: 行政处罚信息及其公示期限."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.lazy import lazy_module
from creditcli.cli.options import CalendarOpt, FormatOpt, TodayOpt, day_option
from creditcli.cli.render import render_record, render_table, to_jsonable

if TYPE_CHECKING:
    from creditcli.credit import penalties
    from creditcli.credit.rules import PenaltyPublicityRules
    from creditcli.workdays import WorkCalendar
else:
    penalties = lazy_module("creditcli.credit.penalties")

app = CreditTyper(name="penalties", help="行政处罚：导入、查询，按规则计算公示与停止公示的日期。")

add_import_command(
    app,
    lambda: penalties.SPEC,
    """导入行政处罚决定（按决定书文号新增或更新）。

    列：决定书文号、统一社会信用代码、当事人类型、处罚决定日期、违法行为类型、处罚种类、罚款金额、处罚机关、
    处罚程序、履行日期、限制期限至、公示日期、撤下日期。
    """,
    references=True,
)


def _context(app_ctx: AppContext, calendar: Path | None) -> tuple[PenaltyPublicityRules, WorkCalendar]:
    from creditcli.credit.rules import load_rules
    from creditcli.workdays import load_calendar

    rules = load_rules(app_ctx.settings.rules_file).penalty_publicity
    return rules, load_calendar(calendar or app_ctx.settings.calendar_file)


@app.command("list")
def list_(
    ctx: typer.Context,
    uscc: Annotated[str | None, typer.Option("--uscc", help="只列此对象的处罚", show_default=False)] = None,
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """列出行政处罚及其公示日期、公示截止日期、可申请提前停止公示的日期。"""
    from creditcli.rosters.codes import normalise

    app_ctx = AppContext.from_typer(ctx)
    rules, work = _context(app_ctx, calendar)
    with app_ctx.session() as session:
        table = penalties.penalty_table(session, rules, work, normalise(uscc) if uscc else None)
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("show")
def show(
    ctx: typer.Context,
    decision_no: Annotated[str, typer.Argument(help="决定书文号", show_default=False)],
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """显示一项处罚及按规则得出的公示期限。"""
    app_ctx = AppContext.from_typer(ctx)
    rules, work = _context(app_ctx, calendar)
    with app_ctx.session() as session:
        p = penalties.get_penalty(session, decision_no)
        derived = penalties.publicity(p, rules, work)
        data = {
            "decision_no": p.decision_no,
            "uscc": p.uscc,
            "decided_on": p.decided_on,
            "kinds": p.kinds,
            "amount": p.amount or "",
            "procedure": p.procedure,
            **to_jsonable(derived),
        }
    labels = {
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
    }
    render_record(app_ctx, "creditcli.penalty/1", to_jsonable(data), labels, app_ctx.format(fmt))


@app.command("due")
def due(
    ctx: typer.Context,
    today: TodayOpt = None,
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """列出应公示（作出决定后 20 个工作日内）和公示期已满应撤下的处罚信息。"""
    app_ctx = AppContext.from_typer(ctx)
    day = day_option(today, "--today")
    rules, work = _context(app_ctx, calendar)
    with app_ctx.session() as session:
        render_table(app_ctx, penalties.due_table(session, rules, work, day), app_ctx.format(fmt))
