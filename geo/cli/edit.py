"""The ``geo add``, ``geo set`` and ``geo remove`` commands: a thin layer over :mod:`geo.edit`.

Each command edits one place file in place, only where the place is, and
writes nothing unless the whole data folder is still valid afterwards.
Messages go to stderr.

``FIELD=VALUE`` arguments (``geo set``, ``--prop``) take the value as JSON
when it parses as JSON (numbers, ``true``/``false``/``null``, ``"quoted
strings"``, lists and objects), else as the text itself; ``--string`` keeps
every value as text.  JSON that geo could not read back from the file (a
number too large for a double, an object repeating a key) is refused with
the way to write it as text.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from geo.cli._common import data_option, errors_to_exit, note
from geo.edit import GEOMETRY_FIELDS, add_place, remove_place, set_fields
from geo.errors import DataError
from geo.schema import KINDS, STATUSES

__all__ = ["add", "parse_assignment", "remove", "set_command"]

#: Kinds ``geo add office`` accepts (every kind but ``border_post``).
OFFICE_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k != "border_post")
#: ``--osbp`` choices and the JSON value each writes.
OSBP_VALUES = {"yes": True, "no": False, "unknown": None}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _Unreadable(Exception):
    """Valid JSON that geo could not read back from a data file: what is wrong with it."""


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Unreadable("a number too large for a double")
    return value


def _int(text: str) -> int:
    try:
        value = int(text)
        float(value)
    except (OverflowError, ValueError):  # beyond a double, or Python's digit limit
        raise _Unreadable("a number too large for a double") from None
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [k for k, _ in pairs]
        repeated = next(k for k in keys if keys.count(k) > 1)
        raise _Unreadable(f"an object repeating the key {repeated!r}")
    return result


def _clip(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"


def parse_assignment(text: str, *, as_string: bool = False) -> tuple[str, Any]:
    """Split ``FIELD=VALUE`` and parse the value.

    The value is JSON when it parses as JSON, else the text itself
    (``NaN`` and ``Infinity`` stay text); with ``as_string`` it is always the text.
    JSON that geo could not read back from a data file is refused rather than
    guessed at: a number too large for a double (``1e400``, 400 nines) or an
    object repeating a key.  To keep such a value as text, quote it
    (``notes='"999..."'``) or use ``--string``.

    >>> parse_assignment("seats=2")
    ('seats', 2)
    >>> parse_assignment("osbp=null")
    ('osbp', None)
    >>> parse_assignment("opened=2024", as_string=True)
    ('opened', '2024')
    >>> parse_assignment('opened="2024"')
    ('opened', '2024')
    >>> parse_assignment("name=Samur = Yarag")
    ('name', 'Samur = Yarag')

    Raises
    ------
    click.BadParameter
        If there is no ``=``, the field name is empty, or the value is JSON geo
        could not read back (see above).
    """
    field, sep, raw = text.partition("=")
    if not sep or not field.strip():
        msg = f"got {text!r}; expected FIELD=VALUE, e.g. status=operational"
        raise click.BadParameter(msg)
    if as_string:
        return field, raw
    try:
        json.loads(raw, parse_constant=_reject_constant, parse_int=str, parse_float=str)
    except ValueError:
        return field, raw  # not JSON: the text itself
    except RecursionError:
        msg = f"got a value for {field!r} nested too deeply to read; nest at most a few levels"
        raise click.BadParameter(msg) from None
    try:
        value = json.loads(
            raw,
            parse_constant=_reject_constant,
            parse_float=_float,
            parse_int=_int,
            object_pairs_hook=_object,
        )
    except _Unreadable as err:
        msg = (
            f"got {field}={_clip(raw)}, {err}: geo could not read the file back; "
            f"""for the text write {field}='"..."' or use --string"""
        )
        raise click.BadParameter(msg) from None
    return field, value


def _assignments(items: tuple[str, ...], *, as_string: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items:
        field, value = parse_assignment(item, as_string=as_string)
        values[field] = value
    return values


@contextmanager
def _explain_json_values(values: Mapping[str, Any]) -> Iterator[None]:
    """Say in a problem's hint when its value was read as JSON rather than as text."""
    try:
        yield
    except DataError as err:
        problems = []
        for problem in err.problems:
            value = values.get(problem.field, "")
            if not isinstance(value, str) and problem.value == value:
                shown = json.dumps(value)
                note = (
                    f"{shown} was read as JSON; for the text write "
                    f"{problem.field}='\"{shown}\"' or use --string"
                )
                hint = f"{problem.hint}; {note}" if problem.hint else note
                problem = dataclasses.replace(problem, hint=hint)
            problems.append(problem)
        raise DataError(problems) from err


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _side(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, str]:
    iso3, sep, name = value.partition(":")
    if not sep or not iso3.strip() or not name.strip():
        msg = f"got {value!r}; expected ISO3:NAME, e.g. AZE:Samur"
        raise click.BadParameter(msg, ctx=ctx, param=param)
    return iso3.strip(), name.strip()


def _place_properties(
    required: dict[str, Any], optional: dict[str, Any], props: tuple[str, ...]
) -> dict[str, Any]:
    """The properties of a new place: the options given, then ``--prop`` ones."""
    values = {**required, **{k: v for k, v in optional.items() if v is not None}}
    extra = _assignments(props)
    clash = sorted(set(extra) & set(values))
    if clash:
        msg = f"got --prop {clash[0]}=...; set {clash[0]!r} with its own option instead"
        raise click.BadParameter(msg, param_hint="--prop")
    return {**values, **extra}


def _add(
    data_dir: str | None,
    properties: dict[str, Any],
    props: tuple[str, ...],
    *,
    lon: float,
    lat: float,
    file: str | None,
) -> None:
    with _explain_json_values(_assignments(props)):
        path = add_place(data_dir, properties, lon=lon, lat=lat, file=file)
    note(f"added {properties['id']!r} to {path}")


def _common_options(func: Any) -> Any:
    """Options shared by ``geo add office`` and ``geo add border-post``."""
    options = [
        click.option(
            "--id",
            "place_id",
            required=True,
            help="Unique id: lower-case words joined by hyphens, e.g. rtc-baku.",
        ),
        click.option("--name", required=True, help="Name of the place."),
        click.option(
            "--lat", type=float, required=True, help="Latitude, degrees in [-90, 90] (WGS84)."
        ),
        click.option(
            "--lon", type=float, required=True, help="Longitude, degrees in [-180, 180] (WGS84)."
        ),
        click.option("--source", required=True, help="Where the facts come from (a URL)."),
        click.option(
            "--status",
            type=click.Choice(STATUSES),
            default="operational",
            show_default=True,
            help="Life-cycle of the place.",
        ),
        click.option("--opened", default=None, help="Date it opened: YYYY, YYYY-MM or YYYY-MM-DD."),
        click.option(
            "--precision",
            default=None,
            help="How exact the point is: city, town, village, crossing, proxy...",
        ),
        click.option(
            "--prop",
            "props",
            multiple=True,
            metavar="KEY=VALUE",
            help="Any other property (repeatable); VALUE is JSON when it parses, else text.",
        ),
        click.option(
            "--file",
            default=None,
            metavar="NAME",
            help="Place file in the data folder to add to (default: offices.geojson, "
            "or border_posts.geojson for a border post).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group("add")
def add() -> None:
    """Add a place to a data file, written only if the data stays valid.

    The new feature goes last in the file, written in the file's own
    style; `geo remove ID` takes it out again without a trace.

    \b
    Example:
      geo add office --id rtc-x --kind rtc --name "RTC X" --iso3 AZE \\
        --lat 40.41 --lon 49.87 --source https://www.wcoomd.org/
    """


@add.command("office")
@data_option
@_common_options
@click.option("--kind", type=click.Choice(OFFICE_KINDS), required=True, help="What the office is.")
@click.option("--iso3", required=True, help="ISO 3166-1 alpha-3 code of its country.")
@click.option("--city", default=None, help="City (and address) of the office.")
@errors_to_exit
def add_office(
    data_dir: str | None,
    place_id: str,
    name: str,
    lat: float,
    lon: float,
    source: str,
    status: str,
    opened: str | None,
    precision: str | None,
    props: tuple[str, ...],
    file: str | None,
    kind: str,
    iso3: str,
    city: str | None,
) -> None:
    """Add an office (HQ, ROCB, RTC or RILO).

    \b
    Example:
      geo add office --id rtc-x --kind rtc --name "RTC X" --iso3 AZE \\
        --city Baku --lat 40.41 --lon 49.87 --opened 2024 \\
        --source https://www.wcoomd.org/ --prop seats=2
    """
    properties = _place_properties(
        {
            "id": place_id,
            "kind": kind,
            "name": name,
            "iso3": iso3,
            "status": status,
            "source": source,
        },
        {"city": city, "opened": opened, "precision": precision},
        props,
    )
    _add(data_dir, properties, props, lon=lon, lat=lat, file=file)


@add.command("border-post")
@data_option
@_common_options
@click.option(
    "--side-a",
    required=True,
    callback=_side,
    metavar="ISO3:NAME",
    help="First side: country code and local name, e.g. AZE:Samur.",
)
@click.option(
    "--side-b",
    required=True,
    callback=_side,
    metavar="ISO3:NAME",
    help="Second side, e.g. RUS:Yarag-Kazmalyar.",
)
@click.option(
    "--osbp",
    type=click.Choice(tuple(OSBP_VALUES)),
    default="unknown",
    show_default=True,
    help="Whether it is a one-stop border post.",
)
@errors_to_exit
def add_border_post(
    data_dir: str | None,
    place_id: str,
    name: str,
    lat: float,
    lon: float,
    source: str,
    status: str,
    opened: str | None,
    precision: str | None,
    props: tuple[str, ...],
    file: str | None,
    side_a: tuple[str, str],
    side_b: tuple[str, str],
    osbp: str,
) -> None:
    """Add a border post between two countries.

    \b
    Example:
      geo add border-post --id samur-2 --name "Samur - Yarag-Kazmalyar" \\
        --side-a AZE:Samur --side-b RUS:Yarag-Kazmalyar --osbp yes \\
        --lat 41.6367 --lon 48.4303 --source https://www.wcoomd.org/
    """
    properties = _place_properties(
        {
            "id": place_id,
            "kind": "border_post",
            "name": name,
            "side_a_iso3": side_a[0],
            "side_a_name": side_a[1],
            "side_b_iso3": side_b[0],
            "side_b_name": side_b[1],
            "osbp": OSBP_VALUES[osbp],
            "status": status,
            "source": source,
        },
        {"opened": opened, "precision": precision},
        props,
    )
    _add(data_dir, properties, props, lon=lon, lat=lat, file=file)


@click.command("set")
@data_option
@click.argument("place_id", metavar="ID")
@click.argument("assignments", metavar="FIELD=VALUE...", nargs=-1, required=True)
@click.option(
    "--string",
    "as_string",
    is_flag=True,
    help="Keep every VALUE as text (e.g. opened=2024 as the string '2024').",
)
@errors_to_exit
def set_command(
    data_dir: str | None, place_id: str, assignments: tuple[str, ...], as_string: bool
) -> None:
    """Set properties of a place, or move it with lon=/lat=.

    VALUE is read as JSON when it parses as JSON: 2 and 40.5 are numbers,
    true/false/null are those, [..] and {..} are lists and objects, and
    '"2024"' is a string; anything else (operational, Baku) is text.
    Dates are text: write opened='"2024"' or use --string.  A number too
    large for a double is refused (quote it to keep it as text).  FIELD=null
    writes null.  lon and lat move the point (degrees, WGS84).  Only the
    values change in the file; nothing is written unless the data stays
    valid.

    \b
    Example:
      geo set rocb-europe status=operational 'opened="2011-10"'
      geo set samur osbp=true lat=41.64 lon=48.43
      geo set rocb-europe --string opened=2011 city=Baku
    """
    values = _assignments(assignments, as_string=as_string)
    for axis in GEOMETRY_FIELDS:  # lon and lat are numbers even with --string
        if isinstance(values.get(axis), str):
            values[axis] = _number(values[axis])
    with _explain_json_values(values):
        path = set_fields(data_dir, place_id, values)
    note(f"set {', '.join(values)} of {place_id!r} in {path}")


@click.command("remove")
@data_option
@click.argument("place_id", metavar="ID")
@errors_to_exit
def remove(data_dir: str | None, place_id: str) -> None:
    """Remove a place from its data file, leaving no trace of it.

    \b
    Example:
      geo remove rtc-x
    """
    path = remove_place(data_dir, place_id)
    note(f"removed {place_id!r} from {path}")
