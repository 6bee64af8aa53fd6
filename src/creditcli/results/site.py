"""The 公示 page (``publicity site``, issue 18 §3): one static, self-contained ``index.html`` with the plan,
the 抽查名单, the results once published, the public draw certificate, a plain-Chinese account of how the
draw works, and a verifier with which an entity checks its own 抽取凭证 in the browser.

The page loads nothing: its style and script are inline, its data sit in a ``<script
type="application/json">`` element (a page opened from ``file://`` cannot fetch), and a
Content-Security-Policy forbids every request, allowing the one script by its SHA-256. Beside it, for
download, the public certificate exactly as ``tasks certificate --public`` writes it and the public CSV
files exactly as ``publicity export`` writes them. No entity's risk class, salt or ticket is on the page:
the only class a visitor sees is the one inside the proof they open themselves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.db.models import Publication, Task
from creditcli.draw.certificate import public_certificate
from creditcli.draw.tasks import spec_of
from creditcli.draw.terms import class_label
from creditcli.errors import DataError, OutputError
from creditcli.io.formats import FileFormat
from creditcli.io.writers import Table, output_set, write_table_at
from creditcli.results import publicity

SCHEMA = "creditcli.publicity-site/1"
INDEX = "index.html"
_PLAN_KEYS = (*publicity.HEADER, "authority", "drawn")
_LIST_KEYS = ("seq", "name", "uscc", "reg_authority")
_RESULT_KEYS = ("seq", "name", "uscc", "completed_on", "results", "note")


@dataclass(frozen=True)
class Site:
    """What the page shows; ``gather`` reads it from the database, ``page`` renders it (pure)."""

    code: str
    plan: Sequence[tuple[str, str]]
    """(label, value) of the plan and task, in the order of the public list's header."""
    listing: Table
    """The 抽查名单 as ``publicity export --what list`` writes it."""
    certificate_text: str
    """The public certificate as ``tasks certificate --public`` writes it."""
    results: Table | None = None
    """The 抽查结果公告 as ``publicity export --what results`` writes it; None until published."""
    results_published: str | None = None
    written_at: str = ""

    @property
    def certificate(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.certificate_text)
        return data


def file_names(code: str) -> dict[str, str]:
    """The files beside ``index.html`` (the task code is a safe file name: tasks create checks it)."""
    return {
        "certificate": f"{code}-抽取证书（公开）.json",
        "list": f"{code}-抽查名单.csv",
        "results": f"{code}-抽查结果公告.csv",
    }


def check_directory(target: Path) -> None:
    """A new or empty directory only: the page never overwrites or mixes with files already there."""
    folder = target.expanduser()
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError(
            f"目录 {folder} 已存在且不是空目录：公示页只写入新目录或空目录（不覆盖、不混入已有文件），"
            "请用 -o 指定一个新目录"
        )


NO_ALLOW_EMPTY = (
    "公示页不能缺这些项（公示页没有 --allow-empty）：已创建的任务不能修改这些项，请按完整的公示要素重新创建任务；"
    "或用 creditcli publicity export --allow-empty 导出后在公示系统中补填"
)


def gather(session: Session, task: Task, authority: str = "", head: dict[str, Any] | None = None) -> Site:
    """The page's content for the task's standing draw, checked as the public exports check it
    (required columns not blank, exit 65, with no way around it); results only once their publication
    is recorded."""
    try:
        return _gather(session, task, authority, head)
    except DataError as error:
        error.hints[:] = [NO_ALLOW_EMPTY if "--allow-empty" in hint else hint for hint in error.hints]
        raise


def _gather(session: Session, task: Task, authority: str, head: dict[str, Any] | None) -> Site:
    listing = publicity.public_table(session, task, publicity.LIST, authority=authority)  # first: not drawn?
    plan_table = publicity.public_table(session, task, publicity.PLAN)
    drawn = sum(len(batch) for batch in listing.batches)
    authority_value = spec_of(task).authority.strip() or authority.strip()
    publicity.check_required(task, publicity.LIST, [("authority", "检查机关")], [(authority_value,)])
    plan_row = dict(zip(plan_table.names, next(iter(plan_table.batches))[0], strict=True))
    values = {**plan_row, "authority": authority_value, "drawn": drawn}
    plan = [(publicity.FIELDS[k].label, str(values[k])) for k in _PLAN_KEYS]
    published = session.scalar(
        select(func.max(Publication.published_on)).where(
            Publication.task_id == task.id, Publication.what == publicity.RESULTS
        )
    )
    results = None
    if published is not None:
        results = publicity.public_table(session, task, publicity.RESULTS, authority=authority)
    certificate_text, _ = public_certificate(session, task, None, head)
    return Site(
        code=task.code,
        plan=plan,
        listing=listing,
        certificate_text=certificate_text,
        results=results,
        results_published=None if published is None else str(published)[:10],
        written_at=clock.now().isoformat(timespec="seconds"),
    )


def write(site: Site, target: Path) -> list[Path]:
    """``index.html`` and its files under ``target`` (new or empty), all of them or none."""
    check_directory(target)
    names = file_names(site.code)
    written = []
    with output_set() as outputs:
        folder = outputs.directory(target, "--output")
        certificate = folder / names["certificate"]
        outputs.write_bytes(certificate, site.certificate_text.encode("utf-8"), "公开证书")
        listing = folder / names["list"]
        write_table_at(site.listing, outputs.path(listing, "抽查名单"), FileFormat.csv)
        written += [certificate, listing]
        if site.results is not None:
            results = folder / names["results"]
            write_table_at(site.results, outputs.path(results, "抽查结果公告"), FileFormat.csv)
            written.append(results)
        index = folder / INDEX
        outputs.write_bytes(index, page(site).encode("utf-8"), "公示页")
    return [index, *written]


def _asset(name: str) -> str:
    return resources.files("creditcli.results").joinpath(name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _embedded(data: Any) -> str:
    """JSON safe inside a <script> element: no ``<``, ``>`` or ``&`` can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rows(table: Table, keys: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """The chosen columns of a public table, as text."""
    names = list(table.names)
    positions = [names.index(k) for k in keys if k in names]
    labels = [table.labels[i] for i in positions]
    rows = [[("" if row[i] is None else str(row[i])) for i in positions] for batch in table.batches for row in batch]
    return labels, rows


def _table(
    labels: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = (0,), css: str = "list"
) -> str:
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(labels))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{escape(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _link(name: str, label: str) -> str:
    return f'<a href="{escape(quote(name))}" download>{escape(label)}</a>'


def page(site: Site) -> str:
    """The whole ``index.html`` (a pure function of ``site``)."""
    cert = site.certificate
    names = file_names(site.code)
    script = _asset("site.js")
    style = _asset("site.css")
    policy = (
        f"default-src 'none'; script-src {script_hash(script)}; style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )
    plan = dict(site.plan)
    title = f"{plan.get('抽查任务名称', '')}（{site.code}）抽查公示"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{style}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *_plan_section(site),
        *_list_section(site, names, cert),
        *_results_section(site, names),
        *_certificate_section(cert, names),
        *_explanation(cert),
        *_verifier(cert),
        "<footer>",
        f"<p>本页由 creditcli {escape(str(cert.get('tool_version', '')))} 于 {escape(site.written_at)} 生成。"
        "本页不连接网络：不加载任何外部文件，抽取凭证只在您的浏览器中读取和核验，不会上传。</p>",
        "</footer>",
        f'<script type="application/json" id="site-data">{_embedded({"schema": SCHEMA, "certificate": cert})}</script>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _plan_section(site: Site) -> list[str]:
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in site.plan)
    return ["<h2>抽查计划与任务</h2>", f'<table class="plan">{rows}</table>']


def _list_section(site: Site, names: dict[str, str], cert: dict[str, Any]) -> list[str]:
    labels, rows = _rows(site.listing, _LIST_KEYS)
    supersedes = cert.get("supersedes")
    redraw = f"（重新抽取，取代第 {supersedes} 次抽取）" if supersedes else ""
    return [
        "<h2>抽查名单</h2>",
        f"<p>第 {escape(str(cert.get('draw_seq', '')))} 次抽取{escape(redraw)}，"
        f"共抽中 {len(rows)} 户，按统一社会信用代码排序。</p>",
        _table(labels, rows),
        f'<p class="downloads">下载：{_link(names["list"], "抽查名单（CSV）")}</p>',
    ]


def _results_section(site: Site, names: dict[str, str]) -> list[str]:
    if site.results is None:
        return ["<h2>抽查结果</h2>", '<p id="results-pending">检查结果尚未公示。</p>']
    labels, rows = _rows(site.results, _RESULT_KEYS)
    return [
        "<h2>抽查结果</h2>",
        f"<p>检查结果已于 {escape(site.results_published or '')} 公示。</p>",
        _table(labels, rows),
        f'<p class="downloads">下载：{_link(names["results"], "抽查结果公告（CSV）")}</p>',
    ]


_MODES = {"stratified": "按信用风险分类比例抽取", "weighted": "按权重抽取（Pareto πps）"}


def _certificate_section(cert: dict[str, Any], names: dict[str, str]) -> list[str]:
    version = cert.get("algorithm_version")
    weighted = cert.get("mode") == "weighted"
    seed = escape(str(cert.get("seed", ""))) + ("（系统生成）" if cert.get("seed_generated") else "")
    facts = [
        ("算法", f"{escape(str(cert.get('algorithm', '')))} 第 {escape(str(version))} 版"),
        ("抽取方式", escape(_MODES.get(str(cert.get("mode")), str(cert.get("mode"))))),
        ("随机种子", f"<code>{seed}</code>"),
        ("抽取范围摘要（SHA-256）", f'<span class="hash">{escape(str(cert.get("pool_digest", "")))}</span>'),
        (
            "抽取范围户数",
            f"{escape(str(cert.get('pool_size', '')))} 户（另排除 {escape(str(cert.get('excluded', '')))} 户）",
        ),
        ("冻结时间", escape(str(cert.get("frozen_at", "")))),
        ("抽取时间", escape(str(cert.get("drawn_at", "")))),
        ("抽中户数", escape(str(cert.get("selected_count", "")))),
    ]
    if weighted and version == 2:
        facts.append(("排序键门槛", f"<code>{escape(str(cert.get('threshold_key')))}</code>"))
    rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in facts)
    labels = ["信用风险分类", "户数 n", "权重" if weighted else "抽取比例", "抽取数 k"]
    if version == 2:
        labels += ["入样概率 λ", "根哈希"] if weighted else ["根哈希", "门槛（该类第 k 个抽中的签号）"]
    strata = []
    for s in cert.get("strata", []):
        row = [
            class_label(str(s.get("risk_class", ""))),
            str(s.get("n", "")),
            str(s.get("weight" if weighted else "ratio", "")),
        ]
        row.append(str(s.get("k", "")))
        if version == 2:
            extra = [s.get("lambda"), s.get("root")] if weighted else [s.get("root"), s.get("threshold")]
            row += ["—" if v is None else str(v) for v in extra]
        strata.append(row)
    note = (
        "各类只公布户数、抽取数、根哈希和门槛（合计数，不是任何一户的分类）；抽中名单不含分类和签号。"
        if version == 2
        else "各类只公布户数和抽取数（合计数，不是任何一户的分类）；抽中名单不含分类和签号。"
        "本次抽取使用第 1 版算法：逐户抽取凭证只有第 2 版算法的抽取才有。"
    )
    return [
        "<h2>抽取证书（公开版）</h2>",
        f'<table class="certificate">{rows}</table>',
        _table(labels, strata, numeric=(1, 3), css="strata"),
        f'<p class="note">{escape(note)}</p>',
        f'<p class="downloads">下载：{_link(names["certificate"], "公开版抽取证书（JSON）")}</p>',
    ]


def _explanation(cert: dict[str, Any]) -> list[str]:
    steps = [
        "<b>先冻结范围。</b>掷骰之前，本局把这次可被抽取的检查对象（抽取范围）冻结下来，并公布范围摘要"
        + (
            "（SHA-256）和每一类的户数、根哈希。此后范围不能再改：改动任何一户，摘要和根哈希都会变。"
            if cert.get("algorithm_version") == 2
            else "（SHA-256）和每一类的户数。此后范围不能再改：改动任何一户，摘要都会变。"
        ),
        "<b>再当众掷骰。</b>随机种子是在见证人面前用十面骰子掷出的一串数字。它在范围冻结、摘要公布之后才产生，"
        "谁也不能先看到种子再挑选范围。",
        "<b>每户一张签。</b>每户的签号由种子和该户的统一社会信用代码（第 2 版还加上该户的盐值）经 SHA-256 算出，"
        "是 0 到 1 之间的一个小数，谁也无法预先安排。签号越小越先抽中；结果与名录的排列顺序无关，"
        "增减一户也不会改变其他各户的先后。",
        "<b>每类取签号最小的几户。</b>检查对象按信用风险分类分组，每类按公布的比例算出抽取数 k，"
        "取该类签号最小的 k 户。该类第 k 小的签号就是该类的“门槛”：签号不大于门槛的抽中，大于门槛的未抽中。"
        "按权重抽取时，由签号和入样概率算出排序键，取排序键最小的若干户，门槛是排序键的门槛。",
        "<b>为什么要盐值（第 2 版）。</b>信用风险分类不对外公开。如果人人都能算出每户的签号，再对照各类的门槛，"
        "就能推断出一些企业属于哪一类。第 2 版给每户一个保密的盐值：没有盐值就算不出签号，"
        "也就推断不出任何一户的分类。每类的根哈希在掷骰前公布，把各户的分类和盐值固定下来，事后无法改动。",
        "<b>抽取凭证证明什么。</b>被抽查对象可以向本局申请本户的抽取凭证（一个 JSON 文件），"
        "其中有本户的分类、盐值、签号和一条审计路径。用下面的核验工具打开它，本页会核对："
        "① 由本户的代码、分类和盐值沿审计路径算出的根哈希，等于掷骰前公布的该类根哈希；"
        "② 由公示的种子算出的签号，等于凭证所写的签号；③ 签号与该类门槛比较的结果就是是否抽中，"
        "并且与本页公示的抽查名单一致。凭证只说明本户自己的情况，不会透露其他任何一户的分类。"
        "凭证只发给该户本人，请勿公开。",
        "<b>监督。</b>监督人员、上级机关和审计持有完整的抽取证书，可以逐户重新计算整个抽取。",
    ]
    if cert.get("algorithm_version") != 2:
        steps.append(
            "<b>本次抽取。</b>本次抽取使用第 1 版算法（没有盐值）：逐户抽取凭证和根哈希只有第 2 版算法的抽取才有。"
        )
    return ["<h2>抽取是怎样进行的</h2>", "<ol>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>"]


def _verifier(cert: dict[str, Any]) -> list[str]:
    if cert.get("algorithm_version") == 2:
        control = '<input type="file" id="proof-file" accept=".json,application/json">'
        intro = (
            "选择本局发给您的抽取凭证文件（如“抽取凭证.json”）。文件只在您的浏览器中读取和计算，不会上传到任何地方；"
            "核验结果只显示在这里。"
        )
    else:
        control = '<input type="file" id="proof-file" accept=".json,application/json" disabled>'
        intro = "本次抽取使用第 1 版算法：逐户抽取凭证只有第 2 版算法的抽取才有，本页无法核验凭证。"
    return [
        '<section id="verifier">',
        "<h2>核验本户的抽取凭证</h2>",
        f"<p>{escape(intro)}</p>",
        f"<p>{control}</p>",
        '<p id="verdict" role="status" aria-live="polite"></p>',
        '<table id="proof-details" hidden></table>',
        "</section>",
    ]
