"""Re-run a creditcli draw, or check one entity's proof, with the standard library only (docs/verify.md):

    verify_draw.py 抽取证书.json 抽取范围.csv                       supervisors: the whole draw, version 1 or 2
    verify_draw.py --proof 抽取凭证.json --public 公开证书.json      an entity: its own proof (version 2)

Exit 0: reproduced / proof verified; 1: not reproduced, proof rejected, or a file cannot be used (one line
says why); 2: usage."""

import hashlib
import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path


def ticket(seed_hash, uid):
    h = int(hashlib.sha256((seed_hash + uid).encode()).hexdigest(), 16)
    return "0." + format(h, "064d")[::-1]


def div(a, b):
    return a / b if b else math.inf  # IEEE division, as numpy computes the keys (a > 0 here)


def lambdas(sizes, weights, count):
    if count >= sum(sizes.values()):
        return {c: Fraction(1) for c in sizes}
    certain = set()
    while True:
        rest = count - sum(sizes[c] for c in certain)
        total = sum(Fraction(weights[c]) * sizes[c] for c in sizes if c not in certain)
        lam = {c: Fraction(1) if c in certain else rest * Fraction(weights[c]) / total for c in sizes}
        if all(v < 1 or c in certain for c, v in lam.items()):
            return lam
        certain |= {c for c, v in lam.items() if v >= 1}


def pareto_key(ticket_text, lam):
    """Q = (u/(1−u)) / (λ/(1−λ)) in IEEE doubles (u: the ticket as a double; λ an exact fraction)."""
    x, a = float(ticket_text), float(lam)
    return div(div(x, 1.0 - x), div(a, 1.0 - a))


def redraw(cert, pool, ids=None):
    """The draw from its certificate and pool [(uscc, class)]; ``ids``: uscc → ticket id (version 2:
    ``uscc|salt``; version 1: the uscc itself). Ties are broken by the uscc."""
    seed_hash = hashlib.sha256(cert["seed"].encode()).hexdigest()
    tix = {u: ticket(seed_hash, u if ids is None else ids[u]) for u, _ in pool}
    by_ticket = {u: (t[2:].ljust(80, "0"), u) for u, t in tix.items()}  # tickets compared as numbers, then id
    classes = sorted({c for _, c in pool})
    sizes = {c: sum(1 for _, k in pool if k == c) for c in classes}
    p = cert["parameters"]
    out, strata = [], []
    if cert["mode"] == "stratified":
        for c in classes:
            k = math.ceil(sizes[c] * Fraction(p["ratios"][c]))
            k = min(max(k, p["minimum"].get(c, 0)), p["maximum"].get(c, sizes[c]), sizes[c])
            members = sorted((u for u, k2 in pool if k2 == c), key=by_ticket.get)[:k]
            out += [(i + 1, u, c) for i, u in enumerate(members)]
            strata.append((c, sizes[c], k))
        return out, strata, tix
    lam = lambdas(sizes, p["weights"], p["count"])
    cls = dict(pool)
    first = sorted((u for u, c in pool if lam[c] == 1), key=by_ticket.get)
    rest = [u for u, c in pool if lam[c] < 1]

    def q(u):
        return pareto_key(tix[u], lam[cls[u]])

    chosen = first + sorted(rest, key=lambda u: (q(u), u))[: p["count"] - len(first)]
    out = [(i + 1, u, cls[u]) for i, u in enumerate(chosen)]
    strata = [(c, sizes[c], sum(1 for _, _, k in out if k == c)) for c in classes]
    return out, strata, tix


CERT_V2, PUBLIC_V1, PUBLIC_V2 = (
    "creditcli.draw-certificate/2",
    "creditcli.draw-certificate-public/1",
    "creditcli.draw-certificate-public/2",
)
PROOF_V2 = "creditcli.draw-proof/2"
HEX32, HEX64 = re.compile(r"[0-9a-f]{32}"), re.compile(r"[0-9a-f]{64}")
TICKET = re.compile(r"0\.[0-9]{64,78}")


def fail(reason, word="复核"):
    print(f"无法{word}：{reason}", file=sys.stderr)
    return 1


def is_v2(cert):
    return cert.get("schema") == CERT_V2 or ("schema" not in cert and cert.get("algorithm_version") == 2)


def v2_line(line):
    """True for a version-2 pool line ``uscc,class,salt``."""
    fields = line.split(",")
    return len(fields) == 3 and HEX32.fullmatch(fields[2]) is not None


def main(cert_path, pool_path):
    try:
        cert = json.loads(Path(cert_path).read_text(encoding="utf-8"))
        if isinstance(cert, dict) and cert.get("schema") == "creditcli.draw-certificate-public/1":
            return fail(
                f"{cert_path} 是公开版证书（不含分类与签号），不能据以重算抽取；重算须用内部的完整证书和抽取范围文件"
            )
        if isinstance(cert, dict) and cert.get("schema") == PUBLIC_V2:
            return fail(
                f"{cert_path} 是公开版证书（不含分类、盐值与签号），不能据以重算抽取；重算须用内部的完整证书和带盐值的"
                f"抽取范围文件，核对一户的抽取凭证用 python verify_draw.py --proof 抽取凭证.json --public {cert_path}"
            )
        if isinstance(cert, dict) and cert.get("schema") == PROOF_V2:
            return fail(
                f"{cert_path} 是一户的抽取凭证，不是抽取证书；核对它用 python verify_draw.py --proof {cert_path} "
                "--public 公开证书.json"
            )
        data = Path(pool_path).read_bytes()
        if isinstance(cert, dict) and is_v2(cert):
            return rerun_v2(cert, data, cert_path, pool_path)
        lines = [line for line in data.decode("utf-8").splitlines() if line]  # a blank line changes the digest
        if any("," not in line for line in lines):
            return fail(f"{pool_path} 不是抽取范围文件（每行应为 统一社会信用代码,信用风险分类）")
        if lines and all(v2_line(line) for line in lines):
            return fail(
                f"{cert_path} 是算法版本 1 的抽取证书，{pool_path} 却是版本 2 带盐值的抽取范围文件（代码,分类,盐值）；"
                "请用与证书同一次抽取写出的范围文件"
            )
        pool = [tuple(line.split(",", 1)) for line in lines]
        problems = []
        if hashlib.sha256(data).hexdigest() != cert["pool_digest"]:
            problems.append("抽取范围文件的 SHA-256 与证书中的 pool_digest 不符")
        selected, strata, tix = redraw(cert, pool)
        if [(s["risk_class"], s["n"], s["k"]) for s in cert["strata"]] != strata:
            problems.append(f"各类户数/抽取数不符：重新计算为 {strata}")
        want = [(s["rank"], s["uscc"], s["risk_class"], s["ticket"]) for s in cert["selected"]]
    except FileNotFoundError as exc:
        return fail(f"找不到文件 {exc.filename}")
    except OSError as exc:
        return fail(f"无法读取 {exc.filename}（{exc.strerror}）")
    except UnicodeDecodeError:
        return fail(f"{cert_path} 或 {pool_path} 不是 UTF-8 文本")
    except json.JSONDecodeError as exc:
        return fail(f"{cert_path} 不是抽取证书（JSON 第 {exc.lineno} 行第 {exc.colno} 列有误）")
    except RecursionError:  # json nests one Python call per bracket
        return fail(f"{cert_path} 不是抽取证书（JSON 嵌套过深）")
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
        return fail(f"证书 {cert_path} 缺少字段或字段有误（{type(exc).__name__}: {exc}），或与抽取范围文件不配套")
    return report(
        problems, want, [(r, u, c, tix[u]) for r, u, c in selected], "一致：{} 户抽取结果可由种子和抽取范围完全重现"
    )


def report(problems, want, got, success):
    problems += [f"证书：{w}  重新计算：{g}" for w, g in zip(want, got, strict=False) if w != g]
    if len(want) != len(got):
        problems.append(f"抽中户数不符：证书 {len(want)}，重新计算 {len(got)}")
    print("\n".join(problems) or success.format(len(got)))
    return 1 if problems else 0


# --- Version 2 (domain.md §8b): salted tickets and per-class RFC 6962 Merkle trees -------------------


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves):
    """RFC 6962 MTH over leaf hashes: neighbours paired level by level, a lone last node carried up."""
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + level[-1:] if len(level) % 2 else paired
    return level[0]


def root_from_path(leaf, index, n, path):
    """The root an audit path leads to (RFC 9162 §2.1.3.2), or None if it cannot be one for leaf index of n."""
    if not 0 <= index < n:
        return None
    fn, sn, r = index, n - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def clean(text):
    """``text`` for a one-line message: control characters and line separators as escapes (\\n, \\x1b)."""
    text = str(text)
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def label(risk_class):
    """The class as a message names it after a Chinese character: " A 类", or "未分类" for the empty class."""
    return f" {clean(risk_class)} 类" if risk_class else "未分类"


def fraction_text(value):
    return f"{value.numerator}/{value.denominator}"


def read_pool_v2(data, cert_path, pool_path):
    """[(uscc, class, salt)] and the SHA-256 of the file with its salt column dropped (the ``uscc,class``
    lines the digest published before the seed covers); a file it cannot use raises Unusable."""
    rows, kept, bad = [], [], []
    for number, line in enumerate(data.decode("utf-8").split("\n"), 1):
        if line and v2_line(line):
            u, c, s = line.split(",")
            rows.append((u, c, s))
            line = f"{u},{c}"
        elif line:
            bad.append((number, line))
        kept.append(line)
    if bad and all(line.count(",") == 1 for _, line in bad) and not rows:
        raise Unusable(
            f"{cert_path} 是算法版本 2 的抽取证书，{pool_path} 却是版本 1 的抽取范围文件（代码,分类，没有盐值）；"
            "请用与证书同一次 tasks certificate 写出的带盐值的范围文件（每行 代码,分类,盐值）"
        )
    if bad:
        number, line = bad[0]
        more = f"（共 {len(bad)} 行如此）" if len(bad) > 1 else ""
        raise Unusable(
            f"{pool_path} 第 {number} 行不是 统一社会信用代码,信用风险分类,盐值（盐值为 32 位小写十六进制）："
            f"{line[:80]!r}{more}"
        )
    return rows, hashlib.sha256("\n".join(kept).encode()).hexdigest()


class Unusable(Exception):
    """A file that cannot be used: the one line that says why."""


def rerun_v2(cert, data, cert_path, pool_path):
    """The whole version-2 draw again: digest, roots, tickets of ``uscc|salt``, strata, thresholds, selection."""
    try:
        rows, digest = read_pool_v2(data, cert_path, pool_path)
    except Unusable as exc:
        return fail(str(exc))
    pool = [(u, c) for u, c, _ in rows]
    salts = {u: s for u, _, s in rows}
    problems = []
    if digest != cert["pool_digest"]:
        problems.append("抽取范围文件（去掉盐值一列）的 SHA-256 与证书中的 pool_digest 不符")
    if len(salts) != len(rows):
        problems.append("抽取范围文件中有重复的统一社会信用代码")
    if len(rows) != cert["pool_size"]:
        problems.append(f"抽取范围户数不符：证书 pool_size 为 {clean(cert['pool_size'])}，范围文件有 {len(rows)} 行")
    selected, strata, tix = redraw(cert, pool, {u: f"{u}|{s}" for u, s in salts.items()})
    if [(s["risk_class"], s["n"], s["k"]) for s in cert["strata"]] != strata:
        problems.append(f"各类户数/抽取数不符：重新计算为 {strata}")
    members = {}
    for u, c, s in sorted(rows):
        members.setdefault(c, []).append(leaf_hash(f"{u}|{c}|{s}".encode()))
    p = cert["parameters"]
    if cert["mode"] == "stratified":
        last = {c: u for _, u, c in selected}  # the k-th selected of each class
        for s in cert["strata"]:
            c = s["risk_class"]
            want = tix[last[c]] if c in last else None
            if s["threshold"] != want:
                problems.append(
                    f"{label(c).strip()}的门槛 threshold 不符：证书 {clean(s['threshold'])}，重新计算 {want}"
                )
            if s["n"] and s["inclusion"] != fraction_text(Fraction(s["k"], s["n"])):
                problems.append(f"{label(c).strip()}的入样概率 inclusion 不符：证书 {clean(s['inclusion'])}")
    else:
        lam = lambdas({c: n for c, n, _ in strata}, p["weights"], p["count"])
        keys = [pareto_key(tix[u], lam[c]) for _, u, c in selected if lam[c] < 1]
        want = repr(max(keys)) if keys else None
        if cert["threshold_key"] != want:
            problems.append(f"门槛 threshold_key 不符：证书 {clean(cert['threshold_key'])}，重新计算 {want}")
        for s in cert["strata"]:
            c = s["risk_class"]
            if c in lam and s["inclusion"] != fraction_text(lam[c]):
                problems.append(
                    f"{label(c).strip()}的入样概率 inclusion 不符："
                    f"证书 {clean(s['inclusion'])}，重新计算 {fraction_text(lam[c])}"
                )
    for s in cert["strata"]:
        c = s["risk_class"]
        got = merkle_root(members[c]).hex() if c in members else None
        if s["root"] != got:
            problems.append(
                f"{label(c).strip()}的默克尔树根 root 不符：证书 {clean(s['root'])}，由范围文件计算为 {got}"
            )
    want = [(s["rank"], s["uscc"], s["risk_class"], s["ticket"]) for s in cert["selected"]]
    got = [(r, u, c, tix[u]) for r, u, c in selected]
    return report(
        problems,
        want,
        got,
        "一致：{} 户抽取结果可由种子和带盐值的抽取范围完全重现（算法版本 2，各类默克尔树根与门槛均相符）",
    )


# --- One entity's proof against the public certificate (spec: "Checking a proof") -----------------


def shown(value):
    if isinstance(value, dict):
        return "一个对象"
    if isinstance(value, list):
        return "一个数组"
    text = clean(json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value))
    return text if len(text) <= 40 else text[:40] + "…"


def kind(test, what):
    return test, what


NAT = kind(lambda v: type(v) is int and v >= 0, "非负整数")
POSITIVE = kind(lambda v: type(v) is int and v >= 1, "正整数")
TEXT = kind(lambda v: isinstance(v, str), "字符串")
FLAG = kind(lambda v: type(v) is bool, " true 或 false")
SALT = kind(lambda v: isinstance(v, str) and HEX32.fullmatch(v) is not None, " 32 位小写十六进制字符串")
HASH = kind(lambda v: isinstance(v, str) and HEX64.fullmatch(v) is not None, " 64 位小写十六进制字符串")
TICKET_TEXT = kind(
    lambda v: isinstance(v, str) and TICKET.fullmatch(v) is not None, "签号（“0.” 后接 64 至 78 位数字）"
)
OBJECT = kind(lambda v: isinstance(v, dict), "对象")
ROWS = kind(lambda v: isinstance(v, list), "数组")
ALGORITHM = kind(lambda v: v == "creditcli-consistent-sampling", " creditcli-consistent-sampling")
VERSION_2 = kind(lambda v: type(v) is int and v == 2, " 2")
FRACTION_TEXT = kind(
    lambda v: isinstance(v, str) and re.fullmatch(r"[0-9]{1,60}/[1-9][0-9]{0,59}", v) is not None, "分数 p/q"
)


FLOAT = re.compile(r"inf|[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?")
FLOAT_TEXT = kind(lambda v: isinstance(v, str) and FLOAT.fullmatch(v) is not None, "非负浮点数的 Python repr 写法")


def optional(k):
    return kind(lambda v: v is None or k[0](v), f"{k[1]}或 null")


def need(obj, key, k, where):
    """obj[key] if it is of kind k, else Unusable naming the file and the field."""
    if key not in obj:
        raise Unusable(f"{where} 缺少字段 {key}")
    value = obj[key]
    if not k[0](value):
        raise Unusable(f"{where} 的字段 {key} 应为{k[1]}，现为 {shown(value)}")
    return value


def read_json(path, what):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise Unusable(f"找不到文件 {exc.filename}") from None
    except OSError as exc:
        raise Unusable(f"无法读取 {exc.filename}（{exc.strerror}）") from None
    except UnicodeDecodeError:
        raise Unusable(f"{path} 不是 UTF-8 文本") from None
    except json.JSONDecodeError as exc:
        raise Unusable(f"{path} 不是{what}（JSON 第 {exc.lineno} 行第 {exc.colno} 列有误）") from None
    except RecursionError:
        raise Unusable(f"{path} 不是{what}（JSON 嵌套过深）") from None
    except ValueError:  # an integer of more than 4300 digits
        raise Unusable(f"{path} 不是{what}（JSON 中有位数过多的数）") from None
    if not isinstance(data, dict):
        raise Unusable(f"{path} 不是{what}（应为 JSON 对象，现为 {shown(data)}）")
    return data


def read_proof(path):
    proof = read_json(path, "抽取凭证")
    schema = proof.get("schema")
    if schema == PUBLIC_V2:
        raise Unusable(
            f"{path} 是公开版证书，不是抽取凭证：--proof 后写凭证文件，--public 后写公开证书（两个文件可能给反了）"
        )
    if schema != PROOF_V2:
        raise Unusable(f"{path} 不是算法版本 2 的抽取凭证（schema 应为 {PROOF_V2}，现为 {shown(schema)}）")
    where = f"抽取凭证 {path}"
    task = need(proof, "task", OBJECT, where)
    need(task, "code", TEXT, where + " 的 task")
    fields = {
        "algorithm": ALGORITHM,
        "algorithm_version": VERSION_2,
        "draw_seq": POSITIVE,
        "seed": TEXT,
        "mode": TEXT,
        "uscc": TEXT,
    }
    fields |= {"risk_class": TEXT, "salt": SALT, "leaf_index": NAT, "n": POSITIVE, "audit_path": ROWS}
    fields |= {"root": HASH, "ticket": TICKET_TEXT, "k": NAT, "selected": FLAG}
    for key, k in fields.items():
        need(proof, key, k, where)
    for i, entry in enumerate(proof["audit_path"], 1):
        if not HASH[0](entry):
            raise Unusable(f"{where} 的字段 audit_path 第 {i} 项应为{HASH[1]}，现为 {shown(entry)}")
    if proof["mode"] == "stratified":
        need(proof, "threshold", optional(TICKET_TEXT), where)
    elif proof["mode"] == "weighted":
        need(proof, "lambda", FRACTION_TEXT, where)
        need(proof, "key", optional(FLOAT_TEXT), where)
        need(proof, "threshold_key", optional(FLOAT_TEXT), where)
    else:
        raise Unusable(f"{where} 的字段 mode 应为 stratified 或 weighted，现为 {shown(proof['mode'])}")
    return proof


def read_public(path):
    public = read_json(path, "公开版证书")
    schema = public.get("schema")
    if schema == PROOF_V2:
        raise Unusable(
            f"{path} 是抽取凭证，不是公开版证书：--proof 后写凭证文件，--public 后写公开证书（两个文件可能给反了）"
        )
    if schema == PUBLIC_V1:
        raise Unusable(
            f"{path} 是算法版本 1 的公开版证书：版本 1 的抽取没有抽取凭证，凭证只能对照版本 2 的公开版证书核对"
        )
    if schema != PUBLIC_V2:
        raise Unusable(f"{path} 不是算法版本 2 的公开版证书（schema 应为 {PUBLIC_V2}，现为 {shown(schema)}）")
    where = f"公开版证书 {path}"
    task = need(public, "task", OBJECT, where)
    need(task, "code", TEXT, where + " 的 task")
    fields = {"algorithm": ALGORITHM, "algorithm_version": VERSION_2, "draw_seq": POSITIVE, "seed": TEXT}
    fields |= {"mode": TEXT, "strata": ROWS, "selected": ROWS}
    for key, k in fields.items():
        need(public, key, k, where)
    if public["mode"] == "weighted":
        need(public, "threshold_key", optional(FLOAT_TEXT), where)
    for i, s in enumerate(public["strata"], 1):
        at = f"{where} 的 strata 第 {i} 项"
        if not isinstance(s, dict):
            raise Unusable(f"{at}应为对象，现为 {shown(s)}")
        for key, k in (("risk_class", TEXT), ("n", NAT), ("k", NAT), ("root", optional(HASH))):
            need(s, key, k, at)
        if public["mode"] == "stratified":
            need(s, "threshold", optional(TICKET_TEXT), at)
        elif public["mode"] == "weighted":
            need(s, "lambda", FRACTION_TEXT, at)
    for i, s in enumerate(public["selected"], 1):
        if not isinstance(s, dict):
            raise Unusable(f"{where} 的 selected 第 {i} 项应为对象，现为 {shown(s)}")
        need(s, "uscc", TEXT, f"{where} 的 selected 第 {i} 项")
    return public


def as_number(ticket_text):
    """A ticket as a string that compares as the number does."""
    return ticket_text[2:].ljust(80, "0")


def check_proof(proof, public):
    """(True, what it found) or (False, which check failed): spec "Checking a proof", steps 1-4."""
    c, u = proof["risk_class"], proof["uscc"]
    # 1. The path leads from the leaf to the root, and that is the public root of the class.
    leaf = leaf_hash(f"{u}|{c}|{proof['salt']}".encode())
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    got = root_from_path(leaf, proof["leaf_index"], proof["n"], path)
    if got is None or got.hex() != proof["root"]:
        return False, (
            "第 1 步（默克尔路径）未通过：由凭证中的代码、分类、盐值、叶序号和审计路径算出的树根与凭证中的 root 不符，"
            "凭证中的代码、分类、盐值、路径或树根有改动"
        )
    stratum = [s for s in public["strata"] if s["risk_class"] == c]
    if not stratum:
        return False, f"第 1 步（默克尔路径）未通过：公开版证书中没有{label(c)}，凭证中的分类有误"
    s = stratum[0]
    if s["root"] != proof["root"]:
        return False, f"第 1 步（默克尔路径）未通过：凭证中的树根与公开版证书公布的{label(c)}树根不同"
    if s["n"] != proof["n"]:
        return False, f"第 1 步（默克尔路径）未通过：凭证中的户数 n = {proof['n']}，公开版证书中{label(c)}为 {s['n']}"
    # 2. The same draw, and the ticket of uscc|salt under its seed.
    same = [("任务", proof["task"]["code"], public["task"]["code"]), ("种子", proof["seed"], public["seed"])]
    same += [("抽取次序", proof["draw_seq"], public["draw_seq"]), ("抽取方式", proof["mode"], public["mode"])]
    for name, mine, theirs in same:
        if mine != theirs:
            return (
                False,
                f"第 2 步（签号）未通过：凭证的{name} {shown(mine)} 与公开版证书的 {shown(theirs)} 不同，"
                "不是同一次抽取",
            )
    want = ticket(hashlib.sha256(proof["seed"].encode()).hexdigest(), f"{u}|{proof['salt']}")
    if want != proof["ticket"]:
        return (
            False,
            f"第 2 步（签号）未通过：由种子和 代码|盐值 算出的签号为 {want}，与凭证中的 {proof['ticket']} 不符",
        )
    # 3. Selected exactly when the ticket (weighted: the Pareto key) is within the class's threshold.
    if s["k"] != proof["k"]:
        return False, f"第 3 步（门槛）未通过：凭证中的抽取数 k = {proof['k']}，公开版证书中{label(c)}为 {s['k']}"
    if proof["mode"] == "stratified":
        t = proof["threshold"]
        if s["threshold"] != t:
            return (
                False,
                f"第 3 步（门槛）未通过：凭证中的门槛 {t} 与公开版证书中{label(c)}的门槛 {s['threshold']} 不同",
            )
        inside = t is not None and as_number(proof["ticket"]) <= as_number(t)
        why = f"签号 {proof['ticket']} {'不大于' if inside else '大于'}该类门槛 {t}" if t else "该类抽取数为 0"
    else:
        if s["lambda"] != proof["lambda"]:
            return (
                False,
                f"第 3 步（门槛）未通过：凭证中的入样概率 λ = {proof['lambda']}，"
                f"公开版证书中{label(c)}为 {s['lambda']}",
            )
        if public["threshold_key"] != proof["threshold_key"]:
            return (
                False,
                f"第 3 步（门槛）未通过：凭证中的门槛 threshold_key 与公开版证书的 {public['threshold_key']} 不同",
            )
        p, q = (int(x) for x in proof["lambda"].split("/"))
        if Fraction(p, q) >= 1:
            inside, key, why = True, None, "该类入样概率为 1（全类抽中）"
        else:
            key = pareto_key(proof["ticket"], Fraction(p, q))
            t = proof["threshold_key"]
            inside = t is not None and key <= float(t)
            why = (
                f"Pareto 键 {key!r} {'不大于' if inside else '大于'}门槛 {t}"
                if t
                else "门槛 threshold_key 为空（没有按 Pareto 键抽中的对象）"
            )
        stated = proof["key"]
        if (stated is None) != (key is None) or (key is not None and float(stated) != key):
            return False, f"第 3 步（门槛）未通过：由签号和 λ 算出的 Pareto 键为 {key!r}，与凭证中的 {stated} 不符"
    if proof["selected"] != inside:
        said = "抽中" if proof["selected"] else "未抽中"
        return False, f"第 3 步（门槛）未通过：{why}，凭证却写“{said}”"
    # 4. The public list agrees.
    entry = next((e for e in public["selected"] if e["uscc"] == u), None)
    listed = entry is not None
    if listed != inside:
        return False, (
            f"第 4 步（抽中名单）未通过：{why}，"
            f"但公开版证书的抽中名单中{'没有' if inside else '却有'}统一社会信用代码 {clean(u)}"
        )
    # Named as the public list names it: the proof's own name is not part of what is checked.
    name = clean(entry["name"]) if entry is not None and isinstance(entry.get("name"), str) else ""
    who = f"{name}（{clean(u)}）" if name else f"统一社会信用代码 {clean(u)} "
    fate = "被抽中，公开的抽中名单中有它" if inside else "未被抽中，公开的抽中名单中也没有它"
    return True, (
        f"凭证核对无误：{who}在任务 {clean(public['task']['code'])} 第 {public['draw_seq']} 次抽取中属{label(c)}，"
        f"其默克尔路径通向公开版证书公布的该类树根，{why}，{fate}"
    )


def main_proof(proof_path, public_path):
    try:
        proof = read_proof(proof_path)
        public = read_public(public_path)
        ok, text = check_proof(proof, public)
    except Unusable as exc:
        return fail(str(exc), "核对")
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError) as exc:
        return fail(f"{proof_path} 或 {public_path} 有字段无法使用（{type(exc).__name__}: {exc}）", "核对")
    print(text if ok else f"凭证未通过核对：{text}")
    return 0 if ok else 1


USAGE = (
    "用法：python verify_draw.py 抽取证书.json 抽取范围.csv\n"
    "      python verify_draw.py --proof 抽取凭证.json --public 公开证书.json"
)


def arguments(argv):
    """("draw", cert, pool), ("proof", proof, public), ("help",) or None (usage error)."""
    if argv in (["-h"], ["--help"]):
        return ("help",)
    if len(argv) == 4 and {argv[0], argv[2]} == {"--proof", "--public"}:
        given = {argv[0]: argv[1], argv[2]: argv[3]}
        return ("proof", given["--proof"], given["--public"])
    if len(argv) == 2 and argv[0] not in ("-h", "--help") and not {"--proof", "--public"} & set(argv):
        return ("draw", *argv)
    return None


if __name__ == "__main__":
    parsed = arguments(sys.argv[1:])
    if parsed is None or parsed[0] == "help":
        print(USAGE, file=sys.stdout if parsed else sys.stderr)
        sys.exit(0 if parsed else 2)
    sys.exit((main if parsed[0] == "draw" else main_proof)(*parsed[1:]))
