"""The Hotspots map figures before they were built from plain dicts (analytics.hotspots.charts at a0e1fc6,
validated by Plotly property by property): the reference the faster builders are compared with."""

# ruff: noqa
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.hotspots.charts import DEFAULT_CENTER, DEFAULT_ZOOM, EMERGING_COLOURS, GI_COLOURS, TEXT, base_layers
from analytics.hotspots.data import cells_geojson
from analytics.i18n import format_int, pick


def _old_view(lat: pd.Series | np.ndarray, lon: pd.Series | np.ndarray) -> tuple[dict[str, float], float]:
    """Centre and zoom that show the points (the whole study area when there are none)."""
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    if lat.size == 0:
        return DEFAULT_CENTER, DEFAULT_ZOOM
    span = max(float(np.ptp(lat)) * 1.4, float(np.ptp(lon)), 0.05)
    zoom = float(np.clip(np.log2(360.0 / span) - 0.8, 4.5, 12.0))
    return {"lat": float((lat.min() + lat.max()) / 2), "lon": float((lon.min() + lon.max()) / 2)}, zoom


def _old_finish(fig: go.Figure, lat: np.ndarray | pd.Series, lon: np.ndarray | pd.Series, height: int) -> go.Figure:
    center, zoom = _old_view(lat, lon)
    fig.update_layout(map={"style": "white-bg", "center": center, "zoom": zoom, "layers": base_layers()},
                      margin={"l": 0, "r": 0, "t": 10, "b": 0}, height=height,
                      legend={"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,0.8)"})
    return fig


def old_add_reference_points(fig: go.Figure, lang: str, crossings: pd.DataFrame | None = None,
                         settlements: pd.DataFrame | None = None) -> go.Figure:
    """Crossing points (only those with real coordinates) and district seats as marker layers."""
    if settlements is not None and not settlements.empty:
        names = settlements["name_en" if lang == "en" else "seat_ru"]
        fig.add_trace(go.Scattermap(lat=settlements["lat"], lon=settlements["lon"], mode="markers",
                                    marker={"size": 6, "color": "#333333"}, name=pick(TEXT, "settlement", lang),
                                    text=names, hoverinfo="text"))
    if crossings is not None and not crossings.empty:
        names = crossings["name_en" if lang == "en" else "name_ru"]
        fig.add_trace(go.Scattermap(lat=crossings["lat"], lon=crossings["lon"], mode="markers",
                                    marker={"size": 13, "color": "#000000", "symbol": "circle"},
                                    name=pick(TEXT, "crossing", lang), text=names + " — " + crossings["source"],
                                    hoverinfo="text"))
    return fig


def old_hotspot_map(cells_df: pd.DataFrame, lang: str = "ru", layer: str = "gi", height: int = 640,
                crossings: pd.DataFrame | None = None, settlements: pd.DataFrame | None = None) -> go.Figure:
    """H3 cells on the offline map, coloured by Gi* class (``layer="gi"``), count (``"count"``) or emerging
    class (``"emerging"``; needs ``class`` from :func:`analytics.hotspots.emerging.emerging_hotspots`).

    Parameters
    ----------
    cells_df : ``h3`` (uint64), ``lat, lon, count`` and, by layer, ``gi_z, p_fdr, class``.
    lang : ``ru`` / ``en``.
    layer : ``gi`` | ``count`` | ``emerging``.
    height : pixels.
    crossings, settlements : optional reference layers (see ``data.crossings`` / ``data.settlements``).

    Returns
    -------
    plotly.graph_objects.Figure; each cell trace carries the cell id (hex) as ``location`` and ``customdata``.
    """
    fig = go.Figure()
    cells = cells_df
    if not cells.empty:
        # Empty, unremarkable cells (the rim added around incidents for Gi*) carry no information on a map.
        keep = cells["count"] > 0
        if layer != "count":
            keep |= cells["class"] != "none"
        cells = cells[keep]
    if not cells.empty:
        # Object arrays, not lists: Plotly validates a list element by element (most of a map's build time)
        # and an array at once; the figure's JSON is the same.
        ids = np.array([f"{int(c):x}" for c in cells["h3"]], dtype=object)
        geojson = cells_geojson(cells["h3"].to_numpy(np.uint64))
        lines = [f"{pick(TEXT, 'count', lang)}: {format_int(n, lang)}" for n in cells["count"]]
        if "gi_z" in cells:
            lines = [f"{h}<br>Gi* z: {z:.2f}, p (FDR): {p:.3g}" for h, z, p in
                     zip(lines, cells["gi_z"], cells["p_fdr"], strict=True)]
        hover = np.array(lines, dtype=object)
        if layer == "count":
            fig.add_trace(go.Choroplethmap(
                geojson=geojson, locations=ids, z=cells["count"], customdata=ids, colorscale="YlOrRd",
                marker={"opacity": 0.75, "line": {"width": 0.3, "color": "#999"}}, text=hover,
                hoverinfo="text", colorbar={"title": {"text": pick(TEXT, "count", lang)}}, name=""))
        else:
            colours = GI_COLOURS if layer == "gi" else EMERGING_COLOURS
            names = list(colours)
            code = cells["class"].map({name: i for i, name in enumerate(names)}).fillna(names.index("none"))
            # One trace (one copy of the hexagons) with a stepwise colour scale; the legend comes from
            # empty marker traces, one per class present, so a commander reads it without a colour bar.
            steps = []
            for i, name in enumerate(names):
                steps += [[i / len(names), colours[name]], [(i + 1) / len(names), colours[name]]]
            fig.add_trace(go.Choroplethmap(
                geojson=geojson, locations=ids, z=code.to_numpy(float), zmin=-0.5, zmax=len(names) - 0.5,
                customdata=ids, colorscale=steps, showscale=False, name="", showlegend=False,
                marker={"opacity": 0.8, "line": {"width": 0.3, "color": "#999"}}, text=hover, hoverinfo="text"))
            for name in names:
                if (cells["class"] == name).any():
                    fig.add_trace(go.Scattermap(lat=[None], lon=[None], mode="markers", name=pick(TEXT, name, lang),
                                                marker={"size": 12, "color": colours[name]}, hoverinfo="skip"))
    old_add_reference_points(fig, lang, crossings, settlements)
    return _old_finish(fig, cells_df.get("lat", np.empty(0)), cells_df.get("lon", np.empty(0)), height)


def old_kde_map(grid: pd.DataFrame, lang: str = "ru", height: int = 640, crossings: pd.DataFrame | None = None,
            settlements: pd.DataFrame | None = None) -> go.Figure:
    """Kernel density surface (:func:`analytics.hotspots.kde.kernel_density`) as a density layer."""
    fig = go.Figure()
    if not grid.empty:
        fig.add_trace(go.Densitymap(lat=grid["lat"], lon=grid["lon"], z=grid["density"], radius=14,
                                    colorscale="YlOrRd", opacity=0.75, name="",
                                    colorbar={"title": {"text": pick(TEXT, "density", lang)}},
                                    hovertemplate="%{z:.3f}<extra></extra>"))
    old_add_reference_points(fig, lang, crossings, settlements)
    return _old_finish(fig, grid.get("lat", np.empty(0)), grid.get("lon", np.empty(0)), height)
