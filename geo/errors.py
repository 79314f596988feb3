"""Exceptions raised by geo.

Every error a user can cause derives from :class:`GeoError`; the CLI turns
these into a message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AssetError",
    "BuildLockedError",
    "DataError",
    "GeoError",
    "InvalidPointsError",
    "PrintError",
    "Problem",
    "RenderError",
    "RowProblem",
    "SnapshotError",
    "UsageError",
    "printable",
    "printable_json",
]


class GeoError(Exception):
    """Base class of every error geo raises on purpose."""


class UsageError(GeoError, ValueError):
    """A bad argument to a public function (unknown id, region, kind, out-of-range value)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file.

    Attributes
    ----------
    file : str
        File name as the user knows it (relative to the data folder).
    field : str
        The property or member at fault, e.g. ``'kind'`` or ``'geometry.coordinates'``.
    expected : str
        What a valid value looks like.
    value : Any
        The value found (``None`` when missing).
    index : int or None
        Zero-based feature index, or ``None`` for a problem with the whole file.
    feature_id : str or None
        The feature's ``id`` when it has one.
    hint : str or None
        A suggestion that helps fix it.
    line : int or None
        1-based line, for JSON syntax errors.
    column : int or None
        1-based column, for JSON syntax errors.
    excerpt : str or None
        The offending line of the file and a caret under the column, shown
        below the message.
    """

    file: str
    field: str
    expected: str
    value: Any = None
    index: int | None = None
    feature_id: str | None = None
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    excerpt: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        if self.index is not None:
            where += f": feature #{self.index}"
            if self.feature_id is not None:
                where += f" (id={self.feature_id!r})"
        text = f"{where}: field {self.field!r}: got {_show(self.value)}; expected {self.expected}"
        if self.hint:
            text += f" ({self.hint})"
        if self.excerpt:
            text += "".join(f"\n      {line}" for line in self.excerpt.splitlines())
        return text


def _show(value: Any) -> str:
    try:
        text = repr(value)  # repr escapes control characters as printable() does
    except ValueError:  # an integer of more than 4300 digits (a TOML 0xfff...)
        return f"a number of {value.bit_length()} bits" if isinstance(value, int) else "?"
    except RecursionError:
        return f"a {type(value).__name__} nested too deep to show"
    return text if len(text) <= 120 else text[:117] + "..."


#: What a terminal would act on rather than show: C0 and C1 controls and DEL (ESC starts the
#: sequences that clear the screen, move the cursor, set the title or write the clipboard),
#: the line and paragraph separators, and the bidirectional embeddings, overrides and
#: isolates (which reorder the text around them).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def printable(text: str, *, lines: bool = False) -> str:
    r"""``text`` safe to print on a terminal: its control characters written as repr() does.

    Data (a place's name, a file name, a value in a message) may hold an escape
    sequence (``ESC]52`` writes the clipboard, ``ESC[2J`` clears the screen): every
    human-readable output of the CLI goes through this function, as the messages
    about data do through repr().  Machine formats (JSON, GeoJSON, CSV on stdout)
    keep the data exact and do not.

    Parameters
    ----------
    text : str
        The text to show.
    lines : bool
        Keep line feeds and tabs (a message of several lines); otherwise they are
        escaped too (a cell of a table).

    Returns
    -------
    str
        ``text`` with each control character as its escape, e.g. ``\x1b``.

    Examples
    --------
    >>> print(printable("Samur\x1b]52;c;aGk=\x07"))
    Samur\x1b]52;c;aGk=\x07
    >>> print(printable("two\nlines\x1b[2J", lines=True))
    two
    lines\x1b[2J
    >>> print(printable("two\nlines"))
    two\nlines
    """
    pattern = _CONTROL_IN_LINES if lines else _CONTROL
    return pattern.sub(_escaped, text)


class DataError(GeoError, ValueError):
    """The data files hold one or more problems; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its arguments (a Dask worker's error reaches the client whole)."""
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem with one row of a table: shown as ``file: row N (line L): column 'c': ...``.

    ``index`` is the zero-based row; the message shows it one-based, with the
    line of a CSV file (the header being line 1, one line per row).  For a
    GeoJSON feature (``unit='feature'``) it says ``feature #i``, zero-based,
    as every other message about GeoJSON features does.
    """

    unit: str = "row"

    def __str__(self) -> str:
        where = self.file
        if self.index is not None and self.unit == "feature":
            where += f": feature #{self.index}"
        elif self.index is not None:
            where += f": {self.unit} {self.index + 1}"
            if self.line is not None:
                where += f" (line {self.line})"
        word = "field" if self.unit == "feature" else "column"
        text = f"{where}: {word} {self.field!r}: got {self.value!r}; expected {self.expected}"
        return text + (f" ({self.hint})" if self.hint else "")


class InvalidPointsError(DataError):
    """Rows of an input file whose coordinates are missing, not numbers or out of range.

    Attributes
    ----------
    problems : list of Problem
        The first few of them (see ``geo.points.rows.MAX_PROBLEMS``), in file order.
    count : int
        How many rows are invalid in all.
    """

    def __init__(self, file: str, problems: Sequence[Problem], count: int) -> None:
        self.file = file
        self.problems = list(problems)
        self.count = count
        shown = len(self.problems)
        head = f"{count} row{'s' if count != 1 else ''} with invalid coordinates in {file}"
        head += f" (the first {shown}):" if shown < count else ":"
        lines = [head, *(f"  {p}" for p in self.problems)]
        lines.append("  (use on_invalid='skip' or 'null', or --on-invalid, to keep going)")
        GeoError.__init__(self, "\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its arguments (a Dask worker's error reaches the client whole)."""
        return (type(self), (self.file, self.problems, self.count))


class AssetError(GeoError):
    """A script or style sheet the maps need is missing or cannot be inlined."""


class RenderError(GeoError):
    """A map cannot be turned into a self-contained page."""


class BuildLockedError(GeoError):
    """Another build is writing to the same output folder."""


class SnapshotError(GeoError):
    """No browser, or the page did not render."""


class PrintError(GeoError):
    """The printed atlas cannot be laid out: WeasyPrint or its system libraries missing."""


#: What JSON leaves as it is (it escapes C0 only) and a terminal would act on.
_CONTROL_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable_json(text: str) -> str:
    r"""JSON text (``json.dumps(..., ensure_ascii=False)``) with no character a terminal acts on.

    JSON escapes the C0 controls itself, but not DEL, C1 (``\x9b`` is a CSI) nor the
    bidirectional controls: those are written as ``\uXXXX`` escapes, which only occur
    inside JSON strings and read back as the same characters, so the data stays exact.

    Parameters
    ----------
    text : str
        A JSON document.

    Returns
    -------
    str
        The same document, its strings' remaining control characters escaped.

    Examples
    --------
    >>> print(printable_json('{"name": "a\x9b31mb"}'))
    {"name": "a\u009b31mb"}
    """
    return _CONTROL_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
