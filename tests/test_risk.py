"""risk classify / explain / report with the shipped default model, model-file errors, five classes, and a
task that stratifies its draw by the computed classes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ENTITY_HEADER, U1, U2, U3, U4, Cli, record_result, uscc, write_csv
from creditcli.credit.riskmodel import default_model_path

UNIT = "济南市历城区市场监督管理局"
AS_OF = "2026-11-27"
SOURCE = "model:default@2026.1"


CLASSIFIED = "2026-01-05"
"""When the imported classes were decided (the national classification, well before AS_OF)."""


def roster(cli: Cli, tmp_path: Path, established: str = "2020-01-05") -> None:
    rows = [
        [U1, "济南甲有限公司", "企业", established, "华山市场监管所", "F5211", "存续", "A", ""],
        [U2, "济南乙有限公司", "企业", "2026-06-01", "华山市场监管所", "F5211", "存续", "D", ""],
        [U3, "济南丙食品店", "个体工商户", "2015-06-01", "唐冶市场监管所", "C1391", "存续", "B", "食品生产"],
        [U4, "济南丁合作社", "农民专业合作社", "2018-01-02", "唐冶市场监管所", "C3411", "存续", "C", "特种设备"],
    ]
    header = [*ENTITY_HEADER, "标签", "分类日期"]
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", header, [[*r, CLASSIFIED] for r in rows]))


def penalty(cli: Cli, tmp_path: Path, kinds: str = "罚款", published: str = "2026-03-10") -> None:
    header = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额", "公示日期"]
    rows = [["济历市监罚〔2026〕1号", U1, "2026-03-02", kinds, "200000", published]]
    cli.ok("penalties", "import", write_csv(tmp_path / "p.csv", header, rows))


def listed(cli: Cli, which: str, uscc: str, ground: str, date: str) -> None:
    cli.ok("lists", "add", "--list", which, uscc, "--ground", ground, "--decision-no", f"{which}-{uscc[-4:]}",
           "--date", date, "--unit", UNIT)  # fmt: skip


def scores(cli: Cli, tmp_path: Path, rows: list[list[str]]) -> Any:
    return cli(
        "scores", "import", write_csv(tmp_path / "s.csv", ["统一社会信用代码", "评分名称", "分值", "评分日期"], rows)
    )


def full_setup(cli: Cli, tmp_path: Path) -> None:
    roster(cli, tmp_path)
    penalty(cli, tmp_path)
    listed(cli, "abnormal", U1, "未按规定公示年度报告", "2026-07-10")
    listed(cli, "serious", U4, "因从重罚款被列入", "2026-05-01")
    assert scores(cli, tmp_path, [[U2, "舆情", "7", "2026-11-01"]]).exit_code == 0


def classify(cli: Cli, *args: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(cli.ok("risk", "classify", "--as-of", AS_OF, "-f", "json", *args).stdout)
    return out


def explain(cli: Cli, uscc: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli.ok("risk", "explain", uscc, "-f", "json").stdout)
    return data


def test_every_entity_gets_its_class_with_the_values_that_produced_it(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    summary = classify(cli)
    assert {k: summary[k] for k in ("model", "version", "entities", "new", "changed", "classes", "by_model")} == {
        "model": "default",
        "version": "2026.1",
        "entities": 4,
        "new": 4,
        "changed": 0,
        "classes": {"A": 0, "B": 2, "C": 1, "D": 1},
        "by_model": {"general": 2, "food": 1, "special_equipment": 1},
    }
    assert summary["distribution"] == {"华山市场监管所": {"B": 1, "C": 1}, "唐冶市场监管所": {"B": 1, "D": 1}}
    stored = cli.query(
        "SELECT e.uscc, m.risk_class, m.details, m.effective_date FROM model_classes m "
        "JOIN entities e ON e.id = m.entity_id ORDER BY e.uscc"
    )
    details = {u: json.loads(d) for u, _, d, _ in stored}
    assert {u: c for u, c, _, _ in stored} == {U1: "C", U2: "B", U3: "B", U4: "D"}
    # 15 (one penalty in its period) + 20 (经营异常名录) + 10 (on it for the annual report) = 45: band C from 30.
    assert details[U1] == {
        "by": "general",
        "class": "C",
        "scores": {
            "general": {
                "score": 45,
                "indicators": {"penalties": [1, 15], "abnormal": [1, 20], "annual_report": [1, 10],
                               "new_entity": [6, 0], "public_opinion": [None, 0]},
            }
        },
    }  # fmt: skip
    # Registered this year (10) and a 舆情 score of 7 (7 points).
    assert details[U2]["scores"]["general"]["score"] == 17
    assert details[U2]["scores"]["general"]["indicators"]["public_opinion"] == [7, 7]
    # The food model replaces the general class A: a food producer scores 15, band B.
    assert details[U3]["by"] == "food"
    assert (details[U3]["scores"]["general"]["score"], details[U3]["scores"]["food"]["score"]) == (0, 15)
    # On the 严重违法失信名单: straight to D, in the special-equipment field as in the general one.
    assert details[U4]["by"] == "special_equipment"
    assert details[U4]["scores"]["special_equipment"]["direct"] == "serious_list"
    history = cli.query(
        "SELECT e.uscc, h.risk_class, h.effective_date, h.source, h.details FROM entity_class_history h "
        "JOIN entities e ON e.id = h.entity_id WHERE h.source LIKE 'model:%' ORDER BY e.uscc"
    )
    assert [(u, c, str(d), s) for u, c, d, s, _ in history] == [
        (U1, "C", AS_OF, SOURCE), (U2, "B", AS_OF, SOURCE), (U3, "B", AS_OF, SOURCE), (U4, "D", AS_OF, SOURCE),
    ]  # fmt: skip
    assert json.loads(history[0][4]) == details[U1]
    # Imported classes stay as they were, beside the computed ones.
    assert cli.query("SELECT uscc, risk_class FROM entities ORDER BY uscc") == [
        (U1, "A"), (U2, "D"), (U3, "B"), (U4, "C"),
    ]  # fmt: skip


def test_explain_names_every_indicator_and_the_rule_that_decided(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    data = explain(cli, U4)
    assert (data["imported_class"], len(data["models"])) == ("C", 1)
    m = data["models"][0]
    assert (m["model"], m["version"], m["risk_class"], m["decided_by"]) == (
        "default",
        "2026.1",
        "D",
        "special_equipment",
    )
    general, special = m["scorings"]
    assert (general["name"], general["score"], general["band_class"]) == ("general", 60, "D")
    assert special["direct"] == {"id": "serious_list", "label": "列入严重违法失信名单的直接列为 D 类", "class": "D"}
    assert [(i["id"], i["value"], i["points"]) for i in special["indicators"]] == [
        ("penalties", 0, 0), ("negative_results", 0, 0), ("serious", 1, 60), ("hazard", None, 0),
    ]  # fmt: skip
    assert [h["source"] for h in data["history"]] == ["导入 e.csv", SOURCE]
    text = cli.ok("risk", "explain", U1).stdout
    assert "模型 default@2026.1：C 类（自 2026-11-27；由通用型模型确定；分类基准日 2026-11-27）" in text
    assert "因未按规定公示年度报告列入经营异常名录（annual_report）：取值 1，得分 10" in text
    missing = cli("risk", "explain", U1, "--model", "other")
    assert (missing.exit_code, missing.stderr) == (
        66,
        f"错误：{U1} 还没有模型 other 计算的分类（先运行 creditcli risk classify）\n",
    )


def test_a_rerun_with_the_same_data_and_model_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    tables = ("model_classes", "entity_class_history", "risk_runs", "audit_log")
    before = {t: cli.query(f"SELECT * FROM {t} ORDER BY id") for t in tables}
    again = cli.ok("risk", "classify", "--as-of", AS_OF, "-f", "json")
    assert json.loads(again.stdout)["noop"] is True
    assert again.stderr == "数据和模型与上次运行相同，分类没有变化，未写入。\n"
    assert {t: cli.query(f"SELECT * FROM {t} ORDER BY id") for t in tables} == before


def test_a_dry_run_reports_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    summary = classify(cli, "--dry-run")
    assert (summary["dry_run"], summary["new"], summary["classes"]) == (True, 4, {"A": 0, "B": 2, "C": 1, "D": 1})
    assert (cli.count("model_classes"), cli.count("risk_runs")) == (0, 0)
    assert cli.count("entity_class_history") == 4  # the imported classes only


def test_a_change_in_the_data_moves_the_class_and_the_report_shows_it(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    cli.ok("lists", "remove", "--list", "abnormal", U1, "--reason", "已补报", "--date", "2026-12-01", "--unit", UNIT)
    summary = json.loads(cli.ok("risk", "classify", "--as-of", "2026-12-15", "-f", "json").stdout)
    assert (summary["new"], summary["changed"], summary["moves"]) == (0, 1, {"C→B": 1})
    moved = cli.query(
        "SELECT h.risk_class, h.effective_date FROM entity_class_history h JOIN entities e ON e.id = h.entity_id "
        "WHERE e.uscc = :u AND h.source LIKE 'model:%' ORDER BY h.id",
        u=U1,
    )
    assert [(c, str(d)) for c, d in moved] == [("C", AS_OF), ("B", "2026-12-15")]
    rows = json.loads(cli.ok("risk", "report", "-f", "json").stdout)["rows"]
    huashan = {
        r["risk_class"]: (r["count"], r["previous"], r["change"]) for r in rows if r["station"] == "华山市场监管所"
    }
    # Table rows are text in JSON as in every list (docs/json.md).
    assert huashan == {"A": ("0", "0", "0"), "B": ("2", "1", "1"), "C": ("0", "1", "-1"), "D": ("0", "0", "0")}
    total = {r["risk_class"]: r["count"] for r in rows if r["station"] == "合计"}
    assert total == {"A": "0", "B": "3", "C": "0", "D": "1"}
    text = cli.ok("risk", "report").stdout
    assert "模型 default@2026.1，分类基准日 2026-12-15，与 2026-11-27 的运行相比" in text


def test_report_before_any_run(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    result = cli("risk", "report")
    assert (result.exit_code, result.stderr) == (66, "错误：还没有分类运行记录（先运行 creditcli risk classify）\n")


def general_points(cli: Cli, as_of: str, uscc: str = U1) -> dict[str, list[Any]]:
    cli.ok("risk", "classify", "--as-of", as_of)
    (row,) = cli.query(
        "SELECT m.details FROM model_classes m JOIN entities e ON e.id = m.entity_id WHERE e.uscc = :u", u=uscc
    )
    indicators: dict[str, list[Any]] = json.loads(row[0])["scores"]["general"]["indicators"]
    return indicators


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [("2026-06-09", True), ("2026-06-10", False), ("2026-06-11", False)],  # 通报批评: 3 months from 2026-03-10
)
def test_a_penalty_counts_only_within_its_publicity_period(cli: Cli, tmp_path: Path, as_of: str, counted: bool) -> None:
    roster(cli, tmp_path)
    penalty(cli, tmp_path, kinds="通报批评")
    assert general_points(cli, as_of).get("penalties") == ([1, 15] if counted else None)


@pytest.mark.parametrize(
    ("as_of", "counted"),
    [("2029-04-30", True), ("2029-05-01", False), ("2029-05-02", False)],  # removed automatically after 3 years
)
def test_the_serious_list_counts_until_its_automatic_removal(
    cli: Cli, tmp_path: Path, as_of: str, counted: bool
) -> None:
    roster(cli, tmp_path)
    listed(cli, "serious", U1, "因从重罚款被列入", "2026-05-01")
    points = general_points(cli, as_of)
    assert points.get("serious") == ([1, 60] if counted else None)
    klass = cli.query(
        "SELECT m.risk_class FROM model_classes m JOIN entities e ON e.id = m.entity_id WHERE e.uscc = :u", u=U1
    )
    assert klass == ([("D",)] if counted else [("A",)])


@pytest.mark.parametrize(
    ("as_of", "years", "points"),
    [("2026-11-26", 0, 10), ("2026-11-27", 1, 5), ("2026-11-28", 1, 5), ("2028-11-27", 3, 0)],
)
def test_registration_age_is_counted_in_completed_years(
    cli: Cli, tmp_path: Path, as_of: str, years: int, points: int
) -> None:
    roster(cli, tmp_path, established="2025-11-27")
    assert general_points(cli, as_of)["new_entity"] == [years, points]


@pytest.mark.parametrize(("as_of", "counted"), [("2028-03-31", True), ("2028-04-01", False), ("2028-04-02", False)])
def test_negative_results_count_for_24_months(
    cli: Cli, assigned: dict[str, list[str]], as_of: str, counted: bool
) -> None:
    record_result(cli, U1, assigned[U1], "--result", "E", "--findings", "未按规定公示年报")
    record_result(cli, U2, assigned[U2])  # 未发现问题: not negative
    assert general_points(cli, as_of).get("negative_results") == ([1, 10] if counted else None)
    assert general_points(cli, as_of, U2).get("negative_results") is None


def test_a_repaired_result_no_longer_counts(cli: Cli, assigned: dict[str, list[str]]) -> None:
    record_result(cli, U1, assigned[U1], "--result", "E", "--findings", "未按规定公示年报")
    cli.ok("repair", "record", U1, "--kind", "result", "--ref", "T1/SJ01/E", "--date", "2026-08-03",
           "--decision-no", "修复1号", "--unit", UNIT)  # fmt: skip
    assert general_points(cli, "2026-08-02").get("negative_results") == [1, 10]
    assert general_points(cli, "2026-08-03").get("negative_results") is None


def test_a_score_dated_after_the_as_of_date_is_not_read(cli: Cli, tmp_path: Path) -> None:
    roster(cli, tmp_path)
    assert scores(cli, tmp_path, [[U1, "舆情", "30", "2026-12-01"]]).exit_code == 0
    assert general_points(cli, "2026-11-30")["public_opinion"] == [None, 0]
    assert general_points(cli, "2026-12-01")["public_opinion"] == [30, 20]  # capped at 20


def test_scores_import_checks_every_row(cli: Cli, tmp_path: Path) -> None:
    roster(cli, tmp_path)
    result = scores(cli, tmp_path, [[U1, "舆情", "很高", ""], [U2, "", "3", ""], [U1, "舆情", "-1", ""]])
    assert result.exit_code == 65
    assert "第 2 行" in result.stderr and "分值" in result.stderr and "很高" in result.stderr
    assert "第 3 行" in result.stderr and "评分名称" in result.stderr
    assert cli.count("external_scores") == 0
    assert scores(cli, tmp_path, [[U1, "舆情", "12.5", ""], [U1, "食品安全风险", "3", "2026-10-01"]]).exit_code == 0
    rows = json.loads(cli.ok("scores", "list", "--uscc", U1, "-f", "json").stdout)["rows"]
    assert [(r["name"], r["value"], r["scored_on"]) for r in rows] == [
        ("舆情", "12.5", ""),
        ("食品安全风险", "3", "2026-10-01"),
    ]


def write_model(tmp_path: Path, text: str, name: str = "m.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_model_file_problems_are_named_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    roster(cli, tmp_path)
    default = default_model_path().read_text(encoding="utf-8")
    bad_bands = write_model(
        tmp_path,
        default.replace("bands = { A = 0, B = 10, C = 30, D = 60 }", "bands = { A = 0, B = 10, C = 5, D = 60 }"),
    )
    result = cli("risk", "classify", "--model", bad_bands)
    assert (result.exit_code, result.stderr) == (
        78,
        f"错误：模型文件 {bad_bands} 有误：general：bands 的分数下限须逐档递增\n",
    )
    bad_source = write_model(tmp_path, default.replace('source = "registration_age"', 'source = "age"'), "s.toml")
    result = cli("risk", "classify", "--model", bad_source)
    assert result.exit_code == 78
    assert result.stderr.startswith(f"错误：模型文件 {bad_source} 有误：general.indicators.6.source:")
    bad_rule = write_model(
        tmp_path, default.replace('when = "serious"                  # 指标', 'when = "listed"  # 指标'), "r.toml"
    )
    result = cli("risk", "classify", "--model", bad_rule)
    assert (result.exit_code, result.stderr) == (
        78,
        f"错误：模型文件 {bad_rule} 有误：general：直接定类规则 serious_list 的 when “listed” 不是本模型的指标\n",
    )
    missing = cli("risk", "classify", "--model", tmp_path / "none.toml")
    assert (missing.exit_code, missing.stderr) == (66, f"错误：模型文件不存在：{tmp_path / 'none.toml'}\n")
    broken = write_model(tmp_path, "[model\n", "b.toml")
    assert cli("risk", "classify", "--model", broken).exit_code == 78
    assert (cli.count("model_classes"), cli.count("risk_runs")) == (0, 0)


FIVE = """
[model]
name = "sd2020"
version = "1"
classes = ["A", "B", "C", "D", "E"]

[general]
bands = { A = 0, B = 5, C = 10, D = 20, E = 40 }

[[general.indicators]]
id = "new_entity"
label = "成立不满 1 年"
source = "registration_age"
steps = [{ below = 1, points = 5 }]

[[general.indicators]]
id = "serious"
label = "列入严重违法失信名单"
source = "serious_list"
points = 0

[[general.indicators]]
id = "type"
label = "农民专业合作社"
source = "entity_type"
values = ["农民专业合作社"]
points = 10

[[general.direct]]
id = "serious"
label = "列入严重违法失信名单的列为 E 类"
when = "serious"
class = "E"
"""


def test_five_classes_and_a_task_that_draws_by_the_computed_classes(cli: Cli, tmp_path: Path) -> None:
    config = write_model(tmp_path, 'risk_classes = ["A", "B", "C", "D", "E"]\n', "config.toml")
    roster(cli, tmp_path)
    listed(cli, "serious", U1, "因从重罚款被列入", "2026-05-01")
    model = write_model(tmp_path, FIVE)
    four = cli("risk", "classify", "--model", model)
    assert (four.exit_code, four.stderr) == (
        78,
        f"错误：模型文件 {model} 有误：model.classes 为 A、B、C、D、E，与配置的分类 A、B、C、D 不一致\n",
    )
    summary = json.loads(
        cli.ok("--config", config, "risk", "classify", "--model", model, "--as-of", AS_OF, "-f", "json").stdout
    )
    assert summary["classes"] == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 1}
    ratios = [a for c in "ABCDE" for a in ("--ratio", f"{c}=1")]
    window = ["--window", "2026-12-01:2026-12-31"]
    early = cli("--config", config, "tasks", "create", "T5", "--name", "按模型分类", *window,
                "--class-source", "model:other", *ratios)  # fmt: skip
    assert (early.exit_code, early.stderr) == (
        2,
        "错误：模型 other 还没有计算过分类，不能作为分类来源（先运行 creditcli risk classify）\n",
    )
    bad = cli("--config", config, "tasks", "create", "T5", "--name", "x", "--window", "2026-12-01:2026-12-31",
              "--class-source", "national", *ratios)  # fmt: skip
    assert bad.exit_code == 2
    assert "分类来源 “national” 无效：应为 imported（导入的分类）或 model:模型名（如 model:default）" in bad.stderr
    cli.ok("--config", config, "tasks", "create", "T5", "--name", "按模型分类", "--window", "2026-12-01:2026-12-31",
           "--class-source", "model:sd2020", *ratios)  # fmt: skip
    cli.ok("--config", config, "tasks", "draw", "T5", "--seed", "20261127000000000042")
    drawn = cli.query("SELECT uscc, risk_class FROM draw_selections ORDER BY uscc")
    # U1 on the serious list → E; U2 registered this year → B; U4 a cooperative → C; U3 A (imported: A, D, B, C).
    assert drawn == [(U1, "E"), (U2, "B"), (U3, "A"), (U4, "C")]
    certificate = json.loads(cli.query("SELECT certificate FROM draws")[0][0])
    assert certificate["task"]["class_source"] == "model:sd2020"
    assert [s["risk_class"] for s in certificate["strata"]] == ["A", "B", "C", "E"]
    shown = json.loads(cli.ok("--config", config, "tasks", "show", "T5", "-f", "json").stdout)
    assert shown["class_source"] == "model:sd2020"


def test_a_task_by_default_draws_by_the_imported_classes(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    ratios = [a for c in "ABCD" for a in ("--ratio", f"{c}=1")]
    cli.ok("tasks", "create", "T1", "--name", "导入分类", "--window", "2026-12-01:2026-12-31", *ratios)
    cli.ok("tasks", "draw", "T1", "--seed", "20261127000000000042")
    drawn = cli.query("SELECT uscc, risk_class FROM draw_selections ORDER BY uscc")
    assert drawn == [(U1, "A"), (U2, "D"), (U3, "B"), (U4, "C")]


def test_where_professional_fields_overlap_the_higher_class_stands(cli: Cli, tmp_path: Path) -> None:
    rows = [
        [
            U1,
            "济南甲食品设备有限公司",
            "企业",
            "2020-01-05",
            "华山市场监管所",
            "C1391",
            "存续",
            "A",
            "食品生产;特种设备",
        ]
    ]
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", [*ENTITY_HEADER, "标签"], rows))
    penalty(cli, tmp_path)
    # food: 20 (penalty) + 15 (producer) = 35 → C; special equipment: 20 → B; general: 15 → B.
    classify(cli)
    m = explain(cli, U1)["models"][0]
    assert (m["risk_class"], m["decided_by"]) == ("C", "food")
    assert [(s["name"], s["score"], s["band_class"]) for s in m["scorings"]] == [
        ("general", 15, "B"), ("food", 35, "C"), ("special_equipment", 20, "B"),
    ]  # fmt: skip
    assert scores(cli, tmp_path, [[U1, "特种设备隐患", "40", ""]]).exit_code == 0
    summary = classify(cli)
    assert summary["moves"] == {"C→D": 1}
    m = explain(cli, U1)["models"][0]
    assert (m["risk_class"], m["decided_by"]) == ("D", "special_equipment")


def test_the_default_model_is_quoted_whole_in_the_docs() -> None:
    """docs/risk.md explains the shipped model line by line: its toml blocks are the file, in order."""
    shipped = [line.split("#")[0].rstrip() for line in default_model_path().read_text(encoding="utf-8").splitlines()]
    docs = (Path(__file__).parent.parent / "docs" / "risk.md").read_text(encoding="utf-8")
    quoted = [
        line.rstrip()
        for block in docs.split("```toml\n")[1:]
        for line in block.split("```")[0].splitlines()
        if line.strip()
    ]
    assert quoted == [line for line in shipped if line.strip()]


def test_the_class_on_a_date_is_asked_of_one_source(cli: Cli, tmp_path: Path) -> None:
    import datetime as dt

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from creditcli.rosters.entities import class_on

    full_setup(cli, tmp_path)
    classify(cli)
    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")
    with Session(engine) as session:
        day = dt.date(2026, 11, 27)
        assert (class_on(session, U1, day), class_on(session, U1, day, "default")) == ("A", "C")
        assert class_on(session, U1, dt.date(2026, 11, 26), "default") is None
        assert class_on(session, U1, day, "other") is None
    engine.dispose()


def test_a_task_file_names_its_class_source(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    task = tmp_path / "task.toml"
    task.write_text(
        'code = "T9"\nname = "按模型分类"\nwindow = "2026-12-01:2026-12-31"\n\n[draw]\n'
        'class_source = "model:default"\nratios = { A = "1", B = "1", C = "1", D = "1" }\n',
        encoding="utf-8",
    )
    cli.ok("tasks", "create", "--from", task)
    notice = tmp_path / "notice.md"
    cli.ok("tasks", "freeze", "T9", "-o", notice)
    assert "- 分层所用分类：本局信用风险分类模型 default 计算的分类（内部使用，不公开）\n" in notice.read_text("utf-8")
    shown = json.loads(cli.ok("tasks", "show", "T9", "-f", "json").stdout)
    assert shown["class_source"] == "model:default"
    strata = json.loads(cli.query("SELECT strata FROM pool_freezes")[0][0])
    assert strata == {"B": 2, "C": 1, "D": 1}


def test_a_decision_near_the_calendar_end_does_not_stop_the_classification(cli: Cli, tmp_path: Path) -> None:
    """Its publication deadline falls in a year the holiday calendar lacks; its period of effect does not need it."""
    roster(cli, tmp_path)
    header = ["决定书文号", "统一社会信用代码", "处罚决定日期", "处罚种类", "罚款金额"]
    cli.ok(
        "penalties", "import", write_csv(tmp_path / "p.csv", header, [["罚9号", U1, "2026-12-20", "罚款", "200000"]])
    )
    assert cli("penalties", "list").exit_code == 0  # the deadline needs the 2027 calendar: marked (test_penalties)
    assert general_points(cli, "2026-12-28")["penalties"] == [1, 15]


def test_entities_imported_after_the_run_are_unclassified_for_a_model_task(cli: Cli, tmp_path: Path) -> None:
    full_setup(cli, tmp_path)
    classify(cli)
    u5 = uscc("91370112MA3C00005")
    cli.ok(
        "entities",
        "import",
        write_csv(tmp_path / "n.csv", ["统一社会信用代码", "企业名称", "主体类型"], [[u5, "新", "企业"]]),
    )
    ratios = [a for c in "ABCD" for a in ("--ratio", f"{c}=1")]
    result = cli("tasks", "create", "T1", "--name", "x", "--window", "2026-12-01:2026-12-31",
                 "--class-source", "model:default", *ratios)  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        65,
        "错误：抽取范围中有分类 未分类 的检查对象，但任务没有该分类的抽取参数（用 --ratio 未分类=比例 指定）\n"
        "其中 1 户没有模型 default 的分类（在上次计算之后才导入）：可先运行 creditcli risk classify 再创建任务\n",
    )
    assert cli.count("tasks") == 0
    classify(cli)
    cli.ok("tasks", "create", "T1", "--name", "x", "--window", "2026-12-01:2026-12-31",
           "--class-source", "model:default", *ratios)  # fmt: skip
