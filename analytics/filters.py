"""The global filter set (sidebar) and its translation into a bound-parameter WHERE clause."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

SIDES = ("KZ", "KG")


@dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples and ``None`` flags mean "no restriction".

    Hashable, so it can be a cache key.
    """

    start: date | None = None
    end: date | None = None
    sides: tuple[str, ...] = ()
    oblasts: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    online: bool | None = None
    minor_involved: bool | None = None
    foreign_national: bool | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    def with_(self, **changes: object) -> Filters:
        return replace(self, **changes)  # type: ignore[arg-type]


def where_clause(filters: Filters, alias: str = "", *, dates: bool = True) -> tuple[str, list[object]]:
    """Build ``" AND ..."`` conditions on the incidents table, with values as bound parameters.

    Parameters
    ----------
    filters : the selection.
    alias : table alias prefix (``"i"`` → ``i.side``); empty for none.
    dates : include the start/end conditions (CompStat windows set their own dates).

    Returns
    -------
    (sql, params) : ``sql`` starts with ``" AND "`` or is empty; column names are fixed, values bound.
    """
    col = (alias + ".") if alias else ""
    parts: list[str] = []
    params: list[object] = []
    if dates and filters.start is not None:
        parts.append(f"{col}registered_on >= ?")
        params.append(filters.start)
    if dates and filters.end is not None:
        parts.append(f"{col}registered_on <= ?")
        params.append(filters.end)
    for column, values in (
        ("side", filters.sides),
        ("oblast", filters.oblasts),
        ("district", filters.districts),
        ("category", filters.categories),
    ):
        if values:
            parts.append(f"list_contains(?::VARCHAR[], {col}{column})")
            params.append(list(values))
    for column, flag in (
        ("online", filters.online),
        ("minor_involved", filters.minor_involved),
        ("foreign_national", filters.foreign_national),
    ):
        if flag is not None:
            parts.append(f"coalesce({col}{column}, false) = ?")
            params.append(flag)
    sql = "".join(" AND " + part for part in parts)
    return sql, params
