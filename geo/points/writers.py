"""Output writers (CSV, GeoJSON, GeoParquet) and the atomic output they write to.

A writer gets the enriched rows chunk by chunk: the input's own columns, then
:data:`geo.points.enrich.ADDED_COLUMNS` (replacing input columns of the same
names), and for GeoJSON and GeoParquet the point (EPSG:4326; null for an
invalid row kept with ``on_invalid='null'``).  It writes to a temporary file
that :func:`atomic_output` renames into place only when all went well.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from geo.points.enrich import ADDED_COLUMNS, FLOAT_COLUMNS, typed
from geo.points.geoparquet import arrow, geo_metadata, parquet, points_wkb
from geo.points.rows import Chunk, Coordinates
from geo.points.sources import FileSource

__all__ = [
    "GEOMETRY",
    "WRITERS",
    "CsvWriter",
    "GeoJsonWriter",
    "ParquetWriter",
    "Writer",
    "atomic_output",
    "joined",
]

#: Name of the geometry column of GeoParquet output.
GEOMETRY = "geometry"


class Writer:
    """Writes enriched chunks to an open binary file (see the subclasses).

    Parameters
    ----------
    handle : binary file
        Where to write.
    source : FileSource
        The input: its ``columns`` give the header of an output without rows.
    """

    def __init__(self, handle: BinaryIO, source: FileSource) -> None:
        self.handle = handle
        self.source = source

    def write(self, chunk: Chunk, data: Any, added: pd.DataFrame, keep: np.ndarray) -> None:
        """Write the rows ``keep`` of ``chunk``: their columns ``data`` and ``added``."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file (the handle itself is closed by the caller)."""

    def discard(self) -> None:
        """Give up after a failure (the temporary file is removed by the caller)."""


class CsvWriter(Writer):
    """CSV with a header row; missing values are empty."""

    def __init__(self, handle: BinaryIO, source: FileSource) -> None:
        super().__init__(handle, source)
        self.header = True

    def write(self, chunk: Chunk, data: Any, added: pd.DataFrame, keep: np.ndarray) -> None:
        frame = joined(data, added)
        frame.to_csv(self.handle, header=self.header, index=False, lineterminator="\n")
        self.header = False

    def close(self) -> None:
        if self.header:  # no rows: still write the header
            pd.DataFrame(columns=[*_without_added(self.source.columns), *ADDED_COLUMNS]).to_csv(
                self.handle, index=False, lineterminator="\n"
            )


class GeoJsonWriter(Writer):
    """A GeoJSON FeatureCollection, one Feature per line."""

    def __init__(self, handle: BinaryIO, source: FileSource) -> None:
        super().__init__(handle, source)
        self.first = True
        handle.write(b'{"type": "FeatureCollection", "features": [\n')

    def write(self, chunk: Chunk, data: Any, added: pd.DataFrame, keep: np.ndarray) -> None:
        frame = joined(data, added)
        if not len(frame):
            return
        props = frame.to_json(orient="records", lines=True, double_precision=15, force_ascii=False)
        coords = chunk.coords
        lon, lat, valid = coords.lon[keep], coords.lat[keep], coords.valid[keep]
        parts = []
        for p, x, y, ok in zip(
            props.splitlines(), lon.tolist(), lat.tolist(), valid.tolist(), strict=True
        ):
            geometry = f'{{"type": "Point", "coordinates": [{x!r}, {y!r}]}}' if ok else "null"
            parts.append(f'{{"type": "Feature", "geometry": {geometry}, "properties": {p}}}')
        text = ",\n".join(parts)
        self.handle.write((text if self.first else ",\n" + text).encode("utf-8"))
        self.first = False

    def close(self) -> None:
        self.handle.write(b"\n]}\n")


class ParquetWriter(Writer):
    """GeoParquet 1.0: the columns, then a WKB Point ``geometry`` column, EPSG:4326."""

    def __init__(self, handle: BinaryIO, source: FileSource) -> None:
        super().__init__(handle, source)
        self.writer: Any = None
        self.schema: Any = None

    def write(self, chunk: Chunk, data: Any, added: pd.DataFrame, keep: np.ndarray) -> None:
        pa = arrow()
        table = (
            data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        )
        table = table.drop_columns(
            [c for c in [*ADDED_COLUMNS, GEOMETRY] if c in table.column_names]
        )
        for column in ADDED_COLUMNS:
            table = table.append_column(column, _arrow_column(added[column], column))
        coords = chunk.coords
        wkb = points_wkb(coords.lon[keep], coords.lat[keep], coords.valid[keep])
        table = table.append_column(GEOMETRY, wkb)
        if self.writer is None:
            self.schema = table.schema.with_metadata({b"geo": geo_metadata(GEOMETRY)})
            self.writer = parquet().ParquetWriter(self.handle, self.schema)
        self.writer.write_table(table.cast(self.schema))

    def close(self) -> None:
        if self.writer is None:  # no rows: an empty table with the input's columns
            pa = arrow()
            schema = pa.schema([(c, pa.string()) for c in _without_added(self.source.columns)])
            nothing = np.zeros(0, dtype=bool)
            empty = Chunk(None, Coordinates(np.zeros(0), np.zeros(0), nothing, [], 0))
            self.write(empty, schema.empty_table(), typed({c: [] for c in ADDED_COLUMNS}), nothing)
        self.writer.close()

    def discard(self) -> None:
        """Give up after a failure: close the Parquet writer, whose file is then removed."""
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def _arrow_column(values: pd.Series, column: str) -> Any:
    pa = arrow()
    if column in FLOAT_COLUMNS:
        return pa.array(values.to_numpy(dtype=float), type=pa.float64(), from_pandas=True)
    if column == "member":
        return pa.array(values.array, type=pa.bool_(), from_pandas=True)
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _without_added(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c not in ADDED_COLUMNS]


def joined(data: Any, added: pd.DataFrame) -> pd.DataFrame:
    """The input's columns ``data`` (a frame or a pyarrow Table), then the ``added`` ones.

    Input columns named like an added column are dropped; the index is ``0..n-1``.
    """
    frame: pd.DataFrame = data if isinstance(data, pd.DataFrame) else data.to_pandas()
    frame = frame.drop(columns=[c for c in ADDED_COLUMNS if c in frame.columns])
    return pd.concat([frame.reset_index(drop=True), added.reset_index(drop=True)], axis=1)


#: The writer class of each output format.
WRITERS: dict[str, type[Writer]] = {
    "csv": CsvWriter,
    "geojson": GeoJsonWriter,
    "parquet": ParquetWriter,
}


@contextlib.contextmanager
def atomic_output(path: Path, *, folder: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it on success and removed on failure.

    Readers see the old output or the new one, never a part.  With
    ``folder=True`` the temporary path is a folder that replaces the folder
    ``path`` (the old one is removed after the rename).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    target = tmp if folder else tmp / path.name
    try:
        yield target
        if folder:
            if path.is_dir():
                old = path.with_name(f".{path.name}.old")
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
        else:
            os.chmod(target, 0o644)
            os.replace(target, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
