"""Check place files and report every problem at once.

A place file is a GeoJSON FeatureCollection (RFC 7946: WGS84, ``[lon, lat]``)
of Point features whose properties follow :mod:`geo.schema`.  Checks are
gathered, never stopped at the first: :func:`check_documents` returns the
valid features and the full list of :class:`~geo.errors.Problem`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo.countries import COAST_TOLERANCE_KM, CountryIndex
from geo.errors import Problem
from geo.fileio import is_finite_number
from geo.i18n import DATA_LANGUAGE, languages
from geo.regions import Membership
from geo.schema import (
    BORDER_POST_FIELDS,
    ID_PATTERN,
    KINDS,
    MODES,
    OFFICE_FIELDS,
    PLACED_BY,
    PRECISIONS,
    REQUIRED_FIELDS,
    RESERVED_FIELDS,
    STATUSES,
    When,
    did_you_mean,
    note_translated,
    parse_date,
    parse_day,
    parse_when,
)

__all__ = ["BORDER_TOLERANCE_KM", "Feature", "check_documents"]

#: How far (geodesic km) a border post may lie from each of its two countries.
BORDER_TOLERANCE_KM = 25.0
_WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "OGC:CRS84",
}


@dataclass(frozen=True)
class Feature:
    """A feature that passed validation.

    Attributes
    ----------
    file : str
        File name it came from.
    index : int
        Zero-based position in the file's ``features``.
    lon, lat : float
        Coordinates, degrees, EPSG:4326.
    properties : dict
        The feature's properties as written.
    """

    file: str
    index: int
    lon: float
    lat: float
    properties: dict[str, Any] = field(hash=False)


class _Checker:
    def __init__(self, countries: CountryIndex, membership: Membership, today: dt.date) -> None:
        self.countries = countries
        self.membership = membership
        self.today = today
        self.problems: list[Problem] = []
        self.features: list[Feature] = []
        self.seen_ids: dict[str, str] = {}

    # -- helpers -----------------------------------------------------------
    def add(self, file: str, field_: str, value: Any, expected: str, **where: Any) -> None:
        self.problems.append(Problem(file, field_, expected, value, **where))

    def known_codes(self) -> list[str]:
        return sorted(set(self.membership.members) | set(self.membership.others))

    def check_iso3(self, file: str, where: dict[str, Any], field_: str, value: Any) -> bool:
        if not isinstance(value, str) or not value:
            self.add(file, field_, value, "an ISO 3166-1 alpha-3 code such as 'AZE'", **where)
            return False
        if self.membership.known(value) and value in self.countries.codes:
            return True
        hint = did_you_mean(value.upper(), self.known_codes())
        if value.upper() != value and self.membership.known(value.upper()):
            hint = f"codes are upper case: {value.upper()!r}"
        self.add(file, field_, value, "a known ISO 3166-1 alpha-3 code", hint=hint, **where)
        return False

    # -- document ------------------------------------------------------------
    def document(self, file: str, doc: Any) -> None:
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
            self.add(file, "type", got, "a GeoJSON FeatureCollection")
            return
        if "crs" in doc:
            self.crs(file, doc["crs"])
        features = doc.get("features")
        if not isinstance(features, list):
            self.add(file, "features", features, "a list of features")
            return
        for index, feature in enumerate(features):
            self.feature(file, index, feature)

    def crs(self, file: str, crs: Any) -> None:
        """A ``crs`` member is refused, whatever its shape (RFC 7946 has none)."""
        members = crs.get("properties") if isinstance(crs, dict) else None
        name = members.get("name") if isinstance(members, dict) else None
        if isinstance(name, str) and name in _WGS84_CRS_NAMES:
            self.add(
                file,
                "crs",
                name,
                "no 'crs' member",
                hint="RFC 7946 GeoJSON is always WGS84 [lon, lat]: delete the 'crs' member",
            )
        else:
            self.add(
                file,
                "crs",
                name if name is not None else crs,
                "WGS84 longitude/latitude (EPSG:4326) with no 'crs' member",
                hint="reproject the file to EPSG:4326, e.g. ogr2ogr -t_srs EPSG:4326",
            )

    def feature(self, file: str, index: int, feature: Any) -> None:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            got = feature.get("type") if isinstance(feature, dict) else feature
            self.add(file, "type", got, "'Feature'", index=index)
            return
        props = feature.get("properties")
        if not isinstance(props, dict):
            self.add(file, "properties", props, "an object of properties", index=index)
            return
        raw_id = props.get("id")
        fid = raw_id if isinstance(raw_id, str) else None
        where = {"index": index, "feature_id": fid}
        before = len(self.problems)
        self.identity(file, where, raw_id)
        self.required(file, where, props)
        position = self.geometry(file, where, feature.get("geometry"))
        self.dates(file, where, props)
        kind = props.get("kind")
        if kind == "border_post":
            sides_ok = self.border_sides(file, where, props)
            side_posts = self.side_positions(file, where, props)
            self.crossing(file, where, props)
        else:
            sides_ok = self.office_country(file, where, props)
        if position is not None and sides_ok:
            if kind == "border_post":
                if self.border_location(file, where, props, *position):
                    self.side_locations(file, where, props, side_posts)
            else:
                self.office_location(file, where, "iso3", props["iso3"], *position)
        if len(self.problems) == before and position is not None:
            self.features.append(Feature(file, index, position[0], position[1], props))

    def identity(self, file: str, where: dict[str, Any], raw_id: Any) -> None:
        if raw_id is None:
            self.add(file, "id", None, "a unique id such as 'rocb-europe'", **where)
            return
        if not isinstance(raw_id, str) or not ID_PATTERN.fullmatch(raw_id):
            self.add(
                file,
                "id",
                raw_id,
                "lower-case letters and digits joined by hyphens, e.g. 'rocb-europe'",
                **where,
            )
            return
        if raw_id in self.seen_ids:
            self.add(
                file,
                "id",
                raw_id,
                "an id used once",
                hint=f"also used by {self.seen_ids[raw_id]}",
                **where,
            )
        else:
            self.seen_ids[raw_id] = f"{file} feature #{where['index']}"

    def required(self, file: str, where: dict[str, Any], props: dict[str, Any]) -> None:
        for name in REQUIRED_FIELDS:
            if name == "id":
                continue
            value = props.get(name)
            if not isinstance(value, str) or not value.strip():
                self.add(file, name, value, "a non-empty string", hint="required property", **where)
        for name in RESERVED_FIELDS:
            if name in props:
                self.add(
                    file,
                    name,
                    props[name],
                    "no such property: geo computes it",
                    hint=f"rename it, e.g. '{name}_note' or 'source_{name}'",
                    **where,
                )
        for name, value in props.items():  # a place's name in another language
            if _is_alternate_name(name) and (not isinstance(value, str) or not value.strip()):
                hint = "the place's name in that language, used by its maps"
                self.add(file, name, value, "a non-empty string", hint=hint, **where)
        for name, value in props.items():  # a note in another language (``notes_fr``)
            translated = note_translated(name, _note_languages())
            if translated is None:
                continue
            note = props.get(translated[0])
            if not isinstance(value, str) or not value.strip():
                hint = "the place's note in that language, shown by its maps in that language"
                self.add(file, name, value, "a non-empty string", hint=hint, **where)
            elif not isinstance(note, str) or not note.strip():
                hint = f"write '{translated[0]}' too: a translation of no note is a mistake"
                expected = f"a translation of '{translated[0]}'"
                self.add(file, name, value, expected, hint=hint, **where)
        for name, vocabulary, required in (
            ("kind", KINDS, True),
            ("status", STATUSES, True),
            ("precision", PRECISIONS, False),
            ("placed_by", PLACED_BY, False),
        ):
            self.choice(file, where, name, props.get(name), vocabulary, required=required)
        if props.get("placed_by") is not None:
            cited = props.get("placed_by_source")
            if not isinstance(cited, str) or not cited.strip():
                hint = "where the point comes from: the source or the data the placing used"
                self.add(file, "placed_by_source", cited, "a non-empty string", hint=hint, **where)

    def choice(
        self,
        file: str,
        where: dict[str, Any],
        field_: str,
        value: Any,
        vocabulary: tuple[str, ...],
        *,
        required: bool,
    ) -> None:
        """One value of a closed vocabulary (a required one is checked as a string before)."""
        if value is None and not required:
            return
        if required and (not isinstance(value, str) or not value.strip()):
            return  # reported by the required-field check
        if value not in vocabulary:
            hint = did_you_mean(value, vocabulary, n=1)
            self.add(file, field_, value, f"one of {list(vocabulary)}", hint=hint, **where)

    def geometry(self, file: str, where: dict[str, Any], geom: Any) -> tuple[float, float] | None:
        if geom is None:
            self.add(
                file, "geometry", None, "a Point geometry", hint="the geometry is null", **where
            )
            return None
        if not isinstance(geom, dict) or geom.get("type") != "Point":
            got = geom.get("type") if isinstance(geom, dict) else geom
            self.add(file, "geometry.type", got, "'Point'", **where)
            return None
        coords = geom.get("coordinates")
        if not isinstance(coords, list) or len(coords) not in (2, 3):
            hint = "the point is empty" if coords in ([], None) else None
            self.add(file, "geometry.coordinates", coords, "[lon, lat]", hint=hint, **where)
            return None
        if not all(is_finite_number(c) for c in coords):
            self.add(file, "geometry.coordinates", coords, "[lon, lat] as finite numbers", **where)
            return None
        lon, lat = float(coords[0]), float(coords[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            swapped = -180 <= lat <= 180 and -90 <= lon <= 90
            self.add(
                file,
                "geometry.coordinates",
                coords,
                "[lon, lat] with -180 <= lon <= 180 and -90 <= lat <= 90",
                hint="are lon and lat swapped?" if swapped else None,
                **where,
            )
            return None
        return lon, lat

    def position(
        self, file: str, where: dict[str, Any], field_: str, lon: Any, lat: Any
    ) -> tuple[float, float] | None:
        """A point given as two number properties (a seat's, a side's): degrees, or a problem."""
        numbers = is_finite_number(lon) and is_finite_number(lat)
        if numbers and -180 <= lon <= 180 and -90 <= lat <= 90:
            return float(lon), float(lat)
        text = isinstance(lon, str) or isinstance(lat, str)
        swapped = numbers and -90 <= lon <= 90 and -180 <= lat <= 180
        hint = "numbers, not text" if text else "are lon and lat swapped?" if swapped else None
        self.add(
            file,
            field_,
            [lon, lat],
            "finite degrees with -180 <= lon <= 180 and -90 <= lat <= 90",
            hint=hint,
            **where,
        )
        return None

    def date(
        self, file: str, where: dict[str, Any], field_: str, value: Any, *, future_ok: bool = False
    ) -> dt.date | None:
        """Check one date field (``None`` allowed) and return it parsed."""
        if value is None:
            return None
        date = parse_date(value) if isinstance(value, str) else None
        if date is None:
            note = field_.rsplit(".", 1)[-1]
            self.add(
                file,
                field_,
                value,
                "a date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or null",
                hint=f"put free text in '{note}_note'",
                **where,
            )
            return None
        if not future_ok:
            self.not_in_future(file, where, field_, value, date)
        return date

    def bounded_date(
        self, file: str, where: dict[str, Any], field_: str, value: Any
    ) -> When | None:
        """Check an ``opened``/``closed`` value: a date, bounds (an EDTF interval), or null."""
        if value is None:
            return None
        when = parse_when(value) if isinstance(value, str) else None
        if when is None:
            self.add(
                file,
                field_,
                value,
                "a date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', bounds such as '2005/2013-11', "
                "'../2013' (by 2013) or '2010/..' (from 2010), or null",
                hint=f"put free text in '{field_}_note'",
                **where,
            )
            return None
        written = [parse_date(part) for part in value.split("/") if part != ".."]
        days = [day for day in written if day is not None]  # each bound's first day
        if days:
            self.not_in_future(file, where, field_, value, max(days))
        return when

    def not_in_future(
        self, file: str, where: dict[str, Any], field_: str, value: Any, day: dt.date
    ) -> None:
        """A date of the data may not be after today: plans have their own field."""
        if day > self.today:
            self.add(
                file,
                field_,
                value,
                f"a date not after today ({self.today.isoformat()})",
                hint="record plans with status 'planned' and a 'planned_opening' date",
                **where,
            )

    def dates(self, file: str, where: dict[str, Any], props: dict[str, Any]) -> None:
        opened = self.bounded_date(file, where, "opened", props.get("opened"))
        closed = self.bounded_date(file, where, "closed", props.get("closed"))
        first_open = opened.earliest if opened is not None else None
        last_closed = closed.latest if closed is not None else None
        if first_open is not None and last_closed is not None and last_closed < first_open:
            self.add(
                file, "closed", props["closed"], f"a date after opened ({props['opened']})", **where
            )
        self.history(file, where, props.get("history"))
        self.seats(file, where, props.get("seats"))
        self.checked_on(file, where, props.get("checked_on"))

    def checked_on(self, file: str, where: dict[str, Any], value: Any) -> None:
        """``checked_on``: the day a place was last checked, ``YYYY-MM-DD``, not after today.

        Absent or null means never (``geo check-stale`` lists the place).
        """
        if value is None:
            return
        day = parse_day(value)
        if day is None:
            self.add(
                file,
                "checked_on",
                value,
                "a day 'YYYY-MM-DD' (the day the place's facts were last checked), or null",
                **where,
            )
        elif day > self.today:
            self.add(file, "checked_on", value, f"a day not after today ({self.today})", **where)

    def history(self, file: str, where: dict[str, Any], events: Any) -> None:
        if events is None:
            return
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            self.add(file, "history", events, "a list of events {date, status, note}", **where)
            return
        previous: tuple[dt.date, str] | None = None
        for i, event in enumerate(events):
            name = f"history[{i}]"
            when = self.date(file, where, f"{name}.date", event.get("date"))
            if event.get("date") is None:
                self.add(file, f"{name}.date", None, "the date of the event", **where)
            self.choice(
                file, where, f"{name}.status", event.get("status"), STATUSES, required=False
            )
            if event.get("status") is None:
                self.add(file, f"{name}.status", None, f"one of {list(STATUSES)}", **where)
            self.date(
                file, where, f"{name}.planned_opening", event.get("planned_opening"), future_ok=True
            )
            if when is not None:
                if previous is not None and when < previous[0]:
                    self.add(
                        file,
                        f"{name}.date",
                        event["date"],
                        f"a date on or after the previous event ({previous[1]})",
                        hint="list history events in date order",
                        **where,
                    )
                previous = (when, event["date"])

    def seats(self, file: str, where: dict[str, Any], seats: Any) -> None:
        if seats is None:
            return
        if not isinstance(seats, list) or not all(isinstance(e, dict) for e in seats):
            self.add(
                file, "seats", seats, "a list of seats {city, iso3, lon, lat, from, to}", **where
            )
            return
        spans: list[tuple[dt.date, dt.date, int]] = []
        for i, seat in enumerate(seats):
            name = f"seats[{i}]"
            position = self.position(
                file, where, f"{name}.lon/lat", seat.get("lon"), seat.get("lat")
            )
            if self.check_iso3(file, where, f"{name}.iso3", seat.get("iso3")) and position:
                self.office_location(file, where, f"{name}.iso3", seat["iso3"], *position)
            start = self.date(file, where, f"{name}.from", seat.get("from"))
            end = self.date(file, where, f"{name}.to", seat.get("to"))
            if start and end and end <= start:
                self.add(
                    file, f"{name}.to", seat["to"], f"a date after from ({seat['from']})", **where
                )
                continue
            if seat.get("status") == "planned":
                continue
            low, high = start or dt.date.min, end or dt.date.max
            for other_low, other_high, j in spans:
                if low < other_high and other_low < high:
                    self.add(
                        file,
                        f"{name}.from",
                        seat.get("from"),
                        f"a seat that does not overlap seats[{j}] "
                        f"({seats[j].get('from')} to {seats[j].get('to')})",
                        hint="an office has one seat at a time: "
                        "end the earlier seat ('to') where the next begins",
                        **where,
                    )
            spans.append((low, high, i))

    def office_country(self, file: str, where: dict[str, Any], props: dict[str, Any]) -> bool:
        ok = True
        for name in OFFICE_FIELDS:
            ok = self.check_iso3(file, where, name, props.get(name)) and ok
        return ok

    def border_sides(self, file: str, where: dict[str, Any], props: dict[str, Any]) -> bool:
        ok = True
        for name in BORDER_POST_FIELDS:
            value = props.get(name)
            if name.endswith("_iso3"):
                ok = self.check_iso3(file, where, name, value) and ok
            elif not isinstance(value, str) or not value.strip():
                self.add(
                    file, name, value, "a non-empty string (the local name of this side)", **where
                )
        if ok and props["side_a_iso3"] == props["side_b_iso3"]:
            self.add(
                file,
                "side_b_iso3",
                props["side_b_iso3"],
                "a country other than side_a_iso3",
                **where,
            )
            ok = False
        return ok

    def side_positions(
        self, file: str, where: dict[str, Any], props: dict[str, Any]
    ) -> dict[str, tuple[float, float]]:
        """``side_a_lon``/``side_a_lat``, ``side_b_...``: each side's own post, when given."""
        found = {}
        for side in ("a", "b"):
            lon, lat = props.get(f"side_{side}_lon"), props.get(f"side_{side}_lat")
            if lon is None and lat is None:
                continue
            position = self.position(file, where, f"side_{side}_lon/lat", lon, lat)
            if position is not None:
                found[side] = position
        return found

    def side_locations(
        self,
        file: str,
        where: dict[str, Any],
        props: dict[str, Any],
        posts: dict[str, tuple[float, float]],
    ) -> None:
        """A side's own post lies within 25 km of its side's country."""
        for side, (lon, lat) in posts.items():
            code = props[f"side_{side}_iso3"]
            distance = self.countries.distance_km(lon, lat, code)
            if distance > BORDER_TOLERANCE_KM:
                self.add(
                    file,
                    f"side_{side}_lon/lat",
                    [props[f"side_{side}_lon"], props[f"side_{side}_lat"]],
                    f"a point within {BORDER_TOLERANCE_KM:.0f} km of side_{side}_iso3 ({code}); "
                    f"it is {self._where_is(lon, lat)}, {distance:.0f} km from {code}",
                    hint=self._swap_hint(lon, lat, [code], BORDER_TOLERANCE_KM),
                    **where,
                )

    def crossing(self, file: str, where: dict[str, Any], props: dict[str, Any]) -> None:
        """``osbp`` (true, false or null) and ``modes`` (a list of what crosses, each once)."""
        osbp = props.get("osbp")
        if osbp is not None and not isinstance(osbp, bool):
            hint = "JSON true or false, not text" if isinstance(osbp, str) else None
            self.add(file, "osbp", osbp, "true, false or null (not known)", hint=hint, **where)
        modes = props.get("modes")
        if modes is None:
            return
        if (
            not isinstance(modes, list)
            or not all(isinstance(m, str) and m in MODES for m in modes)
            or len(set(modes)) != len(modes)
        ):
            self.add(file, "modes", modes, f"a list of {list(MODES)}, each once", **where)

    def _where_is(self, lon: float, lat: float) -> str:
        located = self.countries.locate_many([lon], [lat])  # type: ignore[arg-type]
        row = int(located.row[0])
        if row < 0:
            return "at sea"
        code = str(self.countries.frame.at[row, "iso3"])
        return f"in {code} ({self.countries.frame.at[row, 'name']})"

    def _swap_hint(
        self, lon: float, lat: float, codes: Iterable[str], tolerance: float
    ) -> str | None:
        if not -90 <= lon <= 90:
            return None
        if all(self.countries.distance_km(lat, lon, code) <= tolerance for code in codes):
            return f"are lon and lat swapped? [{lat}, {lon}] lies there"
        return None

    def office_location(
        self, file: str, where: dict[str, Any], field_: str, declared: str, lon: float, lat: float
    ) -> None:
        """An office's point (or a seat's) lies in its declared country, or within 25 km."""
        distance = self.countries.distance_km(lon, lat, declared)
        if distance <= COAST_TOLERANCE_KM:
            return
        hint = self._swap_hint(lon, lat, [declared], COAST_TOLERANCE_KM)
        self.add(
            file,
            field_,
            declared,
            f"the country at [lon, lat] = [{lon}, {lat}], which is {self._where_is(lon, lat)}, "
            f"{distance:.0f} km from {declared}",
            hint=hint or "fix the coordinates or the declared country",
            **where,
        )

    def border_location(
        self, file: str, where: dict[str, Any], props: dict[str, Any], lon: float, lat: float
    ) -> bool:
        """A border post lies within 25 km of both its sides (``False`` and a problem if not)."""
        codes = [props["side_a_iso3"], props["side_b_iso3"]]
        far = [(c, self.countries.distance_km(lon, lat, c)) for c in codes]
        far = [(c, d) for c, d in far if d > BORDER_TOLERANCE_KM]
        if not far:
            return True
        hint = self._swap_hint(lon, lat, codes, BORDER_TOLERANCE_KM)
        field_ = "side_a_iso3" if far[0][0] == codes[0] else "side_b_iso3"
        detail = ", ".join(f"{d:.0f} km from {c}" for c, d in far)
        self.add(
            file,
            field_,
            far[0][0],
            f"a border post within {BORDER_TOLERANCE_KM:.0f} km of both sides; the point "
            f"[{lon}, {lat}] is {self._where_is(lon, lat)}, {detail}",
            hint=hint or "fix the coordinates or the declared sides",
            **where,
        )
        return False


def check_documents(
    documents: Mapping[str, Any],
    countries: CountryIndex,
    membership: Membership,
    *,
    today: dt.date | None = None,
) -> tuple[list[Feature], list[Problem]]:
    """Validate parsed GeoJSON documents.

    Parameters
    ----------
    documents : mapping of str to Any
        File name -> parsed JSON, in the order to check (ids must be unique
        across all of them).
    countries : CountryIndex
        Polygons used to check declared countries against locations.
    membership : Membership
        Known Members and territories, for ISO3 codes.
    today : datetime.date, optional
        Dates after this day are errors (default: today); planned openings
        may be later.

    Returns
    -------
    features : list of Feature
        Features with no problem, in file order.
    problems : list of Problem
        Every problem found, in file order.
    """
    checker = _Checker(countries, membership, today or dt.date.today())
    for name, doc in documents.items():
        checker.document(name, doc)
    return checker.features, checker.problems


def _is_alternate_name(name: str) -> bool:
    """Whether a property is a place's name in a language of the maps: ``name_fr``, ``name:fr``."""
    return name[:5] in ("name_", "name:") and name[5:] in languages()


def _note_languages() -> tuple[str, ...]:
    """The languages a note may be translated into: those of the maps but the data's own."""
    return tuple(lang for lang in languages() if lang != DATA_LANGUAGE)
