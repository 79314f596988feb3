"""What a query map draws besides its places: the query's point, its circle, lines to the answers.

``geo query within ... --map`` draws the point and the geodesic circle of the
radius; ``geo query nearest ... --map`` the point and a geodesic line to each
answer, labelled with its distance.  Circles and lines are computed here on the
WGS84 ellipsoid (:mod:`geo.sphere`), so that a place at 299 km lies inside the
300 km circle on the map as it does in the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from geo.errors import UsageError
from geo.i18n import Translator
from geo.render.basemap import _polyline_chars
from geo.render.text import PLACE_DECIMALS, _coordinates_text
from geo.render.view import _latlon, _shift_lon
from geo.sphere import MAX_KM, geodesic_circle, geodesic_km, geodesic_path

__all__ = ["QueryMark"]

#: Points of a query's circle, and inner points of each line to an answer.
_CIRCLE_POINTS = 180
_LINE_POINTS = 32


@dataclass(frozen=True)
class QueryMark:
    """The query a map answers, drawn with its places.

    Attributes
    ----------
    lon, lat : float
        The query's point, EPSG:4326 degrees.
    radius_km : float or None
        ``within``: the geodesic radius (km, WGS84) whose circle the map draws.
    lines : bool
        ``nearest``: draw a geodesic line from the point to each place, with its
        distance (km, WGS84).

    Examples
    --------
    >>> QueryMark(lon=49.87, lat=40.41, radius_km=300)
    QueryMark(lon=49.87, lat=40.41, radius_km=300, lines=False)
    """

    lon: float
    lat: float
    radius_km: float | None = None
    lines: bool = False

    def __post_init__(self) -> None:
        problems = []
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            problems.append(f"lon={self.lon!r} (expected -180 <= lon <= 180)")
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            problems.append(f"lat={self.lat!r} (expected -90 <= lat <= 90)")
        if self.radius_km is not None and not (
            math.isfinite(self.radius_km) and 0 <= self.radius_km <= MAX_KM
        ):
            problems.append(
                f"radius_km={self.radius_km!r} (expected a number from 0 to {MAX_KM}, or None)"
            )
        if problems:
            msg = "Got QueryMark " + ", ".join(problems)
            raise UsageError(msg)


def _query_points(mark: QueryMark | None) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes the map's view must hold for ``mark``: its point and circle."""
    if mark is None:
        return np.empty(0), np.empty(0)
    if mark.radius_km:
        lon, lat = geodesic_circle(mark.lon, mark.lat, mark.radius_km, _CIRCLE_POINTS)
        return np.r_[mark.lon, lon], np.r_[mark.lat, lat]
    return np.array([mark.lon]), np.array([mark.lat])


def _query_json(
    mark: QueryMark | None,
    ids: list[str],
    names: list[str],
    lon: np.ndarray,
    lat: np.ndarray,
    center_lon: float,
    t: Translator,
) -> dict[str, Any] | None:
    """The data document's ``query``: the point, the circle and the lines, in the page's longitudes.

    ``{"at": [lat, lon], "where": text, "km": radius or null, "circle": polyline or
    null, "lines": [[id, name, polyline, km], ...]}``; rings and lines are
    polyline-encoded ``[lat, lon]`` steps of ``1e-5`` degree.
    """
    if mark is None:
        return None
    start = _shift_lon(mark.lon, center_lon)
    out: dict[str, Any] = {
        "at": _latlon(round(start, PLACE_DECIMALS), round(mark.lat, PLACE_DECIMALS)),
        "circle": None,
        "km": mark.radius_km,
        "lines": [],
        "where": t("query.point", where=_coordinates_text(t, mark.lon, mark.lat)),
    }
    if mark.radius_km:
        ring_lon, ring_lat = geodesic_circle(mark.lon, mark.lat, mark.radius_km, _CIRCLE_POINTS)
        out["circle"] = _encode_line(ring_lon - mark.lon + start, ring_lat)
    if mark.lines and len(ids):
        km = geodesic_km(np.full(len(lon), mark.lon), np.full(len(lat), mark.lat), lon, lat)
        for i in np.argsort(km, kind="stable").tolist():
            path_lon, path_lat = geodesic_path(
                mark.lon, mark.lat, float(lon[i]), float(lat[i]), _LINE_POINTS
            )
            line = _encode_line(path_lon - mark.lon + start, path_lat)
            out["lines"].append([ids[i], names[i], line, round(float(km[i]), 3)])
    return out


def _encode_line(lon: np.ndarray, lat: np.ndarray) -> str:
    """``[lat, lon]`` points as a polyline string on a grid of ``1e-5`` degree."""
    scale = 10**PLACE_DECIMALS
    grid = np.rint(np.column_stack(_latlon(lon, lat)) * scale).astype(np.int64)
    steps = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return _polyline_chars(steps.ravel())[0].decode("ascii")
