"""Formula-safe CSV for Excel: UTF-8 with BOM, and no cell that a spreadsheet would execute."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is a formula (or becomes one) in Excel/LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells (and column names) cannot run as formulas.

    Numbers stay numbers: a negative number is data, not a formula.
    """
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            safe[column] = series.map(neutralise_cell)
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    return safe


def to_safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV bytes for Excel: UTF-8 with BOM, ``,``-separated, formulas neutralised, no index."""
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")
