"""Output writers (CSV, GeoJSON, GeoParquet) and the atomic output they write to.

A writer gets the enriched rows batch by batch: the input's own columns, then
:data:`geo.points.enrich.ADDED_COLUMNS` (replacing input columns of the same
names), and for GeoJSON and GeoParquet the point (EPSG:4326; null for an
invalid row kept with ``on_invalid='null'``).  :meth:`Writer.render` turns a
batch into what is written (bytes, or a pyarrow table), in any thread;
:meth:`Writer.put` writes it, in the order of the input.  The file is a
temporary one that :func:`atomic_output` renames into place only when all
went well; one left behind by a killed run is removed by a later run.

CSV cells are neutralised for spreadsheets unless ``raw_csv`` (see
:mod:`geo.points.csvio` and :func:`geo.export.safe_cell`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from geo import locks
from geo.export import safe_cell
from geo.modes import as_made_by_the_user
from geo.points.csvio import float_text, header_line, lines_buffer, quoted, safe_text
from geo.points.enrich import ADDED_COLUMNS, LOCATED_BY, Enricher, Found
from geo.points.geoparquet import arrow, geo_metadata, parquet, points_wkb
from geo.points.rows import Coordinates
from geo.points.sources import CsvSource, FileSource
from geo.targets import writing

__all__ = [
    "GEOMETRY",
    "WRITERS",
    "CsvWriter",
    "GeoJsonWriter",
    "ParquetWriter",
    "Writer",
    "atomic_output",
    "joined",
    "output_file",
    "sweep_leftovers",
]

log = logging.getLogger(__name__)

#: Name of the geometry column of GeoParquet output.
GEOMETRY = "geometry"
#: Rows formatted at a time within a batch (bounds the size of intermediate text).
_FORMAT_ROWS = 65_536
#: The nearest-place columns and the column of the places they come from.
_NEAREST_SOURCES = (("nearest_id", "id"), ("nearest_kind", "kind"), ("nearest_name", "name"))


class Writer:
    """Writes enriched batches to an open binary file (see the subclasses).

    Parameters
    ----------
    handle : binary file
        Where to write.
    source : FileSource
        The input: its ``columns`` give the header of an output without rows.
    enricher : Enricher
        Its tables give the text of the added columns.
    raw_csv : bool
        CSV only: write text cells as they are (not neutralised).
    """

    def __init__(
        self, handle: BinaryIO, source: FileSource, enricher: Enricher, *, raw_csv: bool = False
    ) -> None:
        self.handle = handle
        self.source = source
        self.enricher = enricher
        self.raw_csv = raw_csv

    def render(self, data: Any, coords: Coordinates, found: Found, keep: np.ndarray) -> Any:
        """What to write for the rows ``keep`` of a batch (thread-safe: nothing is written).

        ``data`` is the batch's own columns (a frame or a pyarrow Table),
        ``coords`` its coordinates and ``found`` its answers, all of the same
        rows.
        """
        raise NotImplementedError

    def put(self, rendered: Any) -> None:
        """Write what :meth:`render` gave (in the order of the input)."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file (the handle itself is closed by the caller)."""

    def discard(self) -> None:
        """Give up after a failure (the temporary file is removed by the caller)."""

    def frame(self, data: Any, found: Found, keep: np.ndarray) -> pd.DataFrame:
        """The rows ``keep``: the input's columns, then the added ones, as one frame."""
        return joined(_take(data, keep), self.enricher.frame(found)[keep])


class CsvWriter(Writer):
    """CSV with a header row; missing values are empty.

    The delimiter is the input's (CSV input), else a comma.  Cells are
    written as Python's :mod:`csv` and pandas write them; text is neutralised
    for spreadsheets unless ``raw_csv``.
    """

    def __init__(
        self, handle: BinaryIO, source: FileSource, enricher: Enricher, *, raw_csv: bool = False
    ) -> None:
        super().__init__(handle, source, enricher, raw_csv=raw_csv)
        self.header_written = False
        self._tables: dict[str, Any] = {}

    @property
    def delimiter(self) -> str:
        return (self.source.delimiter or ",") if isinstance(self.source, CsvSource) else ","

    @property
    def _text_input(self) -> bool:
        """Whether the input's cells are all text (CSV), so that numbers are told by their text."""
        return isinstance(self.source, CsvSource)

    def _added_tables(self) -> dict[str, Any]:
        """The added columns' cells joined ahead of time, by the positions of :class:`Found`.

        ``"country"``: the seven country columns (``iso3`` to ``country_distance_km``) of
        each row, inside it (ending in ``0.0``), then of each row off its coast (ending
        with a delimiter: the distance follows), then for no country, then for an invalid
        row.  ``"place"``: the three columns of each nearest place, then for none (the
        same for an invalid row).
        """
        if self._tables:
            return self._tables
        pa, enricher, sep = arrow(), self.enricher, self.delimiter

        def cells(values: Sequence[Any] | np.ndarray) -> list[str]:
            array = pa.array([v if isinstance(v, str) else None for v in values], pa.string())
            if not self.raw_csv:
                array = safe_text(array, numbers_as_text=False)
            return [str(c) for c in quoted(array, sep).to_pylist()]

        text = {c: cells(v) for c, v in enricher.country_table.items()}  # last: no country
        member = [str(bool(v)) for v in enricher.member_table]
        located = dict(zip(LOCATED_BY, cells(list(LOCATED_BY)), strict=True))
        rows = [
            sep.join([*(text[c][i] for c in text), member[i]])
            for i in range(len(enricher.member_table))
        ]
        country = [f"{r}{sep}{located['inside']}{sep}0.0" for r in rows[:-1]]
        country += [f"{r}{sep}{located['nearest']}{sep}" for r in rows[:-1]]
        country += [f"{rows[-1]}{sep}{located['none']}{sep}", sep * 6]
        places = [cells(enricher.place_table[c]) for c in ("id", "kind", "name")]
        place = [sep.join(values) for values in zip(*places, strict=True)]  # last: none
        self._tables = {
            "country": pa.array(country, pa.string()),
            "place": pa.array(place, pa.string()),
        }
        return self._tables

    def render(self, data: Any, coords: Coordinates, found: Found, keep: np.ndarray) -> Any:
        pa = arrow()
        data = _take(data, keep)
        found = found.take(keep)
        columns = [c for c in _column_names(data) if c not in ADDED_COLUMNS]
        parts = []
        for start in range(0, len(found.valid), _FORMAT_ROWS):
            stop = min(start + _FORMAT_ROWS, len(found.valid))
            cells = [
                self._input_cells(_column_slice(data, c, start, stop)) for c in columns
            ] + self._added_cells(found.take(slice(start, stop)))
            parts.append(lines_buffer(cells, self.delimiter))
        return parts if parts else [pa.py_buffer(b"")]

    def _input_cells(self, column: Any) -> Any:
        text = _as_text(column, text_input=self._text_input, raw=self.raw_csv)
        return quoted(text, self.delimiter)

    def _added_cells(self, found: Found) -> list[Any]:
        """Three cells that hold the eleven added columns (see :meth:`_added_tables`)."""
        pa = arrow()
        tables = self._added_tables()
        n = len(self.enricher.member_table) - 1  # rows of the country layer
        located = found.located_by
        which = np.choose(
            np.minimum(located, 3),
            [found.country, n + found.country, np.full(len(located), 2 * n), 2 * n + 1],
        )
        country = tables["country"].take(pa.array(which))
        nearest = located == 1
        if nearest.any():
            km = pc.fill_null(float_text(np.where(nearest, found.country_km, np.nan)), "")
            country = pc.binary_join_element_wise(country, km, "")
        place = np.where(found.place < 0, len(tables["place"]) - 1, found.place)
        return [
            country,
            tables["place"].take(pa.array(place)),
            float_text(found.place_km),
        ]

    def put(self, rendered: Any) -> None:
        self._header()
        for part in rendered:
            self.handle.write(part)

    def _header(self) -> None:
        if not self.header_written:
            names = [*_without_added(self.source.columns), *ADDED_COLUMNS]
            self.handle.write(
                header_line(
                    names, self.delimiter, raw=self.raw_csv, numbers_as_text=self._text_input
                )
            )
            self.header_written = True

    def close(self) -> None:
        self._header()  # no rows: still write the header


class GeoJsonWriter(Writer):
    """A GeoJSON FeatureCollection, one Feature per line."""

    def __init__(
        self, handle: BinaryIO, source: FileSource, enricher: Enricher, *, raw_csv: bool = False
    ) -> None:
        super().__init__(handle, source, enricher, raw_csv=raw_csv)
        self.first = True
        handle.write(b'{"type": "FeatureCollection", "features": [\n')

    def render(self, data: Any, coords: Coordinates, found: Found, keep: np.ndarray) -> Any:
        frame = self.frame(data, found, keep)
        if not len(frame):
            return ""
        props = frame.to_json(orient="records", lines=True, double_precision=15, force_ascii=False)
        lon, lat, valid = coords.lon[keep], coords.lat[keep], coords.valid[keep]
        parts = []
        for p, x, y, ok in zip(
            props.splitlines(), lon.tolist(), lat.tolist(), valid.tolist(), strict=True
        ):
            geometry = f'{{"type": "Point", "coordinates": [{x!r}, {y!r}]}}' if ok else "null"
            parts.append(f'{{"type": "Feature", "geometry": {geometry}, "properties": {p}}}')
        return ",\n".join(parts)

    def put(self, rendered: Any) -> None:
        if not rendered:
            return
        self.handle.write((rendered if self.first else ",\n" + rendered).encode("utf-8"))
        self.first = False

    def close(self) -> None:
        self.handle.write(b"\n]}\n")


class ParquetWriter(Writer):
    """GeoParquet 1.0: the columns, then a WKB Point ``geometry`` column, EPSG:4326."""

    def __init__(
        self, handle: BinaryIO, source: FileSource, enricher: Enricher, *, raw_csv: bool = False
    ) -> None:
        super().__init__(handle, source, enricher, raw_csv=raw_csv)
        self.writer: Any = None
        self.schema: Any = None
        self._tables: dict[str, Any] = {}

    def _added_tables(self) -> dict[str, Any]:
        """The added columns' values as arrow arrays, by the positions :class:`Found` gives."""
        if self._tables:
            return self._tables
        pa, enricher = arrow(), self.enricher
        tables = {c: pa.array([*v, None], pa.string()) for c, v in enricher.country_table.items()}
        tables["member"] = pa.array([*enricher.member_table.tolist(), None], pa.bool_())
        tables["located_by"] = pa.array(list(LOCATED_BY), pa.string())
        for column, source in (
            ("nearest_id", "id"),
            ("nearest_kind", "kind"),
            ("nearest_name", "name"),
        ):
            tables[column] = pa.array([*enricher.place_table[source], None], pa.string())
        self._tables = tables
        return tables

    def render(self, data: Any, coords: Coordinates, found: Found, keep: np.ndarray) -> Any:
        pa = arrow()
        data = _take(data, keep)
        found = found.take(keep)
        table = (
            data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        )
        table = table.drop_columns(
            [c for c in [*ADDED_COLUMNS, GEOMETRY] if c in table.column_names]
        )
        tables = self._added_tables()
        n_country = len(self.enricher.member_table) - 1
        invalid = ~found.valid
        country = np.where(found.country < 0, n_country, found.country)
        country = pa.array(np.where(invalid, n_country + 1, country))
        place = np.where(found.place < 0, len(self.enricher.place_table["id"]) - 1, found.place)
        for column in ADDED_COLUMNS:
            if column in ("iso3", "country", "region", "region_name", "member"):
                values = tables[column].take(country)
            elif column == "located_by":
                values = tables[column].take(pa.array(found.located_by))
            elif column in ("nearest_id", "nearest_kind", "nearest_name"):
                values = tables[column].take(pa.array(place))
            else:
                km = found.country_km if column == "country_distance_km" else found.place_km
                values = pa.array(km, type=pa.float64(), from_pandas=True)
            table = table.append_column(column, values)
        lon, lat, valid = coords.lon[keep], coords.lat[keep], coords.valid[keep]
        return table.append_column(GEOMETRY, points_wkb(lon, lat, valid))

    def put(self, rendered: Any) -> None:
        if self.writer is None:
            self.schema = rendered.schema.with_metadata({b"geo": geo_metadata(GEOMETRY)})
            self.writer = parquet().ParquetWriter(self.handle, self.schema)
        self.writer.write_table(rendered.cast(self.schema))

    def close(self) -> None:
        if self.writer is None:  # no rows: an empty table with the input's columns
            pa = arrow()
            schema = pa.schema([(c, pa.string()) for c in _without_added(self.source.columns)])
            nothing = np.zeros(0, dtype=bool)
            none = np.zeros(0, dtype=np.int64)
            found = Found(none, np.zeros(0), none, np.zeros(0), nothing)
            coords = Coordinates(np.zeros(0), np.zeros(0), nothing, [], 0)
            self.put(self.render(schema.empty_table(), coords, found, nothing))
        self.writer.close()

    def discard(self) -> None:
        """Give up after a failure: close the Parquet writer, whose file is then removed."""
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def _as_text(column: Any, *, text_input: bool, raw: bool) -> Any:
    """The cells of an input column as pandas writes them in CSV: pyarrow text, null if missing.

    Text is neutralised unless ``raw``; with ``text_input`` (CSV), text that is
    a number counts as a number.  Numbers are written as pandas writes them;
    other types (dates, lists...) by pandas itself.
    """
    pa = arrow()
    if isinstance(column, pd.Series):
        values = column
        if values.dtype.kind in "fiub" and not isinstance(values.dtype, pd.CategoricalDtype):
            column = pa.array(values.to_numpy(), from_pandas=True)
        elif values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            objects = values.to_numpy(dtype=object)
            if all(isinstance(v, str) or _missing(v) for v in objects):
                column = pa.array(objects, pa.string(), from_pandas=True)
            else:
                return _pandas_text(values, raw=raw)
        else:
            return _pandas_text(values, raw=raw)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column.cast(pa.string())
        return text if raw else safe_text(text, numbers_as_text=text_input)
    if pa.types.is_boolean(kind):
        return pa.array(["False", "True"]).take(column.cast(pa.int8()))
    if pa.types.is_integer(kind) and not column.null_count:
        return column.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):  # ints with gaps: floats
        return float_text(column.cast(pa.float64()).to_numpy(zero_copy_only=False))
    return _pandas_text(column.to_pandas(), raw=raw)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _pandas_text(values: pd.Series, *, raw: bool) -> Any:
    """Cells of any type as pandas writes them in CSV (neutralised unless ``raw``)."""
    if not raw and values.dtype == object:  # other dtypes hold no text
        values = pd.Series([safe_cell(v) for v in values.to_numpy(dtype=object)], dtype=object)
    text = values.to_frame().to_csv(index=False, header=False, lineterminator="\n")
    cells = [row[0] if row else "" for row in csv.reader(io.StringIO(text, newline=""))]
    return arrow().array(cells, arrow().string())


def _column_names(data: Any) -> list[str]:
    return [str(c) for c in (data.columns if isinstance(data, pd.DataFrame) else data.column_names)]


def _column_slice(data: Any, name: str, start: int, stop: int) -> Any:
    if isinstance(data, pd.DataFrame):
        return data[name].iloc[start:stop]
    return data.column(name).slice(start, stop - start)


def _take(data: Any, keep: np.ndarray) -> Any:
    """The rows ``keep`` of a frame or a pyarrow Table."""
    if keep.all():
        return data
    if isinstance(data, pd.DataFrame):
        return data[keep]
    return data.filter(arrow().array(keep))


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


def _leftover_pattern(name: str) -> re.Pattern[str]:
    """Names of the temporary folders :func:`atomic_output` makes for an output called ``name``."""
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]+\.tmp")


#: The file in a temporary folder that its run holds locked while it writes.
_LOCK = ".lock"
#: A temporary folder without that file (its run was killed as it began) is removed once this
#: old, in seconds.
LEFTOVER_AGE_SECONDS = 60.0


def sweep_leftovers(path: Path) -> list[Path]:
    """Remove the temporary folders that killed runs writing ``path`` left beside it.

    Only folders named as :func:`atomic_output` names them for this output
    (``.<name>.<random>.tmp``) whose run is over are removed: a run holds a
    lock (:mod:`geo.locks`) on a file in its folder while it writes, which the
    system releases when the run ends, killed or not.  A folder without that file
    (its run was killed as it began) is removed once older than
    :data:`LEFTOVER_AGE_SECONDS`.  Returns what was removed.
    """
    pattern = _leftover_pattern(path.name)
    removed: list[Path] = []
    try:
        candidates = [
            p for p in path.parent.iterdir() if pattern.fullmatch(p.name) and not p.is_symlink()
        ]
    except OSError:
        return removed
    for candidate in candidates:
        if not candidate.is_dir():
            continue
        if not (candidate / _LOCK).exists():
            with contextlib.suppress(OSError):
                if time.time() - candidate.stat().st_mtime > LEFTOVER_AGE_SECONDS:
                    shutil.rmtree(candidate, ignore_errors=True)
        else:
            try:
                with locks.holding(candidate / _LOCK, wait=False):
                    shutil.rmtree(candidate, ignore_errors=True)
            except (locks.Busy, OSError):  # a run is writing there
                continue
        if not candidate.exists():
            removed.append(candidate)
            log.info("removed %s, left by an enrichment that did not finish", candidate)
    return removed


@contextlib.contextmanager
def atomic_output(path: Path, *, folder: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it on success and removed on failure.

    Readers see the old output or the new one, never a part: a file is
    flushed to disk before the rename.  With ``folder=True`` the temporary
    path is a folder that replaces the folder ``path`` (the old one is removed
    after the rename).  What killed runs writing ``path`` left is removed
    first (:func:`sweep_leftovers`).

    Raises
    ------
    GeoError
        When the system refuses to make the temporary path, flush it or rename
        it (a read-only folder, a full disk): naming ``path``, with nothing left
        behind (:func:`geo.targets.cannot_write`).  Errors of the block itself
        pass through; write to the file with :func:`output_file`.
    """
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(path)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    target = tmp if folder else tmp / path.name
    lock = contextlib.ExitStack()
    try:
        with writing(path):
            lock.enter_context(locks.holding(tmp / _LOCK))
        yield target
        with writing(path):
            if folder:
                # not part of the output: released first (Windows cannot remove an open file);
                # a folder without it is swept only once LEFTOVER_AGE_SECONDS old
                lock.close()
                (tmp / _LOCK).unlink()
                as_made_by_the_user(tmp, folder=True)  # not mkdtemp's 0700
                if path.is_dir():
                    old = path.with_name(f".{path.name}.old")
                    os.replace(path, old)
                    os.replace(tmp, path)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(tmp, path)
            else:
                _fsync(target)
                os.chmod(target, 0o644)
                os.replace(target, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        lock.close()


def _fsync(path: Path) -> None:
    """Flush the bytes of the file ``path`` to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_temporary(path: Path) -> io.RawIOBase:
    """The raw file an output is written to (a seam for tests that fill the disk)."""
    return io.FileIO(path, "wb")


class _OutputFile(io.BufferedWriter):
    """The temporary file of an output, whose failed writes name the output (a GeoError)."""

    def __init__(self, tmp: Path, output: Path) -> None:
        super().__init__(_open_temporary(tmp))
        self.output = output

    def write(self, data: Any, /) -> int:
        with writing(self.output):
            return super().write(data)

    def flush(self) -> None:
        with writing(self.output):
            super().flush()

    def close(self) -> None:
        with writing(self.output):
            super().close()


def output_file(tmp: Path, output: Path) -> BinaryIO:
    """Open the temporary file ``tmp`` of ``output`` for writing (binary, buffered).

    A write the system refuses (a full disk) raises :class:`geo.GeoError`
    naming ``output`` (:func:`geo.targets.cannot_write`), not an ``OSError``.
    """
    return _OutputFile(tmp, output)
