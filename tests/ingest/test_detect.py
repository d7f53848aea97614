"""Detection: encoding, delimiter, header row, header synonyms, kind and side — and the refusals."""

from __future__ import annotations

import pytest

from analytics.ingest import (
    AmbiguousSide,
    EmptyFile,
    MissingColumns,
    UnknownFileKind,
    UnreadableFile,
    preview_file,
)
from analytics.ingest.kinds import map_headers, normalise_header
from tests.ingest.conftest import KZ_HEADER, MESSY, SAMPLES, kz_file, kz_row


@pytest.mark.parametrize(("name", "kind", "side", "encoding", "delimiter"), [
    ("kz_erdr_2024-01.csv", "kz_incidents", "KZ", "cp1251", ";"),
    ("kg_erp_chuy-talas_2024-01.csv", "kg_incidents", "KG", "utf-8-sig", ","),
    ("bulletins_2024-01.csv", "bulletins", None, "utf-8", ";"),
    ("finds_2024-01.csv", "finds", None, "utf-8", ";"),
    ("operations_2024.csv", "operations", None, "utf-8", ";"),
])
def test_samples_are_recognised(name, kind, side, encoding, delimiter):
    preview = preview_file(SAMPLES / name)
    assert (preview.kind, preview.side, preview.encoding, preview.delimiter, preview.header_row) == \
        (kind, side, encoding, delimiter, 1)


@pytest.mark.parametrize(("name", "kind", "encoding", "delimiter", "header_row"), [
    ("kz_kazakh_headers_utf8bom.csv", "kz_incidents", "utf-8-sig", ";", 1),
    ("kg_english_cp1251.csv", "kg_incidents", "cp1251", ";", 1),
    ("kz_utf16le_tab.csv", "kz_incidents", "utf-16", "\t", 1),
    ("kg_utf16be.csv", "kg_incidents", "utf-16", ",", 1),
    ("kz_titled_pipe_cp1251.csv", "kz_incidents", "cp1251", "|", 4),
    ("incidents_canonical.csv", "incidents", "utf-8", ",", 1),
    ("bulletins_lookalike.csv", "bulletins", "utf-8", ";", 1),
    ("finds_lookalike.csv", "finds", "utf-8", ";", 1),
])
def test_messy_variants_are_recognised(name, kind, encoding, delimiter, header_row):
    preview = preview_file(MESSY / name)
    assert (preview.kind, preview.encoding, preview.delimiter, preview.header_row) == \
        (kind, encoding, delimiter, header_row)


def test_utf16_without_bom(write):
    path = write("kz.csv", kz_file([kz_row()]), "utf-16-le")
    assert preview_file(path).encoding == "utf-16-le"
    path = write("kz_be.csv", kz_file([kz_row()]), "utf-16-be")
    assert preview_file(path).encoding == "utf-16-be"


def test_header_spellings_map_to_the_same_fields():
    assert normalise_header(" Рег. № ЕРП ") == normalise_header("рег no ЕРП") == normalise_header("РЕГ. N ЕРП")
    assert normalise_header("Населённый  пункт") == normalise_header("населенный пункт")
    kazakh = map_headers(["СДТБТ нөмірі", "Тіркелген күні", "Аудан", "Залал, теңге", "Кәмелетке толмағандар"],
                         "kz_incidents")
    assert list(kazakh.values()) == ["source_id", "registered_on", "district_raw", "damage", "minor_involved"]
    kyrgyz = map_headers(["ЕРП каттоо номери", "Катталган күнү", "Району", "Зыян (сом)", "Чет элдиктер"],
                         "kg_incidents")
    assert list(kyrgyz.values()) == ["source_id", "registered_on", "district_raw", "damage", "foreign_national"]
    english = map_headers(["ERP No", "Registration date", "Coordinates", "Minors"], "kg_incidents")
    assert list(english.values()) == ["source_id", "registered_on", "coords", "minor_involved"]


def test_preview_lists_unknown_columns_as_none():
    preview = preview_file(MESSY / "kz_kazakh_headers_utf8bom.csv")
    assert preview.column_map["Тергеуші"] is None
    assert preview.column_map["СДТБТ нөмірі"] == "source_id"
    assert len(preview.sample) == 13 and list(preview.sample.columns)[0] == "Тіркелген күні"


def test_missing_key_columns_say_which(write):
    header = KZ_HEADER.replace("Дата регистрации;", "")
    path = write("kz.csv", kz_file([";".join(kz_row().split(";")[:1] + kz_row().split(";")[2:])], header))
    with pytest.raises(MissingColumns) as err:
        preview_file(path)
    assert "«Дата регистрации»" in err.value.message and "ЕРДР" in err.value.message
    assert "Registration" not in err.value.message and "missing" in err.value.message_en


def test_forced_kind_reports_the_expected_columns():
    with pytest.raises(MissingColumns) as err:
        preview_file(SAMPLES / "operations_2024.csv", kind="kz_incidents")
    assert err.value.message.startswith("файл не похож на выгрузку ЕРДР (Казахстан): нет столбцов «Номер ЕРДР», "
                                        "«Дата регистрации»")


def test_repeated_key_column_is_refused(write):
    path = write("kz.csv", kz_file([kz_row() + ";241131031000009"], KZ_HEADER + ";Номер ЕРДР"))
    with pytest.raises(MissingColumns, match="дважды"):
        preview_file(path)


def test_missing_columns_can_be_named_by_the_analyst(write):
    header = KZ_HEADER.replace("Номер ЕРДР", "Рег")
    path = write("kz.csv", kz_file([kz_row()], header))
    with pytest.raises(MissingColumns) as err:
        preview_file(path)
    assert err.value.kind == "kz_incidents" and err.value.headers[0] == "Рег"
    assert err.value.column_map["Рег"] is None
    fixed = preview_file(path, column_map={"Рег": "source_id"})
    assert fixed.kind == "kz_incidents" and fixed.column_map["Рег"] == "source_id"


def test_column_map_overrides_detected_fields(write):
    path = write("kz.csv", kz_file([kz_row()]))
    preview = preview_file(path, column_map={"Фабула": None, "Населенный пункт": "summary"})
    assert preview.column_map["Фабула"] is None and preview.column_map["Населенный пункт"] == "summary"


def test_canonical_incidents_need_a_side(write):
    path = write("inc.csv", "source_id,registered_on,article_raw\n1,2024-01-01,188\n")
    with pytest.raises(AmbiguousSide):
        preview_file(path)
    assert preview_file(path, side="KG").side == "KG"


def test_side_contradicting_the_file_is_refused():
    with pytest.raises(AmbiguousSide):
        preview_file(SAMPLES / "kz_erdr_2024-01.csv", side="KG")


@pytest.mark.parametrize(("content", "error"), [
    (b"", EmptyFile),
    (b"\xef\xbb\xbf\r\n", EmptyFile),
    (KZ_HEADER.encode("cp1251") + b"\r\n", EmptyFile),
    (b"PK\x03\x04\x14\x00\x00\x00xl/workbook.xml", UnreadableFile),
    (b"\x89PNG\r\n\x1a\n\x00\x00", UnreadableFile),
    (b"\x00\x01\x02\x03garbage\x00\x00", UnreadableFile),
    ("какой-то текст\r\nбез заголовков\r\n".encode(), UnknownFileKind),
])
def test_unusable_files_raise_named_errors(write, content, error):
    path = write("x.csv", "")
    path.write_bytes(content)
    with pytest.raises(error) as err:
        preview_file(path)
    assert err.value.message and err.value.message_en and err.value.message != err.value.message_en
