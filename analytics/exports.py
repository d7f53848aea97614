"""Formula-safe exports for Excel: CSV (UTF-8 with BOM) and XLSX, and no cell a spreadsheet would execute.

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` (CSV/formula
injection). Text cells are also quoted in CSV, so that Excel in a Russian locale — which splits on
``;`` — cannot cut ``x;=CMD(...)`` into a cell that starts with ``=``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from analytics.access import Viewer
from analytics.errors import ShekaraError
from analytics.sharing import redact_incidents

# A cell starting with one of these is a formula (or becomes one) in Excel/LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"

# Tables the export command writes, with a stable order so two exports of the same data are identical.
EXPORT_TABLES = {
    "incidents": "SELECT * FROM incidents ORDER BY side, registered_on, source_id",
    "bulletins": "SELECT * FROM bulletins ORDER BY sent_on, bulletin_no",
    "finds": "SELECT * FROM finds ORDER BY found_at, find_id",
    "operations": "SELECT * FROM operations ORDER BY started_on, code",
}


class UnsupportedExportFormat(ShekaraError):
    """The output file name ends in something other than .csv or .xlsx."""


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _as_text(value: object) -> object:
    # Lists (operations.districts) and other objects become readable text; missing stays missing.
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (list, tuple)):
        return "; ".join(str(item) for item in value)
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays from DuckDB lists
        return "; ".join(str(item) for item in value.tolist())
    return value if isinstance(value, str) else str(value)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells (and column names) cannot run as formulas.

    Numbers, booleans and dates stay what they are: a negative number is data, not a formula.
    Object columns (lists, JSON, mixed) are turned into text first, then neutralised.

    Returns
    -------
    DataFrame with the same shape and column order.
    """
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if series.dtype == object:
            series = series.map(_as_text).astype("string")
        if pd.api.types.is_string_dtype(series):
            text = series.astype("string")
            starts = text.str.match(_FORMULA_START).fillna(False).astype(bool)
            series = text.mask(starts, "'" + text)
        safe[column] = series
    safe.columns = [str(neutralise_cell(str(c))) for c in safe.columns]
    return safe


def to_safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV bytes for Excel: UTF-8 with BOM, ``,``-separated, text quoted, formulas neutralised, no index."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    return ("\ufeff" + text).encode("utf-8")


def to_safe_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """XLSX bytes (XlsxWriter, installed with python-pptx): formulas neutralised and never written as formulas.

    XlsxWriter would turn a string starting with ``=`` into a formula and a URL into a link; both
    conversions are switched off in addition to the ``'`` prefix.
    """
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", date_format="yyyy-mm-dd",
                        datetime_format="yyyy-mm-dd hh:mm", engine_kwargs={"options": options}) as writer:
        neutralise_formulas(frame).to_excel(writer, sheet_name=sheet_name[:31], index=False)
    return buffer.getvalue()


def fetch_export(con: duckdb.DuckDBPyConnection, table: str, viewer: Viewer) -> pd.DataFrame:
    """A whole table for export, as ``viewer`` may see it (incidents pass the sharing policy).

    Parameters
    ----------
    table : one of :data:`EXPORT_TABLES`.
    viewer : whose sharing policy applies (``SYSTEM``: everything).

    Returns
    -------
    DataFrame of every row of the table (empty with the table's columns when it has none).
    """
    if table not in EXPORT_TABLES:
        raise ValueError(f"table must be one of {sorted(EXPORT_TABLES)}")
    frame = con.execute(EXPORT_TABLES[table]).df()
    return redact_incidents(con, frame, viewer) if table == "incidents" else frame


def export_bytes(frame: pd.DataFrame, file_name: str) -> bytes:
    """Safe CSV or XLSX bytes, chosen by the file name's suffix (``.csv`` / ``.xlsx``)."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        return to_safe_csv_bytes(frame)
    if suffix == ".xlsx":
        return to_safe_xlsx_bytes(frame, Path(file_name).stem or "data")
    raise UnsupportedExportFormat(
        f"Неизвестный формат выгрузки «{suffix or file_name}»: укажите файл .csv или .xlsx.",
        f"Unknown export format '{suffix or file_name}': name the file .csv or .xlsx.",
    )


def write_export(frame: pd.DataFrame, path: Path) -> int:
    """Write ``frame`` safely to ``path`` (.csv or .xlsx) atomically: a crash never leaves half a file.

    Returns
    -------
    int: bytes written.
    """
    data = export_bytes(frame, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".export-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return len(data)
