"""The manifest beside a public file (``<file>.清单.json``, ``creditcli.publicity-manifest/1``): which
task and list the file is, its SHA-256 and row count, and the audit chain's head when it was written.

The head (``audit head``) is what makes a published file useful later: anyone holding the file set can
ask the bureau to run ``audit verify --head SEQ:HASH``; a chain rewritten inside the database no
longer holds it. The manifest is public: it names nothing internal.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditcli import clock
from creditcli.io.writers import FileFormat, Table, atomic_path, write_table_at

if TYPE_CHECKING:
    from creditcli.audit import Head

SCHEMA = "creditcli.publicity-manifest/1"


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + ".清单.json")


def write_with_manifest(
    table: Table, output: Path, fmt: FileFormat, facts: dict[str, Any], head: Head | None
) -> tuple[int, Path | None]:
    """Write ``table`` to ``output`` and its manifest beside it: both appear together or neither.
    A device or pipe (``/dev/stdout``) has no "beside": it gets the file alone (manifest None)."""
    manifest = manifest_path(output)
    target = output.expanduser()
    if target.exists() and not target.is_file():
        with atomic_path(output, "--output") as tmp:
            return write_table_at(table, tmp, fmt), None
    with atomic_path(output, "--output") as tmp, atomic_path(manifest, "公示文件清单") as tmp_manifest:
        rows = write_table_at(table, tmp, fmt)
        data = {
            "schema": SCHEMA,
            **facts,
            "file": output.name,
            "format": fmt.value,
            "rows": rows,
            "sha256": hashlib.sha256(tmp.read_bytes()).hexdigest(),
            "written_at": clock.now().isoformat(timespec="seconds"),
            "audit_head": None if head is None else head.as_json(),
        }
        tmp_manifest.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return rows, manifest
