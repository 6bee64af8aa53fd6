"""Settings: config file -> CREDITCLI_* environment -> command-line flags.

The class set is configuration, not code (domain.md §3: Shandong used A–E).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from creditcli.errors import ConfigError

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


class Settings(BaseModel):
    """What a bureau configures once, in ``config.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db: str | None = None
    risk_classes: tuple[str, ...] = Field(default=DEFAULT_CLASSES, min_length=1)
    default_ratios: dict[str, Decimal] = Field(
        default_factory=lambda: {k: Decimal(v) for k, v in DEFAULT_RATIOS.items()}
    )
    calendar_file: Path | None = None
    """Holiday arrangements of years the calendar package does not cover yet (creditcli.workdays)."""
    rules_file: Path | None = None
    """A bureau's overrides of the shipped credit rules (creditcli/credit/rules.toml)."""

    @field_validator("risk_classes")
    @classmethod
    def _classes_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip().upper() for v in value)
        if len(set(cleaned)) != len(cleaned) or any(not v for v in cleaned):
            raise ValueError("风险分类不能为空或重复")
        # A class is written into the pool file (``uscc,class`` lines) and file names: nothing else fits.
        bad = [v for v in cleaned if not CLASS_NAME.fullmatch(v)]
        if bad:
            raise ValueError(f"风险分类 {'、'.join(f'“{b}”' for b in bad)} 无效：只能用字母、数字或汉字，最多 8 个字符")
        return cleaned

    @model_validator(mode="before")
    @classmethod
    def _ratios_are_ratios(cls, data: Any) -> Any:
        """The default ratios are copied into every task created without its own: checked like ``--ratio``
        (a ratio of 2 would draw a negative number of entities)."""
        if not isinstance(data, dict) or "default_ratios" not in data:
            return data
        ratios = data["default_ratios"]
        if not isinstance(ratios, dict):
            raise ValueError('default_ratios 应为表，如 default_ratios = { A = "0.01", B = "0.03" }')
        given = data.get("risk_classes", DEFAULT_CLASSES)
        classes = [str(c).strip().upper() for c in given] if isinstance(given, list | tuple) else []
        problems: list[str] = []
        parsed: dict[str, Decimal] = {}
        for klass, value in ratios.items():
            where = f"default_ratios.{klass} = {toml_value(value)}"
            try:
                number = Decimal(str(value).strip()) if isinstance(value, str | int | float) else None
            except InvalidOperation:
                number = None
            if isinstance(value, bool) or number is None or not number.is_finite():
                problems.append(f'{where}：不是数字（比例写作 "0.03"）')
            elif klass.strip().upper() not in classes and klass.strip() != "未分类":
                problems.append(f"{where}：“{klass}” 不是 risk_classes 中的分类（{'、'.join(classes)}、未分类）")
            elif not Decimal(0) <= number <= Decimal(1):
                problems.append(f"{where}：比例应在 0 到 1 之间")
            elif -int(number.as_tuple().exponent) > RATIO_PLACES:
                problems.append(f"{where}：比例最多 {RATIO_PLACES} 位小数")
            parsed[klass] = number if number is not None else Decimal(0)
        if problems:
            raise ValueError("；".join(problems))
        return {**data, "default_ratios": parsed}


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the config file (explicit, CREDITCLI_CONFIG, or the user default) and the environment."""
    explicit = config_path or (Path(p) if (p := os.environ.get("CREDITCLI_CONFIG")) else None)
    path = explicit or config_home() / "config.toml"
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法解析：{exc}") from exc
    elif explicit is not None:
        raise ConfigError(f"配置文件不存在：{path}")
    if env_db := os.environ.get("CREDITCLI_DB"):
        raw["db"] = env_db
    try:
        return Settings.model_validate(raw)
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
