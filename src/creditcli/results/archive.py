"""一对象一档案: everything the tool knows about one entity, for a case file (internal, not public).

Per entity a directory ``<USCC>/`` with ``archive.json`` (``creditcli.archive/1``) and a readable
``index.md``: the entity and its class history, and for every task that drew it the certificate
excerpt (seed, pool digest, its ticket and rank), the team with replacements, the results with
their change history (withdrawn ones too, with who, when and why), and the publication dates.
Many entities go to a directory or a ``.zip``.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli.db.models import (
    Assignment,
    Draw,
    DrawSelection,
    Entity,
    EntityClassHistory,
    Inspector,
    Publication,
    Replacement,
    Result,
    ResultChange,
    ResultCode,
    Task,
)
from creditcli.draw.proof import DrawProofs
from creditcli.draw.records import drawn_codes
from creditcli.errors import InputMissingError
from creditcli.io.outputs import check_outputs
from creditcli.io.writers import atomic_path, output_set
from creditcli.lifecycle import standing_draw
from creditcli.rosters.codes import normalise
from creditcli.teams.service import teams_now

SCHEMA = "creditcli.archive/1"
_ENTITY_FIELDS = (
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("entity_type", "主体类型"),
    ("established", "成立日期"),
    ("reg_authority", "登记机关"),
    ("station", "管辖单位"),
    ("industry", "行业代码"),
    ("address", "住所"),
    ("legal_rep", "法定代表人"),
    ("status", "登记状态"),
    ("risk_class", "信用风险分类"),
    ("risk_class_date", "分类日期"),
    ("tags", "标签"),
)


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def entity_archive(session: Session, uscc: str, proofs: dict[int, DrawProofs] | None = None) -> dict[str, Any]:
    """The archive of one entity as JSON-ready data (also for an entity no longer in the roster).

    ``proofs``: the version-2 draws read so far (an export of many entities reads each pool once)."""
    code = normalise(uscc)
    entity = session.scalars(select(Entity).where(Entity.uscc == code)).one_or_none()
    picks = session.execute(
        select(DrawSelection, Draw, Task)
        .join(Draw, Draw.id == DrawSelection.draw_id)
        .join(Task, Task.id == Draw.task_id)
        .where(DrawSelection.uscc == code)
        .order_by(Draw.drawn_at, Task.code, Draw.seq)
    ).all()
    if entity is None and not picks:
        raise InputMissingError(f"名录和抽取记录中都没有统一社会信用代码为 {code} 的对象")
    data: dict[str, Any] = {"schema": SCHEMA, "uscc": code}
    data["entity"] = {k: _text(getattr(entity, k)) for k, _ in _ENTITY_FIELDS} if entity else None
    data["class_history"] = []
    if entity is not None:
        history = session.scalars(
            select(EntityClassHistory)
            .where(EntityClassHistory.entity_id == entity.id)
            .order_by(EntityClassHistory.effective_date, EntityClassHistory.id)
        )
        data["class_history"] = [
            {"risk_class": h.risk_class, "effective_date": _text(h.effective_date), "source": h.source} for h in history
        ]
    data["tasks"] = [_task_part(session, code, pick, draw, task) for pick, draw, task in picks]
    data["proofs"] = _proofs(session, code, entity.name if entity else "", {} if proofs is None else proofs)
    return data


def _proofs(session: Session, uscc: str, name: str, cache: dict[int, DrawProofs]) -> list[dict[str, Any]]:
    """The 抽取凭证 (creditcli.draw-proof/2) of every version-2 draw whose frozen pool had the entity,
    selected or not (domain.md §8b): the case file keeps what the entity may be given."""
    out = []
    query = (
        select(Draw, Task)
        .join(Task, Task.id == Draw.task_id)
        .where(Draw.algorithm_version == 2)
        .order_by(Draw.drawn_at, Task.code, Draw.seq)
    )
    for draw, task in session.execute(query):
        if draw.id not in cache:
            cache[draw.id] = DrawProofs.of(session, task, draw)
        proofs = cache[draw.id]
        if proofs.position(uscc) is not None:
            out.append(proofs.proof(uscc, name))
    return out


def _task_part(session: Session, uscc: str, pick: DrawSelection, draw: Draw, task: Task) -> dict[str, Any]:
    part: dict[str, Any] = {
        "task": task.code,
        "task_name": task.name,
        "status": task.status,
        "window": [_text(task.window_start), _text(task.window_end)],
        "draw": {
            "seq": draw.seq,
            "seed": draw.seed,
            "pool_digest": draw.pool_digest,
            "certificate_sha256": draw.certificate_sha256,
            "drawn_at": _text(draw.drawn_at),
            "rank": pick.rank,
            "ticket": pick.ticket,
            "risk_class": pick.risk_class,
            "superseded": _text(draw.superseded_at),
            "superseded_reason": draw.superseded_reason,
        },
        "team": [],
        "replacements": [],
        "results": [],
        "publications": [],
    }
    assignment = session.scalar(select(Assignment).where(Assignment.draw_id == draw.id).order_by(Assignment.seq.desc()))
    if assignment is not None:
        names = {c: n for c, n in session.execute(select(Inspector.code, Inspector.name))}
        members = teams_now(session, assignment).get(uscc, [])
        part["team"] = [{"code": c, "name": names.get(c, ""), "role": role} for c, role, _ in members]
        part["replacements"] = [
            {
                "old": r.old_code,
                "new": r.new_code,
                "reason": r.reason,
                "operator": r.operator,
                "at": _text(r.replaced_at),
            }
            for r in session.scalars(
                select(Replacement)
                .where(Replacement.assignment_id == assignment.id, Replacement.uscc == uscc)
                .order_by(Replacement.id)
            )
        ]
    current = standing_draw(session, task)
    if current is not None and current.id == draw.id:
        part["results"] = _results(session, task, uscc)
        part["publications"] = [
            {"what": p.what, "published_on": _text(p.published_on)}
            for p in session.scalars(select(Publication).where(Publication.task_id == task.id).order_by(Publication.id))
        ]
    return part


def _results(session: Session, task: Task, uscc: str) -> list[dict[str, Any]]:
    texts = {c: t for c, t in session.execute(select(ResultCode.code, ResultCode.text))}
    out = []
    query = select(Result).where(Result.task_id == task.id, Result.uscc == uscc).order_by(Result.id)
    for r in session.scalars(query):
        changes = session.scalars(select(ResultChange).where(ResultChange.result_id == r.id).order_by(ResultChange.id))
        out.append(
            {
                "item": r.item_code,
                "code": r.result_code,
                "text": texts.get(r.result_code, ""),
                "method": r.method,
                "checked_on": _text(r.checked_on),
                "inspectors": r.inspectors.split(";") if r.inspectors else [],
                "findings": r.findings,
                "action": r.action,
                "action_done": r.action_done,
                "remarks": r.remarks,
                "recorded_at": _text(r.recorded_at),
                "replaces": r.replaces or "",
                "withdrawn": None
                if r.withdrawn_at is None
                else {"at": _text(r.withdrawn_at), "by": r.withdrawn_by, "reason": r.withdrawn_reason},
                "changes": [
                    {
                        "field": c.field,
                        "old": c.old_value,
                        "new": c.new_value,
                        "source": c.source,
                        "operator": c.operator,
                        "at": _text(c.changed_at),
                    }
                    for c in changes
                ],
            }
        )
    return out


def markdown(data: dict[str, Any]) -> str:
    """The readable index of one archive."""
    lines = [f"# 一对象一档案：{data['uscc']}", ""]
    entity = data["entity"]
    if entity is None:
        lines += ["（名录中已无此对象；以下为抽取记录中的信息）", ""]
    else:
        lines += ["## 基本信息", "", "| 项目 | 内容 |", "|---|---|"]
        lines += [f"| {label} | {_cell(entity[key])} |" for key, label in _ENTITY_FIELDS]
        lines.append("")
    if data["class_history"]:
        lines += ["## 信用风险分类记录", "", "| 分类 | 生效日期 | 来源 |", "|---|---|---|"]
        lines += [
            f"| {h['risk_class']} | {h['effective_date']} | {_cell(h['source'])} |" for h in data["class_history"]
        ]
        lines.append("")
    for part in data["tasks"]:
        d = part["draw"]
        lines += [f"## 抽查任务 {part['task']}：{_cell(part['task_name'])}", ""]
        lines.append(f"- 状态：{part['status']}；检查时间：{part['window'][0]} 至 {part['window'][1]}")
        lines.append(
            f"- 第 {d['seq']} 次抽取（{d['drawn_at']}），种子 `{d['seed']}`，抽取范围摘要 `{d['pool_digest']}`"
        )
        lines.append(f"- 本对象签号 `{d['ticket']}`，名次 {d['rank']}；证书 SHA-256 `{d['certificate_sha256']}`")
        if d["superseded"]:
            lines.append(f"- 该次抽取已作废（{d['superseded']}）：{_cell(d['superseded_reason'] or '')}")
        if part["team"]:
            team = "；".join(f"{m['name'] or m['code']}（{m['role']}，{m['code']}）" for m in part["team"])
            lines.append(f"- 检查组：{team}")
        for r in part["replacements"]:
            lines.append(f"- 递补：{r['old']} → {r['new']}（{_cell(r['reason'])}，{r['operator']}，{r['at']}）")
        for r in part["results"]:
            item = f"事项 {r['item']}：" if r["item"] else ""
            lines.append(
                f"- 检查结果：{item}{r['code']} {r['text']}（{r['method']}，{r['checked_on']}，"
                f"检查人员 {'、'.join(r['inspectors'])}）"
            )
            if r["replaces"]:
                lines.append(f"  - 替代检查结果 {r['replaces']}")
            if r["withdrawn"]:
                w = r["withdrawn"]
                lines.append(f"  - **已撤回**（{w['at']}，{_cell(w['by'])}）：{_cell(w['reason'])}")
            if r["findings"] or r["action"]:
                done = "已完成" if r["action_done"] else "未完成"
                lines.append(f"  - 发现问题：{_cell(r['findings'])}；后续处置：{_cell(r['action'])}（{done}）")
            for c in r["changes"]:
                lines.append(
                    f"  - 更改 {c['field']}：{_cell(c['old'])} → {_cell(c['new'])}（{c['source']}，{c['at']}）"
                )
        for p in part["publications"]:
            lines.append(f"- 公示：{p['what']}，{p['published_on']}")
        lines.append("")
    if data.get("proofs"):
        lines += [
            "## 抽取凭证（第 2 版算法）",
            "",
            "> 凭证载有本对象的信用风险分类，只可交给本对象，不得公开；可用公开版抽取证书核对（docs/verify.md）。",
            "",
        ]
        for p in data["proofs"]:
            limit = p.get("threshold") if p["mode"] == "stratified" else p.get("threshold_key")
            lines.append(
                f"- 任务 {p['task']['code']} 第 {p['draw_seq']} 次抽取：分类 {p['risk_class']}（该类 {p['n']} 户，"
                f"抽取 {p['k']} 户），签号 `{p['ticket'][:22]}`，阈值 `{(limit or '无')[:22]}`，"
                f"{'抽中' if p['selected'] else '未抽中'}；承诺根 `{p['root']}`"
            )
        lines.append("")
    if data.get("audit_head"):
        lines += [f"写出时的审计链头：`{data['audit_head']['head']}`（creditcli audit verify --head 可核对）", ""]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "｜").replace("\n", " ")


def task_entities(session: Session, task: Task) -> list[str]:
    draw = standing_draw(session, task)
    if draw is None:
        raise InputMissingError(f"任务 {task.code} 尚未抽取，没有抽中对象")
    return sorted(drawn_codes(session, draw))


def export(session: Session, usccs: Iterable[str], target: Path, head: dict[str, Any] | None = None) -> int:
    """Write the archives under ``target`` (a directory, or a ``.zip`` written atomically); each records
    ``head``, the audit chain's head when it was written (``audit verify --head`` checks it later)."""
    files = []
    proofs: dict[int, DrawProofs] = {}
    for uscc in usccs:
        data = {**entity_archive(session, uscc, proofs), "audit_head": head}
        body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        files += [(f"{data['uscc']}/archive.json", body), (f"{data['uscc']}/index.md", markdown(data))]
    if target.suffix.lower() == ".zip":
        with atomic_path(target, "--output") as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files:
                archive.writestr(name, text)
    else:
        check_outputs([("档案文件", target / name) for name, _ in files], places=False)  # all, before the first
        with output_set() as outputs:  # every file, or none (nor the folders made for them)
            outputs.directory(target, "--output")
            for name, text in files:
                path = target / name
                outputs.directory(path.parent, "档案目录")
                outputs.write_bytes(path, text.encode("utf-8"), "档案文件")
    return len(files) // 2
