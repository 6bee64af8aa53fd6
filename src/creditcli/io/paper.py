"""Documents a bureau edits, prints, seals and files (.docx, opened in Word or WPS), laid out after
党政机关公文格式 GB/T 9704-2012 as near as python-docx allows.

A4; margins top 37 mm, left 28 mm, bottom 35 mm, right 26 mm; the title in 2号 (22 pt) 方正小标宋简体 (a
machine without it shows 宋体, named beside it); the body in 3号 (16 pt) 仿宋_GB2312 (仿宋 beside it) at a
fixed line pitch that gives 22 lines a page, about 28 characters a line; 一级标题 in 黑体; the issuing
authority and the date at the end, right-aligned, with room above for the seal; page numbers "— 1 —" at
the foot. The document knows no database: callers give it text and tables (``Paper``), it writes them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli.io.writers import write_bytes

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONT = ("黑体", "黑体")
PAGE_NUMBER_FONT = ("宋体", "宋体")
TITLE_PT, BODY_PT, TABLE_PT, PAGE_NUMBER_PT = 22, 16, 10.5, 14
LINE_PITCH_PT = 28.95
"""22 lines in the 225 mm the margins leave (GB/T 9704 §5.2.1)."""
MARGINS_MM = {"top": 37, "left": 28, "bottom": 35, "right": 26}


@dataclass
class Block:
    kind: str  # title, subtitle, heading, text, plain, table, signatures, closing, page_break
    text: str = ""
    rows: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = ()


@dataclass
class Paper:
    """A document in order of its parts, independent of the file format."""

    blocks: list[Block] = field(default_factory=list)

    def title(self, text: str) -> Paper:
        self.blocks.append(Block("title", text))
        return self

    def subtitle(self, text: str) -> Paper:
        """A line under the title (文号), centred, in the body font."""
        self.blocks.append(Block("subtitle", text))
        return self

    def heading(self, text: str) -> Paper:
        """一级标题 (“一、……”), 黑体."""
        self.blocks.append(Block("heading", text))
        return self

    def text(self, text: str) -> Paper:
        """A paragraph of the body: first line indented two characters."""
        self.blocks.append(Block("text", text))
        return self

    def plain(self, text: str) -> Paper:
        """A line without indent (a salutation such as “某某公司：”, a field of a form)."""
        self.blocks.append(Block("plain", text))
        return self

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float] = ()) -> Paper:
        """A table whose first row is its header (repeated on every page); ``widths`` in mm."""
        self.blocks.append(Block("table", rows=rows, widths=widths))
        return self

    def signatures(self, *roles: str) -> Paper:
        """Signature lines: “经办人（签字）：________  日期：________” for each role."""
        self.blocks.append(Block("signatures", rows=[[r] for r in roles]))
        return self

    def closing(self, authority: str, date: str) -> Paper:
        """The issuing authority and the date, right-aligned, with room above for the seal."""
        self.blocks.append(Block("closing", rows=[[authority, date]]))
        return self

    def page_break(self) -> Paper:
        self.blocks.append(Block("page_break"))
        return self


def write_docx(paper: Paper, path: Path) -> None:
    """Write ``paper`` to ``path`` (atomically, faults answered like every other output)."""
    write_bytes(path, docx_bytes(paper))


def docx_bytes(paper: Paper) -> bytes:
    """``paper`` as the bytes of a .docx file (for a set of files written together: io/writers.py)."""
    buffer = io.BytesIO()
    render(paper).save(buffer)
    return buffer.getvalue()


def render(paper: Paper) -> Document:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["left"])
    section.bottom_margin, section.right_margin = Mm(MARGINS_MM["bottom"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(28)  # the page number sits about 7 mm below the body (GB/T 9704 §7.5)
    _body_style(document)
    _page_numbers(document)
    for block in paper.blocks:
        _BLOCKS[block.kind](document, block)
    return document


def _fonts(run: Run, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
    """The Chinese font by its name, with the fallback a machine without it shows (Latin text too)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = fonts[1]
    run.font.size = Pt(size)
    run.font.bold = bold
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), fonts[0])
    r_fonts.set(qn("w:ascii"), fonts[1])
    r_fonts.set(qn("w:hAnsi"), fonts[1])


def _body_style(document: Document) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style: Any = document.styles["Normal"]
    style.font.name = BODY_FONT[1]
    style.font.size = Pt(BODY_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT[0])
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)


def _paragraph(document: Document, text: str, fonts: tuple[str, str], size: float, **options: Any) -> Paragraph:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    align = options.get("align")
    if align is not None:
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if options.get("indent"):
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    if text:
        _fonts(paragraph.add_run(text), fonts, size, bold=options.get("bold", False))
    return paragraph


def _title(document: Document, block: Block) -> None:
    from docx.shared import Pt

    paragraph = _paragraph(document, block.text, TITLE_FONT, TITLE_PT, align="center")
    paragraph.paragraph_format.line_spacing = Pt(max(LINE_PITCH_PT, TITLE_PT * 1.5))
    paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)  # one empty line under the title


def _subtitle(document: Document, block: Block) -> None:
    _paragraph(document, block.text, BODY_FONT, BODY_PT, align="center")


def _heading(document: Document, block: Block) -> None:
    _paragraph(document, block.text, HEADING_FONT, BODY_PT, indent=True)


def _text(document: Document, block: Block) -> None:
    _paragraph(document, block.text, BODY_FONT, BODY_PT, indent=True)


def _plain(document: Document, block: Block) -> None:
    _paragraph(document, block.text, BODY_FONT, BODY_PT)


def _table(document: Document, block: Block) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    rows = [list(r) for r in block.rows]
    if not rows:
        return
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
            _fonts(paragraph.add_run(value), HEADING_FONT if r == 0 else BODY_FONT, TABLE_PT)
            if r and value.isascii() and " " not in value:  # a code, a number, a date: never broken
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            if block.widths:
                cell.width = Mm(block.widths[c])  # Word reads the cells' widths, LibreOffice the grid's
    if block.widths:
        table.autofit = False
        for column, width in zip(table.columns, block.widths, strict=True):
            column.width = Mm(width)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again on every page
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    gap = document.add_paragraph()  # a little room under a table before the text goes on
    gap.paragraph_format.line_spacing = Pt(TABLE_PT)


def _signatures(document: Document, block: Block) -> None:
    for (role,) in block.rows:
        _paragraph(document, f"{role}（签字）：______________    日期：______________", BODY_FONT, BODY_PT)


def _closing(document: Document, block: Block) -> None:
    from docx.shared import Pt

    ((authority, date),) = block.rows
    room = _paragraph(document, "", BODY_FONT, BODY_PT)
    room.paragraph_format.space_before = Pt(2 * LINE_PITCH_PT)  # room for the seal over the authority
    for line in (authority, date):
        paragraph = _paragraph(document, line, BODY_FONT, BODY_PT, align="right")
        paragraph.paragraph_format.right_indent = Pt(4 * BODY_PT)  # 右空四字 (GB/T 9704 §7.3.5)


def _page_break(document: Document, block: Block) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _page_numbers(document: Document) -> None:
    """“— 1 —” at the foot of every page, in 4号 宋体 (GB/T 9704 §7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    run = paragraph.add_run()
    _fonts(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    _fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


_BLOCKS = {
    "title": _title,
    "subtitle": _subtitle,
    "heading": _heading,
    "text": _text,
    "plain": _plain,
    "table": _table,
    "signatures": _signatures,
    "closing": _closing,
    "page_break": _page_break,
}
