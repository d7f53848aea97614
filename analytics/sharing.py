"""Sharing control: which incident fields of one side the other side may see, enforced here
(the analytics layer), not only hidden in pages.

Each owner side (KZ, KG) decides, field by field, what the users of the *other* side see of its
incidents. Until an admin says otherwise the other side sees no fabula and no exact location:
its maps fall back to district-level aggregates (``geo_ok`` is false on hidden rows).

Two equivalent ways to apply the policy:

- a frame of row-level incidents goes through :func:`redact_incidents` with the viewer;
- SQL that reads incidents reads the view named by :func:`incidents_view` instead (migration 031:
  ``incidents_seen_by_kz`` / ``incidents_seen_by_kg``, driven by the ``sharing_policy`` table).

Raw text kept for the uploading side only (``rejects.raw_line``, ``warnings.value``,
``incidents_history``) is gated by :func:`may_see_raw`.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from analytics.access import Viewer
from analytics.audit import log_action
from analytics.db import quote_ident

OWNER_SIDES = ("KZ", "KG")
# Policy field -> the incident columns it covers. Coordinates also cover what is derived from
# them (H3 cell, distance to the border): a 1-km hexagon is an exact location too.
POLICY_FIELDS: dict[str, tuple[str, ...]] = {
    "summary": ("summary",),
    "coordinates": ("lat", "lon", "h3_r7", "border_km"),
    "settlement": ("settlement",),
    "extra": ("extra",),
    "occurred_at": ("occurred_at",),
    "damage": ("damage",),
    "source_id": ("source_id",),
}
# Until an admin says otherwise the other side sees no fabula and no exact location.
DEFAULT_HIDDEN = frozenset({"summary", "coordinates", "settlement", "extra"})
HIDDEN_GEO_FLAG = "hidden"

TEXT = {
    "ru": {
        "summary": "Фабула", "coordinates": "Точные координаты (и ячейка H3, расстояние до границы)",
        "settlement": "Населённый пункт", "extra": "Прочие столбцы выгрузки",
        "occurred_at": "Дата и время совершения", "damage": "Ущерб", "source_id": "Номер ЕРДР / ЕРП",
    },
    "en": {
        "summary": "Fabula (summary)", "coordinates": "Exact coordinates (and H3 cell, distance to border)",
        "settlement": "Settlement", "extra": "Other export columns",
        "occurred_at": "Date and time committed", "damage": "Damage", "source_id": "ЕРДР / ЕРП number",
    },
}


def _check_side(owner_side: str) -> None:
    if owner_side not in OWNER_SIDES:
        raise ValueError(f"owner_side must be one of {OWNER_SIDES}, not {owner_side!r}")


def policy(con: duckdb.DuckDBPyConnection, owner_side: str) -> dict[str, bool]:
    """Visibility of each policy field of ``owner_side``'s incidents to the other side.

    Returns
    -------
    dict field -> visible, for every field of :data:`POLICY_FIELDS` (defaults where no row is stored).
    """
    _check_side(owner_side)
    rows = con.execute("SELECT field, visible FROM sharing_policy WHERE owner_side = ?", [owner_side]).fetchall()
    stored = {field: bool(visible) for field, visible in rows}
    return {field: stored.get(field, field not in DEFAULT_HIDDEN) for field in POLICY_FIELDS}


def hidden_fields(con: duckdb.DuckDBPyConnection, owner_side: str) -> set[str]:
    """Policy fields of ``owner_side``'s incidents hidden from the other side."""
    return {field for field, visible in policy(con, owner_side).items() if not visible}


def hidden_columns(con: duckdb.DuckDBPyConnection, owner_side: str) -> set[str]:
    """Incident columns of ``owner_side`` blanked for the other side."""
    return {column for field in hidden_fields(con, owner_side) for column in POLICY_FIELDS[field]}


def policy_frame(con: duckdb.DuckDBPyConnection, lang: str = "ru") -> pd.DataFrame:
    """The whole policy for the admin page.

    Returns
    -------
    DataFrame with columns owner_side, field, label, visible: one row per side and field.
    """
    labels = TEXT.get(lang, TEXT["ru"])
    rows = [(side, field, labels[field], visible)
            for side in OWNER_SIDES for field, visible in policy(con, side).items()]
    frame = pd.DataFrame(rows, columns=["owner_side", "field", "label", "visible"])
    return frame.astype({"owner_side": "string", "field": "string", "label": "string", "visible": "bool"})


def set_policy(con: duckdb.DuckDBPyConnection, actor: Viewer, owner_side: str,
               visible: Mapping[str, bool]) -> dict[str, bool]:
    """Change what the other side sees of ``owner_side``'s incidents (admin of that side only).

    Parameters
    ----------
    actor : the admin making the change (logged).
    visible : field -> visible for the fields to change; unknown fields raise ``ValueError``.

    Returns
    -------
    dict of the fields whose value actually changed (logged as one ``sharing_change`` entry).
    """
    from analytics.auth import require_admin

    _check_side(owner_side)
    require_admin(actor, owner_side)
    unknown = set(visible) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown sharing fields: {sorted(unknown)}")
    current = policy(con, owner_side)
    changed = {field: bool(value) for field, value in visible.items() if current[field] != bool(value)}
    if not changed:
        return changed
    con.execute("BEGIN TRANSACTION")
    try:
        for field, value in changed.items():
            con.execute("INSERT INTO sharing_policy (owner_side, field, visible) VALUES (?, ?, ?) "
                        "ON CONFLICT (owner_side, field) DO UPDATE SET visible = excluded.visible",
                        [owner_side, field, value])
        log_action(con, actor.username, "sharing_change", owner_side=owner_side, changes=changed)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return changed


def _blank(series: pd.Series, rows: pd.Series) -> pd.Series:
    """``series`` with ``rows`` set to missing, keeping a dtype that can hold missing values."""
    if pd.api.types.is_bool_dtype(series.dtype) and not isinstance(series.dtype, pd.BooleanDtype):
        series = series.astype("boolean")
    elif pd.api.types.is_integer_dtype(series.dtype) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        # numpy ints cannot hold NA; the nullable type keeps integers integers (H3 ids are uint64)
        series = series.astype("UInt64" if pd.api.types.is_unsigned_integer_dtype(series.dtype) else "Int64")
    return series.mask(rows)


def redact_incidents(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Blank the fields the viewer's side may not see on rows owned by the other side.

    Parameters
    ----------
    frame : row-level incidents with a ``side`` column (empty is fine).
    viewer : who asks. ``BOTH`` sees everything.

    Returns
    -------
    A copy with hidden cells set to missing; columns and row count unchanged. Where coordinates
    are hidden ``geo_ok`` is false and ``geo_flag`` is ``"hidden"``, so maps leave those rows to
    district-level aggregates. A non-empty frame without ``side`` cannot be attributed: ValueError.
    """
    if viewer.sees_everything or frame.empty:
        return frame
    if "side" not in frame.columns:
        raise ValueError("redact_incidents needs the 'side' column to know whose rows these are")
    redacted = frame.copy()
    for owner in OWNER_SIDES:
        owned = redacted["side"] == owner
        if not viewer.owns(owner) and owned.any():
            _blank_fields(redacted, owned.fillna(False).astype(bool), hidden_fields(con, owner))
    # A row of no known side has no policy: it gets the strictest one.
    unknown = ~redacted["side"].isin(OWNER_SIDES).fillna(False).astype(bool)
    if unknown.any():
        _blank_fields(redacted, unknown, set(POLICY_FIELDS))
    return redacted


def _blank_fields(frame: pd.DataFrame, rows: pd.Series, fields: set[str]) -> None:
    for field in fields:
        for column in POLICY_FIELDS[field]:
            if column in frame.columns:
                frame[column] = _blank(frame[column], rows)
    if "coordinates" in fields:
        if "geo_ok" in frame.columns:
            frame["geo_ok"] = frame["geo_ok"].mask(rows, False)
        if "geo_flag" in frame.columns:
            frame["geo_flag"] = frame["geo_flag"].mask(rows, HIDDEN_GEO_FLAG)


def incidents_view(viewer: Viewer) -> str:
    """Quoted name of the incidents relation this viewer may read in SQL.

    ``"incidents"`` for a viewer of both sides; otherwise the policy-driven view
    ``"incidents_seen_by_kz"`` / ``"incidents_seen_by_kg"`` (same columns, hidden cells NULL).
    Use it through the quoting helper, e.g. ``sql.replace("{incidents}", incidents_view(viewer))``.
    """
    if viewer.sees_everything:
        return quote_ident("incidents")
    if viewer.side not in OWNER_SIDES:
        raise ValueError(f"viewer side must be KZ, KG or BOTH, not {viewer.side!r}")
    return quote_ident(f"incidents_seen_by_{viewer.side.lower()}")


def sql_for_viewer(sql: str, viewer: Viewer) -> str:
    """``sql`` with its ``{incidents}`` placeholder naming the incidents relation this viewer may read."""
    return sql.replace("{incidents}", incidents_view(viewer))


def exact_location_visible(con: duckdb.DuckDBPyConnection, viewer: Viewer, owner_side: str) -> bool:
    """May ``viewer`` see exact points of ``owner_side``'s incidents (else: district aggregates)?"""
    return viewer.owns(owner_side) or "coordinates" not in hidden_fields(con, owner_side)


def may_see_raw(viewer: Viewer, owner_side: str | None) -> bool:
    """May ``viewer`` see raw source lines of an upload of ``owner_side`` (rejects, warnings, history)?

    Raw lines carry every column, fabula included, so only the owning side (or BOTH) sees them;
    two-sided files (bulletins, finds, operations: ``owner_side`` None) are shared by nature.
    """
    return owner_side is None or viewer.owns(owner_side)
