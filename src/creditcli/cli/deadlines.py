"""creditcli deadlines: 检查结果录入期限（检查结束后 20 个工作日）."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.options import CalendarOpt, FormatOpt, TodayOpt, day_option
from creditcli.cli.render import render_table


def deadlines(
    ctx: typer.Context,
    today: TodayOpt = None,
    calendar: CalendarOpt = None,
    fail_if_overdue: Annotated[
        bool, typer.Option("--fail-if-overdue", help="有逾期任务时以退出码 1 结束（供定时任务报警）")
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """列出已抽取任务的检查结果录入截止日期（检查结束后 20 个工作日，含调休）、剩余工作日与逾期任务。"""
    from creditcli.actions import publicity
    from creditcli.errors import AlarmError
    from creditcli.results.deadlines import deadline_table

    app_ctx = AppContext.from_typer(ctx)
    rows = publicity.deadlines(app_ctx.store, day_option(today, "--today"), calendar)
    render_table(app_ctx, deadline_table(rows), app_ctx.format(fmt))
    late = [d.code for d in rows if d.overdue]
    if late and fail_if_overdue:
        raise AlarmError(f"{len(late)} 个任务逾期未录完检查结果：{'、'.join(late)}")
