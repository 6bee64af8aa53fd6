"""Command bodies shared by the four rosters (same import and export options everywhere)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from creditcli.cli.context import AppContext, OutputFormat
from creditcli.cli.guard import CreditTyper
from creditcli.cli.options import (
    AllowUnknownOpt,
    DryRunOpt,
    EncodingOpt,
    FormatOpt,
    InputPath,
    MappingOpt,
    RejectsOpt,
    SheetOpt,
)
from creditcli.cli.render import problems_table, render_record, to_jsonable
from creditcli.errors import DataError
from creditcli.io.columns import load_mapping
from creditcli.io.writers import FileFormat, Table, format_for, write_table

if TYPE_CHECKING:
    from creditcli.rosters.importer import ImportResult, RosterSpec

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


def run_import(
    app: AppContext,
    spec: RosterSpec,
    path: Path,
    *,
    encoding: str | None,
    mapping: Path | None,
    dry_run: bool,
    rejects: Path | None,
    fmt: OutputFormat | None,
    accept_bad_checksum: bool = False,
    sheet: str | None = None,
    allow_unknown: bool = False,
) -> ImportResult:
    from creditcli.audit import Change
    from creditcli.rosters.importer import import_roster

    app.check_outputs(("--rejects", rejects), inputs=[("导入文件", path), ("--mapping", mapping)])
    columns = load_mapping(mapping, spec.columns)
    with write_rejects(rejects), app.session(write=True, create=not dry_run) as session:
        result = import_roster(
            session,
            spec,
            path,
            mapping=columns,
            classes=app.settings.risk_classes,
            encoding=encoding,
            dry_run=dry_run,
            accept_bad_checksum=accept_bad_checksum,
            sheet=sheet,
            allow_unknown=allow_unknown,
        )
        counts = {"rows": result.rows, "inserted": result.inserted, "updated": result.updated}
        app.audited(None if dry_run else Change(counts, result.sha256))
    render_import(app, result, app.format(fmt))
    return result


@contextmanager
def write_rejects(rejects: Path | None) -> Iterator[None]:
    """``--rejects FILE``: the problems of a refused file, written for the sender to correct."""
    try:
        yield
    except DataError as exc:
        if rejects is not None and exc.problems:
            write_table(problems_table(exc.problems), rejects, format_for(rejects, None))
            exc.hints.append(f"问题清单已写入 {rejects}")
        raise


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


def export_to_file(app: AppContext, table: Table, path: Path, fmt: FileFormat | None) -> None:
    """The file is checked like every output (io/outputs.py) before a byte is written."""
    count = write_table(table, path, format_for(path, fmt))
    app.info(f"已导出 {count} 条到 {path}")


def add_import_command(
    typer_app: CreditTyper, spec: Callable[[], RosterSpec], doc: str, name: str = "import", references: bool = False
) -> None:
    """The ``import`` command of a roster without extra options (inspectors, items, conflicts, result codes);
    ``references``: its rows name entities (penalties, scores), so it has ``--allow-unknown``."""

    def import_(
        ctx: typer.Context,
        path: InputPath,
        encoding: EncodingOpt = None,
        mapping: MappingOpt = None,
        dry_run: DryRunOpt = False,
        rejects: RejectsOpt = None,
        fmt: FormatOpt = None,
        sheet: SheetOpt = None,
    ) -> None:
        run_import(
            AppContext.from_typer(ctx),
            spec(),
            path,
            encoding=encoding,
            mapping=mapping,
            dry_run=dry_run,
            rejects=rejects,
            fmt=fmt,
            sheet=sheet,
        )

    def import_referencing(
        ctx: typer.Context,
        path: InputPath,
        encoding: EncodingOpt = None,
        mapping: MappingOpt = None,
        dry_run: DryRunOpt = False,
        rejects: RejectsOpt = None,
        allow_unknown: AllowUnknownOpt = False,
        fmt: FormatOpt = None,
    ) -> None:
        run_import(
            AppContext.from_typer(ctx),
            spec(),
            path,
            encoding=encoding,
            mapping=mapping,
            dry_run=dry_run,
            rejects=rejects,
            fmt=fmt,
            allow_unknown=allow_unknown,
        )

    command = import_referencing if references else import_
    command.__doc__ = doc
    typer_app.command(name)(command)
