"""creditcli inspectors …: 执法检查人员名录库（含专家、第三方机构人员）."""

from __future__ import annotations

from typing import Annotated

import typer

from creditcli.cli.common import add_import_command, exported
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FileFormatOpt, FormatOpt, LimitOpt, OutputPath, rows_wanted
from creditcli.cli.progress import working
from creditcli.cli.render import render_record, render_table

app = CreditTyper(name="inspectors", help="执法检查人员名录库（含专家、第三方机构人员）：导入、查询、导出。")

add_import_command(
    app,
    "inspectors",
    """导入执法检查人员名录（按执法证号新增或更新）。

    执法人员须有执法证有效期；专家和第三方机构人员不计入检查组最少人数。
    整个文件全部有效才写入；有问题时列出所有问题并退出（退出码 65）。
    """,
)

KindOpt = Annotated[str | None, typer.Option("--kind", help="人员类别：执法人员、专家、第三方机构人员")]
StatusOpt = Annotated[str | None, typer.Option("--status", help="状态：在岗、离岗、停用")]
StationOpt = Annotated[str | None, typer.Option("--station", help="所属监管所")]
QualOpt = Annotated[str | None, typer.Option("--qualification", help="资质，如 特种设备")]
NameOpt = Annotated[str | None, typer.Option("--name", help="姓名包含的文字")]


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: KindOpt = None,
    status: StatusOpt = None,
    station: StationOpt = None,
    qualification: QualOpt = None,
    name: NameOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """列出执法检查人员。"""
    from creditcli.actions import rosters
    from creditcli.rosters.inspectors import InspectorFilter

    app_ctx = AppContext.from_typer(ctx)
    flt = InspectorFilter(kind, status, station, qualification, name)
    read, shown = rows_wanted(limit, app_ctx.format(fmt))
    with rosters.listing(app_ctx.store, "inspectors", flt, shown or read, brief=True, count=shown is not None) as table:
        render_table(app_ctx, table, app_ctx.format(fmt))


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="执法证号（或人员编号）", show_default=False)],
    fmt: FormatOpt = None,
) -> None:
    """显示一名执法检查人员。"""
    from creditcli.actions import rosters
    from creditcli.rosters.inspectors import LABELS

    app_ctx = AppContext.from_typer(ctx)
    record = rosters.inspector(app_ctx.store, code)
    render_record(app_ctx, "creditcli.inspector/1", record, LABELS, app_ctx.format(fmt))


@app.command("export")
def export(
    ctx: typer.Context,
    path: OutputPath,
    kind: KindOpt = None,
    status: StatusOpt = None,
    station: StationOpt = None,
    qualification: QualOpt = None,
    fmt: FileFormatOpt = None,
) -> None:
    """导出执法检查人员名录（内部使用，含个人信息，不得公示）。"""
    from creditcli.actions import rosters
    from creditcli.rosters.inspectors import InspectorFilter

    app_ctx = AppContext.from_typer(ctx)
    flt = InspectorFilter(kind, status, station, qualification)
    with working(app_ctx, f"正在导出到 {path.name}"):
        done = rosters.export(app_ctx.store, "inspectors", path, fmt, flt)
    exported(app_ctx, done.path, done.rows)
