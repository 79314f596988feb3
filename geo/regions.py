"""WCO membership: which country is a Member, in which region.

Reads ``wco_members.csv`` (one row per Member: ``iso3``, ``name``, ``region``
code, ``joined_year``, ``source``, ``notes``) and
``nonmember_territories.csv`` (areas a map shows that are not Members:
``iso3``, ``name``, ``status``, ``treated_with``, ``note``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.errors import DataError, Problem
from geo.fileio import read_csv_rows
from geo.schema import REGIONS

__all__ = ["Country", "Membership", "load_membership"]


@dataclass(frozen=True)
class Country:
    """A country or territory as the atlas knows it.

    Attributes
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code (``XKX`` for Kosovo).
    name : str
        Name as the WCO lists it for Members, else the territory's name.
    region : str or None
        WCO region code for a Member, ``None`` for a non-member.
    member : bool
        Whether the country or customs territory is a WCO Member.
    """

    iso3: str
    name: str
    region: str | None
    member: bool


class Membership:
    """The membership table and the non-member territories, by ISO3 code."""

    def __init__(self, members: dict[str, Country], others: dict[str, Country]) -> None:
        self.members = members
        self.others = others

    def get(self, iso3: str, fallback_name: str | None = None) -> Country | None:
        """The :class:`Country` for ``iso3``; a non-member when only ``fallback_name`` is known."""
        found = self.members.get(iso3) or self.others.get(iso3)
        if found is None and fallback_name is not None:
            return Country(iso3, fallback_name, None, False)
        return found

    def known(self, iso3: str) -> bool:
        """Whether ``iso3`` is a Member or a listed territory."""
        return iso3 in self.members or iso3 in self.others


def load_membership(
    members_csv: Path, territories_csv: Path, *, read: Callable[[Path], bytes] | None = None
) -> Membership:
    """Read the two tables, checking every row, and report all problems at once.

    ``read``, when given, reads a file's bytes (:func:`geo.fileio.read_data_bytes`
    by default): a caller that keeps them reads each file once.

    Raises
    ------
    DataError
        On a missing file or column, an ISO3 code that is not three capital
        letters, a region code not in :data:`geo.schema.REGIONS`, or a code
        listed twice.
    """
    problems: list[Problem] = []
    members: dict[str, Country] = {}
    data = read(members_csv) if read is not None else None
    rows = read_csv_rows(members_csv, required=("iso3", "name", "region"), data=data)
    for line, row in rows:
        iso3, region = row["iso3"].strip(), row["region"].strip()
        if not _is_iso3(iso3):
            problems.append(_row_problem(members_csv, line, "iso3", iso3, "three capital letters"))
            continue
        if region not in REGIONS:
            expected = f"one of {sorted(REGIONS)}"
            problems.append(_row_problem(members_csv, line, "region", region, expected))
            continue
        if iso3 in members:
            problems.append(_row_problem(members_csv, line, "iso3", iso3, "a code listed once"))
        members[iso3] = Country(iso3, row["name"].strip(), region, True)
    others: dict[str, Country] = {}
    data = read(territories_csv) if read is not None else None
    rows = read_csv_rows(territories_csv, required=("iso3", "name"), data=data)
    for line, row in rows:
        iso3 = row["iso3"].strip()
        if not _is_iso3(iso3):
            problems.append(
                _row_problem(territories_csv, line, "iso3", iso3, "three capital letters")
            )
            continue
        if iso3 in members:
            expected = "a territory that is not also a Member"
            problems.append(_row_problem(territories_csv, line, "iso3", iso3, expected))
        others[iso3] = Country(iso3, row["name"].strip(), None, False)
    if problems:
        raise DataError(problems)
    return Membership(members, others)


def _is_iso3(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()


def _row_problem(path: Path, line: int, field: str, value: str, expected: str) -> Problem:
    return Problem(f"{path.name}:{line}", field, expected, value)
