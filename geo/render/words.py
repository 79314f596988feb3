"""The words the maps say to people: one table, message id -> English text.

Every user-facing word or phrase added to the pages lives here, once, with
``{placeholders}`` for what varies.  The renderer uses the table for the text
it writes at build time (popup rows such as a place's history) and carries it
to the page in the data document (``"words"``), where the page's script reads
it through one helper, ``geoAtlasLib.util.t(app, id, params)``.  A translation
is another table with the same ids.

Placeholders are filled with plain text, never markup: the page writes every
phrase with DOM text APIs.

>>> word("search.opens", date="2023-03-17", year=2023)
'Opens 2023-03-17: show 2023'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["WORDS", "word"]

#: Message id -> English text; ``{name}`` marks a placeholder.
WORDS: Mapping[str, str] = MappingProxyType(
    {
        # statuses of a place (legend, popups, list, history)
        "status.planned": "Planned",
        "status.under_construction": "Under construction",
        "status.operational": "Operational",
        "status.closed": "Closed",
        "status.unknown": "Possibly open (dates not known)",
        # popup rows written at build time
        "history.planned_opening": "opening planned {date}",
        "seat.between": "{start} to {end}",
        "seat.from": "from {start}",
        "seat.until": "until {end}",
        "seat.undated": "dates not known",
        "seat.planned": "planned",
        # the popup, or the bottom sheet that replaces it on a phone
        "popup.at_year": " at the end of {year}",
        "popup.seat_at": "Seat at the end of {year}",
        "popup.copy_link": "Copy link",
        "popup.copied": "Link copied",
        "popup.copy_by_hand": "Copy this link:",
        "popup.link_label": "Link to this place",
        "sheet.close": "Close the details",
        # the menu that holds the controls on a narrow screen
        "menu.open": "Menu",
        "menu.year": "End of {year}",
        "menu.label": "Map menu: legend, filters, timeline and layers",
        "menu.close": "Close the menu",
        # legend
        "legend.status_box": "{label}: {n} places",
        "legend.two_regions": (
            "A border post counts in the region of each side, as on the region maps: "
            "{n} of the {total} places are in two regions."
        ),
        # search
        "search.none": "No place matches",
        "search.opens": "Opens {date}: show {year}",
        "search.gone": "Not on the map after {date}: show {year}",
        "search.hidden": "Hidden by the filters: show all",
        # query maps
        "query.point": "Query point: {where}",
        "query.circle": "radius {km}",
        "query.line": "{name}: {km}",
        "query.km": "{km} km",
    }
)


def word(key: str, **params: Any) -> str:
    """The English text of message ``key``, its placeholders filled with ``params`` as text.

    Raises
    ------
    KeyError
        When ``key`` is not in :data:`WORDS` or a placeholder is not given.
    """
    return WORDS[key].format(**{name: str(value) for name, value in params.items()})
