"""The set-based fabula scan (SQL macro ``fabula_scan``, migration 060) gives exactly the keys of the Python
reference ``analytics.identifiers.extract_identifiers``; loads keep the keys current and undo removes them."""

from __future__ import annotations

from datetime import date

import numpy as np

from analytics.demo import messy, model
from analytics.identifiers import extract_identifiers

TRICKY = [
    None, "", "кража", "Похищен iPhone 13, IMEI 356938035643809",
    "IMEI 35 693803 564380 9 и ещё",                    # spaces inside an IMEI
    "imei: 35-693803-564380-9", "ИМЕЙ:35693803564380", "имеи 3569380356438012 (IMEISV)",
    "IMEI 356938035643808",                              # bad Luhn after the word: flagged, no key
    "номер 356938035643808", "тел. 35693803564380 без слова",  # bad Luhn / 14 digits without the word
    "IMEI1 356938035643809", "IMEI:      356938035643809", "XIMEI 35693803564380",
    "356938035643809 490154203237518", "356938035643809-490154203237518",  # two IMEIs, one separator
    "12 356938035643809", "1234567890123456789", "35693803564380912", "3569380356438 09",
    "IMEI 12 35693803564380", "ımeı 35693803564380", "İMEİ 35693803564380", "Imei—35693803564380",
    "VIN KNAFEF3ER5G336455", "vin knafef3er5g336455", "VIN КNАFЕF3ЕR5G336455",  # lower case / Cyrillic
    "VIN JTNBE46K5031234567", "VIN JTNBE46KO03123456", "VIN ABCDEFGHJKLMNPRST", "VIN 12345678901234567",
    "номер-JTNBE46K503123456-", "xJTNBE46K503123456", "ßJTNBE46K50312345", "JTNBE46K503123456ж",
    "г/н 123ABC08", "г/н 123 АВС 08", "г/н 08 KG 123 ABC", "г/н 08КГ123АВС", "г/н 08-КG-123-АВС",
    "123ABC08 456DEF09", "123 AB 456 CD 78", "X123AB45", "н123AB45", "Н123AB45", "123ABC089", "123abc08",
    "Угон Audi 80 2019, г/н 575VAT08, VIN WAURR61X6T8679630", "08KG123ABC,123AB12;12KG345XYZ",
    "Изъят телефон IMEI 35693803564380 у гр. Б. и VIN JHMGD18508S219366, г/н 01KG777AAA",
    "٣٥٦٩٣٨٠٣٥٦٤٣٨٠٩", "IMEI 356938035643809\n356938035643809",
]


def _python_keys(texts: list[str | None]) -> set[tuple[int, str, str]]:
    return {(i, kind, key) for i, text in enumerate(texts)
            for kind, keys in extract_identifiers(text).items() if kind in ("imei", "vin", "plate") for key in keys}


def _sql_keys(con, texts: list[str | None], upload_id: int = 7) -> set[tuple[int, str, str]]:
    con.execute("DELETE FROM incidents")
    con.execute(
        "INSERT INTO incidents (side, source_id, registered_on, category, summary, upload_id) "
        "SELECT 'KZ', (i - 1)::VARCHAR, DATE '2024-01-01', 'other', t[i], ? "
        "FROM (SELECT ?::VARCHAR[] AS t), range(1, ? + 1) AS r(i)",
        [upload_id, texts, len(texts)])
    rows = con.execute("SELECT source_id, kind, key_value FROM fabula_scan(?)", [upload_id]).fetchall()
    return {(int(sid), kind, key) for sid, kind, key in rows}


def test_tricky_fabulas_give_the_python_keys(con):
    expected = _python_keys(TRICKY)
    assert len(expected) > 25                      # the list does exercise every kind
    assert _sql_keys(con, TRICKY) == expected


def test_demo_fabulas_give_the_python_keys(con):
    frames = [model.generate_incidents(3000, seed, date(2024, 1, 1), date(2024, 6, 30), side)
              for seed, side in ((5, "KZ"), (6, "KG"))]
    frames = [messy.plates_typed_loosely(f, np.random.default_rng(1), share=0.5) for f in frames]
    texts = [t for f in frames for t in f["summary"].astype(str)]
    expected = _python_keys(texts)
    assert {kind for _, kind, _ in expected} == {"imei", "vin", "plate"}
    assert _sql_keys(con, texts) == expected


def test_empty_upload_scans_nothing(con):
    assert con.execute("SELECT count(*) FROM fabula_scan(1)").fetchone() == (0,)


# ---------------------------------------------------------------- kept current by loads, removed by undo

def test_load_scans_its_upload_and_undo_removes_keys_and_proposals(con, samples, tmp_path):
    from analytics.ingest import load_file, undo_upload

    load_file(con, samples / "bulletins_2024-01.csv", today=date(2024, 12, 31))
    kz = load_file(con, samples / "kz_erdr_2024-01.csv", today=date(2024, 12, 31))
    kg = load_file(con, samples / "kg_erp_chuy-talas_2024-01.csv", today=date(2024, 12, 31))
    # every scanned key is the Python reference's key of the current fabula
    stored = set(con.execute("SELECT side, source_id, kind, key_value FROM incident_identifiers").fetchall())
    expected = {(side, sid, kind, key)
                for side, sid, text in con.execute("SELECT side, source_id, summary FROM incidents").fetchall()
                for kind, keys in extract_identifiers(text).items() if kind in ("imei", "vin", "plate")
                for key in keys}
    assert stored == expected
    assert con.execute("SELECT count(*) FROM incident_scans WHERE upload_id IN (?, ?)",
                       [kz.upload_id, kg.upload_id]).fetchone() == (2,)
    undo_upload(con, kg.upload_id, "t")
    assert con.execute("SELECT count(*) FROM incident_identifiers WHERE upload_id = ?",
                       [kg.upload_id]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM matches m WHERE m.ref_kind = 'incident' AND NOT EXISTS ("
                       "SELECT 1 FROM incidents i WHERE i.side || ':' || i.source_id = m.ref_id)").fetchone() == (0,)


def _current_keys(con) -> set[tuple]:
    """Keys of the current incident versions (what matching joins)."""
    return set(con.execute(
        "SELECT k.side, k.source_id, k.kind, k.key_value FROM incident_identifiers k JOIN incidents i "
        "ON i.side = k.side AND i.source_id = k.source_id AND i.upload_id = k.upload_id").fetchall())


def test_replaced_fabula_is_rescanned_and_undo_restores_the_old_keys(con, samples, tmp_path):
    from analytics.ingest import load_file, undo_upload

    first = load_file(con, samples / "kz_erdr_2024-01.csv", today=date(2024, 12, 31))
    before = _current_keys(con)
    assert ("KZ", "241131031000471", "vin", "JTNBE46K503123456") in before
    edited = tmp_path / "kz_erdr_2024-01_edited.csv"
    text = (samples / "kz_erdr_2024-01.csv").read_bytes().decode("cp1251")
    edited.write_bytes(text.replace("VIN JTNBE46K503123456", "VIN WAURR61X6T8679630").encode("cp1251"))
    second = load_file(con, edited, today=date(2024, 12, 31))
    assert second.updated == 1
    after = _current_keys(con)
    assert after == (before - {("KZ", "241131031000471", "vin", "JTNBE46K503123456")}) | {
        ("KZ", "241131031000471", "vin", "WAURR61X6T8679630")}
    undo_upload(con, second.upload_id, "t")
    assert _current_keys(con) == before
    assert con.execute("SELECT count(*) FROM incident_identifiers WHERE upload_id NOT IN (?)",
                       [first.upload_id]).fetchone() == (0,)


def test_undo_of_finds_drops_their_proposals_but_keeps_decisions(con, samples):
    from analytics.bulletins import decide_match
    from analytics.ingest import load_file, undo_upload

    load_file(con, samples / "bulletins_2024-01.csv", today=date(2024, 12, 31))
    finds = load_file(con, samples / "finds_2024-01.csv", today=date(2024, 12, 31))
    pairs = con.execute("SELECT bulletin_no, ref_kind, ref_id FROM matches ORDER BY 1").fetchall()
    assert len(pairs) == 3
    decide_match(con, *pairs[0], "rejected", "t")
    undo_upload(con, finds.upload_id, "t")
    assert con.execute("SELECT bulletin_no, status FROM matches").fetchall() == [(pairs[0][0], "rejected")]


def test_undo_of_bulletins_drops_their_proposals(con, samples):
    from analytics.ingest import load_file, undo_upload

    load_file(con, samples / "finds_2024-01.csv", today=date(2024, 12, 31))
    sent = load_file(con, samples / "bulletins_2024-01.csv", today=date(2024, 12, 31))
    assert con.execute("SELECT count(*) FROM matches").fetchone() == (3,)
    undo_upload(con, sent.upload_id, "t")
    assert con.execute("SELECT count(*) FROM matches").fetchone() == (0,)
