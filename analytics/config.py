"""Configuration in one typed place, read from the environment with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
GEO_DIR = DATA_DIR / "geo"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQL_DIR = Path(__file__).resolve().parent / "sql"


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Build with :func:`load_settings` so environment variables apply."""

    db_path: Path = DATA_DIR / "shekara.duckdb"
    reference_dir: Path = REFERENCE_DIR
    geo_dir: Path = GEO_DIR
    upload_limit_mb: int = 200
    auth_enabled: bool = True
    production: bool = False
    session_timeout_min: int = 30
    duckdb_threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    duckdb_memory_limit: str = "4GB"
    # While a file loads, DuckDB's buffer pool is held to this (the loader's temp tables spill to disk beyond it),
    # so a 5M-row upload peaks near 1 GiB instead of filling the general limit. Empty: no separate limit.
    load_memory_limit: str = "768MB"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def load_settings() -> Settings:
    """Read settings from ``SHEKARA_*`` environment variables.

    Returns
    -------
    Settings
        ``SHEKARA_DB`` (database file), ``SHEKARA_UPLOAD_LIMIT_MB``, ``SHEKARA_AUTH`` (on/off),
        ``SHEKARA_PRODUCTION`` (refuse default passwords), ``SHEKARA_SESSION_TIMEOUT_MIN``,
        ``SHEKARA_MEMORY_LIMIT``, ``SHEKARA_LOAD_MEMORY_LIMIT`` (DuckDB memory while a file loads; empty: none).
    """
    db = os.environ.get("SHEKARA_DB") or str(DATA_DIR / "shekara.duckdb")
    return Settings(
        db_path=Path(db),
        upload_limit_mb=int(os.environ.get("SHEKARA_UPLOAD_LIMIT_MB", "200")),
        auth_enabled=_env_bool("SHEKARA_AUTH", True),
        production=_env_bool("SHEKARA_PRODUCTION", False),
        session_timeout_min=int(os.environ.get("SHEKARA_SESSION_TIMEOUT_MIN", "30")),
        duckdb_memory_limit=os.environ.get("SHEKARA_MEMORY_LIMIT", "4GB"),
        load_memory_limit=os.environ.get("SHEKARA_LOAD_MEMORY_LIMIT", "768MB").strip(),
    )
