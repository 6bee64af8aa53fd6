"""统一社会信用代码 (GB 32100-2015): normalisation and the check character, vectorised.

One typed code (``normalise``, ``valid``) needs neither numpy nor pandas: ``entities show`` and
``tasks show`` read a code without importing them (start-up); the vectorised checks of whole
files import them where they run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from creditcli.io.text import normalise_code

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@functools.cache
def _lut() -> np.ndarray:
    """Character code -> its value in ALPHABET (-1: not in it)."""
    import numpy as np

    lut = np.full(256, -1, dtype=np.int8)
    for value, char in enumerate(ALPHABET):
        lut[ord(char)] = value
    return lut


# Reason codes of check_codes(); messages live with the importer.
OK, EMPTY, LENGTH, CHARSET, CHECKSUM = 0, 1, 2, 3, 4

ENTITY_TYPE_BY_CATEGORY = {"91": "企业", "92": "个体工商户", "93": "农民专业合作社"}


def check_char(first17: str) -> str:
    """The 18th character for 17 valid characters (GB 32100 §4.2)."""
    total = sum(ALPHABET.index(c) * int(w) for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


normalise = normalise_code
"""A key as typed -> the key as stored (``io.text.normalise_code``): 统一社会信用代码 and every other
case-insensitive code (执法证号, 事项编码, 检查结果代码, 决定书文号)."""


def valid(code: str) -> bool:
    """An 18-character code of the alphabet whose check character agrees (one typed code, not a file)."""
    return len(code) == 18 and all(c in ALPHABET for c in code) and check_char(code[:17]) == code[17]


def normalise_series(codes: pd.Series) -> pd.Series:
    import pandas as pd

    out = codes.str.strip().str.upper()
    odd = (~out.str.isascii() | out.str.contains(" ", regex=False)).to_numpy(dtype=bool)
    if odd.any():
        values = out.to_numpy(dtype=object)
        values[odd] = [normalise(str(v)) for v in values[odd]]
        out = pd.Series(values, index=codes.index, dtype="str")
    return out


@dataclass(frozen=True)
class CodeCheck:
    reason: np.ndarray
    """One of OK, EMPTY, LENGTH, CHARSET, CHECKSUM per code."""
    expected: np.ndarray
    """For CHECKSUM failures, the check character the code should end with."""


def check_codes(codes: pd.Series) -> CodeCheck:
    """Check already-normalised codes; about 0.2 s per million here."""
    import numpy as np

    n = len(codes)
    reason = np.full(n, OK, dtype=np.int8)
    expected = np.full(n, "", dtype="<U1")
    lengths = codes.str.len().to_numpy(dtype=np.int64, na_value=0)
    reason[lengths == 0] = EMPTY
    reason[(lengths != 0) & (lengths != 18)] = LENGTH
    ascii_ok = codes.str.isascii().to_numpy(dtype=bool, na_value=False)
    reason[(lengths == 18) & ~ascii_ok] = CHARSET
    idx = np.flatnonzero(reason == OK)
    if len(idx):
        values = _lut()[_ascii_rows(codes.iloc[idx])]
        bad_chars = (values < 0).any(axis=1)
        reason[idx[bad_chars]] = CHARSET
        good = ~bad_chars
        weights = np.array(WEIGHTS, dtype=np.int64)
        sums = (values[good, :17] if bad_chars.any() else values[:, :17]).astype(np.int64) @ weights
        want = (31 - sums % 31) % 31
        wrong = values[good, 17] != want
        failing = idx[good][wrong]
        reason[failing] = CHECKSUM
        expected[failing] = np.array(list(ALPHABET))[want[wrong]]
    return CodeCheck(reason, expected)


def _ascii_rows(codes: pd.Series) -> np.ndarray:
    """Codes of 18 ASCII characters as an (n, 18) byte matrix, read off the Arrow data buffer
    (joining 1M Python strings cost 0.7 s)."""
    import numpy as np
    import pyarrow as pa

    arr = pa.chunked_array(pa.array(codes.array)).combine_chunks().cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(-1, 18)
