"""CSV text, column at a time: the dialect of an input, and cells written safely and fast.

Reading: :func:`sniff_delimiter` finds what separates the cells of a file
(a comma, a semicolon as European spreadsheets write, or a tab) from a
sample of its first lines; :func:`check_delimiter` checks one that is given.

Writing: the cells of a column are pyarrow string arrays, turned into the
text Python's :mod:`csv` writes (``QUOTE_MINIMAL``: a cell holding the
delimiter, a double quote or a line break is quoted, its quotes doubled) and
joined into lines by pyarrow's compute functions, without a Python loop over
rows.  Text cells are neutralised for spreadsheets by the rule of
:func:`geo.export.safe_cell` (OWASP "CSV injection"): a cell whose text starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'``, and NUL characters are removed; a number stays a number.  Cells of a
CSV input are all text, so there a cell is a number when its text is one
(``-29.310``, ``1e5``): see :func:`safe_text`.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import UsageError
from geo.export import FORMULA_START

__all__ = [
    "DELIMITERS",
    "DELIMITER_NAMES",
    "check_delimiter",
    "float_text",
    "header_line",
    "lines_buffer",
    "quoted",
    "safe_text",
    "sniff_delimiter",
]

#: Delimiters tried when none is given, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
#: Names a delimiter may be given by (handy on a command line, where a tab is awkward).
DELIMITER_NAMES: dict[str, str] = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "\\t": "\t",
    "pipe": "|",
}
#: Records of the sample that sniffing compares.
_SNIFF_RECORDS = 50

# RE2 pattern (pyarrow) of a cell that is a decimal number
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def check_delimiter(value: Any) -> str:
    """A delimiter given by a user: one character (or a name of :data:`DELIMITER_NAMES`).

    Raises
    ------
    UsageError
        If it is not one character, or is a quote or a line break.
    """
    if isinstance(value, str):
        value = DELIMITER_NAMES.get(value.lower(), value)
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n':
        names = ", ".join(repr(n) for n in DELIMITER_NAMES)
        msg = (
            f"Got delimiter={value!r}; `delimiter` must be one character other than a quote or "
            f"a line break, such as ',', ';' or a tab (or one of the names {names})"
        )
        raise UsageError(msg)
    return value


def sniff_delimiter(sample: str, *, complete: bool) -> str:
    """The delimiter of CSV text, from a sample of its first records.

    Of :data:`DELIMITERS`, the one that splits the header into several cells
    and every record of the sample into as many wins; then the one that splits
    the header into the most cells; a tie (or a file of one column) goes to the
    first, the comma.  ``complete`` says the sample is the whole file (else its
    last record may be cut, and is not compared).

    >>> sniff_delimiter("lat;lon\\n41,6;48,4\\n", complete=True)
    ';'
    >>> sniff_delimiter("name,lat,lon\\n\\"Samur; AZE\\",41.6,48.4\\n", complete=True)
    ','
    """
    best: tuple[tuple[bool, int], str] | None = None
    for delimiter in DELIMITERS:
        try:
            rows = list(
                itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 1000)
            )
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not complete:
            rows = rows[:-1]
        rows = rows[: _SNIFF_RECORDS + 1]
        if not rows:
            continue
        width = len(rows[0])
        regular = width > 1 and all(len(r) == width for r in rows[1:])
        score = (regular, width)
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best is not None else DELIMITERS[0]


def _cells(values: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """A string array (one chunk), the bytes of its cells and their offsets (no copy)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    _, offsets_buffer, data_buffer = values.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0)
    return values, data, offsets


def _byte_set(chars: Sequence[str]) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


_FORMULA_BYTES = _byte_set(FORMULA_START)


def _holds_any(data: np.ndarray, chars: Sequence[str]) -> bool:
    """Whether the bytes ``data`` hold one of the (one-byte) ``chars``.

    Columns of numbers and plain words skip the search: no byte of theirs is
    as low as a quote, a line break or a NUL.
    """
    if not len(data):
        return False
    low, high = int(data.min()), int(data.max())
    codes = [ord(c) for c in chars if low <= ord(c) <= high]
    if not codes:
        return False
    raw = data.tobytes()
    return any(raw.find(bytes([c])) >= 0 for c in codes)


def safe_text(values: Any, *, numbers_as_text: bool) -> Any:
    r"""Text cells neutralised by the rule of :func:`geo.export.safe_cell`, for a whole column.

    ``values`` is a pyarrow string array.  With ``numbers_as_text`` (the
    cells of a CSV input, which are all text), a cell whose text is a decimal
    number (``-3.5``, ``+1``, ``2e-3``) counts as a number and is left alone,
    as :func:`~geo.export.safe_cell` leaves numbers; otherwise every text cell
    starting like a formula is neutralised.  The bytes of the column are
    scanned at once; only the cells that start like a formula are looked at
    one by one.

    >>> import pyarrow as pa
    >>> safe_text(pa.array(["=1+1", "-3.5", "a\x00b", None]), numbers_as_text=True).to_pylist()
    ["'=1+1", '-3.5', 'ab', None]
    """
    values, data, offsets = _cells(values)
    if len(values) == 0:
        return values
    if _holds_any(data[offsets[0] : offsets[-1]], ["\x00"]):
        values = pc.replace_substring(values, "\x00", "")
        values, data, offsets = _cells(values)
    starts, stops = offsets[:-1], offsets[1:]
    filled = stops > starts
    if len(data):
        risky = filled & _FORMULA_BYTES[data[np.where(filled, starts, 0)]]
    else:
        risky = np.zeros(len(values), dtype=bool)
    if values.null_count:
        risky &= np.asarray(values.is_valid())
    if numbers_as_text and risky.any():
        where = np.flatnonzero(risky)
        number = pc.match_substring_regex(values.take(pa.array(where)), _NUMBER)
        risky[where[np.asarray(number)]] = False
    if not risky.any():
        return values
    mask = pa.array(risky)
    prefixed = pc.binary_join_element_wise("'", values.filter(mask), "")
    return pc.replace_with_mask(values, mask, prefixed)


def quoted(values: Any, delimiter: str) -> Any:
    """Cells as Python's :mod:`csv` writes them (``QUOTE_MINIMAL``); a missing cell is empty.

    A cell holding the delimiter, a double quote, ``\\r`` or ``\\n`` is
    enclosed in double quotes, its own quotes doubled (Python 3.11's writer
    leaves a ``\\r`` unquoted when lines end with ``\\n``, which readers take
    for a line break: it is quoted here, as later Pythons do).
    """
    values = pc.fill_null(values, "")
    values, data, offsets = _cells(values)
    specials = sorted({delimiter, '"', "\r", "\n"})
    if not _holds_any(data[offsets[0] : offsets[-1]], specials):
        return values
    pattern = "[" + "".join(f"\\x{ord(c):02x}" for c in specials) + "]"
    mask = pc.match_substring_regex(values, pattern)
    inner = pc.replace_substring(values.filter(mask), '"', '""')
    return pc.replace_with_mask(values, mask, pc.binary_join_element_wise('"', inner, '"', ""))


def float_text(values: np.ndarray) -> Any:
    """Floats as pandas writes them in CSV (``repr``, e.g. ``0.0``, ``12.5``); NaN is missing.

    pyarrow writes the shortest digits that give the float back, as ``repr``
    does; where their forms differ (a whole number: ``5`` for ``5.0``; below
    1e-4 or from 1e15 on: ``0.00001`` for ``1e-05``) the cell is fixed.
    """
    values = np.asarray(values, dtype=float)
    out = pa.nulls(len(values), pa.string())
    with np.errstate(invalid="ignore"):
        magnitude = np.abs(values)
        finite = np.isfinite(values)
        zero = magnitude == 0
        odd = (finite & ~zero & ((magnitude < 1e-4) | (magnitude >= 1e15))) | np.isinf(values)
        regular = finite & ~zero & ~odd
    if regular.any():
        subset = values if regular.all() else values[regular]
        text = pc.cast(pa.array(subset), pa.string())
        whole = subset == np.trunc(subset)
        if whole.any():
            mask = pa.array(whole)
            text = pc.replace_with_mask(
                text, mask, pc.binary_join_element_wise(text.filter(mask), ".0", "")
            )
        out = text if regular.all() else pc.replace_with_mask(out, pa.array(regular), text)
    if zero.any():
        signs = np.signbit(values[zero]).astype(np.int8)
        out = pc.replace_with_mask(out, pa.array(zero), pa.array(["0.0", "-0.0"]).take(signs))
    if odd.any():
        fixed = pa.array([repr(float(v)) for v in values[odd]], pa.string())
        out = pc.replace_with_mask(out, pa.array(odd), fixed)
    return out


def header_line(names: Sequence[str], delimiter: str, *, raw: bool, numbers_as_text: bool) -> Any:
    """The header line's bytes, written (and neutralised unless ``raw``) as the cells are."""
    cells = pa.array([str(n) for n in names], type=pa.string())
    if not raw:
        cells = safe_text(cells, numbers_as_text=numbers_as_text)
    return lines_buffer(
        [quoted(pa.array([c], type=pa.string()), delimiter) for c in cells.to_pylist()], delimiter
    )


def lines_buffer(columns: Sequence[Any], delimiter: str) -> Any:
    """The CSV lines of cells already quoted (:func:`quoted`), as one pyarrow buffer.

    Each row's cells are joined by ``delimiter`` and end with ``\\n``; a missing cell
    is empty.
    """
    if not columns or len(columns[0]) == 0:
        return pa.py_buffer(b"")
    last = pc.binary_join_element_wise(
        columns[-1], "\n", "", null_handling="replace", null_replacement=""
    )
    lines = pc.binary_join_element_wise(
        *columns[:-1], last, delimiter, null_handling="replace", null_replacement=""
    )
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return lines.buffers()[2][first:last]
