"""Text normalisation shared by every import: full-width to half-width, trimming."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Full-width ASCII variants (U+FF01–U+FF5E) map to U+0021–U+007E; U+3000 is the ideographic space.
HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(value: str) -> str:
    return value.translate(HALFWIDTH).strip()


def map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value: 1M roster rows usually hold a few thousand values."""
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Index([func(str(u)) for u in uniques], dtype="str")
    return pd.Series(mapped.take(codes), index=values.index, dtype="str")
