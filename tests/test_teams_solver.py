"""Team assignment as a pure function: validity, exactness against brute force, tickets, reproducibility."""

from __future__ import annotations

import itertools

from consistent_sampler import sampler
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcli.teams import solver as S

SEED = "01234567890123456789"


def officer(code: str, station: str = "X", quals: str = "") -> S.Officer:
    return S.Officer(code, station, frozenset(q for q in quals.split(",") if q))


def check_valid(p: S.TeamProblem, sol: S.TeamSolution) -> None:
    """Every rule of domain.md §4 on an assignment the solver returned."""
    by_code = {o.code: o for o in p.officers}
    stations = {t.uscc: t.station for t in p.targets}
    assert sorted(t.uscc for t in sol.teams) == sorted(t.uscc for t in p.targets)
    loads: dict[str, int] = {}
    for team in sol.teams:
        codes = [m.code for m in team.members]
        assert len(codes) == len(set(codes)) == p.team_size
        assert [m.role for m in team.members] == [S.LEADER] + [S.MEMBER] * (p.team_size - 1)
        for code in codes:
            assert (code, team.uscc) not in p.conflicts
            if p.cross_station and stations[team.uscc]:
                assert by_code[code].station != stations[team.uscc]
            loads[code] = loads.get(code, 0) + 1
        for q in p.qualifications:
            assert any(q in by_code[c].qualifications for c in codes), (team, q)
    assert max(loads.values()) <= sol.capacity


def brute_force_capacity(p: S.TeamProblem) -> int | None:
    """The smallest per-inspector maximum any valid assignment reaches (None: no assignment)."""
    options = []
    for t in p.targets:
        pool = [
            o
            for o in p.officers
            if (o.code, t.uscc) not in p.conflicts and not (p.cross_station and t.station and o.station == t.station)
        ]
        options.append(
            [
                team
                for team in itertools.combinations(pool, p.team_size)
                if all(any(q in o.qualifications for o in team) for q in p.qualifications)
            ]
        )
    best = None
    for combo in itertools.product(*options):
        loads: dict[str, int] = {}
        for team in combo:
            for o in team:
                loads[o.code] = loads.get(o.code, 0) + 1
        top = max(loads.values())
        best = top if best is None else min(best, top)
    return best


def test_exact_method_staffs_what_greedy_cannot() -> None:
    """At one entity per inspector, greedy's ticket-order choice for E0 leaves E1 without a valid pair;
    {P0, P2} for E0 and {P1, P3} for E1 exists, and the exact method finds it (found by a search over
    small random cases, kept here as a fixed one)."""
    officers = [
        officer("P0", "Y"),
        officer("P1", "Y", "特种设备"),
        officer("P2", "Y", "特种设备"),
        officer("P3", "X", "特种设备"),
    ]
    targets = [S.Target("E0", "Y"), S.Target("E1", "Y")]
    conflicts = frozenset({("P2", "E1"), ("P3", "E0")})
    p = S.TeamProblem(targets, officers, conflicts, 2, frozenset({"特种设备"}), False, f"{1:020d}")
    prep = S._Prepared(p)
    assert S._greedy(p, prep, 1) is None
    sol = S.solve(p)
    assert sol.method in ("max-flow", "greedy+max-flow") and not sol.shortfalls
    check_valid(p, sol)
    assert (sol.capacity, sol.spread) == (1, 0)


def test_one_officer_holding_two_required_qualifications_is_used() -> None:
    """E1 can only be staffed by A (食品 and 特种设备) with D; the flow model asks for a different holder
    per qualification and finds nothing, greedy at a raised cap staffs both entities."""
    officers = [officer("A", quals="食品,特种设备"), officer("D"), officer("G"), officer("H")]
    targets = [S.Target("E0", ""), S.Target("E1", "")]
    conflicts = frozenset({("G", "E1"), ("H", "E1")})
    p = S.TeamProblem(targets, officers, conflicts, 2, frozenset({"食品", "特种设备"}), False, SEED)
    assert S._exact(p, S._Prepared(p), 1) is None
    sol = S.solve(p)
    assert sol.method == "greedy (raised cap)" and not sol.shortfalls
    check_valid(p, sol)
    assert sol.loads["A"] == 2


def test_a_sole_holder_forces_an_uneven_load_and_says_so() -> None:
    officers = [officer("A", quals="特种设备"), officer("B"), officer("C")]
    targets = [S.Target(f"E{i}", "") for i in range(3)]
    sol = S.solve(S.TeamProblem(targets, officers, frozenset(), 2, frozenset({"特种设备"}), False, SEED))
    assert not sol.shortfalls
    assert sol.loads["A"] == 3 and sol.capacity == 3 and sol.spread == 2


def test_infeasible_entities_are_named_with_the_reason() -> None:
    officers = [officer("A", "所1", "特种设备"), officer("B", "所1"), officer("C", "所2")]
    targets = [S.Target("E1", "所1"), S.Target("E2", "所2")]
    p = S.TeamProblem(targets, officers, frozenset({("C", "E1")}), 2, frozenset({"特种设备"}), True, SEED)
    sol = S.solve(p)
    assert sol.teams == []
    assert sol.shortfalls == [
        S.Shortfall("E1", "可用执法人员 0 人，少于检查组人数 2；需要特种设备资质，可用 0 人"),
    ]


def test_teams_follow_consistent_sampler_tickets() -> None:
    """At load 0 every officer competes with his ticket under "<seed>/load/0": the entities, in the
    documented order (fewest candidates, then USCC), take the officers three by three in that ticket
    order; within a team the entity's own tickets order the members and the smallest leads."""
    officers = [officer(f"3701{i:04d}") for i in range(12)]
    targets = [S.Target(f"91370100MA3C0000{i}X", "") for i in range(3)]
    p = S.TeamProblem(targets, officers, frozenset(), 3, frozenset(), False, SEED)
    sol = S.solve(p)
    level0 = list(sampler([o.code for o in officers], seed=f"{SEED}/load/0", take=9, output="id"))
    for n, team in enumerate(sol.teams):
        codes = [m.code for m in team.members]
        assert sorted(codes) == sorted(level0[3 * n : 3 * n + 3])
        assert list(sampler(codes, seed=S.team_seed(SEED, team.uscc), output="id")) == codes
        assert team.members[0].ticket < team.members[1].ticket  # leader: the smallest ticket


def test_each_load_level_reshuffles_the_officers() -> None:
    """Four officers, four entities of two: at load 1 the order is that of "<seed>/load/1"."""
    officers = [officer(f"P{i}") for i in range(4)]
    targets = [S.Target(f"E{i}", "") for i in range(4)]
    sol = S.solve(S.TeamProblem(targets, officers, frozenset(), 2, frozenset(), False, SEED))
    order = [list(sampler([o.code for o in officers], seed=f"{SEED}/load/{level}", output="id")) for level in (0, 1)]
    want = [order[0][:2], order[0][2:], order[1][:2], order[1][2:]]
    assert [sorted(m.code for m in t.members) for t in sol.teams] == [sorted(w) for w in want]


def test_same_seed_same_teams_other_seed_other_teams() -> None:
    officers = [officer(f"P{i}", "XY"[i % 2], "食品" if i % 4 in (0, 1) else "") for i in range(20)]
    targets = [S.Target(f"E{i:03d}", "XY"[i % 2]) for i in range(30)]
    p = S.TeamProblem(targets, officers, frozenset({("P1", "E001")}), 2, frozenset({"食品"}), True, SEED)
    a, b = S.solve(p), S.solve(p)
    assert a.teams == b.teams
    check_valid(p, a)
    assert a.spread <= 1
    other = S.solve(S.TeamProblem(targets, officers, p.conflicts, 2, p.qualifications, True, "9" * 20))
    assert other.teams != a.teams


@st.composite
def problems(draw: st.DrawFn) -> S.TeamProblem:
    m = draw(st.integers(2, 5))
    n = draw(st.integers(1, 3))
    officers = [officer(f"P{i}", draw(st.sampled_from("XY")), draw(st.sampled_from(["", "q"]))) for i in range(m)]
    targets = [S.Target(f"E{j}", draw(st.sampled_from("XY"))) for j in range(n)]
    pairs = [(o.code, t.uscc) for o in officers for t in targets]
    conflicts = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=4)))
    quals = frozenset(draw(st.sampled_from([set(), {"q"}])))
    return S.TeamProblem(
        targets,
        officers,
        conflicts,
        2,
        quals,
        draw(st.booleans()),
        draw(st.text("0123456789", min_size=20, max_size=20)),
    )


@settings(max_examples=300, deadline=None)
@given(p=problems())
def test_solver_agrees_with_brute_force(p: S.TeamProblem) -> None:
    """It never fails where an assignment exists, never returns an invalid one, and reaches the even share when any
    assignment does."""
    best = brute_force_capacity(p)
    sol = S.solve(p)
    if best is None:
        assert sol.teams == [] and sol.shortfalls
        return
    assert not sol.shortfalls
    check_valid(p, sol)
    even = S.capacity(p, len({o.code for o in p.officers}))
    assert sol.capacity <= max(even, best)
    assert max(sol.loads.values()) <= max(even, best)


def test_big_problems_try_raised_caps_before_the_flow() -> None:
    officers = [officer("A", quals="特种设备"), officer("B"), officer("C")]
    targets = [S.Target(f"E{i}", "") for i in range(3)]
    p = S.TeamProblem(targets, officers, frozenset(), 2, frozenset({"特种设备"}), False, SEED)
    sol = S.solve(p, exact_first_limit=1)
    assert sol.method == "greedy (raised cap)" and not sol.shortfalls
    check_valid(p, sol)
    assert sol.loads["A"] == 3


def brute_force_spread(p: S.TeamProblem) -> int | None:
    """The most even spread any valid assignment reaches, over the officers eligible somewhere."""

    def allowed(o: S.Officer, t: S.Target) -> bool:
        return (o.code, t.uscc) not in p.conflicts and not (p.cross_station and t.station and o.station == t.station)

    eligible = {o.code for o in p.officers for t in p.targets if allowed(o, t)}
    options = [
        [
            team
            for team in itertools.combinations([o for o in p.officers if allowed(o, t)], p.team_size)
            if all(any(q in o.qualifications for o in team) for q in p.qualifications)
        ]
        for t in p.targets
    ]
    best = None
    for combo in itertools.product(*options):
        loads = dict.fromkeys(eligible, 0)
        for team in combo:
            for o in team:
                loads[o.code] += 1
        spread = max(loads.values()) - min(loads.values())
        best = spread if best is None else min(best, spread)
    return best


@settings(max_examples=300, deadline=None, derandomize=True)
@given(p=problems())
def test_loads_are_as_even_as_the_rules_allow(p: S.TeamProblem) -> None:
    """Loads differ by at most one, or by no more than the best any valid assignment reaches."""
    best = brute_force_spread(p)
    if best is None:
        return
    assert S.solve(p).spread <= max(best, 1)


def test_rebalancing_evens_out_what_a_raised_cap_left_uneven() -> None:
    """Greedy fails at one entity each, succeeds at two, and leaves loads 2/0; handing places over
    evens them to at most one apart (a case found by search, kept fixed)."""
    officers = [officer("P0", "Y"), officer("P1", "Y"), officer("P2", "X"), officer("P3", "Y"), officer("P4", "Y", "q")]
    targets = [S.Target("E0", "X"), S.Target("E1", "X")]
    conflicts = frozenset({("P0", "E1"), ("P1", "E0"), ("P1", "E1"), ("P2", "E0")})
    p = S.TeamProblem(targets, officers, conflicts, 2, frozenset(), False, f"{0:020d}")
    sol = S.solve(p, exact_first_limit=1)
    check_valid(p, sol)
    assert sol.method == "greedy (raised cap)" and sol.spread <= 1
