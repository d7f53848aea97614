"""Wanted bulletins exchanged between the sides: hit matching, the analyst's review, lifecycle KPIs.

Matching rules (SQL in ``analytics/sql/bulletins/candidates.sql``):

* A bulletin asks the OTHER side to find an object, so a find made by the other side is matched against it.
  Finds by the initiating side itself are not proposed by default (``same_side=True`` turns them on): they are
  the initiator's own domestic work, closed in its own registry, and counting them would inflate the other
  side's resolution figures. Incident fabulas count only from the other side (the initiator's own incident is
  usually the theft case the bulletin was issued for).
* Keys: VIN, IMEI (14-digit device key; an IMEI failing Luhn has no key and is never matched), weapon serial,
  ear tag, plate — equal normalised keys (``analytics.identifiers``). Plate, serial and tag keys shorter than
  :data:`MIN_KEY_LEN` are not unique enough (a brand "АК") and are not used. A plate hit is dropped when both
  records carry a VIN and the VINs differ (plates move between cars).
* The find must fall while the bulletin was open: from :data:`GRACE_DAYS` before it was sent (the object may be
  seized before the bulletin arrives) to its ``closed_on``.
* A bulletin number written on a find is used when verified: no identifier on both records disagrees (an
  invalid IMEI/VIN where the bulletin has one disagrees) and the object kinds agree. ``verified_by`` records
  the identifier that agreed (NULL when neither had one to compare).
* One proposal per pair, by the strongest evidence (verified number, VIN, IMEI, serial, tag, plate). A pair
  already in ``matches`` — proposed, confirmed or rejected — is never proposed again.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics import audit
from analytics.db import load_sql
from analytics.errors import ShekaraError
from analytics.i18n import format_date, pick
from analytics.identifiers import (
    normalise_bulletin_no,
    normalise_imei,
    normalise_plate,
    normalise_serial,
    normalise_series,
    normalise_tag,
    normalise_vin,
)

GRACE_DAYS = 7
MIN_KEY_LEN = 4
DIRECTIONS = ("KZ→KG", "KG→KZ")
DIRECTION_OF_SIDE = {"KZ": DIRECTIONS[0], "KG": DIRECTIONS[1]}  # the initiating side's search direction
OBJECT_KINDS = ("vehicle", "phone", "weapon", "livestock", "other")
AGE_BUCKETS = ("0-30", "31-90", "91-365", ">365")
DECISIONS = ("confirmed", "rejected")
KPI_COLUMNS = ["direction", "object_kind", "month", "sent", "found", "returned", "withdrawn", "open",
               "resolution_rate", "median_days", "p90_days"]
# Colours of the two directions (the initiating side's colour), and of the lifecycle states.
DIRECTION_COLORS = {"KZ→KG": "#1f77b4", "KG→KZ": "#d62728"}
STATE_COLORS = {"returned": "#2ca02c", "found_only": "#98df8a", "withdrawn": "#bbbbbb", "open": "#ff7f0e"}

TEXT = {
    "ru": {
        "KZ→KG": "KZ→KG: ориентировки Казахстана, розыск в Кыргызстане",
        "KG→KZ": "KG→KZ: ориентировки Кыргызстана, розыск в Казахстане",
        "vehicle": "Автомобили", "phone": "Телефоны", "weapon": "Оружие", "livestock": "Скот", "other": "Прочее",
        "all": "Все виды",
        "returned": "Возвращено", "found_only": "Обнаружено (не возвращено)", "withdrawn": "Снято",
        "open": "В розыске", "bulletins": "Ориентировок", "age_days": "Дней в розыске",
        "sent": "направлено", "rate": "доля обнаруженных", "median": "медиана дней до обнаружения",
        "kpi_title": "Судьба ориентировок по направлениям", "ageing_title": "Возраст открытых ориентировок, дней",
        "0-30": "0–30", "31-90": "31–90", "91-365": "91–365", ">365": "более 365",
        "found_by": "найдено стороной {side} {date}", "key": "ключ", "verified": "подтверждён по",
        "bulletin_no": "номер ориентировки", "vin": "VIN", "imei": "IMEI", "plate": "госномер",
        "serial": "серийный номер", "tag": "бирка/тавро",
        "col_bulletin_no": "Ориентировка", "col_direction": "Направление", "col_initiator_side": "Инициатор",
        "col_object_kind": "Объект", "col_sent_on": "Направлена", "col_unit": "Подразделение",
        "col_make_model": "Марка, модель", "col_identifier": "Идентификатор", "col_age_days": "Дней в розыске",
        "col_age_bucket": "Возраст", "col_record": "Запись", "col_id": "Номер", "col_side": "Сторона",
        "col_on_date": "Дата", "col_status": "Статус / результат", "col_bulletin": "Номер ориентировки",
        "col_month": "Месяц направления", "col_sent": "Направлено", "col_found": "Обнаружено",
        "col_returned": "Возвращено", "col_withdrawn": "Снято", "col_open": "В розыске",
        "col_resolution_rate": "Доля обнаруженных", "col_median_days": "Медиана дней",
        "col_p90_days": "90-й процентиль дней", "bulletin": "ориентировка", "find": "находка",
    },
    "en": {
        "KZ→KG": "KZ→KG: Kazakhstan's bulletins, searched in Kyrgyzstan",
        "KG→KZ": "KG→KZ: Kyrgyzstan's bulletins, searched in Kazakhstan",
        "vehicle": "Vehicles", "phone": "Phones", "weapon": "Weapons", "livestock": "Livestock", "other": "Other",
        "all": "All kinds",
        "returned": "Returned", "found_only": "Found (not returned)", "withdrawn": "Withdrawn",
        "open": "Still wanted", "bulletins": "Bulletins", "age_days": "Days wanted",
        "sent": "sent", "rate": "share found", "median": "median days to find",
        "kpi_title": "What became of the bulletins, by direction", "ageing_title": "Age of open bulletins, days",
        "0-30": "0–30", "31-90": "31–90", "91-365": "91–365", ">365": "over 365",
        "found_by": "found by {side} on {date}", "key": "key", "verified": "verified by",
        "bulletin_no": "bulletin number", "vin": "VIN", "imei": "IMEI", "plate": "plate",
        "serial": "serial number", "tag": "ear tag/brand",
        "col_bulletin_no": "Bulletin", "col_direction": "Direction", "col_initiator_side": "Initiator",
        "col_object_kind": "Object", "col_sent_on": "Sent", "col_unit": "Unit", "col_make_model": "Make, model",
        "col_identifier": "Identifier", "col_age_days": "Days wanted", "col_age_bucket": "Age",
        "col_record": "Record", "col_id": "Number", "col_side": "Side", "col_on_date": "Date",
        "col_status": "Status / result", "col_bulletin": "Bulletin number", "col_month": "Month sent",
        "col_sent": "Sent", "col_found": "Found", "col_returned": "Returned", "col_withdrawn": "Withdrawn",
        "col_open": "Still wanted", "col_resolution_rate": "Share found", "col_median_days": "Median days",
        "col_p90_days": "90th percentile days", "bulletin": "bulletin", "find": "find",
    },
}


class UnknownMatch(ShekaraError):
    """A decision was asked for a bulletin–find pair that is not among the matches."""


class InvalidDecision(ShekaraError):
    """A decision other than confirmed/rejected."""


# ---------------------------------------------------------------- matching

def scan_incident_identifiers(con: duckdb.DuckDBPyConnection, upload_id: int | None = None) -> int:
    """Store the IMEIs, VINs and plates of incident fabulas in ``incident_identifiers`` (set-based SQL).

    The scan is the SQL table macro ``fabula_scan`` (migration 060), which gives exactly the keys of
    :func:`analytics.identifiers.extract_identifiers`. Keys are stored per incident version (side, source_id,
    upload_id): the load scans its own upload, undo deletes the keys of the upload it removes.

    Parameters
    ----------
    con : open database connection (inside the load's transaction when called by the load).
    upload_id : scan the incidents of this upload (again, idempotent); None = every upload not scanned yet
        (rows written without the loader), and drop keys of versions that no longer exist.

    Returns
    -------
    int
        Number of incident versions scanned now.
    """
    if upload_id is not None:
        uploads = [upload_id]
    else:
        con.execute("DELETE FROM incident_identifiers k WHERE NOT EXISTS ("
                    "SELECT 1 FROM incidents i WHERE i.side = k.side AND i.source_id = k.source_id "
                    "AND i.upload_id = k.upload_id) AND NOT EXISTS (SELECT 1 FROM incidents_history h "
                    "WHERE h.side = k.side AND h.source_id = k.source_id AND h.upload_id = k.upload_id)")
        uploads = [int(r[0]) for r in con.execute(
            "SELECT DISTINCT upload_id FROM incidents WHERE upload_id NOT IN (SELECT upload_id FROM incident_scans) "
            "ORDER BY 1").fetchall()]
    scanned = 0
    for upload in uploads:
        con.execute("DELETE FROM incident_identifiers WHERE upload_id = ?", [upload])
        con.execute("INSERT INTO incident_identifiers SELECT * FROM fabula_scan(?)", [upload])
        con.execute("INSERT OR REPLACE INTO incident_scans (upload_id) VALUES (?)", [upload])
        scanned += int(con.execute("SELECT count(*) FROM incidents WHERE upload_id = ?", [upload]).fetchall()[0][0])
    return scanned


def _key_frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalised bulletin numbers written on finds, and keys of bulletins the loader left without one."""
    refs = con.execute("SELECT DISTINCT bulletin_ref FROM finds WHERE bulletin_ref IS NOT NULL").df()
    refs["ref_key"] = normalise_series("bulletin_no", refs["bulletin_ref"])
    missing = con.execute("SELECT bulletin_no FROM bulletins WHERE bulletin_key IS NULL").df()
    missing["bulletin_key"] = normalise_series("bulletin_no", missing["bulletin_no"])
    return refs.dropna(), missing.dropna()


@contextmanager
def _key_frames_registered(con: duckdb.DuckDBPyConnection, needed: bool = True) -> Iterator[None]:
    if needed:
        refs, missing = _key_frames(con)
    else:   # incident fabulas carry no bulletin numbers: the frames stay empty
        refs = con.execute("SELECT NULL::VARCHAR AS bulletin_ref, NULL::VARCHAR AS ref_key WHERE false").df()
        missing = con.execute("SELECT NULL::VARCHAR AS bulletin_no, NULL::VARCHAR AS bulletin_key WHERE false").df()
    con.register("find_ref_keys", refs)
    con.register("bulletin_keys", missing)
    try:
        yield
    finally:
        con.unregister("find_ref_keys")
        con.unregister("bulletin_keys")


def _match_params(same_side: bool, upload_id: int | None = None) -> dict[str, object]:
    params: dict[str, object] = {"same_side": same_side, "grace_days": GRACE_DAYS, "min_len": MIN_KEY_LEN}
    if upload_id is not None:
        params["upload_id"] = upload_id
    return params


# The head of the candidate query per scope: every record, or the rows of one upload of that kind.
CANDIDATE_SCOPES = {"all": "bulletins/candidates_all", "bulletins": "bulletins/candidates_bulletins",
                    "finds": "bulletins/candidates_finds", "incidents": "bulletins/candidates_incidents"}


def _candidates_sql(scope: str = "all") -> str:
    """The candidate query over every record (``all``) or over the rows of one upload of that kind."""
    return load_sql(CANDIDATE_SCOPES[scope]) + load_sql("bulletins/candidates")


def find_candidates(con: duckdb.DuckDBPyConnection, *, same_side: bool = False) -> pd.DataFrame:
    """New bulletin–find/incident pairs by the matching rules of this module, not yet in ``matches``.

    Parameters
    ----------
    con : open database connection.
    same_side : also match finds made by the side that sent the bulletin.

    Returns
    -------
    pandas.DataFrame
        Columns bulletin_no, ref_kind, ref_id, match_key, key_value, method, verified_by, found_on (the date
        the record shows the object found).
    """
    with _key_frames_registered(con):
        return con.execute(_candidates_sql(), _match_params(same_side)).df()


def _insert_candidates(con: duckdb.DuckDBPyConnection, params: dict[str, object], scope: str = "all") -> int:
    with _key_frames_registered(con, needed=scope != "incidents"):
        row = con.execute(
            "INSERT INTO matches (bulletin_no, ref_kind, ref_id, match_key, key_value, method, verified_by, found_on) "
            + _candidates_sql(scope),
            params,
        ).fetchone()
    return int(row[0]) if row else 0


def propose_matches(con: duckdb.DuckDBPyConnection, *, same_side: bool = False) -> int:
    """Store every new candidate pair in ``matches`` as ``proposed``; idempotent.

    The load proposes for its own rows (:func:`propose_for_upload`); this full pass is for the command line,
    tests and rows written without the loader. It scans fabulas of uploads not scanned yet first, and drops
    undecided proposals whose records were removed.

    Parameters
    ----------
    con : open database connection.
    same_side : also match finds made by the side that sent the bulletin (see the module notes).

    Returns
    -------
    int
        Number of pairs proposed now (0 on a second run over the same data).
    """
    scan_incident_identifiers(con)
    con.execute(load_sql("bulletins/prune"))
    refresh_first_found(con)
    for attempt in (1, 2):
        try:
            return _insert_candidates(con, _match_params(same_side))
        except (duckdb.ConstraintException, duckdb.TransactionException):
            # Another session (two pages open after an upload) inserted the same pairs first: the second
            # attempt sees them in `matches` and adds only what is still new.
            if attempt == 2:
                raise
    return 0


def propose_for_upload(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> int:
    """After-load step: scan the upload's incident fabulas and propose the pairs its rows make.

    Called by the loader inside the load transaction (``analytics.ingest.after_load``), so that no page
    proposes or scans on render. Only pairs with a row of this upload are looked for: the other records were
    matched when they were loaded.

    Parameters
    ----------
    con : connection inside the load transaction.
    kind : the upload's file kind (incidents of either side, ``bulletins``, ``finds``; others do nothing).
    upload_id : the upload.

    Returns
    -------
    int
        Number of pairs proposed.
    """
    # imported here: analytics.ingest imports the loader, whose after-load steps call this function
    from analytics.ingest.kinds import INCIDENT_KINDS

    if kind in INCIDENT_KINDS:
        scan_incident_identifiers(con, upload_id)
        if _replaced_incidents(con, upload_id):
            con.execute(load_sql("bulletins/found_on_replaced"), {"upload_id": upload_id})
            refresh_first_found(con)
        scope = "incidents"
    elif kind in ("bulletins", "finds"):
        scope = kind
    else:
        return 0
    if kind == "bulletins":  # a new version of a bulletin is a new row: its first find is set again
        refresh_first_found(con)
    return _insert_candidates(con, _match_params(False, upload_id), scope)


def refresh_after_undo(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """After-undo step: the undo scripts re-dated the matches (``found_on``); the bulletins' first finds follow."""
    from analytics.ingest.kinds import INCIDENT_KINDS  # see propose_for_upload

    if kind in (*INCIDENT_KINDS, "bulletins", "finds"):
        refresh_first_found(con)


def refresh_first_found(con: duckdb.DuckDBPyConnection, bulletin_no: str | None = None) -> None:
    """Set ``bulletins.first_found_on`` from the confirmed matches' ``found_on`` (one bulletin, or all of them).

    The lifecycle queries read it instead of joining the matches to the finds and incidents; every writer that
    changes a confirmed match, its date or a bulletin row calls this inside its own transaction.
    """
    con.execute(load_sql("bulletins/first_found_refresh"), {"bulletin_no": bulletin_no})


def _replaced_incidents(con: duckdb.DuckDBPyConnection, upload_id: int) -> bool:
    """Whether the upload replaced stored incident versions (their matches then take the new dates)."""
    row = con.execute("SELECT EXISTS (SELECT 1 FROM incidents_history WHERE replaced_by = ?)", [upload_id]).fetchone()
    return bool(row and row[0])


def decide_match(con: duckdb.DuckDBPyConnection, bulletin_no: str, ref_kind: str, ref_id: str,
                 decision: str, username: str | None) -> None:
    """Record an analyst's decision on a match and write it to the audit log.

    Parameters
    ----------
    con : open database connection.
    bulletin_no, ref_kind, ref_id : the pair (primary key of ``matches``).
    decision : ``'confirmed'`` or ``'rejected'``; a rejected pair is never proposed again.
    username : who decided.

    Raises
    ------
    InvalidDecision, UnknownMatch
    """
    if decision not in DECISIONS:
        raise InvalidDecision(
            f"Решение «{decision}» не поддерживается: выберите «подтвердить» или «отклонить».",
            f"Decision {decision!r} is not supported: choose confirm or reject.",
        )
    row = con.execute(
        "UPDATE matches SET status = ?, decided_by = ?, decided_at = ? "
        "WHERE bulletin_no = ? AND ref_kind = ? AND ref_id = ?",
        [decision, username, datetime.now(), bulletin_no, ref_kind, ref_id],
    ).fetchone()
    if not row or row[0] == 0:
        raise UnknownMatch(
            f"Совпадение {bulletin_no} ↔ {ref_id} не найдено: обновите страницу, список мог измениться.",
            f"Match {bulletin_no} ↔ {ref_id} was not found: reload the page, the list may have changed.",
        )
    refresh_first_found(con, bulletin_no)
    audit.log_action(con, username, f"match_{decision}", bulletin_no=bulletin_no, ref_kind=ref_kind,
                     ref_id=ref_id)


def list_matches(con: duckdb.DuckDBPyConnection, status: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Matches with both records' details for review.

    Parameters
    ----------
    con : open database connection.
    status : ``'proposed'``, ``'confirmed'``, ``'rejected'`` or None for all.
    limit : at most this many (the first in the order below); None = all.

    Returns
    -------
    pandas.DataFrame
        One row per match (columns of ``sql/bulletins/review.sql``); proposed ones first, newest first (pairs
        proposed by one load: the last inserted first).
    """
    return con.execute(load_sql("bulletins/review"), {"status": status, "limit": limit}).df()


def count_matches(con: duckdb.DuckDBPyConnection, status: str | None = None) -> int:
    """Number of matches with this status (None = all).

    Parameters
    ----------
    con : open database connection.
    status : ``'proposed'``, ``'confirmed'``, ``'rejected'`` or None.

    Returns
    -------
    int
    """
    row = con.execute("SELECT count(*) FROM matches WHERE ?::VARCHAR IS NULL OR status = ?::VARCHAR",
                      [status, status]).fetchone()
    return int(row[0]) if row else 0


def review_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a match is proposed or decided: the cache key part of review lists."""
    row = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'proposed'), max(decided_at) "
                      "FROM matches").fetchone()
    return "|".join(str(v) for v in row) if row else ""


def match_card_text(match: dict, lang: str = "ru") -> str:
    """Markdown of one match for the review list: the bulletin, the find, the key (and what verified it).

    Parameters
    ----------
    match : one record of :func:`list_matches`.
    lang : 'ru' or 'en'.

    Returns
    -------
    str
        Three lines of Markdown (identifiers in code spans).
    """
    found_on = match.get("found_on")
    day = found_on.date() if isinstance(found_on, pd.Timestamp) and not pd.isna(found_on) else None
    found = pick(TEXT, "found_by", lang).format(side=match.get("found_by_side") or "—", date=format_date(day, lang))

    def text(value: object) -> str:
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

    verified = text(match.get("verified_by"))
    verified_part = f" · {pick(TEXT, 'verified', lang)} {pick(TEXT, verified, lang)}" if verified else ""
    found_id = text(match.get("found_identifier")) or text(match.get("bulletin_ref"))
    return (f"**{match['bulletin_no']}** · {text(match.get('initiator_side'))} · "
            f"{pick(TEXT, text(match.get('object_kind')) or 'other', lang)} · `{text(match.get('bulletin_identifier'))}`"
            f"  \n↔ {found} · {text(match.get('place'))} · `{found_id}`"
            f"  \n{pick(TEXT, 'key', lang)}: {pick(TEXT, match['match_key'], lang)} = `{text(match.get('key_value'))}`"
            f"{verified_part}")


# ---------------------------------------------------------------- lifecycle KPIs

def _as_of(as_of: date | None) -> date:
    return as_of or date.today()


def bulletin_kpis(con: duckdb.DuckDBPyConnection, as_of: date | None = None, *, start: date | None = None,
                  end: date | None = None, monthly: bool = False) -> pd.DataFrame:
    """Lifecycle KPIs per direction and object kind for the bulletins sent in a period.

    Parameters
    ----------
    con : open database connection.
    as_of : the date the states are taken at (default today): a bulletin closed or found later is open.
    start, end : sent_on range (inclusive); None = unbounded. YTD: ``start=date(as_of.year, 1, 1)``.
    monthly : one row per month sent (cohorts) instead of one for the whole period.

    Returns
    -------
    pandas.DataFrame
        :data:`KPI_COLUMNS`. ``direction`` "KZ→KG" = bulletins sent by KZ, searched by KG. ``object_kind``
        'all' totals the direction. ``found`` includes ``returned``; ``open = sent − found − withdrawn``;
        ``resolution_rate = found / sent``; ``median_days``/``p90_days`` (linear interpolation) over found
        bulletins with a known date, days from sent_on to the first confirmed find or the closing date.
        Only directions/months with bulletins appear (an absent month is missing, not zero).
    """
    params = {"as_of": _as_of(as_of), "start": start, "end": end, "monthly": monthly}
    return _kpis_from_groups(con.execute(load_sql("bulletins/kpis"), params).fetchall())


def _quantile_cont(values: list[int], q: float) -> float:
    """DuckDB's ``quantile_cont`` of integers, to the last bit; NaN when there are none.

    DuckDB interpolates ``lo * (1 - d) + hi * d`` at position ``(n - 1) * q`` and its build computes that sum as
    one fused multiply-add, ``fma(lo, 1 - d, hi * d)`` (checked against DuckDB on thousands of random lists;
    ``tests/test_bulletins_sql_equivalence.py`` compares the KPI frames bit for bit). Python 3.11 has no
    ``math.fma``: the sum is formed exactly on integers and rounded once by ``int / int``, as FMA rounds.
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    fraction = position - low
    weight_num, weight_den = (1.0 - fraction).as_integer_ratio()
    tail_num, tail_den = (float(ordered[high]) * fraction).as_integer_ratio()
    return (ordered[low] * weight_num * tail_den + tail_num * weight_den) / (weight_den * tail_den)


def _kpis_from_groups(groups: list[tuple]) -> pd.DataFrame:
    """The KPI frame from the rows of ``kpis.sql`` (side, kind, month, sent, found, returned, withdrawn,
    days): direction labels, the 'all' row of each direction and month, rates, quantiles and kpis.sql's order."""
    cells: dict[tuple, list] = {}
    for side, kind, month, sent, found, returned, withdrawn, days in groups:
        direction = DIRECTION_OF_SIDE.get(side, side)
        for key in ((direction, kind, month), (direction, None, month)):
            cell = cells.setdefault(key, [0, 0, 0, 0, []])
            for i, count in enumerate((sent, found, returned, withdrawn)):
                cell[i] += count
            cell[4].extend(days or [])
    # direction descending, month (none first), the 'all' row first, then kinds by name
    keys = sorted(cells, key=lambda k: (k[1] is not None, k[1] or ""))
    keys.sort(key=lambda k: (k[2] is not None, k[2] or date.min))
    keys.sort(key=lambda k: k[0], reverse=True)
    rows = [cells[k] for k in keys]
    # an empty frame keeps object text columns, as DuckDB hands over an empty result's
    text = "str" if keys else "object"
    return pd.DataFrame({
        "direction": pd.Series([k[0] for k in keys], dtype=text),
        "object_kind": pd.Series([k[1] or "all" for k in keys], dtype=text),
        "month": np.array([k[2] for k in keys], dtype="datetime64[D]").astype("datetime64[us]"),  # None → NaT
        "sent": np.array([r[0] for r in rows], dtype="int64"),
        "found": np.array([r[1] for r in rows], dtype="int64"),
        "returned": np.array([r[2] for r in rows], dtype="int64"),
        "withdrawn": np.array([r[3] for r in rows], dtype="int64"),
        "open": np.array([r[0] - r[1] - r[3] for r in rows], dtype="int64"),
        "resolution_rate": np.array([r[1] / r[0] for r in rows], dtype="float64"),
        "median_days": np.array([_quantile_cont(r[4], 0.5) for r in rows], dtype="float64"),
        "p90_days": np.array([_quantile_cont(r[4], 0.9) for r in rows], dtype="float64"),
    })


def ytd_kpis(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> pd.DataFrame:
    """:func:`bulletin_kpis` for the bulletins sent from 1 January of ``as_of``'s year to ``as_of``."""
    day = _as_of(as_of)
    return bulletin_kpis(con, day, start=date(day.year, 1, 1), end=day)


def open_bulletins(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Bulletins still open at ``as_of``, oldest first, with age in days and ageing bucket.

    Parameters
    ----------
    con : open database connection.
    as_of : reference date (default today).
    limit : only the oldest ``limit`` (what a page shows); None = all.

    Returns
    -------
    pandas.DataFrame
        bulletin_no, direction, initiator_side, object_kind, sent_on, unit, make_model, identifier,
        age_days, age_bucket (one of :data:`AGE_BUCKETS`: 0–30, 31–90, 91–365, >365 days).
    """
    params: dict[str, object] = {"as_of": _as_of(as_of), "limit": limit}
    if limit is not None:
        row = con.execute(load_sql("bulletins/open_cutoff"), params).fetchone()
        if row and row[0] is not None:
            frame = con.execute(load_sql("bulletins/open_cut"), {**params, "last_day": row[0]}).df()
            # fewer rows than asked: all open bulletins fit (small database), or a load or undo committed
            # between the two statements — the one-statement form answers both from one snapshot
            if len(frame) >= limit:
                return frame
    return con.execute(load_sql("bulletins/open_list"), params).df()


def _empty_ageing() -> pd.DataFrame:
    return pd.DataFrame({"direction": pd.Series(dtype="string"), "age_bucket": pd.Series(dtype="string"),
                         "open": pd.Series(dtype="int64")})


def ageing_summary(open_list: pd.DataFrame) -> pd.DataFrame:
    """Open bulletins counted per direction and ageing bucket (every bucket present, in order).

    Parameters
    ----------
    open_list : the frame of :func:`open_bulletins`.

    Returns
    -------
    pandas.DataFrame
        direction, age_bucket, open — for each direction that has open bulletins, all four buckets.
    """
    if open_list.empty:
        return _empty_ageing()
    counts = open_list.groupby(["direction", "age_bucket"]).size()
    directions = [d for d in DIRECTIONS if d in set(open_list["direction"])] + sorted(
        set(open_list["direction"]) - set(DIRECTIONS))
    index = pd.MultiIndex.from_product([directions, AGE_BUCKETS], names=["direction", "age_bucket"])
    return counts.reindex(index, fill_value=0).rename("open").astype("int64").reset_index()


def ageing_counts(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> pd.DataFrame:
    """:func:`ageing_summary` of all bulletins open at ``as_of``, counted in SQL (no list fetched).

    Parameters
    ----------
    con : open database connection.
    as_of : reference date (default today).

    Returns
    -------
    pandas.DataFrame
        direction, age_bucket, open — the same rows as ``ageing_summary(open_bulletins(con, as_of))``.
    """
    return _pad_ageing(con.execute(load_sql("bulletins/ageing"), {"as_of": _as_of(as_of)}).fetchall())


def _pad_ageing(counts: list[tuple]) -> pd.DataFrame:
    """Counts per (initiating side, bucket position 1–4) as :func:`ageing_summary` lays them out: every bucket of
    each direction that has open bulletins, KZ→KG and KG→KZ first, then any other direction by name."""
    if not counts:
        return _empty_ageing()
    totals: dict[str, list[int]] = {}
    for side, position, count in counts:
        totals.setdefault(DIRECTION_OF_SIDE.get(side, side), [0] * len(AGE_BUCKETS))[position - 1] += count
    directions = [d for d in DIRECTIONS if d in totals] + sorted(set(totals) - set(DIRECTIONS))
    return pd.DataFrame({
        "direction": pd.array([d for d in directions for _ in AGE_BUCKETS], dtype="string"),
        "age_bucket": pd.array(list(AGE_BUCKETS) * len(directions), dtype="string"),
        "open": pd.array([n for d in directions for n in totals[d]], dtype="int64"),
    })


OPEN_LIMIT = 200


def bulletin_overview(con: duckdb.DuckDBPyConnection, as_of: date, start: date | None = None,
                      end: date | None = None, *, review_limit: int | None = None,
                      open_limit: int | None = OPEN_LIMIT) -> dict:
    """Everything the Bulletins page and slide show, for bulletins sent in [start, end], states at ``as_of``.

    Parameters
    ----------
    con : open database connection.
    as_of : the date the states and ages are taken at.
    start, end : sent_on range (None = unbounded).
    review_limit : how many proposed matches to fetch (None = all); ``review_count`` counts them all.
    open_limit : how many of the oldest open bulletins to fetch (None = all); ``open_count`` counts them all.

    Returns
    -------
    dict
        ``kpis`` (per direction and kind, plus 'all'), ``monthly`` (cohorts by month sent), ``open``
        (:func:`open_bulletins`, the oldest open bulletins whenever sent), ``open_count`` (int), ``ageing``
        (:func:`ageing_counts`), ``review`` (proposed matches, :func:`list_matches`), ``review_count`` (int).
    """
    ageing = ageing_counts(con, as_of)
    return {
        "kpis": bulletin_kpis(con, as_of, start=start, end=end),
        "monthly": bulletin_kpis(con, as_of, start=start, end=end, monthly=True),
        "open": open_bulletins(con, as_of, limit=open_limit),
        "open_count": int(ageing["open"].sum()),
        "ageing": ageing,
        "review": list_matches(con, "proposed", limit=review_limit),
        "review_count": count_matches(con, "proposed"),
    }


def display_frame(frame: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    """A frame of this module as people read it: columns, object kinds, age buckets and records in ``lang``.

    Parameters
    ----------
    frame : a frame of :func:`open_bulletins`, :func:`bulletin_kpis` or :func:`search_identifier`.
    lang : 'ru' or 'en'.

    Returns
    -------
    pandas.DataFrame
        The same rows; coded values translated, column names labelled (unknown columns kept as they are).
    """
    out = frame.copy()
    for column in ("object_kind", "age_bucket", "record"):
        if column in out:
            out[column] = [pick(TEXT, str(v), lang) for v in out[column]]
    for column in ("sent_on", "on_date", "month"):
        if column in out:
            out[column] = pd.to_datetime(out[column]).dt.date
    return out.rename(columns={c: pick(TEXT, f"col_{c}", lang) for c in out.columns
                               if f"col_{c}" in TEXT["ru"]})


# ---------------------------------------------------------------- search

def search_identifier(con: duckdb.DuckDBPyConnection, text: str) -> pd.DataFrame:
    """Bulletins and finds carrying an identifier typed in any script or format.

    Parameters
    ----------
    con : open database connection.
    text : a plate, VIN, IMEI, serial, ear tag or bulletin number, as the user typed it.

    Returns
    -------
    pandas.DataFrame
        record ('bulletin'|'find'), id, side, object_kind, on_date, status, identifier, bulletin.
        Exact normalised matches, plus keys containing the query when it has 5+ characters.
    """
    bulletin = normalise_bulletin_no(text)
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    params: dict[str, object] = {
        "plate": normalise_plate(text), "vin": normalise_vin(text), "imei": normalise_imei(text)[0],
        "serial": normalise_serial(text), "tag": normalise_tag(text), "bulletin": bulletin,
        "digits": digits if len(digits) >= 5 else None,
        "partial": len(normalise_serial(text) or "") >= 5,
    }
    refs, missing = _key_frames(con)
    params["refs"] = refs.loc[refs["ref_key"] == bulletin, "bulletin_ref"].tolist() if bulletin else []
    params["bulletin_nos"] = (missing.loc[missing["bulletin_key"] == bulletin, "bulletin_no"].tolist()
                              if bulletin else [])
    if not any(params[k] for k in ("plate", "vin", "imei", "serial", "tag", "bulletin")):
        return con.execute(load_sql("bulletins/search") + " LIMIT 0", {**params, "partial": False}).df()
    return con.execute(load_sql("bulletins/search"), params).df()


# ---------------------------------------------------------------- charts

def bulletin_kpi_chart(kpis: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """Stacked bars per object kind, one panel per direction: returned, found, withdrawn, still open.

    Parameters
    ----------
    kpis : the frame of :func:`bulletin_kpis` (not monthly); the 'all' rows are ignored.
    lang : 'ru' or 'en'.

    Returns
    -------
    plotly.graph_objects.Figure
        Bar heights add up to the bulletins sent; hover shows resolution rate and median days.
    """
    # short panel titles (the long "who searches for whom" text is the page's caption and the hover)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06, subplot_titles=list(DIRECTIONS))
    data = kpis[kpis["object_kind"] != "all"].copy() if not kpis.empty else pd.DataFrame(columns=KPI_COLUMNS)
    data["found_only"] = data["found"] - data["returned"]
    for col, direction in enumerate(DIRECTIONS, start=1):
        part = data[data["direction"] == direction]
        labels = [pick(TEXT, kind, lang) for kind in part["object_kind"]]
        summary = [
            f"{pick(TEXT, 'sent', lang)}: {int(sent)} · {pick(TEXT, 'rate', lang)}: {rate:.0%} · "
            f"{pick(TEXT, 'median', lang)}: {'—' if pd.isna(median) else f'{median:g}'}"
            for sent, rate, median in zip(part["sent"], part["resolution_rate"], part["median_days"], strict=True)]
        for state in ("returned", "found_only", "withdrawn", "open"):
            fig.add_trace(go.Bar(
                x=labels, y=part[state].tolist(), name=pick(TEXT, state, lang), legendgroup=state,
                showlegend=col == 1, marker_color=STATE_COLORS[state], customdata=summary,
                hovertemplate=f"{direction} · %{{x}}<br>{pick(TEXT, state, lang)}: %{{y}}<br>%{{customdata}}"
                              "<extra></extra>",
            ), row=1, col=col)
    fig.update_layout(barmode="stack", title={"text": pick(TEXT, "kpi_title", lang), "font": {"size": 14}},
                      legend_orientation="h",
                      margin={"t": 80, "l": 40, "r": 20, "b": 40}, height=420)
    fig.update_yaxes(title_text=pick(TEXT, "bulletins", lang), row=1, col=1)
    fig.update_annotations(font_size=12)
    return fig


def ageing_chart(ageing: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """Open bulletins per ageing bucket, bars grouped by direction.

    Parameters
    ----------
    ageing : the frame of :func:`ageing_summary`.
    lang : 'ru' or 'en'.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for direction in DIRECTIONS:
        part = ageing[ageing["direction"] == direction] if not ageing.empty else ageing
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=[pick(TEXT, b, lang) for b in part["age_bucket"]], y=list(part["open"]),
                             name=direction, marker_color=DIRECTION_COLORS[direction]))
    fig.update_layout(barmode="group", title={"text": pick(TEXT, "ageing_title", lang), "font": {"size": 14}},
                      legend_orientation="h",
                      yaxis_title=pick(TEXT, "open", lang), margin={"t": 60, "l": 40, "r": 20, "b": 40},
                      height=360)
    return fig
