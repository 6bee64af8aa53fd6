"""What public data gives away (issue 18): the demo's draw made with version 1 and with version 2, and an
observer who has the public certificate, the 抽查名单 and the list of entities in the pool (public
registry data), and computes every ticket that public data lets him compute.

With version 1 he computes every entity's ticket from the seed; each class has its own threshold (the
ticket of its k-th selected entity, close to its ratio), so an entity whose ticket and fate fit only one
class is known to be of that class: on the demo roster 40 of 3,422 entities, 26 of the 112 class-D ones.
With version 2 the tickets are of ``uscc|salt`` and the salts are secret: the only ticket he can compute
(the version-1 formula) contradicts the published list and thresholds, so nothing follows with certainty.
Then the real outputs of a version-2 draw pass the standard-library verifier: the full certificate with
the pool file, and an entity's proof with the public certificate.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from creditcli.cli.app import app
from creditcli.draw.tickets import ticket, ticket_sort_key

ROOT = Path(__file__).resolve().parents[1]
CODE = "2026-SJ-001"


def demo(folder: Path, algorithm: int) -> Path:
    """``creditcli demo`` in ``folder`` with the bureau's draw algorithm set to ``algorithm``."""
    config = folder.parent / f"config-{algorithm}.toml"
    config.write_text(f"draw_algorithm = {algorithm}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "demo", "--dir", str(folder)])
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("demos")
    return {version: demo(base / f"v{version}", version) for version in (1, 2)}


def files(folder: Path) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, ...]]]:
    """The demo's public certificate, full certificate and pool file (as its supervisors get them)."""
    public = json.loads((folder / f"{CODE}-抽取证书（公开）.json").read_text(encoding="utf-8"))
    full = json.loads((folder / f"{CODE}-抽取证书.json").read_text(encoding="utf-8"))
    pool = [tuple(line.split(",")) for line in (folder / f"{CODE}-抽取范围.csv").read_text().splitlines() if line]
    return public, full, pool


def inferred(
    seed: str, codes: list[str], selected: set[str], k: dict[str, int], thresholds: dict[str, str | None]
) -> tuple[dict[str, str], int]:
    """What an observer concludes who takes ``ticket(seed, code)`` as each entity's ticket: an entity is
    of class c only if its fate fits c's threshold (selected ⇔ ticket ≤ t_c; a class drawing none selects
    nobody), so one that fits a single class is known to be of it. Also how many entities fit no class at
    all: any such entity proves the observer's tickets are not the draw's, and then nothing follows."""
    limits = {c: None if t is None else ticket_sort_key(t) for c, t in thresholds.items()}
    known, contradicted = {}, 0
    for u in codes:
        x = ticket_sort_key(ticket(seed, u))
        fits = [c for c, limit in limits.items() if (k[c] > 0 and limit is not None and x <= limit) == (u in selected)]
        contradicted += not fits
        if len(fits) == 1:
            known[u] = fits[0]
    return known, contradicted


def test_version_1_exposes_40_entities_version_2_none(demos: dict[int, Path]) -> None:
    public1, full1, pool1 = files(demos[1])
    public2, full2, pool2 = files(demos[2])
    assert (public1["algorithm_version"], public2["algorithm_version"]) == (1, 2)
    assert [p[:2] for p in pool1] == [p[:2] for p in pool2] and len(pool1) == 3422  # the same pool, classes
    classes = {u: c for u, c, *_ in pool1}
    codes = sorted(classes)

    # Version 1: the public certificate has no thresholds; the observer bounds them closely from the
    # ratios and the list, the figure takes them exact (from the full certificate) as the issue did.
    k1 = {s["risk_class"]: s["k"] for s in public1["strata"]}
    t1: dict[str, str | None] = {c: None for c in k1}
    for s in full1["selected"]:
        if t1[s["risk_class"]] is None or ticket_sort_key(s["ticket"]) > ticket_sort_key(t1[s["risk_class"]] or ""):
            t1[s["risk_class"]] = s["ticket"]
    assert {c: (t or "")[:6] for c, t in t1.items()} == {"A": "0.0134", "B": "0.0306", "C": "0.0846", "D": "0.2709"}
    chosen1 = {s["uscc"] for s in public1["selected"]}
    known, contradicted = inferred(str(public1["seed"]), codes, chosen1, k1, t1)
    assert contradicted == 0
    assert len(known) == 40 and all(classes[u] == c for u, c in known.items())  # every one of them right
    assert sum(1 for c in known.values() if c == "D") == 26 and sum(1 for c in classes.values() if c == "D") == 112

    # Version 2: every threshold is public now, yet the tickets the observer can compute contradict the list.
    k2 = {s["risk_class"]: s["k"] for s in public2["strata"]}
    t2 = {s["risk_class"]: s["threshold"] for s in public2["strata"]}
    chosen2 = {s["uscc"] for s in public2["selected"]}
    assert public2["seed"] == public1["seed"] and k2 == k1
    guessed, contradicted = inferred(str(public2["seed"]), codes, chosen2, k2, t2)
    assert contradicted > 0  # so the observer knows his tickets are wrong: he learns no class (exposure 0)
    wrong = sum(1 for u, c in guessed.items() if classes[u] != c)
    assert wrong > len(guessed) / 2  # had he believed them anyway, most of his "certain" classes were wrong

    # Nothing on the public side from which a ticket could be computed: no salt, no entity's ticket.
    text = (demos[2] / f"{CODE}-抽取证书（公开）.json").read_text(encoding="utf-8")
    salts = {p[2] for p in pool2}
    tickets = {s["ticket"] for s in full2["selected"]}
    thresholds = {t for t in t2.values() if t is not None}
    assert not any(s in text for s in salts)
    assert tickets & set(re.findall(r"0\.\d{20,}", text)) == thresholds  # the k-th tickets only, by design
    assert '"risk_class"' not in text.split('"selected"')[1]


def verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_draw.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_real_version_2_outputs_pass_the_standard_library_verifier(demos: dict[int, Path]) -> None:
    folder = demos[2]
    cert, pool = folder / f"{CODE}-抽取证书.json", folder / f"{CODE}-抽取范围.csv"
    done = verify(cert, pool)
    assert (done.returncode, done.stderr) == (0, "") and done.stdout.startswith("一致："), done.stdout
    public, full, _ = files(folder)
    chosen = {s["uscc"] for s in public["selected"]}
    pool_codes = [u for u, *_ in files(folder)[2]]
    picked = sorted(chosen)[0]
    passed = next(u for u in pool_codes if u not in chosen)
    db = folder / "creditcli.db"
    for u in (picked, passed):
        proof = folder / f"proof-{u}.json"
        result = CliRunner().invoke(app, ["--db", str(db), "tasks", "proof", CODE, u, "-o", str(proof)])
        assert result.exit_code == 0, result.stderr
        done = verify("--proof", proof, "--public", folder / f"{CODE}-抽取证书（公开）.json")
        assert done.returncode == 0, done.stderr
        assert ("被抽中" if u in chosen else "未被抽中") in done.stdout
        tampered = json.loads(proof.read_text(encoding="utf-8"))
        tampered["risk_class"] = "A" if tampered["risk_class"] != "A" else "B"
        proof.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
        refused = verify("--proof", proof, "--public", folder / f"{CODE}-抽取证书（公开）.json")
        assert refused.returncode == 1 and "未通过" in refused.stdout + refused.stderr
    assert full["algorithm_version"] == 2
