"""The shipped samples are what the committed generator makes, and the demo imports them whole."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from creditcli.cli.app import app
from creditcli.demo import SAMPLE_FILES, TASK_FILE, samples_dir

ROOT = Path(__file__).resolve().parents[1]


def test_samples_are_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tools" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in [*(n for _, n in SAMPLE_FILES), TASK_FILE]:
        assert (tmp_path / name).read_bytes() == (samples_dir() / name).read_bytes(), name


def test_demo_imports_every_sample(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    db = tmp_path / "creditcli.db"
    assert f"数据库：{db}" in result.stdout
    status = CliRunner().invoke(app, ["--db", str(db), "-f", "json", "entities", "list", "--limit", "0"])
    rows = json.loads(status.stdout)["rows"]
    assert len(rows) == 5200
    assert {r["risk_class"] for r in rows} == {"A", "B", "C", "D"}
    assert {r["entity_type"] for r in rows} == {"企业", "个体工商户", "农民专业合作社", "外国企业常驻代表机构"}
    assert {r["status"] for r in rows} >= {"存续", "注销", "吊销"}
    # Running it again starts afresh and gives the same figures (here as JSON).
    again = json.loads(CliRunner().invoke(app, ["demo", "--dir", str(tmp_path), "-f", "json"]).stdout)
    assert again["schema"] == "creditcli.demo/1" and again["db_path"] == str(db)
    assert [i["inserted"] for i in again["imports"]][:2] == [4000, 1200]  # the two entity files
    assert f"抽中 {again['draw']['selected']} 户" in result.stdout


def test_demo_draws_the_sample_task_and_the_script_agrees(tmp_path: Path) -> None:
    import runpy

    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert "复核（抽取与检查组）：一致" in result.stdout
    assert (tmp_path / "2026-SJ-001-检查计划.xlsx").stat().st_size > 0
    cert = tmp_path / "2026-SJ-001-抽取证书.json"
    pool = tmp_path / "2026-SJ-001-抽取范围.csv"
    data = json.loads(cert.read_text(encoding="utf-8"))
    assert data["seed"] == "20261127084730265918" and data["task"]["code"] == "2026-SJ-001"
    d = next(s for s in data["strata"] if s["risk_class"] == "D")
    assert d["k"] >= 5  # the sample task's --min D=5
    assert "抽取范围摘要" in (tmp_path / "2026-SJ-001-抽取前公告.md").read_text(encoding="utf-8")
    assert runpy.run_path(str(ROOT / "tools" / "verify_draw.py"))["main"](cert, pool) == 0
    public = json.loads((tmp_path / "2026-SJ-001-抽取证书（公开）.json").read_text(encoding="utf-8"))
    assert (public["seed"], public["pool_digest"], public["selected_count"]) == (
        data["seed"], data["pool_digest"], len(data["selected"]),
    )  # fmt: skip
    assert all(set(p) == {"uscc", "name"} for p in public["selected"])
    audited = CliRunner().invoke(app, ["--db", str(tmp_path / "creditcli.db"), "audit", "verify"])
    assert audited.exit_code == 0 and audited.stdout.startswith(
        "审计核验通过：41 条记录"
    )  # one entry per use case: 15 steps, 26 listings
    # Last, the shipped risk model over the whole sample roster, with its professional fields.
    assert (
        "本局模型分类（default@2026.1，基准日 2026-07-30）：A 4524 户，B 644 户，C 26 户，D 6 户；"
        "专业型模型定类：food 1341 户，special_equipment 854 户"
    ) in result.stdout
    # The results part: every drawn entity got a sample result, the lists are out, the task is published.
    assert f"检查结果：录入 {len(data['selected'])} 条（示例），任务状态：已公示" in result.stdout
    results = CalamineWorkbook.from_path(str(tmp_path / "2026-SJ-001-抽查结果公告.xlsx")).get_sheet_by_index(0)
    rows = results.to_python()
    assert rows[0][:3] == ["序号", "抽查计划编号", "抽查计划名称"] and len(rows) == len(data["selected"]) + 1
    assert {r[10] for r in rows[1:]} == {"未发现问题", "发现问题已责令改正", "发现问题待后续处理"}
    with zipfile.ZipFile(tmp_path / "2026-SJ-001-一对象一档案.zip") as z:
        assert len(z.namelist()) == 2 * len(data["selected"])
