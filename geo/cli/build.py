"""The commands from data to maps: ``geo validate``, ``build``, ``print``, ``locate``, ``watch``,
``snapshot``.

Each is a thin layer over the Python API (:mod:`geo.atlas`, :mod:`geo.build`,
:mod:`geo.watch`, :mod:`geo.serve`, :mod:`geo.snapshot`), imported when the
command runs so that ``geo --help`` stays quick.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from geo.cli._common import (
    allow_missing_option,
    data_option,
    echo_json,
    errors_to_exit,
    imports_done,
    languages_option,
    note,
    output_option,
    problems_payload,
    report_format_option,
)
from geo.errors import DataError, UsageError, printable, printable_json

__all__ = ["build", "locate", "print_command", "snapshot", "validate", "watch"]

log = logging.getLogger("geo.cli")


@click.command()
@data_option
@report_format_option
@errors_to_exit
def validate(data_dir: str | None, fmt: str) -> None:
    """Check the data files and list every problem (exit 1 if any).

    \b
    Example:
      geo validate --data data/
      geo validate --format json
    """
    from geo.atlas import validate as run

    problems = run(data_dir)
    if fmt == "json":
        echo_json({"valid": not problems, "problems": problems_payload(problems)})
        if problems:
            sys.exit(1)
    if problems:
        raise DataError(problems)
    note("data is valid")


@click.command()
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
@allow_missing_option
@languages_option
@click.option(
    "--pdf", is_flag=True, help="Also write the printed atlas, atlas.pdf (see geo print)."
)
@report_format_option
@errors_to_exit
def build(
    data_dir: str | None,
    output_dir: str | None,
    force: bool,
    as_of: str | None,
    allow_missing: bool,
    lang: str | None,
    pdf: bool,
    fmt: str,
) -> None:
    """Validate, enrich and write the maps and places.geojson.

    Only the outputs whose bytes changed are rewritten (it says which, and
    counts the others); each file is replaced atomically.  With --lang en,fr
    the English maps are at the output's root and the French ones in fr/,
    each page linking to the other.

    The languages, by one rule: --lang > the languages the output folder was
    last built in with --lang > the data folder's geo.toml > en.  So a plain
    geo build after geo build --lang en,fr builds both again (and says so);
    the pages of a language no longer built are removed.  The messages are
    in the terminal's language ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG).

    \b
    Example:
      geo build --output output/
      geo build --lang fr
      geo build --lang en,fr
      geo build --as-of 2010-09-08 --output output/2010
      geo build --pdf
      geo build --format json
    """
    from geo.build import build as run

    imports_done()
    try:
        result = run(
            data_dir,
            output_dir,
            force=force,
            as_of=as_of,
            allow_missing=allow_missing,
            lang=lang,
            pdf=pdf,
        )
    except DataError as err:
        if fmt != "json":
            raise
        echo_json({"built": False, "problems": problems_payload(err.problems)})
        sys.exit(1)
    if fmt == "json":
        echo_json(
            {
                "built": True,
                "output_dir": str(result.output_dir),
                "places": result.places,
                "written": [str(p) for p in result.written],
                "unchanged": [str(p) for p in result.unchanged],
                "removed": [str(p) for p in result.removed],
                "languages": list(result.languages.codes) if result.languages else [],
            }
        )
    from geo.report import file_lines, languages_note, summary, words

    t = words()
    told = languages_note(result, t)
    for line in ([told] if told else []) + file_lines(result, t):
        log.info("%s", line)
    log.info("%s", summary(result, t))


_PAPERS = ("a4", "a3", "letter")


@click.command("print")
@data_option
@output_option
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="Print the network as it stood on that day.",
)
@click.option(
    "--paper",
    type=click.Choice(_PAPERS, case_sensitive=False),
    default="a4",
    show_default=True,
    help="Paper size.",
)
@click.option(
    "--base-url",
    "base_url",
    default=None,
    metavar="URL",
    help="Where the web maps are published: the QR codes then hold full addresses.",
)
@click.option("--force", is_flag=True, help="Rewrite the PDF even if its inputs did not change.")
@allow_missing_option
@languages_option
@errors_to_exit
def print_command(
    data_dir: str | None,
    output_dir: str | None,
    as_of: str | None,
    paper: str,
    base_url: str | None,
    force: bool,
    allow_missing: bool,
    lang: str | None,
) -> None:
    """Write the printed atlas: output/atlas.pdf (and output/fr/atlas.pdf in French).

    A cover with the world map, one spread per WCO region, one entry per
    place with a locator map and a QR code of its link in the web map, and
    an index; rewritten only when its inputs changed.  Needs
    pip install -e '.[print]'.

    \b
    Example:
      geo print
      geo print --lang en,fr --paper a3
      geo print --as-of 2010-09-08 --output output/2010
      geo print --base-url https://example.org/atlas/
    """
    from geo.build import print_atlas

    imports_done()
    result = print_atlas(
        data_dir,
        output_dir,
        as_of=as_of,
        paper=paper,
        lang=lang,
        base_url=base_url,
        force=force,
        allow_missing=allow_missing,
    )
    for path in result.unchanged:
        log.info("unchanged %s", path)


@click.command()
@data_option
@click.option("--lat", type=float, required=True, help="Latitude, degrees (WGS84).")
@click.option("--lon", type=float, required=True, help="Longitude, degrees (WGS84).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@errors_to_exit
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
        click.echo(printable_json(json.dumps(values, ensure_ascii=False, sort_keys=True)))
    elif loc.iso3 is None:
        click.echo(printable(f"{lat}, {lon}: at sea (no country within 25 km)"))
    else:
        region = (
            f"{loc.region} ({loc.region_name})" if loc.region else "no WCO region (not a Member)"
        )
        click.echo(printable(f"{lat}, {lon}: {loc.country} ({loc.iso3}), {region}"))


@click.command()
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
@allow_missing_option
@languages_option
@errors_to_exit
def watch(
    data_dir: str | None,
    output_dir: str | None,
    serve: bool,
    port: int,
    allow_missing: bool,
    lang: str | None,
) -> None:
    """Build, then rebuild whenever a data file is saved (Ctrl-C to stop).

    A burst of saves ends in one rebuild.  Invalid data keeps the last good
    maps and prints the problems (and, with --serve, shows them in the page).
    The languages follow the rule of geo build: --lang > the output folder's
    last --lang > geo.toml > en.

    \b
    Example:
      geo watch --serve --port 8000
      geo watch --lang en,fr
    """
    from geo.build import folders
    from geo.i18n import check_languages
    from geo.watch import watch as run

    imports_done()
    data, out = folders(data_dir, output_dir)
    langs = check_languages(lang) if lang is not None else None
    if not serve:
        run(data, out, allow_missing=allow_missing, lang=langs)
        return
    from geo.serve import LiveServer

    try:
        server = LiveServer(out, port)
    except OSError as err:
        raise UsageError(
            f"Got port={port}; cannot listen on 127.0.0.1:{port} ({err.strerror})"
        ) from err
    server.start()
    note(f"serving {out} at {server.url}")
    try:
        run(data, out, on_event=server.publish, allow_missing=allow_missing, lang=langs)
    finally:
        server.close()


@click.command()
@click.argument("map_file", type=click.Path(dir_okay=False, path_type=str))
@click.argument("png_file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--width", type=int, default=1280, show_default=True, help="Viewport width, CSS px.")
@click.option("--height", type=int, default=800, show_default=True, help="Viewport height, CSS px.")
@errors_to_exit
def snapshot(map_file: str, png_file: str, width: int, height: int) -> None:
    """Save a PNG of a generated map (headless Chromium, no network).

    \b
    Example:
      geo snapshot output/regions/eur.html eur.png --width 1600 --height 900
    """
    from geo.snapshot import snapshot as run

    path = run(map_file, png_file, width=width, height=height)
    note(f"wrote {path}")
