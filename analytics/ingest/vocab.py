"""Value vocabularies: statuses, object kinds, directions, sides, oblasts and districts.

Each resolver works on the DISTINCT raw values of a column (dozens, not millions), so the per-value Python
here costs nothing; the result is joined back in SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd


def normalise_text(value: object) -> str:
    """Lower case, ``ё``→``е``, punctuation to spaces, single spaces: the key for vocabulary look-ups."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).lower().replace("ё", "е").replace("\u00a0", " ")
    return " ".join(re.findall(r"[^\W_]+", text))


# (pattern on normalised text, key): first match wins, so specific patterns go first.
INCIDENT_STATUS = [
    (r"приостанов|тоқтатыла тұр|убактылуу токтот|suspend", "suspended"),
    (r"прекращ|тоқтатыл|токтотул|terminat|discontinu|closed", "terminated"),
    (r"суд|сотқа|сотко|court", "to_court"),
    (r"производств|расследован|іс жүргіз|тергеу|өндүрүш|тергөө|progress|investigat|open", "in_progress"),
]
BULLETIN_STATUS = [
    (r"возвращ|қайтарыл|кайтарыл|return", "returned"),
    (r"сня|снят|прекращ|отозван|алынды|алынган|withdraw|cancel", "withdrawn"),
    (r"обнаруж|найден|табыл|found", "found"),
    (r"розыск|іздест|издөө|wanted|search", "wanted"),
]
OBJECT_KIND = [
    (r"телефон|смартфон|iphone|сотов|мобильн|ұялы|уюлдук|phone", "phone"),
    (r"оружи|пистолет|ружь|карабин|автомат|қару|курал|weapon|gun|rifle", "weapon"),
    (r"скот|крс|мрс|лошад|конь|кони|овц|овец|коров|бык|баран|коз|верблюд|мал|жылқы|жылкы|livestock|cattle|horse|sheep",
     "livestock"),
    (r"автомоб|авто|машин|транспорт|мотоцикл|грузовик|көлік|унаа|vehicle|car|truck", "vehicle"),
]
DIRECTION = [
    (r"экстрем|террор|extrem|terror", "extremism_terrorism"),
    (r"ориентиров|розыск|bulletin|wanted", "bulletins"),
    (r"скот|мал|livestock", "livestock_theft"),
    (r"наркот|drug", "drugs"),
    (r"оружи|қару|курал|weapon", "weapons"),
    (r"контрабанд|smuggl", "smuggling"),
    (r"несовершеннол|подрост|молод|кәмелет|жашы жете|minor|youth|juvenile", "minors"),
]
SIDE_WORDS = {
    "KZ": ("kz", "кз", "kaz", "rk", "рк", "казахстан", "қазақстан", "kazakhstan", "жамбыл", "жамбылская"),
    "KG": ("kg", "кг", "kgz", "kr", "кр", "кыргызстан", "киргизия", "кыргызская", "kyrgyzstan", "чуй", "чуйская",
           "талас", "таласская", "кыргыз"),
}
INCIDENT_STATUS_KEYS = ("in_progress", "to_court", "terminated", "suspended", "other")
BULLETIN_STATUS_KEYS = ("wanted", "found", "returned", "withdrawn")
OBJECT_KIND_KEYS = ("vehicle", "phone", "weapon", "livestock", "other")
DIRECTION_KEYS = ("extremism_terrorism", "bulletins", "livestock_theft", "drugs", "weapons", "smuggling", "minors",
                  "other")


def classify(value: object, rules: list[tuple[str, str]], keys: tuple[str, ...]) -> str | None:
    """Key of the first rule matching the value (a key itself is accepted); None when nothing matches."""
    text = normalise_text(value)
    if not text:
        return None
    as_key = text.replace(" ", "_")
    if as_key in keys:
        return as_key
    for pattern, key in rules:
        if re.search(pattern, text):
            return key
    return None


def side_of(value: object) -> str | None:
    """``KZ`` / ``KG`` from a side, country or oblast word; None when unknown."""
    text = normalise_text(value)
    if not text:
        return None
    for side, words in SIDE_WORDS.items():
        if text in words or text.split(" ")[0] in words:
            return side
    return None


# ------------------------------------------------------------------------------------------------ places

# Words that say what kind of place a name is; dropped on the second, looser matching pass.
_PLACE_WORDS = {"г", "город", "гор", "район", "р", "н", "рн", "ауданы", "аудан", "району", "district", "city",
                "шаары", "қаласы", "каласы", "обл", "область", "облысы", "облусу", "oblast", "region", "с", "п"}


def _strict(text: object) -> str:
    return normalise_text(text).replace(" ", "")


def _loose(text: object) -> str:
    return "".join(token for token in normalise_text(text).split(" ") if token not in _PLACE_WORDS)


@dataclass
class PlaceIndex:
    """Look-up of oblast and district names (reference keys, names in three languages, aliases)."""

    oblasts: dict[str, list[tuple[str, str]]]      # normalised name -> [(oblast, side)]
    strict: dict[str, list[tuple[str, str, str]]]  # normalised name -> [(district, oblast, side)]
    loose: dict[str, list[tuple[str, str, str]]]

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> PlaceIndex:
        oblasts: dict[str, list[tuple[str, str]]] = {}
        for key, side, *names in con.execute(
            "SELECT oblast, side, iso_3166_2, name_ru, name_en, name_local, aliases FROM ref_oblasts"
        ).fetchall():
            for name in _names(key, names):
                for norm in {_strict(name), _loose(name)}:
                    if norm:
                        oblasts.setdefault(norm, [])
                        if (key, side) not in oblasts[norm]:
                            oblasts[norm].append((key, side))
        strict: dict[str, list[tuple[str, str, str]]] = {}
        loose: dict[str, list[tuple[str, str, str]]] = {}
        for key, oblast, side, *names in con.execute(
            "SELECT district, oblast, side, name_ru, name_local, name_en, aliases FROM ref_districts"
        ).fetchall():
            entry = (key, oblast, side)
            for name in _names(key, names):
                for index, norm in ((strict, _strict(name)), (loose, _loose(name))):
                    if norm and entry not in index.setdefault(norm, []):
                        index[norm].append(entry)
        return cls(oblasts, strict, loose)

    def oblast(self, raw: object, side: str | None) -> str | None:
        """Oblast key for a raw name, within the side when known."""
        for norm in (_strict(raw), _loose(raw)):
            hits = [key for key, key_side in self.oblasts.get(norm, []) if side in (None, key_side)]
            if len(set(hits)) == 1:
                return hits[0]
        return None

    def district(self, raw: object, side: str | None, oblast: str | None) -> tuple[str | None, str | None]:
        """(district key, its oblast) for a raw name; exact spelling first, then without «район», «г.» etc.

        The same name on both sides (``Таласский район``) is told apart by the side, then the oblast; a name that
        stays ambiguous gives ``(None, None)`` rather than a guess.
        """
        for index, norm in ((self.strict, _strict(raw)), (self.loose, _loose(raw))):
            hits = [entry for entry in index.get(norm, []) if side in (None, entry[2])]
            if oblast and len({h[0] for h in hits}) > 1:
                hits = [entry for entry in hits if entry[1] == oblast]
            keys = {h[0] for h in hits}
            if len(keys) == 1:
                return hits[0][0], hits[0][1]
            if len(keys) > 1:
                return None, None
        return None, None


def _names(key: str, names: list[object]) -> list[str]:
    out = [key]
    for name in names:
        if name is None or (isinstance(name, float) and name != name):
            continue
        out.extend(part for part in str(name).split("|") if part.strip())
    return out


def place_map(index: PlaceIndex, combos: pd.DataFrame) -> pd.DataFrame:
    """Resolve DISTINCT (side, oblast_raw, district_raw) combinations to reference keys.

    Parameters
    ----------
    index : the place index.
    combos : columns ``side``, ``oblast_raw``, ``district_raw``.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``oblast`` and ``district`` (keys or None). KZ rows without an oblast are
        Zhambyl oblast (the only KZ oblast in the project); the oblast is inferred from the district otherwise.
    """
    rows = []
    for side, oblast_raw, district_raw in combos[["side", "oblast_raw", "district_raw"]].itertuples(index=False):
        side_value = side if isinstance(side, str) else None
        oblast = index.oblast(oblast_raw, side_value) if _present(oblast_raw) else None
        district, district_oblast = (index.district(district_raw, side_value, oblast)
                                     if _present(district_raw) else (None, None))
        if oblast is None:
            oblast = district_oblast or ("ZHA" if side_value == "KZ" else None)
        rows.append((side, oblast_raw, district_raw, oblast, district))
    return pd.DataFrame(rows, columns=["side", "oblast_raw", "district_raw", "oblast", "district"], dtype="object")


def _present(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def districts_list(index: PlaceIndex, raw: object) -> tuple[list[str], list[str]]:
    """Reference keys of a quoted list of districts (``"Кордайский район;г. Тараз"``) and the names not recognised."""
    keys: list[str] = []
    unknown: list[str] = []
    if not _present(raw):
        return keys, unknown
    for part in re.split(r"[;,\n]+", str(raw)):
        name = part.strip()
        if not name:
            continue
        key, _ = index.district(name, None, None)
        if key is None:
            unknown.append(name)
        elif key not in keys:
            keys.append(key)
    return keys, unknown
