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
from creditcli.io.text import escape_controls, halfwidth, has_control

if TYPE_CHECKING:
    from creditcli.io.dates import DateBounds


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

    @property
    def limit(self) -> int | None:
        """The documented maximum length of the field (None: the kind bounds it, e.g. dates, USCC)."""
        if self.max_len is not None:
            return self.max_len
        return TEXT_LEN if self.kind in (Kind.TEXT, Kind.TAGS) else None


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
    from creditcli.inputs import read_input
    from creditcli.io.encoding import decode_bytes

    raw = read_input(path, "列映射文件")
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
    except (ValueError, AttributeError, IndexError, csv.Error) as exc:
        raise UsageError(f"列映射文件 {path} 无法解析：{escape_controls(str(exc))}") from exc
    index = columns.alias_index
    unknown = [v for v in pairs.values() if header_key(v) not in index]
    if unknown:
        known = "、".join(c.label for c in columns.columns)
        raise UsageError(f"列映射文件 {path} 指向未知字段：{'、'.join(unknown)}（可用：{known}）")
    return {header_key(k): v for k, v in pairs.items()}
