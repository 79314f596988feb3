"""Enrich a file of points: read, enrich and write chunk by chunk, into an atomic output.

:func:`enrich_file` checks its arguments, picks the source for the input's
format (:mod:`geo.points.sources`) and the writer for the output's
(:mod:`geo.points.writers`), and streams the chunks through
:class:`geo.points.enrich.Enricher`; ``engine='dask'`` hands a GeoParquet
input to :mod:`geo.points.dask` instead.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo.atlas import Atlas, load
from geo.errors import DataError, InvalidPointsError, Problem, UsageError
from geo.points.csvio import check_delimiter
from geo.points.dask import enrich_dask
from geo.points.enrich import ON_INVALID, Enricher, OnInvalid, check_choice
from geo.points.geoparquet import arrow
from geo.points.rows import Chunk, Coordinates, merge_problems
from geo.points.sources import SOURCES, FileSource, format_of
from geo.points.writers import WRITERS, Writer, atomic_output, output_file
from geo.targets import data_rule

__all__ = ["CHUNK_ROWS", "ENGINES", "EnrichSummary", "Progress", "enrich_file"]

log = logging.getLogger(__name__)

#: Default number of rows read, enriched and written at a time.
CHUNK_ROWS = 250_000
#: Where the work runs: in this process, or on the current Dask scheduler.
ENGINES: tuple[str, ...] = ("local", "dask")


@dataclass(frozen=True)
class Progress:
    """How far :func:`enrich_file` has got, passed to its ``progress`` callback after each chunk.

    Attributes
    ----------
    rows : int
        Input rows read so far.
    fraction : float or None
        Share of the input read, 0 to 1 (by bytes for CSV, by rows otherwise),
        ``None`` when unknown.
    """

    rows: int
    fraction: float | None


@dataclass(frozen=True)
class EnrichSummary:
    """What :func:`enrich_file` did.

    Attributes
    ----------
    output : pathlib.Path
        The file (or, for ``engine='dask'``, the folder) written.
    rows_read, rows_written : int
        Input rows, and rows in the output.
    rows_invalid : int
        Rows with invalid coordinates (skipped with ``on_invalid='skip'``,
        kept with empty enrichment columns with ``on_invalid='null'``).
    seconds : float
        Wall-clock time.
    """

    output: Path
    rows_read: int
    rows_written: int
    rows_invalid: int
    seconds: float


def local_path(path: str | os.PathLike[str]) -> Path:
    """A path, or a ``file://`` URL (RFC 8089) of the local file system, as a path.

    Raises
    ------
    UsageError
        For a URL of another scheme (``s3://``...), which geo does not read yet.
    """
    text = os.fspath(path)
    if "://" not in text:
        return Path(text)
    parsed = urllib.parse.urlparse(text)
    if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
        return Path(urllib.request.url2pathname(parsed.path))
    msg = (
        f"Got {text!r}; geo reads and writes local paths and file:// URLs, not "
        f"{parsed.scheme}:// (copy the files to a local folder first)"
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
    input : path
        ``.csv`` (UTF-8, a header row; columns kept as text; cells separated
        by ``delimiter``), ``.geojson`` (a FeatureCollection of Points; read
        whole), ``.parquet`` (GeoParquet with a Point geometry, or Parquet
        with latitude and longitude columns) or a folder of ``.parquet``
        files (partitioned GeoParquet).  Coordinates are EPSG:4326 degrees.
    output : path
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
        ``'dask'`` reads GeoParquet with dask-geopandas and enriches the
        partitions on the current Dask scheduler (a ``distributed.Client``
        if one is active), writing one output file per partition.  Install
        with ``pip install 'wco-atlas[dask]'``.
    progress : callable, optional
        Called with a :class:`Progress` after each chunk (local engine).
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
    source_path, target = local_path(input), local_path(output)
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
    in_format = format_of(source_path, "input")
    if engine == "dask" and (target.suffix == "" or target.is_dir()):
        out_format = "parquet"  # a folder of partitioned GeoParquet, as the Dask engine writes
    else:
        out_format = format_of(target, "output")
    if not source_path.exists():
        raise DataError([Problem(source_path.name, "(file)", "an existing file", str(source_path))])
    if source_path.resolve() == target.resolve():
        raise UsageError(f"Got input and output {str(target)!r}; write the output to another file")
    rule = atlas.write_rule if atlas is not None else data_rule(data_dir)
    rule.reading(source_path).check(target, what="output")
    if engine == "dask":
        if in_format != "parquet" or out_format != "parquet":
            msg = (
                f"Got engine='dask' with input {source_path.name!r} and output {target.name!r}; "
                "engine='dask' reads and writes GeoParquet (.parquet files or folders)"
            )
            raise UsageError(msg)
        if atlas is not None:
            msg = "Got engine='dask' and an atlas; workers load their own: pass data_dir instead"
            raise UsageError(msg)
        read, written, invalid = enrich_dask(
            source_path,
            target,
            kind=kind,
            lat_column=lat_column,
            lon_column=lon_column,
            on_invalid=on_invalid,
            data_dir=data_dir,
        )
    else:
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
                read, written, invalid = _stream(
                    source, writer, enricher, on_invalid, progress, threads
                )
                writer.close()
            except BaseException:
                writer.discard()
                raise
    seconds = time.perf_counter() - started
    how = " with dask" if engine == "dask" else ""
    log.debug("enriched %d rows of %s into %s%s in %.1f s", read, source_path, target, how, seconds)
    return EnrichSummary(target, read, written, invalid, seconds)


def _stream(
    source: FileSource,
    writer: Writer,
    enricher: Enricher,
    on_invalid: OnInvalid,
    progress: Callable[[Progress], None] | None,
    workers: int,
) -> tuple[int, int, int]:
    """Read, enrich and write chunk by chunk; returns rows read, written and invalid.

    Each chunk is cut into batches of at most :data:`BATCH_ROWS` rows that
    ``workers`` threads enrich and render at once (GEOS, the tree query,
    pyproj and pyarrow release the GIL), while this thread reads ahead and
    writes the results in the order of the input; at most ``2 * workers``
    batches wait, so memory does not grow with the input.  With
    ``on_invalid='raise'``, once a row fails the rest is only checked, so that
    the error counts every invalid row.
    """
    read = written = invalid = 0
    problems: list[Problem] = []
    pending: deque[tuple[Future[Any], Progress | None]] = deque()
    warm = False

    def drain(limit: int) -> None:
        while len(pending) > limit:
            future, done = pending.popleft()
            rendered = future.result()
            if rendered is not None:
                writer.put(rendered)
            if done is not None and progress is not None:
                progress(done)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="geo-enrich")
    try:
        for chunk in source.chunks():
            coords = chunk.coords
            read += len(coords.lon)
            invalid += coords.invalid_count
            if coords.problems and on_invalid == "raise":
                if not problems:
                    drain(0)
                problems = merge_problems(problems, coords.problems)
            done = Progress(read, chunk.fraction)
            if problems:
                if progress is not None:
                    progress(done)
                continue
            keep = coords.valid if on_invalid == "skip" else np.ones(len(coords.lon), bool)
            bounds = _batches(len(coords.lon))
            for i, (start, stop) in enumerate(bounds):
                future = pool.submit(_render, writer, enricher, chunk, start, stop, keep)
                pending.append((future, done if i == len(bounds) - 1 else None))
                if not warm:  # while the threads locate the first batches
                    enricher.warm(stop - start)
                    warm = True
                drain(2 * workers)
            if not bounds:  # no rows: nothing to write, still a chunk read
                nothing: Future[Any] = Future()
                nothing.set_result(None)
                pending.append((nothing, done))
            written += int(keep.sum())
        drain(0)
    except BaseException:
        for future, _ in pending:
            future.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if problems:
        raise InvalidPointsError(source.label, problems, invalid)
    return read, written, invalid


#: Most rows a thread enriches at a time.
BATCH_ROWS = 65536
#: Most threads by default.
MAX_WORKERS = 8


def _batches(n: int) -> list[tuple[int, int]]:
    """Row ranges of at most :data:`BATCH_ROWS` rows, of about equal sizes, covering ``0..n``."""
    if n == 0:
        return []
    count = -(-n // BATCH_ROWS)
    edges = np.linspace(0, n, count + 1).round().astype(int).tolist()
    return list(itertools.pairwise(edges))


def _render(
    writer: Writer, enricher: Enricher, chunk: Chunk, start: int, stop: int, keep: np.ndarray
) -> Any:
    """The rows ``start:stop`` of a chunk, enriched and rendered for the writer (in a thread)."""
    coords = chunk.coords
    part = Coordinates(
        coords.lon[start:stop], coords.lat[start:stop], coords.valid[start:stop], [], 0
    )
    found = enricher.find(part.lon, part.lat, part.valid)
    return writer.render(_rows(chunk.data, start, stop), part, found, keep[start:stop])


def _rows(data: Any, start: int, stop: int) -> Any:
    """The rows ``start:stop`` of a frame or a pyarrow Table."""
    if isinstance(data, pd.DataFrame):
        return data.iloc[start:stop]
    return data.slice(start, stop - start)
