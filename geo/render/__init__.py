"""Render places and the offline basemap as one self-contained, safe, reproducible HTML map.

The page is a :class:`folium.Map` whose every asset is inlined (Leaflet and
Leaflet.markercluster from the installed XStatic packages, plus the atlas's
own script and styles from ``geo/assets``), so it works opened from disk with
no network at all.  All data reach the page as one JSON document inside
``<script type="application/json">``, with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, and the page's script builds popups, tooltips, the legend and
the list view with DOM text APIs, never with ``innerHTML``.  Element ids are
derived from the tree's order, keys are sorted, coordinates rounded and no
time is recorded, so the same data give byte-identical HTML.

Each place carries its life (from :func:`geo.history.segments`) for the page's
timeline, which shows the network at the end of a chosen year.  Small maps carry
one JSON line per place; large ones (above :data:`COMPACT_THRESHOLD` places) one
columnar table, about 35 bytes per place, whose popups the page builds when they
open; above :data:`GRID_THRESHOLD` places the page groups them on a screen grid
and draws only what is in view.

Coordinates are EPSG:4326 degrees, ``(lon, lat)`` everywhere in Python;
:func:`geo.render.view._latlon` is the one place that turns them into Leaflet's
``[lat, lon]``.

The modules, each importing only the ones listed after it:

- :mod:`geo.render.page`: :func:`render_map`, :func:`to_html` and :func:`write_map`,
  the checks of their arguments, the folium/branca elements of the page, stable
  element ids, the self-containment check and the Content-Security-Policy;
- :mod:`geo.render.payload`: the page's JSON data document: one line per place or
  the compact columnar table (string and coordinate coding), each place's life
  for the timeline, the legend counts, script-safe JSON;
- :mod:`geo.render.overlay`: :class:`QueryMark`, what a query map draws besides
  its places (the point, the geodesic circle, lines to the answers);
- :mod:`geo.render.detail`: the detail windows, the fine country polygons around
  the page's places for zooms 8 to 12;
- :mod:`geo.render.basemap`: the offline basemap's country rows, their rings
  polyline-encoded, and where each country's name goes;
- :mod:`geo.render.view`: the box the map opens on, the antimeridian,
  :func:`compact_bounds`;
- :mod:`geo.render.text`: popup rows, the display text of data values, legends, in the
  map's language (:mod:`geo.i18n`);
- :mod:`geo.render.words`: the words the page's script says, read from the map's catalogue;
- :mod:`geo.render.style`: the symbol of each kind of place, the colour of each region.
"""

from __future__ import annotations

from geo.render.basemap import BASEMAP_GRID_DEG
from geo.render.detail import DetailSource
from geo.render.overlay import QueryMark
from geo.render.page import render_map, to_html, write_map
from geo.render.payload import COMPACT_THRESHOLD, GRID_THRESHOLD, place_names
from geo.render.style import DEFAULT_SYMBOL, KIND_SYMBOLS, REGION_COLORS, Symbol
from geo.render.text import PLACE_DECIMALS
from geo.render.view import compact_bounds

__all__ = [
    "BASEMAP_GRID_DEG",
    "COMPACT_THRESHOLD",
    "DEFAULT_SYMBOL",
    "GRID_THRESHOLD",
    "KIND_SYMBOLS",
    "PLACE_DECIMALS",
    "REGION_COLORS",
    "DetailSource",
    "QueryMark",
    "Symbol",
    "compact_bounds",
    "place_names",
    "render_map",
    "to_html",
    "write_map",
]
