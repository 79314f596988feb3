"""Every setting geo reads from its environment, in one place.

geo has no configuration file of its own: what a user may change about how it
runs (not what it answers) is an environment variable, listed here with its
type, its default and what it does.  A module that needs a setting reads it
through its :class:`Setting`, at the moment it needs it (never at import), so a
variable set by a test or a parent process is seen:

>>> from geo import settings
>>> settings.NO_CACHE.get({"GEO_NO_CACHE": "1"})
True
>>> settings.NO_CACHE.get({"GEO_NO_CACHE": "0"})
False
>>> settings.MAX_FILE_MB.get({})
64.0
>>> settings.MAX_FILE_MB.get({"GEO_MAX_FILE_MB": "lots"})
Traceback (most recent call last):
...
geo.errors.DataError: 1 problem in the data:
  $GEO_MAX_FILE_MB: field '(environment)': got 'lots'; expected a positive number of MB

:data:`SETTINGS` lists them all (the reference manual's settings page is made
from it).  geo also reads the terminal's language from the standard variables
of gettext (:data:`LOCALE_VARIABLES`), for its messages; the maps' language is
chosen by ``--lang``, never by the environment.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from geo.errors import DataError, Problem

__all__ = [
    "CACHE_DIR",
    "CHROMIUM",
    "DATA",
    "LOCALE_VARIABLES",
    "MAX_FILE_MB",
    "NO_CACHE",
    "NO_PREPARED",
    "OTHER_VARIABLES",
    "SETTINGS",
    "Setting",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable geo reads: its name, type, default and meaning.

    Parameters
    ----------
    name
        The environment variable (``GEO_...``).
    type
        The kind of value, as the manual writes it (``path``, ``flag``...).
    default
        The value when the variable is unset or empty.
    doc
        What it does (reStructuredText, one paragraph or more).
    parse
        Turns the variable's text (never empty) into the value; raises a
        :class:`geo.errors.GeoError` naming the variable on a bad value.
    """

    name: str
    type: str
    default: T
    doc: str
    parse: Callable[[str], T]

    def raw(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The variable's text in ``environ`` (default ``os.environ``); ``None`` if unset/blank."""
        value = (os.environ if environ is None else environ).get(self.name)
        return value if value is not None and value.strip() else None

    def get(self, environ: Mapping[str, str] | None = None) -> T:
        """The setting's value in ``environ`` (default: the process's environment, now).

        Raises
        ------
        DataError
            When the variable is set to a value of the wrong type (see :attr:`parse`).
        """
        raw = self.raw(environ)
        return self.default if raw is None else self.parse(raw)


def _flag(raw: str) -> bool:
    """A switch: anything but ``""`` or ``"0"`` (spaces around ignored) turns it on."""
    return raw.strip() != "0"


def _path(raw: str) -> Path | None:
    return Path(raw.strip())


def _text(raw: str) -> str | None:
    return raw


def _megabytes(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        problem = Problem("$GEO_MAX_FILE_MB", "(environment)", "a positive number of MB", raw)
        raise DataError([problem])
    return value


#: The cache folder (:mod:`geo.cache`).
CACHE_DIR: Setting[Path | None] = Setting(
    "GEO_CACHE_DIR",
    "path",
    None,
    "The folder of geo's cache on disk (:mod:`geo.cache`).  Unset: the user's cache folder, "
    '``platformdirs.user_cache_dir("geo")`` (``~/.cache/geo`` on Linux, '
    "``~/Library/Caches/geo`` on macOS, ``%LOCALAPPDATA%\\geo\\Cache`` on Windows).  "
    "A folder inside a data folder a command reads turns the cache off, with a warning.",
    _path,
)
#: Whether the cache is off (:mod:`geo.cache`).
NO_CACHE: Setting[bool] = Setting(
    "GEO_NO_CACHE",
    "flag",
    False,
    'Anything but ``""`` or ``"0"`` turns the cache off: nothing is read from it or '
    "written to it.  The answers geo ships prepared are still read.",
    _flag,
)
#: Whether the answers shipped prepared are left unread (:mod:`geo.cache`).
NO_PREPARED: Setting[bool] = Setting(
    "GEO_NO_PREPARED",
    "flag",
    False,
    'Anything but ``""`` or ``"0"`` leaves unread the answers geo ships prepared for its '
    "own data (``geo/prepared/build/``): a build computes what the cache lacks, as after "
    "an edit of the data (to time or test that path).",
    _flag,
)
#: The data folder used when none is given (:func:`geo.default_data_dir`).
DATA: Setting[Path | None] = Setting(
    "GEO_DATA",
    "path",
    None,
    "The data folder (``*.geojson`` place files) every command and :func:`geo.load` use "
    "when none is given.  Unset: the project's ``data/`` in a checkout, else the read-only "
    "snapshot installed with geo (``geo init DIR`` copies it to edit).",
    _path,
)
#: The browser that takes snapshots and prints (:func:`geo.snapshot.find_chromium`).
CHROMIUM: Setting[str | None] = Setting(
    "GEO_CHROMIUM",
    "command",
    None,
    "The Chromium (path or command) ``geo snapshot`` drives.  Unset: the first of "
    "``chromium``, ``chromium-browser`` and ``google-chrome`` on the ``PATH``.",
    _text,
)
#: Largest data file read, in MB (:func:`geo.fileio.max_file_bytes`).
MAX_FILE_MB: Setting[float] = Setting(
    "GEO_MAX_FILE_MB",
    "positive number (MB, 10**6 bytes)",
    64.0,
    "The largest data file (place file, reference table, points to enrich read whole) "
    "geo reads; a larger one is a :class:`geo.DataError` naming it.  Anything but a "
    "positive number is a :class:`geo.DataError` naming the variable.",
    _megabytes,
)

#: Every setting, in the order the manual lists them.
SETTINGS: tuple[Setting[Any], ...] = (
    DATA,
    CACHE_DIR,
    NO_CACHE,
    NO_PREPARED,
    MAX_FILE_MB,
    CHROMIUM,
)

#: The standard variables the terminal's language is read from, in gettext's order
#: (:func:`geo.i18n.terminal_language`): the language of geo's messages and reports.
LOCALE_VARIABLES: tuple[str, ...] = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

#: Variables geo reads that are not its own settings: name -> what they do (for the manual).
OTHER_VARIABLES: tuple[tuple[str, str], ...] = (
    (
        ", ".join(LOCALE_VARIABLES),
        "The language of geo's messages on a terminal (:func:`geo.i18n.terminal_language`): "
        "the first one set, as gettext reads them (``LANGUAGE=fr:en``, ``LANG=fr_FR.UTF-8``); "
        "English when none names a language geo speaks.  The maps' language is ``--lang``.",
    ),
    (
        "_GEO_COMPLETE",
        "Read by click to print the shell completion script "
        '(``eval "$(_GEO_COMPLETE=bash_source geo)"``; ``zsh_source``, ``fish_source``).',
    ),
)
