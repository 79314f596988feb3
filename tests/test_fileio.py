"""geo.fileio: strict JSON with precise errors, CSV tables, atomic writes."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import DataError
from geo.fileio import (
    MAX_JSON_DEPTH,
    atomic_write_bytes,
    atomic_write_text,
    is_finite_number,
    parse_json,
    read_csv_rows,
    read_json,
    temporary_pattern,
)

#: hypothesis with pytest's tmp_path: each example overwrites the same files.
TMP_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def leftovers(folder: Path) -> list[str]:
    """Temporary files of atomic writes left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- read_json ------------------------------------------------------------------------------


def test_read_json_parses_and_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "doc.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + '{"name": "Ressano García", "n": [1, 2.5, null]}'.encode())
    assert read_json(path) == {"name": "Ressano García", "n": [1, 2.5, None]}


def test_read_json_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "offices.geojson"
    with pytest.raises(
        DataError,
        match=r"offices\.geojson: field '\(file\)': got '.*offices\.geojson'; "
        r"expected an existing file$",
    ):
        read_json(path)


def test_read_json_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "offices.geojson"
    path.write_bytes(b'{"name": "Kap\xfdkule"}')
    with pytest.raises(
        DataError,
        match=r"offices\.geojson:1:14: field '\(file\)': got 'byte 13: invalid start byte'; "
        r"expected UTF-8 text \(save the file as UTF-8\)$",
    ):
        read_json(path)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}', 4, 3, "Expecting ',' delimiter"),
        ('{\n  "id": "samur",\n  "kind" "border_post"\n}', 3, 10, "Expecting ':' delimiter"),
        ("[1, 2,\n\n   oops]", 3, 4, "Expecting value"),
        ('{"a": "unterminated', 1, 7, "Unterminated string starting at"),
        ("", 1, 1, "Expecting value"),
        ("{} {}", 1, 4, "Extra data"),
    ],
)
def test_read_json_syntax_error_gives_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    path = tmp_path / "border_posts.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        DataError,
        match=rf"^1 problem in the data:\n  border_posts\.geojson:{line}:{column}: "
        rf"field '\(json\)': got {re.escape(repr(message))}; expected valid JSON\n",
    ) as info:
        read_json(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.index) == (line, column, None)
    # the offending line, with a caret under the column
    shown, caret = problem.excerpt.split("\n") if problem.excerpt else ("", "")
    assert shown == (text.split("\n")[line - 1] if text else "")
    assert caret == " " * (column - 1) + "^"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_read_json_rejects_nan_and_infinity(tmp_path: Path, constant: str) -> None:
    path = tmp_path / "offices.geojson"
    path.write_text(f'{{"coordinates": [{constant}, 1]}}', encoding="utf-8")
    with pytest.raises(
        DataError,
        match=rf"offices\.geojson: field '\(json\)': got '{constant} is not valid JSON'; "
        r"expected valid JSON \(no NaN or Infinity\)$",
    ):
        read_json(path)


def test_read_json_label_names_the_file_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"^1 problem in the data:\n  edit of offices\.geojson:1:2: "
    ):
        read_json(path, label="edit of offices.geojson")


def test_read_json_on_a_folder_is_a_data_error(tmp_path: Path) -> None:
    folder = tmp_path / "x.geojson"
    folder.mkdir()
    with pytest.raises(
        DataError, match=r"x\.geojson: field '\(file\)': got '.*'; expected a file, not a folder"
    ):
        read_json(folder)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@TMP_SETTINGS
@given(value=json_values, indent=st.sampled_from([None, 2]), ascii_only=st.booleans())
def test_read_json_round_trips(
    tmp_path: Path, value: object, indent: int | None, ascii_only: bool
) -> None:
    path = tmp_path / "doc.json"
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    raw = json.dumps(value, ensure_ascii=False)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in raw):
        # a lone surrogate: bytes that are not UTF-8, or a \u escape no text can hold
        expected = "valid Unicode text" if ascii_only else "expected UTF-8 text"
        with pytest.raises(DataError, match=expected):
            read_json(path)
        return
    assert read_json(path) == value


# -- read_csv_rows --------------------------------------------------------------------------


def test_read_csv_rows_gives_dicts_and_keeps_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "wco_members.csv"
    path.write_bytes(
        b"\xef\xbb\xbfiso3,name,region,notes\r\n"
        b'AZE,Azerbaijan,EUR,"two\r\nlines, one field"\r\n'
        b"BEL,Belgium,EUR,\r\n"
    )
    rows = read_csv_rows(path, required=("iso3", "region"))
    assert rows == [
        (
            2,
            {
                "iso3": "AZE",
                "name": "Azerbaijan",
                "region": "EUR",
                "notes": "two\r\nlines, one field",
            },
        ),
        (4, {"iso3": "BEL", "name": "Belgium", "region": "EUR", "notes": ""}),  # its line
    ]


def test_read_csv_rows_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        DataError, match=r"wco_members\.csv: field '\(file\)': got '.*'; expected an existing file$"
    ):
        read_csv_rows(tmp_path / "wco_members.csv", required=("iso3",))


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("iso3,name\nAZE,Azerbaijan\n", "['iso3', 'name']"),
        ("", "[]"),
        ("ISO3,Name,Region\n", "['ISO3', 'Name', 'Region']"),
    ],
)
def test_read_csv_rows_missing_column_lists_the_columns(
    tmp_path: Path, text: str, columns: str
) -> None:
    path = tmp_path / "wco_members.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        DataError,
        match=r"^1 problem in the data:\n  wco_members\.csv: field '\(header\)': "
        rf"got {re.escape(columns)}; expected columns \['iso3', 'name', 'region'\]$",
    ):
        read_csv_rows(path, required=("iso3", "name", "region"))


def test_read_csv_rows_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "nonmember_territories.csv"
    path.write_bytes("iso3,name\nALA,\xc5land Islands\n".encode("latin-1"))
    with pytest.raises(
        DataError, match=r"nonmember_territories\.csv:2:5: field '\(file\)'.*expected UTF-8 text"
    ):
        read_csv_rows(path, required=("iso3", "name"))


# -- atomic writes ----------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX only: checks permission bits (0o644)")
def test_atomic_write_creates_folders_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "places.geojson"
    atomic_write_bytes(path, b"first")
    atomic_write_text(path, "second: Ressano García")
    assert path.read_bytes() == "second: Ressano García".encode()
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert leftovers(path.parent) == []


def test_readers_see_the_old_file_until_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index.html"
    path.write_text("old", encoding="utf-8")
    seen: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        seen.append(path.read_text(encoding="utf-8"))  # the new bytes are on disk, elsewhere

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_text(path, "new")
    assert seen == ["old"]
    assert path.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(
    ("error", "message"), [(OSError("disk full"), "^disk full$"), (KeyboardInterrupt(), "^$")]
)
def test_failed_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, message: str
) -> None:
    path = tmp_path / "places.geojson"
    path.write_text("old", encoding="utf-8")

    def fsync(fd: int) -> None:
        raise error

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(type(error), match=message):
        atomic_write_bytes(path, b"new, never complete")
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_failed_rename_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "output"
    target.mkdir()  # a folder cannot be replaced by a file
    (target / "keep.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(IsADirectoryError, match="Is a directory"):
        atomic_write_bytes(target, b"data")
    assert (target / "keep.txt").read_text(encoding="utf-8") == "kept"
    assert leftovers(tmp_path) == []


def test_unencodable_text_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        atomic_write_text(path, "lone \ud800 surrogate")
    assert list(tmp_path.iterdir()) == []


@TMP_SETTINGS
@given(text=st.text(st.characters(exclude_categories=("Cs",))))
def test_atomic_write_text_round_trips(tmp_path: Path, text: str) -> None:
    path = tmp_path / "out.txt"
    atomic_write_text(path, text)
    assert path.read_bytes() == text.encode("utf-8")
    assert leftovers(tmp_path) == []


def test_atomic_write_of_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    atomic_write_bytes(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_bytes() == b"new"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_atomic_write_as_root_keeps_the_owner_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "offices.geojson"
    path.write_text("old", encoding="utf-8")
    os.chown(path, 12345, 23456)
    path.chmod(0o2640)  # a set-id bit that a chown after the chmod would clear
    atomic_write_bytes(path, b"new")
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o2640)


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077, 0o002])
def test_atomic_write_of_a_new_file_follows_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        atomic_write_bytes(tmp_path / "map.html", b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "map.html").stat().st_mode) == 0o666 & ~umask


def test_atomic_write_follows_a_link_only_when_asked(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("real", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    atomic_write_bytes(link, b"through", follow_symlinks=True)
    assert link.is_symlink()
    assert (tmp_path / "real.txt").read_bytes() == b"through"
    # by default a link is replaced: a link planted among geo's own outputs
    # (a journal, a manifest) cannot send a write elsewhere
    atomic_write_bytes(link, b"replaced")
    assert not link.is_symlink()
    assert link.read_bytes() == b"replaced"
    assert (tmp_path / "real.txt").read_bytes() == b"through"


def test_atomic_write_refuses_a_read_only_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``open(path, "w")`` would; the tests run as root, which may write anything, so
    ``os.access`` is made to say no."""
    path = tmp_path / "map.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **k: False if Path(p) == path else real_access(p, m, **k)
    )
    with pytest.raises(PermissionError, match=r"Permission denied: '.*map\.html'"):
        atomic_write_bytes(path, b"new")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        (".offices.geojson.k1ll3d_x.tmp", True),
        (".offices.geojson.abcdefgh.tmp", True),
        (".offices.geojson.tmp", False),
        (".offices.geojson.ABCDEFGH.tmp", False),
        (".offices.geojson.abcdefg.tmp", False),
        (".offices.geojson.abcdefghi.tmp", False),
        (".offices_geojson.abcdefgh.tmp", False),
        ("x.offices.geojson.abcdefgh.tmp", False),
        (".notes.tmp", False),
    ],
)
def test_temporary_pattern(name: str, matches: bool) -> None:
    assert bool(temporary_pattern("offices.geojson").fullmatch(name)) is matches


def test_temporaries_are_named_by_the_pattern(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def fsync(fd: int) -> None:
        seen.extend(leftovers(tmp_path))

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_bytes(tmp_path / "offices.geojson", b"{}")
    (name,) = seen
    assert temporary_pattern("offices.geojson").fullmatch(name)


# -- is_finite_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, True),
        (-180, True),
        (48.4303, True),
        (1e308, True),
        (True, False),
        (False, False),
        (math.nan, False),
        (math.inf, False),
        (-math.inf, False),
        ("48.4", False),
        (None, False),
        ([48.4], False),
    ],
)
def test_is_finite_number(value: object, expected: bool) -> None:
    assert is_finite_number(value) is expected


# -- limits: what a data file may not be ---------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX only: /dev/zero and os.mkfifo")
def test_a_device_or_pipe_is_refused_without_reading_it(tmp_path: Path) -> None:
    link = tmp_path / "offices.geojson"
    link.symlink_to("/dev/zero")  # would grow without end if read
    with pytest.raises(
        DataError, match=r"expected a regular file \(not a device, pipe or socket\)"
    ):
        read_json(link)
    fifo = tmp_path / "fifo.geojson"
    os.mkfifo(fifo)  # would block a read for ever
    with pytest.raises(
        DataError, match=r"fifo\.geojson: field '\(file\)'.*expected a regular file"
    ):
        read_json(fifo)


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "offices.geojson"
    path.write_text('{"a": "' + "x" * 2000 + '"}', encoding="utf-8")
    monkeypatch.setenv("GEO_MAX_FILE_MB", "0.001")  # 1000 bytes
    with pytest.raises(
        DataError,
        match=r"got .2,009 bytes.; expected a file of at most 1,000 bytes "
        r"\(set GEO_MAX_FILE_MB to raise the limit\)",
    ):
        read_json(path)
    monkeypatch.setenv("GEO_MAX_FILE_MB", "0.01")
    assert read_json(path)["a"] == "x" * 2000
    monkeypatch.setenv("GEO_MAX_FILE_MB", "lots")
    with pytest.raises(DataError, match=r"\$GEO_MAX_FILE_MB.*expected a positive number of MB"):
        read_json(path)


def test_a_file_that_grows_after_its_size_was_read_is_read_whole_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """read() is asked for the size stat() gave, then reads on to the limit."""
    path = tmp_path / "offices.geojson"
    path.write_text('{"a": "' + "x" * 2000 + '"}', encoding="utf-8")
    real = Path.stat

    def smaller(self: Path, **kwargs: Any) -> os.stat_result:  # as stat() saw it before
        info = real(self, **kwargs)
        return os.stat_result((info.st_mode, *tuple(info)[1:6], 10, *tuple(info)[7:]))

    monkeypatch.setattr(Path, "stat", smaller)
    assert read_json(path)["a"] == "x" * 2000
    monkeypatch.setenv("GEO_MAX_FILE_MB", "0.001")  # 1000 bytes
    with pytest.raises(DataError, match=r"got 'more than 1,000 bytes'; expected a file of at"):
        read_json(path)


@pytest.mark.parametrize("huge", ["99999999999999999999999999", "1e300"])
def test_a_size_limit_beyond_any_file_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, huge: str
) -> None:
    """It overflowed read(): an OverflowError traceback in every command."""
    path = tmp_path / "offices.geojson"
    path.write_text('{"a": 1}', encoding="utf-8")
    monkeypatch.setenv("GEO_MAX_FILE_MB", huge)
    assert read_json(path) == {"a": 1}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 100_000])
def test_nesting_deeper_than_the_limit_is_a_data_error(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(DataError, match=rf"expected JSON nested at most {MAX_JSON_DEPTH} levels"):
        parse_json(text, "x.geojson")
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, "x") is not None
    with pytest.raises(DataError, match="nested at most"):
        parse_json("[" * 100_000, "x.geojson")  # not even closed: still no RecursionError


@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 401, "1" + "0" * 5000])
def test_numbers_a_double_cannot_hold_are_data_errors(number: str) -> None:
    with pytest.raises(
        DataError, match=r"is too large for a double'; expected numbers a double can hold"
    ):
        parse_json(f'{{"lat": {number}}}', "x.geojson")


def test_every_repeated_key_is_reported_with_its_place() -> None:
    text = (
        '{"type": "FeatureCollection", "features": [\n'
        '  {"type": "Feature", "properties": {"id": "a", "kind": "rtc", "kind": "hq"}},\n'
        '  {"type": "Feature", "properties": {"id": "b", "x": {"y": 1, "y": 2}}}\n'
        "]}"
    )
    with pytest.raises(DataError) as info:
        parse_json(text, "offices.geojson")
    first, second = info.value.problems
    assert str(first) == (
        "offices.geojson:2:64: feature #0 (id='a'): field 'kind': got \"key 'kind' repeated\"; "
        "expected each key at most once in an object "
        "(a repeated key silently replaces the earlier value; keep one)"
    )
    assert (second.index, second.feature_id, second.field, second.line) == (1, "b", "x.y", 3)


def test_a_lone_surrogate_is_not_text() -> None:
    with pytest.raises(
        DataError, match=r"feature #0: field 'name': got '\\ud800'; expected valid Unicode text"
    ):
        parse_json('{"features": [{"properties": {"name": "\\ud800"}}]}', "offices.geojson")
    assert parse_json('{"name": "\\ud83d\\ude00"}', "x") == {"name": "\U0001f600"}  # a pair
