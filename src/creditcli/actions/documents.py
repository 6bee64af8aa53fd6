"""Use case of the documents a bureau prints, seals and files (``tasks document``): a read, no audit entry.

One file (the entity documents one page each, in code order) or, with ``split``, one file per entity.
Every output is checked before anything is read, and each file appears only once it is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from creditcli.actions.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from creditcli.db.models import Task
    from creditcli.io.paper import Paper

KINDS = {
    "notice": "随机抽取前公告",
    "certificate": "随机抽取证书",
    "inspection-notice": "检查通知书",
    "record-sheet": "随机抽查情况记录表",
    "results-notice": "抽查结果公告",
}
"""``--what`` and the name of its document (also the default file name's tail)."""
PER_ENTITY = ("inspection-notice", "record-sheet")


@dataclass(frozen=True)
class Documents:
    paths: list[Path]
    pages: int
    """Entities (one page or more each) for the per-entity documents, 1 for the others."""


@dataclass(frozen=True)
class Wording:
    """What the person adds to a document: its 文号, when and where the draw is held, a contact line;
    ``public``: the certificate without classes and tickets."""

    doc_no: str = ""
    draw_at: str = ""
    contact: str = ""
    public: bool = False


def default_output(code: str, what: str, public: bool = False) -> Path:
    from creditcli.draw.tasks import default_file

    return default_file(code, KINDS[what] + ("（公开）" if public and what == "certificate" else "") + ".docx")


def document(
    store: Store,
    code: str,
    what: str,
    output: Path | None = None,
    split: Path | None = None,
    wording: Wording = Wording(),
) -> Documents:
    from creditcli.draw.tasks import get_task
    from creditcli.errors import UsageError
    from creditcli.io.paper import write_docx
    from creditcli.io.writers import output_directory

    if what not in KINDS:
        raise UsageError(f"--what 应为 {'、'.join(KINDS)} 之一，而不是 {what}")
    if split is not None and what not in PER_ENTITY:
        raise UsageError(f"--split 只用于每户一份的文书（{'、'.join(PER_ENTITY)}）")
    if split is not None and output is not None:
        raise UsageError("-o 与 --split 只能选一个：--split 把每户的文书写到一个目录中")
    target = output or default_output(code, what, wording.public)
    if split is None:
        store.check_outputs(("-o", target))
    with store.reading() as session:
        task = get_task(session, code)
        authority = task_authority(session, task)
        papers = list(_papers(session, task, what, authority, wording))
    if split is not None:
        output_directory(split, "--split 目录")
        paths = [split / f"{uscc}-{KINDS[what]}.docx" for uscc, _ in papers]
        store.check_outputs(*(("--split", p) for p in paths))
        for path, (_, paper) in zip(paths, papers, strict=True):
            write_docx(paper, path)
        return Documents(paths, len(papers))
    write_docx(_together(p for _, p in papers), target)
    return Documents([target], len(papers))


def task_authority(session: Session, task: Task) -> str:
    """检查机关 as the documents name it: the implementing, else the organising department of the task."""
    from creditcli.draw.tasks import spec_of
    from creditcli.errors import DataError

    spec = spec_of(task)
    authority = spec.implementer or spec.organiser
    if not authority:
        raise DataError(f"任务 {task.code} 没有检查机关（实施部门或发起部门），文书不能没有发文机关")
    return authority


def _papers(session: Session, task: Task, what: str, authority: str, wording: Wording) -> Iterable[tuple[str, Paper]]:
    if what == "notice":
        from creditcli.draw import papers

        return [(task.code, papers.notice(session, task, authority, wording.doc_no, wording.draw_at))]
    if what == "certificate":
        from creditcli.draw import papers

        return [(task.code, papers.certificate(session, task, authority, public=wording.public))]
    if what == "inspection-notice":
        from creditcli.teams.papers import inspection_notices

        return inspection_notices(session, task, authority, wording.contact)
    from creditcli.results import papers as result_papers

    if what == "record-sheet":
        return result_papers.record_sheets(session, task, authority)
    return [(task.code, result_papers.results_notice(session, task, authority, wording.doc_no))]


def _together(papers: Iterable[Paper]) -> Paper:
    from creditcli.io.paper import Paper

    combined = Paper()
    for n, paper in enumerate(papers):
        if n:
            combined.page_break()
        combined.blocks.extend(paper.blocks)
    return combined
