"""What a query asked, carried by its answer: the map's title and its marks.

Every query of :mod:`geo.query` returns its answer (a GeoDataFrame) with a
:class:`Question` in the frame's ``attrs`` under :data:`QUESTION`;
:meth:`geo.Atlas.to_map` reads it back with :func:`question_of` and draws the
same title and marks (the point, the radius circle, the lines to the answers)
from Python as ``geo query ... --map`` does from the command line.

``attrs`` follow pandas' rules: a filter, a sort, a column added or dropped,
``copy()`` and ``head()`` keep the question (a subset of an answer is still
an answer to it, drawn with lines to the rows that remain); ``pd.concat`` of
frames with different questions, or with a frame that asks none, drops it
(as ``merge`` does), and the map is then a plain "Query result".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from geo.schema import REGIONS

if TYPE_CHECKING:
    from geo.i18n import Translator

__all__ = ["QUESTION", "Question", "question_of", "with_question"]

_Frame = TypeVar("_Frame", bound=pd.DataFrame)

#: The key of a result's ``attrs`` that holds its :class:`Question`.
QUESTION = "geo.question"


@dataclass(frozen=True)
class Question:
    """What a query asked, as its map shows it: a title, and the marks drawn with the answer.

    Every query of :mod:`geo.query` returns its answer with its question in the
    frame's ``attrs`` (:data:`QUESTION`, read with :func:`question_of`), so
    that ``atlas.to_map(atlas.nearest(...))`` in a notebook and
    ``geo query nearest ... --map`` draw the same map.

    Attributes
    ----------
    kind : str
        The query: ``nearest``, ``within``, ``region``, ``country`` or ``between``.
    lon, lat : float or None
        The query's point, EPSG:4326 degrees (``nearest``, ``within``): drawn
        as a point.
    radius_km : float or None
        ``within``: the geodesic radius, km (WGS84), drawn as a circle.
    lines : bool
        ``nearest``: a geodesic line from the point to each answer, with its distance.
    subjects : tuple of str
        What was asked about, as typed: the region, the country, the two countries.

    Examples
    --------
    >>> Question("within", lon=49.87, lat=40.41, radius_km=300).has_mark
    True
    >>> Question("country", subjects=("AZE",)).has_mark
    False
    """

    kind: str
    lon: float | None = None
    lat: float | None = None
    radius_km: float | None = None
    lines: bool = False
    subjects: tuple[str, ...] = ()

    @property
    def has_mark(self) -> bool:
        """Whether the map draws the query itself (its point, circle or lines)."""
        return self.lon is not None and self.lat is not None

    def title(self, t: Translator) -> str:
        """The map's title in ``t``'s language ("Within 300 km of 40.41° N, 49.87° E")."""
        if self.kind == "nearest" and self.lat is not None and self.lon is not None:
            return t("title.nearest", point=_point(t, self.lat, self.lon))
        if self.kind == "within" and self.lat is not None and self.lon is not None:
            km = t("units.km", km=_typed_number(t, self.radius_km or 0.0))
            return t("title.within", km=km, point=_point(t, self.lat, self.lon))
        if self.kind == "region" and self.subjects:
            return t("title.region_query", region=_region_name(t, self.subjects[0]))
        if self.kind == "country" and self.subjects:
            return t("title.country", country=self.subjects[0])
        if self.kind == "between" and len(self.subjects) == 2:
            return t("title.between", a=self.subjects[0], b=self.subjects[1])
        return t("title.query")


def question_of(result: pd.DataFrame) -> Question | None:
    """The :class:`Question` a query's ``result`` answers; ``None`` for any other frame."""
    found = result.attrs.get(QUESTION)
    return found if isinstance(found, Question) else None


def with_question(frame: _Frame, question: Question) -> _Frame:
    """``frame``, its ``attrs`` now carrying ``question`` (the frame is the query's own new one)."""
    frame.attrs[QUESTION] = question
    return frame


def _typed_number(t: Translator, value: float) -> str:
    """A number the user typed, in the map's language (``41.64``: "41,64" in French)."""
    return t.number(value, decimals=6, trim=True)


def _point(t: Translator, lat: float, lon: float) -> str:
    """A point the user typed, as the maps write coordinates: "40,41° N, 49,87° E" in French."""
    return t(
        "coords.text",
        lat=_typed_number(t, abs(lat)),
        ns=t("coords.north" if lat >= 0 else "coords.south"),
        lon=_typed_number(t, abs(lon)),
        ew=t("coords.east" if lon >= 0 else "coords.west"),
    )


def _region_name(t: Translator, region: str) -> str:
    """A region's name in the map's language, when ``region`` is its code; else as typed."""
    code = region.strip().upper()
    return t(f"region.{code}") if code in REGIONS else region
