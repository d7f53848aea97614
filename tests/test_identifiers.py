"""Every normalisation rule with exact cases, and the vectorised variants agreeing with the scalar ones."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from analytics.identifiers import (
    KINDS,
    extract_identifiers,
    luhn_ok,
    normalise_bulletin_no,
    normalise_imei,
    normalise_plate,
    normalise_serial,
    normalise_series,
    normalise_tag,
    normalise_vin,
    plate_pattern,
)

BLANKS = [None, "", "   ", float("nan"), pd.NA]


# ---------------------------------------------------------------- plates

@pytest.mark.parametrize(("raw", "key"), [
    ("08 KG 123 АВС", "08KG123ABC"),          # Cyrillic А, В, С
    ("08KG123ABC", "08KG123ABC"),
    ("08-kg-123-abc", "08KG123ABC"),
    ("123 АВС 08", "123ABC08"),
    ("123abc08", "123ABC08"),
    ("123.ABC.08", "123ABC08"),
    ("ЕКМНОРСТХУ", "EKMHOPCTXY"),             # every look-alike of the issue
    ("777 ОО 02", "777OO02"),                 # O stays a letter in plates (not a digit)
])
def test_normalise_plate(raw, key):
    assert normalise_plate(raw) == key


@pytest.mark.parametrize("raw", BLANKS + ["- . -"])
def test_normalise_plate_blank_is_none(raw):
    assert normalise_plate(raw) is None


@pytest.mark.parametrize(("raw", "pattern"), [
    ("08 KG 123 АВС", "KG"), ("08KG123ABC", "KG"), ("123ABC08", "KZ"), ("123 АВ 02", "KZ"),
    ("A123BCD", None), ("08KG12ABC", None), ("", None), (None, None),
])
def test_plate_pattern(raw, pattern):
    assert plate_pattern(raw) == pattern


# ---------------------------------------------------------------- VIN

@pytest.mark.parametrize(("raw", "key"), [
    ("jhmgd18508s012345", "JHMGD18508S012345"),         # lower case
    ("JHM GD18 508S-012345", "JHMGD18508S012345"),      # spaces and dashes
    ("JНМGD18508S012345", "JHMGD18508S012345"),         # Cyrillic Н and М
    ("JTNBE46K503123456", "JTNBE46K503123456"),
])
def test_normalise_vin(raw, key):
    assert normalise_vin(raw) == key


@pytest.mark.parametrize("raw", [
    "JHMGD18508SO12345",     # letter O where a zero belongs
    "JHMGD18508SI12345",     # I
    "JHMGD18508SQ12345",     # Q
    "JHMGD18508S01234",      # 16 characters
    "JHMGD18508S0123456",    # 18 characters
    "JHMGD18508S0123#5",     # punctuation inside
    *BLANKS,
])
def test_normalise_vin_invalid_is_none(raw):
    assert normalise_vin(raw) is None


# ---------------------------------------------------------------- IMEI

def test_luhn():
    assert luhn_ok("356938035643809")
    assert luhn_ok("352099001761481")
    assert not luhn_ok("352099001761482")
    assert luhn_ok("490154203237518")


@pytest.mark.parametrize(("raw", "expected"), [
    ("356938035643809", ("35693803564380", True)),           # 15 digits, Luhn ok
    ("35-693803-564380-9", ("35693803564380", True)),        # separators dropped
    ("35693803564380", ("35693803564380", True)),            # 14 digits: the key itself
    ("3569380356438012", ("35693803564380", True)),          # IMEISV: first 14 digits
    ("352099001761482", (None, False)),                       # Luhn fails: flagged, no key
    ("3569380356438", (None, False)),                         # 13 digits
    ("35693803564380912", (None, False)),                     # 17 digits
    (None, (None, False)),
    ("", (None, False)),
])
def test_normalise_imei(raw, expected):
    assert normalise_imei(raw) == expected


def test_imei_14_digit_form_has_same_key_as_15_digit_form():
    assert normalise_imei("35693803564380")[0] == normalise_imei("356938035643809")[0]


def test_bad_imei_never_gets_the_key_of_its_neighbour():
    # 352099001761482 differs from the valid 352099001761481 only in the check digit: the same
    # 14 leading digits. Cutting to 14 digits without checking would match them — it must not.
    assert normalise_imei("352099001761481")[0] == "35209900176148"
    assert normalise_imei("352099001761482") == (None, False)


# ---------------------------------------------------------------- weapon serials

@pytest.mark.parametrize(("raw", "key"), [
    ("ТК 1123", "TK1123"),          # Cyrillic look-alikes
    ("tk-1123", "TK1123"),
    ("TK1123", "TK1123"),
    ("АБ 0457", "AB0457"),           # Б has no look-alike: transliterated
    ("№ 12/345", "12345"),
])
def test_normalise_serial(raw, key):
    assert normalise_serial(raw) == key


@pytest.mark.parametrize("raw", BLANKS + ["--"])
def test_normalise_serial_blank_is_none(raw):
    assert normalise_serial(raw) is None


# ---------------------------------------------------------------- ear tags and brands

@pytest.mark.parametrize(("raw", "key"), [
    ("КЗ-ЖМБ-118842", "KZZHMB118842"),
    ("KZ-ZhMB-118842", "KZZHMB118842"),      # typed in Latin by the other side
    ("kz zhmb 118842", "KZZHMB118842"),
    ("КZ-ЖМБ-118842", "KZZHMB118842"),      # Cyrillic К with Latin Z in one run
    ("KЗ-ZhMB-118842", "KZZHMB118842"),      # Latin K with Cyrillic З
    ("ҚЗ-ЖМБ-118842", "KZZHMB118842"),      # Kazakh Қ folds to K (documented choice)
    ("KZ-ZhMВ-118842", "KZZHMB118842"),      # Cyrillic В inside a Latin run is a look-alike B, not V
    ("тавро «АК»", "AK"),                     # label word dropped
    ("бирка № KG-042", "KG042"),
    ("ШЧЦЮЯХЙЫЭЪЬ", "SHCHTSYUYAKHYYE"),
    ("Щ", "SHCH"),
    ("ӘҒҚҢӨҰҮҺІ", "AGKNGOUUHI"),
    ("ВНРСУ", "VNRSU"),                       # pure Cyrillic run: by sound, not by shape
])
def test_normalise_tag(raw, key):
    assert normalise_tag(raw) == key


def test_tag_k_z_not_confused_with_digit_three():
    # З is the letter Z; it must not fold to the digit 3 it resembles, nor may 3 fold to Z.
    assert normalise_tag("КЗ-118842") == "KZ118842"
    assert normalise_tag("K3-118842") == "K3118842"


@pytest.mark.parametrize("raw", BLANKS + ["«»", "тавро"])
def test_normalise_tag_blank_is_none(raw):
    assert normalise_tag(raw) is None


# ---------------------------------------------------------------- bulletin numbers

@pytest.mark.parametrize(("raw", "key"), [
    ("ЖО-2024-0003", "ZHO20243"),
    ("ZhO-2024-0003", "ZHO20243"),
    ("жо 2024 3", "ZHO20243"),
    ("ЖО2024-0003", "ZHO20243"),
    ("ЧУЙ-2024-015", "CHUY202415"),
    ("ТАЛ-2024-004", "TAL20244"),
    ("ЖО-2024-0000", "ZHO20240"),
])
def test_normalise_bulletin_no(raw, key):
    assert normalise_bulletin_no(raw) == key


def test_bulletin_numbers_of_different_bulletins_stay_different():
    assert normalise_bulletin_no("ЖО-2024-0003") != normalise_bulletin_no("ЖО-2024-0030")
    assert normalise_bulletin_no("ЖО-2024-0003") != normalise_bulletin_no("ЖО-2023-0003")


@pytest.mark.parametrize("raw", BLANKS + ["--"])
def test_normalise_bulletin_no_blank_is_none(raw):
    assert normalise_bulletin_no(raw) is None


# ---------------------------------------------------------------- free text

def test_extract_identifiers_from_fabula():
    text = ("Похищен телефон iPhone 13, IMEI 35693803564380, и автомобиль Honda Fit 08 KG 123 АВС, "
            "VIN jhmgd18508s012345. ЕРДР 241131031000471, тел. +996 555 123 456, проехал 100 км 15 мин.")
    found = extract_identifiers(text)
    assert found == {"imei": ["35693803564380"], "imei_invalid": [], "vin": ["JHMGD18508S012345"],
                     "plate": ["08KG123ABC"]}


def test_extract_identifiers_imei_rules():
    # A Luhn-valid 15-digit number counts on its own; a failing one only after the word IMEI (then flagged).
    assert extract_identifiers("телефон 356938035643809 изъят")["imei"] == ["35693803564380"]
    assert extract_identifiers("имей: 352099001761482")["imei_invalid"] == ["352099001761482"]
    assert extract_identifiers("номер 352099001761482")["imei_invalid"] == []
    assert extract_identifiers("IMEI 3569380356438012")["imei"] == ["35693803564380"]


def test_extract_identifiers_kz_plate_and_duplicates():
    found = extract_identifiers("а/м 123 АВС 08 (123ABC08) задержан")
    assert found["plate"] == ["123ABC08"]


@pytest.mark.parametrize("raw", BLANKS)
def test_extract_identifiers_blank(raw):
    assert extract_identifiers(raw) == {"imei": [], "imei_invalid": [], "vin": [], "plate": []}


# ---------------------------------------------------------------- vectorised variants

SCALAR = {
    "plate": normalise_plate,
    "vin": normalise_vin,
    "imei": lambda v: normalise_imei(v)[0],
    "serial": normalise_serial,
    "tag": normalise_tag,
    "bulletin_no": normalise_bulletin_no,
}


def _messy_values(seed: int, n: int) -> list[object]:
    rng = random.Random(seed)
    alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZabcxyzАВЕКМНОРСТХУЖЗЧШЩЦЮЯЙЫЭЪЬӘҒҚҢӨҰҮҺІжзч -./«»№"
    values: list[object] = [None, "", "  ", "тавро «АК»", "08 KG 123 АВС", "КZ-НВ-1", "ЖО-2024-0003",
                            "352099001761482", "35693803564380", "3569380356438012", "jhmgd18508s012345"]
    for _ in range(n):
        values.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))))
        values.append("".join(rng.choice("0123456789 -") for _ in range(rng.randint(12, 19))))
    return values


@pytest.mark.parametrize("kind", sorted(SCALAR))
def test_series_agrees_with_scalar(kind):
    values = _messy_values(7, 400)
    got = normalise_series(kind, pd.Series(values, dtype="object"))
    expected = [SCALAR[kind](v) for v in values]
    assert [None if pd.isna(v) else v for v in got.tolist()] == expected


def test_series_imei_valid_is_na_for_blank():
    got = normalise_series("imei_valid", pd.Series(["356938035643809", "352099001761482", None, "", "123"]))
    assert got.tolist() == [True, False, pd.NA, pd.NA, False]


@pytest.mark.parametrize("kind", KINDS)
def test_series_empty(kind):
    got = normalise_series(kind, pd.Series([], dtype="string"))
    assert got.empty
    assert str(got.dtype) == ("boolean" if kind == "imei_valid" else "string")


def test_series_unknown_kind():
    with pytest.raises(ValueError, match="unknown identifier kind"):
        normalise_series("passport", pd.Series(["x"]))
