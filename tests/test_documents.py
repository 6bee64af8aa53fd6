"""Documents a bureau prints, seals and files (issue 17 §1): `tasks document CODE --what KIND` writes .docx
laid out after GB/T 9704-2012. Every document is read back with python-docx: its text, its tables, the
page set-up and the fonts."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.shared import Length, Pt

from conftest import (
    ENTITY_HEADER,
    PUBLIC_FIELDS,
    RESULT_ITEM_HEADER,
    TEAM_INSPECTOR_HEADER,
    U1,
    U2,
    U4,
    Cli,
    docx_text,
    entity_rows,
    record_result,
    write_csv,
)
from creditcli import clock

AUTHORITY = "济南市天桥区市场监督管理局"


@pytest.fixture
def drawn(cli: Cli, tmp_path: Path) -> dict[str, list[str]]:
    """T1 (implemented by the district bureau) draws U1, U2 and U4; teams of two officers each."""
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    people = [[f"3701000{i}", f"人员{i}", "执法人员", "华山市场监管所", "2027-12-31", "在岗"] for i in range(4)]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", TEAM_INSPECTOR_HEADER, people))
    items = write_csv(
        tmp_path / "items.csv",
        [*RESULT_ITEM_HEADER, "检查依据"],
        [["SJ01", "登记事项检查", "《市场主体登记管理条例》"]],
    )
    cli.ok("items", "import", items)
    ratios = ["--ratio", "A=1", "--ratio", "B=1", "--ratio", "C=1", "--ratio", "D=1"]
    cli.ok("tasks", "create", "T1", "--name", "登记事项抽查", "--window", "2026-03-01:2026-06-30", "--item", "SJ01",
           *PUBLIC_FIELDS, *ratios)  # fmt: skip
    cli.ok("tasks", "freeze", "T1", "-o", tmp_path / "notice.md")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.ok("tasks", "assign", "T1")
    teams: dict[str, list[str]] = {}
    for uscc, code in cli.query("SELECT uscc, inspector_code FROM team_members ORDER BY uscc, position"):
        teams.setdefault(uscc, []).append(code)
    return teams


def document(cli: Cli, tmp_path: Path, what: str, *extra: str) -> Path:
    path = tmp_path / f"{what}.docx"
    cli.ok("tasks", "document", "T1", "--what", what, "-o", path, *extra)
    return path


def test_the_page_is_set_up_as_an_official_document(cli: Cli, drawn: dict[str, list[str]], tmp_path: Path) -> None:
    path = document(cli, tmp_path, "notice", "--doc-no", "天市监抽〔2026〕12号")
    page = docx.Document(str(path)).sections[0]

    def mm(*lengths: Length | None) -> list[float]:  # stored in twips: to a tenth of a millimetre
        return [round(length.mm, 1) for length in lengths if length is not None]

    assert mm(page.page_width, page.page_height) == [210, 297]
    assert mm(page.top_margin, page.left_margin, page.bottom_margin, page.right_margin) == [37, 28, 35, 26]
    paragraphs = docx.Document(str(path)).paragraphs
    title = paragraphs[0]
    assert title.text == "随机抽取前公告"
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "方正小标宋简体"
    assert title.runs[0].font.name == "宋体"  # what a machine without the title font shows
    assert paragraphs[1].text == "天市监抽〔2026〕12号"
    body = next(p for p in paragraphs if p.text.startswith("为做好"))
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert docx.Document(str(path)).styles["Normal"].paragraph_format.line_spacing == Pt(28.95)
    # The authority and the date close it, right-aligned; the page number "— N —" is a field in the footer.
    closing = [p.text for p in paragraphs if p.alignment is not None and p.alignment == 2]
    today = clock.today()  # the suite's pinned day
    assert closing == [AUTHORITY, f"{today.year}年{today.month}月{today.day}日"]
    footer = page.footer.paragraphs[0]
    assert footer.text == "—  —" and "PAGE" in footer._p.xml


def test_the_notice_says_what_is_drawn_and_how_in_plain_chinese(
    cli: Cli, drawn: dict[str, list[str]], tmp_path: Path
) -> None:
    path = document(cli, tmp_path, "notice", "--draw-at", "2026-12-05 09:30 局三楼会议室")
    digest = cli.query("SELECT pool_digest FROM pool_freezes")[0][0]
    content = docx_text(path)
    assert "任务编号|T1" in content and "抽查事项|登记事项检查" in content  # items by name
    assert "检查时间|2026年3月1日至2026年6月30日" in content
    assert "抽取将于2026-12-05 09:30 局三楼会议室公开进行，欢迎监督。" in content
    assert f"抽取范围摘要（SHA-256）：{digest}" in content
    assert "合计|3" in content
    body, appendix = content.split("\n附件\n")
    assert "签号" in body and "πps" not in body and "Pareto" not in body  # the formulas go to the appendix
    assert "Pareto πps" in appendix


def test_the_public_certificate_names_no_class_and_no_ticket(
    cli: Cli, drawn: dict[str, list[str]], tmp_path: Path
) -> None:
    internal = docx_text(document(cli, tmp_path, "certificate"))
    public_path = tmp_path / "public.docx"
    cli.ok("tasks", "document", "T1", "--what", "certificate", "--public", "-o", public_path)
    public = docx_text(public_path)
    assert "随机种子|20261127000000000042" in public and "随机种子|20261127000000000042" in internal
    assert f"1|济南甲有限公司|{U1}" in public
    assert "签号" not in public and "名次" not in public and "内部" not in public
    assert "|A|" not in public and "|D|" not in public
    assert "随机抽取证书（内部）" in internal and "|签号（前 12 位）" in internal
    for role in ("经办人", "监督人", "见证人"):
        assert f"{role}（签字）：" in public


def test_one_inspection_notice_per_entity_with_the_team_and_the_basis(
    cli: Cli, drawn: dict[str, list[str]], tmp_path: Path
) -> None:
    path = document(cli, tmp_path, "inspection-notice", "--contact", "张三 0531-12345678")
    content = docx_text(path)
    assert content.count("检查通知书") == 3
    assert "济南甲有限公司：" in content and "济南乙有限公司：" in content
    assert "登记事项检查|《市场主体登记管理条例》" in content
    for code in drawn[U1]:
        assert f"|{code}|" in content
    assert "联系人及电话：张三 0531-12345678" in content
    split = tmp_path / "split"
    result = cli.ok("tasks", "document", "T1", "--what", "inspection-notice", "--split", split)
    assert result.stderr == f"检查通知书已写入 {split}（3 户）\n"
    assert sorted(p.name for p in split.iterdir()) == sorted(f"{u}-检查通知书.docx" for u in (U1, U2, U4))


def test_the_record_sheet_is_prefilled_from_recorded_results(
    cli: Cli, drawn: dict[str, list[str]], tmp_path: Path
) -> None:
    empty = docx_text(document(cli, tmp_path, "record-sheet"))
    assert "☑" not in empty and "☐实地检查" in empty and "☐1 未发现问题" in empty
    assert "☐无须后续处置措施" in empty
    record_result(cli, U1, drawn[U1], "--item", "SJ01")
    cli.ok("tasks", "document", "T1", "--what", "record-sheet", "--split", tmp_path / "sheets")
    first, second = (docx_text(tmp_path / "sheets" / f"{u}-随机抽查情况记录表.docx") for u in (U1, U2))
    assert f"统一社会信用代码/注册号|{U1}" in first
    assert "登记事项检查|是||" in first
    assert "☑实地检查" in first and "☑1 未发现问题" in first
    assert "检查日期：2026年4月1日" in first
    assert "☑" not in second and "登记事项检查|□是 □否||" in second


def test_the_results_notice_needs_every_result_and_shows_the_public_table(
    cli: Cli, drawn: dict[str, list[str]], tmp_path: Path
) -> None:
    result = cli("tasks", "document", "T1", "--what", "results-notice", "-o", tmp_path / "r.docx")
    assert result.exit_code == 65
    assert result.stderr.startswith("错误：任务 T1 还有 3 个抽中对象没有检查结果，不能导出结果公示")
    assert not (tmp_path / "r.docx").exists()
    for uscc, team in drawn.items():
        record_result(cli, uscc, team, "--item", "SJ01")
    path = document(cli, tmp_path, "results-notice")
    content = docx_text(path)
    table = docx.Document(str(path)).tables[0]
    code_cell = table.rows[1].cells[2]
    assert code_cell.text == U1 and "<w:noWrap/>" in code_cell._tc.xml  # an identifier is never broken
    assert "登记事项抽查结果公告" in content
    assert f"{AUTHORITY}于2026年3月1日至2026年6月30日对随机抽取的 3 户市场主体" in content
    assert f"1|济南甲有限公司|{U1}|2026-04-01|未发现问题" in content


def test_a_document_needs_an_authority(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T2", "--name", "x", "--window", "2026-03-01:2026-06-30")
    cli.ok("tasks", "freeze", "T2", "-o", tmp_path / "n.md")
    result = cli("tasks", "document", "T2", "--what", "notice", "-o", tmp_path / "n.docx")
    assert (result.exit_code, result.stderr) == (
        65,
        "错误：任务 T2 没有检查机关，文书不能没有发文机关：在配置文件中写 "
        'authority = "济南市天桥区市场监督管理局"（各任务通用），'
        "或创建任务时用 --authority 写明（任务文件中 authority = …）\n",
    )
    assert not (tmp_path / "n.docx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--what", "letter"],
            "错误：--what 应为 notice、certificate、inspection-notice、record-sheet、results-notice 之一，"
            "而不是 letter\n",
        ),
        (
            ["--what", "notice", "--split", "d"],
            "错误：--split 只用于每户一份的文书（inspection-notice、record-sheet）\n",
        ),
    ],
)
def test_usage_errors(cli: Cli, drawn: dict[str, list[str]], args: list[str], message: str) -> None:
    result = cli("tasks", "document", "T1", *args)
    assert (result.exit_code, result.stderr) == (2, message)
