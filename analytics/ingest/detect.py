"""Detection: encoding, delimiter, header row, column → field mapping, file kind and side.

Only the head of the file (first 256 KB) is read here; the body is parsed by DuckDB.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.ingest.errors import AmbiguousSide, EmptyFile, MissingColumns, UnknownFileKind, unreadable
from analytics.ingest.kinds import (
    FIELDS,
    INCIDENT_KINDS,
    KIND_SIDE,
    KIND_TITLE,
    KINDS,
    REQUIRED,
    Synonyms,
    field_title,
    map_headers,
    normalise_header,
    synonyms,
)

HEAD_BYTES = 256 * 1024
HEADER_SCAN_ROWS = 30
DELIMITERS = (";", ",", "\t", "|")
SAMPLE_ROWS = 20
# Single-byte Cyrillic code pages the detector may choose between when the file is not UTF-8/16.
CYRILLIC_CODEPAGES = ["cp1251", "cp866", "koi8_r"]


@dataclass
class Detection:
    """Everything decided about a file before its body is read."""

    kind: str
    side: str | None                 # the file's side when it has one (KZ / KG), else None
    encoding: str                    # Python codec name: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1251 …
    delimiter: str
    header_row: int                  # 1-based line of the header
    header_end_line: int             # physical lines up to and including the header
    headers: list[str]
    column_map: dict[str, str | None]
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)


Preview = Detection


# ------------------------------------------------------------------------------------------------ encoding

def detect_encoding(head: bytes, name: str = "file") -> str:
    """Codec of a file from its first bytes.

    Parameters
    ----------
    head : the first bytes of the file (a few KB are enough; 256 KB are used).
    name : file name for the error message.

    Returns
    -------
    str
        ``utf-8-sig`` / ``utf-16`` (BOM present), ``utf-16-le`` / ``utf-16-be`` (no BOM), ``utf-8``, or a
        single-byte Cyrillic code page chosen by charset-normalizer (``cp1251`` for Excel on Russian Windows).

    Raises
    ------
    UnreadableFile
        Binary content (an Excel workbook, an image, a damaged file).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    _refuse_known_binary(head, name)
    sample = head[:8192]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        # UTF-16 without BOM: every ASCII/Cyrillic character has a 0x00 or 0x04 high byte.
        if sum(b in (0, 4) for b in odd) > 0.9 * len(odd) and odd.count(0):
            return "utf-16-le"
        if sum(b in (0, 4) for b in even) > 0.9 * len(even) and even.count(0):
            return "utf-16-be"
    if b"\x00" in sample:
        raise unreadable(name, "внутри двоичные данные", "it contains binary data")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:65536], cp_isolation=CYRILLIC_CODEPAGES).best()
    # Not UTF-8 and no clear verdict (e.g. one long run of the same letter): Excel on Russian Windows, cp1251.
    return str(best.encoding) if best is not None else "cp1251"


# (magic bytes, what it is in ru, in en): files renamed to .csv that are something else.
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0", "это книга Excel старого формата (xls), а не CSV", "it is an old Excel workbook (xls), not a CSV"),
    (b"\x1f\x8b", "это сжатый архив gzip, а не CSV; распакуйте его", "it is a gzip archive, not a CSV; unpack it"),
    (b"%PDF", "это документ PDF, а не CSV", "it is a PDF document, not a CSV"),
    (b"\x89PNG", "это изображение PNG, а не CSV", "it is a PNG image, not a CSV"),
    (b"\xff\xd8\xff", "это изображение JPEG, а не CSV", "it is a JPEG image, not a CSV"),
    (b"Rar!", "это архив RAR, а не CSV; распакуйте его", "it is a RAR archive, not a CSV; unpack it"),
    (b"7z\xbc\xaf", "это архив 7z, а не CSV; распакуйте его", "it is a 7z archive, not a CSV; unpack it"),
)


def _refuse_known_binary(head: bytes, name: str) -> None:
    """Name what a renamed non-CSV file is, so the message tells the analyst what to do."""
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in head[:65536]:  # the parts of an xlsx package live under xl/
            raise unreadable(name, "это книга Excel (xlsx), а не CSV", "it is an Excel workbook (xlsx), not a CSV")
        raise unreadable(name, "это архив zip, а не CSV; распакуйте его", "it is a zip archive, not a CSV; unpack it")
    for magic, why_ru, why_en in _SIGNATURES:
        if head.startswith(magic):
            raise unreadable(name, why_ru, why_en)
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise unreadable(name, "это страница HTML/XML, а не CSV", "it is an HTML/XML page, not a CSV")


def encoding_label(encoding: str) -> str:
    """How the encoding is shown to users: ``UTF-8``, ``UTF-8 BOM``, ``UTF-16``, ``Windows-1251`` …"""
    return {
        "utf-8": "UTF-8", "utf-8-sig": "UTF-8 BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
        "utf-16-be": "UTF-16 BE", "cp1251": "Windows-1251", "cp866": "CP866", "koi8_r": "KOI8-R",
    }.get(encoding, encoding)


def decode_head(head: bytes, encoding: str, whole: bool) -> str:
    """Text of the head, cut at the last complete line unless the head is the whole file."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=whole)
    text = text.lstrip("\ufeff")
    if not whole and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


# ------------------------------------------------------------------------------------------------ header

def _records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int]]:
    """First records of the text with the physical line each ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    out: list[tuple[list[str], int]] = []
    try:
        for row in reader:
            out.append((row, reader.line_num))
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


@dataclass
class _Candidate:
    score: int
    kind: str
    delimiter: str
    record_index: int
    header_end_line: int
    header_row: int
    headers: list[str]
    mapping: dict[str, str | None]
    cells: list[str]


def _unique_headers(cells: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for index, cell in enumerate(cells):
        text = cell.replace("\ufeff", "").strip() or f"column_{index + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        headers.append(text)
    return headers


def _candidates(text: str, table: Synonyms, kinds: tuple[str, ...]) -> list[_Candidate]:
    found = []
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, HEADER_SCAN_ROWS)
        previous_end = 0
        for index, (cells, end_line) in enumerate(records):
            if len(cells) >= 2:
                headers = _unique_headers(cells)
                for kind in kinds:
                    mapping = map_headers(headers, kind, table)
                    score = sum(1 for value in mapping.values() if value)
                    # A forced kind keeps every table-like line: the best one is reported with what it lacks.
                    if score >= 2 or (score >= 1 and len(cells) == 2) or len(kinds) == 1:
                        found.append(_Candidate(score, kind, delimiter, index, end_line, previous_end + 1,
                                                headers, mapping, cells))
            previous_end = end_line
    return found


def _has_required(candidate: _Candidate) -> bool:
    fields = {value for value in candidate.mapping.values() if value}
    return all(name in fields for name in REQUIRED[candidate.kind])


def _missing_columns(candidate: _Candidate, table: Synonyms) -> MissingColumns:
    fields = {value for value in candidate.mapping.values() if value}
    missing = [field_title(candidate.kind, name, table) for name in REQUIRED[candidate.kind] if name not in fields]
    quoted = ", ".join(f"«{name}»" for name in missing)
    return MissingColumns.of(candidate.kind, candidate.headers, candidate.mapping,
        f"файл не похож на {KIND_TITLE['ru'][candidate.kind]}: нет столбцов {quoted}. Проверьте, что выгружены все "
        "столбцы, или укажите соответствие столбцов на странице «Загрузка данных».",
        f"the file does not look like {KIND_TITLE['en'][candidate.kind]}: columns {quoted} are missing. Export all "
        "columns, or map the columns on the Data upload page.",
    )


def choose_kind(candidates: list[_Candidate], side: str | None, name: str, table: Synonyms) -> _Candidate:
    """Best candidate: all required columns present, most columns recognised, the side when incidents tie."""
    complete = [c for c in candidates if _has_required(c)]
    if not complete:
        if candidates:
            best = max(candidates, key=lambda c: (c.score, -c.record_index))
            raise _missing_columns(best, table)
        raise UnknownFileKind(
            f"файл «{name}» не похож ни на одну известную выгрузку (ЕРДР, ЕРП, ориентировки, находки, операции): "
            "не найдена строка заголовков. Проверьте, что это CSV с заголовками столбцов, или выберите вид файла "
            "вручную.",
            f"file '{name}' does not look like any known export (ERDR, ERP, bulletins, finds, operations): no header "
            "line was found. Check that it is a CSV with column headers, or choose the file kind by hand.",
        )
    top_score = max(c.score for c in complete)
    top = [c for c in complete if c.score == top_score]
    top.sort(key=lambda c: (c.record_index, KINDS.index(c.kind)))
    kinds = {c.kind for c in top}
    if len(kinds) > 1 and kinds <= set(INCIDENT_KINDS):
        by_kind = {c.kind: c for c in top}
        if "incidents" in by_kind and "side" in by_kind["incidents"].mapping.values():
            return by_kind["incidents"]
        wanted = {"KZ": "kz_incidents", "KG": "kg_incidents"}.get(side or "")
        if wanted in by_kind:
            return by_kind[wanted]
        if side and "incidents" in by_kind:
            return by_kind["incidents"]
        raise _ambiguous(name)
    return top[0]


def _ambiguous(name: str) -> AmbiguousSide:
    return AmbiguousSide(
        f"по файлу «{name}» нельзя понять сторону (Казахстан или Кыргызстан): укажите сторону KZ или KG при загрузке "
        "(--side KZ|KG) или добавьте столбец «side».",
        f"cannot tell the side (Kazakhstan or Kyrgyzstan) of file '{name}': choose side KZ or KG when uploading "
        "(--side KZ|KG) or add a 'side' column.",
    )


def resolve_side(kind: str, side: str | None, mapping: dict[str, str | None], name: str) -> str | None:
    """The file's side: fixed by the kind, taken from ``side``, or per row (None)."""
    if side is not None and side not in ("KZ", "KG"):
        raise AmbiguousSide(f"сторона «{side}» неизвестна: укажите KZ или KG.",
                            f"unknown side '{side}': use KZ or KG.")
    fixed = KIND_SIDE.get(kind)
    if fixed:
        if side and side != fixed:
            raise AmbiguousSide(
                f"файл «{name}» — {KIND_TITLE['ru'][kind]}, а указана сторона {side}. Уберите --side или выберите "
                "другой файл.",
                f"file '{name}' is {KIND_TITLE['en'][kind]}, but side {side} was given. Drop --side or choose "
                "another file.",
            )
        return fixed
    if kind == "incidents" and side is None and "side" not in mapping.values():
        raise _ambiguous(name)
    return side


def read_head(path: Path, name: str) -> tuple[bytes, bool]:
    """First bytes of the file and whether that is the whole file."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES + 1)
    whole = len(head) <= HEAD_BYTES
    head = head[:HEAD_BYTES]
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise EmptyFile(f"файл «{name}» пуст: в нём нет ни заголовков, ни строк. Выгрузите данные заново.",
                        f"file '{name}' is empty: no headers, no rows. Export the data again.")
    return head, whole


def _refuse_repeated_required(candidate: _Candidate, table: Synonyms, name: str) -> None:
    """Two columns that both read as the row's number or date: which one is right cannot be guessed."""
    lookup = table.by_kind[candidate.kind]
    for field_name in REQUIRED[candidate.kind]:
        columns = [h.strip() for h in candidate.cells if lookup.get(normalise_header(h)) == field_name]
        if len(columns) > 1:
            title = field_title(candidate.kind, field_name, table)
            listed = ", ".join(f"«{c}»" for c in columns)
            raise MissingColumns(
                f"в файле «{name}» столбец «{title}» повторяется дважды ({listed}): непонятно, какой из них верный. "
                "Удалите лишний столбец или укажите соответствие столбцов на странице «Загрузка данных».",
                f"file '{name}' has the column '{title}' twice ({listed}): which one is right cannot be told. "
                "Delete the extra column, or map the columns on the Data upload page.",
            )


def apply_column_map(mapping: dict[str, str | None], override: dict[str, str | None] | None,
                     kind: str) -> dict[str, str | None]:
    """The detected mapping corrected by the analyst (unknown fields ignored, each field used once)."""
    if not override:
        return mapping
    merged = dict(mapping)
    for header, value in override.items():
        if header in merged:
            merged[header] = value if value in FIELDS[kind] else None
    taken: set[str] = set()
    for header, value in merged.items():
        if value is not None:
            if value in taken:
                merged[header] = None
            taken.add(value)
    return merged


def detect_file(path: Path | str, *, kind: str = "auto", side: str | None = None,
                column_map: dict[str, str | None] | None = None, name: str | None = None) -> Detection:
    """Detect everything needed to read the file.

    Parameters
    ----------
    path : the export file.
    kind : ``auto`` or one of the kinds (``kz_incidents`` …); forcing a kind still checks its required columns.
    side : ``KZ`` / ``KG`` when known (needed for an incidents table without a side column).
    column_map : ``{header: field or None}`` corrections from the analyst.
    name : file name for messages (defaults to the path's name).

    Returns
    -------
    Detection

    Raises
    ------
    UnreadableFile, EmptyFile, UnknownFileKind, MissingColumns, AmbiguousSide
    """
    path = Path(path)
    name = name or path.name
    head, whole = read_head(path, name)
    encoding = detect_encoding(head, name)
    text = decode_head(head, encoding, whole)
    if "\ufffd" in text[:4096] and encoding in ("utf-8", "utf-8-sig"):
        raise unreadable(name, "текст повреждён", "the text is damaged")
    table = synonyms()
    if kind != "auto" and kind not in KINDS:
        raise UnknownFileKind(f"вид файла «{kind}» неизвестен: выберите один из {', '.join(KINDS)}.",
                              f"unknown file kind '{kind}': use one of {', '.join(KINDS)}.")
    kinds = KINDS if kind == "auto" else (kind,)
    candidates = _candidates(text, table, kinds)
    if column_map:
        # The analyst's corrections apply before the choice: a file whose number column was not recognised
        # becomes complete once the analyst names it.
        for candidate in candidates:
            candidate.mapping = apply_column_map(candidate.mapping, column_map, candidate.kind)
    chosen = choose_kind(candidates, side, name, table)
    if not column_map:
        _refuse_repeated_required(chosen, table, name)
    mapping = chosen.mapping
    file_side = resolve_side(chosen.kind, side, mapping, name)
    records = _records(text, chosen.delimiter, chosen.record_index + 1 + SAMPLE_ROWS)
    body = [cells for cells, _ in records[chosen.record_index + 1:] if any(cell.strip() for cell in cells)]
    if not body:
        raise EmptyFile(f"в файле «{name}» только заголовки, нет строк данных. Выгрузите данные заново.",
                        f"file '{name}' holds headers only, no data rows. Export the data again.")
    width = len(chosen.headers)
    sample = pd.DataFrame([(cells + [""] * width)[:width] for cells in body], columns=chosen.headers, dtype="string")
    return Detection(kind=chosen.kind, side=file_side, encoding=encoding, delimiter=chosen.delimiter,
                     header_row=chosen.header_row, header_end_line=chosen.header_end_line, headers=chosen.headers,
                     column_map=mapping, sample=sample)


def preview_file(path: Path | str, *, kind: str = "auto", side: str | None = None,
                 column_map: dict[str, str | None] | None = None, file_name: str | None = None) -> Preview:
    """What the loader would do with a file, without loading it (for the upload page).

    Parameters
    ----------
    path : the export file.
    kind, side, column_map : as for :func:`analytics.ingest.load_file`.
    file_name : the name shown in messages.

    Returns
    -------
    Preview
        ``kind``, ``side``, ``encoding``, ``delimiter``, ``header_row`` (1-based line), ``column_map``
        (``{header: field or None}``; None = kept in ``extra``) and ``sample`` (first rows, as text).
    """
    return detect_file(path, kind=kind, side=side, column_map=column_map, name=file_name)
