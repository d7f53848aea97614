"""Sharing control: what one side sees of the other side's incidents, enforced in the analytics layer
(frame redaction and the SQL views) and in the export CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher

from analytics import sharing
from analytics.access import SYSTEM, Viewer
from analytics.auth import PermissionDenied

ROOT = Path(__file__).resolve().parent.parent
KZ_FABULA = "Угон Toyota Camry, г/н 123ABC08"
KG_FABULA = "Кража скота у границы"
KG_COMMANDER = Viewer("kg_commander", "commander", "KG")
KZ_COMMANDER = Viewer("kz_commander", "commander", "KZ")
KG_ANALYST = Viewer("kg_analyst", "analyst", "KG")

ROWS = [
    # side, source_id, registered_on, occurred_at, category, district, settlement, lat, lon, geo_ok, geo_flag,
    # h3_r7, border_km, damage, summary, extra
    ("KZ", "241131031000471", "2024-01-06", "2024-01-06 02:30:00", "vehicle_theft", "KORDAI", "с. Кордай",
     43.0436, 74.7134, True, None, 608819843710418943, 4.2, 3200000.0, KZ_FABULA, '{"Примечание": "гараж"}'),
    ("KZ", "241131031000412", "2024-01-03", None, "livestock_theft", "KORDAI", "с. Сортобе",
     43.0512, 75.1873, True, "swapped", 608819843559424000, 1.5, 1450000.0, "Хищение КРС", None),
    ("KG", "02-2024-000118", "2024-01-02", "2024-01-01 22:10:00", "livestock_theft", "PANFILOV", "с. Кайынды",
     42.8262, 73.6788, True, None, 608819843710418000, 2.0, 210000.0, KG_FABULA, '{"x": 1}'),
]


@pytest.fixture
def incidents(con):
    con.executemany(
        "INSERT INTO incidents (side, source_id, registered_on, occurred_at, category, district, settlement, lat, "
        "lon, geo_ok, geo_flag, h3_r7, border_km, damage, summary, extra, upload_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", [list(r) for r in ROWS])
    return con


def frame_of(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM incidents ORDER BY side DESC, source_id").df()


def test_default_policy_rows_are_written_by_the_migration(con):
    rows = con.execute("SELECT owner_side, field, visible FROM sharing_policy ORDER BY ALL").fetchall()
    assert len(rows) == 14
    assert sharing.hidden_fields(con, "KZ") == {"summary", "coordinates", "settlement", "extra"}
    assert sharing.hidden_fields(con, "KG") == {"summary", "coordinates", "settlement", "extra"}
    assert sharing.hidden_columns(con, "KZ") == {"summary", "lat", "lon", "h3_r7", "border_km", "settlement",
                                                 "extra"}


def test_kg_commander_gets_no_kz_fabula_nor_location(incidents):
    seen = sharing.redact_incidents(incidents, frame_of(incidents), KG_COMMANDER)
    kz = seen[seen["side"] == "KZ"]
    assert kz["summary"].isna().all() and kz["settlement"].isna().all() and kz["extra"].isna().all()
    assert kz["lat"].isna().all() and kz["lon"].isna().all() and kz["border_km"].isna().all()
    assert kz["h3_r7"].isna().all()
    assert kz["geo_ok"].tolist() == [False, False]
    assert kz["geo_flag"].tolist() == ["hidden", "hidden"]
    # what stays shared: number, dates, category, district, damage — enough for district aggregates
    assert kz["source_id"].tolist() == ["241131031000412", "241131031000471"]
    assert kz["district"].tolist() == ["KORDAI", "KORDAI"]
    assert kz["damage"].tolist() == [1450000.0, 3200000.0]
    # the commander's own side is untouched
    kg = seen[seen["side"] == "KG"]
    assert kg["summary"].tolist() == [KG_FABULA]
    assert kg["lat"].tolist() == [42.8262] and kg["geo_ok"].tolist() == [True]
    assert kg["h3_r7"].tolist() == [608819843710418000]
    assert KZ_FABULA not in seen.to_csv()


def test_kz_commander_symmetrically_loses_kg_fabula(incidents):
    seen = sharing.redact_incidents(incidents, frame_of(incidents), KZ_COMMANDER)
    assert seen.loc[seen["side"] == "KG", "summary"].isna().all()
    assert seen.loc[seen["side"] == "KZ", "summary"].tolist() == ["Хищение КРС", KZ_FABULA]


def test_redaction_keeps_shape_and_types(incidents):
    frame = frame_of(incidents)
    seen = sharing.redact_incidents(incidents, frame, KG_ANALYST)
    assert list(seen.columns) == list(frame.columns) and len(seen) == len(frame)
    assert str(seen["h3_r7"].dtype) == "UInt64"  # still integers: an H3 id must not turn into a float
    assert seen["lat"].dtype == frame["lat"].dtype
    assert frame["summary"].notna().all()  # the input is not modified


def test_both_sides_viewer_sees_everything(incidents):
    frame = frame_of(incidents)
    for viewer in (SYSTEM, Viewer("boss", "commander", "BOTH")):
        pd.testing.assert_frame_equal(sharing.redact_incidents(incidents, frame, viewer), frame)


def test_empty_frame_and_missing_side(incidents):
    empty = frame_of(incidents).iloc[0:0]
    assert sharing.redact_incidents(incidents, empty, KG_COMMANDER).columns.tolist() == empty.columns.tolist()
    with pytest.raises(ValueError, match="side"):
        sharing.redact_incidents(incidents, pd.DataFrame({"summary": ["x"]}), KG_COMMANDER)


def test_row_of_unknown_side_is_fully_hidden(con):
    frame = pd.DataFrame({"side": [None, "KG"], "source_id": ["1", "2"], "summary": ["secret", "own"],
                          "occurred_at": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    seen = sharing.redact_incidents(con, frame, KG_COMMANDER)
    assert seen["summary"].isna().tolist() == [True, False]
    assert seen["source_id"].isna().tolist() == [True, False]
    assert seen["occurred_at"].isna().tolist() == [True, False]


def test_admin_of_the_owner_side_opens_the_fabula(incidents):
    changed = sharing.set_policy(incidents, Viewer("kz_admin", "admin", "KZ"), "KZ", {"summary": True})
    assert changed == {"summary": True}
    seen = sharing.redact_incidents(incidents, frame_of(incidents), KG_COMMANDER)
    assert seen.loc[seen["side"] == "KZ", "summary"].tolist() == ["Хищение КРС", KZ_FABULA]
    assert seen.loc[seen["side"] == "KZ", "lat"].isna().all()  # coordinates still hidden
    entry = incidents.execute("SELECT username, action, details FROM audit_log").fetchall()
    assert [(u, a, json.loads(d)) for u, a, d in entry] == [
        ("kz_admin", "sharing_change", {"owner_side": "KZ", "changes": {"summary": True}})]
    assert sharing.set_policy(incidents, Viewer("kz_admin", "admin", "KZ"), "KZ", {"summary": True}) == {}


@pytest.mark.parametrize("actor", [Viewer("kg_admin", "admin", "KG"), Viewer("kz_analyst", "analyst", "KZ"),
                                   Viewer("boss", "commander", "BOTH")])
def test_only_the_owner_sides_admin_may_change_its_policy(incidents, actor):
    with pytest.raises(PermissionDenied):
        sharing.set_policy(incidents, actor, "KZ", {"summary": True})
    assert "summary" in sharing.hidden_fields(incidents, "KZ")


def test_unknown_policy_field_is_refused(incidents):
    with pytest.raises(ValueError, match="password"):
        sharing.set_policy(incidents, SYSTEM, "KZ", {"password": True})


@pytest.mark.parametrize("policy", [{}, {"summary": True}, {"coordinates": True, "damage": False},
                                    {"source_id": False, "occurred_at": False, "extra": True}])
@pytest.mark.parametrize("viewer", [KG_COMMANDER, KZ_COMMANDER])
def test_sql_views_equal_frame_redaction(incidents, policy, viewer):
    sharing.set_policy(incidents, SYSTEM, "KZ", policy)
    sharing.set_policy(incidents, SYSTEM, "KG", policy)
    expected = sharing.redact_incidents(incidents, frame_of(incidents), viewer)
    view = sharing.incidents_view(viewer)
    got = incidents.execute("SELECT * FROM " + view + " ORDER BY side DESC, registered_on").df()
    expected = expected.sort_values(["side", "registered_on"], ascending=[False, True]).reset_index(drop=True)
    assert got.columns.tolist() == expected.columns.tolist()
    for column in got.columns:
        assert got[column].isna().tolist() == expected[column].isna().tolist(), column
        assert got[column].dropna().astype(str).tolist() == expected[column].dropna().astype(str).tolist(), column


def test_view_names():
    assert sharing.incidents_view(SYSTEM) == '"incidents"'
    assert sharing.incidents_view(KG_COMMANDER) == '"incidents_seen_by_kg"'
    assert sharing.incidents_view(KZ_COMMANDER) == '"incidents_seen_by_kz"'


def test_location_and_raw_line_rules(incidents):
    assert not sharing.exact_location_visible(incidents, KG_COMMANDER, "KZ")
    assert sharing.exact_location_visible(incidents, KG_COMMANDER, "KG")
    sharing.set_policy(incidents, SYSTEM, "KZ", {"coordinates": True})
    assert sharing.exact_location_visible(incidents, KG_COMMANDER, "KZ")
    assert not sharing.may_see_raw(KG_COMMANDER, "KZ")
    assert sharing.may_see_raw(KG_COMMANDER, "KG") and sharing.may_see_raw(KG_COMMANDER, None)
    assert sharing.may_see_raw(SYSTEM, "KZ")


def test_policy_frame(con):
    frame = sharing.policy_frame(con, "en")
    assert len(frame) == 14
    row = frame[(frame["owner_side"] == "KZ") & (frame["field"] == "summary")].iloc[0]
    assert (row["label"], bool(row["visible"])) == ("Fabula (summary)", False)


# --- the export CLI applies the same policy ---

@pytest.fixture
def database(incidents, tmp_path: Path, monkeypatch) -> Path:
    from analytics import auth

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)
    auth.create_demo_accounts(incidents)
    incidents.close()
    return tmp_path / "test.duckdb"  # the conftest `con` file


def export(database: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "export", "incidents", "--db", str(database),
                           "--out", str(out), *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_kg_commander_cannot_get_kz_fabula_through_the_cli(database: Path, tmp_path: Path):
    as_kg = export(database, tmp_path / "kg.csv", "--user", "kg_commander")
    assert as_kg.returncode == 0, as_kg.stderr
    text = (tmp_path / "kg.csv").read_text(encoding="utf-8-sig")
    assert KZ_FABULA not in text and "Хищение КРС" not in text and "43.0436" not in text
    assert KG_FABULA in text
    assert "241131031000471" in text  # the incident itself is shared, only its fabula and place are not
    admin = export(database, tmp_path / "all.csv")
    assert admin.returncode == 0, admin.stderr
    assert KZ_FABULA in (tmp_path / "all.csv").read_text(encoding="utf-8-sig")


def test_export_cli_refuses_unknown_or_disabled_user(database: Path, tmp_path: Path):
    unknown = export(database, tmp_path / "x.csv", "--user", "nobody")
    assert unknown.returncode == 2 and "nobody" in unknown.stderr and not (tmp_path / "x.csv").exists()
    subprocess.run([sys.executable, "-m", "analytics", "users", "disable", "kg_commander", "--db", str(database)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    disabled = export(database, tmp_path / "y.csv", "--user", "kg_commander")
    assert disabled.returncode == 2 and "отключена" in disabled.stderr and not (tmp_path / "y.csv").exists()


# --- no page shows a KG commander the KZ fabula or exact KZ coordinates ---

KZ_SAMPLE_FABULAS = ["Тайное хищение 3 голов КРС с пастбища", "Сбыт синтетических наркотиков через Telegram-бот",
                     "Распространение материалов террористического содержания", "следы ведут к границе",
                     "Контрабанда табачных изделий через пункт пропуска"]
KZ_SAMPLE_POINTS = ["43.0512", "75.1873", "43.5983", "73.7614", "42.9206", "72.7295"]


def decode_typed_arrays(value):
    """Plotly 6+ ships numeric arrays as base64 typed arrays ({"dtype": "f8", "bdata": ...}): decode them."""
    import base64

    import numpy as np

    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
        return {key: decode_typed_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_typed_arrays(item) for item in value]
    return value


def rendered_text(at) -> str:
    """Everything an AppTest run put on screen: texts, tables, chart data (decoded, readable Unicode)."""
    from google.protobuf import json_format

    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(json_format.MessageToJson(proto, ensure_ascii=False))
            spec = getattr(proto, "spec", None)
            if isinstance(spec, str) and spec.startswith("{"):
                parts.append(json.dumps(decode_typed_arrays(json.loads(spec)), ensure_ascii=False))
        if type(node).__name__ in ("Dataframe", "Table"):
            parts.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    from analytics import db
    from analytics.ingest import load_file

    path = tmp_path_factory.mktemp("pages") / "pages.duckdb"
    con = db.connect(path)
    for name in ("kz_erdr_2024-01.csv", "kg_erp_chuy-talas_2024-01.csv", "bulletins_2024-01.csv",
                 "finds_2024-01.csv", "operations_2024.csv"):
        load_file(con, ROOT / "tests" / "data" / "samples" / name)
    con.close()
    return path


def test_the_page_scan_is_not_blind(tmp_path: Path):
    """The scan finds text in markdown, tables and chart data (so an empty result below means something)."""
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "leaky.py"
    script.write_text(
        "import pandas as pd, plotly.express as px, streamlit as st\n"
        f"st.dataframe(pd.DataFrame({{'summary': [{KZ_SAMPLE_FABULAS[0]!r}]}}))\n"
        f"st.caption({KZ_SAMPLE_FABULAS[1]!r})\n"
        f"st.plotly_chart(px.scatter(x=[{KZ_SAMPLE_POINTS[1]}], y=[{KZ_SAMPLE_POINTS[0]}],"
        f" hover_name=[{KZ_SAMPLE_FABULAS[2]!r}]))\n", encoding="utf-8")
    text = rendered_text(AppTest.from_file(str(script), default_timeout=60).run())
    assert [s for s in KZ_SAMPLE_FABULAS[:3] + KZ_SAMPLE_POINTS[:2] if s not in text] == []


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_no_page_shows_kz_fabula_to_a_kg_commander(page: str, sample_db: Path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SHEKARA_DB", str(sample_db))
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=300)
    at.session_state["viewer"] = KG_COMMANDER
    at.run()
    text = rendered_text(at)
    leaked = [s for s in KZ_SAMPLE_FABULAS + KZ_SAMPLE_POINTS if s in text]
    assert leaked == [], f"{page} shows a KG commander KZ data hidden by the sharing policy: {leaked}"
