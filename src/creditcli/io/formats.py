"""The file formats of exports, on their own: the command line names them in its options, so that
``--help`` does not import the writers (start-up)."""

from __future__ import annotations

from enum import StrEnum


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
