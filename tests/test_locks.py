"""One writer at a time, with real processes: a second writer is refused (exit 75) or waits; readers never wait."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from conftest import ENTITY_HEADER, Cli, entity_rows, write_csv

HOLD = """
import sys, time
from creditcli.actions import Store

store = Store(sys.argv[1])
with store.writing("hold", {}) as unit:
    unit.unchanged()
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
store.close()
"""


def hold(cli: Cli, seconds: float) -> tuple[subprocess.Popen[str], float]:
    """Another process that holds the writers' lock for ``seconds``; and when it took it."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, cli.db, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder, time.monotonic()


def test_a_second_writer_is_refused_or_waits_and_readers_go_on(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    holder, since = hold(cli, 4)
    try:
        busy = cli("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
        assert busy.exit_code == 75
        assert busy.stderr.startswith("错误：数据库正被另一个 creditcli 进程修改（")
        assert "请稍后再试，或加 --wait 秒数 等待" in busy.stderr
        short = cli("--wait", "0.5", "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30")
        assert short.exit_code == 75 and "数据库等待 0.5 秒后仍正被另一个 creditcli 进程修改" in short.stderr
        assert cli.count("tasks") == 0
        assert cli("entities", "list").exit_code == 0  # reading does not wait
        waited = cli("--wait", "30", "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30",
                     "--ratio", "A=1")  # fmt: skip
        assert waited.exit_code == 0, waited.stderr
        assert time.monotonic() - since >= 3.9  # it could only go on once the holder let go
    finally:
        holder.kill()
        holder.wait()
    assert cli.count("tasks") == 1


def test_concurrent_draws_in_separate_processes_are_serialised(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    for code in ("T1", "T2", "T3"):
        cli.ok("tasks", "create", code, "--name", code, "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    base = [sys.executable, "-m", "creditcli", "--db", cli.db, "--wait", "60", "-q", "tasks", "draw"]
    procs = [
        subprocess.Popen([*base, code, "--seed", f"2026112700000000004{n}"], stderr=subprocess.PIPE, text=True)
        for n, code in enumerate(("T1", "T2", "T3"))
    ]
    outcomes = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    assert cli.query("SELECT COUNT(*), COUNT(DISTINCT task_id) FROM draws") == [(3, 3)]
