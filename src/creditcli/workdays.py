"""Working days with the official holiday calendar, 调休 working weekends included.

The years the ``chinesecalendar`` package covers come from it; a bureau adds later years (the
State Council publishes each year's arrangement in the autumn before) in a local TOML file:

    # 国务院办公厅关于2027年部分节假日安排的通知
    [2027]
    holidays = ["2027-01-01", "2027-02-06"]   # days off, weekdays included
    workdays = ["2027-02-14"]                 # 调休: weekend days that are working days

A year in the local file is counted from it alone (weekends off, unless listed as workdays).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from creditcli.errors import CalendarGap, ConfigError


class WorkCalendar:
    def __init__(self, local: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] | None = None) -> None:
        self.local = local or {}
        """year -> (holidays, working weekend days)."""
        self._known: dict[dt.date, bool] = {}
        self._added: dict[tuple[dt.date, int], dt.date] = {}
        """Answers so far: the package scans its whole table on every call (30 µs a day)."""

    def is_workday(self, day: dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        if day.year in self.local:
            holidays, workdays = self.local[day.year]
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarGap(
                f"{day.year} 年的节假日安排不在日历数据中：请在本地日历文件中补充该年"
                "（配置项 calendar_file 或 --calendar，格式见 docs/results.md）",
                day.year,
            ) from None

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (start itself not counted)."""
        known = self._added.get((start, count))
        if known is not None:
            return known
        day, left = start, count
        while left > 0:
            if day == dt.date.max:  # a task window stored before its bounds (draw.tasks.WINDOW_LAST)
                raise CalendarGap(f"{start} 之后第 {count} 个工作日超出了可以计算的日期（{dt.date.max} 为止）")
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        self._added[start, count] = day
        return day

    def workdays_left(self, today: dt.date, due: dt.date) -> int:
        """Working days after ``today`` up to and including ``due``; negative: working days overdue."""
        if due >= today:
            return sum(self.is_workday(today + dt.timedelta(days=n)) for n in range(1, (due - today).days + 1))
        return -sum(self.is_workday(due + dt.timedelta(days=n)) for n in range(1, (today - due).days + 1))


def load_calendar(path: Path | None) -> WorkCalendar:
    if path is None:
        return WorkCalendar()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"本地日历文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"本地日历文件 {path} 无法解析：{exc}") from exc
    local: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}
    for year_text, entry in raw.items():
        if not re.fullmatch(r"[0-9]{4}", year_text) or not isinstance(entry, dict):
            raise ConfigError(f"本地日历文件 {path}：[{year_text}] 应为四位数的年份，如 [2027]")
        year = int(year_text)
        unknown = [k for k in entry if k not in ("holidays", "workdays")]
        if unknown:
            names = "、".join(unknown)
            raise ConfigError(f"本地日历文件 {path}：[{year}] 中有未知的键 {names}（可用：holidays、workdays）")
        days: list[frozenset[dt.date]] = []
        for key in ("holidays", "workdays"):
            values = []
            listed = entry.get(key, [])
            if not isinstance(listed, list):
                raise ConfigError(f'本地日历文件 {path}：[{year}] {key} 应为日期列表，如 {key} = ["{year}-01-01"]')
            for text in listed:
                try:
                    day = dt.date.fromisoformat(str(text))
                except ValueError:
                    raise ConfigError(
                        f"本地日历文件 {path}：[{year}] {key} 中的 {text} 不是日期（YYYY-MM-DD）"
                    ) from None
                if day.year != year:
                    raise ConfigError(f"本地日历文件 {path}：{text} 不属于 [{year}]")
                values.append(day)
            days.append(frozenset(values))
        local[year] = (days[0], days[1])
    return WorkCalendar(local)
