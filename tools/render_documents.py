"""Render the documents of the demo task to PDF (and the first page of each to PNG) so a person can look.

    python tools/render_documents.py [OUT_DIR]      (default: docs/images/documents)

Needs LibreOffice (`soffice`) for the PDF and poppler's `pdftoppm` for the PNG; without them it says so
and writes only the .docx files. The demo (`creditcli demo`) runs in a temporary folder first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASK = "2026-SJ-001"
DOCUMENTS = {
    "notice": ["--doc-no", "历市监抽〔2026〕12号", "--draw-at", "2026年12月5日9:30 局三楼会议室"],
    "certificate": ["--public"],
    "inspection-notice": ["--contact", "张明 0531-88001234"],
    "record-sheet": [],
    "results-notice": [],
}


def creditcli(*args: str | Path) -> None:
    subprocess.run([sys.executable, "-m", "creditcli", *map(str, args)], check=True)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        creditcli("demo", "--dir", work / "demo")
        db = work / "demo" / "creditcli.db"
        for what, extra in DOCUMENTS.items():
            docx = out / f"{what}.docx"
            creditcli("--db", db, "tasks", "document", TASK, "--what", what, "-o", docx, *extra)
            if soffice is None:
                continue
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)], check=True)
            if pdftoppm is not None:
                png = out / what
                pdf = work / f"{what}.pdf"
                first_page = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)]
                subprocess.run([pdftoppm, *first_page], check=True)
            docx.unlink()  # the pictures are kept; the documents are made anew by the command
    if soffice is None or pdftoppm is None:
        print("未找到 LibreOffice（soffice）或 pdftoppm：只写出了 .docx 文件", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "documents")
