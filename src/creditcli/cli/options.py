"""Annotated option aliases shared by every command (one place for names and help text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from creditcli.cli.context import OutputFormat
from creditcli.io.writers import FileFormat

FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="输出格式：table（表格）、csv 或 json；默认取全局设置"),
]
InputPath = Annotated[Path, typer.Argument(help="要导入的文件（.csv、.xlsx、.xls）", show_default=False)]
OutputPath = Annotated[Path, typer.Argument(help="输出文件（按扩展名选择 .csv、.xlsx 或 .json）", show_default=False)]
FileFormatOpt = Annotated[
    FileFormat | None, typer.Option("--format", "-f", help="文件格式：csv、xlsx 或 json；默认按扩展名判断")
]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help="CSV 文件编码（如 gb18030、utf-8）；默认自动识别")]
MappingOpt = Annotated[
    Path | None,
    typer.Option("--mapping", help="列映射文件（TOML/JSON/CSV：原列名 = 字段）", show_default=False),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查并报告，不写入数据库")]
RejectsOpt = Annotated[
    Path | None, typer.Option("--rejects", help="把发现的问题写入此文件（CSV/XLSX/JSON）", show_default=False)
]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=0, help="最多显示多少条（0 表示全部）")]
