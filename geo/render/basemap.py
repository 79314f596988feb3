"""The offline basemap: one row per country, its polygons as polyline-encoded rings.

Coordinates are stored on a :data:`BASEMAP_GRID_DEG` grid, in the page's
longitudes: a polygon is moved by 360 degrees when the page's world is centred
across the antimeridian (see :func:`geo.render.view._shift_lon`).

Each row carries its country's name in the map's language, and where it goes:
the pole of inaccessibility of its largest polygon (:func:`shapely.ops.polylabel`),
found in Web Mercator as the map draws it, with the radius of the largest circle
inside that polygon and the polygon's width, for the page to show the name only
at zooms where it fits.  Around each of the page's places, the countries within
:data:`ANCHOR_KM` get more such points, inside their part of the disk
(:func:`_place_anchors`): zoomed in to a border post, both countries are named
in view.  Each row also carries a colour (:func:`_colours`): neighbouring
countries never share one, so both sides of every border can be told apart.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from geo import cache
from geo.i18n import Translator
from geo.render.memo import content_key, kept
from geo.render.text import _country, _text, _truthy
from geo.render.view import _latlon, _shift_lon, _shift_lons

__all__ = ["ANCHOR_KM", "BASEMAP_GRID_DEG", "COLOURS"]

log = logging.getLogger(__name__)


#: Basemap coordinates are stored on this grid (degrees); the display data are on it already.
BASEMAP_GRID_DEG = 0.01
#: Web Mercator's world is this many pixels wide at zoom 0 (Leaflet's 256-pixel tiles).
_WORLD_PX = 256.0
#: A label whose polygon holds no circle this wide (pixels) at zoom 18 is never shown.
_LABEL_MIN_PX = 14.0
_MAX_ZOOM = 18
#: Countries this close to a place (km) get a label point near it: one per distance.
ANCHOR_KM = (80.0, 20.0)
#: A page of more places than this gets no label points near them (see geo.render.towns).
ANCHOR_PLACES_LIMIT = 500
#: How many fills neighbouring countries are given (:func:`_colours`).
COLOURS = 5
#: Countries closer than this (degrees) are neighbours: the display layer's borders meet.
_NEIGHBOUR_DEG = 0.02
_EARTH_CIRCUMFERENCE_KM = 40075.017
#: Countries wider than this (pixels at zoom 0) get a label point in each such square.
_CELL_PX = 12.0
#: A piece of a square narrower than this (inscribed radius, pixels at zoom 0) gets none.
_CELL_MIN_RADIUS_PX = 1.5


@dataclass(frozen=True)
class _Prepared:
    """What every page draws of one display layer, in its own longitudes (no shift).

    For each polygon its country and its middle longitude; for each ring its
    polygon and its polyline text (see :func:`_encode_rings`); for each named
    country ``(polygon, lon, lat, radius, width)`` (see :func:`_labels`).  A
    page re-encodes only the polygons it moves by 360 degrees.
    """

    country_of_polygon: np.ndarray
    middle: np.ndarray
    polygon_of_ring: np.ndarray
    encoded: list[str]
    labels: dict[int, tuple[int, float, float, float, float]]
    #: the rings of a page that moves no polygon (see :func:`_assemble`); shared, read only
    parts: dict[int, list[list[str]]]

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays of a :mod:`geo.cache` entry (see :meth:`from_arrays`)."""
        label_rows = [(i, *label) for i, label in sorted(self.labels.items())]
        table = np.array(label_rows, dtype=float).reshape(-1, 6)
        return {
            "country_of_polygon": self.country_of_polygon.astype(np.int64),
            "middle": self.middle.astype(float),
            "polygon_of_ring": self.polygon_of_ring.astype(np.int64),
            "encoded": np.frombuffer("".join(self.encoded).encode("ascii"), dtype=np.uint8),
            "encoded_ends": np.cumsum([len(t) for t in self.encoded], dtype=np.int64),
            "labels": table,
            "parts": cache.to_json_array(sorted(self.parts.items())),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> _Prepared:
        """The prepared layer of :meth:`arrays`; ``ValueError`` when they do not fit."""
        country, middle = arrays["country_of_polygon"], arrays["middle"]
        polygon_of_ring, text = arrays["polygon_of_ring"], arrays["encoded"].tobytes().decode()
        ends = arrays["encoded_ends"].tolist()
        table = arrays["labels"]
        if len(country) != len(middle) or len(polygon_of_ring) != len(ends):
            raise ValueError("arrays of several lengths")
        if (ends and ends[-1] != len(text)) or any(b < a for a, b in itertools.pairwise(ends)):
            raise ValueError("ring texts that do not fit their ends")
        encoded = [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        if table.ndim != 2 or table.shape[1] != 6:
            raise ValueError(f"a label table of shape {table.shape}")
        labels = {
            int(i): (int(k), lon, lat, radius, width)
            for i, k, lon, lat, radius, width in table.tolist()
        }
        parts = {int(i): rings for i, rings in cache.from_json_array(arrays["parts"])}
        return cls(country, middle, polygon_of_ring, encoded, labels, parts)


def _assemble(
    encoded: list[str],
    polygon_of_ring: np.ndarray,
    country_of_polygon: np.ndarray,
    rings: np.ndarray | None = None,
) -> dict[int, list[list[str]]]:
    """Each country's polygons, each a list of its ring texts (exterior first).

    A polygon whose exterior has no text (fewer than 3 grid points) is left
    out, with its holes; so is a hole of no text.  ``rings`` (indices, in
    order, whole polygons) limits the work to some rings.
    """
    countries = country_of_polygon.tolist()
    chosen = range(len(encoded)) if rings is None else rings.tolist()
    polygons = polygon_of_ring.tolist()
    parts: dict[int, list[list[str]]] = {}
    previous = -1
    current = ""
    for text, poly in ((encoded[i], polygons[i]) for i in chosen):
        if poly != previous:  # the first ring of a polygon is its exterior
            previous = poly
            if text:
                parts.setdefault(countries[poly], []).append([text])
            current = text
        elif text and current:
            parts[countries[poly]][-1].append(text)
    return parts


def _polygons(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The layer's non-empty polygons, and the row each comes from."""
    polygons, country_of_polygon = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(polygons) == 3
    keep &= ~shapely.is_empty(polygons)
    return polygons[keep], country_of_polygon[keep]


def _prepare(geoms: np.ndarray) -> _Prepared:
    polygons, country_of_polygon = _polygons(geoms)
    bounds = shapely.bounds(polygons).reshape(-1, 4)
    middle = (bounds[:, 0] + bounds[:, 2]) / 2.0
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    encoded = _encode_rings(rings, np.zeros(len(rings)))
    labels = _labels(polygons, country_of_polygon)
    parts = _assemble(encoded, polygon_of_ring, country_of_polygon)
    return _Prepared(country_of_polygon, middle, polygon_of_ring, encoded, labels, parts)


def _prepared(geoms: np.ndarray) -> _Prepared:
    """The layer prepared: once per process, and kept in :mod:`geo.cache` across processes."""
    return kept(
        "basemap",
        geoms,
        lambda: _prepare(geoms),
        arrays=_Prepared.arrays,
        restore=_Prepared.from_arrays,
        code=__name__,
    )


def _country_rows(
    countries: gpd.GeoDataFrame,
    center_lon: float,
    t: Translator,
    place_lon: np.ndarray | None = None,
    place_lat: np.ndarray | None = None,
) -> list[list[Any]]:
    """Rows ``[iso3, name, region, member, parts, label, colour, anchors]``, by iso3 and name.

    ``name`` is the country's name in the map's language (``t``): CLDR's, through
    Babel, or the data's own (see :func:`geo.render.text._country`).

    ``parts`` lists polygons, each a list of rings encoded with the polyline
    algorithm: ``[lat, lon]`` steps on a :data:`BASEMAP_GRID_DEG` grid, the
    closing point left out.  A polygon is moved by 360 degrees as a whole when
    its middle lies outside the page's world (see :func:`_shift_lon`).
    ``label`` is ``[lat, lon, radius, width]`` (see :func:`_labels`) or ``None``
    for a country too small to be named at any zoom.  ``colour`` is the
    country's fill (:func:`_colours`), ``anchors`` its label points near the
    places (``place_lon``, ``place_lat``: EPSG:4326 degrees), each as
    ``label`` (:func:`_place_anchors`; none on a page of more than
    :data:`ANCHOR_PLACES_LIMIT` places).

    The geometry's share of the work is done once per layer
    (:func:`geo.render.memo.kept`): the pages of a build share it.
    """
    geoms = np.asarray(countries.geometry.values, dtype=object)
    layer = _prepared(geoms)
    offset = _shift_lons(layer.middle, center_lon) - layer.middle
    encoded = layer.encoded
    ring_offset = offset[layer.polygon_of_ring]
    moved = np.flatnonzero(ring_offset != 0.0)
    if len(moved):
        rings = shapely.get_rings(_polygons(geoms)[0])[moved]
        encoded = list(encoded)
        for i, text in zip(moved.tolist(), _encode_rings(rings, ring_offset[moved]), strict=True):
            encoded[i] = text

    parts = layer.parts
    if len(moved):  # the countries of the moved polygons, assembled again
        country_of_ring = layer.country_of_polygon[layer.polygon_of_ring]
        moved_countries = np.unique(country_of_ring[moved])
        again = np.flatnonzero(np.isin(country_of_ring, moved_countries))
        redone = _assemble(encoded, layer.polygon_of_ring, layer.country_of_polygon, again)
        left = set(moved_countries.tolist())
        parts = {i: p for i, p in parts.items() if i not in left}
        parts.update(redone)

    labels = {
        i: [*_latlon(round(lon + float(offset[k]), 2), round(lat, 2)), radius, width]
        for i, (k, lon, lat, radius, width) in layer.labels.items()
    }
    iso3s = [_text(v) for v in countries["iso3"].tolist()]
    names = [_text(v) for v in countries["name"].tolist()]
    keys = [(iso3 or "", name or "") for iso3, name in zip(iso3s, names, strict=True)]
    colours = _layer_colours(geoms, keys).tolist()
    anchors = {c: list(a) for c, a in _layer_cell_anchors(geoms).items()}
    if place_lon is not None and place_lat is not None and len(place_lon) <= ANCHOR_PLACES_LIMIT:
        for c, near in _layer_anchors(geoms, place_lon, place_lat).items():
            anchors.setdefault(c, []).extend(near)
    member = _truthy(countries["member"]).to_numpy()
    regions = countries["region"].tolist()
    rows = [
        [
            iso3 or "",
            _country(t, iso3, name) or "",
            _text(regions[i]),
            bool(member[i]),
            parts[i],
            labels.get(i),
            colours[i],
            [
                [*_latlon(round(_shift_lon(lon, center_lon), 3), lat), radius, width]
                for lon, lat, radius, width in anchors.get(i, [])
            ],
        ]
        for i, (iso3, name) in enumerate(zip(iso3s, names, strict=True))
        if i in parts
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _labels(
    polygons: np.ndarray, country_of_polygon: np.ndarray
) -> dict[int, tuple[int, float, float, float, float]]:
    """Where each country's name goes: ``{country index: (polygon, lon, lat, radius, width)}``.

    The point is the pole of inaccessibility (:func:`shapely.ops.polylabel`) of the
    country's largest polygon in Web Mercator (``polygon``, its index), in the
    layer's longitudes (a page adds its shift); ``radius`` is the distance from it to the
    polygon's boundary and ``width`` the polygon's width, both in pixels at zoom
    0 (a 256-pixel world).  Countries whose circle is narrower than
    :data:`_LABEL_MIN_PX` at the deepest zoom get no label.
    """
    if not len(polygons):
        return {}
    projected = shapely.transform(polygons, _mercator_px)
    area = shapely.area(projected)
    order = np.lexsort((-area, country_of_polygon))  # each country's largest polygon first
    first = order[np.r_[True, country_of_polygon[order][1:] != country_of_polygon[order][:-1]]]
    out: dict[int, tuple[int, float, float, float, float]] = {}
    for k in first.tolist():
        shape = projected[k]
        x0, _, x1, _ = shapely.bounds(shape)
        tolerance = max(1e-4, 0.02 * (x1 - x0))
        pole = polylabel(shape, tolerance=tolerance)
        radius = float(shapely.distance(pole, shapely.boundary(shape)))
        if 2.0 * radius * 2.0**_MAX_ZOOM < _LABEL_MIN_PX:
            continue
        lon, lat = _lon_lat_of_px(float(shapely.get_x(pole)), float(shapely.get_y(pole)))
        out[int(country_of_polygon[k])] = (k, lon, lat, _round3(radius), _round3(x1 - x0))
    return out


def _mercator_px(lon_lat: np.ndarray) -> np.ndarray:
    """EPSG:4326 ``(lon, lat)`` to Web Mercator pixels at zoom 0 (y down), as Leaflet draws."""
    lon = lon_lat[:, 0]
    lat = np.radians(np.clip(lon_lat[:, 1], -85.05, 85.05))
    x = (lon + 180.0) / 360.0 * _WORLD_PX
    y = (1.0 - np.log(np.tan(np.pi / 4.0 + lat / 2.0)) / np.pi) / 2.0 * _WORLD_PX
    return np.column_stack([x, y])


def _lon_lat_of_px(x: float, y: float) -> tuple[float, float]:
    """The inverse of :func:`_mercator_px` for one point."""
    lon = x / _WORLD_PX * 360.0 - 180.0
    lat = np.degrees(2.0 * np.arctan(np.exp(np.pi * (1.0 - 2.0 * y / _WORLD_PX))) - np.pi / 2.0)
    return lon, float(lat)


def _round3(value: float) -> float:
    """``value`` to three significant digits (a label's sizes need no more)."""
    return float(f"{value:.3g}")


def _encode_rings(
    rings: np.ndarray, lon_offset: np.ndarray, *, grid_deg: float = BASEMAP_GRID_DEG
) -> list[str]:
    """Encode rings as polyline strings on a ``grid_deg`` grid; "" for fewer than 3 grid points."""
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return [""] * len(rings)
    lat_lon = np.column_stack(_latlon(coords[:, 0] + lon_offset[ring], coords[:, 1]))
    grid = np.rint(lat_lon / grid_deg).astype(np.int64)
    # Drop repeated grid points and each ring's closing point.
    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    keep = new_ring | (grid != np.roll(grid, 1, axis=0)).any(axis=1)
    first = np.flatnonzero(new_ring)
    first_of_own_ring = first[np.searchsorted(first, np.arange(len(grid)), side="right") - 1]
    last = np.r_[ring[1:] != ring[:-1], True]
    keep &= ~(last & ~new_ring & (grid == grid[first_of_own_ring]).all(axis=1))
    grid, ring = grid[keep], ring[keep]
    counts = np.bincount(ring, minlength=len(rings))

    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    deltas[new_ring] = grid[new_ring]
    chars, lengths = _polyline_chars(deltas.ravel())
    per_point = lengths.reshape(-1, 2).sum(axis=1)
    ends = np.cumsum(np.bincount(ring, weights=per_point, minlength=len(rings)).astype(np.int64))
    text = chars.decode("ascii")
    starts = np.r_[0, ends[:-1]]
    return [
        text[a:b] if n >= 3 else ""
        for a, b, n in zip(starts.tolist(), ends.tolist(), counts.tolist(), strict=True)
    ]


def _polyline_chars(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Signed integers in the polyline algorithm (ASCII 63-126), and each one's length.

    >>> _polyline_chars(np.array([3850000, -12020000, 0]))[0]  # Google's example
    b'_p~iF~ps|U?'
    """
    zigzag = np.where(values < 0, ~(values << 1), values << 1).astype(np.int64)
    chunks = np.stack([(zigzag >> (5 * k)) & 0x1F for k in range(7)], axis=1)
    lengths = np.maximum(1, (np.floor(np.log2(np.maximum(zigzag, 1))) // 5 + 1).astype(np.int64))
    lengths[zigzag == 0] = 1
    position = np.arange(7)
    used = position < lengths[:, None]
    more = position < (lengths[:, None] - 1)
    codes = (chunks | np.where(more, 0x20, 0)) + 63
    return codes[used].astype(np.uint8).tobytes(), lengths


def _colours(geoms: np.ndarray, keys: list[tuple[str, str]]) -> np.ndarray:
    """A fill per row (``0 .. COLOURS - 1``), different between neighbouring countries.

    The rows of one country (the same ``keys`` item: iso3 and name) share a
    fill.  Countries whose shapes come within :data:`_NEIGHBOUR_DEG` of each
    other are neighbours.  They are coloured greedily, the country with the
    most distinctly coloured neighbours first (DSatur), ties by degree then by
    key: the same layer always gets the same fills.  A country whose
    neighbours take every colour gets the one fewest of them have.
    """
    names = sorted(set(keys))
    node_of = {k: i for i, k in enumerate(names)}
    node = np.array([node_of[k] for k in keys], dtype=np.int64)
    n = len(names)
    neighbours: list[set[int]] = [set() for _ in range(n)]
    polygons, row_of_polygon = _polygons(geoms)
    if len(polygons):
        tree = shapely.STRtree(polygons)
        left, right = tree.query(polygons, predicate="dwithin", distance=_NEIGHBOUR_DEG)
        pairs = zip(
            node[row_of_polygon[left]].tolist(), node[row_of_polygon[right]].tolist(), strict=True
        )
        for a, b in pairs:
            if a != b:
                neighbours[a].add(b)
                neighbours[b].add(a)
    colour = [-1] * n
    degree = [len(s) for s in neighbours]
    taken: list[set[int]] = [set() for _ in range(n)]  # the colours of each one's neighbours
    left_over = set(range(n))
    while left_over:
        best = max(left_over, key=lambda i: (len(taken[i]), degree[i], -i))
        left_over.discard(best)
        used = [colour[j] for j in neighbours[best] if colour[j] >= 0]
        free = [c for c in range(COLOURS) if c not in used]
        colour[best] = free[0] if free else min(range(COLOURS), key=used.count)
        for j in neighbours[best]:
            taken[j].add(colour[best])
    return np.array(colour, dtype=np.int64)[node] if len(node) else np.zeros(0, dtype=np.int64)


def _layer_colours(geoms: np.ndarray, keys: list[tuple[str, str]]) -> np.ndarray:
    """:func:`_colours` of a layer, once per process for the same shapes and countries."""
    digest = content_key(geoms)

    def load_or_compute() -> np.ndarray:
        entry = cache.entry_key("fills", digest.hex(), keys, code=__name__)
        found = cache.load("fills", entry)
        if found is not None and found.get("colour", np.zeros(0)).shape == (len(keys),):
            return np.asarray(found["colour"], dtype=np.int64)
        colour = _colours(geoms, keys)
        cache.store("fills", entry, {"colour": colour})
        return colour

    return cache.remembered("fills", (digest, tuple(keys)), load_or_compute, keep=4)


def _place_anchors(
    geoms: np.ndarray, place_lon: np.ndarray, place_lat: np.ndarray
) -> dict[int, list[tuple[float, float, float, float]]]:
    """More label points per country, near the places: ``{row: [(lon, lat, radius, width)]}``.

    For each place (EPSG:4326 degrees) and each distance of
    :data:`ANCHOR_KM`, each country met by the disk of that radius around the
    place gets a point: the pole of inaccessibility of its part of the disk
    (its largest piece), in Web Mercator as the map draws it, with that
    piece's inscribed radius and width in pixels at zoom 0 (as
    :func:`_labels`).  Points of a country closer together than the radius
    of the first are kept once.  Sorted, for the same bytes every time.
    """
    polygons, country_of_polygon = _polygons(geoms)
    ok = np.isfinite(place_lon) & np.isfinite(place_lat) & (np.abs(place_lat) < 85.0)
    points = sorted(
        {
            (round(float(x), 2), round(float(y), 2))
            for x, y in zip(place_lon[ok].tolist(), place_lat[ok].tolist(), strict=True)
        }
    )
    if not len(polygons) or not points:
        return {}
    projected = shapely.transform(polygons, _mercator_px)
    tree = shapely.STRtree(projected)
    out: dict[int, list[tuple[float, float, float, float]]] = {}
    centres = _mercator_px(np.array(points, dtype=float))
    for radius_km in ANCHOR_KM:
        for (_, lat), (x, y) in zip(points, centres.tolist(), strict=True):
            radius_px = radius_km / (_EARTH_CIRCUMFERENCE_KM * np.cos(np.radians(lat))) * _WORLD_PX
            disk = shapely.Point(x, y).buffer(radius_px, quad_segs=8)
            pieces: dict[int, Any] = {}
            for k in tree.query(disk, predicate="intersects").tolist():
                clipped = shapely.clip_by_rect(projected[k], *disk.bounds)
                part = shapely.intersection(clipped, disk)
                for piece in shapely.get_parts(part):
                    if shapely.get_type_id(piece) != 3 or piece.is_empty:
                        continue
                    country = int(country_of_polygon[k])
                    if country not in pieces or piece.area > pieces[country].area:
                        pieces[country] = piece
            for country, piece in sorted(pieces.items()):
                x0, _, x1, _ = shapely.bounds(piece)
                pole = polylabel(piece, tolerance=max(1e-6, 0.02 * (x1 - x0)))
                radius = float(shapely.distance(pole, shapely.boundary(piece)))
                if 2.0 * radius * 2.0**_MAX_ZOOM < _LABEL_MIN_PX:
                    continue
                px, py = float(shapely.get_x(pole)), float(shapely.get_y(pole))
                found = out.setdefault(country, [])
                if any(
                    (px - a) ** 2 + (py - b) ** 2 < (radius + r) ** 2 / 4 for a, b, r, _ in found
                ):
                    continue
                found.append((px, py, _round3(radius), _round3(x1 - x0)))
    result: dict[int, list[tuple[float, float, float, float]]] = {}
    for country, found in out.items():
        points_of = []
        for a, b, r, w in found:
            lon, lat = _lon_lat_of_px(a, b)
            points_of.append((round(lon, 3), round(lat, 3), r, w))
        result[country] = sorted(points_of)
    return result


def _layer_anchors(
    geoms: np.ndarray, place_lon: np.ndarray, place_lat: np.ndarray
) -> dict[int, list[tuple[float, float, float, float]]]:
    """:func:`_place_anchors`, once per process for the same layer and places."""
    places = np.column_stack([place_lon, place_lat]).astype(float)
    digest = content_key(geoms)

    def load_or_compute() -> dict[int, list[tuple[float, float, float, float]]]:
        entry = cache.entry_key("labelnear", digest.hex(), places.tobytes(), code=__name__)
        found = cache.load("labelnear", entry)
        if found is not None:
            try:
                return _anchors_of_arrays(found)
            except (KeyError, ValueError) as err:
                log.debug("cache: the anchors entry is unusable (%s): computed again", err)
        anchors = _place_anchors(geoms, place_lon, place_lat)
        cache.store("labelnear", entry, _anchor_arrays(anchors), keep=32)
        return anchors

    return cache.remembered("labelnear", (digest, places.tobytes()), load_or_compute, keep=16)


def _cell_anchors(geoms: np.ndarray) -> dict[int, list[tuple[float, float, float, float]]]:
    """More label points for the widest countries: one per :data:`_CELL_PX` square they fill.

    A country wider than a cell (Web Mercator pixels at zoom 0) gets, in each
    cell its polygons meet, the pole of inaccessibility of its piece there,
    with that piece's inscribed radius and width (as :func:`_labels`): when
    its main label point is out of view or under a marker, the page names it
    in the part in view.  ``{row: [(lon, lat, radius, width)]}``, in the
    layer's longitudes, sorted.
    """
    polygons, country_of_polygon = _polygons(geoms)
    if not len(polygons):
        return {}
    projected = shapely.transform(polygons, _mercator_px)
    bounds = shapely.bounds(projected).reshape(-1, 4)
    out: dict[int, list[tuple[float, float, float, float]]] = {}
    for k in np.flatnonzero(bounds[:, 2] - bounds[:, 0] > _CELL_PX).tolist():
        x0, y0, x1, y1 = bounds[k].tolist()
        for cx in range(int(x0 // _CELL_PX), int(x1 // _CELL_PX) + 1):
            for cy in range(int(y0 // _CELL_PX), int(y1 // _CELL_PX) + 1):
                box = (cx * _CELL_PX, cy * _CELL_PX, (cx + 1) * _CELL_PX, (cy + 1) * _CELL_PX)
                piece = shapely.clip_by_rect(projected[k], *box)
                parts = [p for p in shapely.get_parts(piece) if shapely.get_type_id(p) == 3]
                if not parts:
                    continue
                part = max(parts, key=lambda p: (p.area, p.bounds))
                px0, _, px1, _ = part.bounds
                pole = polylabel(part, tolerance=max(1e-4, 0.02 * (px1 - px0)))
                radius = float(shapely.distance(pole, shapely.boundary(part)))
                if radius < _CELL_MIN_RADIUS_PX:
                    continue
                lon, lat = _lon_lat_of_px(float(shapely.get_x(pole)), float(shapely.get_y(pole)))
                out.setdefault(int(country_of_polygon[k]), []).append(
                    (round(lon, 3), round(lat, 3), _round3(radius), _round3(px1 - px0))
                )
    return {country: sorted(found) for country, found in out.items()}


def _layer_cell_anchors(geoms: np.ndarray) -> dict[int, list[tuple[float, float, float, float]]]:
    """:func:`_cell_anchors` of a layer: once per process, and kept in :mod:`geo.cache`."""

    return kept(
        "labelcells",
        geoms,
        lambda: _cell_anchors(geoms),
        arrays=_anchor_arrays,
        restore=_anchors_of_arrays,
        code=__name__,
    )


def _anchor_arrays(
    found: dict[int, list[tuple[float, float, float, float]]],
) -> dict[str, np.ndarray]:
    """Label points ``{row: [(lon, lat, radius, width)]}`` as a cache entry's table."""
    rows = [(c, *a) for c, anchors in sorted(found.items()) for a in anchors]
    return {"anchors": np.array(rows, dtype=float).reshape(-1, 5)}


def _anchors_of_arrays(
    arrays: dict[str, np.ndarray],
) -> dict[int, list[tuple[float, float, float, float]]]:
    """The label points of :func:`_anchor_arrays`; ``ValueError`` for a table of another shape."""
    table = arrays["anchors"]
    if table.ndim != 2 or table.shape[1] != 5:
        raise ValueError(f"an anchor table of shape {table.shape}")
    found: dict[int, list[tuple[float, float, float, float]]] = {}
    for c, lon, lat, radius, width in table.tolist():
        found.setdefault(int(c), []).append((lon, lat, radius, width))
    return found
