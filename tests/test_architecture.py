"""The house as built: the import graph follows the whiteboard, and every write goes through a use case
that leaves exactly one audit entry (README, 开发).

    cli -> use cases (actions, demo) -> domain (rosters, draw, teams, results, credit, lifecycle, audit,
    workdays) -> db, io -> ground (errors, clock, settings, parallel helpers)

Arrows never point upward; io never imports db; db imports no domain package; draw imports none of
teams, results, credit; only cli imports Typer or rich. Every import counts, also one inside a
function or under ``TYPE_CHECKING`` (a type is a dependency too).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, INSPECTOR_HEADER, Cli, entity_rows, write_csv

SRC = Path(__file__).resolve().parents[1] / "src" / "creditcli"

LAYERS = {
    "cli": 5,
    "actions": 4,
    "demo": 4,
    "rosters": 3,
    "draw": 3,
    "teams": 3,
    "results": 3,
    "credit": 3,
    "lifecycle": 3,
    "audit": 3,
    "workdays": 3,
    "db": 2,
    "io": 2,
}
"""The first name below ``creditcli`` -> its floor; anything else is ground floor (1)."""


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, name: str) -> set[str]:
    """Every creditcli module (and typer/rich) ``path`` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in out if m.split(".")[0] in {"creditcli", "typer", "rich", "click"}}


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else ""


def floor(module: str) -> int:
    return LAYERS.get(part(module), 1)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imports(path, name) if m in known or not m.startswith("creditcli")}
            for name, path in known.items()}  # fmt: skip


def test_no_arrow_runs_against_the_whiteboard() -> None:
    wrong = []
    for source, targets in sorted(graph().items()):
        if source == "creditcli.__main__":
            continue  # the console entry point: the roof over the CLI
        for target in sorted(targets):
            if not target.startswith("creditcli"):
                if part(source) != "cli":
                    wrong.append(f"{source} -> {target} (Typer and rich belong to the CLI)")
                continue
            rule = None
            if floor(target) > floor(source):
                rule = "upward"
            elif part(source) == "io" and part(target) == "db":
                rule = "io never imports db"
            elif part(source) == "draw" and part(target) in {"teams", "results", "credit", "audit"}:
                rule = "draw never imports what comes after it"
            elif part(source) == "lifecycle" and floor(target) == 3:
                rule = "the lifecycle asks the tables, not the domain"
            elif floor(source) == 1 and floor(target) == 1 and part(target) == "settings" and part(source) == "errors":
                rule = "errors is the ground"
            if rule:
                wrong.append(f"{source} -> {target} ({rule})")
    assert wrong == []


def test_the_graph_reader_sees_imports_inside_functions() -> None:
    """The check above is only as good as the reader: it must find the lazy imports the CLI is made of."""
    found = graph()
    assert "creditcli.actions.tasks" in found["creditcli.cli.tasks"]
    assert "creditcli.draw.tasks" in found["creditcli.actions.tasks"]
    assert "typer" in found["creditcli.cli.tasks"]


CLI_FORBIDDEN = {"session", "session_scope", "begin", "reading", "writing", "Session", "sessionmaker", "make_engine"}


def test_the_cli_neither_appends_audit_entries_nor_opens_transactions() -> None:
    """Every transaction, lock and audit entry belongs to the use cases (actions/): a command cannot forget one."""
    found = []
    for path in sorted((SRC / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            name = (
                called.attr if isinstance(called, ast.Attribute) else called.id if isinstance(called, ast.Name) else ""
            )
            audit_append = (
                isinstance(called, ast.Attribute)
                and called.attr == "append"
                and (isinstance(called.value, ast.Name) and called.value.id == "audit")
            )
            if name in CLI_FORBIDDEN or audit_append:
                found.append(f"{path.name}:{node.lineno} {name}()")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("creditcli.audit", "creditcli.db")):
                found.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert found == []


# Every write use case leaves exactly one audit entry ----------------------------------------------------


def test_every_write_use_case_leaves_exactly_one_audit_entry(cli: Cli, tmp_path: Path) -> None:
    """Driven from Python (the library works without the CLI): each write use case, once, and the log
    grows by one entry each time, named after the use case; a dry run and a no-op leave none."""
    from creditcli.actions import WRITE_USE_CASES, Store, credit, publicity, results, rosters, tasks, teams

    store = Store(cli.db, origin="python")
    done: list[str] = []

    def one(use_case: str, command: str, call: object) -> object:
        before = cli.count("audit_log") if done else 0
        value = call() if callable(call) else call
        assert cli.count("audit_log") == before + 1, use_case
        assert cli.query("SELECT command FROM audit_log ORDER BY seq DESC")[0][0] == f"python {command}"
        done.append(use_case)
        return value

    rows = entity_rows()
    one("roster import", "entities import",
        lambda: rosters.import_file(store, "entities", write_csv(tmp_path / "e.csv", ENTITY_HEADER, rows)))  # fmt: skip
    people = [[f"3701000{i}", f"人员{i}", "执法人员", "华山市场监管所", "", "2027-12-31", "在岗"] for i in range(5)]
    staff = write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, people)
    one("roster import", "inspectors import", lambda: rosters.import_file(store, "inspectors", staff))
    before = cli.count("audit_log")
    rosters.import_file(store, "entities", tmp_path / "e.csv", dry_run=True)
    assert cli.count("audit_log") == before  # a dry run changes nothing and says nothing
    ratios = {c: "1" for c in "ABCD"}
    one("tasks create", "tasks create",
        lambda: tasks.create(store, {"code": "T1", "name": "x", "window": (dt.date(2026, 3, 1), dt.date(2026, 6, 30)),
                                     "ratios": ratios}))  # fmt: skip
    one("tasks freeze", "tasks freeze", lambda: tasks.freeze(store, "T1", tmp_path / "notice.md"))
    one("tasks draw", "tasks draw", lambda: tasks.draw(store, "T1", "20261127000000000042"))
    before = cli.count("audit_log")
    tasks.draw(store, "T1", "20261127000000000043", if_not_drawn=True)
    assert cli.count("audit_log") == before  # drawn already: a no-op
    one("tasks proof", "tasks proof", lambda: tasks.proof(store, "T1", rows[0][0], tmp_path / "proof.json"))
    one("tasks assign", "tasks assign", lambda: teams.assign(store, "T1"))
    team = [c for (c,) in cli.query("SELECT inspector_code FROM team_members ORDER BY uscc, position")]
    first = cli.query("SELECT uscc FROM team_members ORDER BY uscc, position")[0][0]
    one("tasks replace", "tasks replace", lambda: teams.replace(store, "T1", team[0], "病假", first))
    on_team = [c for (c,) in cli.query(
        "SELECT r.new_code FROM replacements r WHERE r.uscc = :u", u=first)]  # fmt: skip
    members = [c for (c,) in cli.query(
        "SELECT inspector_code FROM team_members WHERE uscc = :u ORDER BY position", u=first)]  # fmt: skip
    inspectors = [on_team[0] if c == team[0] else c for c in members]
    one("results record", "results record",
        lambda: results.record(store, "T1", first, "1", dt.date(2026, 4, 1), inspectors))  # fmt: skip
    sheet, _ = results.template(store, "T1")
    filled = [
        (*r[:5], "1", "实地检查", "2026-04-02", r[8], "", "", "", "", "", "", "") for b in sheet.batches for r in b
    ]
    from creditcli.io.writers import FileFormat, Table, write_table

    write_table(Table(sheet.names, sheet.labels, [filled], sheet.schema), tmp_path / "r.csv", FileFormat.csv)
    one("results import", "results import", lambda: results.import_file(store, tmp_path / "r.csv"))
    before = cli.count("audit_log")
    results.import_file(store, tmp_path / "r.csv")
    assert cli.count("audit_log") == before  # the same sheet again: nothing changed
    one("results withdraw", "results withdraw",
        lambda: results.withdraw(store, "T1", first, "1", "误录"))  # fmt: skip
    one("results record", "results record",
        lambda: results.record(store, "T1", first, "1", dt.date(2026, 4, 1), inspectors))  # fmt: skip
    one("publicity mark", "publicity mark", lambda: publicity.mark(store, "T1", dt.date(2026, 7, 20)))
    u = rows[0][0]
    ground = "未按规定公示年度报告"
    one("lists add", "lists add",
        lambda: credit.list_add(store, "abnormal", u, ground, "异1号", dt.date(2026, 7, 1), "某局"))  # fmt: skip
    one("lists remove", "lists remove",
        lambda: credit.list_remove(store, "abnormal", u, "已补报", dt.date(2026, 8, 1), "某局"))  # fmt: skip
    header = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "公示日期", "履行日期"]
    penalty = [["罚1号", u, "2025-06-02", "罚款", "200000", "2025-06-10", "2025-06-20"]]  # repairable a year on
    one("roster import", "penalties import",
        lambda: rosters.import_file(store, "penalties", write_csv(tmp_path / "p.csv", header, penalty)))  # fmt: skip
    one("repair record", "repair record",
        lambda: credit.repair(store, u, "penalty", "罚1号", dt.date(2026, 7, 1), "修复1号", "某局"))  # fmt: skip
    one("risk classify", "risk classify", lambda: credit.classify(store, dt.date(2026, 11, 27)))
    before = cli.count("audit_log")
    credit.classify(store, dt.date(2026, 11, 27))
    assert cli.count("audit_log") == before  # the same data and model again: nothing changed
    store.close()
    assert set(done) == set(WRITE_USE_CASES)  # a new write use case needs its line above
    assert cli.ok("audit", "verify").exit_code == 0


@pytest.mark.parametrize("command", ["tasks freeze", "tasks draw"])
def test_a_refused_write_leaves_no_entry_and_nothing_else(cli: Cli, tmp_path: Path, command: str) -> None:
    from creditcli.actions import Store, tasks
    from creditcli.errors import InputMissingError

    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    before = cli.dump()
    store = Store(cli.db)
    with pytest.raises(InputMissingError):
        if command == "tasks freeze":
            tasks.freeze(store, "NOPE", tmp_path / "n.md")
        else:
            tasks.draw(store, "NOPE", "20261127000000000042")
    store.close()
    assert cli.dump() == before and not (tmp_path / "n.md").exists()
