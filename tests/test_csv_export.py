"""CSV exports: the batch fast path against a plain reference, and a big export read in two key ranges."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli, uscc, write_csv
from creditcli import parallel
from creditcli.db.split import SqliteSplit
from creditcli.io import writers

NAMES = ["code", "text", "flag", "note"]
CELL = st.one_of(
    st.none(),
    st.text(alphabet="=+-@\t\r\n,\"' a甲1", max_size=6),
)
ROW = st.tuples(st.text(alphabet="0123456789", min_size=1, max_size=4), CELL, st.integers(0, 1), CELL)


def reference(rows: list[tuple[Any, ...]]) -> str:
    """What the export must hold: every text cell through safe_cell, flags as 是/否, None empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(NAMES)
    for code, text, flag, note in rows:
        cells = [code, text, "是" if flag else "否", note]
        writer.writerow([None if c is None else writers.safe_cell(c) for c in cells])
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(ROW, max_size=5), max_size=4))
def test_batches_are_written_as_the_reference_says(batches: list[list[tuple[Any, ...]]]) -> None:
    table = writers.Table(NAMES, NAMES, batches, "test/1", frozenset({"flag"}))
    out = io.StringIO()
    count = writers.write_csv_stream(table, out)
    rows = [r for b in batches for r in b]
    assert count == len(rows)
    assert out.getvalue() == reference(rows)


def roster(cli: Cli, tmp_path: Path) -> None:
    rows = []
    for i in range(40):  # codes in key order: the 21st starts the second half
        name = ["=危险公司", "甲,乙 商行", "普通公司", '引"号', "-1 商行"][i % 5] + str(i)
        rows.append([uscc(f"91370100MA3C{i:05d}"), name, "A" if i % 3 else "C", "存续"])
    header = ["统一社会信用代码", "企业名称", "信用风险分类", "登记状态"]
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", header, rows))


def test_a_big_export_in_two_key_ranges_equals_the_serial_one(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster(cli, tmp_path)
    cli.ok("entities", "export", tmp_path / "serial.csv")
    monkeypatch.setattr(SqliteSplit, "MIN_ROWS", 1)
    medians: list[Any] = []
    median = SqliteSplit.median
    monkeypatch.setattr(SqliteSplit, "median", lambda self: medians.append(median(self)) or medians[-1])
    cli.ok("entities", "export", tmp_path / "split.csv")
    # SQLite files are read in two halves (the second by a forked child); PostgreSQL in one piece.
    assert medians == ([] if "postgresql" in cli.db else [uscc("91370100MA3C00020")])
    serial = (tmp_path / "serial.csv").read_bytes()
    assert (tmp_path / "split.csv").read_bytes() == serial
    assert serial.decode("utf-8-sig").count("\r\n") == 41
    assert "'=危险公司0" in serial.decode("utf-8-sig")


def test_a_commit_during_a_split_export_makes_it_read_again(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster(cli, tmp_path)
    cli.ok("entities", "export", tmp_path / "serial.csv")
    monkeypatch.setattr(SqliteSplit, "MIN_ROWS", 1)
    monkeypatch.setattr(SqliteSplit, "unchanged", lambda self: False)
    cli.ok("entities", "export", tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "serial.csv").read_bytes()


def test_data_version_sees_a_commit_by_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO t VALUES (?)", [(f"{i:03d}",) for i in range(10)])
    conn.commit()
    split = SqliteSplit(str(path), "t", ["k"], "", [], "k")
    split.MIN_ROWS = 1
    assert split.median() == "005"
    assert [r for b in split.part(None, "005") for r in b] == [(f"{i:03d}",) for i in range(5)]
    assert split.unchanged()
    assert split.median() == "005"
    conn.execute("INSERT INTO t VALUES ('999')")
    conn.commit()
    assert not split.unchanged()
    conn.close()


class ListHalves:
    """Rows in memory, split like db/split.py splits a SQLite file: io needs no database for it."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows, self.asked = rows, 0

    def median(self) -> Any | None:
        return self.rows[len(self.rows) // 2][0]

    def part(self, low: Any | None, high: Any | None, words: Any = None) -> list[list[tuple[Any, ...]]]:
        self.asked += 1
        shown = [(code, text, words["flag"][bool(flag)], note) for code, text, flag, note in self.rows]
        return [[r for r in shown if (low is None or r[0] >= low) and (high is None or r[0] < high)]]

    def unchanged(self) -> bool:
        return True


@settings(max_examples=40, deadline=None)
@given(st.lists(ROW, min_size=2, max_size=12, unique_by=lambda r: r[0]))
def test_any_halves_give_the_serial_bytes(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[Any, ...]]
) -> None:
    rows.sort()
    folder = tmp_path_factory.mktemp("halves")
    halves = ListHalves(rows)
    split = writers.Table(NAMES, NAMES, [rows], "test/1", frozenset({"flag"}), halves)
    assert writers.write_table(split, folder / "split.csv", writers.FileFormat.csv) == len(rows)
    serial = writers.Table(NAMES, NAMES, [rows], "test/1", frozenset({"flag"}))
    writers.write_table(serial, folder / "serial.csv", writers.FileFormat.csv)
    assert (folder / "split.csv").read_bytes() == (folder / "serial.csv").read_bytes()
    assert (folder / "split.csv").read_bytes().decode("utf-8-sig") == reference(rows)
    assert halves.asked == (1 if parallel.can_fork() else 2)  # the second half was read by a forked child
