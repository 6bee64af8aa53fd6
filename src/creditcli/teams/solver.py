"""Inspector teams for drawn entities (domain.md §4): a pure function of its inputs and the seed.

Every entity e gets ``team_size`` officers from its candidates (not conflicted with e, not from e's
station under 所所交叉), including a holder of every required qualification; nobody carries more
than ``capacity`` entities, capacity being the even share ⌈n·t/m⌉. Choices follow load tickets: an
officer who already carries L entities competes with the consistent-sampling ticket of his code under
the seed ``f"{seed}/load/{L}"``: one fresh random order of the officers per load level, so that teams
are shuffled anew at every round of the even share (m hashes per level, not one per entity × officer).
Within a team the ticket under ``f"{seed}/{uscc}"`` picks the leader.

Fast path: entities in order of (fewest candidates, USCC) take, for each missing qualification and
then for the remaining places, the candidate with the lowest (load, load ticket). If that gets stuck
the exact method decides: a maximum flow that is n·t exactly when a valid assignment exists
(docs/teams.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from creditcli.draw import tickets
from creditcli.teams.flow import FlowNetwork

ALGORITHM = "creditcli-teams/2"
"""Recorded with every assignment: verify refuses to recompute one made by another algorithm."""
EXACT_FIRST_LIMIT = 2_000_000
"""Above this many entity × inspector pairs, greedy with raised caps is tried before the exact flow."""
LEADER = "组长"
MEMBER = "组员"


@dataclass(frozen=True)
class Officer:
    code: str
    station: str
    qualifications: frozenset[str]


@dataclass(frozen=True)
class Target:
    uscc: str
    station: str


@dataclass(frozen=True)
class TeamProblem:
    targets: Sequence[Target]
    officers: Sequence[Officer]
    conflicts: frozenset[tuple[str, str]]
    """(inspector code, uscc) pairs that must never meet."""
    team_size: int
    qualifications: frozenset[str]
    cross_station: bool
    seed: str
    max_per_inspector: int | None = None


@dataclass(frozen=True)
class Member:
    code: str
    role: str
    ticket: str


@dataclass(frozen=True)
class Team:
    uscc: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Shortfall:
    uscc: str
    reason: str


@dataclass
class TeamSolution:
    teams: list[Team] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    method: str = "greedy"
    capacity: int = 0
    loads: dict[str, int] = field(default_factory=dict)

    @property
    def spread(self) -> int:
        """Largest minus smallest number of entities per eligible officer."""
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


def team_seed(seed: str, uscc: str) -> str:
    """The seed of an entity's own tickets: they order its team (the smallest is the leader)."""
    return f"{seed}/{uscc}"


class LoadTickets:
    """Per load level L, every code's place (0 = smallest ticket) in the ticket order under
    ``f"{prefix}/{L}"``; computed for a level when it is first needed."""

    def __init__(self, prefix: str, codes: Sequence[str]) -> None:
        self.prefix = prefix
        self.codes = np.array(codes, dtype=str)
        self._levels: dict[int, np.ndarray] = {}

    def seed(self, level: int) -> str:
        return f"{self.prefix}/{level}"

    def ranks(self, level: int) -> np.ndarray:
        found = self._levels.get(level)
        if found is None:
            seed = self.seed(level)
            order = tickets.ordered(seed, self.codes, tickets.ticket_keys(seed, self.codes.tolist()))
            found = np.empty(len(self.codes), dtype=np.int64)
            found[order] = np.arange(len(self.codes), dtype=np.int64)
            self._levels[level] = found
        return found


class _Prepared:
    """Candidate masks, computed once per problem; load tickets as they are needed."""

    def __init__(self, p: TeamProblem) -> None:
        self.codes = np.array([o.code for o in p.officers], dtype=object)
        order = np.argsort(self.codes.astype(str), kind="stable")
        self.officers = [p.officers[i] for i in order.tolist()]
        self.codes = self.codes[order]
        stations = np.array([o.station for o in self.officers], dtype=object)
        self.holders = {
            q: np.array([q in o.qualifications for o in self.officers], dtype=bool) for q in sorted(p.qualifications)
        }
        conflicted: dict[str, set[str]] = {}
        for code, uscc in p.conflicts:
            conflicted.setdefault(uscc, set()).add(code)
        position = {code: i for i, code in enumerate(self.codes.tolist())}
        self.candidates: list[np.ndarray] = []
        for t in p.targets:
            mask = np.ones(len(self.officers), dtype=bool)
            for code in conflicted.get(t.uscc, ()):
                if code in position:
                    mask[position[code]] = False
            if p.cross_station and t.station:
                mask &= stations != t.station
            self.candidates.append(mask)
        self.load_tickets = LoadTickets(f"{p.seed}/load", self.codes.tolist())
        self.any_holder = np.zeros(len(self.officers), dtype=bool)
        for holders in self.holders.values():
            self.any_holder |= holders


def capacity(p: TeamProblem, eligible: int) -> int:
    share = math.ceil(len(p.targets) * p.team_size / eligible) if eligible else 0
    return min(share, p.max_per_inspector) if p.max_per_inspector is not None else share


def solve(p: TeamProblem, exact_first_limit: int = EXACT_FIRST_LIMIT) -> TeamSolution:
    prep = _Prepared(p)
    eligible_mask = np.zeros(len(prep.officers), dtype=bool)
    for mask in prep.candidates:
        eligible_mask |= mask
    cap = capacity(p, int(eligible_mask.sum()))
    shortfalls = _static_shortfalls(p, prep)
    if shortfalls:
        return TeamSolution(shortfalls=shortfalls, capacity=cap)
    chosen = _greedy(p, prep, cap)
    method = "greedy"
    limit = p.max_per_inspector if p.max_per_inspector is not None else len(p.targets)
    if chosen is None and len(p.targets) * len(prep.officers) > exact_first_limit:
        # The flow network of a big problem is large for pure Python (20k × 800 pairs: minutes):
        # first let greedy try one more entity per inspector at a time.
        chosen = _raised(p, prep, cap, min(limit, cap * 4))
        method = "greedy (raised cap)"
    if chosen is None:
        exact = _exact(p, prep, cap)
        if exact is None:
            # With several required qualifications the flow asks for distinct holders; greedy does
            # not, so it may still find teams where one officer holds two of them.
            chosen = _raised(p, prep, cap, limit) if len(prep.holders) > 1 else None
            if chosen is None:
                return TeamSolution(shortfalls=_flow_shortfalls(p, prep, cap), method="max-flow", capacity=cap)
            method = "greedy (raised cap)"
        else:
            # The flow proves which inspectors must carry more; greedy under those limits usually
            # spreads the rest more evenly (and keeps the ticket order), else the flow's own answer.
            flow_teams, caps = exact
            chosen = _greedy(p, prep, caps)
            method = "greedy+max-flow"
            if chosen is None:
                chosen, method = flow_teams, "max-flow"
    loads = _rebalance(p, prep, chosen, eligible_mask)
    solution = TeamSolution(method=method, capacity=max(cap, int(loads.max(initial=0))))
    solution.loads = {prep.codes[i]: int(loads[i]) for i in np.flatnonzero(eligible_mask).tolist()}
    for t, members in zip(p.targets, chosen, strict=True):
        solution.teams.append(_team(p, prep, t, members))
    return solution


def _raised(p: TeamProblem, prep: _Prepared, cap: int, top: int) -> list[list[int]] | None:
    """Greedy at caps cap+1 … top, the first that succeeds."""
    for raised in range(cap + 1, top + 1):
        chosen = _greedy(p, prep, raised)
        if chosen is not None:
            return chosen
    return None


def _rebalance(p: TeamProblem, prep: _Prepared, chosen: list[list[int]], eligible: np.ndarray) -> np.ndarray:
    """Even the loads out after the greedy pass: while the busiest officer carries two or more entities
    than someone else, hand one of his entities (in USCC order) to the least busy officer (lowest load,
    then code) who may take that place (candidate, not on the team, keeping every required
    qualification covered). Deterministic; stops when loads differ by at most one or nothing can move.
    Returns the final loads (in place: ``chosen`` is updated)."""
    m = len(prep.officers)
    loads = np.zeros(m, dtype=np.int64)
    for team in chosen:
        loads[team] += 1
    teams_of: list[set[int]] = [set() for _ in range(m)]
    for k, team in enumerate(chosen):
        for i in team:
            teams_of[i].add(k)
    stuck: set[int] = set()
    uscc_order = {k: t.uscc for k, t in enumerate(p.targets)}
    while True:
        live = np.flatnonzero(eligible)
        low = int(loads[live].min(initial=0))
        busy = [i for i in live.tolist() if loads[i] >= low + 2 and i not in stuck]
        if not busy:
            return loads
        giver = max(busy, key=lambda i: (loads[i], -i))
        moved = False
        for k in sorted(teams_of[giver], key=uscc_order.__getitem__):
            team = chosen[k]
            others = [i for i in team if i != giver]
            needed = [h for h in prep.holders.values() if h[giver] and not any(h[i] for i in others)]
            room = prep.candidates[k] & eligible & (loads <= loads[giver] - 2)
            room[team] = False
            for holders in needed:
                room &= holders
            idx = np.flatnonzero(room)
            if not len(idx):
                continue
            taker = int(idx[np.lexsort((idx, loads[idx]))[0]])
            chosen[k] = [taker if i == giver else i for i in team]
            teams_of[giver].discard(k)
            teams_of[taker].add(k)
            loads[giver] -= 1
            loads[taker] += 1
            moved = True
            break
        if not moved:
            stuck.add(giver)


def _team(p: TeamProblem, prep: _Prepared, target: Target, members: list[int]) -> Team:
    seed = team_seed(p.seed, target.uscc)
    full = {i: tickets.ticket(seed, prep.codes[i]) for i in members}
    ordered = sorted(members, key=lambda i: (tickets.ticket_sort_key(full[i]), prep.codes[i]))
    return Team(
        target.uscc,
        tuple(Member(prep.codes[i], LEADER if n == 0 else MEMBER, full[i]) for n, i in enumerate(ordered)),
    )


def _static_shortfalls(p: TeamProblem, prep: _Prepared) -> list[Shortfall]:
    """Entities that no assignment can staff, whatever the others get."""
    out = []
    for t, mask in zip(p.targets, prep.candidates, strict=True):
        reasons = []
        available = int(mask.sum())
        if available < p.team_size:
            reasons.append(f"可用执法人员 {available} 人，少于检查组人数 {p.team_size}")
        for q, holders in prep.holders.items():
            count = int((mask & holders).sum())
            if count == 0:
                reasons.append(f"需要{q}资质，可用 0 人")
        if reasons:
            out.append(Shortfall(t.uscc, "；".join(reasons)))
    return out


def _order(p: TeamProblem, prep: _Prepared) -> list[int]:
    """Most constrained entities first, then by USCC: a fixed, documented order."""
    counts = [int(m.sum()) for m in prep.candidates]
    return sorted(range(len(p.targets)), key=lambda k: (counts[k], p.targets[k].uscc))


def _greedy(p: TeamProblem, prep: _Prepared, cap: int | np.ndarray) -> list[list[int]] | None:
    m = len(prep.officers)
    loads = np.zeros(m, dtype=np.int64)
    ranks = prep.load_tickets.ranks(0).copy()  # each officer's place at his current load
    chosen: list[list[int]] = [[] for _ in p.targets]
    for k in _order(p, prep):
        open_ = prep.candidates[k] & (loads < cap)
        team: list[int] = []
        for holders in prep.holders.values():
            if any(holders[i] for i in team):
                continue
            pick = _lowest(open_ & holders, loads * m + ranks, 1)
            if not pick:
                return None
            team += pick
            open_[pick] = False
        # The other places: lowest load, then inspectors without a required qualification (holders
        # stay free for the teams that need them), then ticket.
        rest = _lowest(open_, (loads * 2 + prep.any_holder) * m + ranks, p.team_size - len(team))
        if len(rest) < p.team_size - len(team):
            return None
        team += rest
        loads[team] += 1
        for i in team:
            ranks[i] = prep.load_tickets.ranks(int(loads[i]))[i]
        chosen[k] = team
    return chosen


def _lowest(mask: np.ndarray, score: np.ndarray, n: int) -> list[int]:
    """The ``n`` positions under ``mask`` with the smallest score (scores are distinct)."""
    idx = np.flatnonzero(mask)
    if n <= 0 or not len(idx):
        return []
    values = score[idx]
    best = np.argpartition(values, n - 1)[:n] if n < len(idx) else np.arange(len(idx))
    picked: list[int] = idx[best[np.argsort(values[best])]].tolist()
    return picked


@dataclass
class _Network:
    net: FlowNetwork
    links: list[list[tuple[int, int]]]
    """Per entity: (edge into the inspector, inspector position)."""
    inspector_nodes: list[int]
    sink_edges: list[int]


def _network(p: TeamProblem, prep: _Prepared, cap: int) -> _Network:
    """Source → entity (t) → [qualification slot (1) →] inspector gadget → inspector (cap) → sink.

    One required qualification is modelled exactly: the entity sends one unit through its
    qualification slot to holders only, t−1 units to anyone, and a per-(entity, holder) gadget of
    capacity 1 keeps a holder from being counted twice. With several required qualifications each
    gets its own slot, so a holder of two counts once: the exact method then asks for distinct
    holders (greedy does not), a known limit of this model (docs/teams.md).
    """
    m = len(prep.officers)
    net = FlowNetwork()
    source, sink = net.node(), net.node()
    inspector_nodes = [net.node() for _ in range(m)]
    sink_edges = [net.edge(inspector_nodes[i], sink, cap) for i in range(m)]
    links: list[list[tuple[int, int]]] = []
    quals = list(prep.holders.items())
    first = prep.load_tickets.ranks(0)
    for k in range(len(p.targets)):
        idx = np.flatnonzero(prep.candidates[k])
        idx = idx[np.argsort(first[idx], kind="stable")]  # lower level-0 tickets are tried first
        rest = net.node()
        net.edge(source, rest, max(p.team_size - len(quals), 0))
        slots = []
        for _q, _holders in quals:
            slot = net.node()
            net.edge(source, slot, 1)
            slots.append(slot)
        entity_links = []
        for i in idx.tolist():
            held = [s for s, (_q, holders) in zip(slots, quals, strict=True) if holders[i]]
            if held:
                gadget = net.node()
                for s in held:
                    net.edge(s, gadget, 1)
                net.edge(rest, gadget, 1)
                entity_links.append((net.edge(gadget, inspector_nodes[i], 1), i))
            else:
                entity_links.append((net.edge(rest, inspector_nodes[i], 1), i))
        links.append(entity_links)
    net.source, net.sink = source, sink
    return _Network(net, links, inspector_nodes, sink_edges)


def _exact(p: TeamProblem, prep: _Prepared, cap: int) -> tuple[list[list[int]], np.ndarray] | None:
    """Maximum flow at the even share; where that falls short, only the inspectors on the source side
    of the minimum cut (the bottleneck) take one more entity each, and the flow continues."""
    need = len(p.targets) * p.team_size
    limit = p.max_per_inspector if p.max_per_inspector is not None else len(p.targets)
    g = _network(p, prep, cap)
    total = 0
    while True:
        total += g.net.max_flow()
        if total == need:
            caps = np.array([g.net.original[e] for e in g.sink_edges], dtype=np.int64)
            return [[i for edge, i in entity if g.net.flow(edge)] for entity in g.links], caps
        reach = g.net.reachable()
        tight = [
            e
            for node, e in zip(g.inspector_nodes, g.sink_edges, strict=True)
            if reach[node] and g.net.capacity[e] == 0 and g.net.original[e] < limit
        ]
        if not tight:
            return None
        for e in tight:
            g.net.widen(e)


def _flow_shortfalls(p: TeamProblem, prep: _Prepared, cap: int) -> list[Shortfall]:
    """Which entities stay short in a maximum flow at the highest allowed load, and what they lacked."""
    limit = p.max_per_inspector if p.max_per_inspector is not None else len(p.targets)
    g = _network(p, prep, max(cap, limit))
    g.net.max_flow()
    out = []
    for t, entity, mask in zip(p.targets, g.links, prep.candidates, strict=True):
        got = [i for edge, i in entity if g.net.flow(edge)]
        if len(got) >= p.team_size:
            continue
        details = [f"可用执法人员 {int(mask.sum())} 人，其余已被其他对象占满（每人最多 {limit} 户）"]
        for q, holders in prep.holders.items():
            if not any(holders[i] for i in got):
                details.append(f"需要{q}资质，可用 {int((mask & holders).sum())} 人")
        out.append(Shortfall(t.uscc, "；".join(details)))
    return out


SUPPORT = "专家"


Supporter = tuple[str, frozenset[str] | None]
"""An expert or third-party staff member: code and fields (None: an assignment recorded before fields
were, where everyone counted as suitable)."""


def suitable(p: TeamProblem, fields: frozenset[str] | None) -> bool:
    """Experts are matched by field (domain.md §4): when the items require qualifications, only one
    who holds one of them is sent (a food expert is no help at a special-equipment inspection)."""
    return fields is None or not p.qualifications or bool(fields & p.qualifications)


def add_support(
    p: TeamProblem, support: Sequence[Supporter], count: int
) -> tuple[dict[str, list[Member]], list[Shortfall]]:
    """``count`` suitable experts or third-party staff per team, entities in USCC order, by (load, load
    ticket under ``f"{seed}/support/{L}"``); they never count toward the team size. Conflicts apply to
    them as to officers. An entity for which fewer are available gets those there are (maybe none): the
    team stands without, and the returned shortfalls say so per entity."""
    chosen: dict[str, list[Member]] = {}
    if count <= 0:
        return chosen, []
    ordered = sorted(support, key=lambda s: s[0])
    codes = [c for c, _ in ordered]
    fit = [suitable(p, fields) for _, fields in ordered]
    levels = LoadTickets(f"{p.seed}/support", codes)
    loads = dict.fromkeys(codes, 0)
    short = []
    field = f"{'或'.join(sorted(p.qualifications))}领域的" if p.qualifications else ""
    for t in sorted(p.targets, key=lambda t: t.uscc):
        free = [n for n, c in enumerate(codes) if fit[n] and (c, t.uscc) not in p.conflicts]
        if len(free) < count:
            got = f"检查组只配了 {len(free)} 人" if free else "检查组未配专家"
            short.append(Shortfall(t.uscc, f"需要{field}专家或第三方人员 {count} 人，符合条件的 {len(free)} 人：{got}"))
        picked = sorted(free, key=lambda n: (loads[codes[n]], int(levels.ranks(loads[codes[n]])[n])))[:count]
        if not picked:
            continue
        names = [codes[n] for n in picked]
        for c in names:
            loads[c] += 1
        full = tickets.tickets_for(team_seed(p.seed, t.uscc), names)
        chosen[t.uscc] = [Member(c, SUPPORT, f) for c, f in zip(names, full, strict=True)]
    return chosen, short


def replacement(p: TeamProblem, uscc: str, team: Sequence[str], leaving: str, withdrawn: set[str]) -> Member | None:
    """递补: the officer with the smallest team ticket who may join this team in ``leaving``'s place.

    Eligible: not conflicted with the entity, not from its station under 所所交叉, not on the team, not
    withdrawn from this assignment, and holding every required qualification no remaining member holds.
    """
    by_code = {o.code: o for o in p.officers}
    target = next(t for t in p.targets if t.uscc == uscc)
    remaining = [c for c in team if c != leaving]
    missing = {
        q for q in p.qualifications if not any(q in by_code[c].qualifications for c in remaining if c in by_code)
    }
    pool = [
        o.code
        for o in p.officers
        if o.code not in team
        and o.code not in withdrawn
        and (o.code, uscc) not in p.conflicts
        and not (p.cross_station and target.station and o.station == target.station)
        and missing <= o.qualifications
    ]
    if not pool:
        return None
    full = dict(zip(pool, tickets.tickets_for(team_seed(p.seed, uscc), pool), strict=True))
    best = min(pool, key=lambda c: (tickets.ticket_sort_key(full[c]), c))
    return Member(best, "", full[best])
