"""Numbers in files and on the command line: plain decimal digits only, one rule per field.

Python's ``Decimal`` reads far more than a clerk means: ``1e3``, ``1_000``, ``inf``, full-width and
Arabic-Indic digits (``١٠٠٠``). A number field takes ASCII digits with at most one decimal point;
full-width digits and the full-width point are folded to ASCII first (an input method types them),
everything else (thousands separators, exponents, signs, other scripts' digits) is refused with the
field's rule, so that what is stored is the number the clerk sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from creditcli.io.text import halfwidth

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
PLAIN_TEXT = "只写数字和小数点（不用千位分隔符、科学记数法、正负号）"


@dataclass(frozen=True)
class NumberRule:
    """The bounds of one number field: 0 to ``maximum``, at most ``places`` decimals (None: any)."""

    maximum: Decimal
    places: int | None
    reason: str
    """What the field takes, in the words of a refusal (``应为以元计的金额：…``)."""

    def canonical(self, text: str) -> str | None:
        """The number as stored (full-width folded to ASCII), or None when ``text`` breaks the rule."""
        folded = halfwidth(text)
        if not _PLAIN.fullmatch(folded):
            return None
        value = Decimal(folded)
        if value > self.maximum:
            return None
        if self.places is not None and "." in folded and len(folded.partition(".")[2]) > self.places:
            return None
        return folded
