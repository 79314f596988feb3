"""The ``geo query`` commands: a thin layer over :mod:`geo.query`.

Results go to stdout as a table (default) or as JSON, GeoJSON or CSV;
counts and notes go to stderr.  ``--map FILE`` also writes the result as a
self-contained HTML map.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from geo.cli._common import data_option, errors_to_exit, imports_done, note
from geo.errors import printable, printable_json

if TYPE_CHECKING:
    import geopandas as gpd

    from geo.atlas import Atlas
    from geo.i18n import Translator

#: A query map's title in the map's language.
Title = Callable[["Translator"], str]

__all__ = ["QUERY_COMMANDS", "QueryCommand", "check_stale", "places_output_options", "query"]

#: Formats of a query that returns places.
FORMATS = ("table", "json", "geojson", "csv")
#: Decimals of ``distance_km`` in CLI outputs (1 m).
_KM_DECIMALS = 3
_NAME_WIDTH = 48

_kind_option = click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="Only places of this kind: hq, rocb, rtc, rilo or border_post.",
)
_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output on stdout: a readable table, or json, geojson or csv for machines.",
)
_raw_csv_option = click.option(
    "--raw-csv",
    is_flag=True,
    help="With --format csv: write cells as they are, without the leading ' that keeps a "
    "spreadsheet from running text such as =SUM(...) as a formula.",
)
_as_of_option = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM-DD",
    help="Ask the atlas as it stood on that day (YYYY or YYYY-MM for their first day).",
)
_map_option = click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
    default=None,
    metavar="FILE",
    help="Also write the result as a self-contained HTML map to FILE (-: to stdout, "
    "instead of the table).",
)
_lang_option = click.option(
    "--lang",
    "lang",
    default=None,
    metavar="LANG",
    help="The language of the --map: en or fr (default en).",
)


def places_output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The output options of a query that returns places: --format, --raw-csv, --map, --lang."""
    for option in (_lang_option, _map_option, _raw_csv_option, _format_option):
        command = option(command)
    return command


_lat_option = click.option(
    "--lat", type=float, required=True, help="Latitude, degrees in [-90, 90] (WGS84)."
)
_lon_option = click.option(
    "--lon", type=float, required=True, help="Longitude, degrees in [-180, 180] (WGS84)."
)

_k_option = click.option(
    "--k", "k", type=int, default=1, show_default=True, help="How many places."
)
_km_option = click.option("--km", type=float, required=True, help="Radius, geodesic km (>= 0).")

#: A click decorator: an argument or an option of a command.
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@click.group("query")
def query() -> None:
    """Ask the atlas: nearest places, places within a distance, by region or country.

    Distances are geodesic on the WGS84 ellipsoid, in km.

    \b
    Example:
      geo query nearest --lat 41.64 --lon 48.43 --k 3 --kind rocb
    """


# --------------------------------------------------------------------------- the queries


@dataclass(frozen=True)
class QueryCommand:
    """One ``geo query`` command that answers with places: a row of :data:`QUERY_COMMANDS`.

    Every such command takes ``--data`` and ``--as-of``, its own arguments,
    and the output options of :func:`places_output_options`; it asks the atlas
    (:meth:`ask`) and prints the answer, and ``--map`` draws it as
    :meth:`geo.Atlas.to_map` does, titled and marked by the question the
    answer carries (:mod:`geo.question`).  So a command is written once, here,
    and its map is the notebook's.

    Attributes
    ----------
    name : str
        The command's name (``geo query NAME``).
    ask : callable
        ``ask(atlas, **arguments)``: the answer, from the :class:`geo.Atlas`
        method of the same question.
    arguments : tuple of click decorators
        The command's own arguments and options, in the order of ``--help``.
    help : str
        The command's help text, with an example.
    """

    name: str
    ask: Callable[..., gpd.GeoDataFrame]
    arguments: tuple[Decorator, ...]
    help: str


#: The ``geo query`` commands that answer with places, one row each.
QUERY_COMMANDS: tuple[QueryCommand, ...] = (
    QueryCommand(
        "nearest",
        lambda atlas, lat, lon, k, kind: atlas.nearest(lat=lat, lon=lon, k=k, kind=kind),
        (
            _lat_option,
            _lon_option,
            _k_option,
            _kind_option,
        ),
        """The K places nearest to a point, nearest first.

    \b
    Example:
      geo query nearest --lat 41.64 --lon 48.43 --k 3 --kind rocb
    """,
    ),
    QueryCommand(
        "within",
        lambda atlas, lat, lon, km, kind: atlas.within(lat=lat, lon=lon, km=km, kind=kind),
        (
            _lat_option,
            _lon_option,
            _km_option,
            _kind_option,
        ),
        """Places within KM kilometres of a point, nearest first.

    \b
    Example:
      geo query within --lat 41.64 --lon 48.43 --km 300 --kind border_post
    """,
    ),
    QueryCommand(
        "region",
        lambda atlas, region, kind: atlas.in_region(region, kind=kind),
        (click.argument("region"), _kind_option),
        """Places of a WCO region, by code (EUR, AP, AC, ESA, WCA, MENA) or name.

    Border posts count in the region of each of their two sides.

    \b
    Example:
      geo query region EUR --kind rtc
      geo query region "Asia/Pacific"
    """,
    ),
    QueryCommand(
        "country",
        lambda atlas, country, kind: atlas.in_country(country, kind=kind),
        (click.argument("country"), _kind_option),
        """Places in a country, by ISO3 code or name (border posts count for both sides).

    \b
    Example:
      geo query country AZE
      geo query country "Azerbaijan" --kind border_post --format csv
    """,
    ),
    QueryCommand(
        "between",
        lambda atlas, country_a, country_b: atlas.crossings_between(country_a, country_b),
        (click.argument("country_a"), click.argument("country_b")),
        """Border posts joining two countries (ISO3 codes or names, either order).

    \b
    Example:
      geo query between AZE RUS
    """,
    ),
)


def _places_command(spec: QueryCommand) -> click.Command:
    """The click command of ``spec``: its arguments, then the shared options, then the run."""

    def run(
        data_dir: str | None,
        as_of: str | None,
        fmt: str,
        raw_csv: bool,
        map_path: str | None,
        lang: str | None,
        **arguments: Any,
    ) -> None:
        atlas = _load(data_dir, as_of, lang=lang, map_path=map_path)
        _emit(atlas, spec.ask(atlas, **arguments), fmt, map_path, raw_csv=raw_csv, lang=lang)

    run.__name__ = spec.name
    run.__doc__ = spec.help
    command: Callable[..., Any] = errors_to_exit(run)
    command = places_output_options(command)
    decorators: list[Decorator] = [data_option, _as_of_option, *spec.arguments]
    for decorate in reversed(decorators):
        command = decorate(command)
    return click.command(spec.name)(command)


for _spec in QUERY_COMMANDS:
    query.add_command(_places_command(_spec))


@query.command("distance")
@data_option
@_as_of_option
@click.argument("id_a")
@click.argument("id_b")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output on stdout: a readable line, or json or csv for machines.",
)
@_map_option
@_lang_option
@errors_to_exit
def distance(
    data_dir: str | None,
    as_of: str | None,
    id_a: str,
    id_b: str,
    fmt: str,
    map_path: str | None,
    lang: str | None,
) -> None:
    """Geodesic distance (WGS84, km) between two places, by id.

    \b
    Example:
      geo query distance rocb-europe samur
    """
    atlas = _load(data_dir, as_of, lang=lang, map_path=map_path)
    km = atlas.distance_km(id_a, id_b)
    click.echo(_distance_text(atlas, id_a, id_b, km, fmt), nl=False)
    if map_path is not None:
        ids = atlas.places["id"]
        pair = atlas.places[(ids == id_a) | (ids == id_b)]

        def title(t: Translator) -> str:
            from geo.render import place_names

            names = dict(zip(pair["id"], place_names(pair, t.lang), strict=True))
            length = t("units.km", km=t.number(km, decimals=1))
            return t("title.distance", a=names[id_a], b=names[id_b], km=length)

        _write_map(atlas, pair, map_path, title=title, lang=lang)


# --------------------------------------------------------------------------- output


@click.command("check-stale")
@data_option
@click.option(
    "--older-than",
    "older_than",
    default="12m",
    show_default=True,
    metavar="AGE",
    help="Due when checked_on is older than this: a number and d, w, m or y (90d, 12m, 2y).",
)
@_kind_option
@_format_option
@_raw_csv_option
@errors_to_exit
def check_stale(
    data_dir: str | None, older_than: str, kind: str | None, fmt: str, raw_csv: bool
) -> None:
    """Places due a new check: no checked_on, or one older than --older-than.

    checked_on is the day a place's facts were last checked against its source.

    \b
    Example:
      geo check-stale --older-than 12m
      geo check-stale --older-than 90d --kind border_post --format csv
    """
    from geo.query import parse_age

    parse_age(older_than)  # a mistyped age is refused before the data is read
    atlas = _load(data_dir, None, lang=None, map_path=None)
    result = atlas.stale(older_than, kind=kind)
    if fmt != "table":
        _emit(atlas, result, fmt, None, raw_csv=raw_csv)
        return
    lines = [["id", "kind", "checked_on", "name"]]
    for rec in result.to_dict("records"):
        checked = _cell(rec.get("checked_on")) or "never"
        name = _shorten(_cell(rec.get("name")), _NAME_WIDTH)
        lines.append([_cell(rec.get("id")), _cell(rec.get("kind")), checked, name])
    if len(lines) > 1:
        widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
        for row in lines:
            click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    count = len(result)
    note(
        f"{count} place{'s' if count != 1 else ''} due a check (checked_on missing or older than "
        f"{older_than.strip()})"
    )


def _load(
    data_dir: str | None, as_of: str | None, *, lang: str | None, map_path: str | None
) -> Atlas:
    """The atlas a query asks, after its ``--lang`` is checked (see :func:`_check_lang`).

    A ``--map`` inside the data folder or over a data file is refused here
    (:mod:`geo.targets`), before the query runs.
    """
    _check_lang(lang, map_path)
    # geo.atlas pulls in geopandas: imported when a query runs, not for `geo --help`.
    from geo.atlas import load

    imports_done()
    atlas = load(data_dir, as_of=as_of)
    if map_path is not None:  # refused before the query runs and prints anything
        atlas.write_rule.check(map_path, what="--map")
    return atlas


def _emit(
    atlas: Atlas,
    result: gpd.GeoDataFrame,
    fmt: str,
    map_path: str | None,
    *,
    raw_csv: bool,
    lang: str | None = None,
) -> None:
    """Print ``result`` on stdout in ``fmt``, its count on stderr, and write the map if asked.

    The map, in ``lang``, is the one :meth:`geo.Atlas.to_map` draws of a
    query's answer: its title and its marks (point, circle, lines) come from
    the question the answer carries (:class:`geo.question.Question`).
    """
    from geo.errors import UsageError
    from geo.export import places_csv, places_geojson, records

    if map_path == "-" and fmt != "table":
        msg = f"Got --map - and --format {fmt}: both would go to stdout; give --map FILE"
        raise UsageError(msg)
    answer = result  # for the map: the query's own answer, its question and distances whole
    result = result.copy()
    if "distance_km" in result.columns:
        result["distance_km"] = result["distance_km"].round(_KM_DECIMALS)
    if map_path == "-":
        pass  # the map goes to stdout
    elif fmt == "table":
        if len(result):
            click.echo(_table(result))
    elif fmt == "json":
        text = json.dumps(records(result), ensure_ascii=False, allow_nan=False, indent=2)
        click.echo(printable_json(text))
    elif fmt == "geojson":
        click.echo(printable_json(places_geojson(result)), nl=False)
    else:
        # color=True: click would strip what looks like a colour code from the data when
        # stdout is not a terminal; CSV on stdout is the data, exactly
        click.echo(places_csv(result, raw=raw_csv), nl=False, color=True)
    count = len(result)
    note(f"{count} place{'s' if count != 1 else ''}")
    if map_path is not None:
        _write_map(atlas, answer, map_path, lang=lang)


def _write_map(
    atlas: Atlas,
    places: gpd.GeoDataFrame,
    path: str,
    *,
    title: Title | None = None,
    lang: str | None = None,
) -> None:
    """Write the map of ``places`` in ``lang``, as :meth:`geo.Atlas.to_map` draws it; with
    ``title`` (for a pair of places, not a query's answer), that title and the as-of day."""
    from geo.i18n import DEFAULT_LANGUAGE, translator
    from geo.render import write_map  # heavy: only when asked

    t = translator(lang or DEFAULT_LANGUAGE)
    text = None
    if title is not None:
        text = title(t)
        if atlas.as_of:
            text = t("title.query_as_of", title=text, date=t.date(atlas.as_of))
    m = atlas.to_map(places, title=text, lang=t.lang)
    if path == "-":
        from geo.render import to_html

        click.echo(to_html(m), nl=False)
        return
    write_map(m, path)
    note(f"wrote map to {path}")


def _check_lang(lang: str | None, map_path: str | None) -> None:
    """``--lang`` is the language of the map: refused without ``--map``, checked before work."""
    from geo.errors import UsageError
    from geo.i18n import check_language

    if lang is None:
        return
    if map_path is None:
        msg = f"Got --lang {lang}; --lang sets the language of the map: add --map FILE"
        raise UsageError(msg)
    check_language(lang)


def _table(frame: gpd.GeoDataFrame) -> str:
    """A fixed-width table of the columns a reader wants first."""
    header = ["km"] if "distance_km" in frame.columns else []
    header += ["id", "kind", "name", "country", "region"]
    has_sides = "side_a_iso3" in frame.columns and (frame["kind"] == "border_post").any()
    if has_sides:
        header.append("sides")
    lines = [header]
    for rec in frame.to_dict("records"):
        row = [f"{rec['distance_km']:,.1f}"] if "distance_km" in frame.columns else []
        row += [
            _cell(rec.get("id")),
            _cell(rec.get("kind")),
            _shorten(_cell(rec.get("name")), _NAME_WIDTH),
            _cell(rec.get("iso3")),
            _cell(rec.get("region")),
        ]
        if has_sides:
            sides = (rec.get("side_a_iso3"), rec.get("side_b_iso3"))
            row.append("-".join(sides) if all(isinstance(s, str) for s in sides) else "")
        lines.append(row)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {0} if "distance_km" in frame.columns else set()

    def fmt(line: list[str]) -> str:
        pairs = enumerate(zip(line, widths, strict=True))
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs]
        return "  ".join(cells).rstrip()

    rule = ["-" * w for w in widths]
    return "\n".join([fmt(lines[0]), fmt(rule), *(fmt(line) for line in lines[1:])])


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return printable(" ".join(str(value).split()))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _distance_text(atlas: Atlas, id_a: str, id_b: str, km: float, fmt: str) -> str:
    km = round(km, _KM_DECIMALS)
    if fmt == "json":
        return json.dumps({"id_a": id_a, "id_b": id_b, "distance_km": km}) + "\n"
    if fmt == "csv":
        return f"id_a,id_b,distance_km\n{id_a},{id_b},{km}\n"
    names = dict(zip(atlas.places["id"], atlas.places["name"], strict=True))
    text = f"{km:,.1f} km from {id_a} ({names[id_a]}) to {id_b} ({names[id_b]})"
    return printable(text) + "\n"
