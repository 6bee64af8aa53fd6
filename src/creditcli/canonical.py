"""Canonical JSON: the one text form of a value that digests and stored parameters are computed over.

Ground floor: the draw, the teams and the audit log all hash or store values in this form, so it
belongs to none of them (keys sorted, no spaces, non-ASCII characters as they are).
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
