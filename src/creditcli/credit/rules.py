"""The credit rules: every period and threshold in one versioned file (``rules.toml``, with sources),
which a bureau may override item by item (configuration ``rules_file``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from creditcli.errors import ConfigError
from creditcli.settings import int_between, one_of, validation_details

DEFAULT_RULES = Path(__file__).with_name("rules.toml")
MAX_AMOUNT = 10**12
"""The largest amount of money the tool takes, in 元 (a fine, a threshold): 1 万亿."""

# Bounds of the rules' numbers (docs/credit.md): a period beyond them is a typo, and would not survive
# the date arithmetic (99999999999 months is past year 9999).
WorkDays = Annotated[int, BeforeValidator(int_between(1, 365, "（工作日）"))]
Months = Annotated[int, BeforeValidator(int_between(0, 1200, "（月）"))]
Years = Annotated[int, BeforeValidator(int_between(0, 100, "（年）"))]
Amount = Annotated[int, BeforeValidator(int_between(0, MAX_AMOUNT, "（元）"))]
Tier = Annotated[str, BeforeValidator(one_of("轻微", "一般", "严重"))]


class PenaltyPublicityRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    publish_within_workdays: WorkDays
    withdraw_within_workdays: WorkDays
    published_procedures: tuple[str, ...]
    not_published_kinds: tuple[str, ...]
    short_kinds: tuple[str, ...]
    short_months: Months
    long_years: Years
    minimum_years: Years
    fine_threshold_person: Amount
    fine_threshold_organisation: Amount
    no_early_stop_kinds: tuple[str, ...]

    @model_validator(mode="after")
    def _ordered(self) -> PenaltyPublicityRules:
        if self.minimum_years > self.long_years:
            raise ValueError(f"minimum_years（{self.minimum_years}）不能大于 long_years（{self.long_years}）")
        return self


class SeriousListRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    early_removal_years: Years
    automatic_removal_years: Years

    @model_validator(mode="after")
    def _ordered(self) -> SeriousListRules:
        if self.early_removal_years > self.automatic_removal_years:
            raise ValueError(
                f"early_removal_years（{self.early_removal_years}）不能大于 automatic_removal_years"
                f"（{self.automatic_removal_years}）"
            )
        return self


class AbnormalListRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    listing_within_workdays: WorkDays
    grounds: tuple[str, ...]


class RepairRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minor_months: Months
    moderate_apply_months: Months
    moderate_max_months: Months
    serious_apply_months: Months
    serious_max_months: Months
    decide_within_workdays: WorkDays
    result_tiers: dict[str, Tier]
    default_result_tier: Tier

    @model_validator(mode="after")
    def _ordered(self) -> RepairRules:
        for tier in ("moderate", "serious"):
            apply, most = getattr(self, f"{tier}_apply_months"), getattr(self, f"{tier}_max_months")
            if apply > most:
                raise ValueError(f"{tier}_apply_months（{apply}）不能大于 {tier}_max_months（{most}）")
        return self


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
        where = DEFAULT_RULES if override is None else override
        raise ConfigError(f"规则文件 {where} 有误：{validation_details(exc, Rules)}") from exc
