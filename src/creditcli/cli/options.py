"""Annotated option aliases shared by every command (one place for names and help text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from creditcli import clock
from creditcli.cli.context import OutputFormat
from creditcli.errors import UsageError
from creditcli.io.writers import FileFormat

if TYPE_CHECKING:
    from creditcli.io.dates import DateBounds

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
SheetOpt = Annotated[
    str | None,
    typer.Option("--sheet", help="Excel 文件中要导入的工作表名（默认第一张可见的工作表）", show_default=False),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="只检查并报告，不写入数据库")]
RejectsOpt = Annotated[
    Path | None, typer.Option("--rejects", help="把发现的问题写入此文件（CSV/XLSX/JSON）", show_default=False)
]
AllowUnknownOpt = Annotated[
    bool,
    typer.Option("--allow-unknown", help="统一社会信用代码不在检查对象名录中的也导入（计数并警告；默认拒绝整个文件）"),
]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", help="最多显示多少条（0 表示全部）")]
MAX_NUMBER = 1_000_000_000
"""Upper bound of a count or sequence number typed on the command line (a database integer holds it)."""
CalendarOpt = Annotated[
    Path | None, typer.Option("--calendar", help="本地节假日日历（TOML），补日历包未覆盖的年份", show_default=False)
]
TodayOpt = Annotated[str | None, typer.Option("--today", help="按哪一天计算（默认今天）", show_default=False)]


def day_option(text: str | None, option: str, bounds: DateBounds | None = None, field: str = "") -> dt.date:
    """A date typed for ``option`` in any accepted form (None: today); exit 2 when it is none, or when
    it lies outside ``bounds`` (the same ranges the column registry gives the file's date columns)."""
    from creditcli.io.dates import parse_date

    if text is None:
        return clock.today()
    day = parse_date(text)
    if day is None:
        raise UsageError(f"{option} {text} 无法识别（可写作 2026-07-10、2026/7/10、2026年7月10日、20260710）")
    reason = None if bounds is None else bounds.reason(day, clock.today())
    if reason is not None:
        raise UsageError(f"{option} {text}：{field or '日期'}{reason}")
    return day


def in_range(value: int | None, option: str, low: int = 0, high: int = MAX_NUMBER) -> int | None:
    """``value`` of an integer option, refused (exit 2) outside [low, high]: a number past a database
    integer or a calendar year is a typo, never a reason for "内部错误"."""
    if value is not None and not low <= value <= high:
        raise UsageError(f"{option} {value} 超出范围：应为 {low} 到 {high} 之间的整数")
    return value
