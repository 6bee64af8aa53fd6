"""The credit rules: every period and threshold in one versioned file (``rules.toml``, with sources),
which a bureau may override item by item (configuration ``rules_file``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from creditcli.errors import ConfigError

DEFAULT_RULES = Path(__file__).with_name("rules.toml")


class PenaltyPublicityRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    publish_within_workdays: int
    withdraw_within_workdays: int
    published_procedures: tuple[str, ...]
    not_published_kinds: tuple[str, ...]
    short_kinds: tuple[str, ...]
    short_months: int
    long_years: int
    minimum_years: int
    fine_threshold_person: int
    fine_threshold_organisation: int
    no_early_stop_kinds: tuple[str, ...]


class SeriousListRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    early_removal_years: int
    automatic_removal_years: int


class AbnormalListRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    listing_within_workdays: int
    grounds: tuple[str, ...]


class RepairRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minor_months: int
    moderate_apply_months: int
    moderate_max_months: int
    serious_apply_months: int
    serious_max_months: int
    decide_within_workdays: int
    result_tiers: dict[str, str]
    default_result_tier: str


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    penalty_publicity: PenaltyPublicityRules
    serious_list: SeriousListRules
    abnormal_list: AbnormalListRules
    repair: RepairRules


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"规则文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"规则文件 {path} 无法解析：{exc}") from exc


def load_rules(override: Path | None = None) -> Rules:
    """The shipped rules, with a bureau's file laid over them key by key."""
    raw = _read(DEFAULT_RULES)
    if override is not None:
        raw = _merge(raw, _read(override))
    try:
        return Rules.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"规则文件有误：{details}") from exc
