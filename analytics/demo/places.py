"""Where demo incidents happen: settlements per district and pools of points inside the right oblast.

Coordinates are scattered a few km around settlements (approximate positions of real villages and
district seats) and kept only when they fall inside the oblast polygon of ``data/geo/regions.geojson``.
Livestock thefts in the border districts get their own pool: pastures 5–15 km from the KZ–KG
border line (``data/geo/border.geojson``, or the shared edge of the oblast polygons when that file
is absent). Pools are drawn once with a fixed seed, so every demo run sees the same geography.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from analytics.errors import ShekaraError

# Districts whose summer pastures run along the border: livestock theft concentrates here.
BORDER_PASTURE_DISTRICTS = ("KORDAI", "MERKE", "RYSKULOV", "PANFILOV", "ZHAIYL", "KARA_BUURA", "MANAS", "BAKAI_ATA")
PASTURE_BAND_KM = (5.0, 15.0)

# (district, settlement as written in exports, lat, lon, weight). Positions are approximate (a few km),
# good enough for district-level maps; the district seat comes first.
SETTLEMENTS: tuple[tuple[str, str, float, float, float], ...] = (
    ("TARAZ", "г. Тараз", 42.9001, 71.3659, 1.0),
    ("BAIZAK", "с. Сарыкемер", 43.0010, 71.5040, 0.5),
    ("BAIZAK", "с. Диханколь", 43.0700, 71.4300, 0.25),
    ("BAIZAK", "с. Костоган", 42.9750, 71.6200, 0.25),
    ("ZHAMBYL", "с. Аса", 42.9500, 71.5500, 0.5),
    ("ZHAMBYL", "с. Акбулым", 42.8700, 71.4700, 0.25),
    ("ZHAMBYL", "с. Гродеково", 42.8600, 71.2700, 0.25),
    ("ZHUALY", "с. Бауыржан Момышулы", 42.6150, 70.7600, 0.6),
    ("ZHUALY", "с. Кошкарата", 42.6400, 70.6000, 0.2),
    ("ZHUALY", "с. Актобе", 42.5700, 70.9000, 0.2),
    ("KORDAI", "с. Кордай", 43.0436, 74.7134, 0.4),
    ("KORDAI", "с. Сортобе", 43.0512, 75.1873, 0.2),
    ("KORDAI", "с. Масанчи", 42.9310, 75.3000, 0.15),
    ("KORDAI", "с. Отар", 43.5390, 75.2130, 0.1),
    ("KORDAI", "с. Карасу", 43.0600, 74.9500, 0.15),
    ("MERKE", "с. Мерке", 42.8731, 73.1802, 0.6),
    ("MERKE", "с. Сарымолдаев", 42.8600, 73.0500, 0.2),
    ("MERKE", "с. Андас батыра", 42.9300, 73.3300, 0.2),
    ("MOIYNKUM", "с. Мойынкум", 44.2800, 72.9500, 0.7),
    ("MOIYNKUM", "с. Уланбель", 44.8000, 71.1000, 0.3),
    ("SARYSU", "г. Жанатас", 43.5700, 69.7300, 0.75),
    ("SARYSU", "с. Байкадам", 43.7400, 69.9300, 0.25),
    ("TALAS_KZ", "г. Каратау", 43.1800, 70.4600, 0.7),
    ("TALAS_KZ", "с. Аккол", 43.4000, 70.8500, 0.3),
    ("RYSKULOV", "с. Кулан", 42.9206, 72.7295, 0.5),
    ("RYSKULOV", "с. Луговое", 42.9600, 72.7800, 0.25),
    ("RYSKULOV", "с. Жанатурмыс", 42.8800, 72.5500, 0.25),
    ("SHU", "с. Толе би", 43.6811, 73.7659, 0.35),
    ("SHU", "г. Шу", 43.5983, 73.7614, 0.45),
    ("SHU", "с. Бирлик", 43.7100, 73.8200, 0.2),
    ("ALAMUDUN", "с. Лебединовка", 42.8860, 74.6820, 0.4),
    ("ALAMUDUN", "с. Аламедин", 42.8900, 74.6300, 0.2),
    ("ALAMUDUN", "с. Васильевка", 42.9300, 74.5500, 0.2),
    ("ALAMUDUN", "с. Кой-Таш", 42.7300, 74.6000, 0.2),
    ("ZHAIYL", "г. Кара-Балта", 42.8140, 73.8490, 0.6),
    ("ZHAIYL", "с. Сосновка", 42.6400, 73.9000, 0.2),
    ("ZHAIYL", "с. Джайыл", 42.8000, 73.7200, 0.2),
    ("KEMIN", "г. Кемин", 42.7860, 75.6920, 0.6),
    ("KEMIN", "с. Орловка", 42.7400, 75.6000, 0.4),
    ("MOSKOVSKY", "с. Беловодское", 42.8294, 74.1079, 0.6),
    ("MOSKOVSKY", "с. Петровка", 42.8500, 74.0300, 0.4),
    ("PANFILOV", "с. Кайынды", 42.8262, 73.6788, 0.5),
    ("PANFILOV", "с. Панфиловское", 42.7400, 73.5300, 0.3),
    ("PANFILOV", "с. Чалдыбар", 42.7900, 73.4100, 0.2),
    ("SOKULUK", "с. Сокулук", 42.8600, 74.3000, 0.5),
    ("SOKULUK", "с. Шопоков", 42.8223, 74.3149, 0.3),
    ("SOKULUK", "с. Новопавловка", 42.8700, 74.4800, 0.2),
    ("CHUY_D", "с. Чуй", 42.8000, 75.2000, 0.6),
    ("CHUY_D", "с. Бурана", 42.7600, 75.2500, 0.4),
    ("YSYK_ATA", "г. Кант", 42.8910, 74.8500, 0.6),
    ("YSYK_ATA", "с. Ивановка", 42.8900, 75.0800, 0.4),
    ("TOKMOK", "г. Токмок", 42.8417, 75.2912, 1.0),
    ("BAKAI_ATA", "с. Бакай-Ата", 42.5300, 71.9700, 1.0),
    ("KARA_BUURA", "с. Кызыл-Адыр", 42.6197, 71.5889, 0.7),
    ("KARA_BUURA", "с. Амандык", 42.6600, 71.7500, 0.3),
    ("MANAS", "с. Покровка", 42.7203, 72.3571, 0.7),
    ("MANAS", "с. Манас", 42.6800, 72.2200, 0.3),
    ("TALAS_KG", "с. Кок-Ой", 42.4500, 72.4000, 1.0),
    ("TALAS_CITY", "г. Талас", 42.5200, 72.2400, 1.0),
)

_POOL_SEED = 20240917  # fixed: the geography of the demo does not depend on the user's seed
_POOL_SIZE = 1500
_KM_PER_DEG_LAT = 110.57
_KM_PER_DEG_LON = 111.32 * math.cos(math.radians(42.9))


class GeoDataMissing(ShekaraError):
    """The oblast polygons needed to place demo incidents are not built yet."""


@dataclass(frozen=True, eq=False)  # hashed by identity: cached pools are per loaded geometry
class Geometry:
    """Oblast polygons (lon/lat) by key and the KZ–KG border line in a local km plane."""

    oblasts: dict[str, shapely.Geometry]
    border_km: shapely.Geometry


@dataclass(frozen=True)
class PointPool:
    """Candidate points of one district: lat, lon and the index of the nearest settlement."""

    lat: np.ndarray
    lon: np.ndarray
    settlement: np.ndarray  # index into SETTLEMENTS


def _to_km(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: xy * np.array([_KM_PER_DEG_LON, _KM_PER_DEG_LAT]))


def _oblast_of_feature(props: dict, iso_to_key: dict[str, str]) -> str | None:
    for field in ("oblast", "key", "iso_3166_2", "iso"):
        value = str(props.get(field) or "")
        if value in iso_to_key.values():
            return value
        if value in iso_to_key:
            return iso_to_key[value]
    return None


def read_reference(reference_dir: Path, name: str) -> list[dict[str, str]]:
    """Rows of ``data/reference/<name>`` as dicts (UTF-8 CSV)."""
    with open(reference_dir / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def load_geometry(geo_dir: Path, reference_dir: Path) -> Geometry | None:
    """Oblast polygons and the border line, or ``None`` when ``regions.geojson`` is not built.

    Parameters
    ----------
    geo_dir : folder with ``regions.geojson`` (features carrying ``oblast`` or ``iso_3166_2``)
        and optionally ``border.geojson``.
    reference_dir : folder with ``oblasts.csv`` (ISO code → oblast key).

    Returns
    -------
    Geometry or None
    """
    regions_file = geo_dir / "regions.geojson"
    if not regions_file.exists():
        return None
    iso_to_key = {row["iso_3166_2"]: row["oblast"] for row in read_reference(reference_dir, "oblasts.csv")}
    data = json.loads(regions_file.read_text(encoding="utf-8"))
    parts: dict[str, list[shapely.Geometry]] = {}
    for feature in data.get("features", []):
        key = _oblast_of_feature(feature.get("properties") or {}, iso_to_key)
        if key is not None and feature.get("geometry"):
            parts.setdefault(key, []).append(shape(feature["geometry"]))
    oblasts = {key: shapely.union_all(geoms) for key, geoms in parts.items()}
    if not {"ZHA", "CHU", "TAL"} <= oblasts.keys():
        return None
    border_file = geo_dir / "border.geojson"
    if border_file.exists():
        border_data = json.loads(border_file.read_text(encoding="utf-8"))
        features = border_data.get("features", [border_data])
        border = shapely.union_all([shape(f.get("geometry", f)) for f in features])
    else:
        # Natural Earth polygons share their edges exactly, so the common boundary is the border.
        kg = shapely.union(oblasts["CHU"], oblasts["TAL"])
        border = shapely.intersection(oblasts["ZHA"].boundary, kg.boundary)
    for geom in oblasts.values():
        shapely.prepare(geom)
    border_km = shapely.simplify(_to_km(border), 0.1)  # 100 m: far below the source accuracy, much faster
    shapely.prepare(border_km)
    return Geometry(oblasts=oblasts, border_km=border_km)


def require_geometry(geo_dir: Path, reference_dir: Path) -> Geometry:
    """Like :func:`load_geometry` but raises :class:`GeoDataMissing` instead of returning ``None``."""
    geometry = load_geometry(geo_dir, reference_dir)
    if geometry is None:
        raise GeoDataMissing(
            f"Нет границ областей ({geo_dir / 'regions.geojson'}). Выполните «make geodata» и повторите.",
            f"Oblast polygons are missing ({geo_dir / 'regions.geojson'}). Run `make geodata` and retry.",
        )
    return geometry


def border_distance_km(geometry: Geometry, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance of each point to the KZ–KG border line in km (local plane, good to ~1 %)."""
    points = shapely.points(lon * _KM_PER_DEG_LON, lat * _KM_PER_DEG_LAT)
    return np.asarray(shapely.distance(points, geometry.border_km), dtype=float)


def _scatter(rng: np.random.Generator, lat: float, lon: float, sigma_km: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    # Rounded before the inside test: exports carry 4 decimals, and rounding must not push a point out.
    return (np.round(lat + rng.normal(0.0, sigma_km / _KM_PER_DEG_LAT, n), 4),
            np.round(lon + rng.normal(0.0, sigma_km / _KM_PER_DEG_LON, n), 4))


def _nearest_settlement(lat: np.ndarray, lon: np.ndarray, candidates: list[int]) -> np.ndarray:
    s_lat = np.array([SETTLEMENTS[i][2] for i in candidates])
    s_lon = np.array([SETTLEMENTS[i][3] for i in candidates])
    d2 = ((lat[:, None] - s_lat[None, :]) * _KM_PER_DEG_LAT) ** 2 + ((lon[:, None] - s_lon[None, :]) * _KM_PER_DEG_LON) ** 2
    return np.asarray(candidates)[np.argmin(d2, axis=1)]


def _inside(geometry: Geometry | None, oblast: str, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    if geometry is None:
        return np.ones(lat.shape, dtype=bool)
    return np.asarray(shapely.contains_xy(geometry.oblasts[oblast], lon, lat), dtype=bool)


@lru_cache(maxsize=4)
def build_point_pools(geometry: Geometry | None, district_oblast: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], PointPool]:
    """Point pools per ``(district, kind)``; kind ``settled`` (around settlements) or ``pasture``.

    Parameters
    ----------
    geometry : polygons to keep points inside; ``None`` skips the check (benchmarks without geodata).
    district_oblast : ``((district, oblast), ...)`` from ``districts.csv``.

    Returns
    -------
    dict
        ``pasture`` pools exist only for :data:`BORDER_PASTURE_DISTRICTS` and only with geometry.
    """
    rng = np.random.default_rng(_POOL_SEED)
    pools: dict[tuple[str, str], PointPool] = {}
    for district, oblast in district_oblast:
        members = [i for i, row in enumerate(SETTLEMENTS) if row[0] == district]
        if not members:
            continue
        weights = np.array([SETTLEMENTS[i][4] for i in members])
        counts = rng.multinomial(_POOL_SIZE * 3, weights / weights.sum())
        lats, lons, owners = [], [], []
        for idx, count in zip(members, counts, strict=True):
            _, name, lat0, lon0, _ = SETTLEMENTS[idx]
            sigma = 3.5 if name.startswith("г.") else 2.5
            lat, lon = _scatter(rng, lat0, lon0, sigma, int(count))
            keep = _inside(geometry, oblast, lat, lon)
            lats.append(lat[keep])
            lons.append(lon[keep])
            owners.append(np.full(int(keep.sum()), idx))
        lat_all, lon_all, own_all = np.concatenate(lats), np.concatenate(lons), np.concatenate(owners)
        order = rng.permutation(lat_all.size)[:_POOL_SIZE]
        pools[(district, "settled")] = PointPool(lat_all[order], lon_all[order], own_all[order])
        if geometry is not None and district in BORDER_PASTURE_DISTRICTS:
            seat_lat, seat_lon = SETTLEMENTS[members[0]][2], SETTLEMENTS[members[0]][3]
            for radius in (45.0, 70.0):
                n = 8000
                r = radius * np.sqrt(rng.random(n))
                a = rng.random(n) * 2 * np.pi
                lat = np.round(seat_lat + r * np.sin(a) / _KM_PER_DEG_LAT, 4)
                lon = np.round(seat_lon + r * np.cos(a) / _KM_PER_DEG_LON, 4)
                keep = _inside(geometry, oblast, lat, lon)
                lat, lon = lat[keep], lon[keep]
                dist = border_distance_km(geometry, lat, lon)
                band = (dist >= PASTURE_BAND_KM[0]) & (dist <= PASTURE_BAND_KM[1])
                if band.sum() >= 200:
                    break
            lat, lon = lat[band][:_POOL_SIZE], lon[band][:_POOL_SIZE]
            if lat.size:
                pools[(district, "pasture")] = PointPool(lat, lon, _nearest_settlement(lat, lon, members))
    return pools
