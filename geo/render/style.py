"""How the maps draw places and regions: a symbol per kind of place, a colour per WCO region.

A kind of place is told apart by its shape and its colour, never by colour
alone; the region colours are ColorBrewer Set2 (distinct, colour-blind aware).
They reach the page in the data document's legends (see :mod:`geo.render.text`),
from which the page draws both the markers and the legend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["CATEGORY_SYMBOLS", "DEFAULT_SYMBOL", "KIND_SYMBOLS", "REGION_COLORS", "Symbol"]


@dataclass(frozen=True)
class Symbol:
    """How a kind of place is drawn: a shape and a colour, never colour alone.

    Attributes
    ----------
    shape : str
        One of ``'star'``, ``'square'``, ``'triangle'``, ``'diamond'``,
        ``'circle'``, ``'pentagon'``.
    color : str
        Fill colour, ``#rrggbb``.
    size_px : int
        Width and height of the marker in CSS pixels.
    """

    shape: str
    color: str
    size_px: int


#: Symbol per kind of place; kinds not listed get :data:`DEFAULT_SYMBOL`.
KIND_SYMBOLS: Mapping[str, Symbol] = MappingProxyType(
    {
        "hq": Symbol("star", "#0b2e59", 32),
        "rocb": Symbol("square", "#c0392b", 22),
        "rtc": Symbol("triangle", "#6c3483", 22),
        "rilo": Symbol("diamond", "#0e6655", 22),
        "border_post": Symbol("circle", "#1c2833", 15),
    }
)
#: Symbol of a kind this module does not know.
DEFAULT_SYMBOL = Symbol("pentagon", "#5d6d7e", 18)

#: Symbols of the kinds this module does not know (the values of a column a map is styled
#: by, :meth:`geo.Atlas.to_map`), in their sorted order, in turn: shape and colour
#: (ColorBrewer Dark2) both change, so no two neighbours differ by colour alone.
CATEGORY_SYMBOLS: tuple[Symbol, ...] = (
    DEFAULT_SYMBOL,
    Symbol("circle", "#1b9e77", 16),
    Symbol("square", "#d95f02", 16),
    Symbol("triangle", "#7570b3", 18),
    Symbol("diamond", "#e7298a", 18),
    Symbol("star", "#66a61e", 20),
    Symbol("circle", "#e6ab02", 16),
    Symbol("square", "#a6761d", 16),
    Symbol("triangle", "#666666", 18),
)

#: Fill colour per WCO region (ColorBrewer Set2: distinct, colour-blind aware).
REGION_COLORS: Mapping[str, str] = MappingProxyType(
    {
        "EUR": "#8da0cb",
        "AP": "#66c2a5",
        "AC": "#fc8d62",
        "ESA": "#e78ac3",
        "WCA": "#a6d854",
        "MENA": "#ffd92f",
    }
)
_UNKNOWN_REGION_COLOR = "#b3b3b3"
