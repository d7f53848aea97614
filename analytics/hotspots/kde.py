"""Kernel density surface: incidents per km² on a regular grid, Gaussian kernel.

Bandwidth rule (stated so an analyst can defend it): Scott's rule for two dimensions,
``h = σ · n^(-1/6)``, with ``σ`` the mean of the robust spreads of x and y (``min(sd, IQR/1.349)``, in km on
the project's conformal plane), clamped to 0.5–25 km. The surface is the binned counts smoothed with a
Gaussian filter of that bandwidth (equivalent to summing a Gaussian kernel over points, to within the grid
cell), divided by the cell area, so integrating it over the map gives the number of incidents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import ndimage

from analytics import geo

MIN_BANDWIDTH_KM = 0.5
MAX_BANDWIDTH_KM = 25.0
MAX_NODES_PER_AXIS = 300
KDE_COLUMNS = {"lat": np.float64, "lon": np.float64, "density": np.float64}


def bandwidth_km(xy: np.ndarray) -> float:
    """Scott's rule bandwidth (km) for points in the km plane, clamped to 0.5–25 km."""
    n = len(xy)
    if n < 2:
        return MIN_BANDWIDTH_KM
    spreads = []
    for axis in range(2):
        values = xy[:, axis]
        q75, q25 = np.percentile(values, [75, 25])
        sd = float(values.std(ddof=1))
        iqr = (q75 - q25) / 1.349
        spreads.append(min(sd, iqr) if iqr > 0 else sd)
    sigma = float(np.mean(spreads))
    return float(np.clip(sigma * n ** (-1 / 6), MIN_BANDWIDTH_KM, MAX_BANDWIDTH_KM))


def kernel_density(lat: np.ndarray, lon: np.ndarray, bandwidth: float | None = None,
                   cell_km: float | None = None, keep_share: float = 0.02) -> pd.DataFrame:
    """Gaussian kernel density of points.

    Parameters
    ----------
    lat, lon : degrees.
    bandwidth : km; ``None`` = Scott's rule (module docstring).
    cell_km : grid step; ``None`` = a third of the bandwidth (at most 300 nodes per axis).
    keep_share : drop nodes below this share of the maximum (keeps the map light).

    Returns
    -------
    pandas.DataFrame
        ``lat, lon, density`` (incidents per km²) of grid nodes; ``attrs`` has ``bandwidth_km`` and ``cell_km``.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    keep = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[keep], lon[keep]
    if lat.size == 0:
        out = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in KDE_COLUMNS.items()})
        out.attrs.update(bandwidth_km=float("nan"), cell_km=float("nan"))
        return out
    xy = geo.to_km(lon, lat)
    h = bandwidth if bandwidth is not None else bandwidth_km(xy)
    low, high = xy.min(axis=0) - 3 * h, xy.max(axis=0) + 3 * h
    step = cell_km or h / 3
    step = max(step, float((high - low).max()) / MAX_NODES_PER_AXIS)
    nx, ny = (np.ceil((high - low) / step).astype(int) + 1)
    counts, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=[nx, ny],
                                  range=[[low[0], low[0] + nx * step], [low[1], low[1] + ny * step]])
    density = ndimage.gaussian_filter(counts, sigma=h / step, mode="constant", truncate=4.0) / step**2
    ix, iy = np.nonzero(density >= keep_share * density.max())
    x = low[0] + (ix + 0.5) * step
    y = low[1] + (iy + 0.5) * step
    node_lon, node_lat = geo.from_km(x, y)
    out = pd.DataFrame({"lat": node_lat, "lon": node_lon, "density": density[ix, iy]})
    out.attrs.update(bandwidth_km=h, cell_km=step)
    return out
