"""Workbooks that guide the people who fill them (issue 17 §2): every XLSX export has a sheet named for
what it holds, the header bold and frozen in row 1, columns fitted to the content (CJK counted double),
dates as date cells, text as text cells without an added apostrophe, and A4-landscape print set-up with
the header repeated on every page. Read back with openpyxl, as another program would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from conftest import ENTITY_HEADER, U1, U2, Cli, entity_rows, write_csv
from creditcli.io.writers import display_width, sheet_name


def load_entities(cli: Cli, tmp_path: Path) -> None:
    rows = entity_rows()
    rows[0][1] = "@家便利店"
    rows[1][1] = '=HYPERLINK("http://x")公司'
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows))


def test_an_export_is_a_workbook_a_person_can_read_and_print(cli: Cli, tmp_path: Path) -> None:
    load_entities(cli, tmp_path)
    path = tmp_path / "名录.xlsx"
    cli.ok("entities", "export", path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["检查对象名录"]
    sheet = book["检查对象名录"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["统一社会信用代码", "企业名称"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    # Print set-up: A4 (paper size 9), landscape, one page wide, the header row on every page.
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "landscape")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in [(None, 0), (1, 0)]  # 1 is the default
    assert sheet.print_title_rows == "$1:$1"
    by_code = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    name = header.index("企业名称")
    established = header.index("成立日期")
    # Text cells, as typed: nothing added, nothing run.
    assert (by_code[U1][name].value, by_code[U1][name].data_type) == ("@家便利店", "s")
    assert (by_code[U2][name].value, by_code[U2][name].data_type) == ('=HYPERLINK("http://x")公司', "s")
    # Dates as date cells, shown as dates.
    cell = by_code[U1][established]
    assert (cell.value, cell.number_format) == (dt.datetime(2020, 1, 5), "yyyy-mm-dd")
    # Columns fitted: the widest text of the column (CJK counted double) plus a margin.
    widest_name = max(display_width(str(r[name].value or "")) for r in sheet.iter_rows())
    assert sheet.column_dimensions["B"].width == pytest.approx(widest_name + 2, abs=1)
    assert sheet.column_dimensions["A"].width == pytest.approx(18 + 2, abs=1)  # 18-character codes


def test_csv_keeps_the_apostrophe_that_stops_a_formula(cli: Cli, tmp_path: Path) -> None:
    load_entities(cli, tmp_path)
    cli.ok("entities", "export", tmp_path / "e.csv")
    text = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    assert "'@家便利店" in text and "'=HYPERLINK" in text


def test_a_public_list_keeps_its_header_in_row_one(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "list.xlsx")
    book = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert book.sheetnames == ["抽查名单"]
    assert book.active["A1"].value == "抽查计划编号"


@pytest.mark.parametrize(
    ("schema", "name"),
    [
        ("creditcli.result-template/1", "检查结果录入"),
        ("creditcli.inspection-plan/1", "检查计划"),
        ("creditcli.publicity-results/1", "抽查结果公告"),
        ("creditcli.something-new/1", "数据"),
    ],
)
def test_sheet_names(schema: str, name: str) -> None:
    assert sheet_name(schema) == name


def test_display_width_counts_cjk_double() -> None:
    assert (display_width("ABC"), display_width("企业名称"), display_width("Ａ１")) == (3, 8, 4)


def test_drop_downs_and_locked_columns(tmp_path: Path) -> None:
    """A table's choices become drop-downs over a second sheet 代码表; locked columns cannot be changed."""
    from creditcli.io.writers import FileFormat, Table, write_table

    table = Table(
        ["uscc", "result_code", "method"],
        ["统一社会信用代码", "检查结果代码", "核查方式"],
        [[(U1, "", ""), (U2, "", "")]],
        "creditcli.result-template/1",
        choices={"result_code": ["1 未发现问题", "E 发现问题已责令改正"], "method": ["实地检查", "书面检查"]},
        locked=frozenset({"uscc"}),
    )
    path = tmp_path / "t.xlsx"
    write_table(table, path, FileFormat.xlsx)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["检查结果录入", "代码表"]
    sheet, codes = book["检查结果录入"], book["代码表"]
    assert [[c.value for c in row] for row in codes.iter_rows()] == [
        ["检查结果代码", "核查方式"],
        ["1 未发现问题", "实地检查"],
        ["E 发现问题已责令改正", "书面检查"],
    ]
    rules = {str(v.sqref): (v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    assert rules == {"B2:B1000": ("list", "'代码表'!$A$2:$A$3"), "C2:C1000": ("list", "'代码表'!$B$2:$B$3")}
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked
    assert not sheet.column_dimensions["B"].protection.locked and not sheet.column_dimensions["C"].protection.locked
