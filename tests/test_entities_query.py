"""`entities list|show|export`: filters, formats, formula safety, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from conftest import ENTITY_HEADER, U1, U2, U3, U4, Cli, entity_rows, write_csv


def load(cli: Cli, tmp_path: Path) -> None:
    rows = entity_rows()
    rows[0][1] = '=HYPERLINK("http://x")公司'
    rows[1][1] = "-1+2 商行"
    header = [*ENTITY_HEADER, "标签"]
    tags = ["食品生产、特种设备", "食品销售", "", "特种设备"]
    cli.ok(
        "entities",
        "import",
        write_csv(tmp_path / "e.csv", header, [[*r, t] for r, t in zip(rows, tags, strict=True)]),
    )


def codes(result_stdout: str) -> list[str]:
    return [r["uscc"] for r in json.loads(result_stdout)["rows"]]


def test_list_filters(cli: Cli, tmp_path: Path) -> None:
    load(cli, tmp_path)
    assert codes(cli.ok("-f", "json", "entities", "list").stdout) == sorted([U1, U2, U3, U4])
    assert codes(cli.ok("-f", "json", "entities", "list", "--class", "d").stdout) == [U2]
    assert codes(cli.ok("-f", "json", "entities", "list", "--status", "注销").stdout) == [U3]
    assert codes(cli.ok("-f", "json", "entities", "list", "--station", "唐冶市场监管所").stdout) == [U3, U4]
    assert codes(cli.ok("-f", "json", "entities", "list", "--type", "个体工商户").stdout) == [U3]
    assert codes(cli.ok("-f", "json", "entities", "list", "--industry", "C13").stdout) == [U1]
    assert codes(cli.ok("-f", "json", "entities", "list", "--tag", "特种设备").stdout) == [U1, U4]
    assert codes(cli.ok("-f", "json", "entities", "list", "--name", "专业合作").stdout) == [U4]
    assert codes(cli.ok("-f", "json", "entities", "list", "--name", "%").stdout) == []
    assert codes(cli.ok("entities", "list", "-n", "2", "--format", "json").stdout) == sorted([U1, U2, U3, U4])[:2]


def test_list_table_escapes_markup(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    path = write_csv(tmp_path / "e.csv", ["统一社会信用代码", "企业名称"], [[U1, "[bold]甲[/]公司"]])
    cli.ok("entities", "import", path)
    out = cli.ok("entities", "list").stdout
    assert "│ [bold]甲[/]公司 │" in out


def test_show_unknown(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    result = cli("entities", "show", U1)
    assert (result.exit_code, result.stderr) == (66, f"错误：名录中没有统一社会信用代码为 {U1} 的检查对象\n")


def test_export_csv_is_excel_safe(cli: Cli, tmp_path: Path) -> None:
    load(cli, tmp_path)
    out = tmp_path / "out" / "名录.csv"
    out.parent.mkdir()  # an output's directory must exist (a mistyped one is exit 73: tests/test_faults.py)
    result = cli.ok("entities", "export", out, "--class", "A")
    assert result.stderr == f"已导出 1 条到 {out}\n"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(",")[:3] == ["统一社会信用代码", "企业名称", "注册号"]
    assert lines[1].startswith(f'{U1},"\'=HYPERLINK(""http://x"")公司",,企业,2020-01-05,')
    assert [p.name for p in out.parent.iterdir()] == ["名录.csv"]  # no temporary left behind


def test_export_xlsx_and_json(cli: Cli, tmp_path: Path) -> None:
    load(cli, tmp_path)
    xlsx = tmp_path / "e.xlsx"
    cli.ok("entities", "export", xlsx)
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"]
    assert [r[0] for r in rows[1:]] == sorted([U1, U2, U3, U4])
    assert rows[2][1] == "-1+2 商行"  # a text cell: never run as a formula, so nothing is added
    cli.ok("entities", "export", tmp_path / "e.json")
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert data["count"] == 4
    assert data["rows"][1]["name"] == "-1+2 商行"  # JSON is machine output: values as stored
    assert data["rows"][0]["tags"] == "特种设备;食品生产"


def test_export_needs_a_known_format(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    result = cli("entities", "export", tmp_path / "e.txt")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：无法从文件名 e.txt 判断格式：请用 .csv、.xlsx、.json 结尾，或加 --format\n",
    )
    cli.ok("entities", "export", tmp_path / "e.txt", "--format", "csv")
    assert (tmp_path / "e.txt").read_text(encoding="utf-8-sig").startswith("统一社会信用代码,")


def test_export_to_a_directory_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    result = cli("entities", "export", tmp_path, "--format", "csv")
    assert (result.exit_code, result.stderr) == (73, f"错误：{tmp_path} 是目录，请给出文件名\n")


def test_writing_to_a_pipe_or_device_writes_in_place(tmp_path: Path) -> None:
    """`-o /dev/stdout` or a named pipe must get the data, never be replaced by a regular file."""
    import os
    import stat
    import threading

    from creditcli.io.writers import write_bytes

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_bytes(fifo, "证书".encode())
    reader.join(timeout=10)
    assert received == ["证书".encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
