"""The ``geo`` command: a thin layer over the Python API.

Data goes to stdout, messages to stderr; a user's mistake gives a message
and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from geo.errors import DataError, GeoError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["main"]

log = logging.getLogger("geo.cli")


def _errors_to_exit(func: F) -> F:
    """Turn library errors into a message on stderr and an exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)
        except UsageError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)
        except GeoError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Data folder of *.geojson place files (default: the project's data/ or $GEO_DATA).",
)


output_option = click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=str),
    default="output",
    show_default=True,
    help="Folder to write the maps and places.geojson into.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--quiet", "-q", is_flag=True, help="Print only errors on stderr.")
@click.version_option(package_name="geo")
def cli(quiet: bool) -> None:
    """An atlas of the WCO capacity-building network and the border posts it serves.

    \b
    Example:
      geo validate && geo build
    """
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr
    )


@cli.command()
@data_option
@_errors_to_exit
def validate(data_dir: str | None) -> None:
    """Check the data files and list every problem (exit 1 if any).

    \b
    Example:
      geo validate --data data/
    """
    from geo.atlas import validate as run

    problems = run(data_dir)
    if problems:
        raise DataError(problems)
    click.echo("data is valid", err=True)


@cli.command()
@data_option
@output_option
@click.option("--force", is_flag=True, help="Rewrite every output, changed or not.")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="Build the maps as the network stood on that day.",
)
@_errors_to_exit
def build(data_dir: str | None, output_dir: str, force: bool, as_of: str | None) -> None:
    """Validate, enrich and write the maps and places.geojson.

    Only the outputs whose inputs changed are rewritten; each file is
    replaced atomically.

    \b
    Example:
      geo build --output output/
      geo build --as-of 2010-09-08 --output output/2010
    """
    from geo.build import build as run

    result = run(data_dir, output_dir, force=force, as_of=as_of)
    log.info(
        "built %d files (%d unchanged) for %d places in %s",
        len(result.written),
        len(result.unchanged),
        result.places,
        output_dir,
    )


@cli.command()
@data_option
@click.option("--lat", type=float, required=True, help="Latitude, degrees (WGS84).")
@click.option("--lon", type=float, required=True, help="Longitude, degrees (WGS84).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_errors_to_exit
def locate(data_dir: str | None, lat: float, lon: float, fmt: str) -> None:
    """Country and WCO region of a point.

    \b
    Example:
      geo locate --lat 40.41 --lon 49.87
    """
    from dataclasses import asdict

    from geo.atlas import load

    loc = load(data_dir).locate(lat=lat, lon=lon)
    if fmt == "json":
        values = {k: (None if v != v else v) for k, v in asdict(loc).items()}
        click.echo(json.dumps(values, ensure_ascii=False, sort_keys=True))
    elif loc.iso3 is None:
        click.echo(f"{lat}, {lon}: at sea (no country within 25 km)")
    else:
        region = (
            f"{loc.region} ({loc.region_name})" if loc.region else "no WCO region (not a Member)"
        )
        click.echo(f"{lat}, {lon}: {loc.country} ({loc.iso3}), {region}")


@cli.command()
@data_option
@output_option
@click.option("--serve", is_flag=True, help="Also serve the output on 127.0.0.1 with live reload.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port for --serve (0 picks a free one).",
)
@_errors_to_exit
def watch(data_dir: str | None, output_dir: str, serve: bool, port: int) -> None:
    """Build, then rebuild whenever a data file is saved (Ctrl-C to stop).

    A burst of saves ends in one rebuild.  Invalid data keeps the last good
    maps and prints the problems (and, with --serve, shows them in the page).

    \b
    Example:
      geo watch --serve --port 8000
    """
    from pathlib import Path

    from geo.watch import watch as run

    if not serve:
        run(data_dir, output_dir)
        return
    from geo.serve import LiveServer

    try:
        server = LiveServer(Path(output_dir), port)
    except OSError as err:
        raise UsageError(
            f"Got port={port}; cannot listen on 127.0.0.1:{port} ({err.strerror})"
        ) from err
    server.start()
    click.echo(f"serving {output_dir} at {server.url}", err=True)
    try:
        run(data_dir, output_dir, on_event=server.publish)
    finally:
        server.close()


@cli.command()
@click.argument("map_file", type=click.Path(dir_okay=False, path_type=str))
@click.argument("png_file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--width", type=int, default=1280, show_default=True, help="Viewport width, CSS px.")
@click.option("--height", type=int, default=800, show_default=True, help="Viewport height, CSS px.")
@_errors_to_exit
def snapshot(map_file: str, png_file: str, width: int, height: int) -> None:
    """Save a PNG of a generated map (headless Chromium, no network).

    \b
    Example:
      geo snapshot output/regions/eur.html eur.png --width 1600 --height 900
    """
    from geo.snapshot import snapshot as run

    path = run(map_file, png_file, width=width, height=height)
    click.echo(f"wrote {path}", err=True)


def _register_extensions() -> None:
    # Command groups defined in their own modules (each a thin layer over the API).
    import importlib

    for name in ("geo.cli_query", "geo.cli_edit", "geo.cli_enrich"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        module.register(cli)


_register_extensions()


def main() -> None:
    """Entry point of the ``geo`` console script."""
    cli()
