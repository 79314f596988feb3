"""Where geo may write (issue 26, cases 1, 2, 5 and the write errors of case 8).

No command writes inside the data folder or over a file geo reads as data; a
journal or manifest left in an output folder is followed only inside it; a
build removes only what it made, by name; a write that the system refuses is
a clean error that leaves no partial file.  Tests run as root, who ignores
``chmod``: a read-only folder is simulated by a path under a file (the system
refuses it for root too) or by monkeypatching the call that fails, and a full
disk by monkeypatching ``os.fsync`` (or the raw file an output is written to)
to raise ``ENOSPC``.

The fuzz test draws output paths in, beside, above and through symlinks to a
data folder (its files, ``..``, hard links) for ``write_map``, ``enrich_file``
and ``build_atlas``: each either writes only its target, outside the data, or
raises a GeoError having changed nothing (a failed build may leave its lock in
its own folder); the data's bytes never change.  ``GEO_FUZZ_EXAMPLES`` (e.g.
500) runs it longer, with random examples.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings

import geo
from geo.build import build, build_atlas
from geo.cli import cli
from geo.errors import GeoError, UsageError
from geo.points import enrich_file
from geo.publish import (
    JOURNAL,
    JOURNAL_VERSION,
    LOCK,
    MANIFEST,
    STAGE,
    locked,
    read_manifest,
    recover,
    safe_name,
)
from geo.render import to_html, write_map
from geo.targets import WriteRule, data_rule

EXAMPLES = int(os.environ.get("GEO_FUZZ_EXAMPLES", "40"))


def run(*args: str) -> Result:
    """A command in this process (monkeypatches apply); a traceback fails the test."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (symlinks not followed), by relative name."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def points_csv(folder: Path) -> Path:
    path = folder / "points.csv"
    path.write_text("name,lat,lon\nbaku,40.41,49.87\nbrussels,50.85,4.35\n", encoding="utf-8")
    return path


def enospc(match: str | None = None) -> Callable[[int], None]:
    """An ``os.fsync`` that fails as on a full disk (for the files whose path holds ``match``)."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if match is None or match in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    return fsync


# --------------------------------------------------------------------------- case 1


def test_a_query_map_over_a_data_file_is_refused_before_the_query(fixture_copy: Path) -> None:
    data = fixture_copy
    before = files(data)
    result = run(
        "query", "region", "EUR", "--data", str(data), "--map", str(data / "offices.geojson")
    )
    assert result.exit_code == 2
    assert "Got --map" in result.stderr and "offices.geojson" in result.stderr
    assert f"inside the data folder {str(data.resolve())!r}" in result.stderr
    assert result.stdout == ""  # refused before the query printed anything
    assert files(data) == before


def test_a_query_map_into_the_data_folder_or_through_a_symlink_is_refused(
    fixture_copy: Path, tmp_path: Path
) -> None:
    data = fixture_copy
    (tmp_path / "link").symlink_to(data)
    before = files(data)
    for target in (data / "new.html", data / "sub" / "m.html", tmp_path / "link" / "m.html"):
        result = run("query", "region", "EUR", "--data", str(data), "--map", str(target))
        assert result.exit_code == 2, target
        assert "inside the data folder" in result.stderr
    assert files(data) == before


def test_a_query_map_over_where_a_symlinked_place_file_leads_is_refused(
    fixture_copy: Path, tmp_path: Path
) -> None:
    data = fixture_copy
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    shutil.move(data / "offices.geojson", elsewhere / "offices.geojson")
    (data / "offices.geojson").symlink_to(elsewhere / "offices.geojson")
    before = (elsewhere / "offices.geojson").read_bytes()
    result = run(
        "query", "region", "EUR", "--data", str(data), "--map", str(elsewhere / "offices.geojson")
    )
    assert result.exit_code == 2
    assert "which geo reads as data" in result.stderr
    assert (elsewhere / "offices.geojson").read_bytes() == before
    # beside it is fine: only the file itself is data
    result = run("query", "region", "EUR", "--data", str(data), "--map", str(elsewhere / "m.html"))
    assert result.exit_code == 0, result.stderr
    assert (elsewhere / "m.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_enrich_into_a_data_file_is_refused(fixture_copy: Path, tmp_path: Path) -> None:
    data = fixture_copy
    points = points_csv(tmp_path)
    before = files(data)
    target = data / "offices.geojson"
    result = run("enrich", str(points), str(target), "--data", str(data), "--silent")
    assert result.exit_code == 2
    assert f"Got output {str(target)!r}; it is inside the data folder" in result.stderr
    assert files(data) == before


def test_enrich_over_its_input_or_into_a_folder_holding_it_is_refused(tmp_path: Path) -> None:
    points = points_csv(tmp_path)
    with pytest.raises(UsageError, match="write the output to another file"):
        enrich_file(points, points)
    link = tmp_path / "link.csv"
    link.symlink_to(points)
    with pytest.raises(UsageError, match="write the output to another file"):
        enrich_file(points, link)
    hard = tmp_path / "hard.csv"
    os.link(points, hard)
    with pytest.raises(UsageError, match=r"it is .*points\.csv', which geo reads as data"):
        enrich_file(points, hard)
    assert points.read_text(encoding="utf-8").startswith("name,lat,lon\n")


def test_a_snapshot_over_a_data_file_or_its_map_is_refused_before_the_browser(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = fixture_copy
    out = tmp_path / "output"
    build(data, out)
    before = files(data)
    # no browser may start: the refusal comes first
    monkeypatch.setenv("GEO_CHROMIUM", str(tmp_path / "no-such-browser"))
    page = out / "index.html"
    result = run("snapshot", str(page), str(data / "offices.geojson"))
    assert result.exit_code == 2
    assert "Got the PNG file" in result.stderr and "inside the data folder" in result.stderr
    result = run("snapshot", str(page), str(page))
    assert result.exit_code == 2
    assert "index.html', which geo reads as data" in result.stderr
    monkeypatch.setenv("GEO_DATA", str(data))
    result = run("snapshot", str(page), str(data / "x.png"))
    assert result.exit_code == 2
    assert files(data) == before
    assert page.read_bytes().startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("inside", ["", "sub"])
def test_a_build_into_the_data_folder_is_refused(fixture_copy: Path, inside: str) -> None:
    data = fixture_copy
    before = sorted(p.name for p in data.iterdir())
    result = run("build", "--data", str(data), "--output", str(data / inside))
    assert result.exit_code == 2
    assert "Got output folder" in result.stderr and "inside the data folder" in result.stderr
    assert sorted(p.name for p in data.iterdir()) == before
    assert run("validate", "--data", str(data)).exit_code == 0


def test_a_build_beside_the_data_never_writes_into_it(tmp_path: Path, fixture_dir: Path) -> None:
    # a data folder called "regions" in the output folder: regions/eur.html would land in it
    data = Path(shutil.copytree(fixture_dir, tmp_path / "regions"))
    before = files(data)
    refused = r"Got output file .*regions/[a-z]+\.html.*inside the data"
    with pytest.raises(UsageError, match=refused):
        build(data, tmp_path)
    assert files(data) == before
    assert not (tmp_path / "index.html").exists() and not (tmp_path / STAGE).exists()


def test_watch_refuses_an_output_folder_in_the_data_at_once(fixture_copy: Path) -> None:
    from geo.watch import watch

    with pytest.raises(UsageError, match=r"Got output folder .*inside the data folder"):
        watch(fixture_copy, fixture_copy / "out")


def test_a_map_saved_from_an_atlas_keeps_out_of_its_data(
    fixture_copy: Path, tmp_path: Path
) -> None:
    atlas = geo.load(fixture_copy)
    m = atlas.to_map(atlas.in_region("EUR"))
    before = files(fixture_copy)
    with pytest.raises(UsageError, match=r"Got map file .*offices\.geojson.*inside the data"):
        m.save(str(fixture_copy / "offices.geojson"))
    with pytest.raises(UsageError, match="inside the data folder"):
        write_map(m, fixture_copy / "m.html")
    assert files(fixture_copy) == before
    m.save(tmp_path / "m.html")  # the page write_map writes, atomically
    assert (tmp_path / "m.html").read_text(encoding="utf-8") == to_html(m)


def test_write_map_of_a_bare_map_keeps_out_of_the_default_data_folder(
    fixture_copy: Path, frames: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.render import render_map, write_map

    monkeypatch.setenv("GEO_DATA", str(fixture_copy))
    places, countries = frames
    m = render_map(places.head(3), countries, title="t")
    with pytest.raises(UsageError, match="inside the data folder"):
        write_map(m, fixture_copy / "m.html")
    assert not (fixture_copy / "m.html").exists()


def test_the_rule_follows_symlinks_and_refuses_folders_holding_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.geojson").write_text("{}", encoding="utf-8")
    (tmp_path / "to-data").symlink_to(data)
    (tmp_path / "to-file").symlink_to(data / "a.geojson")
    rule = WriteRule((data.resolve(),), ((data / "a.geojson").resolve(),))
    for bad in (
        data / "x.html",
        data / "deep" / "x.html",
        tmp_path / "to-data" / "x.html",
        tmp_path / "to-file",
        data / ".." / "data" / "x.html",
        tmp_path,
        data,
    ):
        with pytest.raises(UsageError, match=r"geo never writes where it reads its data"):
            rule.check(bad)
    assert rule.check(tmp_path / "x.html") == tmp_path.resolve() / "x.html"
    assert rule.check(data / ".." / "x.html") == tmp_path.resolve() / "x.html"
    assert rule.check_folder(tmp_path) == tmp_path.resolve()  # a folder may hold the data
    with pytest.raises(UsageError, match="inside the data folder"):
        rule.check_folder(tmp_path / "to-data" / "out")


def test_the_project_data_folder_is_always_protected(tmp_path: Path, project_data: Path) -> None:
    rule = data_rule(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="inside the data folder"):
        rule.check(project_data / "m.html")


# --------------------------------------------------------------------------- case 2


def _hostile_journal(out: Path, moves: dict[str, bytes], staged: dict[str, bytes]) -> None:
    """A journal naming ``moves`` (name -> bytes it records), with ``staged`` in the stage."""
    for name, data in staged.items():
        path = out / STAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in moves.items()}
    journal = {"version": JOURNAL_VERSION, "files": digests, "manifest": manifest}
    journal["moves"] = list(moves)  # what geo before version 2 of the journal followed
    (out / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")


@pytest.fixture
def built(tmp_path: Path, fixture_dir: Path) -> tuple[Path, Path]:
    """A data folder and its output folder, side by side in ``tmp_path``."""
    data = Path(shutil.copytree(fixture_dir, tmp_path / "data"))
    out = tmp_path / "output"
    build(data, out)
    return data, out


@pytest.mark.parametrize(
    "name",
    [
        "../data/offices.geojson",
        "regions/../../data/offices.geojson",
        "ABSOLUTE",
        "..\\data\\offices.geojson",
        "C:/data/offices.geojson",
        ".geo-build.json",
        "./index.html",
        "regions//eur.html",
    ],
)
def test_a_hostile_journal_is_never_followed(
    built: tuple[Path, Path], name: str, caplog: pytest.LogCaptureFixture
) -> None:
    data, out = built
    if name == "ABSOLUTE":
        name = str(data / "offices.geojson")
    before, outputs = files(data), files(out)
    hostile = b'{"type": "FeatureCollection", "features": []}'
    _hostile_journal(out, {name: hostile}, {"evil.geojson": hostile})
    with caplog.at_level(logging.WARNING, logger="geo.publish"):
        assert recover(out) == []
    assert "which is not followed" in caplog.text
    assert not (out / JOURNAL).exists()
    assert files(data) == before
    build(data, out)  # and the next build leaves the folder as it was
    assert files(data) == before
    assert {k: v for k, v in files(out).items() if not k.startswith(".")} == {
        k: v for k, v in outputs.items() if not k.startswith(".")
    }


def test_a_journal_through_a_symlinked_stage_moves_nothing_out_of_the_data(
    built: tuple[Path, Path],
) -> None:
    data, out = built
    before = files(data)
    (out / STAGE).symlink_to(data)  # ".geo-stage/offices.geojson" is the data file itself
    _hostile_journal(out, {"offices.geojson": before["offices.geojson"]}, {})
    with pytest.raises(GeoError, match=r"\.geo-stage is a symbolic link, which geo never makes"):
        build(data, out)
    assert files(data) == before
    assert not (out / "offices.geojson").exists()


def test_a_journal_through_a_symlinked_subfolder_is_not_followed(
    built: tuple[Path, Path],
) -> None:
    data, out = built
    before = files(data)
    shutil.rmtree(out / "regions")
    (out / "regions").symlink_to(data)
    _hostile_journal(out, {"regions/offices.geojson": b"x"}, {"regions/offices.geojson": b"x"})
    assert recover(out) == []
    assert files(data) == before


def test_a_journal_whose_staged_bytes_differ_is_not_followed(built: tuple[Path, Path]) -> None:
    _, out = built
    page = (out / "index.html").read_bytes()
    _hostile_journal(out, {"index.html": b"what the journal says"}, {"index.html": b"other"})
    assert recover(out) == []
    assert (out / "index.html").read_bytes() == page


def test_a_journal_naming_a_data_folder_inside_the_output_is_not_followed(
    tmp_path: Path, fixture_dir: Path
) -> None:
    # `geo build --output .` beside data/: the folder holds the data, the rule keeps it out
    data = Path(shutil.copytree(fixture_dir, tmp_path / "data"))
    build(data, tmp_path)
    before = files(data)
    hostile = b'{"type": "FeatureCollection", "features": []}'
    _hostile_journal(tmp_path, {"data/offices.geojson": hostile}, {"data/offices.geojson": hostile})
    assert recover(tmp_path, geo.load(data).write_rule) == []
    assert files(data) == before


def _removing_journal(out: Path, remove: dict[str, str]) -> None:
    """A journal that moves nothing and removes ``remove`` (name -> SHA-256 it records)."""
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    journal = {"version": JOURNAL_VERSION, "files": {}, "manifest": manifest, "remove": remove}
    (out / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "name", ["../data/offices.geojson", "ABSOLUTE", "regions/../../data/offices.geojson"]
)
def test_a_journal_removing_outside_the_folder_is_never_followed(
    built: tuple[Path, Path], name: str, caplog: pytest.LogCaptureFixture
) -> None:
    data, out = built
    if name == "ABSOLUTE":
        name = str(data / "offices.geojson")
    before, pages = files(data), files(out)
    _removing_journal(out, {name: _sha(before["offices.geojson"])})
    with caplog.at_level(logging.WARNING, logger="geo.publish"):
        assert recover(out) == []
    assert "which is not followed" in caplog.text
    assert files(data) == before and files(out).keys() == pages.keys() - {JOURNAL}


def test_a_journal_removes_only_an_output_the_manifest_lists_with_those_bytes(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    (out / "notes.html").write_bytes(b"mine")  # a user's file the manifest does not list
    _removing_journal(out, {"notes.html": _sha(b"mine")})
    assert recover(out) == [] and (out / "notes.html").read_bytes() == b"mine"
    page = (out / "regions" / "eur.html").read_bytes()
    _removing_journal(out, {"regions/eur.html": _sha(page)})  # an output of the build: followed
    recover(out)
    assert not (out / "regions" / "eur.html").exists() and (out / "regions").is_dir()
    assert not (out / JOURNAL).exists()


def test_a_symlinked_lock_is_refused_not_truncated(built: tuple[Path, Path]) -> None:
    data, out = built
    before = files(data)
    (out / LOCK).unlink()
    (out / LOCK).symlink_to(data / "offices.geojson")
    with pytest.raises(GeoError, match=r"\.geo-build\.lock is a symbolic link"), locked(out):
        pass
    assert files(data) == before


def test_unsafe_names_in_a_manifest_are_dropped(built: tuple[Path, Path]) -> None:
    _, out = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["outputs"]["../data/offices.geojson"] = {"key": "k", "sha256": "s"}
    manifest["inputs"].append("../x")
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    read = read_manifest(out)
    assert "../data/offices.geojson" not in read.outputs and "index.html" in read.outputs
    assert "../x" not in read.inputs


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("index.html", True),
        ("fr/regions/eur.html", True),
        ("", False),
        ("/etc/passwd", False),
        ("..", False),
        ("a/../b", False),
        ("a\\b", False),
        ("C:x", False),
        (".hidden", False),
        ("a/", False),
        ("a\n", False),
        (3, False),
    ],
)
def test_safe_name(name: object, safe: bool) -> None:
    assert safe_name(name) is safe


# --------------------------------------------------------------------------- case 5


def test_a_build_removes_only_what_it_made(tmp_path: Path, fixture_dir: Path) -> None:
    data = Path(shutil.copytree(fixture_dir, tmp_path / "data"))
    (data / ".draft.tmp").write_text("mine", encoding="utf-8")
    out = tmp_path  # `--output .` beside data/
    (out / "notes").mkdir()
    (out / "notes" / ".draft.tmp").write_text("mine", encoding="utf-8")
    (out / ".index.html.abcdefgh.tmp").write_text("mine", encoding="utf-8")
    (out / STAGE).mkdir()
    (out / STAGE / "index.html").write_text("left by a killed build", encoding="utf-8")
    build(data, out)
    assert (data / ".draft.tmp").read_text(encoding="utf-8") == "mine"
    assert (out / "notes" / ".draft.tmp").read_text(encoding="utf-8") == "mine"
    assert (out / ".index.html.abcdefgh.tmp").read_text(encoding="utf-8") == "mine"
    assert not (out / STAGE).exists()


# --------------------------------------------------------------------------- case 8


def test_a_query_map_under_a_file_is_a_clean_error(fixture_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = tmp_path / "file" / "m.html"
    result = run("query", "region", "EUR", "--data", str(fixture_dir), "--map", str(target))
    assert result.exit_code == 1
    assert f"error: cannot write {str(target)!r}: {str(target.parent)!r} is a file" in result.stderr


def test_a_query_map_on_a_full_disk_is_a_clean_error_and_leaves_nothing(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", enospc())
    target = tmp_path / "m.html"
    result = run("query", "region", "EUR", "--data", str(fixture_dir), "--map", str(target))
    assert result.exit_code == 1
    assert f"cannot write {str(target)!r}: No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_enrich_on_a_full_disk_is_a_clean_error_and_leaves_nothing(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = points_csv(tmp_path)
    monkeypatch.setattr(os, "fsync", enospc())
    result = run("enrich", str(points), str(tmp_path / "out.csv"), "--data", str(fixture_dir))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["points.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".parquet"])
def test_enrich_when_the_disk_fills_mid_file_leaves_nothing(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    from geo.points import writers

    monkeypatch.setattr(writers, "_open_temporary", lambda path: _FullDisk(path, "wb"))
    points = points_csv(tmp_path)
    target = tmp_path / f"out{suffix}"
    with pytest.raises(GeoError, match=r"^cannot write .*: No space left on device$"):
        enrich_file(points, target, data_dir=fixture_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["points.csv"]


class _FullDisk(io.FileIO):
    """A file on a full disk: every write fails."""

    def write(self, data: Any, /) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_enrich_under_a_file_or_refused_by_the_system_is_a_clean_error(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = points_csv(tmp_path)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run(
        "enrich", str(points), str(tmp_path / "file" / "o.csv"), "--data", str(fixture_dir)
    )
    assert result.exit_code == 1
    assert "error: cannot write" in result.stderr and "file', which is a file" not in result.stderr
    assert f"{str(tmp_path / 'file')!r} is a file, not a folder" in result.stderr

    # a read-only folder (root ignores chmod: the rename is refused as it would be)
    def denied(*args: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", denied)
    result = run("enrich", str(points), str(tmp_path / "o.csv"), "--data", str(fixture_dir))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Permission denied" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "points.csv"]


def test_a_snapshot_that_cannot_be_written_is_a_clean_error(
    tmp_path: Path, fixture_dir: Path
) -> None:
    out = tmp_path / "output"
    build(fixture_dir, out)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = tmp_path / "file" / "x.png"
    # in a process of its own: Playwright's sync API refuses to start inside the asyncio loop
    # that the browser tests' session leaves running in this one
    import subprocess
    import sys

    command = ["snapshot", str(out / "regions" / "ac.html"), str(target), "--width", "300"]
    result = subprocess.run(
        [sys.executable, "-m", "geo", *command], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr
    assert f"error: cannot write {str(target)!r}: {str(target.parent)!r} is a file" in result.stderr


def test_a_build_whose_disk_fills_at_the_journal_leaves_the_folder_as_it_was(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = built
    before = files(out)
    monkeypatch.setattr(os, "fsync", enospc(JOURNAL))
    result = run("build", "--data", str(data), "--output", str(out), "--force")
    assert result.exit_code == 1
    assert "No space left on device; the folder is as it was" in result.stderr
    assert files(out) == before
    assert not (out / JOURNAL).exists() and not (out / STAGE).exists()


def test_a_build_whose_disk_fills_at_the_manifest_is_completed_by_the_next(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = built
    (data / "offices.geojson").write_text(
        (data / "offices.geojson").read_text(encoding="utf-8").replace("Brussels", "Bruxelles"),
        encoding="utf-8",
    )
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", enospc(MANIFEST))
        with pytest.raises(GeoError, match="the next build into it completes this one"):
            build(data, out)
    assert (out / JOURNAL).exists()
    result = build(data, out)
    assert result.written == ()  # the journal's files were the right ones
    assert not (out / JOURNAL).exists() and not (out / STAGE).exists()
    assert "Bruxelles" in (out / "places.geojson").read_text(encoding="utf-8")


@pytest.mark.parametrize("ending", [".kml", ".gpkg", ".fgb", ".geojson", ".csv"])
def test_an_export_on_a_filling_disk_is_a_clean_error_and_leaves_nothing(
    fixture_dir: Path, tmp_path: Path, ending: str
) -> None:
    """The disk fills for real (a file size limit, as ``ulimit -f``): GDAL's KML driver
    ignores the failed writes, so the file is read back before it is kept."""
    import resource
    import signal
    import subprocess
    import sys

    whole = tmp_path / f"whole{ending}"
    assert run("export", "--data", str(fixture_dir), str(whole)).exit_code == 0
    limit = whole.stat().st_size // 2

    def filling_disk() -> None:  # in the child: a write past ``limit`` bytes fails (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    target = tmp_path / "cut" / f"places{ending}"
    target.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--data", str(fixture_dir), str(target)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=filling_disk,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"error: cannot write {str(target)!r}: File too large" in result.stderr or (
        f"error: cannot write {target} as {ending[1:]}: " in result.stderr
    ), result.stderr
    assert list(target.parent.iterdir()) == []


# --------------------------------------------------------------------------- fuzz


_NAMES = [
    "..",
    ".",
    "sub",
    "offices.geojson",
    "wco_members.csv",
    "geo.toml",
    "to-data",
    "to-file",
    "hard.geojson",
    "data",
]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, fixture_dir: Path) -> Path:
    """``data/`` (the fixture, with a geo.toml), and beside it links to it and to its files.

    Returns the folder holding them, five levels under the sandbox's top.
    """
    # deep enough that no path drawn climbs out of the sandbox, whose every file is compared
    root = tmp_path_factory.mktemp("sandbox") / "1" / "2" / "3" / "4" / "5"
    data = Path(shutil.copytree(fixture_dir, root / "data"))
    (data / "geo.toml").write_text('[maps]\nlanguages = ["en"]\n', encoding="utf-8")
    work = root / "work"
    work.mkdir()
    (work / "to-data").symlink_to(data)
    (work / "to-file").symlink_to(data / "offices.geojson")
    os.link(data / "offices.geojson", work / "hard.geojson")
    points_csv(work)
    return root


@pytest.fixture(scope="module")
def sandbox_atlas(sandbox: Path) -> geo.Atlas:
    return geo.load(sandbox / "data")


@st.composite
def output_paths(draw: st.DrawFn, root: Path, suffix: str) -> Path:
    """Paths in, beside, above and through links to the data folder.

    Each ends in a name of the sandbox (a data file, a link, ``..``) or, half
    the time, a new name with the command's ``suffix``.
    """
    base = draw(st.sampled_from([root / "data", root / "work", root / "work" / "to-data", root]))
    parts = draw(st.lists(st.sampled_from(_NAMES), max_size=3))
    last = draw(st.sampled_from(_NAMES) | st.just(f"new{suffix}"))
    return base.joinpath(*parts, last)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES <= 40,
)
@given(data=st.data())
def test_fuzz_no_command_writes_into_the_data_or_beside_its_target(
    sandbox: Path, sandbox_atlas: geo.Atlas, data: st.DataObject
) -> None:
    command = data.draw(st.sampled_from(["map", "enrich", "build"]))
    suffix = {"map": ".html", "enrich": data.draw(st.sampled_from([".csv", ".geojson"]))}
    target = data.draw(output_paths(sandbox, suffix.get(command, "")))
    folder = (sandbox / "data").resolve()
    top = sandbox.parents[4]
    before = files(top)
    outcome = "written"
    try:
        if command == "map":
            sandbox_atlas.to_map(sandbox_atlas.places.head(2)).save(target)
        elif command == "enrich":
            enrich_file(sandbox / "work" / "points.csv", target, atlas=sandbox_atlas)
        else:
            build_atlas(sandbox_atlas, target)
    except UsageError:
        outcome = "refused"
    except GeoError:
        outcome = "failed"  # the system refused a write: nothing may change beside the target
    event(f"{command}: {outcome}")
    after = files(top)
    prefix = f"{folder.relative_to(top.resolve())}/"
    data_files = {k: v for k, v in before.items() if k.startswith(prefix)}
    assert {k: v for k, v in after.items() if k.startswith(prefix)} == data_files, (command, target)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    if outcome == "refused" or (outcome == "failed" and command != "build"):
        assert not changed, (command, target)  # no partial file either
        return
    dots = target.name in ("", ".", "..")
    landing = target.resolve() if dots else target.parent.resolve() / target.name
    assert not _inside(landing, folder), (command, target)
    for name in changed:
        path = (top / name).resolve()
        if command == "build":
            assert _inside(path, target.resolve()), (target, name)
        else:
            assert path == landing, (target, name)


def test_a_cache_folder_inside_the_data_is_never_written(
    fixture_copy: Path, tmp_path: Path
) -> None:
    """GEO_CACHE_DIR inside the data folder: the cache is off, said once, the data untouched."""
    import subprocess
    import sys

    data = fixture_copy
    before = files(data)
    env = {**os.environ, "GEO_CACHE_DIR": str(data / "cache")}
    env.pop("GEO_NO_CACHE", None)
    args = ["build", "--data", str(data), "--output", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-m", "geo", *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("is inside the data folder") == 1
    assert files(data) == before
    assert not (data / "cache").exists()


def test_an_export_over_a_data_file_or_into_the_data_is_refused(fixture_copy: Path) -> None:
    data = fixture_copy
    before = files(data)
    for target in (data / "offices.geojson", data / "places.gpkg"):
        result = run("export", str(target), "--data", str(data))
        assert result.exit_code == 2, result.stderr
        assert "Got OUTPUT" in result.stderr and str(target.name) in result.stderr
    assert files(data) == before
