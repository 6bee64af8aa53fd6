"""tasks create / freeze / draw / verify / certificate through the real CLI, on every backend."""

from __future__ import annotations

import hashlib
import json
import math
import runpy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import synth
from consistent_sampler import sampler

from conftest import Cli, uscc, write_csv

TOOLS = Path(__file__).parent.parent / "tools"
SEED = "20261127000000000042"
WINDOW = "2026-03-01:2026-06-30"
ITEM_HEADER = ["事项编码", "抽查事项名称", "抽查类别", "事项类别", "检查对象", "所需资质"]
ITEM_ROWS = [
    ["SJ01", "企业公示信息情况的检查", "企业信息公示", "一般检查事项", "企业", ""],
    ["SJ07", "特种设备生产单位的监督检查", "特种设备安全", "重点", "特种设备生产单位", "特种设备"],
]
DEFAULT_RATIOS = {"A": "0.01", "B": "0.03", "C": "0.10", "D": "0.30"}


@pytest.fixture
def roster(cli: Cli, tmp_path: Path) -> pd.DataFrame:
    frame = synth.entities(np.random.default_rng(5), 400)
    path = tmp_path / "entities.csv"
    frame.to_csv(path, index=False)
    cli.ok("entities", "import", path)
    cli.ok("items", "import", write_csv(tmp_path / "items.csv", ITEM_HEADER, ITEM_ROWS))
    return frame


def expected_pool(frame: pd.DataFrame) -> list[tuple[str, str]]:
    active = frame[frame["登记状态"] == "存续"]
    return sorted(zip(active["统一社会信用代码"], active["信用风险分类"], strict=True))


def oracle_stratified(pool: list[tuple[str, str]], seed: str, ratios: dict[str, str]) -> list[tuple[str, str, int]]:
    """What consistent_sampler (a third-party implementation) draws: (uscc, class, rank)."""
    out = []
    for klass in sorted({c for _, c in pool}):
        members = [u for u, c in pool if c == klass]
        k = math.ceil(len(members) * Decimal(ratios[klass]))
        out += [(u, klass, i) for i, u in enumerate(sampler(members, seed=seed, take=k, output="id"), start=1)]
    return sorted(out)


def create(cli: Cli, code: str = "T1", *extra: str) -> None:
    cli.ok("tasks", "create", code, "--name", "双随机抽查", "--window", WINDOW, "--item", "SJ01", *extra)


def test_create_freeze_draw_verify_certificate(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    create(cli, "T1", "--ratio", "D=0.5")
    assert cli.query("SELECT code, status FROM tasks") == [("T1", "待抽取")]
    pool = expected_pool(roster)
    lines = "".join(f"{u},{c}\n" for u, c in pool).encode()
    digest = hashlib.sha256(lines).hexdigest()

    notice = tmp_path / "notice.md"
    frozen = cli.ok("tasks", "freeze", "T1", "-o", notice, "-f", "json", "--algorithm", "1")  # the /1 formats
    assert json.loads(frozen.stdout)["pool_digest"] == digest
    assert json.loads(frozen.stdout)["pool_size"] == 370
    text = notice.read_text(encoding="utf-8")
    assert digest in text and "| 合计 | 370 |" in text
    assert "登记状态为注销 16 户" in text

    drawn = cli.ok("tasks", "draw", "T1", "--seed", SEED, "-f", "json")
    summary = json.loads(drawn.stdout)
    assert summary["seed"] == SEED and summary["pool_digest"] == digest
    ratios = DEFAULT_RATIOS | {"D": "0.5"}
    want = oracle_stratified(pool, SEED, ratios)
    got = sorted((u, c, r) for u, c, r in cli.query("SELECT uscc, risk_class, rank FROM draw_selections"))
    assert got == want
    assert cli.query("SELECT status FROM tasks") == [("已抽取",)]

    verified = cli.ok("tasks", "verify", "T1", "-f", "json")
    assert json.loads(verified.stdout)["ok"] is True
    assert "复核通过：任务 T1 第 1 次抽取可由记录完全重现" in verified.stderr

    cert_path, pool_path = tmp_path / "cert.json", tmp_path / "pool.csv"
    cli.ok("tasks", "certificate", "T1", "-o", cert_path, "--pool", pool_path)
    cert = json.loads(cert_path.read_text(encoding="utf-8"))
    assert cert["schema"] == "creditcli.draw-certificate/1"
    assert (cert["seed"], cert["pool_digest"], cert["pool_size"]) == (SEED, digest, 370)
    assert [(s["risk_class"], s["n"], s["k"]) for s in cert["strata"]] == [
        (c, n, math.ceil(n * Decimal(ratios[c])))
        for c, n in sorted(pd.Series([c for _, c in pool]).value_counts().items())
    ]
    assert sorted((s["uscc"], s["risk_class"], s["rank"]) for s in cert["selected"]) == want
    assert pool_path.read_bytes() == lines
    assert "# 随机抽取证书" in cert_path.with_suffix(".md").read_text(encoding="utf-8")
    first = cert_path.read_bytes()
    cli.ok("tasks", "certificate", "T1", "-o", cert_path)
    assert cert_path.read_bytes() == first  # the certificate as issued, byte for byte
    assert runpy.run_path(str(TOOLS / "verify_draw.py"))["main"](cert_path, pool_path) == 0

    shown = json.loads(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    assert shown["schema"] == "creditcli.task/1"
    d = next(s for s in shown["strata"] if s["risk_class"] == "D")
    assert Fraction(*map(int, d["inclusion"].split("/"))) == Fraction(d["k"], d["n"])


BAD_CREATE = [
    (["--ratio", "A=1.5"], "--ratio A=1.5：比例应在 0 到 1 之间"),
    (["--ratio", "A=-0.1"], "--ratio A=-0.1：比例应在 0 到 1 之间"),
    (["--ratio", "A=abc"], "--ratio A “abc” 不是数字"),
    (["--ratio", "E=0.1"], "--ratio 中的分类 “E” 不是已配置的信用风险分类（A、B、C、D、未分类）"),
    (["--ratio", "A"], "--ratio 的值 “A” 应写作 分类=数值，例如 --ratio A=0.01"),
    (["--mode", "weighted", "--count", "5", "--weight", "A=0,B=1,C=1,D=1"], "--weight A=0：权重必须大于 0"),
    (["--mode", "weighted", "--count", "5", "--weight", "A=-2,B=1,C=1,D=1"], "--weight A=-2：权重必须大于 0"),
    (["--mode", "weighted", "--count", "5", "--weight", "A=1"], "按权重抽取需要每个分类的权重，缺少：B、C、D"),
    (["--mode", "weighted", "--weight", "A=1"], "按权重抽取（weighted）必须用 --count 指定抽取数量"),
    (["--mode", "random"], "抽取方式 “random” 无效"),
    (["--item", "NOPE"], "未知的抽查事项：NOPE"),
    (["--team-size", "1"], "--team-size 1：检查组至少 2 名执法人员（行政处罚法第四十二条）"),
    (["--min", "A=5", "--max", "A=2"], "分类 A 的最少抽取数 5 大于最多抽取数 2"),
    (["--type", "随便"], "抽查类型 “随便” 无效：应为 定向 或 不定向"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_CREATE)
def test_bad_parameters_are_refused_and_nothing_recorded(
    cli: Cli, roster: pd.DataFrame, extra: list[str], message: str
) -> None:
    result = cli("tasks", "create", "T9", "--name", "x", "--window", WINDOW, *extra)
    assert result.exit_code == 2, result.stderr
    # Parameter problems are collected into one list; a malformed option is reported on its own.
    assert result.stderr.startswith("错误：任务参数有误，未创建任务：\n") or result.stderr == f"错误：{message}\n"
    assert message in result.stderr
    assert cli.count("tasks") == 0


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("2026-06-30:2026-03-01", "  - 检查时间 2026-06-30:2026-03-01 为空：结束日期早于开始日期"),
        ("2026-03-01", "错误：检查时间 “2026-03-01” 应写作 开始日期:结束日期，例如 2026-03-01:2026-06-30"),
    ],
)
def test_empty_or_malformed_window_is_refused(cli: Cli, roster: pd.DataFrame, window: str, message: str) -> None:
    result = cli("tasks", "create", "T9", "--name", "x", "--window", window)
    assert result.exit_code == 2
    assert message in result.stderr
    assert cli.count("tasks") == 0


def test_count_larger_than_pool_and_empty_pool_are_refused(cli: Cli, roster: pd.DataFrame) -> None:
    weights = ["--weight", "A=1", "--weight", "B=2", "--weight", "C=4", "--weight", "D=8"]
    big = cli(
        "tasks", "create", "T9", "--name", "x", "--window", WINDOW, "--mode", "weighted", "--count", "371", *weights
    )
    assert big.exit_code == 65
    assert big.stderr == "错误：抽取数量 371 大于可抽取的检查对象数 370\n"
    empty = cli("tasks", "create", "T9", "--name", "x", "--window", WINDOW, "--station", "不存在的所")
    assert empty.exit_code == 65
    assert "错误：任务 T9 的抽查范围内没有可抽取的检查对象（已排除 0 户），请检查范围条件" in empty.stderr
    assert cli.count("tasks") == 0


@pytest.mark.parametrize(
    "seed", ["1234567890123456789", "1234567890123456789X", "１２３４５６７８９０１２３４５６７８９０"]
)
def test_bad_seed_is_refused(cli: Cli, roster: pd.DataFrame, seed: str) -> None:
    create(cli)
    result = cli("tasks", "draw", "T1", "--seed", seed)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：随机种子 “{seed}” 无效：应为至少 20 位十进制数字")
    assert cli.count("draws") == 0 and cli.count("pool_freezes") == 0


def test_seed_used_by_another_task_is_refused_unless_allowed(cli: Cli, roster: pd.DataFrame) -> None:
    create(cli, "T1")
    create(cli, "T2")
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    again = cli("tasks", "draw", "T2", "--seed", SEED)
    assert again.exit_code == 2
    assert again.stderr == f"错误：随机种子 {SEED} 已被任务 T1 的第 1 次抽取使用；请重新掷骰生成新的种子\n"
    assert cli.query("SELECT COUNT(*) FROM draws d JOIN tasks t ON t.id = d.task_id WHERE t.code = 'T2'") == [(0,)]
    cli.ok("tasks", "draw", "T2", "--seed", SEED, "--allow-seed-reuse")


def test_a_draw_that_freezes_the_pool_itself_says_nothing_was_published_before_the_seed(
    cli: Cli, roster: pd.DataFrame, tmp_path: Path
) -> None:
    create(cli, "T1")
    create(cli, "T2")
    said = (
        "任务尚未冻结抽取范围：已先冻结再抽取。抽取范围摘要和各类根哈希因此没有在掷骰之前公布，"
        "公开证书的冻结时间即抽取时间；公开抽取应先用 creditcli tasks freeze 冻结并公布抽取前公告，再掷骰抽取\n"
    )
    assert said in cli.ok("tasks", "draw", "T1", "--seed", SEED).stderr
    cli.ok("tasks", "freeze", "T2", "-o", tmp_path / "notice.md")
    assert "已先冻结再抽取" not in cli.ok("tasks", "draw", "T2", "--seed", "1" + SEED).stderr
    create(cli, "T3")
    version_1 = cli.ok("tasks", "draw", "T3", "--seed", "2" + SEED, "--algorithm", "1").stderr
    assert "已先冻结再抽取。抽取范围摘要因此没有在掷骰之前公布，" in version_1  # version 1 has no roots


def test_seed_is_kept_exactly_as_typed(cli: Cli, roster: pd.DataFrame) -> None:
    create(cli)
    seed = "00000000000000000000000123"
    cli.ok("tasks", "draw", "T1", "--seed", seed)
    assert cli.query("SELECT seed FROM draws") == [(seed,)]


def test_drawing_twice_is_refused_and_redraw_keeps_the_earlier_record(cli: Cli, roster: pd.DataFrame) -> None:
    create(cli)
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    twice = cli("tasks", "draw", "T1", "--seed", "11111111111111111111")
    assert twice.exit_code == 1
    assert "不能重复抽取；确需重新抽取请加 --redraw --reason 原因" in twice.stderr
    no_reason = cli("tasks", "draw", "T1", "--seed", "11111111111111111111", "--redraw")
    assert no_reason.exit_code == 2
    assert no_reason.stderr == "错误：重新抽取（--redraw）必须用 --reason 写明原因\n"
    assert cli.count("draws") == 1
    cli.ok("tasks", "draw", "T1", "--seed", "11111111111111111111", "--redraw", "--reason", "监督人员未到场")
    rows = cli.query("SELECT seq, superseded_reason, superseded_at IS NOT NULL FROM draws ORDER BY seq")
    assert rows == [(1, "监督人员未到场", True), (2, None, False)]
    listed = json.loads(cli.ok("tasks", "list", "-f", "json").stdout)
    assert listed["rows"][0]["draws"] == "2"  # list rows are display text (docs/json.md)
    # Both draws stay verifiable: the superseded one by its number.
    cli.ok("tasks", "verify", "T1", "--seq", "1")
    cert = json.loads(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    assert cert["seed"] == "11111111111111111111"


def test_generated_seed_is_recorded_with_a_note(cli: Cli, roster: pd.DataFrame) -> None:
    create(cli)
    result = cli.ok("tasks", "draw", "T1")
    (seed,) = cli.query("SELECT seed FROM draws")[0]
    assert len(seed) == 20 and seed.isdigit()
    assert cli.query("SELECT seed_generated FROM draws") == [(True,)]
    assert f"未提供 --seed：已用系统随机数生成种子 {seed} 并记录" in result.stderr


def test_freeze_twice_needs_refreeze_and_draw_uses_the_frozen_pool(
    cli: Cli, roster: pd.DataFrame, tmp_path: Path
) -> None:
    create(cli)
    cli.ok("tasks", "freeze", "T1", "-o", tmp_path / "n.md")
    frozen_digest = cli.query("SELECT pool_digest FROM pool_freezes")[0][0]
    again = cli("tasks", "freeze", "T1", "-o", tmp_path / "n.md")
    assert again.exit_code == 1 and "请加 --refreeze（原记录保留）" in again.stderr
    # The roster changes after the freeze: the draw still uses the frozen pool, verify reports the change.
    first = roster.iloc[[0]].copy()
    first["信用风险分类"] = "A" if first["信用风险分类"].iloc[0] != "A" else "B"
    first.to_csv(tmp_path / "change.csv", index=False)
    cli.ok("entities", "import", tmp_path / "change.csv")
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    assert cli.query("SELECT pool_digest FROM draws") == [(frozen_digest,)]
    report = json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    assert (report["ok"], report["roster_reclassified"]) == (True, 1)


def test_verify_detects_changes_made_behind_the_tools_back(cli: Cli, roster: pd.DataFrame) -> None:
    create(cli)
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    cli.query("SELECT 1")  # the helper's engine; the tampering below uses raw SQL as an intruder would
    url = cli.db if "://" in cli.db else f"sqlite:///{cli.db}"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE draw_selections SET uscc = '91370100000000000X' WHERE rank = 1 AND risk_class = 'D'"))
    engine.dispose()
    result = cli("tasks", "verify", "T1")
    assert result.exit_code == 1
    assert "错误：任务 T1 第 1 次抽取复核不一致：" in result.stderr
    assert "数据库中的抽取结果与重新计算不符：缺少 1 条，多出 1 条" in result.stderr
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE draws SET certificate = replace(certificate, :a, :b)"), {"a": SEED, "b": "9" * 20})
    engine.dispose()
    result = cli("tasks", "verify", "T1")
    assert "抽取证书内容与其 SHA-256 不符：证书被改动过" in result.stderr


def test_task_file_with_scope_and_exclusions(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    active = roster[(roster["登记状态"] == "存续") & (roster["主体类型"] == "企业")]
    excluded = active["统一社会信用代码"].iloc[:2].tolist()
    write_csv(
        tmp_path / "exclude.csv", ["统一社会信用代码", "排除原因"], [[excluded[0], "正在立案调查"], [excluded[1], ""]]
    )
    (tmp_path / "task.toml").write_text(
        """
code = "2026-SJ-001"
name = "企业公示信息抽查"
plan_code = "2026-PLAN"
plan_name = "2026 年度抽查计划"
items = ["SJ01"]
window = "2026-03-01:2026-06-30"
team_size = 3

[pool]
entity_types = ["企业"]

[exclusions]
file = "exclude.csv"

[draw]
ratios = { A = "0.05", D = 1 }
""",
        encoding="utf-8",
    )
    cli.ok("tasks", "create", "--from", tmp_path / "task.toml")
    shown = json.loads(cli.ok("tasks", "show", "2026-SJ-001", "-f", "json").stdout)
    assert (shown["task_type"], shown["team_size"], shown["plan"]) == ("定向", 3, "2026-PLAN 2026 年度抽查计划")
    assert shown["parameters"]["ratios"] == {"A": "0.05", "B": "0.03", "C": "0.10", "D": "1"}
    cli.ok("tasks", "draw", "2026-SJ-001", "--seed", SEED, "--algorithm", "1")  # tickets of the codes
    pool = sorted(
        (u, c) for u, c in zip(active["统一社会信用代码"], active["信用风险分类"], strict=True) if u not in excluded
    )
    want = oracle_stratified(pool, SEED, DEFAULT_RATIOS | {"A": "0.05", "D": "1"})
    assert sorted(cli.query("SELECT uscc, risk_class, rank FROM draw_selections")) == want
    import gzip

    (blob,) = cli.query("SELECT exclusions FROM pool_freezes")[0]
    reasons = dict(line.split(",", 1) for line in gzip.decompress(blob).decode().splitlines())
    assert reasons[excluded[0]] == "正在立案调查"
    assert reasons[excluded[1]] == "列入排除名单 exclude.csv"


def test_bad_exclusion_file_names_the_row(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ex.csv", ["统一社会信用代码"], [["91370100000000000Y"]])
    result = cli("tasks", "create", "T1", "--name", "x", "--window", WINDOW, "--exclude", path)
    assert result.exit_code == 65
    assert f"错误：{path}: 排除名单有 1 处问题，未创建任务" in result.stderr
    assert "第 2 行 “统一社会信用代码”: 91370100000000000Y 校验位应为" in result.stderr
    assert cli.count("tasks") == 0


def test_exclude_entities_drawn_by_another_task_recently(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    create(cli, "T1", "--ratio", "A=0.5", "--ratio", "B=0.5", "--ratio", "C=0.5", "--ratio", "D=0.5")
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    drawn = {u for (u,) in cli.query("SELECT uscc FROM draw_selections")}
    create(cli, "T2", "--exclude-drawn-within", "12")
    cli.ok("tasks", "freeze", "T2", "-o", tmp_path / "notice.md")
    (size,) = cli.query("SELECT pool_size FROM pool_freezes ORDER BY id DESC")[0]
    assert size == 370 - len(drawn)


def test_weighted_draw_is_reproduced_by_the_standalone_script(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    weights = ["--weight", "A=1", "--weight", "B=2", "--weight", "C=4", "--weight", "D=8"]
    create(cli, "W1", "--mode", "weighted", "--count", "40", *weights)
    cli.ok("tasks", "draw", "W1", "--seed", SEED, "--algorithm", "1")
    cli.ok("tasks", "certificate", "W1", "-o", tmp_path / "w.json", "--pool", tmp_path / "w.csv")
    cert = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert len(cert["selected"]) == 40 and cert["mode"] == "weighted"
    assert runpy.run_path(str(TOOLS / "verify_draw.py"))["main"](tmp_path / "w.json", tmp_path / "w.csv") == 0
    shown = json.loads(cli.ok("tasks", "show", "W1", "-f", "json").stdout)
    assert [s["inclusion"] for s in shown["strata"]] == [s["inclusion"] for s in cert["strata"]]


def test_unknown_task_is_reported(cli: Cli, roster: pd.DataFrame) -> None:
    result = cli("tasks", "draw", "NOPE", "--seed", SEED)
    assert result.exit_code == 66
    assert result.stderr == "错误：没有编号为 NOPE 的抽查任务（用 creditcli tasks list 查看已有任务）\n"


@pytest.mark.parametrize("shuffle_seed", [1, 2, 3])
def test_same_seed_gives_byte_identical_certificates(tmp_path: Path, shuffle_seed: int) -> None:
    """Two databases fed the same roster in different row orders issue the same certificate, byte for byte."""
    import datetime as dt

    from typer.testing import CliRunner

    from creditcli.db.engine import make_engine, session_scope, to_url
    from creditcli.draw import certificate, drawing, freeze
    from creditcli.draw.tasks import create_task, get_task
    from creditcli.settings import Settings

    frame = synth.entities(np.random.default_rng(11), 300)
    now = dt.datetime(2026, 3, 1, 9, 30)
    certificates = []
    for i, order in enumerate([frame, frame.sample(frac=1, random_state=shuffle_seed)]):
        db = tmp_path / f"db{i}.db"
        order.to_csv(tmp_path / f"e{i}.csv", index=False)
        cli = Cli(str(db), CliRunner())
        cli.ok("entities", "import", tmp_path / f"e{i}.csv")
        engine = make_engine(to_url(str(db)), write=True)
        raw = {"code": "T1", "name": "x", "window": (dt.date(2026, 3, 1), dt.date(2026, 6, 30))}
        with session_scope(engine) as session:
            create_task(session, Settings(), raw, now=now)
        with session_scope(engine) as session:
            freeze.freeze(session, get_task(session, "T1"), now=now, version=1)
        with session_scope(engine) as session:
            drawing.draw(session, get_task(session, "T1"), seed=SEED, now=now)
        with session_scope(engine) as session:
            certificates.append(certificate.certificate(session, get_task(session, "T1")).json_text)
        engine.dispose()
    assert certificates[0] == certificates[1]
    assert json.loads(certificates[0])["drawn_at"] == "2026-03-01T09:30:00"


def test_unclassified_entities_need_their_own_ratio(cli: Cli, roster: pd.DataFrame, tmp_path: Path) -> None:
    unclassified = roster[roster["登记状态"] == "存续"].head(3).copy()
    unclassified["信用风险分类"] = ""
    # A class file cannot clear a class, so these three come in as new entities without one.
    unclassified["统一社会信用代码"] = [uscc(f"91370112MA3D0000{i}") for i in range(3)]
    unclassified.to_csv(tmp_path / "new.csv", index=False)
    cli.ok("entities", "import", tmp_path / "new.csv")
    refused = cli("tasks", "create", "T1", "--name", "x", "--window", WINDOW)
    assert refused.exit_code == 65
    assert (
        "抽取范围中有分类 未分类 的检查对象，但任务没有该分类的抽取参数（用 --ratio 未分类=比例 指定）"
        in refused.stderr
    )
    create(cli, "T1", "--ratio", "未分类=1")
    cli.ok("tasks", "draw", "T1", "--seed", SEED, "--algorithm", "1")
    assert sorted(u for (u,) in cli.query("SELECT uscc FROM draw_selections WHERE risk_class = ''")) == sorted(
        unclassified["统一社会信用代码"]
    )
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "c.json", "--pool", tmp_path / "p.csv")
    assert runpy.run_path(str(TOOLS / "verify_draw.py"))["main"](tmp_path / "c.json", tmp_path / "p.csv") == 0
