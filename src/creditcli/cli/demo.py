"""creditcli demo: the main job on the shipped sample data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from creditcli.cli.context import AppContext
from creditcli.cli.guard import guarded


@guarded
def demo(
    ctx: typer.Context,
    workdir: Annotated[Path, typer.Option("--dir", help="演示数据库和输出文件所在目录")] = Path("creditcli-demo"),
) -> None:
    """演示：在示例数据上建库并导入全部名录，打印汇总。

    使用内置 SQLite 和 data/samples/ 中的示例文件；重复运行是安全的（第二次全部为“未变”）。
    """
    from creditcli.demo import run_demo

    app_ctx = AppContext.from_typer(ctx)
    result = run_demo(workdir, app_ctx.settings)
    table = RichTable(title="示例数据导入汇总")
    for label in ("名录", "文件", "编码", "数据行数", "新增", "更新", "未变"):
        table.add_column(label)
    for r in result.imports:
        table.add_row(
            r.roster,
            Path(r.source).name,
            r.encoding,
            *(str(x) for x in (r.rows, r.inserted, r.updated, r.unchanged)),
        )
    app_ctx.out.print(table)
    for r in result.imports:
        for note in r.notes:
            app_ctx.info(f"提示（{Path(r.source).name}）：{note}")
    app_ctx.out.print(f"数据库：{result.db_path}", markup=False)
    app_ctx.out.print(f"下一步：creditcli --db {result.db_path} entities list --class D", markup=False)
