"""The shipped samples are what the committed generator makes, and the demo imports them whole."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from typer.testing import CliRunner

from creditcli.cli.app import app
from creditcli.demo import SAMPLE_FILES, samples_dir

ROOT = Path(__file__).resolve().parents[1]


def test_samples_are_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tools" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for _, name in SAMPLE_FILES:
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
    # Running it again starts afresh and gives the same figures.
    again = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path)])
    assert again.stdout == result.stdout
