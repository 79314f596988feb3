"""``geo export``: the enriched places as GeoPackage, FlatGeobuf, KML, GeoJSON or CSV."""

from __future__ import annotations

import logging
import sys

import click

from geo.cli._common import data_option, errors_to_exit, imports_done
from geo.errors import UsageError

__all__ = ["export"]

log = logging.getLogger("geo.cli")

#: Formats that can go to stdout (``-``): text.
_STREAMED = ("geojson", "csv")


@click.command()
@data_option
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["gpkg", "fgb", "kml", "geojson", "csv"]),
    default=None,
    help="The file's format (default: from OUTPUT's ending: .gpkg, .fgb, .kml, .geojson, .csv).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="The places as the network stood on that day.",
)
@errors_to_exit
def export(data_dir: str | None, output: str, fmt: str | None, as_of: str | None) -> None:
    """Write the enriched places to OUTPUT for GIS tools (QGIS, Google Earth...).

    Nested values (a place's history, seats, modes) are JSON text in CSV,
    GeoPackage, FlatGeobuf and KML.  OUTPUT - writes GeoJSON or CSV to stdout.

    \b
    Example:
      geo export places.gpkg
      geo export places.kml
      geo export - --format csv > places.csv
    """
    from geo.atlas import load
    from geo.export import format_of, places_csv, places_geojson, write_places

    if output == "-":
        if fmt not in _STREAMED:
            msg = "OUTPUT - (stdout) needs --format geojson or --format csv"
            raise UsageError(msg)
        chosen = fmt
    else:
        chosen = format_of(output, fmt)
    imports_done()
    atlas = load(data_dir, as_of=as_of)
    places = atlas.places
    if output == "-":
        text = places_geojson(places) if chosen == "geojson" else places_csv(places)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    logging.getLogger("pyogrio").setLevel(logging.WARNING)  # its "Created N records"
    target = atlas.write_rule.check(output, what="OUTPUT")  # never into the data (geo.targets)
    write_places(places, target, chosen)
    log.info("wrote %d places to %s (%s)", len(places), output, chosen)
