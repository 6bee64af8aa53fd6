"""One place that maps the error tree to messages and exit codes, for every command."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from typer.models import CommandFunctionType

from creditcli.cli import values as _values  # noqa: F401  (plain option values pass unconverted)
from creditcli.cli.chinese import ChineseCommand, ChineseGroup
from creditcli.cli.entry import INTERRUPTED
from creditcli.errors import EXIT_FAILURE, EXIT_INTERRUPTED, CreditError, DataError, fault

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("creditcli")


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Report CreditError in Chinese on stderr and exit with its code; never a bare traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from creditcli.cli.context import AppContext, eprint, started

        # Typer hands commands its Click context, which is no typer.Context instance: find it by its method.
        find_root = next((f for a in (*args, *kwargs.values()) if callable(f := getattr(a, "find_root", None))), None)
        app: AppContext | None = None
        wide = bool(kwargs.pop("wide", False))  # --wide (cli/options.py offer_wide): for the renderer
        try:
            # The global options are acted on here, when a command runs (a help screen never gets here).
            app = started(find_root(), _paths(kwargs.values())) if find_root is not None else None
            if app is not None:
                app.wide = wide
            return func(*args, **kwargs)
        except CreditError as exc:
            _report(exc)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            # The reader closed stdout (`creditcli tasks list | head`): the command's work is done and
            # committed; only the rest of the display is not wanted. Leave quietly, as shell tools do.
            _drop_stdout()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            eprint(INTERRUPTED)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except typer.Exit:
            raise
        except Exception as exc:
            answer = fault(exc, _database(app))
            if answer is not None:  # a fault of the machine (disk full, read-only, locked …): its documented code
                log.debug("fault", exc_info=True)
                if isinstance(exc, OSError) and exc.filename is None:
                    _drop_stdout()  # most likely stdout itself (`> /dev/full`): nothing more can go there
                _report(answer)
                raise typer.Exit(answer.exit_code) from None
            log.debug("unexpected error", exc_info=True)
            eprint(f"内部错误：{type(exc).__name__}: {exc}（加 -vv 查看详情；请把此信息报告给维护人员）")
            if app is not None and app.verbosity >= 2:
                from rich.console import Console

                Console(stderr=True).print_exception()
            raise typer.Exit(EXIT_FAILURE) from None
        finally:
            if app is not None:
                app.close()

    return wrapper


def _paths(values: Iterable[object]) -> list[Path]:
    """The files a command names: its path arguments and options (also inside lists)."""
    found: list[Path] = []
    for value in values:
        if isinstance(value, Path):
            found.append(value)
        elif isinstance(value, list | tuple):
            found += _paths(value)
    return found


def _report(exc: CreditError) -> None:
    from creditcli.cli.context import eprint
    from creditcli.cli.render import print_problems

    eprint(f"错误：{exc.message}")
    if isinstance(exc, DataError):
        print_problems(exc.problems)
        for hint in exc.hints:
            eprint(hint)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush at exit cannot fail as well."""
    with contextlib.suppress(OSError, ValueError):  # no real file descriptor under a test runner
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _database(app: object) -> str | None:
    from creditcli.cli.context import AppContext

    if not isinstance(app, AppContext):
        return None
    return app.store.name


class CreditTyper(typer.Typer):
    """A Typer whose commands all go through :func:`guarded`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("rich_markup_mode", "rich")
        kwargs.setdefault("pretty_exceptions_enable", False)
        kwargs.setdefault("cls", ChineseGroup)  # help and usage errors in Chinese (cli/chinese.py)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs.setdefault("cls", ChineseCommand)
        register = super().command(name, **kwargs)

        def decorator(func: CommandFunctionType) -> CommandFunctionType:
            register(guarded(func))
            return func

        return decorator
