"""Seeded synthetic rosters: the shipped samples, test fixtures and benchmark rosters of 100k–10M.

Everything flows from a numpy Generator seeded by the caller, so a file is reproducible
byte for byte; it is fake data with valid 统一社会信用代码. Not part of the installed package:
tools/ scripts import it from beside them, tests/conftest.py and benchmarks/measure.py put tools/
on ``sys.path``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from creditcli.rosters.codes import ALPHABET, WEIGHTS

DIVISIONS = {"历城": "370112", "天桥": "370105", "历下": "370102", "槐荫": "370104"}
STATIONS = {
    "历城": ["洪家楼市场监管所", "王舍人市场监管所", "华山市场监管所", "唐冶市场监管所"],
    "天桥": ["泺口市场监管所", "北园市场监管所", "药山市场监管所"],
    "历下": ["泉城路市场监管所", "甸柳市场监管所"],
    "槐荫": ["段店市场监管所", "西市场市场监管所"],
}
INDUSTRIES = [
    ("F5211", "百货零售", ""),
    ("F5221", "食品零售", "食品销售"),
    ("H6210", "餐饮服务", "餐饮服务"),
    ("C1391", "食品加工", "食品生产"),
    ("C3411", "锅炉制造", "特种设备"),
    ("E4790", "建筑安装", "特种设备"),
    ("F5251", "药品零售", "药品经营"),
    ("I6510", "软件开发", ""),
    ("L7212", "商务咨询", ""),
    ("O8051", "美容美发", ""),
    ("G5430", "道路货运", ""),
    ("F5123", "五金批发", ""),
]
WORDS = list("鑫源恒泰华瑞德聚福盛隆达兴和信诚祥宏嘉锦润丰通远佳美新晨光明阳泉济鲁齐舜")
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英")
# 企业 ~70 %, 个体工商户 ~26 %, 合作社 ~3 %, 外国企业常驻代表机构 ~1 %.
TYPES = ("企业", "个体工商户", "农民专业合作社", "外国企业常驻代表机构")
TYPE_P = (0.70, 0.26, 0.03, 0.01)
CATEGORY = {"企业": "1", "个体工商户": "2", "农民专业合作社": "3", "外国企业常驻代表机构": "1"}
# National classification runs heavy on A/B (国市监信发〔2022〕6号 practice).
CLASS_P = {"A": 0.30, "B": 0.55, "C": 0.12, "D": 0.03}
STATUS_P = {"存续": 0.93, "注销": 0.04, "吊销": 0.025, "迁出": 0.005}
_ALPHA = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_DIGITS_LETTERS = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)


def usccs(rng: np.random.Generator, categories: np.ndarray, divisions: np.ndarray) -> np.ndarray:
    """Valid, unique 统一社会信用代码 (position 1 = 9 market regulation; check char per GB 32100)."""
    n = len(categories)
    body = np.empty((n, 18), dtype=np.uint8)
    body[:, 0] = ord("9")
    body[:, 1] = np.frombuffer("".join(categories).encode(), dtype=np.uint8)
    body[:, 2:8] = np.frombuffer("".join(divisions).encode(), dtype=np.uint8).reshape(n, 6)
    # Organisation code: positions 12–17 are a bijection of 0..n-1 modulo 31**6 (unique, scrambled
    # per roster), positions 9–11 random.
    modulus = 31**6
    a = int(rng.integers(1, modulus // 31)) * 31 + int(rng.integers(1, 31))
    serial = (np.arange(n, dtype=np.int64) * a + int(rng.integers(0, modulus))) % modulus
    serial += rng.integers(0, 31**3, n) * modulus
    for pos in range(16, 7, -1):
        body[:, pos] = _DIGITS_LETTERS[serial % 31]
        serial //= 31
    lut = np.full(256, 0, dtype=np.int64)
    lut[_ALPHA] = np.arange(31)
    sums = lut[body[:, :17]] @ WEIGHTS
    body[:, 17] = _ALPHA[(31 - sums % 31) % 31]
    return np.frombuffer(body.tobytes(), dtype="S18").astype(str)


def entities(rng: np.random.Generator, n: int, districts: list[str] | None = None) -> pd.DataFrame:
    """A roster frame with Chinese headers, as a bureau system exports it."""
    districts = districts or list(DIVISIONS)
    district = rng.choice(districts, n)
    types = rng.choice(TYPES, n, p=TYPE_P)
    codes = usccs(rng, pd.Series(types).map(CATEGORY).to_numpy(), pd.Series(district).map(DIVISIONS).to_numpy())
    ind = rng.integers(0, len(INDUSTRIES), n)
    w = np.array(WORDS)
    brand = np.char.add(w[rng.integers(0, len(w), n)], w[rng.integers(0, len(w), n)])
    ind_name = np.array([i[1] for i in INDUSTRIES])[ind]
    is_ind = types == "个体工商户"
    suffix = np.where(is_ind, "店", np.where(types == "农民专业合作社", "专业合作社", "有限公司"))
    suffix = np.where(types == "外国企业常驻代表机构", "代表处", suffix)
    names = np.char.add(np.char.add(np.char.add(np.char.add("济南", district), brand), ind_name), suffix)
    names = np.char.add(
        names,
        np.where(rng.random(n) < 0.5, "", np.char.add("（", np.char.add(rng.integers(1, 999, n).astype(str), "）"))),
    )
    station = np.array(
        [STATIONS[d][i % len(STATIONS[d])] for d, i in zip(district, rng.integers(0, 4, n), strict=True)]
    )
    start = dt.date(2000, 1, 1).toordinal()
    est = rng.integers(start, dt.date(2026, 6, 30).toordinal(), n)
    est_text = [dt.date.fromordinal(int(x)).isoformat() for x in est]
    classes = rng.choice(list(CLASS_P), n, p=list(CLASS_P.values()))
    status = rng.choice(list(STATUS_P), n, p=list(STATUS_P.values()))
    tags = np.array([i[2] for i in INDUSTRIES])[ind]
    person = np.char.add(
        np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)], np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    )
    road = np.char.add(np.char.add(np.char.add(district, "区"), w[rng.integers(0, len(w), n)]), "路")
    address = np.char.add(np.char.add(np.char.add("济南市", road), rng.integers(1, 999, n).astype(str)), "号")
    return pd.DataFrame(
        {
            "统一社会信用代码": codes,
            "企业名称": names,
            "主体类型": types,
            "成立日期": est_text,
            "登记机关": np.char.add(np.char.add("济南市", district), "区市场监督管理局"),
            "管辖单位": station,
            "行业代码": np.array([i[0] for i in INDUSTRIES])[ind],
            "住所": address,
            "法定代表人": person,
            "登记状态": status,
            "信用风险分类": classes,
            "分类日期": "2026-10-01",
            "标签": tags,
        }
    )


def class_refresh(rng: np.random.Generator, roster: pd.DataFrame, share: float, day: str) -> pd.DataFrame:
    """The monthly 信用风险分类 file: a share of entities moved one class up or down."""
    pick = roster.sample(frac=share, random_state=int(rng.integers(0, 2**31)))
    order = list(CLASS_P)
    moved = [
        order[min(max(order.index(c) + int(rng.choice([-1, 1])), 0), len(order) - 1)] for c in pick["信用风险分类"]
    ]
    return pd.DataFrame(
        {"统一社会信用代码": pick["统一社会信用代码"].to_numpy(), "信用风险分类": moved, "分类日期": day}
    )


QUALIFICATIONS = ["特种设备", "食品", "药品", "计量", "价格", "广告"]


def inspectors(rng: np.random.Generator, n: int = 64) -> pd.DataFrame:
    stations = [s for d in STATIONS.values() for s in d]
    rows = []
    for i in range(n):
        kind = "专家" if i % 16 == 15 else "第三方机构人员" if i % 16 == 14 else "执法人员"
        quals = sorted(set(rng.choice(QUALIFICATIONS, int(rng.integers(0, 3)), replace=False).tolist()))
        expiry = dt.date(2027, 12, 31) if i % 13 else dt.date(2026, 1, 31)  # a few have expired
        rows.append(
            {
                "执法证号": f"3701{i:06d}" if kind == "执法人员" else f"ZJ{i:04d}",
                "姓名": str(rng.choice(SURNAMES)) + str(rng.choice(GIVEN)) + (str(rng.choice(GIVEN)) if i % 3 else ""),
                "人员类别": kind,
                "单位": "济南市市场监督管理局",
                "所属监管所": stations[i % len(stations)],
                "岗位": "执法队员" if kind == "执法人员" else "技术支持",
                "资质": "、".join(quals),
                "执法证有效期至": expiry.isoformat() if kind == "执法人员" else "",
                "状态": "离岗" if i % 29 == 7 else "在岗",
            }
        )
    return pd.DataFrame(rows)
