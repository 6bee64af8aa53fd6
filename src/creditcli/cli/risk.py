"""creditcli risk …: 本局信用风险分类模型（通用型 + 专业型）的计算、解释与分布报告."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CalendarOpt, DryRunOpt, FormatOpt, day_option
from creditcli.cli.progress import working
from creditcli.cli.render import render_record, render_table, shown_value, to_jsonable

app = CreditTyper(name="risk", help="信用风险分类：按本局模型计算分类、解释某户为何在此类、各所分类分布。")

ModelNameOpt = Annotated[
    str | None, typer.Option("--model", help="模型名（默认：最近一次运行的模型）", show_default=False)
]


@app.command("classify")
def classify(
    ctx: typer.Context,
    model: Annotated[
        Path | None, typer.Option("--model", help="模型文件（TOML）；默认用随程序提供的默认模型", show_default=False)
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="分类基准日（默认今天）", show_default=False)] = None,
    dry_run: DryRunOpt = False,
    calendar: CalendarOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """按模型为全部检查对象计算信用风险分类，变化的分类记入分类历史（来源 model:模型名@版本）。

    只计入分类基准日仍在影响期内的信息；同样的数据和模型重跑不作任何改动。
    """
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    day = day_option(as_of, "--as-of")
    with working(app_ctx, "正在计算信用风险分类"):
        summary = credit.classify(app_ctx.store, day, model=model, dry_run=dry_run, calendar=calendar)
    totals = {c: sum(d.get(c, 0) for d in summary.distribution.values()) for c in app_ctx.settings.risk_classes}
    data: dict[str, Any] = {**to_jsonable(summary), "classes": totals}
    data.pop("distribution")
    if app_ctx.format(fmt) is OutputFormat.json:
        data["distribution"] = summary.distribution
    labels = {
        "model": "模型", "version": "版本", "as_of": "分类基准日", "entities": "检查对象", "new": "首次分类",
        "changed": "分类变化", "refreshed": "分类未变、指标值更新", "dry_run": "仅试算", "run_id": "运行编号",
        "noop": "与上次相同（未写入）",
    }  # fmt: skip
    for c, n in totals.items():
        data[f"class_{c}"] = n
        labels[f"class_{c}"] = f"{c} 类户数"
    render_record(app_ctx, "creditcli.risk-classify/1", data, labels, app_ctx.format(fmt))
    if summary.noop:
        app_ctx.info("数据和模型与上次运行相同，分类没有变化，未写入。")


@app.command("explain")
def explain(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码", show_default=False)],
    model: ModelNameOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """说明一户为何在其分类：各模型的得分、每项指标的取值与得分、直接定类规则、专业模型取代。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    data = credit.explain(app_ctx.store, uscc, model)
    if app_ctx.format(fmt) is OutputFormat.json:
        render_record(app_ctx, "creditcli.risk-explain/1", data, {}, OutputFormat.json)
        return
    if app_ctx.format(fmt) is OutputFormat.csv:  # one row per model, scoring model and indicator
        from creditcli.credit.riskviews import explain_table

        render_table(app_ctx, explain_table(data), OutputFormat.csv)
        return
    out = app_ctx.out
    out.print(f"{data['uscc']} {data['name']}", markup=False)
    out.print(f"导入的分类：{data['imported_class'] or '（无）'}", markup=False)
    if not data["models"]:
        out.print("尚无模型计算的分类（运行 creditcli risk classify）", markup=False)
    for m in data["models"]:
        out.print(
            f"\n模型 {m['model']}@{m['version']}：{m['risk_class']} 类（自 {m['effective_date']}；"
            f"由{m['decided_by_label']}确定；分类基准日 {m['as_of']}）",
            markup=False,
        )
        for s in m["scorings"]:
            rule = f"；直接定类：{s['direct']['label']}" if s["direct"] else ""
            out.print(f"  {s['label']}：得分 {s['score']}，按分档为 {s['band_class']} 类{rule}", markup=False)
            for i in s["indicators"]:
                value = "无数据" if i["value"] is None else i["value"]
                out.print(f"    {i['label']}（{i['id']}）：取值 {value}，得分 {i['points']}", markup=False)
    if data["history"]:
        out.print("\n分类历史：", markup=False)
        for h in data["history"]:
            out.print(
                f"  {h['effective_date']} {h['risk_class']}（{shown_value('source', h['source'])}）", markup=False
            )


@app.command("report")
def report(ctx: typer.Context, model: ModelNameOpt = None, fmt: FormatOpt = None) -> None:
    """最近一次分类的各所、各类户数，及与该模型上一次运行相比的变化。"""
    from creditcli.actions import credit

    app_ctx = AppContext.from_typer(ctx)
    rep = credit.report(app_ctx.store, model)
    since = f"，与 {rep.previous.as_of} 的运行相比" if rep.previous else "（首次运行，无可比较的上次结果）"
    title = f"模型 {rep.model}@{rep.run.version}，分类基准日 {rep.run.as_of}{since}"
    render_table(app_ctx, rep.table, app_ctx.format(fmt), title=title)
