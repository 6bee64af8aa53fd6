"""Import and draw at 1M entities on PostgreSQL, beside the SQLite figures of bench_rosters/bench_draw.

    CREDITCLI_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres python benchmarks/bench_pg.py [SIZE]

The URL names a server and an administrative database: a fresh database ``creditcli_bench`` is made
on it (dropped first), upgraded with `creditcli db upgrade`, and used for the real commands.
"""

from __future__ import annotations

import os
import sys

from bench_rosters import roster
from measure import run_creditcli
from sqlalchemy import create_engine, make_url, text

SEED = "16180339887498948482"


def fresh_database(admin_url: str) -> str:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS creditcli_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE creditcli_bench"))
    engine.dispose()
    return make_url(admin_url).set(database="creditcli_bench").render_as_string(hide_password=False)


def main() -> None:
    admin = os.environ.get("CREDITCLI_BENCH_PG_URL")
    if not admin:
        raise SystemExit(__doc__)
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url = fresh_database(admin)
    base = ["--db", url, "-q"]
    run_creditcli([*base, "db", "upgrade"])
    csv = roster(size)
    steps = [
        ("import into an empty database", [*base, "entities", "import", str(csv)]),
        ("re-import, all unchanged", [*base, "entities", "import", str(csv)]),
        ("export to CSV", [*base, "entities", "export", str(csv.with_name(f"pg_export_{size}.csv"))]),
        ("tasks create (default ratios)", [*base, "tasks", "create", "TP", "--name", "bench", "--window",
                                           "2026-03-01:2026-06-30"]),
        ("tasks draw (freeze + draw)", [*base, "tasks", "draw", "TP", "--seed", SEED]),
    ]  # fmt: skip
    for label, args in steps:
        wall, rss = run_creditcli(args)
        print(f"{size:>10,} | PostgreSQL | {label:<30} | {wall:7.2f} s | {rss:7.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
