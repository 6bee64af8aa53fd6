"""report coverage: pool, drawn, inspected and results per class and station against the minimum ratios."""

from __future__ import annotations

import json

import pytest

from conftest import U1, U2, Cli, record_result


def test_coverage_per_class_and_station(cli: Cli, assigned: dict[str, list[str]]) -> None:
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    second = record_result(cli, U2, assigned[U2], "--result", "A")  # two findings may stand together
    assert second.exit_code == 0
    cli.ok("results", "record", "T1", U2, "--result", "E", "--date", "2026-04-02", "--inspector", assigned[U2][0],
           "--inspector", assigned[U2][1])  # fmt: skip
    rows = json.loads(cli.ok("report", "coverage", "--year", "2026", "-f", "json").stdout)["rows"]
    got = [
        (r["dimension"], r["group"], r["pool"], r["drawn"], r["inspected"], r["required"], r["reached"], r["results"])
        for r in rows
    ]
    assert got == [
        ("分类", "A", "1", "1", "1", "1", "1.0000", "1×1"),
        ("分类", "C", "1", "1", "0", "1", "1.0000", ""),
        ("分类", "D", "1", "1", "1", "1", "1.0000", "A×1；E×1"),
        ("监管所", "华山市场监管所", "2", "2", "2", "2", "1.0000", "1×1；A×1；E×1"),
        ("监管所", "唐冶市场监管所", "1", "1", "0", "1", "1.0000", ""),
    ]
    other_year = json.loads(cli.ok("report", "coverage", "--year", "2025", "-f", "json").stdout)["rows"]
    assert {(r["drawn"], r["reached"]) for r in other_year} == {("0", "0.0000")}


def test_coverage_table_draws_bars(cli: Cli, assigned: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = cli.ok("report", "coverage", "--year", "2026").stdout
    assert "2026 年抽查覆盖情况" in out and "██████████" in out and "100%" in out
