"""New roster rows go through staging files on SQLite (ADBC) and COPY on PostgreSQL: same rows either way."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, write_csv
from creditcli.db import adbc, changes
from creditcli.db.engine import make_engine, session_scope, to_url
from creditcli.db.schema import upgrade
from creditcli.rosters import entity_import, importer

STORED = "SELECT id, uscc, name, entity_type, established, station, industry, status, risk_class, abnormal"
STORED += " FROM entities"


def imported(cli: Cli, tmp_path: Path) -> list[tuple[object, ...]]:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    return cli.query(f"{STORED} ORDER BY id")


def stage_files(cli: Cli) -> list[Path]:
    return list(Path(cli.db).parent.glob(".creditcli-stage-*")) if "://" not in cli.db else []


def test_rows_staged_in_slices_equal_rows_staged_at_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = imported(cli, tmp_path)
    assert [r[1] for r in whole] == [r[0] for r in entity_rows()]  # ids follow the file's order
    cli.execute("DELETE FROM entity_class_history")
    cli.execute("DELETE FROM import_runs")
    cli.execute("DELETE FROM entities")
    monkeypatch.setattr(adbc, "STAGE_SLICE", 1)  # one staging file per row
    sliced = imported(cli, tmp_path)
    assert [r[1:] for r in sliced] == [r[1:] for r in whole]
    assert stage_files(cli) == []


def test_too_many_attached_files_fall_back_to_the_driver(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adbc, "MAX_ATTACHED", 0)
    rows = imported(cli, tmp_path)
    assert [(r[1], r[8], r[9]) for r in rows] == [(r[0], r[7], 0) for r in entity_rows()]


def test_a_failed_staging_leaves_nothing_behind(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "://" in cli.db:
        pytest.skip("PostgreSQL takes COPY, no staging files")
    staged = adbc._stage
    calls: list[str] = []

    def failing(path: str, part: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        staged(path, part)  # type: ignore[arg-type]

    monkeypatch.setattr(adbc, "STAGE_SLICE", 1)
    monkeypatch.setattr(adbc, "_stage", failing)
    result = cli("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    assert result.exit_code == 73
    assert (
        result.stderr.splitlines()[-1]
        == f"错误：无法写出 {calls[2]}：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘"
    )
    # The two rows copied before the failure were rolled back, and with them the database this first
    # write had created.
    assert not Path(cli.db).exists()
    assert stage_files(cli) == []


def entity_indexes(cli: Cli) -> list[tuple[object, ...]]:
    return cli.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entities' ORDER BY name")


def test_a_big_insert_into_a_smaller_table_rebuilds_its_indexes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "://" in cli.db:
        pytest.skip("PostgreSQL keeps its indexes during COPY")
    whole = imported(cli, tmp_path)
    indexes = entity_indexes(cli)
    assert ("ix_entities_station", "CREATE INDEX ix_entities_station ON entities (station)") in indexes
    cli.execute("DELETE FROM entity_class_history")
    cli.execute("DELETE FROM import_runs")
    cli.execute("DELETE FROM entities")
    during: list[list[str]] = []
    rebuild = adbc._indexes_rebuilt

    @contextmanager
    def watched(cur: sqlite3.Cursor, table: str, rows: int) -> Iterator[None]:
        with rebuild(cur, table, rows):
            found = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name"
            during.append([name for (name,) in cur.execute(found, (table,))])
            yield

    monkeypatch.setattr(adbc, "REBUILD_INDEXES", 2)
    monkeypatch.setattr(adbc, "_indexes_rebuilt", watched)
    rebuilt = imported(cli, tmp_path)
    assert during == [["sqlite_autoindex_entities_1"]]  # the UNIQUE constraint's index stays
    assert [r[1:] for r in rebuilt] == [r[1:] for r in whole]
    assert entity_indexes(cli) == indexes
    assert cli.query("PRAGMA integrity_check") == [("ok",)]
    plan = cli.query("EXPLAIN QUERY PLAN SELECT id FROM entities WHERE station = 'x'")
    assert "ix_entities_station" in str(plan)


def test_a_failed_copy_keeps_the_dropped_indexes(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "://" in cli.db:
        pytest.skip("PostgreSQL keeps its indexes during COPY")
    cli.ok("db", "upgrade")
    indexes = entity_indexes(cli)
    staged = adbc._stage
    calls: list[str] = []

    def failing(path: str, part: object) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        staged(path, part)  # type: ignore[arg-type]

    monkeypatch.setattr(adbc, "REBUILD_INDEXES", 2)
    monkeypatch.setattr(adbc, "STAGE_SLICE", 1)
    monkeypatch.setattr(adbc, "_stage", failing)
    result = cli("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    assert result.exit_code == 73
    assert "磁盘空间已满" in result.stderr
    assert cli.count("entities") == 0
    assert entity_indexes(cli) == indexes  # dropped inside the transaction, so back with its rollback


def sqlite_only(cli: Cli) -> None:
    if "://" in cli.db:
        pytest.skip("PostgreSQL reads stored rows through its driver")


def other_writer_blocked(db: str) -> bool:
    other = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert str(exc) == "database is locked"
        return True
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


@pytest.mark.parametrize(("dry_run", "blocked"), [(False, True), (True, False)])
def test_a_whole_table_read_holds_the_write_lock_unless_dry_run(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool, blocked: bool
) -> None:
    """Read on a connection of its own, the stored rows must be the ones the writes then change."""
    sqlite_only(cli)
    imported(cli, tmp_path)
    seen: list[tuple[int, bool]] = []
    fetch = adbc.fetch_arrow

    def watched(session: object, sql: str, *, writing: str | None) -> object:
        table = fetch(session, sql, writing=writing)  # type: ignore[arg-type]
        assert table is not None
        seen.append((table.num_rows, other_writer_blocked(cli.db)))
        return table

    monkeypatch.setattr(changes, "SMALL_FILE", 0)
    monkeypatch.setattr(adbc, "fetch_arrow", watched)
    rows = entity_rows()
    rows[0][7] = "B"
    args = ["entities", "import", write_csv(tmp_path / "e2.csv", ENTITY_HEADER, rows)]
    out = cli.ok(*args, *(["--dry-run"] if dry_run else []), "-f", "json")
    assert seen == [(4, blocked)]
    assert '"updated": 1' in out.stdout and '"unchanged": 3' in out.stdout
    assert cli.query(f"SELECT risk_class FROM entities WHERE uscc = '{U1}'") == [("A" if dry_run else "B",)]


def test_rows_written_earlier_in_the_transaction_are_seen(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second import in one transaction cannot read through another connection: it falls back."""
    sqlite_only(cli)
    monkeypatch.setattr(changes, "SMALL_FILE", 0)
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    engine = make_engine(to_url(cli.db), write=True)
    upgrade(engine)
    with session_scope(engine) as session:
        first = importer.import_roster(session, entity_import.SPEC, path, mapping={}, classes="ABCD")
        second = importer.import_roster(session, entity_import.SPEC, path, mapping={}, classes="ABCD")
    engine.dispose()
    assert (first.inserted, first.unchanged) == (4, 0)
    assert (second.inserted, second.unchanged) == (0, 4)
    assert cli.count("entities") == 4
