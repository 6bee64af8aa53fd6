"""creditcli lists …: 严重违法失信名单与经营异常名录."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt, day_option
from creditcli.cli.render import render_table

app = CreditTyper(name="lists", help="严重违法失信名单与经营异常名录：列入、移出（谁列入、谁移出）、查询。")


class Which(StrEnum):
    serious = "serious"
    abnormal = "abnormal"


WhichOpt = Annotated[Which, typer.Option("--list", help="serious：严重违法失信名单；abnormal：经营异常名录")]
UsccArg = Annotated[str, typer.Argument(help="统一社会信用代码", show_default=False)]
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
    from creditcli.credit import lists
    from creditcli.credit.rules import load_rules
    from creditcli.io.dates import RECORDED
    from creditcli.rosters.codes import normalise

    app_ctx = AppContext.from_typer(ctx)
    rules = load_rules(app_ctx.settings.rules_file)
    code = normalise(uscc)
    with app_ctx.session(write=True) as session:
        known = lists.in_roster(session, code)
        entry = lists.add(
            session, rules, lists.KINDS[which.value], code, ground=ground, decision_no=decision_no,
            listed_on=day_option(date, "--date", RECORDED, "列入日期"), unit=unit, allow_unknown=allow_unknown,
        )  # fmt: skip
        d = lists.dates(entry, rules)
    if not known:
        app_ctx.info(f"警告：{entry.uscc} 不在检查对象名录中，已按 --allow-unknown 列入{entry.list_kind}")
    auto = f"，{d.automatic} 自动移出" if d.automatic else ""
    app_ctx.info(f"已列入{entry.list_kind}：{entry.uscc}（{d.removal_from} 起可移出{auto}）")


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
    from creditcli.credit import lists
    from creditcli.credit.rules import load_rules
    from creditcli.io.dates import RECORDED
    from creditcli.rosters.codes import normalise

    app_ctx = AppContext.from_typer(ctx)
    rules = load_rules(app_ctx.settings.rules_file)
    with app_ctx.session(write=True) as session:
        entry = lists.remove(
            session,
            rules,
            lists.KINDS[which.value],
            normalise(uscc),
            reason=reason,
            removed_on=day_option(date, "--date", RECORDED, "移出日期"),
            unit=unit,
        )
    app_ctx.info(f"已移出{entry.list_kind}：{entry.uscc}（{entry.removed_on}）")


@app.command("list")
def list_(
    ctx: typer.Context,
    which: Annotated[Which | None, typer.Option("--list", help="只列一种名单", show_default=False)] = None,
    active: Annotated[bool, typer.Option("--active", help="只列尚未移出的")] = False,
    fmt: FormatOpt = None,
) -> None:
    """列出名单记录，含可移出日期与自动移出日期。"""
    from creditcli.credit import lists
    from creditcli.credit.rules import load_rules

    app_ctx = AppContext.from_typer(ctx)
    rules = load_rules(app_ctx.settings.rules_file)
    kind = None if which is None else lists.KINDS[which.value]
    with app_ctx.session() as session:
        render_table(app_ctx, lists.list_table(session, rules, kind, active), app_ctx.format(fmt))
