"""What each export kind contains: its fields, which are required, and the header synonym table.

Headers are matched by meaning, not by position: ``data/reference/headers.csv`` lists, per kind and field, the
spellings seen in Russian, Kazakh, Kyrgyz and English exports. Matching ignores case, spaces and punctuation,
treats ``ё`` as ``е`` and ``№`` / ``No`` / ``N`` as the same word.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analytics.config import load_settings

INCIDENT_KINDS = ("kz_incidents", "kg_incidents", "incidents")
KINDS = (*INCIDENT_KINDS, "bulletins", "finds", "operations")
KIND_SIDE = {"kz_incidents": "KZ", "kg_incidents": "KG"}

INCIDENT_FIELDS = (
    "side", "source_id", "registered_on", "occurred_at", "occurred_time", "article_raw", "title_raw", "object_raw",
    "category", "oblast", "district_raw", "settlement", "lat", "lon", "coords", "status_raw", "damage", "currency",
    "online", "minor_involved", "foreign_national", "summary",
)
FIELDS: dict[str, tuple[str, ...]] = {
    "kz_incidents": INCIDENT_FIELDS,
    "kg_incidents": INCIDENT_FIELDS,
    "incidents": INCIDENT_FIELDS,
    "bulletins": (
        "bulletin_no", "sent_on", "initiator_side", "unit", "case_ref", "object_raw", "make_model", "color",
        "plate_raw", "vin_raw", "imei_raw", "serial_raw", "livestock_kind", "heads", "tag_raw", "status_raw",
        "closed_on", "close_reason",
    ),
    "finds": (
        "found_at", "found_time", "side", "unit", "place", "lat", "lon", "coords", "object_raw", "plate_raw",
        "vin_raw", "imei_raw", "serial_raw", "tag_raw", "bulletin_ref", "result", "note",
    ),
    "operations": (
        "code", "name", "direction_raw", "started_on", "ended_on", "participants", "districts_raw", "detained",
        "cases_opened", "drugs_seized_g", "weapons_seized", "ammunition_seized", "livestock_returned",
        "vehicles_returned", "phones_returned", "online_resources_blocked", "prevention_events", "minors_reached",
        "note",
    ),
}
# Without these a row cannot be identified or dated: the file is useless when a column is missing.
REQUIRED: dict[str, tuple[str, ...]] = {
    "kz_incidents": ("source_id", "registered_on"),
    "kg_incidents": ("source_id", "registered_on"),
    "incidents": ("source_id", "registered_on"),
    "bulletins": ("bulletin_no", "sent_on"),
    "finds": ("found_at",),
    "operations": ("code", "started_on"),
}
KIND_TITLE = {
    "ru": {
        "kz_incidents": "выгрузку ЕРДР (Казахстан)",
        "kg_incidents": "выгрузку ЕРП (Кыргызстан)",
        "incidents": "таблицу происшествий",
        "bulletins": "реестр ориентировок",
        "finds": "реестр находок и проверок",
        "operations": "отчёт о совместных операциях",
    },
    "en": {
        "kz_incidents": "an ERDR export (Kazakhstan)",
        "kg_incidents": "an ERP export (Kyrgyzstan)",
        "incidents": "an incidents table",
        "bulletins": "a bulletins register",
        "finds": "a finds and checks register",
        "operations": "a joint operations report",
    },
}


def normalise_header(text: str) -> str:
    """Header text reduced to what identifies it.

    Parameters
    ----------
    text : a column header as exported, e.g. ``" Рег. № ЕРП "``.

    Returns
    -------
    str
        Lower case, ``ё`` → ``е``, ``№``/``No``/``N`` → ``n``, letters and digits only: ``"регnерп"``.
    """
    lowered = text.replace("\ufeff", "").lower().replace("ё", "е").replace("№", " n ")
    tokens = re.findall(r"[^\W_]+", lowered)
    return "".join("n" if token in {"no", "n", "nr", "num"} else token for token in tokens)


@dataclass(frozen=True)
class Synonyms:
    """``by_kind[kind][normalised header] = field`` and the display name of each field (first spelling)."""

    by_kind: dict[str, dict[str, str]]
    display: dict[str, dict[str, str]]


@lru_cache(maxsize=4)
def _read_synonyms(path: str, mtime: float) -> Synonyms:
    by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    display: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind, field, synonym = row["kind"].strip(), row["field"].strip(), row["synonym"].strip()
            if kind not in by_kind or field not in FIELDS[kind] or not synonym:
                continue
            by_kind[kind].setdefault(normalise_header(synonym), field)
            display[kind].setdefault(field, synonym)
    for kind in KINDS:
        for field in FIELDS[kind]:
            # The schema's own column names are always understood (the canonical layout and re-exports).
            by_kind[kind].setdefault(normalise_header(field), field)
            display[kind].setdefault(field, field)
    return Synonyms(by_kind, display)


def synonyms(reference_dir: Path | None = None) -> Synonyms:
    """The header synonym table (``headers.csv``), re-read when the file changes."""
    path = (reference_dir or load_settings().reference_dir) / "headers.csv"
    return _read_synonyms(str(path), path.stat().st_mtime)


def map_headers(headers: list[str], kind: str, table: Synonyms | None = None) -> dict[str, str | None]:
    """``{header: field or None}`` for one kind; a field is taken by its first matching column only."""
    table = table or synonyms()
    lookup = table.by_kind[kind]
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        field = lookup.get(normalise_header(header))
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        mapping[header] = field
    return mapping


def field_title(kind: str, field: str, table: Synonyms | None = None) -> str:
    """How the field is usually headed in this kind of export (for messages: «Номер ЕРДР»)."""
    table = table or synonyms()
    return table.display[kind].get(field, field)
