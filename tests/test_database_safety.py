"""Issue 14 §1: creditcli never destroys or hijacks a database (fault injection through the real CLI).

Each refused command is checked for its exit code, its exact message and, through ``cli.dump()``
(or the file's bytes, for a database that is not creditcli's), for having written nothing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, write_csv
from creditcli.cli.app import app
from creditcli.demo import DEMO_MARK

ONTO = "：它是正在使用的数据库的文件 {hit}，写入会毁掉数据库；请换一个输出文件名"


def sqlite_only(cli: Cli) -> Path:
    if "://" in cli.db:
        pytest.skip("a PostgreSQL database has no file an output could overwrite")
    return Path(cli.db)


def refused(cli: Cli, code: int, message: str, *args: str | Path) -> None:
    """``args`` end with exit ``code`` and exactly ``message``, and the database is as it was."""
    before = cli.dump()
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (code, f"错误：{message}\n")
    assert cli.dump() == before


def missing(path: Path) -> str:
    return (
        f"数据库文件不存在：{path}。请检查 --db 是否写对；"
        f"新建数据库请运行 creditcli --db {path} db upgrade（导入等修改数据的命令也会新建）"
    )


# --- 1. An output never overwrites the open database, its -wal/-shm or its lock file ------------


def test_no_output_may_overwrite_the_database_or_its_files(
    cli: Cli, tmp_path: Path, assigned: dict[str, list[str]]
) -> None:
    db = sqlite_only(cli)
    cli.ok("tasks", "create", "T2", "--name", "未冻结", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    wal, shm, lock = (db.with_name(db.name + s) for s in ("-wal", "-shm", ".lock"))
    link = tmp_path / "档案.zip"
    link.symlink_to(db)
    hard = tmp_path / "人员.csv"
    os.link(db, hard)
    bad = write_csv(tmp_path / "bad.csv", ENTITY_HEADER, [["123", "名称", "企业", "", "", "", "存续", "A"]])
    cases: list[tuple[list[str | Path], Path, str, Path]] = [
        (["entities", "export", db, "-f", "csv"], db, "输出文件", db),
        (["tasks", "certificate", "T1", "-o", db], db, "--output", db),
        (["tasks", "certificate", "T1", "-o", tmp_path / "c.json", "--pool", wal], wal, "--pool", wal),
        (["publicity", "export", "T1", "--what", "plan", "-o", db], db, "--output", db),
        (["tasks", "freeze", "T2", "-o", db], db, "--output", db),
        (["tasks", "export", "T1", "--what", "plan", "-o", lock], lock, "--output", lock),
        (["entities", "export", shm, "-f", "json"], shm, "输出文件", shm),
        (["archive", "export", "--task", "T1", "-o", link], link, "--output", db),
        (["inspectors", "export", hard], hard, "输出文件", db),
        (["entities", "import", bad, "--rejects", wal], wal, "--rejects", wal),
        (["db", "backup", db], db, "备份文件", db),
        (["--log-file", db, "tasks", "list"], db, "--log-file", db),
    ]
    image = db.read_bytes()
    for args, given, what, hit in cases:
        refused(cli, 73, f"拒绝写入 {given}（{what}）" + ONTO.format(hit=hit), *args)
    assert cli.query("SELECT count(*) FROM pool_freezes WHERE task_id = (SELECT id FROM tasks WHERE code = 'T2')") == [
        (0,)
    ]  # the freeze that would have written its notice over the database was not made either
    assert hard.read_bytes() == db.read_bytes() and len(image) == db.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_the_database_layer_protects_its_files_from_every_writer(cli: Cli, tmp_path: Path) -> None:
    """Below the CLI: a Python caller's writer refuses the files of a database that is open."""
    from creditcli.db.database import open_database
    from creditcli.db.engine import session_scope
    from creditcli.errors import OutputError
    from creditcli.io.writers import write_bytes

    db = sqlite_only(cli)
    opened = open_database(cli.db, write=True)
    with session_scope(opened.engine) as session:
        session.connection()
        with pytest.raises(OutputError, match=r"拒绝写入 .*它是正在使用的数据库的文件"):
            write_bytes(db.with_name(db.name + "-wal"), b"x")
    opened.engine.dispose()
    write_bytes(tmp_path / "free.txt", b"x")  # once the database is closed, only its own rules apply


# --- 2. Two outputs of one command are two files; no output is the command's input ---------------


def test_two_outputs_or_an_output_and_an_input_are_never_one_file(
    cli: Cli, tmp_path: Path, assigned: dict[str, list[str]]
) -> None:
    same = "：一条命令的两个输出须是不同的文件"
    over = "：输出会覆盖命令正在读取的输入，请换一个输出文件名"
    cert, md, cols = tmp_path / "c.json", tmp_path / "c.md", tmp_path / "列.csv"
    cols.write_text("序号,统一社会信用代码\n", encoding="utf-8")
    bad = write_csv(tmp_path / "bad.csv", ENTITY_HEADER, [["123", "名称", "企业", "", "", "", "存续", "A"]])
    mapping = tmp_path / "m.toml"
    mapping.write_text('"名称" = "name"\n', encoding="utf-8")
    inputs = {p: p.read_bytes() for p in (cols, bad, mapping)}
    refused(
        cli, 2, f"{md}（--output）与 {md}（签字存档版 .md）是同一个文件" + same, "tasks", "certificate", "T1", "-o", md
    )
    refused(
        cli, 2, f"{cert}（--output）与 {cert}（--pool）是同一个文件" + same,
        "tasks", "certificate", "T1", "-o", cert, "--pool", cert,
    )  # fmt: skip
    refused(
        cli,
        2,
        f"{bad}（--rejects）与 {bad}（导入文件）是同一个文件" + over,
        "entities",
        "import",
        bad,
        "--rejects",
        bad,
    )
    refused(
        cli, 2, f"{mapping}（--rejects）与 {mapping}（--mapping）是同一个文件" + over,
        "inspectors", "import", bad, "--mapping", mapping, "--rejects", mapping,
    )  # fmt: skip
    refused(
        cli, 2, f"{bad}（--rejects）与 {bad}（导入文件）是同一个文件" + over, "results", "import", bad, "--rejects", bad
    )
    refused(
        cli, 2, f"{cols}（--output）与 {cols}（--columns）是同一个文件" + over,
        "publicity", "export", "T1", "--what", "plan", "-o", cols, "--columns", cols,
    )  # fmt: skip
    assert not cert.exists() and not md.exists()
    assert {p: p.read_bytes() for p in inputs} == inputs


# --- 3. demo --dir deletes only a demo database, under its lock ------------------------------------


def demo(folder: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*extra, "-q", "demo", "--dir", str(folder)])
    return result.exit_code, result.stderr


def test_demo_deletes_only_its_own_database(tmp_path: Path) -> None:
    folder = tmp_path / "演示"
    real = Cli(str(folder / "creditcli.db"), CliRunner())
    real.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    image = (folder / "creditcli.db").read_bytes()
    db = folder / "creditcli.db"
    assert demo(folder) == (
        73,
        f"错误：{db} 不是演示程序建的数据库（没有演示数据库的标记，或演示之后又有人在其中工作过）：演示不会删除它；"
        "请用 --dir 指定一个空目录或新目录\n",
    )
    assert db.read_bytes() == image
    (folder / "工作笔记.docx").write_bytes(b"mine")
    assert demo(folder) == (
        73,
        f"错误：目录 {folder} 中有不是演示程序生成的文件（工作笔记.docx）：演示会覆盖并删除其中的文件，"
        "请用 --dir 指定一个空目录或新目录\n",
    )
    assert db.read_bytes() == image and (folder / "工作笔记.docx").read_bytes() == b"mine"


def test_demo_runs_again_in_its_own_folder_and_marks_its_database(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "演示"
    assert demo(folder) == (0, f"新建数据库：{folder / 'creditcli.db'}\n")
    from creditcli.demo import OUTPUTS

    written = {p.name for p in folder.iterdir()}
    assert written == {"creditcli.db", "creditcli.db.lock", *(f"2026-SJ-001-{name}" for name in OUTPUTS)}
    conn = sqlite3.connect(folder / "creditcli.db")
    assert conn.execute("PRAGMA application_id").fetchone() == (DEMO_MARK,)
    conn.close()
    assert demo(folder)[0] == 0  # an earlier demo's folder: started afresh
    # …but not while the caller's own database lies in it, and not while another process writes to it.
    db = folder / "creditcli.db"
    assert demo(folder, "--db", str(db)) == (
        73,
        f"错误：拒绝写入 {db}（演示文件）" + ONTO.format(hit=db) + "\n",
    )
    hold = "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
    hold += "print('held', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", hold, f"{db}.lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        image = db.read_bytes()
        assert demo(folder) == (
            75,
            f"错误：数据库正被另一个 creditcli 进程修改（锁文件 {db}.lock）：请稍后再试，或加 --wait 秒数 等待\n",
        )
        assert db.read_bytes() == image
    finally:
        holder.kill()
        holder.wait()


# --- 4. Only writers create a database, and say so; a read on a missing one is exit 66 -----------

READS = [
    ["entities", "list"],
    ["entities", "show", U1],
    ["entities", "export", "{tmp}/名录.csv"],
    ["inspectors", "list"],
    ["items", "list"],
    ["tasks", "list"],
    ["tasks", "show", "T1"],
    ["tasks", "verify", "T1"],
    ["tasks", "certificate", "T1", "-o", "{tmp}/c.json"],
    ["deadlines", "--fail-if-overdue"],
    ["report", "coverage", "--year", "2026"],
    ["audit", "list"],
    ["audit", "verify"],
    ["db", "status"],
    ["risk", "report"],
    ["risk", "classify", "--dry-run"],
    ["results", "codes"],
    ["penalties", "list"],
    ["lists", "list"],
    ["publicity", "export", "T1", "--what", "plan", "-o", "{tmp}/公告.xlsx"],
    ["archive", "export", U1, "-o", "{tmp}/档案"],
    ["entities", "import", "{tmp}/e.csv", "--dry-run"],
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_a_read_never_creates_a_database(tmp_path: Path, args: list[str]) -> None:
    write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    db = tmp_path / "typo" / "creditcli.db"  # cron's misspelt --db: no alarm may go quiet
    result = Cli(str(db), CliRunner())(*(a.format(tmp=tmp_path) for a in args))
    assert (result.exit_code, result.stderr) == (66, f"错误：{missing(db)}\n")
    assert not db.parent.exists()


def test_an_empty_file_is_no_database_for_a_reader(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    result = Cli(str(db), CliRunner())("deadlines", "--fail-if-overdue")
    assert (result.exit_code, result.stderr) == (
        66,
        f"错误：数据库文件是空的，还没有建库：{db}。请检查 --db 是否写对；"
        f"新建数据库请运行 creditcli --db {db} db upgrade（导入等修改数据的命令也会新建）\n",
    )
    assert db.read_bytes() == b""


def test_a_writer_creates_the_database_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "新目录" / "creditcli.db"
    cli = Cli(str(db), CliRunner())
    result = cli("-q", "entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    assert (result.exit_code, result.stderr) == (0, f"新建数据库：{db}\n")  # even under -q
    again = cli("-q", "entities", "import", tmp_path / "e.csv")
    assert (again.exit_code, again.stderr) == (0, "")
    assert cli.count("entities") == 4


# --- 5. Another program's SQLite database is never migrated into ----------------------------------


def foreign_database(path: Path, alembic: str | None = None) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO users (name) VALUES ('张三')")
        if alembic is not None:
            conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            conn.execute("INSERT INTO alembic_version VALUES (?)", (alembic,))
    conn.close()  # the context manager commits; closing is ours
    return path.read_bytes()


@pytest.mark.parametrize("alembic", [None, "ae1027a6acf"], ids=["plain", "another Alembic app"])
def test_a_foreign_sqlite_database_is_left_untouched(tmp_path: Path, alembic: str | None) -> None:
    db = tmp_path / "other.db"
    image = foreign_database(db, alembic)
    tables = "alembic_version、users" if alembic else "users"
    count = 2 if alembic else 1
    message = (
        f"错误：{db} 不是 creditcli 的数据库：其中有 {count} 张别的程序的表（{tables}），没有 creditcli 的结构版本。"
        "为免改动别的程序的数据，creditcli 不会使用它；请用 --db 指定 creditcli 的数据库文件，或一个新的文件名\n"
    )
    cli = Cli(str(db), CliRunner())
    e = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    for args in (["entities", "list"], ["entities", "import", e], ["db", "upgrade"], ["db", "status"]):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (78, message)
    assert db.read_bytes() == image
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.csv", "other.db"]  # no -wal, -shm or backup either


def test_demo_keeps_a_demo_database_that_has_been_worked_on(tmp_path: Path) -> None:
    """A clerk went on working in the demo's database: a new demo run must not wipe that work."""
    folder = tmp_path / "演示"
    assert demo(folder)[0] == 0
    db = folder / "creditcli.db"
    clerk = Cli(str(db), CliRunner())
    clerk.ok("tasks", "create", "REAL1", "--name", "真实任务", "--window", "2026-03-01:2026-06-30")
    image = db.read_bytes()
    code, stderr = demo(folder)
    assert (code, "演示之后又有人在其中工作过" in stderr) == (73, True)
    assert db.read_bytes() == image


def test_a_refused_first_write_leaves_no_database_behind(tmp_path: Path) -> None:
    """Found by a hostile trial: a write command refused for its input still made (and announced) an
    empty database and its lock file."""
    db = tmp_path / "nope.db"
    cli = Cli(str(db), CliRunner())
    refused = cli("tasks", "create", "Z", "--name", "x", "--window", "2026-03-01:2026-06-30", "--item", "SJ01")
    assert refused.exit_code == 2 and "新建数据库" not in refused.stderr
    assert list(tmp_path.iterdir()) == []
    made = cli("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    assert (made.exit_code, made.stderr.splitlines()[0]) == (0, f"新建数据库：{db}")
