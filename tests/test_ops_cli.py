"""Operations: a cron-safe draw, the database backup, a killed import leaves nothing behind."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import synth

from conftest import ENTITY_HEADER, INSPECTOR_HEADER, Cli, entity_rows, write_csv


def test_draw_if_not_drawn_is_a_no_op_the_second_time(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    first = cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042", "--if-not-drawn", "-f", "json")
    assert '"seq": 1' in first.stdout
    again = cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000043", "--if-not-drawn", "-f", "json")
    assert again.stdout == ""
    assert "按 --if-not-drawn 不再抽取" in again.stderr and "（第 1 次）" in again.stderr
    assert cli.query("SELECT COUNT(*), MIN(seed) FROM draws") == [(1, "20261127000000000042")]
    both = cli("tasks", "draw", "T1", "--redraw", "--reason", "x", "--if-not-drawn")
    assert (both.exit_code, both.stderr) == (2, "错误：--redraw 与 --if-not-drawn 不能同时使用\n")


def test_backup_copies_a_sqlite_database(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    target = tmp_path / "备份" / "creditcli-2026-11-27.db"
    target.parent.mkdir()
    result = cli("db", "backup", target)
    if "://" in cli.db:
        assert result.exit_code == 2 and "请用 pg_dump 备份" in result.stderr
        return
    assert result.exit_code == 0 and result.stderr == f"已备份 {cli.db} 到 {target}\n"
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT COUNT(*) FROM entities").fetchone() == (4,)
    copy.close()
    device = cli("db", "backup", "/dev/null")
    assert (device.exit_code, device.stderr) == (73, "错误：/dev/null 不是普通文件：备份须写入一个文件\n")
    assert Path("/dev/null").is_char_device()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """60,000 entities, and how long their import takes here (into a scratch SQLite file; the
    quicker of two runs, so that the first run's cold start does not make the kills come late)."""
    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.csv"
    synth.entities(np.random.default_rng(1), 60_000).to_csv(path, index=False)
    durations = []
    for run in range(2):
        start = time.monotonic()
        scratch = str(folder / f"scratch{run}.db")
        subprocess.run(
            [sys.executable, "-m", "creditcli", "--db", scratch, "-q", "entities", "import", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        durations.append(time.monotonic() - start)
    return path, min(durations)


@pytest.mark.parametrize("fraction", [0.4, 0.65, 0.85])
def test_an_import_killed_midway_leaves_the_database_as_it_was(
    cli: Cli, tmp_path: Path, big_file: tuple[Path, float], fraction: float
) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    path, duration = big_file
    proc = subprocess.Popen(
        [sys.executable, "-m", "creditcli", "--db", cli.db, "-q", "entities", "import", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(duration * fraction)
    proc.send_signal(signal.SIGKILL)
    if proc.wait() == 0:
        pytest.skip("the import finished before it could be killed (the machine was faster than measured)")
    # Whatever it was doing, it is all there or none of it: never some of the rows (a kill after the commit,
    # while SQLite checkpoints, leaves the whole import); the database stays usable.
    assert (cli.count("entities"), cli.count("import_runs")) in ((4, 1), (60_004, 2))
    # (PostgreSQL notices the dead client a moment later and only then lets go of its advisory lock.)
    cli.ok("--wait", "20", "entities", "import", write_csv(tmp_path / "more.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    if "://" not in cli.db:
        check = sqlite3.connect(cli.db)
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        check.close()
        assert list(Path(cli.db).parent.glob(".creditcli-stage-*")) == []  # the killed run's leftovers are gone


def killed(cli: Cli, args: list[str], after: float) -> None:
    """Run ``creditcli ARGS`` in its own process and kill it after ``after`` seconds (if it still runs)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "creditcli", "--db", cli.db, "--wait", "20", "-q", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def timed(cli: Cli, *args: str) -> float:
    start = time.monotonic()
    cli.ok(*args)
    return time.monotonic() - start


def test_a_draw_or_an_assignment_killed_midway_leaves_nothing(
    cli: Cli, tmp_path: Path, big_file: tuple[Path, float]
) -> None:
    cli.ok("entities", "import", big_file[0])
    people = [[f"3701{i:04d}", f"人员{i}", "执法人员", "", "", "2027-12-31", "在岗"] for i in range(300)]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, people))
    task = ["--name", "x", "--window", "2026-03-01:2026-06-30", "--mode", "weighted", "--count", "6000"]
    for code in ("T1", "T2"):
        cli.ok(
            "tasks", "create", code, *task, "--weight", "A=1", "--weight", "B=1", "--weight", "C=2", "--weight", "D=4"
        )
    draw = timed(cli, "tasks", "draw", "T1", "--seed", "20261127000000000042")
    first = cli.query("SELECT id, seed FROM draws")
    # Killed midway, nothing of it is there; killed after its commit (a slow moment of the machine) or
    # ended first, all of it is: never a part.
    killed(cli, ["tasks", "draw", "T1", "--seed", "20261127000000000043", "--redraw", "--reason", "x"], draw * 0.6)
    draws = cli.query("SELECT id, seed, superseded_at IS NULL FROM draws ORDER BY id")
    if len(draws) == 1:
        assert draws == [(*first[0], True)]
        assert cli.count("draw_selections") == 6000
    else:
        assert [d[2] for d in draws] == [False, True]
        assert cli.count("draw_selections") == 12000
    assign = timed(cli, "--wait", "20", "tasks", "assign", "T1")
    cli.ok("--wait", "20", "tasks", "draw", "T2", "--seed", "20261127000000000044")
    before = cli.count("team_members")
    killed(cli, ["tasks", "assign", "T2"], assign * 0.6)
    assert (cli.count("assignments"), cli.count("team_members")) in [(1, before), (2, 2 * before)]
    cli.ok("--wait", "20", "audit", "verify")


def test_log_file_records_each_run(tmp_path: Path) -> None:
    db, log = tmp_path / "x.db", tmp_path / "logs" / "creditcli.log"
    good = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    bad = write_csv(tmp_path / "bad.csv", ENTITY_HEADER, [["123", "名称", "企业", "", "", "", "存续", "A"]])
    run = [sys.executable, "-m", "creditcli", "--db", str(db), "--log-file", str(log), "-q", "entities", "import"]
    assert subprocess.run([*run, str(good)], capture_output=True, check=False).returncode == 0
    assert subprocess.run([*run, str(bad)], capture_output=True, check=False).returncode == 65
    lines = log.read_text(encoding="utf-8").splitlines()
    body = [line.split("] ", 1)[1] for line in lines]
    assert body[0].startswith("开始：用户 ") and body[0].endswith(f"entities import {good}")
    assert body[1] == f"新建数据库：{db}"  # said even with -q: a mistyped --db must not go unnoticed
    assert body[2].startswith("结束：退出码 0，用时 ")
    assert body[3].endswith(f"entities import {bad}")
    assert body[4] == f"错误：{bad}: 发现 1 处问题，未导入任何数据"
    assert body[5].startswith("  第 2 行 “统一社会信用代码”: 123 ")
    assert body[6].startswith("结束：退出码 65，用时 ")
