"""Normalised identifiers of wanted objects: plates, VINs, IMEIs, weapon serials, ear tags, bulletin numbers.

Both sides type the same object differently: Cyrillic letters that look like Latin ones, spaces and dashes,
lower case, 14/15/16-digit IMEIs, a Kazakh ear tag written in Cyrillic on one side and transliterated on the
other. Every function here turns a raw value into one *key* so that equal objects get equal keys; the keys
are what ``bulletins.*_norm`` / ``finds.*_norm`` hold and what matching joins on.

Two letter-mapping schemes, each fixed:

* **look-alike folding** (plates, VINs, weapon serials): a Cyrillic letter that *looks* like a Latin one becomes
  that Latin letter (``А→A В→B Е→E К→K М→M Н→H О→O Р→P С→C Т→T Х→X У→Y``, plus ``І→I``). These identifiers
  are printed in Latin letters; a Cyrillic letter in them is a keyboard-layout slip.
* **transliteration** (ear tags/brands, bulletin numbers): these are genuinely written in Cyrillic and typed in
  Latin by the other side, so a letter maps by *sound* (``Ж→ZH``, ``В→V``, ``Н→N``, ``Х→KH`` …, table
  :data:`TRANSLIT`). Kazakh/Kyrgyz letters fold to the closest Russian-keyboard sound (``Қ→K``, not ``Q``) so
  that ``Қ`` typed as ``К`` still gives the same key.

  One exception, decided per letter run: a run that mixes Latin and Cyrillic letters (``КZ-НВ``) was typed by
  copying shapes, so its Cyrillic letters are folded as look-alikes, not transliterated. A run in one script
  is transliterated (Cyrillic) or kept (Latin).

Blank or unusable input gives ``None`` (never an empty string), so SQL joins never match on "nothing".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

# Cyrillic letters that share their shape with a Latin letter (upper case; input is upper-cased first).
LOOKALIKES: dict[str, str] = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I",
}
_FOLD_TABLE = str.maketrans(LOOKALIKES)

# The one transliteration scheme (Cyrillic sound → Latin). Qazaq/Kyrgyz letters fold to the nearest Russian
# letter's transliteration (Қ→K, Ғ→G, Ө→O, Ү/Ұ→U, І→I, Ә→A) so a Kazakh letter typed on a Russian keyboard
# gives the same key; Ң→NG and Һ→H keep their own sound.
TRANSLIT: dict[str, str] = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH", "З": "Z", "И": "I",
    "Й": "Y", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
    "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ъ": "", "Ы": "Y", "Ь": "",
    "Э": "E", "Ю": "YU", "Я": "YA",
    "Ә": "A", "Ғ": "G", "Қ": "K", "Ң": "NG", "Ө": "O", "Ұ": "U", "Ү": "U", "Һ": "H", "І": "I",
}
_TRANSLIT_TABLE = str.maketrans(TRANSLIT)

_CYR = "А-ЯЁӘҒҚҢӨҰҮҺІ"
_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_LETTER_RUN = re.compile(rf"[A-Z{_CYR}]+")
_HAS_LATIN = re.compile(r"[A-Z]")
_HAS_CYR = re.compile(rf"[{_CYR}]")
_MIXED_RUN = rf"(?:[A-Z][{_CYR}]|[{_CYR}][A-Z])"
# Words that label a tag rather than belong to it ("тавро «АК»", "бирка № KZ-…").
_TAG_LABEL = re.compile(r"^\s*(?:УШНАЯ\s+)?(?:ТАВРО|БИРКА|КЛЕЙМО|EAR\s+TAG|TAG|BRAND)\b[\s:№#.\-]*")

KZ_PLATE = re.compile(r"^\d{3}[A-Z]{2,3}\d{2}$")       # 123ABC08: number, letters, region code
KG_PLATE = re.compile(r"^\d{2}KG\d{3}[A-Z]{3}$")       # 08KG123ABC: region code, KG, number, letters
_VIN_OK = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")         # I, O, Q never occur in a VIN

IMEI_KEY_LEN = 14   # TAC (8) + serial (6): the device identity shared by IMEI (15) and IMEISV (16)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or str(value).strip() == ""


# ---------------------------------------------------------------- plates, VINs, serials (look-alike folding)

def normalise_plate(value: object) -> str | None:
    """Vehicle registration plate key.

    Parameters
    ----------
    value : str or None
        As typed, e.g. ``"08 KG 123 АВС"`` (Cyrillic АВС) or ``"123 abc-08"``.

    Returns
    -------
    str or None
        Upper case, Cyrillic look-alikes folded to Latin, spaces/dashes/dots and other punctuation dropped
        (``"08KG123ABC"``, ``"123ABC08"``); ``None`` when nothing is left.
    """
    if _blank(value):
        return None
    key = _NON_ALNUM.sub("", str(value).upper().translate(_FOLD_TABLE))
    return key or None


def plate_pattern(value: object) -> str | None:
    """Which country's plate format a value has after :func:`normalise_plate`.

    Parameters
    ----------
    value : str or None
        A raw or normalised plate.

    Returns
    -------
    {'KZ', 'KG'} or None
        ``'KZ'`` for ``123ABC08`` (3 digits, 2–3 letters, 2-digit region), ``'KG'`` for ``08KG123ABC``,
        ``None`` for anything else (old formats, foreign plates, typos).
    """
    key = normalise_plate(value)
    if key is None:
        return None
    if KG_PLATE.match(key):
        return "KG"
    if KZ_PLATE.match(key):
        return "KZ"
    return None


def normalise_vin(value: object) -> str | None:
    """Vehicle identification number key.

    Parameters
    ----------
    value : str or None
        As typed, any case, with spaces/dashes, possibly with Cyrillic look-alike letters.

    Returns
    -------
    str or None
        17 upper-case characters; ``None`` when the length is not 17 or the value contains I, O or Q
        (never used in VINs, so the value is a typo — e.g. ``O`` for ``0`` — and must not be matched).
    """
    if _blank(value):
        return None
    key = re.sub(r"[\s\-.]", "", str(value).upper().translate(_FOLD_TABLE))
    return key if _VIN_OK.match(key) else None


def normalise_serial(value: object) -> str | None:
    """Weapon serial number key.

    Parameters
    ----------
    value : str or None
        As typed, e.g. ``"ТК 1123"`` (Cyrillic) or ``"tk-1123"``.

    Returns
    -------
    str or None
        Upper case letters and digits only; Cyrillic look-alikes folded to Latin (``"TK1123"``), any other
        Cyrillic letter transliterated (``Б→B``, ``Ж→ZH``) so the key is plain ASCII; ``None`` when empty.
    """
    if _blank(value):
        return None
    text = str(value).upper().translate(_FOLD_TABLE).translate(_TRANSLIT_TABLE)
    key = _NON_ALNUM.sub("", text)
    return key or None


# ---------------------------------------------------------------- IMEI

def luhn_ok(digits: str) -> bool:
    """True when a digit string passes the Luhn check (the IMEI check digit is its last digit)."""
    total = 0
    for pos, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if pos % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def normalise_imei(value: object) -> tuple[str | None, bool]:
    """Mobile device identity key and whether the value is a valid IMEI.

    Parameters
    ----------
    value : str or None
        As typed: 15-digit IMEI, 14 digits (no check digit), 16-digit IMEISV, with any spaces/dashes/slashes.

    Returns
    -------
    (key, valid) : tuple of (str or None, bool)
        ``key`` is always the 14-digit TAC+SNR that identifies the device: the 14 digits as typed, the
        first 14 of a 15-digit IMEI **that passes Luhn**, or the first 14 of a 16-digit IMEISV (no check digit).
        A 15-digit value failing Luhn is a typo: ``(None, False)`` — flagged, never matched. Any other
        length gives ``(None, False)``. Blank input also gives ``(None, False)``; ingest should store
        ``imei_valid = NULL`` for a blank field (``normalise_series("imei_valid", s)`` does).
    """
    if _blank(value):
        return None, False
    digits = re.sub(r"\D", "", str(value))
    if len(digits) == 15:
        return (digits[:IMEI_KEY_LEN], True) if luhn_ok(digits) else (None, False)
    if len(digits) in (14, 16):
        return digits[:IMEI_KEY_LEN], True
    return None, False


# ---------------------------------------------------------------- tags and bulletin numbers (transliteration)

def _transliterate_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if _HAS_LATIN.search(run) and _HAS_CYR.search(run):
        # Mixed script inside one letter run: typed by copying shapes, so fold look-alikes first.
        run = run.translate(_FOLD_TABLE)
    return run.translate(_TRANSLIT_TABLE)


def _transliterate(text: str) -> str:
    return _LETTER_RUN.sub(_transliterate_run, text.upper())


def normalise_tag(value: object) -> str | None:
    """Livestock ear tag / brand key.

    Parameters
    ----------
    value : str or None
        As typed, in Cyrillic (``"КЗ-ЖМБ-118842"``), transliterated (``"KZ-ZhMB-118842"``) or with a label
        word in front (``"тавро «АК»"``, ``"бирка № …"``).

    Returns
    -------
    str or None
        Transliterated with the fixed scheme :data:`TRANSLIT`, upper case, letters and digits only
        (``"KZZHMB118842"`` for both examples above); ``None`` when empty.
    """
    if _blank(value):
        return None
    text = _TAG_LABEL.sub("", str(value).upper())
    key = _NON_ALNUM.sub("", _transliterate(text))
    return key or None


def normalise_bulletin_no(value: object) -> str | None:
    """Bulletin number key, the same whatever the script it was typed in.

    Parameters
    ----------
    value : str or None
        E.g. ``"ЖО-2024-0003"``, ``"ZhO-2024-0003"``, ``"жо 2024 3"``.

    Returns
    -------
    str or None
        Transliterated like :func:`normalise_tag`, with leading zeros dropped from every digit group so
        ``0003`` and ``3`` agree: ``"ZHO20243"``. ``None`` when empty.
    """
    if _blank(value):
        return None
    text = _transliterate(str(value))
    parts = re.findall(r"[A-Z]+|\d+", text)
    key = "".join(part if not part.isdigit() else (part.lstrip("0") or "0") for part in parts)
    return key or None


# ---------------------------------------------------------------- identifiers inside free text

# A VIN is a run of exactly 17 letters/digits; the run is found in the text as typed (any case) and upper-cased
# afterwards, so that a character whose upper case is two letters (ß → SS) never lengthens a run.
_VIN_CHARS = rf"0-9A-Za-z{_CYR}{_CYR.lower()}ıſ"
_TEXT_VIN = re.compile(rf"(?<![{_VIN_CHARS}])[{_VIN_CHARS}]{{17}}(?![{_VIN_CHARS}])")
# ASCII digits only: an IMEI typed with other digits is not an IMEI (and SQL scans the same way).
_TEXT_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ \-]?[0-9]){13,15}(?![0-9])")
_IMEI_WORD = re.compile(r"(?:IMEI|ИМЕЙ|ИМЕИ)\W{0,5}$", re.IGNORECASE)
_PLATE_LETTERS = rf"[A-Z{''.join(LOOKALIKES)}]"
_TEXT_PLATE = re.compile(
    rf"(?<![0-9A-Za-z{_CYR}])(?:[0-9]{{2}}[ \-]?(?:KG|К[GГ])[ \-]?[0-9]{{3}}[ \-]?{_PLATE_LETTERS}{{3}}"
    rf"|[0-9]{{3}}[ \-]?{_PLATE_LETTERS}{{2,3}}[ \-]?[0-9]{{2}})(?![0-9A-Za-z{_CYR}])"
)


def extract_identifiers(text: object) -> dict[str, list[str]]:
    """Identifiers mentioned in a free-text fabula (incident summary, find note).

    Parameters
    ----------
    text : str or None
        Any text. Plates are recognised only in upper case and in the KZ (``123 ABC 08``) or KG
        (``08 KG 123 ABC``) pattern, so Russian words and distances are not mistaken for plates.

    Returns
    -------
    dict
        ``{"imei": [...], "imei_invalid": [...], "vin": [...], "plate": [...]}``; values are normalised keys
        (``imei``: 14-digit keys), each list de-duplicated in order of appearance. A 15-digit number is an
        IMEI when it passes Luhn, or when the word IMEI precedes it (then a failing one lands in
        ``imei_invalid`` — flagged, never matched); 14- and 16-digit numbers count only after the word IMEI,
        because case numbers and phone numbers have those lengths too.
    """
    found: dict[str, list[str]] = {"imei": [], "imei_invalid": [], "vin": [], "plate": []}
    if _blank(text):
        return found
    source = str(text)

    def add(kind: str, key: str | None) -> None:
        if key and key not in found[kind]:
            found[kind].append(key)

    for match in _TEXT_DIGITS.finditer(source):
        raw = match.group(0)
        digits = re.sub(r"[^0-9]", "", raw)
        after_word = bool(_IMEI_WORD.search(source[max(0, match.start() - 12):match.start()]))
        if len(digits) == 15 and not after_word and not luhn_ok(digits):
            continue
        if len(digits) != 15 and not after_word:
            continue
        key, valid = normalise_imei(digits)
        if valid:
            add("imei", key)
        else:
            add("imei_invalid", digits)
    for match in _TEXT_VIN.finditer(source):
        candidate = match.group(0).upper()
        key = normalise_vin(candidate)
        if key and re.search(r"\d", key) and re.search(r"[A-Z]", key):
            add("vin", key)
    for match in _TEXT_PLATE.finditer(source):
        add("plate", normalise_plate(match.group(0).replace("Г", "G")))
    return found


# ---------------------------------------------------------------- vectorised variants for whole columns

def _fold_upper(series: pd.Series) -> pd.Series:
    return series.astype("string").str.upper().str.translate(_FOLD_TABLE)


def _none_if_empty(series: pd.Series) -> pd.Series:
    return series.mask(series.str.len() == 0)


def _plate_series(series: pd.Series) -> pd.Series:
    return _none_if_empty(_fold_upper(series).str.replace(r"[^0-9A-Z]", "", regex=True))


def _vin_series(series: pd.Series) -> pd.Series:
    keys = _fold_upper(series).str.replace(r"[\s\-.]", "", regex=True)
    return keys.where(keys.str.fullmatch(_VIN_OK.pattern[1:-1]).fillna(False).astype(bool))


def _serial_series(series: pd.Series) -> pd.Series:
    keys = _fold_upper(series).str.translate(_TRANSLIT_TABLE).str.replace(r"[^0-9A-Z]", "", regex=True)
    return _none_if_empty(keys)


def _luhn_mask(digits15: pd.Series) -> np.ndarray:
    """Luhn check of many 15-digit strings at once (numpy over an n×15 digit matrix)."""
    if digits15.empty:
        return np.zeros(0, dtype=bool)
    raw = np.frombuffer("".join(digits15.tolist()).encode("ascii"), dtype=np.uint8)
    matrix = (raw.reshape(-1, 15) - 48).astype(np.int64)
    doubled = matrix[:, 1::2] * 2                     # positions 2,4,…,14 counted from the left
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = matrix[:, 0::2].sum(axis=1) + doubled.sum(axis=1)
    return np.asarray(total % 10 == 0)


def _imei_frame(series: pd.Series) -> pd.DataFrame:
    text = series.astype("string")
    blank = text.isna() | (text.str.strip().str.len() == 0)
    digits = text.str.replace(r"\D", "", regex=True)
    length = digits.str.len()
    valid = pd.Series(False, index=series.index, dtype="boolean")
    valid[(length == 14) | (length == 16)] = True
    is15 = (length == 15).fillna(False).astype(bool)
    valid[is15] = _luhn_mask(digits[is15])
    key = digits.str.slice(0, IMEI_KEY_LEN).where(valid.fillna(False).astype(bool))
    valid = valid.mask(blank.fillna(True).astype(bool))
    return pd.DataFrame({"key": key, "valid": valid})


def _tag_series(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.upper().str.replace(_TAG_LABEL.pattern, "", regex=True)
    return _translit_series(text).str.replace(r"[^0-9A-Z]", "", regex=True).pipe(_none_if_empty)


def _translit_series(upper: pd.Series) -> pd.Series:
    out = upper.str.translate(_TRANSLIT_TABLE)
    # Mixed-script letter runs are rare; route only those rows through the scalar rule.
    mixed = upper.str.contains(_MIXED_RUN, regex=True).fillna(False).astype(bool)
    if mixed.any():
        out[mixed] = upper[mixed].map(_transliterate)
    return out


def _bulletin_series(series: pd.Series) -> pd.Series:
    text = _translit_series(series.astype("string").str.upper())
    text = text.str.replace(r"[^0-9A-Z]+", " ", regex=True)
    text = text.str.replace(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])", " ", regex=True)
    text = text.str.replace(r"(?:^|(?<= ))0+(?=\d)", "", regex=True)
    return _none_if_empty(text.str.replace(" ", "", regex=False))


_SERIES: dict[str, Callable[[pd.Series], pd.Series]] = {
    "plate": _plate_series,
    "vin": _vin_series,
    "imei": lambda s: _imei_frame(s)["key"],
    "imei_valid": lambda s: _imei_frame(s)["valid"],
    "serial": _serial_series,
    "tag": _tag_series,
    "bulletin_no": _bulletin_series,
}
KINDS = tuple(_SERIES)


def normalise_series(kind: str, series: pd.Series) -> pd.Series:
    """Vectorised normalisation of a whole column (same keys as the scalar functions, much faster).

    Parameters
    ----------
    kind : {'plate', 'vin', 'imei', 'imei_valid', 'serial', 'tag', 'bulletin_no'}
        Which identifier. ``'imei'`` gives the 14-digit key; ``'imei_valid'`` the validity flag with
        ``<NA>`` for blank values (what ``imei_valid`` columns store).
    series : pandas.Series
        Raw values (any dtype; missing values allowed).

    Returns
    -------
    pandas.Series
        Same index, ``string`` dtype (``boolean`` for ``imei_valid``); ``<NA>`` where the scalar function
        gives ``None``.
    """
    if kind not in _SERIES:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {KINDS}")
    if series.empty:
        return pd.Series([], index=series.index, dtype="boolean" if kind == "imei_valid" else "string")
    return _SERIES[kind](series)
