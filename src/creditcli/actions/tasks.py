"""Use cases of 抽查任务: create, freeze (with the pre-draw notice), draw, verify, certify, list, show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.actions.store import Store, Unit, write_use_case

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from creditcli.draw.drawing import DrawResult
    from creditcli.draw.freeze import FreezeResult
    from creditcli.draw.verify import VerifyResult
    from creditcli.io.writers import Table


def create(store: Store, given: Mapping[str, Any], from_file: Path | None = None) -> dict[str, Any]:
    """A task from the options ``given`` (``None`` values left out) over the task file ``from_file``;
    every parameter is checked here, once, and stored (docs/tasks.md)."""
    from creditcli.draw.tasks import read_task_file

    file_problems: list[str] = []  # listed with the parameters' own problems, all at once
    raw: dict[str, Any] = read_task_file(from_file, file_problems) if from_file is not None else {}
    pool = dict(raw.get("pool") or {})
    chosen = {k: v for k, v in given.items() if v is not None and k != "pool"}
    scope = {k: v for k, v in dict(given.get("pool") or {}).items() if v}
    return _create(store, {**raw, **chosen, "pool": {**pool, **scope}}, from_file, file_problems)


@write_use_case("tasks create")
def _create(
    unit: Unit, parameters: Mapping[str, Any], from_file: Path | None, file_problems: list[str]
) -> dict[str, Any]:
    from creditcli.draw.tasks import create_task
    from creditcli.draw.views import task_detail

    task = create_task(
        unit.session, unit.store.settings, dict(parameters), source=from_file, file_problems=file_problems
    )
    return task_detail(unit.session.connection(), task.code)  # the new row, in this transaction


@dataclass(frozen=True)
class Frozen:
    result: FreezeResult
    notice: Path


def freeze(
    store: Store, code: str, output: Path | None = None, refreeze: bool = False, algorithm: int | None = None
) -> Frozen:
    """Freeze the pool, then write the pre-draw notice (default ``任务编号-抽取前公告.md``).

    ``algorithm``: the draw algorithm's version (``--algorithm``; otherwise the config's ``draw_algorithm``).

    The notice's temporary file is made first (a folder that cannot take it fails before the freeze);
    its text is written only once the freeze is committed, so a notice never shows a digest that was
    not recorded.
    """
    from creditcli.draw.tasks import default_file
    from creditcli.errors import OutputError, os_reason
    from creditcli.io.writers import atomic_path

    path = output or default_file(code, "抽取前公告.md")
    store.check_outputs(("--output", path))
    with atomic_path(path, "--output") as tmp:
        result, notice = _freeze(store, code, refreeze, algorithm or store.settings.draw_algorithm)
        try:
            tmp.write_bytes(notice.encode("utf-8"))
        except OSError as exc:
            raise OutputError(
                f"抽取范围已冻结并记录（摘要 {result.pool_digest}），但抽取前公告未能写出 {path}：{os_reason(exc)}；"
                f"请排除后用 creditcli tasks freeze {code} --refreeze -o 文件 重新冻结并写出公告（原冻结记录保留）"
            ) from exc
    return Frozen(result, path)


@write_use_case("tasks freeze")
def _freeze(unit: Unit, code: str, refreeze: bool, algorithm: int) -> tuple[FreezeResult, str]:
    from creditcli.audit import Change
    from creditcli.draw.freeze import freeze_with_notice
    from creditcli.draw.tasks import get_task

    task = get_task(unit.session, code)
    result, notice = freeze_with_notice(unit.session, task, refreeze=refreeze, version=algorithm)
    unit.record(Change({"pool": result.pool_size}, result.pool_digest))
    return result, notice


@dataclass(frozen=True)
class Drawn:
    """A draw made (``result``), or — with ``if_not_drawn`` on a drawn task — the draw that stands."""

    result: DrawResult | None
    standing_seq: int | None = None
    standing_at: dt.datetime | None = None


@write_use_case("tasks draw")
def draw(
    unit: Unit,
    code: str,
    seed: str | None = None,
    redraw_reason: str | None = None,
    allow_seed_reuse: bool = False,
    if_not_drawn: bool = False,
    algorithm: int | None = None,
) -> Drawn:
    """Draw from the frozen pool with ``seed`` (freezing first if need be); domain.md §8. ``algorithm``
    (``--algorithm``) must be the frozen pool's version; a pool frozen here takes it (or the config's)."""
    from creditcli import audit, lifecycle
    from creditcli.draw import drawing
    from creditcli.draw.tasks import get_task
    from creditcli.errors import UsageError

    if redraw_reason is not None and if_not_drawn:
        raise UsageError("--redraw 与 --if-not-drawn 不能同时使用")
    task = get_task(unit.session, code)
    standing = lifecycle.standing_draw(unit.session, task) if if_not_drawn else None
    if standing is not None:
        unit.unchanged()
        return Drawn(None, standing.seq, standing.drawn_at)
    result = drawing.draw(
        unit.session,
        task,
        seed=seed,
        redraw_reason=redraw_reason,
        allow_seed_reuse=allow_seed_reuse,
        algorithm=algorithm,
        default_algorithm=unit.store.settings.draw_algorithm,
    )
    unit.record(audit.draw_change(unit.session, task))
    return Drawn(result)


def verify(store: Store, code: str, seq: int | None = None) -> VerifyResult:
    """Recompute the draw (and its teams and every replacement) from the record, and check the
    results against their change history and the task's newest audit entry; the caller decides
    what a disagreement means (the CLI exits 1)."""
    from creditcli.audit import results_vouched
    from creditcli.draw.tasks import get_task
    from creditcli.lifecycle import standing_draw
    from creditcli.results.digest import history_problems
    from creditcli.teams.service import verify_task

    with store.reading() as session:
        task = get_task(session, code)
        result = verify_task(session, task, seq)
        current = standing_draw(session, task)
        if current is not None and result.seq == current.seq:  # results belong to the standing draw
            result.results_checked, problems = history_problems(session, task.id, task.code)
            result.problems += problems + results_vouched(session, task)
            result.ok = not result.problems
        return result


def certificate(
    store: Store, code: str, output: Path, pool: Path | None = None, seq: int | None = None, *, public: bool = False
) -> list[Path]:
    """The draw certificate exactly as issued (JSON at ``output``, the Markdown for signing beside it)
    and, with ``pool``, the frozen pool file: internal, they hold every selected entity's class. With
    ``public``, the public certificate instead (no class, ticket or rank; domain.md §8 "Who sees what").
    Every Markdown records the audit chain's head at this moment. Returns the files written."""
    from creditcli.audit import head
    from creditcli.draw import certificate as issued
    from creditcli.draw.tasks import get_task
    from creditcli.errors import UsageError
    from creditcli.io.writers import output_set

    if public and pool is not None:
        raise UsageError(
            "--pool 写出的抽取范围文件含每户的信用风险分类，仅供内部复核，不能与 --public 同用："
            "公开版证书已含抽取范围摘要；范围文件请另用 creditcli tasks certificate 任务编号 -o 证书.json "
            "--pool 范围.csv 写出"
        )
    markdown = output.with_suffix(".md")
    store.check_outputs(("--output", output), ("签字存档版 .md", markdown), ("--pool", pool))
    with store.reading() as session:
        task = get_task(session, code)
        newest = head(session)
        noted = None if newest is None else newest.as_json()
        if public:
            json_text, markdown_text = issued.public_certificate(session, task, seq, noted)
            pool_lines = None
        else:
            cert = issued.certificate(session, task, seq, noted)
            json_text, markdown_text, pool_lines = cert.json_text, cert.markdown, cert.pool_lines
    with output_set() as outputs:  # the files together, or none of them
        outputs.write_bytes(output, json_text.encode("utf-8"), "--output")
        outputs.write_bytes(markdown, markdown_text.encode("utf-8"), "签字存档版 .md")
        if pool is not None and pool_lines is not None:
            outputs.write_bytes(pool, pool_lines, "--pool")
    return [output, markdown] if pool is None or pool_lines is None else [output, markdown, pool]


def proof(store: Store, code: str, uscc: str, output: Path | None = None, seq: int | None = None) -> Path:
    """The 抽取凭证 of one entity for a version-2 draw (``creditcli.draw-proof/2``; default file
    ``任务编号-抽取凭证-USCC.json``). Issuing one is logged: it reveals the entity's class to whoever
    holds it. The proof is made and written to the file's temporary first; the entry is committed only
    once the bytes are on disk, and the file takes its name after that: a proof that could not be
    written is not logged as issued."""
    import hashlib

    from creditcli.draw.tasks import default_file
    from creditcli.errors import OutputError, os_reason
    from creditcli.io.text import normalise_code
    from creditcli.io.writers import atomic_path

    path = output or default_file(code, f"抽取凭证-{normalise_code(uscc)}.json")
    store.check_outputs(("--output", path))
    with atomic_path(path, "--output") as tmp:
        with store.reading() as session:
            text, draw_id = _proof(session, code, normalise_code(uscc), seq)
        try:
            tmp.write_bytes(text.encode("utf-8"))
        except OSError as exc:
            raise OutputError(f"抽取凭证未能写出 {path}：{os_reason(exc)}；未出具，也未记入审计日志") from exc
        _issued(store, draw_id, hashlib.sha256(text.encode("utf-8")).hexdigest())
    return path


def _proof(session: Session, code: str, uscc: str, seq: int | None) -> tuple[str, int]:
    from sqlalchemy import select

    from creditcli.db.models import Entity
    from creditcli.draw.proof import DrawProofs, proof_json
    from creditcli.draw.records import find_draw
    from creditcli.draw.tasks import get_task

    task = get_task(session, code)
    row = find_draw(session, task, seq)
    name = session.scalar(select(Entity.name).where(Entity.uscc == uscc)) or ""
    return proof_json(DrawProofs.of(session, task, row).proof(uscc, name)), row.id


@write_use_case("tasks proof")
def _issued(unit: Unit, draw_id: int, digest: str) -> None:
    """抽取凭证已出具: an audit entry by the proof's SHA-256 (never its salt)."""
    from creditcli.audit import Change

    unit.record(Change({"proofs": 1}, digest, {"proof_of_draw": draw_id}))


def listing(store: Store) -> Table:
    from creditcli.draw.views import task_table

    with store.connected() as conn:  # Core, no ORM: a read people wait for (start-up)
        return task_table(conn)  # rows already read: the table outlives the connection


def detail(store: Store, code: str) -> dict[str, Any]:
    from creditcli.draw.views import task_detail

    with store.connected() as conn:
        return task_detail(conn, code)


SELECTED_COLUMNS = (
    ("risk_class", "信用风险分类"),
    ("rank", "类内签号顺序"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("station", "管辖单位"),
    ("team", "检查组（组长在前）"),
    ("inspectors", "检查组执法证号"),
)


def selected(store: Store, code: str) -> Table:
    """The entities the standing draw selected, in ticket order, with their names, stations and (once
    assigned, every replacement applied) their teams: ``tasks show CODE --selected``."""
    from sqlalchemy import select

    from creditcli.db import bulk
    from creditcli.db.models import DrawSelection, Inspector
    from creditcli.draw.tasks import get_task
    from creditcli.draw.terms import class_label
    from creditcli.io.writers import Table
    from creditcli.teams.service import current_assignment, teams_now

    with store.reading() as session:
        task = get_task(session, code)
        draw, assignment = current_assignment(session, task)
        chosen = session.execute(
            select(DrawSelection.rank, DrawSelection.uscc, DrawSelection.risk_class)
            .where(DrawSelection.draw_id == draw.id)
            .order_by(DrawSelection.risk_class, DrawSelection.rank)
        ).all()
        codes = [c.uscc for c in chosen]
        entities = {u: (n or "", s or "") for u, n, s in bulk.fetch_where_in(
            session, "SELECT uscc, name, station FROM entities", "uscc", codes
        )}  # fmt: skip
        teams = teams_now(session, assignment) if assignment is not None else {}
        people = {str(c): str(n) for c, n in session.execute(select(Inspector.code, Inspector.name))} if teams else {}
    rows = []
    for c in chosen:
        name, station = entities.get(c.uscc, ("", ""))
        members = [p for p, _, _ in teams.get(c.uscc, [])]
        team = "、".join(people.get(p, p) for p in members)
        rows.append((class_label(c.risk_class), c.rank, c.uscc, name, station, team, "、".join(members)))
    return Table(
        [k for k, _ in SELECTED_COLUMNS], [v for _, v in SELECTED_COLUMNS], [rows], "creditcli.task-selected/1"
    )
