"""Turn library results into output: rich tables, CSV or JSON on stdout; messages on stderr."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from creditcli.cli.context import AppContext, OutputFormat, eprint, printable

if TYPE_CHECKING:
    from creditcli.errors import Problem
    from creditcli.io.writers import Table

MAX_PROBLEMS_SHOWN = 50


def render_table(app: AppContext, table: Table, fmt: OutputFormat, title: str | None = None) -> int:
    from creditcli.io.writers import write_csv_stream, write_json_stream

    if fmt is OutputFormat.csv:
        return write_csv_stream(table, sys.stdout)
    if fmt is OutputFormat.json:
        return write_json_stream(table, sys.stdout)
    from rich.table import Table as RichTable
    from rich.text import Text

    rich = RichTable(title=title, show_lines=False)
    for label in table.labels:
        rich.add_column(label, overflow="fold")
    count = 0
    for values in table.display_rows():
        # Text: a name like "[/]" is data, not markup; printable: an ESC in a cell is shown, not obeyed.
        rich.add_row(*(Text(printable(v)) for v in values))
        count += 1
    app.out.print(rich)
    return count


def render_record(
    app: AppContext, schema: str, data: dict[str, Any], labels: dict[str, str], fmt: OutputFormat
) -> None:
    """One record (a summary, one entity): key/value table, one CSV row, or a JSON object."""
    if fmt is OutputFormat.json:
        json.dump({"schema": schema, **to_jsonable(data)}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    flat = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    if fmt is OutputFormat.csv:  # through the one formula-safe writer, as every CSV
        from creditcli.io.writers import Table, write_csv_stream

        names = list(flat)
        write_csv_stream(Table(names, [labels.get(k, k) for k in names], [[tuple(flat.values())]], schema), sys.stdout)
        return
    from rich.table import Table as RichTable
    from rich.text import Text

    rich = RichTable(show_header=False, box=None)
    rich.add_column(style="bold")
    rich.add_column(overflow="fold")
    for key, value in flat.items():
        shown = "" if value is None else ("是" if value else "否") if isinstance(value, bool) else str(value)
        rich.add_row(labels.get(key, key), Text(printable(shown)))
    app.out.print(rich)


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    return value


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        eprint(f"  {problem}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        eprint(f"  ……另有 {len(problems) - MAX_PROBLEMS_SHOWN} 处问题（用 --rejects 文件保存完整清单）")


def problems_table(problems: Sequence[Problem]) -> Table:
    from creditcli.io.writers import Table

    rows = [("" if p.row is None else str(p.row), p.column, p.value, p.reason) for p in problems]
    return Table(["row", "column", "value", "reason"], ["行号", "列", "值", "问题"], [rows], "creditcli.problems/1")
