"""One column registry: internal name <-> Chinese/English header aliases <-> export header.

A roster declares its columns once here; reading, validation, export and help text all use it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.errors import InputMissingError, UsageError
from creditcli.io.text import escape_controls, halfwidth, has_control, normalise_code

if TYPE_CHECKING:
    from creditcli.io.dates import DateBounds
    from creditcli.io.numbers import NumberRule


NAME_LEN = 200
"""Names, addresses, units and other short text fields (issue 14: nothing silently cut in XLSX)."""
TEXT_LEN = 2000
"""Free text (findings, remarks, basis, reasons): the default of every TEXT and TAGS column."""


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"
    """A case-insensitive key (执法证号, 事项编码 …): normalised like a USCC (``rosters.codes.normalise``)."""
    USCC = "uscc"
    DATE = "date"
    CHOICE = "choice"
    RISK_CLASS = "risk_class"
    TAGS = "tags"
    BOOL = "bool"
    NUMBER = "number"
    """A non-negative decimal number written in plain digits (``Column.number`` bounds it)."""


@dataclass(frozen=True)
class Column:
    name: str
    """Database column and JSON key."""
    label: str
    """Chinese header used in exports and messages."""
    aliases: tuple[str, ...] = ()
    kind: Kind = Kind.TEXT
    required: bool = False
    """Must be given (non-empty) when a new record is created."""
    choices: Mapping[str, str] = field(default_factory=dict)
    """Accepted spelling (normalised) -> canonical value, for CHOICE columns."""
    max_len: int | None = None
    """Most characters a cell may hold; TEXT and TAGS columns default to TEXT_LEN (see ``limit``)."""
    default: str | None = None
    """Canonical value for a new record when the file leaves the column out or empty."""
    bounds: DateBounds | None = None
    """For DATE columns: the earliest date and whether a future date is refused."""
    number: NumberRule | None = None
    """For NUMBER columns: the largest value and the decimals allowed."""

    @property
    def limit(self) -> int | None:
        """The documented maximum length of the field (None: the kind bounds it, e.g. dates, USCC)."""
        if self.max_len is not None:
            return self.max_len
        return TEXT_LEN if self.kind in (Kind.TEXT, Kind.TAGS) else None


TYPED_CONTROL = "含有控制字符（以 \\xNN 显示），请删去后重试"


def typed_value(col: Column, text: str) -> tuple[str, str | None]:
    """A value typed on the command line (a name, a remark, a decision number …) by the rule of its
    column kind, as a file's cell is read: (the value as stored, why it is refused or None).

    Codes are normalised (``normalise_code``), text trimmed; a control character (tab and line breaks
    are text, as inside a quoted cell) and a value longer than the column's limit are refused."""
    if has_control(text):
        return text, TYPED_CONTROL
    value = normalise_code(text) if col.kind in (Kind.CODE, Kind.USCC) else text.strip().strip("\u3000\t ")
    limit = col.limit
    if limit is not None and len(value) > limit:
        return value, f"有 {len(value)} 个字符，超过上限 {limit} 个字符"
    return value, None


def shown_typed(text: str) -> str:
    """A typed value inside a message: control characters escaped, a long value cut after 20 characters."""
    return escape_controls(text[:20]) + ("…" if len(text) > 20 else "")


def check_typed(values: Sequence[tuple[Column, str, str]]) -> list[str]:
    """``(column, option, text)`` typed on the command line -> the values as stored; every value that
    breaks its column's rule is listed in one UsageError (exit 2), nothing is written."""
    out: list[str] = []
    problems: list[str] = []
    for col, option, text in values:
        value, why = typed_value(col, text)
        if why is not None:
            problems.append(f"  - {option} {shown_typed(text)}：{why}")
        out.append(value)
    if problems:
        raise UsageError("命令行给出的值有误，未写入任何数据：\n" + "\n".join(problems))
    return out


def header_key(text: str) -> str:
    """Compare headers leniently: width, case, spaces, line breaks and the 'required' star."""
    key = halfwidth(text).lower()
    key = re.sub(r"[\s*＊]", "", key)
    return re.sub(r"[(（]必填[)）]$", "", key)


@dataclass(frozen=True)
class ColumnSet:
    columns: tuple[Column, ...]

    def by_name(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @cached_property
    def alias_index(self) -> dict[str, str]:
        """Built once per column set; every header lookup goes through it."""
        index: dict[str, str] = {}
        for col in self.columns:
            for alias in (col.name, col.label, *col.aliases):
                index[header_key(alias)] = col.name
        return index

    def resolve(self, header: str, mapping: Mapping[str, str]) -> str | None:
        """Field name for a file header: the user's mapping first, then the aliases."""
        key = header_key(header)
        index = self.alias_index
        target = mapping.get(key)
        if target is not None:
            return index.get(header_key(target))
        return index.get(key)

    def score(self, mapping: Mapping[str, str]) -> HeaderScorer:
        return HeaderScorer(self, mapping)


@dataclass(frozen=True)
class HeaderScorer:
    columns: ColumnSet
    mapping: Mapping[str, str]

    def __call__(self, cells: Sequence[str]) -> int:
        return sum(1 for c in cells if c.strip() and self.columns.resolve(c, self.mapping) is not None)


def _mapping_text(path: Path) -> str:
    """The mapping file as text, decoded by the same ladder as the data files (an office's Notepad may
    still save GBK); a binary file (an Excel workbook given by mistake) is refused by name."""
    from creditcli.errors import DataError
    from creditcli.io.encoding import decode_bytes

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取列映射文件 {path}：{exc.strerror}") from exc
    try:
        text = decode_bytes(raw, path).text_utf8.decode("utf-8")
    except DataError:
        text = "\x00"
    if has_control(text):
        raise UsageError(
            f"列映射文件 {path} 不是文本文件（含有控制字符或无法解码）；应为 TOML、JSON 或两列 CSV 的文本文件"
        )
    return text


def load_mapping(path: Path | None, columns: ColumnSet) -> dict[str, str]:
    """``--mapping FILE``: a file header -> a field (internal name or any known header).

    Accepted forms: TOML (``"纳税人识别号" = "uscc"``, optionally under ``[columns]``), JSON
    object, or a two-column CSV (原列名,字段).
    """
    if path is None:
        return {}
    if not path.exists():
        raise InputMissingError(f"找不到列映射文件：{path}")
    if path.is_dir():
        raise UsageError(f"列映射文件 {path} 是目录，不是文件")
    text = _mapping_text(path)
    pairs: dict[str, str]
    try:
        if path.suffix.lower() == ".json":
            pairs = {str(k): str(v) for k, v in json.loads(text).items()}
        elif path.suffix.lower() == ".csv":
            pairs = {r[0]: r[1] for r in csv.reader(text.splitlines()) if len(r) >= 2 and r[0].strip()}
        else:
            import tomllib  # here only: a command that reads no mapping file need not import it

            data = tomllib.loads(text)
            table = data.get("columns", data)
            pairs = {str(k): str(v) for k, v in table.items()}
    except ValueError as exc:
        from creditcli.settings import file_reason

        raise UsageError(f"列映射文件 {path} 无法解析：{file_reason(exc)}") from exc
    except (AttributeError, IndexError, csv.Error) as exc:
        what = (
            "应为键值对（TOML 或 JSON 对象）或两列 CSV"
            if isinstance(exc, AttributeError)
            else escape_controls(str(exc))
        )
        raise UsageError(f"列映射文件 {path} 无法解析：{what}") from exc
    index = columns.alias_index
    unknown = [v for v in pairs.values() if header_key(v) not in index]
    if unknown:
        known = "、".join(c.label for c in columns.columns)
        raise UsageError(f"列映射文件 {path} 指向未知字段：{'、'.join(unknown)}（可用：{known}）")
    return {header_key(k): v for k, v in pairs.items()}
