"""tasks certificate --public: a certificate the public and the drawn entities may see — no entity's class,
ticket or rank; the full certificate and the pool file stay internal and keep verifying (issue 16 §4,
domain.md §3 and §8 "Who sees what")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import U1, U2, U4, Cli

SCRIPT = Path(__file__).parent.parent / "tools" / "verify_draw.py"


def verify_script(*args: Path) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def test_the_public_certificate_names_no_class_ticket_or_rank(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    head = json.loads(cli.ok("audit", "head", "-f", "json").stdout)["head"]
    done = cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "公开.json", "--public")
    assert done.stderr == (
        f"公开版抽取证书（不含分类、签号和名次，可公开）已写入 {tmp_path / '公开.json'} 和 {tmp_path / '公开.md'}\n"
    )
    text = (tmp_path / "公开.json").read_text(encoding="utf-8")
    public = json.loads(text)
    full = json.loads(cli.query("SELECT certificate FROM draws")[0][0])
    assert public["schema"] == "creditcli.draw-certificate-public/1"
    for key in ("algorithm", "algorithm_version", "seed", "mode", "parameters", "pool_digest", "pool_size", "drawn_at"):
        assert public[key] == full[key], key
    assert public["strata"] == [
        {"risk_class": s["risk_class"], "n": s["n"], "k": s["k"], "ratio": "1"} for s in full["strata"]
    ]
    # The selected entities by code (in code order, not the certificate's class-then-rank order) and name.
    assert public["selected"] == [
        {"uscc": U1, "name": "济南甲有限公司"},
        {"uscc": U2, "name": "济南乙有限公司"},
        {"uscc": U4, "name": "济南丁专业合作社"},
    ]
    assert set(public) == {
        "schema", "algorithm", "algorithm_version", "task", "draw_seq", "supersedes", "seed", "seed_generated", "mode",
        "parameters", "pool_digest", "pool_size", "excluded", "frozen_at", "drawn_at", "operator", "tool_version",
        "strata", "selected_count", "written_at", "audit_head", "selected",
    }  # fmt: skip
    assert public["selected_count"] == 3 and public["audit_head"]["head"] == head
    tickets = [s["ticket"] for s in full["selected"]]
    markdown = (tmp_path / "公开.md").read_text(encoding="utf-8")
    for shown in (text, markdown):
        assert "ticket" not in shown and "rank" not in shown
        assert not any(t[2:14] in shown for t in tickets)  # not even a ticket's leading digits
    assert cli.query("SELECT certificate_sha256 FROM draws")[0][0] not in text + markdown
    assert markdown.startswith("# 随机抽取证书（公开版）\n\n本证书可向社会和被抽查企业公开")
    assert f"| 1 | {U1} | 济南甲有限公司 |" in markdown and "| 分类 |" not in markdown
    # The outsider's script says what a public certificate can't do, in one line.
    (tmp_path / "范围.csv").write_bytes(b"")
    assert verify_script(tmp_path / "公开.json", tmp_path / "范围.csv") == (
        1,
        "",
        f"无法复核：{tmp_path / '公开.json'} 是公开版证书（不含分类与签号），不能据以重算抽取；"
        "重算须用内部的完整证书和抽取范围文件\n",
    )


def test_the_full_certificate_and_pool_are_labelled_internal_and_still_verify(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    done = cli.ok("tasks", "certificate", "T1", "-o", tmp_path / "证书.json", "--pool", tmp_path / "范围.csv")
    assert done.stderr.splitlines() == [
        f"抽取证书已写入 {tmp_path / '证书.json'} 和 {tmp_path / '证书.md'}（内部：含每户的信用风险分类，"
        "仅供监督人员、上级机关、审计；公开用 --public）",
        f"抽取范围已写入 {tmp_path / '范围.csv'}（内部：含信用风险分类；证书中的 pool_digest 是各行前两列“代码,分类”的 "
        "SHA-256，第 2 版算法的文件另有第三列盐值，核对时去掉：cut -d, -f1,2 文件 | sha256sum）",
    ]
    # The JSON is byte for byte as issued at draw time, and the outsider's script reproduces it.
    assert (tmp_path / "证书.json").read_text(encoding="utf-8") == cli.query("SELECT certificate FROM draws")[0][0]
    assert verify_script(tmp_path / "证书.json", tmp_path / "范围.csv") == (
        0,
        "一致：3 户抽取结果可由种子和抽取范围完全重现\n",
        "",
    )
    markdown = (tmp_path / "证书.md").read_text(encoding="utf-8").splitlines()
    assert markdown[:3] == [
        "# 随机抽取证书（内部）",
        "",
        "> 内部文件：含每户的信用风险分类与签号，仅供监督人员、上级机关、审计（纪检）复核，不得公开或交给被抽查企业；"
        "对外请用 creditcli tasks certificate --public 写出的公开版。",
    ]
    head = json.loads(cli.ok("audit", "head", "-f", "json").stdout)["head"]
    assert f"- 写出时的审计链头：`{head}`（creditcli audit verify --head 可核对日志仍含此条）" in markdown


def test_a_public_certificate_never_comes_with_the_pool_file(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    before = cli.dump()
    refused = cli(
        "tasks", "certificate", "T1", "-o", tmp_path / "公开.json", "--public", "--pool", tmp_path / "范围.csv"
    )
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        "错误：--pool 写出的抽取范围文件含每户的信用风险分类，仅供内部复核，不能与 --public 同用："
        "公开版证书已含抽取范围摘要；范围文件请另用 creditcli tasks certificate 任务编号 -o 证书.json "
        "--pool 范围.csv 写出\n"
    )
    assert list(tmp_path.glob("公开*")) == [] and not (tmp_path / "范围.csv").exists()
    assert cli.dump() == before


def test_a_task_not_drawn_has_no_public_certificate(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.ok("tasks", "create", "T2", "--name", "未抽取", "--window", "2026-03-01:2026-06-30", "--item", "SJ01")
    before = cli.dump()
    refused = cli("tasks", "certificate", "T2", "-o", tmp_path / "公开.json", "--public")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "错误：任务 T2 没有有效的抽取记录（先用 creditcli tasks draw 抽取）\n",
    )
    assert list(tmp_path.glob("公开*")) == [] and cli.dump() == before


def test_the_printed_certificates_record_the_audit_head(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    import docx

    cli.ok("tasks", "create", "T9", "--name", "有检查机关", "--window", "2026-03-01:2026-06-30", "--item", "SJ01",
           "--authority", "济南市天桥区市场监督管理局", "--ratio", "A=1", "--ratio", "D=1")  # fmt: skip
    cli.ok("tasks", "draw", "T9", "--seed", "20261127000000000077")
    head = json.loads(cli.ok("audit", "head", "-f", "json").stdout)["head"]
    for extra, name in (((), "内部.docx"), (("--public",), "公开.docx")):
        cli.ok("tasks", "document", "T9", "--what", "certificate", *extra, "-o", tmp_path / name)
        rows = [
            "|".join(c.text for c in row.cells) for t in docx.Document(str(tmp_path / name)).tables for row in t.rows
        ]
        assert f"写出时的审计链头|{head}" in rows
