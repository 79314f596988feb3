"""Input sources: a frame, or a CSV, GeoJSON or (Geo)Parquet file, as chunks of checked rows.

Every source yields :class:`geo.points.rows.Chunk` objects: the rows' own
columns and their coordinates, checked by :mod:`geo.points.rows`.  CSV and
Parquet are read ``chunk_rows`` rows at a time (memory stays bounded); GeoJSON
is read whole.  Coordinates are EPSG:4326 degrees: a GeoDataFrame in another
CRS is reprojected, a file in another CRS is refused.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import DataError, Problem, UsageError
from geo.points.csvio import sniff_delimiter
from geo.points.geoparquet import arrow, geo_column, parquet, wkb_points_xy
from geo.points.rows import (
    LAT_NAMES,
    LON_NAMES,
    WGS84,
    Chunk,
    Coordinates,
    check_coordinates,
    find_column,
    geometry_coordinates,
)

__all__ = [
    "FORMATS",
    "SOURCES",
    "CsvSource",
    "FileSource",
    "FrameSource",
    "GeoJsonSource",
    "OpenParquetSource",
    "ParquetSource",
    "format_of",
    "parquet_files",
]

#: File formats, by extension.
FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".parquet": "parquet"}


def format_of(path: Path, name: str) -> str:
    """The format of the ``input`` or ``output`` file ``path`` (a folder is Parquet input).

    Raises
    ------
    UsageError
        If the extension is not one of :data:`FORMATS`.
    """
    if name == "input" and path.is_dir():
        return "parquet"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        choices = "{" + ", ".join(repr(e) for e in FORMATS) + "}"
        msg = f"Got {name}={str(path)!r}; the {name} file's extension must be one of {choices}"
        raise UsageError(msg)
    return fmt


class FrameSource:
    """An in-memory frame as one chunk.

    Parameters
    ----------
    points : pandas.DataFrame or geopandas.GeoDataFrame
        Latitude and longitude columns, or (a GeoDataFrame, when no column is
        named) Point geometries in any CRS.
    lat_column, lon_column : str or None
        Column names, or None to detect them.
    label : str
        What messages call the frame.
    """

    def __init__(
        self,
        points: pd.DataFrame,
        *,
        lat_column: str | None,
        lon_column: str | None,
        label: str = "points",
    ) -> None:
        if not isinstance(points, pd.DataFrame):
            msg = f"Got points of type {type(points).__name__}; `points` must be a pandas DataFrame"
            raise UsageError(msg)
        self.points = points
        self.label = label
        self.lat_column = lat_column
        self.lon_column = lon_column

    def chunk(self) -> Chunk:
        """The whole frame as one chunk (its ``data`` is the frame itself)."""
        frame = self.points
        use_geometry = (
            isinstance(frame, gpd.GeoDataFrame)
            and self.lat_column is None
            and self.lon_column is None
            and frame._geometry_column_name in frame.columns
        )
        if use_geometry:
            geoms = frame.geometry
            if geoms.crs is not None and not geoms.crs.equals(WGS84):
                geoms = geoms.to_crs(WGS84)
            name = frame.geometry.name
            coords = geometry_coordinates(
                self.label,
                0,
                np.asarray(geoms.values),
                unit="row",
                lon_field=f"{name}.x",
                lat_field=f"{name}.y",
            )
            return Chunk(frame, coords)
        columns = [str(c) for c in frame.columns]
        lat_col = find_column(
            self.label, columns, self.lat_column, LAT_NAMES, "latitude", "lat_column"
        )
        lon_col = find_column(
            self.label, columns, self.lon_column, LON_NAMES, "longitude", "lon_column"
        )
        coords = check_coordinates(
            self.label,
            0,
            frame[lon_col].to_numpy(),
            frame[lat_col].to_numpy(),
            lon_field=lon_col,
            lat_field=lat_col,
        )
        return Chunk(frame, coords)


class FileSource:
    """An input file read in chunks of ``chunk_rows`` rows (see the subclasses).

    ``columns`` (the input's own columns, geometry excluded) is known once
    :meth:`chunks` has started.  ``delimiter`` is the CSV delimiter given
    (``None``: sniffed; other formats ignore it).
    """

    def __init__(
        self,
        path: Path,
        *,
        lat_column: str | None,
        lon_column: str | None,
        chunk_rows: int,
        delimiter: str | None = None,
    ) -> None:
        self.path = path
        self.label = path.name
        self.lat_column = lat_column
        self.lon_column = lon_column
        self.chunk_rows = chunk_rows
        self.delimiter = delimiter
        self.columns: list[str] = []

    def chunks(self) -> Iterator[Chunk]:
        """The chunks of the file, in order."""
        raise NotImplementedError

    def _find_lat_lon(
        self, label: str, columns: list[str], hint: str | None = None
    ) -> tuple[str, str]:
        """The latitude and longitude columns (see :func:`geo.points.rows.find_column`)."""
        lat_col = find_column(
            label, columns, self.lat_column, LAT_NAMES, "latitude", "--lat-column", hint=hint
        )
        lon_col = find_column(
            label, columns, self.lon_column, LON_NAMES, "longitude", "--lon-column", hint=hint
        )
        return lat_col, lon_col


#: Bytes of a CSV file read to find its dialect and header (more if its first record is longer).
_SAMPLE_BYTES = 1 << 16
#: Bytes pyarrow parses at a time.
_BLOCK_BYTES = 1 << 22


class CsvSource(FileSource):
    """A UTF-8 CSV file with a header row, read in chunks; every column is kept as text.

    The delimiter is the one given, else sniffed from the first records
    (:func:`geo.points.csvio.sniff_delimiter`: a comma, a semicolon or a
    tab); the quote is ``"``.  pyarrow reads the file in blocks, on several
    threads.  A file that pyarrow reads otherwise than pandas (a header with a
    repeated or empty name, a row with too few or too many cells, text that is
    not UTF-8) is read by pandas instead, from the first row not yet given,
    as it always was.  Chunks hold a :class:`pyarrow.Table` of string columns.
    """

    def chunks(self) -> Iterator[Chunk]:
        size = self.path.stat().st_size
        with self.path.open("rb") as handle:
            sample, complete = _sample(handle)
        try:
            text = _decode_sample(sample, complete)
        except UnicodeDecodeError:
            yield from self._pandas_chunks(self.delimiter or ",", 0, size)
            return
        delimiter = self.delimiter or sniff_delimiter(text, complete=complete)
        self.delimiter = delimiter
        header = _header(text, delimiter)
        if header is None:
            problem = Problem(self.label, "(header)", "a header row of column names", "")
            raise DataError([problem])
        if len(set(header)) != len(header) or "" in header:
            yield from self._pandas_chunks(delimiter, 0, size)  # pandas renames such columns
            return
        self.columns = header
        lat_col, lon_col = self._find_lat_lon(self.label, header, _delimiter_hint(header))
        start = 0
        row_bytes = _row_bytes(sample)
        try:
            for table, read_ahead in self._arrow_tables(delimiter, header, size):
                # pyarrow reads blocks ahead of the rows it gives (its position reaches the
                # end long before the rows do): the share is the rows' bytes, estimated
                # from the sample's mean line, never past the reader's position
                tail = table.num_rows < self.chunk_rows  # the last rows of the file
                done = (start + table.num_rows + 1) * row_bytes / size if size else 1.0
                fraction = 1.0 if tail else min(read_ahead, done, 0.99)
                yield self._chunk(table, start, lat_col, lon_col, fraction)
                start += table.num_rows
        except _ArrowCsvError:
            yield from self._pandas_chunks(delimiter, start, size)

    def _arrow_tables(
        self, delimiter: str, header: list[str], size: int
    ) -> Iterator[tuple[Any, float]]:
        """Tables of ``chunk_rows`` rows (the last one fewer) and the share of the file read."""
        pa, pcsv = arrow(), _pyarrow_csv()
        source = pa.OSFile(str(self.path))
        try:
            reader = pcsv.open_csv(
                source,
                read_options=pcsv.ReadOptions(block_size=_BLOCK_BYTES, use_threads=True),
                parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            if reader.schema.names != header:
                raise _ArrowCsvError("pyarrow reads another header")
            pending: list[Any] = []
            count = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, UnicodeDecodeError) as err:
                    raise _ArrowCsvError(str(err)) from err
                pending.append(batch)
                count += batch.num_rows
                while count >= self.chunk_rows:
                    table = pa.Table.from_batches(pending, schema=reader.schema)
                    pending = table.slice(self.chunk_rows).to_batches()
                    count -= self.chunk_rows
                    yield table.slice(0, self.chunk_rows), min(source.tell() / size, 1.0)
            if count:
                yield pa.Table.from_batches(pending, schema=reader.schema), 1.0
        except pa.ArrowInvalid as err:
            raise _ArrowCsvError(str(err)) from err
        finally:
            source.close()

    def _pandas_chunks(self, delimiter: str, skip: int, size: int) -> Iterator[Chunk]:
        """The rows from ``skip`` on, read by pandas (what pyarrow does not read alike)."""
        pa = arrow()
        options: dict[str, Any] = {
            "dtype": str,
            "keep_default_na": False,
            "na_filter": False,
            "encoding": "utf-8-sig",
            "sep": delimiter,
        }
        with self.path.open("rb") as handle:
            try:
                header = pd.read_csv(handle, nrows=0, **options)
            except pd.errors.EmptyDataError as err:
                problem = Problem(self.label, "(header)", "a header row of column names", "")
                raise DataError([problem]) from err
            except (pd.errors.ParserError, UnicodeDecodeError) as err:
                raise _csv_error(self.label, err) from err
            self.columns = [str(c) for c in header.columns]
            lat_col, lon_col = self._find_lat_lon(
                self.label, self.columns, _delimiter_hint(self.columns)
            )
            handle.seek(0)
            start = 0
            with pd.read_csv(handle, chunksize=self.chunk_rows, **options) as reader:
                for frame in _csv_frames(reader, self.label):
                    if start + len(frame) <= skip:
                        start += len(frame)
                        continue
                    if start < skip:
                        frame = frame.iloc[skip - start :]
                        start = skip
                    table = pa.table(
                        [pa.array(frame[c].to_numpy(dtype=object), pa.string()) for c in frame],
                        names=self.columns,
                    )
                    fraction = min(handle.tell() / size, 1.0) if size else 1.0
                    yield self._chunk(table, start, lat_col, lon_col, fraction)
                    start += len(frame)

    def _chunk(self, table: Any, start: int, lat_col: str, lon_col: str, fraction: float) -> Chunk:
        coords = check_coordinates(
            self.label,
            start,
            table.column(lon_col),
            table.column(lat_col),
            lon_field=lon_col,
            lat_field=lat_col,
            line_offset=2,  # the header is line 1
        )
        return Chunk(table, coords, fraction)


class _ArrowCsvError(Exception):
    """pyarrow cannot read the rest of a CSV file as pandas would."""


def _pyarrow_csv() -> Any:
    import pyarrow.csv

    return pyarrow.csv


def _row_bytes(sample: bytes) -> float:
    """The mean bytes of a line in a sample of a CSV file (at least 1)."""
    lines = sample.count(b"\n")
    return max(len(sample) / lines, 1.0) if lines else float(max(len(sample), 1))


def _sample(handle: Any) -> tuple[bytes, bool]:
    """The first bytes of a file, enough for a few whole records; and whether that is all of it."""
    size = _SAMPLE_BYTES
    data = handle.read(size)
    while len(data) == size and data.count(b"\n") < 2 and size < (1 << 26):
        more = handle.read(size)
        data += more
        size *= 2
        if not more:
            break
    return data, len(handle.read(1)) == 0


def _decode_sample(sample: bytes, complete: bool) -> str:
    """The sample as text (without a BOM; a character cut at its end is left out)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    return decoder.decode(sample, final=complete)


def _header(text: str, delimiter: str) -> list[str] | None:
    """The first record of the text (blank lines before it are skipped), or ``None``."""
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if row:
                return row
    except csv.Error:
        return None
    return None


def _delimiter_hint(columns: list[str]) -> str | None:
    """A hint when the header reads as one column holding another delimiter."""
    if len(columns) != 1:
        return None
    for delimiter, name in ((";", "';'"), ("\t", "a tab"), (",", "','"), ("|", "'|'")):
        if delimiter in columns[0]:
            option = "--delimiter tab" if delimiter == "\t" else f"--delimiter '{delimiter}'"
            return f"are the cells separated by {name}? pass {option}"
    return None


def _csv_frames(reader: Any, label: str) -> Iterator[pd.DataFrame]:
    while True:
        try:
            frame = next(reader)
        except StopIteration:
            return
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise _csv_error(label, err) from err
        yield frame


def _csv_error(label: str, err: Exception) -> DataError:
    return DataError([Problem(label, "(csv)", "well-formed UTF-8 CSV", str(err))])


class GeoJsonSource(FileSource):
    """A GeoJSON FeatureCollection of Points, read whole (GeoJSON cannot be streamed here)."""

    def chunks(self) -> Iterator[Chunk]:
        try:
            frame = gpd.read_file(self.path, engine="pyogrio")
        except Exception as err:  # pyogrio raises several types for unreadable files
            raise DataError(
                [Problem(self.label, "(file)", "a readable GeoJSON file", str(err))]
            ) from err
        self.columns = [str(c) for c in frame.columns if c != frame.geometry.name]
        if frame.crs is not None and not frame.crs.equals(WGS84):
            problem = Problem(
                self.label, "crs", "EPSG:4326 (lon, lat degrees)", frame.crs.to_string()
            )
            raise DataError([problem])
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if self.lat_column is not None or self.lon_column is not None:
            source = FrameSource(
                data, lat_column=self.lat_column, lon_column=self.lon_column, label=self.label
            )
            coords = source.chunk().coords
        else:
            coords = geometry_coordinates(
                self.label,
                0,
                np.asarray(frame.geometry.values),
                unit="feature",
                lon_field="geometry.coordinates[0]",
                lat_field="geometry.coordinates[1]",
            )
        yield Chunk(data, coords, 1.0)


def parquet_files(path: Path) -> list[Path]:
    """The Parquet file ``path``, or the ``*.parquet`` files under the folder ``path``, sorted.

    Raises
    ------
    DataError
        If the folder holds no ``*.parquet`` file.
    """
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
    if not files:
        problem = Problem(path.name, "(folder)", "a folder of *.parquet files", str(path))
        raise DataError([problem])
    return files


class ParquetSource(FileSource):
    """A Parquet or GeoParquet file, or a folder of them, read by row groups.

    A GeoParquet file's primary geometry is used unless a latitude or
    longitude column is named; plain Parquet needs latitude and longitude
    columns.
    """

    def _opened(self) -> list[tuple[str, Any]]:
        """Each file's label and its ``pyarrow.parquet.ParquetFile`` (its footer read)."""
        files = parquet_files(self.path)
        opened = _open_parquet(self.label, files)
        return [
            (self.label if len(files) == 1 else f"{self.label}/{path.relative_to(self.path)}", f)
            for path, f in zip(files, opened, strict=True)
        ]

    def chunks(self) -> Iterator[Chunk]:
        opened = self._opened()
        total = sum(f.metadata.num_rows for _, f in opened)
        geometry = (
            geo_column(self.label, opened[0][1])
            if self.lat_column is None and self.lon_column is None
            else None
        )
        self.columns = [n for n in opened[0][1].schema_arrow.names if n != geometry]
        start = 0
        for label, parquet_file in opened:
            if geometry is None:
                lat_col, lon_col = self._find_lat_lon(label, parquet_file.schema_arrow.names)
            for batch in parquet_file.iter_batches(batch_size=self.chunk_rows):
                table = arrow().Table.from_batches([batch])
                if geometry is not None:
                    data = table.drop_columns([geometry])
                    coords = _geometry_coords(label, start, table.column(geometry), geometry)
                else:
                    data = table
                    coords = check_coordinates(
                        label,
                        start,
                        table.column(lon_col).to_numpy(zero_copy_only=False),
                        table.column(lat_col).to_numpy(zero_copy_only=False),
                        lon_field=lon_col,
                        lat_field=lat_col,
                    )
                start += table.num_rows
                yield Chunk(data, coords, start / total if total else 1.0)


class OpenParquetSource(ParquetSource):
    """One (Geo)Parquet file open for reading, from any file system (a Dask partition).

    Its footer is read once, when :meth:`chunks` starts; ``label`` names it in
    messages, and its rows are counted from 1 in it.
    """

    def __init__(
        self,
        handle: BinaryIO,
        label: str,
        *,
        lat_column: str | None,
        lon_column: str | None,
        chunk_rows: int,
    ) -> None:
        super().__init__(
            Path(label), lat_column=lat_column, lon_column=lon_column, chunk_rows=chunk_rows
        )
        self.handle = handle
        self.label = label

    def _opened(self) -> list[tuple[str, Any]]:
        return [(self.label, _open_parquet(self.label, [self.handle])[0])]


def _open_parquet(label: str, files: Sequence[Path | BinaryIO]) -> list[Any]:
    """``pyarrow.parquet.ParquetFile`` of each file (reads its footer).

    Raises
    ------
    DataError
        Naming ``label``, if one is not a readable Parquet file.
    """
    pq = parquet()
    try:
        return [pq.ParquetFile(f) for f in files]
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError...
        raise DataError([Problem(label, "(file)", "a readable Parquet file", str(err))]) from err


def _geometry_coords(label: str, start: int, column: Any, geometry: str) -> Coordinates:
    """The checked coordinates of a WKB column: plain points fast, anything else by shapely."""
    xy = wkb_points_xy(column)
    if xy is not None:  # all plain 2-D points: no geometry objects needed
        return check_coordinates(
            label, start, xy[0], xy[1], lon_field=f"{geometry}.x", lat_field=f"{geometry}.y"
        )
    try:
        geoms = shapely.from_wkb(column.to_numpy(zero_copy_only=False))
    except shapely.errors.GEOSException as err:
        problem = Problem(label, geometry, "WKB geometries", str(err))
        raise DataError([problem]) from err
    return geometry_coordinates(
        label, start, geoms, unit="row", lon_field=f"{geometry}.x", lat_field=f"{geometry}.y"
    )


#: The source class of each input format.
SOURCES: dict[str, type[FileSource]] = {
    "csv": CsvSource,
    "geojson": GeoJsonSource,
    "parquet": ParquetSource,
}
