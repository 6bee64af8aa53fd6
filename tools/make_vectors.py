"""Regenerate the draw test vectors in tests/vectors/ (seeded; the same bytes on every run).

    python tools/make_vectors.py

Ticket vectors come from the third-party ``consistent_sampler`` package, not from creditcli, so
they check our ticket function against an independent implementation. The two mode vectors are
certificates (the fields tools/verify_draw.py reads) with their pool files.

Version 2 (domain.md §8b, ``v2.*``): a fixed pool secret gives the salts; the ids ``uscc|salt`` go
through the same strategies as the CLI's draw; per class an RFC 6962 tree (creditcli.draw.merkle).
``v2.{mode}.certificate.json`` + ``v2.{mode}.pool.csv`` (``uscc,class,salt``) for supervisors,
``v2.proofs.json`` (per mode the public certificate and genuine entity proofs), ``v2.merkle.json``
(roots and audit paths of trees of several sizes) and ``v2.tickets.json`` (salts and tickets).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import synth
from consistent_sampler.consistent_sampler import first_fraction

from creditcli.draw import merkle, strategies, tickets
from creditcli.draw.certificate import strata_entries
from creditcli.draw.drawing import run_strategy

OUT = Path(__file__).resolve().parent.parent / "tests" / "vectors"
SEEDS = ["01234567890123456789", "00000000000000000000", "99999999999999999999", "314159265358979323846264338327"]


def ticket_vectors(ids: list[str]) -> list[dict[str, str]]:
    return [{"seed": s, "id": u, "ticket": first_fraction(u, s)} for s in SEEDS for u in ids[:8]]


def mode_vector(name: str, seed: str, pool: strategies.Pool, outcome: strategies.Outcome, params: dict) -> None:
    cert = {
        "seed": seed,
        "mode": outcome.mode,
        "parameters": params,
        "pool_digest": pool.digest(),
        "pool_size": len(pool),
        "strata": [{"risk_class": s.risk_class, "n": s.n, "k": s.k} for s in outcome.strata],
        "selected": [
            {"rank": p.rank, "uscc": p.uscc, "risk_class": p.risk_class, "ticket": p.ticket} for p in outcome.selected
        ],
    }
    (OUT / f"{name}.certificate.json").write_text(json.dumps(cert, ensure_ascii=False, indent=2) + "\n")
    (OUT / f"{name}.pool.csv").write_bytes(pool.lines())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    frame = synth.entities(np.random.default_rng(8), 600)
    ids = frame["统一社会信用代码"].tolist()
    classes = frame["信用风险分类"].tolist()
    (OUT / "tickets.json").write_text(json.dumps(ticket_vectors(ids), indent=2) + "\n")
    pool = strategies.Pool.from_pairs(ids, classes)
    ratios = {"A": "0.01", "B": "0.03", "C": "0.10", "D": "0.30"}
    params = {"ratios": ratios, "minimum": {"A": 3}, "maximum": {"D": 10}}
    seed = SEEDS[0]
    outcome = strategies.stratified(
        seed, pool, {k: Decimal(v) for k, v in ratios.items()}, params["minimum"], params["maximum"]
    )
    mode_vector("stratified", seed, pool, outcome, params)
    weights = {"A": "1", "B": "2", "C": "4", "D": "40"}
    outcome = strategies.weighted(seed, pool, 60, {k: Decimal(v) for k, v in weights.items()})
    mode_vector("weighted", seed, pool, outcome, {"count": 60, "weights": weights})
    names = dict(zip(ids, frame["企业名称"].tolist(), strict=True))
    v2 = {
        mode: v2_vector(mode, seed, ids, classes, names, params)
        for mode, params in (("stratified", params), ("weighted", {"count": 60, "weights": weights}))
    }
    write(OUT / "v2.proofs.json", v2)
    rows = sorted(zip(ids, classes, merkle.salts(POOL_SECRET, ids), strict=True))
    write(OUT / "v2.merkle.json", [merkle_vector(rows[:n]) for n in TREE_SIZES])
    write(OUT / "v2.tickets.json", v2_ticket_vectors(ids))


POOL_SECRET = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
"""The fixed pool secret of the version-2 vectors (a real one comes from ``secrets`` at freeze)."""
TREE_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 13, 16]
ISSUED = "2028-06-01T09:00:00"


def write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def v2_ticket_vectors(ids: list[str]) -> list[dict[str, str]]:
    out = []
    for secret in (POOL_SECRET, "ff" * 32):
        for seed in SEEDS[:2]:
            for u in ids[:6]:
                s = merkle.salt(secret, u)
                x = merkle.ticket_id(u, s)
                out.append(
                    {
                        "pool_secret": secret,
                        "uscc": u,
                        "salt": s,
                        "seed": seed,
                        "id": x,
                        "ticket": first_fraction(x, seed),
                    }
                )
    return out


def merkle_vector(rows: list[tuple[str, str, str]]) -> dict[str, object]:
    leaves = [merkle.leaf_data(u, c, s) for u, c, s in rows]
    hashes = [merkle.leaf_hash(d) for d in leaves]
    return {
        "n": len(rows),
        "leaves": [d.decode() for d in leaves],
        "leaf_hashes": [h.hex() for h in hashes],
        "root": merkle.root(hashes).hex(),
        "paths": [[h.hex() for h in merkle.audit_path(hashes, i)] for i in range(len(rows))],
    }


def v2_vector(
    mode: str, seed: str, ids: list[str], classes: list[str], names: dict[str, str], params: dict
) -> dict[str, object]:
    """Write the internal certificate and pool file of a version-2 draw; return its public certificate and
    a few genuine proofs (per class the first selected entity and the last leaf of the class's tree)."""
    salt_of = dict(zip(ids, merkle.salts(POOL_SECRET, ids), strict=True))
    class_of = dict(zip(ids, classes, strict=True))
    pool = strategies.Pool.from_pairs(ids, classes)
    codes: list[str] = pool.uscc.tolist()
    by_id = strategies.Pool.from_pairs([merkle.ticket_id(u, salt_of[u]) for u in ids], classes)
    outcome = run_strategy(mode, params, seed, by_id, parallel=False)
    selected = [
        {"rank": p.rank, "uscc": p.uscc.split("|")[0], "risk_class": p.risk_class, "ticket": p.ticket}
        for p in outcome.selected
    ]
    leaves = merkle.class_leaves(codes, [class_of[u] for u in codes], [salt_of[u] for u in codes])
    strata = strata_entries(outcome)
    lam = {s.risk_class: s.inclusion for s in outcome.strata}
    keys = {p["uscc"]: pareto_key(p["ticket"], lam[p["risk_class"]]) for p in selected}
    for entry in strata:
        entry["root"] = merkle.root(leaves[entry["risk_class"]]).hex()
        if mode == "stratified":
            mine = [p["ticket"] for p in selected if p["risk_class"] == entry["risk_class"]]
            entry["threshold"] = mine[-1] if mine else None
    below = [keys[p["uscc"]] for p in selected if lam[p["risk_class"]] < 1]
    threshold_key = repr(max(below)) if below else None
    task = {
        "code": f"V2-{mode}",
        "name": f"版本 2 测试向量（{mode}）",
        "plan_code": "V2",
        "plan_name": "测试向量",
        "task_type": "不定向",
        "items": ["SJ01"],
        "window": ["2026-03-01", "2026-06-30"],
        "class_source": "imported",
    }
    cert: dict[str, object] = {
        "schema": "creditcli.draw-certificate/2",
        "algorithm": strategies.ALGORITHM,
        "algorithm_version": 2,
        "task": task,
        "draw_seq": 1,
        "supersedes": None,
        "seed": seed,
        "seed_generated": False,
        "mode": mode,
        "parameters": params,
        "pool_digest": pool.digest(),
        "pool_size": len(pool),
        "excluded": 0,
        "frozen_at": "2026-03-01T09:00:00",
        "drawn_at": "2026-03-01T10:00:00",
        "operator": "vectors",
        "tool_version": "0.1.0",
        "strata": strata,
    }
    if mode == "weighted":
        cert["threshold_key"] = threshold_key
    cert["selected"] = selected
    write(OUT / f"v2.{mode}.certificate.json", cert)
    (OUT / f"v2.{mode}.pool.csv").write_bytes("".join(f"{u},{class_of[u]},{salt_of[u]}\n" for u in codes).encode())
    public_strata = []
    for entry in strata:
        item = {k: entry[k] for k in ("risk_class", "n", "k")}
        item |= {"ratio": entry["ratio"]} if mode == "stratified" else {"weight": entry["weight"]}
        item["root"] = entry["root"]
        item |= {"threshold": entry["threshold"]} if mode == "stratified" else {"lambda": entry["inclusion"]}
        public_strata.append(item)
    chosen = sorted(p["uscc"] for p in selected)
    public: dict[str, object] = {"schema": "creditcli.draw-certificate-public/2"}
    public |= {k: cert[k] for k in ("algorithm", "algorithm_version", "task", "draw_seq", "supersedes", "seed")}
    public |= {k: cert[k] for k in ("seed_generated", "mode", "parameters", "pool_digest", "pool_size", "excluded")}
    public |= {k: cert[k] for k in ("frozen_at", "drawn_at", "operator", "tool_version")}
    public["strata"] = public_strata
    if mode == "weighted":
        public["threshold_key"] = threshold_key
    public |= {"selected_count": len(chosen), "written_at": ISSUED, "audit_head": None}
    public["selected"] = [{"uscc": u, "name": names[u]} for u in chosen]
    tickets = {p["uscc"]: p["ticket"] for p in selected}
    picked = {p["uscc"] for p in selected}
    proofs = []
    for entry in strata:
        c = entry["risk_class"]
        members = [u for u in codes if class_of[u] == c]
        firsts = [p["uscc"] for p in selected if p["risk_class"] == c][:1]
        for u in dict.fromkeys(firsts + members[-1:]):
            index = members.index(u)
            ticket = tickets.get(u) or merkle_ticket(seed, u, salt_of[u])
            proof: dict[str, object] = {
                "schema": "creditcli.draw-proof/2",
                "algorithm": strategies.ALGORITHM,
                "algorithm_version": 2,
                "task": {"code": task["code"], "name": task["name"]},
                "draw_seq": 1,
                "seed": seed,
                "mode": mode,
                "uscc": u,
                "name": names[u],
                "risk_class": c,
                "salt": salt_of[u],
                "leaf_index": index,
                "n": len(members),
                "audit_path": [h.hex() for h in merkle.audit_path(leaves[c], index)],
                "root": entry["root"],
                "ticket": ticket,
                "k": entry["k"],
            }
            if mode == "stratified":
                proof["threshold"] = entry["threshold"]
            else:
                below_one = lam[c] < 1
                proof["lambda"] = entry["inclusion"]
                proof["key"] = repr(pareto_key(ticket, lam[c])) if below_one else None
                proof["threshold_key"] = threshold_key
            proof |= {"selected": u in picked, "issued_at": ISSUED}
            proofs.append(proof)
    return {"public": public, "proofs": proofs}


def merkle_ticket(seed: str, uscc: str, salt: str) -> str:
    return tickets.ticket(seed, merkle.ticket_id(uscc, salt))


def pareto_key(ticket: str, lam: Fraction) -> float:
    """The entity's Pareto key as the draw computes it (IEEE doubles; λ = 1 gives 0)."""
    x, a = float(ticket), float(lam)
    with np.errstate(divide="ignore", over="ignore"):
        return float((np.float64(x) / (1.0 - np.float64(x))) / (np.float64(a) / (1.0 - np.float64(a))))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(__doc__)
    main()
