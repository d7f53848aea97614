"""Export files in the exact layouts of ``shared/formats/samples`` (header bytes, encoding, delimiter, line ends).

Rendering is column-wise: each column becomes an Arrow string array, formatted once per *distinct* value
(dates, times, sums, coordinates repeat a lot) and spread back with a ``take``; rows are joined by Arrow
and the file body is the joined array's data buffer, encoded once. No per-row Python. Quoting follows the
samples (``csv.QUOTE_MINIMAL``: only fields holding the delimiter, a quote or a line break are quoted). Variations a real export shows (date styles, decimal points, flag words,
thousands separators, a separate time column) are :class:`RenderOptions`; row-level damage (duplicates,
bad rows, renamed headers) is done on the :class:`Table` by :mod:`analytics.demo.messy`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

KZ_HEADER = ("Номер ЕРДР", "Дата регистрации", "Дата совершения", "Статья УК РК", "Предмет посягательства", "Район",
             "Населенный пункт", "Широта", "Долгота", "Статус", "Ущерб, тенге", "Интернет", "Несовершеннолетние",
             "Иностранцы", "Фабула")
KG_HEADER = ("Рег. № ЕРП", "Дата регистрации", "Дата происшествия", "Время", "Статья УК КР", "Наименование", "Область",
             "Район", "Населенный пункт", "Координаты", "Состояние", "Ущерб (сом)", "Интернет", "Несовершеннолетние",
             "Иностранцы", "Фабула")
BULLETINS_HEADER = ("Номер ориентировки", "Дата направления", "Инициатор", "Подразделение", "Связанное дело", "Вид объекта",
                    "Марка, модель", "Цвет", "Госномер", "VIN", "IMEI", "Серийный номер", "Вид скота", "Количество голов",
                    "Бирка/тавро", "Статус", "Дата снятия", "Причина снятия")
FINDS_HEADER = ("Дата", "Сторона", "Подразделение", "Место", "Широта", "Долгота", "Вид объекта", "Госномер", "VIN", "IMEI",
                "Серийный номер", "Бирка/тавро", "Номер ориентировки", "Результат", "Примечание")
OPERATIONS_HEADER = ("Код", "Название", "Направление", "Начало", "Окончание", "Участники", "Районы", "Задержано лиц",
                     "Возбуждено дел", "Изъято наркотиков, г", "Изъято оружия, ед.", "Изъято боеприпасов, ед.",
                     "Возвращено голов скота", "Возвращено автомобилей", "Возвращено телефонов",
                     "Заблокировано интернет-ресурсов", "Профилактических мероприятий", "Охвачено несовершеннолетних",
                     "Примечание")
KG_OBLAST_NAME = {"CHU": "Чуйская", "TAL": "Таласская"}


@dataclass(frozen=True)
class Dialect:
    """How a file is written: ``encoding`` (``utf-8-sig`` = with BOM; ``utf-16`` = LE with BOM), delimiter, line end."""

    encoding: str
    delimiter: str
    newline: str


KZ_DIALECT = Dialect("cp1251", ";", "\r\n")
KG_DIALECT = Dialect("utf-8-sig", ",", "\r\n")
EXCHANGE_DIALECT = Dialect("utf-8", ";", "\n")  # bulletins, finds, operations


@dataclass
class Table:
    """Header names and equally long Arrow string columns; values are final (quoted for ``delimiter``)."""

    header: list[str]
    columns: list[pa.Array]
    delimiter: str

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def index(self, name: str) -> int:
        return self.header.index(name)


@dataclass
class RenderOptions:
    """Per-file and per-row variations of an incident export (masks are boolean arrays of the frame's length).

    ``flags``: words for yes/no. ``dmy_dates`` / ``iso_dates`` / ``short_year``: rows written in
    another date style. ``dot_decimal``: rows with ``.`` instead of ``,`` (KZ). ``thousands``: rows
    whose damage is grouped with ``thousands_sep``. ``separate_time``: KZ time in its own column.
    """

    flags: tuple[str, str] | None = None
    dmy_dates: np.ndarray | None = None
    iso_dates: np.ndarray | None = None
    short_year: np.ndarray | None = None
    dot_decimal: np.ndarray | None = None
    thousands: np.ndarray | None = None
    thousands_sep: str = "\u00a0"
    separate_time: bool = False
    extra: dict[str, np.ndarray] = field(default_factory=dict)


# ------------------------------------------------------------------------------ value formatting

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _spread(keys: np.ndarray, render: Callable[[np.ndarray], list[str]]) -> pa.Array:
    """Format each distinct key once and spread the texts back to every row."""
    if keys.size == 0:
        return _strings([])
    distinct, inverse = np.unique(keys, return_inverse=True)
    return pc.take(_strings(render(distinct)), pa.array(inverse.astype(np.int32)))


def quote_minimal(values: pa.Array, delimiter: str) -> pa.Array:
    """Quote fields holding the delimiter, a double quote or a line break (doubling inner quotes)."""
    if len(values) == 0:
        return values
    needs = pc.match_substring_regex(values, f'[{delimiter}"\r\n]')
    if not pc.any(needs).as_py():
        return values
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, values)


def as_strings(values) -> pa.Array:
    """Any text-like column (Series of any dtype, list, numpy array, Arrow array) as Arrow strings, missing = ''."""
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks()
    elif isinstance(values, pa.Array):
        arr = values
    else:
        series = values if isinstance(values, pd.Series) else pd.Series(values)
        if series.dtype == object:
            series = series.astype("str")
        arr = pa.array(series, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    return pc.fill_null(arr, "")


def text_values(column, delimiter: str | None = None) -> pa.Array:
    """A text column ready for the file: Arrow strings, missing as '', quoted for ``delimiter`` when given.

    A categorical column is quoted once per category, not once per row.
    """
    if delimiter and isinstance(column, pd.Series) and isinstance(column.dtype, pd.CategoricalDtype):
        vocab = quote_minimal(as_strings(column.cat.categories.astype(str)), delimiter)
        codes = column.cat.codes.to_numpy()
        vocab = pa.concat_arrays([vocab, _strings([""])])
        return pc.take(vocab, pa.array(np.where(codes < 0, len(vocab) - 1, codes).astype(np.int32)))
    arr = as_strings(column)
    return quote_minimal(arr, delimiter) if delimiter else arr


def _days(values) -> np.ndarray:
    """Days since 1970 as int64, NaT as -2**62."""
    arr = np.asarray(values, dtype="datetime64[s]").astype("datetime64[D]")
    days = arr.astype(np.int64)
    days[np.isnat(arr)] = -(2 ** 62)
    return days


def format_dates(values, *, iso: bool | np.ndarray = False, short_year: np.ndarray | None = None) -> pa.Array:
    """Dates as ``dd.mm.yyyy``, or ``yyyy-mm-dd`` where ``iso`` (a flag or a row mask); NaT as ''.

    Rows in ``short_year`` that are not ISO are written ``dd.mm.yy``.
    """
    days = _days(values)
    use_iso = np.broadcast_to(np.asarray(iso, dtype=bool), days.shape)
    short = np.zeros(days.shape, dtype=bool) if short_year is None else np.asarray(short_year, dtype=bool) & ~use_iso
    keys = np.where(days < -(2 ** 61), -1, (days + 10 ** 6) * 4 + use_iso * 2 + short)

    def render(distinct: np.ndarray) -> list[str]:
        out = []
        for key in distinct.tolist():
            if key < 0:
                out.append("")
                continue
            day = date.fromordinal(key // 4 - 10 ** 6 + _EPOCH_ORDINAL)
            style = key % 4
            out.append(day.isoformat() if style >= 2 else day.strftime("%d.%m.%y" if style == 1 else "%d.%m.%Y"))
        return out

    return _spread(keys, render)


def format_times(values, has_time: np.ndarray | None = None) -> pa.Array:
    """``HH:MM`` where a time is known (``has_time``), else ''."""
    arr = np.asarray(values, dtype="datetime64[s]")
    minutes = (arr.astype("datetime64[m]") - arr.astype("datetime64[D]").astype("datetime64[m]")).astype(np.int64)
    hide = np.isnat(arr) if has_time is None else (np.isnat(arr) | ~np.asarray(has_time, dtype=bool))
    keys = np.where(hide, -1, minutes)
    return _spread(keys, lambda distinct: ["" if k < 0 else f"{k // 60:02d}:{k % 60:02d}" for k in distinct.tolist()])


def _join_if(mask: np.ndarray, left: pa.Array, right: pa.Array, sep: str) -> pa.Array:
    if len(left) == 0:
        return left
    return pc.if_else(pa.array(mask), pc.binary_join_element_wise(left, right, sep), left)


def format_decimals(values, decimals: int = 4, *, comma: bool | np.ndarray = False) -> pa.Array:
    """Fixed decimals with ``.`` or ``,`` (per row when ``comma`` is a mask); NaN as '', exact 0 as ``0``."""
    v = np.asarray(values, dtype=float)

    def render(distinct: np.ndarray) -> list[str]:
        out = []
        for key in distinct.tolist():
            if key != key:
                out.append("")
            elif key == 0:
                out.append("0")
            else:
                out.append(f"{key:.{decimals}f}")
        return out

    dot = _spread(v, render)
    use_comma = np.broadcast_to(np.asarray(comma, dtype=bool), v.shape)
    if not use_comma.any():
        return dot
    return pc.if_else(pa.array(use_comma), pc.replace_substring(dot, ".", ","), dot)


def format_integers(values, *, thousands: np.ndarray | None = None, sep: str = "\u00a0") -> pa.Array:
    """Whole numbers (rounded); NaN as ''. Rows in ``thousands`` are grouped by three with ``sep``."""
    v = np.asarray(values, dtype=float)
    plain = _spread(v, lambda distinct: ["" if k != k else str(int(round(k))) for k in distinct.tolist()])
    if thousands is None or not np.asarray(thousands).any():
        return plain
    grouped = _spread(v, lambda distinct: ["" if k != k else f"{int(round(k)):,}".replace(",", sep)
                                           for k in distinct.tolist()])
    return pc.if_else(pa.array(np.asarray(thousands, dtype=bool)), grouped, plain)


def format_flags(values, words: tuple[str, str]) -> pa.Array:
    """Booleans as the export's yes/no words; missing as ''."""
    flags = pd.Series(values).astype("boolean")
    # 0 = yes, 1 = no, 2 = not stated: the index into (yes, no, "").
    keys = np.where(flags.isna().to_numpy(), 2, np.where(flags.fillna(False).to_numpy(dtype=bool), 0, 1))
    return _spread(keys, lambda distinct: [(words[0], words[1], "")[k] for k in distinct.tolist()])


@lru_cache(maxsize=2)
def district_names(reference_dir: Path | None = None) -> dict[str, str]:
    """District key → Russian name as written in exports (``districts.csv`` ``name_ru``)."""
    from analytics.config import REFERENCE_DIR
    frame = pd.read_csv((reference_dir or REFERENCE_DIR) / "districts.csv", dtype=str)
    return dict(zip(frame["district"], frame["name_ru"], strict=True))


def _district_column(frame: pd.DataFrame, delimiter: str) -> pa.Array:
    if "district_name" in frame.columns:
        return text_values(frame["district_name"], delimiter)
    names = district_names()
    series = frame["district"]
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Two districts share a Russian name (Таласский район in KZ and in KG): map codes, not categories.
        vocab = _strings([names.get(str(c), str(c)) for c in series.cat.categories] + [""])
        codes = series.cat.codes.to_numpy()
        spread = pc.take(vocab, pa.array(np.where(codes < 0, len(vocab) - 1, codes).astype(np.int32)))
        return quote_minimal(spread, delimiter)
    return text_values(series.map(lambda k: names.get(k, k)), delimiter)


def _mask(mask: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)


# ----------------------------------------------------------------------------------- renderers

def render_kz_erdr(frame: pd.DataFrame, options: RenderOptions | None = None, *, delimiter: str = ";") -> Table:
    """KZ ЕРДР rows (see the module docstring of :mod:`analytics.demo.model` for the frame's columns).

    Parameters
    ----------
    frame : incidents of side KZ.
    options : variations; default is exactly the sample's layout.
    delimiter : the field delimiter the values are quoted for.

    Returns
    -------
    Table
    """
    opt = options or RenderOptions()
    n = len(frame)
    flags = opt.flags or ("да", "нет")
    occurred = frame["occurred_at"].to_numpy(dtype="datetime64[s]")
    has_time = frame["occurred_has_time"].to_numpy(dtype=bool)
    short, iso = _mask(opt.short_year, n), _mask(opt.iso_dates, n)
    occ_date = format_dates(occurred, iso=iso, short_year=short)
    times = format_times(occurred, has_time)
    occ_text = occ_date if opt.separate_time else _join_if(has_time & ~np.isnat(occurred), occ_date, times, " ")
    comma = ~_mask(opt.dot_decimal, n)
    columns = [
        text_values(frame["source_id"], delimiter),
        format_dates(frame["registered_on"].to_numpy(dtype="datetime64[s]"), iso=iso, short_year=short),
        occ_text,
        text_values(frame["article_raw"], delimiter),
        text_values(frame["object_raw"], delimiter),
        _district_column(frame, delimiter),
        text_values(frame["settlement"], delimiter),
        quote_minimal(format_decimals(frame["lat"], comma=comma), delimiter),
        quote_minimal(format_decimals(frame["lon"], comma=comma), delimiter),
        text_values(frame["status_raw"], delimiter),
        quote_minimal(format_integers(frame["damage"], thousands=opt.thousands, sep=opt.thousands_sep), delimiter),
        format_flags(frame["online"], flags),
        format_flags(frame["minor_involved"], flags),
        format_flags(frame["foreign_national"], flags),
        text_values(frame["summary"], delimiter),
    ]
    header = list(KZ_HEADER)
    if opt.separate_time:
        header.insert(3, "Время совершения")
        columns.insert(3, times)
    table = Table(header, columns, delimiter)
    for name, values in opt.extra.items():
        table.header.append(name)
        table.columns.append(text_values(values, delimiter))
    return table


def render_kg_erp(frame: pd.DataFrame, options: RenderOptions | None = None, *, delimiter: str = ",") -> Table:
    """KG ЕРП rows: ISO dates (``dmy_dates`` rows as ``dd.mm.yyyy``), separate time, one ``"lat, lon"`` column.

    Parameters
    ----------
    frame : incidents of side KG.
    options : variations; default is exactly the sample's layout.
    delimiter : the field delimiter the values are quoted for.

    Returns
    -------
    Table
    """
    opt = options or RenderOptions()
    n = len(frame)
    flags = opt.flags or ("1", "0")
    dmy = _mask(opt.dmy_dates, n)
    occurred = frame["occurred_at"].to_numpy(dtype="datetime64[s]")
    lat = frame["lat"].to_numpy(dtype=float)
    lon = frame["lon"].to_numpy(dtype=float)
    located = ~np.isnan(lat) & ~np.isnan(lon)
    coords = _join_if(located, format_decimals(lat), format_decimals(lon), ", ")
    if n:
        coords = pc.if_else(pa.array(located), coords, "")
    oblast = frame["oblast"].astype(str).map(KG_OBLAST_NAME)
    columns = [
        text_values(frame["source_id"], delimiter),
        format_dates(frame["registered_on"].to_numpy(dtype="datetime64[s]"), iso=~dmy, short_year=opt.short_year),
        format_dates(occurred, iso=~dmy, short_year=opt.short_year),
        format_times(occurred, frame["occurred_has_time"].to_numpy(dtype=bool)),
        text_values(frame["article_raw"], delimiter),
        text_values(frame["title_raw"], delimiter),
        text_values(oblast, delimiter),
        _district_column(frame, delimiter),
        text_values(frame["settlement"], delimiter),
        quote_minimal(coords, delimiter),
        text_values(frame["status_raw"], delimiter),
        quote_minimal(format_integers(frame["damage"], thousands=opt.thousands, sep=opt.thousands_sep), delimiter),
        format_flags(frame["online"], flags),
        format_flags(frame["minor_involved"], flags),
        format_flags(frame["foreign_national"], flags),
        text_values(frame["summary"], delimiter),
    ]
    table = Table(list(KG_HEADER), columns, delimiter)
    for name, values in opt.extra.items():
        table.header.append(name)
        table.columns.append(text_values(values, delimiter))
    return table


def render_plain(frame: pd.DataFrame, header: tuple[str, ...], *, delimiter: str = ";") -> Table:
    """A frame whose columns are already the export's text, in ``header`` order (bulletins, finds, operations)."""
    columns = [text_values(frame[name], delimiter) for name in header]
    return Table(list(header), columns, delimiter)


# -------------------------------------------------------------------------------- serialisation

def _body_bytes(table: Table, newline: str) -> bytes:
    """UTF-8 bytes of all data rows: Arrow joins the fields, the joined array's data buffer is the body."""
    rows = pc.binary_join_element_wise(*table.columns, table.delimiter) if len(table.columns) > 1 \
        else table.columns[0]
    rows = pc.binary_join_element_wise(rows, pa.scalar(newline), "")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offset_type = np.int64 if pa.types.is_large_string(rows.type) else np.int32
    offsets = np.frombuffer(rows.buffers()[1], dtype=offset_type)[rows.offset: rows.offset + len(rows) + 1]
    data = rows.buffers()[2]
    if data is None:
        return b""
    return memoryview(data)[int(offsets[0]):int(offsets[-1])].tobytes()


def table_bytes(table: Table, dialect: Dialect) -> bytes:
    """The whole file: header line and rows, each ended by ``dialect.newline``, in ``dialect.encoding``."""
    if table.delimiter != dialect.delimiter:
        raise ValueError(f"table quoted for {table.delimiter!r}, dialect wants {dialect.delimiter!r}")
    header_fields = quote_minimal(_strings(list(table.header)), table.delimiter).to_pylist()
    head = (table.delimiter.join(header_fields) + dialect.newline).encode("utf-8")
    body = _body_bytes(table, dialect.newline) if table.n_rows else b""
    utf8 = head + body
    if dialect.encoding in ("utf-8", "utf8"):
        return utf8
    if dialect.encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + utf8
    text = utf8.decode("utf-8")
    if dialect.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(dialect.encoding)


def table_text(table: Table, newline: str) -> str:
    """The whole file as text (header and rows, each ended by ``newline``)."""
    return table_bytes(table, Dialect("utf-8", table.delimiter, newline)).decode("utf-8")


def write_table(path: Path | str, table: Table, dialect: Dialect) -> int:
    """Write a :class:`Table` with ``dialect``; returns the number of data rows.

    The table must have been rendered for ``dialect.delimiter`` (quoting depends on it).
    """
    Path(path).write_bytes(table_bytes(table, dialect))
    return table.n_rows


def write_kz_erdr(path: Path | str, frame: pd.DataFrame, *, options: RenderOptions | None = None,
                  dialect: Dialect = KZ_DIALECT) -> int:
    """Write KZ incidents as a ЕРДР export (cp1251, ``;``, CRLF, Russian headers as in the sample).

    Parameters
    ----------
    path : target file.
    frame : incidents (columns of :mod:`analytics.demo.model`), e.g. from ``generate_incidents(..., side="KZ")``.
    options : per-row variations; default = the sample layout.
    dialect : encoding, delimiter and line end.

    Returns
    -------
    int
        Data rows written.
    """
    return write_table(path, render_kz_erdr(frame, options, delimiter=dialect.delimiter), dialect)


def write_kg_erp(path: Path | str, frame: pd.DataFrame, *, options: RenderOptions | None = None,
                 dialect: Dialect = KG_DIALECT) -> int:
    """Write KG incidents as an ЕРП export (UTF-8 with BOM, ``,``, quoted where needed, CRLF).

    Parameters
    ----------
    path : target file.
    frame : incidents (columns of :mod:`analytics.demo.model`), e.g. from ``generate_incidents(..., side="KG")``.
    options : per-row variations; default = the sample layout.
    dialect : encoding, delimiter and line end.

    Returns
    -------
    int
        Data rows written.
    """
    return write_table(path, render_kg_erp(frame, options, delimiter=dialect.delimiter), dialect)


def with_delimiter(dialect: Dialect, delimiter: str) -> Dialect:
    """The same dialect with another delimiter (e.g. tab)."""
    return replace(dialect, delimiter=delimiter)
