"""The 公示 page's verifier in a real headless chromium (issue 18 §3): genuine 抽取凭证 verify, a proof with
one byte changed is rejected, and the page makes no network request.

The proofs are made here from a version-2 draw computed with draw/merkle.py, draw/tickets.py and the
draw strategies over the ticket ids ``uscc|salt`` (spec18.md), so the page is tested without a database.
Skipped when chromium is missing, unless CREDITCLI_TEST_BROWSER=required (CI), which makes that a failure.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import uscc
from creditcli.draw import merkle, strategies, tickets
from creditcli.draw.strategies import Pool
from creditcli.io.writers import Table
from creditcli.results import site

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
REQUIRED = os.environ.get("CREDITCLI_TEST_BROWSER") == "required"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip
SEED = "20261127084730265918"
SECRET = "5a" * 32


def _codes(prefix: str, count: int) -> list[str]:
    return [uscc(f"9137010{prefix}MA3C{n:05d}") for n in range(count)]


def v2_draw(mode: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A version-2 draw of a made-up pool: (public certificate, proof per entity), as spec18.md fixes them."""
    if mode == "stratified":
        sizes = {"A": 40, "B": 25, "C": 12, "D": 7, "E": 3}
        ratios = {"A": Decimal("0.1"), "B": Decimal("0.2"), "C": Decimal("0.3"), "D": Decimal("0.5"), "E": Decimal(0)}
    else:
        sizes = {"A": 30, "B": 10, "D": 3}
        weights = {"A": Decimal(1), "B": Decimal(3), "D": Decimal(40)}
    pairs = sorted((u, c) for n, (c, size) in enumerate(sizes.items()) for u in _codes(str(n), size))
    codes, classes = [u for u, _ in pairs], [c for _, c in pairs]
    salts = merkle.salts(SECRET, codes)
    ids = [merkle.ticket_id(u, s) for u, s in zip(codes, salts, strict=True)]
    pool = Pool.from_pairs(ids, classes)
    if mode == "stratified":
        outcome = strategies.stratified(SEED, pool, ratios, parallel=False)
    else:
        outcome = strategies.weighted(SEED, pool, 12, weights)
    chosen = {p.uscc.split("|")[0] for p in outcome.selected}
    ticket = {u: tickets.ticket(SEED, i) for u, i in zip(codes, ids, strict=True)}
    leaves = merkle.class_leaves(codes, classes, salts)
    roots = {c: merkle.root(v).hex() for c, v in leaves.items()}
    lam = {s.risk_class: s.inclusion for s in outcome.strata}

    def key(u: str, c: str) -> float | None:
        if lam[c] == 1:
            return None
        x, λ = float(ticket[u]), float(lam[c].numerator) / float(lam[c].denominator)
        return (x / (1 - x)) / (λ / (1 - λ))

    strata: list[dict[str, Any]] = []
    thresholds: dict[str, str | None] = {}
    for s in outcome.strata:
        entry: dict[str, Any] = {"risk_class": s.risk_class, "n": s.n, "k": s.k}
        if mode == "stratified":
            mine = [ticket[u] for u, c in pairs if c == s.risk_class and u in chosen]
            thresholds[s.risk_class] = max(mine, key=tickets.ticket_sort_key) if mine else None
            entry |= {"ratio": str(s.ratio), "root": roots[s.risk_class], "threshold": thresholds[s.risk_class]}
        else:
            entry |= {
                "weight": str(s.weight),
                "root": roots[s.risk_class],
                "lambda": f"{s.inclusion.numerator}/{s.inclusion.denominator}",
            }
        strata.append(entry)
    keys = [k for u, c in pairs if u in chosen and (k := key(u, c)) is not None]
    threshold_key = repr(max(keys)) if keys else None
    task = {"code": "2028-SJ-009", "name": "第 2 版抽取测试", "plan_code": "2028-JH", "plan_name": "年度计划",
            "task_type": "不定向", "items": ["SJ01"], "window": ["2028-07-01", "2028-09-30"],
            "class_source": "roster"}  # fmt: skip
    names = {u: f"测试企业{n}有限公司" for n, u in enumerate(codes)}
    cert: dict[str, Any] = {
        "schema": "creditcli.draw-certificate-public/2",
        "algorithm": "creditcli-consistent-sampling",
        "algorithm_version": 2,
        "task": task,
        "draw_seq": 1,
        "supersedes": None,
        "seed": SEED,
        "seed_generated": False,
        "mode": mode,
        "parameters": {},
        "pool_digest": "0" * 64,
        "pool_size": len(codes),
        "excluded": 0,
        "frozen_at": "2028-06-01T09:00:00",
        "drawn_at": "2028-06-01T09:00:00",
        "operator": "测试员",
        "tool_version": "0",
        "strata": strata,
        **({"threshold_key": threshold_key} if mode == "weighted" else {}),
        "selected_count": len(chosen),
        "written_at": "2028-06-01T09:00:00",
        "audit_head": None,
        "selected": [{"uscc": u, "name": names[u]} for u in sorted(chosen)],
    }
    proofs = {}
    for u, c, s in zip(codes, classes, salts, strict=True):
        members = [v for v, k in pairs if k == c]
        index = members.index(u)
        proof: dict[str, Any] = {
            "schema": "creditcli.draw-proof/2",
            "algorithm": "creditcli-consistent-sampling",
            "algorithm_version": 2,
            "task": {"code": task["code"], "name": task["name"]},
            "draw_seq": 1,
            "seed": SEED,
            "mode": mode,
            "uscc": u,
            "name": names[u],
            "risk_class": c,
            "salt": s,
            "leaf_index": index,
            "n": len(members),
            "audit_path": [h.hex() for h in merkle.audit_path(leaves[c], index)],
            "root": roots[c],
            "ticket": ticket[u],
            "k": next(x["k"] for x in strata if x["risk_class"] == c),
        }
        if mode == "stratified":
            proof["threshold"] = thresholds[c]
        else:
            k = key(u, c)
            proof |= {"lambda": next(x["lambda"] for x in strata if x["risk_class"] == c),
                      "key": None if k is None else repr(k), "threshold_key": threshold_key}  # fmt: skip
        proof |= {"selected": u in chosen, "issued_at": "2028-06-01T09:00:00"}
        proofs[u] = proof
    return cert, proofs


def page_of(cert: dict[str, Any], folder: Path) -> Path:
    """The page for ``cert`` (site.page through site.write, as the command writes it)."""
    listed = [(n, s["name"], s["uscc"], "济南市天桥区市场监督管理局") for n, s in enumerate(cert["selected"], start=1)]
    labels = ["序号", "市场主体名称", "统一社会信用代码/注册号", "登记机关"]
    listing = Table(["seq", "name", "uscc", "reg_authority"], labels, [listed], "creditcli.publicity-list/1")
    plan = [
        ("抽查任务编号", cert["task"]["code"]),
        ("抽查任务名称", cert["task"]["name"]),
        ("检查机关", "济南市天桥区市场监督管理局"),
    ]
    text = json.dumps(cert, ensure_ascii=False, indent=2) + "\n"
    built = site.Site(cert["task"]["code"], plan, listing, text, written_at="2028-06-01T09:00:00")
    return site.write(built, folder)[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module, a fresh profile, performance and console logs on."""
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        if REQUIRED:
            pytest.fail(f"CREDITCLI_TEST_BROWSER=required, but {CHROMIUM} or {DRIVER} is missing")
        pytest.skip("chromium / chromium-driver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="creditcli-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def draws(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, dict[str, Any]]]]:
    out = {}
    for mode in ("stratified", "weighted"):
        cert, proofs = v2_draw(mode)
        out[mode] = (page_of(cert, tmp_path_factory.mktemp(mode) / "site"), proofs)
    return out


def opened(driver: Any, page: Path) -> None:
    driver.get(page.as_uri())
    assert driver.find_element("id", "verdict").get_attribute("data-outcome") == "ready"


def verdict(driver: Any, proof: dict[str, Any] | str, folder: Path) -> tuple[str, str]:
    """Open ``proof`` (a dict written as JSON, or raw text) with the page's file input; (outcome, sentence)."""
    from selenium.webdriver.support.ui import WebDriverWait

    path = folder / "抽取凭证.json"
    path.write_text(proof if isinstance(proof, str) else json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    driver.execute_script("document.getElementById('verdict').dataset.outcome = 'waiting'")
    driver.find_element("id", "proof-file").send_keys(str(path))
    box = driver.find_element("id", "verdict")
    WebDriverWait(driver, 10).until(lambda _: box.get_attribute("data-outcome") not in ("waiting", "working"))
    return str(box.get_attribute("data-outcome")), str(box.text)


def who(proof: dict[str, Any]) -> str:
    """How the verdict names the entity: by the page's list if drawn (the proof's name is not checked)."""
    return (
        f"{proof['name']}（{proof['uscc']}）" if proof["selected"] else f"统一社会信用代码为 {proof['uscc']} 的检查对象"
    )


def test_genuine_proofs_verify_selected_or_not(browser: Any, draws: Any, tmp_path: Path) -> None:
    page, proofs = draws["stratified"]
    opened(browser, page)
    seen = set()
    for proof in proofs.values():
        key = (proof["risk_class"], proof["selected"])
        edge = proof["leaf_index"] in (proof["n"] - 1, proof["n"] - 2)  # the right edge of an unbalanced tree
        if key in seen and not edge:
            continue
        seen.add(key)
        outcome, text = verdict(browser, proof, tmp_path)
        cls, t, th = proof["risk_class"], proof["ticket"], proof["threshold"]
        if th is None:
            how = "该类本次抽取数为 0"
        else:
            how = f"签号 {t[:14]}… {'不大于' if proof['selected'] else '大于'}该类门槛 {th[:14]}…"
        fate = "被抽中" if proof["selected"] else "未被抽中"
        assert (outcome, text) == (
            "verified",
            f"核验通过：{who(proof)}属于 {cls} 类，在掷骰前公布的该类根哈希之下，{how}，"
            f"因此{fate}，与本页公示的抽查名单一致。",
        )
    # Every class, selected and not (E takes none: k = 0, no threshold).
    assert seen == {("A", True), ("A", False), ("B", True), ("B", False), ("C", True), ("C", False),
                    ("D", True), ("D", False), ("E", False)}  # fmt: skip
    verdict(browser, next(p for p in proofs.values() if p["risk_class"] == "E"), tmp_path)
    details = browser.find_element("id", "proof-details")
    assert details.is_displayed() and "信用风险分类（仅见于本户凭证） E" in details.text


def test_weighted_proofs_verify(browser: Any, draws: Any, tmp_path: Path) -> None:
    page, proofs = draws["weighted"]
    opened(browser, page)
    seen = set()
    for proof in proofs.values():
        certain = proof["key"] is None
        key = (proof["risk_class"], proof["selected"], certain)
        if key in seen:
            continue
        seen.add(key)
        outcome, text = verdict(browser, proof, tmp_path)
        assert outcome == "verified", text
        fate = "因此被抽中" if proof["selected"] else "因此未被抽中"
        assert text.startswith(f"核验通过：{who(proof)}属于 {proof['risk_class']} 类") and fate in text
        if certain:
            assert "该类入样概率为 1，必然抽中" in text
    assert seen == {("A", True, False), ("A", False, False), ("B", True, False), ("B", False, False),
                    ("D", True, True)}  # fmt: skip


def _flip(text: str, at: int, digits: str = "0123456789abcdef") -> str:
    """``text`` with the character at ``at`` replaced by another of ``digits``: one byte changed."""
    new = digits[(digits.index(text[at]) + 1) % len(digits)]
    return text[:at] + new + text[at + 1 :]


@pytest.mark.parametrize("mode", ["stratified", "weighted"])
def test_one_byte_changed_is_rejected(browser: Any, draws: Any, tmp_path: Path, mode: str) -> None:
    page, proofs = draws[mode]
    opened(browser, page)
    genuine = next(p for p in proofs.values() if p["selected"] and p["risk_class"] == "B" and len(p["audit_path"]) > 1)
    cases = {}
    for field in ("audit_path", "salt", "ticket", "risk_class", "selected"):
        bad = copy.deepcopy(genuine)
        if field == "audit_path":
            bad["audit_path"][1] = _flip(bad["audit_path"][1], 17)
        elif field == "salt":
            bad["salt"] = _flip(bad["salt"], 0)
        elif field == "ticket":
            bad["ticket"] = _flip(bad["ticket"], 30, "0123456789")
        elif field == "risk_class":
            bad["risk_class"] = "A"  # one byte: B → A
        else:
            bad["selected"] = False
        cases[field] = verdict(browser, bad, tmp_path)
    path_reason = (
        "未通过核验：审计路径不能由该户的代码、分类和盐值推到本页证书公布的 B 类根哈希"
        "（凭证被改动过，或不是本次抽取的凭证）。"
    )
    assert cases["audit_path"] == ("rejected", path_reason)
    assert cases["salt"] == ("rejected", path_reason)
    assert cases["ticket"] == ("rejected", "未通过核验：由公示的种子和该户的代码、盐值算出的签号与凭证所写的签号不同。")
    assert cases["risk_class"] == ("rejected", "未通过核验：凭证中的根哈希与本页证书公布的 A 类根哈希不同。")
    outcome, text = cases["selected"]
    assert (
        outcome == "rejected"
        and text.startswith("未通过核验：凭证写着该户未被抽中，但")
        and text.endswith("应为抽中。")
    )
    # The class changed and its root with it (a forger who knows A's root): the path then fails.
    bad = copy.deepcopy(genuine)
    a = next(s for s in page_cert(page)["strata"] if s["risk_class"] == "A")
    bad |= {"risk_class": "A", "root": a["root"], "n": a["n"], "k": a["k"]}
    if mode == "stratified":
        bad["threshold"] = a["threshold"]
    else:
        bad["lambda"] = a["lambda"]
    assert verdict(browser, bad, tmp_path)[0] == "rejected"
    # And the genuine one still passes on the same page.
    assert verdict(browser, genuine, tmp_path)[0] == "verified"


def page_cert(page: Path) -> dict[str, Any]:
    files = list(page.parent.glob("*抽取证书（公开）.json"))
    data: dict[str, Any] = json.loads(files[0].read_text(encoding="utf-8"))
    return data


def test_not_a_proof_of_this_draw(browser: Any, draws: Any, tmp_path: Path) -> None:
    page, proofs = draws["stratified"]
    opened(browser, page)
    genuine = next(iter(proofs.values()))
    assert verdict(browser, "{不是 JSON", tmp_path) == (
        "rejected",
        "未通过核验：文件 抽取凭证.json 不是有效的 JSON，不是抽取凭证。",
    )
    other = {**genuine, "draw_seq": 2}
    assert verdict(browser, other, tmp_path) == (
        "rejected",
        "未通过核验：凭证属于第 2 次抽取，本页公示的是第 1 次抽取。",
    )
    other = {**genuine, "seed": "20261127084730265919"}
    assert verdict(browser, other, tmp_path) == ("rejected", "未通过核验：凭证中的随机种子与本页公示的种子不同。")
    other = {**genuine, "schema": "creditcli.draw-proof/1"}
    assert verdict(browser, other, tmp_path) == (
        "rejected",
        '未通过核验：文件不是第 2 版抽取凭证（schema 为 "creditcli.draw-proof/1"）。',
    )
    other = {**genuine, "algorithm_version": 1}  # as the stdlib verifier, which refuses it too
    assert verdict(browser, other, tmp_path) == (
        "rejected",
        '未通过核验：凭证所写的算法（"creditcli-consistent-sampling" 第 1 版）不是本页抽取所用的第 2 版算法。',
    )
    weighted = next(iter(draws["weighted"][1].values()))
    assert verdict(browser, weighted, tmp_path)[1] == "未通过核验：凭证中的抽取方式与本页证书不同。"


def requests_made(driver: Any) -> tuple[list[Any], list[str], list[str]]:
    """Since the last call: resource entries of the page, URLs the browser asked for, console errors."""
    entries = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    urls = []
    for line in driver.get_log("performance"):
        message = json.loads(line["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    return entries, urls, errors


def test_the_page_makes_no_request(browser: Any, draws: Any, tmp_path: Path) -> None:
    page, proofs = draws["stratified"]
    requests_made(browser)  # empty the logs
    opened(browser, page)
    for proof in list(proofs.values())[:3]:
        verdict(browser, proof, tmp_path)
    assert requests_made(browser) == ([], [page.as_uri()], [])
    text = page.read_text(encoding="utf-8")
    assert "http:" not in text and "https:" not in text and "://" not in text


def test_the_request_check_can_fail(browser: Any, draws: Any, tmp_path: Path) -> None:
    """The same check on a page given an image from the network and a script its policy does not allow."""
    page, _ = draws["stratified"]
    bad = tmp_path / "bad.html"
    text = page.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("<h1>", '<img src="http://127.0.0.1:9/x.png"><h1>').replace("(function () {", "(function ( ) {")
    )
    requests_made(browser)
    browser.get(bad.as_uri())
    _entries, urls, errors = requests_made(browser)
    assert urls == [bad.as_uri(), "http://127.0.0.1:9/x.png"]  # the attempt shows, though the policy blocked it
    assert any("Content Security Policy" in e for e in errors)  # and the policy said so; the changed script did not run
    assert browser.find_element("id", "verdict").get_attribute("data-outcome") is None


def test_no_entity_class_salt_or_ticket_on_the_page(draws: Any) -> None:
    for page, proofs in draws.values():
        text = page.read_text(encoding="utf-8")
        public = {s.get("threshold") for s in page_cert(page)["strata"]}  # t_c: the k-th selected's ticket, public
        for p in proofs.values():
            assert p["salt"] not in text and f"{p['uscc']}|" not in text
            assert p["ticket"] in public or p["ticket"] not in text
            assert p["audit_path"] == [] or p["audit_path"][0] not in text
        for label in ('risk_class":"', "信用风险分类（仅见于本户凭证）"):
            # the page's data name classes only in its per-class strata; the label exists only in the script
            assert text.count(label) == (len(page_cert(page)["strata"]) if label.startswith("risk") else 1)


def test_a_version_1_page_from_the_command(
    browser: Any, cli: Any, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    """The page `publicity site` writes for a version-1 draw runs its script, asks for nothing and says
    that per-entity proofs exist only for version-2 draws."""
    cli.ok("publicity", "site", "T1", "-o", tmp_path / "site")
    page = tmp_path / "site" / "index.html"
    requests_made(browser)
    opened(browser, page)
    assert requests_made(browser) == ([], [page.as_uri()], [])
    body = browser.find_element("tag name", "body").text
    assert "本次抽取使用第 1 版算法：逐户抽取凭证只有第 2 版算法的抽取才有，本页无法核验凭证。" in body
    assert "公布范围摘要（SHA-256）和每一类的户数。此后范围不能再改：改动任何一户，摘要都会变。" in body
    assert not browser.find_element("id", "proof-file").is_enabled()


def test_names_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    """A name with markup stays text: escaped in the tables, \\u003c-escaped in the embedded JSON."""
    cert, _ = v2_draw("stratified")
    evil = '</script><script>alert(1)</script><!-- & "'
    cert["selected"][0]["name"] = evil
    cert["task"]["name"] = evil
    page = page_of(cert, tmp_path / "site")
    text = page.read_text(encoding="utf-8")
    assert "alert(1)</script>" not in text and "<!-- &" not in text
    assert text.count("<script") == 2 and "&lt;/script&gt;&lt;script&gt;alert(1)" in text
    found = text.split('id="site-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(found)["certificate"] == cert


def test_a_lambda_beyond_double_precision_is_divided_exactly(browser: Any, tmp_path: Path) -> None:
    """λ = p/q with p and q above 2^53 (weights with six decimals over millions of entities): the page
    takes the double nearest p/q, as Python's float(Fraction) does, not Number(p) / Number(q), which is
    one unit lower for the p/q found here and puts a genuine proof's key just above the threshold."""
    import random
    from fractions import Fraction

    cert, proofs = v2_draw("weighted")
    proof = next(x for x in proofs.values() if x["risk_class"] == "A" and x["selected"])
    x = float(proof["ticket"])

    def key(lam: float) -> float:
        return (x / (1 - x)) / (lam / (1 - lam))

    rng = random.Random(18)
    while True:
        q = rng.randrange(2**60, 2**64)
        p = rng.randrange(q // 3, q // 2)
        if key(float(p) / float(q)) > key(float(Fraction(p, q))):
            break
    exact = repr(key(float(Fraction(p, q))))
    for stratum in cert["strata"]:
        if stratum["risk_class"] == "A":
            stratum["lambda"] = f"{p}/{q}"
    cert["threshold_key"] = exact
    proof |= {"lambda": f"{p}/{q}", "key": exact, "threshold_key": exact}
    opened(browser, page_of(cert, tmp_path / "page"))
    outcome, text = verdict(browser, proof, tmp_path)
    assert outcome == "verified" and "因此被抽中" in text, text


def test_the_demo_s_page_verifies_the_demo_s_real_proofs(browser: Any, tmp_path: Path) -> None:
    """End to end: the page `publicity site` writes for the demo's version-2 draw (results published)
    verifies the 抽取凭证 that `tasks proof` writes, selected or not, and rejects one with its class changed."""
    from typer.testing import CliRunner

    from creditcli.cli.app import app

    def run(*args: str | Path) -> None:
        result = CliRunner().invoke(app, [*map(str, args)])
        assert result.exit_code == 0, result.stderr

    folder, code = tmp_path / "demo", "2026-SJ-001"
    run("demo", "--dir", folder)
    db = ["--db", folder / "creditcli.db"]
    run(*db, "publicity", "site", code, "-o", tmp_path / "site")
    page = tmp_path / "site" / "index.html"
    cert = page_cert(page)
    assert cert["algorithm_version"] == 2 and "检查结果尚未公示" not in page.read_text(encoding="utf-8")
    chosen = {s["uscc"] for s in cert["selected"]}
    pool = (folder / f"{code}-抽取范围.csv").read_text(encoding="utf-8").splitlines()
    passed = next(line.split(",")[0] for line in pool if line.split(",")[0] not in chosen)
    requests_made(browser)
    opened(browser, page)
    for u in (sorted(chosen)[0], passed):
        run(*db, "tasks", "proof", code, u, "-o", tmp_path / f"{u}.json")
        proof = json.loads((tmp_path / f"{u}.json").read_text(encoding="utf-8"))
        outcome, text = verdict(browser, proof, tmp_path)
        assert outcome == "verified", text
        assert f"因此{'被抽中' if u in chosen else '未被抽中'}，与本页公示的抽查名单一致。" in text
        proof["risk_class"] = "A" if proof["risk_class"] != "A" else "B"
        assert verdict(browser, proof, tmp_path)[0] == "rejected"
    assert requests_made(browser) == ([], [page.as_uri()], [])


def test_a_forged_name_is_not_repeated_and_a_non_proof_shows_no_details(
    browser: Any, draws: Any, tmp_path: Path
) -> None:
    page, proofs = draws["stratified"]
    opened(browser, page)
    drawn = next(p for p in proofs.values() if p["selected"])
    outcome, text = verdict(browser, {**drawn, "name": "冒名有限公司"}, tmp_path)
    assert outcome == "verified" and "冒名" not in text and text.startswith(f"核验通过：{who(drawn)}")
    assert verdict(browser, page_cert(page), tmp_path)[0] == "rejected"  # the certificate is not a proof
    assert not browser.find_element("id", "proof-details").is_displayed()


@pytest.mark.parametrize("mode", ["stratified", "weighted"])
def test_the_version_2_vectors_verify_in_the_browser(browser: Any, tmp_path: Path, mode: str) -> None:
    """tests/vectors/v2.proofs.json, which the stdlib verifier checks too (test_verify_v2.py): every proof
    verifies on the page made from its public certificate, and the class changed in any one is rejected."""
    vectors = json.loads((Path(__file__).parent / "vectors" / "v2.proofs.json").read_text(encoding="utf-8"))[mode]
    page = page_of(vectors["public"], tmp_path / "page")
    opened(browser, page)
    assert vectors["proofs"]
    for proof in vectors["proofs"]:
        outcome, text = verdict(browser, proof, tmp_path)
        assert outcome == "verified", text
        assert f"因此{'被抽中' if proof['selected'] else '未被抽中'}，与本页公示的抽查名单一致。" in text
    changed = {**vectors["proofs"][0], "risk_class": "Z"}
    assert verdict(browser, changed, tmp_path)[0] == "rejected"
