"""Command bodies shared by every file import (the rosters, penalties, scores, result codes, result sheets)
and every roster export: the same options everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import (
    AcceptBadChecksumOpt,
    AllowUnknownOpt,
    DryRunOpt,
    EncodingOpt,
    FormatOpt,
    InputPath,
    MappingOpt,
    RejectsOpt,
    SheetOpt,
    without,
)
from creditcli.cli.progress import working
from creditcli.cli.render import render_record, to_jsonable

if TYPE_CHECKING:
    from creditcli.rosters.importer import ImportResult

SUMMARY_LABELS = {
    "roster": "名录",
    "source": "文件",
    "encoding": "编码",
    "rows": "数据行数",
    "inserted": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "dry_run": "仅检查",
    "unknown": "名录中没有的对象",
}

ImportRunner = Callable[[AppContext, dict[str, Any], OutputFormat], None]
"""What an import command does with its options (``path``, ``encoding``, ``mapping``, ``sheet``,
``dry_run``, ``rejects`` and, where offered, ``accept_bad_checksum``/``allow_unknown``)."""


def add_import_command(
    typer_app: CreditTyper,
    roster: str | ImportRunner,
    doc: str,
    name: str = "import",
    *,
    bad_checksum: bool = False,
    references: bool = False,
) -> None:
    """The ``import`` command of a roster (``roster``: its name in ``actions.rosters.ROSTERS``) or of
    another file read the same way (``roster``: a runner). ``bad_checksum`` offers
    ``--accept-bad-checksum`` (entities); ``references``: the rows name entities, so ``--allow-unknown``."""

    def import_(
        ctx: typer.Context,
        path: InputPath,
        encoding: EncodingOpt = None,
        mapping: MappingOpt = None,
        sheet: SheetOpt = None,
        dry_run: DryRunOpt = False,
        rejects: RejectsOpt = None,
        accept_bad_checksum: AcceptBadChecksumOpt = False,
        allow_unknown: AllowUnknownOpt = False,
        fmt: FormatOpt = None,
    ) -> None:
        app = AppContext.from_typer(ctx)
        options = {
            "path": path,
            "encoding": encoding,
            "mapping": mapping,
            "sheet": sheet,
            "dry_run": dry_run,
            "rejects": rejects,
            **({"accept_bad_checksum": accept_bad_checksum} if bad_checksum else {}),
            **({"allow_unknown": allow_unknown} if references else {}),
        }
        run = roster if callable(roster) else _roster_runner(roster)
        with working(app, f"正在读取并检查 {path.name}"):
            run(app, options, app.format(fmt))

    dropped = [n for n, keep in (("accept_bad_checksum", bad_checksum), ("allow_unknown", references)) if not keep]
    command = without(*dropped)(import_)
    command.__doc__ = doc
    typer_app.command(name)(command)


def _roster_runner(roster: str) -> ImportRunner:
    def run(app: AppContext, options: dict[str, Any], fmt: OutputFormat) -> None:
        from creditcli.actions import rosters

        path = options.pop("path")
        render_import(app, rosters.import_file(app.store, roster, path, **options), fmt)

    return run


def render_import(app: AppContext, result: ImportResult, fmt: OutputFormat) -> None:
    for note in result.notes:
        app.info(f"提示：{note}")
    for warning in result.warnings:
        app.info(f"警告：{warning}")
    data = to_jsonable(result)
    if fmt is OutputFormat.table and not result.unknown:
        del data["unknown"]  # a row only where --allow-unknown let some in
    render_record(app, "creditcli.import/1", data, SUMMARY_LABELS, fmt)
    if result.dry_run:
        app.info("仅检查（--dry-run）：未写入数据库")


def exported(app: AppContext, path: Path, rows: int) -> None:
    app.info(f"已导出 {rows} 条到 {path}")
