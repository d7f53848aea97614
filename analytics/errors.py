"""Named, user-facing errors. Each message says what is wrong and what to do about it."""

from __future__ import annotations


class ShekaraError(Exception):
    """Base of every error shown to a user (page or CLI). ``str(err)`` is the Russian message."""

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message

    def text(self, lang: str = "ru") -> str:
        return self.message_en if lang == "en" else self.message


class DatabaseLocked(ShekaraError):
    """Another process (usually the running app) holds the DuckDB file for writing."""


class MigrationFailed(ShekaraError):
    """A numbered migration could not be applied; the database is left as it was."""


class ReferenceDataError(ShekaraError):
    """A reference CSV in data/reference/ is missing or malformed."""
