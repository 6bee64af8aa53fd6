"""Settings: config file -> CREDITCLI_* environment -> command-line flags.

The class set is configuration, not code (domain.md §3: Shandong used A–E).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
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
    draw_algorithm: int = 2
    """The draw algorithm's version new freezes use unless ``--algorithm`` says (domain.md §8b: 2, salted)."""


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
            raise ConfigError(f"配置文件 {path} 无法解析：{file_reason(exc)}") from exc
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


TOML_REASONS = {
    "Cannot overwrite a value": "重复给出了同一个值",
    "Escaped character is not a Unicode scalar value": "转义字符不是有效的 Unicode 字符",
    "Expected '=' after a key in a key/value pair": "键的后面应有 “=”（键 = 值）",
    "Expected ']' at the end of a table declaration": "表头的末尾应有 “]”",
    "Expected ']]' at the end of an array declaration": "表数组头的末尾应有 “]]”",
    "Expected newline or end of document after a statement": "一条语句之后应换行",
    "Invalid date or datetime": "日期或时间无效",
    "Invalid hex value": "十六进制值无效",
    "Invalid initial character for a key part": "键的开头字符无效（含中文或空格的键须加双引号）",
    "Invalid statement": "无法识别的语句",
    "Invalid value": '值无效（文字须加双引号，如 name = "抽查"）',
    "Unclosed array": "列表没有闭合（缺少 “]”）",
    "Unclosed inline table": "内联表没有闭合（缺少 “}”）",
    "Unescaped '\\' in a string": "字符串中有未转义的 “\\”（Windows 路径请用单引号，或写成 \\\\）",
    "Unterminated string": "字符串没有结束（缺少引号）",
    "Illegal character '\\n'": "字符串没有结束（缺少引号；字符串中不能换行）",
}
"""tomllib's messages (Python 3.11–3.13), in Chinese."""
_TOML_PATTERNS = (
    (re.compile(r"Cannot declare (.+) twice"), "重复声明了 {0}"),
    (re.compile(r"Cannot mutate immutable namespace (.+)"), "不能再向 {0} 加入键"),
    (re.compile(r"Cannot redefine namespace (.+)"), "不能重新定义 {0}"),
    (re.compile(r"Duplicate inline table key (.+)"), "内联表中的键 {0} 重复"),
    (re.compile(r"Expected (.+)"), "此处应为 {0}"),
    (re.compile(r"Found invalid character (.+)"), "有无效的字符 {0}"),
    (re.compile(r"Illegal character (.+)"), "有不允许的字符 {0}"),
)
_TOML_AT = re.compile(r"^(.*?)\s*\(at (?:line (\d+), column (\d+)|(end of document))\)$", re.DOTALL)


JSON_REASONS = {
    "Expecting value": "此处应有一个值",
    "Expecting property name enclosed in double quotes": "键应加英文双引号",
    "Expecting ',' delimiter": "此处应有英文逗号 “,”",
    "Expecting ':' delimiter": "此处应有英文冒号 “:”",
    "Extra data": "一个 JSON 值之后还有多余的内容",
    "Unterminated string starting at": "字符串没有结束（缺少引号）",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义 “\\”",
}
"""The json module's messages, in Chinese."""


def file_reason(exc: ValueError) -> str:
    """Why a TOML (or JSON) file a user wrote cannot be read, in Chinese with the parser's line and
    column kept: ``第 3 行第 5 列：键的后面应有 “=”（键 = 值）``; a file that is not UTF-8 names the byte."""
    import json

    if isinstance(exc, UnicodeDecodeError):
        return f"不是 UTF-8 编码（第 {exc.start + 1} 字节附近）；请另存为 UTF-8 编码的文本文件"
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列：{JSON_REASONS.get(exc.msg, f'格式有误（{exc.msg}）')}"
    text = str(exc)
    match = _TOML_AT.match(text)
    message, where = text, ""
    if match is not None:
        message = match.group(1)
        where = "文件末尾：" if match.group(4) else f"第 {match.group(2)} 行第 {match.group(3)} 列："
    reason: str | None = TOML_REASONS.get(message)
    if reason is None:
        for pattern, template in _TOML_PATTERNS:
            if (found := pattern.fullmatch(message)) is not None:
                reason = template.format(*found.groups())
                break
    shown = reason if reason is not None else f"格式有误（{message}）"
    return where + "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in shown)


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
PYDANTIC_TYPED_REASONS = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数（不能有小数）",
    "float_parsing": "应为数",
    "float_type": "应为数",
    "decimal_parsing": "应为数",
    "decimal_type": "应为数",
    "number_type": "应为数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期，如 2026-03-01",
    "date_type": "应为日期，如 2026-03-01",
    "date_from_datetime_parsing": "应为日期，如 2026-03-01",
    "date_from_datetime_inexact": "应为日期（不带时间），如 2026-03-01",
    "datetime_parsing": "应为日期时间，如 2026-03-01T09:00:00",
    "datetime_type": "应为日期时间，如 2026-03-01T09:00:00",
    "string_unicode": "应为文字（加引号）",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "model_type": "应为表",
    "model_attributes_type": "应为表",
    "path_type": "应为文件路径（加引号的文字）",
    "none_required": "此处不应有值",
}
"""Reasons about a value of the wrong type: shown with the value given (``应为整数，而不是 "x"``)."""
PYDANTIC_BOUND_REASONS = {
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "too_short": "至少应有 {min_length} 项",
    "too_long": "至多只能有 {max_length} 项",
    "string_too_short": "至少应有 {min_length} 个字符",
    "string_too_long": "至多只能有 {max_length} 个字符",
    "string_pattern_mismatch": "写法不对（应符合 {pattern}）",
    "literal_error": "应为 {expected} 之一",
    "enum": "应为 {expected} 之一",
    "decimal_max_digits": "至多 {max_digits} 位数字",
    "decimal_max_places": "至多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分至多 {whole_digits} 位",
}
"""Reasons that name a bound (pydantic's ``ctx``), in Chinese."""


def pydantic_reason(error: Mapping[str, Any]) -> str:
    """One pydantic error in Chinese: ours (raised in a validator) as written, pydantic's own by type;
    one this table does not know yet is named by its type, never in English prose."""
    kind = str(error["type"])
    if kind in PYDANTIC_REASONS:
        return PYDANTIC_REASONS[kind]
    if kind in ("value_error", "assertion_error"):
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in PYDANTIC_TYPED_REASONS:
        return f"{PYDANTIC_TYPED_REASONS[kind]}，而不是 {toml_value(error.get('input'))}"
    if kind in PYDANTIC_BOUND_REASONS:
        context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
        try:
            return PYDANTIC_BOUND_REASONS[kind].format(**context)
        except KeyError:
            pass
    return f"取值无效（{kind}），而不是 {toml_value(error.get('input'))}"


def validation_details(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """Pydantic's errors as one line: ``key.sub: reason`` each, every reason in Chinese where we know it.
    With the ``model`` that was validated, an unknown key also names the keys its table may have."""
    parts = []
    for e in exc.errors():
        where = ".".join(map(str, e["loc"]))
        reason = pydantic_reason(e)
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
