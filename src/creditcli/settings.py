"""Settings: config file -> CREDITCLI_* environment -> command-line flags.

The class set is configuration, not code (domain.md §3: Shandong used A–E).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import ValidationError

DEFAULT_CLASSES = ("A", "B", "C", "D")
# Shipped default policy (domain.md §3); every task may override it.
DEFAULT_RATIOS = {"A": "0.01", "B": "0.03", "C": "0.10", "D": "0.30"}
RATIO_PLACES = 10
"""At most this many decimal places in a ratio (its exact fraction stays small)."""
CLASS_NAME = re.compile(r"[A-Z0-9\u4e00-\u9fff]{1,8}")


def data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "creditcli"


def config_home() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "creditcli"


def default_db_path() -> Path:
    return data_home() / "creditcli.db"


def default_ratios() -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in DEFAULT_RATIOS.items()}


@dataclass(frozen=True)
class Settings:
    """What a bureau configures once, in ``config.toml`` (checked by ``settings_file.SettingsFile``).

    A plain dataclass: most commands run without a config file and never need pydantic (start-up,
    benchmarks/README.md "Start-up"); a file is checked with pydantic, at the edge.
    """

    db: str | None = None
    risk_classes: tuple[str, ...] = DEFAULT_CLASSES
    default_ratios: dict[str, Decimal] = field(
        default_factory=lambda: {k: Decimal(v) for k, v in DEFAULT_RATIOS.items()}
    )
    calendar_file: Path | None = None
    """Holiday arrangements of years the calendar package does not cover yet (creditcli.workdays)."""
    rules_file: Path | None = None
    """A bureau's overrides of the shipped credit rules (creditcli/credit/rules.toml)."""


def config_file(explicit: Path | None = None) -> Path:
    """The config file a run reads: ``--config``, CREDITCLI_CONFIG, or the user default."""
    return explicit or (Path(p) if (p := os.environ.get("CREDITCLI_CONFIG")) else config_home() / "config.toml")


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the config file (explicit, CREDITCLI_CONFIG, or the user default) and the environment."""
    explicit = config_path or (Path(p) if (p := os.environ.get("CREDITCLI_CONFIG")) else None)
    path = config_file(config_path)
    raw: dict[str, Any] = {}
    if explicit is not None or path.exists():
        import tomllib

        from creditcli.inputs import read_input

        data = read_input(path, "配置文件", missing=ConfigError)
        try:
            raw = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法解析：{exc}") from exc
    if env_db := os.environ.get("CREDITCLI_DB"):
        raw["db"] = env_db
    if set(raw) <= {"db"} and isinstance(raw.get("db", ""), str):
        return Settings(db=raw.get("db"))  # nothing that could be wrong: pydantic is not even imported
    from pydantic import ValidationError

    from creditcli.settings_file import SettingsFile

    try:
        return Settings(**dict(SettingsFile.model_validate(raw)))
    except ValidationError as exc:
        raise ConfigError(f"配置文件 {path} 有误：{validation_details(exc)}") from exc


def int_between(low: int, high: int, unit: str = "") -> Callable[[Any], Any]:
    """A check for an ``int`` field of a file a bureau writes (rules, calendar), as
    ``Annotated[int, BeforeValidator(int_between(…))]``: refused outside [low, high] with a Chinese
    reason, so that a typo of 99999999999 months never reaches date arithmetic."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"应为 {low} 到 {high} 之间的整数{unit}，而不是 {toml_value(value)}")
        return value

    return check


def toml_value(value: Any) -> str:
    """A value as it is written in TOML, for messages ("2", true, inf)."""
    if isinstance(value, str):
        return f'"{value}"'
    return str(value).lower() if isinstance(value, bool) else repr(value)


def one_of(*choices: str) -> Callable[[Any], Any]:
    """A check for a ``str`` field that takes one of ``choices`` (as ``Annotated[str, BeforeValidator(…)]``)."""

    def check(value: Any) -> Any:
        if value not in choices:
            raise ValueError(f"应为 {'、'.join(choices)} 之一，而不是 {toml_value(value)}")
        return value

    return check


PYDANTIC_REASONS = {
    "extra_forbidden": "未知的键",
    "missing": "缺少此项",
    "finite_number": "应为有限的数",
    "string_type": "应为文字（加引号）",
    "list_type": "应为列表",
    "dict_type": "应为表",
}
"""Pydantic's English reasons for the mistakes people make in the files they write, in Chinese."""


def validation_details(exc: ValidationError) -> str:
    """Pydantic's errors as one line: ``key.sub: reason`` each, every reason in Chinese where we know it."""
    parts = []
    for e in exc.errors():
        where = ".".join(map(str, e["loc"]))
        reason = PYDANTIC_REASONS.get(e["type"]) or str(e["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {reason}" if where else reason)
    return "；".join(parts)
