"""What the maps say, for the browser tests: the words of a language, from its catalogue.

The tests take every text they look for from the catalogues (``geo/locale``), so
that the same test runs on an English and a French map.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from geo.i18n import DATA_LANGUAGE, Translator, country_name, translator

#: The languages the browser tests run the maps in.
LANGS = ("en", "fr")

__all__ = ["LANGS", "countries_shown", "fold", "tr"]


def tr(lang: str) -> Translator:
    """The words of ``lang``: ``tr("fr")("legend.title")``."""
    return translator(lang)


def fold(text: str) -> str:
    """As the page's search and sort fold text: no accents, lower case (util.js ``fold``)."""
    decomposed = unicodedata.normalize("NFD", text).replace("\u0131", "i")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def countries_shown(places: gpd.GeoDataFrame, lang: str) -> list[str]:
    """The country each place's popup and list show in ``lang`` (CLDR's, or the data's own)."""
    return [
        country if lang == DATA_LANGUAGE and country else country_name(iso3, lang, country)
        for iso3, country in zip(places["iso3"], places["country"], strict=True)
        if isinstance(country, str)
    ]


def name_shown(place: Mapping[str, Any], lang: str) -> str:
    """A place's name as the maps show it in ``lang``: its ``name_<lang>``, else its name."""
    local = place.get(f"name_{lang}")
    return local if isinstance(local, str) and local.strip() else str(place["name"])
