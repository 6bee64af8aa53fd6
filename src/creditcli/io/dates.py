"""Dates in the forms offices type: 2023-01-05, 2023/1/5, 2023年1月5日, 20230105.

A bare number of 3–5 digits is no date here: typed into a CSV or a text cell it is usually a year
(``2023`` read as an Excel serial became 1905-07-15). Excel serials are taken only from real
Excel date cells, which the reader already turns into dates (``io.tabular``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from creditcli.io.text import halfwidth, map_unique

if TYPE_CHECKING:  # (pandas and numpy stay out of `--help`: option checks import this module)
    import numpy as np
    import pandas as pd

_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^\d{1,7}(?:\.\d+)?$")
INVALID = "!"
FORMS = "可写作 2023-01-05、2023/1/5、2023年1月5日、20230105"


def parse_date(value: str) -> dt.date | None:
    """One cell; None when the text is not a date in any accepted form."""
    text = halfwidth(value)
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def unreadable_reason(value: str) -> str:
    """Why a cell is not a date, in the words a clerk needs."""
    if _NUMBER.match(halfwidth(value)):
        return f"是一个数，不是日期（年份或 Excel 日期序号都不能当日期：Excel 中请把单元格设为日期格式，或{FORMS}）"
    return f"日期无法识别（{FORMS}）"


def _iso_or_invalid(value: str) -> str:
    if not value.strip():
        return ""
    parsed = parse_date(value)
    return INVALID if parsed is None else parsed.isoformat()


def parse_date_series(values: pd.Series) -> pd.Series:
    """ISO text per cell: "" for an empty cell, ``INVALID`` for one that is not a date."""
    return map_unique(values, _iso_or_invalid)


@dataclass(frozen=True)
class DateBounds:
    """The range a date field may hold. ``not_future``: no later than today (tolerance none:
    today itself is allowed, tomorrow is not)."""

    earliest: dt.date | None = None
    not_future: bool = False

    def range_text(self, today: dt.date) -> str:
        if self.earliest is None:
            return f"应不晚于今天（{today.isoformat()}）"
        if not self.not_future:
            return f"应不早于 {self.earliest.isoformat()}"
        return f"应在 {self.earliest.isoformat()} 至今天（{today.isoformat()}）之间"

    def reason(self, day: dt.date, today: dt.date) -> str | None:
        """Why ``day`` is out of range, or None."""
        if self.not_future and day > today:
            return f"晚于今天，{self.range_text(today)}"
        if self.earliest is not None and day < self.earliest:
            return f"早于 {self.earliest.isoformat()}，{self.range_text(today)}"
        return None

    def out_of_range(self, iso: pd.Series, today: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ISO dates (``parse_date_series`` output) after today and before the earliest."""
        import numpy as np

        filled = (iso != "") & (iso != INVALID)
        late = filled & (iso > today.isoformat()) if self.not_future else filled & False
        early = filled & (iso < self.earliest.isoformat()) if self.earliest else filled & False
        return np.flatnonzero(late.to_numpy(dtype=bool)), np.flatnonzero(early.to_numpy(dtype=bool))


FOUNDED = DateBounds(dt.date(1900, 1, 1), not_future=True)
"""成立日期."""
RECORDED = DateBounds(dt.date(2000, 1, 1), not_future=True)
"""Dates of the bureau's own records: decisions, classes, lists, results, publicity, repairs."""
