"""Options of ``tasks create`` (one place for their names and help text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _opt(flag: str, text: str) -> typer.models.OptionInfo:
    info: typer.models.OptionInfo = typer.Option(flag, help=text, show_default=False)
    return info


Code = Annotated[str | None, typer.Argument(help="任务编号（用 --from 时可省略）", show_default=False)]
FromFile = Annotated[Path | None, _opt("--from", "任务文件（TOML，格式见 docs/tasks.md）")]
Name = Annotated[str | None, _opt("--name", "任务名称")]
PlanCode = Annotated[str | None, _opt("--plan-code", "年度抽查计划编号")]
PlanName = Annotated[str | None, _opt("--plan-name", "年度抽查计划名称")]
TaskType = Annotated[str | None, _opt("--type", "抽查类型：定向 或 不定向（默认：有范围条件即为定向）")]
Items = Annotated[list[str] | None, _opt("--item", "抽查事项编号（可重复）")]
Organiser = Annotated[str | None, _opt("--organiser", "发起部门")]
Implementer = Annotated[str | None, _opt("--implementer", "实施部门")]
Authority = Annotated[
    str | None, _opt("--authority", "检查机关（公示用，如 济南市天桥区市场监督管理局；默认取配置项 authority）")
]
Window = Annotated[str | None, _opt("--window", "检查时间 开始:结束，如 2026-03-01:2026-06-30")]
TeamSize = Annotated[int | None, _opt("--team-size", "检查组执法人员数（至少 2，默认 2）")]
Scope = Annotated[str | None, _opt("--scope", "抽查对象范围说明（公示用）")]
EntityTypes = Annotated[list[str] | None, _opt("--entity-type", "主体类型（可重复）")]
Stations = Annotated[list[str] | None, _opt("--station", "管辖单位（可重复）")]
Industries = Annotated[list[str] | None, _opt("--industry", "行业代码前缀（可重复）")]
Tags = Annotated[list[str] | None, _opt("--tag", "标签，须全部具备（可重复）")]
RegisteredFrom = Annotated[str | None, _opt("--registered-from", "成立日期自（如 2020-01-01）")]
RegisteredTo = Annotated[str | None, _opt("--registered-to", "成立日期至")]
IncludeInactive = Annotated[bool, typer.Option("--include-inactive", help="不排除登记状态非存续的对象（默认排除）")]
ExcludeDrawnWithin = Annotated[int | None, _opt("--exclude-drawn-within", "排除近 N 个月内被其他任务抽中的对象")]
Exclude = Annotated[Path | None, _opt("--exclude", "排除名单文件（统一社会信用代码，可带“排除原因”列）")]
Mode = Annotated[str | None, _opt("--mode", "stratified（按分类比例，默认）或 weighted（按权重）")]
Ratios = Annotated[list[str] | None, _opt("--ratio", "分类抽取比例，如 --ratio D=0.30（未给的分类用配置的默认比例）")]
Minimum = Annotated[list[str] | None, _opt("--min", "分类最少抽取数，如 --min D=5")]
Maximum = Annotated[list[str] | None, _opt("--max", "分类最多抽取数，如 --max A=20")]
Count = Annotated[int | None, _opt("--count", "按权重抽取的总数")]
Weights = Annotated[list[str] | None, _opt("--weight", "分类权重，如 --weight D=8")]
ClassSource = Annotated[
    str | None,
    _opt("--class-source", "抽取所用的分类：imported（导入的分类，默认）或 model:模型名（本局模型计算的分类）"),
]
