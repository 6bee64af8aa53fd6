"""creditcli results …: 检查结果代码与检查结果录入."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from creditcli.cli.common import add_import_command
from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import CodeArg, FormatOpt, UsccArg, day_option
from creditcli.cli.render import render_record, render_table, to_jsonable

app = CreditTyper(name="results", help="检查结果：结果代码表、逐户录入、撤回与查询。")

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
    "withdrawn": "撤回结果",
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
        list[str],
        typer.Option("--inspector", help="检查人员执法证号（可重复），须为该对象检查组成员，至少两名执法人员"),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    item: Annotated[str, typer.Option("--item", help="抽查事项编码（按事项记录时）")] = "",
    findings: Annotated[str, typer.Option("--findings", help="发现问题情况")] = "",
    action: Annotated[str, typer.Option("--action", help="后续处置措施")] = "",
    done: Annotated[bool, typer.Option("--done/--not-done", help="后续处置是否已完成")] = False,
    remarks: Annotated[str, typer.Option("--remarks", help="备注")] = "",
    replaces: Annotated[
        str, typer.Option("--replaces", help="本结果替代的（录错的）结果代码：同时撤回它", show_default=False)
    ] = "",
    reason: Annotated[str, typer.Option("--reason", help="替代时的撤回原因", show_default=False)] = "",
    fmt: FormatOpt = None,
) -> None:
    """录入一户的一条检查结果；同一对象、事项、结果再次录入即更新，改动留痕。

    --replaces 1 --reason 误录：录入本结果并撤回同一对象、事项录错的结果 1（见 results withdraw）。
    """
    from creditcli.actions import results
    from creditcli.io.dates import RECORDED

    checked_on = day_option(date, "--date", RECORDED, "检查日期")
    app_ctx = AppContext.from_typer(ctx)
    outcome = results.record(
        app_ctx.store, code, uscc, result, checked_on, inspector,
        method=method, item=item, findings=findings, action=action, done=done, remarks=remarks,
        replaces=replaces, reason=reason,
    )  # fmt: skip
    render_record(app_ctx, "creditcli.record/1", to_jsonable(outcome), RECORD_LABELS, app_ctx.format(fmt))


WITHDRAW_LABELS = {
    "task": "任务编号",
    "uscc": "统一社会信用代码",
    "item": "抽查事项编码",
    "result_code": "撤回的检查结果代码",
    "reason": "撤回原因",
    "withdrawn_by": "撤回人",
    "withdrawn_at": "撤回时间",
    "status": "任务状态",
    "drawn": "抽中对象数",
    "with_results": "已有结果的对象数",
}


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    code: CodeArg,
    uscc: UsccArg,
    result: Annotated[str, typer.Option("--result", help="要撤回的检查结果代码", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="撤回原因（必填），如 误录，应为 E", show_default=False)],
    item: Annotated[str, typer.Option("--item", help="抽查事项编码（结果按事项记录时）")] = "",
    fmt: FormatOpt = None,
) -> None:
    """撤回一条录错的检查结果：保留并记下撤回人、时间和原因，不再公示。

    撤回的结果仍在更改记录和一对象一档案中（results list --all 可见），不再计入任务进度、结果公示和信用。
    同一结果再次 results record 即恢复。
    """
    from creditcli.actions import results

    app_ctx = AppContext.from_typer(ctx)
    done = results.withdraw(app_ctx.store, code, uscc, result, reason, item)
    render_record(app_ctx, "creditcli.withdraw/1", to_jsonable(done), WITHDRAW_LABELS, app_ctx.format(fmt))


@app.command("list")
def list_(
    ctx: typer.Context,
    code: CodeArg,
    uscc: Annotated[str | None, typer.Option("--uscc", help="只列这个对象的结果", show_default=False)] = None,
    everything: Annotated[bool, typer.Option("--all", help="也列出已撤回的结果和每条结果的更改记录")] = False,
    fmt: FormatOpt = None,
) -> None:
    """列出任务当前的检查结果（--all 含已撤回的与更改记录）。"""
    from creditcli.actions import results

    app_ctx = AppContext.from_typer(ctx)
    listed = results.listing(app_ctx.store, code, uscc, everything)
    render_table(app_ctx, listed.table, app_ctx.format(fmt))
    if listed.withdrawn and not everything:
        app_ctx.info(f"另有 {listed.withdrawn} 条已撤回的结果未列出（加 --all 查看）")


IMPORT_LABELS = {
    "source": "文件",
    "encoding": "编码",
    "rows": "数据行数",
    "skipped": "未填写检查结果（跳过）",
    "inserted": "新增结果",
    "updated": "更新结果",
    "unchanged": "未变",
    "withdrawn": "撤回结果",
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
    “撤回”为 是 的行撤回该结果（须填撤回原因）；“替代结果代码”填了的行录入本结果并撤回被替代的结果。
    已有结果时导出的录入表已按记录填好，原样导入不改变任何内容。
    """,
)
