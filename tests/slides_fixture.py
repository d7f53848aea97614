"""A tiny two-sided database for the slide tests, filled with plain SQL (no ingest needed).

As of 2024-03-31, one year of months 2023-04..2024-03. Talas has no upload for February 2024, so the
coverage slide must name that hole. Counts are small and regular so every figure is easy to recompute.
"""

from __future__ import annotations

from datetime import date

AS_OF = date(2024, 3, 31)
START = date(2023, 4, 1)

# (side, oblast, district, category, every_n_days, first_day, lat, lon, minor_involved)
SERIES = [
    ("KZ", "ZHA", "KORDAI", "livestock_theft", 3, "2023-04-01", 43.05, 74.70, False),
    ("KZ", "ZHA", "KORDAI", "vehicle_theft", 7, "2023-04-02", 43.10, 74.75, False),
    ("KZ", "ZHA", "TARAZ", "drugs", 5, "2023-04-03", 42.90, 71.37, True),
    ("KG", "CHU", "TOKMOK", "livestock_theft", 4, "2023-04-01", 42.84, 75.30, False),
    ("KG", "CHU", "TOKMOK", "phone_theft", 6, "2023-04-04", 42.83, 75.28, True),
    ("KG", "TAL", "TALAS_CITY", "extremism_terrorism", 30, "2023-04-10", 42.52, 72.24, False),
]


def fill(con) -> None:
    """Insert uploads, coverage and incidents (and nothing else) into a migrated database."""
    con.execute("INSERT INTO uploads (upload_id, file_name, sha256, kind, side) VALUES "
                "(1, 'kz.csv', 'a', 'kz_incidents', 'KZ'), (2, 'kg.csv', 'b', 'kg_incidents', 'KG')")
    con.execute(
        "INSERT INTO coverage SELECT side, oblast, m::DATE, upload_id FROM "
        "(VALUES ('KZ', 'ZHA', 1), ('KG', 'CHU', 2), ('KG', 'TAL', 2)) u(side, oblast, upload_id), "
        "range(DATE '2022-01-01', DATE '2024-04-01', INTERVAL 1 MONTH) r(m) "
        "WHERE NOT (oblast = 'TAL' AND m = DATE '2024-02-01')"
    )
    for index, (side, oblast, district, category, step, first, lat, lon, minor) in enumerate(SERIES):
        con.execute(
            "INSERT INTO incidents (side, source_id, registered_on, category, oblast, district, lat, lon, geo_ok, "
            "status, online, minor_involved, foreign_national, upload_id) "
            "SELECT ?, ? || '-' || CAST(row_number() OVER () AS VARCHAR), d::DATE, ?, ?, ?, "
            "? + (row_number() OVER () % 5) * 0.01, ?, true, 'in_progress', false, ?, false, ? "
            "FROM range(?::DATE - INTERVAL 365 DAY, ?::DATE + INTERVAL 1 DAY, ?::INTEGER * INTERVAL 1 DAY) r(d) "
            "WHERE NOT (? = 'TAL' AND date_trunc('month', d) = DATE '2024-02-01')",
            [side, f"S{index}", category, oblast, district, lat, lon, minor, 1 if side == "KZ" else 2,
             first, AS_OF, step, oblast],
        )
    annotate_geo(con)


# (bulletin_no, initiator_side, object_kind, sent_on, status, closed_on)
BULLETINS = [
    ("B1", "KZ", "vehicle", "2023-06-01", "returned", "2023-06-11"),
    ("B2", "KZ", "phone", "2023-09-01", "wanted", None),
    ("B3", "KZ", "livestock", "2024-03-20", "wanted", None),
    ("B4", "KG", "vehicle", "2023-05-01", "found", "2023-05-21"),
    ("B5", "KG", "weapon", "2022-12-01", "wanted", None),
    ("B6", "KG", "phone", "2024-01-15", "withdrawn", "2024-02-01"),
]


def fill_bulletins(con) -> None:
    """Six bulletins: per direction KZ→KG sent 3 in the period (1 returned after 10 days, 2 open),
    KG→KZ sent 2 in the period (1 found after 20 days, 1 withdrawn) plus one open since 2022."""
    con.execute("INSERT INTO uploads (upload_id, file_name, sha256, kind) VALUES (3, 'b.csv', 'c', 'bulletins')")
    for number, side, kind, sent, status, closed in BULLETINS:
        con.execute("INSERT INTO bulletins (bulletin_no, sent_on, initiator_side, object_kind, status, closed_on, "
                    "upload_id) VALUES (?, ?, ?, ?, ?, ?, 3)", [number, sent, side, kind, status, closed])


# (code, direction, started_on, ended_on, detained, cases_opened, drugs_seized_g, livestock_returned)
OPERATIONS = [
    ("OP-1", "livestock_theft", "2023-10-01", "2023-10-10", 3, 2, None, 40),
    ("OP-2", "drugs", "2024-02-01", "2024-02-05", 5, 4, 1840.5, None),
    ("OP-0", "livestock_theft", "2022-05-01", "2022-05-05", 9, 1, None, 12),  # before the period
]


def fill_operations(con) -> None:
    """Two joint operations in the period (livestock, drugs) and one before it."""
    con.execute("INSERT INTO uploads (upload_id, file_name, sha256, kind) VALUES (4, 'o.csv', 'd', 'operations')")
    for code, direction, start, end, detained, cases, drugs, livestock in OPERATIONS:
        con.execute("INSERT INTO operations (code, name, direction, started_on, ended_on, detained, cases_opened, "
                    "drugs_seized_g, livestock_returned, upload_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 4)",
                    [code, f"Операция {code}", direction, start, end, detained, cases, drugs, livestock])


def annotate_geo(con) -> None:
    """Fill h3_r7 / border_km / geo_ok the way the ingest does (analytics.geo.annotate_points)."""
    from analytics.geo import annotate_points

    rows = con.execute("SELECT side, source_id, lat, lon FROM incidents").df()
    notes = annotate_points(rows["lat"].to_numpy(), rows["lon"].to_numpy(), rows["side"].to_numpy())
    notes["side"], notes["source_id"] = rows["side"], rows["source_id"]
    con.register("geo_notes", notes)
    con.execute("UPDATE incidents SET lat = g.lat, lon = g.lon, geo_ok = g.geo_ok, geo_flag = g.geo_flag, "
                "h3_r7 = CASE WHEN g.geo_ok THEN g.h3_r7 END, border_km = g.border_km FROM geo_notes g "
                "WHERE incidents.side = g.side AND incidents.source_id = g.source_id")
    con.unregister("geo_notes")

