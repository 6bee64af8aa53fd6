"""检查通知书 (.docx): one page per drawn entity, naming its team with their 执法证号 (domain.md §4)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditcli import clock
from creditcli.db.models import Inspector, Item, Task
from creditcli.draw.papers import chinese_date
from creditcli.draw.tasks import spec_of
from creditcli.io.paper import Paper
from creditcli.teams.exports import team_context


def inspection_notices(session: Session, task: Task, authority: str, contact: str = "") -> Iterator[tuple[str, Paper]]:
    """Per entity (by code): its 检查通知书."""
    spec = spec_of(task)
    teams, entities = team_context(session, task)
    people = {c: n for c, n in session.execute(select(Inspector.code, Inspector.name))}
    items = [
        (name, basis or "")
        for code, name, basis in session.execute(
            select(Item.code, Item.name, Item.basis).where(Item.code.in_(spec.items))
        )
    ]
    window = f"{chinese_date(spec.window_start)}至{chinese_date(spec.window_end)}"
    for uscc, members in sorted(teams.items()):
        name, address, _ = entities.get(uscc, ("", "", ""))
        paper = Paper().title("检查通知书")
        paper.plain(f"{name or uscc}：")
        paper.text(
            f"根据“双随机、一公开”监管工作安排，你单位（统一社会信用代码 {uscc}"
            + (f"，住所 {address}" if address else "")
            + f"）被随机抽取为{spec.name}的检查对象。{authority}决定于{window}对你单位进行检查，现将有关事项通知如下："
        )
        paper.heading("一、检查事项和依据")
        paper.table(
            [["检查事项", "检查依据"], *([n, b or "—"] for n, b in items)] if items else [["检查事项"], ["（未指定）"]]
        )
        paper.heading("二、检查人员")
        paper.table(
            [["姓名", "执法证号", "角色"], *([people.get(code, code), code, role] for code, role, _ in members)],
            widths=(40, 76, 40),
        )
        paper.heading("三、有关要求")
        paper.text(
            "请你单位予以配合，如实提供有关资料和情况。检查人员应出示执法证件；与你单位有利害关系的，你单位有权申请回避。"
        )
        if contact:
            paper.text(f"联系人及电话：{contact}")
        paper.closing(authority, chinese_date(clock.today()))
        yield uscc, paper
