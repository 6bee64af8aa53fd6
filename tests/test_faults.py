"""Issue 14 §2: every fault of the machine gets its documented exit code and a Chinese message.

Faults are injected for real where the machine allows it: /dev/full, a small tmpfs filled up or
remounted read-only (root only, as in CI; skipped with the reason otherwise), a second process
holding SQLite's lock, files that are not databases. Every case checks the exit code, the exact
message and that the database (``cli.dump()``, or a file's bytes) is as it was.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, expect, fill, loaded, remount, uscc, write_csv

FULL = "磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘"


# --- output: /dev/full, a full disk, a read-only or missing directory, a name too long -> 73 ------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_output_to_dev_full(cli: Cli, tmp_path: Path, fmt: str) -> None:
    before = loaded(cli, tmp_path)
    expect(cli("entities", "export", "/dev/full", "-f", fmt), 73, f"无法写出 /dev/full：{FULL}")
    assert cli.dump() == before


def test_stdout_to_dev_full_is_exit_73_without_a_traceback(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "creditcli", "--db", cli.db, "entities", "list"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (73, f"错误：无法写出输出：{FULL}\n")
    assert cli.dump() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_output_to_a_full_disk(cli: Cli, tmp_path: Path, small_disk: Path, fmt: str) -> None:
    before = loaded(cli, tmp_path)
    fill(small_disk)
    target = small_disk / f"名录.{fmt}"
    expect(cli("entities", "export", target), 73, f"无法写出 {target}：{FULL}")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]  # no half-written file, no temporary one
    assert cli.dump() == before


def test_output_to_a_read_only_directory(cli: Cli, tmp_path: Path, small_disk: Path) -> None:
    before = loaded(cli, tmp_path)
    remount(small_disk, "ro")
    target = small_disk / "名录.csv"
    expect(cli("entities", "export", target), 73, f"无法写出 {target}：所在的文件系统是只读的；请写到其他位置")
    folder = small_disk / "档案"
    expect(cli("archive", "export", U1, "-o", folder), 73, f"无法写出 {folder}：所在的文件系统是只读的；请写到其他位置")
    assert cli.dump() == before


def test_output_to_a_directory_without_permission(cli: Cli, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere; the read-only mount above stands for this case in CI")
    before = loaded(cli, tmp_path)
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o555)
    target = closed / "名录.csv"
    expect(cli("entities", "export", target), 73, f"无法写出 {target}：没有权限；请写到有权限的位置，或联系管理员")
    assert cli.dump() == before


def test_output_to_a_missing_directory_or_a_name_too_long(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    typo = tmp_path / "桌面（拼错）" / "名录.csv"
    expect(cli("entities", "export", typo), 73, f"无法写出 {typo}：目录不存在；请先创建该目录，或检查路径拼写")
    assert not typo.parent.exists()  # a mistyped directory is not silently made
    long = tmp_path / ("名" * 90 + ".csv")  # 274 bytes: more than a file name may have
    expect(
        cli("entities", "export", long),
        73,
        f"无法写出 {long}：文件名或路径太长（超过文件系统的上限）；请用短一些的文件名",
    )
    through = tmp_path / "e.csv" / "名录.csv"
    expect(cli("entities", "export", through), 73, f"无法写出 {through}：路径中有一级不是目录")
    assert cli.dump() == before


# --- database: a full disk during an import or a draw -> 73; locked by another program -> 75 -----


def disk_cli(disk: Path) -> Cli:
    return Cli(str(disk / "creditcli.db"), CliRunner())


DB_FULL = re.compile(
    r"错误：数据库 (?P<db>\S+)：数据库所在的磁盘已满：本次操作未写入任何数据；请释放磁盘空间后重试"
    r"（(INTERNAL: failed to execute: )?(database or disk is full|disk I/O error)）\n"
)


def test_a_full_disk_during_an_import_or_a_draw(tmp_path: Path, small_disk: Path) -> None:
    cli = disk_cli(small_disk)
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok(
        "tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1", "--ratio", "D=1"
    )
    before = cli.dump()
    rows = [[uscc(f"91370112MA3D{i:05d}"), f"新公司{i}", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"]
            for i in range(300)]  # fmt: skip
    more = write_csv(tmp_path / "more.csv", ENTITY_HEADER, rows)
    filler = fill(small_disk, leave=48 * 1024)  # room for SQLite's index (-shm, 32 KiB), not for a 16 KiB page more
    for args in (["entities", "import", more], ["tasks", "draw", "T1", "--seed", "20261127000000000042"]):
        result = cli(*args)
        assert result.exit_code == 73, result.stderr
        found = DB_FULL.fullmatch(result.stderr)
        assert found is not None and found["db"] == cli.db, result.stderr
    filler.unlink()
    assert cli.dump() == before


def test_a_database_locked_by_another_program(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "://" in cli.db:
        pytest.skip("SQLite's own lock (another program's open transaction)")
    from creditcli.db import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)  # instead of 30 s
    before = loaded(cli, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)", cli.db],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = cli("entities", "import", write_csv(tmp_path / "m.csv", ENTITY_HEADER, entity_rows()[:1]))
        expect(
            result,
            75,
            f"数据库 {cli.db}：数据库正被另一个程序锁定：本次操作未写入任何数据；"
            "请关闭正在使用该数据库的其他程序后重试，或加 --wait 秒数 等待（database is locked）",
        )
        assert cli("entities", "list").exit_code == 0  # readers go on (WAL)
    finally:
        holder.kill()
        holder.wait()
    assert cli.dump() == before


# --- database: read-only -> reads work, writes 73 --------------------------------------------------


def test_a_read_only_database_is_read_but_not_written(tmp_path: Path, small_disk: Path) -> None:
    cli = disk_cli(small_disk)
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    listed = cli.ok("entities", "list", "-f", "csv").stdout
    before = cli.dump()
    remount(small_disk, "ro")
    assert cli.ok("entities", "list", "-f", "csv").stdout == listed
    assert cli.ok("-f", "json", "entities", "export", tmp_path / "x.json").exit_code == 0
    message = f"数据库 {cli.db} 所在的文件系统是只读的：不能修改数据（查询命令仍可使用）"
    expect(cli("entities", "import", tmp_path / "e.csv"), 73, message)
    expect(cli("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30"), 73, message)
    remount(small_disk, "rw")  # for the dump's own connection
    assert cli.dump() == before


def test_a_database_file_without_write_permission(cli: Cli, tmp_path: Path) -> None:
    if "://" in cli.db or os.geteuid() == 0:
        pytest.skip("root may write any file; the read-only mount above stands for this case in CI")
    before = loaded(cli, tmp_path)
    Path(cli.db).chmod(0o444)
    assert cli("entities", "list").exit_code == 0
    expect(
        cli("entities", "import", tmp_path / "e.csv"),
        73,
        f"数据库文件 {cli.db} 没有写权限：不能修改数据（查询命令仍可使用）；请联系管理员开放写权限",
    )
    assert cli.dump() == before


# --- database: --db that is no database -> 78 (66 for a missing file: test_database_safety.py) ----


def test_a_db_option_that_is_no_database(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "名录.csv", ENTITY_HEADER, entity_rows())
    corrupt = tmp_path / "损坏.db"
    damaged = Cli(str(corrupt), CliRunner())
    damaged.ok("entities", "import", csv)
    data = bytearray(corrupt.read_bytes())
    data[2 * 16384 :] = b"\xa5" * (len(data) - 2 * 16384)  # every page after the first two: garbage
    corrupt.write_bytes(bytes(data))
    cases = [
        (csv, f"数据库 {csv}：它不是 SQLite 数据库文件：请检查 --db 是否指向了数据库文件（file is not a database）"),
        (tmp_path, f"--db {tmp_path} 是目录，不是数据库文件：请给出文件名，如 {tmp_path / 'creditcli.db'}"),
        (Path("/dev/null"), "--db /dev/null 不是普通文件（是设备或管道），不能用作数据库：请给出数据库文件的路径"),
        (corrupt, f"数据库 {corrupt}：数据库文件已损坏：请用 creditcli db backup 所做的备份恢复"
                  "（database disk image is malformed）"),
    ]  # fmt: skip
    images = {p: p.read_bytes() for p, _ in cases if p.is_file()}
    for db, message in cases:
        for args in (["entities", "list"], ["entities", "import", csv]):
            expect(Cli(str(db), CliRunner())(*args), 78, message)
    assert {p: p.read_bytes() for p in images} == images


def test_an_unreachable_postgresql_server() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql+psycopg://creditcli@127.0.0.1:1/nowhere"
    result = Cli(url, CliRunner())("deadlines", "--fail-if-overdue")
    assert result.exit_code == 78
    assert result.stderr.startswith(f"错误：无法连接数据库 {url}：请检查 --db 地址以及数据库服务器是否在运行（")
    assert "Connection refused" in result.stderr and "Traceback" not in result.stderr


# --- input: --wait nan -> 2; a damaged pool record -> 1 "冻结范围记录已损坏" --------------------------


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "1e9"])
def test_wait_must_be_a_number_of_seconds(cli: Cli, wait: str) -> None:
    shown = {"1e9": "1e+09"}.get(wait, wait)
    expect(cli("--wait", wait, "tasks", "list"), 2, f"--wait {shown} 无效：应为 0 到 86400 之间的秒数（0 表示不等待）")


def test_a_damaged_pool_record_fails_verification(cli: Cli, tmp_path: Path, assigned: dict[str, list[str]]) -> None:
    cli.execute("UPDATE pool_freezes SET pool = :blob", blob=b"\x1f\x8b\x08\x00\xde\xad\xbe\xef")
    before = cli.dump()
    result = cli("tasks", "verify", "T1")
    expect(
        result,
        1,
        "任务 T1 第 1 次抽取复核不一致：\n冻结范围记录已损坏：无法解压（Compressed file ended before the "
        "end-of-stream marker was reached）；请用 creditcli audit verify 查找被改动之处，并从备份恢复数据库",
    )
    assert cli.dump() == before


# --- tasks freeze -o: the notice only once the freeze is committed ----------------------------------


def test_the_notice_is_written_only_after_the_freeze(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = loaded(cli, tmp_path)
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    created = cli.dump()
    typo = tmp_path / "公告目录" / "公告.md"
    expect(cli("tasks", "freeze", "T1", "-o", typo), 73, f"无法写出 {typo}：目录不存在；请先创建该目录，或检查路径拼写")
    assert cli.dump() == created  # not frozen: the notice could not have been written
    notice = tmp_path / "公告.md"
    cli.ok("tasks", "freeze", "T1", "-o", notice)
    again = tmp_path / "再次.md"
    assert (
        cli("tasks", "freeze", "T1", "-o", again).exit_code == 1 and not again.exists()
    )  # a refused freeze: no notice
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".part") == []

    import pathlib

    write = pathlib.Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:
        if self.name.startswith(".公告2.md."):
            raise OSError(28, "No space left on device")
        return write(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_disk)
    late = tmp_path / "公告2.md"
    result = cli("tasks", "freeze", "T1", "--refreeze", "-o", late)
    digest = cli.query("SELECT pool_digest FROM pool_freezes ORDER BY seq DESC")[0][0]
    expect(
        result,
        73,
        f"抽取范围已冻结并记录（摘要 {digest}），但抽取前公告未能写出 {late}：磁盘空间已满；"
        "请排除后用 creditcli tasks freeze T1 --refreeze -o 文件 重新冻结并写出公告（原冻结记录保留）",
    )
    assert not late.exists() and before != cli.dump()


# --- messages never pass terminal control characters on -------------------------------------------


def test_control_characters_from_user_data_are_shown_escaped(cli: Cli, tmp_path: Path) -> None:
    loaded(cli, tmp_path)
    code = "T1\x1b[2J\x1b]0;pwned\x07\u202e"
    result = cli("tasks", "show", code)
    expect(
        result,
        66,
        "没有编号为 T1\\x1b[2J\\x1b]0;pwned\\x07\\u202e 的抽查任务（用 creditcli tasks list 查看已有任务）",
    )
    cli.execute("UPDATE entities SET name = :name", name="甲\x1b[31m红\x1b[0m")
    table = cli.ok("entities", "list").stdout
    assert "\x1b" not in table and "甲\\x1b[" in table  # (the cell is folded over lines)
    assert "\x1b" in cli.ok("entities", "list", "-f", "csv").stdout  # data files keep the data as it is


def test_a_sqlite_error_in_the_guard_is_mapped_once(tmp_path: Path) -> None:
    """The same SQLite error reaches the user in the same words, however it escaped."""
    from creditcli.errors import database_error

    with pytest.raises(sqlite3.OperationalError) as caught:
        sqlite3.connect(f"file:{tmp_path}/none/x.db?mode=ro", uri=True).execute("SELECT 1")
    answer = database_error(caught.value, "x.db")
    assert answer is not None and (answer.exit_code, answer.message) == (
        78,
        "数据库 x.db：无法打开数据库文件：请检查 --db 的路径及其目录的权限（unable to open database file）",
    )
