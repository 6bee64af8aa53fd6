"""creditcli deadlines: 检查结果录入与公示期限（检查结束后 20 个工作日）."""

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
        bool, typer.Option("--fail-if-overdue", help="有逾期未公示的任务时以退出码 1 结束（供定时任务报警）")
    ] = False,
    fail_if_unknown: Annotated[
        bool,
        typer.Option("--fail-if-unknown", help="有任务因日历缺年份而无法计算期限时以退出码 78 结束（提醒补充日历）"),
    ] = False,
    fmt: FormatOpt = None,
) -> None:
    """列出已抽取任务的结果录入状态与公示截止日期（检查结束后 20 个工作日，含调休）、剩余工作日与逾期任务。

    已完成但截止日期后仍未登记结果公示（publicity mark --what results）的任务算逾期。截止日期落在日历未覆盖的
    年份时，该任务标为“日历缺 某 年”，其余任务照常列出。
    """
    from creditcli.actions import publicity
    from creditcli.errors import AlarmError, CalendarGap, ConfigError
    from creditcli.lifecycle import PUBLISHED
    from creditcli.results.deadlines import deadline_table

    app_ctx = AppContext.from_typer(ctx)
    rows = publicity.deadlines(app_ctx.store, day_option(today, "--today"), calendar)
    render_table(app_ctx, deadline_table(rows), app_ctx.format(fmt))
    gaps: dict[str, tuple[CalendarGap, list[str]]] = {}
    for d in rows:
        if d.gap is not None and d.status != PUBLISHED:
            gaps.setdefault(d.note, (d.gap, []))[1].append(d.code)
    for note, (gap, codes) in gaps.items():
        app_ctx.info(f"注意：{gap.message}。标为“{note}”的任务：{'、'.join(codes)}")
    late = [d.code for d in rows if d.overdue]
    if late and fail_if_overdue:
        raise AlarmError(f"{len(late)} 个任务逾期未公示检查结果：{'、'.join(late)}")
    if gaps and fail_if_unknown:
        missing = [code for _, codes in gaps.values() for code in codes]
        fixes = dict.fromkeys(
            "请在本地日历文件中补充该年（配置项 calendar_file 或 --calendar，格式见 docs/results.md）"
            if gap.year is not None
            else gap.message
            for gap, _ in gaps.values()
        )
        raise ConfigError(
            f"{len(missing)} 个任务的期限无法计算（{'、'.join(gaps)}）：{'、'.join(missing)}；{'；'.join(fixes)}"
        )
