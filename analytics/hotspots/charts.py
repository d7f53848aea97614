"""Offline maps: Plotly map traces on ``map_style="white-bg"`` with local GeoJSON layers (oblast polygons,
the border line), never tiles. Every function returns a figure (page, slides, tests)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import geo
from analytics.hotspots.data import SharedGeoJSON, cells_geojson
from analytics.i18n import format_int, pick

# A reference layer (crossings, district seats): a frame, or its columns as arrays (data.reference_points).
ReferenceLayer = pd.DataFrame | dict[str, np.ndarray]
DEFAULT_CENTER = {"lat": 43.3, "lon": 73.2}
DEFAULT_ZOOM = 5.6
GI_COLOURS = {"hot_99": "#b2182b", "hot_95": "#ef8a62", "hot_90": "#fddbc7", "none": "#f0f0f0",
              "cold_90": "#d1e5f0", "cold_95": "#67a9cf", "cold_99": "#2166ac"}
EMERGING_COLOURS = {"new": "#fdae61", "intensifying": "#b2182b", "persistent": "#ef6548",
                    "diminishing": "#74add1", "none": "#f0f0f0"}
TEXT = {
    "ru": {"count": "Происшествий", "gi_z": "Gi* z", "p_fdr": "p (FDR)", "class": "Класс",
           "hot_99": "Очаг, 99 %", "hot_95": "Очаг, 95 %", "hot_90": "Очаг, 90 %", "none": "Не значимо",
           "cold_90": "Холодная зона, 90 %", "cold_95": "Холодная зона, 95 %", "cold_99": "Холодная зона, 99 %",
           "new": "Новый очаг", "intensifying": "Усиливающийся", "persistent": "Устойчивый",
           "diminishing": "Затухающий", "density": "Плотность, на км²", "crossing": "Пункт пропуска",
           "settlement": "Райцентр", "border": "Граница KZ–KG"},
    "en": {"count": "Incidents", "gi_z": "Gi* z", "p_fdr": "p (FDR)", "class": "Class",
           "hot_99": "Hot spot, 99%", "hot_95": "Hot spot, 95%", "hot_90": "Hot spot, 90%", "none": "Not significant",
           "cold_90": "Cold spot, 90%", "cold_95": "Cold spot, 95%", "cold_99": "Cold spot, 99%",
           "new": "New", "intensifying": "Intensifying", "persistent": "Persistent", "diminishing": "Diminishing",
           "density": "Density, per km²", "crossing": "Border crossing", "settlement": "District seat",
           "border": "KZ–KG border"},
}


def base_layers() -> list[dict]:
    """Oblast polygons (study oblasts filled, neighbours outlined) and the border line, from local files."""
    study, regions, border = _base_sources()
    return [
        {"sourcetype": "geojson", "source": study, "type": "fill", "color": "rgba(230,230,220,0.6)", "below": "traces"},
        {"sourcetype": "geojson", "source": regions, "type": "line", "color": "#888888", "line": {"width": 1}},
        {"sourcetype": "geojson", "source": border, "type": "line", "color": "#c0392b", "line": {"width": 3}},
    ]


@lru_cache(maxsize=1)
def _base_sources() -> tuple[SharedGeoJSON, SharedGeoJSON, SharedGeoJSON]:
    """The three GeoJSON sources of :func:`base_layers`, built once per process and shared by every figure."""
    regions = geo.region_geojson()
    study = {"type": "FeatureCollection",
             "features": [f for f in regions["features"] if f["properties"]["role"] == "study"]}
    border = {"type": "FeatureCollection",
              "features": [f for f in geo.border_geojson()["features"] if f["id"] == "KZ-KG"]}
    return SharedGeoJSON(study), SharedGeoJSON(regions), SharedGeoJSON(border)


def _view(lat: pd.Series | np.ndarray, lon: pd.Series | np.ndarray) -> tuple[dict[str, float], float]:
    """Centre and zoom that show the points (the whole study area when there are none)."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    if lat.size == 0:
        return DEFAULT_CENTER, DEFAULT_ZOOM
    span = max(float(np.ptp(lat)) * 1.4, float(np.ptp(lon)), 0.05)
    zoom = float(np.clip(np.log2(360.0 / span) - 0.8, 4.5, 12.0))
    return {"lat": float((lat.min() + lat.max()) / 2), "lon": float((lon.min() + lon.max()) / 2)}, zoom


def _layout(lat: np.ndarray | pd.Series, lon: np.ndarray | pd.Series, height: int) -> dict[str, Any]:
    """The map layout of every figure here: view on the points, offline base layers, legend at the bottom."""
    center, zoom = _view(lat, lon)
    return {"map": {"style": "white-bg", "center": center, "zoom": zoom, "layers": base_layers()},
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "height": height,
            "legend": {"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,0.8)"}}


class SharedArray(np.ndarray):
    """A trace array that Plotly does not deep-copy (like :class:`analytics.hotspots.data.SharedGeoJSON`): a
    figure's arrays are made for it and never modified, and copying thousands of hover strings element by
    element cost more than building them."""

    def __deepcopy__(self, memo: dict[int, Any] | None = None, /) -> SharedArray:
        return self


def _array(values: Any, dtype: Any = None) -> SharedArray:
    return np.asarray(values, dtype=dtype).view(SharedArray)


def _figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure from plain trace and layout dicts written in the form Plotly's validators give them (arrays as
    numpy arrays, named colour scales spelled out; tests compare with the validated build), without validating
    each property again. Later edits of the figure (slides) are validated as usual."""
    fig = go.Figure({"data": traces, "layout": layout}, _validate=False)
    fig._validate = True
    fig._layout_obj._validate = True
    for trace in fig.data:
        trace._validate = True
    return fig


@lru_cache(maxsize=4)
def _colorscale(name: str) -> tuple[tuple[float, str], ...]:
    """A named Plotly colour scale as its validator spells it out (what the figure JSON holds)."""
    return tuple(tuple(step) for step in go.Densitymap(colorscale=name).colorscale)


def reference_traces(lang: str, crossings: ReferenceLayer | None = None,
                     settlements: ReferenceLayer | None = None) -> list[dict[str, Any]]:
    """The traces of :func:`add_reference_points` as plain dicts (for :func:`_figure`).

    Parameters
    ----------
    lang : ``ru`` / ``en``.
    crossings, settlements : as in :func:`add_reference_points`, as frames or as dicts of column arrays
        (``data.reference_points``, lighter than frames for two small tables).

    Returns
    -------
    list of trace dicts.
    """
    traces: list[dict[str, Any]] = []
    seats = _columns(settlements)
    if seats:
        names = seats["name_en" if lang == "en" else "seat_ru"]
        traces.append({"type": "scattermap", "lat": _array(seats["lat"], np.float64),
                       "lon": _array(seats["lon"], np.float64), "mode": "markers",
                       "marker": {"size": 6, "color": "#333333"}, "name": pick(TEXT, "settlement", lang),
                       "text": _array(names, object), "hoverinfo": "text"})
    points = _columns(crossings)
    if points:
        names = points["name_en" if lang == "en" else "name_ru"]
        # A missing name or source gives no text, as the pandas string sum did.
        text = [None if n is None or s is None else f"{n} — {s}" for n, s in
                zip(names.tolist(), points["source"].tolist(), strict=True)]
        traces.append({"type": "scattermap", "lat": _array(points["lat"], np.float64),
                       "lon": _array(points["lon"], np.float64), "mode": "markers",
                       "marker": {"size": 13, "color": "#000000", "symbol": "circle"},
                       "name": pick(TEXT, "crossing", lang), "text": _array(text, object), "hoverinfo": "text"})
    return traces


def _columns(table: ReferenceLayer | None) -> dict[str, np.ndarray]:
    """Column arrays of a reference layer (strings as objects, missing as None); empty when there are no rows."""
    if table is None or len(table) == 0:
        return {}
    if isinstance(table, pd.DataFrame):
        return {c: table[c].astype(object).where(table[c].notna(), None).to_numpy(object)
                if table[c].dtype.kind not in "fiu" else table[c].to_numpy() for c in table.columns}
    if len(next(iter(table.values()))) == 0:
        return {}
    return dict(table)


def add_reference_points(fig: go.Figure, lang: str, crossings: ReferenceLayer | None = None,
                         settlements: ReferenceLayer | None = None) -> go.Figure:
    """Crossing points (only those with real coordinates) and district seats as marker layers."""
    for trace in reference_traces(lang, crossings, settlements):
        fig.add_trace(go.Scattermap({k: v for k, v in trace.items() if k != "type"}))
    return fig


def _hover_lines(counts: np.ndarray, gi_z: np.ndarray | None, p_fdr: np.ndarray | None, lang: str) -> np.ndarray:
    """Hover text of each cell: its count and, on Gi* cells (``gi_z`` given), z and FDR p."""
    label = pick(TEXT, "count", lang)
    # Counts repeat a lot: format each distinct one once.
    uniques, index = np.unique(counts, return_inverse=True)
    formatted = np.array([f"{label}: {format_int(n, lang)}" for n in uniques.tolist()], dtype=object)
    lines = formatted[index.reshape(-1)] if counts.size else np.empty(0, dtype=object)
    if gi_z is not None and p_fdr is not None:
        lines = np.array([f"{h}<br>Gi* z: {z:.2f}, p (FDR): {p:.3g}" for h, z, p in
                          zip(lines.tolist(), gi_z.tolist(), p_fdr.tolist(), strict=True)], dtype=object)
    return lines


def hotspot_map(cells_df: pd.DataFrame, lang: str = "ru", layer: str = "gi", height: int = 640,
                crossings: ReferenceLayer | None = None, settlements: ReferenceLayer | None = None) -> go.Figure:
    """H3 cells on the offline map, coloured by Gi* class (``layer="gi"``), count (``"count"``) or emerging
    class (``"emerging"``; needs ``class`` from :func:`analytics.hotspots.emerging.emerging_hotspots`).

    Parameters
    ----------
    cells_df : ``h3`` (uint64), ``lat, lon, count`` and, by layer, ``gi_z, p_fdr, class``.
    lang : ``ru`` / ``en``.
    layer : ``gi`` | ``count`` | ``emerging``.
    height : pixels.
    crossings, settlements : optional reference layers (``data.crossings`` / ``data.settlements``, or both
        as column arrays from ``data.reference_points``).

    Returns
    -------
    plotly.graph_objects.Figure; each cell trace carries the cell id (hex) as ``location`` and ``customdata``.
    """
    traces: list[dict[str, Any]] = []
    # Column arrays, not frames: selecting rows of a frame with a text column cost more than drawing them.
    keep = cells_df["count"].to_numpy() > 0 if not cells_df.empty else np.zeros(0, dtype=bool)
    classes = cells_df["class"].to_numpy(object) if layer != "count" and not cells_df.empty else None
    if classes is not None:
        # Empty, unremarkable cells (the rim added around incidents for Gi*) carry no information on a map.
        keep |= classes != "none"
        classes = classes[keep]
    if keep.any():
        h3_ids = cells_df["h3"].to_numpy(np.uint64)[keep]
        counts = cells_df["count"].to_numpy()[keep]
        ids = _array([f"{c:x}" for c in h3_ids.tolist()], object)
        geojson = cells_geojson(h3_ids)
        gi = "gi_z" in cells_df
        hover = _hover_lines(counts.astype(np.int64, copy=False), cells_df["gi_z"].to_numpy()[keep] if gi else None,
                             cells_df["p_fdr"].to_numpy()[keep] if gi else None, lang).view(SharedArray)
        if layer == "count" or classes is None:
            traces.append({
                "type": "choroplethmap", "geojson": geojson, "locations": ids, "z": _array(counts),
                "customdata": ids, "colorscale": _colorscale("YlOrRd"),
                "marker": {"opacity": 0.75, "line": {"width": 0.3, "color": "#999"}}, "text": hover,
                "hoverinfo": "text", "colorbar": {"title": {"text": pick(TEXT, "count", lang)}}, "name": ""})
        else:
            colours = GI_COLOURS if layer == "gi" else EMERGING_COLOURS
            names = list(colours)
            position = {name: i for i, name in enumerate(names)}
            none = position["none"]
            code = np.array([position.get(c, none) if isinstance(c, str) else none for c in classes.tolist()],
                            dtype=np.float64)
            # One trace (one copy of the hexagons) with a stepwise colour scale; the legend comes from
            # empty marker traces, one per class present, so a commander reads it without a colour bar.
            steps: list[tuple[float, str]] = []
            for i, name in enumerate(names):
                steps += [(i / len(names), colours[name]), ((i + 1) / len(names), colours[name])]
            traces.append({
                "type": "choroplethmap", "geojson": geojson, "locations": ids, "z": _array(code, np.float64),
                "zmin": -0.5, "zmax": len(names) - 0.5, "customdata": ids, "colorscale": tuple(steps),
                "showscale": False, "name": "", "showlegend": False,
                "marker": {"opacity": 0.8, "line": {"width": 0.3, "color": "#999"}}, "text": hover,
                "hoverinfo": "text"})
            present = set(classes.tolist())
            for name in names:
                if name in present:
                    traces.append({"type": "scattermap", "lat": [None], "lon": [None], "mode": "markers",
                                   "name": pick(TEXT, name, lang), "marker": {"size": 12, "color": colours[name]},
                                   "hoverinfo": "skip"})
    traces += reference_traces(lang, crossings, settlements)
    return _figure(traces, _layout(cells_df.get("lat", np.empty(0)), cells_df.get("lon", np.empty(0)), height))


def kde_map(grid: pd.DataFrame, lang: str = "ru", height: int = 640, crossings: ReferenceLayer | None = None,
            settlements: ReferenceLayer | None = None) -> go.Figure:
    """Kernel density surface (:func:`analytics.hotspots.kde.kernel_density`) as a density layer."""
    traces: list[dict[str, Any]] = []
    if not grid.empty:
        traces.append({"type": "densitymap", "lat": _array(grid["lat"]), "lon": _array(grid["lon"]),
                       "z": _array(grid["density"]), "radius": 14, "colorscale": _colorscale("YlOrRd"),
                       "opacity": 0.75, "name": "", "colorbar": {"title": {"text": pick(TEXT, "density", lang)}},
                       "hovertemplate": "%{z:.3f}<extra></extra>"})
    traces += reference_traces(lang, crossings, settlements)
    return _figure(traces, _layout(grid.get("lat", np.empty(0)), grid.get("lon", np.empty(0)), height))
