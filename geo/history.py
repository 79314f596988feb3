"""The network's history: what a place was on a given day, and how it changed.

A place's life is read from its properties:

``opened`` / ``closed``
    Dates with their precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), or
    bounds when the day is not known: an EDTF interval such as
    ``"2005/2013-11"``, ``"../2013"`` (by 2013) or ``"2010/.."`` (see
    :class:`geo.schema.When`); ``null`` when nothing is known.
``history``
    Optional list of events ``{"date", "status", "note", "source",
    "planned_opening"}`` in date order; the status of the last event on or
    before a day is the place's status that day, and before the first event
    the place does not exist yet.
``seats``
    Optional list of seats ``{"city", "iso3", "lon", "lat", "from", "to",
    "status", ...}`` for an office that moved; on a day, the office is at the
    seat whose ``[from, to)`` holds it (a planned seat is never current).

A date of year or month precision counts from its first day: ``"2011"``
holds from 1 January 2011.  Without ``history``, a place is ``operational``
from ``opened`` and ``closed`` from ``closed``.

What is not known is said, not guessed.  Between the bounds of an
``opened`` interval, and on every day when ``opened`` is ``null``, a place's
status is ``"unknown"``: it may or may not have been open (the maps say
"possibly open").  A place is never on the map before ``since``, the
network's earliest known date (:func:`network_start`): an unknown or open-ended
opening starts there, so the 1900 map is empty.  The same holds for a
bounded ``closed``: between its bounds the status is ``"unknown"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geo.errors import UsageError
from geo.schema import When, parse_date, parse_when

__all__ = ["UNKNOWN", "State", "network_start", "parse_as_of", "segments", "state_at"]

#: The status of a place on a day when the data cannot say whether it was open.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class State:
    """A place on a given day.

    Attributes
    ----------
    status : str
        ``planned``, ``under_construction``, ``operational``, ``closed``, or
        :data:`UNKNOWN` (``"unknown"``: possibly open, the dates are not known).
    lon, lat : float or None
        The seat's position that day, when it differs from the feature's point.
    city : str or None
        The seat's city, when the office had several seats.
    planned_opening : str or None
        The opening date planned at that time, when one was recorded.
    """

    status: str
    lon: float | None = None
    lat: float | None = None
    city: str | None = None
    planned_opening: str | None = None


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """Parse an ``as_of`` argument (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date).

    Raises
    ------
    UsageError
        If it is not such a date.
    """
    if isinstance(value, dt.datetime):  # a datetime is a date too: keep its day
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        msg = f"Got as_of={value!r}; `as_of` must be a date 'YYYY-MM-DD' (or 'YYYY-MM', 'YYYY')"
        raise UsageError(msg)
    return parsed


def _date(value: Any) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None


def _when(value: Any) -> When | None:
    return parse_when(value) if isinstance(value, str) else None


def network_start(features: Iterable[Mapping[str, Any]]) -> dt.date | None:
    """The network's first known day: the earliest opening, event or seat of an office.

    The network is the WCO's offices (the HQ opened on 1952-11-04); a border
    post may be older (San Ysidro, 1906) but does not move the start, it is
    shown from it.  When there is no office, all places count.  Only known days
    count: an ``opened`` interval gives its earliest bound, an open-ended one
    (``"../2013"``) nothing.  ``None`` when no day is known.
    """
    places = list(features)
    offices = [p for p in places if p.get("kind") != "border_post"]
    days: list[dt.date] = []
    for props in offices or places:
        when = _when(props.get("opened"))
        if when is not None and when.earliest is not None:
            days.append(when.earliest)
        for event in props.get("history") or []:
            if isinstance(event, Mapping) and (d := _date(event.get("date"))) is not None:
                days.append(d)
        for seat in props.get("seats") or []:
            if isinstance(seat, Mapping) and (d := _date(seat.get("from"))) is not None:
                days.append(d)
    return min(days) if days else None


def _seat_at(seats: list[Mapping[str, Any]], day: dt.date) -> Mapping[str, Any] | None:
    for seat in seats:
        if seat.get("status") == "planned":
            continue
        start, end = _date(seat.get("from")), _date(seat.get("to"))
        if (start is None or start <= day) and (end is None or day < end):
            return seat
    return None


def state_at(
    properties: Mapping[str, Any], day: dt.date, *, since: dt.date | None = None
) -> State | None:
    """The state of a place on ``day``, or ``None`` if it did not exist yet.

    ``since`` is the network's first known day (:func:`network_start`): no
    place exists before it (a border post older than the network is shown
    from it), and a place whose opening is unknown, or not bounded below, is
    :data:`UNKNOWN` from it until its opening is certain.

    >>> state_at({"opened": "2011-10-17", "status": "operational"}, dt.date(2010, 9, 8)) is None
    True
    >>> state_at({"opened": "2011", "status": "operational"}, dt.date(2011, 1, 1)).status
    'operational'
    >>> state_at({"opened": "../2013", "status": "operational"}, dt.date(2010, 9, 8)).status
    'unknown'
    >>> state_at({"opened": None}, dt.date(1900, 1, 1), since=dt.date(1952, 11, 4)) is None
    True
    """
    if since is not None and day < since:
        return None  # nothing is on the map before the network's first known day
    history = properties.get("history") or []
    status: str | None = None
    planned: str | None = None
    if history:
        for event in history:
            when = _date(event.get("date"))
            if when is not None and when <= day:
                status = event.get("status")
                planned = event.get("planned_opening")
        if status is None:
            return None
    else:
        declared = properties.get("status")
        status = declared if declared in ("planned", "under_construction") else "operational"
        if status == "operational":
            opened = _when(properties.get("opened"))
            start = opened.earliest if opened is not None else None
            start = start if start is not None else since
            if start is not None and day < start:
                return None
            if opened is None or not opened.exact:
                latest = opened.latest if opened is not None else None
                if latest is None or day <= latest:
                    status = UNKNOWN
    closed = _when(properties.get("closed"))
    if closed is not None and closed.exact:
        if closed.earliest is not None and day >= closed.earliest:
            status = "closed"
    elif closed is not None:
        if closed.latest is not None and day > closed.latest:
            status = "closed"
        elif closed.earliest is None or day >= closed.earliest:
            status = UNKNOWN
    seats = properties.get("seats") or []
    if seats:
        seat = _seat_at(seats, day)
        if seat is None:
            return None
        return State(str(status), float(seat["lon"]), float(seat["lat"]), seat.get("city"), planned)
    return State(str(status), planned_opening=planned)


def _first_written(value: Any) -> str | None:
    """The text of the first day a date of the data counts from, at its precision.

    ``"2005"`` for ``"2005"`` and for ``"2005/2013-11"``; None when there is no
    such day (``"../2013"``, not a date).
    """
    if not isinstance(value, str):
        return None
    start = value.partition("/")[0]
    return start if parse_date(start) is not None else None


def segments(
    properties: Mapping[str, Any], lon: float, lat: float, *, since: dt.date | None = None
) -> list[dict[str, Any]]:
    """The place's life as intervals of constant status and position.

    Returns
    -------
    list of dict
        ``{"from", "to", "status", "lon", "lat"}`` in order.  ``from`` and
        ``to`` are dates of the data at the precision they were written with
        (``"2005"``, ``"2005-03"``, ``"2005-03-17"``: each counts from its first
        day, as in :func:`state_at`), so that a page can say "in 2005" of an
        opening known to its year and never "on 1 January 2005"; a day that
        follows an interval's last bound (``"../2013"``: 2014-01-01) or
        ``since`` is a day.  ``from`` None means since before any record,
        ``to`` None means still so; ``status`` may be :data:`UNKNOWN` (see
        :func:`state_at`, which takes the same ``since``).  Used by the maps'
        timeline.

    >>> [(p["from"], p["to"], p["status"]) for p in segments(
    ...     {"opened": "2005", "closed": "2010-03"}, 0.0, 0.0)]
    [('2005', '2010-03', 'operational'), ('2010-03', None, 'closed')]
    """
    written: dict[dt.date, str] = {}  # each cut's text, at the finest precision given

    def cut(day: dt.date | None, text: str | None = None) -> None:
        if day is None:
            return
        text = text if text is not None and parse_date(text) == day else day.isoformat()
        if len(text) > len(written.get(day, "")):
            written[day] = text

    cut(since)
    for event in properties.get("history") or []:
        cut(_date(event.get("date")), _first_written(event.get("date")))
    for name in ("opened", "closed"):
        value = properties.get(name)
        when = _when(value)
        if when is not None:
            cut(when.earliest, _first_written(value))
        latest = when.latest if when is not None and not when.exact else None
        if latest is not None and latest < dt.date.max:  # the end of 9999 has no day after it
            cut(latest + dt.timedelta(days=1))
    for seat in properties.get("seats") or []:
        for name in ("from", "to"):
            cut(_date(seat.get(name)), _first_written(seat.get(name)))
    cuts = sorted(written)
    probes = [dt.date(1, 1, 1), *cuts]
    result: list[dict[str, Any]] = []
    for i, start in enumerate(probes):
        state = state_at(properties, start, since=since)
        if state is None:
            continue
        piece = {
            "from": None if i == 0 else written[start],
            "to": written[cuts[i]] if i < len(cuts) else None,
            "status": state.status,
            "lon": state.lon if state.lon is not None else lon,
            "lat": state.lat if state.lat is not None else lat,
        }
        last = result[-1] if result else None
        if last and all(last[k] == piece[k] for k in ("status", "lon", "lat")):
            last["to"] = piece["to"]
        else:
            result.append(piece)
    return result
