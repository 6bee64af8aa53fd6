"""Storage behind one interface: ``io`` never imports ``db``, ``db`` never imports a domain package,
and every name in hand-written SQL is quoted by one function (values are bound, never inlined)."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditcli.db.sql import ident, idents, placeholders

SRC = Path(__file__).resolve().parent.parent / "src" / "creditcli"
DOMAIN = ("rosters", "draw", "teams", "results", "credit", "lifecycle", "audit", "actions", "cli", "demo")


def imports(package: str) -> dict[str, set[str]]:
    """Every creditcli module each file of ``package`` imports (at any depth, lazy imports too)."""
    out: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        out[str(path.relative_to(SRC))] = {m for m in found if m.startswith("creditcli.")}
    return out


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{file} imports {module}"
        for file, modules in imports(package).items()
        for module in sorted(modules)
        if module.split(".")[1] in forbidden
    ]


def test_io_never_imports_db_nor_anything_above_it() -> None:
    assert offending("io", ("db", *DOMAIN)) == []


def test_db_never_imports_a_domain_package() -> None:
    assert offending("db", DOMAIN) == []


def test_the_walk_sees_lazy_and_from_imports() -> None:
    """A test that cannot fail is a defect: the walk must find what it looks for."""
    found = imports("db")["db/locks.py"]
    assert "creditcli.db.adbc" in found  # imported inside a function
    assert "creditcli.db.adbc.remove_leftover_stages" in found


def test_parallel_is_on_the_ground_floor() -> None:
    tree = ast.parse((SRC / "parallel.py").read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not [m for m in modules if m.startswith("creditcli")]


def test_names_are_quoted() -> None:
    assert ident("entities") == '"entities"'
    assert ident("e.uscc") == '"e"."uscc"'
    assert ident('a"b') == '"a""b"'
    assert ident("统一 社会") == '"统一 社会"'
    assert idents(["id", "m.risk_class"]) == '"id", "m"."risk_class"'
    assert placeholders(3) == "?, ?, ?"
    for bad in ("", "a..b", "a.", "x\x00y"):
        with pytest.raises(ValueError):
            ident(bad)


NAME = st.text(st.characters(blacklist_characters="\x00.", blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(table=NAME, column=NAME, value=st.text(st.characters(blacklist_categories=("Cs",)), max_size=8))
def test_any_quoted_name_round_trips_through_sqlite(table: str, column: str, value: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE {ident(table)} ({ident(column)} TEXT)")
    conn.execute(f"INSERT INTO {ident(table)} ({ident(column)}) VALUES (?)", (value,))
    got = conn.execute(f"SELECT {ident(f'{table}.{column}')} FROM {ident(table)}").fetchall()
    assert got == [(value,)]
    assert [r[1] for r in conn.execute(f"PRAGMA table_info({ident(table)})")] == [column]
    conn.close()


def test_the_synthetic_rosters_are_not_part_of_the_package() -> None:
    """tools/synth.py serves tests, tools and benchmarks only; the installed package neither holds nor imports it."""
    assert not (SRC / "synth.py").exists()
    assert (SRC.parent.parent / "tools" / "synth.py").exists()
    assert [f for f, modules in imports("").items() if "creditcli.synth" in modules] == []
