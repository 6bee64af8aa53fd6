"""Canonical JSON: the one text form of a value that digests and stored parameters are computed over.

Ground floor: the draw, the teams and the audit log all hash or store values in this form, so it
belongs to none of them (keys sorted, no spaces, non-ASCII characters as they are).
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


RESTORE = "请用 creditcli audit verify 查找被改动之处，并从备份恢复数据库"
"""The way out of a damaged record, at the end of every such message."""


def stored_json(text: str, what: str, key: str | None = None) -> Any:
    """A JSON value the tool itself stored (a certificate, a task's parameters …), or ``RecordError``
    naming ``what`` (the task and the field) when the database holds something else: damaged on disk or
    altered behind the tool's back. ``key``: the member of a JSON object that must be there."""
    from creditcli.errors import RecordError

    try:
        value = json.loads(text)
        if key is not None:
            return value[key]
    except (ValueError, TypeError, KeyError, IndexError):
        raise RecordError(f"{what}已损坏：内容无法读取；{RESTORE}") from None
    return value
