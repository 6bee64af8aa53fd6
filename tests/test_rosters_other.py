"""Inspectors, items and conflicts: the same import rules, and their own checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, INSPECTOR_HEADER, U1, U2, Cli, entity_rows, inspector_rows, write_csv

pytestmark = pytest.mark.usefixtures("both_lookups")

ITEM_HEADER = ["事项编码", "抽查事项名称", "抽查类别", "事项类别", "检查对象", "所需资质"]
ITEM_ROWS = [
    ["SJ01", "企业公示信息情况的检查", "企业信息公示", "一般检查事项", "企业", ""],
    ["SJ07", "特种设备生产单位的监督检查", "特种设备安全", "重点", "特种设备生产单位", "特种设备"],
]


def test_inspectors_import_list_show(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", INSPECTOR_HEADER, inspector_rows(), encoding="utf-8-sig")
    out = json.loads(cli.ok("-f", "json", "inspectors", "import", path).stdout)
    assert out["inserted"] == 3
    assert cli.query(
        "SELECT code, kind, qualifications, CAST(cert_expiry AS TEXT), status FROM inspectors ORDER BY code"
    ) == [
        ("37010001", "执法人员", "特种设备;食品", "2027-12-31", "在岗"),
        ("37010002", "执法人员", None, "2027-06-30", "在岗"),
        ("ZJ0001", "专家", "特种设备", None, "在岗"),
    ]
    listed = json.loads(cli.ok("-f", "json", "inspectors", "list", "--qualification", "特种设备").stdout)
    assert [r["code"] for r in listed["rows"]] == ["37010001", "ZJ0001"]
    assert listed["count"] == 2
    shown = json.loads(cli.ok("-f", "json", "inspectors", "show", "37010002").stdout)
    assert (shown["name"], shown["station"]) == ("李娜", "唐冶市场监管所")
    missing = cli("inspectors", "show", "99")
    assert (missing.exit_code, missing.stderr) == (66, "错误：名录中没有执法证号为 99 的人员\n")


def test_officer_needs_certificate_expiry(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    rows = [
        ["37010009", "赵六", "执法人员", "华山市场监管所", "", "", "在岗"],
        ["37010010", "钱七", "执法人员", "", "", "2027-1-1", "休假"],
    ]
    result = cli("inspectors", "import", write_csv(tmp_path / "p.csv", INSPECTOR_HEADER, rows))
    assert result.exit_code == 65
    assert result.stderr.splitlines()[1:] == [
        "  第 2 行 “执法证有效期至”: 执法人员须填写执法证有效期",
        "  第 3 行 “状态”: 休假 不是有效的取值（可选：在岗、离岗、停用）",
    ]
    assert cli.count("inspectors") == 0


def test_items_import_and_export(cli: Cli, tmp_path: Path) -> None:
    cli.ok("items", "import", write_csv(tmp_path / "i.csv", ITEM_HEADER, ITEM_ROWS))
    assert cli.query("SELECT code, item_type, qualifications FROM items ORDER BY code") == [
        ("SJ01", "一般检查事项", None),
        ("SJ07", "重点检查事项", "特种设备"),
    ]
    out = tmp_path / "items.json"
    cli.ok("items", "export", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "creditcli.items/1"
    assert [r["code"] for r in data["rows"]] == ["SJ01", "SJ07"]


def test_conflicts_resolve_codes_and_name_unknown_ones(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("inspectors", "import", write_csv(tmp_path / "p.csv", INSPECTOR_HEADER, inspector_rows()))
    header = ["执法证号", "统一社会信用代码", "回避原因"]
    bad = write_csv(
        tmp_path / "c_bad.csv",
        header,
        [["37010001", U1, "近亲属任负责人"], ["99999999", U2, "曾任职"], ["37010002", U2, ""]],
    )
    result = cli("conflicts", "import", bad)
    assert result.exit_code == 65
    assert result.stderr.splitlines()[1:] == [
        "  第 3 行 “执法证号”: 99999999 执法检查人员名录中没有这条记录，请先导入执法检查人员名录",
        "  第 4 行 “回避原因”: 不能为空",
    ]
    assert cli.count("conflicts") == 0
    good = write_csv(
        tmp_path / "c.csv", header, [["37010001", U1.lower(), "近亲属任负责人"], ["37010002", U2, "曾任职"]]
    )
    cli.ok("conflicts", "import", good)
    again = json.loads(cli.ok("-f", "json", "conflicts", "import", good).stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 2)
    listed = json.loads(cli.ok("-f", "json", "conflicts", "list", "--uscc", U1).stdout)
    assert listed["rows"] == [
        {
            "inspector_code": "37010001",
            "inspector_name": "王伟",
            "uscc": U1,
            "entity_name": "济南甲有限公司",
            "reason": "近亲属任负责人",
        }
    ]
    dup = write_csv(tmp_path / "c_dup.csv", header, [["37010001", U1, "甲"], ["37010001", U1, "乙"]])
    dup_result = cli("conflicts", "import", dup)
    assert dup_result.exit_code == 65
    assert "  第 3 行 “执法证号”: 37010001 与第 2 行重复" in dup_result.stderr
