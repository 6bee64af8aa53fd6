"""tasks verify at scale (issue 15 item 8): tampered selection rows are listed exactly, and the linear
routines that replaced the quadratic and per-row ones give what the old ones gave, on any input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import synth
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli, write_csv
from creditcli.draw import strategies
from creditcli.draw.strategies import Pool, class_label
from creditcli.draw.verify import differences, roster_changes

SEED = "20261127000000000042"
RATIOS = ["--ratio", "A=0.2", "--ratio", "B=0.2", "--ratio", "C=0.2", "--ratio", "D=0.5"]


def test_tampered_selection_rows_are_counted_and_the_first_ten_named(cli: Cli, tmp_path: Path) -> None:
    frame = synth.entities(np.random.default_rng(8), 400)
    frame.to_csv(tmp_path / "entities.csv", index=False)
    cli.ok("entities", "import", tmp_path / "entities.csv")
    cli.ok("tasks", "create", "T1", "--name", "双随机抽查", "--window", "2026-03-01:2026-06-30", *RATIOS)
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    rows = cli.query("SELECT id, rank, uscc, risk_class, ticket FROM draw_selections ORDER BY id")
    assert len(rows) > 40
    chosen = rows[::3][:12]  # 12 rows: 4 get another ticket, 4 another rank, 4 another USCC
    altered = []
    for n, (row_id, rank, code, klass, ticket) in enumerate(chosen):
        if n < 4:
            new = (rank, code, klass, ticket + "7")
            cli.execute("UPDATE draw_selections SET ticket = :t WHERE id = :i", t=new[3], i=row_id)
        elif n < 8:
            new = (rank + 100, code, klass, ticket)
            cli.execute("UPDATE draw_selections SET rank = :r WHERE id = :i", r=new[0], i=row_id)
        else:
            new = (rank, f"9137010000000{n:04d}X", klass, ticket)
            cli.execute("UPDATE draw_selections SET uscc = :u WHERE id = :i", u=new[1], i=row_id)
        altered.append(new)
    before = cli.dump()
    result = cli("tasks", "verify", "T1")
    assert cli.dump() == before
    retold = sorted((old[:3], old[3], new[3]) for old, new in zip(chosen_rows(chosen), altered[:4], strict=False))
    missing = sorted(chosen_rows(chosen)[4:])
    extra = sorted(altered[4:])
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：任务 T1 第 1 次抽取复核不一致：\n"
        "数据库中的抽取结果与重新计算不符：缺少 12 条，多出 12 条\n"
        + "".join(
            f"  第 {r} 名 {u}（{class_label(c)}）的签号不符：记录为 {t2}，重新计算为 {t}\n"
            for (r, u, c), t, t2 in retold
        )
        + "".join(f"  应有：第 {r} 名 {u}（{class_label(c)}）\n" for r, u, c, _ in missing)
        + "".join(f"  多出：第 {r} 名 {u}（{class_label(c)}）\n" for r, u, c, _ in extra)
    )
    report = json.loads(cli("tasks", "verify", "T1", "-f", "json").stdout)
    assert (report["ok"], report["selected"], report["roster_added"], report["roster_removed"]) == (
        False,
        len(rows),
        0,
        0,
    )


def chosen_rows(chosen: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(rank, code, klass, ticket) for _, rank, code, klass, ticket in chosen]


def test_today_s_pool_is_taken_with_the_task_s_exclusions(cli: Cli, tmp_path: Path) -> None:
    """verify compares the frozen pool with today's pool as the task defines it: entities excluded by
    name or drawn recently are neither "added" nor "removed"; an entity no longer 存续 is removed."""
    frame = synth.entities(np.random.default_rng(9), 300)
    frame.to_csv(tmp_path / "entities.csv", index=False)
    cli.ok("entities", "import", tmp_path / "entities.csv")
    window = ["--window", "2026-03-01:2026-06-30"]
    cli.ok("tasks", "create", "T1", "--name", "先抽", *window, *RATIOS)
    cli.ok("tasks", "draw", "T1", "--seed", SEED)
    drawn = {u for (u,) in cli.query("SELECT uscc FROM draw_selections")}
    active = frame[(frame["登记状态"] == "存续") & ~frame["统一社会信用代码"].isin(drawn)]
    named = active["统一社会信用代码"].iloc[:2].tolist()
    write_csv(tmp_path / "exclude.csv", ["统一社会信用代码"], [[u] for u in named])
    extra = ["--exclude", str(tmp_path / "exclude.csv"), "--exclude-drawn-within", "12"]
    cli.ok("tasks", "create", "T2", "--name", "后抽", *window, *extra)
    cli.ok("tasks", "draw", "T2", "--seed", "2" + SEED)
    (size,) = cli.query("SELECT pool_size FROM pool_freezes ORDER BY id DESC")[0]
    assert size == len(active) - 2
    report = json.loads(cli.ok("tasks", "verify", "T2", "-f", "json").stdout)
    assert (report["ok"], report["roster_added"], report["roster_removed"], report["roster_reclassified"]) == (
        True,
        0,
        0,
        0,
    )
    closed = frame[frame["统一社会信用代码"] == active["统一社会信用代码"].iloc[5]].copy()
    closed["登记状态"] = "注销"
    closed.to_csv(tmp_path / "closed.csv", index=False)
    cli.ok("entities", "import", tmp_path / "closed.csv")
    report = json.loads(cli.ok("tasks", "verify", "T2", "-f", "json").stdout)
    assert (report["ok"], report["roster_added"], report["roster_removed"], report["roster_reclassified"]) == (
        True,
        0,
        1,
        0,
    )


# The routines as they were before issue 15 (per-row sets; a Python string per pool line): the reference.


def old_differences(where: str, got: Sequence[tuple[Any, ...]], want: Sequence[tuple[Any, ...]]) -> list[str]:
    """As before issue 15 (a set per row), with session 8's rule: a row whose ticket alone differs is one
    "签号不符" line instead of an 应有 and a 多出 line."""
    missing = [w for w in want if w not in set(got)]
    extra = [g for g in got if g not in set(want)]
    out = [f"{where}与重新计算不符：缺少 {len(missing)} 条，多出 {len(extra)} 条"]
    pairs = [(w, next(g for g in extra if g[:3] == w[:3])) for w in missing if any(g[:3] == w[:3] for g in extra)]
    out += [
        f"  第 {w[0]} 名 {w[1]}（{class_label(w[2])}）的签号不符：记录为 {g[3]}，重新计算为 {w[3]}"
        for w, g in pairs[:10]
    ]
    out += [f"  应有：第 {w[0]} 名 {w[1]}（{class_label(w[2])}）" for w in missing if w not in [p for p, _ in pairs]][
        :10
    ]
    out += [
        f"  多出：第 {g[0]} 名 {g[1]}（{class_label(g[2])}）" for g in extra if g[:3] not in [p[:3] for p, _ in pairs]
    ][:10]
    return out


def old_code_order(codes: Sequence[str], ids: np.ndarray) -> np.ndarray:
    try:
        packed = np.array(codes, dtype="S18")
    except UnicodeEncodeError:
        return np.argsort(ids, kind="stable")
    if ids.dtype.itemsize > 18 * 4 or (packed.view(np.uint8) > 127).any():
        return np.argsort(ids, kind="stable")
    raw = packed.view(np.uint8).reshape(-1, 18)
    high = np.zeros(len(raw), dtype=np.uint64)
    low = np.zeros(len(raw), dtype=np.uint64)
    shifts = np.arange(8, -1, -1, dtype=np.uint64) * np.uint64(7)
    for i in range(9):
        high |= raw[:, i].astype(np.uint64) << shifts[i]
        low |= raw[:, 9 + i].astype(np.uint64) << shifts[i]
    order = np.argsort(low, kind="stable")
    result: np.ndarray = order[np.argsort(high[order], kind="stable")]
    return result


def old_from_pairs(uscc: Sequence[str], classes: Sequence[str]) -> Pool:
    ids = np.array(uscc, dtype=f"U{max(map(len, uscc), default=1)}")
    order = old_code_order(uscc, ids)
    klass = np.array(classes, dtype=f"U{max(map(len, classes), default=1)}")
    return Pool(ids[order], klass[order])


def old_parse(data: bytes) -> Pool:
    uscc: list[str] = []
    classes: list[str] = []
    for line in data.decode("utf-8").splitlines():
        code, _, klass = line.partition(",")
        uscc.append(code)
        classes.append(klass)
    return old_from_pairs(uscc, classes)


def old_roster_changes(recorded: Pool, today: Pool) -> tuple[int, int, int]:
    before = dict(zip(recorded.uscc.tolist(), recorded.classes.tolist(), strict=True))
    now = dict(zip(today.uscc.tolist(), today.classes.tolist(), strict=True))
    reclassified = sum(1 for u, c in now.items() if u in before and before[u] != c)
    return len(now.keys() - before.keys()), len(before.keys() - now.keys()), reclassified


def same_pool(a: Pool, b: Pool) -> bool:
    return (
        a.uscc.tolist() == b.uscc.tolist()
        and a.classes.tolist() == b.classes.tolist()
        and (a.uscc.dtype, a.classes.dtype) == (b.uscc.dtype, b.classes.dtype)
    )


# Few distinct values, so that lists share rows and codes repeat; some codes not ASCII or longer than
# 18 characters (the general path), some with commas, spaces and line breaks of every kind.
ROW = st.tuples(
    st.integers(1, 4),
    st.sampled_from(["91A", "91B", "92C"]),
    st.sampled_from(["", "A", "D"]),
    st.sampled_from(["0.1", "0.2"]),
)
CODE = st.one_of(
    st.text("0189AXY", max_size=4),
    st.sampled_from(["91370100000000000X", "9137010000000000000X", "甲", "9137 ", "91,3", ""]),
)
CLASS = st.sampled_from(["", "A", "B", "D", "AB", "未", "A,B"])
LINE_TEXT = st.text(st.sampled_from(list("09AZ ,é\n\r\x0b\x1c\x85\u2028|")), max_size=40)


@given(st.lists(ROW, max_size=25), st.lists(ROW, max_size=25))
def test_differences_say_what_the_per_row_sets_said(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> None:
    assert differences("数据库中的抽取结果", got, want) == old_differences("数据库中的抽取结果", got, want)
    got, want = sorted(got), sorted(want)
    assert differences("证书中的抽取结果", got, want) == old_differences("证书中的抽取结果", got, want)


@given(st.lists(st.tuples(CODE, CLASS), max_size=40))
def test_pool_from_pairs_is_the_old_pool(pairs: list[tuple[str, str]]) -> None:
    codes, classes = [c for c, _ in pairs], [k for _, k in pairs]
    assert same_pool(Pool.from_pairs(codes, classes), old_from_pairs(codes, classes))
    ordered = sorted(pairs)
    codes, classes = [c for c, _ in ordered], [k for _, k in ordered]
    assert same_pool(Pool.from_pairs(codes, classes), old_from_pairs(codes, classes))


@settings(max_examples=300)
@given(st.one_of(st.lists(st.tuples(CODE, CLASS), max_size=40), LINE_TEXT))
def test_pool_parse_is_the_old_parse(source: list[tuple[str, str]] | str) -> None:
    """Lines as a frozen pool holds them (sorted or not), and any text at all."""
    if isinstance(source, str):
        texts = [source, source + "\n"]
    else:
        texts = ["".join(f"{c},{k}\n" for c, k in source), "".join(f"{c},{k}\n" for c, k in sorted(source))]
    for text in texts:
        data = text.encode("utf-8")
        assert same_pool(Pool.parse(data), old_parse(data))


def test_a_frozen_pool_is_parsed_as_arrays() -> None:
    """The frozen pool of a real roster takes the vectorised path (the property test above covers both)."""
    frame = synth.entities(np.random.default_rng(3), 300)
    pool = Pool.from_pairs(frame["统一社会信用代码"].tolist(), frame["信用风险分类"].tolist())
    assert strategies._split_ascii(pool.lines()) is not None
    assert same_pool(Pool.parse(pool.lines()), pool)
    with pytest.raises(UnicodeDecodeError):
        Pool.parse(b"91370100000000000X,\xff\n")


@given(st.lists(st.tuples(CODE, CLASS), max_size=30), st.lists(st.tuples(CODE, CLASS), max_size=30))
def test_roster_changes_count_what_the_dicts_counted(
    recorded: list[tuple[str, str]], today: list[tuple[str, str]]
) -> None:
    before = Pool.from_pairs([c for c, _ in recorded], [k for _, k in recorded])
    now = Pool.from_pairs([c for c, _ in today], [k for _, k in today])
    assert roster_changes(before, now) == old_roster_changes(before, now)
    shared = Pool.from_pairs([c for c, _ in recorded + today], [k for _, k in recorded + today])
    assert roster_changes(before, shared) == old_roster_changes(before, shared)
