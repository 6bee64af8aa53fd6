"""Algorithm version 2 applied to a pool (domain.md §8b): the entities' salts from the freeze's secret,
their ticket ids ``uscc|salt``, the per-class roots, and the pool file with salts.

The primitives are in :mod:`creditcli.draw.merkle`; this module runs them over a whole pool, fast
enough for 1M entities (salts in two processes; the trees beside the tickets, see drawing.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from creditcli.canonical import RESTORE, canonical_json
from creditcli.draw import merkle
from creditcli.draw.strategies import Pool
from creditcli.errors import RecordError
from creditcli.io.text import escape_controls
from creditcli.parallel import in_child

if TYPE_CHECKING:
    from creditcli.db.models import PoolFreeze, Task

VERSIONS = (1, 2)
DEFAULT_VERSION = 2
"""New draws are salted (version 2) unless the bureau's config or the command says otherwise."""
PARALLEL_MIN = 200_000
"""Below this many codes one process computes the salts faster than two."""


def salts(secret: str, codes: Sequence[str], *, parallel: bool = True) -> list[str]:
    """``merkle.salts`` of ``codes``; a big pool's second half computed by a child process."""
    if not parallel or len(codes) < PARALLEL_MIN:
        return merkle.salts(secret, codes)
    half = len(codes) // 2
    child = in_child(lambda: merkle.salts(secret, codes[half:]))
    first = merkle.salts(secret, codes[:half])
    second = child.result()
    if second is None or len(second) != len(codes) - half:
        second = merkle.salts(secret, codes[half:])
    return first + second


def pool_salts(secret: str, pool: Pool, *, parallel: bool = True) -> list[str]:
    codes: list[str] = pool.uscc.tolist()
    return salts(secret, codes, parallel=parallel)


def roots(pool: Pool, salt_list: Sequence[str]) -> dict[str, str]:
    """root_c of every class present (the pool is sorted by code, as the trees' leaves are)."""
    codes: list[str] = pool.uscc.tolist()
    classes: list[str] = pool.classes.tolist()
    return merkle.class_roots(codes, classes, salt_list)


def roots_json(value: dict[str, str]) -> str:
    """The roots as the freeze record stores them (canonical JSON)."""
    return canonical_json(value)


def stored_roots(text: str | None) -> dict[str, str] | None:
    """The roots a freeze record holds, or None if they are missing or are not a {class: hex} object."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return value


def valid_secret(secret: str | None) -> bool:
    """A pool secret as :func:`merkle.new_secret` makes them: 64 lowercase hex digits."""
    return secret is not None and len(secret) == 64 and all(c in "0123456789abcdef" for c in secret)


def pool_roots(secret: str, pool: Pool) -> dict[str, str]:
    """root_c of every class, the salts computed from the secret (in this process: it runs beside others)."""
    return roots(pool, salts(secret, pool.uscc.tolist(), parallel=False))


def lines_with_salts(pool: Pool, salt_list: Sequence[str]) -> bytes:
    """The pool file of a version-2 draw (internal): sorted ``uscc,class,salt`` lines."""
    codes: list[str] = pool.uscc.tolist()
    classes: list[str] = pool.classes.tolist()
    rows = zip(codes, classes, salt_list, strict=True)
    return "".join(f"{u},{c},{s}\n" for u, c, s in rows).encode("utf-8")


def frozen_secret(task: Task, record: PoolFreeze) -> str:
    """The pool secret of a version-2 freeze, checked to be one (a damaged record is a RecordError)."""
    secret = record.pool_secret
    if secret is None or not valid_secret(secret):
        raise RecordError(
            f"任务 {escape_controls(task.code)} 第 {record.seq} 次冻结的密钥记录已损坏（不是 64 位十六进制数），"
            f"无法计算各户的盐值；{RESTORE}"
        )
    return secret
