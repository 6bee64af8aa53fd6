"""Issue 14 §3 (files and dates): bad cells refused at the edge, every one listed, nothing written.

Each test drives the real CLI and asserts the exit code, the exact message and that the database dump
is unchanged (on both backends). Dates relative to the pinned clock are computed from it, so that the
suite passes on any day (``CREDITCLI_TEST_SHIFT_DAYS``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import xlsxwriter

from conftest import ENTITY_HEADER, U1, U2, U3, Cli, entity_rows, write_csv, write_xlsx
from creditcli import clock

CONTROL = "含有控制字符（以 \\xNN 显示；常因文件损坏或由其他程序误写入），请删去后重新导入"
NUMBER = (
    "是一个数，不是日期（年份或 Excel 日期序号都不能当日期：Excel 中请把单元格设为日期格式，"
    "或可写作 2023-01-05、2023/1/5、2023年1月5日、20230105）"
)
RESULT_HEADER = ["抽查任务编号", "统一社会信用代码", "检查结果代码", "核查方式", "检查日期", "检查人员执法证号"]


def base(cli: Cli, tmp_path: Path) -> str:
    """The four sample entities, imported; returns the dump to compare against."""
    cli.ok("entities", "import", write_csv(tmp_path / "base.csv", ENTITY_HEADER, entity_rows()))
    return cli.dump()


def refused(cli: Cli, before: str, *args: str | Path, code: int = 65) -> list[str]:
    result = cli(*args)
    assert result.exit_code == code, result.stderr
    assert cli.dump() == before
    return result.stderr.splitlines()


def today() -> dt.date:
    return clock.today()


def tomorrow() -> str:
    return (clock.today() + dt.timedelta(days=1)).isoformat()


# ---- control characters ---------------------------------------------------------------------------


def test_a_nul_in_a_one_row_file_is_refused_not_a_crash(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_csv(tmp_path / "nul.csv", ["统一社会信用代码", "企业名称"], [[U1, "济南\x00甲"]])
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未导入任何数据",
        f"  第 2 行 “企业名称”: 济南\\x00甲 {CONTROL}",
    ]


def test_every_cell_with_a_control_character_is_listed_once(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    rows = [
        [U1, "济南甲\x1b[31m", "2020-01-05", "华山所"],
        [U2, "济南乙", "2019-03-07\x00", "华山\x7f所"],
        [U3, "济南丙\x85", "2019-03-07", "唐冶所"],
    ]
    path = write_csv(tmp_path / "c.csv", ["统一社会信用代码", "企业名称", "成立日期", "管辖单位"], rows)
    # The date with a NUL is reported as a control character only, not also as an unreadable date.
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 4 处问题，未导入任何数据",
        f"  第 2 行 “企业名称”: 济南甲\\x1b[31m {CONTROL}",
        f"  第 3 行 “成立日期”: 2019-03-07\\x00 {CONTROL}",
        f"  第 3 行 “管辖单位”: 华山\\x7f所 {CONTROL}",
        f"  第 4 行 “企业名称”: 济南丙\\x85 {CONTROL}",
    ]


def test_control_characters_in_an_excel_file_are_refused(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_xlsx(tmp_path / "c.xlsx", ["统一社会信用代码", "企业名称"], [[U1, "甲\x00"], [U2, "乙\x01丙"]])
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 2 处问题，未导入任何数据",
        f"  第 2 行 “企业名称”: 甲\\x00 {CONTROL}",
        f"  第 3 行 “企业名称”: 乙\\x01丙 {CONTROL}",
    ]


def test_a_control_character_in_a_header_is_refused(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_csv(tmp_path / "h.csv", ["统一社会信用代码", "企业名称", "备\x1b注"], [[U1, "甲", "x"]])
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 表头含有控制字符，未导入任何数据",
        f"  第 1 行 “表头”: 备\\x1b注 {CONTROL}",
    ]


def test_tabs_and_line_breaks_inside_quoted_cells_are_text(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(f'统一社会信用代码,企业名称,住所\r\n{U1},"甲\t公司","一号\r\n二号"\r\n'.encode())
    cli.ok("entities", "import", path)
    assert cli.query("SELECT name, address FROM entities") == [("甲\t公司", "一号\r\n二号")]


TAB = "含有未加引号的制表符（以 \\x09 显示；常是从别处粘贴时带入的）：请删去；确需制表符的，整格加英文双引号"


def test_a_tab_outside_quotes_is_refused_like_a_control_character(cli: Cli, tmp_path: Path) -> None:
    """Findings 32: a tab typed into an unquoted CSV cell was stored silently; the row named is the
    one Excel shows, after a quoted cell that spans two lines and next to a quoted tab that is text."""
    before = base(cli, tmp_path)
    path = tmp_path / "tab.csv"
    text = (
        "统一社会信用代码,企业名称,住所,成立日期\r\n"
        f'{U1},"甲\t公司","一号\r\n二号",2020-01-05\r\n'
        f"{U2},乙\t公司,二号,2019-03-07\t\r\n"
        f'{U3},"丙""公司""",三\t号,2021-06-01\r\n'
    )
    path.write_bytes(text.encode())
    # The date with a tab is reported as that alone, not also as an unreadable date.
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 3 处问题，未导入任何数据",
        f"  第 3 行 “企业名称”: 乙\\x09公司 {TAB}",
        f"  第 3 行 “成立日期”: 2019-03-07\\x09 {TAB}",
        f"  第 4 行 “住所”: 三\\x09号 {TAB}",
    ]


def test_a_results_file_with_a_control_character_records_nothing(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    before = cli.dump()
    rows = [["T1", U1, "1", "实地\x00检查", "2026-04-01", assigned[U1][0]]]
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, rows)
    assert refused(cli, before, "results", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未录入任何检查结果",
        f"  第 2 行 “核查方式”: 实地\\x00检查 {CONTROL}",
    ]


# ---- dates ----------------------------------------------------------------------------------------


def test_a_bare_year_in_a_csv_is_not_an_excel_serial(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    rows = [[U1, "甲", "2023"], [U2, "乙", "44931"]]
    path = write_csv(tmp_path / "y.csv", ["统一社会信用代码", "企业名称", "成立日期"], rows)
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 2 处问题，未导入任何数据",
        f"  第 2 行 “成立日期”: 2023 {NUMBER}",
        f"  第 3 行 “成立日期”: 44931 {NUMBER}",
    ]


def test_excel_serials_come_only_from_date_cells(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_xlsx(tmp_path / "n.xlsx", ["统一社会信用代码", "企业名称", "成立日期"], [[U1, "甲", 43531]])
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未导入任何数据",
        f"  第 2 行 “成立日期”: 43531 {NUMBER}",
    ]
    # A number shown as a date by any date format (here a Chinese custom one) is a date cell.
    good = tmp_path / "d.xlsx"
    book = xlsxwriter.Workbook(str(good))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "成立日期"])
    sheet.write_row(1, 0, [U1, "甲"])
    sheet.write_number(1, 2, 43531, book.add_format({"num_format": 'yyyy"年"m"月"d"日"'}))
    book.close()
    cli.ok("entities", "import", good)
    assert cli.query(f"SELECT CAST(established AS TEXT) FROM entities WHERE uscc = '{U1}'") == [("2019-03-07",)]


def test_excel_date_cells_of_1900_are_read_as_dates(cli: Cli, tmp_path: Path) -> None:
    """Findings 34: serial 1 is 1900-01-01 (the first day 成立日期 allows); serial 0, which Excel shows as
    1900-01-00 and xlsxwriter writes for 1900-01-01, is the day before: read as that date, so that the
    date's bounds name it (it was "00:00:00 日期无法识别")."""
    before = base(cli, tmp_path)
    path = tmp_path / "1900.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "成立日期"])
    for row, (code, name, serial) in enumerate([(U1, "甲", 1), (U2, "乙", 0)], start=1):
        sheet.write_row(row, 0, [code, name])
        sheet.write_number(row, 2, serial, day)
    book.close()
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未导入任何数据",
        f"  第 3 行 “成立日期”: 1899-12-31 早于 1900-01-01，应在 1900-01-01 至今天（{today().isoformat()}）之间",
    ]
    one = tmp_path / "one.xlsx"
    book = xlsxwriter.Workbook(str(one))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "成立日期"])
    sheet.write_row(1, 0, [U1, "甲"])
    sheet.write_number(1, 2, 1, book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    cli.ok("entities", "import", one)
    assert cli.query(f"SELECT CAST(established AS TEXT) FROM entities WHERE uscc = '{U1}'") == [("1900-01-01",)]


def test_dates_out_of_range_are_refused_with_the_range(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    now = today().isoformat()
    rows = [
        [U1, "甲", tomorrow(), ""],
        [U2, "乙", "1899-12-31", "1999-12-31"],
        [U3, "丙", now, tomorrow()],
    ]
    path = write_csv(tmp_path / "f.csv", ["统一社会信用代码", "企业名称", "成立日期", "分类日期"], rows)
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 4 处问题，未导入任何数据",
        f"  第 2 行 “成立日期”: {tomorrow()} 晚于今天，应在 1900-01-01 至今天（{now}）之间",
        f"  第 3 行 “成立日期”: 1899-12-31 早于 1900-01-01，应在 1900-01-01 至今天（{now}）之间",
        f"  第 3 行 “分类日期”: 1999-12-31 早于 2000-01-01，应在 2000-01-01 至今天（{now}）之间",
        f"  第 4 行 “分类日期”: {tomorrow()} 晚于今天，应在 2000-01-01 至今天（{now}）之间",
    ]
    # Today itself is allowed (tolerance none means: not after today).
    ok = write_csv(tmp_path / "ok.csv", ["统一社会信用代码", "企业名称", "成立日期"], [[U1, "甲", now]])
    cli.ok("entities", "import", ok)


def test_a_future_penalty_is_refused_so_the_lists_keep_working(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    header = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "公示日期"]
    rows = [
        ["济市监罚〔2026〕1号", U1, tomorrow(), "警告", ""],
        ["济市监罚〔2026〕2号", U1, "2026-01-05", "警告", "1999-01-01"],
    ]
    path = write_csv(tmp_path / "p.csv", header, rows)
    now = today().isoformat()
    assert refused(cli, before, "penalties", "import", path) == [
        f"错误：{path}: 发现 2 处问题，未导入任何数据",
        f"  第 2 行 “处罚决定日期”: {tomorrow()} 晚于今天，应在 2000-01-01 至今天（{now}）之间",
        f"  第 3 行 “公示日期”: 1999-01-01 早于 2000-01-01，应在 2000-01-01 至今天（{now}）之间",
    ]
    cli.ok("penalties", "due", "--today", "2026-06-01")


def test_a_results_file_date_in_the_future_is_refused(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    before = cli.dump()
    path = write_csv(tmp_path / "r.csv", RESULT_HEADER, [["T1", U1, "1", "实地检查", tomorrow(), assigned[U1][0]]])
    assert refused(cli, before, "results", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未录入任何检查结果",
        f"  第 2 行 “检查日期”: {tomorrow()} 晚于今天，应在 2000-01-01 至今天（{today().isoformat()}）之间",
    ]


def test_dates_typed_as_options_are_bounded_too(cli: Cli, assigned: dict[str, list[str]]) -> None:
    before = cli.dump()
    now = today().isoformat()
    team = ["--inspector", assigned[U1][0]]
    cases = [
        (["results", "record", "T1", U1, "--result", "1", "--date", tomorrow(), *team], "检查日期", "晚于今天", "2000"),
        (["publicity", "mark", "T1", "--what", "plan", "--date", tomorrow()], "公示日期", "晚于今天", "2000"),
        (["lists", "add", "--list", "serious", U1, "--ground", "x", "--decision-no", "1", "--date", "1999-12-31",
          "--unit", "济南市市场监管局"], "列入日期", "早于 2000-01-01", "2000"),
        (["lists", "remove", "--list", "serious", U1, "--reason", "x", "--date", tomorrow(), "--unit", "局"],
         "移出日期", "晚于今天", "2000"),
    ]  # fmt: skip
    for args, field, why, year in cases:
        typed = args[args.index("--date") + 1]
        assert refused(cli, before, *args, code=2) == [
            f"错误：--date {typed}：{field}{why}，应在 {year}-01-01 至今天（{now}）之间"
        ]


# ---- line endings and mapping files ---------------------------------------------------------------


def test_a_cr_only_csv_is_read_row_by_row(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(f'统一社会信用代码,企业名称,住所\r{U1},甲,"一号\r二号"\r{U2},乙,三号\r'.encode("gb18030"))
    result = cli.ok("-f", "json", "entities", "import", path)
    assert json.loads(result.stdout)["rows"] == 2
    assert "提示：文件以 CR（旧 Mac 格式）换行，已按行读取" in result.stderr
    assert cli.query("SELECT uscc, name, address FROM entities ORDER BY uscc") == [
        (U1, "甲", "一号\n二号"),
        (U2, "乙", "三号"),
    ]


def test_a_cr_only_csv_with_a_bad_row_names_its_line(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = tmp_path / "mac.csv"
    path.write_bytes(f"统一社会信用代码,企业名称,成立日期\r{U1},甲,2020-01-01\r{U2},乙,明天\r".encode())
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未导入任何数据",
        "  第 3 行 “成立日期”: 明天 日期无法识别（可写作 2023-01-05、2023/1/5、2023年1月5日、20230105）",
    ]


def test_a_gbk_mapping_file_is_read(cli: Cli, tmp_path: Path) -> None:
    mapping = tmp_path / "映射.toml"
    mapping.write_bytes('"纳税人识别号" = "uscc"\n"户名" = "name"\n'.encode("gbk"))
    path = write_csv(tmp_path / "e.csv", ["纳税人识别号", "户名"], [[U1, "甲"]], encoding="gbk")
    cli.ok("entities", "import", path, "--mapping", mapping)
    assert cli.query("SELECT uscc, name FROM entities") == [(U1, "甲")]


@pytest.mark.parametrize("kind", ["directory", "binary", "csv-binary"])
def test_a_mapping_file_that_is_no_text_file_is_a_usage_error(cli: Cli, tmp_path: Path, kind: str) -> None:
    before = base(cli, tmp_path)
    path = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称"], [[U1, "甲"]])
    code = 2
    if kind == "directory":  # an input that cannot be read as a file: 66, as for every input (finding 14)
        mapping = tmp_path / "映射"
        mapping.mkdir()
        message = f"错误：列映射文件 {mapping} 是目录，不是文件：请给出文件的路径"
        code = 66
    else:
        mapping = tmp_path / ("m.csv" if kind == "csv-binary" else "m.toml")
        mapping.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4\x00\x00\x00L\x02")
        message = (
            f"错误：列映射文件 {mapping} 不是文本文件（含有控制字符或无法解码）；应为 TOML、JSON 或两列 CSV 的文本文件"
        )
    assert refused(cli, before, "entities", "import", path, "--mapping", mapping, code=code) == [message]


# ---- workbooks ------------------------------------------------------------------------------------


def workbook(path: Path, sheets: list[tuple[str, list[list[str]], bool]]) -> Path:
    """Sheets as (name, rows, hidden); the first visible one is made the active one (Excel needs one)."""
    book = xlsxwriter.Workbook(str(path))
    made = []
    for name, rows, hidden in sheets:
        sheet = book.add_worksheet(name)
        for i, row in enumerate(rows):
            sheet.write_row(i, 0, row)
        made.append((sheet, hidden))
    next(s for s, hidden in made if not hidden).activate()
    for sheet, hidden in made:
        if hidden:
            sheet.hide()
    book.close()
    return path


ROSTER = [["统一社会信用代码", "企业名称"], [U1, "甲"]]
OTHER = [["统一社会信用代码", "企业名称"], [U2, "乙"]]


def test_a_hidden_first_sheet_is_skipped(cli: Cli, tmp_path: Path) -> None:
    path = workbook(tmp_path / "h.xlsx", [("旧名录", OTHER, True), ("名录", ROSTER, False), ("空表", [], False)])
    result = cli.ok("entities", "import", path)
    assert "提示：跳过隐藏的工作表：旧名录" in result.stderr
    assert cli.query("SELECT uscc FROM entities") == [(U1,)]


def test_a_second_sheet_with_data_needs_sheet(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = workbook(tmp_path / "two.xlsx", [("名录", ROSTER, False), ("补充", OTHER, False)])
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 有多张含数据的工作表（“名录”“补充”），不知道该导入哪一张；请用 --sheet 指定，如 --sheet 名录"
    ]
    cli.ok("entities", "import", path, "--sheet", "补充")
    assert cli.query(f"SELECT name FROM entities WHERE uscc = '{U2}'") == [("乙",)]


def test_sheet_names_a_sheet_that_exists_in_an_excel_file(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = workbook(tmp_path / "one.xlsx", [("名录", ROSTER, False)])
    assert refused(cli, before, "inspectors", "import", path, "--sheet", "人员", code=2) == [
        f"错误：{path} 中没有名为“人员”的工作表（有：名录）"
    ]
    csv = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称"], [[U1, "甲"]])
    assert refused(cli, before, "entities", "import", csv, "--sheet", "名录", code=2) == [
        "错误：--sheet 只用于 Excel 文件；CSV 文件只有一张表"
    ]


def test_the_results_import_takes_sheet_too(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    rows = [RESULT_HEADER, ["T1", U1, "1", "实地检查", "2026-04-01", "、".join(assigned[U1])]]
    path = workbook(tmp_path / "r.xlsx", [("说明", [["请填写第二张表"]], False), ("结果", rows, False)])
    before = cli.dump()
    assert refused(cli, before, "results", "import", path) == [
        f"错误：{path}: 有多张含数据的工作表（“说明”“结果”），不知道该导入哪一张；请用 --sheet 指定，如 --sheet 说明"
    ]
    cli.ok("results", "import", path, "--sheet", "结果")
    assert cli.count("results") == 1


# ---- encodings ------------------------------------------------------------------------------------

BIG5_ROWS = [
    [U1, "濟南甲貿易股份有限公司", "臺北市中正區重慶南路一段"],
    [U2, "臺灣乙實業有限公司", "高雄市前鎮區中華五路"],
]


def test_a_big5_file_is_refused_with_the_encoding_to_pass(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_csv(tmp_path / "big5.csv", ["uscc", "name", "address"], BIG5_ROWS, encoding="big5")
    lines = refused(cli, before, "entities", "import", path)
    assert lines == [
        f"错误：{path}: 按 GB18030 解码后 76% 是生僻字符，不像是 GB18030/GBK 编码的中文；"
        "很可能是 big5 编码，请加 --encoding big5 重新导入"
    ]
    cli.ok("entities", "import", path, "--encoding", "big5")
    assert cli.query(f"SELECT name, address FROM entities WHERE uscc = '{U2}'") == [
        ("臺灣乙實業有限公司", "高雄市前鎮區中華五路")
    ]


def test_a_one_row_big5_file_is_refused_too(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    path = write_csv(tmp_path / "b.csv", ["統一社會信用代碼", "名稱"], [[U1, "濟南甲"]], encoding="big5")
    assert refused(cli, before, "entities", "import", path)[0].endswith("请加 --encoding big5 重新导入")


@pytest.mark.parametrize("encoding", [None, "gbk"])
def test_short_gbk_files_with_rare_names_are_read_as_gbk(cli: Cli, tmp_path: Path, encoding: str | None) -> None:
    rows = [[U1, "济南喆堃商贸有限公司", "王喆"], [U2, "历城区乙商店", "李娜"]]
    path = write_csv(tmp_path / "g.csv", ["统一社会信用代码", "企业名称", "法定代表人"], rows, encoding="gbk")
    result = cli.ok("-f", "json", "entities", "import", path, *(["--encoding", encoding] if encoding else []))
    assert json.loads(result.stdout)["encoding"] == (encoding or "gb18030")
    assert cli.query("SELECT name, legal_rep FROM entities ORDER BY uscc") == [
        ("济南喆堃商贸有限公司", "王喆"),
        ("历城区乙商店", "李娜"),
    ]


def test_a_short_gbk_file_the_detector_ranks_korean_is_read_as_gbk(cli: Cli, tmp_path: Path) -> None:
    """Findings 33: two rare names make up 42% of the text and charset-normalizer ranks cp949 first;
    GB18030 is among its candidates, and a bureau's file is Chinese (it was refused as Korean)."""
    rows = [[U1, "龚喆堃"], [U2, "邝璟琨"]]
    path = write_csv(tmp_path / "g.csv", ["信用代码", "名称"], rows, encoding="gbk")
    result = cli.ok("-f", "json", "entities", "import", path)
    assert json.loads(result.stdout)["encoding"] == "gb18030"
    assert cli.query("SELECT name FROM entities ORDER BY uscc") == [("龚喆堃",), ("邝璟琨",)]


# ---- text lengths ---------------------------------------------------------------------------------


def test_text_longer_than_its_field_allows_is_refused_with_its_length(cli: Cli, tmp_path: Path) -> None:
    before = base(cli, tmp_path)
    rows = [[U1, "甲" * 200, "路" * 200], [U2, "乙" * 201, "路" * 40000]]
    path = write_xlsx(tmp_path / "long.xlsx", ["统一社会信用代码", "企业名称", "住所"], rows)
    assert refused(cli, before, "entities", "import", path) == [
        f"错误：{path}: 发现 2 处问题，未导入任何数据",
        f"  第 3 行 “企业名称”: {'乙' * 20}… 有 201 个字符，超过上限 200 个字符",
        f"  第 3 行 “住所”: {'路' * 20}… 有 32767 个字符，超过上限 200 个字符",
    ]
    cli.ok("entities", "import", write_csv(tmp_path / "ok.csv", ["统一社会信用代码", "企业名称", "住所"], rows[:1]))
    assert cli.query(f"SELECT length(name) FROM entities WHERE uscc = '{U1}'") == [(200,)]


def test_free_text_is_limited_to_2000_characters(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    before = cli.dump()
    header = [*RESULT_HEADER, "发现问题情况"]
    rows = [["T1", U1, "1", "实地检查", "2026-04-01", assigned[U1][0], "问" * 2001]]
    path = write_csv(tmp_path / "r.csv", header, rows)
    assert refused(cli, before, "results", "import", path) == [
        f"错误：{path}: 发现 1 处问题，未录入任何检查结果",
        f"  第 2 行 “发现问题情况”: {'问' * 20}… 有 2001 个字符，超过上限 2000 个字符",
    ]


# ---- codes ----------------------------------------------------------------------------------------


def test_inspector_codes_are_normalised_like_usccs(cli: Cli, tmp_path: Path) -> None:
    header = ["执法证号", "姓名", "人员类别", "执法证有效期至"]
    typed = [["３７０１ ０００１", "王伟", "执法人员", "2027-12-31"], ["zj0001", "张强", "专家", ""]]
    cli.ok("inspectors", "import", write_csv(tmp_path / "a.csv", header, typed))
    assert cli.query("SELECT code, name FROM inspectors ORDER BY code") == [("37010001", "王伟"), ("ZJ0001", "张强")]
    plain = [["37010001", "王伟", "执法人员", "2027-12-31"], ["ZJ0001", "张强", "专家", ""]]
    again = json.loads(
        cli.ok("-f", "json", "inspectors", "import", write_csv(tmp_path / "b.csv", header, plain)).stdout
    )
    assert (again["inserted"], again["unchanged"]) == (0, 2)  # the same two people, no phantom second
    shown = json.loads(cli.ok("-f", "json", "inspectors", "show", "３７０１０００１").stdout)
    assert shown["name"] == "王伟"
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    conflict = write_csv(tmp_path / "c.csv", ["执法证号", "统一社会信用代码", "回避原因"], [["Ｚｊ0001", U1, "亲属"]])
    cli.ok("conflicts", "import", conflict)
    listed = json.loads(cli.ok("-f", "json", "conflicts", "list", "--inspector", "zj０００１").stdout)
    assert [(r["inspector_code"], r["uscc"]) for r in listed["rows"]] == [("ZJ0001", U1)]


def test_item_result_and_decision_codes_are_normalised(cli: Cli, tmp_path: Path) -> None:
    cli.ok("items", "import", write_csv(tmp_path / "i.csv", ["事项编码", "抽查事项名称"], [["ｓｊ01", "登记事项检查"]]))
    assert cli.query("SELECT code FROM items") == [("SJ01",)]
    vocabulary = write_csv(
        tmp_path / "v.csv", ["代码", "检查结果", "上级代码"], [["a1", "甲", ""], ["a2", "乙", "Ａ1"]]
    )
    cli.ok("results", "vocabulary", vocabulary)
    assert cli.query("SELECT code, parent FROM result_codes WHERE code IN ('A1', 'A2') ORDER BY code") == [
        ("A1", None),
        ("A2", "A1"),
    ]
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    header = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类"]
    cli.ok(
        "penalties",
        "import",
        write_csv(tmp_path / "p.csv", header, [["济市监罚（２０２６）１号", U1, "2026-01-05", "警告"]]),
    )
    again = write_csv(tmp_path / "q.csv", header, [["济市监罚(2026)1号", U1, "2026-01-05", "警告"]])
    assert json.loads(cli.ok("-f", "json", "penalties", "import", again).stdout)["unchanged"] == 1
    assert cli.query("SELECT decision_no FROM penalties") == [("济市监罚(2026)1号",)]
    assert json.loads(cli.ok("-f", "json", "penalties", "show", "济市监罚（2026） 1号").stdout)["uscc"] == U1


def test_codes_typed_for_results_are_normalised(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    wide = assigned[U1][0].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    cli.ok("results", "record", "Ｔ1", U1, "--result", "1", "--date", "2026-04-01", "--inspector", wide,
           "--inspector", assigned[U1][1], "--item", "sj01")  # fmt: skip
    assert cli.query("SELECT item_code, inspectors FROM results") == [("SJ01", ";".join(assigned[U1]))]
    other = "，".join(assigned[U2]).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    rows = [["Ｔ1", U2, "1", "实地检查", "2026-04-01", other]]
    result = cli.ok("-f", "json", "results", "import", write_csv(tmp_path / "r.csv", RESULT_HEADER, rows))
    assert json.loads(result.stdout)["tasks"] == {"T1": "检查中"}
    assert cli.count("results") == 2
