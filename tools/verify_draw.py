"""Re-run a creditcli draw with the standard library only (docs/verify.md): verify_draw.py cert.json pool.csv
Exit 0: reproduced; 1: not reproduced, or a file cannot be used (one line says why); 2: usage."""

import hashlib
import json
import math
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


def redraw(cert, pool):
    seed_hash = hashlib.sha256(cert["seed"].encode()).hexdigest()
    tix = {u: ticket(seed_hash, u) for u, _ in pool}
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
        x, a = float(tix[u]), float(lam[cls[u]])
        return div(div(x, 1.0 - x), div(a, 1.0 - a))

    chosen = first + sorted(rest, key=lambda u: (q(u), u))[: p["count"] - len(first)]
    out = [(i + 1, u, cls[u]) for i, u in enumerate(chosen)]
    strata = [(c, sizes[c], sum(1 for _, _, k in out if k == c)) for c in classes]
    return out, strata, tix


def fail(reason):
    print(f"无法复核：{reason}", file=sys.stderr)
    return 1


def main(cert_path, pool_path):
    try:
        cert = json.loads(Path(cert_path).read_text(encoding="utf-8"))
        if isinstance(cert, dict) and cert.get("schema") == "creditcli.draw-certificate-public/1":
            return fail(
                f"{cert_path} 是公开版证书（不含分类与签号），不能据以重算抽取；重算须用内部的完整证书和抽取范围文件"
            )
        data = Path(pool_path).read_bytes()
        lines = [line for line in data.decode("utf-8").splitlines() if line]  # a blank line changes the digest
        if any("," not in line for line in lines):
            return fail(f"{pool_path} 不是抽取范围文件（每行应为 统一社会信用代码,信用风险分类）")
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
    got = [(r, u, c, tix[u]) for r, u, c in selected]
    problems += [f"证书：{w}  重新计算：{g}" for w, g in zip(want, got, strict=False) if w != g]
    if len(want) != len(got):
        problems.append(f"抽中户数不符：证书 {len(want)}，重新计算 {len(got)}")
    print("\n".join(problems) or f"一致：{len(got)} 户抽取结果可由种子和抽取范围完全重现")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        asked = sys.argv[1:] in (["-h"], ["--help"])
        print("用法：python verify_draw.py 抽取证书.json 抽取范围.csv", file=sys.stdout if asked else sys.stderr)
        sys.exit(0 if asked else 2)
    sys.exit(main(*sys.argv[1:]))
