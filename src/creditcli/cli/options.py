"""Annotated option aliases shared by every command (one place for names and help text), and the one
parser of dates and integers typed as options."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from creditcli import clock
from creditcli.cli.context import OutputFormat
from creditcli.errors import UsageError
from creditcli.io.formats import FileFormat

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
AcceptBadChecksumOpt = Annotated[
    bool, typer.Option("--accept-bad-checksum", help="校验位不符的代码也导入，并在该对象上记录警告")
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        help="最多显示多少条（0 表示全部）；不给时表格显示前 50 条，-f csv 与 -f json 输出全部",
        show_default=False,
    ),
]
TABLE_ROWS = 50
"""Rows a terminal table of a list command shows when ``--limit`` is not given (CSV and JSON: all)."""
MAX_NUMBER = 1_000_000_000
"""Upper bound of a count or sequence number typed on the command line (a database integer holds it)."""
CalendarOpt = Annotated[
    Path | None, typer.Option("--calendar", help="本地节假日日历（TOML），补日历包未覆盖的年份", show_default=False)
]
TodayOpt = Annotated[str | None, typer.Option("--today", help="按哪一天计算（默认今天）", show_default=False)]
CodeArg = Annotated[str, typer.Argument(help="任务编号", show_default=False)]
UsccArg = Annotated[str, typer.Argument(help="统一社会信用代码", show_default=False)]
SeqOpt = Annotated[int | None, typer.Option("--seq", help="第几次抽取（默认当前有效的一次）", show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="输出文件（.csv、.xlsx 或 .json）", show_default=False)]


def day_option(text: str | None, option: str, bounds: DateBounds | None = None, field: str = "") -> dt.date:
    """A date typed for ``option`` in any accepted form (None: today); exit 2 when it is none, or when
    it lies outside ``bounds`` (the same ranges the column registry gives the file's date columns)."""
    day = date_option(text, option)
    if day is None:
        return clock.today()
    reason = None if bounds is None else bounds.reason(day, clock.today())
    if reason is not None:
        raise UsageError(f"{option} {text}：{field or '日期'}{reason}")
    return day


def date_option(text: str | None, option: str) -> dt.date | None:
    """A date typed for ``option`` in any accepted form, or None when the option was not given; exit 2
    when the text is no date. The one parser of dates typed on the command line."""
    from creditcli.io.dates import parse_date

    if text is None:
        return None
    day = parse_date(text)
    if day is None:
        raise UsageError(f"{option} {text} 无法识别（可写作 2026-07-10、2026/7/10、2026年7月10日、20260710）")
    return day


def rows_wanted(limit: int | None, fmt: OutputFormat) -> tuple[int | None, int | None]:
    """``--limit`` of a list command: (rows to read, rows to show). Given, it holds for every format
    (0: all); not given, a terminal table shows the first ``TABLE_ROWS`` and says how many there are,
    while CSV and JSON, read by programs, are never cut."""
    limit = in_range(limit, "--limit")
    if limit is not None:
        return (limit or None), None
    return None, (TABLE_ROWS if fmt is OutputFormat.table else None)


def in_range(value: int | None, option: str, low: int = 0, high: int = MAX_NUMBER) -> int | None:
    """``value`` of an integer option, refused (exit 2) outside [low, high]: a number past a database
    integer or a calendar year is a typo, never a reason for "内部错误"."""
    if value is not None and not low <= value <= high:
        raise UsageError(f"{option} {value} 超出范围：应为 {low} 到 {high} 之间的整数")
    return value


F = TypeVar("F", bound=Callable[..., Any])


def _signature(func: Callable[..., Any], skip: str = "") -> inspect.Signature:
    """``func``'s signature with its annotations evaluated, as Typer reads them (``skip``: a parameter
    Typer never sees, whose annotation may name a type imported only for type checking)."""
    signature = inspect.signature(func)
    params = []
    for p in signature.parameters.values():
        if p.name != skip and isinstance(p.annotation, str):
            p = p.replace(annotation=eval(p.annotation, inspect.unwrap(func).__globals__))  # the module's names
        params.append(p)
    return signature.replace(parameters=params)


def without(*names: str) -> Callable[[F], F]:
    """Drop parameters from what Typer sees of a command (they keep their defaults): one command body
    serves commands whose options differ (the roster imports)."""

    def decorator(func: F) -> F:
        signature = _signature(func)
        kept = [p for p in signature.parameters.values() if p.name not in names]
        func.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]  # read by Typer
        return func

    return decorator


ENTITY_FILTER_OPTIONS: dict[str, Any] = {
    "risk_class": Annotated[str | None, typer.Option("--class", help="信用风险分类，如 D", show_default=False)],
    "status": Annotated[str | None, typer.Option("--status", help="登记状态，如 存续、注销", show_default=False)],
    "station": Annotated[str | None, typer.Option("--station", help="管辖单位（监管所）", show_default=False)],
    "entity_type": Annotated[
        str | None, typer.Option("--type", help="主体类型，如 企业、个体工商户", show_default=False)
    ],
    "industry": Annotated[str | None, typer.Option("--industry", help="行业代码前缀，如 C13", show_default=False)],
    "tag": Annotated[str | None, typer.Option("--tag", help="标签（专项库），如 食品生产", show_default=False)],
    "name": Annotated[str | None, typer.Option("--name", help="名称包含的文字", show_default=False)],
}
"""The seven filters of the entity roster, written once for ``entities list`` and ``entities export``."""


def entity_filter(func: F) -> F:
    """Give a command the seven entity filters; the body receives them as ``flt`` (an ``EntityFilter``)."""
    signature = _signature(func, skip="flt")
    params = [p for p in signature.parameters.values() if p.name != "flt"]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in ENTITY_FILTER_OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from creditcli.rosters.entities import EntityFilter

        values = {name: kwargs.pop(name, None) for name in ENTITY_FILTER_OPTIONS}
        return func(*args, flt=EntityFilter(**values), **kwargs)

    seen = signature.replace(parameters=[*params, *extra])
    wrapper.__signature__ = seen  # type: ignore[attr-defined]  # what Typer reads
    wrapper.__annotations__ = {p.name: p.annotation for p in seen.parameters.values()}
    return wrapper  # type: ignore[return-value]  # same call shape for Typer, minus flt plus the filters


WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="表格显示全部列（默认按终端宽度省略次要的列，顺序见 docs/terminal.md）"),
]


def offer_wide(func: F) -> F:
    """Give a command that prints data (it has a ``fmt`` option) the ``--wide`` flag of its terminal
    table (cli/guard.py hands the flag to the running ``AppContext``; the body never sees it).

    Applied when Typer builds the command (cli/groups.py), not when it is registered: evaluating a
    signature for every command would slow every start-up. ``func`` is given its new signature in
    place (it is the command's own wrapper from cli/guard.py); applying it twice changes nothing."""
    signature = _signature(func)
    if "fmt" not in signature.parameters or "wide" in signature.parameters:
        return func
    wide = inspect.Parameter("wide", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=WideOpt)
    params = [*signature.parameters.values(), wide]
    seen = signature.replace(parameters=sorted(params, key=lambda p: p.kind))  # keyword-only last, in order
    func.__signature__ = seen  # type: ignore[attr-defined]  # what Typer reads
    func.__annotations__ = {p.name: p.annotation for p in seen.parameters.values()}
    return func
