"""Writers for CSV (Excel-safe, utf-8-sig), XLSX and JSON: formula-safe, atomic, streamed.

Exports go to other government systems and to Excel users: in CSV a cell that begins with
``= + - @``, a tab or CR is neutralised with a leading apostrophe (formula injection); in XLSX text is
written as text cells, which never run as formulas, so nothing is added to it. A file appears only
once it is complete (written beside the target, then renamed).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import operator
import os
import re
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from creditcli.errors import OutputError, UsageError, os_error, output_fault
from creditcli.io.formats import FileFormat as FileFormat  # defined apart for --help (start-up)
from creditcli.io.outputs import check_outputs
from creditcli.parallel import gc_paused, in_child

if TYPE_CHECKING:
    import pandas as pd

EXCEL_MAX_ROWS = 1_048_576
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Halves(Protocol):
    """Rows that can be read in two key ranges, each on its own (db/split.py reads a SQLite file so),
    so that a second process formats the second half of a big export."""

    def median(self) -> Any | None:
        """The key that starts the second half, or None when the rows should be read in one piece."""

    def part(
        self, low: Any | None, high: Any | None, words: Mapping[str, tuple[str, str]] | None = None
    ) -> Iterable[list[tuple[Any, ...]]]:
        """The rows with low ≤ key < high (an open bound is None), in order; ``words``: flag columns
        given as one of two words (false, true)."""

    def unchanged(self) -> bool:
        """Both halves saw the same data (nothing changed since ``median``)."""


@dataclass(frozen=True)
class Table:
    """Rows to write: internal names (JSON keys), Chinese labels (CSV/XLSX headers), row batches.

    Batches are database rows (tuples); ``flags`` names the columns shown as 是/否.
    """

    names: Sequence[str]
    labels: Sequence[str]
    batches: Iterable[list[tuple[Any, ...]]]
    schema: str
    """JSON schema name, e.g. ``creditcli.entities/1`` (documented in docs/json.md)."""
    flags: frozenset[str] = frozenset()
    split: Halves | None = None
    """Set when the rows may be read in two key ranges (a big CSV export then uses both cores)."""
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """XLSX: the values a column offers in a drop-down (listed on a second sheet, 代码表)."""
    locked: frozenset[str] = frozenset()
    """XLSX: columns a person may not change (the sheet is protected; the other columns stay open)."""
    total: int | None = None
    """How many rows matched, when the table holds only the first of them (a list's ``--limit``)."""

    def display_rows(self) -> Iterator[tuple[str, ...]]:
        """Rows as display text for the terminal, without pandas (as ``text_frame`` renders them)."""
        flags = {i for i, name in enumerate(self.names) if name in self.flags}
        for batch in self.batches:
            for row in batch:
                yield tuple(
                    ("是" if v else "否") if i in flags else ("" if v is None else str(v)) for i, v in enumerate(row)
                )

    @property
    def chunks(self) -> Iterator[pd.DataFrame]:
        """The batches as frames of display text (for XLSX, JSON and the terminal)."""
        for batch in self.batches:
            yield text_frame(batch, self.names, self.flags)


def format_for(path: Path, explicit: FileFormat | None) -> FileFormat:
    if explicit is not None:
        return explicit
    suffix = path.suffix.lower().lstrip(".")
    try:
        return FileFormat(suffix)
    except ValueError:
        raise UsageError(f"无法从文件名 {path.name} 判断格式：请用 .csv、.xlsx、.json 结尾，或加 --format") from None


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class OutputSet:
    """Files a command writes together (a certificate with its Markdown and pool file, an archive
    directory): each is written to a temporary file beside its target, and only when every one is
    complete are they all renamed onto their targets. A failure on the second or third file leaves
    no first one behind (nor a directory made for the set).

    Each target is checked first (io/outputs.py: never a database, its directory must exist); a
    failure to write is answered with exit 73 and its reason (errors.output_fault: disk full,
    read-only, name too long …). A target that exists but is no regular file (``/dev/stdout``,
    ``/dev/null``, a pipe) is written in place: renaming onto it would replace the device itself.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._folders: list[Path] = []

    def path(self, path: Path, what: str = "输出文件", *, database: bool = False) -> Path:
        """Where to write ``path``'s content: a temporary file, renamed onto it at the end."""
        target = path.expanduser()
        check_outputs([(what, target)], database=database)
        if target.is_dir():
            raise OutputError(f"{target} 是目录，请给出文件名")
        if target.exists() and not target.is_file():
            return target
        try:
            # A short prefix: the temporary name must fit where the target's name just fits.
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent)
        except OSError as exc:
            raise os_error(exc, target) from exc
        self._pending.append((Path(tmp), target))
        try:
            os.fchmod(fd, file_mode(target))
        finally:
            os.close(fd)
        return Path(tmp)

    def write_bytes(self, path: Path, data: bytes, what: str = "输出文件") -> None:
        tmp = self.path(path, what)
        with _answered(path):
            tmp.write_bytes(data)

    def directory(self, path: Path, what: str = "输出目录") -> Path:
        """A directory to write files of the set into, made if it is new (its parent must exist) and
        removed again if the set fails while it is still empty."""
        target = output_directory(path, what, made=self._folders)
        return target

    def commit(self) -> None:
        for tmp, target in self._pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise os_error(exc, target) from exc
        self._pending.clear()
        self._folders.clear()

    def discard(self) -> None:
        for tmp, _target in self._pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for folder in reversed(self._folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: nothing but what this set made
        self._pending.clear()
        self._folders.clear()


@contextmanager
def output_set() -> Iterator[OutputSet]:
    """Files written together, or none of them (see :class:`OutputSet`)."""
    outputs = OutputSet()
    try:
        yield outputs
        outputs.commit()
    finally:
        outputs.discard()


@contextmanager
def atomic_path(path: Path, what: str = "输出文件", *, database: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it only if the block succeeds (an output set of
    one file: see :class:`OutputSet`)."""
    with output_set() as outputs:
        tmp = outputs.path(path, what, database=database)
        with _answered(path.expanduser()):
            yield tmp


def file_mode(target: Path) -> int:
    """The permissions of a file written over ``target``: those of the file it replaces, else what the
    user's umask gives any new file (0666 & ~umask), as every other program does. (A temporary file
    is created 0600; renamed as it is, every export would be unreadable to the colleagues sharing
    the folder.)"""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it, else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _answered(target: Path) -> Iterator[None]:
    """A writer's OSError (or xlsxwriter's error around one) as the OutputError that names ``target``."""
    try:
        yield
    except Exception as exc:
        answer = output_fault(exc, target)
        if answer is None:
            raise
        raise answer from exc


def output_directory(path: Path, what: str = "输出目录", *, made: list[Path] | None = None) -> Path:
    """A directory to write files into, made if it is new (its parent must exist, as for a file);
    ``made`` collects it when it was made here."""
    target = path.expanduser()
    check_outputs([(what, target)])
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} 已存在且不是目录：请给出一个目录（或按命令说明给出文件名）")
    if target.is_dir():
        return target
    try:
        target.mkdir()
    except OSError as exc:
        raise os_error(exc, target) from exc
    if made is not None:
        made.append(target)
    return target


def write_bytes(path: Path, data: bytes) -> None:
    """A whole document (certificate, notice, pool file), written atomically."""
    with output_set() as outputs:
        outputs.write_bytes(path, data)


def write_table(table: Table, path: Path, fmt: FileFormat) -> int:
    """Write atomically; returns the number of data rows."""
    with atomic_path(path) as tmp:
        return write_table_at(table, tmp, fmt)


def write_table_at(table: Table, tmp: Path, fmt: FileFormat) -> int:
    """Write into ``tmp`` (an :func:`atomic_path`), for a file that appears together with another."""
    writer = {FileFormat.csv: _write_csv, FileFormat.xlsx: _write_xlsx, FileFormat.json: _write_json}[fmt]
    with gc_paused():
        return writer(table, tmp)


def _write_csv(table: Table, tmp: Path) -> int:
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        if table.split is not None:
            count = _write_csv_split(table, table.split, fh)
            if count is not None:
                return count
            if fh.tell():  # written in two halves, but someone committed meanwhile: start again
                fh.seek(0)  # (a device such as /dev/full cannot be truncated, so only when needed)
                fh.truncate()
        return write_csv_stream(table, fh)


def _write_csv_split(table: Table, split: Halves, fh: io.TextIOWrapper) -> int | None:
    """The second key range is formatted by a forked child while this process writes the first
    (1M rows: 18 s → 9 s). None when the rows changed meanwhile: the caller writes them again."""
    middle = split.median()
    if middle is None:
        return None

    words = dict.fromkeys(table.flags, _YES_NO)  # the flags come out of the database as 是/否 already

    def second_half() -> tuple[int, bytes]:
        out = io.StringIO()
        rows = _write_rows(split.part(middle, None, words), table, out, header=False, flags_as_words=True)
        return rows, out.getvalue().encode("utf-8")

    child = in_child(second_half)
    count = _write_rows(split.part(None, middle, words), table, fh, header=True, flags_as_words=True)
    done = child.result()
    if done is None:
        count += _write_rows(split.part(middle, None, words), table, fh, header=False, flags_as_words=True)
    else:
        rows, data = done
        fh.flush()
        fh.buffer.write(data)
        count += rows
    return count if split.unchanged() else None


def write_csv_stream(table: Table, fh: IO[str]) -> int:
    return _write_rows(table.batches, table, fh, header=True)


def _write_rows(
    batches: Iterable[list[tuple[Any, ...]]], table: Table, fh: IO[str], header: bool, flags_as_words: bool = False
) -> int:
    """Straight from row tuples with the csv module: pandas frames tripled the time of a 1M export.

    A batch is written as it comes (flags turned into 是/否) and the text searched once for a cell
    that begins like a formula; only a batch where one may be (or a quoted comma or line break looks
    like one) is written again a column at a time, neutralising exactly the risky cells.
    """
    # Rows go to a buffer and each batch to the file in one write: the file's encoder then runs
    # once per batch instead of once per row (1M calls cost 0.8 s).
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(table.labels)
    flags = [name in table.flags and not flags_as_words for name in table.names]
    positions = [i for i, flag in enumerate(flags) if flag]
    count = 0
    for batch in batches:
        start = buffer.tell()
        writer.writerows(_with_flags(batch, positions) if positions else batch)
        text = buffer.getvalue()
        if _maybe_risky(text, start) and _RISKY_TEXT.search(text, start):
            buffer.seek(start)
            buffer.truncate()
            columns = [_csv_column(col, flag) for col, flag in zip(zip(*batch, strict=True), flags, strict=True)]
            writer.writerows(zip(*columns, strict=True))
        fh.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
        count += len(batch)
    fh.write(buffer.getvalue())
    return count


_YES_NO = ("否", "是")
# A cell that starts a line or follows a comma: unquoted and risky, or quoted (the csv module
# quotes cells holding CR) and risky after its opening quote.
_RISKY_TEXT = re.compile(r'(?:^|,)(?:[=+\-@\t]|"[=+\-@\t\r])', re.MULTILINE)


_RISKY_ANYWHERE = ("=", "+", "@", "\t", ",-", "\n-", '"-', '"\r')


def _maybe_risky(text: str, start: int) -> bool:
    """A cheap superset of ``_RISKY_TEXT``: plain substring scans rule out almost every batch
    (1M rows: the regular expression alone took 2.2 s)."""
    return text.startswith("-", start) or any(piece in text for piece in _RISKY_ANYWHERE)


def _with_flags(batch: list[tuple[Any, ...]], positions: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows with the flag columns as 是/否, rebuilt from slices (no per-cell work elsewhere)."""
    if len(positions) == 1:
        (p,) = positions
        return [(*r[:p], _YES_NO[bool(r[p])], *r[p + 1 :]) for r in batch]
    out = []
    for r in batch:
        row = r[: positions[0]]
        for n, p in enumerate(positions):
            end = positions[n + 1] if n + 1 < len(positions) else len(r)
            row += (_YES_NO[bool(r[p])], *r[p + 1 : end])
        out.append(row)
    return out


_RISKY_FIRST = frozenset(_FORMULA_START)
_first_char = operator.itemgetter(0)


def _csv_column(values: tuple[Any, ...], flag: bool) -> Sequence[Any]:
    if flag:
        return ["是" if v else "否" for v in values]
    try:
        # First characters of the non-empty cells, collected at C speed (no Python call per cell).
        firsts = set(map(_first_char, filter(None, values)))
    except TypeError:  # dates or numbers: the csv module writes them with str()
        return [v if v is None or isinstance(v, (int, float, Decimal)) else safe_cell(str(v)) for v in values]
    if firsts.isdisjoint(_RISKY_FIRST):
        return values
    return [safe_cell(v) if v else v for v in values]


def _write_xlsx(table: Table, tmp: Path) -> int:
    try:
        return _build_xlsx(table, tmp)
    except Exception as exc:
        # xlsxwriter leaves its zip file open when writing fails (a full disk); collected later, it
        # would try again and print a traceback. Close it now, quietly: the error itself is reported.
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            chained: BaseException | None = exc
            while chained is not None:  # the zip file is a local of a frame of the wrapped OSError
                traceback.clear_frames(chained.__traceback__)
                chained = chained.__cause__ or chained.__context__
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise


SHEET_NAMES = {
    "entities": "检查对象名录",
    "inspectors": "执法检查人员名录",
    "items": "抽查事项",
    "conflicts": "回避关系",
    "scores": "评分",
    "lists": "名单",
    "penalties": "行政处罚",
    "result-template": "检查结果录入",
    "inspection-plan": "检查计划",
    "inspector-schedule": "人员安排",
    "publicity-plan": "抽查计划公告",
    "publicity-list": "抽查名单",
    "publicity-results": "抽查结果公告",
    "coverage": "覆盖统计",
    "problems": "问题清单",
    "deadlines": "期限",
    "archive": "一对象一档案",
}
"""The worksheet of each table (by its JSON schema's name): a person opening the file sees what it is."""
DATE_COLUMN = re.compile(r"(^|_)(date|day|start|end|until|since|expiry|expires|deadline|established)$")
"""Columns whose ISO dates are written as date cells (Excel sorts, filters and formats them as dates)."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_WIDTH = 60


def sheet_name(schema: str) -> str:
    """``creditcli.publicity-list/1`` -> 抽查名单 (a generic name for a table not listed)."""
    return SHEET_NAMES.get(schema.removeprefix("creditcli.").split("/")[0], "数据")


def display_width(text: str) -> int:
    """Columns a text takes in Excel's default font: CJK and full-width characters count double."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _build_xlsx(table: Table, tmp: Path) -> int:
    """One worksheet named for the table; the header in row 1, bold and frozen; dates as date cells;
    text as text cells (never run as a formula, so no apostrophe is added: a name like ``@家便利店``
    stays as it is); columns fitted to their content; printed A4 landscape, one page wide, the header
    repeated on every page."""
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(tmp),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    sheet = book.add_worksheet(sheet_name(table.schema))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, list(table.labels), bold)
    widths = [display_width(label) for label in table.labels]
    flags = {i for i, name in enumerate(table.names) if name in table.flags}
    dates = {i for i, name in enumerate(table.names) if DATE_COLUMN.search(name)}
    row = 1
    for batch in table.batches:
        if row + len(batch) > EXCEL_MAX_ROWS:
            book.close()
            raise OutputError(f"数据超过 Excel 的 {EXCEL_MAX_ROWS - 1} 行上限：请导出为 CSV 或 JSON")
        for values in batch:
            for col, value in enumerate(values):
                if value is None or value == "":
                    continue
                if col in flags:
                    text = "是" if value else "否"
                    sheet.write_string(row, col, text)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(row, col, value, moment)
                    text = "0000-00-00 00:00:00"
                elif isinstance(value, dt.date):
                    sheet.write_datetime(row, col, value, day)
                    text = "0000-00-00"
                elif col in dates and isinstance(value, str) and _ISO_DATE.fullmatch(value):
                    sheet.write_datetime(row, col, dt.date.fromisoformat(value), day)
                    text = value
                else:
                    text = str(value)
                    sheet.write_string(row, col, text)
                if len(text) * 2 > widths[col]:  # cheap bound first: most cells are no wider than the widest
                    widths[col] = max(widths[col], display_width(text))
            row += 1
    open_cell = book.add_format({"locked": False}) if table.locked else None
    for col, width in enumerate(widths):
        is_open = open_cell if table.names[col] not in table.locked else None
        sheet.set_column(col, col, min(width, _MAX_WIDTH) + 2, is_open)
    if table.choices:
        _drop_downs(book, sheet, table, max(row - 1, 999))  # room below for rows a person adds
    if table.locked:
        sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": True})
    sheet.freeze_panes(1, 0)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    book.close()
    return row - 1


def _drop_downs(book: Any, sheet: Any, table: Table, rows: int) -> None:
    """Each column with ``choices`` gets a drop-down over its rows (1 to ``rows``) whose values are a
    column of the second sheet 代码表; a value typed that is not in it is refused by Excel/WPS."""
    from creditcli.io.tabular import CODE_SHEET  # the reader passes this sheet over

    codes = book.add_worksheet(CODE_SHEET)
    bold = book.add_format({"bold": True})
    lists = [(list(table.names).index(name), list(values)) for name, values in table.choices.items()]
    # Row by row: the workbook streams its rows (constant memory), a row once left is written.
    for n, (col, values) in enumerate(lists):
        codes.write_string(0, n, table.labels[col], bold)
        codes.set_column(n, n, max(display_width(v) for v in [table.labels[col], *values]) + 2)
    for r in range(1, max(len(values) for _, values in lists) + 1):
        for n, (_, values) in enumerate(lists):
            if r <= len(values):
                codes.write_string(r, n, values[r - 1])
    for n, (col, values) in enumerate(lists):
        letter, label = _column_letter(n), table.labels[col]
        sheet.data_validation(
            1,
            col,
            rows,
            col,
            {
                "validate": "list",
                "source": f"='代码表'!${letter}$2:${letter}${len(values) + 1}",
                "error_title": label,
                "error_message": f"请从下拉列表中选择{label}（见“代码表”）",
            },
        )


def _column_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write_json(table: Table, tmp: Path) -> int:
    with tmp.open("w", encoding="utf-8") as fh:
        return write_json_stream(table, fh)


def write_json_stream(table: Table, fh: IO[str], meta: dict[str, Any] | None = None) -> int:
    """``{"schema": ..., <meta>, "rows": [...], "count": N}``, written row by row."""
    head = {"schema": table.schema, **(meta or {})}
    fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [')
    count = 0
    for chunk in table.chunks:
        for record in chunk.to_dict(orient="records"):
            fh.write(("\n  " if count == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
            count += 1
    fh.write(f'\n], "count": {count}}}\n')
    return count


def text_frame(batch: list[tuple[Any, ...]], names: Sequence[str], bool_columns: Iterable[str] = ()) -> pd.DataFrame:
    """One batch of database rows -> a frame of display text ("" for NULL, 是/否 for flags)."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame.from_records(batch, columns=list(names))
    flags = set(bool_columns)
    for col in frame.columns:
        values = frame[col]
        if col in flags:
            frame[col] = np.where(values.astype(bool).to_numpy(), "是", "否")
        elif values.dtype != object or values.isna().any():
            frame[col] = values.astype(object).where(values.notna(), "")
    return frame.astype("str")
