"""The atlas: load the data folder, validate, enrich, and answer where a point is.

>>> import geo
>>> atlas = geo.load()
>>> atlas.locate(lat=40.41, lon=49.87).iso3
'AZE'
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.config import config_problems
from geo.countries import CountryIndex, load_country_index
from geo.enrich import country_columns, enrich_features
from geo.errors import DataError, Problem, UsageError
from geo.fileio import check_structure, read_json
from geo.history import network_start, parse_as_of, state_at
from geo.regions import Membership, load_membership
from geo.schema import KIND_LABELS, KINDS, REGIONS, check_lat_lon
from geo.validate import Feature, check_documents

__all__ = ["Atlas", "Location", "default_data_dir", "load", "validate"]

log = logging.getLogger(__name__)

#: Reference files (not places) that a data folder may hold.
MEMBERS_FILE = "wco_members.csv"
TERRITORIES_FILE = "nonmember_territories.csv"
COUNTRIES_FILE = "countries.fgb.xz"
DISPLAY_FILE = "countries_display.geojson"
_REFERENCE_FILES = (MEMBERS_FILE, TERRITORIES_FILE, COUNTRIES_FILE, DISPLAY_FILE)


def default_data_dir() -> Path:
    """The data folder used when none is given: ``$GEO_DATA``, else the project's ``data/``."""
    env = os.environ.get("GEO_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def _project_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data"


def _reference(data_dir: Path, name: str) -> Path:
    """A reference file from ``data_dir``, else the project's own copy (and a warning saying so)."""
    own = data_dir / name
    if own.exists() or own.is_symlink():
        return own
    fallback = _project_data_dir() / name
    if fallback != own:
        _say_fallback(str(data_dir), name)
    return fallback


@functools.cache
def _say_fallback(data_dir: str, name: str) -> None:
    log.warning("%s has no %s: using geo's own copy", data_dir, name)


def place_files(data_dir: Path) -> list[Path]:
    """The place files of a data folder: every ``*.geojson`` except the country layers, sorted."""
    if not data_dir.is_dir():
        problem = Problem(str(data_dir), "(folder)", "an existing data folder", str(data_dir))
        raise DataError([problem])
    return sorted(p for p in data_dir.glob("*.geojson") if p.name not in _REFERENCE_FILES)


@dataclass(frozen=True)
class Location:
    """Where a point is.

    Attributes
    ----------
    lat, lon : float
        The point, degrees, EPSG:4326.
    iso3 : str or None
        ISO 3166-1 alpha-3 code of the country, ``None`` at sea.
    country : str or None
        Its name.
    region : str or None
        WCO region code (``EUR``, ``AP``, ``AC``, ``ESA``, ``WCA``, ``MENA``),
        ``None`` for a non-member or at sea.
    region_name : str or None
        The region's name.
    member : bool
        Whether the country or customs territory is a WCO Member.
    located_by : str
        ``'inside'``, ``'nearest'`` (within 25 km off the coast or a border)
        or ``'none'`` (at sea).
    distance_km : float
        Geodesic distance to the country, 0 inside, ``nan`` at sea.
    """

    lat: float
    lon: float
    iso3: str | None
    country: str | None
    region: str | None
    region_name: str | None
    member: bool
    located_by: str
    distance_km: float

    def _repr_html_(self) -> str:
        """A notebook's view: the point, its country and region, and how it was found."""
        if self.iso3 is None:
            where = "at sea (no country within 25 km)"
        else:
            region = f"{self.region} ({self.region_name})" if self.region else "no WCO region"
            member = "WCO Member" if self.member else "not a WCO Member"
            where = f"{self.country} ({self.iso3}), {region}, {member}"
        how = {"inside": "inside its borders", "declared": "the declared country"}.get(
            self.located_by, f"nearest, {self.distance_km:.1f} km away"
        )
        return (
            f"<div><b>{self.lat:.5f}, {self.lon:.5f}</b>: {_h(where)}"
            + (f" <i>({_h(how)})</i>" if self.iso3 is not None else "")
            + "</div>"
        )


class Atlas:
    """The places of a data folder, validated and enriched.

    Build one with :func:`load`.  ``places`` is a GeoDataFrame (EPSG:4326)
    with one row per place; ``offices`` and ``border_posts`` are its two parts.
    ``inputs`` lists the files it was read from: the place files, then the
    reference tables (a table missing from the data folder is the package's copy).
    ``network_start`` is the earliest day the data knows of (see
    :func:`geo.history.network_start`): no place is shown before it.
    """

    def __init__(
        self,
        places: gpd.GeoDataFrame,
        countries: CountryIndex,
        membership: Membership,
        data_dir: Path,
        display_path: Path,
        *,
        features: Sequence[Feature] = (),
        as_of: dt.date | None = None,
        inputs: Sequence[Path] = (),
    ) -> None:
        self.places = places
        self.inputs = tuple(inputs)
        self.as_of = as_of
        self._features = tuple(features)
        self.countries = countries
        self.membership = membership
        self.data_dir = data_dir
        self.display_path = display_path

    def __repr__(self) -> str:
        when = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        return f"<Atlas {len(self.places)} places{when} from {self.data_dir}>"

    def _repr_html_(self) -> str:
        """A notebook's view: the folder, the day, counts by kind and region, the first places."""
        places = self.places
        when = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        kinds = places["kind"].value_counts() if len(places) else pd.Series(dtype=int)
        regions = places["region"].fillna("none").value_counts() if len(places) else kinds
        counts = "".join(
            f"<tr><th>{_h(KIND_LABELS.get(k, k))}</th><td>{int(kinds.get(k, 0))}</td></tr>"
            for k in KINDS
            if k in kinds
        )
        by_region = "".join(
            f"<tr><th>{_h(REGIONS.get(r, r))}</th><td>{int(n)}</td></tr>"
            for r, n in sorted(regions.items(), key=lambda item: (-item[1], item[0]))
        )
        columns = [c for c in ("id", "kind", "name", "country", "region", "status") if c in places]
        head = "".join(f"<th>{_h(c)}</th>" for c in columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_h(v)}</td>" for v in row) + "</tr>"
            for row in places[columns].head(10).itertuples(index=False)
        )
        more = f"<p>… and {len(places) - 10} more</p>" if len(places) > 10 else ""
        return (
            f"<div><p><b>Atlas</b>: {len(places)} places{_h(when)} from "
            f"<code>{_h(self.data_dir)}</code></p>"
            "<table><tr><td style='vertical-align:top'>"
            f"<table><tr><th>kind</th><th>places</th></tr>{counts}</table></td>"
            "<td style='vertical-align:top'>"
            f"<table><tr><th>WCO region</th><th>places</th></tr>{by_region}</table></td>"
            f"</tr></table><table><tr>{head}</tr>{rows}</table>{more}</div>"
        )

    def at(self, as_of: str | dt.date) -> Atlas:
        """The atlas as it stood on ``as_of`` (see :mod:`geo.history`).

        Places not yet opened that day are left out, unless their history
        says they were planned or under construction; offices that moved are
        at the seat they had; ``status`` and ``planned_opening`` are those of
        that day.
        """
        day = parse_as_of(as_of)
        if day is None:
            msg = "Got as_of=None; `as_of` must be a date 'YYYY-MM-DD' (or 'YYYY-MM', 'YYYY')"
            raise UsageError(msg)
        features = _features_at(self._features, day, self.network_start)
        places = enrich_features(features, self.countries, self.membership)
        return Atlas(
            places,
            self.countries,
            self.membership,
            self.data_dir,
            self.display_path,
            features=self._features,
            as_of=day,
            inputs=self.inputs,
        )

    @functools.cached_property
    def network_start(self) -> dt.date | None:
        """The earliest day the data knows of (:func:`geo.history.network_start`)."""
        return network_start(f.properties for f in self._features)

    def _view(self, as_of: str | dt.date | None) -> Atlas:
        return self if as_of is None else self.at(as_of)

    @property
    def offices(self) -> gpd.GeoDataFrame:
        """Every place that is not a border post."""
        return self.places[self.places["kind"] != "border_post"].copy()

    @property
    def border_posts(self) -> gpd.GeoDataFrame:
        """The border posts."""
        return self.places[self.places["kind"] == "border_post"].copy()

    @functools.cached_property
    def countries_display(self) -> gpd.GeoDataFrame:
        """The simplified country layer for maps: ``iso3``, ``name``, ``region``, ``member``."""
        frame = _read_display(self.display_path, self.display_path.stat().st_mtime_ns).copy()
        infos = [
            self.membership.get(c, fallback_name=n)
            for c, n in zip(frame.iso3, frame.name, strict=True)
        ]
        frame["name"] = pd.Series(
            [i.name if i else n for i, n in zip(infos, frame.name, strict=True)], dtype=object
        )
        frame["region"] = pd.Series([i.region if i else None for i in infos], dtype=object)
        frame["member"] = [bool(i and i.member) for i in infos]
        return frame[["iso3", "name", "region", "member", "geometry"]]

    @functools.cached_property
    def country_names(self) -> tuple[tuple[str, str], ...]:
        """Known ``(iso3, name)`` pairs: WCO Members, other territories, then the country layer."""
        pairs = [(c.iso3, c.name) for c in self.membership.members.values()]
        pairs += [(c.iso3, c.name) for c in self.membership.others.values()]
        frame = self.countries.frame
        pairs += zip(frame["iso3"].astype(str), frame["name"].astype(str), strict=True)
        return tuple(pairs)

    # -- queries: thin entry points to geo.query, on the places of the day asked --
    def nearest(
        self,
        *,
        lat: float,
        lon: float,
        k: int = 1,
        kind: str | None = None,
        as_of: str | dt.date | None = None,
    ) -> gpd.GeoDataFrame:
        """The ``k`` places nearest to a point, sorted by geodesic ``distance_km``.

        See :func:`geo.query.nearest`; ``as_of`` asks the atlas of that day.
        """
        from geo import query

        return query.nearest(self._view(as_of).places, lat=lat, lon=lon, k=k, kind=kind)

    def within(
        self,
        *,
        lat: float,
        lon: float,
        km: float,
        kind: str | None = None,
        as_of: str | dt.date | None = None,
    ) -> gpd.GeoDataFrame:
        """Places within ``km`` geodesic kilometres of a point. See :func:`geo.query.within`."""
        from geo import query

        return query.within(self._view(as_of).places, lat=lat, lon=lon, km=km, kind=kind)

    def in_region(
        self, region: str, *, kind: str | None = None, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """Places whose WCO region is ``region`` (code or name). See :func:`geo.query.in_region`."""
        from geo import query

        return query.in_region(self._view(as_of).places, region, kind=kind)

    def in_country(
        self, country: str, *, kind: str | None = None, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """Places in a country (ISO3 code or name). See :func:`geo.query.in_country`."""
        from geo import query

        places = self._view(as_of).places
        return query.in_country(places, country, country_names=self.country_names, kind=kind)

    def crossings_between(
        self, country_a: str, country_b: str, *, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """Border posts joining two countries. See :func:`geo.query.crossings_between`."""
        from geo import query

        places = self._view(as_of).places
        return query.crossings_between(
            places, country_a, country_b, country_names=self.country_names
        )

    def distance_km(self, id_a: str, id_b: str, *, as_of: str | dt.date | None = None) -> float:
        """Geodesic distance (WGS84) between two places by id. See :func:`geo.query.distance_km`."""
        from geo import query

        return query.distance_km(self._view(as_of).places, id_a, id_b)

    def to_map(
        self,
        result: gpd.GeoDataFrame,
        *,
        title: str | None = None,
        query: Any = None,
        lang: str = "en",
    ) -> Any:
        """A folium map of any query result, styled like the built maps.

        Parameters
        ----------
        result : geopandas.GeoDataFrame
            Places, e.g. the answer of :meth:`within` or :meth:`nearest`.
        title : str, optional
            The page's title (plain text); default "Query result" in ``lang``.
        query : geo.render.QueryMark or None
            The query to draw with the places: its point, and the geodesic
            circle of a ``within`` radius (``radius_km``) or a line to each
            answer with its distance (``lines=True``, for ``nearest``).
        lang : str
            The map's language (:func:`geo.i18n.languages`: ``'en'``, ``'fr'``).

        Examples
        --------
        >>> from geo.render import QueryMark  # doctest: +SKIP
        >>> near = atlas.within(lat=40.41, lon=49.87, km=300)  # doctest: +SKIP
        >>> mark = QueryMark(lon=49.87, lat=40.41, radius_km=300)  # doctest: +SKIP
        >>> m = atlas.to_map(near, query=mark)  # doctest: +SKIP
        """
        from geo.i18n import translator
        from geo.render import render_map

        return render_map(
            result,
            self.countries_display,
            title=translator(lang)("title.query") if title is None else title,
            as_of=self.as_of,
            since=self.network_start,
            query=query,
            lang=lang,
        )

    def locate(self, *, lat: float, lon: float) -> Location:
        """Country and WCO region of any point on Earth.

        Parameters
        ----------
        lat, lon : float
            Latitude in [-90, 90] and longitude in [-180, 180], degrees, EPSG:4326.

        Returns
        -------
        Location
            A point on a border belongs to the country whose ISO3 code sorts
            first; a point outside every polygon but within 25 km of one
            belongs to the nearest; farther out at sea, ``iso3`` is ``None``.

        Raises
        ------
        UsageError
            If ``lat`` or ``lon`` is not a finite number in range.
        """
        lat, lon = check_lat_lon(lat, lon)
        row = country_columns(np.array([lon]), np.array([lat]), self.countries, self.membership)
        values = {str(k): v for k, v in row.iloc[0].to_dict().items()}
        return Location(
            lat=lat,
            lon=lon,
            iso3=values["iso3"],
            country=values["country"],
            region=values["region"],
            region_name=values["region_name"],
            member=bool(values["member"]),
            located_by=str(values["located_by"]),
            distance_km=float(values["country_distance_km"]),
        )


@functools.lru_cache(maxsize=2)
def _read_display(path: Path, mtime_ns: int) -> gpd.GeoDataFrame:
    """The display layer: a FeatureCollection of (Multi)Polygons with ``iso3`` and ``name``."""
    import shapely
    from shapely.errors import ShapelyError

    doc = read_json(path)
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError([Problem(path.name, "features", "a FeatureCollection", type(doc).__name__)])
    problems: list[Problem] = []
    rows: list[tuple[str, str]] = []
    geoms: list[Any] = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(Problem(path.name, "properties", "an object", props, index=index))
            continue
        iso3, name = props.get("iso3"), props.get("name")
        for field, value in (("iso3", iso3), ("name", name)):
            if not isinstance(value, str) or not value:
                problems.append(Problem(path.name, field, "a non-empty string", value, index=index))
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    path.name, "geometry.type", "'Polygon' or 'MultiPolygon'", kind, index=index
                )
            )
            continue
        try:
            geoms.append(shapely.geometry.shape(geometry))
        except (ValueError, TypeError, AttributeError, IndexError, ShapelyError) as err:
            expected = "valid polygon coordinates"
            problems.append(
                Problem(path.name, "geometry.coordinates", expected, str(err), index=index)
            )
            continue
        rows.append((str(iso3), str(name)))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=["iso3", "name"], dtype=object)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")


def _read_all(
    data_dir: Path, replace: Mapping[str, Any] | None = None
) -> tuple[list[Any], list[Problem], CountryIndex, Membership]:
    replace = replace or {}
    files = [p for p in place_files(data_dir) if p.name not in replace]
    membership = load_membership(
        _reference(data_dir, MEMBERS_FILE), _reference(data_dir, TERRITORIES_FILE)
    )
    countries = load_country_index(_reference(data_dir, COUNTRIES_FILE))
    documents: dict[str, Any] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            documents[path.name] = read_json(path)
        except DataError as err:
            problems.extend(err.problems)
    for name, document in replace.items():  # an edit not yet written: as strict as a file
        problems.extend(check_structure(document, name))
    documents.update(replace)  # last, so a duplicate id is reported on a replaced document
    features, found = check_documents(documents, countries, membership)
    return features, problems + found, countries, membership


def validate(
    data_dir: str | os.PathLike[str] | None = None, *, replace: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Check every place file of a data folder and return all problems (empty when valid).

    The folder's settings (``geo.toml``, see :mod:`geo.config`) are checked too.

    Parameters
    ----------
    data_dir : path, optional
        Folder of ``*.geojson`` place files (default :func:`default_data_dir`).
    replace : mapping of str to Any, optional
        Parsed documents to check instead of the files of those names (an edit
        not yet written); they are checked after the other files.

    Raises
    ------
    DataError
        Only when a reference table (membership, countries) is itself broken.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    _, problems, _, _ = _read_all(folder, replace)
    return problems + config_problems(folder)  # and the folder's settings (geo.toml)


def _features_at(features: Sequence[Feature], day: dt.date, since: dt.date | None) -> list[Feature]:
    result = []
    for feature in features:
        state = state_at(feature.properties, day, since=since)
        if state is None:
            continue
        props = dict(feature.properties)
        props["status"] = state.status
        props["planned_opening"] = state.planned_opening
        lon, lat = feature.lon, feature.lat
        if state.lon is not None and state.lat is not None:
            lon, lat = state.lon, state.lat
            props["city"] = state.city
            seat_iso3 = next(
                (
                    s.get("iso3")
                    for s in props.get("seats") or []
                    if s.get("lon") == lon and s.get("lat") == lat
                ),
                None,
            )
            if seat_iso3 and "iso3" in props:
                props["iso3"] = seat_iso3
        result.append(Feature(feature.file, feature.index, lon, lat, props))
    return result


def load(
    data_dir: str | os.PathLike[str] | None = None, *, as_of: str | dt.date | None = None
) -> Atlas:
    """Load, validate and enrich a data folder.

    Parameters
    ----------
    data_dir : path, optional
        Folder of ``*.geojson`` place files (default :func:`default_data_dir`).
        Reference tables (``wco_members.csv``, ``nonmember_territories.csv``,
        ``countries.fgb.xz``, ``countries_display.geojson``) are read from it
        when present, else from the project's own ``data/``.

    as_of : str or datetime.date, optional
        A day (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY`` for their first day):
        the atlas as it stood then (see :meth:`Atlas.at`).

    Returns
    -------
    Atlas

    Raises
    ------
    DataError
        Listing every problem in every file, when any is found.
    UsageError
        If ``as_of`` is not a date.
    """
    day = parse_as_of(as_of)
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    features, problems, countries, membership = _read_all(folder)
    if problems:
        raise DataError(problems)
    since = network_start(f.properties for f in features)
    shown = features if day is None else _features_at(features, day, since)
    return Atlas(
        enrich_features(shown, countries, membership),
        countries,
        membership,
        folder,
        _reference(folder, DISPLAY_FILE),
        features=features,
        as_of=day,
        inputs=[*place_files(folder), *(_reference(folder, n) for n in _REFERENCE_FILES)],
    )


def _h(value: Any) -> str:
    """Text for HTML, escaped (a place's name may hold anything)."""
    return html.escape(str(value), quote=True)
