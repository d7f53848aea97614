"""Re-upload, duplicates, upsert with history, versions inside a file, undo."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.ingest import UnknownUpload, load_file, undo_upload, upload_history
from tests.ingest.conftest import SAMPLES, column, kz_file, kz_row, one

TODAY = date(2025, 6, 30)


def counts(result):
    return (result.rows_read, result.accepted, result.rejected, result.duplicates, result.updated)


def test_same_file_twice_adds_nothing(con):
    first = load_file(con, SAMPLES / "kz_erdr_2024-01.csv")
    tables = ("incidents", "uploads", "coverage", "warnings", "rejects", "incidents_history")
    before = {t: one(con, f"SELECT count(*) FROM {t}") for t in tables}
    second = load_file(con, SAMPLES / "kz_erdr_2024-01.csv", file_name="renamed.csv")
    assert second.already_loaded and second.upload_id == first.upload_id
    assert counts(second) == (0, 0, 0, 0, 0)
    assert {t: one(con, f"SELECT count(*) FROM {t}") for t in tables} == before


def test_exact_repeat_rows_are_duplicates(con, write):
    result = load_file(con, write("kz.csv", kz_file([kz_row("1"), kz_row("2"), kz_row("1"), kz_row("1")])),
                       today=TODAY)
    assert counts(result) == (4, 2, 0, 2, 0)
    assert one(con, "SELECT count(*) FROM incidents") == 2
    assert one(con, "SELECT count(*) FROM incidents_history") == 0


def test_later_export_updates_and_keeps_history(con, write):
    first = load_file(con, write("jan.csv", kz_file([kz_row("1", status="в производстве"), kz_row("2")])),
                      today=TODAY)
    second = load_file(con, write("jan_v2.csv", kz_file([
        kz_row("1", status="направлено в суд"),   # changed → updated, old version to history
        kz_row("2"),                               # unchanged → duplicate
        kz_row("3"),                               # new → accepted
    ])), today=TODAY)
    assert counts(second) == (3, 1, 0, 1, 1)
    assert con.execute("SELECT source_id, status, upload_id FROM incidents ORDER BY 1").fetchall() == [
        ("1", "to_court", second.upload_id), ("2", "in_progress", first.upload_id), ("3", "in_progress",
                                                                                      second.upload_id)]
    assert con.execute("SELECT source_id, status, upload_id, replaced_by FROM incidents_history").fetchall() == [
        ("1", "in_progress", first.upload_id, second.upload_id)]


def test_versions_inside_one_file(con, write):
    load_file(con, write("a.csv", kz_file([kz_row("1", status="в производстве")])), today=TODAY)
    result = load_file(con, write("b.csv", kz_file([
        kz_row("1", status="приостановлено"),
        kz_row("1", status="приостановлено"),       # exact repeat
        kz_row("1", status="направлено в суд"),     # the last version wins
    ])), today=TODAY)
    assert counts(result) == (3, 0, 0, 1, 2)
    assert one(con, "SELECT status FROM incidents") == "to_court"
    assert column(con, "SELECT status FROM incidents_history ORDER BY upload_id") == ["in_progress", "suspended"]


def test_undo_restores_previous_versions(con, write):
    first = load_file(con, write("a.csv", kz_file([kz_row("1", status="в производстве"), kz_row("2")])), today=TODAY)
    second = load_file(con, write("b.csv", kz_file([kz_row("1", status="прекращено"), kz_row("9")])), today=TODAY)
    undo_upload(con, second.upload_id, "analyst")
    assert con.execute("SELECT source_id, status, upload_id FROM incidents ORDER BY 1").fetchall() == [
        ("1", "in_progress", first.upload_id), ("2", "in_progress", first.upload_id)]
    assert one(con, "SELECT count(*) FROM incidents_history") == 0
    history = upload_history(con)
    assert history.set_index("upload_id").loc[second.upload_id, "status"] == "undone"
    assert one(con, "SELECT count(*) FROM coverage WHERE upload_id = ?", [second.upload_id]) == 0
    assert one(con, "SELECT details->>'upload_id' FROM audit_log WHERE action = 'undo'") == str(second.upload_id)
    with pytest.raises(UnknownUpload):
        undo_upload(con, second.upload_id, "analyst")
    # an undone file can be loaded again
    assert not load_file(con, write("b.csv", kz_file([kz_row("1", status="прекращено"), kz_row("9")])),
                         today=TODAY).already_loaded


def test_undo_of_a_middle_upload_keeps_the_later_one(con, write):
    a = load_file(con, write("a.csv", kz_file([kz_row("1", status="в производстве")])), today=TODAY)
    b = load_file(con, write("b.csv", kz_file([kz_row("1", status="приостановлено")])), today=TODAY)
    c = load_file(con, write("c.csv", kz_file([kz_row("1", status="направлено в суд")])), today=TODAY)
    undo_upload(con, b.upload_id, "analyst")
    assert con.execute("SELECT status, upload_id FROM incidents").fetchall() == [("to_court", c.upload_id)]
    # the chain is now a → c: undoing c brings a back
    assert con.execute("SELECT status, upload_id, replaced_by FROM incidents_history").fetchall() == [
        ("in_progress", a.upload_id, c.upload_id)]
    undo_upload(con, c.upload_id, "analyst")
    assert con.execute("SELECT status, upload_id FROM incidents").fetchall() == [("in_progress", a.upload_id)]


def test_bulletin_update_keeps_full_history_and_undo(con, write):
    header = "Номер ориентировки;Дата направления;Инициатор;Вид объекта;Госномер;Статус;Дата снятия"
    first = load_file(con, write("b1.csv", header + "\nЖО-1;05.01.2024;KZ;автомобиль;123ABC08;в розыске;\n"),
                      today=TODAY)
    second = load_file(con, write("b2.csv", header + "\nЖО-1;05.01.2024;KZ;автомобиль;123ABC08;возвращен;"
                                                     "20.01.2024\n"), today=TODAY)
    assert counts(second) == (1, 0, 0, 0, 1)
    assert con.execute("SELECT status, closed_on FROM bulletins").fetchall() == [("returned", date(2024, 1, 20))]
    assert con.execute("SELECT status, plate_norm, upload_id FROM bulletins_history").fetchall() == [
        ("wanted", "123ABC08", first.upload_id)]
    undo_upload(con, second.upload_id, "analyst")
    assert con.execute("SELECT status, closed_on, upload_id FROM bulletins").fetchall() == [
        ("wanted", None, first.upload_id)]


def test_operations_update_and_undo(con, write):
    header = "Код;Название;Направление;Начало;Окончание;Задержано лиц"
    first = load_file(con, write("o1.csv", header + "\nСО-1;Мал;скотокрадство;15.01.2024;;2\n"), today=TODAY)
    second = load_file(con, write("o2.csv", header + "\nСО-1;Мал;скотокрадство;15.01.2024;28.01.2024;6\n"),
                       today=TODAY)
    assert counts(second) == (1, 0, 0, 0, 1)
    assert one(con, "SELECT detained FROM operations") == 6
    undo_upload(con, second.upload_id, "analyst")
    assert con.execute("SELECT detained, upload_id FROM operations").fetchall() == [(2, first.upload_id)]


def test_finds_repeat_is_a_duplicate_and_undo_removes(con, write):
    header = "Дата;Сторона;Подразделение;Вид объекта;IMEI"
    first = load_file(con, write("f1.csv", header + "\n21.01.2024;KZ;РОП;телефон;356938035643809\n"), today=TODAY)
    second = load_file(con, write("f2.csv", header + "\n21.01.2024;KZ;РОП;телефон;356938035643809\n"
                                                     "22.01.2024;KZ;РОП;телефон;356938035643809\n"), today=TODAY)
    assert counts(second) == (2, 1, 0, 1, 0)
    undo_upload(con, second.upload_id, "analyst")
    assert column(con, "SELECT upload_id FROM finds") == [first.upload_id]


def test_undo_checks_the_signed_in_users_role_and_side(con, write):
    from analytics.access import Viewer
    from analytics.ingest import UndoNotAllowed

    kz = load_file(con, write("a.csv", kz_file([kz_row("1")])), today=TODAY)
    for viewer in (Viewer("kg_analyst", "analyst", "KG"), Viewer("kz_commander", "commander", "KZ")):
        with pytest.raises(UndoNotAllowed, match=f"№{kz.upload_id}"):
            undo_upload(con, kz.upload_id, viewer.username, viewer)
    assert one(con, "SELECT count(*) FROM incidents") == 1
    undo_upload(con, kz.upload_id, "kz_analyst", Viewer("kz_analyst", "analyst", "KZ"))
    assert one(con, "SELECT count(*) FROM incidents") == 0


def test_undo_leaves_the_pre_aggregates_fresh(con, write):
    from analytics import border, compstat

    first = load_file(con, write("a.csv", kz_file([kz_row("1"), kz_row("2")])), today=TODAY)
    second = load_file(con, write("b.csv", kz_file([kz_row("3")])), today=TODAY)
    undo_upload(con, second.upload_id, "analyst")
    assert compstat.aggregates_fresh(con) and border.monthly_fresh(con)
    assert one(con, "SELECT sum(n) FROM incidents_monthly") == 2
    undo_upload(con, first.upload_id, "analyst")
    assert compstat.aggregates_fresh(con) and border.monthly_fresh(con)
