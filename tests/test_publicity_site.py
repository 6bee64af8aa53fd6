"""publicity site: the static 公示 page and its files, written whole into a new or empty directory; the
same public files as the other public commands write; nothing internal; results only once published."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ENTITY_HEADER, PUBLIC_FIELDS, U1, U2, U4, Cli, entity_rows, expect, fill, record_result, write_csv
from creditcli.results import site


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def embedded(page: Path) -> dict[str, object]:
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="site-data">(.*?)</script>', text, re.S)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_the_page_and_its_files_before_the_results(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    before = cli.dump()
    done = cli.ok("publicity", "site", "T1", "-o", tmp_path / "公示")
    folder = tmp_path / "公示"
    assert done.stderr == f"公示页已写入 {folder / 'index.html'}（另有 2 个供下载的文件）\n"
    assert files(folder) == ["T1-抽取证书（公开）.json", "T1-抽查名单.csv", "index.html"]
    assert cli.dump() == before  # a read: no audit entry, nothing changed
    # The public files exactly as the other public commands write them (same clock, same audit head).
    cli.ok("tasks", "certificate", "T1", "--public", "-o", tmp_path / "c.json")
    cli.ok("publicity", "export", "T1", "--what", "list", "-o", tmp_path / "l.csv")

    # Byte for byte but for the moment of writing (the pinned clock runs on: a second may pass between the two).
    def unwritten(path: Path) -> str:
        return re.sub(r'"written_at": "[^"]*"', '"written_at": …', path.read_text(encoding="utf-8"))

    assert unwritten(folder / "T1-抽取证书（公开）.json") == unwritten(tmp_path / "c.json")
    assert (folder / "T1-抽查名单.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()
    page = folder / "index.html"
    text = page.read_text(encoding="utf-8")
    assert embedded(page) == {
        "schema": "creditcli.publicity-site/1",
        "certificate": json.loads((folder / "T1-抽取证书（公开）.json").read_text(encoding="utf-8")),
    }
    for shown in ("<title>登记事项抽查（T1）抽查公示</title>", "<th>抽查计划编号</th><td>2026-JH-01</td>",
                  "<th>检查机关</th><td>济南市天桥区市场监督管理局</td>", "<th>抽查事项</th><td>登记事项检查</td>",
                  "<th>检查日期自</th><td>2026-03-01</td>", f"<td>济南甲有限公司</td><td>{U1}</td>",
                  f"<td>济南丁专业合作社</td><td>{U4}</td>", '<p id="results-pending">检查结果尚未公示。</p>',
                  "<code>20261127000000000042</code>", "creditcli-consistent-sampling 第 1 版",
                  "逐户抽取凭证只有第 2 版算法的抽取才有，本页无法核验凭证。",
                  '<input type="file" id="proof-file" accept=".json,application/json" disabled>',
                  '<a href="T1-%E6%8A%BD%E6%9F%A5%E5%90%8D%E5%8D%95.csv" download>抽查名单（CSV）</a>'):  # fmt: skip
        assert shown in text, shown
    # Self-contained: no address anywhere, a policy that allows nothing but the one inline script.
    assert "://" not in text and "http:" not in text and "https:" not in text
    script = text.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text)
    assert policy is not None
    assert policy.group(1).replace("&#x27;", "'") == (
        f"default-src 'none'; script-src {site.script_hash(script)}; style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )
    assert text.count("<script") == 2 and "src=" not in text and "<link" not in text and "<img" not in text
    # Nothing internal: no entity's class, ticket, inspector.
    tickets = [t for (t,) in cli.query("SELECT ticket FROM draw_selections")]
    for secret in (*tickets, *(c for team in assigned.values() for c in team), "信用风险分类（仅见于本户凭证）</th>"):
        assert secret not in text.replace('信用风险分类（仅见于本户凭证）"', "")
    for uscc, klass in ((U1, "A"), (U2, "D"), (U4, "C")):
        row = re.search(rf"<tr>[^\n]*?{uscc}.*?</tr>", text)
        assert row is not None and f">{klass}<" not in row.group(0)


def test_the_results_once_published(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    for uscc in (U1, U2, U4):
        assert record_result(cli, uscc, assigned[uscc], "--remarks", "内部备注：负责人不配合").exit_code == 0
    cli.ok("publicity", "site", "T1", "-o", tmp_path / "before")
    assert "检查结果尚未公示。" in (tmp_path / "before" / "index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "before" / "T1-抽查结果公告.csv").exists()  # recorded is not published
    cli.ok("publicity", "mark", "T1", "--date", "2026-07-10")
    cli.ok("publicity", "site", "T1", "-o", tmp_path / "after")
    cli.ok("publicity", "export", "T1", "--what", "results", "-o", tmp_path / "r.csv")
    assert (tmp_path / "after" / "T1-抽查结果公告.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()
    text = (tmp_path / "after" / "index.html").read_text(encoding="utf-8")
    assert "<p>检查结果已于 2026-07-10 公示。</p>" in text
    assert (
        "<tr><th class=num>序号</th><th>抽查市场主体名称</th><th>统一社会信用代码/注册号</th><th>检查完成日期</th>"
        "<th>检查结果</th><th>备注</th></tr>"
    ) in text
    assert f"<td>济南乙有限公司</td><td>{U2}</td><td>2026-04-01</td><td>未发现问题</td><td></td>" in text
    assert "内部备注" not in text and "results-pending" not in text


def test_only_a_new_or_empty_directory(cli: Cli, assigned: dict[str, list[str]], tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "说明.txt").write_text("别人的文件", encoding="utf-8")
    cli.refused(
        ["publicity", "site", "T1", "-o", folder],
        73,
        f"错误：目录 {folder} 已存在且不是空目录：公示页只写入新目录或空目录（不覆盖、不混入已有文件），"
        "请用 -o 指定一个新目录\n",
    )
    assert files(folder) == ["说明.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    cli.ok("publicity", "site", "T1", "-o", empty)
    assert "index.html" in files(empty)
    again = cli("publicity", "site", "T1", "-o", empty)  # the page just written is not overwritten either
    assert again.exit_code == 73
    missing = tmp_path / "no" / "site"
    result = cli("publicity", "site", "T1", "-o", missing)
    assert result.exit_code == 73 and str(tmp_path / "no") in result.stderr
    assert not (tmp_path / "no").exists()


def test_refused_before_anything_is_written(cli: Cli, tmp_path: Path) -> None:
    cli.ok("entities", "import", write_csv(tmp_path / "e.csv", ENTITY_HEADER, entity_rows()))
    cli.ok("tasks", "create", "T2", "--name", "未抽取", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1",
           *PUBLIC_FIELDS)  # fmt: skip
    expect(cli("publicity", "site", "T2", "-o", tmp_path / "s"), 1, "任务 T2 尚未抽取，没有可公示的名单或结果")
    expect(
        cli("publicity", "site", "T9", "-o", tmp_path / "s"),
        66,
        "没有编号为 T9 的抽查任务（用 creditcli tasks list 查看已有任务）",
    )
    # A task without its 检查机关 (nor one configured): refused as the public list export refuses it.
    cli.ok("tasks", "create", "T3", "--name", "无机关", "--window", "2026-03-01:2026-06-30", "--ratio", "A=1",
           "--plan-code", "2026-JH-01", "--plan-name", "年度抽查计划")  # fmt: skip
    cli.ok("tasks", "draw", "T3", "--seed", "20261127000000000042")
    refused = cli("publicity", "site", "T3", "-o", tmp_path / "s")
    assert refused.exit_code == 65
    assert refused.stderr.startswith("错误：任务 T3 的抽查任务公告及抽查名单有 2 个必填列为空，未写出文件\n")
    assert "  “检查机关”: 为空：在配置文件中写 authority" in refused.stderr
    assert refused.stderr.endswith(f"\n{site.NO_ALLOW_EMPTY}\n")  # no option the command does not have
    assert "请加 --allow-empty" not in refused.stderr
    assert not (tmp_path / "s").exists()


def test_a_full_disk_leaves_nothing(cli: Cli, assigned: dict[str, list[str]], small_disk: Path) -> None:
    fill(small_disk, leave=8192)  # room for the directory and the small files, not for the page
    result = cli("publicity", "site", "T1", "-o", small_disk / "site")
    assert result.exit_code == 73, result.stderr
    assert result.stderr == (
        f"错误：无法写出 {small_disk / 'site' / 'index.html'}：磁盘空间已满；请释放磁盘空间后重试，或写到其他磁盘\n"
    )
    assert files(small_disk) == ["filler"]  # no page, no file beside it, no directory
