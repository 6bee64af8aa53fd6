"""The draw certificate (docs/verify.md, docs/json.md ``creditcli.draw-certificate/1``): written once, at
draw time, as JSON (with its SHA-256 in the draw record) and handed out byte for byte ever after."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from creditcli import __version__
from creditcli.canonical import RESTORE, stored_json
from creditcli.db.models import PoolFreeze, Task
from creditcli.draw import strategies
from creditcli.draw.documents import certificate_markdown
from creditcli.draw.pool import frozen_pool
from creditcli.draw.records import find_draw
from creditcli.draw.spec import TaskSpec
from creditcli.draw.strategies import Outcome
from creditcli.draw.tasks import spec_of
from creditcli.errors import RecordError
from creditcli.io.text import escape_controls

if TYPE_CHECKING:
    from creditcli.draw.drawing import DrawResult

CERTIFICATE_SCHEMA = "creditcli.draw-certificate/1"


def fraction_text(value: Fraction) -> str:
    """An exact probability as stored and printed: ``p/q``."""
    return f"{value.numerator}/{value.denominator}"


def strata_entries(outcome: Outcome) -> list[dict[str, Any]]:
    """Per class: n, k, exact inclusion probability and the ratio or weight (as in the certificate)."""
    strata = []
    for s in outcome.strata:
        entry: dict[str, Any] = {
            "risk_class": s.risk_class,
            "n": s.n,
            "k": s.k,
            "inclusion": fraction_text(s.inclusion),
        }
        if s.ratio is not None:
            entry["ratio"] = str(s.ratio)
        if s.weight is not None:
            entry["weight"] = str(s.weight)
        strata.append(entry)
    return strata


def certificate_data(
    task: Task, spec: TaskSpec, record: PoolFreeze, result: DrawResult, operator: str, drawn_at: dt.datetime
) -> dict[str, Any]:
    """The draw certificate (docs/verify.md): everything needed to re-run and check the draw."""
    outcome = result.outcome
    strata = strata_entries(outcome)
    return {
        "schema": CERTIFICATE_SCHEMA,
        "algorithm": strategies.ALGORITHM,
        "algorithm_version": strategies.ALGORITHM_VERSION,
        "task": {
            "code": task.code,
            "name": spec.name,
            "plan_code": spec.plan_code,
            "plan_name": spec.plan_name,
            "task_type": spec.task_type,
            "items": spec.items,
            "window": [spec.window_start.isoformat(), spec.window_end.isoformat()],
            "class_source": spec.class_source,
        },
        "draw_seq": result.seq,
        "supersedes": result.superseded,
        "seed": result.seed,
        "seed_generated": result.seed_generated,
        "mode": outcome.mode,
        "parameters": spec.draw_parameters(),
        "pool_digest": record.pool_digest,
        "pool_size": record.pool_size,
        "excluded": record.excluded,
        "frozen_at": record.frozen_at.isoformat(timespec="seconds"),
        "drawn_at": drawn_at.isoformat(timespec="seconds"),
        "operator": operator,
        "tool_version": __version__,
        "strata": strata,
        "selected": [
            {"rank": p.rank, "uscc": p.uscc, "risk_class": p.risk_class, "ticket": p.ticket} for p in outcome.selected
        ],
    }


def certificate_json(
    task: Task, spec: TaskSpec, record: PoolFreeze, result: DrawResult, operator: str, drawn_at: dt.datetime
) -> str:
    data = certificate_data(task, spec, record, result, operator, drawn_at)
    selected = data.pop("selected")
    # Indented for reading, one selected entity per line: json's indenting encoder is pure Python
    # and took 1 s for 70k entities, the compact one per entry a tenth of that.
    head = json.dumps(data, ensure_ascii=False, indent=2)[:-2]
    rows = ",\n".join("    " + json.dumps(s, ensure_ascii=False) for s in selected)
    return f'{head},\n  "selected": [\n{rows}\n  ]\n}}\n' if selected else f'{head},\n  "selected": []\n}}\n'


@dataclass(frozen=True)
class Certificate:
    json_text: str
    markdown: str
    pool_lines: bytes


def certificate(session: Session, task: Task, seq: int | None = None) -> Certificate:
    """The certificate exactly as issued at draw time (byte-identical on every call)."""
    row = find_draw(session, task, seq)
    freeze_row = session.get(PoolFreeze, row.freeze_id)
    assert freeze_row is not None  # a foreign key
    what = f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的证书"
    cert = stored_json(row.certificate, what)
    if hashlib.sha256(row.certificate.encode()).hexdigest() != row.certificate_sha256:
        raise RecordError(f"{what}记录已损坏：与抽取时记录的 SHA-256 不符；{RESTORE}")
    return Certificate(row.certificate, certificate_markdown(cert, spec_of(task)), frozen_pool(task.code, freeze_row))
