"""The database a use case works on, and the one way to change it.

A *write* use case is declared with :func:`write_use_case`. Called with a :class:`Store`, it gets a
:class:`Unit`: the database is opened (created if need be, and said so), the writers' lock is taken
(a lock file beside a SQLite database, an advisory lock on PostgreSQL), one transaction runs the
domain code, the audit entry is appended with the change the use case records — its parameters are
the entry's arguments — and everything is committed together, or nothing is. No caller can forget
the audit entry: a use case that records nothing still leaves one (only ``unit.unchanged()``, said of
a dry run or a no-op, leaves none).

A *read* opens the database without creating it (a missing database is exit 66) and takes no lock.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from creditcli.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from creditcli.audit import Change

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("creditcli")

ROOT_WARNING = (
    "警告：以操作系统用户 {login} 运行且未注明操作人，审计日志和记录中的操作人将是“{login}”，看不出是谁；"
    "请用 --operator 姓名、环境变量 CREDITCLI_OPERATOR 或配置项 operator 注明"
)
"""A write on a shared superuser login without a stated operator (clock.anonymous_root)."""

WRITE_USE_CASES: dict[str, Callable[..., Any]] = {}
"""Every write use case by its command name ("tasks draw"): tests check each leaves one audit entry."""


@dataclass(frozen=True)
class Exported:
    """A file a use case wrote, and how many rows it holds."""

    path: Path
    rows: int
    manifest: Path | None = None
    """A public file's manifest beside it (``<file>.清单.json``: its SHA-256 and the audit chain's head)."""


@dataclass
class Store:
    """A database named by a path or URL, with the settings and the patience of its caller.

    ``origin`` starts the command of every audit entry ("creditcli" for the command line, "creditcli
    demo:" for the demo, anything for a Python caller); ``notify`` receives the lines a person should
    see (a new database was created) — the CLI prints them on stderr, the default logs them.
    """

    db: str
    settings: Settings = field(default_factory=Settings)
    wait: float = 0.0
    origin: str = "creditcli"
    notify: Callable[[str], None] = log.warning
    _engine: Engine | None = field(default=None, repr=False)
    _writable: bool = field(default=False, repr=False)
    _created: Path | None = field(default=None, repr=False)
    """A database file this store created, not yet announced (its first write may still be refused)."""

    def engine(self, *, write: bool = False, create: bool | None = None) -> Engine:
        """The database, opened on first use: a writer may create it (and says so), a reader never.
        Opened for reading (db/files.py: read-only where this process may not write), it is opened
        again for a writer."""
        if self._engine is not None and write and not self._writable:
            self.close()
        if self._engine is None:
            from creditcli.db.database import open_database

            with self.answered():
                opened = open_database(self.db, write=write, create=create, wait=self.wait)
            self._engine, self._writable = opened.engine, write
            self._created = opened.created  # said once the write that made it is committed
        return self._engine

    @contextmanager
    def answered(self) -> Iterator[None]:
        """A fault of the database (disk full, locked, unreachable …) as its documented answer, naming
        this database (errors.database_error); any other error as it is."""
        from creditcli.errors import database_error

        try:
            yield
        except Exception as exc:
            answer = database_error(exc, self.name)
            if answer is None:
                raise
            raise answer from exc

    @property
    def name(self) -> str:
        """The database as messages name it: the file, or the server address without its password."""
        from creditcli.db.database import display

        return display(self.db)

    def protected_paths(self) -> frozenset[Path]:
        """The files no output may be written over while the database is in use (none for a server)."""
        from creditcli.db.engine import protected_paths

        return protected_paths(self.db)

    def check_outputs(self, *outputs: tuple[str, Path | None], inputs: Sequence[tuple[str, Path | None]] = ()) -> None:
        """Before anything is read or written: no output is one of the database's files (exit 73), another
        output or an input (exit 2). See io/outputs.py."""
        from creditcli.db.engine import protected_paths
        from creditcli.io.outputs import check_outputs

        check_outputs(outputs, inputs=inputs, protected=protected_paths(self.db))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read transaction; no lock (readers never wait for writers)."""
        from creditcli.db.engine import session_scope

        with self.answered(), session_scope(self.engine()) as session:
            yield session

    @contextmanager
    def trying(self) -> Iterator[Session]:
        """A dry run's transaction: opened as a read is (nothing created, nothing refused where only
        reading is allowed), no lock, and whatever it did rolled back."""
        from sqlalchemy.orm import Session

        with self.answered(), Session(self.engine(), expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def connected(self) -> Iterator[Connection]:
        """One read transaction on a Core connection, for the reads a person waits for at the terminal
        (``tasks list``, ``entities show`` …): SQL through SQLAlchemy Core or the driver, and neither
        the ORM nor the models imported — together they cost more than the rest of such a command
        (benchmarks/README.md, "Start-up"). No lock, like :meth:`reading`."""
        from creditcli.db.engine import connection_scope

        with self.answered(), connection_scope(self.engine()) as conn:
            yield conn

    @contextmanager
    def writing(self, command: str, arguments: Mapping[str, Any], *, create: bool | None = None) -> Iterator[Unit]:
        """One audited, locked write transaction (see the module's docstring)."""
        from creditcli import audit, clock
        from creditcli.db import locks
        from creditcli.db.engine import session_scope, writer

        if clock.anonymous_root() and not arguments.get("dry_run"):
            self.notify(ROOT_WARNING.format(login=clock.login()))
        engine = self.engine(write=True, create=create)
        created, self._created = self._created, None
        try:
            with self.answered(), locks.file_lock(engine, self.wait), session_scope(writer(engine)) as session:
                locks.advisory_lock(session, self.wait)
                unit = Unit(session, self)
                yield unit
                if unit.change is not None:
                    audit.append(session, f"{self.origin} {command}", _jsonable(arguments), unit.change)
        except BaseException:
            if created is not None:  # a refused first write leaves no database behind it
                self._forget(created)
            raise
        if created is not None:
            self.notify(f"新建数据库：{created}")
        for action in unit.after_commit_actions:
            action()

    def _forget(self, created: Path) -> None:
        from creditcli.db.files import companions

        self.close()
        for path in companions(created):
            path.unlink(missing_ok=True)

    @contextmanager
    def dry_run(self) -> Iterator[Unit]:
        """A write use case's dry run (``dry_run=True``): the same Unit on :meth:`trying`, so that it works
        where only reading is allowed (a read-only mount or file) and can change nothing."""
        with self.trying() as session:
            unit = Unit(session, self)
            yield unit

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@dataclass
class Unit:
    """One write in progress: its session, and what it changed (for the audit entry)."""

    session: Session
    store: Store
    change: Change | None = None
    after_commit_actions: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from creditcli.audit import Change

        self.change = Change()

    def record(self, change: Change) -> None:
        """What changed: counts, the digest of the data, the records the entry vouches for."""
        self.change = change

    def unchanged(self) -> None:
        """Nothing changed after all (a dry run; a draw already made): no audit entry."""
        self.change = None

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the transaction has committed (a file that must only exist for a
        committed change, such as the pre-draw notice of a freeze)."""
        self.after_commit_actions.append(action)


def write_use_case(
    command: str, *, named: Callable[[Mapping[str, Any]], str] | None = None
) -> Callable[[Callable[Concatenate[Unit, P], R]], Callable[Concatenate[Store, P], R]]:
    """Declare a write use case: ``def draw(unit: Unit, code: str, …)`` is called as ``draw(store, code, …)``.

    ``command`` names it in the audit log ("tasks draw"; ``named`` derives the name from the call's
    arguments where one use case serves several commands, as the roster imports do). The call's
    parameters (defaults included, paths as text) become the entry's arguments. A dry run
    (``dry_run=True``) runs as a read (:meth:`Store.dry_run`): it creates no database, takes no lock,
    leaves no audit entry and changes nothing.
    """

    def decorator(func: Callable[Concatenate[Unit, P], R]) -> Callable[Concatenate[Store, P], R]:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def run(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(None, *args, **kwargs)
            bound.apply_defaults()
            arguments = dict(list(bound.arguments.items())[1:])
            name = named(arguments) if named is not None else command
            if arguments.get("dry_run"):
                with store.dry_run() as unit:
                    return func(unit, *args, **kwargs)
            with store.writing(name, arguments) as unit:
                return func(unit, *args, **kwargs)

        WRITE_USE_CASES[command] = run
        return run

    return decorator


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # an Enum
        return value.value
    return str(value)
