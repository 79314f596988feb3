"""The data geo ships: a snapshot of the network's places and the reference tables.

An installed geo (a wheel) carries a copy of the project's ``data/`` as package
data, ``geo/_data``, read with :mod:`importlib.resources`; that copy is made
from ``data/`` when the wheel is built (``setup.py``), so there is one source of
truth and no second hand-edited copy.  In a checkout (an editable install) the
shipped data is the project's ``data/`` itself.

The installed snapshot is read-only: ``geo init DIR`` (:func:`copy_snapshot`)
copies it into a folder to edit, and ``--data DIR`` or ``GEO_DATA`` points
geo at a user's own folder.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import logging
import os
import shutil
import tempfile
from pathlib import Path

from geo import settings
from geo.errors import GeoError, UsageError
from geo.modes import as_made_by_the_user

__all__ = [
    "SNAPSHOT",
    "copy_snapshot",
    "default_data_dir",
    "installed_snapshot",
    "shipped_data_dir",
    "shipped_data_dir_if_any",
    "snapshot_files",
]

log = logging.getLogger(__name__)

#: The package-data folder of the snapshot in an installed geo.
SNAPSHOT = "_data"
#: What the snapshot holds: the data folder's files with these endings (no hidden file).
SUFFIXES = (".geojson", ".csv", ".json", ".xz", ".toml")


def _checkout_data_dir() -> Path | None:
    """The project's ``data/`` when geo runs from a checkout (beside ``pyproject.toml``)."""
    root = Path(__file__).resolve().parent.parent
    data = root / "data"
    if (root / "pyproject.toml").is_file() and data.is_dir():
        return data
    return None


def installed_snapshot() -> Path | None:
    """The snapshot shipped inside an installed geo, or ``None`` when geo runs from a checkout."""
    if _checkout_data_dir() is not None:
        return None
    root = importlib.resources.files("geo").joinpath(SNAPSHOT)
    if isinstance(root, Path) and root.is_dir():
        return root
    msg = (
        f"geo's own data ({root}) is missing from its installation: reinstall wco-atlas, "
        "or give a data folder with --data DIR or GEO_DATA"
    )
    raise GeoError(msg)


def shipped_data_dir() -> Path:
    """The data geo ships: the project's ``data/`` in a checkout, else the installed snapshot."""
    checkout = _checkout_data_dir()
    if checkout is not None:
        return checkout
    snapshot = installed_snapshot()
    assert snapshot is not None  # installed_snapshot raises when there is none
    return snapshot


def shipped_data_dir_if_any() -> Path | None:
    """The data geo ships (:func:`shipped_data_dir`), or ``None`` when this geo has none.

    A copy of the package alone (no checkout around it, no snapshot inside)
    still works on a data folder that holds every reference table.
    """
    try:
        return shipped_data_dir()
    except GeoError:
        return None


def snapshot_files(folder: Path) -> list[Path]:
    """The files of a data folder that the snapshot carries, sorted by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.endswith(SUFFIXES)
    )


def copy_snapshot(dest: str | os.PathLike[str]) -> list[Path]:
    """Copy the data geo ships into ``dest``, a new or empty folder, to edit it there.

    The files are copied into a temporary folder beside ``dest`` that is then
    renamed, so ``dest`` gets all of them or none.

    Returns
    -------
    list of Path
        The files written, sorted.

    Raises
    ------
    UsageError
        When ``dest`` is a file or a folder that is not empty (nothing is overwritten).
    GeoError
        When ``dest`` cannot be written.
    """
    target = Path(dest)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        msg = (
            f"{target} exists and is not an empty folder; geo init copies the data only into "
            "a new or empty folder, so nothing of yours is overwritten"
        )
        raise UsageError(msg)
    sources = snapshot_files(shipped_data_dir())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        )
    except OSError as err:
        msg = f"cannot write to {target.parent}: {err.strerror or err}"
        raise GeoError(msg) from err
    try:
        for source in sources:
            shutil.copyfile(source, staging / source.name)
        as_made_by_the_user(staging, folder=True)
        if target.is_dir():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    except OSError as err:
        msg = f"cannot write to {target}: {err.strerror or err}"
        raise GeoError(msg) from err
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return [target / p.name for p in sources]


def default_data_dir(*, to_edit: bool = False) -> Path:
    """The data folder used when none is given.

    ``$GEO_DATA``, else the data geo ships (:func:`shipped_data_dir`):
    the project's ``data/`` in a checkout, else the snapshot installed with geo,
    which is read-only (``to_edit=True`` refuses it; ``geo init DIR`` copies it).

    Raises
    ------
    UsageError
        With ``to_edit``, when the folder would be the installed snapshot.
    """
    env = settings.DATA.get()
    if env is not None:
        return env
    snapshot = installed_snapshot()
    if snapshot is None:
        return shipped_data_dir()
    if to_edit:
        msg = (
            "no data folder given, and the places shipped with geo are read-only: "
            "copy them with `geo init DIR`, then edit with --data DIR (or GEO_DATA=DIR)"
        )
        raise UsageError(msg)
    _say_snapshot(str(snapshot))
    return snapshot


@functools.cache
def _say_snapshot(folder: str) -> None:
    log.info(
        "no data folder given (--data DIR or GEO_DATA): using the network's places shipped "
        "with geo (%s); `geo init DIR` copies them into a folder to edit",
        folder,
    )
