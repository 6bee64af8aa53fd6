"""tools/verify_draw.py run as the outsider runs it (a subprocess): one line and exit 1 for every file it
cannot use, exit 2 for usage, never a traceback; and the same draw as creditcli for extreme weights."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import synth

from conftest import Cli
from creditcli.draw.strategies import Pool, weighted

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "tools" / "verify_draw.py"
VECTORS = ROOT / "tests" / "vectors"
CERT, POOL = VECTORS / "stratified.certificate.json", VECTORS / "stratified.pool.csv"
SEED = "20261127000000000042"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, check=False)


def outcome(*args: str | Path) -> tuple[int, str, str]:
    done = run(*args)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def test_the_vectors_are_reproduced() -> None:
    assert outcome(CERT, POOL) == (0, "一致：28 户抽取结果可由种子和抽取范围完全重现\n", "")


USAGE = (
    "用法：python verify_draw.py 抽取证书.json 抽取范围.csv\n"
    "      python verify_draw.py --proof 抽取凭证.json --public 公开证书.json\n"
)


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


def test_a_deeply_nested_certificate_gives_one_line(tmp_path: Path) -> None:
    nested = tmp_path / "deep.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert outcome(nested, POOL) == (1, "", f"无法复核：{nested} 不是抽取证书（JSON 嵌套过深）\n")
    inside = tmp_path / "deep-seed.json"
    inside.write_text('{"seed": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert outcome(inside, POOL) == (1, "", f"无法复核：{inside} 不是抽取证书（JSON 嵌套过深）\n")


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


EXTREME = [
    {"A": "1e-308", "B": "1e308", "C": "1", "D": "1"},
    {"A": "1e308", "B": "1e-308", "C": "1e-308", "D": "1e308"},
]


@pytest.mark.parametrize("weights", EXTREME)
def test_extreme_weights_are_computed_alike_by_creditcli_and_the_script(weights: dict[str, str]) -> None:
    """A λ that is 0.0 or 1.0 as a double (weights 1e308 and 1e-308, which creditcli took before its bounds and
    drew on SQLite): the script's keys are numpy's, so it reproduces such a draw instead of dividing by zero."""
    frame = synth.entities(np.random.default_rng(5), 400)
    pairs = sorted(zip(frame["统一社会信用代码"], frame["信用风险分类"], strict=True))
    pool = Pool.from_pairs([u for u, _ in pairs], [c for _, c in pairs])
    outcome = weighted(SEED, pool, 40, {c: Decimal(w) for c, w in weights.items()})
    script = runpy.run_path(str(SCRIPT))
    cert = {"seed": SEED, "mode": "weighted", "parameters": {"count": 40, "weights": weights}}
    selected, strata, tickets = script["redraw"](cert, pairs)
    assert [(p.rank, p.uscc, p.risk_class, p.ticket) for p in outcome.selected] == [
        (r, u, c, tickets[u]) for r, u, c in selected
    ]
    assert [(s.risk_class, s.n, s.k) for s in outcome.strata] == strata


@pytest.mark.parametrize("weights", EXTREME)
def test_a_stored_task_with_extreme_weights_is_not_drawn(cli: Cli, tmp_path: Path, weights: dict[str, str]) -> None:
    """Such keys order a whole class by code, not by chance, and PostgreSQL cannot store the inclusion
    probability: a task created before the bounds is refused at the draw, on every backend."""
    frame = synth.entities(np.random.default_rng(5), 400)
    frame.to_csv(tmp_path / "e.csv", index=False)
    cli.ok("entities", "import", tmp_path / "e.csv")
    cli.ok("tasks", "create", "W1", "--name", "x", "--window", "2026-03-01:2026-06-30", "--mode", "weighted",
           "--count", "40", "--weight", "A=1", "--weight", "B=1", "--weight", "C=1", "--weight", "D=1")  # fmt: skip
    (spec,) = cli.query("SELECT spec FROM tasks")[0]
    cli.execute("UPDATE tasks SET spec = :s", s=json.dumps(json.loads(spec) | {"weights": weights}))
    before = cli.dump()
    result = cli("tasks", "draw", "W1", "--seed", SEED)
    rule = "权重应在 0.000001 到 1000000 之间，最多 6 位小数"
    wrong = "".join(f"  - --weight {c}={Decimal(w)}：{rule}\n" for c, w in weights.items() if w not in ("1",))
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：任务 W1 的抽取参数超出现在允许的范围（任务创建于这些范围之前），不能抽取：\n"
        f"{wrong}请按现在的范围新建任务（docs/tasks.md）\n",
    )
    assert cli.dump() == before
