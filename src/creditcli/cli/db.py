"""creditcli db …: 数据库初始化与升级."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import AppContext, eprint
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import FormatOpt
from creditcli.cli.render import render_record

app = CreditTyper(name="db", help="数据库：初始化、升级结构、查看状态。")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """创建数据库或把结构升级到本程序的版本（SQLite 文件升级前自动备份）。"""
    from creditcli.actions import database

    app_ctx = AppContext.from_typer(ctx)
    done = database.upgrade(app_ctx.store)
    result = done.result
    if done.created is not None:
        eprint(f"新建数据库：{done.created}")
    if result.before == result.after:
        app_ctx.info(f"数据库结构已是最新版本 {result.after}：{app_ctx.db}")
        return
    app_ctx.info(f"数据库结构已从 {result.before or '空'} 升级到 {result.after}：{app_ctx.db}")
    if result.backup is not None:
        app_ctx.info(f"升级前的备份：{result.backup}")


@app.command("backup")
def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="备份文件", show_default=False)],
) -> None:
    """备份 SQLite 数据库（在线备份，其他人可继续使用）；PostgreSQL 请用 pg_dump。"""
    from creditcli.actions import database

    app_ctx = AppContext.from_typer(ctx)
    written = database.backup(app_ctx.store, target)
    app_ctx.info(f"已备份 {app_ctx.db} 到 {written}")


@app.command("status")
def status(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """显示数据库位置、结构版本和各名录的记录数。"""
    from creditcli.actions import database

    app_ctx = AppContext.from_typer(ctx)
    found = database.status(app_ctx.store)
    data = {"db": found.db, "revision": found.revision, "required": found.required, **found.counts}
    labels = {"db": "数据库", "revision": "结构版本", "required": "程序要求的版本", **database.STATUS_TABLES}
    render_record(app_ctx, "creditcli.db-status/1", data, labels, app_ctx.format(fmt))
