"""``geo init DIR``: copy the data geo ships into a folder to edit."""

from __future__ import annotations

import logging

import click

from geo.cli._common import errors_to_exit

__all__ = ["init"]

log = logging.getLogger(__name__)


@click.command()
@click.argument("folder", type=click.Path(path_type=str))
@errors_to_exit
def init(folder: str) -> None:
    """Copy the network's places and reference tables shipped with geo into FOLDER.

    FOLDER must be new or empty; then edit its files (or `geo set --data FOLDER ...`)
    and build from it.

    \b
    Example:
      geo init my-data
      geo build --data my-data
    """
    from geo.shipped import copy_snapshot

    written = copy_snapshot(folder)
    log.info(
        "copied %d files into %s; build from them with `geo build --data %s` (or set GEO_DATA=%s)",
        len(written),
        folder,
        folder,
        folder,
    )
