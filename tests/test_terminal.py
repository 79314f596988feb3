"""Data never drives the terminal: control characters are escaped in every human-readable output.

A place's name, a country's name, a file or folder name may hold an escape
sequence (``ESC]52`` writes the clipboard, ``ESC[2J`` clears the screen, C1's
``CSI``, a bidirectional override).  Every table, line and message of the CLI
shows them escaped, as repr() does (:func:`geo.errors.printable`); the machine
formats (JSON, GeoJSON, CSV on stdout) keep the data exact.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.cli import cli
from geo.cli._common import PrintableFormatter
from geo.errors import printable, printable_json
from tests.conftest_data import copy_data, edit_feature

#: Clipboard write, clear screen, C1 CSI (red), right-to-left override, a bell, a backspace.
EVIL = "Baku\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\u202eevil\x08"
#: What a terminal acts on: C0 (but line feed and tab), DEL, C1, separators, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: The same, with line feed and tab: a cell of a table or a one-line answer.
RAW_CELL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def shell(*args: str) -> subprocess.CompletedProcess[str]:
    """``geo ARGS`` in a process of its own: its log goes through the CLI's own handler."""
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
        errors="surrogateescape",
    )


def clean(text: str) -> None:
    """``text`` holds no character a terminal would act on (line feeds and tabs aside)."""
    assert not RAW.search(text), text


@pytest.fixture(scope="module")
def evil_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data with a hostile name on ROCB Europe and on Azerbaijan."""
    folder = copy_data(tmp_path_factory.mktemp("evil"))
    edit_feature(
        folder, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(name=EVIL)
    )
    members = folder / "wco_members.csv"
    members.write_text(
        members.read_text(encoding="utf-8").replace("AZE,Azerbaijan,", f"AZE,{EVIL},"),
        encoding="utf-8",
    )
    return folder


# ------------------------------------------------------------------ the helper


def test_printable_escapes_as_repr_does() -> None:
    assert printable(EVIL) == repr(EVIL)[1:-1]
    assert printable("two\nlines\tand\x1b[2J", lines=True) == "two\nlines\tand\\x1b[2J"
    assert printable("two\nlines") == "two\\nlines"
    # letters of every script, joiners and no-break spaces stay as they are
    arabic = "\u0627\u0644\u062c\u0645\u0627\u0631\u0643"
    persian = "\u0645\u06cc\u200c\u062e"  # with a zero-width non-joiner
    for word in ("Zürich", arabic, persian, "🇦🇿", "17\u00a0km"):
        assert printable(word) == word


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.booleans())
def test_printable_leaves_nothing_a_terminal_acts_on(text: str, lines: bool) -> None:
    out = printable(text, lines=lines)
    assert not (RAW if lines else RAW_CELL).search(out)
    control = RAW if lines else RAW_CELL
    assert out == "".join(repr(c)[1:-1] if control.match(c) else c for c in text)


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.text(), lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids)))
def test_printable_json_keeps_the_data_and_escapes_the_rest(value: object) -> None:
    text = printable_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    assert not RAW_CELL.search(text.replace("\n", ""))


# ------------------------------------------------------------------ geo query


@pytest.mark.parametrize(
    "args",
    [
        ["nearest", "--lat", "40.3777", "--lon", "49.892", "--k", "2"],
        ["within", "--lat", "40.3777", "--lon", "49.892", "--km", "5"],
        ["region", "EUR", "--kind", "rocb"],
        ["country", "AZE"],
    ],
    ids=lambda a: a[0],
)
def test_query_tables_escape_names(evil_data: Path, args: list[str]) -> None:
    result = run("query", *args, "--data", str(evil_data))
    assert result.exit_code == 0, result.stderr
    clean(result.stdout + result.stderr)
    assert "Baku\\x1b]52;c;" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "rocb-europe" in line)
    assert row.split()[0] in {"0.0", "rocb-europe"}  # one row: no line broken by the name


def test_query_distance_line_escapes_names(evil_data: Path) -> None:
    result = run("query", "distance", "rocb-europe", "samur", "--data", str(evil_data))
    assert result.exit_code == 0, result.stderr
    clean(result.stdout)
    assert "(Baku\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x9b31m\\u202eevil\\x08)" in result.stdout


def test_query_machine_formats_keep_the_data_exact(evil_data: Path) -> None:
    args = ["query", "nearest", "--lat", "40.3777", "--lon", "49.892", "--k", "1"]
    as_json = run(*args, "--format", "json", "--data", str(evil_data))
    assert json.loads(as_json.stdout)[0]["name"] == EVIL
    assert not RAW_CELL.search(as_json.stdout.replace("\n", ""))  # JSON escapes them itself
    as_geojson = run(*args, "--format", "geojson", "--data", str(evil_data))
    assert json.loads(as_geojson.stdout)["features"][0]["properties"]["name"] == EVIL
    as_csv = run(*args, "--format", "csv", "--raw-csv", "--data", str(evil_data))
    assert next(csv.DictReader(io.StringIO(as_csv.stdout)))["name"] == EVIL


def test_query_notes_escape_the_map_path(evil_data: Path, tmp_path: Path) -> None:
    target = tmp_path / "m\x1b[2J.html"
    result = run("query", "country", "AZE", "--data", str(evil_data), "--map", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.is_file()
    clean(result.stderr)
    assert "m\\x1b[2J.html" in result.stderr


# ------------------------------------------------------------------ locate, validate, build


def test_locate_escapes_the_country_name(evil_data: Path) -> None:
    result = run("locate", "--lat", "40.41", "--lon", "49.87", "--data", str(evil_data))
    assert result.exit_code == 0, result.stderr
    clean(result.stdout)
    assert "Baku\\x1b]52" in result.stdout
    as_json = run(
        "locate", "--lat", "40.41", "--lon", "49.87", "--format", "json", "--data", str(evil_data)
    )
    assert json.loads(as_json.stdout)["country"] == EVIL


def test_validate_escapes_a_file_name(evil_data: Path, tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    bad = folder / "evil\x1b]52;c;eA==\x07.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = run("validate", "--data", str(folder))
    assert result.exit_code == 1
    clean(result.stderr)
    assert "evil\\x1b]52;c;eA==\\x07.geojson" in result.stderr


def test_build_log_escapes_the_output_path(evil_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out\x1b[2J\x9b"
    result = shell("build", "--data", str(evil_data), "--output", str(out), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()
    clean(result.stderr)
    assert "out\\x1b[2J\\x9b" in result.stderr


# ------------------------------------------------------------------ edits


def test_edit_messages_escape_the_path_and_values(tmp_path: Path) -> None:
    folder = copy_data(tmp_path / "d\x1b[2J")
    result = run("set", "rocb-europe", f"name={EVIL}", "--data", str(folder))
    assert result.exit_code == 0, result.stderr
    clean(result.stderr)
    assert "d\\x1b[2J" in result.stderr
    stored = json.loads((folder / "offices.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["id"]: f["properties"]["name"] for f in stored["features"]}
    assert names["rocb-europe"] == EVIL  # the data itself is kept exactly
    removed = run("remove", "rocb-europe", "--data", str(folder))
    assert removed.exit_code == 0, removed.stderr
    clean(removed.stderr)


def test_error_messages_escape_what_they_quote(tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b]52;c;eA==\x07where"
    result = run("query", "country", "AZE", "--data", str(missing))
    assert result.exit_code != 0
    clean(result.stderr + result.stdout)


# ------------------------------------------------------------------ logs (watch, serve, build)


def test_the_cli_log_escapes_every_record() -> None:
    record = logging.LogRecord(
        "geo.watch", logging.WARNING, __file__, 1, "rebuilt %s", (EVIL,), None
    )
    line = PrintableFormatter("%(message)s").format(record)
    clean(line)
    assert line == "rebuilt " + repr(EVIL)[1:-1]
    two = logging.LogRecord("geo.serve", logging.INFO, __file__, 1, "a\nb\x1b", None, None)
    assert PrintableFormatter("%(message)s").format(two) == "a\nb\\x1b"
