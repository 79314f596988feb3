"""The data folder's settings (geo.toml): defaults, a strict reading, and what they change."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo
from geo.config import CONFIG_FILE, Config, config_problems, read_config
from geo.errors import DataError


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(text, encoding="utf-8")
    return folder


def test_a_folder_without_settings_has_the_defaults(tmp_path: Path) -> None:
    assert read_config(tmp_path) == Config(("en",), None)
    assert config_problems(tmp_path) == []


def test_the_maps_languages_are_read_in_order(tmp_path: Path) -> None:
    folder = write(tmp_path, '[maps]\nlanguages = ["fr", "en"]  # French first\n')
    assert read_config(folder) == Config(("fr", "en"), folder / CONFIG_FILE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[maps]\nlangauges = ["fr"]\n',
            r"geo\.toml: field 'maps\.langauges': got \['fr'\]; expected a key among "
            r"\['maps\.languages'\] \(did you mean 'maps\.languages'\?\)",
        ),
        (
            '[map]\nlanguages = ["fr"]\n',
            r"field 'map': got \{'languages': \['fr'\]\}; expected a table among \['maps'\] "
            r"\(did you mean 'maps'\?\)",
        ),
        ('languages = ["fr"]\n', r"field 'languages': .*\(put it under \[maps\]\)"),
        (
            '[maps]\nlanguages = ["fr", "fra"]\n',
            r"field 'maps\.languages': got 'fra'; expected one of \['en', 'fr'\] \(the languages "
            r"with a catalogue in geo/locale/\) \(did you mean 'fr'\?\)",
        ),
        ('[maps]\nlanguages = ["fr", "fr"]\n', r"got \['fr'\]; expected each language once"),
        ('[maps]\nlanguages = "fr"\n', r"got 'fr'; expected a non-empty list of language codes"),
        ("[maps]\nlanguages = []\n", r"got \[\]; expected a non-empty list"),
        ("maps = 1\n", r"field 'maps': got 1; expected a table: \[maps\]"),
        (
            "[maps\nlanguages = 1\n",
            r"geo\.toml:1:6: field '\(toml\)': got \"Expected ']' at the end of a table "
            r"declaration\"; expected valid TOML\n +\[maps\n +\^",
        ),
    ],
)
def test_a_mistake_names_the_file_the_field_and_the_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    folder = write(tmp_path, text)
    with pytest.raises(DataError, match=message):
        read_config(folder)


def test_every_problem_is_said_at_once(tmp_path: Path) -> None:
    folder = write(tmp_path, '[maps]\nlanguages = ["de"]\nlanguage = "fr"\n[output]\n')
    fields = sorted(p.field for p in config_problems(folder))
    assert fields == ["maps.language", "maps.languages", "output"]


def test_a_file_that_is_not_text_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    tmp_path.joinpath(CONFIG_FILE).write_bytes(b"\xff\xfe[maps]")
    with pytest.raises(DataError, match=r"geo\.toml: field '\(file\)'.*expected UTF-8 text"):
        read_config(tmp_path)
    tmp_path.joinpath(CONFIG_FILE).unlink()
    tmp_path.joinpath(CONFIG_FILE).mkdir()
    with pytest.raises(DataError, match=r"expected a file, not a folder"):
        read_config(tmp_path)


def test_validate_reports_the_settings_with_the_data(fixture_copy: Path) -> None:
    write(fixture_copy, '[maps]\nlanguages = ["xx"]\n')
    problems = geo.validate(fixture_copy)
    assert [(p.file, p.field, p.value) for p in problems] == [("geo.toml", "maps.languages", "xx")]


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 3000 + "]" * 3000 + "\n",  # deeper than the parser goes
        "[maps]\nlanguages = " + "[" * 300 + "]" * 300 + "\n",  # parsed, but too deep to show
        "a = " + "{b = " * 3000 + "}" * 3000 + "\n",
        "[" + ".".join(["a"] * 3000) + "]\n",  # dotted tables: no recursion in the parser
    ],
)
def test_settings_nested_too_deep_are_one_problem(tmp_path: Path, text: str) -> None:
    folder = write(tmp_path, text)
    with pytest.raises(
        DataError,
        match=r"^1 problem in the data:\n  geo\.toml: field '\(toml\)': got 'nesting deeper "
        r"than 16'; expected tables and arrays nested at most 16 deep$",
    ):
        read_config(folder)


@pytest.mark.parametrize(
    "text",
    [
        "[maps]\nlanguages = " + "9" * 5000 + "\n",
        "[maps]\nlanguages = [" + "9" * 4301 + "]\n",
        "a = -" + "1" * 5000 + "\n",
    ],
)
def test_settings_with_a_number_too_long_to_read_are_one_problem(tmp_path: Path, text: str) -> None:
    """Python refuses to read an integer of more than 4300 digits: a ValueError traceback."""
    folder = write(tmp_path, text)
    with pytest.raises(
        DataError,
        match=r"^1 problem in the data:\n  geo\.toml: field '\(toml\)': got 'a number too long "
        r"to read \(Exceeds the limit \(4300 digits\).*expected numbers of a few digits$",
    ):
        read_config(folder)


def test_settings_with_a_hexadecimal_number_too_long_to_show_are_one_problem(
    tmp_path: Path,
) -> None:
    """Python reads it, but its repr() refuses: the message gave a ValueError traceback."""
    folder = write(tmp_path, "[maps]\nlanguages = 0x" + "f" * 5000 + "\n")
    with pytest.raises(DataError) as caught:
        read_config(folder)
    assert str(caught.value) == (
        "1 problem in the data:\n  geo.toml: field 'maps.languages': got a number of 20000 "
        "bits; expected a non-empty list of language codes, e.g. ['en', 'fr']"
    )


def test_settings_nested_as_deep_as_allowed_are_read(tmp_path: Path) -> None:
    folder = write(tmp_path, "[" + ".".join(["a"] * 15) + "]\n")  # 16 levels with the top
    with pytest.raises(DataError, match=r"field 'a': got \{'a': .*expected a table among"):
        read_config(folder)
