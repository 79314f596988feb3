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
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo import cache
from geo.config import CONFIG_FILE, config_problems
from geo.countries import CountryIndex, load_country_index
from geo.errors import DataError, Problem, UsageError
from geo.fileio import check_structure, read_data_bytes, read_json
from geo.history import network_start, parse_as_of, state_at
from geo.regions import Membership, load_membership
from geo.schema import KIND_LABELS, KINDS, REGIONS, check_lat_lon, did_you_mean, valid_lon_lat
from geo.shipped import default_data_dir, shipped_data_dir, shipped_data_dir_if_any
from geo.targets import WriteRule, data_rule
from geo.validate import Feature, check_documents

if TYPE_CHECKING:
    # imported where frames are made: a command answered from the cache (geo validate)
    # needs neither pandas nor geopandas
    import geopandas as gpd

__all__ = ["Atlas", "Location", "default_data_dir", "load", "validate"]

log = logging.getLogger(__name__)

#: Reference files (not places) that a data folder may hold.
MEMBERS_FILE = "wco_members.csv"
TERRITORIES_FILE = "nonmember_territories.csv"
COUNTRIES_FILE = "countries.fgb.xz"
DISPLAY_FILE = "countries_display.geojson"
_REFERENCE_FILES = (MEMBERS_FILE, TERRITORIES_FILE, COUNTRIES_FILE, DISPLAY_FILE)


def _reference(data_dir: Path, name: str) -> Path:
    """A reference file from ``data_dir``, else the project's own copy (and a warning saying so)."""
    own = data_dir / name
    if own.exists() or own.is_symlink():
        return own
    fallback = shipped_data_dir() / name
    if fallback != own:
        _say_fallback(str(data_dir), name)
    return fallback


@functools.cache
def _say_fallback(data_dir: str, name: str) -> None:
    log.warning("%s has no %s: using geo's own copy", data_dir, name)


def _mappable(frame: gpd.GeoDataFrame, column: str | None) -> gpd.GeoDataFrame:
    """Any GeoDataFrame of points as places a map shows (see :meth:`Atlas.to_map`).

    Raises
    ------
    UsageError
        When ``frame`` is not a GeoDataFrame of points, or ``column`` is not one of its columns.
    """
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"Got {type(frame).__name__}; to_map needs a geopandas.GeoDataFrame of points"
        raise UsageError(msg)
    geoms = frame.geometry
    kinds = sorted(set(geoms.geom_type.dropna()) - {"Point"})
    if kinds or geoms.isna().any():
        found = kinds or ["missing geometries"]
        msg = f"to_map draws points; the frame has {', '.join(found)}"
        raise UsageError(msg)
    if column is not None and column not in frame.columns:
        hint = did_you_mean(column, [str(c) for c in frame.columns])
        msg = f"Got column={column!r}; it is not a column of the frame" + (
            f" ({hint})" if hint else f"; its columns: {[str(c) for c in frame.columns]}"
        )
        raise UsageError(msg)
    out = frame.copy()
    ids = out["id"] if "id" in out.columns else None
    if ids is None or ids.isna().any() or not ids.astype(str).is_unique:
        out["id"] = [str(i + 1) for i in range(len(out))]
    else:
        out["id"] = ids.astype(str)
    if "name" not in out.columns:
        out["name"] = out["id"]
    if column is not None:
        out["kind"] = ["\u2013" if v is None or v != v else str(v) for v in out[column]]
    elif "kind" not in out.columns:
        out["kind"] = "point"
    for required, default in (("status", "operational"), ("source", "")):
        if required not in out.columns:
            out[required] = default
    return out


def place_files(data_dir: Path) -> list[Path]:
    """The place files of a data folder: every ``*.geojson`` except the country layers, sorted."""
    if not data_dir.is_dir():
        problem = Problem(str(data_dir), "(folder)", "an existing data folder", str(data_dir))
        raise DataError([problem])
    return sorted(p for p in data_dir.glob("*.geojson") if p.name not in _REFERENCE_FILES)


def input_files(data_dir: Path) -> list[Path]:
    """Every file :func:`load` reads from a data folder: its place files, then the reference
    tables (from the project's own ``data/`` where the folder has none).

    Raises
    ------
    DataError
        When ``data_dir`` is not a folder.
    """
    return [*place_files(data_dir), *(_reference(data_dir, name) for name in _REFERENCE_FILES)]


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
        countries: CountryIndex | Callable[[], CountryIndex],
        membership: Membership,
        data_dir: Path,
        display_path: Path,
        *,
        features: Sequence[Feature] = (),
        as_of: dt.date | None = None,
        inputs: Sequence[Path] = (),
        countries_digest: str | None = None,
        read: Reader | None = None,
    ) -> None:
        self.places = places
        self._read = read if read is not None else Reader()
        self._countries_digest = countries_digest
        self.inputs = tuple(inputs)
        self.as_of = as_of
        self._features = tuple(features)
        self._countries = countries
        self._countries_lock = threading.Lock()
        self.membership = membership
        self.data_dir = data_dir
        self.display_path = display_path

    @property
    def countries(self) -> CountryIndex:
        """The country layer (:class:`geo.countries.CountryIndex`).

        An atlas whose places came from the cache reads it on first use only.
        """
        with self._countries_lock:
            if not isinstance(self._countries, CountryIndex):
                self._countries = self._countries()
            return self._countries

    @property
    def write_rule(self) -> WriteRule:
        """Where a command working on this atlas may not write (:mod:`geo.targets`).

        Inside its data folder or the project's ``data/``, or over a file it
        was read from or its ``geo.toml`` (where their symlinks lead included).
        """
        return data_rule(self.data_dir, [*self.inputs, self.data_dir / CONFIG_FILE])

    def __repr__(self) -> str:
        when = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        return f"<Atlas {len(self.places)} places{when} from {self.data_dir}>"

    def _repr_html_(self) -> str:
        """A notebook's view: the folder, the day, counts by kind and region, the first places."""
        import pandas as pd

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
        from geo.enrich import enrich_features

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
    def _display_bytes(self) -> bytes:
        return self._read(self.display_path)

    @functools.cached_property
    def display_digest(self) -> str:
        """SHA-256 (hex) of the display layer's file, read once with :attr:`countries_display`."""
        return cache.file_digest(self._display_bytes)

    @functools.cached_property
    def countries_digest(self) -> str:
        """SHA-256 (hex) of the country layer's file: the fine polygons of the detail windows.

        Given by :func:`load`, which read the file already; else the file is read.
        """
        if self._countries_digest is not None:
            return self._countries_digest
        return cache.file_digest(self._read(_reference(self.data_dir, COUNTRIES_FILE)))

    @property
    def detail_source(self) -> Any:
        """The fine country layer for the maps' detail windows (:class:`geo.render.DetailSource`).

        Read (:attr:`countries`) only when a page's windows are not in the cache.
        """
        from geo.render import DetailSource

        return DetailSource(self.countries_digest, lambda: self.countries.frame)

    @functools.cached_property
    def countries_display(self) -> gpd.GeoDataFrame:
        """The simplified country layer for maps: ``iso3``, ``name``, ``region``, ``member``."""
        import pandas as pd

        frame = _read_display(self.display_path, self._display_bytes, self.display_digest).copy()
        infos = [
            self.membership.get(c, fallback_name=n)
            for c, n in zip(frame.iso3, frame.name, strict=True)
        ]
        frame["name"] = pd.Series(
            [i.name if i else n for i, n in zip(infos, frame.name, strict=True)], dtype=object
        )
        frame["region"] = pd.Series([i.region if i else None for i in infos], dtype=object)
        frame["member"] = [bool(i and i.member) for i in infos]
        layer = frame[["iso3", "name", "region", "member", "geometry"]]
        # read-only, so that the maps of one build can know it by identity (geo.render.memo)
        np.asarray(layer.geometry.values).flags.writeable = False
        return layer

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

        Parameters
        ----------
        lat, lon : float
            The point: latitude in [-90, 90], longitude in [-180, 180], degrees,
            EPSG:4326.
        k : int
            How many places (>= 1); fewer come back when fewer places (of
            ``kind``) exist.
        kind : str, optional
            Only places of this kind (:data:`geo.KINDS`, case-insensitive).
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326: the columns of :attr:`places` plus ``distance_km``
            (geodesic, WGS84), nearest first, equal distances in the order of
            :attr:`places`.  The question travels in ``attrs``, so that
            :meth:`to_map` draws the point and a line to each answer.

        Raises
        ------
        UsageError
            If ``lat`` or ``lon`` is out of range, ``k`` is not a positive
            integer, ``kind`` is unknown or ``as_of`` is not a date.

        See Also
        --------
        geo.query.nearest : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> near = geo.load().nearest(lat=41.64, lon=48.43, k=3)
        >>> len(near), bool(near["distance_km"].is_monotonic_increasing)
        (3, True)
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
        """The places within ``km`` geodesic kilometres of a point, nearest first.

        Parameters
        ----------
        lat, lon : float
            The point: latitude in [-90, 90], longitude in [-180, 180], degrees,
            EPSG:4326.
        km : float
            The radius, kilometres (>= 0), geodesic on the WGS84 ellipsoid; a
            place exactly ``km`` away is in.
        kind : str, optional
            Only places of this kind (:data:`geo.KINDS`, case-insensitive).
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326: the columns of :attr:`places` plus ``distance_km``,
            sorted by distance; may be empty.  :meth:`to_map` draws its circle.

        Raises
        ------
        UsageError
            If ``lat``, ``lon`` or ``km`` is out of range, ``kind`` is unknown or
            ``as_of`` is not a date.

        See Also
        --------
        geo.query.within : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> atlas = geo.load()
        >>> len(atlas.within(lat=41.64, lon=48.43, km=20_037.5)) == len(atlas.places)
        True
        """
        from geo import query

        return query.within(self._view(as_of).places, lat=lat, lon=lon, km=km, kind=kind)

    def in_region(
        self, region: str, *, kind: str | None = None, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """The places of a WCO region; a border post is in the region of each of its sides.

        Parameters
        ----------
        region : str
            A code of :data:`geo.REGIONS` (``'EUR'``) or a region's name
            (``'Europe'``), case-insensitive; spaces and punctuation ignored.
        kind : str, optional
            Only places of this kind (:data:`geo.KINDS`, case-insensitive).
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326, the columns of :attr:`places`, in their order.

        Raises
        ------
        UsageError
            If ``region`` or ``kind`` is unknown (the message lists the regions
            and the closest one) or ``as_of`` is not a date.

        See Also
        --------
        geo.query.in_region : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> atlas = geo.load()
        >>> atlas.in_region("Europe").equals(atlas.in_region("eur"))
        True
        """
        from geo import query

        return query.in_region(self._view(as_of).places, region, kind=kind)

    def stale(
        self, older_than: str, *, kind: str | None = None, today: dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """The places due a new check: ``checked_on`` missing or older than ``older_than``.

        Parameters
        ----------
        older_than : str
            An age: a whole number and a unit, ``d``, ``w``, ``m`` or ``y``
            (``'12m'``, ``'90d'``; :func:`geo.query.parse_age`).
        kind : str, optional
            Only places of this kind (:data:`geo.KINDS`, case-insensitive).
        today : datetime.date, optional
            The day to count back from; default: today.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326, the columns of :attr:`places`, in their order.

        Raises
        ------
        UsageError
            If ``older_than`` is not an age or ``kind`` is unknown.

        See Also
        --------
        geo.query.stale : the same question on any frame of places, with examples.
        """
        from geo import query

        return query.stale(self.places, older_than, today=today, kind=kind)

    def in_country(
        self, country: str, *, kind: str | None = None, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """The places in a country or customs territory; a border post is in both of its sides.

        Parameters
        ----------
        country : str
            An ISO 3166-1 alpha-3 code (``'AZE'``) or a name (``'Azerbaijan'``)
            known to the atlas (:attr:`country_names`), case-insensitive; accents,
            spaces and punctuation ignored.
        kind : str, optional
            Only places of this kind (:data:`geo.KINDS`, case-insensitive).
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326, the columns of :attr:`places`, in their order; empty for
            a known country without places.

        Raises
        ------
        UsageError
            If ``country`` is neither a known code nor a known name (the message
            gives the closest names), ``kind`` is unknown or ``as_of`` is not a
            date.

        See Also
        --------
        geo.query.in_country : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> atlas = geo.load()
        >>> atlas.in_country("Azerbaijan").equals(atlas.in_country("aze"))
        True
        """
        from geo import query

        places = self._view(as_of).places
        return query.in_country(places, country, country_names=self.country_names, kind=kind)

    def crossings_between(
        self, country_a: str, country_b: str, *, as_of: str | dt.date | None = None
    ) -> gpd.GeoDataFrame:
        """The border posts whose two sides are ``country_a`` and ``country_b``, in either order.

        Parameters
        ----------
        country_a, country_b : str
            Two different countries: ISO 3166-1 alpha-3 codes or names, as for
            :meth:`in_country`.
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        geopandas.GeoDataFrame
            EPSG:4326, the columns of :attr:`places`, in their order; may be
            empty.

        Raises
        ------
        UsageError
            If a country is unknown, both name the same country, or ``as_of`` is
            not a date.

        See Also
        --------
        geo.query.crossings_between : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> found = geo.load().crossings_between("RUS", "Azerbaijan")
        >>> set(found["kind"]) <= {"border_post"}
        True
        """
        from geo import query

        places = self._view(as_of).places
        return query.crossings_between(
            places, country_a, country_b, country_names=self.country_names
        )

    def distance_km(self, id_a: str, id_b: str, *, as_of: str | dt.date | None = None) -> float:
        """The geodesic distance between two places, kilometres on the WGS84 ellipsoid.

        Parameters
        ----------
        id_a, id_b : str
            Place ids, exactly as in the data (``'rocb-europe'``).
        as_of : str or datetime.date, optional
            Ask the atlas as it stood that day (``'YYYY-MM-DD'``, ``'YYYY-MM'`` or
            ``'YYYY'``; see :meth:`at`).  Default: the atlas as loaded.

        Returns
        -------
        float
            Kilometres; 0.0 for a place and itself, the same either way round.

        Raises
        ------
        UsageError
            If an id is no place's id (the message gives the closest ids), or
            ``as_of`` is not a date.

        See Also
        --------
        geo.query.distance_km : the same question on any frame of places.

        Examples
        --------
        >>> import geo
        >>> atlas = geo.load()
        >>> a, b = atlas.places["id"].iloc[0], atlas.places["id"].iloc[-1]
        >>> atlas.distance_km(a, a), atlas.distance_km(a, b) == atlas.distance_km(b, a)
        (0.0, True)
        """
        from geo import query

        return query.distance_km(self._view(as_of).places, id_a, id_b)

    def to_map(
        self,
        result: gpd.GeoDataFrame,
        *,
        column: str | None = None,
        title: str | None = None,
        query: Any = None,
        lang: str = "en",
    ) -> Any:
        """A folium map of any query result, or of any points, styled like the built maps.

        Parameters
        ----------
        result : geopandas.GeoDataFrame
            Places, e.g. the answer of :meth:`within` or :meth:`nearest`; or any
            GeoDataFrame of points (e.g. enriched shipments), like ``explore()``:
            a missing ``id`` is the row's number, a missing ``name`` its id, and
            every column shows in the popups, as text, escaped.
        column : str, optional
            Style the points by this column: a symbol (shape and colour) and a
            legend row, with its count and a filter, per value (like
            ``explore(column=...)``).  Default: by ``kind`` (a frame without one
            shows every point alike).
        title : str, optional
            The page's title (plain text); default: the title of the query
            ``result`` answers (:class:`geo.question.Question`, in ``lang``, with
            the atlas's as-of day), else "Query result" in ``lang``.
        query : geo.render.QueryMark or None
            The query to draw with the places: its point, and the geodesic
            circle of a ``within`` radius (``radius_km``) or a line to each
            answer with its distance (``lines=True``, for ``nearest``).
            Default: the marks of the query ``result`` answers, as
            ``geo query ... --map`` draws them.
        lang : str
            The map's language (:func:`geo.i18n.languages`: ``'en'``, ``'fr'``).

        Examples
        --------
        >>> from geo.render import QueryMark  # doctest: +SKIP
        >>> near = atlas.within(lat=40.41, lon=49.87, km=300)  # doctest: +SKIP
        >>> mark = QueryMark(lon=49.87, lat=40.41, radius_km=300)  # doctest: +SKIP
        >>> m = atlas.to_map(near, query=mark)  # doctest: +SKIP
        >>> m.save("near.html")  # doctest: +SKIP

        ``m.save(path)`` writes the page as :func:`geo.render.write_map` does:
        atomically, and never into this atlas's data (:attr:`write_rule`).
        """
        from geo.i18n import translator
        from geo.question import question_of
        from geo.render import QueryMark, render_map

        asked = question_of(result)
        if title is None:
            t = translator(lang)
            title = t("title.query") if asked is None else asked.title(t)
            if asked is not None and self.as_of:
                title = t("title.query_as_of", title=title, date=t.date(self.as_of))
        if query is None and asked is not None and asked.lon is not None and asked.lat is not None:
            query = QueryMark(asked.lon, asked.lat, asked.radius_km, asked.lines)
        m: Any = render_map(
            _mappable(result, column),
            self.countries_display,
            title=title,
            as_of=self.as_of,
            since=self.network_start,
            query=query,
            lang=lang,
            detail=self.detail_source,
        )
        m.write_rule = self.write_rule  # m.save(path) keeps out of this atlas's data
        return m

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
        from geo.enrich import country_columns

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


def _read_display(path: Path, data: bytes, digest: str) -> gpd.GeoDataFrame:
    """The display layer of the bytes ``data`` of ``path`` (see :func:`_parse_display`).

    Kept in memory (:func:`geo.cache.remembered`, the last two) and in the
    cache (:mod:`geo.cache`) by the digest of the bytes: a layer is parsed and
    checked once, and only a valid one is cached.
    """
    return cache.remembered("display", digest, lambda: _load_display(path, data, digest), keep=2)


def _load_display(path: Path, data: bytes, digest: str) -> gpd.GeoDataFrame:
    key = cache.entry_key("display", digest, code=__name__)
    frame = _display_from_cache(cache.load("display", key))
    if frame is None:
        frame = _parse_display(path, data)
        try:
            arrays = _display_arrays(frame)
        except ValueError as err:  # text NumPy cannot hold: not cached
            log.debug("cache: the display layer is not cached (%s)", err)
        else:
            cache.store("display", key, arrays, keep=2)
    return frame


def _display_arrays(frame: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    return {
        "iso3": cache.strings_array(frame["iso3"]),
        "name": cache.strings_array(frame["name"]),
        **cache.geometry_arrays(np.asarray(frame.geometry.values)),
    }


def _display_from_cache(arrays: dict[str, np.ndarray] | None) -> gpd.GeoDataFrame | None:
    """The frame of :func:`_display_arrays`; ``None`` for no entry, or one that does not fit."""
    import geopandas as gpd
    import pandas as pd

    if arrays is None:
        return None
    try:
        iso3, name = arrays["iso3"], arrays["name"]
        if iso3.shape != name.shape or iso3.ndim != 1:
            raise ValueError("arrays that do not fit together")
        geoms = cache.geometries(arrays, len(iso3))
        kinds = set(shapely.get_type_id(geoms).tolist())
        if not kinds <= {shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON}:
            raise ValueError(f"geometry types {kinds}")
        rows = {"iso3": iso3.tolist(), "name": name.tolist()}
        frame = pd.DataFrame(rows, columns=["iso3", "name"], dtype=object)
        return gpd.GeoDataFrame(frame, geometry=list(geoms), crs="EPSG:4326")
    except (KeyError, ValueError, TypeError, shapely.errors.ShapelyError) as err:
        log.debug("cache: the display layer entry is unusable (%s): parsed again", err)
        return None


def _parse_display(path: Path, data: bytes) -> gpd.GeoDataFrame:
    """The display layer: a FeatureCollection of (Multi)Polygons with ``iso3`` and ``name``."""
    import geopandas as gpd
    import pandas as pd
    from shapely.errors import ShapelyError

    doc = read_json(path, data=data)
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
            geom = shapely.geometry.shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError, ShapelyError) as err:
            expected = "valid polygon coordinates"
            problems.append(
                Problem(path.name, "geometry.coordinates", expected, str(err), index=index)
            )
            continue
        xy = shapely.get_coordinates(geom)
        ok_lon, ok_lat = valid_lon_lat(xy[:, 0], xy[:, 1])
        if not (ok_lon & ok_lat).all():
            first = int(np.argmin(ok_lon & ok_lat))
            expected = "[lon, lat] degrees within [-180, 180] and [-90, 90]"
            got = [float(xy[first, 0]), float(xy[first, 1])]
            problems.append(Problem(path.name, "geometry.coordinates", expected, got, index=index))
            continue
        geoms.append(geom)
        rows.append((str(iso3), str(name)))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=["iso3", "name"], dtype=object)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")


class Reader:
    """Reads each file of a command once (:func:`geo.fileio.read_data_bytes`), keeping the bytes.

    A build reads the data folder's files for its key (:func:`geo.build.source_key`)
    before it loads them: it gives :func:`load` the same reader, so that no file is
    opened twice and the key and the atlas come from the same bytes.
    """

    def __init__(self) -> None:
        self.data: dict[Path, bytes] = {}

    def __call__(self, path: Path) -> bytes:
        found = self.data.get(path)
        if found is None:
            found = self.data[path] = read_data_bytes(path)
        return found


@dataclass(frozen=True)
class _Folder:
    """A data folder as one command reads it: every file read once, in the order of checks.

    ``places`` holds each place file with its bytes, or the error reading it.
    """

    membership: Membership
    countries_path: Path
    read: Reader
    places: list[tuple[Path, bytes | DataError]]

    def countries(self) -> CountryIndex:
        """The country layer, from the bytes read (:func:`geo.countries.load_country_index`)."""
        return load_country_index(self.countries_path, data=self.read(self.countries_path))

    def key(self, today: dt.date) -> cache.Key | None:
        """The cache key of the validated places (``None`` when a place file was unreadable).

        The digests of every file read (place files in order, then the
        membership tables and the country layer), and the day: validation
        calls dates after today errors.  The places geo ships prepared
        (:mod:`geo.cache`) are keyed without the day: they hold the day they
        were checked, and serve from that day on (see :func:`_cached_features`).
        """
        if any(isinstance(data, DataError) for _, data in self.places):
            return None
        files = [(p.name, cache.file_digest(d)) for p, d in self.places if isinstance(d, bytes)]
        tables = [(p.name, cache.file_digest(d)) for p, d in self.read.data.items()]
        key = cache.entry_key("places", files, tables, today.isoformat())
        key.prepared = cache.prepared_key("places", __name__, files, tables)
        return key


def _open_folder(data_dir: Path, replace: Mapping[str, Any], read: Reader | None = None) -> _Folder:
    """Read the files of ``data_dir`` (the reference tables raise, a place file's error is kept),
    through ``read`` when given (it may hold some of them already)."""
    cache.keep_out_of(data_dir, *filter(None, [shipped_data_dir_if_any()]))  # not among the data
    files = [p for p in place_files(data_dir) if p.name not in replace]
    read = read if read is not None else Reader()
    membership = load_membership(
        _reference(data_dir, MEMBERS_FILE), _reference(data_dir, TERRITORIES_FILE), read=read
    )
    countries_path = _reference(data_dir, COUNTRIES_FILE)
    read(countries_path)
    places: list[tuple[Path, bytes | DataError]] = []
    for path in files:
        try:
            places.append((path, read(path)))
        except DataError as err:
            places.append((path, err))
    return _Folder(membership, countries_path, read, places)


def _check(
    folder: _Folder, replace: Mapping[str, Any], today: dt.date
) -> tuple[list[Feature], list[Problem], CountryIndex]:
    """Parse and validate the place files (and ``replace``): features, every problem, countries."""
    countries = folder.countries()
    documents: dict[str, Any] = {}
    problems: list[Problem] = []
    for path, data in folder.places:
        try:
            if isinstance(data, DataError):
                raise data
            documents[path.name] = read_json(path, data=data)
        except DataError as err:
            problems.extend(err.problems)
    for name, document in replace.items():  # an edit not yet written: as strict as a file
        problems.extend(check_structure(document, name))
    documents.update(replace)  # last, so a duplicate id is reported on a replaced document
    features, found = check_documents(documents, countries, folder.membership, today=today)
    return features, problems + found, countries


def validate(
    data_dir: str | os.PathLike[str] | None = None, *, replace: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Check every place file of a data folder and return all problems (empty when valid).

    The folder's settings (``geo.toml``, see :mod:`geo.config`) and its display
    layer (``countries_display.geojson``, as a build reads it) are checked too.
    Files that validated with the same code on the same day are not checked
    again (:mod:`geo.cache` keeps their validated places).

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
    replace = replace or {}
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = _open_folder(path, replace)
    settings = config_problems(path)  # the folder's settings (geo.toml), never cached
    settings += _display_problems(_reference(path, DISPLAY_FILE))
    today = dt.date.today()
    key = None if replace else folder.key(today)
    if key is not None and _cached_features(key, today) is not None:
        return settings
    features, problems, countries = _check(folder, replace, today)
    if key is not None and not problems:  # enriched now, so that the next load reads them
        from geo.enrich import enrich_features

        places = enrich_features(features, countries, folder.membership)
        _cache_places(key, features, places, today)
    return problems + settings


def _display_problems(path: Path) -> list[Problem]:
    """Every problem of a display layer, as a build finds them (:func:`_parse_display`).

    A layer already parsed, by this process or into the cache, has none (only a
    valid one is kept); another is parsed now, and kept for the build.
    """
    try:
        data = read_data_bytes(path)
        digest = cache.file_digest(data)
        if cache.load("display", cache.entry_key("display", digest, code=__name__)) is None:
            _read_display(path, data, digest)
    except DataError as err:
        return err.problems
    return []


_PLACES_DTYPES = ("object", "bool", "float64")


def _cache_places(
    key: str, features: Sequence[Feature], places: gpd.GeoDataFrame, today: dt.date
) -> None:
    """Keep validated features and their enriched places in the cache, as JSON, with the
    day they were checked (``today``).

    Every column of the places frame is of Python values from the data (or
    text, booleans and floats that enrichment adds), which JSON gives back
    exactly; a frame with other columns is not cached.
    """
    columns = [str(c) for c in places.columns if c != places.geometry.name]
    dtypes = [str(places[c].dtype) for c in columns]
    if places.geometry.name != "geometry" or any(d not in _PLACES_DTYPES for d in dtypes):
        return
    xy = shapely.get_coordinates(np.asarray(places.geometry.values))
    document = {
        "features": [[f.file, f.index, f.lon, f.lat, f.properties] for f in features],
        "columns": columns,
        "dtypes": dtypes,
        "values": [places[c].tolist() for c in columns],
        "lon": xy[:, 0].tolist(),
        "lat": xy[:, 1].tolist(),
    }
    try:
        payload = cache.to_json_array(document)
    except (TypeError, ValueError) as err:  # a value JSON cannot hold: not cached
        log.debug("cache: places not cached (%s)", err)
        return
    day = cache.to_json_array(today.isoformat())
    cache.store("places", key, {"places": payload, "day": day}, keep=8)


def _cached_features(key: str, today: dt.date) -> tuple[list[Feature], dict[str, Any]] | None:
    """The validated features kept by :func:`_cache_places`, and the rest of the entry.

    ``None`` when there is no entry, or one that does not fit (it is ignored),
    or one checked after ``today``.  Validation depends on the day only through
    "no date after today": places valid on the day they were checked are valid
    on every later day.  The places frame is made by :func:`_places_frame`,
    when needed.
    """
    arrays = cache.load("places", key)
    if arrays is None:
        return None
    try:
        checked = dt.date.fromisoformat(str(cache.from_json_array(arrays["day"])))
        if checked > today:
            log.debug("cache: places checked on %s, after today: checked again", checked)
            return None
        doc = cache.from_json_array(arrays["places"])
        features = [
            Feature(str(file), int(index), lon, lat, dict(props))
            for file, index, lon, lat, props in doc["features"]
        ]
        columns, dtypes, values = doc["columns"], doc["dtypes"], doc["values"]
        n = len(doc["lon"])
        if len(columns) != len(dtypes) or any(len(v) != n for v in values) or len(doc["lat"]) != n:
            raise ValueError("columns of several lengths")
        if any(d not in _PLACES_DTYPES for d in dtypes):
            raise ValueError(f"dtypes {dtypes}")
    except (KeyError, ValueError, TypeError, AttributeError) as err:
        log.debug("cache: the places entry is unusable (%s): checked again", err)
        return None
    return features, doc


def _places_frame(doc: dict[str, Any]) -> gpd.GeoDataFrame:
    """The places frame of an entry checked by :func:`_cached_features`."""
    import geopandas as gpd
    import pandas as pd

    columns, dtypes, values = doc["columns"], doc["dtypes"], doc["values"]
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype=d) for c, d, v in zip(columns, dtypes, values, strict=True)},
        columns=columns,
    )
    geometry = shapely.points(np.asarray(doc["lon"], float), np.asarray(doc["lat"], float))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


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
    data_dir: str | os.PathLike[str] | None = None,
    *,
    as_of: str | dt.date | None = None,
    read: Reader | None = None,
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
    read : Reader, optional
        What reads the folder's files, when some were read already (a build reads
        them for its key, :func:`geo.build.source_key`): each file is then read once.

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
    from geo.enrich import enrich_features

    day = parse_as_of(as_of)
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = _open_folder(path, {}, read)
    today = dt.date.today()
    key = folder.key(today)
    cached = _cached_features(key, today) if key is not None else None
    countries: CountryIndex | Callable[[], CountryIndex]
    if cached is not None:
        features, places = cached[0], _places_frame(cached[1])
        countries = folder.countries  # read when first asked for
    else:
        features, problems, countries = _check(folder, {}, today)
        if problems:
            raise DataError(problems)
        places = enrich_features(features, countries, folder.membership)
        if key is not None:
            _cache_places(key, features, places, today)
    if day is not None:
        since = network_start(f.properties for f in features)
        if not isinstance(countries, CountryIndex):
            countries = countries()
        places = enrich_features(_features_at(features, day, since), countries, folder.membership)
    return Atlas(
        places,
        countries,
        folder.membership,
        path,
        _reference(path, DISPLAY_FILE),
        features=features,
        as_of=day,
        inputs=input_files(path),
        countries_digest=cache.file_digest(folder.read(folder.countries_path)),
        read=folder.read,
    )


def _h(value: Any) -> str:
    """Text for HTML, escaped (a place's name may hold anything)."""
    return html.escape(str(value), quote=True)
