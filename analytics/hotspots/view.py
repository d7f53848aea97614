"""What the Hotspots page shows, without Streamlit: the figure of a layer, the clicked cell, the plain-words
explanations (ru/en) next to each statistic."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.hotspots import data
from analytics.hotspots.analysis import HotspotResult
from analytics.hotspots.charts import hotspot_map, kde_map
from analytics.hotspots.emerging import emerging_hotspots
from analytics.hotspots.kde import kernel_density
from analytics.i18n import format_int, pick

LAYERS = ("gi", "count", "kde", "emerging")
# Layers drawn from single incidents (data.load_layer_points) rather than from the cell counts.
POINT_LAYERS = ("kde", "emerging")
EXPLAIN = {
    "ru": {
        "gi": "Очаги (Getis-Ord Gi*): ячейка вместе с соседями сравнивается со средним по всей карте. "
              "Красные — скоплений больше, чем можно объяснить случайностью, с уверенностью 90/95/99 % "
              "(с поправкой на множественные сравнения, FDR); синие — наоборот, «холодные» зоны.",
        "count": "Число происшествий в каждой шестиугольной ячейке (обе стороны вместе, ячейка не делится "
                 "границей).",
        "kde": "Плотность: каждое происшествие «размазано» гауссовым ядром с шириной {bw:.1f} км (правило Скотта); "
               "цвет — происшествий на км².",
        "emerging": "Развитие очагов по месяцам: новый — очаг только в последнем периоде; усиливающийся — очаг "
                    "большую часть времени и рост значим (тест Манна–Кендалла); устойчивый — очаг большую часть "
                    "времени без тренда; затухающий — был очагом, но сейчас нет или идёт значимое снижение.",
        "bands": "Расстояние от места происшествия до линии госграницы KZ–KG (Natural Earth, точность — "
                 "километры): 0–5 км включительно, 5–15, 15–30, более 30 км.",
        "knox": "Повторы рядом (тест Нокса): сколько пар краж произошло в пределах 2 км и 7 дней друг от друга, "
                "по сравнению с ожидаемым при случайных датах. Отношение > 1 и p < 0,05 — кражи «ходят сериями».",
        "series": "Серии: кражи, связанные цепочкой «ближе 2 км и 7 дней». Серии с происшествиями обеих сторон "
                  "пересекают границу.",
        "geo": "На карте {geo} из {total} происшествий; у {missing} нет пригодных координат.",
        "cell": "Ячейка {cell}: {n} происшествий",
        "pick_cell": "Ячейка (или щёлкните на карте)",
        "layer": "Слой", "res": "Размер ячеек",
        "res_auto": "авто", "gi_name": "Очаги (Gi*)", "count_name": "Количество", "kde_name": "Плотность",
        "emerging_name": "Развитие очагов",
        "border": "Приграничная полоса", "near_repeat": "Повторы и серии (скот, автотранспорт)",
        "near_repeat_run": "Рассчитать повторы и серии (на больших данных — до минуты)",
        "crossing_series": "Серий, пересекающих границу: {n}",
    },
    "en": {
        "gi": "Hot spots (Getis-Ord Gi*): each cell with its neighbours is compared with the average of the whole "
              "map. Red — more incidents clustered than chance explains, at 90/95/99 % confidence (corrected for "
              "multiple testing, FDR); blue — the opposite, cold spots.",
        "count": "Incidents in each hexagon (both sides together; a cell is not cut by the border).",
        "kde": "Density: each incident is spread by a Gaussian kernel of {bw:.1f} km (Scott's rule); colour = "
               "incidents per km².",
        "emerging": "How hot spots develop by month: new — hot only in the last period; intensifying — hot most "
                    "of the time and rising significantly (Mann–Kendall test); persistent — hot most of the time, no "
                    "trend; diminishing — was hot, is not now or falls significantly.",
        "bands": "Distance from the incident to the KZ–KG state border line (Natural Earth, km-level accuracy): "
                 "0–5 km inclusive, 5–15, 15–30, over 30 km.",
        "knox": "Near repeats (Knox test): how many pairs of thefts happened within 2 km and 7 days of each other, "
                "against what random dates would give. A ratio > 1 with p < 0.05 means thefts come in series.",
        "series": "Series: thefts chained by 'closer than 2 km and 7 days'. A series with incidents of both sides "
                  "crosses the border.",
        "geo": "{geo} of {total} incidents are on the map; {missing} have no usable coordinates.",
        "cell": "Cell {cell}: {n} incidents",
        "pick_cell": "Cell (or click on the map)",
        "layer": "Layer", "res": "Cell size",
        "res_auto": "auto", "gi_name": "Hot spots (Gi*)", "count_name": "Counts", "kde_name": "Density",
        "emerging_name": "Emerging hot spots",
        "border": "Border corridor", "near_repeat": "Near repeats and series (livestock, vehicles)",
        "near_repeat_run": "Compute near repeats and series (up to a minute on large data)",
        "crossing_series": "Series crossing the border: {n}",
    },
}


def layer_figure(con: duckdb.DuckDBPyConnection, result: HotspotResult, layer: str,
                 lang: str, points: pd.DataFrame | None = None) -> tuple[go.Figure, str]:
    """The map of one layer and the sentence that explains it.

    Parameters
    ----------
    con : database (reference layers).
    result : :func:`analytics.hotspots.analyse_hotspots` output.
    layer : ``gi`` | ``count`` | ``kde`` | ``emerging``.
    lang : ``ru`` / ``en``.
    points : for the layers in :data:`POINT_LAYERS`: the incidents with at least ``lat, lon, h3_r7,
        registered_on`` (``data.load_layer_points``); ``None`` = ``result.points``.

    Returns
    -------
    (figure, explanation)
    """
    crossing_layer, seats = data.reference_points(con)
    cells = result.cells
    if layer in POINT_LAYERS:
        rows = result.points if points is None else points
        if rows is None:
            raise ValueError(f"layer {layer!r} needs the incidents: pass points=data.load_layer_points(...)")
        if layer == "kde":
            grid = kernel_density(rows["lat"].to_numpy(), rows["lon"].to_numpy())
            text = pick(EXPLAIN, "kde", lang).format(bw=grid.attrs.get("bandwidth_km", float("nan")))
            return kde_map(grid, lang, crossings=crossing_layer, settlements=seats), text
        emerging = emerging_hotspots(rows, result.res)
        lat, lon = data.cell_centres(emerging["h3"].to_numpy(np.uint64))
        cells = emerging.assign(lat=lat, lon=lon)
    fig = hotspot_map(cells, lang, layer=layer, crossings=crossing_layer, settlements=seats)
    return fig, pick(EXPLAIN, layer, lang)


def cell_from_selection(selection: Any) -> int | None:
    """The H3 cell clicked on the map (Streamlit's ``event.selection``), or ``None``."""
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else getattr(selection, "points", [])
    for point in points or []:
        for key in ("location", "customdata"):
            value = point.get(key) if isinstance(point, dict) else None
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            if isinstance(value, str):
                try:
                    return int(value, 16)
                except ValueError:
                    continue
    return None


def cell_choices(cells: pd.DataFrame, limit: int = 30) -> list[int]:
    """Cells worth picking without a click: the hottest first, then the busiest."""
    if cells.empty:
        return []
    ranked = cells[cells["count"] > 0].sort_values(["gi_z", "count"], ascending=False)
    return [int(c) for c in ranked["h3"].head(limit)]


def cell_label(cells: pd.DataFrame, cell: int, lang: str) -> str:
    """``Ячейка 872c…: 12 происшествий``."""
    row = cells.loc[cells["h3"] == np.uint64(cell)]
    n = int(row["count"].iloc[0]) if not row.empty else 0
    return pick(EXPLAIN, "cell", lang).format(cell=f"{cell:x}", n=format_int(n, lang))
