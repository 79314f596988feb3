"""geo.regions: the membership table and the non-member territories."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import geo
from geo.errors import DataError
from geo.regions import Country, Membership, load_membership
from geo.schema import REGIONS

MEMBERS = "wco_members.csv"
TERRITORIES = "nonmember_territories.csv"
MEMBERS_HEADER = "iso3,name,region,joined_year,source,notes\n"
TERRITORIES_HEADER = "iso3,name,status,treated_with,note\n"


@pytest.fixture
def membership(fixture_dir: Path) -> Membership:
    return load_membership(fixture_dir / MEMBERS, fixture_dir / TERRITORIES)


def tables(folder: Path, members: str, territories: str = "TWN,Taiwan,x,-,\n") -> Path:
    """Write both tables (header added) into ``folder``; return it."""
    (folder / MEMBERS).write_text(MEMBERS_HEADER + members, encoding="utf-8")
    (folder / TERRITORIES).write_text(TERRITORIES_HEADER + territories, encoding="utf-8")
    return folder


def load(folder: Path) -> Membership:
    return load_membership(folder / MEMBERS, folder / TERRITORIES)


# -- loading ------------------------------------------------------------------------------


def test_loads_every_row_of_the_fixture(fixture_dir: Path, membership: Membership) -> None:
    with (fixture_dir / MEMBERS).open(encoding="utf-8", newline="") as handle:
        members = {row["iso3"]: row for row in csv.DictReader(handle)}
    with (fixture_dir / TERRITORIES).open(encoding="utf-8", newline="") as handle:
        territories = {row["iso3"]: row for row in csv.DictReader(handle)}
    assert set(membership.members) == set(members)
    assert set(membership.others) == set(territories) == {"ATA", "ESH", "GRL", "TWN", "TUV", "VAT"}
    for code, row in members.items():
        assert membership.members[code] == Country(code, row["name"], row["region"], True)
    for code, row in territories.items():
        assert membership.others[code] == Country(code, row["name"], None, False)


def test_every_region_has_a_member_in_the_fixture(membership: Membership) -> None:
    assert {c.region for c in membership.members.values()} == set(REGIONS)


@pytest.mark.parametrize(
    ("iso3", "expected"),
    [
        ("AZE", Country("AZE", "Azerbaijan", "EUR", True)),
        ("XKX", Country("XKX", "Kosovo", "EUR", True)),
        ("HKG", Country("HKG", "Hong Kong, China", "AP", True)),
        ("ESH", Country("ESH", "Western Sahara", None, False)),
        ("TWN", Country("TWN", "Taiwan", None, False)),
        ("CHL", None),
        ("aze", None),
    ],
)
def test_get(membership: Membership, iso3: str, expected: Country | None) -> None:
    assert membership.get(iso3) == expected
    assert membership.known(iso3) is (expected is not None)


def test_get_with_a_fallback_name(membership: Membership) -> None:
    # a polygon's code in neither table: a non-member under the polygon's own name
    assert membership.get("CHL", fallback_name="Chile") == Country("CHL", "Chile", None, False)
    assert not membership.known("CHL")
    # the tables win over the fallback name
    assert membership.get("TWN", fallback_name="Chinese Taipei").name == "Taiwan"
    assert membership.get("AZE", fallback_name="x") == membership.members["AZE"]


def test_country_is_frozen() -> None:
    country = Country("AZE", "Azerbaijan", "EUR", True)
    with pytest.raises(AttributeError, match="cannot assign to field 'region'"):
        country.region = "AP"  # type: ignore[misc]


def test_spaces_around_values_are_stripped(tmp_path: Path) -> None:
    folder = tables(tmp_path, " AZE , Azerbaijan ,EUR ,2009,s,\n", " TWN ,  Taiwan ,x,-,\n")
    found = load(folder)
    assert found.members == {"AZE": Country("AZE", "Azerbaijan", "EUR", True)}
    assert found.others == {"TWN": Country("TWN", "Taiwan", None, False)}


def test_atlas_reads_the_fixture_tables_not_the_shipped_ones(
    fixture_atlas: geo.Atlas, membership: Membership
) -> None:
    assert fixture_atlas.membership.members == membership.members
    assert fixture_atlas.membership.others == membership.others


# -- bad rows: file, line and field, every problem at once ---------------------------------------


@pytest.mark.parametrize(
    ("members", "territories", "message"),
    [
        pytest.param(
            "AZE,Azerbaijan,EUR,,,\naze,Azerbaijan,EUR,,,\n",
            "",
            r"wco_members\.csv:3: field 'iso3': got 'aze'; expected three capital letters",
            id="lower-case",
        ),
        pytest.param(
            "AZER,Azerbaijan,EUR,,,\n",
            "",
            r"wco_members\.csv:2: field 'iso3': got 'AZER'; expected three capital letters",
            id="four-letters",
        ),
        pytest.param(
            "ÅZE,Azerbaijan,EUR,,,\n",
            "",
            r"wco_members\.csv:2: field 'iso3': got 'ÅZE'; expected three capital letters",
            id="not-ascii",
        ),
        pytest.param(
            "AZE,Azerbaijan,Europe,,,\n",
            "",
            r"wco_members\.csv:2: field 'region': got 'Europe'; expected one of "
            r"\['AC', 'AP', 'ESA', 'EUR', 'MENA', 'WCA'\]",
            id="region-name-not-code",
        ),
        pytest.param(
            "AZE,Azerbaijan,EUR,,,\nBEL,Belgium,EUR,,,\nAZE,Azerbaijan again,EUR,,,\n",
            "",
            r"wco_members\.csv:4: field 'iso3': got 'AZE'; expected a code listed once",
            id="listed-twice",
        ),
        pytest.param(
            "AZE,Azerbaijan,EUR,,,\n",
            "TWN,Taiwan,x,-,\nAZE,Azerbaijan,x,-,\n",
            r"nonmember_territories\.csv:3: field 'iso3': got 'AZE'; "
            r"expected a territory that is not also a Member",
            id="territory-also-member",
        ),
        pytest.param(
            "AZE,Azerbaijan,EUR,,,\n",
            "Twn,Taiwan,x,-,\n",
            r"nonmember_territories\.csv:2: field 'iso3': got 'Twn'; "
            r"expected three capital letters",
            id="territory-code",
        ),
        pytest.param(
            "AZE,Azerbaijan,EUR,,,\n",
            ",nameless,x,-,\n",
            r"nonmember_territories\.csv:2: field 'iso3': got ''; expected three capital letters",
            id="territory-empty-code",
        ),
    ],
)
def test_bad_row(tmp_path: Path, members: str, territories: str, message: str) -> None:
    folder = tables(tmp_path, members, territories)
    with pytest.raises(DataError, match=rf"^1 problem in the data:\n  {message}$"):
        load(folder)


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    folder = tables(
        tmp_path,
        "aze,Azerbaijan,EUR,,,\nBEL,Belgium,EU,,,\nBEL,Belgium,EUR,,,\nFRA,France,EUR,,,\n",
        "FRA,France,x,-,\n",
    )
    with pytest.raises(DataError, match=r"^3 problems in the data:\n") as info:
        load(folder)
    assert [(p.file, p.field, p.value) for p in info.value.problems] == [
        ("wco_members.csv:2", "iso3", "aze"),
        ("wco_members.csv:3", "region", "EU"),
        ("nonmember_territories.csv:2", "iso3", "FRA"),
    ]


@pytest.mark.parametrize(
    ("name", "header", "message"),
    [
        (
            MEMBERS,
            "iso3,name,joined_year\n",
            r"wco_members\.csv: field '\(header\)': got \['iso3', 'name', 'joined_year'\]; "
            r"expected columns \['iso3', 'name', 'region'\]",
        ),
        (
            TERRITORIES,
            "code,name\n",
            r"nonmember_territories\.csv: field '\(header\)': got \['code', 'name'\]; "
            r"expected columns \['iso3', 'name'\]",
        ),
    ],
)
def test_missing_column(tmp_path: Path, name: str, header: str, message: str) -> None:
    folder = tables(tmp_path, "AZE,Azerbaijan,EUR,,,\n")
    (folder / name).write_text(header, encoding="utf-8")
    with pytest.raises(DataError, match=rf"^1 problem in the data:\n  {message}$"):
        load(folder)


@pytest.mark.parametrize("name", [MEMBERS, TERRITORIES])
def test_missing_file(tmp_path: Path, name: str) -> None:
    folder = tables(tmp_path, "AZE,Azerbaijan,EUR,,,\n")
    (folder / name).unlink()
    with pytest.raises(
        DataError,
        match=rf"{re.escape(name)}: field '\(file\)': got '.*'; expected an existing file$",
    ):
        load(folder)


def test_a_broken_table_in_a_data_folder_stops_load_and_validate(fixture_copy: Path) -> None:
    path = fixture_copy / MEMBERS
    path.write_text(path.read_text(encoding="utf-8").replace(",EUR,", ",EU,", 1), encoding="utf-8")
    message = r"^1 problem in the data:\n  wco_members\.csv:\d+: field 'region': got 'EU'"
    with pytest.raises(DataError, match=message):
        geo.validate(fixture_copy)
    with pytest.raises(DataError, match=message):
        geo.load(fixture_copy)


# -- rows and lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_row",
    ['AZE,Azerbaijan,EUR,2009,s,"a note\non two lines"\n', "AZE,Azerbaijan,EUR,2009,s,\n\n"],
    ids=["quoted-newline", "blank-line"],
)
def test_bad_row_line_is_the_line_in_the_file(tmp_path: Path, first_row: str) -> None:
    folder = tables(tmp_path, first_row + "BEL,Belgium,EU,1952,s,\n")
    with pytest.raises(DataError, match=r"wco_members\.csv:4: field 'region': got 'EU'"):
        load(folder)


@pytest.mark.parametrize(
    ("members", "territories", "message"),
    [
        (
            "AZE,Azerbaijan\n",
            "",
            r"wco_members\.csv:2: field '\(row\)': got \['AZE', 'Azerbaijan'\]; "
            r"expected 6 cells, as in the header",
        ),
        (
            "AZE,Azerbaijan,EUR,,,\n",
            "TWN\n",
            r"nonmember_territories\.csv:2: field '\(row\)': got \['TWN'\]; expected \d+ cells",
        ),
    ],
    ids=["member-without-region", "territory-without-name"],
)
def test_short_row_is_a_data_error(
    tmp_path: Path, members: str, territories: str, message: str
) -> None:
    folder = tables(tmp_path, members, territories)
    with pytest.raises(DataError, match=message):
        load(folder)
