"""Numbers have documented bounds and files a bureau writes are checked like task files (issue 14 §3):
task parameters (command line and task file), integer options, the configuration, risk model, rules and
calendar files. Every refusal has its exit code and exact message, and the database is left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ENTITY_HEADER, INSPECTOR_HEADER, Cli, entity_rows, inspector_rows, write_csv
from creditcli.credit.riskmodel import default_model_path

WINDOW = "2026-03-01:2026-06-30"
TASK_REFUSED = "错误：任务参数有误，未创建任务：\n"


# ---- task parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (["--ratio", "A=1e-400"], "--ratio A=1e-400：比例最多 10 位小数"),
        (["--ratio", "A=0.00000000001"], "--ratio A=0.00000000001：比例最多 10 位小数"),
        (["--ratio", "A=inf"], "--ratio A “inf” 不是数字"),
        (["--ratio", "A=nan"], "--ratio A “nan” 不是数字"),
        (["--ratio", "A=2"], "--ratio A=2：比例应在 0 到 1 之间"),
        (["--min", "D=99999999999"], "--min D=99999999999：应为 0 到 1000000000 之间的整数"),
        (["--max", "D=-1"], "--max D=-1：应为 0 到 1000000000 之间的整数"),
        (["--team-size", "99999999999"], "--team-size 99999999999：检查组最多 50 名执法人员"),
        (["--team-size", "-3"], "--team-size -3：检查组至少 2 名执法人员（行政处罚法第四十二条）"),
        (
            ["--exclude-drawn-within", "99999999999"],
            "--exclude-drawn-within（任务文件中 drawn_within_months） 99999999999：应为 1 到 1200 之间的整数",
        ),
        (
            ["--exclude-drawn-within", "0"],
            "--exclude-drawn-within（任务文件中 drawn_within_months） 0：应为 1 到 1200 之间的整数",
        ),
    ],
)
def test_stratified_parameters_out_of_bounds(cli: Cli, roster: None, extra: list[str], problem: str) -> None:
    cli.refused(
        ["tasks", "create", "T1", "--name", "x", "--window", WINDOW, *extra], 2, f"{TASK_REFUSED}  - {problem}\n"
    )


WEIGHT_RULE = "权重应在 0.000001 到 1000000 之间，最多 6 位小数"


@pytest.mark.parametrize(
    ("weights", "count", "problems"),
    [
        (
            ["A=1e308", "B=1e-308", "C=1", "D=1"],
            "5",
            [f"--weight A=1e308：{WEIGHT_RULE}", f"--weight B=1e-308：{WEIGHT_RULE}"],
        ),
        (["A=1.0000001", "B=1", "C=1", "D=1000001"], "5", [f"--weight A=1.0000001：{WEIGHT_RULE}",
                                                          f"--weight D=1000001：{WEIGHT_RULE}"]),
        (["A=1", "B=1", "C=1", "D=1"], "99999999999", ["--count 99999999999：应为 1 到 1000000000 之间的整数"]),
        (["A=1", "B=1", "C=1", "D=1"], "0", ["--count 0：应为 1 到 1000000000 之间的整数"]),
    ],
)  # fmt: skip
def test_weighted_parameters_out_of_bounds(
    cli: Cli, roster: None, weights: list[str], count: str, problems: list[str]
) -> None:
    args: list[str | Path] = ["tasks", "create", "W1", "--name", "x", "--window", WINDOW, "--mode", "weighted"]
    args += ["--count", count] + [a for w in weights for a in ("--weight", w)]
    cli.refused(args, 2, TASK_REFUSED + "".join(f"  - {p}\n" for p in problems))


def test_weights_at_the_bounds_are_drawn(cli: Cli, roster: None) -> None:
    cli.ok("tasks", "create", "W1", "--name", "x", "--window", WINDOW, "--mode", "weighted", "--count", "2",
           "--weight", "A=0.000001", "--weight", "B=1000000", "--weight", "C=1", "--weight", "D=1")  # fmt: skip
    cli.ok("tasks", "draw", "W1", "--seed", "20261127000000000042")
    cli.ok("tasks", "verify", "W1")


def test_task_file_with_overflowing_months_and_unknown_keys(cli: Cli, roster: None, tmp_path: Path) -> None:
    path = tmp_path / "task.toml"
    path.write_text(
        'code = "T1"\nname = "x"\nwindow = "2026-03-01:2026-06-30"\n[exclusions]\ndrawn_within_months = 99999999999\n',
        encoding="utf-8",
    )
    cli.refused(
        ["tasks", "create", "--from", path],
        2,
        f"{TASK_REFUSED}  - --exclude-drawn-within（任务文件中 drawn_within_months） 99999999999："
        "应为 1 到 1200 之间的整数\n",
    )
    path.write_text(
        'code = "T1"\nname = "x"\nwindow = "2026-03-01:2026-06-30"\nmode = "weighted"\nitems = "SJ01"\n'
        '[exclusions]\ninactive = "no"\n[draw]\nratio = { A = "0.5" }\nweights = "1"\n',
        encoding="utf-8",
    )
    cli.refused(
        ["tasks", "create", "--from", path],
        2,
        f"错误：任务文件 {path} 有误，未创建任务：\n"
        "  - 未知的键 mode（应写在 [draw] 中）（可用：code、name、plan_code、plan_name、task_type、items、organiser、"
        "implementer、authority、window、team_size、scope、pool、exclusions、draw）\n"
        "  - [draw] 中未知的键 ratio（是否应为 ratios？）"
        "（可用：mode、count、class_source、ratios、weights、min、max）\n"
        '  - items 应为列表，如 items = ["SJ01"]\n'
        "  - [exclusions] inactive 应为 true 或 false\n"
        '  - [draw] weights 应为表：写作 weights = { D = "8" }\n',
    )


# ---- integer options ---------------------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "list", "--limit", HUGE], f"--limit {HUGE} 超出范围：应为 0 到 1000000000 之间的整数"),
        (["audit", "list", "--limit", "-5"], "--limit -5 超出范围：应为 0 到 1000000000 之间的整数"),
        (["entities", "list", "-n", HUGE], f"--limit {HUGE} 超出范围：应为 0 到 1000000000 之间的整数"),
        (["inspectors", "list", "-n", "-1"], "--limit -1 超出范围：应为 0 到 1000000000 之间的整数"),
        (["items", "list", "-n", HUGE], f"--limit {HUGE} 超出范围：应为 0 到 1000000000 之间的整数"),
        (["report", "coverage", "--year", "99999999999"], "--year 99999999999 超出范围：应为 1 到 9999 之间的整数"),
        (["report", "coverage", "--year", "0"], "--year 0 超出范围：应为 1 到 9999 之间的整数"),
        (["tasks", "verify", "T1", "--seq", HUGE], f"--seq {HUGE} 超出范围：应为 1 到 1000000000 之间的整数"),
        (["tasks", "verify", "T1", "--seq", "0"], "--seq 0 超出范围：应为 1 到 1000000000 之间的整数"),
        (["tasks", "certificate", "T1", "-o", "c.json", "--seq", "99999999999"],
         "--seq 99999999999 超出范围：应为 1 到 1000000000 之间的整数"),
        (["tasks", "assign", "T1", "--experts", "99999999999"],
         "--experts 99999999999 超出范围：应为 0 到 50 之间的整数"),
        (["tasks", "assign", "T1", "--max-per-inspector", HUGE],
         f"--max-per-inspector {HUGE} 超出范围：应为 1 到 1000000000 之间的整数"),
    ],
)  # fmt: skip
def test_integer_options_out_of_range(
    cli: Cli, roster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, inspector_rows()))
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", WINDOW, "--ratio", "A=1", "--ratio", "D=1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.refused(list(args), 2, f"错误：{message}\n")
    assert not (tmp_path / "c.json").exists()


# ---- configuration -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('default_ratios = { A = "2", B = 0.1, C = "-1" }',
         "default_ratios.A = \"2\"：比例应在 0 到 1 之间；default_ratios.C = \"-1\"：比例应在 0 到 1 之间"),
        ("default_ratios = { A = inf, B = nan }",
         'default_ratios.A = inf：不是数字（比例写作 "0.03"）；default_ratios.B = nan：不是数字（比例写作 "0.03"）'),
        ('default_ratios = { X = "0.1", A = "1e-20", B = true }',
         'default_ratios.X = "0.1"：“X” 不是 risk_classes 中的分类（A、B、C、D、未分类）；'
         'default_ratios.A = "1e-20"：比例最多 10 位小数；default_ratios.B = true：不是数字（比例写作 "0.03"）'),
        ("default_ratios = 0.1", 'default_ratios 应为表，如 default_ratios = { A = "0.01", B = "0.03" }'),
        ('risk_classes = ["A,B", "C"]', "risk_classes: 风险分类 “A,B” 无效：只能用字母、数字或汉字，最多 8 个字符"),
        ('risk_classes = ["A"]\nrules = "x"',
         "rules: 未知的键（是否应为 rules_file？可用：db、risk_classes、default_ratios、calendar_file、rules_file、"
         "authority、operator、draw_algorithm）"),
    ],
)  # fmt: skip
def test_configuration_is_checked_like_a_task(
    cli: Cli, roster: None, tmp_path: Path, config: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config + "\n", encoding="utf-8")
    cli.refused(
        ["--config", path, "tasks", "create", "T1", "--name", "x", "--window", WINDOW],
        78,
        f"错误：配置文件 {path} 有误：{message}\n",
    )


def test_configured_ratios_within_bounds_are_copied_into_the_task(cli: Cli, roster: None, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('default_ratios = { A = 1, B = 0.5, C = "0.25", D = "0.0000000001", "未分类" = 0 }\n', "utf-8")
    shown = json.loads(cli.ok("--config", path, "tasks", "create", "T1", "--name", "x", "--window", WINDOW,
                              "-f", "json").stdout)  # fmt: skip
    assert shown["parameters"]["ratios"] == {"": "0", "A": "1", "B": "0.5", "C": "0.25", "D": "1E-10"}


# ---- risk model, rules and calendar files ------------------------------------------------------------


def test_model_numbers_must_be_finite_and_within_bounds(cli: Cli, roster: None, tmp_path: Path) -> None:
    text = default_model_path().read_text(encoding="utf-8")
    for old, new in [
        ("points = 15                       # 每件 15 分", "points = nan"),
        ("max_points = 45                   # 最多 45 分", "max_points = inf"),
        ("points = 20                       # 在上一项之外每件再加 20 分", "points = -20"),
        ("months = 24\npoints = 10\nmax_points = 30", "months = 99999999999\npoints = 10\nmax_points = 30"),
        ("bands = { A = 0, B = 10, C = 30, D = 60 }", "bands = { A = 0, B = 10, C = 30, D = 1e400 }"),
        ('points = 60\n\n[[general.indicators]]\nid = "negative_results"',
         'points = true\n\n[[general.indicators]]\nid = "negative_results"'),
    ]:  # fmt: skip
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "model.toml"
    path.write_text(text, encoding="utf-8")
    number = "应为 0 到 1000000000 之间的数，而不是"
    cli.refused(
        ["risk", "classify", "--model", path],
        78,
        f"错误：模型文件 {path} 有误：general.indicators.0.points: {number} nan；"
        f"general.indicators.0.max_points: {number} inf；general.indicators.1.points: {number} -20；"
        "general.indicators.4.points: 应为数，而不是 true；"
        "general.indicators.5.months: 应为 1 到 1200 之间的整数（月数），而不是 99999999999；"
        f"general.bands.D: {number} inf\n",
    )


def test_rules_numbers_and_tiers_are_checked(cli: Cli, roster: None, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[penalty_publicity]\nshort_months = 99999999999\nlong_years = -1\nfoo = 1\n"
        '[repair]\nresult_tiers = { "8" = "极严重" }\n',
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(f"rules_file = '{rules}'\n", encoding="utf-8")
    cli.refused(
        ["--config", config, "penalties", "list"],
        78,
        f"错误：规则文件 {rules} 有误："
        "penalty_publicity.short_months: 应为 0 到 1200 之间的整数（月），而不是 99999999999；"
        "penalty_publicity.long_years: 应为 0 到 100 之间的整数（年），而不是 -1；"
        "penalty_publicity.foo: 未知的键（可用：publish_within_workdays、withdraw_within_workdays、"
        "published_procedures、not_published_kinds、short_kinds、"
        "short_months、long_years、minimum_years、fine_threshold_person、fine_threshold_organisation、"
        "no_early_stop_kinds）；"
        'repair.result_tiers.8: 应为 轻微、一般、严重 之一，而不是 "极严重"\n',
    )
    rules.write_text("[repair]\nmoderate_apply_months = 24\n[serious_list]\nearly_removal_years = 5\n", "utf-8")
    cli.refused(
        ["--config", config, "lists", "list"],
        78,
        f"错误：规则文件 {rules} 有误：serious_list: early_removal_years（5）不能大于 automatic_removal_years（3）；"
        "repair: moderate_apply_months（24）不能大于 moderate_max_months（12）\n",
    )


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        ("[99999999999]\nholidays = []\n", "[99999999999] 应为四位数的年份，如 [2027]"),
        ('[2031]\nholiday = ["2031-01-01"]\n', "[2031] 中有未知的键 holiday（可用：holidays、workdays）"),
        ('[2031]\nholidays = "2031-01-01"\n', '[2031] holidays 应为日期列表，如 holidays = ["2031-01-01"]'),
    ],
)
def test_calendar_file_keys_and_years(cli: Cli, roster: None, tmp_path: Path, calendar: str, message: str) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(calendar, encoding="utf-8")
    cli.refused(["deadlines", "--calendar", path], 78, f"错误：本地日历文件 {path}：{message}\n")


# ---- an inspector file without 人员类别 ------------------------------------------------------------------


def test_inspector_update_without_kind_column(cli: Cli, tmp_path: Path) -> None:
    """Updating known people needs no 人员类别 (it stays as stored); new people get 执法人员 and need an expiry."""
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", INSPECTOR_HEADER, inspector_rows()))
    update = write_csv(tmp_path / "u.csv", ["执法证号", "执法证有效期至"], [["37010001", "2029-12-31"]])
    summary = json.loads(cli.ok("inspectors", "import", update, "-f", "json").stdout)
    assert (summary["updated"], summary["inserted"]) == (1, 0)
    ((kind, expiry),) = cli.query("SELECT kind, cert_expiry FROM inspectors WHERE code = '37010001'")
    assert (kind, str(expiry)) == ("执法人员", "2029-12-31")
    new = write_csv(tmp_path / "n.csv", ["执法证号", "姓名"], [["37010009", "赵六"]])
    cli.refused(
        ["inspectors", "import", new],
        65,
        f"错误：{new}: 发现 1 处问题，未导入任何数据\n  第 2 行 “执法证有效期至”: 执法人员须填写执法证有效期\n",
    )


# ---- dates that reach date arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize("window", ["2026-03-01:9999-12-31", "1999-12-31:2026-06-30"])
def test_window_beyond_the_bounds_is_refused(cli: Cli, roster: None, window: str) -> None:
    start, end = window.split(":")
    cli.refused(
        ["tasks", "create", "T1", "--name", "x", "--window", window],
        2,
        f"{TASK_REFUSED}  - 检查时间 {start}:{end} 超出范围：应在 2000-01-01 到 2099-12-31 之间\n",
    )


def test_a_window_stored_before_the_bounds_gets_an_answer_from_deadlines(cli: Cli, roster: None) -> None:
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", WINDOW)
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    cli.execute("UPDATE tasks SET window_end = '9999-12-31'")
    listed = cli("deadlines", "--today", "2026-07-01", "-f", "json")  # marked like a missing calendar year
    assert (listed.exit_code, json.loads(listed.stdout)["rows"][0]["note"]) == (0, "超出可计算的日期")
    cli.refused(
        ["-q", "deadlines", "--today", "2026-07-01", "--fail-if-unknown"],
        78,
        "错误：1 个任务的期限无法计算（超出可计算的日期）：T1；"
        "9999-12-31 之后第 20 个工作日超出了可以计算的日期（9999-12-31 为止）\n",
    )


def test_classification_date_before_2000_is_refused(cli: Cli, roster: None) -> None:
    cli.refused(
        ["risk", "classify", "--as-of", "0001-01-01"],
        2,
        "错误：--as-of 0001-01-01 早于 2000-01-01：分类基准日不能早于 2000-01-01\n",
    )


def test_a_stored_task_with_a_ratio_beyond_the_bounds_is_not_drawn(cli: Cli, roster: None) -> None:
    """A task created while the configuration could hold a ratio of 2 (it drew -2578 entities) is refused."""
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", WINDOW)
    (spec,) = cli.query("SELECT spec FROM tasks")[0]
    ratios = {"A": "2", "B": "0.03", "C": "-1", "D": "0.30"}
    cli.execute("UPDATE tasks SET spec = :s", s=json.dumps(json.loads(spec) | {"ratios": ratios}))
    cli.refused(
        ["tasks", "draw", "T1", "--seed", "20261127000000000042"],
        2,
        "错误：任务 T1 的抽取参数超出现在允许的范围（任务创建于这些范围之前），不能抽取：\n"
        "  - --ratio A=2：比例应在 0 到 1 之间\n  - --ratio C=-1：比例应在 0 到 1 之间\n"
        "请按现在的范围新建任务（docs/tasks.md）\n",
    )


# ---- parser and pydantic texts in Chinese (findings 28) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('code = "T1"\nname = "x"\nwindow 2026\n', "第 3 行第 8 列：键的后面应有 “=”（键 = 值）"),
        ('code = "T1"\nname = x\n', '第 2 行第 8 列：值无效（文字须加双引号，如 name = "抽查"）'),
        ('code = "T1\nname = "x"\n', "第 1 行第 11 列：字符串没有结束（缺少引号；字符串中不能换行）"),
        ('code = "T1"\ncode = "T2"\n', "第 2 行第 12 列：重复给出了同一个值"),
        ('[draw\nmode = "x"\n', "第 1 行第 6 列：表头的末尾应有 “]”"),
        ('code = "T1"\n[draw]\nratios = { A = "0.1"\n', "第 3 行第 21 列：内联表没有闭合（缺少 “}”）"),
        ('code = "T1"\nname = "x"\ncode', "文件末尾：键的后面应有 “=”（键 = 值）"),
    ],
)  # fmt: skip
def test_a_task_file_toml_error_is_told_in_chinese_with_its_place(
    cli: Cli, roster: None, tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "task.toml"
    path.write_text(text, encoding="utf-8")
    cli.refused(["tasks", "create", "--from", path], 2, f"错误：任务文件 {path} 无法解析：{reason}\n")


def test_configuration_model_rules_calendar_and_mapping_errors_are_chinese(
    cli: Cli, roster: None, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[repair]\nresult_tiers = { "8" = 一般 }\n', encoding="utf-8")
    where = '第 2 行第 24 列：值无效（文字须加双引号，如 name = "抽查"）'
    cli.refused(["--config", bad, "tasks", "list"], 78, f"错误：配置文件 {bad} 无法解析：{where}\n")
    cli.refused(["risk", "classify", "--model", bad], 78, f"错误：模型文件 {bad} 无法解析：{where}\n")
    config = tmp_path / "config.toml"
    config.write_text(f"rules_file = '{bad}'\n", encoding="utf-8")
    cli.refused(["--config", config, "lists", "list"], 78, f"错误：规则文件 {bad} 无法解析：{where}\n")
    cli.refused(["deadlines", "--calendar", bad], 78, f"错误：本地日历文件 {bad} 无法解析：{where}\n")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('name = "抽查"\n'.encode("gbk"))
    cli.refused(
        ["risk", "classify", "--model", gbk],
        78,
        f"错误：模型文件 {gbk} 无法解析：不是 UTF-8 编码（第 9 字节附近）；请另存为 UTF-8 编码的文本文件\n",
    )
    mapping = tmp_path / "m.json"
    mapping.write_text('{"纳税人识别号": }', encoding="utf-8")
    entities = write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows())
    cli.refused(
        ["entities", "import", entities, "--mapping", mapping],
        2,
        f"错误：列映射文件 {mapping} 无法解析：第 1 行第 12 列：此处应有一个值\n",
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('risk_classes = "ABCD"', 'risk_classes: 应为列表，而不是 "ABCD"'),
        ("calendar_file = 5", "calendar_file: 应为文件路径（加引号的文字），而不是 5"),
        ("risk_classes = []", "risk_classes: 至少应有 1 项"),
    ],
)
def test_pydantic_reasons_are_chinese(cli: Cli, roster: None, tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config + "\n", encoding="utf-8")
    cli.refused(["--config", path, "tasks", "list"], 78, f"错误：配置文件 {path} 有误：{message}\n")
