"""Reading and writing files: JSON with precise syntax errors, atomic writes.

Nothing here knows what a place is; :mod:`geo.validate` checks contents.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from geo.errors import DataError, Problem

__all__ = ["atomic_write_bytes", "atomic_write_text", "read_csv_rows", "read_json"]


def _reject_constant(name: str) -> Any:
    # json accepts NaN and Infinity by default; RFC 8259 does not.
    raise ValueError(f"{name} is not valid JSON")


def read_json(path: Path, *, label: str | None = None) -> Any:
    """Parse a JSON file strictly.

    Parameters
    ----------
    path : Path
        The file to read (UTF-8, an optional BOM is accepted).
    label : str, optional
        Name used in error messages (default: the file name).

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    DataError
        If the file is missing, not UTF-8, or not valid JSON; the problem gives
        the line and column of a syntax error.  ``NaN`` and ``Infinity`` are
        rejected.
    """
    name = label or path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as err:
        raise DataError([Problem(name, "(file)", "an existing file", str(path))]) from err
    except UnicodeDecodeError as err:
        problem = Problem(name, "(file)", "UTF-8 text", f"byte {err.start}: {err.reason}")
        raise DataError([problem]) from err
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        problem = Problem(name, "(json)", "valid JSON", err.msg, line=err.lineno, column=err.colno)
        raise DataError([problem]) from err
    except ValueError as err:
        problem = Problem(name, "(json)", "valid JSON (no NaN or Infinity)", str(err))
        raise DataError([problem]) from err


def read_csv_rows(path: Path, *, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file with a header row into a list of dicts.

    Raises
    ------
    DataError
        If the file is missing or lacks one of the ``required`` columns.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            columns = reader.fieldnames or []
    except FileNotFoundError as err:
        raise DataError([Problem(path.name, "(file)", "an existing file", str(path))]) from err
    missing = [c for c in required if c not in columns]
    if missing:
        problem = Problem(path.name, "(header)", f"columns {list(required)}", columns)
        raise DataError([problem])
    return rows


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    and the file is renamed over ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def is_finite_number(value: Any) -> bool:
    """True for an int or float that is neither NaN nor infinite (bools excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
