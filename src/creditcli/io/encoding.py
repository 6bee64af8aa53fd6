"""Decode text files by a ladder — BOM, strict UTF-8, GB18030 — with a detector as second opinion.

A detector alone read a short GBK file as Korean here (engineering.md), so the ladder stays the
first opinion: GB18030 is a superset of GBK/GB2312 and decodes almost any byte string that UTF-8
rejects. That is also its weakness: a Big5 (Taiwan, Hong Kong) file decodes too, into a jumble of
rare characters. So a GB18030 reading is checked for plausibility (``rare_share``); only when it is
implausible is a detector (charset-normalizer) asked, and the file is refused with its guess as
the ``--encoding`` to pass, unless GB18030 is among its candidates (preferred over the others: the
files are a Chinese bureau's).
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
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source}: 既不是 UTF-8 也不是 GB18030/GBK 编码（第 {exc.start} 字节附近）；请用 --encoding 指定编码"
        ) from exc
    _refuse_implausible_gb18030(text, raw, source)
    return Decoded(text.encode("utf-8"), "gb18030")


SAMPLE_CHARS = 100_000
"""How much of a file's beginning the plausibility check reads (a roster's text repeats itself)."""
RARE_SHARE_LIMIT = 0.3
"""Above this share of rare characters a GB18030 reading is implausible. Real rosters in GBK stay far
below (a short file whose names hold two characters outside GB2312 measured 0.10); Big5 rosters read
as GB18030 measured 0.6 and more."""
MIN_CHARS = 8
"""Fewer non-ASCII characters than this say too little to refuse a file on."""
GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz"}


def rare_share(text: str) -> tuple[float, int]:
    """Share of the non-ASCII characters of ``text`` that Chinese text written in GB2312/GBK rarely
    holds, and how many non-ASCII characters there were.

    Common: GB2312's level-1 hanzi (the 3,755 in everyday use, lead bytes B0–D7) and its rows of
    punctuation, numbering and full-width forms (A1–A3). Everything else counts as rare: level-2
    hanzi, kana, Greek, Cyrillic, box drawing, characters outside GB2312 and private-use code points,
    which is what another encoding's bytes turn into when read as GB18030.
    """
    from collections import Counter

    common = rare = 0
    for char, count in Counter(text[:SAMPLE_CHARS]).items():
        if char < "\x80":
            continue
        try:
            lead = char.encode("gb2312")[0]
        except UnicodeEncodeError:
            lead = 0
        if 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7:
            common += count
        else:
            rare += count
    total = common + rare
    return (rare / total if total else 0.0), total


def _refuse_implausible_gb18030(text: str, raw: bytes, source: Path) -> None:
    share, total = rare_share(text)
    if total < MIN_CHARS or share <= RARE_SHARE_LIMIT:
        return
    import charset_normalizer

    matches = charset_normalizer.from_bytes(raw[: SAMPLE_CHARS * 2])
    candidates = [codecs.lookup(m.encoding).name.replace("_", "") for m in matches]
    if any(c in GB_FAMILY for c in candidates):
        # The detector finds GB18030 a fit too (a short GBK file of rare names: 龚喆、邝堃 ranks cp949
        # first): a Chinese bureau's file is taken as Chinese. A Big5 file has no GB candidate.
        return
    best = matches.best()
    guess = None if best is None else codecs.lookup(best.encoding).name
    hint = f"很可能是 {guess} 编码，请加 --encoding {guess}" if guess else "请用 --encoding 指定编码（如 big5）"
    raise DataError(
        f"{source}: 按 GB18030 解码后 {share:.0%} 是生僻字符，不像是 GB18030/GBK 编码的中文；{hint} 重新导入"
    )


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
