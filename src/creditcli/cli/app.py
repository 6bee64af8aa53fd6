"""The root command: global options, sub-commands, and the console-script entry point."""

from __future__ import annotations

import contextlib
import functools
import gc
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from creditcli import __version__, clock
from creditcli.cli import deadlines, demo, runlog
from creditcli.cli.context import AppContext, Deferred, OutputFormat, configure_logging
from creditcli.cli.entry import INTERRUPTED, say
from creditcli.cli.groups import Nouns
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import offer_wide
from creditcli.errors import EXIT_INTERRUPTED, CreditError, UsageError
from creditcli.io.outputs import check_outputs, claim, same_file
from creditcli.settings import config_file, default_db_path, load_settings


class Root(Nouns):
    """The root command (cli/groups.py: each group imported and built on first use)."""

    NOUNS = (
        "db",
        "entities",
        "inspectors",
        "items",
        "conflicts",
        "tasks",
        "results",
        "publicity",
        "archive",
        "report",
        "audit",
        "penalties",
        "lists",
        "repair",
        "scores",
        "risk",
    )
    """The command groups in the order ``--help`` lists them: each is the ``app`` of ``cli/<noun>.py``."""

    # Ctrl-C outside a command (while the options are parsed or a group's modules load), which
    # Typer would end silently with 130: the same line as inside a command (cli/guard.py).
    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _interrupted():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _interrupted():
            return super().invoke(ctx)


@contextlib.contextmanager
def _interrupted() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        say(INTERRUPTED)
        raise typer.Exit(EXIT_INTERRUPTED) from None


app = CreditTyper(
    name="creditcli",
    help="双随机、一公开 抽查工具：名录库、可复核的随机抽取、检查组匹配与结果公示。",
    epilog="示例：creditcli --db bureau.db entities import 名录.xlsx    退出码见 README。",
    cls=Root,
)
app.command("deadlines")(offer_wide(deadlines.deadlines))  # --wide: built with the root (cli/groups.py)
app.command("demo")(offer_wide(demo.demo))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"creditcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CREDITCLI_DB",
            help=f"数据库文件路径或 SQLAlchemy 地址（默认 {default_db_path()}）",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="打印数据的格式")] = OutputFormat.table,
    config: Annotated[
        Path | None, typer.Option("--config", help="配置文件（默认 ~/.config/creditcli/config.toml）")
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="显示更多过程信息")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出数据和错误")] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="另一进程正在修改数据库时最多等待的秒数（默认不等，退出码 75）")
    ] = 0.0,
    log_file: Annotated[
        Path | None,
        typer.Option("--log-file", envvar="CREDITCLI_LOG_FILE", help="把每次运行的过程追加写入此日志文件"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出")
    ] = False,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            help="操作人姓名，记入审计日志、证书和各项记录（也可用环境变量 CREDITCLI_OPERATOR 或配置项 operator）",
            show_default=False,
        ),
    ] = None,
) -> None:
    """双随机、一公开 抽查工具。"""
    # Nothing is read or opened yet: a help screen (`creditcli tasks --help`, which Click shows after
    # this callback) loads no configuration. The command that runs starts the context (cli/guard.py).
    ctx.obj = Deferred(functools.partial(start, db_, fmt, config, verbose, quiet, wait, log_file, operator))


def start(
    db_: str | None,
    fmt: OutputFormat,
    config: Path | None,
    verbose: int,
    quiet: bool,
    wait: float,
    log_file: Path | None,
    operator: str | None = None,
    paths: Sequence[Path] = (),
) -> AppContext:
    """The global options acted on, once a command runs: configuration, logging, the database, the log file.

    ``paths``: the files the command names. ``--log-file`` is an output of the run: it may be none of
    the database's files nor any other database (73), nor a file the command names (2), and it is
    counted among the outputs of every check of the command; ``--config`` and the files it names
    are counted among the inputs (io/outputs.py, ``claim``).
    """
    if db_ is not None and not db_.strip():  # an empty "$VAR" in a cron line: never the default database
        raise UsageError("--db 不能为空：请写出数据库文件路径或地址，或不写 --db 用默认数据库")
    problem = None if operator is None else clock.operator_problem(operator)
    if problem is not None:
        raise UsageError(f"--operator {problem}")
    clock.set_operator(operator)
    try:
        settings = load_settings(config)
    except CreditError:
        if log_file is not None:  # the log records why the run ended, if it may be written at all
            with contextlib.suppress(CreditError):
                check_outputs([("--log-file", log_file)])
                _not_named(log_file, paths)
                runlog.open_log(log_file)
        raise
    clock.configure_operator(settings.operator)
    verbosity = -1 if quiet else verbose
    configure_logging(verbosity)
    app_ctx = AppContext(settings, db_ or settings.db or str(default_db_path()), fmt, verbosity)
    if log_file is not None:
        app_ctx.store.check_outputs(("--log-file", log_file))
        _not_named(log_file, paths)
    app_ctx.wait = check_wait(wait)
    if log_file is not None:
        runlog.open_log(log_file)
    inputs = [("--config", config_file(config)), ("rules_file", settings.rules_file)]
    inputs.append(("calendar_file", settings.calendar_file))
    app_ctx.releases.append(claim([("--log-file", log_file)], inputs))
    return app_ctx


def _not_named(log_file: Path, paths: Sequence[Path]) -> None:
    for path in paths:
        if same_file(log_file, path):
            raise UsageError(
                f"--log-file {log_file} 与命令中的文件 {path} 是同一个文件：日志会写进这个文件；请给日志另起一个文件名"
            )


MAX_WAIT = 86_400.0
"""``--wait`` at most a day: a writer that waited longer has lost its purpose (and PostgreSQL's
lock_timeout takes milliseconds as a 32-bit number)."""


def check_wait(seconds: float) -> float:
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_WAIT):
        raise UsageError(f"--wait {seconds:g} 无效：应为 0 到 {MAX_WAIT:g} 之间的秒数（0 表示不等待）")
    return seconds


YOUNG_OBJECTS = 50_000
"""Objects created before the collector looks for cycles among the young ones (CPython: 700).

A command starts by creating a few hundred thousand objects that live as long as the process
(SQLAlchemy's, pydantic's and rich's modules, classes and functions); at 700 the collector walks
them over and over while they load, about a tenth of a light command's time here. Measured
(benchmarks/README.md, "Start-up"): 10,000 and 200,000 do as well as 50,000; the big data paths
pause the collector themselves (gc_paused)."""


def main() -> None:
    """The console script (and ``python -m creditcli``)."""
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    code = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    finally:
        runlog.finish(code)
