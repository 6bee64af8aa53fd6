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


IDENTIFIERS = frozenset(
    {
        "uscc",
        "code",
        "inspector_code",
        "inspectors",
        "decision_no",
        "window",
        "seed",
        "digest",
        "entry_hash",
        "inclusion",
        "seq",
        "ref",
        "at",
    }
)
"""Columns that are never wrapped inside (a code cut over two lines cannot be read, nor copied):
these and every date column (name ending in ``_on``, ``_by``, ``_from``, ``_end``, ``date``, ``expiry``…)."""
DATE_SUFFIXES = ("date", "_on", "_by", "_from", "_end", "_at", "expiry", "due", "since", "automatic", "end")

DROP_ORDER = (
    "tags",
    "industry",
    "entity_type",
    "frequency",
    "item_type",
    "qualifications",
    "category",
    "draws",
    "task_type",
    "kind",
    "unit",
    "removal_reason",
    "procedure",
    "early_stop_from",
    "arguments",
    "digest",
    "entry_hash",
    "counts",
    "amount",
    "kinds",
    "inclusion_decimal",
    "label",
    "inspectors",
    "station",
)
"""Columns a terminal table leaves out, first to last, until it fits the terminal's width; when it
still does not fit, the rightmost columns go, never the first (docs/terminal.md; ``--wide`` shows
all, and CSV/JSON always have every column)."""
TEXT_MIN = 10
"""Cells a column of text keeps at least (five Chinese characters), folded over lines below that."""


VALUE_LABELS: dict[str, dict[str, str]] = {
    "mode": {"stratified": "按分类比例抽取", "weighted": "按权重抽取"},
    "class_source": {"imported": "导入的分类"},
    "source": {"imported": "导入的分类"},
    "method": {
        "greedy": "逐户按签号匹配",
        "greedy (raised cap)": "逐户按签号匹配（放宽每人上限）",
        "max-flow": "最大流均衡分配",
        "greedy+max-flow": "逐户按签号匹配，再以最大流均衡",
    },
    "kind": {"penalty": "行政处罚", "list": "名单", "result": "抽查结果"},
    "what": {"plan": "抽查计划", "list": "抽查名单", "results": "抽查结果"},
}
"""Machine values (kept as they are in JSON and CSV, docs/json.md) and what a terminal shows for them,
by column name."""
MODEL_PREFIX = "model:"


def shown_value(name: str, value: Any) -> str:
    """A value as a terminal shows it: the Chinese label of a machine value, 是/否, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    label = VALUE_LABELS.get(name, {}).get(text)
    if label is not None:
        return label
    if text.startswith(MODEL_PREFIX):  # a class computed by the bureau's model: model:default@2026.1
        return f"本局模型 {text.removeprefix(MODEL_PREFIX)}"
    if len(text) >= 16 and text[10] == "T" and text[:4].isdigit() and text[11:13].isdigit():
        return text.replace("T", " ", 1)  # an ISO moment, as people write it: 2026-12-05 09:30:00
    return text


def is_identifier(name: str) -> bool:
    return name in IDENTIFIERS or name.endswith(DATE_SUFFIXES)


def render_table(app: AppContext, table: Table, fmt: OutputFormat, title: str | None = None) -> int:
    """``table`` on stdout; a terminal table of the first rows of more (``table.total``) says on stderr
    how many there are."""
    from creditcli.io.writers import write_csv_stream, write_json_stream

    if fmt is OutputFormat.csv:
        return write_csv_stream(table, sys.stdout)
    if fmt is OutputFormat.json:
        return write_json_stream(table, sys.stdout)
    from rich.table import Table as RichTable
    from rich.text import Text

    # printable: an ESC in a cell is shown, not obeyed.
    rows = [
        tuple(printable(shown_value(n, v)) for n, v in zip(table.names, row, strict=True))
        for row in table.display_rows()
    ]
    total = len(rows) if table.total is None else table.total
    keep = fitting(list(table.names), list(table.labels), rows, app.out.width, app.wide)
    rich = RichTable(title=title, show_lines=False)
    for i in keep:
        whole = is_identifier(table.names[i])  # never wrapped nor cut: the column is as wide as its longest
        rich.add_column(table.labels[i], overflow="fold", no_wrap=whole)
    for row in rows:
        # Text: a name like "[/]" is data, not markup.
        rich.add_row(*(Text(row[i]) for i in keep))
    app.out.print(rich)
    dropped = [table.labels[i] for i in range(len(table.names)) if i not in keep]
    if dropped:
        app.info(f"终端宽度不够，未显示：{'、'.join(dropped)}（加 --wide 显示全部列）")
    if total > len(rows):
        app.info(f"仅显示前 {len(rows)} 条，共 {total} 条（-n 0 显示全部）")
    return len(rows)


def fitting(names: list[str], labels: list[str], rows: list[tuple[str, ...]], width: int, wide: bool) -> list[int]:
    """The columns a terminal table of ``width`` cells shows: all of them, or without the ones that
    come first in ``DROP_ORDER`` until identifiers fit whole and text keeps ``TEXT_MIN`` cells."""
    from rich.cells import cell_len

    def need(i: int) -> int:
        longest = max((cell_len(row[i]) for row in rows), default=0)
        header = min(cell_len(labels[i]), 4)  # a header wraps: two characters a line at least
        if is_identifier(names[i]):
            return max(longest, cell_len(labels[i])) + 3  # a cell's padding and its border
        return max(min(longest, TEXT_MIN), header) + 3

    keep = list(range(len(names)))
    if wide:
        return keep
    order = [names.index(n) for n in DROP_ORDER if n in names]
    while sum(need(i) for i in keep) + 1 > width and len(keep) > 1:
        keep.remove(order.pop(0) if order else keep[-1])
    return keep


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
        rich.add_row(labels.get(key, key), Text(printable(shown_value(key, value))))
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


def command_hint(app: AppContext, *args: str) -> str:
    """A command line to type next, with ``--db`` when the database is a file other than the default
    (never a database address: it may hold a password)."""
    import re
    import shlex

    from creditcli.settings import default_db_path

    db = [] if "://" in app.db or app.db == str(default_db_path()) else ["--db", app.db]
    # Quoted only where a shell needs it (shlex.quote would quote every Chinese file name).
    plain = re.compile(r"[^\s'\"\\$`!*?;&|<>(){}\[\]#~]+")
    return " ".join(a if plain.fullmatch(a) else shlex.quote(a) for a in ["creditcli", *db, *args])


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        eprint(f"  {problem}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        eprint(f"  ……另有 {len(problems) - MAX_PROBLEMS_SHOWN} 处问题（用 --rejects 文件保存完整清单）")


def problems_table(problems: Sequence[Problem]) -> Table:
    from creditcli.io.writers import Table

    rows = [("" if p.row is None else str(p.row), p.column, p.value, p.reason) for p in problems]
    return Table(["row", "column", "value", "reason"], ["行号", "列", "值", "问题"], [rows], "creditcli.problems/1")
