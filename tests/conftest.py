"""Shared fixtures: a fresh database per test (SQLite; PostgreSQL too when CREDITCLI_TEST_PG_URL is set),
a runner that drives the real CLI, and helpers that write roster files as offices produce them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from creditcli import clock
from creditcli.cli.app import app
from creditcli.db import changes
from creditcli.rosters.codes import check_char

# tools/synth.py (seeded synthetic rosters for tests, tools and benchmarks) is not part of the package.
sys.path.append(str(Path(__file__).resolve().parent.parent / "tools"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("CREDITCLI_TEST_PG_URL") else [])

PINNED_NOW = dt.datetime(2028, 6, 1, 9, 0, 0) + dt.timedelta(days=int(os.environ.get("CREDITCLI_TEST_SHIFT_DAYS", "0")))
"""The suite's "now". No test may depend on it: CI runs the suite again with it moved by ±400 days
(``CREDITCLI_TEST_SHIFT_DAYS``), so a test that needs a particular day states it (``--today``, a
date in its data, or its own ``clock.pinned``). It lies after every fixed date the tests' data
holds, shifted or not, as a real day of use does."""
OPERATOR = "测试员"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs at PINNED_NOW as OPERATOR, in process and in the processes it starts."""
    monkeypatch.setenv(clock.NOW_ENV, PINNED_NOW.isoformat())
    monkeypatch.setenv(clock.OPERATOR_ENV, OPERATOR)
    with clock.pinned(PINNED_NOW, OPERATOR):
        yield


def uscc(body: str) -> str:
    """A valid code from its first 17 characters."""
    return body + check_char(body)


# A few fixed, valid codes for readable tests.
U1 = uscc("91370112MA3C00001")
U2 = uscc("91370112MA3C00002")
U3 = uscc("92370112MA3C00003")
U4 = uscc("93370112MA3C00004")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    base = make_url(os.environ["CREDITCLI_TEST_PG_URL"])
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = base.set(database=name).render_as_string(hide_password=False)
    # A shared PostgreSQL schema is never migrated implicitly: set it up as its administrator would.
    from creditcli.db.engine import make_engine
    from creditcli.db.schema import upgrade

    engine = make_engine(url, write=True)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@dataclass
class Cli:
    db: str
    runner: CliRunner

    def __call__(self, *args: str | Path, input: str | None = None) -> Result:
        return self.runner.invoke(app, ["--db", self.db, *map(str, args)], input=input)

    def ok(self, *args: str | Path) -> Result:
        result = self(*args)
        assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        url = self.db if "://" in self.db else f"sqlite:///{self.db}"
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def execute(self, sql: str, **params: Any) -> None:
        """Raw SQL behind the tool's back (to tamper, or to empty a table), committed."""
        url = self.db if "://" in self.db else f"sqlite:///{self.db}"
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(sql), params)
        finally:
            engine.dispose()

    def refused(self, args: Sequence[str | Path], code: int, message: str) -> None:
        """``args`` fail with ``code`` and exactly ``message`` on stderr, and change nothing."""
        before = self.dump()
        result = self(*args)
        assert (result.exit_code, result.stderr) == (code, message)
        assert self.dump() == before

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    def dump(self) -> str:
        """Every table's rows as text, in a fixed order: equal dumps before and after a refused command
        prove it wrote nothing (on SQLite the schema's SQL is part of it too)."""
        from sqlalchemy import inspect

        url = self.db if "://" in self.db else f"sqlite:///{self.db}"
        engine = create_engine(url)
        lines: list[str] = []
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    lines += [
                        str(r) for r in conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2")
                    ]
                for table in sorted(inspect(conn).get_table_names()):
                    quoted = conn.dialect.identifier_preparer.quote(table)
                    rows = conn.exec_driver_sql(f"SELECT * FROM {quoted}").fetchall()
                    lines.append(f"-- {table}: {len(rows)}")
                    lines += sorted(repr(tuple(r)) for r in rows)
        finally:
            engine.dispose()
        return "\n".join(lines)


@pytest.fixture(params=["by key", "whole table"])
def both_lookups(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored records are looked up by key for small files and read whole for big ones (through
    Arrow on SQLite): the import rules must hold either way."""
    if request.param == "whole table":
        monkeypatch.setattr(changes, "SMALL_FILE", 0)


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url, CliRunner())


ENTITY_HEADER = [
    "统一社会信用代码",
    "企业名称",
    "主体类型",
    "成立日期",
    "管辖单位",
    "行业代码",
    "登记状态",
    "信用风险分类",
]


def entity_rows() -> list[list[str]]:
    return [
        [U1, "济南甲有限公司", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        [U2, "济南乙有限公司", "企业", "2019/3/7", "华山市场监管所", "F5211", "存续", "D"],
        [U3, "济南丙店", "个体工商户", "2021年6月1日", "唐冶市场监管所", "H6210", "注销", "B"],
        [U4, "济南丁专业合作社", "农民专业合作社", "20180102", "唐冶市场监管所", "A0111", "存续", "C"],
    ]


def expect(result: Result, code: int, message: str) -> None:
    """``result`` failed with ``code`` and exactly the one error line ``message``."""
    assert (result.exit_code, result.stderr) == (code, f"错误：{message}\n")


def loaded(cli: Cli, tmp_path: Path) -> str:
    """The standard roster imported; the database's dump afterwards (to compare after a refusal)."""
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    return cli.dump()


def docx_text(path: Path) -> str:
    """A .docx document as text: every paragraph, then every table row (cells joined by |), one per line."""
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += ["|".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines)


@pytest.fixture
def roster(cli: Cli, tmp_path: Path) -> None:
    """The small standard roster (entity_rows) imported: penalties, lists and tasks name entities of
    the roster (README: references). A module with a roster of its own defines its own fixture."""
    cli.ok("entities", "import", write_csv(tmp_path / "roster.csv", ENTITY_HEADER, entity_rows()))


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    encoding: str = "utf-8",
    title: str | None = None,
    footer: Sequence[str] | None = None,
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if title is not None:
        writer.writerow([title] + [""] * (len(header) - 1))
    writer.writerow(header)
    writer.writerows(rows)
    if footer is not None:
        writer.writerow(footer)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> Path:
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title is not None:
        sheet.write(0, 0, title)
        r = 1
    sheet.write_row(r, 0, list(header))
    for i, row in enumerate(rows, start=r + 1):
        for j, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(i, j, value, date_fmt)
            elif isinstance(value, int | float):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, value)
    book.close()
    return path


INSPECTOR_HEADER = ["执法证号", "姓名", "人员类别", "所属监管所", "资质", "执法证有效期至", "状态"]


def inspector_rows() -> list[list[str]]:
    return [
        ["37010001", "王伟", "执法人员", "华山市场监管所", "特种设备、食品", "2027-12-31", "在岗"],
        ["37010002", "李娜", "执法人员", "唐冶市场监管所", "", "2027-06-30", "在岗"],
        ["ZJ0001", "张强", "专家", "", "特种设备", "", "在岗"],
    ]


# A drawn task with teams, for the results and publicity tests.
TEAM_INSPECTOR_HEADER = ["执法证号", "姓名", "人员类别", "所属监管所", "执法证有效期至", "状态"]
RESULT_ITEM_HEADER = ["事项编码", "抽查事项名称"]


PUBLIC_FIELDS = ("--plan-code", "2026-JH-01", "--plan-name", "年度抽查计划",
                 "--authority", "济南市天桥区市场监督管理局")  # fmt: skip
"""What a public list requires of a task beyond its name and window (issue 16 §3)."""


@pytest.fixture
def assigned(cli: Cli, tmp_path: Path) -> dict[str, list[str]]:
    """T1 draws U1, U2 and U4 (every 存续 entity); four officers make teams of two. Returns the teams."""
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    people = [[f"3701000{i}", f"人员{i}", "执法人员", "华山市场监管所", "2027-12-31", "在岗"] for i in range(4)]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", TEAM_INSPECTOR_HEADER, people))
    cli.ok("items", "import", write_csv(tmp_path / "items.csv", RESULT_ITEM_HEADER, [["SJ01", "登记事项检查"]]))
    cli.ok("tasks", "create", "T1", "--name", "登记事项抽查", "--window", "2026-03-01:2026-06-30", "--item", "SJ01",
           "--ratio", "A=1", "--ratio", "B=1", "--ratio", "C=1", "--ratio", "D=1", *PUBLIC_FIELDS)  # fmt: skip
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042", "--algorithm", "1")  # the /1 formats
    cli.ok("tasks", "assign", "T1")
    teams: dict[str, list[str]] = {}
    for uscc, code in cli.query("SELECT uscc, inspector_code FROM team_members ORDER BY uscc, position"):
        teams.setdefault(uscc, []).append(code)
    assert sorted(teams) == sorted([U1, U2, U4])
    return teams


def record_result(cli: Cli, uscc: str, team: list[str], *extra: str) -> Result:
    """`results record T1 USCC --result 1 --date 2026-04-01` by ``team``, JSON output."""
    args = ["results", "record", "T1", uscc, "--result", "1", "--date", "2026-04-01", "-f", "json"]
    for code in team:
        args += ["--inspector", code]
    return cli(*args, *extra)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB file system of its own (tmpfs), to fill or to make read-only; root only (CI runs as root)."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs the suite as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """A file that takes all of ``disk``'s free space but ``leave`` bytes."""
    st = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(st.f_bavail * st.f_frsize - leave, 0))
    return filler


def remount(disk: Path, mode: str) -> None:
    """``mode``: "ro" (read-only) or "rw" again."""
    import subprocess

    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)
