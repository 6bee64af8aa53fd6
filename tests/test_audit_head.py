"""audit head / audit verify --head: the chain's head kept outside the database catches a chain that was
rewritten and rehashed inside it; certificates, public file sets and archives record the head (issue 16 §4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

from conftest import U1, Cli, record_result


def noted_head(cli: Cli) -> str:
    return str(json.loads(cli.ok("audit", "head", "-f", "json").stdout)["head"])


def rehash_from(cli: Cli, first: int) -> None:
    """What someone with write access to the database can do: recompute every entry's hash from ``first``
    on with the formula of audit.py, so that the chain verifies again inside the database."""
    rows = cli.query(
        "SELECT seq, at, os_user, command, arguments, counts, digest, refs, prev_hash FROM audit_log ORDER BY seq"
    )
    previous = ""
    for seq, at, user, command, arguments, counts, digest, refs, prev_hash in rows:
        if seq >= first:
            prev_hash = previous
            when = dt.datetime.fromisoformat(str(at)).isoformat(sep=" ", timespec="seconds")
            body = [seq, when, user, command, arguments, counts, digest, refs, prev_hash]
            text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
            new = hashlib.sha256(text.encode("utf-8")).hexdigest()
            cli.execute(
                "UPDATE audit_log SET prev_hash = :p, entry_hash = :h WHERE seq = :s", p=prev_hash, h=new, s=seq
            )
            previous = new
        else:
            previous = str(cli.query("SELECT entry_hash FROM audit_log WHERE seq = :s", s=seq)[0][0])


def test_audit_head_prints_the_newest_entry(cli: Cli, assigned: dict[str, list[str]]) -> None:
    seq, entry_hash, command = cli.query("SELECT seq, entry_hash, command FROM audit_log ORDER BY seq DESC")[0]
    data = json.loads(cli.ok("audit", "head", "-f", "json").stdout)
    assert data == {
        "schema": "creditcli.audit-head/1",
        "seq": 6,
        "entry_hash": entry_hash,
        "at": data["at"],
        "command": "creditcli tasks assign",
        "head": f"6:{entry_hash}",
    }
    assert (seq, command) == (6, "creditcli tasks assign")
    table = cli.ok("audit", "head").stdout
    assert f"6:{entry_hash}" in table and "链头" in table
    csv_lines = cli.ok("audit", "head", "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == "序号,记录摘要,时间,命令,链头" and csv_lines[1].endswith(f",6:{entry_hash}")


def test_an_empty_log_has_no_head(cli: Cli) -> None:
    cli.ok("db", "upgrade")  # a database, and no change of data yet
    empty = cli("audit", "head")
    assert (empty.exit_code, empty.stdout, empty.stderr) == (
        66,
        "",
        "错误：审计日志还没有任何记录，没有链头可打印：任何修改数据的命令都会追加一条记录\n",
    )


def test_a_rehashed_chain_passes_alone_but_not_against_a_noted_head(cli: Cli, assigned: dict[str, list[str]]) -> None:
    head = noted_head(cli)
    assert cli.ok("audit", "verify", "--head", head).stdout.splitlines()[1] == (
        f"链头 {head[:18]}… 仍在日志中，此前的记录未被改写"
    )
    # Entry 2 (the inspectors import) is altered, and every hash from it on recomputed.
    cli.execute("UPDATE audit_log SET counts = :c WHERE seq = 2", c='{"rows":1}')
    rehash_from(cli, 2)
    assert cli("audit", "verify").exit_code == 0  # inside the database, nothing shows
    before = cli.dump()
    caught = cli("audit", "verify", "--head", head)
    assert caught.exit_code == 1
    now = cli.query("SELECT entry_hash FROM audit_log WHERE seq = 6")[0][0]
    assert caught.stderr == (
        f"错误：审计核验未通过：所给链头与审计记录第 6 条（creditcli tasks assign）不符：所给哈希 {head[2:18]}…，"
        f"日志中为 {now[:16]}…；第 6 条或其前的记录被改写并重新计算了哈希（共 1 处）\n"
    )
    report = json.loads(cli("audit", "verify", "--head", head, "-f", "json").stdout)
    assert (report["ok"], report["heads"]) == (False, [{"head": head, "held": False}])
    assert cli.dump() == before  # verifying writes nothing


def test_deleted_newest_entries_are_found_against_a_later_head(cli: Cli, assigned: dict[str, list[str]]) -> None:
    earlier = noted_head(cli)
    assert record_result(cli, U1, assigned[U1]).exit_code == 0
    later = noted_head(cli)
    # The result's entry (the newest) deleted together with the rows it recorded: inside the database
    # an older, consistent state, which only a head kept outside can tell apart.
    cli.execute("DELETE FROM result_changes")
    cli.execute("DELETE FROM results")
    cli.execute("DELETE FROM audit_log WHERE seq = 7")
    assert cli("audit", "verify", "--head", earlier).exit_code == 0  # entry 6 is still there, unchanged
    caught = cli("audit", "verify", "--head", earlier, "--head", later)
    assert caught.exit_code == 1
    assert caught.stderr == (
        f"错误：审计核验未通过：所给链头 {later[:18]}… 不在审计日志中：第 7 条已不存在（现在最新为第 6 条），"
        "该条或其后的记录被删除（共 1 处）\n"
    )


def test_a_malformed_head_is_a_usage_error(cli: Cli, assigned: dict[str, list[str]]) -> None:
    for bad in ("6", "abc:def", "0:" + "a" * 64, "6:" + "a" * 63, "6:" + "g" * 64):
        refused = cli("audit", "verify", "--head", bad)
        assert (refused.exit_code, refused.stdout) == (2, ""), bad
        assert refused.stderr == (
            "错误：--head 应写作 序号:哈希（audit head 打印的链头，序号从 1 起，哈希为 64 位十六进制），"
            f"而不是 {bad!r}\n"
        )


def test_public_file_sets_and_archives_record_the_head(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    head = noted_head(cli)
    done = cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "名单.csv")
    manifest_path = tmp_path / "名单.csv.清单.json"
    assert done.stderr.splitlines()[-1] == f"公示文件清单（文件摘要与审计链头）已写入 {manifest_path}"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    written = (tmp_path / "名单.csv").read_bytes()
    assert manifest == {
        "schema": "creditcli.publicity-manifest/1",
        "task": "T1",
        "what": "list",
        "title": "抽查任务公告及抽查名单",
        "file": "名单.csv",
        "format": "csv",
        "rows": 3,
        "sha256": hashlib.sha256(written).hexdigest(),
        "written_at": manifest["written_at"],
        "audit_head": {"seq": 6, "entry_hash": head[2:], "head": head},
    }

    cli.ok("archive", "export", "--task", "T1", "-o", tmp_path / "档案.zip")
    with zipfile.ZipFile(tmp_path / "档案.zip") as z:
        data = json.loads(z.read(f"{U1}/archive.json"))
        index = z.read(f"{U1}/index.md").decode("utf-8")
    assert data["audit_head"]["head"] == head
    assert f"写出时的审计链头：`{head}`" in index
    # Each recorded head is one `audit verify --head` accepts.
    assert (
        cli("audit", "verify", "--head", data["audit_head"]["head"], "--head", manifest["audit_head"]["head"]).exit_code
        == 0
    )


def test_a_public_file_and_its_manifest_appear_together_or_not_at_all(
    cli: Cli, assigned: dict[str, list[str]], tmp_path: Path
) -> None:
    (tmp_path / "名单.csv.清单.json").mkdir()  # the manifest cannot be written
    before = cli.dump()
    refused = cli("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "名单.csv")
    assert (refused.exit_code, refused.stderr) == (
        73,
        f"错误：{tmp_path / '名单.csv.清单.json'} 是目录，请给出文件名\n",
    )
    assert not (tmp_path / "名单.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert cli.dump() == before


def test_a_public_file_sent_to_a_device_has_no_manifest_beside_it(cli: Cli, assigned: dict[str, list[str]]) -> None:
    done = cli.ok("publicity", "export", "T1", "--what", "list", "-o", "/dev/null", "-f", "csv")
    assert done.stderr == "已导出 3 条到 /dev/null\n"
    assert not Path("/dev/null.清单.json").exists()
