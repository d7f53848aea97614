"""Two-sided ingestion: any export of either side in, harmonised, validated, nothing lost.

Public API::

    load_file(con, path, *, kind="auto", side=None, user="system", column_map=None, file_name=None) -> IngestResult
    preview_file(path, *, kind="auto", side=None) -> Preview
    undo_upload(con, upload_id, user) -> None
    upload_history(con) -> DataFrame;  rejects_frame(con, upload_id) -> DataFrame;  unknown_mappings(con) -> DataFrame

Detection (encoding, delimiter, header row, header synonyms, kind, side) reads only the head of the file; the body
is parsed by DuckDB and every typing, validation, mapping and write is set-based SQL (``analytics/sql/ingest``).
"""

from analytics.ingest.detect import Preview, encoding_label, preview_file
from analytics.ingest.errors import (
    AmbiguousSide,
    EmptyFile,
    FileTooLarge,
    IngestError,
    MissingColumns,
    UndoNotAllowed,
    UnknownFileKind,
    UnknownUpload,
    UnreadableFile,
)
from analytics.ingest.history import (
    rejects_csv,
    rejects_frame,
    rejects_table,
    undo_upload,
    unknown_mappings,
    upload_history,
    warnings_summary,
)
from analytics.ingest.kinds import FIELDS, KINDS
from analytics.ingest.loader import IngestResult, load_file

__all__ = [
    "FIELDS", "KINDS", "AmbiguousSide", "EmptyFile", "FileTooLarge", "IngestError", "IngestResult", "MissingColumns",
    "Preview", "UndoNotAllowed", "UnknownFileKind", "UnknownUpload", "UnreadableFile", "encoding_label", "load_file", "preview_file",
    "rejects_csv", "rejects_frame", "rejects_table", "undo_upload", "unknown_mappings", "upload_history",
    "warnings_summary",
]
