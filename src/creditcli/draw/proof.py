"""抽取凭证 (entity proof) of algorithm version 2 (domain.md §8b, ``creditcli.draw-proof/2``).

An entity's proof states its class, salt, leaf index and the audit path of its class's Merkle tree, and
its ticket: whoever holds it checks, against the public certificate alone, that the path leads to the
published root, that the ticket is the one of ``uscc|salt``, and that it was selected exactly when its
ticket (weighted: its Pareto key) is within the class's threshold. It reveals the entity's class, so it
is given only to that entity (README).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.canonical import stored_json
from creditcli.db.models import Draw, PoolFreeze, Task
from creditcli.draw import merkle, salting, strategies, tickets
from creditcli.draw.pool import frozen_pool
from creditcli.draw.strategies import Pool
from creditcli.draw.tasks import spec_of
from creditcli.errors import InputMissingError, StateError
from creditcli.io.text import escape_controls

PROOF_SCHEMA = "creditcli.draw-proof/2"


def version_refusal(task: Task, row: Draw) -> StateError:
    return StateError(
        f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取使用第 {row.algorithm_version} 版算法：抽取凭证只适用于"
        "第 2 版（加盐签号）的抽取；第 1 版的签号可由公开的种子直接计算，核对方法见 docs/verify.md"
    )


@dataclass
class DrawProofs:
    """The proofs of one version-2 draw: the pool read and the salts computed once, each class's tree
    built when a proof first needs it (an archive of many entities asks for many)."""

    task: Task
    row: Draw
    record: PoolFreeze
    cert: dict[str, Any]
    pool: Pool
    _classes: dict[str, tuple[list[str], list[list[bytes]]]] = field(default_factory=dict)
    _selected: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._selected = {p["uscc"] for p in self.cert["selected"]}

    @classmethod
    def of(cls, session: Session, task: Task, row: Draw) -> DrawProofs:
        if row.algorithm_version != 2:
            raise version_refusal(task, row)
        record = session.get(PoolFreeze, row.freeze_id)
        assert record is not None  # a foreign key
        cert = stored_json(row.certificate, f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的证书")
        return cls(task, row, record, cert, Pool.parse(frozen_pool(task.code, record)))

    def position(self, uscc: str) -> int | None:
        """Where ``uscc`` is in the (sorted) pool, or None if the pool does not have it."""
        at = int(np.searchsorted(self.pool.uscc, uscc))
        return at if at < len(self.pool) and str(self.pool.uscc[at]) == uscc else None

    def _class(self, klass: str) -> tuple[list[str], list[list[bytes]]]:
        """The class's codes (sorted) and every level of its tree, leaves first: built once, each proof's
        path is then read off in log n (an archive of 40,000 entities of a 1M pool asks 40,000 times)."""
        if klass not in self._classes:
            codes: list[str] = self.pool.uscc[self.pool.classes == klass].tolist()
            salts = merkle.salts(salting.frozen_secret(self.task, self.record), codes)
            leaves = [merkle.leaf_hash(merkle.leaf_data(u, klass, s)) for u, s in zip(codes, salts, strict=True)]
            self._classes[klass] = (codes, tree_levels(leaves))
        return self._classes[klass]

    def _not_in_pool(self, uscc: str) -> str:
        """Why ``uscc`` has no proof of this draw: excluded (with the recorded reason), or never in scope."""
        from creditcli.draw.pool import decompress
        from creditcli.rosters.codes import valid

        where = f"任务 {escape_controls(self.task.code)} 第 {self.row.seq} 次抽取"
        shown = escape_controls(uscc) or "（空）"
        if not valid(uscc):
            return f"{shown} 不是有效的统一社会信用代码（18 位，末位校验码按 GB 32100 计算），{where}的抽取范围内没有它"
        for line in decompress(self.record.exclusions).decode("utf-8").splitlines():
            code, _, reason = line.partition(",")
            if code == uscc:
                return (
                    f"统一社会信用代码 {shown} 已被排除出{where}的抽取范围（{escape_controls(reason)}），没有抽取凭证"
                )
        return f"统一社会信用代码 {shown} 不在{where}的抽取范围内（不在抽查范围或名录中），没有抽取凭证"

    def proof(self, uscc: str, name: str) -> dict[str, Any]:
        """The proof of ``uscc`` (in the pool: :meth:`position`), keys in the order of docs/json.md."""
        at = self.position(uscc)
        if at is None:
            raise InputMissingError(self._not_in_pool(uscc))
        klass = str(self.pool.classes[at])
        codes, levels = self._class(klass)
        index = bisect.bisect_left(codes, uscc)
        salt = merkle.salt(salting.frozen_secret(self.task, self.record), uscc)
        cert = self.cert
        stratum = next(s for s in cert["strata"] if s["risk_class"] == klass)
        ticket = tickets.ticket(cert["seed"], merkle.ticket_id(uscc, salt))
        selected = uscc in self._selected
        data: dict[str, Any] = {
            "schema": PROOF_SCHEMA,
            "algorithm": cert["algorithm"],
            "algorithm_version": 2,
            "task": {"code": self.task.code, "name": spec_of(self.task).name},
            "draw_seq": self.row.seq,
            "seed": cert["seed"],
            "mode": cert["mode"],
            "uscc": uscc,
            "name": name,
            "risk_class": klass,
            "salt": salt,
            "leaf_index": index,
            "n": len(codes),
            "audit_path": [h.hex() for h in path_of(levels, index)],
            "root": stratum["root"],
            "ticket": ticket,
            "k": stratum["k"],
        }
        if cert["mode"] == strategies.STRATIFIED:
            data["threshold"] = stratum["threshold"]
        else:
            num, den = (int(x) for x in stratum["inclusion"].split("/"))
            lam = Fraction(num, den)
            data["lambda"] = stratum["inclusion"]
            data["key"] = None if lam == 1 else repr(strategies.pareto_key(ticket, lam))
            data["threshold_key"] = cert["threshold_key"]
        data["selected"] = selected
        data["issued_at"] = clock.now().isoformat(timespec="seconds")
        return data


def tree_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the RFC 6962 tree over ``leaves``, as ``merkle.root`` builds it (neighbours paired,
    a lone last node carried up unchanged): leaves first, the root's level last."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        paired = [merkle.node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        levels.append(paired)
    return levels


def path_of(levels: list[list[bytes]], index: int) -> list[bytes]:
    """``merkle.audit_path`` of leaf ``index`` read off the levels: each level's sibling, where it has one."""
    path = []
    for level in levels[:-1]:
        if index ^ 1 < len(level):
            path.append(level[index ^ 1])
        index //= 2
    return path


def proof_json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
