"""The main job on the shipped samples: a newcomer's first run (README, first command)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from creditcli.db.engine import make_engine, session_scope, to_url
from creditcli.db.schema import upgrade
from creditcli.draw import service
from creditcli.draw.tasks import get_task, read_task_file
from creditcli.errors import InputMissingError
from creditcli.io.writers import FileFormat, write_bytes, write_table
from creditcli.rosters import conflicts, entities, inspectors, items
from creditcli.rosters.importer import ImportResult, RosterSpec, import_roster
from creditcli.settings import Settings
from creditcli.teams import service as team_service
from creditcli.teams.exports import plan_table

# Imported in this order: conflicts need both rosters first; the class refresh comes last.
SAMPLE_FILES: tuple[tuple[RosterSpec, str], ...] = (
    (entities.SPEC, "entities_licheng.csv"),
    (entities.SPEC, "entities_tianqiao.xlsx"),
    (inspectors.SPEC, "inspectors.csv"),
    (items.SPEC, "items.csv"),
    (conflicts.SPEC, "conflicts.csv"),
    (entities.SPEC, "risk_classes_2026-11.csv"),
)


TASK_FILE = "task_2026-SJ-001.toml"
SEED = "20261127084730265918"
"""The demo's fixed seed: in a real draw it is rolled with ten-sided dice after the freeze."""


def samples_dir() -> Path:
    """Samples ship inside the wheel; in a source checkout they are read from data/samples."""
    packaged = Path(__file__).parent / "samples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "samples"


@dataclass(frozen=True)
class DemoDraw:
    task: str
    pool_digest: str
    pool_size: int
    selected: int
    strata: list[tuple[str, int, int]]
    verified: bool
    files: list[Path]
    teams: int = 0
    loads: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class DemoResult:
    db_path: Path
    imports: list[ImportResult]
    draw: DemoDraw


def run_demo(workdir: Path, settings: Settings, samples: Path | None = None) -> DemoResult:
    source = samples or samples_dir()
    missing = [name for _, name in SAMPLE_FILES if not (source / name).exists()]
    missing += [TASK_FILE] if not (source / TASK_FILE).exists() else []
    if missing:
        raise InputMissingError(f"示例数据目录 {source} 缺少：{'、'.join(missing)}")
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "creditcli.db"
    # The demo always starts from an empty database so that every run shows the same figures.
    for leftover in (
        db_path,
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
    ):
        leftover.unlink(missing_ok=True)
    engine: Engine = make_engine(to_url(str(db_path)))
    try:
        upgrade(engine)
        results = []
        for spec, name in SAMPLE_FILES:
            with session_scope(engine) as session:
                results.append(import_roster(session, spec, source / name, mapping={}, classes=settings.risk_classes))
        drawn = _draw(engine, settings, source / TASK_FILE, workdir)
    finally:
        engine.dispose()
    return DemoResult(db_path, results, drawn)


def _draw(engine: Engine, settings: Settings, task_file: Path, workdir: Path) -> DemoDraw:
    """Create the sample task, freeze (with its notice), draw with the fixed seed, assign teams,
    certify, export the inspection plan and verify."""
    with session_scope(engine) as session:
        task = service.create_task(session, settings, read_task_file(task_file))
        code = task.code
    notice_path = workdir / f"{code}-抽取前公告.md"
    with session_scope(engine) as session:
        frozen, notice = service.freeze_with_notice(session, get_task(session, code))
    write_bytes(notice_path, notice.encode("utf-8"))
    with session_scope(engine) as session:
        result = service.draw(session, get_task(session, code), seed=SEED)
    with session_scope(engine) as session:
        assigned = team_service.assign(session, get_task(session, code), cross_station=True)
    names = ("抽取证书.json", "抽取证书.md", "抽取范围.csv", "检查计划.xlsx")
    files = [notice_path, *(workdir / f"{code}-{name}" for name in names)]
    with session_scope(engine) as session:
        task = get_task(session, code)
        cert = service.certificate(session, task)
        verified = team_service.verify_task(session, task).ok
        write_table(plan_table(session, task), files[4], FileFormat.xlsx)
    write_bytes(files[1], cert.json_text.encode("utf-8"))
    write_bytes(files[2], cert.markdown.encode("utf-8"))
    write_bytes(files[3], cert.pool_lines)
    strata = [(s.risk_class, s.n, s.k) for s in result.outcome.strata]
    return DemoDraw(
        code,
        frozen.pool_digest,
        frozen.pool_size,
        len(result.outcome.selected),
        strata,
        verified,
        files,
        assigned.entities,
        (assigned.loads_min, assigned.loads_max),
    )
