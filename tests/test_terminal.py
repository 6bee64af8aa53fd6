"""A terminal that speaks Chinese at any width (issue 17 §3): help screens and usage errors of every
command in Chinese, no English boilerplate of Typer/Click, help that wraps instead of being cut."""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import ENTITY_HEADER, TEAM_INSPECTOR_HEADER, U1, U2, U4, Cli, entity_rows, uscc, write_csv
from creditcli.cli.app import Root, app
from creditcli.cli.groups import _name
from creditcli.cli.render import shown_value

ENGLISH = [
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[required]",
    "[default",
    "env var",
    "<bool>",
    "<int>",
    "<str>",
    "<float>",
    "<Path>",
    "list[",
    "completion for the current shell",
]


def every_command() -> list[list[str]]:
    """Every command path of creditcli: the root, each group, each command of each group."""
    paths: list[list[str]] = [[], ["deadlines"], ["demo"]]
    for noun in Root.NOUNS:
        paths.append([noun])
        typer_app = importlib.import_module(f"creditcli.cli.{noun}").app
        paths.extend([noun, _name(info)] for info in typer_app.registered_commands)
    return paths


COMMANDS = every_command()


def help_text(args: list[str], columns: int) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_walk_finds_every_command() -> None:
    """A walk that missed the groups could not fail."""
    assert len(COMMANDS) > 60
    assert ["tasks", "draw"] in COMMANDS and ["entities", "list"] in COMMANDS and ["risk"] in COMMANDS


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_every_help_screen_is_chinese(columns: int) -> None:
    for args in COMMANDS:
        text = help_text(args, columns)
        found = [word for word in ENGLISH if word in text]
        assert found == [], (args, columns, text)
        assert "用法：creditcli" in text, (args, text)
        assert "─ 选项 ─" in text and "显示此帮助" in text, (args, text)
        widest = max(len(line) for line in text.splitlines())
        assert widest <= columns, (args, columns)


@pytest.mark.parametrize("columns", [80, 100])
def test_help_wraps_and_is_never_cut(columns: int) -> None:
    """Chinese has no spaces to wrap at: rich cut such sentences with "…" where the column ended."""
    for args in COMMANDS:
        text = help_text(args, columns)
        assert "…" not in text, (args, columns, text)
    text = help_text([], 100)
    assert "另一进程正在修改数据库时最多等待的秒数" in text and "退出码 75" in text  # --wait, once cut


def test_flags_and_counters_carry_no_type_label() -> None:
    text = help_text([], 100)
    line = next(line for line in text.splitlines() if "--verbose" in line)
    assert re.search(r"--verbose\s+-v\s+显示更多过程信息", line), line
    line = next(line for line in help_text(["entities", "import"], 100).splitlines() if "--dry-run" in line)
    assert re.search(r"--dry-run\s+只检查并报告", line), line
    text = help_text(["tasks", "create"], 100)
    assert re.search(r"--team-size\s+<整数>", text) and re.search(r"--ratio\s+<文本\.\.\.>", text), text


def test_usage_line_and_panels() -> None:
    text = help_text(["tasks", "show"], 100)
    assert "用法：creditcli tasks show [选项] CODE" in text
    assert "─ 参数 ─" in text and "─ 选项 ─" in text and "[必填]" in text
    text = help_text(["tasks"], 100)
    assert "用法：creditcli tasks [选项] 命令 [参数]..." in text and "─ 命令 ─" in text


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["taks"],
            "错误：没有命令 taks；是不是要用 tasks？\n用法：creditcli [选项] 命令 [参数]...\n"
            "查看帮助：creditcli --help\n",
        ),
        (
            ["tasks", "lst"],
            "错误：没有命令 lst；是不是要用 list？\n"
            "用法：creditcli tasks [选项] 命令 [参数]...\n查看帮助：creditcli tasks --help\n",
        ),
        (
            ["entities", "list", "--limt", "3"],
            "错误：没有选项 --limt；是不是要用 --limit？\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["tasks", "proof", "T1", "x", "-o", ""],  # "" is no path (Typer would take it for ".")
            "错误：--output/-o 的值无效：不能为空：请写出文件或目录的路径\n"
            "用法：creditcli tasks proof [选项] CODE USCC\n查看帮助：creditcli tasks proof --help\n",
        ),
        (
            ["entities", "list", "--limit", "2.0"],  # whole numbers as digits only, as in files
            "错误：--limit/-n 的值无效：应为整数\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["tasks", "list", "--db", "x.db"],  # a global option written after the command
            "错误：--db 是全局选项，须紧跟在 creditcli 之后、写在命令之前\n"
            "用法：creditcli tasks list [选项]\n查看帮助：creditcli tasks list --help\n",
        ),
        (
            ["tasks", "list", "--bogus"],
            "错误：没有选项 --bogus\n用法：creditcli tasks list [选项]\n查看帮助：creditcli tasks list --help\n",
        ),
        (
            ["tasks", "show"],
            "错误：缺少参数 CODE（任务编号）\n"
            "用法：creditcli tasks show [选项] CODE\n查看帮助：creditcli tasks show --help\n",
        ),
        (
            ["entities", "list", "-n", "abc"],
            "错误：--limit/-n 的值无效：应为整数\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["entities", "list", "-f", "xml"],
            "错误：--format/-f 的值无效：xml 不是可选的值（可选：table、csv、json）\n"
            "用法：creditcli entities list [选项]\n查看帮助：creditcli entities list --help\n",
        ),
        (
            ["tasks", "list", "extra"],
            "错误：多余的参数：extra\n用法：creditcli tasks list [选项]\n查看帮助：creditcli tasks list --help\n",
        ),
        (["tasks", "list", "--format"], "错误：选项 --format 需要一个值\n"),
        (["--wait", "soon", "tasks", "list"], None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_usage_errors_in_chinese(args: list[str], message: str | None) -> None:
    code, stdout, stderr = run(*args)
    assert code == 2 and stdout == ""
    if message is not None:
        assert stderr == message
    first = stderr.splitlines()[0]
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", first), stderr  # no English sentence
    assert "Usage" not in stderr and "Error" not in stderr and "Try" not in stderr


# -f csv and -f json are never cut (issue 17 §3) -------------------------------------------------------


@pytest.fixture
def sixty(cli: Cli, tmp_path: Path) -> list[str]:
    """A roster of 60 entities: more than a terminal table shows."""
    codes = [uscc(f"91370112MA3D{i:05d}") for i in range(60)]
    rows = [
        [c, f"测试{i:02d}有限公司", "企业", "2020-01-05", "华山市场监管所", "C1391", "存续", "A"]
        for i, c in enumerate(codes)
    ]
    cli.ok("entities", "import", write_csv(tmp_path / "sixty.csv", ENTITY_HEADER, rows))
    return sorted(codes)


def test_csv_and_json_lists_are_whole(cli: Cli, sixty: list[str]) -> None:
    out = cli.ok("entities", "list", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert [r[0] for r in rows[1:]] == sixty and out.stderr == ""
    data = json.loads(cli.ok("entities", "list", "-f", "json").stdout)
    assert len(data["rows"]) == 60
    out = cli.ok("-f", "csv", "entities", "list")  # the global format as well
    assert len(list(csv.reader(io.StringIO(out.stdout)))) == 61


def test_terminal_table_shows_fifty_and_says_so(cli: Cli, sixty: list[str]) -> None:
    out = cli.ok("entities", "list", "--wide")
    assert sixty[49] in out.stdout and sixty[50] not in out.stdout
    assert out.stderr == "仅显示前 50 条，共 60 条（-n 0 显示全部）\n"
    out = cli.ok("entities", "list", "-n", "0", "--wide")
    assert sixty[59] in out.stdout and out.stderr == ""
    out = cli.ok("entities", "list", "--class", "A", "-n", "0", "--wide")
    assert sixty[59] in out.stdout and out.stderr == ""


def test_an_explicit_limit_holds_for_every_format(cli: Cli, sixty: list[str]) -> None:
    out = cli.ok("entities", "list", "-n", "5", "-f", "csv")
    assert [r[0] for r in list(csv.reader(io.StringIO(out.stdout)))[1:]] == sixty[:5]
    out = cli.ok("entities", "list", "-n", "5")
    assert sixty[4] in out.stdout and sixty[5] not in out.stdout
    assert out.stderr == "终端宽度不够，未显示：标签（加 --wide 显示全部列）\n"  # asked for five: no count
    assert cli.ok("inspectors", "list", "-f", "csv").stdout.count("\n") == 1  # the header: no inspectors yet


# Identifiers never break; at 80 columns every list is readable ---------------------------------------


def lines_with(text: str, value: str) -> list[str]:
    return [line for line in text.splitlines() if value in line]


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_identifiers_are_never_wrapped(cli: Cli, sixty: list[str], columns: int) -> None:
    result = cli.runner.invoke(app, ["--db", cli.db, "entities", "list", "-n", "3"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    for code in sixty[:3]:
        assert len(lines_with(result.stdout, code)) == 1, result.stdout  # whole, on one line
    assert max(len(line) for line in result.stdout.splitlines()) <= columns
    cli.ok("tasks", "create", "T-2026-0001", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    result = cli.runner.invoke(app, ["--db", cli.db, "tasks", "list"], env={"COLUMNS": str(columns)})
    assert (
        len(lines_with(result.stdout, "T-2026-0001")) == 1
        and len(lines_with(result.stdout, "2026-03-01:2026-06-30")) == 1
    )


def test_narrow_terminal_drops_columns_in_order_and_wide_shows_all(cli: Cli, sixty: list[str]) -> None:
    def run(columns: int, *extra: str) -> Result:
        return cli.runner.invoke(
            app, ["--db", cli.db, "entities", "list", "-n", "1", *extra], env={"COLUMNS": str(columns)}
        )

    assert run(100).stderr == ""
    assert "标签" in run(100).stdout
    assert run(80).stderr == "终端宽度不够，未显示：标签（加 --wide 显示全部列）\n"
    assert run(60).stderr == "终端宽度不够，未显示：主体类型、管辖单位、行业代码、标签（加 --wide 显示全部列）\n"
    wide = run(60, "--wide")
    assert wide.stderr == "" and wide.stdout.splitlines()[0].count("┳") == 7  # eight columns
    assert run(60, "-f", "csv").stdout.splitlines()[0].count(",") == 7  # CSV: every column, whatever the width


# No raw internal value on the terminal; JSON keeps the machine values ----------------------------------


def test_task_parameters_shown_in_chinese_and_kept_in_json(cli: Cli, sixty: list[str]) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    shown = wide_run(cli, "tasks", "show", "T1").stdout
    assert re.search(r"抽取方式\s+按分类比例抽取", shown) and re.search(r"分类来源\s+导入的分类", shown), shown
    for raw in ("stratified", "imported", "None"):
        assert raw not in shown
    cli.ok(
        "tasks",
        "create",
        "T2",
        "--name",
        "抽查",
        "--window",
        "2026-03-01:2026-06-30",
        "--mode",
        "weighted",
        "--count",
        "3",
        *(f"--weight={c}=1" for c in "ABCD"),
    )
    assert re.search(r"抽取方式\s+按权重抽取", cli.ok("tasks", "show", "T2").stdout)
    data = json.loads(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    assert (data["mode"], data["class_source"]) == ("stratified", "imported")


@pytest.mark.parametrize(
    ("column", "raw", "label"),
    [
        ("mode", "stratified", "按分类比例抽取"),
        ("mode", "weighted", "按权重抽取"),
        ("class_source", "imported", "导入的分类"),
        ("class_source", "model:default@2026.1", "本局模型 default@2026.1"),
        ("source", "model:default@2026.1", "本局模型 default@2026.1"),
        ("method", "greedy+max-flow", "逐户按签号匹配，再以最大流均衡"),
        ("method", "max-flow", "最大流均衡分配"),
        ("kind", "penalty", "行政处罚"),
        ("kind", "list", "名单"),
        ("kind", "result", "抽查结果"),
        ("what", "plan", "抽查计划"),
        ("what", "results", "抽查结果"),
        ("frozen_at", "2026-11-30T08:47:36", "2026-11-30 08:47:36"),
        ("anything", None, ""),
        ("published", True, "是"),
        ("name", "imported", "imported"),  # a name that happens to be a machine word stays as it is
    ],
)
def test_machine_values_have_chinese_labels(column: str, raw: object, label: str) -> None:
    assert shown_value(column, raw) == label


# Accept what people type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "window",
    [
        "2026年10月8日:2026年11月20日",
        "2026年10月8日：2026年11月20日",
        "2026/10/8～2026/11/20",
        "20261008至20261120",
        "2026-10-08 : 2026-11-20",
        "2026.10.8~2026.11.20",
    ],
)
def test_windows_in_every_date_form(cli: Cli, sixty: list[str], window: str) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", window, "--ratio", "A=1")
    data = json.loads(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    assert data["window"] == "2026-10-08:2026-11-20"


def test_a_window_that_is_no_window_says_how_to_write_it(cli: Cli, sixty: list[str]) -> None:
    cli.refused(
        ["tasks", "create", "T1", "--name", "抽查", "--window", "2026年10月8日", "--ratio", "A=1"],
        2,
        "错误：检查时间 “2026年10月8日” 应写作 开始日期:结束日期，例如 2026-03-01:2026-06-30"
        "（日期写作 2023-01-05、2023/1/5、2023年1月5日、20230105）\n",
    )


def test_a_seed_typed_in_groups_is_refused_with_the_fix(cli: Cli, sixty: list[str]) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.refused(
        ["tasks", "draw", "T1", "--seed", "0738 2945 1187 6620 5531"],
        2,
        "错误：随机种子 “0738 2945 1187 6620 5531” 中有空格：种子按原样记录，请去掉空格后重新输入，"
        "即 --seed 07382945118766205531\n",
    )
    cli.ok("tasks", "draw", "T1", "--seed", "07382945118766205531")  # as the message says


def test_third_party_agency_alias(cli: Cli, tmp_path: Path) -> None:
    header = ["执法证号", "姓名", "人员类别", "所属监管所", "执法证有效期至", "状态"]
    rows = [["DSF001", "赵敏", "第三方机构", "", "", "在岗"]]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", header, rows))
    assert cli.query("SELECT code, kind FROM inspectors") == [("DSF001", "第三方机构人员")]


# See what happened -----------------------------------------------------------------------------------


def wide_run(cli: Cli, *args: str) -> Result:
    """``args`` on a terminal of 200 columns."""
    result = cli.runner.invoke(app, ["--db", cli.db, *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    return result


def test_draw_and_assign_end_with_where_to_look(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    people = [[f"3701000{i}", f"人员{i}", "执法人员", "华山市场监管所", "2027-12-31", "在岗"] for i in range(4)]
    cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", TEAM_INSPECTOR_HEADER, people))
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    draw = cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    # A database file other than the default is named; an address never (it may hold a password).
    c = "creditcli" if "://" in cli.db else f"creditcli --db {shlex.quote(cli.db)}"
    assert draw.stderr.endswith(
        f"查看抽中名单：{c} tasks show T1 --selected\n"
        f"下一步：匹配检查组 {c} tasks assign T1；出抽取证书 {c} tasks certificate T1 -o T1-抽取证书.json\n"
    ), draw.stderr
    assign = cli.ok("tasks", "assign", "T1")
    assert assign.stderr.endswith(
        f"查看各户检查组：{c} tasks show T1 --selected\n"
        f"导出检查计划：{c} tasks export T1 --what plan -o T1-检查计划.xlsx\n"
    ), assign.stderr
    quiet = cli("-q", "tasks", "draw", "T1", "--redraw", "--reason", "复核", "--seed", "20261127000000000043")
    assert quiet.exit_code == 0 and quiet.stderr == ""  # -q: data and errors only


def test_show_selected_lists_the_drawn_entities_with_their_teams(cli: Cli, assigned: dict[str, list[str]]) -> None:
    rows = list(csv.DictReader(io.StringIO(cli.ok("tasks", "show", "T1", "--selected", "-f", "csv").stdout)))
    assert sorted(r["统一社会信用代码"] for r in rows) == sorted([U1, U2, U4])
    by_code = {r["统一社会信用代码"]: r for r in rows}
    assert by_code[U1]["企业名称"] == "济南甲有限公司" and by_code[U1]["管辖单位"] == "华山市场监管所"
    assert by_code[U1]["检查组执法证号"] == "、".join(assigned[U1])
    assert by_code[U1]["检查组（组长在前）"] == "、".join(f"人员{c[-1]}" for c in assigned[U1])
    table = wide_run(cli, "tasks", "show", "T1", "--selected").stdout
    assert U4 in table and "济南丁专业合作社" in table


def test_show_selected_before_a_draw(cli: Cli, sixty: list[str]) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1")
    cli.refused(
        ["tasks", "show", "T1", "--selected"],
        1,
        "错误：任务 T1 尚未抽取，不能匹配检查组（先用 creditcli tasks draw 抽取）\n",
    )


def test_show_prints_every_parameter(cli: Cli, sixty: list[str], tmp_path: Path) -> None:
    exclude = write_csv(tmp_path / "x.csv", ["统一社会信用代码", "排除原因"], [[sixty[0], "正在立案调查"]])
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=0.5",
           "--min", "A=3", "--max", "A=20", "--station", "华山市场监管所", "--entity-type", "企业",
           "--exclude-drawn-within", "12", "--exclude", exclude)  # fmt: skip
    before = wide_run(cli, "tasks", "show", "T1").stdout
    assert re.search(r"冻结时排除", before) is None  # not frozen yet: nothing excluded to count
    cli.ok("tasks", "freeze", "T1", "-o", tmp_path / "notice.md")
    shown = wide_run(cli, "tasks", "show", "T1").stdout
    for line in [
        r"分类抽取比例\s+A=0\.5",
        r"分类最少抽取数\s+A=3",
        r"分类最多抽取数\s+A=20",
        r"范围条件\s+主体类型 企业；管辖单位 华山市场监管所",
        r"排除规则\s+排除登记状态非存续的对象；排除近 12 个月内被其他任务抽中的对象；排除名单 1 户",
        r"冻结时排除\s+正在立案调查 1 户",
    ]:
        assert re.search(line, shown), (line, shown)
    data = json.loads(cli.ok("tasks", "show", "T1", "-f", "json").stdout)
    assert data["exclusion_rules"] == {"inactive": True, "drawn_within_months": 12, "listed": 1}
    assert data["excluded_by_reason"] == {"正在立案调查": 1}
    assert data["pool_scope"]["stations"] == ["华山市场监管所"]


def test_verify_names_each_entity_no_longer_drawable_and_why(cli: Cli, sixty: list[str], tmp_path: Path) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=0.1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    closed = [[sixty[1], "济南乙", "企业", "2020-01-05", "华山市场监管所", "C1391", "注销", "A"],
              [sixty[2], "济南丙", "企业", "2020-01-05", "华山市场监管所", "C1391", "吊销", "A"]]  # fmt: skip
    cli.ok("entities", "import", write_csv(tmp_path / "closed.csv", ENTITY_HEADER, closed))
    out = wide_run(cli, "tasks", "verify", "T1")
    assert re.search(rf"{sixty[1]}\s+│\s+登记状态为注销", out.stdout), out.stdout
    assert re.search(rf"{sixty[2]}\s+│\s+登记状态为吊销", out.stdout), out.stdout
    data = json.loads(cli.ok("tasks", "verify", "T1", "-f", "json").stdout)
    assert data["roster_removed"] == 2
    assert data["no_longer_drawable"] == [[sixty[1], "登记状态为注销"], [sixty[2], "登记状态为吊销"]]


# Progress on a terminal, nothing elsewhere ------------------------------------------------------------


def test_long_commands_show_progress_on_a_terminal_only(
    cli: Cli, sixty: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("tasks", "create", "T1", "--name", "抽查", "--window", "2026-03-01:2026-06-30", "--ratio", "A=0.1")
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    quiet = cli.ok("tasks", "verify", "T1")  # stderr is no terminal here (cron, a pipe): nothing but the result
    assert quiet.stderr == "复核通过：任务 T1 第 1 次抽取可由记录完全重现\n"
    monkeypatch.setattr("creditcli.cli.progress.on_terminal", lambda: True)
    shown = cli.ok("tasks", "verify", "T1")
    assert "正在重新计算抽取结果并核对……（Ctrl+C 中断，不会写入任何数据）" in shown.stderr
    assert shown.stderr.endswith("复核通过：任务 T1 第 1 次抽取可由记录完全重现\n")
    assert cli.ok("-q", "tasks", "verify", "T1").stderr == ""  # -q: not even on a terminal
    drawn = cli.ok("tasks", "draw", "T1", "--redraw", "--reason", "复核", "--seed", "20261127000000000043")
    assert "正在抽取……" in drawn.stderr


def test_experts_without_a_code_get_a_stable_one(cli: Cli, tmp_path: Path) -> None:
    header = ["执法证号", "姓名", "人员类别", "单位", "执法证有效期至", "状态"]
    rows = [
        ["", "张强", "专家", "山东大学", "", "在岗"],
        ["", "赵敏", "第三方机构", "鲁信检测", "", "在岗"],
        ["37010001", "王伟", "执法人员", "", "2027-12-31", "在岗"],
    ]
    done = cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", header, rows))
    stored = dict(cli.query("SELECT name, code FROM inspectors"))
    assert re.fullmatch(r"ZJ-[0-9A-F]{10}", stored["张强"]) and re.fullmatch(r"DSF-[0-9A-F]{10}", stored["赵敏"])
    assert (
        f"提示：第 2 行专家 张强 未填执法证号：已编号 {stored['张强']}（同一人员类别、姓名和单位每次得到同一编号）"
        in done.stderr
    )
    again = cli.ok("inspectors", "import", write_csv(tmp_path / "i.csv", header, rows), "-f", "json")
    assert json.loads(again.stdout)["inserted"] == 0 and dict(cli.query("SELECT name, code FROM inspectors")) == stored


def test_an_officer_without_a_code_and_the_same_expert_twice_are_refused(cli: Cli, tmp_path: Path) -> None:
    header = ["执法证号", "姓名", "人员类别", "单位", "执法证有效期至", "状态"]
    rows = [
        ["", "王伟", "执法人员", "", "2027-12-31", "在岗"],
        ["", "张强", "专家", "山东大学", "", "在岗"],
        ["", "张强", "专家", "山东大学", "", "在岗"],
    ]
    path = write_csv(tmp_path / "i.csv", header, rows)
    cli.ok("db", "upgrade")  # a database to look into afterwards (a refused first import leaves none)
    result = cli("inspectors", "import", path)
    assert result.exit_code == 65
    assert (
        "  第 2 行 “执法证号”: 不能为空（执法人员须填写执法证号；专家和第三方机构人员可留空，自动编号）"
        in result.stderr
    )
    assert "  第 4 行 “执法证号”: 与第 3 行为同一人（人员类别、姓名、单位相同）：请填写执法证号以区分" in result.stderr
    assert cli.count("inspectors") == 0


RAW = ["stratified", "weighted", "imported", "model:", "greedy", "max-flow", "None", "penalty", "True", "False"]


def test_no_raw_internal_value_in_any_table(cli: Cli, assigned: dict[str, list[str]]) -> None:
    commands = [
        ["tasks", "list"],
        ["tasks", "show", "T1"],
        ["tasks", "show", "T1", "--selected"],
        ["tasks", "verify", "T1"],
        ["entities", "list"],
        ["entities", "show", U1],
        ["inspectors", "list"],
        ["items", "list"],
        ["deadlines", "--today", "2026-07-01"],
    ]
    for args in commands:
        out = wide_run(cli, *args, "--wide").stdout
        found = [raw for raw in RAW if raw in out]
        assert found == [], (args, out)
