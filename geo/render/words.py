"""The words a page's script says, read from the map's catalogue (:mod:`geo.i18n`).

The catalogues (``geo/locale/<lang>/LC_MESSAGES/geo.po``) hold every word of
the maps under keys such as ``legend.title``.  The renderer writes the texts
it makes at build time (popup rows, legends, titles) with a
:class:`geo.i18n.Translator`; the texts the page's script writes as the reader
works the map travel in the data document (``"words"``), where the script reads
them through one helper, ``geoAtlasLib.util.t(app, id, params)``.  A plural key
travels as its forms by CLDR category (``{"one": ..., "other": ...}``): the page
picks one with ``Intl.PluralRules`` of the map's locale.

Placeholders are filled with plain text, never markup: the page writes every
phrase with DOM text APIs.

>>> from geo.i18n import translator
>>> page_words(translator("fr"))["search.opens"]
'Ouverture le {date}\\xa0: afficher {year}'
"""

from __future__ import annotations

from typing import Any

from geo.i18n import Translator

__all__ = ["PAGE_KEYS", "page_words"]

#: The keys (by prefix) of the texts the page's script writes itself.
PAGE_KEYS: tuple[str, ...] = (
    "attribution.",
    "cluster.",
    "control.",
    "coords.",
    "count.",
    "date.day_one",
    "layers.",
    "legend.",
    "list.",
    "measure.",
    "member.",
    "menu.",
    "popup.",
    "query.",
    "row.coordinates",
    "row.source",
    "search.",
    "timeline.",
    "units.",
)


def page_words(t: Translator) -> dict[str, Any]:
    """The texts of :data:`PAGE_KEYS` in ``t``'s language: key -> text, or forms of a plural."""
    return t.words(PAGE_KEYS)
