"""creditcli lists …: 严重违法失信名单与经营异常名录."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt, UsccArg, day_option
from creditcli.cli.render import render_table

app = CreditTyper(name="lists", help="严重违法失信名单与经营异常名录：列入、移出（谁列入、谁移出）、查询。")


class Which(StrEnum):
    serious = "serious"
    abnormal = "abnormal"


WhichOpt = Annotated[Which, typer.Option("--list", help="serious：严重违法失信名单；abnormal：经营异常名录")]
DateOpt = Annotated[str, typer.Option("--date", help="决定日期", show_default=False)]
UnitOpt = Annotated[str, typer.Option("--unit", help="作出决定的单位", show_default=False)]


@app.command("add")
def add(
    ctx: typer.Context,
    which: WhichOpt,
    uscc: UsccArg,
    ground: Annotated[str, typer.Option("--ground", help="列入事由", show_default=False)],
    decision_no: Annotated[str, typer.Option("--decision-no", help="决定书文号", show_default=False)],
    date: DateOpt,
    unit: UnitOpt,
    allow_unknown: Annotated[
        bool, typer.Option("--allow-unknown", help="对象不在检查对象名录中也列入（警告；默认拒绝，退出码 66）")
    ] = False,
) -> None:
    """把对象列入名单。"""
    from creditcli.actions import credit
    from creditcli.io.dates import RECORDED

    app_ctx = AppContext.from_typer(ctx)
    day = day_option(date, "--date", RECORDED, "列入日期")
    done = credit.list_add(app_ctx.store, which.value, uscc, ground, decision_no, day, unit, allow_unknown)
    if not done.in_roster:
        app_ctx.info(f"警告：{done.uscc} 不在检查对象名录中，已按 --allow-unknown 列入{done.list_kind}")
    auto = f"，{done.dates.automatic} 自动移出" if done.dates.automatic else ""
    app_ctx.info(f"已列入{done.list_kind}：{done.uscc}（{done.dates.removal_from} 起可移出{auto}）")


@app.command("remove")
def remove(
    ctx: typer.Context,
    which: WhichOpt,
    uscc: UsccArg,
    reason: Annotated[str, typer.Option("--reason", help="移出原因", show_default=False)],
    date: DateOpt,
    unit: UnitOpt,
) -> None:
    """把对象移出名单；规则尚不允许时拒绝并说明何时可以。"""
    from creditcli.actions import credit
    from creditcli.io.dates import RECORDED

    app_ctx = AppContext.from_typer(ctx)
    day = day_option(date, "--date", RECORDED, "移出日期")
    done = credit.list_remove(app_ctx.store, which.value, uscc, reason, day, unit)
    app_ctx.info(f"已移出{done.list_kind}：{done.uscc}（{done.removed_on}）")


@app.command("list")
def list_(
    ctx: typer.Context,
    which: Annotated[Which | None, typer.Option("--list", help="只列一种名单", show_default=False)] = None,
    active: Annotated[bool, typer.Option("--active", help="只列尚未移出的")] = False,
    fmt: FormatOpt = None,
) -> None:
    """列出名单记录，含可移出日期与自动移出日期。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    with credit.list_entries(app_ctx.store, None if which is None else which.value, active) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))
