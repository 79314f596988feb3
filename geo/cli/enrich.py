"""``geo enrich``: country, WCO region and nearest place for a file of points.

A thin layer over :func:`geo.points.enrich_file`: it parses arguments, draws a
progress bar on stderr (``--silent`` turns it off) and prints a summary there;
the data goes to the OUTPUT file.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

import click

from geo.cli._common import data_option, errors_to_exit, imports_done, is_quiet, say
from geo.errors import UsageError
from geo.schema import KINDS

__all__ = ["ProgressBar", "enrich"]


class ProgressBar:
    """A one-line progress bar on a terminal stream: tqdm's, by the share of the input read.

    The bar counts thousandths of the input (its bytes for CSV, its rows or files
    otherwise), so that a file read in chunks fills it evenly; the rows read and the
    rate follow it.  It is drawn once per update (a chunk of rows, or a file on Dask).
    Nothing is drawn, and tqdm is not imported, when the stream is not a terminal.

    Parameters
    ----------
    stream : file
        Where to draw (stderr).
    label : str
        Text before the bar.
    """

    STEPS = 1000  # the bar's total: thousandths of the input

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.started = time.perf_counter()
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.bar: Any = None

    def update(self, progress: Any) -> None:
        """Move the bar to a :class:`geo.points.Progress`."""
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm  # only when a bar is drawn

            self.bar = tqdm(
                total=self.STEPS,
                desc=self.label,
                file=self.stream,
                bar_format="{desc} |{bar:30}| {percentage:3.0f}%{postfix}",  # postfix: ", rows"
                dynamic_ncols=True,
            )
        if progress.fraction is not None:
            self.bar.n = round(progress.fraction * self.STEPS)
        # one redraw, with the bar moved and the rows after it
        self.bar.set_postfix_str(self.rows(progress.rows, time.perf_counter() - self.started))

    @staticmethod
    def rows(rows: int, seconds: float) -> str:
        """The rows read and their rate, as the bar writes them after it."""
        rate = rows / seconds if seconds > 0 else 0.0
        return f"{rows:,} rows ({rate:,.0f} rows/s)"

    def close(self) -> None:
        """End the line the bar was drawn on."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=str))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(dir_okay=True, path_type=str))
@data_option
@click.option(
    "--kind",
    type=click.Choice(KINDS, case_sensitive=False),
    default=None,
    help="Nearest place of this kind only (default: any place).",
)
@click.option(
    "--lat-column",
    default=None,
    help="Latitude column (default: lat, latitude or y, any case).",
)
@click.option(
    "--lon-column",
    default=None,
    help="Longitude column (default: lon, lng, long, longitude or x, any case).",
)
@click.option(
    "--on-invalid",
    type=click.Choice(["raise", "skip", "null"]),
    default="raise",
    show_default=True,
    help="Rows with missing, non-numeric or out-of-range coordinates: fail "
    "(listing them), drop them, or keep them with empty added columns.",
)
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=1),
    default=250_000,
    show_default=True,
    help="Rows read, enriched and written at a time (bounds memory).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help=(
        "dask: (Geo)Parquet files or folders, paths or fsspec URLs (s3://, gs://, "
        "file://), one task per input file (pip install 'wco-atlas[dask]')."
    ),
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="With --engine dask: a Dask scheduler to connect to (default: Dask's local threads).",
)
@click.option(
    "--delimiter",
    default=None,
    metavar="CHAR",
    help="What separates the cells of a CSV input: ',', ';', tab, ... (default: sniffed "
    "from the first lines). A CSV output uses the input's.",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV output: write cells as they are, without the leading ' that keeps a "
    "spreadsheet from running text such as =SUM(...) as a formula.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Threads enriching at once (default: the number of CPUs, at most 8).",
)
@click.option("--silent", is_flag=True, help="No progress bar and no summary on stderr.")
@errors_to_exit
def enrich(
    input_path: str,
    output_path: str,
    data_dir: str | None,
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: str,
    chunk_rows: int,
    engine: str,
    scheduler: str | None,
    delimiter: str | None,
    raw_csv: bool,
    workers: int | None,
    silent: bool,
) -> None:
    """Add country, WCO region and nearest office or border post to a file of points.

    INPUT is a CSV file with latitude and longitude columns, a GeoJSON
    FeatureCollection of Points, or GeoParquet (a file or a folder);
    OUTPUT's extension (.csv, .geojson, .parquet) sets its format.  Added
    columns: iso3, country, region, region_name, member, located_by,
    country_distance_km, nearest_id, nearest_kind, nearest_name,
    nearest_km (geodesic, WGS84).  The output appears only once complete.
    CSV cells that a spreadsheet would run as formulas (=, +, -, @...) get a
    leading ' unless --raw-csv.  INPUT or OUTPUT - reads CSV from stdin or
    writes it to stdout (once complete).  With --engine dask, INPUT and
    OUTPUT may be fsspec URLs (s3://bucket/parts, gs://..., file://...).

    \b
    Example:
      geo enrich shipments.csv shipments_enriched.parquet
      geo enrich points.csv out.csv --lat-column Y_WGS84 --lon-column X_WGS84
      geo enrich export.csv out.csv --delimiter ';'
      geo enrich points.geojson out.geojson --kind border_post --on-invalid skip
      cat points.csv | geo enrich - - > out.csv
      geo enrich parts/ enriched/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from geo.points import enrich_file

    imports_done()
    if scheduler is not None and engine != "dask":
        raise UsageError(f"Got --scheduler {scheduler!r}; --scheduler needs --engine dask")
    silent = silent or is_quiet()
    if "-" in (input_path, output_path) and engine == "dask":
        raise UsageError("- (stdin or stdout) is CSV; --engine dask reads and writes GeoParquet")
    bar = None if silent else ProgressBar(sys.stderr, "enriching")
    client = _connect(scheduler) if scheduler else None
    streams = contextlib.ExitStack()
    shown = "stdout" if output_path == "-" else None
    try:
        input_path, output_path = _through_files(streams, input_path, output_path)
        summary = enrich_file(
            input_path,
            output_path,
            kind=kind.lower() if kind else None,
            lat_column=lat_column,
            lon_column=lon_column,
            on_invalid=on_invalid,  # type: ignore[arg-type]
            chunk_rows=chunk_rows,
            engine=engine,  # type: ignore[arg-type]
            progress=bar.update if bar else None,
            data_dir=data_dir,
            delimiter=delimiter,
            raw_csv=raw_csv,
            workers=workers,
        )
        streams.close()  # - as OUTPUT: the enriched CSV goes to stdout now, complete
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
        streams.close()
    if not silent:
        skipped = summary.rows_read - summary.rows_written
        note = f", {summary.rows_invalid:,} invalid" if summary.rows_invalid else ""
        note += f" ({skipped:,} skipped)" if skipped else ""
        say(
            f"enriched {summary.rows_read:,} rows{note} into {shown or summary.output} "
            f"in {summary.seconds:.1f} s"
        )


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ModuleNotFoundError as err:
        raise UsageError("--scheduler needs distributed: pip install 'wco-atlas[dask]'") from err
    try:
        return Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except OSError as err:
        raise UsageError(f"Got --scheduler {address!r}; cannot connect ({err})") from err


def _through_files(streams: contextlib.ExitStack, source: str, target: str) -> tuple[str, str]:
    """``-`` as INPUT or OUTPUT: CSV from stdin or to stdout, through a private temporary folder.

    stdin is copied to a file first (the reader sniffs and streams a file);
    the output is written to a file and copied to stdout once complete, so a
    failure writes nothing to stdout.
    """
    if "-" not in (source, target):
        return source, target
    folder = Path(streams.enter_context(tempfile.TemporaryDirectory(prefix="geo-enrich-")))
    if source == "-":
        source = str(folder / "stdin.csv")
        with open(source, "wb") as spool:
            shutil.copyfileobj(sys.stdin.buffer, spool)
    if target == "-":
        target = str(folder / "stdout.csv")
        written = Path(target)

        def copy_out() -> None:
            if written.is_file():
                with written.open("rb") as result:
                    shutil.copyfileobj(result, sys.stdout.buffer)
                sys.stdout.buffer.flush()
                written.unlink()

        streams.callback(copy_out)
    return source, target
