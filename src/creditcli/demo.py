"""The main job on the shipped samples: a newcomer's first run (README, first command)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from creditcli.actions import credit, publicity, results, rosters, tasks, teams
from creditcli.actions.store import Store
from creditcli.db.adbc import STAGE_FILE
from creditcli.db.files import companions, readonly_uri
from creditcli.draw.tasks import default_file, read_task_file
from creditcli.errors import ConfigError, InputMissingError, OutputError, os_error
from creditcli.io.outputs import check_outputs
from creditcli.io.writers import FileFormat, Table, output_directory, write_table
from creditcli.rosters.importer import ImportResult
from creditcli.settings import Settings

# Imported in this order: conflicts need both rosters first; the class refresh comes last.
SAMPLE_FILES: tuple[tuple[str, str], ...] = (
    ("entities", "entities_licheng.csv"),
    ("entities", "entities_tianqiao.xlsx"),
    ("inspectors", "inspectors.csv"),
    ("items", "items.csv"),
    ("conflicts", "conflicts.csv"),
    ("entities", "risk_classes_2026-11.csv"),
    ("penalties", "penalties.csv"),
    ("scores", "scores.csv"),
)


TASK_FILE = "task_2026-SJ-001.toml"
SEED = "20261127084730265918"
"""The demo's fixed seed: in a real draw it is rolled with ten-sided dice after the freeze."""
DEMO_SECRET = "d3" * 32
"""The demo's fixed pool secret (algorithm version 2), so that its sample draw is the same every time: a
real freeze draws a fresh one and never shows it."""


def samples_dir() -> Path:
    """Samples ship inside the wheel; in a source checkout they are read from data/samples."""
    packaged = Path(__file__).parent / "samples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "samples"


@dataclass(frozen=True)
class DemoDraw:
    task: str
    pool_digest: str
    pool_size: int
    selected: int
    strata: list[tuple[str, int, int]]
    verified: bool
    files: list[Path]
    teams: int = 0
    loads: tuple[int, int] = (0, 0)
    results: int = 0
    status: str = ""
    window_end: dt.date = dt.date.min


@dataclass(frozen=True)
class DemoRisk:
    """The default risk model run over the sample roster once the task's results are in."""

    model: str
    as_of: dt.date
    classes: dict[str, int]
    by_model: dict[str, int]


@dataclass(frozen=True)
class DemoResult:
    db_path: Path
    imports: list[ImportResult]
    draw: DemoDraw
    risk: DemoRisk


DB_NAME = "creditcli.db"
DEMO_ORIGIN = "creditcli demo:"
"""How the demo's audit entries begin: a database with any other entry has been worked on since."""
DEMO_MARK = 0x43444D4F
"""The demo database's SQLite ``application_id`` ("CDMO"): a field of the file's header that SQLite
keeps for an application to say what a file is. A later demo run recognises its own database by it
and never deletes one without it. Chosen over a marker table (no schema change that migrations and
dumps would have to know about) and over a marker file (it cannot be separated from the database:
a copied or renamed demo database stays recognisable, a real database put in its place does not)."""

OUTPUTS = (
    "抽取前公告.md",
    "抽取证书.json",
    "抽取证书.md",
    "抽取范围.csv",
    "抽取证书（公开）.json",
    "抽取证书（公开）.md",
    "检查计划.xlsx",
    "检查结果录入表.xlsx",
    "检查结果（示例已填写）.xlsx",
    "抽查计划公告.xlsx",
    "抽查名单.xlsx",
    "抽查结果公告.xlsx",
    "抽查计划公告.xlsx.清单.json",  # beside each public file: its SHA-256 and the audit chain's head
    "抽查名单.xlsx.清单.json",
    "抽查结果公告.xlsx.清单.json",
    "一对象一档案.zip",
)
"""The files a demo run writes beside its database, each named ``<task code>-<name>`` (draw.tasks.default_file)."""


def demo_files(workdir: Path, code: str) -> list[Path]:
    """Everything a demo run may write or delete in ``workdir``: its database (with the files SQLite
    keeps beside it) and its outputs."""
    return [*sorted(companions(workdir / DB_NAME)), *(workdir / default_file(code, name) for name in OUTPUTS)]


def run_demo(
    workdir: Path, settings: Settings, samples: Path | None = None, *, wait: float = 0.0, protected: Iterable[Path] = ()
) -> DemoResult:
    """The main job on the samples, in ``workdir``: empty, new, or an earlier demo's (checked first).

    ``wait``: seconds to wait for another run on the same demo database; ``protected``: files the
    demo may not write over (the database the caller has open).
    """
    source = samples or samples_dir()
    missing = [name for _, name in SAMPLE_FILES if not (source / name).exists()]
    missing += [TASK_FILE] if not (source / TASK_FILE).exists() else []
    if missing:
        raise InputMissingError(f"示例数据目录 {source} 缺少：{'、'.join(missing)}")
    code = str(read_task_file(source / TASK_FILE)["code"])
    # The demo database is the demo's own (recognised by its mark before it is replaced, _claimed).
    files = demo_files(workdir, code)  # the database's files first
    ours = companions(workdir / DB_NAME)
    check_outputs(
        [("演示文件", path) for path in files if path in ours], protected=protected, places=False, database=True
    )
    check_outputs([("演示文件", path) for path in files if path not in ours], protected=protected, places=False)
    with _claimed(workdir, code, wait) as db_path:
        return _run(workdir, db_path, settings, source)


@contextmanager
def _claimed(workdir: Path, code: str, wait: float) -> Iterator[Path]:
    """The demo's directory, ready for a new run and held by the demo database's writers' lock: the
    directory holds nothing but an earlier demo's files, and the database is removed only when it is
    one the demo made (``DEMO_MARK``)."""
    from creditcli.db.locks import path_lock

    if not workdir.exists():
        try:
            workdir.mkdir(parents=True)
        except OSError as exc:
            raise os_error(exc, workdir) from exc
    output_directory(workdir, "--dir")
    known = {path.name for path in demo_files(workdir, code)}
    strangers = sorted(p.name for p in workdir.iterdir() if p.name not in known and not _our_leftover(p.name))
    if strangers:
        shown = "、".join(strangers[:5]) + (" 等" if len(strangers) > 5 else "")
        raise OutputError(
            f"目录 {workdir} 中有不是演示程序生成的文件（{shown}）：演示会覆盖并删除其中的文件，"
            "请用 --dir 指定一个空目录或新目录"
        )
    db_path = workdir / DB_NAME
    _check_demo_database(db_path)  # before the lock: a refused run leaves no lock file in someone's folder
    with path_lock(db_path, wait):
        _check_demo_database(db_path)  # again, now that no other run can change it
        # The demo always starts from an empty database so that every run shows the same figures.
        for leftover in companions(db_path) - {db_path.with_name(db_path.name + ".lock")}:
            leftover.unlink(missing_ok=True)
        yield db_path


def _check_demo_database(db_path: Path) -> None:
    if not is_demo_database(db_path):
        raise OutputError(
            f"{db_path} 不是演示程序建的数据库（没有演示数据库的标记，或演示之后又有人在其中工作过）：演示不会删除它；"
            "请用 --dir 指定一个空目录或新目录"
        )


def _our_leftover(name: str) -> bool:
    """Temporary files of a demo run that was killed: atomic writers' ``.….part``, import staging files."""
    return (name.startswith(".") and name.endswith(".part")) or name.startswith(STAGE_FILE)


def is_demo_database(path: Path) -> bool:
    """``path`` holds nothing, or a database the demo made (read without changing the file)."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return True
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            mark = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            # Worked on since (an audit entry of another command): no longer the demo's to delete.
            others = 0
            if mark == DEMO_MARK and tables:
                found = "SELECT count(*) FROM audit_log WHERE command NOT LIKE ?"
                others = conn.execute(found, (f"{DEMO_ORIGIN}%",)).fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.Error, ConfigError):
        return False  # no SQLite database (or one that cannot be read here): not the demo's
    return bool((mark == DEMO_MARK and not others) or tables == 0)


def _run(workdir: Path, db_path: Path, settings: Settings, source: Path) -> DemoResult:
    from creditcli.actions.store import Store
    from creditcli.db.engine import make_engine, to_url, writer

    store = Store(str(db_path), settings, origin=DEMO_ORIGIN, notify=lambda _line: None)
    with store.answered():  # a fault of the demo's database names it (not the --db of the command line)
        engine = make_engine(to_url(str(db_path)), write=True)
        try:
            with writer(engine).begin() as conn:  # marked first, before anything else is in it
                conn.exec_driver_sql(f"PRAGMA application_id = {DEMO_MARK}")
        finally:
            engine.dispose()
    try:
        results = [rosters.import_file(store, roster, source / name) for roster, name in SAMPLE_FILES]
        drawn = _draw(store, source / TASK_FILE, workdir)
        risk = _classify(store, drawn.task, drawn.window_end)
    finally:
        store.close()
    return DemoResult(db_path, results, drawn, risk)


def _classify(store: Store, code: str, window_end: dt.date) -> DemoRisk:
    """List the samples (谁列入), then classify with the shipped model on the day the results were
    published (so they count)."""
    from creditcli.credit.riskmodel import load_model

    _list_samples(store)
    as_of = window_end + dt.timedelta(days=30)
    run = credit.classify(store, as_of)
    settings = store.settings
    totals = {c: sum(d.get(c, 0) for d in run.distribution.values()) for c in settings.risk_classes}
    model = load_model(None, settings.risk_classes).model.source.removeprefix("model:")
    return DemoRisk(model, as_of, totals, run.by_model)


def _draw(store: Store, task_file: Path, workdir: Path) -> DemoDraw:
    """Create the sample task, freeze (with its notice), draw with the fixed seed, assign teams,
    certify, export the inspection plan, verify; then results, public lists and archives."""
    detail = tasks.create(store, {}, task_file)
    code = str(detail["code"])
    notice_path = workdir / default_file(code, "抽取前公告.md")
    from creditcli.draw.salting import pinned_secret

    with pinned_secret(DEMO_SECRET):
        frozen = tasks.freeze(store, code, notice_path).result
    result = tasks.draw(store, code, seed=SEED).result
    assert result is not None  # a first draw
    assigned = teams.assign(store, code, cross_station=True)
    names = ("抽取证书.json", "抽取证书.md", "抽取范围.csv", "检查计划.xlsx")
    files = [notice_path, *(workdir / default_file(code, name) for name in names)]
    tasks.certificate(store, code, files[1], pool=files[3])
    public = [workdir / default_file(code, name) for name in ("抽取证书（公开）.json", "抽取证书（公开）.md")]
    tasks.certificate(store, code, public[0], public=True)  # for the public and the entities drawn
    teams.export(store, code, "plan", files[4])
    verified = tasks.verify(store, code).ok
    recorded, status, more = _results_and_publicity(store, code, workdir)
    strata = [(s.risk_class, s.n, s.k) for s in result.outcome.strata]
    window_end = dt.date.fromisoformat(str(detail["window"]).split(":")[1])
    return DemoDraw(
        code,
        frozen.pool_digest,
        frozen.pool_size,
        len(result.outcome.selected),
        strata,
        verified,
        [*files, *public, *more],
        assigned.entities,
        (assigned.loads_min, assigned.loads_max),
        recorded,
        status,
        window_end,
    )


def _list_samples(store: Store) -> None:
    """谁列入: the bureau lists the sample decisions that suspended production on the 严重违法失信名单, and the
    entities found not to have published their annual report on the 经营异常名录."""
    from sqlalchemy import select

    from creditcli.db.models import Penalty, Result

    unit = "济南市历城区市场监督管理局"
    with store.reading() as session:  # which sample records call for a listing
        serious = session.execute(
            select(Penalty.uscc, Penalty.decision_no, Penalty.decided_on)
            .where(Penalty.kinds.like("%责令停产停业%"))
            .order_by(Penalty.decided_on)
        ).all()
        found = session.execute(
            select(Result.uscc, Result.checked_on)
            .where(Result.findings == "未按规定公示年度报告")
            .order_by(Result.checked_on, Result.uscc)
        ).all()
    for n, (uscc, decision, decided_on) in enumerate(serious, start=1):
        ground = f"受到责令停产停业的行政处罚（{decision}）"
        number = f"济历市监严失〔{decided_on.year}〕{n}号"
        credit.list_add(store, "serious", uscc, ground, number, decided_on + dt.timedelta(days=20), unit)
    for n, (uscc, checked_on) in enumerate(found, start=1):
        number = f"济历市监异〔{checked_on.year}〕{n}号"
        credit.list_add(
            store, "abnormal", uscc, "未按规定公示年度报告", number, checked_on + dt.timedelta(days=10), unit
        )


def _results_and_publicity(store: Store, code: str, workdir: Path) -> tuple[int, str, list[Path]]:
    """Fill in the result template as inspectors would (a fixed pattern of sample results), import it,
    export the three public lists, record the publication, and write the task's archives."""
    template = workdir / default_file(code, "检查结果录入表.xlsx")
    filled = workdir / default_file(code, "检查结果（示例已填写）.xlsx")
    public = [workdir / default_file(code, f"{name}.xlsx") for name in ("抽查计划公告", "抽查名单", "抽查结果公告")]
    archives = workdir / default_file(code, "一对象一档案.zip")
    teams.export(store, code, "result-template", template)
    sheet, window = results.template(store, code)
    rows = [_sample_result(n, row, window) for n, row in enumerate(r for batch in sheet.batches for r in batch)]
    write_table(Table(sheet.names, sheet.labels, [rows], sheet.schema), filled, FileFormat.xlsx)
    imported = results.import_file(store, filled)
    for kind, path in zip(("plan", "list", "results"), public, strict=True):
        publicity.export(store, code, kind, path)
    status = publicity.mark(store, code, window[1] + dt.timedelta(days=30)).status
    publicity.archives(store, archives, task=code)
    return imported.inserted, status, [template, filled, *public, archives]


def _sample_result(n: int, row: tuple[object, ...], window: tuple[dt.date, dt.date]) -> tuple[object, ...]:
    """Row n of the template, filled in: mostly 未发现问题, every 7th a problem corrected on the spot,
    every 11th one left for follow-up; dates spread over the window; the team's first two officers."""
    values = list(row)
    code, method, findings, action, done = "1", "实地检查", "", "", ""
    if n % 7 == 3:
        code, findings, action, done = "E", "未按规定公示年度报告", "责令限期改正", "是"
    elif n % 11 == 5:
        code, method, findings, action, done = "A", "书面检查", "经营场所与登记住所不一致", "移交登记部门核查", "否"
    span = (window[1] - window[0]).days
    day = window[0] + dt.timedelta(days=(n * 13) % (span + 1))
    team = str(values[8]).split(";")[:2]
    values[5:13] = [code, method, day.isoformat(), ";".join(team), findings, action, done, ""]
    return tuple(values)
