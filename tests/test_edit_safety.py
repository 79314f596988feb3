"""Edits that keep the data folder valid and the user's files intact (issue 26).

One lock for the whole folder, values geo can read back, links and modes kept,
only geo's own temporaries removed, failed writes that change nothing; and a
fuzz of sequential and concurrent edits with hostile values.

The tests run as root, which ignores file modes: a read-only folder and a full
disk are simulated by making the system calls fail (monkeypatch), with the
errors the system gives (``EACCES``, ``EROFS``, ``ENOSPC``).
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import geo
from geo.cli import cli
from geo.edit import add_place, remove_place, set_fields
from geo.errors import DataError, GeoError, UsageError
from geo.fileio import read_json
from tests.conftest_data import copy_data

PLACE_FILES = ("border_posts.geojson", "offices.geojson")

#: Baku, Azerbaijan (lon, lat), degrees.
LON, LAT = 49.87, 40.41


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` (hidden ones too) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def ids_of(folder: Path) -> list[str]:
    return [
        f["properties"]["id"] for name in PLACE_FILES for f in read_json(folder / name)["features"]
    ]


def office(place_id: str = "rtc-test", **extra: Any) -> dict[str, Any]:
    return {
        "id": place_id,
        "kind": "rtc",
        "name": "RTC Test",
        "iso3": "AZE",
        "status": "planned",
        "source": "https://example.org/rtc",
        **extra,
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- case 3: one lock for the whole folder ---------------------------------------------------


def test_an_edit_waits_for_the_one_that_holds_the_folder(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While ``rocb-ap`` is being renamed, an edit of another file cannot slip in."""
    real_validate = geo.edit.validate
    monkeypatch.setattr("geo.edit.LOCK_TIMEOUT_SECONDS", 0.3)
    inner: list[BaseException] = []

    def validate_while_another_edit_runs(*args: Any, **kwargs: Any) -> Any:
        if not inner:
            try:
                set_fields(data, "samur", {"id": "dup-x"})  # border_posts.geojson
            except BaseException as err:
                inner.append(err)
            else:
                inner.append(AssertionError("the second edit ran during the first"))
        return real_validate(*args, **kwargs)

    monkeypatch.setattr("geo.edit.validate", validate_while_another_edit_runs)
    set_fields(data, "rocb-ap", {"id": "dup-x"})  # offices.geojson
    assert len(inner) == 1
    assert isinstance(inner[0], GeoError)
    assert re.fullmatch(
        rf"another edit of {re.escape(str(data))} did not end within 0\.3 s; "
        r"nothing written, try again",
        str(inner[0]),
    )
    assert geo.validate(data) == []
    assert ids_of(data).count("dup-x") == 1


def test_the_second_edit_validates_the_folder_the_first_left(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loser waits for the lock, then sees the first edit's id: a clean DataError."""
    real_validate = geo.edit.validate
    outcome: list[BaseException | None] = []

    def second_edit() -> None:
        try:
            set_fields(data, "samur", {"id": "dup-x"})
        except BaseException as err:
            outcome.append(err)
        else:
            outcome.append(None)

    second = threading.Thread(target=second_edit)

    def validate_slowly(*args: Any, **kwargs: Any) -> Any:
        if not second.is_alive() and not outcome:
            second.start()
            second.join(0.5)  # it waits for the lock all this time
            assert second.is_alive()
        return real_validate(*args, **kwargs)

    monkeypatch.setattr("geo.edit.validate", validate_slowly)
    set_fields(data, "rocb-ap", {"id": "dup-x"})
    second.join(60)
    assert not second.is_alive()
    (error,) = outcome
    assert isinstance(error, DataError)
    assert re.match(
        r"^1 problem in the data:\n  border_posts\.geojson: feature #0 \(id='dup-x'\): "
        r"field 'id': got 'dup-x'",
        str(error),
    )
    assert geo.validate(data) == []
    assert ids_of(data).count("dup-x") == 1


def _edit_in_a_process(
    data: str, place_id: str, barrier: Any, results: Any
) -> None:  # pragma: no cover - runs in a child process
    barrier.wait(60)
    result = CliRunner().invoke(cli, ["set", "--data", data, place_id, "id=dup-x"])
    results.put((place_id, result.exit_code, result.output, repr(result.exception)))


def test_edits_in_concurrent_processes_leave_a_valid_folder(data: Path) -> None:
    """Three ``geo set ID id=dup-x`` at once, on two files: one wins, the others get an error."""
    context = multiprocessing.get_context("fork")
    targets = ("rocb-ap", "samur", "khanoba")  # offices.geojson, border_posts.geojson twice
    barrier = context.Barrier(len(targets))
    results = context.Queue()
    processes = [
        context.Process(target=_edit_in_a_process, args=(str(data), t, barrier, results))
        for t in targets
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=120) for _ in targets]
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():  # pragma: no cover - a hung edit
                process.kill()
    codes = sorted(code for _, code, _, _ in outcomes)
    assert codes == [0, 1, 1], outcomes
    for _, code, output, _ in outcomes:
        assert "Traceback" not in output
        if code:
            assert re.search(r"field 'id': got 'dup-x'; expected an id used once", output), output
    assert geo.validate(data) == []
    assert ids_of(data).count("dup-x") == 1
    assert not [p.name for p in data.iterdir() if p.name.startswith(".")]  # no lock file


def test_the_lock_is_on_the_folder_and_adds_no_file(data: Path) -> None:
    before = {p.name for p in data.iterdir()}
    set_fields(data, "rocb-ap", {"notes": "locked"})
    assert {p.name for p in data.iterdir()} == before


def test_an_edit_of_a_missing_folder_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"field '\(folder\)': got .*; expected an existing data"):
        set_fields(tmp_path / "nowhere", "rocb-ap", {"notes": "x"})


# -- case 4: values geo cannot read back ---------------------------------------------------


NINES = "9" * 400


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (int(NINES), r"9{40}\.\.\.9{10} \(400 characters\)"),
        ([1, -(10**309)], r"\[1, -10{34}\.\.\.0{9}\] \(316 characters\)"),
        ({"a": {"b": 2**1024}}, r"\{'a': \{'b': 1797\d{24}\.\.\.\d{8}\}\} \(323 characters\)"),
    ],
)
def test_set_a_number_beyond_a_double_is_refused(data: Path, value: Any, shown: str) -> None:
    before = snapshot(data)
    with pytest.raises(
        UsageError,
        match=rf"^Got notes={shown}; a number must fit in a double \(at most about 1\.8e308\), "
        r"or geo cannot read the file back: write it as text instead$",
    ):
        set_fields(data, "rocb-ap", {"notes": value})
    assert snapshot(data) == before
    assert geo.validate(data) == []


def test_add_a_number_beyond_a_double_is_refused(data: Path) -> None:
    before = snapshot(data)
    with pytest.raises(UsageError, match=r"^Got seats=9{40}\.\.\..*a number must fit in a double"):
        add_place(data, office(seats=int(NINES)), lon=LON, lat=LAT)
    assert snapshot(data) == before


def test_a_number_that_fits_is_written_and_read_back(data: Path) -> None:
    set_fields(data, "rocb-ap", {"notes": 2**1023, "x": 1.7976931348623157e308})
    assert geo.validate(data) == []
    props = next(
        f["properties"]
        for f in read_json(data / "offices.geojson")["features"]
        if f["properties"]["id"] == "rocb-ap"
    )
    assert props["notes"] == 2**1023
    assert props["x"] == 1.7976931348623157e308


def test_cli_set_400_nines_is_refused_and_quoted_is_text(data: Path) -> None:
    before = snapshot(data)
    result = invoke("set", "--data", str(data), "rocb-ap", f"notes={NINES}")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert re.search(
        r"got notes=9{20}\.\.\. \(400 characters\), a number too large for a double: "
        r"geo could not read the file back; for the text write notes='\"\.\.\.\"' or use "
        r"--string",
        result.output.replace("\n", " ").replace("  ", " "),
    ), result.output
    assert snapshot(data) == before
    for args in ([f'notes="{NINES}"'], ["--string", f"notes={NINES}"]):
        result = invoke("set", "--data", str(data), "rocb-ap", *args)
        assert result.exit_code == 0, result.output
        assert geo.validate(data) == []
        assert invoke("validate", "--data", str(data)).exit_code == 0
        (feature,) = [
            f
            for f in read_json(data / "offices.geojson")["features"]
            if f["properties"]["id"] == "rocb-ap"
        ]
        assert feature["properties"]["notes"] == NINES


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("seats=1e400", r"got seats=1e400, a number too large for a double"),
        ("lat=-1e999", r"got lat=-1e999, a number too large for a double"),
        ('notes={"a": 1, "a": 2}', r"got notes=\{\"a\": 1, \"a\": 2\}, an object repeating"),
    ],
)
def test_cli_set_json_geo_cannot_read_is_refused(data: Path, assignment: str, message: str) -> None:
    before = snapshot(data)
    result = invoke("set", "--data", str(data), "rocb-ap", assignment)
    assert result.exit_code == 2
    assert re.search(message, result.output.replace("\n", " ")), result.output
    assert snapshot(data) == before


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def test_set_a_value_nested_beyond_the_file_limit_names_the_field(data: Path) -> None:
    before = snapshot(data)
    # features[i].properties.notes is 4 levels in: 28 more make the file 32 deep, 29 too deep
    set_fields(data, "rocb-ap", {"notes": nested(28)})
    assert geo.validate(data) == []
    set_fields(data, "rocb-ap", {"notes": "flat"})
    with pytest.raises(
        DataError,
        match=r"offices\.geojson: feature #1 \(id='rocb-ap'\): field 'notes(\.0)+': "
        r"got 'more than 32 levels'; expected JSON nested at most 32 levels deep",
    ):
        set_fields(data, "rocb-ap", {"notes": nested(29)})
    with pytest.raises(UsageError, match=r"^Got notes=<list>; lists and objects nested more"):
        set_fields(data, "rocb-ap", {"notes": nested(5000)})  # deeper than Python recurses
    set_fields(data, "rocb-ap", {"notes": before_notes(before)})
    assert snapshot(data) == before


def before_notes(before: dict[str, bytes]) -> Any:
    doc = json.loads(before["offices.geojson"])
    return next(f for f in doc["features"] if f["properties"]["id"] == "rocb-ap")["properties"][
        "notes"
    ]


def test_what_is_written_is_read_back_with_the_strict_reader(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: text the loaders would refuse is never written."""
    monkeypatch.setattr("geo.edit._check_value", lambda field, value: None)
    before = snapshot(data)
    with pytest.raises(DataError, match=r"offices\.geojson: field '\(json\)': got 'the number "):
        set_fields(data, "rocb-ap", {"notes": int(NINES)})
    assert snapshot(data) == before


# -- case 6: links and modes ----------------------------------------------------------------


def test_set_on_a_linked_data_file_edits_the_file_it_points_to(data: Path) -> None:
    elsewhere = data.parent / "shared"
    elsewhere.mkdir()
    real = elsewhere / "offices.geojson"
    (data / "offices.geojson").rename(real)
    (data / "offices.geojson").symlink_to(Path("..") / "shared" / "offices.geojson")
    path = set_fields(data, "rocb-ap", {"notes": "through the link"})
    assert path == data / "offices.geojson"
    assert (data / "offices.geojson").is_symlink()
    assert os.readlink(data / "offices.geojson") == "../shared/offices.geojson"
    assert b"through the link" in real.read_bytes()
    assert geo.validate(data) == []
    assert sorted(p.name for p in elsewhere.iterdir()) == ["offices.geojson"]  # no temporary


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o604])
def test_an_edit_keeps_the_mode_of_the_file(data: Path, mode: int) -> None:
    path = data / "offices.geojson"
    path.chmod(mode)
    set_fields(data, "rocb-ap", {"notes": "mode kept"})
    add_place(data, office(), lon=LON, lat=LAT)
    remove_place(data, "rtc-test")
    assert stat.S_IMODE(path.stat().st_mode) == mode


# -- case 5 (data half): only geo's own temporaries are removed ------------------------------


def test_an_edit_removes_only_the_temporaries_of_its_place_files(data: Path) -> None:
    swept = [".offices.geojson.k1ll3d_x.tmp", ".border_posts.geojson.abc_1234.tmp"]
    kept = [
        ".notes.tmp",
        ".offices.geojson.tmp",
        ".offices.geojson.ABCDEFGH.tmp",  # not a name mkstemp makes
        ".offices.geojson.abc.tmp",
        ".offices.geojson.abcdefghi.tmp",
        ".wco_members.csv.abcdefgh.tmp",  # not a place file
        ".x.offices.geojson.abcdefgh.tmp",
    ]
    for name in swept + kept:
        (data / name).write_text("user's", encoding="utf-8")
    (data / ".offices.geojson.folder00.tmp").mkdir()  # a folder of that name is not geo's
    set_fields(data, "rocb-europe", {"notes": "swept"})
    hidden = sorted(p.name for p in data.iterdir() if p.name.startswith("."))
    assert hidden == sorted([*kept, ".offices.geojson.folder00.tmp"])


def test_a_refused_edit_removes_nothing(data: Path) -> None:
    stale = data / ".offices.geojson.k1ll3d_x.tmp"
    stale.write_text("left", encoding="utf-8")
    with pytest.raises(DataError):
        set_fields(data, "rocb-ap", {"kind": "nope"})
    assert stale.exists()


# -- case 8 (edits): read-only folder, full disk ---------------------------------------------


def _fail_creating_in(folder: Path, code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """New files in ``folder`` fail with ``code`` (EACCES: read-only folder, EROFS...)."""
    real_open = os.open

    def fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_CREAT and Path(os.fsdecode(path)).parent == folder:
            raise OSError(code, os.strerror(code), os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def _fail_writing_in(folder: Path, call: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.write`` (half written) or ``os.fsync`` of a file in ``folder`` fails: disk full."""
    real = getattr(os, call)

    def in_folder(fd: int) -> bool:
        try:
            return Path(os.readlink(f"/proc/self/fd/{fd}")).parent == folder
        except OSError:
            return False

    def fake(fd: int, *args: Any) -> Any:
        if in_folder(fd):
            if call == "write":
                real(fd, bytes(args[0])[: len(args[0]) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, *args)

    monkeypatch.setattr(os, call, fake)


def _read_only_mount(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``folder`` is on a file system mounted read-only: its files are not writable, and
    statvfs says why (root passes os.access on a writable one, so both are faked)."""
    real_access, real_statvfs = os.access, os.statvfs

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(os.fsdecode(path)).parent == folder:
            return False
        return real_access(path, mode, *args, **kwargs)

    def statvfs(path: Any) -> Any:
        info = real_statvfs(path)
        if Path(os.fsdecode(path)) != folder:
            return info
        return type("Flags", (), {"f_flag": info.f_flag | os.ST_RDONLY})()

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "statvfs", statvfs)


FAILURES: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], None], str]] = {
    "read-only folder": (
        lambda d, m: _fail_creating_in(d, errno.EACCES, m),
        "Permission denied",
    ),
    "read-only file system": (
        lambda d, m: _fail_creating_in(d, errno.EROFS, m),
        "Read-only file system",
    ),
    "read-only mount": (_read_only_mount, "Read-only file system"),  # it said Permission denied
    "disk full at write": (
        lambda d, m: _fail_writing_in(d, "write", m),
        "No space left on device",
    ),
    "disk full at fsync": (
        lambda d, m: _fail_writing_in(d, "fsync", m),
        "No space left on device",
    ),
}
EDITS: dict[str, Callable[[Path], object]] = {
    "set": lambda d: set_fields(d, "rocb-ap", {"notes": "x"}),
    "add": lambda d: add_place(d, office(), lon=LON, lat=LAT),
    "remove": lambda d: remove_place(d, "samur"),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("edit", EDITS)
def test_a_failed_write_is_a_geo_error_and_changes_nothing(
    data: Path, monkeypatch: pytest.MonkeyPatch, failure: str, edit: str
) -> None:
    before = snapshot(data)
    make_fail, reason = FAILURES[failure]
    make_fail(data, monkeypatch)
    with pytest.raises(GeoError, match=r"^could not write .*\.geojson: ") as caught:
        EDITS[edit](data)
    assert str(caught.value).endswith(f": {reason}; nothing written, the file is as it was")
    monkeypatch.undo()
    assert snapshot(data) == before  # and no temporary is left
    assert geo.validate(data) == []


ADD_ARGS = ["--name", "RTC X", "--iso3", "AZE", "--lat", "40.41", "--lon", "49.87"]
ADD_ARGS += ["--source", "https://example.org/"]


@pytest.mark.parametrize("failure", ["read-only folder", "disk full at write"])
def test_cli_add_and_set_on_a_failed_write_exit_1(
    data: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    before = snapshot(data)
    FAILURES[failure][0](data, monkeypatch)
    for args in (
        ["set", "--data", str(data), "rocb-ap", "notes=x"],
        ["add", "office", "--data", str(data), "--id", "rtc-x", "--kind", "rtc", *ADD_ARGS],
    ):
        result = invoke(*args)
        assert result.exit_code == 1, result.output
        assert result.output.startswith("error: could not write "), result.output
        assert "nothing written, the file is as it was" in result.output
        assert "Traceback" not in result.output
    monkeypatch.undo()
    assert snapshot(data) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_set_in_a_really_read_only_folder(data: Path) -> None:  # pragma: no cover - as root
    before = snapshot(data)
    data.chmod(0o555)
    try:
        with pytest.raises(GeoError, match=r"^could not write .*Permission denied; nothing"):
            set_fields(data, "rocb-ap", {"notes": "x"})
    finally:
        data.chmod(0o755)
    assert snapshot(data) == before


# -- fuzz: sequences of edits, alone and two at once ----------------------------------------


#: Values that no edit may turn into a folder geo cannot read.
HOSTILE: list[Any] = [
    10**400,
    -(2**1024),
    2**1023,
    1.7976931348623157e308,
    5e-324,
    -0.0,
    "\x00\x1b[2J\x1b]52;c;aGk=\x07",
    "\u2028\u2029",
    "\ud800",
    "rocb-ap\n",
    " ",
    "",
    nested(28),
    nested(29),
    nested(40),
    {"a": {"b": {"c": [1, 2, 3]}}},
    {"": None},
    [10**400],
    True,
    None,
    "9999-12-31",
    "2000/9999-12",  # issue 26 case 7: was a ValueError (year 10000) in validation
    "../9999",
]
EXISTING_IDS = ["rocb-ap", "samur", "wco-hq", "khanoba", "rocb-europe"]
#: Ids an edit may name or give: the folder's, new ones (two edits may pick the same), bad ones.
IDS = st.sampled_from([*EXISTING_IDS, "dup-x", "new-1", "new-2", "rocb-ap\n", "", "Bad Id"])
EXISTING = st.sampled_from(EXISTING_IDS)
FIELDS = st.sampled_from(["notes", "name", "id", "status", "opened", "seats", "kind", "lat", "x"])
FREE_FIELDS = st.sampled_from(["notes", "x"])  # any JSON is valid there: the edit is written
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    IDS,
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.floats(-200, 200),
)
SET = st.tuples(
    st.just("set"),
    st.one_of(EXISTING, IDS),
    st.one_of(
        st.dictionaries(FREE_FIELDS, VALUES, min_size=1, max_size=2),
        st.fixed_dictionaries({"id": IDS}),  # renames: the duplicate id of case 3
        st.dictionaries(FIELDS, VALUES, min_size=1, max_size=3),
    ),
)
ADD = st.tuples(
    st.just("add"),
    IDS,
    st.dictionaries(st.sampled_from(["notes", "seats", "x"]), VALUES, max_size=2),
)
REMOVE = st.tuples(st.just("remove"), st.one_of(EXISTING, IDS), st.just({}))
EDIT = st.one_of(SET, ADD, REMOVE)


def run_edit(folder: Path, edit: tuple[str, str, dict[str, Any]]) -> None:
    action, place_id, values = edit
    if action == "set":
        set_fields(folder, place_id, values)
    elif action == "add":
        add_place(folder, office(place_id, **values), lon=LON, lat=LAT)
    else:
        remove_place(folder, place_id)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield copy_data(tmp_path_factory.mktemp("edit-fuzz"))


def restore(folder: Path, before: dict[str, bytes]) -> None:
    for path in folder.iterdir():
        if path.name not in before:
            path.unlink()
    for name, content in before.items():
        (folder / name).write_bytes(content)


EXAMPLES = int(os.environ.get("GEO_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=EXAMPLES <= 60,  # CI runs the same examples every time
)


@FUZZ
@given(edits=st.lists(EDIT, min_size=1, max_size=6))
def test_fuzz_every_edit_leaves_a_valid_folder_or_changes_nothing(
    fuzzed: Path, edits: list[tuple[str, str, dict[str, Any]]]
) -> None:
    original = snapshot(fuzzed)
    try:
        for edit in edits:
            before = snapshot(fuzzed)
            try:
                run_edit(fuzzed, edit)
            except GeoError as err:
                event(f"{edit[0]} refused: {type(err).__name__}")
                assert snapshot(fuzzed) == before, edit
            else:
                event(f"{edit[0]} written")
                assert geo.validate(fuzzed) == [], edit
                for name in PLACE_FILES:  # what validate accepted, the loaders read
                    read_json(fuzzed / name)
    finally:
        restore(fuzzed, original)


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 2))
@given(first=EDIT, second=EDIT)
def test_fuzz_two_edits_at_once_leave_a_valid_folder(
    fuzzed: Path,
    first: tuple[str, str, dict[str, Any]],
    second: tuple[str, str, dict[str, Any]],
) -> None:
    original = snapshot(fuzzed)
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = [None, None]

    def run(slot: int, edit: tuple[str, str, dict[str, Any]]) -> None:
        barrier.wait(30)
        try:
            run_edit(fuzzed, edit)
        except BaseException as err:
            outcomes[slot] = err

    threads = [threading.Thread(target=run, args=(i, e)) for i, e in enumerate((first, second))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not any(t.is_alive() for t in threads)
        for outcome in outcomes:
            assert outcome is None or isinstance(outcome, GeoError), repr(outcome)
        event(f"{sum(o is None for o in outcomes)} of 2 written")
        if all(outcomes):
            assert snapshot(fuzzed) == original
        else:
            assert geo.validate(fuzzed) == [], (first, second, outcomes)
    finally:
        restore(fuzzed, original)
