"""The picture of an offline map figure redrawn as plain SVG shapes, for slide images.

The hotspot map is a Plotly *map* figure (MapLibre, WebGL) on ``white-bg`` with local GeoJSON layers and no
tiles. Headless Chromium draws WebGL in software: one such map took ~2 s of CPU to export, more than every
other chart of the deck together. Without tiles the map is only polygons, lines and markers, so the same
picture is drawn here on hidden cartesian axes in Web-Mercator pixels (the projection and zoom MapLibre
uses), which Plotly renders as SVG in ~0.1 s. The interactive figure itself is unchanged (the presentation
page and the Hotspots page show it); only its image is made this way.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import unlabel_rgb

MAP_TRACES = {"choroplethmap", "scattermap"}
TILE_SIZE = 512  # MapLibre's world is 512 × 2**zoom CSS pixels wide
MAX_LAT = 85.0511  # Web-Mercator limit


def is_map_figure(figure: go.Figure) -> bool:
    """True when the figure is drawn on a MapLibre map (and has no other kind of trace)."""
    kinds = {trace.type for trace in figure.data}
    return bool(kinds) and kinds <= MAP_TRACES


def project(lon: Iterable[float | None], lat: Iterable[float | None], zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator pixel coordinates at ``zoom`` (y grows northwards); a missing point stays NaN (a gap).

    Parameters
    ----------
    lon, lat : degrees (``None`` or NaN for a gap).
    zoom : MapLibre zoom.

    Returns
    -------
    tuple[numpy.ndarray, numpy.ndarray]
        x and y in CSS pixels of the world at that zoom.
    """
    world = TILE_SIZE * 2.0**zoom
    x = np.array([np.nan if v is None else v for v in lon], dtype=np.float64)
    y = np.array([np.nan if v is None else v for v in lat], dtype=np.float64)
    phi = np.radians(np.clip(y, -MAX_LAT, MAX_LAT))
    return x / 360.0 * world, np.log(np.tan(np.pi / 4 + phi / 2)) / (2 * np.pi) * world


def _values(value: Any) -> list:
    """A trace array as a list: plotly may hold numbers as a base64 typed array (``{"dtype", "bdata"}``)."""
    if value is None:
        return []
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)


def _rings(geometry: dict[str, Any]) -> list[Sequence[Sequence[float]]]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    if kind == "LineString":
        return [coordinates]
    if kind == "MultiLineString":
        return list(coordinates)
    return []


def _path(geometries: Iterable[dict[str, Any]], zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """All rings of the geometries as one x/y path, rings separated by gaps (NaN)."""
    parts = [np.vstack([np.asarray(ring, dtype=np.float64)[:, :2], [[np.nan, np.nan]]])
             for geometry in geometries for ring in _rings(geometry) if len(ring)]
    points = np.vstack(parts) if parts else np.empty((0, 2))
    return project(points[:, 0], points[:, 1], zoom)


def _features(source: Any) -> list[dict[str, Any]]:
    if isinstance(source, dict):
        if source.get("type") == "FeatureCollection":
            return list(source.get("features") or [])
        if source.get("type") == "Feature":
            return [source]
        return [{"type": "Feature", "geometry": source}]
    return []


def _rgb(colour: str) -> str:
    """``#rrggbb`` as ``rgb(r, g, b)`` (what plotly's colour-scale sampling reads); other forms unchanged."""
    if colour.startswith("#") and len(colour) == 7:
        return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
    return colour


def _sample(scale: list[tuple[float, str]], share: np.ndarray) -> list[str]:
    """Colours of a plotly colour scale at positions 0..1, interpolated linearly in RGB as plotly.js does."""
    positions = np.array([pos for pos, _ in scale], dtype=np.float64)
    channels = np.array([unlabel_rgb(colour) for _, colour in scale], dtype=np.float64)
    # The last step at or below each position, so a stepwise scale (equal positions) keeps its steps.
    upper = np.clip(np.searchsorted(positions, share, side="right"), 1, len(positions) - 1)
    lower = upper - 1
    width = positions[upper] - positions[lower]
    weight = np.divide(share - positions[lower], width, out=np.zeros_like(share), where=width > 0)
    mixed = channels[lower] + (channels[upper] - channels[lower]) * np.clip(weight, 0, 1)[:, None]
    return [f"rgb({round(r)}, {round(g)}, {round(b)})" for r, g, b in mixed]


def _with_alpha(colour: str, alpha: float) -> str:
    colour = _rgb(colour)
    if colour.startswith("rgba"):
        return colour
    r, g, b = unlabel_rgb(colour)
    return f"rgba({int(r)}, {int(g)}, {int(b)}, {alpha:g})"


def _layer_traces(layers: Iterable[Any], zoom: float) -> list[go.Scatter]:
    traces = []
    for layer in layers:
        geometries = [feature.get("geometry") or {} for feature in _features(layer.source)]
        x, y = _path(geometries, zoom)
        colour = layer.color or "#444444"
        opacity = layer.opacity if layer.opacity is not None else 1.0
        if layer.type == "fill":
            traces.append(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=_with_alpha(colour, opacity),
                                     line={"width": 0}, hoverinfo="skip", showlegend=False))
        elif layer.type == "line":
            width = layer.line.width if layer.line.width is not None else 2
            traces.append(go.Scatter(x=x, y=y, mode="lines", line={"color": colour, "width": width},
                                     opacity=opacity, hoverinfo="skip", showlegend=False))
    return traces


def _choropleth_traces(trace: Any, zoom: float) -> list[go.Scatter]:
    """One filled path per colour (cells of one colour drawn together), plus a colour bar when shown."""
    features = {str(feature.get("id")): feature.get("geometry") or {} for feature in _features(trace.geojson)}
    z = np.asarray(_values(trace.z), dtype=np.float64)
    locations = _values(trace.locations)
    if not locations or z.size == 0:
        return []
    zmin = float(trace.zmin) if trace.zmin is not None else float(np.nanmin(z))
    zmax = float(trace.zmax) if trace.zmax is not None else float(np.nanmax(z))
    scale: list[tuple[float, str]] = [(float(pos), _rgb(str(colour))) for pos, colour in trace.colorscale]
    if trace.reversescale:
        scale = [(1 - pos, colour) for pos, colour in reversed(scale)]
    share = np.clip((z - zmin) / (zmax - zmin), 0.0, 1.0) if zmax > zmin else np.full(z.size, 0.5)
    colours = _sample(scale, share)
    opacity = trace.marker.opacity if trace.marker.opacity is not None else 1.0
    line = {"color": trace.marker.line.color or "#444444", "width": trace.marker.line.width or 0}
    groups: dict[str, list[dict[str, Any]]] = {}
    for location, colour in zip(locations, colours, strict=True):
        if str(location) in features:
            groups.setdefault(colour, []).append(features[str(location)])
    traces = []
    for colour, geometries in groups.items():
        x, y = _path(geometries, zoom)
        traces.append(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=_with_alpha(colour, opacity),
                                 line=line, hoverinfo="skip", showlegend=False))
    if trace.showscale is not False:
        traces.append(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                                 marker={"color": [zmin, zmax], "cmin": zmin, "cmax": zmax, "colorscale": scale,
                                         "showscale": True, "colorbar": trace.colorbar.to_plotly_json()}))
    return traces


def _marker_trace(trace: Any, zoom: float) -> go.Scatter:
    x, y = project(_values(trace.lon), _values(trace.lat), zoom)
    marker = trace.marker.to_plotly_json()
    marker.pop("allowoverlap", None)
    marker.pop("angle", None)
    return go.Scatter(x=x, y=y, mode=trace.mode or "markers", name=trace.name, marker=marker,
                      showlegend=trace.showlegend, legendgroup=trace.legendgroup, hoverinfo="skip",
                      cliponaxis=True)


def static_map(figure: go.Figure, width: int, height: int) -> go.Figure:
    """The map figure's picture on hidden cartesian axes, framed as MapLibre frames it at ``width × height``.

    Parameters
    ----------
    figure : a figure of ``choroplethmap`` / ``scattermap`` traces (see :func:`is_map_figure`).
    width, height : the pixel canvas the image is exported at (as in ``ChartJob``).

    Returns
    -------
    plotly.graph_objects.Figure
        Scatter traces only: the below-traces layers, the choropleth cells (one path per colour), the other
        layers, then the markers; the legend, margins and fonts of the original layout.
    """
    layout = figure.layout
    view = layout.map
    zoom = float(view.zoom if view.zoom is not None else 1.0)
    center_lon = view.center.lon if view.center.lon is not None else 0.0
    center_lat = view.center.lat if view.center.lat is not None else 0.0
    x0, y0 = project([center_lon], [center_lat], zoom)
    cx, cy = float(x0[0]), float(y0[0])
    margin = layout.margin
    left, right = margin.l if margin.l is not None else 80, margin.r if margin.r is not None else 80
    plot_w = max(width - left - right, 1)
    layers = list(view.layers or [])
    below = [layer for layer in layers if layer.below]
    above = [layer for layer in layers if not layer.below]
    traces: list[go.Scatter] = _layer_traces(below, zoom)
    for trace in figure.data:
        if trace.type == "choroplethmap":
            traces += _choropleth_traces(trace, zoom)
    traces += _layer_traces(above, zoom)
    traces += [_marker_trace(trace, zoom) for trace in figure.data if trace.type == "scattermap"]
    out = go.Figure(traces)
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    out.update_layout(
        margin=margin.to_plotly_json(), legend=layout.legend.to_plotly_json(), font=layout.font.to_plotly_json(),
        showlegend=layout.showlegend, paper_bgcolor="white", plot_bgcolor="white", width=width, height=height,
        xaxis={**hidden, "range": [cx - plot_w / 2, cx + plot_w / 2]},
        # One pixel per unit both ways, centred on the map centre: plotly widens this tiny y range to the
        # plot's real height, which the legend below the map may have shortened, as MapLibre crops its view.
        yaxis={**hidden, "range": [cy - 1, cy + 1], "scaleanchor": "x", "scaleratio": 1, "constrain": "range",
               "constraintoward": "middle"},
    )
    return out
