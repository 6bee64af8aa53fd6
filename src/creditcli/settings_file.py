"""The check of ``config.toml`` (pydantic, at the edge): imported only when there is a file or an
environment value to check, so that a command run without one never loads pydantic (start-up)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from creditcli.settings import CLASS_NAME, DEFAULT_CLASSES, RATIO_PLACES, default_ratios, toml_value


class SettingsFile(BaseModel):
    """The keys of ``config.toml`` (unknown keys are errors), as ``settings.Settings`` holds them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db: str | None = None
    risk_classes: tuple[str, ...] = Field(default=DEFAULT_CLASSES, min_length=1)
    default_ratios: dict[str, Decimal] = Field(default_factory=default_ratios)
    calendar_file: Path | None = None
    rules_file: Path | None = None
    authority: str = Field(default="", max_length=200)
    operator: str | None = None
    draw_algorithm: int = 2

    @field_validator("draw_algorithm", mode="before")
    @classmethod
    def _known_algorithm(cls, value: Any) -> Any:
        if type(value) is not int or value not in (1, 2):  # not True, not 1.0
            raise ValueError(
                f"draw_algorithm = {toml_value(value)} 无效：抽取算法版本应为 1 或 2（2 为加盐签号，默认）"
            )
        return value

    @field_validator("operator")
    @classmethod
    def _operator_names_someone(cls, value: str | None) -> str | None:
        from creditcli.clock import operator_problem

        problem = None if value is None else operator_problem(value)
        if problem is not None:
            raise ValueError(f"操作人{problem}")
        return None if value is None else value.strip()

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
