"""The network's history: what a place was on a given day, and how it changed.

A place's life is read from its properties:

``opened`` / ``closed``
    Dates with their precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``).
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
from ``opened`` (always, when ``opened`` is unknown) and ``closed`` from
``closed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.errors import UsageError
from geo.schema import parse_date

__all__ = ["State", "parse_as_of", "segments", "state_at"]


@dataclass(frozen=True)
class State:
    """A place on a given day.

    Attributes
    ----------
    status : str
        ``planned``, ``under_construction``, ``operational`` or ``closed``.
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


def _seat_at(seats: list[Mapping[str, Any]], day: dt.date) -> Mapping[str, Any] | None:
    for seat in seats:
        if seat.get("status") == "planned":
            continue
        start, end = _date(seat.get("from")), _date(seat.get("to"))
        if (start is None or start <= day) and (end is None or day < end):
            return seat
    return None


def state_at(properties: Mapping[str, Any], day: dt.date) -> State | None:
    """The state of a place on ``day``, or ``None`` if it did not exist yet.

    >>> state_at({"opened": "2011-10-17", "status": "operational"}, dt.date(2010, 9, 8)) is None
    True
    >>> state_at({"opened": "2011", "status": "operational"}, dt.date(2011, 1, 1)).status
    'operational'
    """
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
        opened = _date(properties.get("opened"))
        if opened is not None and day < opened:
            return None
        status = "operational" if properties.get("status") != "planned" else "planned"
    closed = _date(properties.get("closed"))
    if closed is not None and day >= closed:
        status = "closed"
    seats = properties.get("seats") or []
    if seats:
        seat = _seat_at(seats, day)
        if seat is None:
            return None
        return State(str(status), float(seat["lon"]), float(seat["lat"]), seat.get("city"), planned)
    return State(str(status), planned_opening=planned)


def segments(properties: Mapping[str, Any], lon: float, lat: float) -> list[dict[str, Any]]:
    """The place's life as intervals of constant status and position.

    Returns
    -------
    list of dict
        ``{"from": "YYYY-MM-DD" or None, "to": ... or None, "status", "lon", "lat"}``
        in order; ``from`` None means since before any record, ``to`` None
        means still so.  Used by the maps' timeline.
    """
    days: set[dt.date] = set()
    for event in properties.get("history") or []:
        if (d := _date(event.get("date"))) is not None:
            days.add(d)
    for name in ("opened", "closed"):
        if (d := _date(properties.get(name))) is not None:
            days.add(d)
    for seat in properties.get("seats") or []:
        for name in ("from", "to"):
            if (d := _date(seat.get(name))) is not None:
                days.add(d)
    cuts = sorted(days)
    probes = [dt.date(1, 1, 1), *cuts]
    result: list[dict[str, Any]] = []
    for i, start in enumerate(probes):
        state = state_at(properties, start)
        if state is None:
            continue
        piece = {
            "from": None if i == 0 else start.isoformat(),
            "to": cuts[i].isoformat() if i < len(cuts) else None,
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
