"""What the two sides exchange: wanted bulletins, finds and checks, joint operations.

Bulletins are raised for thefts of vehicles, phones, weapons and livestock (``case_ref`` = the incident
number) and ask the other side to look. Each gets an outcome drawn once: found after days to weeks
(lognormal, long tail), then mostly returned; or withdrawn months later; or still wanted. A find is
recorded by the unit that found the object, typing the identifiers its own way (Cyrillic look-alikes,
spaces, IMEI with 14 or 16 digits, VIN in lower case, ear tag transliterated); some finds carry the
bulletin number. Unrelated checks that match nothing and a few IMEIs failing the check digit are mixed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.demo import places
from analytics.demo.model import World, cat, digits, make_imei, make_plate, make_vin

S = np.dtypes.StringDType()
KIND_RU = {"vehicle": "автомобиль", "phone": "сотовый телефон", "weapon": "оружие", "livestock": "скот"}
BULLETIN_SHARE = {"vehicle_theft": 0.25, "phone_theft": 0.05, "weapons": 0.10, "livestock_theft": 0.20}
FOUND_SHARE = {"vehicle": 0.55, "phone": 0.35, "weapon": 0.45, "livestock": 0.45}
_CATEGORY_KIND = {"vehicle_theft": "vehicle", "phone_theft": "phone", "weapons": "weapon", "livestock_theft": "livestock"}
OBLAST_GENITIVE = {"ZHA": "Жамбылской области", "CHU": "Чуйской области", "TAL": "Таласской области"}
# Units that find things near the border, by side (district keys), with weights.
FINDER_DISTRICTS = {
    "KZ": (("KORDAI", 5), ("MERKE", 2), ("RYSKULOV", 2), ("SHU", 1), ("TARAZ", 3), ("ZHAMBYL", 1), ("BAIZAK", 1)),
    "KG": (("PANFILOV", 3), ("ZHAIYL", 2), ("MOSKOVSKY", 2), ("SOKULUK", 2), ("TOKMOK", 2), ("CHUY_D", 1),
           ("ALAMUDUN", 2), ("KARA_BUURA", 2), ("MANAS", 1), ("TALAS_CITY", 2)),
}
_CYR_LOOKALIKE = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_LAT_LOOKALIKE = str.maketrans("АВСЕНКМОРТХУ", "ABCEHKMOPTXY")


def unit_name(district_key: str, name_ru: str, side: str) -> str:
    """Police unit of a district: «Кордайский РОП», «УП г. Тараз», «Панфиловский РОВД», «ОВД г. Токмок»."""
    if name_ru.startswith("г. "):
        return ("УП " if side == "KZ" else "ОВД ") + name_ru
    base = name_ru.removesuffix(" район")
    if base.endswith("ий"):
        return base + (" РОП" if side == "KZ" else " РОВД")
    return ("РОП района " if side == "KZ" else "РОВД района ") + base


@dataclass(frozen=True)
class Exchange:
    """Bulletins (one row per bulletin with its whole timeline), finds (export text), operations (export text)."""

    bulletins: pd.DataFrame
    finds: pd.DataFrame
    operations: pd.DataFrame


def _lognormal_days(rng: np.random.Generator, median: float, sigma: float, n: int, low: int, high: int) -> np.ndarray:
    return np.clip(np.exp(rng.normal(np.log(median), sigma, n)), low, high).astype(np.int64)


def generate_bulletins(rng: np.random.Generator, world: World, incidents: pd.DataFrame) -> pd.DataFrame:
    """Bulletins raised for thefts, with outcome dates (``found_on``, ``returned_on``, ``withdrawn_on``; NaT = never).

    Parameters
    ----------
    rng : the demo's generator.
    world : districts and names.
    incidents : frame of :func:`analytics.demo.model.generate_world_incidents`.

    Returns
    -------
    pandas.DataFrame
        One row per bulletin, ordered by number.
    """
    category = incidents["category"].astype(str).to_numpy()
    share = np.zeros(len(incidents))
    for name, p in BULLETIN_SHARE.items():
        share[category == name] = p
    share[(category == "livestock_theft") & incidents["pasture"].to_numpy()] = 0.35
    share[(category == "vehicle_theft") & incidents["foreign_national"].to_numpy()] = 0.5
    chosen = incidents.loc[rng.random(len(incidents)) < share].reset_index(drop=True)
    n = len(chosen)
    kind = chosen["category"].astype(str).map(_CATEGORY_KIND).to_numpy(dtype=object)
    registered = chosen["registered_on"].to_numpy(dtype="datetime64[D]")
    sent = registered + np.where(rng.random(n) < 0.7, rng.integers(0, 3, n), rng.integers(3, 21, n)).astype("timedelta64[D]")
    side = chosen["side"].astype(str).to_numpy(dtype=object)
    oblast = chosen["oblast"].astype(str).to_numpy(dtype=object)
    district = chosen["district"].astype(str).to_numpy(dtype=object)
    names = dict(zip(world.district_keys, world.district_name, strict=True))
    head_unit = np.where(oblast == "ZHA", "ДП Жамбылской области",
                         np.where(oblast == "CHU", "ГУВД Чуйской области", "УВД Таласской области"))
    local_unit = np.array([unit_name(d, names[d], s) for d, s in zip(district, side, strict=True)], dtype=object)
    unit = np.where(rng.random(n) < 0.3, head_unit, local_unit)
    # Outcome: found (then mostly returned; a found weapon stays with the case: withdrawn), withdrawn, or open.
    found_p = np.array([FOUND_SHARE[k] for k in kind]) if n else np.zeros(0)
    found = rng.random(n) < found_p
    found_on = sent + _lognormal_days(rng, 12, 1.1, n, 1, 400).astype("timedelta64[D]")
    returned = found & (rng.random(n) < 0.75) & (kind != "weapon")
    returned_on = found_on + _lognormal_days(rng, 6, 0.8, n, 1, 90).astype("timedelta64[D]")
    weapon_closed = found & (kind == "weapon") & (rng.random(n) < 0.7)
    dropped = ~found & (rng.random(n) < 0.18)
    withdrawn_on = np.where(weapon_closed, found_on + _lognormal_days(rng, 10, 0.6, n, 2, 60).astype("timedelta64[D]"),
                            sent + _lognormal_days(rng, 90, 0.6, n, 20, 500).astype("timedelta64[D]"))
    nat = np.datetime64("NaT", "D")
    finder_other = rng.random(n) < 0.8
    finder_side = np.where(finder_other, np.where(side == "KZ", "KG", "KZ"), side)
    withdraw_reason = np.array(["прекращение уголовного дела", "ошибочно направлена", "объект обнаружен владельцем",
                                "розыск прекращен по сроку"], dtype=object)[rng.choice(4, n, p=[0.35, 0.15, 0.3, 0.2])]
    frame = pd.DataFrame({
        "sent_on": sent,
        "initiator": side,
        "oblast": oblast,
        "district": district,
        "unit": unit,
        "case_ref": chosen["source_id"].astype(str).to_numpy(dtype=object),
        "kind": kind,
        "make_model": chosen["make_model"].astype(str).to_numpy(dtype=object),
        "color": chosen["color"].astype(str).to_numpy(dtype=object),
        "plate": chosen["plate"].astype(str).to_numpy(dtype=object),
        "vin": chosen["vin"].astype(str).to_numpy(dtype=object),
        "imei": chosen["imei"].astype(str).to_numpy(dtype=object),
        "serial": chosen["serial"].astype(str).to_numpy(dtype=object),
        "livestock_kind": chosen["livestock_kind"].astype(str).to_numpy(dtype=object),
        "heads": chosen["heads"].to_numpy(),
        "tag": chosen["tag"].astype(str).to_numpy(dtype=object),
        "found_on": np.where(found, found_on, nat),
        "returned_on": np.where(returned, returned_on, nat),
        "withdrawn_on": np.where(weapon_closed | dropped, withdrawn_on, nat),
        "finder_side": finder_side,
        "withdraw_reason": np.where(weapon_closed, "изъят, возвращен в дело", withdraw_reason),
    })
    frame = frame.sort_values(["sent_on", "case_ref"], kind="stable", ignore_index=True)
    # Numbers: ЖО-2024-0007 (Zhambyl), ЧУЙ-2024-015, ТАЛ-2024-004, in order of sending within a year.
    year = frame["sent_on"].dt.year.to_numpy()
    prefix = frame["oblast"].map({"ZHA": "ЖО", "CHU": "ЧУЙ", "TAL": "ТАЛ"}).to_numpy(dtype=object)
    seq = frame.groupby([prefix, year]).cumcount().to_numpy() + 1
    width = np.where(prefix == "ЖО", 4, 3)
    frame.insert(0, "bulletin_no", [f"{p}-{y}-{s:0{w}d}" for p, y, s, w in zip(prefix, year, seq, width, strict=True)])
    # A tenth of the plates are typed on the initiating side with Cyrillic look-alikes.
    cyr = (frame["kind"] == "vehicle").to_numpy() & (rng.random(len(frame)) < 0.1)
    frame.loc[cyr, "plate"] = frame.loc[cyr, "plate"].map(lambda v: v.translate(_CYR_LOOKALIKE))
    return frame


def bulletin_status_as_of(bulletins: pd.DataFrame, day: date) -> pd.DataFrame:
    """Status text, closing date and reason of every bulletin as an export on ``day`` shows them.

    Returns
    -------
    pandas.DataFrame
        Columns ``status``, ``closed_on`` (NaT while wanted), ``reason``, aligned with ``bulletins``.
    """
    t = np.datetime64(day, "D")
    found = bulletins["found_on"].to_numpy(dtype="datetime64[D]")
    returned = bulletins["returned_on"].to_numpy(dtype="datetime64[D]")
    withdrawn = bulletins["withdrawn_on"].to_numpy(dtype="datetime64[D]")
    is_w, is_r, is_f = withdrawn <= t, returned <= t, found <= t
    status = np.select([is_w, is_r, is_f], ["снят", "возвращен", "обнаружен"], "в розыске")
    closed = np.select([is_w, is_r, is_f], [withdrawn, returned, found], np.datetime64("NaT", "D"))
    finder = bulletins["finder_side"].to_numpy(dtype=object)
    own = bulletins["initiator"].to_numpy(dtype=object) == finder
    where_found = np.where(own, "обнаружен на своей территории",
                           np.where(finder == "KZ", "обнаружен в Жамбылской области", "обнаружен в Кыргызской Республике"))
    reason = np.select([is_w, is_r, is_f], [bulletins["withdraw_reason"].to_numpy(dtype=object), "возвращен владельцу",
                                            where_found], "")
    return pd.DataFrame({"status": status, "closed_on": closed, "reason": reason}, index=bulletins.index)


def _fmt_day(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%d.%m.%Y") if not pd.isna(v) else "" for v in values]


def bulletins_export(bulletins: pd.DataFrame, day: date) -> pd.DataFrame:
    """The bulletins in the export's columns (text), with statuses as of ``day``."""
    state = bulletin_status_as_of(bulletins, day)
    kind = bulletins["kind"]
    heads = bulletins["heads"].where(kind == "livestock")
    return pd.DataFrame({
        "Номер ориентировки": bulletins["bulletin_no"],
        "Дата направления": _fmt_day(bulletins["sent_on"]),
        "Инициатор": bulletins["initiator"],
        "Подразделение": bulletins["unit"],
        "Связанное дело": bulletins["case_ref"],
        "Вид объекта": kind.map(KIND_RU),
        "Марка, модель": bulletins["make_model"].where(kind.isin(["vehicle", "phone", "weapon"]), ""),
        "Цвет": bulletins["color"].where(kind.isin(["vehicle", "phone"]), ""),
        "Госномер": bulletins["plate"],
        "VIN": bulletins["vin"],
        "IMEI": bulletins["imei"],
        "Серийный номер": bulletins["serial"],
        "Вид скота": bulletins["livestock_kind"],
        "Количество голов": [str(int(h)) if not pd.isna(h) else "" for h in heads],
        "Бирка/тавро": bulletins["tag"],
        "Статус": state["status"],
        "Дата снятия": _fmt_day(state["closed_on"]),
        "Причина снятия": state["reason"],
    }).astype(str)


# ----------------------------------------------------------------------------------------- finds

def _as_day(value: object) -> np.datetime64:
    return np.datetime64(pd.Timestamp(str(value)).strftime("%Y-%m-%d"), "D")


def _plate_variant(plate: str, style: int) -> str:
    if style == 0 or not plate:
        return plate
    kz = plate[:3].isdigit()
    parts = [plate[:3], plate[3:6], plate[6:]] if kz else [plate[:2], plate[2:4], plate[4:7], plate[7:]]
    if style == 1:
        return " ".join(parts).translate(_CYR_LOOKALIKE)
    if style == 2:
        return " ".join(parts)
    return "-".join(parts)


def _imei_variant(imei: str, style: int, rng: np.random.Generator) -> str:
    if style == 1:
        return imei[:14]
    if style == 2:
        return imei[:14] + f"{int(rng.integers(1, 60)):02d}"  # IMEISV: software version instead of check digit
    return imei


def _tag_variant(tag: str, style: int) -> str:
    if not tag or tag.startswith("тавро") or style == 0:
        return tag
    if style == 1:
        return tag.replace("КЗ-ЖМБ-", "KZ-ZhMB-").replace("КГ-", "KG-")
    return tag.replace("-", " ")


def _serial_variant(serial: str, style: int) -> str:
    if style == 1:
        return serial.replace(" ", "")
    if style == 2:
        return serial.translate(_LAT_LOOKALIKE)
    return serial


_PLACES = {
    "vehicle": ("пункт пропуска", "пост ДПС на трассе Бишкек — Тараз", "авторынок", "штрафстоянка", "СТО"),
    "phone": ("рынок", "скупка", "ломбард", "сервисный центр", "досмотр на пункте пропуска"),
    "weapon": ("обыск по месту жительства", "пункт пропуска", "пост на трассе"),
    "livestock": ("подворье", "убойный пункт", "скотный рынок", "летнее пастбище", "перегон у границы"),
}
# The one crossing with published coordinates (data/reference/crossings.csv); the KG post has none, so none are made up.
_CROSSING = {"KZ": ("пункт пропуска «Кордай»", "43.0362", "74.7168"), "KG": ("пункт пропуска «Ак-Жол»", "", "")}
_RESULTS = {"vehicle": ("задержано", "изъято"), "phone": ("изъято",), "weapon": ("изъято",),
            "livestock": ("изъято", "возвращено владельцу")}
_NOTES = {
    "vehicle": "Проверка по базе: совпадение с ориентировкой",
    "phone": "Телефон выявлен при проверке",
    "weapon": "Изъято при проверке документов",
    "livestock": "Скот с бирками другой стороны",
}


def generate_finds(rng: np.random.Generator, world: World, bulletins: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Finds and checks in [start, end]: one per found bulletin, unrelated checks, a few broken IMEIs.

    Parameters
    ----------
    rng : the demo's generator.
    world : districts and point pools (for coordinates).
    bulletins : frame of :func:`generate_bulletins`.
    start, end : the period.

    Returns
    -------
    pandas.DataFrame
        Export columns (text) plus ``found_day`` (datetime64) for splitting by month.
    """
    names = dict(zip(world.district_keys, world.district_name, strict=True))
    rows: list[dict[str, object]] = []
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")

    def place_fields(side: str) -> tuple[str, str, str, str]:
        keys, weights = zip(*FINDER_DISTRICTS[side], strict=True)
        district = keys[rng.choice(len(keys), p=np.array(weights) / sum(weights))]
        unit = unit_name(district, names[district], side)
        pool = world.pools.get((district, "settled"))
        if pool is None or rng.random() < 0.25:
            return district, unit, "", ""
        i = int(rng.integers(0, pool.lat.size))
        return district, unit, f"{pool.lat[i]:.4f}", f"{pool.lon[i]:.4f}"

    def stamp(day: np.datetime64) -> str:
        minute = int(rng.integers(7 * 12, 22 * 12)) * 5
        return f"{pd.Timestamp(day).strftime('%d.%m.%Y')} {minute // 60:02d}:{minute % 60:02d}"

    found = bulletins[bulletins["found_on"].notna()]
    for b in found.itertuples(index=False):
        day = _as_day(b.found_on)
        if not (lo <= day <= hi):
            continue
        side = str(b.finder_side)
        _, unit, lat, lon = place_fields(side)
        kind = str(b.kind)
        plate = vin = imei = serial = tag = ""
        if kind == "vehicle":
            plate = _plate_variant(str(b.plate), int(rng.choice(4, p=[0.45, 0.25, 0.2, 0.1])))
            if rng.random() < 0.6 or not plate:
                vin = str(b.vin).lower() if rng.random() < 0.3 else str(b.vin)
            if rng.random() < 0.15:
                plate = ""
                vin = vin or str(b.vin)
        elif kind == "phone":
            imei = _imei_variant(str(b.imei), int(rng.choice(3, p=[0.7, 0.18, 0.12])), rng)
        elif kind == "weapon":
            serial = _serial_variant(str(b.serial), int(rng.choice(3, p=[0.6, 0.2, 0.2])))
        else:
            tag = _tag_variant(str(b.tag), int(rng.choice(3, p=[0.4, 0.4, 0.2])))
        options = _PLACES[kind]
        place = options[int(rng.integers(0, len(options)))]
        if place == "пункт пропуска":
            place, lat, lon = _CROSSING[side]
        rows.append({
            "found_day": day, "Дата": stamp(day), "Сторона": side, "Подразделение": unit,
            "Место": place, "Широта": lat, "Долгота": lon,
            "Вид объекта": KIND_RU[kind], "Госномер": plate, "VIN": vin, "IMEI": imei, "Серийный номер": serial,
            "Бирка/тавро": tag, "Номер ориентировки": str(b.bulletin_no) if rng.random() < 0.35 else "",
            "Результат": _RESULTS[kind][int(rng.integers(0, len(_RESULTS[kind])))], "Примечание": _NOTES[kind],
        })
    # A typed-wrong IMEI (bad check digit) next to a wanted phone: must not be matched.
    phones = bulletins[(bulletins["kind"] == "phone")]
    for b in phones.itertuples(index=False):
        if rng.random() >= 0.06:
            continue
        day = _as_day(b.sent_on) + np.timedelta64(int(rng.integers(3, 40)), "D")
        if not (lo <= day <= hi):
            continue
        side = "KG" if b.initiator == "KZ" else "KZ"
        _, unit, lat, lon = place_fields(side)
        wrong = str(b.imei)[:14] + str((int(str(b.imei)[14]) + 1) % 10)
        rows.append({
            "found_day": day, "Дата": stamp(day), "Сторона": side, "Подразделение": unit, "Место": "рынок",
            "Широта": lat, "Долгота": lon, "Вид объекта": "сотовый телефон", "Госномер": "", "VIN": "", "IMEI": wrong,
            "Серийный номер": "", "Бирка/тавро": "", "Номер ориентировки": "", "Результат": "проверено",
            "Примечание": "IMEI не проходит проверку контрольной цифры",
        })
    rows.extend(_unrelated_checks(rng, len(rows), start, end, place_fields, stamp))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["found_day", "Дата"], kind="stable", ignore_index=True)


def _unrelated_checks(rng, matched: int, start: date, end: date, place_fields, stamp) -> list[dict[str, object]]:
    """Routine checks with objects nobody is looking for (about as many as the matched finds)."""
    n = int(matched * 1.3) + 2
    days = np.datetime64(start, "D") + rng.integers(0, (end - start).days + 1, n).astype("timedelta64[D]")
    kinds = rng.choice(["vehicle", "phone", "weapon", "livestock"], n, p=[0.45, 0.3, 0.05, 0.2])
    oblast = np.where(rng.random(n) < 0.5, "ZHA", "CHU").astype(S)
    plates = make_plate(rng, oblast).tolist()
    vins = make_vin(rng, np.array(["JTN", "KMH", "XTA", "WDB"], dtype=S)[rng.integers(0, 4, n)]).tolist()
    imeis = make_imei(rng, n).tolist()
    serials = digits(rng, n, 7).tolist()
    tags = cat(np.where(oblast == "ZHA", "КЗ-ЖМБ-", "КГ-08-").astype(S), digits(rng, n, 6)).tolist()
    out = []
    for i in range(n):
        side = "KZ" if rng.random() < 0.5 else "KG"
        _, unit, lat, lon = place_fields(side)
        kind = str(kinds[i])
        seized = rng.random() < 0.15
        out.append({
            "found_day": days[i], "Дата": stamp(days[i]), "Сторона": side, "Подразделение": unit,
            "Место": _PLACES[kind][int(rng.integers(0, len(_PLACES[kind])))], "Широта": lat, "Долгота": lon,
            "Вид объекта": KIND_RU[kind],
            "Госномер": plates[i] if kind == "vehicle" else "", "VIN": vins[i] if kind == "vehicle" and rng.random() < 0.5 else "",
            "IMEI": imeis[i] if kind == "phone" else "", "Серийный номер": serials[i] if kind == "weapon" else "",
            "Бирка/тавро": tags[i] if kind == "livestock" else "", "Номер ориентировки": "",
            "Результат": "изъято" if seized else "проверено",
            "Примечание": "Изъято до выяснения, документов нет" if seized else "Проверка по базе, совпадений нет",
        })
    return out


# ------------------------------------------------------------------------------------ operations

_DIRECTIONS = ("экстремизм и терроризм", "ориентировки", "скотокрадство", "наркотики", "оружие", "контрабанда",
               "несовершеннолетние")
_OP_NAMES = {
    "экстремизм и терроризм": ("Антитеррор", "Кибер-щит", "Заслон", "Рубеж"),
    "ориентировки": ("Розыск", "Транзит", "Перехват", "Автомобиль"),
    "скотокрадство": ("Мал-Граница", "Пастбище", "Отгон", "Табун"),
    "наркотики": ("Канал-Интернет", "Мак", "Закладка", "Синтетика"),
    "оружие": ("Арсенал", "Оружие", "Патрон"),
    "контрабанда": ("Контрабанда", "Граница", "Таможенный барьер"),
    "несовершеннолетние": ("Правопорядок-Молодежь", "Подросток", "Безопасные каникулы"),
}
_OP_NOTES = {
    "экстремизм и терроризм": "Мониторинг сети, блокировка каналов с призывами",
    "ориентировки": "Совместная сверка ориентировок на пунктах пропуска",
    "скотокрадство": "Совместные проверки летних пастбищ и убойных пунктов",
    "наркотики": "Пресечены интернет-магазины синтетических наркотиков",
    "оружие": "Проверка владельцев оружия, добровольная сдача",
    "контрабанда": "Рейды на участках границы вне пунктов пропуска",
    "несовершеннолетние": "Профилактика вовлечения подростков в радикальную идеологию",
}
_OP_DISTRICTS = {
    "скотокрадство": places.BORDER_PASTURE_DISTRICTS,
    "контрабанда": ("KORDAI", "PANFILOV", "CHUY_D", "MERKE", "KARA_BUURA", "ZHAIYL", "TOKMOK"),
}


def generate_operations(rng: np.random.Generator, world: World, start: date, end: date) -> pd.DataFrame:
    """Joint operations: one or two per direction per quarter (livestock more in summer), finished by ``end``.

    Returns
    -------
    pandas.DataFrame
        Export columns (text) plus ``year`` (the file an operation is reported in).
    """
    names = dict(zip(world.district_keys, world.district_name, strict=True))
    # «Таласский район» exists on both sides: a two-sided list could not say which one is meant.
    ambiguous = {"TALAS_KZ", "TALAS_KG"}
    kz_keys = [k for k, o in zip(world.district_keys, world.district_oblast, strict=True) if o == "ZHA" and k not in ambiguous]
    kg_keys = [k for k, o in zip(world.district_keys, world.district_oblast, strict=True) if o != "ZHA" and k not in ambiguous]
    ops = []
    q_start = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while q_start <= end:
        q_next = date(q_start.year + (q_start.month == 10), (q_start.month + 2) % 12 + 1, 1)
        for direction in _DIRECTIONS:
            count = int(rng.integers(1, 3)) + int(direction == "скотокрадство" and q_start.month in (4, 7))
            for _ in range(count):
                begin = q_start + timedelta(days=int(rng.integers(0, (q_next - q_start).days - 5)))
                finish = begin + timedelta(days=int(rng.integers(7, 31)))
                if begin < start or finish > end:
                    continue
                ops.append((begin, finish, direction))
        q_start = q_next
    ops.sort()
    rows = []
    seq: dict[int, int] = {}
    for begin, finish, direction in ops:
        seq[begin.year] = seq.get(begin.year, 0) + 1
        pool = _OP_DISTRICTS.get(direction)
        if pool:
            chosen = list(rng.choice(pool, size=min(3, len(pool)), replace=False))
        else:
            chosen = list(rng.choice(kz_keys, size=int(rng.integers(1, 3)), replace=False)) + \
                list(rng.choice(kg_keys, size=int(rng.integers(1, 3)), replace=False))
        r = rng.integers
        values: dict[str, object] = {
            "Задержано лиц": r(0, 9), "Возбуждено дел": r(0, 6), "Изъято наркотиков, г": None,
            "Изъято оружия, ед.": None, "Изъято боеприпасов, ед.": None, "Возвращено голов скота": None,
            "Возвращено автомобилей": None, "Возвращено телефонов": None, "Заблокировано интернет-ресурсов": None,
            "Профилактических мероприятий": None, "Охвачено несовершеннолетних": None,
        }
        if direction == "скотокрадство":
            values.update({"Задержано лиц": r(2, 16), "Возбуждено дел": r(1, 11), "Возвращено голов скота": r(5, 90),
                           "Профилактических мероприятий": r(0, 20)})
        elif direction == "наркотики":
            values.update({"Задержано лиц": r(3, 26), "Возбуждено дел": r(2, 21),
                           "Изъято наркотиков, г": f"{rng.uniform(150, 6000):.1f}".replace(".", ","),
                           "Заблокировано интернет-ресурсов": r(5, 61), "Профилактических мероприятий": r(5, 41)})
        elif direction == "экстремизм и терроризм":
            values.update({"Задержано лиц": r(0, 8), "Возбуждено дел": r(0, 6), "Заблокировано интернет-ресурсов": r(10, 151),
                           "Профилактических мероприятий": r(10, 81), "Охвачено несовершеннолетних": r(200, 5001)})
        elif direction == "ориентировки":
            values.update({"Возвращено автомобилей": r(1, 11), "Возвращено телефонов": r(2, 26),
                           "Возвращено голов скота": r(0, 21)})
        elif direction == "оружие":
            values.update({"Изъято оружия, ед.": r(2, 21), "Изъято боеприпасов, ед.": r(10, 601),
                           "Задержано лиц": r(1, 11), "Возбуждено дел": r(1, 11)})
        elif direction == "контрабанда":
            values.update({"Задержано лиц": r(2, 16), "Возбуждено дел": r(2, 13)})
        else:
            values.update({"Возбуждено дел": r(0, 4), "Профилактических мероприятий": r(20, 121),
                           "Охвачено несовершеннолетних": r(500, 6001)})
        label = _OP_NAMES[direction][int(rng.integers(0, len(_OP_NAMES[direction])))]
        rows.append({
            "year": begin.year,
            "Код": f"СО-{begin.year}-{seq[begin.year]:02d}", "Название": label, "Направление": direction,
            "Начало": begin.strftime("%d.%m.%Y"), "Окончание": finish.strftime("%d.%m.%Y"), "Участники": "KZ, KG",
            "Районы": ";".join(names[k] for k in chosen),
            **{k: "" if v is None else str(v) for k, v in values.items()},
            "Примечание": _OP_NOTES[direction],
        })
    return pd.DataFrame(rows)


def generate_exchange(rng: np.random.Generator, world: World, incidents: pd.DataFrame, start: date, end: date) -> Exchange:
    """Bulletins, finds and operations of the period (see the module docstring)."""
    bulletins = generate_bulletins(rng, world, incidents)
    bulletins = bulletins[bulletins["sent_on"] <= pd.Timestamp(end)].reset_index(drop=True)
    finds = generate_finds(rng, world, bulletins, start, end)
    operations = generate_operations(rng, world, start, end)
    return Exchange(bulletins, finds, operations)

