"""A plain, reasonable pandas pipeline doing the ingest's work — the yardstick ``ingest_s`` is compared with.

What a competent analyst would write with pandas 3 + pyarrow, without tricks the project's loader might use:

1. detect the encoding on the first 64 KB (charset-normalizer), decode cp1251 in Python, then
   ``read_csv(engine="pyarrow")`` with every column as text;
2. reject rows without a registration number or with an unparseable / future registration date;
3. parse dates, decimal commas, thousands separators, ``"lat, lon"``, yes/no flags — vectorised ``str`` methods;
4. map categories with the same reference rules (``data/reference/category_rules.csv``): each rule is
   evaluated with ``str.contains`` on the *distinct* (article, object, title) combinations and joined back,
   the fabula rules on the rows their title selects; highest priority wins;
5. districts and oblasts via the reference names and aliases (a dict on distinct values);
6. H3 resolution 7 per *distinct* usable coordinate with the ``h3`` package;
7. one ``INSERT INTO incidents SELECT … FROM frame`` of a registered frame, plus rejects, coverage, uploads.

It writes to the same schema (a fresh database from ``analytics.db.connect``), so the work is the same.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from datetime import date
from pathlib import Path

import charset_normalizer
import duckdb
import h3
import numpy as np
import pandas as pd

KZ_FIELDS = {
    "Номер ЕРДР": "source_id", "Дата регистрации": "registered", "Дата совершения": "occurred",
    "Статья УК РК": "article_raw", "Предмет посягательства": "object_raw", "Район": "district_raw",
    "Населенный пункт": "settlement", "Широта": "lat_raw", "Долгота": "lon_raw", "Статус": "status_raw",
    "Ущерб, тенге": "damage_raw", "Интернет": "online_raw", "Несовершеннолетние": "minor_raw",
    "Иностранцы": "foreign_raw", "Фабула": "summary",
}
KG_FIELDS = {
    "Рег. № ЕРП": "source_id", "Дата регистрации": "registered", "Дата происшествия": "occurred",
    "Время": "time_raw", "Статья УК КР": "article_raw", "Наименование": "title_raw", "Область": "oblast_raw",
    "Район": "district_raw", "Населенный пункт": "settlement", "Координаты": "coords_raw",
    "Состояние": "status_raw", "Ущерб (сом)": "damage_raw", "Интернет": "online_raw",
    "Несовершеннолетние": "minor_raw", "Иностранцы": "foreign_raw", "Фабула": "summary",
}
STATUS = {
    "в производстве": "in_progress", "направлено в суд": "to_court", "прекращено": "terminated",
    "приостановлено": "suspended",
}
FLAGS = {
    "да": True, "нет": False, "иә": True, "жоқ": False, "ооба": True, "жок": False, "1": True, "0": False,
    "yes": True, "no": False, "+": True,
}
# Rough extent of each side's oblasts: coordinates outside are kept but not mapped.
BBOX = {"KZ": (42.2, 45.7, 68.9, 75.9), "KG": (41.9, 43.3, 70.7, 76.3)}
_ARTICLE = r"^\s*(?P<article>\d+(?:-\d+)?)(?:\s*ч\.?\s*(?P<part>\d+))?(?:\s*п\.?\s*(?P<item>\d+))?"
INCIDENT_COLUMNS = [
    "side", "source_id", "registered_on", "occurred_at", "article_raw", "title_raw", "object_raw", "category",
    "oblast", "district", "district_raw", "settlement", "lat", "lon", "geo_ok", "geo_flag", "h3_r7", "status",
    "status_raw", "damage", "currency", "online", "minor_involved", "foreign_national", "summary", "upload_id",
]


def _read_text_frame(path: Path, sep: str) -> tuple[pd.DataFrame, str]:
    raw = path.read_bytes()
    guess = charset_normalizer.from_bytes(raw[:65536]).best()
    encoding = guess.encoding if guess is not None else "utf-8"
    if encoding.replace("_", "").lower() in {"cp1251", "windows1251"}:
        raw = raw.decode("cp1251").encode("utf-8")
    frame = pd.read_csv(io.BytesIO(raw), sep=sep, engine="pyarrow", dtype=str, encoding="utf-8-sig")
    return frame, encoding


def _parse_dates(values: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """First format that parses wins; anything else is NaT (31.02 is invalid, never coerced)."""
    result = pd.to_datetime(values, format=formats[0], errors="coerce")
    for fmt in formats[1:]:
        missing = result.isna() & values.notna()
        if missing.any():
            result = result.where(~missing, pd.to_datetime(values.where(missing), format=fmt, errors="coerce"))
    return result


def _to_number(values: pd.Series) -> pd.Series:
    cleaned = values.str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


def _district_lookup(con: duckdb.DuckDBPyConnection, side: str) -> dict[str, tuple[str, str]]:
    lookup: dict[str, tuple[str, str]] = {}
    rows = con.execute(
        "SELECT district, oblast, name_ru, name_local, name_en, aliases FROM ref_districts WHERE side = ?", [side]
    ).fetchall()
    for key, oblast, *names, aliases in rows:
        for name in [*names, *(aliases or "").split("|")]:
            if name:
                lookup.setdefault(name.strip().lower(), (key, oblast))
    return lookup


def _oblast_lookup(con: duckdb.DuckDBPyConnection, side: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, *names, aliases in con.execute(
        "SELECT oblast, name_ru, name_en, name_local, aliases FROM ref_oblasts WHERE side = ?", [side]
    ).fetchall():
        for name in [*names, *(aliases or "").split("|")]:
            if name:
                lookup[name.strip().lower()] = key
    return lookup


def _map_categories(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, side: str) -> pd.Series:
    """Highest-priority matching rule per row; rules evaluated on distinct combinations."""
    rules = con.execute(
        "SELECT article, part, item, object_regex, title_regex, summary_regex, category FROM ref_category_rules "
        "WHERE side = ? ORDER BY priority::INTEGER DESC, rule_id", [side]
    ).df()
    parts = frame["article_raw"].str.extract(_ARTICLE)
    keys = pd.DataFrame({
        "article": parts["article"], "part": parts["part"], "item": parts["item"],
        "object": frame["object_raw"].str.lower(), "title": frame["title_raw"].str.lower(),
    })
    combos = keys.drop_duplicates().reset_index(drop=True)
    combos["combo"] = np.arange(len(combos))
    combo_of_row = keys.merge(combos, on=list(keys.columns), how="left")["combo"].to_numpy()
    summary = frame["summary"].str.lower()
    category = np.full(len(frame), None, dtype=object)
    for rule in rules.itertuples(index=False):
        mask = pd.Series(True, index=combos.index)
        for column, value in (("article", rule.article), ("part", rule.part), ("item", rule.item)):
            if isinstance(value, str) and value:
                mask &= combos[column].eq(value).fillna(False)
        for column, pattern in (("object", rule.object_regex), ("title", rule.title_regex)):
            if isinstance(pattern, str) and pattern:
                mask &= combos[column].str.contains(pattern, regex=True).fillna(False)
        row_mask = mask.to_numpy(dtype=bool)[combo_of_row] & pd.isna(category)
        if isinstance(rule.summary_regex, str) and rule.summary_regex and row_mask.any():
            hits = summary[row_mask].str.contains(rule.summary_regex, regex=True).fillna(False).to_numpy(dtype=bool)
            row_mask[np.flatnonzero(row_mask)[~hits]] = False
        category[row_mask] = rule.category
    category[pd.isna(category)] = "other"
    return pd.Series(category, index=frame.index, dtype="string")


def _add_geo(frame: pd.DataFrame, side: str) -> None:
    lat, lon = frame["lat"], frame["lon"]
    low, high, west, east = BBOX[side]
    swapped = ~lat.between(low, high) & lon.between(low, high) & lat.between(west, east)
    frame.loc[swapped, ["lat", "lon"]] = frame.loc[swapped, ["lon", "lat"]].to_numpy()
    lat, lon = frame["lat"], frame["lon"]
    zero = lat.eq(0) & lon.eq(0)
    inside = lat.between(low, high) & lon.between(west, east)
    frame["geo_ok"] = inside.fillna(False).astype(bool)
    flag = pd.Series(pd.NA, index=frame.index, dtype="string")
    flag[swapped.fillna(False)] = "swapped"
    flag[zero.fillna(False)] = "zero"
    flag[(lat.notna() & ~inside.fillna(False) & ~zero.fillna(False))] = "outside"
    frame["geo_flag"] = flag
    usable = frame.loc[frame["geo_ok"], ["lat", "lon"]].drop_duplicates()
    usable["h3_r7"] = [h3.str_to_int(h3.latlng_to_cell(a, b, 7)) for a, b in zip(usable["lat"], usable["lon"],
                                                                              strict=True)]
    merged = frame[["lat", "lon"]].merge(usable, on=["lat", "lon"], how="left")
    frame["h3_r7"] = merged["h3_r7"].astype("UInt64").to_numpy()


def _finish(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, side: str, registered: pd.Series,
            occurred: pd.Series, path: Path, encoding: str, sep: str) -> dict[str, int]:
    today = pd.Timestamp(date.today())
    bad = frame["source_id"].isna() | registered.isna() | (registered > today)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    upload_id = con.execute(
        "INSERT INTO uploads (file_name, sha256, kind, side, encoding, delimiter) VALUES (?, ?, ?, ?, ?, ?) "
        "RETURNING upload_id", [path.name, digest, f"{side.lower()}_incidents", side, encoding, sep]
    ).fetchall()[0][0]
    rejects = pd.DataFrame({
        "upload_id": upload_id, "line_no": np.flatnonzero(bad.to_numpy()) + 2,
        "reason": np.where(frame.loc[bad, "source_id"].isna(), "no registration number", "bad registration date"),
    })
    good = frame.loc[~bad].copy()
    good["registered_on"] = registered[~bad].dt.date
    good["occurred_at"] = occurred[~bad]
    good["side"] = side
    good["upload_id"] = upload_id
    for column in INCIDENT_COLUMNS:
        if column not in good.columns:
            good[column] = None
    con.register("frame", good[INCIDENT_COLUMNS])
    con.register("reject_frame", rejects)
    con.execute("INSERT INTO incidents BY NAME SELECT * FROM frame")
    con.execute("INSERT INTO rejects (upload_id, line_no, reason) SELECT upload_id, line_no, reason FROM reject_frame")
    con.execute(
        "INSERT INTO coverage SELECT DISTINCT side, oblast, date_trunc('month', registered_on)::DATE, upload_id "
        "FROM frame WHERE oblast IS NOT NULL"
    )
    con.execute("UPDATE uploads SET rows_read = ?, accepted = ?, rejected = ? WHERE upload_id = ?",
                [len(frame), len(good), int(bad.sum()), upload_id])
    con.unregister("frame")
    con.unregister("reject_frame")
    return {"accepted": len(good), "rejected": int(bad.sum())}


def load_kz_pandas(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    """Load a KZ ЕРДР export (cp1251, ``;``) the pandas way.

    Returns
    -------
    dict : ``accepted`` and ``rejected`` row counts.
    """
    frame, encoding = _read_text_frame(path, ";")
    frame = frame.rename(columns=KZ_FIELDS)
    frame["title_raw"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    registered = _parse_dates(frame["registered"], ("%d.%m.%Y",))
    occurred = _parse_dates(frame["occurred"], ("%d.%m.%Y %H:%M", "%d.%m.%Y"))
    frame["lat"] = _to_number(frame["lat_raw"])
    frame["lon"] = _to_number(frame["lon_raw"])
    return _harmonise_and_write(con, frame, "KZ", "KZT", registered, occurred, path, encoding, ";")


def load_kg_pandas(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    """Load a KG ЕРП export (UTF-8 BOM, ``,``, ``"lat, lon"``) the pandas way.

    Returns
    -------
    dict : ``accepted`` and ``rejected`` row counts.
    """
    frame, encoding = _read_text_frame(path, ",")
    frame = frame.rename(columns=KG_FIELDS)
    frame["object_raw"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    registered = _parse_dates(frame["registered"], ("%Y-%m-%d", "%d.%m.%Y"))
    occurred_day = _parse_dates(frame["occurred"], ("%Y-%m-%d", "%d.%m.%Y"))
    time_of_day = pd.to_timedelta((frame["time_raw"] + ":00").where(frame["time_raw"].notna()), errors="coerce")
    occurred = occurred_day + time_of_day.fillna(pd.Timedelta(0))
    coords = frame["coords_raw"].str.split(",", n=1, expand=True, regex=False)
    frame["lat"] = pd.to_numeric(coords[0], errors="coerce")
    frame["lon"] = pd.to_numeric(coords[1], errors="coerce")
    oblasts = _oblast_lookup(con, "KG")
    distinct = frame["oblast_raw"].dropna().unique()
    frame["oblast"] = frame["oblast_raw"].map({v: oblasts.get(v.strip().lower()) for v in distinct})
    return _harmonise_and_write(con, frame, "KG", "KGS", registered, occurred, path, encoding, ",")


def _harmonise_and_write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, side: str, currency: str,
                         registered: pd.Series, occurred: pd.Series, path: Path, encoding: str,
                         sep: str) -> dict[str, int]:
    frame["category"] = _map_categories(con, frame, side)
    districts = _district_lookup(con, side)
    distinct = frame["district_raw"].dropna().unique()
    resolved = {v: districts.get(re.sub(r"\s+", " ", v).strip().lower(), (None, None)) for v in distinct}
    frame["district"] = frame["district_raw"].map({k: v[0] for k, v in resolved.items()})
    if "oblast" not in frame.columns:
        frame["oblast"] = frame["district_raw"].map({k: v[1] for k, v in resolved.items()})
    frame["status"] = frame["status_raw"].str.strip().str.lower().map(STATUS).fillna("other")
    frame["damage"] = _to_number(frame["damage_raw"])
    frame["currency"] = currency
    for raw, column in (("online_raw", "online"), ("minor_raw", "minor_involved"),
                        ("foreign_raw", "foreign_national")):
        frame[column] = frame[raw].str.strip().str.lower().map(FLAGS).astype("boolean")
    _add_geo(frame, side)
    return _finish(con, frame, side, registered, occurred, path, encoding, sep)


def run_baseline(con: duckdb.DuckDBPyConnection, kz_path: Path, kg_path: Path) -> dict[str, float | int]:
    """Load both files the pandas way into ``con`` (a fresh database) and time each.

    Returns
    -------
    dict : ``kz_s``, ``kg_s``, ``total_s``, ``accepted``, ``rejected``.
    """
    start = time.perf_counter()
    kz = load_kz_pandas(con, kz_path)
    middle = time.perf_counter()
    kg = load_kg_pandas(con, kg_path)
    end = time.perf_counter()
    return {
        "kz_s": middle - start, "kg_s": end - middle, "total_s": end - start,
        "accepted": kz["accepted"] + kg["accepted"], "rejected": kz["rejected"] + kg["rejected"],
    }
