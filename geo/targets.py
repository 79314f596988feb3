"""Where geo may write: never where it reads its data, and a failed write is a clean error.

The rule
--------
Every path that a command writes because a user named it goes through a
:class:`WriteRule` first: ``geo build --output`` and ``geo watch --output``
(the folder, then each file written into it), ``geo query ... --map FILE``
and :func:`geo.render.write_map` (so ``Atlas.to_map(...).save(path)``),
``geo enrich INPUT OUTPUT``, ``geo export OUTPUT`` and ``geo snapshot MAP PNG``.  A rule knows

- the *data folders* a command reads: the folder of place files (with its
  ``geo.toml`` and reference tables), and the data geo ships (the project's
  ``data/``, or the snapshot installed with geo:
  :func:`geo.shipped.shipped_data_dir`), where a reference table missing from
  a data folder is read from.  Nothing is
  written inside them, at any depth;
- the *data files* a command reads: its place files and reference tables
  (a symlinked one where its link leads), and the command's own input, such
  as ``geo enrich``'s INPUT (a folder of GeoParquet parts counts as a data
  folder).  Nothing is written over them.

A target is refused when, resolved with every symlink followed, either where
the new file goes (its folder resolved) or where an existing symlink there
leads is inside a data folder, is a data file (a hard link to one included),
or is a folder that holds one (an output replacing a folder would delete
it).  A refusal is a :class:`geo.UsageError` naming the path and why, raised
before anything is written.  An output *folder* (:meth:`WriteRule.check_folder`)
may hold a data folder (``geo build --output .`` beside ``data/``); each file
written into it is checked as a target, so none lands in the data.

Failed writes
-------------
A write that the system refuses (a read-only folder, a full disk, a file
where a folder is expected) is a :class:`geo.GeoError` naming the path and
the reason (:func:`cannot_write`, :func:`writing`), never an ``OSError``
traceback; the writers remove their temporary files, so no partial output is
left.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GeoError, UsageError
from geo.shipped import default_data_dir, shipped_data_dir_if_any

__all__ = [
    "WriteRule",
    "cannot_write",
    "data_rule",
    "writing",
]


def _resolved(path: Path) -> Path:
    """``path`` absolute, with every symlink followed (missing parts kept as they are)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Path(os.path.abspath(path))


def _landing(path: Path) -> Path:
    """Where a new file written at ``path`` goes: its folder resolved, its own name kept.

    A write replaces a symlink at ``path`` rather than following it; ``..`` and
    ``.`` as the last part name a folder, resolved as such.
    """
    if path.name in ("", ".", ".."):
        return _resolved(path)
    return _resolved(path.parent) / path.name


def _within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both resolved)."""
    return path == folder or folder in path.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class WriteRule:
    """The folders and files a command reads as data, which it must not write into or over.

    Attributes
    ----------
    data_folders : tuple of Path
        Resolved folders: nothing is written inside them.
    data_files : tuple of Path
        Resolved files: nothing is written over them.
    """

    data_folders: tuple[Path, ...] = ()
    data_files: tuple[Path, ...] = ()

    def reading(self, *paths: str | os.PathLike[str]) -> WriteRule:
        """This rule, with ``paths`` read as data too (an input file, or a folder of parts)."""
        folders, files = list(self.data_folders), list(self.data_files)
        for given in paths:
            path = Path(given)
            if path.is_dir():
                folders.append(_resolved(path))
            else:
                files.append(_resolved(path))
        return WriteRule(_unique(folders), _unique(files))

    def check(self, target: str | os.PathLike[str], *, what: str = "output") -> Path:
        """Refuse ``target`` unless writing it leaves every data folder and data file alone.

        Parameters
        ----------
        target : path
            The file (or folder replaced whole) a command is about to write.
        what : str
            What it is, for the message (``"--map"``, ``"OUTPUT"``...).

        Returns
        -------
        Path
            Where the new file goes (absolute).

        Raises
        ------
        UsageError
            Naming ``target`` and the data folder or file it would reach.
        """
        path = Path(target)
        landing, leads = _landing(path), _resolved(path)
        for place in dict.fromkeys((landing, leads)):
            for folder in self.data_folders:
                if _within(place, folder):
                    raise _refusal(what, path, f"it is inside the data folder {str(folder)!r}")
                if place in folder.parents:
                    raise _refusal(what, path, f"it holds the data folder {str(folder)!r}")
            for file in self.data_files:
                if place == file or _same_file(place, file):
                    raise _refusal(what, path, f"it is {str(file)!r}, which geo reads as data")
                if place in file.parents:
                    raise _refusal(what, path, f"it holds {str(file)!r}, which geo reads as data")
        return landing

    def check_folder(self, target: str | os.PathLike[str], *, what: str = "output folder") -> Path:
        """Refuse an output folder inside a data folder (it may hold one: see the module).

        Returns the folder, resolved.

        Raises
        ------
        UsageError
            Naming ``target`` and the data folder it is in, or the data file it is.
        """
        path = Path(target)
        folder = _resolved(path)
        for data in self.data_folders:
            if _within(folder, data):
                raise _refusal(what, path, f"it is inside the data folder {str(data)!r}")
        for file in self.data_files:
            if folder == file:
                raise _refusal(what, path, f"it is {str(file)!r}, which geo reads as data")
        return folder


def _unique(paths: Iterable[Path]) -> tuple[Path, ...]:
    return tuple(dict.fromkeys(paths))


def _refusal(what: str, path: Path, why: str) -> UsageError:
    return UsageError(
        f"Got {what} {str(path)!r}; {why}, and geo never writes where it reads its data: "
        "write it somewhere else (e.g. beside the data folder, in output/)"
    )


def data_rule(
    data_dir: str | os.PathLike[str] | None, inputs: Iterable[str | os.PathLike[str]] = ()
) -> WriteRule:
    """The rule of a command reading the data folder ``data_dir`` (``None``: the default).

    ``inputs`` are the files it read (:attr:`geo.Atlas.inputs`); the project's
    ``data/`` is always a data folder (reference tables come from it), and so
    is the default data folder when ``data_dir`` is ``None``.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    shipped = shipped_data_dir_if_any()
    folders = [_resolved(folder), *([_resolved(shipped)] if shipped is not None else [])]
    return WriteRule(_unique(folders), _unique(_resolved(Path(p)) for p in inputs))


def cannot_write(path: str | os.PathLike[str], err: OSError) -> GeoError:
    """The error of a write the system refused: the path and the reason, for people.

    A file where a folder of the path should be is named as such (the system
    says "File exists" or "Not a directory").
    """
    reason = err.strerror or str(err) or type(err).__name__
    if isinstance(err, FileExistsError | NotADirectoryError):
        for parent in Path(path).parents:
            if parent.exists() and not parent.is_dir():
                reason = f"{str(parent)!r} is a file, not a folder"
                break
    return GeoError(f"cannot write {str(path)!r}: {reason}")


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn an ``OSError`` raised inside the block into :func:`cannot_write` of ``path``."""
    try:
        yield
    except OSError as err:
        raise cannot_write(path, err) from err
