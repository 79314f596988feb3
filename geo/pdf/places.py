"""The places as the printed atlas tells them: names, city, region, order, and their links.

:func:`read_places` turns the enriched places into :class:`Place` records in
the document's language (its name, the other language's name for the index,
every value as text, :func:`geo.render.text._text`), in the document's order:
by kind, then by name in dictionary order (:func:`sort_key`).  A place's
entry is the anchor :func:`anchor`; its link to the web map is
:func:`deep_link`, printed as a QR code (:func:`qr_svg`).  Coordinates are
degrees, EPSG:4326.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import segno

from geo.i18n import DATA_LANGUAGE, Translator, city_name
from geo.pdf.mapsvg import pt
from geo.render.text import _local_name, _text
from geo.schema import KINDS, REGIONS

__all__ = [
    "Place",
    "anchor",
    "city_in",
    "data_date",
    "deep_link",
    "qr_svg",
    "read_places",
    "sort_key",
]


def anchor(place_id: str) -> str:
    """The fragment of a place's entry (ids are slugs; anything else is percent-encoded)."""
    return "place-" + quote(place_id, safe="")


def deep_link(place_id: str, base_url: str | None, prefix: str) -> str:
    """A place's link in the web map: ``index.html#place=<id>``.

    Under ``base_url`` and its language's folder ``prefix`` (``"fr/"``) when the maps'
    address is known; else relative to the PDF, which sits beside its language's maps.
    """
    tail = f"index.html#place={quote(place_id, safe='')}"
    return f"{base_url.rstrip('/')}/{prefix}{tail}" if base_url else tail


def qr_svg(text: str, size_pt: float) -> str:
    """A QR code of ``text`` as an SVG path (one rectangle run per dark row segment)."""
    code = segno.make(text, error="m", micro=False)
    rows = [list(row) for row in code.matrix]
    n = len(rows) + 8  # a quiet zone of four modules
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + 4} {y + 4}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'width="{pt(size_pt)}" height="{pt(size_pt)}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#ffffff"/>'
        f'<path d="{"".join(runs)}" fill="#000000"/></svg>'
    )


def sort_key(text: str) -> tuple[str, str]:
    """Dictionary order: accents and case aside first, then as written."""
    bare = unicodedata.normalize("NFKD", text)
    return ("".join(c for c in bare if not unicodedata.combining(c)).casefold(), text)


_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def data_date(places: gpd.GeoDataFrame, today: dt.date | None = None) -> str | None:
    """The latest day the data records (a check, an event, a seat), not after ``today`` if given.

    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the data has it; None when it has no date.
    """
    found: list[str] = []
    limit = today.isoformat() if today is not None else "9999"

    def scan(value: Any) -> None:
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, str):
            found.extend(d for d in _DATE.findall(value) if d <= limit)
        elif isinstance(value, Mapping):
            for key in ("date", "from", "to"):
                scan(value.get(key))
        elif isinstance(value, list | tuple):
            for item in value:
                scan(item)

    for column in ("opened", "closed", "checked_on", "history", "seats"):
        if column in places.columns:
            for value in places[column].tolist():
                scan(value)
    return max(found, key=lambda d: (d.ljust(10, "9"), len(d))) if found else None


@dataclass(frozen=True)
class Place:
    """What the document says of one place."""

    id: str
    name: str
    other_name: str | None
    kind: str
    region: str | None
    lon: float
    lat: float
    rec: dict[str, Any]
    text: dict[str, str | None]


def read_places(
    atlas_places: gpd.GeoDataFrame, t: Translator, other: Translator | None
) -> list[Place]:
    """The places of ``atlas_places`` as the document tells them, in the document's order.

    Parameters
    ----------
    atlas_places : geopandas.GeoDataFrame
        Enriched point places, EPSG:4326.
    t : Translator
        The document's language: each place's name in it (a local name, else the data's).
    other : Translator or None
        The index's other language: a place's name in it, when it differs.

    Returns
    -------
    list of Place
        By kind (:data:`geo.schema.KINDS` order), then name (:func:`sort_key`), then id.
    """
    records = atlas_places.drop(columns=atlas_places.geometry.name).to_dict("records")
    xs = atlas_places.geometry.x.to_numpy()
    ys = atlas_places.geometry.y.to_numpy()
    out = []
    for rec, x, y in zip(records, xs.tolist(), ys.tolist(), strict=True):
        text = {str(k): _text(v) for k, v in rec.items()}
        data_name = text.get("name") or text.get("id") or ""
        name = _local_name(rec, t.lang) or data_name
        other_name = None
        if other is not None:
            other_name = _local_name(rec, other.lang) or data_name
            if other_name == name:
                other_name = None
        region = text.get("region")
        out.append(
            Place(
                text.get("id") or "",
                name,
                other_name,
                text.get("kind") or "",
                region if region in REGIONS else None,
                float(x),
                float(y),
                rec,
                text,
            )
        )
    kind_order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda p: (kind_order.get(p.kind, len(KINDS)), sort_key(p.name), p.id))
    return out


def city_in(text: Mapping[str, str | None], lang: str) -> tuple[str, str]:
    """A place's city in ``lang``: ``(its free text, the city's name alone)``.

    The city is the free text's first name (before a parenthesis, comma or
    semicolon: ``"Moscow (Russian Customs Academy)"`` is Moscow); in another
    language than the data's it is CLDR's name when CLDR has one
    (:func:`geo.i18n.city_name`), in the free text too. ``("", "")`` for no city.

    >>> city_in({"city": "Brussels (Saint-Josse-ten-Noode), Rue du Marché 30",
    ...           "iso3": "BEL"}, "fr")
    ('Bruxelles (Saint-Josse-ten-Noode), Rue du Marché 30', 'Bruxelles')
    >>> city_in({"city": "Harare (assumed: seat of ZIMRA)", "iso3": "ZWE"}, "en")
    ('Harare (assumed: seat of ZIMRA)', 'Harare')
    """
    city = (text.get("city") or "").strip()
    first = re.split(r"[(,;]", city, maxsplit=1)[0].strip()
    if not first:
        return city, city
    local = first
    if lang != DATA_LANGUAGE:
        local = city_name(first, text.get("iso3"), lang) or first
    return local + city[len(first) :], local
