"""Option values that need no conversion are not converted (start-up).

Typer 0.29 converts every option's value with a pydantic ``TypeAdapter``, built on first use: the
first command-line parse of a process imports pydantic (about 70 ms here) even when every value is
a default. A value that is ``None`` (the option not given) or already of the exact plain type the
option declares (``str`` as typed, a default ``int``/``float``, an enum default) comes out of that
conversion unchanged, so it is passed through here as it is. A whole number typed on the command
line is read here too, as digits only (as in files, io/numbers.py: "2.0", " 2" and "1e3" are
refused; pydantic took the first two), and so is a choice typed exactly as one of its values.
Everything else (a decimal number, a path, a list, a value no choice has) goes through Typer's own
conversion and error messages.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from pathlib import Path
from typing import Any

from typer import _click
from typer.core import _TyperParameter

_PLAIN = (str, int, float)


def _single(annotation: Any) -> Any:
    """``T`` of ``T`` or ``T | None``; None for any other union."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else None
    return annotation


def _plain_type(annotation: Any) -> type | None:
    """The one plain type of ``annotation`` (``T`` or ``T | None``), or None if it is not that simple."""
    annotation = _single(annotation)
    if annotation in _PLAIN or (isinstance(annotation, type) and issubclass(annotation, enum.Enum)):
        return typing.cast(type, annotation)
    return None


_converted = _TyperParameter.process_value


_INTEGER = re.compile(r"-?[0-9]+")


def _process_value(self: Any, ctx: Any, value: Any) -> Any:
    multiple = self.multiple or self.nargs == -1
    if value == "" and _single(self.type_descriptor.annotation) is Path:  # "" would be taken for "."
        raise _click.exceptions.BadParameter("不能为空：请写出文件或目录的路径", ctx=ctx, param=self)
    plain = _plain_type(self.type_descriptor.annotation)
    if plain is int and isinstance(value, str) and not multiple:
        # Whole numbers as digits only, as in files (io/numbers.py): pydantic would take "2.0" and " 2".
        if not _INTEGER.fullmatch(value):
            raise _click.exceptions.BadParameter("应为整数", ctx=ctx, param=self)
        value = int(value)
    elif plain is not None and issubclass(plain, enum.Enum) and isinstance(value, str) and not multiple:
        value = next((member for member in plain if member.value == value), value)  # else: Typer's message
    if multiple or not (value is None or type(value) is plain):
        return _converted(self, ctx, value)
    if self.required and value is None:
        raise _click.exceptions.MissingParameter(ctx=ctx, param=self)
    return value if self.callback is None else self.callback(ctx, self, value)


_TyperParameter.process_value = _process_value  # type: ignore[method-assign]  # Typer has no hook for this
