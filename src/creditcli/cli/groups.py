"""Commands built on first use (start-up).

Typer builds a command by reading its signature and every option's annotation; building all of
them before parsing a word took longer than a light command's own work (``tasks create`` alone has
thirty options). Here the root builds a group only when it is used, and a group builds only the
command that runs: ``creditcli tasks list`` builds the tasks group and its ``list``. A help screen
builds nothing it does not show: ``tasks --help`` lists each tasks command by its name and help
(read off the function, as Typer reads it) without building one; ``creditcli --help`` lists each
group by its name and help without building one.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from creditcli.cli.chinese import ChineseGroup, run


class Commands(MutableMapping[str, Any]):
    """A group's commands by name, in their order; each built by its factory when first looked up.

    While ``listing`` (the root's help screen), a group not built yet is shown by ``stand_in``.
    """

    def __init__(
        self,
        built: Mapping[str, Any],
        factories: Mapping[str, Callable[[], Any]],
        stand_in: Callable[[str], Any] | None = None,
    ) -> None:
        self.built = dict(built)
        self.factories = dict(factories)
        self.order = [*built, *(name for name in factories if name not in built)]
        self.stand_in = stand_in
        self.listing = False

    def __getitem__(self, name: str) -> Any:
        if name in self.built:
            return self.built[name]
        if name not in self.factories:
            raise KeyError(name)
        if self.listing and self.stand_in is not None:
            return self.stand_in(name)
        self.built[name] = self.factories[name]()
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command
        if name not in self.order:
            self.order.append(name)

    def __delitem__(self, name: str) -> None:
        self.built.pop(name, None)
        self.factories.pop(name, None)
        self.order.remove(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


def noun_group(noun: typer.Typer) -> TyperGroup:
    """The group of ``noun`` (the Typer of one cli module), its commands built when looked up."""
    bare = copy.copy(noun)
    bare.registered_commands = []
    group = typer.main.get_group(bare)  # the group itself: name, help, epilog, settings
    infos = {_name(info): info for info in noun.registered_commands}
    commands = Commands(
        group.commands,
        {name: functools.partial(_build, noun, info) for name, info in infos.items()},
        stand_in=lambda name: _stand_in(noun, infos[name]),
    )
    group.commands = commands
    shown = group.format_help

    def format_help(ctx: Any, formatter: Any) -> None:
        commands.listing = True
        try:
            shown(ctx, formatter)
        finally:
            commands.listing = False

    group.format_help = format_help  # type: ignore[method-assign]  # this group's help lists stand-ins
    return group


def _stand_in(noun: typer.Typer, info: Any) -> Any:
    """What a group's help screen shows of a command: what Typer would build, without its parameters
    (reading every option's annotation is what building costs)."""
    use_help = info.help
    use_help = inspect.getdoc(info.callback) if use_help is None else inspect.cleandoc(use_help)
    cls = info.cls or typer.core.TyperCommand
    return cls(
        name=_name(info),
        help=use_help,
        short_help=info.short_help,
        hidden=info.hidden,
        deprecated=info.deprecated,
        rich_markup_mode=noun.rich_markup_mode,
        rich_help_panel=info.rich_help_panel,
    )


def _build(noun: typer.Typer, info: Any) -> Any:
    """One command of ``noun``, built as Typer builds it, with ``--wide`` where it prints data."""
    from creditcli.cli.options import offer_wide

    offer_wide(info.callback)
    return typer.main.get_command_from_info(
        info, pretty_exceptions_short=noun.pretty_exceptions_short, rich_markup_mode=noun.rich_markup_mode
    )


def _name(info: Any) -> str:
    name: str = info.name or typer.main.get_command_name(info.callback.__name__)
    return name


class Nouns(ChineseGroup):
    """The root: its own commands, and the groups named in ``NOUNS`` (each the ``app`` of
    ``creditcli.cli.<noun>``), imported and built on first use."""

    NOUNS: tuple[str, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        loaders = {name: functools.partial(self._load, name) for name in self.NOUNS}
        self.commands = self.groups = Commands(self.commands, loaders, stand_in=self._stand_in)

    @staticmethod
    def _noun(name: str) -> typer.Typer:
        noun: typer.Typer = importlib.import_module(f"creditcli.cli.{name}").app
        return noun

    def _load(self, name: str) -> TyperGroup:
        return noun_group(self._noun(name))

    def _stand_in(self, name: str) -> TyperGroup:
        """What the root's help screen shows of a group: its name and help, nothing built."""
        return TyperGroup(name=name, help=inspect.cleandoc(str(self._noun(name).info.help)))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's usage errors in Chinese, as every other error (cli/chinese.py)."""
        return run(super().main, *args, **kwargs)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.groups)  # the names only (TyperGroup's own would build every group)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.groups.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.groups.listing = False
