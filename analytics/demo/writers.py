"""Export files in the exact layouts of ``shared/formats/samples`` (header bytes, encoding, delimiter, line ends).

Rendering is column-wise with numpy ``StringDType``: a frame becomes a :class:`Table` of already quoted
text columns, joined into rows with a handful of vectorised concatenations and encoded once.
Quoting follows the samples (``csv.QUOTE_MINIMAL``: only fields holding the delimiter, a quote or a
line break are quoted). Variations a real export shows (date styles, decimal points, flag words,
thousands separators, a separate time column) are :class:`RenderOptions`; row-level damage (duplicates,
bad rows, renamed headers) is done on the :class:`Table` by :mod:`analytics.demo.messy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

S = np.dtypes.StringDType()

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
    """Header names and equally long StringDType columns; values are final (quoted for ``delimiter``)."""

    header: list[str]
    columns: list[np.ndarray]
    delimiter: str

    @property
    def n_rows(self) -> int:
        return int(self.columns[0].size) if self.columns else 0

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

def quote_minimal(values: np.ndarray, delimiter: str) -> np.ndarray:
    """Quote fields holding the delimiter, a double quote or a line break (doubling inner quotes)."""
    if values.size == 0:
        return values
    needs = np.strings.find(values, delimiter) >= 0
    needs |= np.strings.find(values, '"') >= 0
    needs |= np.strings.find(values, "\n") >= 0
    needs |= np.strings.find(values, "\r") >= 0
    if not needs.any():
        return values
    out = values.copy()
    out[needs] = np.strings.add(np.strings.add('"', np.strings.replace(values[needs], '"', '""')), '"')
    return out


def text_values(column, delimiter: str | None = None) -> np.ndarray:
    """Any text-like column (Categorical, ``str``, object, StringDType) as StringDType, missing as ''.

    Low-cardinality columns are quoted and converted once per distinct value (dictionary encoding).
    """
    if isinstance(column, np.ndarray) and column.dtype == S:
        return quote_minimal(column, delimiter) if delimiter else column
    series = column if isinstance(column, pd.Series) else pd.Series(column)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        vocab = np.append(np.asarray(series.cat.categories.astype(str).to_numpy(dtype=object), dtype=S), "")
    else:
        arr = pa.array(series, from_pandas=True)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = pc.cast(arr, pa.large_string())
        encoded = pc.dictionary_encode(arr)
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        vocab = np.append(np.asarray(encoded.dictionary.to_pylist(), dtype=S), "")
    if delimiter:
        vocab = quote_minimal(vocab, delimiter)
    return vocab[np.where(codes < 0, vocab.size - 1, codes)]


def _datetime_parts(values: np.ndarray):
    days = values.astype("datetime64[D]")
    months = values.astype("datetime64[M]")
    year = values.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    minutes = (values.astype("datetime64[m]") - days.astype("datetime64[m]")).astype(np.int64)
    return year, month, day, minutes // 60, minutes % 60


def _pad2(values: np.ndarray) -> np.ndarray:
    return np.strings.zfill(values.astype(S), 2)


def format_dates(values, *, iso: bool | np.ndarray = False, short_year: np.ndarray | None = None) -> np.ndarray:
    """Dates as ``dd.mm.yyyy``, or ``yyyy-mm-dd`` where ``iso`` (a flag or a row mask); NaT as ''.

    Rows in ``short_year`` that are not ISO are written ``dd.mm.yy``.
    """
    arr = np.asarray(values, dtype="datetime64[s]")
    if arr.size == 0:
        return np.zeros(0, dtype=S)
    nat = np.isnat(arr)
    y, m, d, _, _ = _datetime_parts(np.where(nat, np.datetime64("2000-01-01", "s"), arr))
    ys, ms, ds = y.astype(S), _pad2(m), _pad2(d)
    use_iso = np.broadcast_to(np.asarray(iso, dtype=bool), arr.shape)
    if short_year is not None:
        ys = np.where(np.asarray(short_year, dtype=bool) & ~use_iso, np.strings.slice(ys, 2, 4), ys).astype(S)
    dmy = np.strings.add(np.strings.add(np.strings.add(np.strings.add(ds, "."), ms), "."), ys)
    isof = np.strings.add(np.strings.add(np.strings.add(np.strings.add(ys, "-"), ms), "-"), ds)
    out = np.where(use_iso, isof, dmy).astype(S)
    out[nat] = ""
    return out


def format_times(values, has_time: np.ndarray | None = None) -> np.ndarray:
    """``HH:MM`` where a time is known (``has_time``), else ''."""
    arr = np.asarray(values, dtype="datetime64[s]")
    if arr.size == 0:
        return np.zeros(0, dtype=S)
    nat = np.isnat(arr)
    _, _, _, hh, mm = _datetime_parts(np.where(nat, np.datetime64("2000-01-01", "s"), arr))
    out = np.strings.add(np.strings.add(_pad2(hh), ":"), _pad2(mm))
    hide = nat if has_time is None else (nat | ~np.asarray(has_time, dtype=bool))
    out[hide] = ""
    return out


def format_decimals(values, decimals: int = 4, *, comma: bool | np.ndarray = False) -> np.ndarray:
    """Fixed decimals with ``.`` or ``,`` (per row when ``comma`` is a mask); NaN as '', exact 0 as ``0``."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return np.zeros(0, dtype=S)
    nan = np.isnan(v)
    scaled = np.round(np.abs(np.where(nan, 0.0, v)) * 10 ** decimals).astype(np.int64)
    whole = (scaled // 10 ** decimals).astype(S)
    frac = np.strings.zfill((scaled % 10 ** decimals).astype(S), decimals)
    sign = np.where(v < 0, "-", "").astype(S)
    mark = np.where(comma, ",", ".").astype(S) if isinstance(comma, np.ndarray) else np.asarray("," if comma else ".", dtype=S)
    out = np.strings.add(np.strings.add(np.strings.add(sign, whole), mark), frac)
    out[v == 0] = "0"
    out[nan] = ""
    return out


def format_integers(values, *, thousands: np.ndarray | None = None, sep: str = "\u00a0") -> np.ndarray:
    """Whole numbers (rounded); NaN as ''. Rows in ``thousands`` are grouped by three with ``sep``."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return np.zeros(0, dtype=S)
    nan = np.isnan(v)
    ints = np.round(np.where(nan, 0.0, v)).astype(np.int64)
    out = ints.astype(S)
    if thousands is not None and thousands.any():
        rows = thousands & ~nan & (ints >= 1000)
        digits = out[rows]
        length = np.strings.str_len(digits)
        padded = np.strings.zfill(digits, 12)
        pieces = [np.strings.slice(padded, i, i + 3) for i in range(0, 12, 3)]
        joined = np.strings.add(np.strings.add(np.strings.add(np.strings.add(np.strings.add(np.strings.add(
            pieces[0], sep), pieces[1]), sep), pieces[2]), sep), pieces[3])
        groups = (length + 2) // 3
        out[rows] = np.strings.slice(joined, (12 - length) + (4 - groups), None)
    out[nan] = ""
    return out


def format_flags(values, words: tuple[str, str]) -> np.ndarray:
    """Booleans as the export's yes/no words; missing as ''."""
    flags = pd.Series(values).astype("boolean")
    out = np.where(flags.fillna(False).to_numpy(dtype=bool), words[0], words[1]).astype(S)
    out[flags.isna().to_numpy()] = ""
    return out


@lru_cache(maxsize=2)
def district_names(reference_dir: Path | None = None) -> dict[str, str]:
    """District key → Russian name as written in exports (``districts.csv`` ``name_ru``)."""
    from analytics.config import REFERENCE_DIR
    frame = pd.read_csv((reference_dir or REFERENCE_DIR) / "districts.csv", dtype=str)
    return dict(zip(frame["district"], frame["name_ru"], strict=True))


def _district_column(frame: pd.DataFrame, delimiter: str) -> np.ndarray:
    if "district_name" in frame.columns:
        return text_values(frame["district_name"], delimiter)
    names = district_names()
    series = frame["district"]
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Two districts share a Russian name (Таласский район in KZ and in KG): map codes, not categories.
        vocab = np.asarray([names.get(str(c), str(c)) for c in series.cat.categories] + [""], dtype=S)
        codes = series.cat.codes.to_numpy()
        return quote_minimal(vocab, delimiter)[np.where(codes < 0, vocab.size - 1, codes)]
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
    if opt.separate_time:
        occ_text = occ_date
    else:
        times = format_times(occurred, has_time)
        occ_text = np.where(times != "", np.strings.add(np.strings.add(occ_date, " "), times), occ_date).astype(S)
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
        format_integers(frame["damage"], thousands=opt.thousands, sep=opt.thousands_sep),
        format_flags(frame["online"], flags),
        format_flags(frame["minor_involved"], flags),
        format_flags(frame["foreign_national"], flags),
        text_values(frame["summary"], delimiter),
    ]
    header = list(KZ_HEADER)
    if opt.separate_time:
        header.insert(3, "Время совершения")
        columns.insert(3, format_times(occurred, has_time))
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
    lat = format_decimals(frame["lat"], comma=False)
    lon = format_decimals(frame["lon"], comma=False)
    coords = np.where((lat == "") | (lon == ""), "", np.strings.add(np.strings.add(lat, ", "), lon)).astype(S)
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
        format_integers(frame["damage"], thousands=opt.thousands, sep=opt.thousands_sep),
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

def _join_tree(parts: list[np.ndarray]) -> np.ndarray:
    # Pairwise concatenation keeps the copying at O(row length × log(columns)).
    while len(parts) > 1:
        parts = [np.strings.add(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0]


def table_text(table: Table, newline: str) -> str:
    """The whole file as text: header line and rows, each ended by ``newline``."""
    delimiter = table.delimiter
    header_fields = quote_minimal(np.asarray(table.header, dtype=S), delimiter).tolist()
    head = delimiter.join(header_fields) + newline
    if table.n_rows == 0:
        return head
    parts: list[np.ndarray] = []
    for column in table.columns:
        parts.append(column)
        parts.append(np.asarray(delimiter, dtype=S))
    parts[-1] = np.asarray(newline, dtype=S)
    rows = _join_tree([np.broadcast_to(p, (table.n_rows,)) if p.ndim == 0 else p for p in parts])
    return head + "".join(rows.tolist())


def encode_text(text: str, encoding: str) -> bytes:
    """Encode as files are saved: ``utf-8-sig`` and ``utf-16`` (little endian) carry a BOM."""
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def write_table(path: Path | str, table: Table, dialect: Dialect) -> int:
    """Write a :class:`Table` with ``dialect``; returns the number of data rows.

    The table must have been rendered for ``dialect.delimiter`` (quoting depends on it).
    """
    if table.delimiter != dialect.delimiter:
        raise ValueError(f"table quoted for {table.delimiter!r}, dialect wants {dialect.delimiter!r}")
    Path(path).write_bytes(encode_text(table_text(table, dialect.newline), dialect.encoding))
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
