"""creditcli demo: the main job on the shipped sample data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import AppContext, OutputFormat, eprint
from creditcli.cli.guard import guarded
from creditcli.cli.options import FormatOpt
from creditcli.cli.render import to_jsonable


@guarded
def demo(
    ctx: typer.Context,
    workdir: Annotated[Path, typer.Option("--dir", help="演示数据库和输出文件所在目录")] = Path("creditcli-demo"),
    fmt: FormatOpt = None,
) -> None:
    """演示主流程：建库、导入名录、创建任务、冻结、抽取、匹配检查组、出证书并复核、录入结果、公示、档案。

    使用内置 SQLite 和 data/samples/ 中的示例文件；每次都从空库开始，结果相同。
    --dir 须是空目录、新目录或上次演示的目录（演示只删除自己建的数据库）。
    """
    from rich.table import Table as RichTable

    from creditcli.demo import SEED, run_demo

    app_ctx = AppContext.from_typer(ctx)
    result = run_demo(workdir, app_ctx.settings, wait=app_ctx.wait, protected=app_ctx.store.protected_paths())
    eprint(f"新建数据库：{result.db_path}")
    if app_ctx.format(fmt) is OutputFormat.json:
        app_ctx.out.print_json(data={"schema": "creditcli.demo/1", "seed": SEED, **to_jsonable(result)})
        return
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
    d = result.draw
    strata = RichTable(title=f"抽查任务 {d.task}：按信用风险分类抽取（种子 {SEED}）")
    for label in ("信用风险分类", "可抽取户数", "抽取数"):
        strata.add_column(label)
    for klass, n, k in d.strata:
        strata.add_row(klass, str(n), str(k))
    app_ctx.out.print(strata)
    app_ctx.out.print(f"抽取范围：{d.pool_size} 户，摘要 {d.pool_digest}；抽中 {d.selected} 户", markup=False)
    low, high = d.loads
    app_ctx.out.print(f"检查组：{d.teams} 组（所所交叉），每名执法人员 {low}–{high} 户", markup=False)
    app_ctx.out.print(f"复核（抽取与检查组）：{'一致' if d.verified else '不一致'}", markup=False)
    app_ctx.out.print(f"检查结果：录入 {d.results} 条（示例），任务状态：{d.status}", markup=False)
    risk = result.risk
    spread = "，".join(f"{c} {n} 户" for c, n in risk.classes.items())
    fields = "，".join(f"{name} {n} 户" for name, n in risk.by_model.items() if name != "general")
    app_ctx.out.print(
        f"本局模型分类（{risk.model}，基准日 {risk.as_of}）：{spread}；专业型模型定类：{fields}", markup=False
    )
    for path in d.files:
        app_ctx.out.print(f"已写出：{path}", markup=False)
    app_ctx.out.print(f"数据库：{result.db_path}", markup=False)
    app_ctx.out.print(f"下一步：creditcli --db {result.db_path} tasks show {d.task}", markup=False)
    app_ctx.out.print(f"      python tools/verify_draw.py {d.files[1]} {d.files[3]}", markup=False)
