"""`creditcli entities import`: every import rule, through the real CLI, with the database checked after."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import xlwt

from conftest import ENTITY_HEADER, U1, U2, U3, U4, Cli, entity_rows, uscc, write_csv, write_xlsx
from creditcli import clock
from creditcli.rosters.codes import check_char

pytestmark = pytest.mark.usefixtures("both_lookups")


def snapshot(cli: Cli) -> list[tuple[object, ...]]:
    return cli.query(
        "SELECT uscc, name, entity_type, CAST(established AS TEXT), station, status, risk_class "
        "FROM entities ORDER BY uscc"
    )


def load_base(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "base.csv", ENTITY_HEADER, entity_rows()))


def test_gb18030_with_title_and_total_rows(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "名录.csv",
        ENTITY_HEADER,
        entity_rows(),
        encoding="gb18030",
        title="济南市历城区市场主体名录（2026年10月）",
        footer=["合计", "4户", "", "", "", "", "", ""],
    )
    result = cli.ok("--format", "json", "entities", "import", path)
    summary = json.loads(result.stdout)
    assert summary["schema"] == "creditcli.import/1"
    assert (
        summary["encoding"],
        summary["rows"],
        summary["inserted"],
        summary["updated"],
        summary["unchanged"],
    ) == (
        "gb18030",
        4,
        4,
        0,
        0,
    )
    assert "提示：跳过表头上方的标题行 1 行" in result.stderr
    assert "提示：跳过末尾的合计行" in result.stderr
    assert snapshot(cli) == [
        (U1, "济南甲有限公司", "企业", "2020-01-05", "华山市场监管所", "存续", "A"),
        (U2, "济南乙有限公司", "企业", "2019-03-07", "华山市场监管所", "存续", "D"),
        (U3, "济南丙店", "个体工商户", "2021-06-01", "唐冶市场监管所", "注销", "B"),
        (U4, "济南丁专业合作社", "农民专业合作社", "2018-01-02", "唐冶市场监管所", "存续", "C"),
    ]


def test_utf8_bom_and_english_aliases(cli: Cli, tmp_path: Path) -> None:
    header = ["uscc", "name", "type", "established", "station", "industry", "status", "risk_class"]
    path = write_csv(tmp_path / "en.csv", header, entity_rows(), encoding="utf-8-sig")
    result = cli.ok("-f", "json", "entities", "import", path)
    assert json.loads(result.stdout)["encoding"] == "utf-8-sig"
    assert cli.count("entities") == 4


def test_short_gbk_file_is_not_misread(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", ["统一社会信用代码", "名称"], [[U1, "济南甲"]], encoding="gbk")
    cli.ok("entities", "import", path)
    assert cli.query("SELECT name, entity_type FROM entities") == [("济南甲", "企业")]


def test_xlsx_with_title_row_numeric_and_date_cells(cli: Cli, tmp_path: Path) -> None:
    rows = [
        [U1, "济南甲有限公司", dt.datetime(2020, 1, 5), 5211, "在业", "a"],
        [U2, "济南乙有限公司", dt.datetime(2019, 3, 7), 6210.0, "吊销，未注销", "Ｄ"],
    ]
    path = write_xlsx(
        tmp_path / "名录.xlsx",
        ["信用代码", "市场主体名称", "成立日期", "行业", "经营状态", "风险等级"],
        rows,
        "天桥区名录",
    )
    cli.ok("entities", "import", path)
    assert cli.query(
        "SELECT uscc, CAST(established AS TEXT), industry, status, risk_class FROM entities ORDER BY uscc"
    ) == [
        (U1, "2020-01-05", "5211", "存续", "A"),
        (U2, "2019-03-07", "6210", "吊销", "D"),
    ]


def test_xls_file(cli: Cli, tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("名录")
    for j, value in enumerate(["统一社会信用代码", "企业名称", "信用风险分类"]):
        sheet.write(0, j, value)
    for i, (code, name, klass) in enumerate([(U1, "甲", "B"), (U3, "丙", "C")], start=1):
        for j, value in enumerate((code, name, klass)):
            sheet.write(i, j, value)
    path = tmp_path / "old.xls"
    book.save(str(path))
    cli.ok("entities", "import", path)
    assert cli.query("SELECT uscc, risk_class, entity_type FROM entities ORDER BY uscc") == [
        (U1, "B", "企业"),
        (U3, "C", "个体工商户"),
    ]


def test_date_forms(cli: Cli, tmp_path: Path) -> None:
    forms = ["2023-01-05", "2023/1/5", "2023年1月5日", "20230105", "２０２３－０１－０５"]
    rows = [[uscc(f"9137011200000000{i}"), f"企业{i}", form] for i, form in enumerate(forms)]
    cli.ok(
        "entities",
        "import",
        write_csv(tmp_path / "d.csv", ["统一社会信用代码", "企业名称", "成立日期"], rows),
    )
    assert {r[0] for r in cli.query("SELECT CAST(established AS TEXT) FROM entities")} == {"2023-01-05"}


def test_upsert_reports_inserted_updated_unchanged(cli: Cli, tmp_path: Path) -> None:
    load_base(cli, tmp_path)
    again = cli.ok("-f", "json", "entities", "import", tmp_path / "base.csv")
    assert json.loads(again.stdout)["unchanged"] == 4
    rows = entity_rows()
    rows[0][1] = "济南甲有限责任公司"
    rows.append(
        [
            uscc("91370112MA3C00005"),
            "济南戊有限公司",
            "企业",
            "2022-02-02",
            "华山市场监管所",
            "C1391",
            "存续",
            "B",
        ]
    )
    out = json.loads(
        cli.ok("-f", "json", "entities", "import", write_csv(tmp_path / "v2.csv", ENTITY_HEADER, rows)).stdout
    )
    assert (out["inserted"], out["updated"], out["unchanged"]) == (1, 1, 3)
    assert cli.query("SELECT name FROM entities WHERE uscc = :u", u=U1) == [("济南甲有限责任公司",)]
    assert cli.count("import_runs") == 3


def test_partial_class_refresh_keeps_other_columns_and_history(cli: Cli, tmp_path: Path) -> None:
    rows = [[*r, "2026-10-01"] for r in entity_rows()]
    cli.ok("entities", "import", write_csv(tmp_path / "base.csv", [*ENTITY_HEADER, "分类日期"], rows))
    before = cli.query("SELECT uscc, name, station, industry FROM entities ORDER BY uscc")
    refresh = write_csv(
        tmp_path / "classes.csv",
        ["统一社会信用代码", "信用风险分类", "分类日期"],
        [[U1, "C", "2026-11-01"], [U2, "D", "2026-11-01"]],
    )
    out = json.loads(cli.ok("-f", "json", "entities", "import", refresh).stdout)
    assert (out["updated"], out["unchanged"]) == (2, 0)  # U2's class is unchanged but its date is new
    assert cli.query("SELECT uscc, name, station, industry FROM entities ORDER BY uscc") == before
    history = cli.query(
        "SELECT h.risk_class, CAST(h.effective_date AS TEXT) FROM entity_class_history h "
        "JOIN entities e ON e.id = h.entity_id WHERE e.uscc = :u ORDER BY h.effective_date",
        u=U1,
    )
    assert history == [("A", "2026-10-01"), ("C", "2026-11-01")]
    # U2 kept class D: no new history row.
    assert cli.query(
        "SELECT COUNT(*) FROM entity_class_history h JOIN entities e ON e.id = h.entity_id WHERE e.uscc = :u",
        u=U2,
    ) == [(1,)]
    shown = json.loads(cli.ok("-f", "json", "entities", "show", U1.lower()).stdout)
    assert shown["risk_class"] == "C"
    assert [(h["risk_class"], h["effective_date"]) for h in shown["class_history"]] == [
        ("A", "2026-10-01"),
        ("C", "2026-11-01"),
    ]
    # Importing the October file again is obeyed, with a warning that it is older than what is stored.
    again = cli.ok("entities", "import", tmp_path / "base.csv")
    assert (
        "警告：2 条记录的分类日期早于库中已有的分类日期（如第 2 行 2026-10-01 < 2026-11-01），已按文件更新；"
        in again.stderr
    )


def test_class_without_date_is_dated_on_import_day(cli: Cli, tmp_path: Path) -> None:
    load_base(cli, tmp_path)
    today = clock.today().isoformat()
    assert cli.query("SELECT DISTINCT CAST(effective_date AS TEXT) FROM entity_class_history") == [(today,)]
    assert cli.count("entity_class_history") == 4


def test_class_on_date(cli: Cli, tmp_path: Path) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from creditcli.rosters.entities import class_on

    header = ["统一社会信用代码", "企业名称", "信用风险分类", "分类日期"]
    cli.ok("entities", "import", write_csv(tmp_path / "a.csv", header, [[U1, "甲", "B", "2026-01-01"]]))
    cli.ok("entities", "import", write_csv(tmp_path / "b.csv", header, [[U1, "甲", "D", "2026-06-01"]]))
    url = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    engine = create_engine(url)
    with Session(engine) as session:
        assert class_on(session, U1, dt.date(2025, 12, 31)) is None
        assert class_on(session, U1, dt.date(2026, 5, 31)) == "B"
        assert class_on(session, U1, dt.date(2026, 6, 1)) == "D"
    engine.dispose()


def test_invalid_file_lists_every_problem_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    load_base(cli, tmp_path)
    before = snapshot(cli)
    bad_body = "91370112MA3C00001"
    wrong = "0" if check_char(bad_body) != "0" else "1"
    rows = [
        [U1, "济南甲有限公司（改名）", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        [bad_body + wrong, "坏校验位", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        [uscc("91370112MA3C00009"), "", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        [
            uscc("91370112MA3C0000A"),
            "未知类型",
            "公司制",
            "2020-01-05",
            "华山市场监管所",
            "C1391",
            "停业",
            "E",
        ],
        [uscc("91370112MA3C0000B"), "日期坏", "企业", "2020-13-45", "华山市场监管所", "C1391", "存续", "A"],
        [U2, "重复一", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        [U2, "重复二", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
        ["9137011", "太短", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"],
    ]
    path = write_csv(tmp_path / "bad.csv", ENTITY_HEADER, rows, title="标题")
    rejects = tmp_path / "rejects.csv"
    result = cli("entities", "import", path, "--rejects", rejects)
    assert result.exit_code == 65
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"错误：{path}: 发现 8 处问题，未导入任何数据"
    assert lines[1:9] == [
        f"  第 4 行 “统一社会信用代码”: {bad_body + wrong} 校验位应为 {check_char(bad_body)}"
        "（如确认代码无误，可加 --accept-bad-checksum 导入并记录警告）",
        "  第 5 行 “企业名称”: 不能为空",
        "  第 6 行 “主体类型”: 公司制 不是有效的取值（可选：企业、个体工商户、农民专业合作社、外国企业常驻代表机构）",
        "  第 6 行 “登记状态”: 停业 不是有效的取值（可选：存续、注销、吊销、撤销、迁出）",
        "  第 6 行 “信用风险分类”: E 不是已配置的信用风险分类（A、B、C、D）",
        "  第 7 行 “成立日期”: 2020-13-45 日期无法识别（可写作 2023-01-05、2023/1/5、2023年1月5日、20230105）",
        "  第 9 行 “统一社会信用代码”: " + U2 + " 与第 8 行重复",
        "  第 10 行 “统一社会信用代码”: 9137011 应为 18 位，实际 7 位",
    ]
    assert lines[9:] == [f"问题清单已写入 {rejects}"]
    assert snapshot(cli) == before
    assert cli.count("import_runs") == 1
    written = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == "行号,列,值,问题"
    assert len(written) == 1 + 8
    assert written[2] == "5,企业名称,,不能为空"


def test_dry_run_validates_without_writing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")  # a dry run creates no database either (tests/test_faults.py)
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    result = cli.ok("-f", "json", "entities", "import", path, "--dry-run")
    assert json.loads(result.stdout)["inserted"] == 4
    assert "仅检查（--dry-run）：未写入数据库" in result.stderr
    assert cli.count("entities") == 0
    assert cli.count("import_runs") == 0


def test_accept_bad_checksum_records_warning(cli: Cli, tmp_path: Path) -> None:
    body = "91370112MA3C00001"
    wrong = "0" if check_char(body) != "0" else "1"
    path = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称"], [[body + wrong, "校验位不符公司"]])
    assert cli("entities", "import", path).exit_code == 65
    result = cli.ok("entities", "import", path, "--accept-bad-checksum")
    assert f"警告：第 2 行 {body + wrong}: 校验位应为 {check_char(body)}，已按要求导入并记录警告" in result.stderr
    assert cli.query("SELECT warning FROM entities") == [
        (f"统一社会信用代码校验位不符（应为 {check_char(body)}），按 --accept-bad-checksum 导入",)
    ]


def test_new_entity_in_partial_file_needs_its_name(cli: Cli, tmp_path: Path) -> None:
    load_base(cli, tmp_path)
    new_code = uscc("91370112MA3C00007")
    path = write_csv(tmp_path / "c.csv", ["统一社会信用代码", "信用风险分类"], [[U1, "B"], [new_code, "C"]])
    result = cli("entities", "import", path)
    assert result.exit_code == 65
    assert "  第 3 行 “企业名称”: 检查对象名录中还没有这条记录，新增时“企业名称”不能为空" in result.stderr
    assert cli.query("SELECT risk_class FROM entities WHERE uscc = :u", u=U1) == [("A",)]


def test_unknown_columns_are_reported_and_ignored(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["统一社会信用代码", "企业名称", "联系电话", "注册资本"],
        [[U1, "甲", "0531-1", "100"]],
    )
    result = cli.ok("entities", "import", path)
    assert "提示：未识别的列已忽略：联系电话、注册资本" in result.stderr
    assert cli.count("entities") == 1


def test_mapping_file(cli: Cli, tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"纳税人识别号" = "uscc"\n"商户名" = "企业名称"\n', encoding="utf-8")
    path = write_csv(tmp_path / "e.csv", ["纳税人识别号", "商户名"], [[U1, "甲"]])
    assert cli("entities", "import", path).exit_code == 65
    cli.ok("entities", "import", path, "--mapping", mapping)
    assert cli.query("SELECT uscc, name FROM entities") == [(U1, "甲")]
    bad = tmp_path / "bad.toml"
    bad.write_text('"商户名" = "不存在的字段"\n', encoding="utf-8")
    result = cli("entities", "import", path, "--mapping", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：列映射文件 {bad} 指向未知字段：不存在的字段")


def test_missing_key_column(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    path = write_csv(tmp_path / "e.csv", ["企业名称", "住所"], [["甲", "济南"]])
    result = cli("entities", "import", path)
    assert result.exit_code == 65
    assert result.stderr.splitlines()[0] == (
        f"错误：{path}: 缺少必需的列“统一社会信用代码”（表头：企业名称、住所）；如果列名不同，请用 --mapping 指定"
    )


def test_ragged_row_is_named(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")  # a database to look into afterwards (a refused first import leaves none)
    path = tmp_path / "e.csv"
    path.write_text(f"统一社会信用代码,企业名称\n{U1},甲\n{U2},乙,多余\n", encoding="utf-8")
    result = cli("entities", "import", path)
    assert result.exit_code == 65
    assert f"  第 3 行: {U2},乙,多余 有 3 列，与表头的 2 列不一致（检查是否少了或多了分隔符）" in result.stderr
    assert cli.count("entities") == 0


def test_missing_file_and_bad_options(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    missing = cli("entities", "import", tmp_path / "none.csv")
    assert (missing.exit_code, missing.stderr.strip()) == (66, f"错误：找不到文件：{tmp_path / 'none.csv'}")
    path = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    enc = cli("entities", "import", path, "--encoding", "klingon")
    assert (enc.exit_code, enc.stderr) == (
        2,
        "错误：--encoding klingon：不认识的文本编码；可用 utf-8、utf-8-sig、gb18030、gbk、big5、utf-16 等"
        "（不写 --encoding 时自动识别）\n",
    )
    wrong = cli("entities", "import", path, "--encoding", "utf-16")
    assert wrong.exit_code == 65
    other = tmp_path / "e.pdf"
    other.write_bytes(b"%PDF")
    assert cli("entities", "import", other).exit_code == 2


def test_non_utf8_non_gb_file_suggests_encoding(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\xfd" * 3)
    result = cli("entities", "import", path)
    assert result.exit_code == 65
    assert "请用 --encoding 指定编码" in result.stderr


def test_a_value_holding_the_compare_separator_is_refused_at_the_edge(cli: Cli, tmp_path: Path) -> None:
    """Rows are compared as joined text (``changes.SEPARATOR``, a control character): no imported cell may
    hold one, so it can never fool the comparison."""
    header = ["统一社会信用代码", "企业名称", "住所"]
    load_base(cli, tmp_path)
    before = cli.dump()
    result = cli("entities", "import", write_csv(tmp_path / "a.csv", header, [[U1, "甲\x1f乙", "丙"]]))
    assert result.exit_code == 65
    assert "第 2 行 “企业名称”: 甲\\x1f乙 含有控制字符" in result.stderr
    assert cli.dump() == before
