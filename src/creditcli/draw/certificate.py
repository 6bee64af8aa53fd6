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

from creditcli import __version__, clock
from creditcli.canonical import RESTORE, stored_json
from creditcli.db import bulk
from creditcli.db.models import PoolFreeze, Task
from creditcli.draw import salting, strategies
from creditcli.draw.documents import certificate_markdown, public_markdown
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
CERTIFICATE_SCHEMA_2 = "creditcli.draw-certificate/2"


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


def thresholds(outcome: Outcome) -> dict[str, str | None]:
    """Stratified: t_c, the ticket of the k_c-th selected entity of each class (None when k_c = 0)."""
    last: dict[str, str | None] = {s.risk_class: None for s in outcome.strata}
    for p in outcome.selected:  # in ticket order within each class
        last[p.risk_class] = p.ticket
    return last


def threshold_key(outcome: Outcome) -> str | None:
    """Weighted: the largest Pareto key among the selected entities whose λ < 1, as ``repr(float)``."""
    lam = {s.risk_class: s.inclusion for s in outcome.strata}
    keys = [strategies.pareto_key(p.ticket, lam[p.risk_class]) for p in outcome.selected if lam[p.risk_class] < 1]
    return repr(max(keys)) if keys else None


def strata_entries_2(outcome: Outcome, roots: dict[str, str]) -> list[dict[str, Any]]:
    """Version 2: the ``/1`` entries with each class's root and (stratified) threshold t_c."""
    strata = strata_entries(outcome)
    limits = thresholds(outcome)
    for entry in strata:
        entry["root"] = roots[entry["risk_class"]]
        if outcome.mode == strategies.STRATIFIED:
            entry["threshold"] = limits[entry["risk_class"]]
    return strata


def certificate_data(
    task: Task, spec: TaskSpec, record: PoolFreeze, result: DrawResult, operator: str, drawn_at: dt.datetime
) -> dict[str, Any]:
    """The draw certificate (docs/verify.md): everything needed to re-run and check the draw."""
    outcome = result.outcome
    version = record.algorithm_version
    roots = salting.stored_roots(record.roots) if version == 2 else None
    if version == 2 and roots is None:
        raise RecordError(f"任务 {escape_controls(task.code)} 第 {record.seq} 次冻结的承诺根记录已损坏；{RESTORE}")
    strata = strata_entries(outcome) if roots is None else strata_entries_2(outcome, roots)
    data = {
        "schema": CERTIFICATE_SCHEMA if version == 1 else CERTIFICATE_SCHEMA_2,
        "algorithm": strategies.ALGORITHM,
        "algorithm_version": version,
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
    }
    if version == 2 and outcome.mode == strategies.WEIGHTED:
        data["threshold_key"] = threshold_key(outcome)
    data["selected"] = [
        {"rank": p.rank, "uscc": p.uscc, "risk_class": p.risk_class, "ticket": p.ticket} for p in outcome.selected
    ]
    return data


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


def certificate(
    session: Session, task: Task, seq: int | None = None, head: dict[str, Any] | None = None
) -> Certificate:
    """The certificate exactly as issued at draw time (byte-identical on every call); its Markdown,
    made now, is labelled internal and records ``head``, the audit chain's head at this moment."""
    row = find_draw(session, task, seq)
    freeze_row = session.get(PoolFreeze, row.freeze_id)
    assert freeze_row is not None  # a foreign key
    what = f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的证书"
    cert = stored_json(row.certificate, what)
    if hashlib.sha256(row.certificate.encode()).hexdigest() != row.certificate_sha256:
        raise RecordError(f"{what}记录已损坏：与抽取时记录的 SHA-256 不符；{RESTORE}")
    return Certificate(row.certificate, certificate_markdown(cert, spec_of(task), head), pool_file(task, freeze_row))


def pool_file(task: Task, record: PoolFreeze) -> bytes:
    """The pool file handed to supervisors: the frozen ``uscc,class`` lines (version 1), or with each
    entity's salt as a third column (version 2; its digest is still that of the first two columns)."""
    data = frozen_pool(task.code, record)
    if record.algorithm_version != 2:
        return data
    pool = strategies.Pool.parse(data)
    return salting.lines_with_salts(pool, salting.pool_salts(salting.frozen_secret(task, record), pool))


PUBLIC_SCHEMA = "creditcli.draw-certificate-public/1"
PUBLIC_SCHEMA_2 = "creditcli.draw-certificate-public/2"
_PUBLIC_FIELDS = (
    "algorithm",
    "algorithm_version",
    "task",
    "draw_seq",
    "supersedes",
    "seed",
    "seed_generated",
    "mode",
    "parameters",
    "pool_digest",
    "pool_size",
    "excluded",
    "frozen_at",
    "drawn_at",
    "operator",
    "tool_version",
)


def _public_stratum(entry: dict[str, Any], mode: str, version: int) -> dict[str, Any]:
    """A class's counts as the public certificate gives them: no inclusion probability in version 1;
    version 2 (weighted) names it λ, beside the root (the proofs check against both)."""
    public = {k: v for k, v in entry.items() if k != "inclusion"}
    if version == 2 and mode == strategies.WEIGHTED:
        public["lambda"] = entry["inclusion"]
    return public


def public_certificate(
    session: Session, task: Task, seq: int | None = None, head: dict[str, Any] | None = None
) -> tuple[str, str]:
    """The public certificate (domain.md §8 "Who sees what"), JSON and Markdown: seed, algorithm, pool
    digest, per-class counts n and k, the selected entities by code and name — no entity's class,
    ticket or rank. The list is in code order: the certificate's order (by class, then rank) would
    tell each entity's class. Nor is the full certificate's SHA-256 given: with the public seed and
    list, a small draw's classes could be found by trying each split of the list over the counts."""
    row = find_draw(session, task, seq)
    cert = stored_json(row.certificate, f"任务 {escape_controls(task.code)} 第 {row.seq} 次抽取的证书")
    sql = (
        "SELECT s.uscc, e.name FROM draw_selections s LEFT JOIN entities e ON e.uscc = s.uscc "
        "WHERE s.draw_id = ? ORDER BY s.uscc"
    )
    names = {uscc: name or "" for uscc, name in bulk.fetch_all(session, sql, (row.id,))}
    selected = sorted(p["uscc"] for p in cert["selected"])
    version = cert["algorithm_version"]
    data: dict[str, Any] = {
        "schema": PUBLIC_SCHEMA if version == 1 else PUBLIC_SCHEMA_2,
        **{k: cert[k] for k in _PUBLIC_FIELDS},
        "strata": [_public_stratum(s, cert["mode"], version) for s in cert["strata"]],
    }
    if version == 2 and cert["mode"] == strategies.WEIGHTED:
        data["threshold_key"] = cert["threshold_key"]
    data |= {
        "selected_count": len(selected),
        "written_at": clock.now().isoformat(timespec="seconds"),
        "audit_head": head,
    }
    rows = ",\n".join("    " + json.dumps({"uscc": u, "name": names.get(u, "")}, ensure_ascii=False) for u in selected)
    text = json.dumps(data, ensure_ascii=False, indent=2)[:-2]
    text += f',\n  "selected": [\n{rows}\n  ]\n}}\n' if selected else ',\n  "selected": []\n}\n'
    return text, public_markdown({**data, "selected": [(u, names.get(u, "")) for u in selected]}, spec_of(task))
