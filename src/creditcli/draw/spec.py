"""The parameters of an 抽查任务 (``TaskSpec``): checked once, at creation, then stored as JSON and trusted.

A task's draw parameters are fixed when it is created (the configured default ratios are copied
in), so a later change of the configuration never changes how an old task draws. The bounds of
every number are here (docs/tasks.md, "参数的取值范围"), and the check of stored parameters
against today's bounds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creditcli.draw.terms import STRATIFIED, UNCLASSIFIED, WEIGHTED, draw_parameters
from creditcli.errors import UsageError
from creditcli.io.columns import NAME_LEN, Column, shown_typed, typed_value
from creditcli.io.text import fold_task_code
from creditcli.rosters.codes import normalise
from creditcli.settings import RATIO_PLACES, Settings, validation_details

if TYPE_CHECKING:
    from pydantic_core import InitErrorDetails

TASK_TYPES = ("定向", "不定向")
IMPORTED = "imported"
"""Class source: the class imported into the entity roster (the national classification)."""
MODEL_PREFIX = "model:"

# Bounds of the numbers a task names (docs/tasks.md, "参数的取值范围"): beyond them a value is a typo, and
# some would not survive the arithmetic (a month count past year 1, a ratio whose exact fraction has a
# billion digits, a weight whose target probability is no longer a double).
MAX_COUNT = 1_000_000_000
"""--count, --min, --max: more than any roster holds."""
MAX_TEAM = 50
MAX_MONTHS = 1200
"""--exclude-drawn-within: a hundred years."""
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_PLACES = Decimal("0.000001"), Decimal(1_000_000), 6
WINDOW_FIRST, WINDOW_LAST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

CODE_MAX_LENGTH = 64
CODE_RULE = "只能用字母、数字、汉字和 - _ . ( ) （ ） 〔 〕，最多 64 个字符，不能以 . 开头"
# 〇 (U+3007, the hanzi zero of 二〇二六年) is a hanzi here: kept as written, never folded to 0, so that
# a code copied from a document (抽查〔二〇二六〕1号) is the code the certificate shows.
CODE_CHAR = re.compile(r"[A-Za-z0-9\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f_.()（）〔〕-]")


TEXT_FIELDS = {
    "name": (Column("name", "任务名称", max_len=NAME_LEN), "--name"),
    "plan_code": (Column("plan_code", "年度抽查计划编号", max_len=CODE_MAX_LENGTH), "--plan-code"),
    "plan_name": (Column("plan_name", "年度抽查计划名称", max_len=NAME_LEN), "--plan-name"),
    "organiser": (Column("organiser", "发起部门", max_len=NAME_LEN), "--organiser"),
    "implementer": (Column("implementer", "实施部门", max_len=NAME_LEN), "--implementer"),
    "authority": (Column("authority", "检查机关", max_len=NAME_LEN), "--authority"),
    "scope": (Column("scope", "抽查对象范围说明"), "--scope"),
}
"""A task's free text, checked by the rule of its column kind as a file's cell is (control characters,
the documented maximum length) whether typed as an option or written in a task file."""
POOL_FIELDS = {
    "entity_types": (Column("entity_type", "主体类型", max_len=NAME_LEN), "--entity-type"),
    "stations": (Column("station", "管辖单位", max_len=NAME_LEN), "--station"),
    "industry_prefixes": (Column("industry", "行业代码", max_len=16), "--industry"),
    "tags": (Column("tag", "标签", max_len=NAME_LEN), "--tag"),
}
"""The text filters of a 定向 task's scope, checked alike (``[pool]`` in a task file)."""


class PoolScope(BaseModel):
    """定向 filters; an empty filter means "any"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity_types: list[str] = Field(default_factory=list)
    stations: list[str] = Field(default_factory=list)
    industry_prefixes: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None


class Excluded(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    uscc: str
    reason: str


class TaskSpec(BaseModel):
    """Everything a task is; stored as JSON in ``tasks.spec``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    plan_code: str = ""
    plan_name: str = ""
    task_type: Literal["定向", "不定向"] = "不定向"
    items: list[str] = Field(default_factory=list)
    organiser: str = ""
    implementer: str = ""
    authority: str = ""
    """检查机关 of the public lists (the legal authority, 济南市天桥区市场监督管理局), not an internal 科室."""
    window_start: dt.date
    window_end: dt.date
    team_size: int = 2
    scope: str = ""
    pool: PoolScope = Field(default_factory=PoolScope)
    exclude_inactive: bool = True
    exclude_drawn_within: int | None = None
    """Months."""
    exclude: list[Excluded] = Field(default_factory=list)
    mode: Literal["stratified", "weighted"] = "stratified"
    ratios: dict[str, Decimal] = Field(default_factory=dict)
    minimum: dict[str, int] = Field(default_factory=dict)
    maximum: dict[str, int] = Field(default_factory=dict)
    count: int | None = None
    weights: dict[str, Decimal] = Field(default_factory=dict)
    class_source: str = IMPORTED
    """Which classes the pool is stratified by: ``imported`` or ``model:NAME`` (creditcli risk classify)."""

    @property
    def class_model(self) -> str | None:
        return self.class_source.removeprefix(MODEL_PREFIX) if self.class_source != IMPORTED else None

    def draw_parameters(self) -> dict[str, Any]:
        """The parameters the draw algorithm reads, as canonical JSON-ready values."""
        return draw_parameters(self.mode, self.ratios, self.minimum, self.maximum, self.count, self.weights)


def parse_spec(code: str, text: str) -> TaskSpec:
    """A task's stored parameters (``tasks.spec``), or RecordError naming the task: a record altered
    behind the tool's back must not end as an internal error."""
    try:
        return TaskSpec.model_validate_json(text)
    except ValidationError:
        from creditcli.canonical import RESTORE
        from creditcli.errors import RecordError

        raise RecordError(f"任务 {shown(code)} 的任务参数记录（tasks.spec）已损坏：内容无法读取；{RESTORE}") from None


def shown(text: str, limit: int = 80) -> str:
    """User text inside a message: control and other unprintable characters escaped (``\\n``, ``\\x1b``),
    and cut after ``limit`` characters, so that a message never moves the terminal or floods it."""
    cut = text[:limit]
    out = "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in cut)
    return out + ("…" if len(text) > limit else "")


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a task code, or None. A code is part of default file names
    (``{code}-抽取前公告.md``), so it may hold nothing that a path gives a meaning to."""
    if not code:
        return "不能为空"
    bad = dict.fromkeys(c for c in code if not CODE_CHAR.fullmatch(c))
    problems = []
    if bad:
        names = "、".join("空格" if c == " " else f"“{shown(c)}”" for c in bad)
        problems.append(f"含有 {names}")
    if len(code) > CODE_MAX_LENGTH:
        problems.append(f"有 {len(code)} 个字符")
    if code.startswith("."):
        problems.append("以 . 开头")
    return "；".join(problems) if problems else None


def class_key(text: str) -> str:
    """A class as typed by a user ("未分类" names the entities without a class)."""
    value = text.strip().upper()
    return "" if text.strip() == UNCLASSIFIED else value


def _decimal(value: str, what: str, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.append(f"{what} “{shown(str(value))}” 不是数字")
        return None
    return number


def places(number: Decimal) -> int:
    """Digits after the decimal point as written (``0.030``: 3; ``1E-400``: 400)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def ratio_problem(number: Decimal) -> str | None:
    if not Decimal(0) <= number <= Decimal(1):
        return "比例应在 0 到 1 之间"
    return f"比例最多 {RATIO_PLACES} 位小数" if places(number) > RATIO_PLACES else None


def weight_problem(number: Decimal) -> str | None:
    if number <= 0:
        return "权重必须大于 0"
    if not WEIGHT_MIN <= number <= WEIGHT_MAX or places(number) > WEIGHT_PLACES:
        return f"权重应在 {WEIGHT_MIN} 到 {WEIGHT_MAX} 之间，最多 {WEIGHT_PLACES} 位小数"
    return None


def parameter_problems(spec: TaskSpec) -> list[str]:
    """What today's bounds refuse in a stored task's draw parameters: a task created before the bounds
    (a configured ratio of 2 drew a negative number of entities; a weight of 1e308 gives keys that are
    no longer random, and a probability PostgreSQL cannot store)."""
    out = []
    for c, ratio in sorted(spec.ratios.items()) if spec.mode == STRATIFIED else ():
        if (wrong := ratio_problem(ratio)) is not None:
            out.append(f"--ratio {c or UNCLASSIFIED}={ratio}：{wrong}")
    for c, weight in sorted(spec.weights.items()) if spec.mode == WEIGHTED else ():
        if (wrong := weight_problem(weight)) is not None:
            out.append(f"--weight {c or UNCLASSIFIED}={weight}：{wrong}")
    return out


def _integer(
    value: Any, what: str, problems: list[str], low: int | None = 0, high: int | None = MAX_COUNT, sep: str = " "
) -> int | None:
    """An integer within [low, high] (None: unbounded); anything else is a problem naming ``what``
    (``--min A`` with ``sep="="``: ``--min A=-1``)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.append(f"{what} “{shown(str(value))}” 不是整数")
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        problems.append(f"{what}{sep}{number}：应为 {low} 到 {high} 之间的整数")
        return None
    return number


CHECKED_HERE = frozenset(
    ("code", "name", "window_start", "window_end", "team_size", "mode", "task_type", "items", "ratios", "weights",
     "minimum", "maximum", "count", "exclude_drawn_within", "class_source")
)  # fmt: skip
"""TaskSpec fields build_spec checks itself: pydantic's word on them would repeat its problem."""


def build_spec(
    raw: Mapping[str, Any],
    settings: Settings,
    known_items: set[str],
    *,
    file_problems: Sequence[str] = (),
    task_file: Path | None = None,
) -> TaskSpec:
    """Raw values from the command line or a task file -> a checked TaskSpec.

    Every problem is collected and reported at once (exit 2), so a planner fixes a file in one go:
    the task file's own (``file_problems``: unknown keys …), the parameters', and the types pydantic
    finds in the other fields.
    """
    problems: list[str] = list(file_problems)
    classes = set(settings.risk_classes) | {""}

    def label(c: str) -> str:
        return c or UNCLASSIFIED

    def known_class(c: str, option: str) -> bool:
        if c in classes:
            return True
        problems.append(
            f"{option} 中的分类 “{c}” 不是已配置的信用风险分类（{'、'.join(settings.risk_classes)}、{UNCLASSIFIED}）"
        )
        return False

    mode = raw.get("mode") or STRATIFIED
    if mode not in (STRATIFIED, WEIGHTED):
        problems.append(f"抽取方式 “{mode}” 无效：应为 stratified（按分类比例）或 weighted（按权重）")
    ratios: dict[str, Decimal] = {}
    for c, v in dict(raw.get("ratios") or {}).items():
        number = _decimal(v, f"--ratio {label(c)}", problems)
        if number is not None and known_class(c, "--ratio"):
            if (wrong := ratio_problem(number)) is not None:
                problems.append(f"--ratio {label(c)}={shown(str(v))}：{wrong}")
            ratios[c] = number
    bounds: dict[str, dict[str, int]] = {"minimum": {}, "maximum": {}}
    for field, option in (("minimum", "--min"), ("maximum", "--max")):
        for c, v in dict(raw.get(field) or {}).items():
            number_i = _integer(v, f"{option} {label(c)}", problems, sep="=")
            if number_i is not None and known_class(c, option):
                bounds[field][c] = number_i
    for c, low in bounds["minimum"].items():
        high = bounds["maximum"].get(c)
        if high is not None and low > high:
            problems.append(f"分类 {label(c)} 的最少抽取数 {low} 大于最多抽取数 {high}")
    weights: dict[str, Decimal] = {}
    for c, v in dict(raw.get("weights") or {}).items():
        number = _decimal(v, f"--weight {label(c)}", problems)
        if number is not None and known_class(c, "--weight"):
            if (wrong := weight_problem(number)) is not None:
                problems.append(f"--weight {label(c)}={shown(str(v))}：{wrong}")
            weights[c] = number
    count = raw.get("count")
    if mode == WEIGHTED:
        if count is None:
            problems.append("按权重抽取（weighted）必须用 --count 指定抽取数量")
        else:
            _integer(count, "--count", problems, low=1)
        if ratios:
            problems.append("按权重抽取（weighted）不使用 --ratio，请改用 --weight")
        missing = [c for c in settings.risk_classes if c not in weights]
        if missing:
            problems.append(f"按权重抽取需要每个分类的权重，缺少：{'、'.join(missing)}（如 --weight {missing[0]}=1）")
    else:
        if weights or count is not None:
            problems.append("按分类比例抽取（stratified）不使用 --weight / --count；按权重抽取请加 --mode weighted")
        for c, default in settings.default_ratios.items():
            ratios.setdefault(class_key(c), default)
    # 事项编码 are keys normalised like USCCs; one stored before that is still found as typed.
    typed = [str(i).strip() for i in raw.get("items") or [] if str(i).strip()]
    items = [i if i in known_items else normalise(i) for i in typed]
    unknown = [i for i in items if i not in known_items]
    if unknown:
        listed = "、".join(shown(i) for i in unknown)
        problems.append(f"未知的抽查事项：{listed}（先用 creditcli items import 导入抽查事项清单）")
    team_size = _integer(raw.get("team_size", 2), "--team-size", problems, low=None, high=None)
    if team_size is not None and team_size < 2:
        problems.append(f"--team-size {team_size}：检查组至少 2 名执法人员（行政处罚法第四十二条）")
    elif team_size is not None and team_size > MAX_TEAM:
        problems.append(f"--team-size {team_size}：检查组最多 {MAX_TEAM} 名执法人员")
    window = raw.get("window")
    if window is None:
        problems.append("缺少检查时间：用 --window 开始日期:结束日期 指定")
    else:
        start, end = window
        if end < start:
            problems.append(f"检查时间 {start}:{end} 为空：结束日期早于开始日期")
        elif start < WINDOW_FIRST or end > WINDOW_LAST:
            # The deadline is counted in working days after the end: 9999-12-31 broke `deadlines` for every task.
            problems.append(f"检查时间 {start}:{end} 超出范围：应在 {WINDOW_FIRST} 到 {WINDOW_LAST} 之间")
    months = raw.get("exclude_drawn_within")
    if months is not None:
        _integer(months, "--exclude-drawn-within（任务文件中 drawn_within_months）", problems, low=1, high=MAX_MONTHS)
    task_type = raw.get("task_type") or ("定向" if _has_scope(raw.get("pool") or {}) else "不定向")
    if task_type not in TASK_TYPES:
        problems.append(f"抽查类型 “{task_type}” 无效：应为 定向 或 不定向")
    source = str(raw.get("class_source") or IMPORTED).strip()
    if source != IMPORTED and not re.fullmatch(rf"{MODEL_PREFIX}[A-Za-z_][A-Za-z0-9_-]*", source):
        problems.append(f"分类来源 “{source}” 无效：应为 imported（导入的分类）或 model:模型名（如 model:default）")
    raw = {**raw, "class_source": source}
    # Typed as a file or a terminal gives it: full-width digits, letters and -._ folded as at lookup.
    code = fold_task_code(str(raw.get("code") or ""))
    raw = {**raw, "code": code}
    for key, (column, option) in TEXT_FIELDS.items():
        if isinstance(raw.get(key), str):  # (another type is pydantic's to refuse: 应为文字)
            value, why = typed_value(column, raw[key])
            if why is not None:
                problems.append(f"{option}（任务文件中 {key}） {shown_typed(raw[key])}：{why}")
            raw[key] = value
    pool = raw.get("pool")
    if isinstance(pool, Mapping):
        pool = dict(pool)
        for key, (column, option) in POOL_FIELDS.items():
            values = pool.get(key)
            if not isinstance(values, list):
                continue
            checked = []
            for item in values:
                if not isinstance(item, str):
                    checked.append(item)
                    continue
                value, why = typed_value(column, item)
                if why is not None:
                    problems.append(f"{option}（任务文件 [pool] 中 {key}） {shown_typed(item)}：{why}")
                checked.append(value)
            pool[key] = checked
        raw["pool"] = pool
    if not code.strip():
        problems.append("缺少任务编号")
    elif (wrong := code_problem(code)) is not None:
        problems.append(f"任务编号 “{shown(code)}” 不可用（{wrong}）：任务编号也用作默认文件名，{CODE_RULE}")
    if not str(raw.get("name") or "").strip():
        problems.append("缺少任务名称：用 --name 指定")
    data = {k: v for k, v in raw.items() if k not in ("window", "ratios", "weights", "minimum", "maximum")}
    data |= {
        "window_start": window[0] if window else None,
        "window_end": window[1] if window else None,
        "task_type": task_type,
        "items": items,
        "mode": mode,
        "ratios": ratios if mode == STRATIFIED else {},
        "weights": weights,
        **bounds,
    }
    spec = None
    try:
        spec = TaskSpec.model_validate(data)
    except ValidationError as exc:
        others = [e for e in exc.errors() if not e["loc"] or str(e["loc"][0]) not in CHECKED_HERE or not problems]
        for error in others:  # one line each, in the one wording of pydantic's errors
            one = ValidationError.from_exception_data(exc.title, cast("list[InitErrorDetails]", [error]))
            problems.append(validation_details(one))
    if problems or spec is None:
        head = f"任务文件 {task_file} 有误" if file_problems else "任务参数有误"
        raise UsageError(f"{head}，未创建任务：\n" + "\n".join(f"  - {p}" for p in problems))
    return spec


def _has_scope(pool: Mapping[str, Any]) -> bool:
    return any(pool.get(k) for k in PoolScope.model_fields)
