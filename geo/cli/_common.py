"""What every ``geo`` command shares: the error boundary, common options, messages on stderr.

Library exceptions become CLI errors only here: a :class:`geo.GeoError` gives
``error: ...`` on stderr and a non-zero exit status (2 for a bad argument, 1
otherwise), never a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click

from geo.errors import DataError, GeoError, Problem, UsageError, printable

__all__ = [
    "PrintableFormatter",
    "add_quiet_option",
    "allow_missing_option",
    "data_option",
    "echo_json",
    "errors_to_exit",
    "imports_done",
    "is_quiet",
    "languages_option",
    "note",
    "output_option",
    "problems_payload",
    "report_format_option",
    "say",
]

F = TypeVar("F", bound=Callable[..., Any])


def errors_to_exit(func: F) -> F:
    """Turn library errors into a message on stderr and an exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as err:
            say(f"error: {err}")
            sys.exit(1)
        except UsageError as err:
            say(f"error: {err}")
            sys.exit(2)
        except GeoError as err:
            say(f"error: {err}")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Data folder of *.geojson place files (default: $GEO_DATA, else the project's data/ "
    "in a checkout, else the places shipped with geo; `geo init DIR` copies those).",
)

output_option = click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Folder to write the maps and places.geojson into "
    "(default: output/ beside the data folder, wherever you run geo from).",
)


def imports_done() -> None:
    """A command has imported its libraries: keep the garbage collector off their objects.

    ``gc.freeze`` moves every object alive now out of the collector's
    generations: a command's collections then scan only what it made, not the
    hundreds of thousands of objects of pandas, GeoPandas and folium (a tenth
    of a second of a ``geo build``).  For the command line only: a process
    that imports geo as a library keeps its collector as it is.
    """
    gc.freeze()


def is_quiet() -> bool:
    """Whether ``-q``/``--quiet`` was given, before the command or after it."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.find_root().params.get("quiet"))


def say(text: str) -> None:
    """A message on stderr, its control characters escaped (:func:`geo.errors.printable`)."""
    click.echo(printable(text, lines=True), err=True)


def note(text: str) -> None:
    """A message on stderr (as :func:`say`), unless ``geo --quiet`` (or ``geo COMMAND --quiet``)."""
    if not is_quiet():
        say(text)


class PrintableFormatter(logging.Formatter):
    """The log's lines on stderr (builds, watch, serve), control characters escaped."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as :class:`logging.Formatter` writes it, through :func:`printable`."""
        return printable(super().format(record), lines=True)


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.find_root().params["quiet"] = True
        logging.getLogger().setLevel(logging.WARNING)
    return value


def add_quiet_option(command: click.Command) -> None:
    """Give ``command`` (and each subcommand of a group) its own ``-q``/``--quiet``."""
    command.params.append(
        click.Option(
            ["--quiet", "-q"],
            is_flag=True,
            expose_value=False,
            callback=_set_quiet,
            help="Print only errors on stderr (the same as geo -q COMMAND).",
        )
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_quiet_option(sub)


allow_missing_option = click.option(
    "--allow-missing",
    is_flag=True,
    help="Build even if a data file that the last build into the output folder read is gone.",
)


languages_option = click.option(
    "--lang",
    "lang",
    default=None,
    metavar="LANG[,LANG...]",
    help="The maps' languages, e.g. fr or en,fr: the first at the output's root, each other "
    "in <output>/<lang>/ (default: the languages the output folder was last built in with "
    "--lang, else the data folder's geo.toml, else en).",
)


report_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object on stdout for machines (the problems too, with exit status 1).",
)


def problems_payload(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """Problems as JSON-ready objects: every field, and the message people read."""
    return [
        {**{k: _json_ready(v) for k, v in dataclasses.asdict(p).items()}, "message": str(p)}
        for p in problems
    ]


def _json_ready(value: Any) -> Any:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return repr(value)
    return value


def echo_json(payload: Mapping[str, Any]) -> None:
    """One JSON object on stdout."""
    click.echo(json.dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=False))
