"""Start-up: how long staff wait for a light command, against sqlite-utils on the same machine.

    python benchmarks/bench_startup.py [RUNS]        (default: 9 counted runs after one warm-up)

Whole processes, as a user starts them, from regular (non-editable) installs made here under
benchmarks/out/startup/: creditcli in one virtual environment, sqlite-utils in another without
pandas (with pandas beside it, sqlite-utils imports it and starts in ~0.5 s — not the reference).
The demo database (`creditcli demo`) is the data. Every round runs each command once, in turn, so a
slow spell of this (sometimes throttled) machine hits them all alike; figures are medians over the
rounds, and ratios/differences are taken per round, then their median.

Targets (issue 15): `--help`, `--version`, `tasks --help` ≤ 0.25 s and ≤ 1.6 × `sqlite-utils --help`;
read commands on the demo database ≤ 0.6 s and ≤ 0.15 s above the floor
`python -c "import sqlalchemy, typer"` measured in the same run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "startup"
CLI_ENV, REF_ENV = OUT / "venv-creditcli", OUT / "venv-sqlite-utils"
DEMO = OUT / "demo"


FLOOR = "floor: import sqlalchemy, typer"
CHECKED = "(floor + typer's pydantic checks)"
BARE_TYPER = """
import typer
app, sub = typer.Typer(rich_markup_mode="rich"), typer.Typer(help="A group.")
@app.callback()
def root(db: str = typer.Option("", "--db")) -> None:
    pass
@sub.command()
def one() -> None:
    pass
@sub.command()
def two() -> None:
    pass
app.add_typer(sub, name="sub")
app()
"""
"""The least a Typer 0.29 program with one global option pays for ``PROG sub --help`` (a reference, not a target)."""


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "src").rglob("*.py"), ROOT / "pyproject.toml"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _venv(path: Path, *packages: str, marker: str = "") -> Path:
    stamp = path / "installed.txt"
    if stamp.exists() and stamp.read_text() == marker:
        return path / "bin"
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], check=True)
    pip = [str(path / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *packages], check=True)
    stamp.write_text(marker)
    return path / "bin"


def _timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    return elapsed, usage.ru_utime + usage.ru_stime


def _paired(values: list[float], reference: list[float], ratio: bool) -> float:
    """The median of the per-round ratios (or differences) against the reference."""
    return statistics.median(a / b if ratio else a - b for a, b in zip(values, reference, strict=True))


def main(runs: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cli_bin = _venv(CLI_ENV, str(ROOT), marker=_source_digest())
    ref_bin = _venv(REF_ENV, "sqlite-utils", marker="sqlite-utils")
    db = DEMO / "creditcli.db"
    made_by = DEMO / "made-by.txt"  # the demo database of another version may have an older schema
    if not db.exists() or not made_by.exists() or made_by.read_text() != _source_digest():
        shutil.rmtree(DEMO, ignore_errors=True)
        subprocess.run([str(cli_bin / "creditcli"), "-q", "demo", "--dir", str(DEMO)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        made_by.write_text(_source_digest())
    first = [str(ref_bin / "sqlite-utils"), "rows", str(db), "entities", "-c", "uscc", "--limit", "1", "--csv"]
    uscc = subprocess.run([*first, "--no-headers"], capture_output=True, text=True, check=True).stdout.strip()
    creditcli = [str(cli_bin / "creditcli")]
    on_db = [*creditcli, "--db", str(db)]
    commands: dict[str, list[str]] = {
        "sqlite-utils --help": [str(ref_bin / "sqlite-utils"), "--help"],
        "sqlite-utils rows": [str(ref_bin / "sqlite-utils"), "rows", str(db), "tasks"],
        FLOOR: [str(cli_bin / "python"), "-c", "import sqlalchemy, typer"],
        # Not a target: Typer 0.29 checks every option value with pydantic, so any command that parses
        # an option (all but --help and --version) pays for importing it as well.
        CHECKED: [str(cli_bin / "python"), "-c", "import sqlalchemy, typer, typer._adapters"],
        "(bare Typer: sub --help)": [str(cli_bin / "python"), "-c", BARE_TYPER, "sub", "--help"],
        "creditcli --help": [*creditcli, "--help"],
        "creditcli --version": [*creditcli, "--version"],
        "creditcli tasks --help": [*creditcli, "tasks", "--help"],
        "tasks list": [*on_db, "tasks", "list"],
        "tasks show": [*on_db, "tasks", "show", "2026-SJ-001"],
        "entities show": [*on_db, "entities", "show", uscc],
        "entities list --class D": [*on_db, "entities", "list", "--class", "D"],
        "deadlines": [*on_db, "deadlines"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, argv in commands.items():
            elapsed, used = _timed(argv)
            if round_:  # the first round warms the page cache
                times[name].append(elapsed)
                cpu[name].append(used)
    help_, floor, checked = "sqlite-utils --help", FLOOR, CHECKED
    print(f"{'command':<34}{'median':>9}{'min':>8}{'max':>8}{'CPU':>8}  against the reference (median of per-round")
    print(f"{'':<67}figures; in brackets from CPU time, which other programs on the machine disturb less)")
    for name, values in times.items():
        line = f"{name:<34}{statistics.median(values):>8.3f}s{min(values):>7.3f}s{max(values):>7.3f}s"
        line += f"{statistics.median(cpu[name]):>7.3f}s"
        if name.startswith(("creditcli", "(bare")):
            ratio = _paired(values, times[help_], ratio=True)
            line += f"  {ratio:.2f} × sqlite-utils --help [{_paired(cpu[name], cpu[help_], ratio=True):.2f} ×]"
            if name.startswith("creditcli"):
                verdict = "met" if statistics.median(values) <= 0.25 and ratio <= 1.6 else "NOT met"
                line += f" (≤ 0.25 s, ≤ 1.6 ×: {verdict})"
        elif not name.startswith(("sqlite-utils", "floor", "(")):
            above = _paired(values, times[floor], ratio=False)
            verdict = "met" if statistics.median(values) <= 0.6 and above <= 0.15 else "NOT met"
            line += f"  +{above:.3f} s above the floor [+{_paired(cpu[name], cpu[floor], ratio=False):.3f} s]"
            line += f" (≤ 0.6 s, ≤ +0.15 s: {verdict}); +{_paired(values, times[checked], ratio=False):.3f} s"
            line += f" above floor + checks [+{_paired(cpu[name], cpu[checked], ratio=False):.3f} s]"
        print(line)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
