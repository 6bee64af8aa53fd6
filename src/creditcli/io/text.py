"""Text normalisation shared by every import: full-width to half-width, trimming."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Full-width ASCII variants (U+FF01–U+FF5E) map to U+0021–U+007E; U+3000 is the ideographic space.
HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
"""Characters no imported cell may hold: C0 controls but tab, line feed and carriage return (a line
break typed inside a cell), DEL and the C1 controls. Written for both Python's re and Arrow's RE2."""
# Shown escaped: C0 and C1 controls, DEL, and the bidirectional marks and overrides that make a
# terminal show text in another order than it is (CVE-2021-42574).
_SHOWN_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHOWN_ESCAPED_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_control(value: str) -> bool:
    return re.search(CONTROL_PATTERN, value) is not None


def escape_controls(value: str, *, lines: bool = False) -> str:
    """Control characters as ``\\xNN`` (``\\u202e`` for the bidirectional ones), so that a message
    shows them instead of letting a terminal obey them (an ESC sequence) or a NUL end the line.

    ``lines``: the value is a message of its own lines: tab and line feed stay as they are.
    """
    pattern = _SHOWN_ESCAPED_IN_LINES if lines else _SHOWN_ESCAPED
    return pattern.sub(_escaped, value)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# Full-width digits, Latin letters and - . _ only: what a task code may hold besides CJK and brackets.
_CODE_WIDTH = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_CODE_WIDTH |= {0xFF0D: 0x2D, 0xFF0E: 0x2E, 0xFF3F: 0x5F}


def fold_task_code(value: str) -> str:
    """A task code as typed into a file or a terminal: trimmed, full-width digits, letters and ``-._``
    made half-width. Case and the Chinese brackets （）〔〕 are kept: a task code is written into its
    certificate exactly as it was created."""
    return value.translate(_CODE_WIDTH).strip()


def halfwidth(value: str) -> str:
    return value.translate(HALFWIDTH).strip()


def normalise_code(code: str) -> str:
    """A key as typed -> the key as stored: full-width to half-width, no spaces, upper case. The rule of
    every CODE and USCC column, for a file's cells and a value typed on the command line alike."""
    return halfwidth(code).replace(" ", "").upper()


def map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value: 1M roster rows usually hold a few thousand values."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Index([func(str(u)) for u in uniques], dtype="str")
    return pd.Series(mapped.take(codes), index=values.index, dtype="str")
