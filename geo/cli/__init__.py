"""The ``geo`` command: a thin layer over the Python API.

Data goes to stdout, messages to stderr; a user's mistake gives a message
and a non-zero exit status, never a traceback.  Each command lives in the
module of its family, imported here, so a broken module fails loudly:

- :mod:`geo.cli.build`: ``validate``, ``build``, ``print``, ``locate``, ``watch``, ``snapshot``;
- :mod:`geo.cli.query`: ``query nearest|within|region|country|between|distance``,
  ``check-stale``;
- :mod:`geo.cli.edit`: ``add office|border-post``, ``set``, ``remove``;
- :mod:`geo.cli.enrich`: ``enrich``;
- :mod:`geo.cli.init`: ``init``;
- :mod:`geo.cli.export`: ``export``;
- :mod:`geo.cli._common`: the error boundary and the options they share.
"""

from __future__ import annotations

import logging
import sys

import click

from geo.cli import build, edit, enrich, export, init, query
from geo.cli._common import PrintableFormatter, add_quiet_option

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--quiet", "-q", is_flag=True, help="Print only errors on stderr.")
@click.version_option(package_name="wco-atlas")
def cli(quiet: bool) -> None:
    """An atlas of the WCO capacity-building network and the border posts it serves.

    \b
    Example:
      geo validate && geo build
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrintableFormatter("%(message)s"))
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, handlers=[handler])


for command in (
    build.validate,
    build.build,
    build.print_command,
    build.locate,
    build.watch,
    build.snapshot,
    init.init,
    export.export,
    query.query,
    query.check_stale,
    edit.add,
    edit.set_command,
    edit.remove,
    enrich.enrich,
):
    add_quiet_option(command)
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``geo`` console script."""
    cli()
