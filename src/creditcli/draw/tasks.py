"""抽查任务 as stored: created in one place (parameters and pool checked), found by code, read back.

Also the task file (TOML) a planner writes instead of options, and the default names of a task's
output files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditcli import clock, lifecycle
from creditcli.db.models import Item, ModelClass, Task
from creditcli.draw.pool import check_drawable, check_pool, eligible, read_exclusions
from creditcli.draw.spec import (
    CODE_CHAR,
    PoolScope,
    TaskSpec,
    build_spec,
    class_key,
    code_problem,
    parse_spec,
    shown,
)
from creditcli.errors import InputMissingError, UsageError
from creditcli.inputs import read_input
from creditcli.settings import Settings, file_reason


def file_stem(code: str) -> str:
    """What a task code contributes to a default file name: the code itself when it follows the rule;
    for a code stored before the rule existed, its allowed characters and 8 hex digits of its SHA-256
    (so two such codes never share a file name)."""
    if code_problem(code) is None:
        return code
    safe = "".join(c if CODE_CHAR.fullmatch(c) else "_" for c in code).lstrip(".")[:40]
    digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe or '任务'}-{digest}"


def default_file(code: str, what: str) -> Path:
    """The default output file of a task (``2026-SJ-001-抽取前公告.md``): the one place such names are built."""
    return Path(f"{file_stem(code)}-{what}")


def parse_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``A=0.01`` pairs from repeated options (or comma-separated in one)."""
    out: dict[str, str] = {}
    for raw in values:
        for part in raw.replace("，", ",").split(","):
            if not part.strip():
                continue
            key, sep, value = part.partition("=")
            if not sep or not value.strip():
                raise UsageError(f"{option} 的值 “{part}” 应写作 分类=数值，例如 {option} A=0.01")
            out[class_key(key)] = value.strip()
    return out


WINDOW_SEPARATOR = re.compile(r"\s*(?:[:：~～]|至)\s*")
"""Between the two dates of a window: a colon (half- or full-width), a tilde, or 至."""


def parse_window(text: str) -> tuple[dt.date, dt.date]:
    """``开始:结束``, each date in any form a file's date cell may take (io/dates.py), e.g.
    ``2026年10月8日:2026年11月20日``, ``2026/10/8～2026/11/20`` or ``20261008至20261120``."""
    from creditcli.io.dates import FORMS, parse_date

    parts = WINDOW_SEPARATOR.split(text.strip(), maxsplit=1)
    days = [parse_date(p) for p in parts] if len(parts) == 2 else []
    if len(days) != 2 or days[0] is None or days[1] is None:
        raise UsageError(
            f"检查时间 “{shown(text)}” 应写作 开始日期:结束日期，例如 2026-03-01:2026-06-30"
            f"（日期{FORMS.removeprefix('可')}）"
        )
    return days[0], days[1]


FILE_KEYS = ("code", "name", "plan_code", "plan_name", "task_type", "items", "organiser", "implementer", "authority",
             "window", "team_size", "scope")  # fmt: skip
FILE_TABLES = {
    "pool": tuple(PoolScope.model_fields),
    "exclusions": ("inactive", "drawn_within_months", "file"),
    "draw": ("mode", "count", "class_source", "ratios", "weights", "min", "max"),
}


def hint(key: str, known: Sequence[str]) -> str:
    """An unknown key as a message names it: with the section it belongs in, or the key it resembles
    (``ratio`` → ``ratios``)."""
    import difflib

    for name, keys in FILE_TABLES.items():
        if key in keys and tuple(known) != keys:
            return f"{shown(key)}（应写在 [{name}] 中）"
    top = (*FILE_KEYS, *FILE_TABLES)
    if key in top and tuple(known) != top:
        return f"{shown(key)}（应写在第一节之前）"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f"{shown(key)}（是否应为 {close[0]}？）" if close else shown(key)


def read_task_file(path: Path, problems: list[str] | None = None) -> dict[str, Any]:
    """A task file (TOML) -> the raw values ``build_spec`` takes; see docs/tasks.md for the format.

    Keys the format does not know, and tables that are not tables, are refused (exit 2): a misspelt
    ``[draw] ratio`` would otherwise draw with the default ratios. With ``problems`` they are added
    there and the values that are usable returned, so that ``build_spec`` lists the file's problems
    and the parameters' together; without, they are raised at once.
    """
    collect = problems is not None
    content = read_input(path, "任务文件")
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"任务文件 {path} 无法解析：{file_reason(exc)}") from exc
    problems = [] if problems is None else problems

    def unknown(keys: Any, known: Sequence[str], where: str) -> None:
        extra = [hint(str(k), known) for k in keys if k not in known]
        if extra:
            problems.append(f"{where}未知的键 {'、'.join(extra)}（可用：{'、'.join(known)}）")

    def table(name: str, value: Any, example: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            problems.append(f"{name} 应为表：{example}")
            return {}
        return value

    unknown(data, (*FILE_KEYS, *FILE_TABLES), "")
    sections = {n: table(f"[{n}]", data.get(n, {}), f"另起一节 [{n}]，其下逐行写 键 = 值") for n in FILE_TABLES}
    for name, section in sections.items():
        unknown(section, FILE_TABLES[name], f"[{name}] 中")
    raw: dict[str, Any] = {k: v for k, v in data.items() if k in FILE_KEYS and k != "window"}
    if "items" in data and not isinstance(data["items"], list):
        problems.append('items 应为列表，如 items = ["SJ01"]')
        del raw["items"]  # its characters are no item codes
    if "window" in data:
        raw["window"] = parse_window(str(data["window"]))
    raw["pool"] = sections["pool"]
    excl = sections["exclusions"]
    if "inactive" in excl:
        if not isinstance(excl["inactive"], bool):
            problems.append("[exclusions] inactive 应为 true 或 false")
        raw["exclude_inactive"] = excl["inactive"] is True
    if "drawn_within_months" in excl:
        raw["exclude_drawn_within"] = excl["drawn_within_months"]
    if "file" in excl:
        raw["exclude_file"] = (path.parent / str(excl["file"])).resolve()
    draw = sections["draw"]
    for key in ("mode", "count", "class_source"):
        if key in draw:
            raw[key] = draw[key]
    examples = {"ratios": '写作 ratios = { A = "0.01" }', "weights": '写作 weights = { D = "8" }',
                "min": "写作 min = { D = 5 }", "max": "写作 max = { A = 20 }"}  # fmt: skip
    for key, field in (("ratios", "ratios"), ("weights", "weights"), ("min", "minimum"), ("max", "maximum")):
        if key in draw:
            pairs = table(f"[draw] {key}", draw[key], examples[key])
            raw[field] = {class_key(str(k)): str(v) for k, v in pairs.items()}
    if problems and not collect:
        raise UsageError(f"任务文件 {path} 有误，未创建任务：\n" + "\n".join(f"  - {p}" for p in problems))
    return raw


def create_task(
    session: Session,
    settings: Settings,
    raw: dict[str, Any],
    now: dt.datetime | None = None,
    *,
    source: Path | None = None,
    file_problems: Sequence[str] = (),
) -> Task:
    """Check the parameters (including those that depend on today's pool) and store the task.

    ``raw``: the values of the command line or of a task file (:func:`read_task_file`, whose
    ``file_problems`` are listed with the parameters' own, naming the file ``source``). A task whose
    pool is empty, or smaller than its count, is refused here already, so nothing is recorded for a
    task that could never be drawn.
    """
    now = now or clock.now()
    raw = dict(raw)
    exclude_file = raw.pop("exclude_file", None)
    if exclude_file is not None:
        raw["exclude"] = [e.model_dump() for e in read_exclusions(Path(exclude_file), settings.risk_classes)]
    spec = build_spec(raw, settings, known_items(session), file_problems=file_problems, task_file=source)
    if spec.class_model is not None and not _has_model_classes(session, spec.class_model):
        raise UsageError(
            f"模型 {spec.class_model} 还没有计算过分类，不能作为分类来源（先运行 creditcli risk classify）"
        )
    if session.scalar(select(Task.id).where(Task.code == spec.code)) is not None:
        raise UsageError(f"任务编号 {spec.code} 已存在")
    task = Task(
        code=spec.code,
        name=spec.name,
        spec=spec.model_dump_json(),
        status=lifecycle.PENDING,
        window_start=spec.window_start,
        window_end=spec.window_end,
        created_by=clock.operator(),
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    session.flush()
    ep = eligible(session, task, spec, now)
    check_pool(task, ep)
    check_drawable(spec, ep.pool)
    return task


def _has_model_classes(session: Session, model: str) -> bool:
    return session.scalars(select(ModelClass.id).where(ModelClass.model == model).limit(1)).first() is not None


def known_items(session: Session) -> set[str]:
    return set(session.scalars(select(Item.code)))


def get_task(session: Session, code: str) -> Task:
    """The task named ``code`` as typed, or with full-width digits and letters made half-width."""
    from creditcli.io.text import fold_task_code

    task = session.scalar(select(Task).where(Task.code == code))
    if task is None and fold_task_code(code) != code:
        task = session.scalar(select(Task).where(Task.code == fold_task_code(code)))
    if task is None:
        raise InputMissingError(f"没有编号为 {code} 的抽查任务（用 creditcli tasks list 查看已有任务）")
    return task


def spec_of(task: Task) -> TaskSpec:
    return parse_spec(task.code, task.spec)


def next_seq(session: Session, column: Any, task: Task) -> int:
    """The next number of a task's freezes, draws or assignments (``column``: their ``seq``)."""
    table = column.class_
    return (session.scalar(select(func.max(column)).where(table.task_id == task.id)) or 0) + 1
