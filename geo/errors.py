"""Exceptions raised by geo.

Every error a user can cause derives from :class:`GeoError`; the CLI turns
these into a message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AssetError",
    "BuildLockedError",
    "DataError",
    "GeoError",
    "InvalidPointsError",
    "Problem",
    "RenderError",
    "RowProblem",
    "SnapshotError",
    "UsageError",
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
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class DataError(GeoError, ValueError):
    """The data files hold one or more problems; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


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
        self.problems = list(problems)
        self.count = count
        shown = len(self.problems)
        head = f"{count} row{'s' if count != 1 else ''} with invalid coordinates in {file}"
        head += f" (the first {shown}):" if shown < count else ":"
        lines = [head, *(f"  {p}" for p in self.problems)]
        lines.append("  (use on_invalid='skip' or 'null', or --on-invalid, to keep going)")
        GeoError.__init__(self, "\n".join(lines))


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
