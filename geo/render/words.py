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
    """The texts of :data:`PAGE_KEYS` in ``t``'s language: key -> text, or forms of a plural.

    A text the catalogue has in the context of a date's shape (``msgctxt "year"``,
    ``"month"``, ``"day"``: see :meth:`geo.i18n.Translator.dated`) travels too, as
    ``"<key>|<shape>"``: the page picks it by the precision of the date it writes
    (``util.dated``).

    >>> from geo.i18n import translator
    >>> page_words(translator("fr"))["search.opens|year"]
    'Ouverture en {date}\xa0: afficher {year}'
    """
    words = t.words(PAGE_KEYS)
    for key in [k for k in words if not isinstance(words[k], dict)]:
        for shape in sorted(t.contexts(key) & _SHAPES):
            words[f"{key}|{shape}"] = t.in_context(shape, key)
    return words


#: The contexts of a date's shape that a page's script picks from (``util.dated``).
_SHAPES = frozenset({"year", "month", "day"})
