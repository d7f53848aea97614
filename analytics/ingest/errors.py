"""Named errors of the loader: each says, in Russian and English, what is wrong with the file and what to do.

Any of these means the file was not used at all: nothing was written (the CLI exits 2).
"""

from __future__ import annotations

from analytics.errors import ShekaraError


class IngestError(ShekaraError):
    """Base of every loader error (the file cannot be used; the database is unchanged)."""


class UnreadableFile(IngestError):
    """Not a text table in a known encoding (binary, an Excel workbook, a damaged file)."""


class EmptyFile(IngestError):
    """No data rows (zero bytes, or a header line only)."""


class UnknownFileKind(IngestError):
    """No line of the file looks like the header of a known export."""


class MissingColumns(IngestError):
    """The file looks like a known export but lacks the columns every row needs (number, date).

    ``kind``, ``headers`` and ``column_map`` describe the closest match, so the upload page can offer the
    analyst to name the missing columns (``load_file(..., column_map=...)``).
    """

    kind: str | None = None
    headers: list[str] | None = None
    column_map: dict[str, str | None] | None = None

    @classmethod
    def of(cls, kind: str, headers: list[str], column_map: dict[str, str | None], message: str,
           message_en: str) -> MissingColumns:
        error = cls(message, message_en)
        error.kind, error.headers, error.column_map = kind, list(headers), dict(column_map)
        return error


class FileTooLarge(IngestError):
    """Bigger than ``upload_limit_mb`` (``SHEKARA_UPLOAD_LIMIT_MB``)."""


class AmbiguousSide(IngestError):
    """The side (KZ / KG) cannot be told from the file and was not given, or contradicts the file."""


class LoadBusy(IngestError):
    """A concurrent load of the same side kept this one waiting too long (nothing of this file was written)."""


class UnknownUpload(IngestError):
    """``undo_upload`` was asked for an upload that does not exist or was already undone."""


class UndoBusy(IngestError):
    """A concurrent load or undo made the undo conflict; it was rolled back and can be repeated."""


class UndoNotAllowed(IngestError):
    """The user may not undo this upload (its role loads no files, or the upload is of the other side)."""


def unreadable(name: str, why_ru: str, why_en: str) -> UnreadableFile:
    return UnreadableFile(
        f"файл «{name}» не читается как таблица: {why_ru}. Сохраните его как CSV (UTF-8 или Windows-1251) "
        "и загрузите снова.",
        f"file '{name}' cannot be read as a table: {why_en}. Save it as CSV (UTF-8 or Windows-1251) and upload "
        "it again.",
    )
