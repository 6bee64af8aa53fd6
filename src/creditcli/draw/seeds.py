"""The random seed of a draw (domain.md §8): text of at least 20 decimal digits, kept exactly as typed.

In a public ceremony the seed is rolled with ten-sided dice in front of witnesses, after the pool's
digest was published. It travels as text everywhere (leading zeros kept), and a seed another draw
already used is refused unless reuse is allowed explicitly.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db.models import Draw, Task
from creditcli.errors import UsageError

SEED_PATTERN = re.compile(r"^[0-9]{20,}$")
SEED_DIGITS = 20


SEED_IN_GROUPS = re.compile(r"^[0-9]+(?:[ \t\u3000]+[0-9]+)+$")
"""Digits typed in groups (``0738 2945 …``), as a seed is read out at a ceremony."""


def check_seed(seed: str) -> str:
    if SEED_IN_GROUPS.match(seed.strip()):
        joined = re.sub(r"\s+", "", seed)
        raise UsageError(f"随机种子 “{seed}” 中有空格：种子按原样记录，请去掉空格后重新输入，即 --seed {joined}")
    if not SEED_PATTERN.match(seed):
        raise UsageError(
            f"随机种子 “{seed}” 无效：应为至少 {SEED_DIGITS} 位十进制数字（公开摇号时用十面骰子逐位掷出），按原样记录"
        )
    return seed


def new_seed() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(SEED_DIGITS))


def check_unused(session: Session, seed: str) -> None:
    """A seed already used by a draw of any task is refused (a new one is rolled instead)."""
    used = session.execute(
        select(Task.code, Draw.seq).join(Task, Task.id == Draw.task_id).where(Draw.seed == seed)
    ).first()
    if used is not None:
        raise UsageError(f"随机种子 {seed} 已被任务 {used[0]} 的第 {used[1]} 次抽取使用；请重新掷骰生成新的种子")
