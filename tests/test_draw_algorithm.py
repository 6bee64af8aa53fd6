"""The draw algorithm of domain.md §8: oracle tests against consistent-sampler, properties, vectors."""

from __future__ import annotations

import json
import math
import random
import runpy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import synth
from consistent_sampler import sampler
from consistent_sampler.consistent_sampler import first_fraction
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcli.draw import strategies, tickets
from creditcli.draw.strategies import Pool

VECTORS = Path(__file__).parent / "vectors"
TOOLS = Path(__file__).parent.parent / "tools"
SEED = "01234567890123456789"
RATIOS = {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}


def make_pool(n: int, seed: int = 1) -> Pool:
    frame = synth.entities(np.random.default_rng(seed), n)
    return Pool.from_pairs(frame["统一社会信用代码"].tolist(), frame["信用风险分类"].tolist())


def test_ticket_vectors_match_consistent_sampler_and_ours() -> None:
    vectors = json.loads((VECTORS / "tickets.json").read_text())
    assert len(vectors) == 32
    for v in vectors:
        assert first_fraction(v["id"], v["seed"]) == v["ticket"]
        assert tickets.ticket(v["seed"], v["id"]) == v["ticket"]
        key = int(tickets.ticket_keys(v["seed"], [v["id"]])[0])
        assert tickets.key_text(key) == v["ticket"][:20]


def test_vectorised_keys_are_the_leading_ticket_digits() -> None:
    ids = [f"9137010{i:010d}X" for i in range(3000)]
    keys = tickets.ticket_keys("98765432109876543210", ids)
    for uid, key in zip(ids, keys.tolist(), strict=True):
        assert tickets.key_text(key) == first_fraction(uid, "98765432109876543210")[:20]


@pytest.mark.parametrize("seed", [SEED, "00000000000000000007", "31415926535897932384626433"])
def test_stratified_equals_consistent_sampler_per_class(seed: str) -> None:
    pool = make_pool(3000, seed=len(seed))
    outcome = strategies.stratified(seed, pool, RATIOS)
    for stratum in outcome.strata:
        members = [u for u, c in zip(pool.uscc, pool.classes, strict=True) if c == stratum.risk_class]
        want = list(sampler(members, seed=seed, take=stratum.k, output="id"))
        got = [p.uscc for p in outcome.selected if p.risk_class == stratum.risk_class]
        assert got == want
        assert [p.rank for p in outcome.selected if p.risk_class == stratum.risk_class] == list(range(1, stratum.k + 1))


def test_smallest_breaks_equal_keys_by_full_ticket_then_id() -> None:
    ids = np.array([f"ID{i}" for i in range(50)], dtype=object)
    keys = np.zeros(50, dtype=np.uint64)  # every key equal: the full tickets must decide
    chosen = tickets.smallest(SEED, ids, keys, 7)
    want = list(sampler(ids.tolist(), seed=SEED, take=7, output="id"))
    assert ids[chosen].tolist() == want


@pytest.mark.parametrize(
    ("n", "ratio", "k"),
    [(100, "0.07", 7), (1000, "0.001", 1), (3, "0.30", 1), (10, "0.1", 1), (10, "0.10000001", 2), (0, "0.5", 0)],
)
def test_stratum_size_is_exact_ceiling(n: int, ratio: str, k: int) -> None:
    # 100 × 0.07 is 7.000000000000001 in floating point: the exact decimal must give 7.
    assert strategies.stratum_size(n, Decimal(ratio)) == k


def test_minimum_and_maximum_bound_the_stratum() -> None:
    assert strategies.stratum_size(168, Decimal("0.01"), minimum=3) == 3
    assert strategies.stratum_size(24, Decimal("0.30"), maximum=5) == 5
    assert strategies.stratum_size(4, Decimal("0.01"), minimum=10) == 4


pools = st.lists(
    st.tuples(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18), st.sampled_from("ABCD")),
    min_size=1,
    max_size=80,
    unique_by=lambda t: t[0],
)
seeds = st.text("0123456789", min_size=20, max_size=30)


@settings(max_examples=60, deadline=None)
@given(pairs=pools, seed=seeds, shuffle_seed=st.integers(0, 10**6))
def test_input_order_never_matters(pairs: list[tuple[str, str]], seed: str, shuffle_seed: int) -> None:
    shuffled = pairs[:]
    random.Random(shuffle_seed).shuffle(shuffled)
    a = strategies.stratified(seed, Pool.from_pairs(*map(list, zip(*pairs, strict=True))), RATIOS)
    b = strategies.stratified(seed, Pool.from_pairs(*map(list, zip(*shuffled, strict=True))), RATIOS)
    assert a == b


@settings(max_examples=60, deadline=None)
@given(pairs=pools, seed=seeds, data=st.data())
def test_removing_an_unselected_entity_never_changes_the_selection(
    pairs: list[tuple[str, str]], seed: str, data: st.DataObject
) -> None:
    fixed = {c: 2 for c in "ABCD"}  # fixed stratum sizes, so only the tickets decide
    pool = Pool.from_pairs(*map(list, zip(*pairs, strict=True)))
    before = strategies.stratified(seed, pool, RATIOS, fixed, fixed)
    chosen = {p.uscc for p in before.selected}
    unselected = [p for p in pairs if p[0] not in chosen]
    if not unselected:
        return
    gone = data.draw(st.sampled_from(unselected))
    rest = [p for p in pairs if p != gone]
    if not rest:
        return
    after = strategies.stratified(seed, Pool.from_pairs(*map(list, zip(*rest, strict=True))), RATIOS, fixed, fixed)
    assert after.selected == before.selected


@settings(max_examples=60, deadline=None)
@given(pairs=pools, seed=seeds)
def test_stratum_sizes_are_exact(pairs: list[tuple[str, str]], seed: str) -> None:
    pool = Pool.from_pairs(*map(list, zip(*pairs, strict=True)))
    outcome = strategies.stratified(seed, pool, RATIOS)
    for s in outcome.strata:
        assert s.k == math.ceil(Fraction(s.n) * Fraction(RATIOS[s.risk_class]))
        assert sum(1 for p in outcome.selected if p.risk_class == s.risk_class) == s.k
        assert s.inclusion == Fraction(s.k, s.n)


def test_weighted_probabilities_fix_certainties_and_rescale() -> None:
    lam = strategies.target_probabilities({"A": 100, "D": 10}, {"A": Decimal(1), "D": Decimal(50)}, 20)
    # 20·50/600 > 1: D is taken with certainty, the other 10 places spread over A.
    assert lam == {"A": Fraction(1, 10), "D": Fraction(1)}


def test_weighted_takes_certainties_first_and_exactly_count() -> None:
    pool = make_pool(600, seed=8)
    outcome = strategies.weighted(SEED, pool, 60, {"A": Decimal(1), "B": Decimal(2), "C": Decimal(4), "D": Decimal(40)})
    assert len(outcome.selected) == 60
    d = [p for p in outcome.selected if p.risk_class == "D"]
    assert [p.rank for p in d] == list(range(1, len(d) + 1))  # certainties lead, in ticket order
    assert len(d) == sum(1 for c in pool.classes if c == "D")


def test_weighted_inclusion_frequencies_match_lambda() -> None:
    """Monte-Carlo over 2,000 seeds: each class's inclusion frequency is within 0.015 of λ."""
    ids = [f"ENT{i:04d}" for i in range(200)]
    classes = ["A"] * 100 + ["B"] * 60 + ["C"] * 30 + ["D"] * 10
    pool = Pool.from_pairs(ids, classes)
    weights = {"A": Decimal(1), "B": Decimal(2), "C": Decimal(4), "D": Decimal(8)}
    lam = strategies.target_probabilities(pool.sizes(), weights, 20)
    hits = dict.fromkeys("ABCD", 0)
    runs = 2000
    for r in range(runs):
        for p in strategies.weighted(f"{r:020d}", pool, 20, weights).selected:
            hits[p.risk_class] += 1
    for c, n in pool.sizes().items():
        assert abs(hits[c] / (n * runs) - float(lam[c])) < 0.015, (c, hits[c] / (n * runs), float(lam[c]))


@pytest.mark.parametrize("mode", ["stratified", "weighted"])
def test_mode_vectors_are_reproduced_by_the_tool_and_the_script(mode: str) -> None:
    cert = json.loads((VECTORS / f"{mode}.certificate.json").read_text())
    pool = Pool.parse((VECTORS / f"{mode}.pool.csv").read_bytes())
    assert pool.digest() == cert["pool_digest"]
    from creditcli.draw.service import run_strategy

    outcome = run_strategy(mode, cert["parameters"], cert["seed"], pool)
    assert [[p.rank, p.uscc, p.risk_class, p.ticket] for p in outcome.selected] == [
        [s["rank"], s["uscc"], s["risk_class"], s["ticket"]] for s in cert["selected"]
    ]
    script = runpy.run_path(str(TOOLS / "verify_draw.py"))
    assert script["main"](VECTORS / f"{mode}.certificate.json", VECTORS / f"{mode}.pool.csv") == 0


def test_verify_script_rejects_a_changed_pool(tmp_path: Path) -> None:
    pool = (VECTORS / "stratified.pool.csv").read_bytes().splitlines(keepends=True)
    (tmp_path / "pool.csv").write_bytes(b"".join(pool[1:]))
    script = runpy.run_path(str(TOOLS / "verify_draw.py"))
    assert script["main"](VECTORS / "stratified.certificate.json", tmp_path / "pool.csv") == 1


@pytest.mark.parametrize("n", [1, 2, 1001])
def test_two_process_keys_equal_one_process_keys(n: int) -> None:
    ids = [f"9137010{i:010d}X" for i in range(n)]
    assert (tickets.ticket_keys(SEED, ids, parallel_min=1) == tickets._serial_keys(SEED, ids)).all()


def test_packed_pool_round_trips() -> None:
    from creditcli.draw.pool import EligiblePool
    from creditcli.draw.service import PackedPool

    ep = EligiblePool(make_pool(500), [("91370100000000000X", "登记状态为注销")])
    packed = PackedPool.of(ep)
    assert PackedPool.from_bytes(packed.to_bytes()) == packed
    assert packed.digest == ep.pool.digest()
