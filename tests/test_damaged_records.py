"""Records damaged in the database (findings 6, 24): the pool is checked against its digest whenever it
is read, a task whose stored parameters cannot be read is named and does not break `tasks list` for
the others, and `audit verify` recomputes the digests the records carry. Exit 1 (README: 复核不一致,
含冻结范围等记录已损坏), nothing written, no internal error."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from conftest import U1, Cli

RESTORE = "请用 creditcli audit verify 查找被改动之处，并从备份恢复数据库"


def test_a_pool_that_no_longer_matches_its_digest_gives_no_certificate(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    """An empty blob decompresses to nothing: the certificate was written with a 0-byte pool file."""
    digest = cli.query("SELECT pool_digest FROM pool_freezes")[0][0]
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256 of nothing
    for blob in (b"", gzip.compress(b"91370112MA3C00001X,A\n", mtime=0)):
        cli.execute("UPDATE pool_freezes SET pool = :blob", blob=blob)
        before = cli.dump()
        out = tmp_path / "证书.json"
        result = cli("tasks", "certificate", "T1", "-o", out, "--pool", tmp_path / "范围.csv")
        actual = empty if not blob else hashlib.sha256(gzip.decompress(blob)).hexdigest()
        assert (result.exit_code, result.stderr) == (
            1,
            f"错误：任务 T1 第 1 次冻结的抽取范围记录已损坏：内容的摘要 {actual[:16]}… 与冻结时记录的 "
            f"{digest[:16]}… 不符；{RESTORE}\n",
        )
        assert list(tmp_path.glob("证书*")) == [] and not (tmp_path / "范围.csv").exists()
        assert cli.dump() == before


def test_audit_verify_recomputes_the_pool_and_reads_the_assignment_inputs(
    cli: Cli, assigned: dict[str, list[str]]
) -> None:
    assert cli.ok("audit", "verify").exit_code == 0
    digest = cli.query("SELECT pool_digest FROM pool_freezes")[0][0]
    cli.execute("UPDATE pool_freezes SET pool = :blob", blob=gzip.compress(b"x\n", mtime=0))
    cli.execute("UPDATE assignments SET inputs = :blob", blob=b"\x1f\x8b\x08\x00damaged")
    before = cli.dump()
    result = cli("audit", "verify", "-f", "json")
    assert result.exit_code == 1
    actual = hashlib.sha256(b"x\n").hexdigest()
    problems = json.loads(result.stdout)["problems"]
    assert problems[0] == (
        f"任务 T1 第 1 次冻结的抽取范围记录已损坏：内容的摘要 {actual[:16]}… "
        f"与冻结时记录的 {digest[:16]}… 不符；{RESTORE}"
    )
    assert problems[1].startswith("任务 T1 第 1 次检查组匹配的输入记录已损坏：无法解压（")
    assert len(problems) == 2
    assert cli.dump() == before


def test_a_damaged_task_is_named_and_the_others_are_listed(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.ok("tasks", "create", "T2", "--name", "另一个任务", "--window", "2026-03-01:2026-06-30")
    cli.execute("UPDATE tasks SET spec = :s WHERE code = 'T1'", s='{"code": "T1", "name": ')
    before = cli.dump()
    listed = json.loads(cli.ok("tasks", "list", "-f", "json").stdout)["rows"]
    assert [(r["code"], r["task_type"]) for r in listed] == [("T1", "！记录已损坏"), ("T2", "不定向")]
    message = f"错误：任务 T1 的任务参数记录（tasks.spec）已损坏：内容无法读取；{RESTORE}\n"
    for args in (
        ["tasks", "show", "T1"],
        ["tasks", "verify", "T1"],
        ["tasks", "draw", "T1", "--redraw", "--reason", "x"],
    ):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (1, message), args
    result = cli("results", "record", "T1", U1, "--result", "1", "--date", "2026-04-01", "--inspector", assigned[U1][0])
    assert (result.exit_code, result.stderr) == (1, message)
    assert cli.dump() == before


def test_a_damaged_certificate_is_named(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    cli.execute("UPDATE draws SET certificate = :c", c="{not json")
    before = cli.dump()
    result = cli("tasks", "show", "T1")
    assert (result.exit_code, result.stderr) == (1, f"错误：任务 T1 的抽取证书已损坏：内容无法读取；{RESTORE}\n")
    result = cli("tasks", "certificate", "T1", "-o", tmp_path / "c.json")
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：任务 T1 第 1 次抽取的证书已损坏：内容无法读取；{RESTORE}\n",
    )
    assert not (tmp_path / "c.json").exists()
    result = cli("tasks", "verify", "T1")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：任务 T1 第 1 次抽取复核不一致：\n抽取证书内容与其 SHA-256 不符：证书被改动过\n"
        f"任务 T1 第 1 次抽取的证书已损坏：内容无法读取；{RESTORE}\n",
    )
    assert cli.dump() == before


def test_damaged_draw_parameters_are_reported_by_verify(cli: Cli, assigned: dict[str, list[str]]) -> None:
    cli.execute("UPDATE draws SET parameters = :p", p="{")
    before = cli.dump()
    result = cli("tasks", "verify", "T1")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：任务 T1 第 1 次抽取复核不一致：\n抽取参数与任务记录不符\n"
        f"任务 T1 第 1 次抽取的参数已损坏：内容无法读取；{RESTORE}\n",
    )
    assert cli.dump() == before
