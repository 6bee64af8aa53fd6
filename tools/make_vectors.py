"""Regenerate the draw test vectors in tests/vectors/ (seeded; the same bytes on every run).

    python tools/make_vectors.py

Ticket vectors come from the third-party ``consistent_sampler`` package, not from creditcli, so
they check our ticket function against an independent implementation. The two mode vectors are
certificates (the fields tools/verify_draw.py reads) with their pool files.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import synth
from consistent_sampler.consistent_sampler import first_fraction

from creditcli.draw import strategies

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


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(__doc__)
    main()
