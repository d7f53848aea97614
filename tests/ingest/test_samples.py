"""The five shared samples load end to end with exact counts, categories, places and identifiers."""

from __future__ import annotations

from datetime import date

from analytics.ingest import load_file, upload_history
from tests.ingest.conftest import SAMPLES, column, one

KZ_CATEGORIES = {
    "241131031000412": ("livestock_theft", "KORDAI"),     # 188 ч.2 п.5, КРС
    "241131031000437": ("phone_theft", "TARAZ"),          # 188 ч.1, сотовый телефон
    "241131031000455": ("drugs", "SHU"),                  # 296 ч.2
    "241131031000468": ("weapons", "MERKE"),              # 287 ч.1
    "241131031000471": ("vehicle_theft", "KORDAI"),       # 200 ч.1
    "241131031000489": ("extremism_terrorism", "TARAZ"),  # 256 ч.2
    "241131031000502": ("livestock_theft", "RYSKULOV"),   # 188 ч.2 п.5, лошади
    "241131031000517": ("smuggling", "KORDAI"),           # 286 ч.1
}
KG_CATEGORIES = {
    "02-2024-000118": ("livestock_theft", "CHU", "PANFILOV"),       # 205-1, «Кража скота»
    "02-2024-000131": ("phone_theft", "CHU", "TOKMOK"),             # «Кража» + IMEI in the fabula
    "07-2024-000022": ("drugs", "TAL", "MANAS"),                    # no article, title only
    "02-2024-000150": ("vehicle_theft", "CHU", "SOKULUK"),          # «Угон транспортного средства»
    "07-2024-000031": ("livestock_theft", "TAL", "KARA_BUURA"),
    "02-2024-000166": ("weapons", "CHU", "MOSKOVSKY"),
    "02-2024-000181": ("extremism_terrorism", "CHU", "YSYK_ATA"),
}


def test_all_samples_load(con):
    results = {p.name: load_file(con, p) for p in sorted(SAMPLES.glob("*.csv"))}
    counts = {name: (r.rows_read, r.accepted, r.rejected, r.duplicates, r.updated) for name, r in results.items()}
    assert counts == {
        "bulletins_2024-01.csv": (7, 7, 0, 0, 0),
        "finds_2024-01.csv": (4, 4, 0, 0, 0),
        "kg_erp_chuy-talas_2024-01.csv": (7, 7, 0, 0, 0),
        "kz_erdr_2024-01.csv": (8, 8, 0, 0, 0),
        "operations_2024.csv": (3, 3, 0, 0, 0),
    }
    # the one finds warning: an IMEI failing its check digit
    assert results["finds_2024-01.csv"].warnings_by_reason == {"invalid_imei": 1}
    assert sum(r.warnings for r in results.values()) == 1
    assert len(upload_history(con)) == 5
    assert one(con, "SELECT count(*) FROM audit_log WHERE action = 'upload'") == 5


def test_kz_sample(con):
    result = load_file(con, SAMPLES / "kz_erdr_2024-01.csv")
    assert (result.kind, result.side, result.encoding, result.delimiter) == ("kz_incidents", "KZ", "cp1251", ";")
    rows = con.execute("SELECT source_id, category, district FROM incidents ORDER BY source_id").fetchall()
    assert {r[0]: (r[1], r[2]) for r in rows} == KZ_CATEGORIES
    assert column(con, "SELECT DISTINCT oblast FROM incidents") == ["ZHA"]
    row = con.execute("SELECT registered_on, occurred_at, damage, currency, online, minor_involved, foreign_national, "
                      "status, lat, lon, geo_ok FROM incidents WHERE source_id = '241131031000412'").fetchone()
    assert row[:10] == (date(2024, 1, 3), row[1], 1450000.0, "KZT", False, False, False, "in_progress", 43.0512,
                        75.1873)
    assert row[1].isoformat() == "2024-01-02T23:40:00" and row[10] is True
    # only the terrorism case has no coordinates
    assert column(con, "SELECT source_id FROM incidents WHERE NOT geo_ok") == ["241131031000489"]
    assert con.execute("SELECT side, oblast, month FROM coverage").fetchall() == [("KZ", "ZHA", date(2024, 1, 1))]


def test_kg_sample(con):
    result = load_file(con, SAMPLES / "kg_erp_chuy-talas_2024-01.csv")
    assert (result.kind, result.side, result.encoding, result.delimiter) == ("kg_incidents", "KG", "utf-8-sig", ",")
    rows = con.execute("SELECT source_id, category, oblast, district FROM incidents").fetchall()
    assert {r[0]: r[1:] for r in rows} == KG_CATEGORIES
    assert one(con, "SELECT occurred_at FROM incidents WHERE source_id = '02-2024-000118'").isoformat() == \
        "2024-01-01T22:10:00"
    assert one(con, "SELECT currency FROM incidents LIMIT 1") == "KGS"
    assert sorted(con.execute("SELECT oblast, month FROM coverage").fetchall()) == [
        ("CHU", date(2024, 1, 1)), ("TAL", date(2024, 1, 1))]


def test_bulletins_sample(con):
    load_file(con, SAMPLES / "bulletins_2024-01.csv")
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT bulletin_no, initiator_side, object_kind, status, plate_norm, vin_norm, imei_norm, serial_norm, "
        "tag_norm, heads FROM bulletins").fetchall()}
    assert rows["ЖО-2024-0007"] == ("KZ", "vehicle", "wanted", "123ABC08", "JTNBE46K503123456", None, None, None,
                                    None)
    assert rows["ЖО-2024-0003"] == ("KZ", "phone", "wanted", None, None, "35693803564380", None, None, None)
    assert rows["ЖО-2024-0001"] == ("KZ", "livestock", "found", None, None, None, None, "KZZHMB118842", 3)
    assert rows["ЧУЙ-2024-009"][:3] == ("KG", "phone", "returned")
    assert rows["ЧУЙ-2024-021"] == ("KG", "weapon", "withdrawn", None, None, None, "TK1123", None, None)
    assert rows["ТАЛ-2024-004"][:3] == ("KG", "livestock", "wanted")
    assert one(con, "SELECT closed_on FROM bulletins WHERE bulletin_no = 'ЖО-2024-0001'") == date(2024, 1, 19)


def test_finds_sample(con):
    load_file(con, SAMPLES / "finds_2024-01.csv")
    rows = con.execute("SELECT side, object_kind, plate_norm, vin_norm, imei_norm, imei_valid, tag_norm, bulletin_ref "
                       "FROM finds ORDER BY found_at").fetchall()
    assert rows == [
        ("KG", "livestock", None, None, None, None, "KZZHMB118842", None),
        ("KZ", "vehicle", "08KG123ABC", "JHMGD18508S012345", None, None, None, None),
        ("KG", "phone", None, None, "35693803564380", True, None, "ЖО-2024-0003"),
        ("KZ", "phone", None, None, None, False, None, None),
    ]


def test_operations_sample(con):
    load_file(con, SAMPLES / "operations_2024.csv")
    rows = con.execute("SELECT code, direction, districts, detained, cases_opened, drugs_seized_g, livestock_returned, "
                       "prevention_events, minors_reached FROM operations ORDER BY code").fetchall()
    assert rows == [
        ("СО-2024-01", "livestock_theft", ["KORDAI", "PANFILOV", "KARA_BUURA"], 6, 4, None, 23, None, None),
        ("СО-2024-02", "drugs", ["TARAZ", "SHU", "MOSKOVSKY"], 11, 9, 1840.5, None, None, None),
        ("СО-2024-03", "minors", ["TARAZ", "TALAS_CITY"], 0, 1, None, None, 48, 3150),
    ]


def test_unknown_mappings_lists_unmatched_articles_only(con, write):
    from analytics.ingest import unknown_mappings

    assert unknown_mappings(con).empty
    rows = ["1;03.01.2024;;999 ч.1;;г. Тараз;;;;в производстве;0;;;;x", "2;03.01.2024;;999 ч.1;;г. Тараз;;;;;0;;;;x",
            "3;03.01.2024;;293 ч.1;;г. Тараз;;;;;0;;;;хулиганство (rule → other)",
            "4;03.01.2024;;188 ч.1;;г. Тараз;;;;;0;;;;кража"]
    from tests.ingest.conftest import kz_file

    load_file(con, write("kz.csv", kz_file(rows)))
    frame = unknown_mappings(con)
    assert frame[["side", "article_raw", "incidents"]].values.tolist() == [["KZ", "999 ч.1", 2]]
