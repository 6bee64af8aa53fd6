"""Algorithm version 2 (issue 18, domain.md §8b): salted tickets, class roots published before the seed,
certificates with roots and thresholds, entity proofs, and `tasks verify` of all of it.

The pool secret is pinned (``merkle.new_secret`` patched in this process: the ``cli`` fixture runs the CLI
in-process), so every salt, root and ticket is known; each is recomputed here from the primitives of
``creditcli.draw.merkle`` and the §8 ticket, never read back from the tool.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import synth

from conftest import PINNED_NOW, Cli, expect, uscc
from creditcli.draw import merkle
from creditcli.draw.strategies import class_label
from creditcli.draw.tickets import ticket, ticket_sort_key

SECRET = "5a" * 32
SEED = "20261127084730265918"
WINDOW = ["--window", "2026-03-01:2026-06-30"]
RATIOS = ["--ratio", "A=0.05", "--ratio", "B=0.1", "--ratio", "C=0.2", "--ratio", "D=0.5"]


@pytest.fixture(autouse=True)
def pinned_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merkle, "new_secret", lambda: SECRET)


@pytest.fixture
def pool(cli: Cli, tmp_path: Path) -> list[tuple[str, str]]:
    """300 synthetic entities imported; the (uscc, class) of those 存续, sorted: the pool of a default task."""
    frame = synth.entities(np.random.default_rng(18), 300)
    frame.to_csv(tmp_path / "entities.csv", index=False)
    cli.ok("entities", "import", tmp_path / "entities.csv")
    active = frame[frame["登记状态"] == "存续"]
    return sorted(zip(active["统一社会信用代码"].tolist(), active["信用风险分类"].tolist(), strict=True))


def salted(pool: list[tuple[str, str]], secret: str = SECRET) -> dict[str, str]:
    return {u: merkle.salt(secret, u) for u, _ in pool}


def roots(pool: list[tuple[str, str]], secret: str = SECRET) -> dict[str, str]:
    salts = salted(pool, secret)
    out: dict[str, list[bytes]] = {}
    for u, c in pool:
        out.setdefault(c, []).append(merkle.leaf_hash(f"{u}|{c}|{salts[u]}".encode()))
    return {c: merkle.root(leaves).hex() for c, leaves in sorted(out.items())}


def expected_draw(pool: list[tuple[str, str]], ratios: dict[str, Fraction]) -> list[tuple[int, str, str, str]]:
    """Each class's k = ⌈n·r⌉ smallest tickets of ``uscc|salt`` (§8 tickets; ties by code), ranked."""
    salts = salted(pool)
    out = []
    for klass in sorted({c for _, c in pool}):
        members = [u for u, c in pool if c == klass]
        k = -(-len(members) * ratios[klass].numerator // ratios[klass].denominator)
        ranked = sorted(members, key=lambda u: (ticket_sort_key(ticket(SEED, f"{u}|{salts[u]}")), u))[:k]
        out += [(i, u, klass, ticket(SEED, f"{u}|{salts[u]}")) for i, u in enumerate(ranked, start=1)]
    return out


DEFAULT = {"A": Fraction(1, 20), "B": Fraction(1, 10), "C": Fraction(1, 5), "D": Fraction(1, 2)}


def drawn(cli: Cli, *extra: str) -> None:
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", *WINDOW, *RATIOS)
    cli.ok("tasks", "draw", "T1", "--seed", SEED, *extra)


def test_salts_of_many_codes_are_the_salts_of_each() -> None:
    codes = ["91370112MA3C00001X", "", "测试", "a" * 200]
    secret = merkle.new_secret()
    assert merkle.salts(secret, codes) == [merkle.salt(secret, u) for u in codes]
    assert merkle.salts(secret, []) == []


def test_a_proof_s_path_read_off_the_tree_levels_is_rfc_6962_s() -> None:
    """The archive builds each class's tree once and reads every entity's path off its levels."""
    from creditcli.draw.proof import path_of, tree_levels

    for n in [1, 2, 3, 5, 8, 13, 64, 100]:
        leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
        levels = tree_levels(leaves)
        assert levels[-1] == [merkle.root(leaves)]
        assert all(path_of(levels, i) == merkle.audit_path(leaves, i) for i in range(n))


@pytest.mark.parametrize("block", [1, 2, 8, 1 << 14])
def test_class_trees_built_in_blocks_are_rfc_6962_s(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """salting.salted_pass (freeze, draw, verify) cuts each class's tree into blocks shared out between two
    processes and combines their roots: the roots and ticket keys are those of the reference definitions."""
    from creditcli.draw import salting
    from creditcli.draw.strategies import Pool
    from creditcli.draw.tickets import ticket_keys

    for n in [*range(1, 40), 64, 65, 127]:
        leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
        roots, at = [], 0
        for size in salting.blocks(n, block):
            roots.append(merkle.root(leaves[at : at + size]))
            at += size
        assert at == n and salting.combine(n, roots, block) == merkle.root(leaves)
    monkeypatch.setattr(salting, "PARALLEL_MIN", 10)  # the child takes its share at this size too
    rng = np.random.default_rng(block)
    codes = [f"91370112MA{i:07d}X" for i in range(500)]
    pool = Pool.from_pairs(codes, rng.choice(["A", "B", "C", ""], 500, p=[0.5, 0.3, 0.15, 0.05]).tolist())
    salts = merkle.salts(SECRET, pool.uscc.tolist())
    want = merkle.class_roots(pool.uscc.tolist(), pool.classes.tolist(), salts)
    found, keys = salting.salted_pass(SECRET, pool, SEED, block=block)
    assert found == want and found == salting.salted_pass(SECRET, pool, block=block)[0]
    ids = [merkle.ticket_id(u, s) for u, s in zip(pool.uscc.tolist(), salts, strict=True)]
    assert keys is not None and keys.tolist() == ticket_keys(SEED, ids).tolist()


def test_freeze_records_the_secret_and_publishes_each_class_s_count_and_root(
    cli: Cli, pool: list[tuple[str, str]], tmp_path: Path
) -> None:
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", *WINDOW, *RATIOS)
    notice = tmp_path / "notice.md"
    out = json.loads(cli.ok("tasks", "freeze", "T1", "-o", notice, "-f", "json").stdout)
    want = roots(pool)
    assert (out["algorithm_version"], out["roots"]) == (2, want)
    assert cli.query("SELECT algorithm_version, pool_secret, roots FROM pool_freezes") == [
        (2, SECRET, json.dumps(want, separators=(",", ":"), sort_keys=True))
    ]
    text = notice.read_text(encoding="utf-8")
    sizes = {c: sum(1 for _, k in pool if k == c) for c in want}
    assert "- 抽取算法：creditcli-consistent-sampling 第 2 版（加盐签号，docs/verify.md）" in text
    for c, root in want.items():
        assert f"| {class_label(c)} | {sizes[c]} | `{root}` |" in text
    assert SECRET not in text and SECRET not in cli.dump().replace(f"'{SECRET}'", "")
    shown = json.loads(cli.ok("-f", "json", "tasks", "show", "T1").stdout)
    assert shown["algorithm_version"] == 2 and SECRET not in json.dumps(shown)


def test_version_2_draw_takes_the_smallest_salted_tickets(cli: Cli, pool: list[tuple[str, str]]) -> None:
    drawn(cli)
    want = expected_draw(pool, DEFAULT)
    rows = cli.query("SELECT rank, uscc, risk_class, ticket FROM draw_selections ORDER BY risk_class, rank")
    assert rows == want
    assert cli.query("SELECT algorithm_version FROM draws") == [(2,)]
    assert cli.query("SELECT algorithm_version FROM pool_freezes") == [(2,)]
    # the same pool drawn with version 1 takes other entities: the salts matter
    assert [r[1] for r in want] != [u for u, _ in pool][: len(want)]
    cli.ok("tasks", "verify", "T1")


def test_certificates_and_pool_file_of_a_version_2_draw(cli: Cli, pool: list[tuple[str, str]], tmp_path: Path) -> None:
    drawn(cli)
    want = expected_draw(pool, DEFAULT)
    want_roots = roots(pool)
    salts = salted(pool)
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "c.json", "--pool", tmp_path / "pool.csv")
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert (cert["schema"], cert["algorithm_version"]) == ("creditcli.draw-certificate/2", 2)
    last = {c: t for _, _, c, t in want}
    assert [(s["risk_class"], s["root"], s["threshold"]) for s in cert["strata"]] == [
        (c, want_roots[c], last[c]) for c in sorted(want_roots)
    ]
    assert list(cert["strata"][0]) == ["risk_class", "n", "k", "inclusion", "ratio", "root", "threshold"]
    assert "threshold_key" not in cert
    assert [(s["rank"], s["uscc"], s["risk_class"], s["ticket"]) for s in cert["selected"]] == want
    lines = (tmp_path / "pool.csv").read_text(encoding="utf-8")
    assert lines == "".join(f"{u},{c},{salts[u]}\n" for u, c in pool)
    without_salt = "".join(f"{u},{c}\n" for u, c in pool).encode()
    assert hashlib.sha256(without_salt).hexdigest() == cert["pool_digest"]
    markdown = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "- 算法：creditcli-consistent-sampling 第 2 版" in markdown
    for c, root in want_roots.items():
        assert f"| {class_label(c)} | `{root}` | {last[c]} |" in markdown

    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "p.json", "--public")
    public_text = (tmp_path / "p.json").read_text(encoding="utf-8")
    public = json.loads(public_text)
    assert (public["schema"], public["algorithm_version"]) == ("creditcli.draw-certificate-public/2", 2)
    assert public["strata"] == [
        {
            "risk_class": s["risk_class"],
            "n": s["n"],
            "k": s["k"],
            "ratio": s["ratio"],
            "root": s["root"],
            "threshold": s["threshold"],
        }
        for s in cert["strata"]
    ]
    assert public["selected"][0] == {"uscc": sorted(u for _, u, _, _ in want)[0], "name": public["selected"][0]["name"]}
    assert [p["uscc"] for p in public["selected"]] == sorted(u for _, u, _, _ in want)
    thresholds = set(last.values())
    public_md = (tmp_path / "p.md").read_text(encoding="utf-8")
    for u, _ in pool:  # no salt, and no ticket but the published thresholds
        t = ticket(SEED, f"{u}|{salts[u]}")
        for text in (public_text, public_md):
            assert salts[u] not in text
            assert t in thresholds or t not in text
    for c, root in want_roots.items():
        assert f"| {class_label(c)} | `{root}` | {last[c]} |" in public_md


def test_a_weighted_version_2_draw_states_lambda_and_the_threshold_key(
    cli: Cli, pool: list[tuple[str, str]], tmp_path: Path
) -> None:
    weights = ["--weight", "A=1", "--weight", "B=2", "--weight", "C=4", "--weight", "D=8"]
    cli.ok("tasks", "create", "W1", "--name", "加权", *WINDOW, "--mode", "weighted", "--count", "40", *weights)
    cli.ok("tasks", "draw", "W1", "--seed", SEED)
    cli.ok("tasks", "certificate", "W1", "-o", tmp_path / "c.json")
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    lam = {s["risk_class"]: Fraction(s["inclusion"]) for s in cert["strata"]}
    salts = salted(pool)

    def key(u: str, c: str) -> float:
        x, la = float(ticket(SEED, f"{u}|{salts[u]}")), float(lam[c].numerator) / float(lam[c].denominator)
        return (x / (1 - x)) / (la / (1 - la))

    chosen = {s["uscc"] for s in cert["selected"]}
    keys = [key(s["uscc"], s["risk_class"]) for s in cert["selected"] if lam[s["risk_class"]] < 1]
    assert cert["threshold_key"] == repr(max(keys))
    assert all((lam[c] == 1 or key(u, c) <= max(keys)) == (u in chosen) for u, c in pool)
    assert list(cert["strata"][0]) == ["risk_class", "n", "k", "inclusion", "weight", "root"]
    cli.ok("tasks", "certificate", "W1", "-o", tmp_path / "p.json", "--public")
    public = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert public["threshold_key"] == cert["threshold_key"]
    assert public["strata"][0] == {
        k: v for k, v in {**cert["strata"][0], "lambda": cert["strata"][0]["inclusion"]}.items() if k != "inclusion"
    }
    u, c = pool[0]
    cli.ok("tasks", "proof", "W1", u, "-o", tmp_path / "proof.json")
    proof = json.loads((tmp_path / "proof.json").read_text(encoding="utf-8"))
    assert (proof["lambda"], proof["threshold_key"]) == (
        cert["strata"][[s["risk_class"] for s in cert["strata"]].index(c)]["inclusion"],
        cert["threshold_key"],
    )
    assert proof["key"] == (None if lam[c] == 1 else repr(key(u, c)))
    assert proof["selected"] == (u in chosen)
    assert list(proof)[-6:] == ["k", "lambda", "key", "threshold_key", "selected", "issued_at"]
    cli.ok("tasks", "verify", "W1")


def test_a_proof_verifies_against_the_public_certificate(
    cli: Cli, pool: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the proofs go to their default files
    drawn(cli)
    want = expected_draw(pool, DEFAULT)
    chosen = {u for _, u, _, _ in want}
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "p.json", "--public")
    public = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    strata = {s["risk_class"]: s for s in public["strata"]}
    salts = salted(pool)
    names = dict(cli.query("SELECT uscc, name FROM entities"))
    picked = want[0][1]
    passed = next(u for u, _ in pool if u not in chosen)
    for u in (picked, passed):
        before = cli.count("audit_log")
        result = cli.ok("tasks", "proof", "T1", u)
        path = Path(f"T1-抽取凭证-{u}.json")
        proof = json.loads(path.read_text(encoding="utf-8"))
        assert result.stderr == (
            f"抽取凭证已写入 {path}（含该户的信用风险分类：只交给该户本身；"
            "核对方法：python tools/verify_draw.py --proof 凭证 --public 公开版证书）\n"
        )
        c = dict(pool)[u]
        members = [v for v, k in pool if k == c]
        leaves = [merkle.leaf_hash(merkle.leaf_data(v, c, salts[v])) for v in members]
        index = members.index(u)
        assert proof == {
            "schema": "creditcli.draw-proof/2",
            "algorithm": "creditcli-consistent-sampling",
            "algorithm_version": 2,
            "task": {"code": "T1", "name": "双随机抽查"},
            "draw_seq": 1,
            "seed": SEED,
            "mode": "stratified",
            "uscc": u,
            "name": names[u],
            "risk_class": c,
            "salt": salts[u],
            "leaf_index": index,
            "n": len(members),
            "audit_path": [h.hex() for h in merkle.audit_path(leaves, index)],
            "root": strata[c]["root"],
            "ticket": ticket(SEED, f"{u}|{salts[u]}"),
            "k": strata[c]["k"],
            "threshold": strata[c]["threshold"],
            "selected": u in chosen,
            "issued_at": PINNED_NOW.isoformat(timespec="seconds"),
        }
        path_hashes = [bytes.fromhex(h) for h in proof["audit_path"]]
        leaf = merkle.leaf_hash(merkle.leaf_data(u, proof["risk_class"], proof["salt"]))
        found = merkle.root_from_path(leaf, proof["leaf_index"], proof["n"], path_hashes)
        assert found is not None and found.hex() == strata[c]["root"]
        below = ticket_sort_key(proof["ticket"]) <= ticket_sort_key(proof["threshold"])
        assert below == proof["selected"] == (u in {p["uscc"] for p in public["selected"]})
        assert cli.count("audit_log") == before + 1
        entry = cli.query("SELECT command, counts, digest, refs FROM audit_log ORDER BY seq DESC")[0]
        assert entry[:2] == ("creditcli tasks proof", '{"proofs":1}')
        assert SECRET not in str(entry) and salts[u] not in str(entry)


def test_proofs_exist_only_for_version_2_draws_of_entities_in_the_pool(
    cli: Cli, pool: list[tuple[str, str]], tmp_path: Path
) -> None:
    drawn(cli, "--algorithm", "1")
    assert cli.query("SELECT algorithm_version FROM draws") == [(1,)]
    out = tmp_path / "proof.json"
    cli.refused(
        ["tasks", "proof", "T1", pool[0][0], "-o", str(out)],
        1,
        "错误：任务 T1 第 1 次抽取使用第 1 版算法：抽取凭证只适用于第 2 版（加盐签号）的抽取；"
        "第 1 版的签号可由公开的种子直接计算，核对方法见 docs/verify.md\n",
    )
    cli.ok("tasks", "create", "T2", "--name", "第二", *WINDOW, *RATIOS)
    cli.ok("tasks", "draw", "T2", "--seed", "20261127084730265919", "--algorithm", "2")
    where = "任务 T2 第 1 次抽取"
    stranger = uscc("91370100MA3C0000X")  # a valid code the roster does not have
    cli.refused(
        ["tasks", "proof", "T2", stranger, "-o", str(out)],
        66,
        f"错误：统一社会信用代码 {stranger} 不在{where}的抽取范围内（不在抽查范围或名录中），没有抽取凭证\n",
    )
    typo = stranger[:-1] + ("0" if stranger[-1] != "0" else "1")
    cli.refused(
        ["tasks", "proof", "T2", typo, "-o", str(out)],
        66,
        f"错误：{typo} 不是有效的统一社会信用代码（18 位，末位校验码按 GB 32100 计算），{where}的抽取范围内没有它\n",
    )
    cli.refused(  # a proof that could not be written is not logged as issued: the database unchanged
        ["tasks", "proof", "T2", pool[0][0], "-o", "/dev/full"],
        73,
        "错误：抽取凭证未能写出 /dev/full：磁盘空间已满；未出具，也未记入审计日志\n",
    )
    closed = sorted({u for (u,) in cli.query("SELECT uscc FROM entities")} - {u for u, _ in pool})[0]
    refused = cli("tasks", "proof", "T2", closed, "-o", str(out))
    assert refused.exit_code == 66
    assert refused.stderr.startswith(f"错误：统一社会信用代码 {closed} 已被排除出{where}的抽取范围（")
    assert not out.exists()
    cli.ok("tasks", "proof", "T2", pool[0][0].lower(), "--draw", "1", "-o", out)
    assert json.loads(out.read_text(encoding="utf-8"))["uscc"] == pool[0][0]


def test_an_algorithm_other_than_the_frozen_pool_s_is_refused(cli: Cli, pool: list[tuple[str, str]]) -> None:
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", *WINDOW, *RATIOS)
    cli.ok("tasks", "freeze", "T1", "--algorithm", "1", "-o", "/dev/null")
    message = (
        "错误：任务 T1 的抽取范围已按第 1 版算法冻结（第 1 次冻结），不能按第 2 版抽取；如确需第 2 版，请先用 "
        "creditcli tasks freeze T1 --refreeze --algorithm 2 重新冻结并重新公告（原冻结记录保留）\n"
    )
    cli.refused(["tasks", "draw", "T1", "--seed", SEED, "--algorithm", "2"], 1, message)
    cli.refused(
        ["tasks", "draw", "T1", "--seed", SEED, "--algorithm", "3"],
        2,
        "错误：--algorithm 3 超出范围：应为 1 到 2 之间的整数\n",
    )
    cli.ok("tasks", "draw", "T1", "--seed", SEED)  # without --algorithm: the frozen pool's version
    assert cli.query("SELECT algorithm_version FROM draws") == [(1,)]
    cli.ok("tasks", "verify", "T1")


def test_the_bureau_s_default_version_comes_from_the_config(
    cli: Cli, pool: list[tuple[str, str]], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("draw_algorithm = 1\n", encoding="utf-8")
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", *WINDOW, *RATIOS)
    cli.ok("--config", config, "tasks", "draw", "T1", "--seed", SEED)
    assert cli.query("SELECT algorithm_version, pool_secret, roots FROM pool_freezes") == [(1, None, None)]
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "c.json")
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["schema"] == "creditcli.draw-certificate/1"
    bad = tmp_path / "bad.toml"
    before = cli.dump()
    for value in ("3", "1.0", "true"):
        bad.write_text(f"draw_algorithm = {value}\n", encoding="utf-8")
        result = cli("--config", bad, "tasks", "freeze", "T1", "--refreeze")
        assert result.exit_code == 78
        assert f"draw_algorithm = {value} 无效：抽取算法版本应为 1 或 2（2 为加盐签号，默认）" in result.stderr
    assert cli.dump() == before


@pytest.mark.parametrize("what", ["secret", "root", "certificate root"])
def test_tampering_with_the_secret_or_a_root_fails_verify(cli: Cli, pool: list[tuple[str, str]], what: str) -> None:
    drawn(cli)
    want_roots = roots(pool)
    klass = sorted(want_roots)[0]
    label = class_label(klass)
    if what == "secret":
        cli.execute("UPDATE pool_freezes SET pool_secret = :s", s="6b" * 32)
        other = roots(pool, "6b" * 32)
        lines = [
            f"{class_label(c)}类的承诺根与重新计算不符：冻结记录 {want_roots[c][:16]}…，按密钥重新计算 {other[c][:16]}…"
            "（密钥、盐值、承诺根或抽取范围被改动过）"
            for c in sorted(want_roots)
        ]
        also = f"证书中{label}类的承诺根 {want_roots[klass][:16]}… 与重新计算的 {other[klass][:16]}… 不符"
    elif what == "root":
        changed = {**want_roots, klass: "0" * 64}
        cli.execute("UPDATE pool_freezes SET roots = :r", r=json.dumps(changed, separators=(",", ":")))
        lines = [
            f"{label}类的承诺根与重新计算不符：冻结记录 0000000000000000…，按密钥重新计算 {want_roots[klass][:16]}…"
            "（密钥、盐值、承诺根或抽取范围被改动过）"
        ]
    else:
        text = cli.query("SELECT certificate FROM draws")[0][0]
        cli.execute("UPDATE draws SET certificate = :c", c=text.replace(want_roots[klass], "f" * 64))
        sha = hashlib.sha256(text.replace(want_roots[klass], "f" * 64).encode()).hexdigest()
        cli.execute("UPDATE draws SET certificate_sha256 = :s", s=sha)
        lines = [f"证书中{label}类的承诺根 ffffffffffffffff… 与重新计算的 {want_roots[klass][:16]}… 不符"]
    result = cli("tasks", "verify", "T1")
    assert result.exit_code == 1
    problems = result.stderr.removeprefix("错误：任务 T1 第 1 次抽取复核不一致：\n").splitlines()
    assert problems[: len(lines)] == lines
    if what == "secret":  # then the thresholds and the selection differ too
        assert also in problems
        assert "数据库中的抽取结果与重新计算不符" in result.stderr
    else:
        assert problems == lines


def test_a_damaged_secret_is_named(cli: Cli, pool: list[tuple[str, str]]) -> None:
    drawn(cli)
    cli.execute("UPDATE pool_freezes SET pool_secret = 'xyz'")
    result = cli("tasks", "verify", "T1")
    expect(
        result,
        1,
        "任务 T1 第 1 次抽取复核不一致：\n第 1 次冻结的密钥记录缺失或已损坏（不是 64 位十六进制数）："
        "无法重新计算各户的盐值、签号和承诺根",
    )


def test_version_1_draws_keep_their_formats_and_verify(cli: Cli, pool: list[tuple[str, str]], tmp_path: Path) -> None:
    drawn(cli, "--algorithm", "1")
    cli.ok("tasks", "verify", "T1")
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "c.json", "--pool", tmp_path / "pool.csv")
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert (cert["schema"], cert["algorithm_version"]) == ("creditcli.draw-certificate/1", 1)
    assert list(cert["strata"][0]) == ["risk_class", "n", "k", "inclusion", "ratio"]
    assert (tmp_path / "pool.csv").read_text(encoding="utf-8") == "".join(f"{u},{c}\n" for u, c in pool)
    assert all(p["ticket"] == ticket(SEED, p["uscc"]) for p in cert["selected"])


def test_the_secret_appears_in_no_output(cli: Cli, pool: list[tuple[str, str]], tmp_path: Path) -> None:
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", *WINDOW, *RATIOS)
    texts = [cli.ok("tasks", "freeze", "T1", "-o", tmp_path / "notice.md", "-f", "json").stdout]
    texts.append(cli.ok("tasks", "draw", "T1", "--seed", SEED, "-f", "json").stdout)
    assert json.loads(texts[-1])["algorithm_version"] == 2
    texts.append(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    texts.append(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "c.json", "--pool", tmp_path / "pool.csv")
    cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "p.json", "--public")
    cli.ok("tasks", "proof", "T1", pool[0][0], "-o", tmp_path / "proof.json")
    cli.ok("archive", "export", pool[0][0], "-o", tmp_path / "archive")
    texts.append(cli.ok("audit", "list", "-f", "json").stdout)
    texts += [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.suffix in (".md", ".json")]
    texts.append((tmp_path / "pool.csv").read_text(encoding="utf-8"))
    texts += [str(r) for r in cli.query("SELECT * FROM audit_log")]
    assert all(SECRET not in t for t in texts)


def test_the_archive_holds_the_entity_s_proofs(cli: Cli, pool: list[tuple[str, str]], tmp_path: Path) -> None:
    drawn(cli)
    u = next(u for u, _ in pool if u not in {r[1] for r in expected_draw(pool, DEFAULT)})  # not drawn
    cli.ok("tasks", "proof", "T1", u, "-o", tmp_path / "proof.json")
    proof = json.loads((tmp_path / "proof.json").read_text(encoding="utf-8"))
    cli.ok("archive", "export", u, "-o", tmp_path / "archive")
    archive = json.loads((tmp_path / "archive" / u / "archive.json").read_text(encoding="utf-8"))
    assert archive["tasks"] == []
    assert archive["proofs"] == [proof]
    index = (tmp_path / "archive" / u / "index.md").read_text(encoding="utf-8")
    assert "## 抽取凭证（第 2 版算法）" in index
    assert f"分类 {proof['risk_class']}（该类 {proof['n']} 户，抽取 {proof['k']} 户）" in index
