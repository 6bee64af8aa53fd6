"""creditcli entities …: 检查对象名录库."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creditcli.cli.common import export_to_file, run_import
from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper
from creditcli.cli.lazy import lazy_module
from creditcli.cli.options import (
    DryRunOpt,
    EncodingOpt,
    FileFormatOpt,
    FormatOpt,
    InputPath,
    LimitOpt,
    MappingOpt,
    OutputPath,
    RejectsOpt,
    SheetOpt,
    in_range,
)
from creditcli.cli.render import render_record, render_table, to_jsonable

if TYPE_CHECKING:
    from creditcli.rosters import entities
else:
    entities = lazy_module("creditcli.rosters.entities")

app = CreditTyper(name="entities", help="检查对象名录库：导入、查询、导出。")

ClassOpt = Annotated[str | None, typer.Option("--class", help="信用风险分类，如 D")]
StatusOpt = Annotated[str | None, typer.Option("--status", help="登记状态，如 存续、注销")]
StationOpt = Annotated[str | None, typer.Option("--station", help="管辖单位（监管所）")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="主体类型，如 企业、个体工商户")]
IndustryOpt = Annotated[str | None, typer.Option("--industry", help="行业代码前缀，如 C13")]
TagOpt = Annotated[str | None, typer.Option("--tag", help="标签（专项库），如 食品生产")]
NameOpt = Annotated[str | None, typer.Option("--name", help="名称包含的文字")]


@app.command("import")
def import_(
    ctx: typer.Context,
    path: InputPath,
    encoding: EncodingOpt = None,
    mapping: MappingOpt = None,
    dry_run: DryRunOpt = False,
    rejects: RejectsOpt = None,
    accept_bad_checksum: Annotated[
        bool, typer.Option("--accept-bad-checksum", help="校验位不符的代码也导入，并在该对象上记录警告")
    ] = False,
    fmt: FormatOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """导入检查对象名录（按统一社会信用代码新增或更新）。

    整个文件全部有效才写入；任何一行有问题，列出所有问题并退出（退出码 65），数据库不变。
    只含部分列的文件（如每月的信用风险分类：统一社会信用代码、信用风险分类、分类日期）只更新这些列。
    """
    run_import(
        AppContext.from_typer(ctx),
        entities.SPEC,
        path,
        encoding=encoding,
        mapping=mapping,
        dry_run=dry_run,
        rejects=rejects,
        fmt=fmt,
        accept_bad_checksum=accept_bad_checksum,
        sheet=sheet,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    risk_class: ClassOpt = None,
    status: StatusOpt = None,
    station: StationOpt = None,
    entity_type: TypeOpt = None,
    industry: IndustryOpt = None,
    tag: TagOpt = None,
    name: NameOpt = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = None,
) -> None:
    """列出检查对象（可按分类、状态、监管所、类型、行业、标签、名称筛选）。"""
    ctx_app = AppContext.from_typer(ctx)
    flt = entities.EntityFilter(risk_class, status, station, entity_type, industry, tag, name)
    limit = in_range(limit, "--limit") or 0
    with ctx_app.session() as session:
        render_table(ctx_app, entities.entity_table(session, flt, limit or None, brief=True), ctx_app.format(fmt))


@app.command("show")
def show(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码", show_default=False)],
    fmt: FormatOpt = None,
) -> None:
    """显示一个检查对象及其信用风险分类历史。"""
    ctx_app = AppContext.from_typer(ctx)
    with ctx_app.session() as session:
        detail = entities.get_entity(session, uscc)
    data = {**detail.fields, "class_history": to_jsonable(detail.history)}
    render_record(ctx_app, "creditcli.entity/1", data, detail.labels, ctx_app.format(fmt))
    if ctx_app.format(fmt).value == "table" and detail.history:
        ctx_app.out.print("信用风险分类历史：")
        for change in detail.history:
            ctx_app.out.print(f"  {change.effective_date}  {change.risk_class}  （{change.source}）", markup=False)


@app.command("export")
def export(
    ctx: typer.Context,
    path: OutputPath,
    risk_class: ClassOpt = None,
    status: StatusOpt = None,
    station: StationOpt = None,
    entity_type: TypeOpt = None,
    industry: IndustryOpt = None,
    tag: TagOpt = None,
    name: NameOpt = None,
    fmt: FileFormatOpt = None,
) -> None:
    """导出检查对象名录（CSV 为 Excel 可直接打开的 UTF-8 带 BOM；XLSX；JSON）。

    内部名录含信用风险分类，不得用于公示。
    """
    ctx_app = AppContext.from_typer(ctx)
    ctx_app.check_outputs(("输出文件", path))
    flt = entities.EntityFilter(risk_class, status, station, entity_type, industry, tag, name)
    with ctx_app.session() as session:
        export_to_file(ctx_app, entities.entity_table(session, flt), Path(path), fmt)
