"""Start-up (issue 15): what a light command imports, as a user starts it (a new process).

A help screen imports none of SQLAlchemy, pandas, numpy, pyarrow and reads no configuration; the
reads a person waits for at the terminal import neither pandas, numpy, pyarrow nor the ORM and its
models. These tests assert which modules load, never how long anything takes (that depends on the
machine): benchmarks/bench_startup.py measures the time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, U1, Cli, entity_rows, write_csv

DATA = {"pandas", "numpy", "pyarrow"}
DATABASE = {"sqlalchemy"}
ORM = {"sqlalchemy.orm", "creditcli.db.models"}


def imported(*args: str | Path, env: dict[str, str] | None = None, code: int = 0) -> set[str]:
    """Every module ``creditcli ARGS`` imports, read from ``python -X importtime`` (it must exit with ``code``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "creditcli", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == code, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    found = {line.split("|")[-1].strip() for line in lines[1:]}  # the first line is the header
    assert "creditcli.cli.app" in found  # the output was read right: a test that cannot fail is a defect
    return found


def packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


HELP = [["--help"], ["--version"], ["tasks", "--help"], ["entities", "list", "--help"], ["deadlines", "--help"]]


@pytest.mark.parametrize("args", [*HELP, ["tasks"]], ids=" ".join)
def test_help_imports_no_database_nor_data_libraries(args: list[str], tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("risk_classes = []\n", encoding="utf-8")  # a help screen never reads it
    env = {**os.environ, "CREDITCLI_CONFIG": str(broken)}
    found = imported(*args, env=env, code=0 if args in HELP else 2)  # a group named alone: its help, exit 2
    assert packages(found) & (DATA | DATABASE) == set()
    assert "creditcli.settings_file" not in found


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["tasks", "--help"], ["results", "--help"]], ids=" ".join)
def test_help_imports_no_pydantic(args: list[str]) -> None:
    """Typer's parameter checks (pydantic) never load for a help screen: the top level answers before any
    option is parsed; a group's help parses the global options, all unset, which need no converting
    (cli/values.py)."""
    assert "pydantic" not in packages(imported(*args))


@pytest.mark.parametrize("noun", ["tasks", "entities", "results", "publicity", "risk", "db"])
def test_a_group_help_builds_no_command_and_shows_what_building_them_shows(
    noun: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``tasks --help`` lists stand-ins (cli/groups.py): the same screen as the built commands give."""
    from creditcli.cli import groups

    monkeypatch.setenv("COLUMNS", "100")
    group = groups.noun_group(groups.Nouns._noun(noun))
    commands = group.commands
    assert isinstance(commands, groups.Commands)
    with group.make_context(noun, ["--help"], resilient_parsing=True) as ctx:
        group.get_help(ctx)  # Typer's rich help screen is printed, not returned
        listed = capsys.readouterr().out
        assert commands.built == {}
        commands.stand_in = None  # now the help screen builds every command, as Typer itself would
        group.get_help(ctx)
        full = capsys.readouterr().out
    assert set(commands.built) == set(commands.order) != set()
    assert "命令" in listed and full == listed


def test_reads_import_no_data_libraries_nor_orm(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.ok("tasks", "freeze", "T1", "-o", tmp_path / "notice.md")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127084730265918")
    reads = [
        ["tasks", "list"],
        ["tasks", "show", "T1"],
        ["entities", "show", U1],
        ["entities", "list", "--class", "D"],
        ["entities", "list", "--limit", "0", "-f", "csv"],
        ["deadlines", "--today", "2026-07-01"],
    ]
    for args in reads:
        found = imported("--db", cli.db, *args)
        assert packages(found) & DATA == set(), args
        assert found & ORM == set(), args
        assert "pydantic" not in packages(found), args  # cli/values.py; tasks show reads the spec as JSON


def test_a_write_still_imports_what_it_needs(cli: Cli, tmp_path: Path) -> None:
    """The counter-check: the module lists above are read right (an import does load pandas and the models)."""
    found = imported("--db", cli.db, "entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    assert {"pandas", "numpy", "pyarrow"} <= packages(found)
    assert "creditcli.db.models" in found


def test_tasks_show_reads_the_stored_spec_as_the_model_does(cli: Cli, tmp_path: Path) -> None:
    """``tasks show`` reads a task's parameters as JSON (start-up): the same values as the pydantic
    model gives, for a 定向 weighted task and a stratified one; a damaged record goes to the model."""
    import json

    from creditcli.draw.spec import parse_spec
    from creditcli.draw.views import spec_data
    from creditcli.errors import RecordError

    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    window = ["--window", "2026-03-01:2026-06-30"]
    weights = [a for w in ("A=1", "B=2", "C=3", "D=4.5") for a in ("--weight", w)]
    scope = ["--station", "华山市场监管所", "--entity-type", "企业", "--exclude-drawn-within", "6"]
    cli.ok("tasks", "create", "W", "--name", "加权", *window, "--mode", "weighted", "--count", "1", *weights, *scope)
    cli.ok("tasks", "create", "S", "--name", "分层", *window, "--ratio", "A=0.010", "--min", "A=3", "--max", "A=20")
    stored = dict(cli.query("SELECT code, spec FROM tasks"))
    for code, spec in stored.items():
        model = parse_spec(code, spec)
        assert spec_data(code, spec) == json.loads(model.model_dump_json())
        shown = json.loads(cli.ok("-f", "json", "tasks", "show", code).stdout)
        assert shown["parameters"] == model.draw_parameters() and shown["pool_scope"] == model.pool.model_dump(
            mode="json"
        )
    assert json.loads(cli.ok("-f", "json", "tasks", "show", "S").stdout)["parameters"]["ratios"]["A"] == "0.010"
    damaged = json.dumps({**json.loads(stored["S"]), "items": "不是列表"})
    with pytest.raises(RecordError, match=r"tasks\.spec）已损坏"):
        spec_data("S", damaged)
