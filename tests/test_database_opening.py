"""Issue 14, findings H1: opening the database — what ``--db`` may name, reading where nothing may be
written, schema versions, backups, and waiting for another program's lock.

Every case drives the real CLI and checks the exit code, the exact message and that the database
(``cli.dump()``, or the files' bytes where a dump would itself change them) is as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, fill, remount, write_csv
from creditcli.cli.app import app
from creditcli.db.schema import HEAD_REVISION


def expect(result: Result, code: int, message: str) -> None:
    assert (result.exit_code, result.stderr) == (code, f"错误：{message}\n")


def sqlite_only(cli: Cli) -> Path:
    if "://" in cli.db:
        pytest.skip("a SQLite file")
    return Path(cli.db)


def loaded(cli: Cli, tmp_path: Path) -> str:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    return cli.dump()


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- 2. --db naming a file SQLite or creditcli keeps beside a database -> 78, naming the database ------


def test_db_naming_the_wal_shm_or_lock_file_of_a_database_is_refused(cli: Cli, tmp_path: Path) -> None:
    db = sqlite_only(cli)
    before = loaded(cli, tmp_path)
    roles = {
        "-wal": "SQLite 的预写日志，存放尚未并入数据库的修改",
        "-shm": "SQLite 的预写日志索引",
        "-journal": "SQLite 的回滚日志",
        ".lock": "creditcli 的写入锁",
    }
    image = files(tmp_path)
    for suffix, role in roles.items():
        companion = db.with_name(db.name + suffix)
        message = (
            f"--db {companion} 是数据库 {db} 旁的 {suffix} 文件（{role}），不是数据库："
            f"把它当作数据库打开会毁掉 {db} 的数据；请用 --db {db}"
        )
        other = Cli(str(companion), CliRunner())
        for args in (["entities", "import", tmp_path / "e.csv"], ["entities", "list"], ["db", "upgrade"]):
            expect(other(*args), 78, message)
    assert files(tmp_path) == image  # no -wal turned into a database, no -wal-wal, no lock of a lock
    assert cli.dump() == before


# --- 3. An in-memory SQLite database keeps nothing -> 78 -------------------------------------------


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite:///file::memory:?uri=true"])
def test_an_in_memory_database_is_refused(tmp_path: Path, url: str) -> None:
    csv = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    message = (
        f"--db {url} 是内存数据库：其中的数据在命令结束时全部丢失，写入的一切都不会保存；"
        "请用 --db 给出数据库文件的路径，如 --db creditcli.db"
    )
    for args in (["entities", "import", csv], ["entities", "list"], ["db", "upgrade"]):
        expect(Cli(url, CliRunner())(*args), 78, message)


# --- 4. A read-only mount with a -wal holding commits: read with it, or refused -----------------------

CRASH = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("UPDATE entities SET name = '只在预写日志中' WHERE uscc = ?", (sys.argv[2],))
os._exit(0)  # killed after its commit: the change is in the -wal only, the -shm beside it
"""


def test_a_read_only_mount_reads_the_committed_wal_or_refuses(tmp_path: Path, small_disk: Path) -> None:
    cli = Cli(str(small_disk / "creditcli.db"), CliRunner())
    loaded(cli, tmp_path)
    subprocess.run([sys.executable, "-c", CRASH, cli.db, U1], check=True)
    wal, shm = (Path(cli.db + suffix) for suffix in ("-wal", "-shm"))
    assert wal.stat().st_size > 0 and shm.exists()
    image = files(small_disk)
    remount(small_disk, "ro")
    listed = cli.ok("entities", "list", "-f", "csv").stdout
    assert "只在预写日志中" in listed  # not the stale name the database file alone still holds
    remount(small_disk, "rw")
    assert files(small_disk) == image
    shm.unlink()  # the -wal's index lost: its commits cannot be found without writing a new one
    image = files(small_disk)
    remount(small_disk, "ro")
    expect(
        cli("entities", "list", "-f", "csv"),
        78,
        f"数据库 {cli.db} 旁有尚未并入的 -wal 文件（{wal}，修改它的程序可能被中断过），却没有 -shm 索引；"
        "这里不能写入，无法读到其中已提交的修改，为免给出过时的数据而不读取："
        f"请由有写权限的用户在可写的位置运行一次 creditcli --db {cli.db} db status（会并入 -wal），"
        "或把数据库连同 -wal 文件复制到可写的位置后使用",
    )
    remount(small_disk, "rw")
    assert files(small_disk) == image
    assert "只在预写日志中" in cli.dump()  # the commit was kept all along


# --- 7, 11. Reading a database this user may not write: it works, and leaves no file behind -------


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder another user can read (pytest's own tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="creditcli-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_reader(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The CLI run by a user without write permission: ``nobody`` when the suite runs as root (CI),
    else the suite's own user (whose permissions the test takes away)."""
    command = [sys.executable, "-m", "creditcli", "--db", str(db), *map(str, args)]
    env = {**os.environ, "HOME": str(db.parent), "XDG_CONFIG_HOME": str(db.parent), "XDG_DATA_HOME": str(db.parent)}
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is needed to run the CLI as another user")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_a_read_of_a_database_without_write_permission_leaves_no_file(tmp_path: Path, shared: Path) -> None:
    db = shared / "creditcli.db"
    cli = Cli(str(db), CliRunner())
    before = loaded(cli, tmp_path)
    expected = cli.ok("entities", "list", "-f", "csv").stdout
    db.chmod(0o444)
    if os.geteuid() == 0:
        os.chown(shared, 65534, 65534)  # the reader may write the folder (SQLite could put its files there)
    image = files(shared)
    done = as_reader(db, "entities", "list", "-f", "csv")
    assert (done.returncode, done.stderr, done.stdout) == (0, "", expected)
    assert files(shared) == image  # no -shm or -wal of mode 444 left to stop later writers
    db.chmod(0o644)
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    assert cli.dump() != before


def test_a_database_in_a_folder_without_write_permission_is_read(tmp_path: Path, shared: Path) -> None:
    db = shared / "creditcli.db"
    cli = Cli(str(db), CliRunner())
    before = loaded(cli, tmp_path)
    expected = cli.ok("entities", "list", "-f", "csv").stdout
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)  # the reader's own file, in a folder it may not write
    else:
        shared.chmod(0o555)
    image = files(shared)
    done = as_reader(db, "entities", "list", "-f", "csv")
    assert (done.returncode, done.stderr, done.stdout) == (0, "", expected)
    written = as_reader(db, "entities", "import", tmp_path / "e.csv")
    assert (written.returncode, written.stderr) == (
        73,
        f"错误：数据库所在的目录 {shared} 没有写权限（SQLite 要在其中写 -wal、-shm 和锁文件）："
        "不能修改数据（查询命令仍可使用）；请联系管理员开放写权限\n",
    )
    assert files(shared) == image
    shared.chmod(0o755)
    assert cli.dump() == before


# --- 8. A read never upgrades the schema; db upgrade on a full disk or a read-only mount -------------


def old_database(path: Path, tmp_path: Path) -> Cli:
    """A database with the entities, at schema revision 0008 (as an older creditcli left it)."""
    from alembic import command
    from alembic.config import Config

    from creditcli.db.engine import make_engine, to_url
    from creditcli.db.schema import MIGRATIONS_DIR

    cli = Cli(str(path), CliRunner())
    loaded(cli, tmp_path)
    engine = make_engine(to_url(str(path)), write=True)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    engine.dispose()
    return cli


def behind(db: Path) -> str:
    return (
        f"数据库 {db} 的结构版本 0008 落后于本程序（{HEAD_REVISION}）：查询命令不修改数据库；"
        f"请先运行 creditcli --db {db} db upgrade（升级前自动备份），或运行任一修改数据的命令（同样先备份再升级）"
    )


def test_a_read_never_upgrades_an_older_schema(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    cli = old_database(db, tmp_path)
    before, image = cli.dump(), files(tmp_path)
    for args in (["entities", "list"], ["tasks", "list"], ["deadlines"], ["db", "status"], ["audit", "verify"]):
        expect(cli(*args), 78, behind(db))
    assert files(tmp_path) == image and cli.dump() == before  # no backup copy, no upgrade
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.stderr
    assert cli.query("SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    assert cli.ok("entities", "list", "-f", "csv").stdout.count(U1) == 1


def test_db_upgrade_on_a_full_disk_or_a_read_only_mount(tmp_path: Path, small_disk: Path) -> None:
    db = small_disk / "creditcli.db"
    cli = old_database(db, tmp_path)
    before, image = cli.dump(), files(small_disk)
    filler = fill(small_disk, leave=64 * 1024)  # room for SQLite's -shm and -wal, not for a copy of the database
    result = cli("db", "upgrade")
    assert result.exit_code == 73
    assert result.stderr.startswith(f"错误：无法写出升级前的备份 {db}.bak-0008-"), result.stderr
    assert result.stderr.endswith("：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘\n"), result.stderr
    filler.unlink()
    assert files(small_disk) == image  # no 0-byte .bak, no temporary file
    remount(small_disk, "ro")
    expect(cli("entities", "list"), 78, behind(db))
    expect(cli("db", "upgrade"), 73, f"数据库 {db} 所在的文件系统是只读的：不能修改数据（查询命令仍可使用）")
    remount(small_disk, "rw")
    assert cli.dump() == before and files(small_disk) == image
    cli.ok("db", "upgrade")
    current = files(small_disk)
    remount(small_disk, "ro")
    upgraded = cli("db", "upgrade")  # nothing to do: not refused because nothing could be written
    assert (upgraded.exit_code, upgraded.stderr) == (0, f"数据库结构已是最新版本 {HEAD_REVISION}：{db}\n")
    remount(small_disk, "rw")
    assert files(small_disk) == current


# --- 9. Another program's SQLite write lock: waited for as long as --wait says, then 75 ---------------

HOLD_SQLITE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.rollback()
"""


def test_another_programs_sqlite_lock_is_waited_for(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_only(cli)
    from creditcli.db import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    loaded(cli, tmp_path)
    create = ["tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SQLITE, str(db), "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        since = time.monotonic()
        waited = cli("--wait", "60", *create)
        assert waited.exit_code == 0, waited.stderr
        assert time.monotonic() - since >= 1.5  # it went on only once the other program let go
    finally:
        holder.kill()
        holder.wait()
    before = cli.dump()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SQLITE, str(db), "60"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        since = time.monotonic()
        busy = cli("--wait", "1.5", "tasks", "create", "T2", "--name", "x", "--window", "2026-03-01:2026-06-30")
        assert time.monotonic() - since >= 1.4
    finally:
        holder.kill()
        holder.wait()
    expect(
        busy,
        75,
        f"数据库 {db}：数据库正被另一个程序锁定：本次操作未写入任何数据；"
        "请关闭正在使用该数据库的其他程序后重试，或加 --wait 秒数 等待（database is locked）",
    )
    assert cli.dump() == before


# --- 10. PostgreSQL: another session's table lock is waited for as long as --wait says, then 75 -------


def test_a_postgresql_table_lock_is_waited_for_then_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "://" not in cli.db:
        pytest.skip("PostgreSQL's table locks")
    from sqlalchemy import create_engine, text

    from creditcli.db import engine as db_engine

    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 300)
    before = loaded(cli, tmp_path)
    holder = create_engine(cli.db)
    conn = holder.connect()
    conn.execute(text("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE"))
    pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()

    def let_go() -> None:
        with holder.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    # Should the lock be waited for forever, the holder lets go after 20 s: the test then fails, not hangs.
    release = threading.Timer(20, let_go)
    release.start()
    try:
        since = time.monotonic()
        create = ["tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1"]
        results = [cli("--wait", "1", *create), cli("--wait", "1", "tasks", "list"), cli("tasks", "list")]
        elapsed = time.monotonic() - since
    finally:
        release.cancel()
        with contextlib.suppress(Exception):  # (terminated by let_go)
            conn.rollback()
            conn.close()
        holder.dispose()
    from creditcli.db.database import display

    for result in results:
        expect(
            result,
            75,
            f"数据库 {display(cli.db)}：数据库中的记录正被另一个程序锁定：本次操作未写入任何数据；"
            "请稍后再试，或加 --wait 秒数 等待（canceling statement due to lock timeout）",
        )
    assert elapsed < 15
    assert cli.dump() == before


# --- 12. A dry run on a read-only database works (it writes nothing) ---------------------------------


def test_a_dry_run_works_on_a_read_only_database(tmp_path: Path, small_disk: Path) -> None:
    cli = Cli(str(small_disk / "creditcli.db"), CliRunner())
    before = loaded(cli, tmp_path)
    more = write_csv(tmp_path / "more.csv", ENTITY_HEADER, [*entity_rows()[:2], [*entity_rows()[2][:6], "存续", "B"]])
    image = files(small_disk)
    remount(small_disk, "ro")
    result = cli("-f", "json", "entities", "import", more, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert '"dry_run": true' in result.stdout and '"updated": 1' in result.stdout
    assert cli("-q", "risk", "classify", "--dry-run", "--as-of", "2026-06-01").exit_code == 0
    remount(small_disk, "rw")
    assert files(small_disk) == image and cli.dump() == before


def test_a_dry_run_changes_nothing_where_it_could(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    more = write_csv(tmp_path / "more.csv", ENTITY_HEADER, [[*entity_rows()[0][:7], "B"]])
    result = cli("-f", "json", "entities", "import", more, "--dry-run")
    assert result.exit_code == 0 and '"updated": 1' in result.stdout, result.stderr
    assert cli.dump() == before


# --- 13, 43. db backup: of a database on a read-only mount; never of a damaged one --------------------


def test_backup_of_a_database_on_a_read_only_mount(tmp_path: Path, small_disk: Path) -> None:
    cli = Cli(str(small_disk / "creditcli.db"), CliRunner())
    before = loaded(cli, tmp_path)
    image = files(small_disk)
    remount(small_disk, "ro")
    target = tmp_path / "备份.db"
    result = cli("db", "backup", target)
    assert (result.exit_code, result.stderr) == (0, f"已备份 {cli.db} 到 {target}\n")
    remount(small_disk, "rw")
    assert files(small_disk) == image and cli.dump() == before
    assert Cli(str(target), CliRunner()).dump() == before


def test_a_damaged_database_is_not_backed_up(tmp_path: Path) -> None:
    db = tmp_path / "损坏.db"
    cli = Cli(str(db), CliRunner())
    loaded(cli, tmp_path)
    data = bytearray(db.read_bytes())
    data[2 * 16384 :] = b"\xa5" * (len(data) - 2 * 16384)  # every page after the first two: garbage
    db.write_bytes(bytes(data))
    image = files(tmp_path)
    target = tmp_path / "备份.db"
    result = cli("db", "backup", target)
    assert result.exit_code == 78, result.stderr
    assert result.stderr.startswith(f"错误：数据库 {db}：数据库文件已损坏，没有写出备份文件（完整性检查：")
    assert result.stderr.endswith("）：请用以前 creditcli db backup 所做的备份恢复\n")
    assert files(tmp_path) == image  # no backup, no temporary file


# --- 21, 22. A symlink loop; a malformed PostgreSQL address -> 78, without a password -----------------


def test_a_symlink_loop_as_db(tmp_path: Path) -> None:
    (tmp_path / "a.db").symlink_to(tmp_path / "b.db")
    (tmp_path / "b.db").symlink_to(tmp_path / "a.db")
    for args in (["entities", "list"], ["entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, [])]):
        expect(
            Cli(str(tmp_path / "a.db"), CliRunner())(*args),
            78,
            f"--db {tmp_path / 'a.db'} 无法使用：符号链接形成了循环；请检查 --db 的路径",
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://clerk:s3cret@db.example:notaport/creditcli",
            "数据库地址 postgresql://clerk:***@db.example:notaport/creditcli 无法识别"
            "（invalid literal for int() with base 10: 'notaport'）：SQLite 请给出文件路径；"
            "PostgreSQL 的地址形如 postgresql+psycopg://用户@主机:5432/库名",
        ),
        (
            "postgresql+nosuchdriver://clerk:s3cret@db.example/creditcli",
            "数据库地址 postgresql+nosuchdriver://clerk:***@db.example/creditcli 中的驱动 postgresql+nosuchdriver "
            "无法使用：请使用 postgresql+psycopg:// 地址",
        ),
        (
            "mysql://clerk:s3cret@db.example/creditcli",
            "不支持的数据库类型：mysql（支持 SQLite 与 PostgreSQL）",
        ),
    ],
)
def test_a_malformed_database_address(url: str, message: str) -> None:
    for args in (["entities", "list"], ["db", "upgrade"], ["tasks", "create", "T1", "--name", "x"]):
        result = Cli(url, CliRunner())(*args)
        expect(result, 78, message)
        assert "s3cret" not in result.stderr


# --- 42. Another program's PostgreSQL database -> 78, nothing created in it ---------------------------


def test_a_foreign_postgresql_database_is_left_untouched(tmp_path: Path) -> None:
    base = os.environ.get("CREDITCLI_TEST_PG_URL")
    if not base:
        pytest.skip("set CREDITCLI_TEST_PG_URL to run the PostgreSQL tests")
    import uuid

    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    from creditcli.db.database import display

    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    other = create_engine(url)
    try:
        with other.begin() as conn:
            conn.execute(text("CREATE TABLE users (id serial PRIMARY KEY, name text)"))
            conn.execute(text("INSERT INTO users (name) VALUES ('张三')"))
        csv = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
        message = (
            f"{display(url)} 不是 creditcli 的数据库：其中有 1 张别的程序的表（users），没有 creditcli 的结构版本。"
            "为免改动别的程序的数据，creditcli 不会使用它；请用 --db 指定 creditcli 的数据库文件，或一个新的文件名"
        )
        cli = Cli(url, CliRunner())
        for args in (["entities", "list"], ["entities", "import", csv], ["db", "upgrade"], ["db", "status"]):
            expect(cli(*args), 78, message)
        with other.connect() as conn:
            assert inspect(conn).get_table_names() == ["users"]
            assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["张三"]
    finally:
        other.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# --- 38. demo: a full disk names the demo's database; a refused --dir keeps no lock file --------------


@pytest.mark.parametrize("room", [200, 1300, 1800])
def test_demo_on_a_full_disk_names_its_own_database(tmp_path: Path, small_disk: Path, room: int) -> None:
    """The disk fills up at the first page (200 KiB left) or in a later step of the demo."""
    folder = small_disk / "演示"
    elsewhere = Cli(str(tmp_path / "creditcli.db"), CliRunner())
    filler = fill(small_disk, leave=room * 1024)
    result = elsewhere("-q", "demo", "--dir", folder)
    filler.unlink()
    db = folder / "creditcli.db"
    assert result.exit_code == 73, result.stderr
    assert result.stderr.startswith(f"错误：数据库 {db}：数据库所在的磁盘已满：本次操作未写入任何数据；"), result.stderr
    assert not (tmp_path / "creditcli.db").exists()


def test_a_refused_demo_leaves_no_lock_file(tmp_path: Path) -> None:
    folder = tmp_path / "演示"
    folder.mkdir()
    db = folder / "creditcli.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    image = files(folder)
    result = CliRunner().invoke(app, ["-q", "demo", "--dir", str(folder)])
    expect(
        result,
        73,
        f"{db} 不是演示程序建的数据库（没有演示数据库的标记，或演示之后又有人在其中工作过）：演示不会删除它；"
        "请用 --dir 指定一个空目录或新目录",
    )
    assert files(folder) == image  # no creditcli.db.lock left in someone else's folder


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_db_option_is_refused_not_taken_for_the_default(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--db "$DB"`` with DB unset in a cron line must not write to the default database."""
    from typer.testing import CliRunner

    from creditcli.cli.app import app

    monkeypatch.setenv("CREDITCLI_DB", str(tmp_path / "default.db"))
    result = CliRunner().invoke(
        app, ["--db", value, "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30"]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：--db 不能为空：请写出数据库文件路径或地址，或不写 --db 用默认数据库\n",
    )
    assert list(tmp_path.iterdir()) == []
