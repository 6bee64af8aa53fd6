"""Decode text files by a ladder — BOM, strict UTF-8, GB18030 — rather than a detector.

A detector read a short GBK file as Korean here (engineering.md); the ladder never guesses:
GB18030 is a superset of GBK/GB2312 and decodes any byte string that UTF-8 rejects.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from creditcli.errors import DataError, UsageError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    text_utf8: bytes
    """The content re-encoded as UTF-8 without BOM (what the CSV parser reads)."""
    encoding: str
    """The encoding the file was found to be in (for the import summary)."""


def check_encoding_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise UsageError(f"不认识的编码：{name}（可用 utf-8、utf-8-sig、gb18030、gbk 等）") from exc


def decode_bytes(raw: bytes, source: Path, encoding: str | None = None) -> Decoded:
    """Return UTF-8 bytes for the parser; ``encoding`` overrides the ladder."""
    if encoding is not None:
        name = check_encoding_name(encoding)
        try:
            text = raw.decode(name)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{source}: 按 {encoding} 编码无法解码（第 {exc.start} 字节附近）；"
                "请确认文件编码，或去掉 --encoding 让程序自动识别"
            ) from exc
        return Decoded(text.lstrip("\ufeff").encode("utf-8"), name)
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(name).lstrip("\ufeff").encode("utf-8"), name)
            except UnicodeDecodeError as exc:
                raise DataError(f"{source}: 文件带 {name} 标记但内容无法解码（第 {exc.start} 字节附近）") from exc
    if _is_utf8(raw):
        return Decoded(raw, "utf-8")
    try:
        return Decoded(raw.decode("gb18030").encode("utf-8"), "gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source}: 既不是 UTF-8 也不是 GB18030/GBK 编码（第 {exc.start} 字节附近）；请用 --encoding 指定编码"
        ) from exc


def _is_utf8(raw: bytes) -> bool:
    """Strict UTF-8, checked by Arrow over the bytes in place (3× faster than decoding 200 MB to a str)."""
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(raw)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
