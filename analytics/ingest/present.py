"""Words and small frames for the upload page (no Streamlit here: the page only lays them out)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analytics.access import Viewer
from analytics.i18n import format_int, pick
from analytics.ingest.detect import Preview, encoding_label
from analytics.ingest.errors import MissingColumns
from analytics.ingest.history import UPLOAD_ROLES, may_undo
from analytics.ingest.kinds import FIELDS, KIND_SIDE, KINDS
from analytics.ingest.loader import IngestResult, clean_file_name

TEXT: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Загрузка данных",
        "intro": "Перетащите сюда выгрузки ЕРДР, ЕРП, ориентировок, находок или совместных операций (CSV). "
                 "Вид файла, кодировка, разделитель и столбцы определяются сами; проверьте и при необходимости "
                 "исправьте соответствие столбцов, затем нажмите «Загрузить».",
        "files": "Файлы CSV", "kind": "Вид файла", "side": "Сторона", "auto": "определить", "unknown": "не указана",
        "encoding": "Кодировка", "delimiter": "Разделитель", "header_row": "Строка заголовков",
        "mapping": "Столбцы файла → поля", "header": "Столбец файла", "field": "Поле", "example": "Пример",
        "extra": "(сохранить как есть)", "load": "Загрузить", "loading": "Загрузка", "done": "готово",
        "accepted": "принято {n}", "rejected": "отклонено {n}", "duplicates": "повторов {n}",
        "updated": "обновлено {n}", "warnings_n": "предупреждений {n}", "download_rejects": "скачать отклонённые",
        "already": "Этот файл уже загружен (загрузка №{id}): ничего не добавлено.",
        "warnings": "Предупреждения по причинам", "reason": "Причина", "rows": "Строк", "line": "Строка",
        "value": "Значение", "history": "История загрузок", "undo": "Отменить загрузку", "undo_pick": "Загрузка",
        "undone": "Загрузка №{id} отменена: её строки удалены, прежние версии восстановлены.",
        "unknown_mappings": "Статьи и наименования без правила категории",
        "unknown_help": "Эти сочетания отнесены к «Прочие». Добавьте правило в data/reference/category_rules.csv.",
        "no_rights": "Загружать и отменять загрузки могут аналитики и администраторы.",
        "no_uploads": "Загрузок пока нет.", "none": "—",
        "tab": "табуляция", "status_loaded": "загружена", "status_undone": "отменена",
    },
    "en": {
        "title": "Data upload",
        "intro": "Drop ERDR, ERP, bulletin, finds or joint operation exports (CSV) here. The file kind, encoding, "
                 "delimiter and columns are detected; check and, if needed, correct the column mapping, then press "
                 "'Load'.",
        "files": "CSV files", "kind": "File kind", "side": "Side", "auto": "detect", "unknown": "not set",
        "encoding": "Encoding", "delimiter": "Delimiter", "header_row": "Header line",
        "mapping": "File columns → fields", "header": "File column", "field": "Field", "example": "Example",
        "extra": "(keep as is)", "load": "Load", "loading": "Loading", "done": "done",
        "accepted": "accepted {n}", "rejected": "rejected {n}", "duplicates": "repeats {n}", "updated": "updated {n}",
        "warnings_n": "warnings {n}", "download_rejects": "download rejected rows",
        "already": "This file was loaded already (upload #{id}): nothing was added.",
        "warnings": "Warnings by reason", "reason": "Reason", "rows": "Rows", "line": "Line", "value": "Value",
        "history": "Upload history", "undo": "Undo upload", "undo_pick": "Upload",
        "undone": "Upload #{id} undone: its rows were removed and the previous versions restored.",
        "unknown_mappings": "Articles and titles without a category rule",
        "unknown_help": "These combinations count as 'Other'. Add a rule to data/reference/category_rules.csv.",
        "no_rights": "Analysts and administrators can load and undo uploads.",
        "no_uploads": "No uploads yet.", "none": "—",
        "tab": "tab", "status_loaded": "loaded", "status_undone": "undone",
    },
}
KIND_LABEL = {
    "ru": {"kz_incidents": "ЕРДР (Казахстан)", "kg_incidents": "ЕРП (Кыргызстан)", "incidents": "Происшествия (общий формат)",
           "bulletins": "Ориентировки", "finds": "Находки и проверки", "operations": "Совместные операции"},
    "en": {"kz_incidents": "ERDR (Kazakhstan)", "kg_incidents": "ERP (Kyrgyzstan)", "incidents": "Incidents (canonical)",
           "bulletins": "Bulletins", "finds": "Finds and checks", "operations": "Joint operations"},
}
REASON_LABEL = {
    "ru": {"missing_number": "нет номера", "missing_date": "нет даты", "bad_date": "дата не распознана или невозможна",
           "future_date": "дата в будущем", "missing_side": "не указана сторона", "too_many_cells": "лишние ячейки",
           "unbalanced_quote": "незакрытая кавычка", "malformed_line": "строка не разбирается",
           "bad_time": "время не распознано", "bad_number": "число не распознано", "bad_flag": "да/нет не распознано",
           "bad_coordinates": "координаты не распознаны", "coordinates_zero": "координаты 0,0",
           "coordinates_swapped": "широта и долгота переставлены (исправлено)",
           "coordinates_outside": "точка вне территории стороны", "unknown_oblast": "область не найдена",
           "unknown_district": "район не найден в справочнике", "unknown_status": "статус не распознан",
           "unknown_category": "статья/наименование без правила категории",
           "occurred_after_registration": "совершено позже регистрации", "unknown_side": "сторона не распознана",
           "unknown_object_kind": "вид объекта не распознан", "invalid_imei": "IMEI не проходит проверку",
           "invalid_vin": "VIN некорректен", "ended_before_start": "окончание раньше начала",
           "unknown_direction": "направление не распознано"},
    "en": {"missing_number": "no number", "missing_date": "no date", "bad_date": "unreadable or impossible date",
           "future_date": "date in the future", "missing_side": "no side", "too_many_cells": "too many cells",
           "unbalanced_quote": "unbalanced quote", "malformed_line": "line cannot be parsed",
           "bad_time": "unreadable time", "bad_number": "unreadable number", "bad_flag": "unreadable yes/no",
           "bad_coordinates": "unreadable coordinates", "coordinates_zero": "coordinates 0,0",
           "coordinates_swapped": "latitude and longitude swapped (fixed)",
           "coordinates_outside": "point outside the side's territory", "unknown_oblast": "unknown oblast",
           "unknown_district": "district not in the reference", "unknown_status": "unknown status",
           "unknown_category": "article/title without a category rule",
           "occurred_after_registration": "committed after registration", "unknown_side": "unknown side",
           "unknown_object_kind": "unknown object kind", "invalid_imei": "IMEI fails its check digit",
           "invalid_vin": "invalid VIN", "ended_before_start": "ends before it starts",
           "unknown_direction": "unknown direction"},
}


def text(key: str, lang: str, **values: object) -> str:
    return pick(TEXT, key, lang).format(**values)


def kind_label(kind: str, lang: str) -> str:
    return pick(KIND_LABEL, kind, lang)


def reason_label(reason: str, lang: str) -> str:
    return pick(REASON_LABEL, reason, lang)


def kind_options() -> list[str]:
    return ["auto", *KINDS]


def undoable_uploads(history: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Loaded uploads this viewer may undo: its role loads files and the upload is of its side (or two-sided)."""
    sides = history["side"].astype(object)
    mine = [may_undo(viewer, None if side is None or side != side else str(side)) for side in sides]  # NaN: none
    return history[(history["status"] == "loaded").to_numpy() & mine]


def may_upload(viewer: Viewer, kind: str | None = None) -> bool:
    """Analysts and admins load files; an analyst of one side loads that side's incidents only."""
    if viewer.role not in UPLOAD_ROLES:
        return False
    side = KIND_SIDE.get(kind or "")
    return side is None or viewer.owns(side)


def delimiter_label(delimiter: str, lang: str) -> str:
    return text("tab", lang) if delimiter == "\t" else f"«{delimiter}»"


def describe(preview: Preview, lang: str) -> dict[str, str]:
    """The detected facts, in words: kind, side, encoding, delimiter, header line."""
    return {
        text("kind", lang): kind_label(preview.kind, lang),
        text("side", lang): preview.side or text("none", lang),
        text("encoding", lang): encoding_label(preview.encoding),
        text("delimiter", lang): delimiter_label(preview.delimiter, lang),
        text("header_row", lang): str(preview.header_row),
    }


def mapping_frame(source: Preview | MissingColumns, lang: str) -> pd.DataFrame:
    """Editable table: file column, detected field ('' = kept in ``extra``), an example value."""
    if isinstance(source, MissingColumns):
        mapping = source.column_map or {}
        examples: dict[str, str] = {}
    else:
        mapping = source.column_map
        first = source.sample.iloc[0] if len(source.sample) else None
        examples = {h: ("" if first is None or pd.isna(first[h]) else str(first[h])) for h in source.sample.columns}
    return pd.DataFrame({
        "header": list(mapping), "field": [value or "" for value in mapping.values()],
        "example": [examples.get(header, "") for header in mapping],
    }).astype("string")


def field_options(kind: str | None) -> list[str]:
    return ["", *FIELDS.get(kind or "", ())]


def column_map_from(frame: pd.DataFrame | None) -> dict[str, str | None] | None:
    """The analyst's mapping from the edited table (None when there is nothing to correct)."""
    if frame is None or frame.empty:
        return None
    return {str(h): (str(f) if isinstance(f, str) and f else None) for h, f in zip(frame["header"], frame["field"],
                                                                                      strict=True)}


def result_sentence(result: IngestResult, lang: str) -> str:
    """«принято 4 312, отклонено 12, …» — the outcome of one file in words."""
    if result.already_loaded:
        return text("already", lang, id=result.upload_id)
    parts = [text("accepted", lang, n=format_int(result.accepted, lang)),
             text("rejected", lang, n=format_int(result.rejected, lang))]
    for key in ("updated", "duplicates"):
        if getattr(result, key):
            parts.append(text(key, lang, n=format_int(getattr(result, key), lang)))
    if result.warnings:
        parts.append(text("warnings_n", lang, n=format_int(result.warnings, lang)))
    return f"{result.file}: " + ", ".join(parts)


def warnings_frame(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Warnings of an upload grouped by reason, labelled for the page."""
    return pd.DataFrame({
        text("reason", lang): [reason_label(r, lang) for r in summary["reason"]],
        text("field", lang): summary["field"].astype("string"),
        text("rows", lang): summary["rows"].astype("int64"),
        text("line", lang): summary["example_line"].astype("int64"),
        text("value", lang): summary["example_value"].astype("string"),
    })


def history_frame(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    frame = history.copy()
    frame["kind"] = [kind_label(k, lang) for k in frame["kind"]]
    frame["status"] = [text(f"status_{s}", lang) for s in frame["status"]]
    return frame


@contextmanager
def saved_upload(name: str, data: bytes) -> Iterator[Path]:
    """The uploaded bytes as a temporary file (the loader reads paths), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="shekara-upload-") as folder:
        path = Path(folder) / clean_file_name(name)
        path.write_bytes(data)
        yield path
