"""Vector maps for the printed atlas: the web maps' layers drawn as SVG, in Web Mercator.

The same display layer as the web maps' offline basemap (the atlas's
``countries_display``), the same symbols per kind of place and colours per WCO
region (:mod:`geo.render.style`), the same places where country names go
(:func:`geo.render.basemap._labels`), projected as Leaflet projects them
(:func:`geo.render.basemap._mercator_px`).  Everything is a path or a text
element: selectable text, no picture of a map.

Every text from the data is escaped for XML (:func:`xml.sax.saxutils.escape`
and ``quoteattr``), so a name cannot add an element or an attribute.
Coordinates are rounded to a tenth of a unit, so the same layers give the
same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from geo.render.basemap import _mercator_px, _prepared
from geo.render.style import _UNKNOWN_REGION_COLOR, DEFAULT_SYMBOL, KIND_SYMBOLS, REGION_COLORS

__all__ = [
    "REGION_HATCHES",
    "Box",
    "Mark",
    "Town",
    "draw_map",
    "pt",
    "region_fill",
    "region_fill_defs",
    "symbol",
    "xml_text",
]

#: Characters no document shows: C0 and C1 controls (tab and newline aside), and U+FFFE/U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text for XML and HTML: controls removed; ``&``, ``<``, ``>`` and both quotes escaped."""
    return escape(_CONTROLS.sub("", str(value)), {'"': "&quot;", "'": "&#x27;"})


#: Latitudes beyond these are not drawn (Web Mercator's poles are at infinity).
_LAT_LIMITS = (-80.0, 84.0)
#: Land outside the region (or not a WCO Member) is this grey; water is white.
_OTHER_LAND = "#e4e4e4"
_BORDER = "#ffffff"
_WATER = "#f4f8fb"
#: White lines over each region's colour where every region is coloured (the cover):
#: the web maps' colours are all of one lightness, so in greyscale the regions differ
#: by their hatching (path data of one 6-unit tile; Europe plain, the darkest).
REGION_HATCHES: dict[str, str] = {
    "EUR": "",
    "AP": "M-1 1L1 -1M0 6L6 0M5 7L7 5",
    "AC": "M0 1.5H6M0 4.5H6",
    "ESA": "M-1 5L1 7M0 0L6 6M5 -1L7 1",
    "WCA": "M1.5 1.5h0.01M4.5 4.5h0.01",
    "MENA": "M1.5 0V6M4.5 0V6",
}


def _hatch_id(region: str) -> str:
    return f"hatch-{region.lower()}"


def region_fill_defs() -> str:
    """SVG ``<defs>`` of each region's hatched fill (``url(#hatch-<code>)``)."""
    patterns = []
    for code, lines in REGION_HATCHES.items():
        if not lines:
            continue
        patterns.append(
            f'<pattern id="{_hatch_id(code)}" patternUnits="userSpaceOnUse" width="6" '
            f'height="6"><rect width="6" height="6" fill="{REGION_COLORS[code]}"/>'
            f'<path d="{lines}" stroke="#ffffff" stroke-width="1.1" stroke-linecap="round"/>'
            "</pattern>"
        )
    return "<defs>" + "".join(patterns) + "</defs>"


def region_fill(region: str) -> str:
    """A Member's fill where every region is coloured: its colour, hatched by region."""
    if REGION_HATCHES.get(region):
        return f"url(#{_hatch_id(region)})"
    return REGION_COLORS.get(region, _UNKNOWN_REGION_COLOR)


#: Average width of a character, as a share of the font size (for label collisions).
_CHAR_WIDTH = 0.56


@dataclass(frozen=True)
class Box:
    """A map's extent in degrees: ``east`` may exceed 180 when the box crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float

    def around(self, margin: float) -> Box:
        """The box grown by ``margin`` of its size on every side, within the drawable latitudes."""
        dx = (self.east - self.west) * margin
        dy = (self.north - self.south) * margin
        return Box(
            self.west - dx,
            max(self.south - dy, _LAT_LIMITS[0]),
            self.east + dx,
            min(self.north + dy, _LAT_LIMITS[1]),
        )


@dataclass(frozen=True)
class Mark:
    """A place on a map: where, its kind (the symbol), its label (empty: none) and emphasis.

    ``named_anyway``: the label goes where it fits on the map even over other places'
    symbols when no free spot is left (the place a locator map is about); any other
    label that finds no free spot is left out.
    """

    lon: float
    lat: float
    kind: str
    label: str = ""
    strong: bool = False
    pale: bool = False
    named_anyway: bool = False


@dataclass(frozen=True)
class Town:
    """A town of the web maps' basemap (GeoNames): where (EPSG:4326 degrees) and its name."""

    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class _Frame:
    """From degrees to the SVG's units: Web Mercator at zoom 0, scaled and moved."""

    x0: float
    y0: float
    scale: float
    width: float
    height: float

    def xy(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        px = _mercator_px(np.column_stack([lon, np.clip(lat, *_LAT_LIMITS)]))
        out: np.ndarray = (px - np.array([self.x0, self.y0])) * self.scale
        return out


def _frame(box: Box, width: float, height: float) -> tuple[_Frame, Box]:
    """The frame that fits ``box`` into ``width`` x ``height``, and the box it then shows."""
    corners = _mercator_px(np.array([[box.west, box.north], [box.east, box.south]]))
    (x0, y0), (x1, y1) = corners.tolist()
    scale = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))
    # centre the box; the frame shows more of the world on the roomier side
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    left, top = cx - width / scale / 2.0, cy - height / scale / 2.0
    frame = _Frame(left, top, scale, width, height)
    west = left / 256.0 * 360.0 - 180.0
    east = (left + width / scale) / 256.0 * 360.0 - 180.0
    lat = [
        math.degrees(2.0 * math.atan(math.exp(math.pi * (1.0 - 2.0 * y / 256.0))) - math.pi / 2.0)
        for y in (top + height / scale, top)
    ]
    return frame, Box(west, max(lat[0], -85.0), east, min(lat[1], 85.0))


def _path(geom: shapely.Geometry, frame: _Frame) -> str:
    """The SVG path data of a polygon or multipolygon, in the frame's units."""
    out: list[str] = []
    for polygon in shapely.get_parts(geom).tolist():
        if polygon.is_empty or not isinstance(polygon, shapely.Polygon):
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            if len(coords) < 4:
                continue
            xy = np.round(frame.xy(coords[:, 0], coords[:, 1]), 1)
            keep = np.r_[True, (np.diff(xy, axis=0) != 0).any(axis=1)]
            xy = xy[keep]
            if len(xy) < 3:
                continue
            points = " ".join(f"{x:g} {y:g}" for x, y in xy.tolist())
            out.append(f"M{points}Z")
    return "".join(out)


def _shifted(geoms: np.ndarray, shown: Box) -> list[tuple[int, shapely.Geometry]]:
    """Each row's geometry clipped to the box, copied by +-360 degrees where the box needs it."""
    clipped: list[tuple[int, shapely.Geometry]] = []
    for offset in (-360.0, 0.0, 360.0):
        if shown.east < -180.0 + offset or shown.west > 180.0 + offset:
            continue
        bounds = shapely.bounds(geoms) + np.array([offset, 0.0, offset, 0.0])
        near = np.flatnonzero(
            (bounds[:, 0] <= shown.east)
            & (bounds[:, 2] >= shown.west)
            & (bounds[:, 1] <= shown.north)
            & (bounds[:, 3] >= shown.south)
        )
        if not len(near):
            continue
        moved = shapely.transform(geoms[near], _mover(offset))
        pieces = shapely.clip_by_rect(moved, shown.west, shown.south, shown.east, shown.north)
        for i, piece in zip(near.tolist(), pieces.tolist(), strict=True):
            if piece is not None and not piece.is_empty:
                clipped.append((i, piece))
    return clipped


def pt(value: float) -> str:
    """A length in points, for an SVG's ``width`` and ``height``."""
    return f"{value:g}pt"


def _mover(offset: float) -> Callable[[np.ndarray], np.ndarray]:
    """A coordinate transform that moves longitudes by ``offset`` degrees."""

    def move(coords: np.ndarray) -> np.ndarray:
        out: np.ndarray = coords + np.array([offset, 0.0])
        return out

    return move


def symbol(kind: str, x: float, y: float, size: float, *, pale: bool) -> str:
    """A place's symbol: the web maps' shape and colour for its kind, white-edged."""
    sym = KIND_SYMBOLS.get(kind, DEFAULT_SYMBOL)
    r = size / 2.0
    style = f'fill="{sym.color}" stroke="#ffffff" stroke-width="{max(size / 8.0, 0.6):.2f}"'
    if pale:
        style += ' fill-opacity="0.45" stroke-dasharray="1 1"'
    if sym.shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r * 0.8:.2f}" {style}/>'
    if sym.shape == "square":
        s = r * 0.85
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.2f}" '
            f'height="{2 * s:.2f}" {style}/>'
        )
    corners = {"triangle": 3, "diamond": 4, "pentagon": 5, "star": 10}[sym.shape]
    points = []
    for k in range(corners):
        angle = -math.pi / 2.0 + 2.0 * math.pi * k / corners
        radius = r * (0.45 if sym.shape == "star" and k % 2 else 1.0)
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return f'<polygon points="{" ".join(points)}" {style}/>'


@dataclass
class _Placed:
    """Label boxes already on the map, so that no label covers another."""

    boxes: list[tuple[float, float, float, float]]

    def fits(self, box: tuple[float, float, float, float], width: float, height: float) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
            return False
        return not any(x0 < b2 and b0 < x1 and y0 < b3 and b1 < y1 for b0, b1, b2, b3 in self.boxes)


def draw_map(
    countries: gpd.GeoDataFrame,
    box: Box,
    marks: Sequence[Mark],
    *,
    width: float,
    height: float,
    region: str | None = None,
    country_names: Sequence[str] | None = None,
    font_size: float = 7.0,
    title: str = "",
    local_names: bool = False,
    towns: Sequence[Town] = (),
) -> str:
    """An SVG map of ``box``: countries, their names where they fit, and ``marks``.

    Parameters
    ----------
    countries : GeoDataFrame
        The display layer (``iso3``, ``region``, ``member``, geometry).
    box : Box
        What must be seen; the map shows more on its roomier side.
    marks : sequence of Mark
        The places, drawn in order (the last on top); labelled ones are named.
    width, height : float
        The SVG's size in points.
    region : str, optional
        The WCO region whose Members are coloured; None colours every Member by region.
    country_names : sequence of str, optional
        A name per row of ``countries`` (the document's language); None names none.
    font_size : float
        Country names' size in points (places' labels are a little larger).
    title : str
        The SVG's ``<title>`` (for readers of the document's structure).
    local_names : bool
        Name each country where its part in the frame has room (a close-up),
        rather than at the web maps' label point of the whole country.
    towns : sequence of Town
        Towns to name, most important first, each where its name fits clear of
        the places, their names and the countries' names (a dot and its name);
        a town whose name finds no room is left out, dot and all.
    """
    frame, shown = _frame(box, width, height)
    geoms = np.asarray(countries.geometry.values, dtype=object)
    members = countries["member"].fillna(False).astype(bool).to_numpy()
    regions = countries["region"].to_numpy(dtype=object)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{pt(width)}" height="{pt(height)}" role="img">',
        f"<title>{xml_text(title)}</title>" if title else "",
        region_fill_defs() if region is None else "",
        f'<rect width="{width:g}" height="{height:g}" fill="{_WATER}"/>',
    ]
    pad = Box(shown.west - 1, shown.south - 1, shown.east + 1, shown.north + 1)
    tolerance = 0.35 / frame.scale * 360.0 / 256.0  # about a third of a point, in degrees
    drawn: list[tuple[int, shapely.Geometry]] = []
    for i, piece in sorted(_shifted(geoms, pad), key=lambda item: item[0]):
        drawn.append((i, piece))
        fill = _OTHER_LAND
        if members[i] and region is None:
            fill = region_fill(str(regions[i]))
        elif members[i] and regions[i] == region:
            fill = REGION_COLORS.get(str(regions[i]), _UNKNOWN_REGION_COLOR)
        d = _path(shapely.simplify(piece, tolerance), frame)
        if d:
            parts.append(
                f'<path d="{d}" fill="{fill}" stroke="{_BORDER}" stroke-width="0.5" '
                'stroke-linejoin="round"/>'
            )
    placed = _Placed([])
    symbols: list[str] = []
    labels: list[str] = []
    size = max(font_size * 1.1, 6.0)
    for mark in marks:
        x, y = frame.xy(np.array([mark.lon]), np.array([mark.lat]))[0].tolist()
        if not (0 <= x <= width and 0 <= y <= height):
            continue
        big = size * (1.6 if mark.strong else 1.0)
        symbols.append(symbol(mark.kind, x, y, big, pale=mark.pale))
        placed.boxes.append((x - big / 2, y - big / 2, x + big / 2, y + big / 2))
    for mark in marks:
        if not mark.label:
            continue
        x, y = frame.xy(np.array([mark.lon]), np.array([mark.lat]))[0].tolist()
        fs = font_size * (1.35 if mark.strong else 1.1)
        half = size * (0.8 if mark.strong else 0.5) + 1.0  # clear of the mark's own symbol
        label = _label(mark, x, y, fs, half, placed, width, height)
        if label:
            labels.append(label)
    if country_names is not None and local_names:
        labels = _local_labels(drawn, country_names, frame, placed, font_size) + labels
    elif country_names is not None:
        labels = _country_labels(countries, country_names, frame, shown, placed, font_size) + labels
    parts += _town_labels(towns, frame, shown, placed, font_size * 0.9)
    parts += symbols
    parts += labels
    parts.append(
        f'<rect width="{width:g}" height="{height:g}" fill="none" stroke="#888888" '
        'stroke-width="0.5"/></svg>'
    )
    return "".join(parts)


def _country_labels(
    countries: gpd.GeoDataFrame,
    names: Sequence[str],
    frame: _Frame,
    shown: Box,
    placed: _Placed,
    font_size: float,
) -> list[str]:
    """Country names at the web maps' label points, where they fit, the roomiest first."""
    geoms = np.asarray(countries.geometry.values, dtype=object)
    found = _prepared(geoms).labels  # the web maps' label points, kept in geo.cache
    out: list[str] = []
    order = sorted(found.items(), key=lambda item: (-item[1][3], item[0]))
    zoom_px = frame.scale  # radius is in zoom-0 pixels; the frame scales them
    for i, (_, lon, lat, radius, _width) in order:
        name = names[i]
        if not name:
            continue
        for offset in (-360.0, 0.0, 360.0):
            if not (shown.west <= lon + offset <= shown.east and shown.south <= lat <= shown.north):
                continue
            x, y = frame.xy(np.array([lon + offset]), np.array([lat]))[0].tolist()
            w = len(name) * font_size * _CHAR_WIDTH
            if radius * zoom_px * 2.4 < min(w, font_size * 6):
                continue
            out += _country_name(name, x, y, frame, placed, font_size)
    return out


def _local_labels(
    drawn: Sequence[tuple[int, shapely.Geometry]],
    names: Sequence[str],
    frame: _Frame,
    placed: _Placed,
    font_size: float,
) -> list[str]:
    """Country names inside the part of each country the frame shows, the largest parts first."""
    best: dict[int, tuple[float, float, float]] = {}
    for i, piece in drawn:
        if not names[i]:
            continue
        for polygon in shapely.get_parts(piece).tolist():
            if not isinstance(polygon, shapely.Polygon) or polygon.is_empty:
                continue
            coords = np.asarray(polygon.exterior.coords)
            whole = shapely.Polygon(frame.xy(coords[:, 0], coords[:, 1]))
            ring = shapely.clip_by_rect(whole, 0.0, 0.0, frame.width, frame.height)
            if not isinstance(ring, shapely.Polygon) or ring.is_empty or ring.area <= 0:
                continue
            pole = polylabel(ring, tolerance=1.0)
            radius = float(shapely.distance(pole, ring.boundary))
            if radius > best.get(i, (0.0, 0.0, 0.0))[0]:
                best[i] = (radius, float(pole.x), float(pole.y))
    out: list[str] = []
    for i, (radius, x, y) in sorted(best.items(), key=lambda item: (-item[1][0], item[0])):
        if radius < font_size * 0.9:
            continue
        out += _country_name(names[i], x, y, frame, placed, font_size)
    return out


def _country_name(
    name: str, x: float, y: float, frame: _Frame, placed: _Placed, font_size: float
) -> list[str]:
    """A country's name centred on ``(x, y)`` where it fits (then taken), else nothing."""
    w = len(name) * font_size * _CHAR_WIDTH
    candidate = (x - w / 2, y - font_size * 0.7, x + w / 2, y + font_size * 0.35)
    if not placed.fits(candidate, frame.width, frame.height):
        return []
    placed.boxes.append(candidate)
    return [
        f'<text x="{x:.1f}" y="{y + font_size * 0.35:.1f}" font-size="{font_size:.1f}" '
        f'text-anchor="middle" fill="#333333" font-style="italic">{xml_text(name)}</text>'
    ]


def _town_labels(
    towns: Sequence[Town], frame: _Frame, shown: Box, placed: _Placed, font_size: float
) -> list[str]:
    """A dot and a name per town where the name fits beside its dot, in the order given."""
    out: list[str] = []
    r = max(font_size * 0.22, 1.0)
    for town in towns:
        lon = town.lon + 360.0 * round((shown.west + shown.east) / 2.0 / 360.0 - town.lon / 360.0)
        if not (shown.west <= lon <= shown.east and shown.south <= town.lat <= shown.north):
            continue
        x, y = frame.xy(np.array([lon]), np.array([town.lat]))[0].tolist()
        w = len(town.name) * font_size * _CHAR_WIDTH
        dot = (x - r, y - r, x + r, y + r)
        if not placed.fits(dot, frame.width, frame.height):
            continue
        for tx, anchor in ((x + r + 1.5, "start"), (x - r - 1.5, "end")):
            x0 = tx if anchor == "start" else tx - w
            box = (x0, y - font_size * 0.7, x0 + w, y + font_size * 0.35)
            if placed.fits(box, frame.width, frame.height):
                placed.boxes += [dot, box]
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.2f}" fill="#555555"/>'
                    f'<text x="{tx:.1f}" y="{y + font_size * 0.35:.1f}" '
                    f'font-size="{font_size:.1f}" text-anchor="{anchor}" '
                    f'fill="#333333">{xml_text(town.name)}</text>'
                )
                break
    return out


def _split(label: str) -> list[str]:
    """A long label as two lines, broken at the space nearest its middle (else one line)."""
    spaces = [i for i, c in enumerate(label) if c == " "]
    if len(label) <= 24 or not spaces:
        return [label]
    cut = min(spaces, key=lambda i: (abs(i - len(label) / 2), i))
    return [label[:cut].rstrip(" \u2013-"), label[cut:].strip()] if cut else [label]


def _label(
    mark: Mark,
    x: float,
    y: float,
    fs: float,
    half: float,
    placed: _Placed,
    width: float,
    height: float,
) -> str:
    """``mark``'s label beside its symbol at ``(x, y)`` where it fits, else ``""``.

    Tried in order: one line to the right, to the left, centred under, over; the
    same on two lines; one line slid along under or over (clear of a neighbour);
    then, for ``named_anyway``, the centred spots over whatever is there.
    """
    text = mark.label
    step = fs * 1.15
    layouts = [[text], _split(text)] if _split(text) != [text] else [[text]]

    def spots(lines: list[str], slide: bool) -> list[tuple[float, float, str]]:
        n = len(lines)
        w = max(len(line) for line in lines) * fs * _CHAR_WIDTH
        beside = y - (n - 1) * step / 2 + fs * 0.35
        below, above = y + half + fs * 1.1, y - half - 0.5 - (n - 1) * step
        if slide:
            return [
                (x + share * w, where, "middle")
                for share in (-0.1, 0.1, -0.2, 0.2, -0.3, 0.3, -0.4, 0.4)
                for where in (below, above)
            ]
        return [
            (x + half, beside, "start"),
            (x - half, beside, "end"),
            (x, below, "middle"),
            (x, above, "middle"),
        ]

    tries = [(lines, spot, placed) for lines in layouts for spot in spots(lines, False)]
    tries += [([text], spot, placed) for spot in spots([text], True)]
    if mark.named_anyway:  # the place a locator is about: named even where others crowd it
        crowded = _Placed([])
        tries += [(lines, spot, crowded) for lines in layouts for spot in spots(lines, False)]
    for lines, (tx, ty, anchor), taken in tries:
        w = max(len(line) for line in lines) * fs * _CHAR_WIDTH
        x0 = {"start": tx, "end": tx - w, "middle": tx - w / 2}[anchor]
        box = (x0, ty - fs * 1.05, x0 + w, ty + (len(lines) - 1) * step)
        if not taken.fits(box, width, height):
            continue
        placed.boxes.append(box)
        spans = "".join(
            f'<tspan x="{tx:.1f}" y="{ty + k * step:.1f}">{xml_text(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        weight = ' font-weight="bold"' if mark.strong else ""
        return (
            f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{fs:.1f}" '
            f'text-anchor="{anchor}"{weight} fill="#111111">{spans}</text>'
        )
    return ""
