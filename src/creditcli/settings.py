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
    from pydantic import BaseModel, ValidationError

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
    authority: str = ""
    """检查机关 of the public lists for tasks that do not name their own (``tasks create --authority``)."""
    operator: str | None = None
    """Who works with this configuration (clock.configure_operator: after --operator and CREDITCLI_OPERATOR)."""


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the config file (explicit, CREDITCLI_CONFIG, or the user default) and the environment."""
    explicit = config_path or (Path(p) if (p := os.environ.get("CREDITCLI_CONFIG")) else None)
    path = explicit or config_home() / "config.toml"
    raw: dict[str, Any] = {}
    if path.exists():
        import tomllib

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法解析：{exc}") from exc
    elif explicit is not None:
        raise ConfigError(f"配置文件不存在：{path}")
    if env_db := os.environ.get("CREDITCLI_DB"):
        raw["db"] = env_db
    if set(raw) <= {"db"} and isinstance(raw.get("db", ""), str):
        return Settings(db=raw.get("db"))  # nothing that could be wrong: pydantic is not even imported
    from pydantic import ValidationError

    from creditcli.settings_file import SettingsFile

    try:
        return Settings(**dict(SettingsFile.model_validate(raw)))
    except ValidationError as exc:
        raise ConfigError(f"配置文件 {path} 有误：{validation_details(exc, SettingsFile)}") from exc


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


def validation_details(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """Pydantic's errors as one line: ``key.sub: reason`` each, every reason in Chinese where we know it.
    With the ``model`` that was validated, an unknown key also names the keys its table may have."""
    parts = []
    for e in exc.errors():
        where = ".".join(map(str, e["loc"]))
        reason = PYDANTIC_REASONS.get(e["type"]) or str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "extra_forbidden" and model is not None:
            reason += known_keys(model, e["loc"])
        parts.append(f"{where}: {reason}" if where else reason)
    return "；".join(parts)


def known_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """``（是否应为 ratios？可用：…）`` for the unknown key at ``loc``: the keys of the table that holds it
    (found by walking the model's fields along ``loc``), and the one it most resembles."""
    import difflib
    import typing

    from pydantic import BaseModel

    def submodel(annotation: Any) -> type[BaseModel] | None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        for arg in typing.get_args(annotation):
            if (found := submodel(arg)) is not None:
                return found
        return None

    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        fields = current.model_fields if current is not None else {}
        field = next((f for name, f in fields.items() if part in (name, f.alias)), None)
        if field is not None:
            current = submodel(field.annotation)
    if current is None:
        return ""
    names = [f.alias or name for name, f in current.model_fields.items()]
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
    guess = f"是否应为 {close[0]}？" if close else ""
    return f"（{guess}可用：{'、'.join(names)}）"
