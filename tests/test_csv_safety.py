"""Every CSV creditcli prints or writes goes through the one formula-safe writer (io/writers.py): a cell an
office program would run as a formula (``= + - @``, tab, CR first) gets a leading apostrophe (issue 16 §4,
domain.md §7). ``risk explain -f csv`` is CSV, not JSON."""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, U2, U4, Cli, record_result, write_csv

SRC = Path(__file__).resolve().parents[1] / "src" / "creditcli"
RISKY = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://example.invalid/x","点我")'
HEADER = [*ENTITY_HEADER, "住所", "法定代表人"]


def hostile_roster(cli: Cli, tmp_path: Path) -> None:
    """Values as a careless or malicious sheet holds them, in every text field that is shown."""
    rows = [
        [U1, HYPERLINK, "企业", "2020-01-05", "+华山市场监管所", "C1391", "存续", "A", "-1+1 路", "@SUM(A1:A9)"],
        [U2, "济南乙有限公司", "企业", "2019-03-07", "华山市场监管所", "F5211", "存续", "D", "-历下区", "=1+1"],
    ]
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", HEADER, rows))


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def assert_safe(rows: list[list[str]]) -> None:
    risky = [cell for row in rows for cell in row if cell.startswith(RISKY)]
    assert risky == []


def test_entities_show_csv_neutralises_every_formula(cli: Cli, tmp_path: Path) -> None:
    hostile_roster(cli, tmp_path)
    before = cli.dump()
    shown = cli.ok("entities", "show", U1, "-f", "csv")
    rows = cells(shown.stdout)
    assert_safe(rows)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["企业名称"], record["管辖单位"], record["住所"], record["法定代表人"]) == (
        "'" + HYPERLINK,
        "'+华山市场监管所",
        "'-1+1 路",
        "'@SUM(A1:A9)",
    )
    other = dict(zip(*cells(cli.ok("entities", "show", U2, "-f", "csv").stdout), strict=True))
    assert (other["住所"], other["法定代表人"]) == ("'-历下区", "'=1+1")
    # JSON and the table keep the data as it is: only CSV/XLSX cells are neutralised.
    data = json.loads(cli.ok("entities", "show", U1, "-f", "json").stdout)
    assert (data["name"], data["legal_rep"]) == (HYPERLINK, "@SUM(A1:A9)")
    assert cli.dump() == before  # a read writes nothing


@pytest.mark.parametrize(
    "command",
    [
        ("entities", "list"),
        ("entities", "show", U1),
        ("entities", "show", U2),
        ("db", "status"),
        ("audit", "list"),
        ("audit", "head"),
        ("audit", "verify"),
        ("risk", "explain", U1),
        ("risk", "classify", "--as-of", "2026-11-27", "--dry-run"),
    ],
)
def test_every_csv_on_stdout_is_formula_safe(cli: Cli, tmp_path: Path, command: tuple[str, ...]) -> None:
    hostile_roster(cli, tmp_path)
    cli.ok("risk", "classify", "--as-of", "2026-11-27")
    out = cli.ok(*command, "-f", "csv").stdout
    assert not out.lstrip().startswith(("{", "["))  # CSV, not JSON
    assert_safe(cells(out))


def test_audit_verify_csv_is_one_record(cli: Cli, tmp_path: Path) -> None:
    hostile_roster(cli, tmp_path)
    assert cli.ok("audit", "verify", "-f", "csv").stdout == "通过,记录条数,问题处数\nTrue,1,0\n"
    cli.execute("UPDATE audit_log SET counts = '{}'")
    broken = cli("audit", "verify", "-f", "csv")
    assert (broken.exit_code, broken.stdout) == (1, "通过,记录条数,问题处数\nFalse,1,1\n")
    assert broken.stderr == (
        "错误：审计核验未通过：审计记录第 1 条（creditcli entities import）的内容被改动（共 1 处）\n"
    )


def test_risk_explain_writes_csv_one_row_per_indicator(cli: Cli, tmp_path: Path) -> None:
    hostile_roster(cli, tmp_path)
    cli.ok("risk", "classify", "--as-of", "2026-11-27")
    data = json.loads(cli.ok("risk", "explain", U1, "-f", "json").stdout)
    rows = cells(cli.ok("risk", "explain", U1, "-f", "csv").stdout)
    assert rows[0] == [
        "统一社会信用代码", "名称", "导入的分类", "模型", "模型版本", "模型分类", "分类生效日期", "定类的模型",
        "评分模型", "得分", "按分档的分类", "直接定类规则", "指标", "指标名称", "指标取值", "指标得分",
    ]  # fmt: skip
    (model,) = data["models"]
    want = [
        (s["name"], str(s["score"]), i["id"], "" if i["value"] is None else str(i["value"]), str(i["points"]))
        for s in model["scorings"]
        for i in s["indicators"]
    ]
    assert [(r[8], r[9], r[12], r[14], r[15]) for r in rows[1:]] == want
    assert {(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]} == {
        (U1, "'" + HYPERLINK, "A", "default", model["risk_class"])
    }


def test_an_entity_no_model_has_classified_is_one_csv_row(cli: Cli, tmp_path: Path) -> None:
    hostile_roster(cli, tmp_path)
    rows = cells(cli.ok("risk", "explain", U2, "-f", "csv").stdout)
    assert rows[1] == [U2, "济南乙有限公司", "D", *[""] * 13]


def test_no_csv_is_written_outside_the_one_writer() -> None:
    """csv.writer, DictWriter and pandas' to_csv appear in io/writers.py alone (reading CSV is elsewhere)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "io" / "writers.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"writer", "DictWriter", "to_csv", "write_csv"}:
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.attr}")
    assert found == []


def test_a_negative_number_is_a_number_in_csv(cli: Cli, assigned: dict[str, list[str]]) -> None:
    """Only text is neutralised: 剩余工作日 -1 of an overdue task stays a number a script can read."""
    for uscc in (U1, U2, U4):
        assert record_result(cli, uscc, assigned[uscc]).exit_code == 0
    out = cli.ok("deadlines", "--today", "2026-08-31", "-f", "csv").stdout
    days = out.splitlines()[1].split(",")[out.splitlines()[0].split(",").index("剩余工作日")]
    assert days.startswith("-") and int(days) < 0
