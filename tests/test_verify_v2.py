"""Algorithm version 2 (domain.md §8b) outside creditcli: the version-2 vectors in tests/vectors/ against
third-party and independent implementations, and tools/verify_draw.py (standard library only) re-running a
version-2 draw and checking one entity's proof against the public certificate (spec "Checking a proof")."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import runpy
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from consistent_sampler import sampler
from consistent_sampler.consistent_sampler import first_fraction

from creditcli.draw import merkle
from creditcli.draw.drawing import run_strategy
from creditcli.draw.strategies import Pool

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "tools" / "verify_draw.py"
VECTORS = ROOT / "tests" / "vectors"
MODES = ["stratified", "weighted"]
PROOFS = json.loads((VECTORS / "v2.proofs.json").read_text(encoding="utf-8"))
SCRIPT_NS = runpy.run_path(str(SCRIPT))


def run(*args: str | Path) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def cert_of(mode: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / f"v2.{mode}.certificate.json").read_text(encoding="utf-8"))
    return data


def pool_rows(mode: str) -> list[tuple[str, str, str]]:
    lines = (VECTORS / f"v2.{mode}.pool.csv").read_text(encoding="utf-8").splitlines()
    return [(u, c, s) for u, c, s in (line.split(",") for line in lines)]


# --- The vectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_the_script_reproduces_the_v2_vectors(mode: str) -> None:
    count = len(cert_of(mode)["selected"])
    assert run(VECTORS / f"v2.{mode}.certificate.json", VECTORS / f"v2.{mode}.pool.csv") == (
        0,
        f"一致：{count} 户抽取结果可由种子和带盐值的抽取范围完全重现（算法版本 2，各类默克尔树根与门槛均相符）\n",
        "",
    )


@pytest.mark.parametrize("mode", MODES)
def test_the_v2_vectors_are_creditclis_draw(mode: str) -> None:
    """The pool digest covers the uscc,class lines; roots are merkle.class_roots; the CLI's strategies over the
    ids uscc|salt give exactly the certificate's selection."""
    cert, rows = cert_of(mode), pool_rows(mode)
    codes, classes, salts = ([r[i] for r in rows] for i in range(3))
    assert Pool.from_pairs(codes, classes).digest() == cert["pool_digest"]
    assert hashlib.sha256("".join(f"{u},{c}\n" for u, c, _ in rows).encode()).hexdigest() == cert["pool_digest"]
    assert {s["risk_class"]: s["root"] for s in cert["strata"]} == merkle.class_roots(codes, classes, salts)
    ids = [merkle.ticket_id(u, s) for u, s in zip(codes, salts, strict=True)]
    outcome = run_strategy(mode, cert["parameters"], cert["seed"], Pool.from_pairs(ids, classes), parallel=False)
    assert [[p.rank, p.uscc.split("|")[0], p.risk_class, p.ticket] for p in outcome.selected] == [
        [s["rank"], s["uscc"], s["risk_class"], s["ticket"]] for s in cert["selected"]
    ]


def test_consistent_sampler_over_the_salted_ids_is_the_stratified_oracle() -> None:
    cert, rows = cert_of("stratified"), pool_rows("stratified")
    for stratum in cert["strata"]:
        c = stratum["risk_class"]
        ids = [f"{u}|{s}" for u, k, s in rows if k == c]
        got = list(sampler(ids, seed=cert["seed"], take=stratum["k"], output="id"))
        want = [p for p in cert["selected"] if p["risk_class"] == c]
        assert [x.split("|")[0] for x in got] == [p["uscc"] for p in want]
        assert [first_fraction(x, cert["seed"]) for x in got] == [p["ticket"] for p in want]
        assert stratum["threshold"] == (want[-1]["ticket"] if want else None)


def test_consistent_sampler_tickets_give_the_weighted_selection() -> None:
    """Pareto keys from the third-party tickets of uscc|salt (domain.md §8, IEEE doubles) give the selection."""
    cert, rows = cert_of("weighted"), pool_rows("weighted")
    lam = {s["risk_class"]: Fraction(s["inclusion"]) for s in cert["strata"]}
    ticket = {u: first_fraction(f"{u}|{s}", cert["seed"]) for u, _, s in rows}
    klass = {u: c for u, c, _ in rows}

    def key(u: str) -> float:
        x, a = float(ticket[u]), float(lam[klass[u]])
        return (x / (1 - x)) / (a / (1 - a))

    certain = sorted((u for u, c, _ in rows if lam[c] == 1), key=lambda u: (ticket[u][2:].ljust(80, "0"), u))
    rest = sorted((u for u, c, _ in rows if lam[c] < 1), key=lambda u: (key(u), u))
    chosen = certain + rest[: cert["parameters"]["count"] - len(certain)]
    assert [(u, ticket[u]) for u in chosen] == [(p["uscc"], p["ticket"]) for p in cert["selected"]]
    assert cert["threshold_key"] == repr(max(key(u) for u in chosen if lam[klass[u]] < 1))


def test_ticket_vectors_are_hmac_salts_and_consistent_sampler_tickets() -> None:
    vectors = json.loads((VECTORS / "v2.tickets.json").read_text(encoding="utf-8"))
    assert len(vectors) == 24
    for v in vectors:
        mac = hmac.new(bytes.fromhex(v["pool_secret"]), ("creditcli-salt/2|" + v["uscc"]).encode(), hashlib.sha256)
        assert v["salt"] == mac.hexdigest()[:32] == merkle.salt(v["pool_secret"], v["uscc"])
        assert v["id"] == f"{v['uscc']}|{v['salt']}"
        assert v["ticket"] == first_fraction(v["id"], v["seed"])


def largest_power_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(data: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, recursively over leaf data, as the RFC writes it."""
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = largest_power_below(len(data))
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


def rfc_path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n])."""
    if len(data) == 1:
        return []
    k = largest_power_below(len(data))
    if m < k:
        return [*rfc_path(m, data[:k]), mth(data[k:])]
    return [*rfc_path(m - k, data[k:]), mth(data[:k])]


def test_merkle_vectors_agree_with_a_recursive_rfc_6962() -> None:
    trees = json.loads((VECTORS / "v2.merkle.json").read_text(encoding="utf-8"))
    assert [t["n"] for t in trees] == [1, 2, 3, 4, 5, 6, 7, 8, 13, 16]
    root_from_path = SCRIPT_NS["root_from_path"]
    for tree in trees:
        data = [leaf.encode() for leaf in tree["leaves"]]
        assert tree["root"] == mth(data).hex()
        assert tree["leaf_hashes"] == [hashlib.sha256(b"\x00" + d).hexdigest() for d in data]
        for m, path in enumerate(tree["paths"]):
            assert path == [h.hex() for h in rfc_path(m, data)]
            leaf, hashes = bytes.fromhex(tree["leaf_hashes"][m]), [bytes.fromhex(h) for h in path]
            assert root_from_path(leaf, m, tree["n"], hashes).hex() == tree["root"]
            assert merkle.root_from_path(leaf, m, tree["n"], hashes) == bytes.fromhex(tree["root"])
            for other in range(tree["n"] + 1):  # another index of the same tree, or one outside it
                if other != m:
                    got = root_from_path(leaf, other, tree["n"], hashes)
                    assert got is None or got.hex() != tree["root"]


# --- Proofs --------------------------------------------------------------------------------------


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


CASES = [(mode, i) for mode in MODES for i in range(len(PROOFS[mode]["proofs"]))]


def named(proof: dict[str, Any]) -> str:
    """How the answer names the entity: as the public list names it (a proof's own name is not checked)."""
    return f"{proof['name']}（{proof['uscc']}）" if proof["selected"] else f"统一社会信用代码 {proof['uscc']} "


@pytest.mark.parametrize(("mode", "i"), CASES)
def test_every_genuine_proof_verifies(tmp_path: Path, mode: str, i: int) -> None:
    proof = PROOFS[mode]["proofs"][i]
    code, out, err = run(
        "--proof", write(tmp_path / "p.json", proof), "--public", write(tmp_path / "c.json", PROOFS[mode]["public"])
    )
    fate = "被抽中，公开的抽中名单中有它" if proof["selected"] else "未被抽中，公开的抽中名单中也没有它"
    assert (code, err, out.count("\n")) == (0, "", 1)
    assert out.startswith(f"凭证核对无误：{named(proof)}在任务 V2-{mode} 第 1 次抽取中属 {proof['risk_class']} 类，")
    assert out.endswith(f"，{fate}\n")


def test_a_proof_verifies_in_one_sentence_naming_the_class(tmp_path: Path) -> None:
    proof = next(p for p in PROOFS["stratified"]["proofs"] if not p["selected"])
    threshold = next(
        s["threshold"] for s in PROOFS["stratified"]["public"]["strata"] if s["risk_class"] == proof["risk_class"]
    )
    public = write(tmp_path / "公开证书.json", PROOFS["stratified"]["public"])
    assert run("--public", public, "--proof", write(tmp_path / "抽取凭证.json", proof)) == (
        0,
        f"凭证核对无误：统一社会信用代码 {proof['uscc']} 在任务 V2-stratified 第 1 次抽取中"
        f"属 {proof['risk_class']} 类，"
        f"其默克尔路径通向公开版证书公布的该类树根，签号 {proof['ticket']} 大于该类门槛 {threshold}，"
        "未被抽中，公开的抽中名单中也没有它\n",
        "",
    )


def check(
    proof: dict[str, Any], public: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = SCRIPT_NS["main_proof"](write(tmp_path / "p.json", proof), write(tmp_path / "c.json", public))
    out, err = capsys.readouterr()
    return code, out, err


def one_byte(text: str, at: int = 5) -> str:
    """``text`` with one character changed into another of the same kind (hex digit or decimal digit)."""
    old = text[at]
    new = "0" if old != "0" else "1"
    return text[:at] + new + text[at + 1 :]


STEP1 = "凭证未通过核对：第 1 步（默克尔路径）未通过："
PATH_FAILED = (
    STEP1
    + "由凭证中的代码、分类、盐值、叶序号和审计路径算出的树根与凭证中的 root 不符，"
    + "凭证中的代码、分类、盐值、路径或树根有改动\n"
)
TAMPER: dict[str, Callable[[dict[str, Any]], None]] = {
    "salt": lambda p: p.update(salt=one_byte(p["salt"])),
    "path": lambda p: p["audit_path"].__setitem__(0, one_byte(p["audit_path"][0])),
    "last path entry": lambda p: p["audit_path"].__setitem__(-1, one_byte(p["audit_path"][-1], 63)),
    "class": lambda p: p.update(risk_class="B" if p["risk_class"] != "B" else "C"),
    "root": lambda p: p.update(root=one_byte(p["root"])),
    "uscc": lambda p: p.update(uscc=one_byte(p["uscc"], 6)),
    "leaf index": lambda p: p.update(leaf_index=p["leaf_index"] ^ 1),
    "ticket": lambda p: p.update(ticket=one_byte(p["ticket"], 9)),
    "seed": lambda p: p.update(seed=one_byte(p["seed"], 3)),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("what", list(TAMPER))
def test_one_byte_changed_in_a_proof_is_rejected_naming_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, what: str
) -> None:
    public = PROOFS[mode]["public"]
    for proof in PROOFS[mode]["proofs"]:
        changed = copy.deepcopy(proof)
        TAMPER[what](changed)
        code, out, err = check(changed, public, tmp_path, capsys)
        assert (code, err, out.count("\n")) == (1, "", 1), (what, out, err)
        if what == "ticket":
            want = first_fraction(f"{proof['uscc']}|{proof['salt']}", proof["seed"])
            assert out == (
                f"凭证未通过核对：第 2 步（签号）未通过：由种子和 代码|盐值 算出的签号为 {want}，"
                f"与凭证中的 {changed['ticket']} 不符\n"
            )
        elif what == "seed":
            assert out == (
                f'凭证未通过核对：第 2 步（签号）未通过：凭证的种子 "{changed["seed"]}" 与公开版证书的 '
                f'"{public["seed"]}" 不同，不是同一次抽取\n'
            )
        elif what == "leaf index" and proof["leaf_index"] ^ 1 >= proof["n"]:
            assert out == PATH_FAILED  # the last leaf of an odd tree: index n is outside the tree
        else:
            assert out == PATH_FAILED, what


def public_root_changed(public: dict[str, Any], c: str) -> None:
    for s in public["strata"]:
        if s["risk_class"] == c:
            s["root"] = one_byte(s["root"])


def test_the_proof_must_match_the_public_certificate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    public = PROOFS["stratified"]["public"]
    chosen = next(p for p in PROOFS["stratified"]["proofs"] if p["selected"])
    c = chosen["risk_class"]
    other = copy.deepcopy(public)
    public_root_changed(other, c)
    assert check(chosen, other, tmp_path, capsys) == (1, STEP1 + f"凭证中的树根与公开版证书公布的 {c} 类树根不同\n", "")
    other = copy.deepcopy(public)
    other["strata"] = [s for s in other["strata"] if s["risk_class"] != c]
    assert check(chosen, other, tmp_path, capsys) == (1, STEP1 + f"公开版证书中没有 {c} 类，凭证中的分类有误\n", "")
    other = copy.deepcopy(public)
    other["draw_seq"] = 2
    assert check(chosen, other, tmp_path, capsys) == (
        1,
        "凭证未通过核对：第 2 步（签号）未通过：凭证的抽取次序 1 与公开版证书的 2 不同，不是同一次抽取\n",
        "",
    )
    other = copy.deepcopy(public)
    other["task"]["code"] = "X"
    assert check(chosen, other, tmp_path, capsys)[1].startswith("凭证未通过核对：第 2 步（签号）未通过：凭证的任务 ")
    other = copy.deepcopy(public)
    other["selected"] = [e for e in other["selected"] if e["uscc"] != chosen["uscc"]]
    code, out, _ = check(chosen, other, tmp_path, capsys)
    assert code == 1
    assert out.startswith("凭证未通过核对：第 4 步（抽中名单）未通过：签号 ")
    assert out.endswith(f"，但公开版证书的抽中名单中没有统一社会信用代码 {chosen['uscc']}\n")
    flipped = copy.deepcopy(chosen) | {"selected": False}
    code, out, _ = check(flipped, public, tmp_path, capsys)
    assert (
        code,
        out.startswith("凭证未通过核对：第 3 步（门槛）未通过：签号 "),
        out.endswith("，凭证却写“未抽中”\n"),
    ) == (1, True, True)
    moved = copy.deepcopy(chosen) | {"threshold": one_byte(chosen["threshold"], 40)}
    code, out, _ = check(moved, public, tmp_path, capsys)
    assert (code, out.startswith("凭证未通过核对：第 3 步（门槛）未通过：凭证中的门槛 ")) == (1, True)


def test_a_weighted_proof_checks_its_key_lambda_and_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = PROOFS["weighted"]["public"]
    proof = next(p for p in PROOFS["weighted"]["proofs"] if p["key"] is not None and p["selected"])
    step3 = "凭证未通过核对：第 3 步（门槛）未通过："
    code, out, _ = check(proof | {"key": "0.5"}, public, tmp_path, capsys)
    assert (code, out) == (1, step3 + f"由签号和 λ 算出的 Pareto 键为 {proof['key']}，与凭证中的 0.5 不符\n")
    code, out, _ = check(proof | {"lambda": "1/3"}, public, tmp_path, capsys)
    assert (code, out.startswith(step3 + "凭证中的入样概率 λ = 1/3，公开版证书中")) == (1, True)
    code, out, _ = check(proof | {"threshold_key": "0.0"}, public, tmp_path, capsys)
    assert (code, out.startswith(step3 + "凭证中的门槛 threshold_key 与公开版证书的 ")) == (1, True)
    lowered = copy.deepcopy(public) | {"threshold_key": "0.0"}
    code, out, _ = check(proof | {"threshold_key": "0.0"}, lowered, tmp_path, capsys)
    assert (code, out) == (1, step3 + f"Pareto 键 {proof['key']} 大于门槛 0.0，凭证却写“抽中”\n")


def test_a_class_that_drew_no_one_has_no_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """k = 0 (threshold null): selected is false, else step 3 fails (the vectors have no such class: made here)."""
    public = copy.deepcopy(PROOFS["stratified"]["public"])
    proof = copy.deepcopy(next(p for p in PROOFS["stratified"]["proofs"] if not p["selected"]))
    for s in public["strata"]:
        if s["risk_class"] == proof["risk_class"]:
            dropped = {e["uscc"] for e in public["selected"]} & {proof["uscc"]}
            assert not dropped
            s["k"], s["threshold"] = 0, None
    proof |= {"k": 0, "threshold": None}
    # The public list still names the class's selected entities, but this entity is not among them.
    code, out, _ = check(proof, public, tmp_path, capsys)
    assert (code, out.endswith("该类抽取数为 0，未被抽中，公开的抽中名单中也没有它\n")) == (0, True)
    code, out, _ = check(proof | {"selected": True}, public, tmp_path, capsys)
    assert (code, out) == (1, "凭证未通过核对：第 3 步（门槛）未通过：该类抽取数为 0，凭证却写“抽中”\n")


# --- Inputs it cannot use: one line on stderr, exit 1, never a traceback ---------------------------


def unusable(tmp_path: Path, capsys: pytest.CaptureFixture[str], proof: object, public: object) -> str:
    code = SCRIPT_NS["main_proof"](write(tmp_path / "p.json", proof), write(tmp_path / "c.json", public))
    out, err = capsys.readouterr()
    assert (code, out, err.count("\n")) == (1, "", 1), (out, err)
    assert err.startswith("无法核对：")
    return err


ODD_VALUES: list[object] = [None, True, -1, 0, 10**300, 1.5, "x", "", [], {}, ["0" * 64], {"a": 1}, "0." + "1" * 64]


@pytest.mark.parametrize("mode", MODES)
def test_any_field_of_the_proof_or_the_public_certificate_can_be_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    """Every key removed or given a value of another kind: exit 0 only if the proof still checks (a field the
    check does not use), else exactly one line; never an exception out of main_proof."""
    proof, public = PROOFS[mode]["proofs"][1], PROOFS[mode]["public"]
    variants: list[tuple[object, object]] = []
    for key in proof:
        variants.append(({k: v for k, v in proof.items() if k != key}, public))
        variants += [(proof | {key: value}, public) for value in ODD_VALUES]
    for key in public:
        variants.append((proof, {k: v for k, v in public.items() if k != key}))
        variants += [(proof, public | {key: value}) for value in ODD_VALUES]
    for key in public["strata"][0]:
        for value in [*ODD_VALUES, "missing"]:
            changed = copy.deepcopy(public)
            for s in changed["strata"]:
                if value == "missing":
                    del s[key]
                else:
                    s[key] = value
            variants.append((proof, changed))
    for value in ODD_VALUES:
        variants.append((proof, copy.deepcopy(public) | {"selected": [value]}))
        variants.append((proof | {"audit_path": [value]}, public))
        variants.append((proof | {"task": {"code": value}}, public))
    for p, c in variants:
        code = SCRIPT_NS["main_proof"](write(tmp_path / "p.json", p), write(tmp_path / "c.json", c))
        out, err = capsys.readouterr()
        assert code in (0, 1)
        assert (out + err).count("\n") == 1, (out, err)
        assert "有字段无法使用" not in err, err  # each wrong field is named, not caught by the last resort
        assert code == 1 or out.startswith("凭证核对无误：")


def test_malformed_files_give_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proof, public = PROOFS["stratified"]["proofs"][0], PROOFS["stratified"]["public"]
    p, c = tmp_path / "p.json", write(tmp_path / "c.json", public)
    text = json.dumps(proof)
    cut = text.index('"ticket"')
    p.write_text(text[:cut], encoding="utf-8")  # truncated after a comma
    assert run("--proof", p, "--public", c)[::2] == (
        1,
        f"无法核对：{p} 不是抽取凭证（JSON 第 1 行第 {cut + 1} 列有误）\n",
    )
    p.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert run("--proof", p, "--public", c)[::2] == (1, f"无法核对：{p} 不是抽取凭证（JSON 嵌套过深）\n")
    p.write_text(text.replace(f'"leaf_index": {proof["leaf_index"]}', '"leaf_index": ' + "9" * 5000), encoding="utf-8")
    assert run("--proof", p, "--public", c)[::2] == (1, f"无法核对：{p} 不是抽取凭证（JSON 中有位数过多的数）\n")
    p.write_bytes(b"\xff\xfe{}")
    assert run("--proof", p, "--public", c)[::2] == (1, f"无法核对：{p} 不是 UTF-8 文本\n")
    assert run("--proof", tmp_path / "none.json", "--public", c)[::2] == (
        1,
        f"无法核对：找不到文件 {tmp_path / 'none.json'}\n",
    )
    assert run("--proof", tmp_path, "--public", c)[::2] == (1, f"无法核对：无法读取 {tmp_path}（Is a directory）\n")
    where = f"抽取凭证 {tmp_path / 'p.json'}"
    assert (
        unusable(tmp_path, capsys, [proof], public)
        == f"无法核对：{tmp_path / 'p.json'} 不是抽取凭证（应为 JSON 对象，现为 一个数组）\n"
    )
    bad_path = proof | {"audit_path": [*proof["audit_path"][:-1], "zz" + proof["audit_path"][-1][2:]]}
    n = len(proof["audit_path"])
    assert unusable(tmp_path, capsys, bad_path, public) == (
        f"无法核对：{where} 的字段 audit_path 第 {n} 项应为 64 位小写十六进制字符串，"
        f'现为 "zz{proof["audit_path"][-1][2:39]}…\n'
    )
    upper = proof | {"root": proof["root"].upper()}
    assert "的字段 root 应为 64 位小写十六进制字符串" in unusable(tmp_path, capsys, upper, public)
    assert (
        unusable(tmp_path, capsys, proof | {"leaf_index": "3"}, public)
        == f'无法核对：{where} 的字段 leaf_index 应为非负整数，现为 "3"\n'
    )
    assert (
        unusable(tmp_path, capsys, proof | {"selected": "true"}, public)
        == f'无法核对：{where} 的字段 selected 应为 true 或 false，现为 "true"\n'
    )
    assert unusable(tmp_path, capsys, proof | {"algorithm_version": 1}, public) == (
        f"无法核对：{where} 的字段 algorithm_version 应为 2，现为 1\n"
    )
    no_salt = {k: v for k, v in proof.items() if k != "salt"}
    assert unusable(tmp_path, capsys, no_salt, public) == f"无法核对：{where} 缺少字段 salt\n"
    assert (
        unusable(tmp_path, capsys, proof | {"n": 1e400}, public) == f"无法核对：{where} 的字段 n 应为正整数，现为 inf\n"
    )
    huge = proof | {"leaf_index": 10**300, "n": 10**300 + 1}
    code, out, err = check(huge, public, tmp_path, capsys)
    assert (code, out, err) == (1, PATH_FAILED, "")


def test_swapped_or_version_1_files_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proof, public = PROOFS["stratified"]["proofs"][0], PROOFS["stratified"]["public"]
    p, c = tmp_path / "p.json", tmp_path / "c.json"
    assert unusable(tmp_path, capsys, public, proof) == (
        f"无法核对：{p} 是公开版证书，不是抽取凭证：--proof 后写凭证文件，--public 后写公开证书（两个文件可能给反了）\n"
    )
    v1 = public | {"schema": "creditcli.draw-certificate-public/1", "algorithm_version": 1}
    assert unusable(tmp_path, capsys, proof, v1) == (
        f"无法核对：{c} 是算法版本 1 的公开版证书：版本 1 的抽取没有抽取凭证，凭证只能对照版本 2 的公开版证书核对\n"
    )
    assert unusable(tmp_path, capsys, proof, proof) == (
        f"无法核对：{c} 是抽取凭证，不是公开版证书：--proof 后写凭证文件，--public 后写公开证书（两个文件可能给反了）\n"
    )
    assert unusable(tmp_path, capsys, proof | {"schema": "x"}, public) == (
        f'无法核对：{p} 不是算法版本 2 的抽取凭证（schema 应为 creditcli.draw-proof/2，现为 "x"）\n'
    )
    # The proof or the public certificate given where the draw form wants the full certificate.
    pool = VECTORS / "v2.stratified.pool.csv"
    assert run(write(p, proof), pool) == (
        1,
        "",
        f"无法复核：{p} 是一户的抽取凭证，不是抽取证书；"
        f"核对它用 python verify_draw.py --proof {p} --public 公开证书.json\n",
    )
    assert run(write(c, public), pool) == (
        1,
        "",
        f"无法复核：{c} 是公开版证书（不含分类、盐值与签号），不能据以重算抽取；"
        "重算须用内部的完整证书和带盐值的抽取范围文件，"
        f"核对一户的抽取凭证用 python verify_draw.py --proof 抽取凭证.json --public {c}\n",
    )


USAGE = (
    "用法：python verify_draw.py 抽取证书.json 抽取范围.csv\n"
    "      python verify_draw.py --proof 抽取凭证.json --public 公开证书.json\n"
)


def test_usage_of_the_proof_form() -> None:
    assert run("--proof", "p.json") == (2, "", USAGE)
    assert run("--proof", "p.json", "--public") == (2, "", USAGE)
    assert run("--proof", "p.json", "--proof", "c.json") == (2, "", USAGE)
    assert run("--proof", "p.json", "--public", "c.json", "x") == (2, "", USAGE)
    assert run("-h") == (0, USAGE, "")


# --- The whole draw again (supervisors) ----------------------------------------------------------


def rerun(
    tmp_path: Path, mode: str, cert: dict[str, Any] | None = None, pool: bytes | None = None
) -> tuple[int, str, str]:
    c = write(tmp_path / "cert.json", cert) if cert is not None else VECTORS / f"v2.{mode}.certificate.json"
    p = VECTORS / f"v2.{mode}.pool.csv"
    if pool is not None:
        p = tmp_path / "pool.csv"
        p.write_bytes(pool)
    return run(c, p)


def test_pool_files_of_the_other_version_are_refused(tmp_path: Path) -> None:
    cert, pool = VECTORS / "v2.stratified.certificate.json", VECTORS / "stratified.pool.csv"
    assert run(cert, pool) == (
        1,
        "",
        f"无法复核：{cert} 是算法版本 2 的抽取证书，{pool} 却是版本 1 的抽取范围文件（代码,分类，没有盐值）；"
        "请用与证书同一次 tasks certificate 写出的带盐值的范围文件（每行 代码,分类,盐值）\n",
    )
    cert, pool = VECTORS / "stratified.certificate.json", VECTORS / "v2.stratified.pool.csv"
    assert run(cert, pool) == (
        1,
        "",
        f"无法复核：{cert} 是算法版本 1 的抽取证书，{pool} 却是版本 2 带盐值的抽取范围文件（代码,分类,盐值）；"
        "请用与证书同一次抽取写出的范围文件\n",
    )


def test_a_changed_salt_breaks_the_root_and_the_tickets(tmp_path: Path) -> None:
    data = (VECTORS / "v2.stratified.pool.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cert = cert_of("stratified")
    first = cert["selected"][0]
    at = next(i for i, line in enumerate(data) if line.startswith(first["uscc"] + ","))
    data[at] = data[at][:-6] + one_byte(data[at][-6:-1], 0) + "\n"
    code, out, err = rerun(tmp_path, "stratified", pool="".join(data).encode())
    lines = out.splitlines()
    assert (code, err) == (1, "")
    assert lines[0].startswith(f"{first['risk_class']} 类的门槛 threshold 不符：") or lines[0].startswith(
        f"{first['risk_class']} 类的默克尔树根 root 不符："
    )
    assert any(line.startswith(f"{first['risk_class']} 类的默克尔树根 root 不符：证书 ") for line in lines)
    assert any(line.startswith("证书：(1, ") for line in lines)


def test_a_changed_certificate_is_reported_line_by_line(tmp_path: Path) -> None:
    cert = cert_of("stratified")
    cert["strata"][0]["root"] = one_byte(cert["strata"][0]["root"])
    cert["strata"][1]["threshold"] = cert["strata"][1]["threshold"][:-1] + "0"
    true_root = cert_of("stratified")["strata"][0]["root"]
    c0, c1 = cert["strata"][0]["risk_class"], cert["strata"][1]["risk_class"]
    true_threshold = cert_of("stratified")["strata"][1]["threshold"]
    assert rerun(tmp_path, "stratified", cert) == (
        1,
        f"{c1} 类的门槛 threshold 不符：证书 {cert['strata'][1]['threshold']}，重新计算 {true_threshold}\n"
        f"{c0} 类的默克尔树根 root 不符：证书 {cert['strata'][0]['root']}，由范围文件计算为 {true_root}\n",
        "",
    )
    weighted = cert_of("weighted") | {"threshold_key": "0.5"}
    assert rerun(tmp_path, "weighted", weighted) == (
        1,
        f"门槛 threshold_key 不符：证书 0.5，重新计算 {cert_of('weighted')['threshold_key']}\n",
        "",
    )
    no_root = cert_of("weighted")
    del no_root["strata"][2]["root"]
    assert rerun(tmp_path, "weighted", no_root) == (
        1,
        "",
        f"无法复核：证书 {tmp_path / 'cert.json'} 缺少字段或字段有误（KeyError: 'root'），或与抽取范围文件不配套\n",
    )


def test_pool_file_lines_it_cannot_use(tmp_path: Path) -> None:
    data = (VECTORS / "v2.weighted.pool.csv").read_bytes()
    assert rerun(tmp_path, "weighted", pool=data + b"\n") == (
        1,
        "抽取范围文件（去掉盐值一列）的 SHA-256 与证书中的 pool_digest 不符\n",
        "",
    )
    lines = data.decode().splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ";", 1)
    pool = tmp_path / "pool.csv"
    assert rerun(tmp_path, "weighted", pool="".join(lines).encode()) == (
        1,
        "",
        f"无法复核：{pool} 第 3 行不是 统一社会信用代码,信用风险分类,盐值（盐值为 32 位小写十六进制）："
        f"{lines[2][:-1]!r}\n",
    )
    assert rerun(tmp_path, "weighted", pool=data.replace(b"\n", b"\r\n"))[2].startswith(
        f"无法复核：{pool} 第 1 行不是 "
    )
    assert rerun(tmp_path, "weighted", pool=data.upper())[2].startswith(f"无法复核：{pool} 第 1 行不是 ")
    assert rerun(tmp_path, "weighted", pool=b"\xff\n") == (
        1,
        "",
        f"无法复核：{VECTORS / 'v2.weighted.certificate.json'} 或 {pool} 不是 UTF-8 文本\n",
    )


def test_the_answer_stays_one_line_whatever_the_names_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The name is not committed to by the tree (the code is): the answer names a drawn entity as the public
    list does, never by the proof's own name, and a name with a newline or ESC is shown escaped."""
    drawn = next(p for p in PROOFS["stratified"]["proofs"] if p["selected"])
    proof = drawn | {"name": "冒名有限公司"}
    code, out, err = check(proof, PROOFS["stratified"]["public"], tmp_path, capsys)
    assert (code, err, out.count("\n")) == (0, "", 1) and "冒名" not in out
    public = copy.deepcopy(PROOFS["stratified"]["public"])
    for entry in public["selected"]:
        if entry["uscc"] == drawn["uscc"]:
            entry["name"] = "某某\n有限公司\x1b[31m"
    code, out, err = check(drawn, public, tmp_path, capsys)
    assert (code, err, out.count("\n")) == (0, "", 1)
    assert out.startswith("凭证核对无误：某某\\n有限公司\\x1b[31m（")
