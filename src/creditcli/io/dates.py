"""Dates in the forms offices type: 2023-01-05, 2023/1/5, 2023年1月5日, 20230105, Excel serials."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from creditcli.io.text import halfwidth, map_unique

_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^(\d{3,5})(?:\.0+)?$")
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
INVALID = "!"


def parse_date(value: str) -> dt.date | None:
    """One cell; None when the text is not a date in any accepted form."""
    text = halfwidth(value)
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _SERIAL.match(text)
    if m:
        return _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
    return None


def _iso_or_invalid(value: str) -> str:
    if not value.strip():
        return ""
    parsed = parse_date(value)
    return INVALID if parsed is None else parsed.isoformat()


def parse_date_series(values: pd.Series) -> pd.Series:
    """ISO text per cell: "" for an empty cell, ``INVALID`` for one that is not a date."""
    return map_unique(values, _iso_or_invalid)
