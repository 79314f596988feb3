"""The page: :func:`render_map`, :func:`to_html` and :func:`write_map`.

The map is a :class:`folium.Map` with no CDN assets and no fixed viewport; the
page inlines the assets of :func:`geo.render.assets.load_assets` and the data document
of :mod:`geo.render.payload`.  Every macro goes into the page as text, never
templated a second time; element ids come from the element tree's order; a
page that would load anything from the network is refused; and a
Content-Security-Policy allows exactly the page's own inline scripts and
styles, by hash.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import math
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.errors import RenderError, UsageError
from geo.fileio import atomic_write_text
from geo.history import network_start, parse_as_of
from geo.i18n import DEFAULT_LANGUAGE, Translator, check_language, translator
from geo.render.assets import load_assets
from geo.render.detail import DetailSource, frame_source
from geo.render.overlay import QueryMark, _query_points
from geo.render.payload import COMPACT_THRESHOLD, _payload, _View
from geo.render.view import _center_lon, _latlon, _view_bounds
from geo.schema import REGIONS
from geo.targets import WriteRule, data_rule, writing

__all__ = ["render_map", "to_html", "write_map"]

_REQUIRED_PLACE_COLUMNS = ("id", "kind", "name", "status", "source")
_REQUIRED_COUNTRY_COLUMNS = ("iso3", "name", "region", "member")


def _network_start_of(places: gpd.GeoDataFrame) -> dt.date | None:
    columns = [c for c in ("kind", "opened", "history", "seats") if c in places.columns]
    if not columns:
        return None
    return network_start(
        {k: v for k, v in row.items() if v is not None and not _is_nan(v)}
        for row in places[columns].to_dict("records")
    )


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def render_map(
    places: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    *,
    title: str,
    links: Sequence[tuple[str, str]] = (),
    focus_region: str | None = None,
    compact: bool | None = None,
    as_of: str | dt.date | None = None,
    since: str | dt.date | None = None,
    query: QueryMark | None = None,
    lang: str = DEFAULT_LANGUAGE,
    alternates: Sequence[tuple[str, str]] = (),
    detail: gpd.GeoDataFrame | DetailSource | None = None,
) -> folium.Map:
    """Build the interactive map of ``places`` over an offline basemap of ``countries``.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        One row per place, Point geometry in EPSG:4326 (a frame without a CRS is
        taken as EPSG:4326, another CRS is reprojected).  Columns ``id`` (unique),
        ``kind``, ``name``, ``status`` and ``source`` are required; ``region``,
        ``country``, ``iso3``, ``member`` and any other data columns are shown when
        present.  May have zero rows.  The frame is not modified.
    countries : geopandas.GeoDataFrame
        The basemap: (Multi)Polygons in EPSG:4326 with ``iso3``, ``name``,
        ``region`` (WCO region code or None) and ``member`` (bool).
    title : str
        Page title and heading (plain text; it is escaped).
    links : sequence of (str, str)
        ``(label, href)`` navigation links shown in the page header, e.g.
        ``("Europe", "regions/eur.html")``.  ``href`` must be relative or http(s).
    focus_region : str or None
        A code of :data:`geo.schema.REGIONS`: the view fits that region's places
        and member countries, and the region is emphasised.
    compact : bool or None
        How the places travel in the page.  ``False``: one JSON line per place,
        popup rows included (a data edit changes one line of the page).  ``True``:
        one columnar table (ids and names front-coded or dictionary-coded,
        coordinates as polyline-encoded integer steps of 1e-5 degree, every
        other column folded into a dictionary of distinct "profiles"), and the
        about 35 bytes per place when places share their attributes.  ``None``
        (default): compact above :data:`COMPACT_THRESHOLD` places.  Above
        :data:`GRID_THRESHOLD` places, either way, the page groups the places on
        a screen grid (drawing only what is in view) instead of with
        Leaflet.markercluster, which builds a marker per place.
    as_of : str, datetime.date or None
        The day the data stand at (an atlas from ``geo.load(as_of=...)``): the
        timeline ends that year and ignores later changes.  ``None``: the
        timeline runs to the current year of the reader's clock.
    since : str, datetime.date or None
        The network's earliest known day (``atlas.network_start``): no place is
        on the timeline before it.  ``None``: the earliest day the rows of
        ``places`` know of (see :func:`geo.history.network_start`); pass the
        atlas's so that the maps of a subset (a region, a query) agree.
    query : QueryMark or None
        The query the map answers: its point, and the geodesic circle of a
        ``within`` radius or the lines of a ``nearest`` query with their
        distances (km, WGS84); the view holds them all.
    lang : str
        The map's language, one of :func:`geo.i18n.languages` (``'en'``, ``'fr'``):
        every word of the page, the names of the kinds, statuses and regions,
        dates and numbers, and the countries' names (CLDR's; the data's own in
        the data's language).  A place's ``name_<lang>`` (or ``name:<lang>``)
        column, when it has a value, is its name on the map; the data's name
        is still found by the search.  ``title`` and ``links`` are the caller's.
    alternates : sequence of (str, str)
        ``(lang, href)`` links to the same map in other languages, shown in the
        header as each language's own name (``("fr", "fr/index.html")``).
    detail : geopandas.GeoDataFrame, DetailSource or None
        The fine country layer ((Multi)Polygons in EPSG:4326 with ``iso3`` and
        ``name``, e.g. ``atlas.countries.frame``), or a
        :class:`geo.render.DetailSource` that reads it only when needed: the page
        then carries, around each of its places, the fine polygons cut to a box
        of :data:`geo.render.detail.DETAIL_HALF_KM` and draws them from zoom
        :data:`geo.render.detail.DETAIL_MIN_ZOOM` on, in the style of the same
        countries of ``countries`` (see :mod:`geo.render.detail`).  ``None``:
        the basemap alone.

    Returns
    -------
    folium.Map
        The map; turn it into a page with :func:`to_html`.

    Raises
    ------
    UsageError
        When a required column is missing, ids repeat, a geometry is not a
        point, ``focus_region`` is unknown, a link is not relative or http(s),
        ``query`` is not a :class:`QueryMark`, or a language is not one geo
        speaks.

    Notes
    -----
    When the places (or the focused region) lie across the antimeridian (Fiji and
    Samoa), longitudes are shifted by 360 degrees so that the view is compact;
    popups always show the original coordinates.

    The timeline reads each place's ``opened``, ``closed``, ``history`` and
    ``seats`` (see :func:`geo.history.segments`).  A year on the timeline means
    the **end** of that year (31 December): a place opened on 17 October 2011
    shows from 2011 on, and an office that moved in 2017 shows at its new seat
    from 2017.  A place whose opening is not known, or known only within
    bounds (``"../2013"``), is "possibly open" (status ``unknown``) from
    ``since``, or between its bounds, and never before ``since``.
    """
    _check_columns(places, _REQUIRED_PLACE_COLUMNS, "places")
    _check_columns(countries, _REQUIRED_COUNTRY_COLUMNS, "countries")
    if focus_region is not None and focus_region not in REGIONS:
        msg = (
            f"Got focus_region={focus_region!r}; `focus_region` must be one of "
            f"{sorted(REGIONS)} or None"
        )
        raise UsageError(msg)
    nav = _check_links(links)
    t = translator(check_language(lang))
    other = _check_links([(check_language(code), href) for code, href in alternates])
    if query is not None and not isinstance(query, QueryMark):
        msg = f"Got query={query!r}; `query` must be a geo.render.QueryMark or None"
        raise UsageError(msg)
    day = parse_as_of(as_of)
    places = _to_wgs84(places)
    countries = _to_wgs84(countries)
    lon, lat = _place_coordinates(places)

    bounds = _view_bounds(places, lon, lat, countries, focus_region, _query_points(query))
    center_lon = _center_lon(bounds)
    if compact is None:
        compact = len(places) > COMPACT_THRESHOLD
    start = parse_as_of(since) if since is not None else _network_start_of(places)
    view = _View(bounds, center_lon, focus_region, day, start, query, t, _detail_source(detail))
    payload = _payload(places, lon, lat, countries, view, compact=bool(compact))

    m = _AtlasMap(bounds)
    figure = _AtlasFigure(title=str(title), links=nav, t=t, alternates=other)
    figure.add_child(m)
    _AtlasApp(payload).add_to(m)
    return m


def to_html(m: folium.Map) -> str:
    """Render a map made by :func:`render_map` as one complete, self-contained page.

    The same map gives the same string, byte for byte: element ids are replaced
    by ids derived from the element tree's order.  A Content-Security-Policy
    allows exactly the inline scripts and styles of the page (by hash), images
    from ``data:`` URIs and the optional online tile servers.

    Parameters
    ----------
    m : folium.Map
        A map returned by :func:`render_map` (elements may have been added to it).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    UsageError
        When ``m`` was not made by :func:`render_map`.
    RenderError
        When an element added to the map would load a script or style sheet
        from the network.
    """
    root = m.get_root()
    if not isinstance(m, _AtlasMap) or not isinstance(root, _AtlasFigure):
        msg = f"Got {type(m).__name__}; `to_html` needs a map made by geo.render.render_map"
        raise UsageError(msg)
    _stabilise_ids(root)
    page = root.render()
    _check_self_contained(page)
    return page.replace(_CSP_SLOT, _csp_meta(page), 1)


def write_map(
    m: folium.Map, path: str | os.PathLike[str], *, rule: WriteRule | None = None
) -> None:
    """Write the page of ``m`` to ``path`` atomically (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    m : folium.Map
        A map returned by :func:`render_map`.
    path : str or path-like
        Destination file (its folder is created).  An existing file is replaced
        only once the new one is complete.
    rule : geo.targets.WriteRule, optional
        Where the page may not go (:mod:`geo.targets`).  Default: the rule of
        the atlas the map was made by (:meth:`geo.Atlas.to_map`), else the
        default data folder's (:func:`geo.targets.data_rule`).

    Raises
    ------
    UsageError
        When ``path`` is inside a data folder or is a file geo reads as data.
    GeoError
        When the system refuses the write (no permission, a full disk); no
        partial file is left.
    """
    if rule is None:
        rule = getattr(m, "write_rule", None) or data_rule(None)
    target = Path(path)
    rule.check(target, what="map file")
    page = to_html(m)
    with writing(target):
        atomic_write_text(target, page)


# --------------------------------------------------------------------------- checks


def _check_columns(frame: gpd.GeoDataFrame, required: Sequence[str], name: str) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"Got {type(frame).__name__}; `{name}` must be a geopandas.GeoDataFrame"
        raise UsageError(msg)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        msg = (
            f"Got columns {sorted(map(str, frame.columns))}; `{name}` must have columns "
            f"{list(required)} (missing {missing})"
        )
        raise UsageError(msg)


def _check_links(links: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    checked = []
    for label, href in links:
        scheme = urlsplit(str(href)).scheme.lower()
        if scheme not in {"", "http", "https"}:
            msg = f"Got link href={href!r}; a link must be a relative path or an http(s) URL"
            raise UsageError(msg)
        checked.append((str(label), str(href)))
    return tuple(checked)


def _detail_source(detail: gpd.GeoDataFrame | DetailSource | None) -> DetailSource | None:
    if detail is None or isinstance(detail, DetailSource):
        return detail
    _check_columns(detail, ("iso3", "name"), "detail")
    return frame_source(_to_wgs84(detail))


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None:
        return frame
    # made from "EPSG:4326" (as geo's frames are) is EPSG:4326; else ask PROJ, which is slower
    if frame.crs.srs.upper() == "EPSG:4326" or frame.crs.to_epsg() == 4326:
        return frame
    return frame.to_crs(4326)


def _place_coordinates(places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Check ids and geometries; return longitudes and latitudes (EPSG:4326)."""
    problems = []
    ids = places["id"].astype(str)
    repeated = sorted(ids[ids.duplicated()].unique())
    if repeated:
        problems.append(f"ids repeat: {repeated}")
    geoms = places.geometry.values
    bad = ~(shapely.get_type_id(geoms) == 0) | shapely.is_empty(geoms)
    if bad.any():
        problems.append(f"geometry is not a non-empty Point for ids {sorted(ids[bad])}")
    if problems:
        msg = "Got bad `places`: " + "; ".join(problems) + " (expected one Point per unique id)"
        raise UsageError(msg)
    lon = shapely.get_x(geoms) if len(geoms) else np.empty(0)
    lat = shapely.get_y(geoms) if len(geoms) else np.empty(0)
    if len(lon) and not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        msg = "Got non-finite place coordinates; expected EPSG:4326 degrees"
        raise UsageError(msg)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


# --------------------------------------------------------------------------- page


_CSP_SLOT = "<!--geo:csp-->"
_TILE_HOSTS = ("https://tile.openstreetmap.org", "https://*.basemaps.cartocdn.com")


def _html_text(text: str) -> str:
    """``text`` escaped for HTML text and attributes; lone surrogates become U+FFFD."""
    return html.escape(re.sub("[\ud800-\udfff]", "\ufffd", text), quote=True)


class _AtlasFigure(Figure):
    """The page: ``lang``, charset, CSP slot, a viewport that allows zooming, title, nav."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang_html }}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"{_CSP_SLOT}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{{ this.title_html }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        '<a class="atlas-skip" id="atlas-skip" href="#atlas-search-input">'
        "{{ this.skip_html }}</a>\n"
        '<div class="atlas-app" id="atlas-app">\n'
        '<header class="atlas-bar">\n'
        "<h1>{{ this.title_html }}</h1>\n"
        '<div class="atlas-search-slot" id="atlas-search-slot"></div>\n'
        "{% if this.links_html or this.alternates_html %}"
        '<div class="atlas-links">\n'
        "{% if this.links_html %}"
        '<nav class="atlas-nav" aria-label="{{ this.nav_html }}">\n'
        "{% for href, label in this.links_html %}"
        '<a href="{{ href }}">{{ label }}</a>\n'
        "{% endfor %}"
        "</nav>\n"
        "{% endif %}"
        "{% if this.alternates_html %}"
        '<nav class="atlas-langs" aria-label="{{ this.languages_html }}">\n'
        "{% for code, href, label in this.alternates_html %}"
        '<a href="{{ href }}" hreflang="{{ code }}" lang="{{ code }}">{{ label }}</a>\n'
        "{% endfor %}"
        "</nav>\n"
        "{% endif %}"
        "</div>\n"
        "{% endif %}"
        '<button type="button" class="atlas-list-toggle" id="atlas-list-toggle" '
        'aria-controls="atlas-list" aria-expanded="false">{{ this.list_html }}</button>\n'
        "</header>\n"
        '<main class="atlas-main" id="atlas-main">\n'
        "{{ this.html.render(**kwargs) }}\n"
        "</main>\n"
        "</div>\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</body>\n"
        "</html>\n"
    )

    def __init__(
        self,
        *,
        title: str,
        links: Sequence[tuple[str, str]],
        t: Translator,
        alternates: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(title=title)
        self._name = "Figure"
        self.header._children.clear()
        self.title_html = _html_text(title)
        self.links_html = [(_html_text(href), _html_text(label)) for label, href in links]
        self.lang_html = _html_text(t.lang)
        self.nav_html = _html_text(t("page.nav"))
        self.languages_html = _html_text(t("page.languages"))
        self.list_html = _html_text(t("page.list_toggle"))
        self.skip_html = _html_text(t("page.skip_search"))
        self.alternates_html = [
            (_html_text(code), _html_text(href), _html_text(translator(code)("language.name")))
            for code, href in alternates
        ]


class _Raw(Element):
    """Text put into the page as it is.

    branca wraps each rendered macro in ``Element(text)``, which compiles the
    text as a Jinja template again: data or library code containing ``{{``,
    ``{%`` or ``{#`` would be evaluated or break the page.  This element is
    never templated.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _render_macros(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """Render ``element``'s header/html/script macros into the figure, untemplated."""
    figure = element.get_root()
    module = element._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part)
        if macro is not None:
            getattr(figure, part).add_child(
                _Raw(str(macro(element, kwargs))), name=element.get_name()
            )
    for child in element._children.values():
        child.render(**kwargs)


class _AtlasMap(folium.Map):
    """A folium map with no CDN assets and no fixed viewport: the page inlines everything."""

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<div class="folium-map atlas-map" id={{ this.get_name()|tojson }}></div>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, "
        "{{ this.leaflet_options|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        west, south, east, north = bounds
        super().__init__(
            location=_latlon((west + east) / 2.0, (south + north) / 2.0),
            tiles=None,
            zoom_start=2,
        )
        # Per instance, so that nothing leaks into folium's class-level lists.
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        #: Where :meth:`save` may not write: set by :meth:`geo.Atlas.to_map`.
        self.write_rule: WriteRule | None = None
        self.leaflet_options = {
            "center": [round(v, 6) for v in self.location],
            "zoom": 2,
            "minZoom": 0,
            "maxZoom": 18,
            "zoomControl": False,  # the page adds it, with titles in the map's language
            "zoomSnap": 0.25,
            "worldCopyJump": False,
            "keyboard": True,
        }

    def render(self, **kwargs: Any) -> str:
        _render_macros(self, kwargs)
        return ""

    def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:
        """Write the page as :func:`write_map` does (a path), or into an open binary file."""
        if isinstance(outfile, str | bytes | os.PathLike):
            write_map(self, os.fsdecode(outfile))
            return
        outfile.write(to_html(self).encode("utf-8"))
        if close_file:
            outfile.close()


class _AtlasApp(MacroElement):
    """Inlined assets, the data document, and the call that builds the page."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "{% for style in this.assets.styles %}<style>\n{{ style.text }}</style>\n{% endfor %}"
        "{% for script in this.assets.scripts %}<script>\n{{ script.text }}</script>\n{% endfor %}"
        "{% endmacro %}"
        "{% macro html(this, kwargs) %}"
        '<script type="application/json" id="atlas-data">\n{{ this.payload }}\n</script>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "geoAtlas.init({{ this._parent.get_name() }}, document.getElementById('atlas-data'));\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AtlasApp"
        self.payload = payload
        self.assets = load_assets()

    def render(self, **kwargs: Any) -> str:
        _render_macros(self, kwargs)
        return ""


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _stabilise_ids(root: Figure) -> None:
    """Replace folium's random element ids with ids from the tree's order."""
    for n, element in enumerate(_walk(root)):
        element._id = "atlas" if isinstance(element, _AtlasMap) else f"e{n}"


_DATA_OPEN = '<script type="application/json"'
_CODE_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_CODE_CLOSE = {
    "script": re.compile(r"</script>", re.IGNORECASE),
    "style": re.compile(r"</style>", re.IGNORECASE),
}
_TAG = re.compile(r"<[A-Za-z][^>]*>")
_EXTERNAL_TAG = re.compile(r"^<(?:script\b[^>]*\bsrc\s*=|link\b[^>]*\bhref\s*=|iframe\b)", re.I)
_EXTERNAL_STYLE = re.compile(r"@import\b|url\(\s*['\"]?(?!data:|#)", re.IGNORECASE)


def _without_data(page: str) -> str:
    """``page`` without its data documents (``<script type="application/json">`` elements).

    Their text holds no ``<`` (it is escaped), so the first ``</script>`` ends each.
    """
    pieces = []
    position = 0
    while (start := page.find(_DATA_OPEN, position)) != -1:
        end = page.find("</script>", start)
        if end == -1:  # left open: a broken page, checked as it is
            break
        pieces.append(page[position:start])
        position = end + len("</script>")
    pieces.append(page[position:])
    return "".join(pieces)


def _code_blocks(page: str) -> list[tuple[str, int, int]]:
    """Each script or style element's name (lower case) and where its text starts and ends.

    An element left open runs to the end of the page.
    """
    blocks = []
    position = 0
    while opening := _CODE_OPEN.search(page, position):
        name = opening.group(1).lower()
        closing = _CODE_CLOSE[name].search(page, opening.end())
        end = closing.start() if closing else len(page)
        blocks.append((name, opening.end(), end))
        position = closing.end() if closing else len(page)
    return blocks


def _check_self_contained(page: str) -> None:
    """Refuse a page whose own code would load anything: tags, scripts and styles, not data.

    The data document (``<script type="application/json">``) and the text of
    the page (titles, names: escaped, so never markup) are what a user wrote;
    a note that mentions "@import" is text, not a request.
    """
    code = _without_data(page)
    found: str | None = None
    blocks = _code_blocks(code)
    for name, start, end in blocks:
        if name == "style" and (hit := _EXTERNAL_STYLE.search(code, start, end)):
            found = hit.group()
            break
    if found is None:
        edges = [0, *(i for _, start, end in blocks for i in (start, end)), len(code)]
        markup = "".join(code[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True))
        for tag in _TAG.finditer(markup):
            if _EXTERNAL_TAG.search(tag.group()):
                found = tag.group()
                break
    if found is not None:
        msg = (
            f"the page would load {found!r} from outside the file; elements added to "
            "the map must not bring CDN assets (the page must work offline)"
        )
        raise RenderError(msg)


_INLINE_START = re.compile(r"<(script|style)>")


def _inline_blocks(page: str) -> list[tuple[str, str]]:
    """The page's inline scripts and styles: ``(kind, body)`` of each ``<script>`` or
    ``<style>`` (no attribute) and the text up to its first closing tag, in order.

    What ``re.findall(r"<(script|style)>(.*?)</\\1>", page, re.DOTALL)`` finds, with
    ``str.find`` for the closing tag (a regular expression's lazy ``.*?`` over a page
    of megabytes is slow).
    """
    blocks = []
    position = 0
    while start := _INLINE_START.search(page, position):
        kind = start.group(1)
        end = page.find(f"</{kind}>", start.end())
        if end < 0:  # no closing tag: the next opening one may have one
            position = start.start() + 1
            continue
        blocks.append((kind, page[start.end() : end]))
        position = end + len(kind) + 3
    return blocks


def _csp_meta(page: str) -> str:
    """A Content-Security-Policy allowing exactly the page's inline scripts and styles."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _inline_blocks(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        token = f"'sha256-{digest}'"
        if token not in hashes[kind]:
            hashes[kind].append(token)
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(hashes["script"]),
            "style-src " + " ".join(hashes["style"]),
            "img-src data: " + " ".join(_TILE_HOSTS),
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
