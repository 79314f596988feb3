"""Enrich a file of points: read, enrich and write chunk by chunk, into an atomic output.

:func:`enrich_file` checks its arguments, picks the source for the input's
format (:mod:`geo.points.sources`) and the writer for the output's
(:mod:`geo.points.writers`), and streams the chunks through
:class:`geo.points.enrich.Enricher`; ``engine='dask'`` hands a GeoParquet
input to :mod:`geo.points.dask` instead.
"""

from __future__ import annotations

import logging
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geo.atlas import Atlas, load
from geo.errors import DataError, Problem, UsageError
from geo.points.csvio import check_delimiter
from geo.points.dask import enrich_dask
from geo.points.enrich import ON_INVALID, Enricher, OnInvalid, check_choice
from geo.points.geoparquet import arrow
from geo.points.sources import SOURCES, format_of
from geo.points.stream import MAX_WORKERS, Progress, stream
from geo.points.writers import WRITERS, atomic_output, output_file
from geo.targets import data_rule

__all__ = ["CHUNK_ROWS", "ENGINES", "EnrichSummary", "Progress", "enrich_file"]

log = logging.getLogger(__name__)

#: Default number of rows read, enriched and written at a time.
CHUNK_ROWS = 250_000
#: Where the work runs: in this process, or on the current Dask scheduler.
ENGINES: tuple[str, ...] = ("local", "dask")


@dataclass(frozen=True)
class EnrichSummary:
    """What :func:`enrich_file` did.

    Attributes
    ----------
    output : pathlib.Path or str
        The file (or, for ``engine='dask'``, the folder) written: a path, or
        the URL of another file system (``s3://``...).
    rows_read, rows_written : int
        Input rows, and rows in the output.
    rows_invalid : int
        Rows with invalid coordinates (skipped with ``on_invalid='skip'``,
        kept with empty enrichment columns with ``on_invalid='null'``).
    seconds : float
        Wall-clock time.
    """

    output: Path | str
    rows_read: int
    rows_written: int
    rows_invalid: int
    seconds: float


def local_path(path: str | os.PathLike[str]) -> Path:
    """A path, or a ``file://`` URL (RFC 8089) of the local file system, as a path.

    Raises
    ------
    UsageError
        For a URL of another scheme (``s3://``...), which only the Dask engine reads.
    """
    text = os.fspath(path)
    if "://" not in text:
        return Path(text)
    parsed = urllib.parse.urlparse(text)
    if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
        return Path(urllib.request.url2pathname(parsed.path))
    msg = (
        f"Got {text!r}; the local engine reads and writes local paths and file:// URLs, "
        f"not {parsed.scheme}:// (use engine='dask', --engine dask, for GeoParquet there, "
        "or copy the files to a local folder first)"
    )
    raise UsageError(msg)


def enrich_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    atlas: Atlas | None = None,
    kind: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    on_invalid: OnInvalid = "raise",
    chunk_rows: int = CHUNK_ROWS,
    engine: Literal["local", "dask"] = "local",
    progress: Callable[[Progress], None] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    delimiter: str | None = None,
    raw_csv: bool = False,
    workers: int | None = None,
) -> EnrichSummary:
    """Enrich a file of points and write the result, chunk by chunk.

    Parameters
    ----------
    input : path or file:// URL
        ``.csv`` (UTF-8, a header row; columns kept as text; cells separated
        by ``delimiter``), ``.geojson`` (a FeatureCollection of Points; read
        whole), ``.parquet`` (GeoParquet with a Point geometry, or Parquet
        with latitude and longitude columns) or a folder of ``.parquet``
        files (partitioned GeoParquet).  Coordinates are EPSG:4326 degrees.
    output : path or file:// URL
        Format from the extension: ``.csv`` (with the input's delimiter when
        the input is CSV, else commas), ``.geojson`` or ``.parquet``
        (GeoParquet 1.0, WKB points, EPSG:4326).  With ``engine='dask'``, a
        folder of partitioned GeoParquet.  Written to a temporary file and
        renamed at the end; a failure leaves no partial output, and what a
        killed run left beside the output is removed by the next run.
    atlas : Atlas, optional
        Default: :func:`geo.load` of ``data_dir``.
    kind : str, optional
        Search the nearest place among places of this kind only.
    lat_column, lon_column : str, optional
        Column names (default: detected, see :func:`enrich_points`).  For
        GeoParquet or GeoJSON input, giving one uses the columns instead of
        the geometry.
    on_invalid : {'raise', 'skip', 'null'}
        See :func:`enrich_points`.  With ``'raise'`` the whole input is
        checked and every invalid row counted before the error is raised.
    chunk_rows : int
        Rows per chunk: memory grows with it; results do not depend on it.
    engine : {'local', 'dask'}
        ``'dask'`` enriches each file of a (Geo)Parquet input (a partition)
        in a task of the current Dask scheduler (a ``distributed.Client`` if
        one is active), reading it once and writing one output file per
        input file; input and output may then be fsspec URLs (``s3://``,
        ``gs://``, ``file://``...; see :mod:`geo.points.dask`).  Install
        with ``pip install 'wco-atlas[dask]'``.
    progress : callable, optional
        Called with a :class:`Progress` after each chunk (local engine), or
        each input file (``engine='dask'``).
    data_dir : path, optional
        Data folder for :func:`geo.load` when ``atlas`` is not given.
    delimiter : str, optional
        What separates the cells of a CSV input: one character, such as
        ``','``, ``';'`` or ``'\\t'`` (or ``'comma'``, ``'semicolon'``,
        ``'tab'``, ``'pipe'``).  Default: sniffed from the first lines (a
        comma, a semicolon or a tab).
    raw_csv : bool
        CSV output: write text cells as they are.  By default a cell whose
        text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
        return gets a leading ``'``, so that a spreadsheet shows it as text
        instead of running it as a formula, and NUL characters are removed
        (:func:`geo.export.safe_cell`); header cells too.  Numbers are left
        alone, and so is the text of a CSV input's cell that is a number
        (``-29.31``).
    workers : int, optional
        Threads enriching batches at once (default: the number of CPUs, at
        most 8); reading and writing stay in the calling thread, in order.

    Returns
    -------
    EnrichSummary

    Raises
    ------
    DataError
        If the input is missing, unreadable, or lacks coordinate columns.
    InvalidPointsError
        With ``on_invalid='raise'``, listing the first invalid rows (file,
        row, column, value) and how many there are.
    UsageError
        For an unknown extension, engine, ``on_invalid``, ``kind`` or
        delimiter, when input and output are the same file, or when the
        output is inside the data folder, over a file geo reads as data, or
        holds the input (:mod:`geo.targets`); nothing is written then.
    GeoError
        When the system refuses to write the output (a read-only folder, a
        full disk): no partial output is left.
    """
    started = time.perf_counter()
    check_choice("on_invalid", on_invalid, ON_INVALID)
    check_choice("engine", engine, ENGINES)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise UsageError(f"Got chunk_rows={chunk_rows!r}; `chunk_rows` must be a positive integer")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise UsageError(f"Got workers={workers!r}; `workers` must be a positive integer")
    if delimiter is not None:
        delimiter = check_delimiter(delimiter)
    if engine == "dask":
        shown, read, written, invalid = enrich_dask(
            input,
            output,
            kind=kind,
            lat_column=lat_column,
            lon_column=lon_column,
            on_invalid=on_invalid,
            chunk_rows=chunk_rows,
            data_dir=data_dir,
            rule=data_rule(data_dir),
            progress=progress,
            atlas_given=atlas is not None,
        )
        seconds = time.perf_counter() - started
        log.debug("enriched %d rows of %s into %s with dask in %.1f s", read, input, shown, seconds)
        return EnrichSummary(shown, read, written, invalid, seconds)
    source_path, target = local_path(input), local_path(output)
    in_format = format_of(source_path, "input")
    out_format = format_of(target, "output")
    if not source_path.exists():
        raise DataError([Problem(source_path.name, "(file)", "an existing file", str(source_path))])
    if source_path.resolve() == target.resolve():
        raise UsageError(f"Got input and output {str(target)!r}; write the output to another file")
    rule = atlas.write_rule if atlas is not None else data_rule(data_dir)
    rule.reading(source_path).check(target, what="output")
    arrow()  # fail before reading anything
    source = SOURCES[in_format](
        source_path,
        lat_column=lat_column,
        lon_column=lon_column,
        chunk_rows=chunk_rows,
        delimiter=delimiter,
    )
    if atlas is None:
        atlas = load(data_dir)
        # its files are known now: a symlinked place file is checked where it leads
        atlas.write_rule.reading(source_path).check(target, what="output")
    enricher = Enricher(atlas, kind)
    threads = workers or min(os.cpu_count() or 1, MAX_WORKERS)
    with atomic_output(target) as tmp, output_file(tmp, target) as handle:
        writer = WRITERS[out_format](handle, source, enricher, raw_csv=raw_csv)
        try:
            read, written, invalid = stream(source, writer, enricher, on_invalid, progress, threads)
            writer.close()
        except BaseException:
            writer.discard()
            raise
    seconds = time.perf_counter() - started
    log.debug("enriched %d rows of %s into %s in %.1f s", read, source_path, target, seconds)
    return EnrichSummary(target, read, written, invalid, seconds)
