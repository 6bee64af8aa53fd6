"""Settings: config file -> CREDITCLI_* environment -> command-line flags.

The class set is configuration, not code (domain.md §3: Shandong used A–E).
"""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from creditcli.errors import ConfigError

DEFAULT_CLASSES = ("A", "B", "C", "D")
# Shipped default policy (domain.md §3); every task may override it.
DEFAULT_RATIOS = {"A": "0.01", "B": "0.03", "C": "0.10", "D": "0.30"}


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
        return cleaned


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
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"配置文件 {path} 有误：{details}") from exc
