"""creditcli archive export: 一对象一档案（内部）."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import AppContext
from creditcli.cli.guard import CreditTyper

app = CreditTyper(name="archive", help="一对象一档案：对象的名录信息、分类记录、每次抽查的抽取、检查组、结果与公示。")


@app.command("export")
def export(
    ctx: typer.Context,
    uscc: Annotated[str | None, typer.Argument(help="统一社会信用代码", show_default=False)] = None,
    task: Annotated[str | None, typer.Option("--task", help="导出该任务全部抽中对象的档案", show_default=False)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录，或 .zip 文件", show_default=False)] = Path(
        "档案"
    ),
) -> None:
    """导出档案：每个对象一个目录（index.md 供阅读，archive.json 供系统读取）；内部使用，不得公示。"""
    from creditcli.actions import publicity

    app_ctx = AppContext.from_typer(ctx)
    count = publicity.archives(app_ctx.store, output, uscc=uscc, task=task)
    app_ctx.info(f"已导出 {count} 个对象的档案到 {output}")
