"""Hotspots on both sides of the border: H3 grid, Getis-Ord Gi* with FDR, kernel density, emerging hotspots,
near-repeat (Knox) and linked series, offline maps. The border corridor lives in :mod:`analytics.border`."""

from analytics.border import border_band_chart
from analytics.hotspots.analysis import (
    HotspotPointsResult,
    HotspotResult,
    analyse_hotspots,
    border_series,
    cell_incidents,
    load_cell_incidents,
    load_near_repeat_points,
)
from analytics.hotspots.charts import hotspot_map, kde_map
from analytics.hotspots.data import (
    cell_counts,
    choose_resolution,
    count_cells,
    crossings,
    load_layer_points,
    load_points,
    settlements,
)
from analytics.hotspots.emerging import emerging_hotspots, mann_kendall
from analytics.hotspots.gistar import benjamini_hochberg, compute_gi_star
from analytics.hotspots.kde import bandwidth_km, kernel_density
from analytics.hotspots.nearrepeat import knox_test, linked_series, near_repeat_summary

__all__ = [
    "HotspotPointsResult", "HotspotResult", "analyse_hotspots", "bandwidth_km", "benjamini_hochberg", "border_band_chart", "border_series",
    "cell_counts", "cell_incidents", "load_cell_incidents",
    "choose_resolution", "compute_gi_star", "count_cells", "crossings", "emerging_hotspots", "hotspot_map",
    "kde_map", "kernel_density", "knox_test", "linked_series", "load_layer_points", "load_near_repeat_points",
    "load_points", "mann_kendall",
    "near_repeat_summary", "settlements",
]
