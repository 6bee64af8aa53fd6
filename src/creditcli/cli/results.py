"""creditcli results …: 检查结果代码与检查结果录入."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CodeArg, FormatOpt, UsccArg, day_option
from creditcli.cli.render import render_record, render_table, to_jsonable

app = CreditTyper(name="results", help="检查结果：结果代码表、逐户录入。")

add_import_command(
    app,
    "vocabulary",
    """导入本省的检查结果代码表（按代码新增或更新）。

    列：代码、检查结果、上级代码、负面结果、需后续处置、必须公示（是/否）。表中没有的旧代码停用但保留，
    已录入的结果仍可查到。
    """,
    name="vocabulary",
)

RECORD_LABELS = {
    "task": "任务编号",
    "status": "任务状态",
    "inserted": "新增结果",
    "updated": "更新结果",
    "unchanged": "未变",
    "drawn": "抽中对象数",
    "with_results": "已有结果的对象数",
}


@app.command("codes")
def codes(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """列出检查结果代码（含已停用的）。"""
    from creditcli.actions import rosters

    app_ctx = AppContext.from_typer(ctx)
    with rosters.listing(app_ctx.store, "vocabulary") as table:
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("record")
def record(
    ctx: typer.Context,
    code: CodeArg,
    uscc: UsccArg,
    result: Annotated[str, typer.Option("--result", help="检查结果代码（见 results codes）", show_default=False)],
    date: Annotated[str, typer.Option("--date", help="检查日期，须在检查时间之内", show_default=False)],
    method: Annotated[str, typer.Option("--method", help="核查方式，如 实地检查、书面检查")] = "实地检查",
    inspector: Annotated[
        list[str], typer.Option("--inspector", help="检查人员执法证号（可重复），须为该对象检查组成员")
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    item: Annotated[str, typer.Option("--item", help="抽查事项编码（按事项记录时）")] = "",
    findings: Annotated[str, typer.Option("--findings", help="发现问题情况")] = "",
    action: Annotated[str, typer.Option("--action", help="后续处置措施")] = "",
    done: Annotated[bool, typer.Option("--done/--not-done", help="后续处置是否已完成")] = False,
    remarks: Annotated[str, typer.Option("--remarks", help="备注")] = "",
    fmt: FormatOpt = None,
) -> None:
    """录入一户的一条检查结果；同一对象、事项、结果再次录入即更新，改动留痕。"""
    from creditcli.actions import results
    from creditcli.io.dates import RECORDED

    checked_on = day_option(date, "--date", RECORDED, "检查日期")
    app_ctx = AppContext.from_typer(ctx)
    outcome = results.record(
        app_ctx.store, code, uscc, result, checked_on, inspector,
        method=method, item=item, findings=findings, action=action, done=done, remarks=remarks,
    )  # fmt: skip
    render_record(app_ctx, "creditcli.record/1", to_jsonable(outcome), RECORD_LABELS, app_ctx.format(fmt))


IMPORT_LABELS = {
    "source": "文件",
    "encoding": "编码",
    "rows": "数据行数",
    "skipped": "未填写检查结果（跳过）",
    "inserted": "新增结果",
    "updated": "更新结果",
    "unchanged": "未变",
    "tasks": "任务状态",
    "dry_run": "仅检查",
}


def _import_sheet(app_ctx: AppContext, options: dict[str, Any], out: OutputFormat) -> None:
    from creditcli.actions import results

    path = options.pop("path")
    summary = results.import_file(app_ctx.store, path, **options)
    for note in summary.notes:
        app_ctx.info(f"提示：{note}")
    data = to_jsonable(summary)
    data.pop("notes")
    if out is not OutputFormat.json:  # a table row or CSV cell: "T1 检查中；T2 已完成"
        data["tasks"] = "；".join(f"{k} {v}" for k, v in summary.tasks.items())
    render_record(app_ctx, "creditcli.results-import/1", data, IMPORT_LABELS, out)
    if summary.dry_run:
        app_ctx.info("仅检查（--dry-run）：未写入数据库")


add_import_command(
    app,
    _import_sheet,
    """导入填好的检查结果录入表（tasks export --what result-template 导出的表，或同样表头的表）。

    未填“检查结果代码”的行跳过；任何一行有问题则整个文件不录入，逐行列出问题。
    """,
)
