"""Time and identity are inputs: "now", "today" and the operator come from here alone.

Everything that stamps a record, counts days from today or names who did something asks these
functions, so that one place decides what they are:

- the real clock and the login name by default;
- ``CREDITCLI_NOW`` (``2026-12-05T09:30:00`` or ``2026-12-05``) states the moment a run starts, for
  rehearsals and tests that start the command as a separate process; the clock then runs on from
  that moment, so records of one run still follow each other;
- the operator is, in this order: ``--operator`` (:func:`set_operator`), ``CREDITCLI_OPERATOR``, the
  configuration's ``operator`` (:func:`configure_operator`), else the login name — on a shared login
  (``root``) that names nobody, so a write then warns (:func:`anonymous_root`);
- :func:`pinned` fixes both for a block of Python (the test suite pins them for every test).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

NOW_ENV = "CREDITCLI_NOW"
OPERATOR_ENV = "CREDITCLI_OPERATOR"

_pin: tuple[dt.datetime, float] | None = None
"""(the stated moment, ``time.monotonic()`` when it was stated)."""
_env_read = False
_operator: str | None = None
"""``--operator`` (or a caller's :func:`set_operator`)."""
_configured: str | None = None
"""The configuration file's ``operator``: after the environment, before the login."""
OPERATOR_MAX = 64
"""The longest operator name taken (it is printed on certificates and stored with every record)."""


def parse_moment(text: str) -> dt.datetime:
    """``2026-12-05``, ``2026-12-05 09:30`` or ``2026-12-05T09:30:00`` -> a naive local datetime."""
    from creditcli.errors import ConfigError

    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"{NOW_ENV}={text} 不是时间（写作 2026-12-05 或 2026-12-05T09:30:00）") from None
    return moment.replace(tzinfo=None)


def _stated() -> tuple[dt.datetime, float] | None:
    global _env_read, _pin
    if _pin is None and not _env_read:
        _env_read = True
        text = os.environ.get(NOW_ENV, "").strip()
        if text:
            _pin = (parse_moment(text), time.monotonic())
    return _pin


def now() -> dt.datetime:
    """The current local time (naive, as the database stores it)."""
    stated = _stated()
    if stated is None:
        return dt.datetime.now()
    moment, at = stated
    return moment + dt.timedelta(seconds=time.monotonic() - at)


def today() -> dt.date:
    return now().date()


def operator() -> str:
    """Who runs the command: the stated operator, else the login name (``uid 1000`` where there is none)."""
    return stated_operator() or login()


def stated_operator() -> str | None:
    """The operator named by ``--operator``, ``CREDITCLI_OPERATOR`` or the configuration, in this order."""
    return _operator or os.environ.get(OPERATOR_ENV, "").strip() or _configured


def login() -> str:
    """The operating-system login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry or login variables
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def anonymous_root() -> bool:
    """Run as the superuser without a stated operator: the records would name ``root``, i.e. nobody."""
    if stated_operator():
        return False
    return (hasattr(os, "geteuid") and os.geteuid() == 0) or login() == "root"


def operator_problem(name: str) -> str | None:
    """Why ``name`` cannot name an operator (None: it can)."""
    cleaned = name.strip()
    if not cleaned:
        return "不能为空：请写操作人的姓名，如 张三"
    if len(cleaned) > OPERATOR_MAX:
        return f"太长（{len(cleaned)} 个字符）：最多 {OPERATOR_MAX} 个字符"
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        return "含有控制字符：请只写姓名"
    return None


def set_operator(name: str | None) -> None:
    global _operator
    _operator = name.strip() if name and name.strip() else None


def configure_operator(name: str | None) -> None:
    """The configuration's ``operator`` (None: none configured)."""
    global _configured
    _configured = name.strip() if name and name.strip() else None


def pin(moment: dt.datetime | None) -> None:
    """State "now" from here on (None: back to the real clock and ``CREDITCLI_NOW``)."""
    global _pin, _env_read
    _pin = None if moment is None else (moment, time.monotonic())
    _env_read = moment is not None


@contextmanager
def pinned(moment: dt.datetime, operator_name: str | None = None) -> Iterator[None]:
    """Run a block as if it were ``moment`` (the clock runs on from there) and, optionally, as ``operator_name``."""
    global _pin, _env_read, _operator, _configured
    saved = (_pin, _env_read, _operator, _configured)
    pin(moment)
    if operator_name is not None:
        set_operator(operator_name)
    try:
        yield
    finally:
        _pin, _env_read, _operator, _configured = saved
