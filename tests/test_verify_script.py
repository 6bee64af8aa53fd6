"""tools/verify_draw.py run as the outsider runs it (a subprocess): one line and exit 1 for every file it
cannot use, exit 2 for usage, never a traceback; and the same draw as creditcli for extreme weights."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import Cli
from creditcli import synth

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "tools" / "verify_draw.py"
VECTORS = ROOT / "tests" / "vectors"
CERT, POOL = VECTORS / "stratified.certificate.json", VECTORS / "stratified.pool.csv"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, check=False)


def outcome(*args: str | Path) -> tuple[int, str, str]:
    done = run(*args)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def test_the_vectors_are_reproduced() -> None:
    assert outcome(CERT, POOL) == (0, "一致：28 户抽取结果可由种子和抽取范围完全重现\n", "")


USAGE = "用法：python verify_draw.py 抽取证书.json 抽取范围.csv\n"


def test_usage() -> None:
    assert outcome() == (2, "", USAGE)
    assert outcome(CERT) == (2, "", USAGE)
    assert outcome(CERT, POOL, POOL) == (2, "", USAGE)
    assert outcome("--help") == (0, USAGE, "")


def edited_cert(tmp_path: Path, change: dict[str, object], drop: str | None = None) -> Path:
    cert = json.loads(CERT.read_text(encoding="utf-8")) | change
    if drop is not None:
        del cert[drop]
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(cert, ensure_ascii=False), encoding="utf-8")
    return path


def test_files_it_cannot_use_give_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    assert outcome(missing, POOL) == (1, "", f"无法复核：找不到文件 {missing}\n")
    assert outcome(CERT, tmp_path) == (1, "", f"无法复核：无法读取 {tmp_path}（Is a directory）\n")
    not_json = tmp_path / "x.json"
    not_json.write_text('{"seed": 1,\n', encoding="utf-8")
    assert outcome(not_json, POOL) == (1, "", f"无法复核：{not_json} 不是抽取证书（JSON 第 2 行第 1 列有误）\n")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00")
    assert outcome(CERT, binary) == (1, "", f"无法复核：{CERT} 或 {binary} 不是 UTF-8 文本\n")
    no_comma = tmp_path / "n.csv"
    no_comma.write_text("91370100000000000X\n", encoding="utf-8")
    assert outcome(CERT, no_comma) == (
        1,
        "",
        f"无法复核：{no_comma} 不是抽取范围文件（每行应为 统一社会信用代码,信用风险分类）\n",
    )


def test_a_missing_or_wrong_key_gives_one_line(tmp_path: Path) -> None:
    no_seed = edited_cert(tmp_path, {}, drop="seed")
    assert outcome(no_seed, POOL) == (
        1,
        "",
        f"无法复核：证书 {no_seed} 缺少字段或字段有误（KeyError: 'seed'），或与抽取范围文件不配套\n",
    )
    bad_ratio = edited_cert(tmp_path, {"parameters": {"ratios": {"A": "abc"}, "minimum": {}, "maximum": {}}})
    code, out, err = outcome(bad_ratio, POOL)
    assert (code, out) == (1, "") and err.startswith(f"无法复核：证书 {bad_ratio} 缺少字段或字段有误（")
    assert err.count("\n") == 1
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    code, out, err = outcome(listed, POOL)
    assert (code, out, err.count("\n")) == (1, "", 1) and "缺少字段或字段有误（TypeError" in err


def test_a_trailing_blank_line_is_reported_as_a_changed_file(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_bytes(POOL.read_bytes() + b"\n")
    assert outcome(CERT, pool) == (1, "抽取范围文件的 SHA-256 与证书中的 pool_digest 不符\n", "")


@pytest.mark.parametrize("weights", [{"A": "1e-308", "B": "1e308", "C": "1", "D": "1"},
                                     {"A": "1e308", "B": "1e-308", "C": "1e-308", "D": "1e308"}])  # fmt: skip
def test_extreme_weights_of_a_task_created_before_the_bounds_verify_alike(
    cli: Cli, tmp_path: Path, weights: dict[str, str]
) -> None:
    """creditcli no longer takes such weights (tests/test_bounds.py), but a database may hold a task created
    before: its draw is made, verified by creditcli, and reproduced by the script the same way."""
    frame = synth.entities(np.random.default_rng(5), 400)
    frame.to_csv(tmp_path / "e.csv", index=False)
    cli.ok("entities", "import", tmp_path / "e.csv")
    cli.ok("tasks", "create", "W1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--mode", "weighted",
           "--count", "40", "--weight", "A=1", "--weight", "B=1", "--weight", "C=1", "--weight", "D=1")  # fmt: skip
    (spec,) = cli.query("SELECT spec FROM tasks")[0]
    cli.execute("UPDATE tasks SET spec = :s", s=json.dumps(json.loads(spec) | {"weights": weights}))
    drawn = cli.ok("tasks", "draw", "W1", "--seed", "20261127000000000042")
    assert "Warning" not in drawn.stderr
    cli.ok("tasks", "verify", "W1")
    cli.ok("tasks", "certificate", "W1", "-o", tmp_path / "w.json", "--pool", tmp_path / "w.csv")
    assert outcome(tmp_path / "w.json", tmp_path / "w.csv") == (
        0,
        "一致：40 户抽取结果可由种子和抽取范围完全重现\n",
        "",
    )
