"""Migrations: the shipped revisions build exactly the models, and HEAD_REVISION is Alembic's head."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from creditcli.db.engine import make_engine, to_url
from creditcli.db.models import Base
from creditcli.db.schema import HEAD_REVISION, MIGRATIONS_DIR, current_revision, ensure_schema, upgrade


def test_head_revision_constant() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_migrations_match_models(db_url: str) -> None:
    engine = make_engine(to_url(db_url), write=True)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_upgrade_backs_up_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    engine.dispose()
    # An empty alembic_version is "no revision yet": the upgrade runs, and a copy is kept first.
    engine = make_engine(to_url(str(path)), write=True)
    ensure_schema(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert "entities" in inspect(engine).get_table_names()
    engine.dispose()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    import pytest

    from creditcli.errors import ConfigError

    path = tmp_path / "new.db"
    engine = make_engine(to_url(str(path)), write=True)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ConfigError, match=f"数据库结构版本 9999 比本程序（{HEAD_REVISION}）更新"):
        ensure_schema(engine)
    engine.dispose()


def test_a_new_file_gets_big_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    from creditcli.db.engine import PAGE_SIZE

    new = tmp_path / "new.db"
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:  # an empty creditcli file made by an older SQLite with its default pages
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    for path in (new, old):
        engine = make_engine(to_url(str(path)), write=True)
        upgrade(engine)
        engine.dispose()
    sizes = [sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0] for path in (new, old)]
    assert sizes == [PAGE_SIZE, 4096]
    assert PAGE_SIZE == 16384
