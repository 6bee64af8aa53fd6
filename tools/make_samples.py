"""Regenerate data/samples/ (seeded: the same files byte for byte on every run).

    python tools/make_samples.py [OUT_DIR]

The files imitate what reaches a district bureau: a GB18030 CSV with a title row and a
合计 row as Excel saves it, an XLSX with other header spellings and real date cells, a
UTF-8-BOM inspector roster, the item list, a conflict list and a monthly class refresh.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import synth
import xlsxwriter

SEED = 20261127
ITEMS = [
    (
        "SJ01",
        "企业公示信息情况的检查",
        "企业信息公示",
        "一般检查事项",
        "企业",
        "书面检查、实地核查",
        "《企业信息公示暂行条例》第十四条",
        "3%",
        "每年1次",
        "",
    ),
    (
        "SJ02",
        "个体工商户公示信息情况的检查",
        "企业信息公示",
        "一般检查事项",
        "个体工商户",
        "书面检查、实地核查",
        "《个体工商户年度报告暂行办法》第十三条",
        "0.1%",
        "每年1次",
        "",
    ),
    (
        "SJ03",
        "农民专业合作社公示信息情况的检查",
        "企业信息公示",
        "一般检查事项",
        "农民专业合作社",
        "书面检查、实地核查",
        "《农民专业合作社年度报告公示暂行办法》第十条",
        "3%",
        "每年1次",
        "",
    ),
    (
        "SJ04",
        "食品生产者生产活动的监督检查",
        "食品安全",
        "重点检查事项",
        "食品生产者",
        "实地检查、抽样检验",
        "《中华人民共和国食品安全法》第一百一十条",
        "",
        "每年1次",
        "食品",
    ),
    (
        "SJ05",
        "食品销售者经营活动的监督检查",
        "食品安全",
        "一般检查事项",
        "食品销售者",
        "实地检查",
        "《食品生产经营监督检查管理办法》第八条",
        "5%",
        "每年1次",
        "食品",
    ),
    (
        "SJ06",
        "餐饮服务提供者经营活动的监督检查",
        "食品安全",
        "一般检查事项",
        "餐饮服务提供者",
        "实地检查",
        "《食品生产经营监督检查管理办法》第十二条",
        "5%",
        "每年1次",
        "食品",
    ),
    (
        "SJ07",
        "特种设备生产单位的监督检查",
        "特种设备安全",
        "重点检查事项",
        "特种设备生产单位",
        "实地检查",
        "《中华人民共和国特种设备安全法》第五十七条",
        "",
        "每年1次",
        "特种设备",
    ),
    (
        "SJ08",
        "特种设备使用单位的监督检查",
        "特种设备安全",
        "重点检查事项",
        "特种设备使用单位",
        "实地检查",
        "《中华人民共和国特种设备安全法》第五十七条",
        "",
        "每年1次",
        "特种设备",
    ),
    (
        "SJ09",
        "药品零售企业经营活动的检查",
        "药品安全",
        "一般检查事项",
        "药品零售企业",
        "实地检查",
        "《药品经营和使用质量监督管理办法》第六十三条",
        "5%",
        "每年1次",
        "药品",
    ),
    (
        "SJ10",
        "计量器具使用情况的检查",
        "计量监督",
        "一般检查事项",
        "使用强制检定计量器具的单位",
        "实地检查",
        "《中华人民共和国计量法》第十八条",
        "3%",
        "每年1次",
        "计量",
    ),
    (
        "SJ11",
        "明码标价和价格行为的检查",
        "价格监督",
        "一般检查事项",
        "经营者",
        "实地检查",
        "《明码标价和禁止价格欺诈规定》",
        "3%",
        "每年1次",
        "价格",
    ),
    (
        "SJ12",
        "广告发布行为的检查",
        "广告监督",
        "一般检查事项",
        "广告发布者",
        "书面检查、网络监测",
        "《中华人民共和国广告法》第四十九条",
        "3%",
        "每年1次",
        "广告",
    ),
]
ITEM_HEADER = [
    "事项编码",
    "抽查事项名称",
    "抽查类别",
    "事项类别",
    "检查对象",
    "检查方式",
    "检查依据",
    "抽查比例",
    "抽查频次",
    "所需资质",
]
REASONS = ["近亲属任该企业负责人", "三年内曾在该企业任职", "与该企业存在经济往来", "曾代理该企业行政复议案件"]


def write_licheng_csv(frame: pd.DataFrame, path: Path) -> None:
    """GB18030 with a title row above the header and a 合计 row at the end, as Excel saves it."""
    width = len(frame.columns)
    title = "济南市历城区市场主体名录（2026年10月）" + "," * (width - 1)
    total = f"合计,{len(frame)}户" + "," * (width - 2)
    body = frame.to_csv(index=False, lineterminator="\r\n")
    path.write_bytes(f"{title}\r\n{body}{total}\r\n".encode("gb18030"))


def write_tianqiao_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Other header spellings, a title row, and real Excel date cells."""
    renamed = frame.rename(
        columns={
            "企业名称": "市场主体名称",
            "管辖单位": "属地监管所",
            "信用风险分类": "风险等级",
            "登记状态": "经营状态",
        }
    )
    renamed["经营状态"] = renamed["经营状态"].replace({"存续": "在业"})
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2026, 11, 1)})
    sheet = book.add_worksheet("名录")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "济南市天桥区检查对象名录")
    sheet.write_row(1, 0, list(renamed.columns))
    for r, row in enumerate(renamed.itertuples(index=False, name=None), start=2):
        for c, (col, value) in enumerate(zip(renamed.columns, row, strict=True)):
            if col in ("成立日期", "分类日期"):
                sheet.write_datetime(r, c, dt.datetime.fromisoformat(str(value)), date_fmt)
            else:
                sheet.write_string(r, c, str(value))
    book.close()


TASK_FILE = """# 示例抽查任务（creditcli demo 用它创建任务；格式见 docs/tasks.md）
code = "2026-SJ-001"
name = "2026 年度企业公示信息定向抽查"
plan_code = "2026-JN-PLAN"
plan_name = "济南市 2026 年度双随机抽查工作计划"
items = ["SJ01"]
organiser = "历城区市场监督管理局"
implementer = "历城区市场监督管理局信用监管科"
authority = "济南市历城区市场监督管理局"   # 检查机关（公示用）：法定机关，不是实施科室
window = "2026-03-01:2026-06-30"
team_size = 2
scope = "辖区内登记状态为存续的企业"

[pool]
entity_types = ["企业"]

[exclusions]
drawn_within_months = 12

[draw]
ratios = { A = "0.01", B = "0.03", C = "0.10", D = "0.30" }
min = { D = 5 }
"""


def write_penalties(rng: np.random.Generator, active: pd.DataFrame, path: Path) -> None:
    """行政处罚决定书 of 2024–2026: mostly fines, some 通报批评 (short publicity), a few suspensions."""
    n = 150
    codes = rng.choice(active["统一社会信用代码"].to_numpy(), n, replace=True)
    decided = [dt.date(2024, 1, 2) + dt.timedelta(days=int(d)) for d in np.sort(rng.integers(0, 900, n))]
    kinds = rng.choice(["罚款", "警告;罚款", "通报批评", "没收违法所得;罚款", "责令停产停业;罚款"], n,
                       p=[0.55, 0.2, 0.1, 0.1, 0.05])  # fmt: skip
    amounts = np.where(np.char.find(kinds.astype(str), "罚款") >= 0, rng.integers(20, 3000, n) * 100, 0)
    pd.DataFrame(
        {
            "决定书文号": [f"济历市监罚〔{d.year}〕{100 + i}号" for i, d in enumerate(decided)],
            "统一社会信用代码": codes,
            "处罚决定日期": [d.isoformat() for d in decided],
            "违法行为类型": rng.choice(["未按规定公示年度报告", "销售不合格产品", "虚假宣传", "无证经营"], n),
            "处罚种类": kinds,
            "罚款金额": [str(a) if a else "" for a in amounts],
            "处罚机关": "济南市历城区市场监督管理局",
            "公示日期": [(d + dt.timedelta(days=12)).isoformat() for d in decided],
        }
    ).to_csv(path, index=False, lineterminator="\r\n")


def main(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    licheng = synth.entities(rng, 4000, ["历城"])
    tianqiao = synth.entities(rng, 1200, ["天桥"])
    write_licheng_csv(licheng, out / "entities_licheng.csv")
    write_tianqiao_xlsx(tianqiao, out / "entities_tianqiao.xlsx")
    people = synth.inspectors(rng, 64)
    people.to_csv(out / "inspectors.csv", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    pd.DataFrame(ITEMS, columns=ITEM_HEADER).to_csv(out / "items.csv", index=False, lineterminator="\r\n")
    officers = people[people["人员类别"] == "执法人员"]["执法证号"].to_numpy()
    pairs = pd.DataFrame(
        {
            "执法证号": rng.choice(officers, 24),
            "统一社会信用代码": rng.choice(licheng["统一社会信用代码"].to_numpy(), 24, replace=False),
            "回避原因": rng.choice(REASONS, 24),
        }
    ).drop_duplicates(["执法证号", "统一社会信用代码"])
    pairs.to_csv(out / "conflicts.csv", index=False, lineterminator="\r\n")
    refresh = synth.class_refresh(rng, pd.concat([licheng, tianqiao]), 0.05, "2026-11-01")
    refresh.to_csv(out / "risk_classes_2026-11.csv", index=False, lineterminator="\r\n")
    everyone = pd.concat([licheng, tianqiao])
    write_penalties(rng, everyone[everyone["登记状态"] == "存续"], out / "penalties.csv")
    scored = rng.choice(everyone["统一社会信用代码"].to_numpy(), 300, replace=False)
    opinion = np.minimum(rng.geometric(0.15, len(scored)), 30)
    pd.DataFrame({"统一社会信用代码": scored, "评分名称": "舆情", "分值": opinion, "评分日期": "2026-06-30"}).to_csv(
        out / "scores.csv", index=False, lineterminator="\r\n"
    )
    (out / "task_2026-SJ-001.toml").write_bytes(TASK_FILE.encode("utf-8"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "data" / "samples")
