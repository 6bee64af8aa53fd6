"""Issue 14, findings of the hostile trial about files and the run (H2): every input, output and the
run's own files (``--log-file``, ``--config``, stdout, stderr, Ctrl-C) get their documented answer.

Each case asserts the exit code, the exact message, that no output was written, and that the
database is as it was (``cli.dump()``).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import creditcli
from conftest import ENTITY_HEADER, Cli, entity_rows, expect, loaded, write_csv

MISSING_DIR = "目录不存在；请先创建该目录，或检查路径拼写"


def bad_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "bad.csv", ENTITY_HEADER, [["123", "名称", "企业", "", "", "", "存续", "A"]])


# --- 1, 16, 39: --log-file is an output, --config an input ------------------------------------------


def test_the_log_file_may_not_be_a_file_the_command_names(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    source = write_csv(tmp_path / "新.csv", ENTITY_HEADER, entity_rows()[:1])
    image = source.read_bytes()
    for args in (
        ["--log-file", source, "entities", "import", source, "--dry-run"],
        ["--log-file", source, "entities", "export", source, "-f", "csv"],
    ):
        expect(
            cli(*args),
            2,
            f"--log-file {source} 与命令中的文件 {source} 是同一个文件：日志会写进这个文件；请给日志另起一个文件名",
        )
        assert source.read_bytes() == image and cli.dump() == before


def test_the_log_file_is_never_a_database(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    other = tmp_path / "别的.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
    image = other.read_bytes()
    expect(
        cli("--log-file", other, "tasks", "list"),
        73,
        f"拒绝写入 {other}（--log-file）：它是一个数据库文件（SQLite），输出从不覆盖数据库；请换一个输出文件名",
    )
    assert other.read_bytes() == image and cli.dump() == before


def test_no_output_may_overwrite_the_config_file(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    config = tmp_path / "config.toml"
    config.write_text('risk_classes = ["A", "B", "C", "D"]\n', encoding="utf-8")
    image = config.read_bytes()
    expect(
        cli("--config", config, "entities", "export", config, "-f", "csv"),
        2,
        f"{config}（输出文件）与 {config}（--config）是同一个文件：输出会覆盖命令正在读取的输入，请换一个输出文件名",
    )
    assert config.read_bytes() == image and cli.dump() == before


def test_a_log_file_that_cannot_be_written_is_exit_73(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    expect(
        cli("--log-file", "/dev/full", "tasks", "list"),
        73,
        "无法写出 日志文件 /dev/full：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘",
    )
    log = tmp_path / "没有的目录" / "run.log"
    expect(cli("--log-file", log, "tasks", "list"), 73, f"无法写出 {log}：{MISSING_DIR}")
    assert not log.parent.exists() and cli.dump() == before


# --- 5: an output never overwrites a database file ----------------------------------------------


def test_no_output_overwrites_another_database(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    other = tmp_path / "另一个区.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    image = other.read_bytes()
    for args, what in (
        (["entities", "export", other, "-f", "csv"], "输出文件"),
        (["entities", "import", bad_file(tmp_path), "--rejects", other], "--rejects"),
    ):
        expect(
            cli(*args),
            73,
            f"拒绝写入 {other}（{what}）：它是一个数据库文件（SQLite），输出从不覆盖数据库；请换一个输出文件名",
        )
        assert other.read_bytes() == image and cli.dump() == before


# --- 14, 17: an input is a regular file ------------------------------------------------------------


def test_an_input_that_is_a_directory_or_no_regular_file(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    folder = tmp_path / "名录"
    folder.mkdir()
    fifo = tmp_path / "管道.csv"
    os.mkfifo(fifo)
    device = "不是普通文件（是设备、管道或套接字），不能读取：请给出文件的路径"
    cases = [
        (["entities", "import", folder], f"输入文件 {folder} 是目录，不是文件：请给出文件的路径"),
        (["entities", "import", "/dev/zero"], f"输入文件 /dev/zero {device}"),
        (["entities", "import", fifo], f"输入文件 {fifo} {device}"),
        (["--config", folder, "tasks", "list"], f"配置文件 {folder} 是目录，不是文件：请给出文件的路径"),
        (["--config", "/dev/zero", "tasks", "list"], f"配置文件 /dev/zero {device}"),
        (["risk", "classify", "--model", folder], f"模型文件 {folder} 是目录，不是文件：请给出文件的路径"),
        (["tasks", "create", "--from", fifo], f"任务文件 {fifo} {device}"),
    ]
    for args, message in cases:
        expect(cli(*args), 66, message)
        assert cli.dump() == before


# --- 19, 36: --rejects -------------------------------------------------------------------------------


def test_an_unwritable_rejects_file_is_refused_before_the_import(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    rejects = tmp_path / "没有的目录" / "问题.csv"
    good = write_csv(tmp_path / "新.csv", ENTITY_HEADER, entity_rows()[:1])
    for source in (good, bad_file(tmp_path)):
        expect(cli("entities", "import", source, "--rejects", rejects), 73, f"无法写出 {rejects}：{MISSING_DIR}")
        assert cli.dump() == before and not rejects.parent.exists()


def test_the_rejects_file_always_tells_about_this_run(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    rejects = tmp_path / "问题.csv"
    assert cli("entities", "import", bad_file(tmp_path), "--rejects", rejects).exit_code == 65
    assert len(rejects.read_text(encoding="utf-8-sig").splitlines()) > 1
    result = cli("entities", "import", tmp_path / "e.csv", "--dry-run", "--rejects", rejects)
    assert (result.exit_code, result.stderr.splitlines()[-2]) == (0, f"没有问题：问题清单 {rejects} 只有表头")
    assert rejects.read_text(encoding="utf-8-sig").splitlines() == ["行号,列,值,问题"]
    assert cli.dump() == before


# --- 25: --encoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rot13", "hex", "base64", "nosuch"])
def test_an_encoding_that_is_no_text_encoding(cli: Cli, tmp_path: Path, name: str) -> None:
    before = loaded(cli, tmp_path)
    expect(
        cli("entities", "import", tmp_path / "e.csv", "--encoding", name),
        2,
        f"--encoding {name}：不认识的文本编码；可用 utf-8、utf-8-sig、gb18030、gbk、big5、utf-16 等"
        "（不写 --encoding 时自动识别）",
    )
    assert cli.dump() == before


# --- 15, 23, 27: the process's own streams and Ctrl-C ---------------------------------------------

COMMAND = [sys.executable, "-m", "creditcli"]
"""creditcli as a process of its own (its entry point answers what happens before any command)."""


def run(cli: Cli, *args: str | Path, **streams: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, "--db", cli.db, *map(str, args)], text=True, check=False, **streams)


def test_a_closed_stdout_is_exit_73_when_there_is_something_to_print(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    closed = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "preexec_fn": lambda: os.close(1)}
    done = run(cli, "entities", "list", **closed)
    assert (done.returncode, done.stderr) == (
        73,
        "错误：无法写出输出：标准输出已关闭（如命令行中的 >&-）；请把输出重定向到文件或 /dev/null\n",
    )
    quiet = run(cli, "-q", "entities", "export", tmp_path / "导出.csv", **closed)
    assert (quiet.returncode, quiet.stderr) == (0, "")  # nothing for stdout: nothing wrong
    assert cli.dump() == before


def test_a_closed_or_full_stderr_keeps_the_documented_exit_code(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    with open("/dev/full", "w") as full:
        for streams in ({"preexec_fn": lambda: os.close(2)}, {"stderr": full}):
            done = run(cli, "entities", "import", tmp_path / "没有.csv", stdout=subprocess.PIPE, **streams)
            assert (done.returncode, done.stdout) == (66, "")
            listed = run(cli, "-f", "csv", "entities", "list", stdout=subprocess.PIPE, **streams)
            assert listed.returncode == 0 and "济南甲有限公司" in listed.stdout
    assert cli.dump() == before


def test_a_reader_that_stops_reading_ends_the_command_quietly(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    for fmt in ("table", "csv", "json"):
        reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        done = run(cli, "-f", fmt, "tasks", "list", stdout=reader.stdin, stderr=subprocess.PIPE)
        reader.communicate()
        assert (done.returncode, done.stderr) == (0, "")
    assert cli.dump() == before


def test_ctrl_c_at_any_moment_of_the_start_is_one_line_and_exit_130(cli: Cli, tmp_path: Path) -> None:
    before = loaded(cli, tmp_path)
    answers = set()
    for delay in (0.05, 0.08, 0.12, 0.16, 0.2, 0.3):
        process = subprocess.Popen(
            [*COMMAND, "--db", cli.db, "entities", "list", "--wide"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate()
        answers.add((process.returncode, err))
    # Killed before Python set up its handler (-SIGINT, nothing said), or finished before the signal;
    # Python may end a run it interrupted by SIGINT itself, which shells report as 130 all the same.
    # On a busy machine the signal may even land while Python itself looks for creditcli's first
    # module (runpy): a traceback of the interpreter's own frames, before any line of creditcli ran.
    said = "已中断：本次操作未写入任何数据\n"
    package = str(Path(creditcli.__file__).parent)
    before_creditcli = {answer for answer in answers if "Traceback" in answer[1] and package not in answer[1]}
    assert answers - before_creditcli <= {(130, said), (-signal.SIGINT, said), (-signal.SIGINT, ""), (0, "")}
    assert (130, "已中断：本次操作未写入任何数据\n") in answers
    assert cli.dump() == before


# --- 35: files written together are written all, or none ---------------------------------------------


def test_a_certificate_is_written_whole_or_not_at_all(cli: Cli, tmp_path: Path, assigned: dict[str, list[str]]) -> None:
    before = cli.dump()
    output = tmp_path / "证书.json"
    result = cli("tasks", "certificate", "T1", "-o", output, "--pool", "/dev/full")
    expect(result, 73, "无法写出 /dev/full：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("证书")) == []
    assert not list(tmp_path.glob(".*.part")) and cli.dump() == before


def test_an_archive_directory_is_written_whole_or_not_at_all(
    cli: Cli, tmp_path: Path, assigned: dict[str, list[str]]
) -> None:
    before = cli.dump()
    target = tmp_path / "档案"
    target.mkdir()
    drawn = sorted(row[0] for row in cli.query("SELECT uscc FROM entities WHERE status = '存续'"))
    blocker = target / drawn[-1]
    blocker.write_text("不是目录", encoding="utf-8")  # the last entity's folder cannot be made
    result = cli("archive", "export", "--task", "T1", "-o", target)
    expect(result, 73, f"{blocker} 已存在且不是目录：请给出一个目录（或按命令说明给出文件名）")
    assert sorted(p.name for p in target.iterdir()) == [blocker.name]  # no folder, file or temporary of the others
    assert cli.dump() == before


# --- 41: outputs are created as the user's umask says -------------------------------------------------


def test_outputs_follow_the_umask_and_keep_the_mode_of_the_file_they_replace(cli: Cli, tmp_path: Path) -> None:
    loaded(cli, tmp_path)
    kept = tmp_path / "只给自己.csv"
    kept.write_text("旧", encoding="utf-8")
    kept.chmod(0o600)
    old = os.umask(0o027)
    try:
        cli.ok("entities", "export", tmp_path / "新.csv")
        cli.ok("entities", "export", kept)
    finally:
        os.umask(old)
    assert oct((tmp_path / "新.csv").stat().st_mode & 0o777) == oct(0o640)
    assert oct(kept.stat().st_mode & 0o777) == oct(0o600)


# --- 40: "-" is no file name -------------------------------------------------------------------------


def test_a_dash_is_refused_as_an_output_or_input_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = loaded(cli, tmp_path)
    monkeypatch.chdir(tmp_path)
    stdout = (
        "不能是 -：creditcli 不把文件写到标准输出，请给出文件名"
        "（要把数据印到标准输出，请用相应的 list 或 show 命令加 --format csv 或 json）"
    )
    for args, what in (
        (["entities", "export", "-", "-f", "csv"], "输出文件"),
        (["--log-file", "-", "tasks", "list"], "--log-file"),
        (["entities", "import", tmp_path / "e.csv", "--rejects", "-"], "--rejects"),
    ):
        expect(cli(*args), 2, f"{what} {stdout}")
    expect(cli("entities", "import", "-"), 2, "输入文件不能是 -：creditcli 不从标准输入读取文件；请给出文件的路径")
    assert not (tmp_path / "-").exists() and cli.dump() == before


# --- 37: a write command says it succeeded only once its change is committed ---------------------------


def test_a_failed_commit_shows_no_success(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.orm.session import SessionTransaction

    from creditcli.db.database import display

    before = loaded(cli, tmp_path)

    def disk_full(self: SessionTransaction, *args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SessionTransaction, "commit", disk_full)
    result = cli("tasks", "create", "T9", "--name", "满盘", "--window", "2026-03-01:2026-06-30", "--ratio", "A=0.1")
    monkeypatch.undo()
    where = display(cli.db)
    assert (result.exit_code, result.stdout, result.stderr) == (
        73,
        "",
        f"错误：数据库 {where}：数据库所在的磁盘已满：本次操作未写入任何数据；请释放磁盘空间后重试"
        "（database or disk is full）\n",
    )
    assert cli.dump() == before
