"""The main job on the shipped samples: a newcomer's first run (README, first command)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from creditcli.db.engine import make_engine, session_scope, to_url
from creditcli.db.schema import upgrade
from creditcli.errors import InputMissingError
from creditcli.rosters import conflicts, entities, inspectors, items
from creditcli.rosters.importer import ImportResult, RosterSpec, import_roster
from creditcli.settings import Settings

# Imported in this order: conflicts need both rosters first; the class refresh comes last.
SAMPLE_FILES: tuple[tuple[RosterSpec, str], ...] = (
    (entities.SPEC, "entities_licheng.csv"),
    (entities.SPEC, "entities_tianqiao.xlsx"),
    (inspectors.SPEC, "inspectors.csv"),
    (items.SPEC, "items.csv"),
    (conflicts.SPEC, "conflicts.csv"),
    (entities.SPEC, "risk_classes_2026-11.csv"),
)


def samples_dir() -> Path:
    """Samples ship inside the wheel; in a source checkout they are read from data/samples."""
    packaged = Path(__file__).parent / "samples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "samples"


@dataclass(frozen=True)
class DemoResult:
    db_path: Path
    imports: list[ImportResult]


def run_demo(workdir: Path, settings: Settings, samples: Path | None = None) -> DemoResult:
    source = samples or samples_dir()
    missing = [name for _, name in SAMPLE_FILES if not (source / name).exists()]
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
    finally:
        engine.dispose()
    return DemoResult(db_path, results)
