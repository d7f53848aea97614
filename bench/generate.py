"""Synthetic exports in the sides' real formats, generated set-wise in DuckDB (no Python row loops).

* KZ incidents — ЕРДР layout, Windows-1251, ``;``, CRLF, decimal commas, ``да/нет`` flags.
* KG incidents — ЕРП layout, UTF-8 with BOM, ``,``, one quoted ``"lat, lon"`` column, ``1/0`` flags.
* Bulletins and finds — the exchange layouts (UTF-8, ``;``) for the matching benchmark; a known share of
  finds carries the identifier of a bulletin of the other side, written the way the field writes it
  (Cyrillic look-alike letters, spaces, transliterated ear tags).

Every value is a function of the row number and the seed (``hash(i, seed, k)``), so two runs with the same
arguments write byte-identical files and the finds can reproduce a bulletin's identifiers without a join.
Coordinates come from a pool of places per district (addresses repeat in real exports), so the number of
distinct coordinates — what H3 indexing costs — grows like real data, not like the row count.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

DEFAULT_START = date(2022, 1, 1)
DEFAULT_END = date(2024, 12, 31)
PLACES_PER_DISTRICT = 2000
# Shares of rows that exercise the loader's rules: rejected (bad date / no number) and unusual coordinates.
REJECT_PER_MILLE = 1

# (article, object, fabula, weight): consistent combinations as ЕРДР exports show them.
KZ_PROFILES = [
    ("188 ч.2 п.5", "КРС", "Тайное хищение {n} голов КРС с пастбища", 10),
    ("188 ч.1", "МРС", "Кража {n} голов МРС из загона", 5),
    ("188 ч.2", "лошади", "Хищение {n} лошадей, следы ведут к границе", 3),
    ("188 ч.1", "сотовый телефон", "Кража телефона, IMEI {id}", 10),
    ("188 ч.2", "автомобиль", "Кража автомобиля со стоянки, VIN {id}", 3),
    ("188 ч.1", "", "Кража имущества из квартиры, ущерб {n}0 000 тенге", 18),
    ("191 ч.1", "сотовый телефон", "Открытое хищение телефона у прохожего", 4),
    ("200 ч.1", "автомобиль", "Угон автомобиля, г/н {n}23ABC08", 4),
    ("296 ч.2", "наркотические средства", "Сбыт синтетических наркотиков через Telegram-бот, закладка", 6),
    ("297 ч.1", "наркотические средства", "Хранение марихуаны {n}0 г", 3),
    ("287 ч.1", "оружие", "Незаконное хранение охотничьего ружья, с/н {id}", 2),
    ("256 ч.2", "", "Распространение материалов террористического содержания в мессенджере", 1),
    ("174 ч.1", "", "Возбуждение розни в социальных сетях", 1),
    ("234 ч.1", "товары", "Экономическая контрабанда через пункт пропуска", 2),
    ("392 ч.1", "", "Незаконное пересечение границы вне пункта пропуска", 2),
    ("190 ч.2", "", "Мошенничество через интернет, ущерб {n}00 000 тенге", 16),
    ("106 ч.1", "", "Причинение вреда здоровью средней тяжести", 5),
    ("293 ч.1", "", "Хулиганство в общественном месте", 5),
]

# (article, title, fabula, weight): ЕРП often leaves the article empty; the title must carry the category.
KG_PROFILES = [
    ("205-1 ч.2", "Кража скота", "Похищено {n} голов МРС, перегон в сторону границы", 8),
    ("", "Кража скота", "Хищение {n} лошадей с пастбища", 5),
    ("205 ч.1", "Кража", "Кража мобильного телефона Samsung, IMEI {id}", 8),
    ("", "Кража", "Кража из автомашины, г/н 08KG{n}23ABC", 4),
    ("205 ч.1", "Кража", "Кража денег из квартиры", 18),
    ("", "Угон транспортного средства", "Угон Honda Fit, VIN {id}", 4),
    ("", "Незаконный оборот наркотических средств", "Продажа мефедрона через интернет-магазин", 7),
    ("", "Незаконный оборот оружия", "Изъят пистолет ПМ без документов, серия {id}", 2),
    ("", "Призывы к экстремистской деятельности", "Вовлечение в экстремистскую группу через соцсети", 1),
    ("", "Контрабанда", "Перемещение товаров вне пункта пропуска", 2),
    ("", "Незаконное пересечение государственной границы", "Задержан при пересечении границы", 2),
    ("209 ч.1", "Мошенничество", "Мошенничество через интернет", 15),
    ("", "Хулиганство", "Хулиганство в общественном месте", 6),
    ("", "Грабеж", "Открытое хищение сумки", 4),
]

# (district name as exported, oblast name as exported, seat lat, seat lon, weight); border districts weigh more.
KZ_DISTRICTS = [
    ("г. Тараз", "", 42.9001, 71.3659, 30),
    ("Байзакский район", "", 43.0010, 71.5040, 6),
    ("Жамбылский район", "", 42.9500, 71.5500, 6),
    ("Жуалынский район", "", 42.6150, 70.7600, 4),
    ("Кордайский район", "", 43.0436, 74.7134, 12),
    ("Меркенский район", "", 42.8731, 73.1802, 8),
    ("Мойынкумский район", "", 44.2800, 72.9500, 3),
    ("Сарысуский район", "", 43.5700, 69.7300, 4),
    ("Таласский район", "", 43.1800, 70.4600, 4),
    ("Т. Рыскулова район", "", 42.9206, 72.7295, 6),
    ("Шуский район", "", 43.6811, 73.7659, 8),
]
KG_DISTRICTS = [
    ("Аламудунский район", "Чуйская", 42.8860, 74.6820, 12),
    ("Жайылский район", "Чуйская", 42.8140, 73.8490, 8),
    ("Кеминский район", "Чуйская", 42.7860, 75.6920, 4),
    ("Московский район", "Чуйская", 42.8294, 74.1079, 7),
    ("Панфиловский район", "Чуйская", 42.8262, 73.6788, 5),
    ("Сокулукский район", "Чуйская", 42.8600, 74.3000, 10),
    ("Чуйский район", "Чуйская", 42.8000, 75.2000, 5),
    ("Ысык-Атинский район", "Чуйская", 42.8910, 74.8500, 8),
    ("г. Токмок", "Чуйская", 42.8417, 75.2912, 7),
    ("Бакай-Атинский район", "Таласская", 42.5300, 71.9700, 3),
    ("Кара-Бууринский район", "Таласская", 42.6197, 71.5889, 3),
    ("Манасский район", "Таласская", 42.7203, 72.3571, 3),
    ("Таласский район", "Таласская", 42.4500, 72.4000, 3),
    ("г. Талас", "Таласская", 42.5200, 72.2400, 4),
]
STATUSES = ["в производстве"] * 5 + ["направлено в суд"] * 3 + ["прекращено"] + ["приостановлено"]

KZ_COLUMNS = [
    "Номер ЕРДР", "Дата регистрации", "Дата совершения", "Статья УК РК", "Предмет посягательства", "Район",
    "Населенный пункт", "Широта", "Долгота", "Статус", "Ущерб, тенге", "Интернет", "Несовершеннолетние",
    "Иностранцы", "Фабула",
]
KG_COLUMNS = [
    "Рег. № ЕРП", "Дата регистрации", "Дата происшествия", "Время", "Статья УК КР", "Наименование", "Область",
    "Район", "Населенный пункт", "Координаты", "Состояние", "Ущерб (сом)", "Интернет", "Несовершеннолетние",
    "Иностранцы", "Фабула",
]


@dataclass(frozen=True)
class GeneratedFiles:
    """Paths and row counts of one generated set."""

    kz_path: Path
    kg_path: Path
    kz_rows: int
    kg_rows: int
    kz_rejects: int
    kg_rejects: int
    generator: str = "own"


def _expand(items: list[tuple], weight_index: int) -> list[int]:
    """Indices repeated by weight: a uniform pick in the result is a weighted pick of ``items``."""
    return [index for index, item in enumerate(items) for _ in range(int(item[weight_index]))]


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"preserve_insertion_order": "true"})
    con.execute("SET enable_progress_bar = false")
    return con


def _register_lookups(con: duckdb.DuckDBPyConnection, profiles: list[tuple], districts: list[tuple]) -> None:
    profile_rows = [(i, *p[:3]) for i, p in enumerate(profiles)]
    district_rows = [(i, *d[:4]) for i, d in enumerate(districts)]
    con.execute("CREATE OR REPLACE TEMP TABLE profile (pid INTEGER, article VARCHAR, what VARCHAR, fabula VARCHAR)")
    con.executemany("INSERT INTO profile VALUES (?, ?, ?, ?)", profile_rows)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE district (did INTEGER, name VARCHAR, oblast VARCHAR, lat DOUBLE, lon DOUBLE)"
    )
    con.executemany("INSERT INTO district VALUES (?, ?, ?, ?, ?)", district_rows)


# The common part of both sides: row number, dates, profile, district, place coordinates, flags.
# Parameters: 1 n, 2 seed, 3 start date, 4 days in range, 5 profile picks, 6 district picks, 7 statuses,
# 8 places per district, 9 reject per mille.
_BASE_SQL = """
WITH r AS (
    SELECT i,
           hash(i, $2, 1) AS h1, hash(i, $2, 2) AS h2, hash(i, $2, 3) AS h3, hash(i, $2, 4) AS h4
    FROM range($1) t(i)
), picked AS (
    SELECT r.*,
           ($3::DATE + (h1 % $4)::INTEGER) AS reg_date,
           list_element($5::INTEGER[], (h2 % len($5::INTEGER[]))::INTEGER + 1) AS pid,
           list_element($6::INTEGER[], ((h2 >> 20) % len($6::INTEGER[]))::INTEGER + 1) AS did,
           ((h3 >> 8) % $8)::INTEGER AS place,
           list_element($7::VARCHAR[], (h4 % len($7::VARCHAR[]))::INTEGER + 1) AS status,
           (h3 % 1000) AS coord_roll,
           ((h1 >> 32) % 1000) < $9 AS bad_row
    FROM r
)
SELECT p.*, pr.article, pr.what, pr.fabula, d.name AS district, d.oblast,
       -- a place is a fixed point of its district: the same address repeats across rows
       round(d.lat + ((hash(p.did, p.place, $2, 11) % 3001)::DOUBLE - 1500) / 10000, 4) AS lat,
       round(d.lon + ((hash(p.did, p.place, $2, 12) % 4001)::DOUBLE - 2000) / 10000, 4) AS lon,
       (h4 >> 16) % 5 + 1 AS n,
       lpad(((h4 >> 8) % 100000000000000)::VARCHAR, 15, '3') AS ident,
       ((h3 >> 24) % 1440) AS minute_of_day,
       ((h3 >> 40) % 3)::INTEGER AS days_before,
       ((h4 >> 30) % 100) AS flag_roll
FROM picked p JOIN profile pr USING (pid) JOIN district d USING (did)
"""

_KZ_SQL = """
SELECT
    CASE WHEN bad_row AND coord_roll % 2 = 0 THEN ''
         ELSE strftime(reg_date, '%y') || '113103' || lpad(i::VARCHAR, 7, '0') END AS "Номер ЕРДР",
    CASE WHEN bad_row AND coord_roll % 2 = 1 THEN '31.02.' || strftime(reg_date, '%Y')
         ELSE strftime(reg_date, '%d.%m.%Y') END AS "Дата регистрации",
    CASE WHEN minute_of_day % 10 < 3 THEN ''
         WHEN minute_of_day % 10 < 7 THEN strftime(reg_date - days_before, '%d.%m.%Y') || ' '
              || lpad((minute_of_day // 60)::VARCHAR, 2, '0') || ':' || lpad((minute_of_day % 60)::VARCHAR, 2, '0')
         ELSE strftime(reg_date - days_before, '%d.%m.%Y') END AS "Дата совершения",
    article AS "Статья УК РК",
    what AS "Предмет посягательства",
    district AS "Район",
    district AS "Населенный пункт",
    CASE WHEN coord_roll < 80 THEN '' WHEN coord_roll < 83 THEN '0'
         WHEN coord_roll < 700 THEN replace(lat::VARCHAR, '.', ',') ELSE lat::VARCHAR END AS "Широта",
    CASE WHEN coord_roll < 80 THEN '' WHEN coord_roll < 83 THEN '0'
         WHEN coord_roll < 700 THEN replace(lon::VARCHAR, '.', ',') ELSE lon::VARCHAR END AS "Долгота",
    status AS "Статус",
    CASE WHEN flag_roll < 40 THEN '0' ELSE (n * 37000 + (h2 % 1000) * 1000)::VARCHAR END AS "Ущерб, тенге",
    CASE WHEN flag_roll % 7 = 0 THEN 'да' ELSE 'нет' END AS "Интернет",
    CASE WHEN flag_roll % 19 = 0 THEN 'да' ELSE 'нет' END AS "Несовершеннолетние",
    CASE WHEN flag_roll % 23 = 0 THEN 'да' ELSE 'нет' END AS "Иностранцы",
    replace(replace(fabula, '{n}', n::VARCHAR), '{id}', ident) AS "Фабула"
FROM base
ORDER BY i
"""

_KG_SQL = """
SELECT
    CASE WHEN bad_row AND coord_roll % 2 = 0 THEN ''
         ELSE (CASE WHEN oblast = 'Чуйская' THEN '02-' ELSE '07-' END) || strftime(reg_date, '%Y') || '-'
              || lpad(i::VARCHAR, 7, '0') END AS "Рег. № ЕРП",
    CASE WHEN bad_row AND coord_roll % 2 = 1 THEN strftime(reg_date, '%Y') || '-02-31'
         WHEN flag_roll < 15 THEN strftime(reg_date, '%d.%m.%Y')
         ELSE strftime(reg_date, '%Y-%m-%d') END AS "Дата регистрации",
    CASE WHEN minute_of_day % 10 < 2 THEN ''
         WHEN flag_roll < 15 THEN strftime(reg_date - days_before, '%d.%m.%Y')
         ELSE strftime(reg_date - days_before, '%Y-%m-%d') END AS "Дата происшествия",
    CASE WHEN minute_of_day % 10 < 5 THEN ''
         ELSE lpad((minute_of_day // 60)::VARCHAR, 2, '0') || ':' || lpad((minute_of_day % 60)::VARCHAR, 2, '0')
    END AS "Время",
    article AS "Статья УК КР",
    what AS "Наименование",
    oblast AS "Область",
    district AS "Район",
    district AS "Населенный пункт",
    CASE WHEN coord_roll < 90 THEN '' WHEN coord_roll < 92 THEN '0, 0'
         WHEN coord_roll < 97 THEN lon::VARCHAR || ', ' || lat::VARCHAR
         ELSE lat::VARCHAR || ', ' || lon::VARCHAR END AS "Координаты",
    status AS "Состояние",
    CASE WHEN flag_roll < 40 THEN '0' ELSE (n * 9000 + (h2 % 100) * 1000)::VARCHAR END AS "Ущерб (сом)",
    CASE WHEN flag_roll % 7 = 0 THEN '1' ELSE '0' END AS "Интернет",
    CASE WHEN flag_roll % 19 = 0 THEN '1' ELSE '0' END AS "Несовершеннолетние",
    CASE WHEN flag_roll % 23 = 0 THEN '1' ELSE '0' END AS "Иностранцы",
    replace(replace(fabula, '{n}', n::VARCHAR), '{id}', ident) AS "Фабула"
FROM base
ORDER BY i
"""


def _base_relation(con: duckdb.DuckDBPyConnection, n: int, seed: int, start: date, end: date,
                   profiles: list[tuple], districts: list[tuple]) -> None:
    _register_lookups(con, profiles, districts)
    days = (end - start).days + 1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE base AS " + _BASE_SQL,
        [n, seed, start, days, _expand(profiles, 3), _expand(districts, 4), STATUSES, PLACES_PER_DISTRICT,
         REJECT_PER_MILLE],
    )


def _count_rejects(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT count(*) FROM base WHERE bad_row").fetchall()
    return int(rows[0][0])


def write_kz_erdr(path: Path, n: int, *, seed: int = 7, start: date = DEFAULT_START,
                  end: date = DEFAULT_END) -> int:
    """Write ``n`` KZ incidents as an ЕРДР export (cp1251, ``;``, CRLF).

    Parameters
    ----------
    path : output file.
    n : data rows.
    seed, start, end : the random stream and the registration-date range (inclusive).

    Returns
    -------
    int : rows written with a missing number or an impossible date (the loader must reject them).
    """
    con = _connect()
    _base_relation(con, n, seed, start, end, KZ_PROFILES, KZ_DISTRICTS)
    rejects = _count_rejects(con)
    utf8 = path.with_suffix(".utf8.tmp")
    _write_csv(con.sql(_KZ_SQL), utf8, ";")
    con.close()
    _transcode(utf8, path, "cp1251", crlf=True)
    utf8.unlink()
    return rejects


def write_kg_erp(path: Path, n: int, *, seed: int = 8, start: date = DEFAULT_START,
                 end: date = DEFAULT_END) -> int:
    """Write ``n`` KG incidents as an ЕРП export (UTF-8 with BOM, ``,``, ``"lat, lon"``).

    Returns
    -------
    int : rows the loader must reject.
    """
    con = _connect()
    _base_relation(con, n, seed, start, end, KG_PROFILES, KG_DISTRICTS)
    rejects = _count_rejects(con)
    plain = path.with_suffix(".nobom.tmp")
    _write_csv(con.sql(_KG_SQL), plain, ",")
    con.close()
    with open(path, "wb") as out, open(plain, "rb") as src:
        out.write(b"\xef\xbb\xbf")
        shutil.copyfileobj(src, out, 16 << 20)
    plain.unlink()
    return rejects


def _write_csv(relation: duckdb.DuckDBPyRelation, path: Path, sep: str) -> None:
    """Write all-text columns with empty fields left bare (``;;``), as the source systems write them."""
    blanked = relation.query("t", "SELECT nullif(COLUMNS(*), '') FROM t")
    assert blanked is not None
    blanked.write_csv(str(path), sep=sep, header=True, quotechar='"', na_rep="")


def _transcode(src: Path, dst: Path, encoding: str, *, crlf: bool) -> None:
    """Re-encode a UTF-8 file in 16 MB chunks (the text has no embedded newlines, so CRLF is a plain replace)."""
    with open(src, encoding="utf-8", newline="") as reader, open(dst, "wb") as writer:
        while chunk := reader.read(16 << 20):
            if crlf:
                chunk = chunk.replace("\n", "\r\n")
            writer.write(chunk.encode(encoding))


def write_incident_exports(directory: Path, rows: int, *, seed: int = 7, start: date = DEFAULT_START,
                           end: date = DEFAULT_END, generator: str = "demo") -> GeneratedFiles:
    """Write half of ``rows`` as a KZ ЕРДР export and the rest as a KG ЕРП export.

    Parameters
    ----------
    directory : output folder.
    rows : total incidents.
    seed, start, end : random stream and registration-date range.
    generator : ``"demo"`` — the demo world of ``analytics.demo`` (category mix, seasons, coordinates inside
        the oblast polygons, fabulas with identifiers; the realistic choice) with 8 % of coordinates blanked
        and 0.1 % of numbers blanked (rejects); ``"own"`` — this module's faster, plainer SQL generator
        (used when ``analytics.demo`` is not importable).

    Returns
    -------
    GeneratedFiles
    """
    directory.mkdir(parents=True, exist_ok=True)
    kz_rows = (rows + 1) // 2
    kg_rows = rows - kz_rows
    kz_path = directory / f"kz_erdr_{rows}.csv"
    kg_path = directory / f"kg_erp_{rows}.csv"
    if generator == "demo":
        try:
            kz_rejects = _write_demo(kz_path, kz_rows, "KZ", seed, start, end)
            kg_rejects = _write_demo(kg_path, kg_rows, "KG", seed + 1, start, end)
            return GeneratedFiles(kz_path, kg_path, kz_rows, kg_rows, kz_rejects, kg_rejects, "demo")
        except ImportError:
            pass
    kz_rejects = write_kz_erdr(kz_path, kz_rows, seed=seed, start=start, end=end)
    kg_rejects = write_kg_erp(kg_path, kg_rows, seed=seed + 1, start=start, end=end)
    return GeneratedFiles(kz_path, kg_path, kz_rows, kg_rows, kz_rejects, kg_rejects, "own")


def _write_demo(path: Path, n: int, side: str, seed: int, start: date, end: date) -> int:
    """One side through the demo world's vectorised generator and exact-layout writers; returns the rejects."""
    import numpy as np

    from analytics.demo.model import generate_incidents
    from analytics.demo.writers import write_kg_erp as demo_kg
    from analytics.demo.writers import write_kz_erdr as demo_kz

    frame = generate_incidents(n, seed, start, end, side)
    rng = np.random.default_rng(seed + 1000)
    # Real exports leave coordinates empty now and then, and a number is sometimes missing (a reject).
    blank = rng.random(len(frame)) < 0.08
    frame.loc[blank, ["lat", "lon"]] = np.nan
    missing = np.zeros(len(frame), dtype=bool)
    missing[::1000] = True  # 0.1 %
    frame.loc[missing, "source_id"] = None
    (demo_kz if side == "KZ" else demo_kg)(path, frame)
    return int(missing.sum())


# --- bulletins and finds -------------------------------------------------------------------------

BULLETIN_COLUMNS = [
    "Номер ориентировки", "Дата направления", "Инициатор", "Подразделение", "Связанное дело", "Вид объекта",
    "Марка, модель", "Цвет", "Госномер", "VIN", "IMEI", "Серийный номер", "Вид скота", "Количество голов",
    "Бирка/тавро", "Статус", "Дата снятия", "Причина снятия",
]
FIND_COLUMNS = [
    "Дата", "Сторона", "Подразделение", "Место", "Широта", "Долгота", "Вид объекта", "Госномер", "VIN", "IMEI",
    "Серийный номер", "Бирка/тавро", "Номер ориентировки", "Результат", "Примечание",
]

# Identifiers of bulletin b as macros, so a find can write the same object without joining the bulletins.
# kind: 0 vehicle, 1 phone, 2 weapon, 3 livestock (40/35/5/20 %).
_MACROS = """
CREATE OR REPLACE TEMP MACRO b_kind(b, s) AS
    CASE WHEN hash(b, s, 21) % 100 < 40 THEN 0 WHEN hash(b, s, 21) % 100 < 75 THEN 1
         WHEN hash(b, s, 21) % 100 < 80 THEN 2 ELSE 3 END;
CREATE OR REPLACE TEMP MACRO b_side(b, s) AS CASE WHEN hash(b, s, 22) % 2 = 0 THEN 'KZ' ELSE 'KG' END;
CREATE OR REPLACE TEMP MACRO b_vin(b, s) AS 'J' || lpad(upper(to_hex(hash(b, s, 23))), 16, '0');
CREATE OR REPLACE TEMP MACRO plate_letters(b, s) AS
    list_element(['A','B','C','E','H','K','M','O','P','T','X','Y'], (hash(b, s, 25) % 12)::INTEGER + 1)
    || list_element(['A','B','C','E','H','K','M','O','P','T','X','Y'], (hash(b, s, 251) % 12)::INTEGER + 1)
    || list_element(['A','B','C','E','H','K','M','O','P','T','X','Y'], (hash(b, s, 252) % 12)::INTEGER + 1);
-- objects nobody seeks (b >= nb) get regions no bulletin uses, so a miss can never collide with a bulletin
CREATE OR REPLACE TEMP MACRO b_plate(b, s, nb) AS
    CASE WHEN b_side(b, s) = 'KZ'
         THEN lpad((hash(b, s, 24) % 1000)::VARCHAR, 3, '0') || plate_letters(b, s)
              || lpad((hash(b, s, 26) % 20 + 1 + CASE WHEN b < nb THEN 0 ELSE 20 END)::VARCHAR, 2, '0')
         ELSE lpad((hash(b, s, 26) % 9 + 1 + CASE WHEN b < nb THEN 0 ELSE 9 END)::VARCHAR, 2, '0') || 'KG'
              || lpad((hash(b, s, 24) % 1000)::VARCHAR, 3, '0') || plate_letters(b, s)
    END;
CREATE OR REPLACE TEMP MACRO imei_body(b, s) AS lpad((hash(b, s, 27) % 100000000000000)::VARCHAR, 14, '0');
CREATE OR REPLACE TEMP MACRO luhn_digit(body) AS
    (10 - list_sum(list_transform(range(1, 15), lambda k:
        CASE WHEN k % 2 = 0
             THEN (substr(body, k::INTEGER, 1)::INTEGER * 2) // 10 + (substr(body, k::INTEGER, 1)::INTEGER * 2) % 10
             ELSE substr(body, k::INTEGER, 1)::INTEGER END)) % 10) % 10;
CREATE OR REPLACE TEMP MACRO b_imei(b, s) AS imei_body(b, s) || luhn_digit(imei_body(b, s))::VARCHAR;
CREATE OR REPLACE TEMP MACRO b_serial(b, s, nb) AS CASE WHEN b < nb THEN 'TK' ELSE 'TM' END || lpad((hash(b, s, 28) % 10000000)::VARCHAR, 7, '0');
CREATE OR REPLACE TEMP MACRO b_tag_digits(b, s) AS lpad((hash(b, s, 29) % 1000000)::VARCHAR, 6, '0');
CREATE OR REPLACE TEMP MACRO b_sent(start, days, b, s) AS start::DATE + (hash(b, s, 30) % days)::INTEGER;
CREATE OR REPLACE TEMP MACRO b_no(b, s) AS
    CASE WHEN b_side(b, s) = 'KZ' THEN 'ЖО-' ELSE 'ЧУЙ-' END || lpad(b::VARCHAR, 7, '0');
"""

_BULLETINS_SQL = """
SELECT
    b_no(b, $2) AS "Номер ориентировки",
    strftime(b_sent($3, $4, b, $2), '%d.%m.%Y') AS "Дата направления",
    b_side(b, $2) AS "Инициатор",
    CASE WHEN b_side(b, $2) = 'KZ' THEN 'ДП Жамбылской области' ELSE 'ГУВД Чуйской области' END AS "Подразделение",
    '' AS "Связанное дело",
    list_element(['автомобиль', 'сотовый телефон', 'оружие', 'скот'], b_kind(b, $2) + 1) AS "Вид объекта",
    CASE b_kind(b, $2) WHEN 0 THEN 'Toyota Camry' WHEN 1 THEN 'iPhone 13' ELSE '' END AS "Марка, модель",
    CASE WHEN b_kind(b, $2) <= 1 THEN 'белый' ELSE '' END AS "Цвет",
    CASE WHEN b_kind(b, $2) = 0 THEN b_plate(b, $2, $1) ELSE '' END AS "Госномер",
    CASE WHEN b_kind(b, $2) = 0 THEN b_vin(b, $2) ELSE '' END AS "VIN",
    CASE WHEN b_kind(b, $2) = 1 THEN b_imei(b, $2) ELSE '' END AS "IMEI",
    CASE WHEN b_kind(b, $2) = 2 THEN b_serial(b, $2, $1) ELSE '' END AS "Серийный номер",
    CASE WHEN b_kind(b, $2) = 3 THEN 'КРС' ELSE '' END AS "Вид скота",
    CASE WHEN b_kind(b, $2) = 3 THEN (hash(b, $2, 31) % 9 + 1)::VARCHAR ELSE '' END AS "Количество голов",
    CASE WHEN b_kind(b, $2) = 3 THEN 'КЗ-ЖМБ-' || b_tag_digits(b, $2) ELSE '' END AS "Бирка/тавро",
    'в розыске' AS "Статус",
    '' AS "Дата снятия",
    '' AS "Причина снятия"
FROM range($1) t(b)
ORDER BY b
"""

# A find either reproduces bulletin fb's object (match_roll < match share) or a fresh object nobody seeks.
_FINDS_SQL = """
WITH f AS (
    SELECT j,
           hash(j, $2, 40) % 1000 < $6 AS hit,
           (hash(j, $2, 41) % $5)::BIGINT AS fb,
           hash(j, $2, 42) % 100 AS style
    FROM range($1) t(j)
), o AS (
    -- a miss describes object (nb + j): same generator, outside the bulletin range, so it never matches
    SELECT j, hit, style, CASE WHEN hit THEN fb ELSE $5 + j END AS ob FROM f
)
SELECT
    -- a hit is found 0..199 days after its bulletin was sent
    strftime(CASE WHEN hit THEN b_sent($3, $4, ob, $2)::TIMESTAMP + to_minutes((hash(j, $2, 43) % (200 * 1440))::BIGINT)
                  ELSE $3::TIMESTAMP + to_minutes((hash(j, $2, 43) % ($4 * 1440))::BIGINT) END,
             '%d.%m.%Y %H:%M') AS "Дата",
    CASE WHEN hit THEN (CASE WHEN b_side(ob, $2) = 'KZ' THEN 'KG' ELSE 'KZ' END)
         ELSE (CASE WHEN style % 2 = 0 THEN 'KZ' ELSE 'KG' END) END AS "Сторона",
    'Кордайский РОП' AS "Подразделение",
    'пункт пропуска' AS "Место",
    '43.0362' AS "Широта",
    '74.7168' AS "Долгота",
    list_element(['автомобиль', 'сотовый телефон', 'оружие', 'скот'], b_kind(ob, $2) + 1) AS "Вид объекта",
    CASE WHEN b_kind(ob, $2) <> 0 THEN ''
         WHEN style < 30 THEN translate(b_plate(ob, $2, $5), 'ABCEHKMOPTXY', 'АВСЕНКМОРТХУ')
         WHEN style < 50 THEN substr(b_plate(ob, $2, $5), 1, 2) || ' ' || substr(b_plate(ob, $2, $5), 3)
         ELSE b_plate(ob, $2, $5) END AS "Госномер",
    CASE WHEN b_kind(ob, $2) <> 0 THEN '' WHEN style < 20 THEN lower(b_vin(ob, $2)) ELSE b_vin(ob, $2) END AS "VIN",
    CASE WHEN b_kind(ob, $2) <> 1 THEN ''
         WHEN style < 3 THEN imei_body(ob, $2) || ((luhn_digit(imei_body(ob, $2)) + 1) % 10)::VARCHAR
         ELSE b_imei(ob, $2) END AS "IMEI",
    CASE WHEN b_kind(ob, $2) <> 2 THEN ''
         WHEN style < 40 THEN lower(substr(b_serial(ob, $2, $5), 1, 2)) || ' ' || substr(b_serial(ob, $2, $5), 3)
         ELSE b_serial(ob, $2, $5) END AS "Серийный номер",
    CASE WHEN b_kind(ob, $2) <> 3 THEN ''
         WHEN style < 50 THEN (CASE WHEN hit THEN 'KZ-ZhMB-' ELSE 'KZ-TRZ-' END) || b_tag_digits(ob, $2)
         ELSE (CASE WHEN hit THEN 'КЗ-ЖМБ-' ELSE 'КЗ-ТРЗ-' END) || b_tag_digits(ob, $2) END
        AS "Бирка/тавро",
    CASE WHEN hit AND style >= 98 THEN b_no(ob, $2) ELSE '' END AS "Номер ориентировки",
    CASE WHEN hit THEN 'изъято' ELSE 'проверено' END AS "Результат",
    '' AS "Примечание"
FROM o
ORDER BY j
"""


def write_bulletins_and_finds(directory: Path, bulletins: int = 100_000, finds: int = 1_000_000, *,
                              hit_per_mille: int = 50, seed: int = 11, start: date = DEFAULT_START,
                              end: date = DEFAULT_END) -> tuple[Path, Path, int]:
    """Write a bulletins export and a finds export in the exchange layout (UTF-8, ``;``).

    Parameters
    ----------
    directory : output folder.
    bulletins, finds : row counts.
    hit_per_mille : finds (per 1000) that describe the object of some bulletin of the other side.

    Returns
    -------
    (bulletins_path, finds_path, hits) : ``hits`` = finds written to match a bulletin (before the
    deliberately broken IMEI check digits, about 3 % of phone hits, which must not match).
    """
    directory.mkdir(parents=True, exist_ok=True)
    days = (end - start).days + 1
    con = _connect()
    con.execute(_MACROS)
    bulletins_path = directory / f"bulletins_{bulletins}.csv"
    finds_path = directory / f"finds_{finds}.csv"
    _write_csv(con.sql(_BULLETINS_SQL, params=[bulletins, seed, start, days]), bulletins_path, ";")
    _write_csv(con.sql(_FINDS_SQL, params=[finds, seed, start, days, bulletins, hit_per_mille]), finds_path, ";")
    rows = con.execute("SELECT count(*) FROM range(?) t(j) WHERE hash(j, ?, 40) % 1000 < ?",
                       [finds, seed, hit_per_mille]).fetchall()
    con.close()
    return bulletins_path, finds_path, int(rows[0][0])
