"""Reading computed classes back: why one entity is in its class, and how the classes of a model are
spread over the stations (and moved since its previous run)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.credit.classify import bands
from creditcli.credit.riskmodel import parse_text
from creditcli.db.models import Entity, EntityClassHistory, ModelClass, RiskRun
from creditcli.errors import InputMissingError
from creditcli.io.writers import Table
from creditcli.rosters import codes

GENERAL_LABEL = "通用型模型"


def explain(session: Session, uscc: str, model: str | None = None) -> dict[str, Any]:
    """Everything behind an entity's classes: per model the score and each indicator's value and points."""
    code = codes.normalise(uscc)
    entity = session.scalars(select(Entity).where(Entity.uscc == code)).one_or_none()
    if entity is None:
        raise InputMissingError(f"名录中没有统一社会信用代码为 {code} 的检查对象")
    query = select(ModelClass, RiskRun).join(RiskRun, RiskRun.id == ModelClass.run_id)
    query = query.where(ModelClass.entity_id == entity.id)
    if model is not None:
        query = query.where(ModelClass.model == model)
    rows = session.execute(query.order_by(ModelClass.model)).all()
    if model is not None and not rows:
        raise InputMissingError(f"{code} 还没有模型 {model} 计算的分类（先运行 creditcli risk classify）")
    models = [_explain_one(mc, run) for mc, run in rows]
    history = session.scalars(
        select(EntityClassHistory)
        .where(EntityClassHistory.entity_id == entity.id)
        .order_by(EntityClassHistory.effective_date, EntityClassHistory.id)
    ).all()
    return {
        "uscc": entity.uscc,
        "name": entity.name,
        "imported_class": entity.risk_class or "",
        "imported_class_date": entity.risk_class_date,
        "models": models,
        "history": [
            {"risk_class": h.risk_class, "effective_date": h.effective_date, "source": h.source} for h in history
        ],
    }


EXPLAIN_COLUMNS = (
    ("uscc", "统一社会信用代码"),
    ("name", "名称"),
    ("imported_class", "导入的分类"),
    ("model", "模型"),
    ("version", "模型版本"),
    ("risk_class", "模型分类"),
    ("effective_date", "分类生效日期"),
    ("decided_by", "定类的模型"),
    ("scoring", "评分模型"),
    ("score", "得分"),
    ("band_class", "按分档的分类"),
    ("direct", "直接定类规则"),
    ("indicator", "指标"),
    ("indicator_label", "指标名称"),
    ("value", "指标取值"),
    ("points", "指标得分"),
)


def explain_table(data: dict[str, Any]) -> Table:
    """``explain``'s answer as rows for CSV: one per model, scoring model and indicator (the entity and
    the model repeated on each row); an entity no model has classified yet is one row of its own."""
    entity = (data["uscc"], data["name"], data["imported_class"])
    rows: list[tuple[Any, ...]] = []
    for m in data["models"]:
        model = (m["model"], m["version"], m["risk_class"], m["effective_date"], m["decided_by"])
        for s in m["scorings"]:
            direct = s["direct"]["label"] if s["direct"] else ""
            scoring = (s["name"], s["score"], s["band_class"], direct)
            indicators = [(i["id"], i["label"], i["value"], i["points"]) for i in s["indicators"]]
            rows += [(*entity, *model, *scoring, *i) for i in indicators or [("", "", None, None)]]
        if not m["scorings"]:
            rows.append((*entity, *model, *[None] * 8))
    if not rows:
        rows.append((*entity, *[None] * 13))
    return Table([k for k, _ in EXPLAIN_COLUMNS], [v for _, v in EXPLAIN_COLUMNS], [rows], "creditcli.risk-explain/1")


def _explain_one(mc: ModelClass, run: RiskRun) -> dict[str, Any]:
    model = parse_text(run.model_text)
    scorings = dict(model.scorings())
    labels = {"general": GENERAL_LABEL, **{p.name: p.label for p in model.professional}}
    details = json.loads(mc.details)
    parts = []
    for name, scoring in scorings.items():
        if name not in details["scores"]:
            continue  # a professional model that does not apply to this entity
        entry = details["scores"][name]
        stored = entry["indicators"]  # indicators with value and points both 0 are left out
        indicators = [
            {"id": i.id, "label": i.label, "value": value, "points": points}
            for i in scoring.indicators
            for value, points in [stored.get(i.id, [0, 0])]
        ]
        rule = next((r for r in scoring.direct if r.id == entry.get("direct")), None)
        parts.append(
            {
                "name": name,
                "label": labels[name],
                "score": entry["score"],
                "band_class": list(scoring.bands)[int(bands(scoring, np.array([entry["score"]]))[0])],
                "direct": None if rule is None else {"id": rule.id, "label": rule.label, "class": rule.risk_class},
                "indicators": indicators,
            }
        )
    return {
        "model": mc.model,
        "version": model.model.version,
        "risk_class": mc.risk_class,
        "effective_date": mc.effective_date,
        "decided_by": details["by"],
        "decided_by_label": labels[details["by"]],
        "run_id": run.id,
        "as_of": run.as_of,
        "scorings": parts,
    }


@dataclass(frozen=True)
class Report:
    model: str
    run: RiskRun
    previous: RiskRun | None
    table: Table


REPORT_COLUMNS = (
    ("station", "管辖单位"),
    ("risk_class", "分类"),
    ("count", "户数"),
    ("share", "占比"),
    ("previous", "上次户数"),
    ("change", "变化"),
)
TOTAL = "合计"


def report(session: Session, classes: tuple[str, ...], model: str | None = None) -> Report:
    """The latest run's classes per station and class, beside the previous run of the same model."""
    query = select(RiskRun).order_by(RiskRun.id.desc())
    if model is not None:
        query = query.where(RiskRun.model == model)
    runs = session.scalars(query.limit(1)).all()
    if not runs:
        what = f"模型 {model} " if model else ""
        raise InputMissingError(f"还没有{what}分类运行记录（先运行 creditcli risk classify）")
    run = runs[0]
    previous = session.scalars(
        select(RiskRun).where(RiskRun.model == run.model, RiskRun.id < run.id).order_by(RiskRun.id.desc()).limit(1)
    ).first()
    now: dict[str, dict[str, int]] = json.loads(run.distribution)
    before: dict[str, dict[str, int]] = json.loads(previous.distribution) if previous else {}
    rows: list[tuple[Any, ...]] = []
    for station in [*sorted(set(now) | set(before)), TOTAL]:
        if station == TOTAL:
            cur = {c: sum(d.get(c, 0) for d in now.values()) for c in classes}
            old = {c: sum(d.get(c, 0) for d in before.values()) for c in classes}
        else:
            cur, old = now.get(station, {}), before.get(station, {})
        size = sum(cur.values())
        for c in classes:
            n, p = cur.get(c, 0), old.get(c, 0)
            share = f"{n / size:.1%}" if size else "—"
            rows.append((station, c, n, share, p if previous else None, n - p if previous else None))
    table = Table([k for k, _ in REPORT_COLUMNS], [v for _, v in REPORT_COLUMNS], [rows], "creditcli.risk-report/1")
    return Report(run.model, run, previous, table)
