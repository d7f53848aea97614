"""Real-world messiness of export files, at low, realistic rates (see ``shared/formats/EXPORTS.md``).

Value-level damage is done on the incident frame before rendering (coordinates, district spellings,
plates in the fabula) or expressed as :class:`analytics.demo.writers.RenderOptions` (date styles,
decimal points, thousands separators, flag words). Row-level damage is done on the rendered
:class:`analytics.demo.writers.Table`: exact duplicate rows, rows that must be rejected (no number,
31 February), renamed headers, an unknown extra column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.demo.places import read_reference
from analytics.demo.writers import RenderOptions, Table, text_values

# Kazakh headers of one ЕРДР month (Kazakh letters: that file cannot be cp1251, it is saved as UTF-8 with BOM).
KZ_HEADER_KAZAKH = {
    "Номер ЕРДР": "СДТБТ нөмірі", "Дата регистрации": "Тіркелген күні", "Дата совершения": "Жасалған күні",
    "Статья УК РК": "ҚР ҚК бабы", "Предмет посягательства": "Қол сұғушылық заты", "Район": "Аудан",
    "Населенный пункт": "Елді мекен", "Широта": "Ендік", "Долгота": "Бойлық", "Статус": "Мәртебесі",
    "Ущерб, тенге": "Залал, теңге", "Интернет": "Интернет арқылы", "Несовершеннолетние": "Кәмелетке толмағандар",
    "Иностранцы": "Шетелдіктер", "Фабула": "Фабуласы",
}
KZ_HEADER_VARIANTS = {"Номер ЕРДР": "№ ЕРДР", "Дата регистрации": "ДАТА РЕГИСТРАЦИИ", "Статья УК РК": "Статья  УК РК ",
                      "Населенный пункт": "Населённый пункт", "Ущерб, тенге": "Ущерб (тенге)", "Фабула": " фабула"}
KG_HEADER_OLD = {"Рег. № ЕРП": "Рег. № ЕРПП"}
KG_HEADER_VARIANTS = {"Рег. № ЕРП": "Рег. No ЕРП", "Дата регистрации": " Дата регистрации ", "Наименование": "НАИМЕНОВАНИЕ",
                      "Ущерб (сом)": "ущерб (сом)", "Координаты": "Координаты "}
_CYR_LOOKALIKE = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_INVESTIGATORS = ("Ахметов Б.К.", "Сейткали Н.Ж.", "Иванова О.П.", "Жумабеков Е.С.", "Нурланов А.А.", "Ким Д.В.", "")


@dataclass(frozen=True)
class RowMess:
    """Shares of rows damaged in an ordinary export."""

    empty_coords: float = 0.04
    swapped_coords: float = 0.003
    zero_coords: float = 0.002
    district_alias: float = 0.02
    duplicates: float = 0.0015
    bad_rows: int = 2


def rows(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """A boolean mask with about ``share`` of ``n`` rows set."""
    return rng.random(n) < share


def damage_values(frame: pd.DataFrame, rng: np.random.Generator, mess: RowMess) -> pd.DataFrame:
    """A copy with empty, swapped and zero coordinates and district names spelled as aliases."""
    out = frame.copy()
    n = len(out)
    lat, lon = out["lat"].to_numpy(copy=True), out["lon"].to_numpy(copy=True)
    empty, swapped, zero = rows(rng, n, mess.empty_coords), rows(rng, n, mess.swapped_coords), rows(rng, n, mess.zero_coords)
    lat[swapped], lon[swapped] = out["lon"].to_numpy()[swapped], out["lat"].to_numpy()[swapped]
    lat[zero], lon[zero] = 0.0, 0.0
    lat[empty], lon[empty] = np.nan, np.nan
    out["lat"], out["lon"] = lat, lon
    if mess.district_alias > 0:
        out["district_name"] = _district_spellings(out["district"].astype(str).to_numpy(), rng, mess.district_alias)
    return out


def _district_spellings(keys: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """Russian names, some rows written as one of the district's Cyrillic aliases (``г.Тараз``, ``Кордайский``)."""
    table = {r["district"]: r for r in read_reference(_reference_dir(), "districts.csv")}
    names = np.array([table[k]["name_ru"] for k in keys], dtype=object)
    for i in np.flatnonzero(rows(rng, keys.size, share)):
        aliases = [a for a in table[keys[i]]["aliases"].split("|") if _usable_alias(a)]
        if aliases:
            names[i] = aliases[int(rng.integers(0, len(aliases)))]
    return names


def _usable_alias(alias: str) -> bool:
    # Cyrillic spellings a Russian-language export would carry: encodable in Windows-1251, no Latin, no
    # disambiguating tail that only the reference table needs.
    if not alias or alias.isascii() or "Жамбылской" in alias or "Таласской" in alias:
        return False
    try:
        alias.encode("cp1251")
    except UnicodeEncodeError:
        return False
    return True


def _reference_dir():
    from analytics.config import load_settings
    return load_settings().reference_dir


def plates_typed_loosely(frame: pd.DataFrame, rng: np.random.Generator, share: float = 0.1) -> pd.DataFrame:
    """In some vehicle fabulas the plate is typed with Cyrillic look-alikes and spaces (``123 АВС 08``)."""
    plates = frame["plate"].astype(str)
    chosen = rows(rng, len(frame), share) & (plates != "").to_numpy()
    if not chosen.any():
        return frame
    out = frame.copy()
    summary = out["summary"].astype(str).to_numpy(dtype=object)
    for i in np.flatnonzero(chosen):
        plate = str(plates.iat[int(i)])
        spaced = f"{plate[:3]} {plate[3:6]} {plate[6:]}" if plate[:3].isdigit() else f"{plate[:2]} {plate[2:4]} {plate[4:7]} {plate[7:]}"
        summary[i] = summary[i].replace(plate, spaced.translate(_CYR_LOOKALIKE))
    out["summary"] = summary
    return out


def ordinary_options(frame: pd.DataFrame, rng: np.random.Generator, side: str) -> RenderOptions:
    """Per-row variations of an ordinary month: KZ decimal dots in a fifth of rows, KG ``dd.mm.yyyy`` in some."""
    n = len(frame)
    return RenderOptions(
        dot_decimal=rows(rng, n, 0.2) if side == "KZ" else None,
        dmy_dates=rows(rng, n, 0.05) if side == "KG" else None,
        thousands=rows(rng, n, 0.03),
    )


def investigators(rng: np.random.Generator, n: int) -> list[str]:
    """Values of an unknown extra column («Следователь»)."""
    return [_INVESTIGATORS[i] for i in rng.integers(0, len(_INVESTIGATORS), n)]


def rename_headers(table: Table, mapping: dict[str, str]) -> Table:
    """The table with some headers spelled differently."""
    table.header = [mapping.get(h, h) for h in table.header]
    return table


def duplicate_rows(table: Table, rng: np.random.Generator, share: float) -> tuple[Table, int]:
    """Repeat a few rows right after themselves (the same line twice in an export). Returns the count."""
    n = table.n_rows
    if n == 0 or share <= 0:
        return table, 0
    count = max(1, int(round(n * share)))
    chosen = np.sort(rng.choice(n, size=min(count, n), replace=False))
    order = np.sort(np.concatenate([np.arange(n), chosen]), kind="stable")
    indices = pa.array(order)
    table.columns = [pc.take(c, indices) for c in table.columns]
    return table, int(chosen.size)


def add_bad_rows(table: Table, rng: np.random.Generator, count: int, *, year: int, iso: bool,
                 fresh_ids: list[str]) -> tuple[Table, int]:
    """Insert rows the loader must reject: an empty registration number, or a registration date of 31 February.

    ``fresh_ids`` are numbers used by nobody else (the rejected row must not look like an update).
    Returns the table and the number of rows added.
    """
    n = table.n_rows
    if n == 0 or count <= 0:
        return table, 0
    id_col, date_col = 0, 1
    positions = np.sort(rng.choice(n, size=min(count, n), replace=False))
    columns = [c.to_pylist() for c in table.columns]
    # Insert from the last position backwards so earlier positions stay valid.
    for k in range(len(positions) - 1, -1, -1):
        p = int(positions[k])
        row = [column[p] for column in columns]
        if k % 2 == 0:
            row[id_col] = ""
        else:
            row[id_col] = fresh_ids[k % len(fresh_ids)]
            row[date_col] = f"{year}-02-31" if iso else f"31.02.{year}"
        for column, value in zip(columns, row, strict=True):
            column.insert(p + 1, value)
    table.columns = [pa.array(column, type=pa.string()) for column in columns]
    return table, len(positions)


def add_column(table: Table, name: str, values) -> Table:
    """Append a column the app does not know (kept by the loader as extra)."""
    table.header.append(name)
    table.columns.append(text_values(list(values), table.delimiter))
    return table
