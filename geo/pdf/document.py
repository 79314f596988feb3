"""The printed atlas as one HTML document, laid out for paged media (CSS Paged Media).

A cover with the world map, a table of contents, then per WCO region a
spread (its map on a landscape page, then a table of its places and its
Members) followed by one entry per place of the region, and last an index of
place names, cities and countries.  Page numbers of the contents and the
index are CSS ``target-counter()`` of the entries' anchors, and headings carry
``bookmark-level`` for the PDF outline: the layout engine (WeasyPrint, see
:mod:`geo.pdf`) fills both in.

Every text from the data is escaped for HTML (:func:`geo.pdf.mapsvg.xml_text`, quotes
included) and every link is either an anchor of the document or an
``http(s)`` address (:func:`geo.render.text._is_web_url`): a hostile name or
source is text, never markup or a link.  Every word comes from the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np

from geo.i18n import Translator
from geo.pdf.mapsvg import (
    Box,
    Mark,
    Town,
    draw_map,
    region_fill,
    region_fill_defs,
    symbol,
    xml_text,
)
from geo.pdf.paper import MARGIN_MM, PT_PER_MM, Paper, stylesheet
from geo.pdf.places import Place, anchor, city_in, deep_link, qr_svg, read_places, sort_key
from geo.query import here_or_on_a_side
from geo.render.style import KIND_SYMBOLS
from geo.render.text import (
    _coordinates_text,
    _country,
    _is_web_url,
    _rows,
    _status_label,
    _text,
    _when_text,
)
from geo.render.towns import town_rows
from geo.render.view import _view_bounds
from geo.schema import KINDS, REGIONS

__all__ = ["Settings", "document_html"]


#: A place's entry's locator inset spans this many degrees of latitude (half each side).
_INSET_LAT_DEG = 3.2
#: Columns of a place (besides rows) the entry writes itself.
_OWN_ROWS = {"checked_on"}


def _e(value: object) -> str:
    """Text for HTML: controls removed, ``<``, ``>``, ``&`` and both quotes escaped."""
    return xml_text(value)


def _kind_legend(t: Translator) -> str:
    items = []
    for kind in KINDS:
        items.append(f'<span class="key">{_symbol_svg(kind)} {_e(t(f"kind.{kind}"))}</span>')
    return '<p class="legend">' + " ".join(items) + "</p>"


def _region_legend(t: Translator) -> str:
    # each swatch is the cover map's fill: the region's colour and its hatching
    items = [
        '<span class="key"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" '
        f'width="9pt" height="9pt" class="swatch">{region_fill_defs()}'
        f'<rect x="0.3" y="0.3" width="11.4" height="11.4" fill="{region_fill(code)}" '
        f'stroke="#666666" stroke-width="0.6"/></svg> {_e(t(f"region.{code}"))}</span>'
        for code in REGIONS
    ]
    return '<p class="legend">' + " ".join(items) + "</p>"


def _symbol_svg(kind: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12" width="9pt" height="9pt">'
        + symbol(kind, 6.0, 6.0, 11.0, pale=False)
        + "</svg>"
    )


def _mark(
    place: Place, *, label: bool | str, strong: bool = False, named_anyway: bool = False
) -> Mark:
    """``place`` on a map; ``label``: its name (True), none (False) or this text."""
    status = place.text.get("status")
    text = label if isinstance(label, str) else place.name if label else ""
    return Mark(
        place.lon,
        place.lat,
        place.kind,
        text,
        strong=strong,
        pale=status == "unknown",
        named_anyway=named_anyway,
    )


def _country_names(countries: gpd.GeoDataFrame, t: Translator) -> list[str]:
    return [
        _country(t, _text(iso3), _text(name)) or ""
        for iso3, name in zip(countries["iso3"], countries["name"], strict=True)
    ]


def _value_html(value: Any) -> str:
    """A popup row's value (see :data:`geo.render.text.RowValue`) as HTML: text, or a dated list."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _link_or_text(value)
    items = []
    for item in value:
        if isinstance(item, str):
            items.append(f"<li>{_link_or_text(item)}</li>")
            continue
        head, body, detail = [*list(item), None, None, None][:3]
        extra = f'<span class="detail">{_multiline(detail)}</span>' if detail else ""
        items.append(f'<li><span class="when">{_e(head or "")}</span> {_e(body or "")}{extra}</li>')
    return '<ul class="dated">' + "".join(items) + "</ul>"


def _multiline(text: str) -> str:
    return "<br/>".join(_e(line) for line in str(text).split("\n"))


def _link_or_text(text: str) -> str:
    if _is_web_url(text):
        return f'<a href="{_e(text)}">{_e(text)}</a>'
    return _multiline(text)


@dataclass(frozen=True)
class Settings:
    """What shapes a document besides the data: language, paper, links."""

    t: Translator
    other: Translator | None
    paper: Paper
    base_url: str | None
    link_prefix: str
    as_of: dt.date | None
    data_date: str | None


def document_html(
    places: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    settings: Settings,
) -> str:
    """The whole atlas as HTML for a paged-media layout engine.

    Parameters
    ----------
    places : GeoDataFrame
        The enriched places (as of the document's day).
    countries : GeoDataFrame
        The display layer of the web maps' basemap.
    settings : Settings
        Language, other language (for the index), paper and links.
    """
    t = settings.t
    all_places = read_places(places, t, settings.other)
    names = _country_names(countries, t)
    page_w = settings.paper.width_mm - 2 * MARGIN_MM
    page_h = settings.paper.height_mm - 2 * MARGIN_MM
    body = [_cover(all_places, countries, names, settings, page_w, page_h)]
    groups: list[tuple[str | None, list[Place]]] = [
        (code, [p for p in all_places if p.region == code]) for code in REGIONS
    ]
    groups.append((None, [p for p in all_places if p.region is None]))
    groups = [(code, group) for code, group in groups if group or code is not None]
    towns = _towns(all_places, t.lang)
    body.append(_contents(groups, t))
    for code, group in groups:
        if code is not None:
            body.append(
                _region(code, places, all_places, countries, names, settings, page_h, page_w)
            )
        else:
            title = _e(t("region.none"))
            body.append(f'<section class="region"><h1 id="region-none">{title}</h1></section>')
        for place in group:
            body.append(_entry(place, countries, names, settings, page_w, all_places, towns))
    body.append(_index(all_places, settings))
    return _page(settings, "\n".join(body))


def _page(settings: Settings, body: str) -> str:
    t = settings.t
    paper = settings.paper
    title = _e(t("print.title"))
    css = stylesheet(paper, t.lang)
    return (
        f'<!DOCTYPE html><html lang="{_e(t.lang)}"><head><meta charset="utf-8"/>'
        f"<title>{title}</title>"
        f'<meta name="description" content="{_e(t("print.subtitle"))}"/>'
        f'<meta name="generator" content="geo"/>'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )


def _cover(
    places: Sequence[Place],
    countries: gpd.GeoDataFrame,
    names: Sequence[str],
    settings: Settings,
    page_w: float,
    page_h: float,
) -> str:
    t = settings.t
    # at the scale of the world, the headquarters is named by what it is (the long name
    # of the Secretariat would cross half a continent's places)
    marks = [
        _mark(p, label=t("kind.hq") if p.kind == "hq" else False, strong=p.kind in ("hq", "rocb"))
        for p in places
    ]
    marks.sort(key=lambda m: m.strong)
    width = page_w * PT_PER_MM
    svg = draw_map(
        countries,
        Box(-180.0, -56.0, 180.0, 78.0),
        marks,
        width=width,
        height=width * 0.72,
        title=t("print.world_map"),
        font_size=6.0,
    )
    lines = []
    if settings.as_of is not None:
        lines.append(f'<p class="asof">{_e(t("print.as_of", date=t.date(settings.as_of)))}</p>')
    if settings.data_date:
        lines.append(
            f'<p class="stands">{_e(t.dated("print.data_date", {"date": settings.data_date}))}</p>'
        )
    count = _e(t("count.places", n=len(places)))
    return (
        '<section class="cover">'
        f'<h1 class="cover-title">{_e(t("print.title"))}</h1>'
        f'<p class="subtitle">{_e(t("print.subtitle"))}</p>'
        f'<div class="map">{svg}</div>{_kind_legend(t)}{_region_legend(t)}'
        f'<p class="count">{count}</p>{"".join(lines)}</section>'
    )


def _contents(groups: Sequence[tuple[str | None, list[Place]]], t: Translator) -> str:
    items = []
    for code, _ in groups:
        name = t(f"region.{code}") if code else t("region.none")
        target = f"region-{(code or 'none').lower()}"
        items.append(f'<li><a class="toc" href="#{target}">{_e(name)}</a></li>')
    items.append(f'<li><a class="toc" href="#index">{_e(t("print.index"))}</a></li>')
    return (
        f'<section class="contents"><h1>{_e(t("print.contents"))}</h1>'
        f'<ul class="toc">{"".join(items)}</ul></section>'
    )


def _region(
    code: str,
    frame: gpd.GeoDataFrame,
    all_places: Sequence[Place],
    countries: gpd.GeoDataFrame,
    names: Sequence[str],
    settings: Settings,
    map_w_mm: float,
    map_h_mm: float,
) -> str:
    t = settings.t
    mask = here_or_on_a_side(frame, "region", code).to_numpy(dtype=bool)
    ids = set(frame["id"].to_numpy(dtype=object)[mask].tolist())
    shown = [p for p in all_places if p.id in ids]
    lon = np.array([p.lon for p in shown])
    lat = np.array([p.lat for p in shown])
    subset = frame[mask]
    west, south, east, north = _view_bounds(subset, lon, lat, countries, code)
    box = Box(west, south, east, north).around(0.04)
    marks = [
        _mark(p, label=p.kind in ("hq", "rocb"), strong=p.kind in ("hq", "rocb")) for p in shown
    ]
    marks.sort(key=lambda m: m.strong)
    region_name = t(f"region.{code}")
    svg = draw_map(
        countries,
        box,
        marks,
        width=map_w_mm * PT_PER_MM,
        height=(map_h_mm - 22.0) * PT_PER_MM,
        region=code,
        country_names=names,
        font_size=6.5,
        title=t("print.region_map", region=region_name),
    )
    rows = []
    for p in shown:
        rows.append(
            "<tr>"
            f'<td><a href="#{_e(anchor(p.id))}">{_e(p.name)}</a></td>'
            f"<td>{_e(t(f'kind.{p.kind}') if p.kind in KIND_SYMBOLS else p.kind)}</td>"
            f"<td>{_e(city_in(p.text, t.lang)[0])}</td>"
            f"<td>{_e(_place_country(p, t))}</td>"
            f"<td>{_e(_status_label(t, p.text.get('status') or ''))}</td>"
            f"<td>{_e(_when_text(t, opened) if (opened := p.text.get('opened')) else '')}</td>"
            "</tr>"
        )
    head = "".join(
        f"<th>{_e(t(key))}</th>"
        for key in (
            "print.col_name",
            "print.col_kind",
            "row.city",
            "row.country",
            "print.col_status",
            "row.opened",
        )
    )
    members = sorted(
        {
            (names[i] or iso3, iso3)
            for i, (iso3, region, member) in enumerate(
                zip(countries["iso3"], countries["region"], countries["member"], strict=True)
            )
            if region == code and bool(member) and isinstance(iso3, str)
        },
        key=lambda item: sort_key(item[0]),
    )
    member_items = "".join(
        f"<li>{_e(name)} <span class=code>{_e(iso3)}</span></li>" for name, iso3 in members
    )
    lower = code.lower()
    return (
        f'<section class="region-map"><h1 id="region-{_e(lower)}" class="region-title">'
        f"{_e(region_name)}</h1>"
        f'<div class="map">{svg}</div>{_kind_legend(t)}</section>'
        f'<section class="region-table"><h2>{_e(t("print.places_of", region=region_name))}</h2>'
        f'<table class="places">{_PLACE_COLS}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<h2>{_e(t('count.members', n=len(members)))}</h2>"
        f'<ul class="members">{member_items}</ul></section>'
    )


_PLACE_COLS = "".join(
    f'<col class="{c}"/>' for c in ("name", "kind", "city", "country", "status", "opened")
)


def _place_country(p: Place, t: Translator) -> str:
    if p.kind == "border_post":
        sides = [
            _country(t, p.text.get(f"side_{s}_iso3"), p.text.get(f"side_{s}_country"))
            or p.text.get(f"side_{s}_iso3")
            for s in "ab"
        ]
        return " \u2013 ".join(s for s in sides if s)
    return _country(t, p.text.get("iso3"), p.text.get("country")) or p.text.get("iso3") or ""


def _towns(places: Sequence[Place], lang: str) -> list[tuple[int, Town]]:
    """The web maps' towns around ``places``: ``(first zoom shown, town)``, in their order.

    The same towns as the web maps' basemap (:func:`geo.render.towns.town_rows`):
    the world's cities, and the towns near the places, in ``lang``.
    """
    if not places:
        return []
    lon = np.array([p.lon for p in places], dtype=float)
    lat = np.array([p.lat for p in places], dtype=float)
    rows = town_rows(None, lon, lat, 0.0, lang)
    return [(int(zoom), Town(float(x), float(y), str(name))) for y, x, name, zoom in rows]


def _entry(
    place: Place,
    countries: gpd.GeoDataFrame,
    names: Sequence[str],
    settings: Settings,
    page_w: float,
    around: Sequence[Place],
    towns: Sequence[tuple[int, Town]],
) -> str:
    t = settings.t
    half = _INSET_LAT_DEG / 2.0
    stretch = 1.0 / max(np.cos(np.radians(min(abs(place.lat), 70.0))), 0.3)
    box = Box(
        place.lon - half * 1.6 * stretch,
        place.lat - half,
        place.lon + half * 1.6 * stretch,
        place.lat + half,
    )
    inset_w = (page_w - 44.0) * PT_PER_MM
    # the web maps' zoom whose pixels are about this inset's points: its towns, and the
    # next zoom's (half as far apart; names that do not fit are left out)
    zoom = np.log2(inset_w / (box.east - box.west) * 360.0 / 256.0)
    near = [town for first, town in towns if first <= zoom + 1.0]
    svg = draw_map(
        countries,
        box,
        [
            *(_mark(p, label=False) for p in around if p.id != place.id),
            _mark(place, label=True, strong=True, named_anyway=True),
        ],
        width=inset_w,
        height=inset_w * 0.62,
        country_names=names,
        font_size=7.5,
        title=t("print.locator", name=place.name),
        local_names=True,
        towns=near,
    )
    link = deep_link(place.id, settings.base_url, settings.link_prefix)
    link_html = (
        f'<a href="{_e(link)}">{_e(link)}</a>'
        if settings.base_url and _is_web_url(link)
        else _e(link)
    )
    qr = (
        f'<div class="qr">{qr_svg(link, 34 * PT_PER_MM * 0.9)}'
        f'<p>{_e(t("print.qr"))}</p><p class="link">{link_html}</p></div>'
    )
    coordinates = _coordinates_text(t, place.lon, place.lat)
    shown = {k: v for k, v in place.text.items() if k not in _OWN_ROWS}
    if shown.get("city"):
        shown["city"] = city_in(place.text, t.lang)[0]
    rows = _rows(place.rec, shown, coordinates, t)
    facts = "".join(
        f"<tr><th>{_e(label)}</th><td>{_value_html(value)}</td></tr>" for label, value in rows
    )
    sources = []
    for key in ("source", "side_a_source", "side_b_source"):
        value = place.text.get(key)
        if value:
            sources.append(f"<li>{_link_or_text(value)}</li>")
    checked = place.text.get("checked_on")
    checked_html = (
        _e(t.dated("print.checked_on", {"date": checked}))
        if checked
        else _e(t("print.not_checked"))
    )
    other = f'<p class="other-name">{_e(place.other_name)}</p>' if place.other_name else ""
    kind = t(f"kind.{place.kind}") if place.kind in KIND_SYMBOLS else place.kind
    status = _status_label(t, place.text.get("status") or "")
    return (
        f'<article class="entry" id="{_e(anchor(place.id))}">'
        f'<h2 class="entry-title">{_e(place.name)}</h2>{other}'
        f'<p class="kind">{_symbol_svg(place.kind)} {_e(kind)} · {_e(status)}</p>'
        f'<div class="top"><div class="inset">{svg}</div>{qr}</div>'
        f'<table class="facts"><col class="label"/><col/>{facts}</table>'
        f'<h3>{_e(t("print.sources"))}</h3><ul class="sources">{"".join(sources)}</ul>'
        f'<p class="checked">{checked_html}</p></article>'
    )


def _index(places: Sequence[Place], settings: Settings) -> str:
    t = settings.t
    other = settings.other
    by_name: dict[tuple[str, str], list[str]] = {}
    by_city: dict[tuple[str, str], list[str]] = {}
    by_country: dict[tuple[str, str], list[str]] = {}
    # the entries' order in the document (by region, then as listed): a term's pages ascend
    region_order = {code: i for i, code in enumerate(REGIONS)}
    entry_order = {
        p.id: (region_order.get(p.region or "", len(region_order)), i) for i, p in enumerate(places)
    }
    for p in places:
        by_name.setdefault((p.name, p.other_name or ""), []).append(p.id)
        city = city_in(p.text, t.lang)[1]
        if city:
            there = city_in(p.text, other.lang)[1] if other else ""
            by_city.setdefault((city, there if there != city else ""), []).append(p.id)
        codes = [p.text.get("iso3")]
        if p.kind == "border_post":
            codes = [p.text.get("side_a_iso3"), p.text.get("side_b_iso3")]
        for iso3 in codes:
            if not iso3:
                continue
            data_name = _country_data_name(p, iso3)
            here = _country(t, iso3, data_name) or iso3
            there = (_country(other, iso3, data_name) or iso3) if other else ""
            by_country.setdefault((here, there if there != here else ""), []).append(p.id)
    sections = []
    for key, entries in (
        ("print.index_places", by_name),
        ("print.index_cities", by_city),
        ("print.index_countries", by_country),
    ):
        items = []
        for (name, alt), ids in sorted(entries.items(), key=lambda item: sort_key(item[0][0])):
            refs = ", ".join(
                f'<a class="ref" href="#{_e(anchor(i))}"></a>'
                for i in sorted(dict.fromkeys(ids), key=entry_order.__getitem__)
            )
            also = f' <span class="alt">({_e(alt)})</span>' if alt else ""
            items.append(
                f'<li><span class="term">{_e(name)}</span>{also} '
                f'<span class="refs">{refs}</span></li>'
            )
        sections.append(f'<h2>{_e(t(key))}</h2><ul class="index">{"".join(items)}</ul>')
    title = f'<h1 id="index">{_e(t("print.index"))}</h1>'
    return f'<section class="index">{title}{"".join(sections)}</section>'


def _country_data_name(p: Place, iso3: str) -> str | None:
    for prefix in ("", "side_a_", "side_b_"):
        if p.text.get(f"{prefix}iso3") == iso3 and p.text.get(f"{prefix}country"):
            return p.text.get(f"{prefix}country")
    return None
