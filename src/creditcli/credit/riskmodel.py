"""A risk classification model file (TOML, docs/risk.md): indicators, points, score bands, direct rules
and professional models, checked once when read so that scoring can trust every value."""

from __future__ import annotations

import hashlib
import itertools
import math
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from creditcli.errors import ConfigError, InputMissingError
from creditcli.settings import toml_value, validation_details

DEFAULT_MODEL = "default"

Source = Literal[
    "penalties",
    "serious_list",
    "abnormal_list",
    "negative_results",
    "registration_age",
    "entity_type",
    "tag",
    "external_score",
]
SOURCE_LABELS: dict[str, str] = {
    "penalties": "处于公示期（影响期）内的行政处罚件数",
    "serious_list": "是否在严重违法失信名单中（1/0）",
    "abnormal_list": "是否在经营异常名录中（1/0）",
    "negative_results": "近若干月内抽查发现问题的结果条数",
    "registration_age": "成立年数",
    "entity_type": "主体类型是否为所列之一（1/0）",
    "tag": "是否带有该标签（1/0）",
    "external_score": "导入的外部评分",
}


MAX_NUMBER = 1_000_000_000
"""Every points value, band, step bound and ``at_least`` of a model lies in [0, MAX_NUMBER] (docs/risk.md):
a score is a sum of such numbers times counts or imported scores (also at most 10^9), so it stays finite."""
MAX_MONTHS = 1200
CHECKED = {"checked": True}
"""Validation context of a model file being read: its numbers are checked. A model stored with an
earlier run is read back without it, so that a run recorded before these bounds can still be explained."""


def _number(value: Any, info: ValidationInfo) -> Any:
    if not (info.context or {}).get("checked"):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"应为数，而不是 {toml_value(value)}")
    if not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
        raise ValueError(f"应为 0 到 {MAX_NUMBER} 之间的数，而不是 {toml_value(value)}")
    return value


def _months(value: Any, info: ValidationInfo) -> Any:
    if (info.context or {}).get("checked") and (
        isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS
    ):
        raise ValueError(f"应为 1 到 {MAX_MONTHS} 之间的整数（月数），而不是 {toml_value(value)}")
    return value


Number = Annotated[float, BeforeValidator(_number)]
Months = Annotated[int, BeforeValidator(_months)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(Strict):
    """One step of a stepped indicator: the first step whose bound holds gives the points."""

    below: Number | None = None
    at_least: Number | None = None
    points: Number

    @model_validator(mode="after")
    def _one_bound(self) -> Step:
        if (self.below is None) == (self.at_least is None):
            raise ValueError("每一档须且只须写 below 或 at_least 之一")
        return self


class Indicator(Strict):
    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=32)
    label: str
    source: Source
    points: Number | None = None
    """Points per unit of the value (count, year, score)."""
    max_points: Number | None = None
    steps: list[Step] = Field(default_factory=list)
    missing_points: Number = 0
    """Points when the value is unknown (no registration date, no imported score)."""
    months: Months | None = Field(default=None, ge=1)
    """negative_results: only results checked within this many months before the as-of date."""
    codes: list[str] = Field(default_factory=list)
    """negative_results: only these result codes (default: every code marked negative)."""
    kinds: list[str] = Field(default_factory=list)
    """penalties: only decisions with one of these 处罚种类 (default: every published decision)."""
    grounds: list[str] = Field(default_factory=list)
    """abnormal_list / serious_list: only entries whose ground contains one of these words."""
    values: list[str] = Field(default_factory=list)
    """entity_type: the 主体类型 that count."""
    tag: str | None = None
    score: str | None = None
    """external_score: the imported score's name."""

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if (self.points is None) == (not self.steps):
            raise ValueError(f"指标 {self.id}：须写 points（每单位分值）或 steps（分档）之一，且只能写一个")
        needs = {"tag": self.tag, "external_score": self.score, "entity_type": self.values or None}
        if self.source in needs and not needs[self.source]:
            field = {"tag": "tag", "external_score": "score", "entity_type": "values"}[self.source]
            raise ValueError(f"指标 {self.id}：来源 {self.source} 须写 {field}")
        if self.source == "negative_results" and self.months is None:
            raise ValueError(f"指标 {self.id}：来源 negative_results 须写 months（统计近几个月的结果）")
        return self


class Direct(Strict):
    """Straight to a class whatever the score: when indicator ``when`` has a value of at least ``at_least``."""

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=32)
    label: str
    when: str
    at_least: Number = 1
    risk_class: str = Field(alias="class")


class Scoring(Strict):
    """Indicators, bands and direct rules: the general model, or a professional one for a tagged field."""

    indicators: list[Indicator]
    bands: dict[str, Number]
    """Class → the lowest score in that class; the class is the highest band the score reaches."""
    direct: list[Direct] = Field(default_factory=list)

    def check(self, classes: tuple[str, ...], where: str) -> list[str]:
        problems: list[str] = []
        ids = [i.id for i in self.indicators]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{where}：指标 id “{dup}” 重复")
        if list(self.bands) != list(classes):
            given = "、".join(self.bands) or "（空）"
            problems.append(f"{where}：bands 应依次为已配置的分类 {'、'.join(classes)} 各一档，而不是 {given}")
        lows = list(self.bands.values())
        if any(b <= a for a, b in itertools.pairwise(lows)):
            problems.append(f"{where}：bands 的分数下限须逐档递增")
        for rule in self.direct:
            if rule.when not in ids:
                problems.append(f"{where}：直接定类规则 {rule.id} 的 when “{rule.when}” 不是本模型的指标")
            if rule.risk_class not in classes:
                problems.append(f"{where}：直接定类规则 {rule.id} 的分类 “{rule.risk_class}” 不是已配置的分类")
        return problems


class Professional(Scoring):
    """专业型模型: overrides the general class for entities carrying one of ``tags`` (食品, 特种设备 …)."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=32)
    label: str
    tags: list[str] = Field(min_length=1)


class ModelHead(Strict):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", max_length=40)
    version: str = Field(min_length=1, max_length=20)
    label: str = ""
    classes: list[str]


class RiskModel(Strict):
    model: ModelHead
    general: Scoring
    professional: list[Professional] = Field(default_factory=list)

    @property
    def source(self) -> str:
        """How the history names a class this model computed."""
        return f"model:{self.model.name}@{self.model.version}"

    def scorings(self) -> list[tuple[str, Scoring]]:
        return [("general", self.general), *((p.name, p) for p in self.professional)]


class LoadedModel(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: RiskModel
    text: str
    sha256: str
    path: str


def default_model_path() -> Path:
    return Path(str(resources.files("creditcli.credit").joinpath("default_model.toml")))


def load_model(path: Path | None, classes: tuple[str, ...]) -> LoadedModel:
    """Read and check a model file (the shipped default when ``path`` is None); exit 78 on any problem."""
    path = path or default_model_path()
    if not path.exists():
        raise InputMissingError(f"模型文件不存在：{path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"模型文件 {path} 无法解析：{exc}") from exc
    try:
        model = RiskModel.model_validate(data, context=CHECKED)
    except ValidationError as exc:
        raise ConfigError(f"模型文件 {path} 有误：{validation_details(exc, RiskModel)}") from exc
    if tuple(model.model.classes) != classes:
        given = "、".join(model.model.classes)
        raise ConfigError(f"模型文件 {path} 有误：model.classes 为 {given}，与配置的分类 {'、'.join(classes)} 不一致")
    problems: list[str] = []
    for name, scoring in model.scorings():
        where = "general" if name == "general" else f"professional.{name}"
        problems.extend(scoring.check(classes, where))
    names = [p.name for p in model.professional]
    for dup in sorted({n for n in names if names.count(n) > 1 or n == "general"}):
        problems.append(f"专业模型名 “{dup}” 重复或与 general 相同")
    if problems:
        raise ConfigError(f"模型文件 {path} 有误：{'；'.join(problems)}")
    return LoadedModel(model=model, text=text, sha256=hashlib.sha256(raw).hexdigest(), path=str(path))


def parse_text(text: str) -> RiskModel:
    """A model as stored with its run (already checked when it was run)."""
    return RiskModel.model_validate(tomllib.loads(text))
