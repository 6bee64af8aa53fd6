"""Time and identity are inputs: records carry the stated "now" and operator, in process and in a child process."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ENTITY_HEADER, OPERATOR, PINNED_NOW, Cli, entity_rows, write_csv
from creditcli import clock


def test_records_carry_the_pinned_day_and_operator(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    (at, user), *_ = cli.query("SELECT at, os_user FROM audit_log ORDER BY seq DESC")
    assert (str(at)[:10], user) == (PINNED_NOW.date().isoformat(), OPERATOR)
    (drawn_at, operator), *_ = cli.query("SELECT drawn_at, operator FROM draws")
    assert (str(drawn_at)[:10], operator) == (PINNED_NOW.date().isoformat(), OPERATOR)
    stamped = cli.query("SELECT DISTINCT CAST(effective_date AS TEXT) FROM entity_class_history")
    assert stamped == [(PINNED_NOW.date().isoformat(),)]  # the file gives no 分类日期: the day of import


def test_the_pinned_clock_runs_on_from_the_stated_moment() -> None:
    first = clock.now()
    assert PINNED_NOW <= first < PINNED_NOW + dt.timedelta(minutes=10)
    assert clock.now() >= first
    assert clock.today() == PINNED_NOW.date()
    with clock.pinned(dt.datetime(2030, 2, 3, 4, 5, 6), "另一人"):
        assert (clock.today(), clock.operator()) == (dt.date(2030, 2, 3), "另一人")
    assert (clock.today(), clock.operator()) == (PINNED_NOW.date(), OPERATOR)


def test_a_child_process_takes_the_moment_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "child.db"
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    env = {"CREDITCLI_NOW": "2031-07-08T10:00:00", "CREDITCLI_OPERATOR": "值班员", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "creditcli", "--db", str(db), "-f", "json", "entities", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted"] == 4
    cli = Cli(str(db), CliRunner())
    (at, user), *_ = cli.query("SELECT at, os_user FROM audit_log")
    assert (str(at)[:10], user) == ("2031-07-08", "值班员")


def test_an_unreadable_moment_is_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.NOW_ENV, "明天")
    clock.pin(None)  # back to what the environment says
    db = tmp_path / "x.db"
    cli = Cli(str(db), CliRunner())
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    result = cli("entities", "import", path)
    assert (result.exit_code, result.stderr) == (
        78,
        "错误：CREDITCLI_NOW=明天 不是时间（写作 2026-12-05 或 2026-12-05T09:30:00）\n",
    )


def test_the_dump_shows_any_change(cli: Cli, tmp_path: Path) -> None:
    """The suite's proof that a refused command wrote nothing is only as good as the dump: it must see a change."""
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    before = cli.dump()
    assert before == cli.dump() and "-- entities: 4" in before
    cli.execute("UPDATE entities SET name = name || '。' WHERE id = 1")
    assert cli.dump() != before
