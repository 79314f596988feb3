"""The Dask engine: the partitions of a (Geo)Parquet input, enriched on the current scheduler.

Each partition is enriched exactly as the local engine enriches a chunk
(:class:`geo.points.enrich.Enricher`), by workers that load the atlas of the
data folder once per process, and build one enricher per thread.  The workers
need no shared folder and no particular working directory: the client sends
them the data folder's files (a few MB, once per worker, as one task's
result), which each worker writes to a private temporary folder named by
their digest and loads from there.  The output
is a folder of GeoParquet files, one per partition, renamed into place at the
end.  Needs ``pip install 'wco-atlas[dask]'``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.atlas import Atlas, default_data_dir, load
from geo.errors import InvalidPointsError, UsageError
from geo.placeindex import PlaceIndex
from geo.points.enrich import ADDED_COLUMNS, STRING_COLUMNS, Enricher, OnInvalid
from geo.points.geoparquet import geo_column, parquet
from geo.points.rows import WGS84
from geo.points.sources import FrameSource, parquet_files
from geo.points.writers import GEOMETRY, atomic_output, joined
from geo.shipped import snapshot_files
from geo.targets import writing

__all__ = ["enrich_dask"]

_ENRICHERS: dict[tuple[str | None, str | None], Enricher] = {}
_ENRICHERS_LOCK = threading.Lock()


def enrich_dask(
    source: Path,
    target: Path,
    *,
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: OnInvalid,
    data_dir: str | os.PathLike[str] | None,
) -> tuple[int, int, int]:
    """Enrich the (Geo)Parquet file or folder ``source`` into the folder ``target``.

    Returns
    -------
    (int, int, int)
        Rows read, written, and invalid.

    Raises
    ------
    UsageError
        If dask-geopandas is not installed, or ``kind`` is unknown.
    InvalidPointsError
        With ``on_invalid='raise'``, from the first partition with an invalid row.
    """
    try:
        import dask.dataframe as dd
        import dask_geopandas
    except ModuleNotFoundError as err:
        msg = "engine='dask' needs dask-geopandas: pip install 'wco-atlas[dask]'"
        raise UsageError(msg) from err
    from dask.delayed import delayed

    pq = parquet()
    folder = str(Path(data_dir) if data_dir is not None else default_data_dir())
    PlaceIndex(_cached_atlas(folder).places, kind=kind)  # fail here on a bad data folder or kind
    bundle = _bundle(Path(folder))
    files = parquet_files(source)
    geometry = geo_column(source.name, pq.ParquetFile(files[0]))
    if lat_column is not None or lon_column is not None:
        geometry = None
    paths = [str(p) for p in files]
    frame = dask_geopandas.read_parquet(paths) if geometry else dd.read_parquet(paths)
    options: dict[str, Any] = {
        "bundle": delayed(bundle, pure=True, traverse=False),
        "kind": kind,
        "lat_column": lat_column,
        "lon_column": lon_column,
        "on_invalid": on_invalid,
        "label": source.name,
    }
    meta = _enrich_partition(frame._meta, **{**options, "bundle": bundle})
    enriched = frame.map_partitions(_enrich_partition, **options, meta=meta)
    with atomic_output(target, folder=True) as tmp:
        enriched = dask_geopandas.from_dask_dataframe(enriched, geometry=GEOMETRY)
        # zero-padded names: the files sort in the order of the partitions
        with writing(target):  # a full disk names the output, not an OSError traceback
            enriched.to_parquet(
                str(tmp), write_index=False, name_function=lambda i: f"part.{i:06d}.parquet"
            )
        read = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
        outputs = sorted(tmp.glob("*.parquet"))
        written = sum(pq.ParquetFile(p).metadata.num_rows for p in outputs)
        # with on_invalid='null' an invalid row is the one row without located_by
        invalid = read - written
        if on_invalid == "null":
            invalid = sum(
                pq.read_table(p, columns=["located_by"]).column(0).null_count for p in outputs
            )
    return read, written, invalid


def _bundle(folder: Path) -> dict[str, bytes]:
    """The data folder's files (those :func:`geo.shipped.snapshot_files` names), for workers."""
    return {p.name: p.read_bytes() for p in snapshot_files(folder)}


def _unbundled(bundle: dict[str, bytes]) -> str:
    """The folder holding ``bundle`` on this worker: a private temporary folder, made once."""
    digest = hashlib.sha256()
    for name in sorted(bundle):
        digest.update(name.encode() + b"\0" + hashlib.sha256(bundle[name]).digest())
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    folder = Path(tempfile.gettempdir()) / f"geo-dask{user}" / digest.hexdigest()[:32]
    if not folder.is_dir():
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, suffix=".tmp"))
        for name, data in bundle.items():
            (staging / name).write_bytes(data)
        try:
            os.replace(staging, folder)
        except OSError:  # another process of this worker's machine made it first
            shutil.rmtree(staging, ignore_errors=True)
    return str(folder)


def _enrich_partition(
    part: pd.DataFrame,
    *,
    bundle: dict[str, bytes],
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: OnInvalid,
    label: str,
    partition_info: dict[str, Any] | None = None,
) -> gpd.GeoDataFrame:
    """One partition, enriched exactly as the local engine enriches a chunk."""
    enricher = _cached_enricher(_unbundled(bundle), kind)
    name = label if partition_info is None else f"{label} (partition {partition_info['number']})"
    source = FrameSource(part, lat_column=lat_column, lon_column=lon_column, label=name)
    coords = source.chunk().coords
    if coords.problems and on_invalid == "raise":
        raise InvalidPointsError(name, coords.problems, coords.invalid_count)
    keep, added = enricher.rows(coords, on_invalid)
    drop = [*ADDED_COLUMNS, GEOMETRY]
    if isinstance(part, gpd.GeoDataFrame) and part._geometry_column_name in part.columns:
        drop.append(part._geometry_column_name)
    data = pd.DataFrame(part).drop(columns=[c for c in dict.fromkeys(drop) if c in part.columns])
    # text as pandas' "str" dtype: Dask infers the Parquet schema from a sample
    # partition, in which object columns hold placeholders arrow cannot type
    added = added.astype(dict.fromkeys(STRING_COLUMNS, "str"))
    frame = joined(data[keep], added)
    points = shapely.points(coords.lon[keep], coords.lat[keep])
    points[~coords.valid[keep]] = None
    return gpd.GeoDataFrame(frame, geometry=points, crs=WGS84)


@functools.lru_cache(maxsize=4)
def _cached_atlas(data_dir: str | None) -> Atlas:
    """One atlas per data folder per process (for workers enriching many partitions)."""
    return load(data_dir)


def _cached_enricher(data_dir: str | None, kind: str | None) -> Enricher:
    """One enricher per data folder and kind per process, shared by the worker's threads.

    An :class:`Enricher` may be called from several threads at once: each call
    runs on a country index of its own (GEOS prepared geometries build their
    indexes lazily, so they are not shared between threads).
    """
    with _ENRICHERS_LOCK:
        enricher = _ENRICHERS.get((data_dir, kind))
        if enricher is None:
            enricher = _ENRICHERS[data_dir, kind] = Enricher(_cached_atlas(data_dir), kind)
        return enricher
