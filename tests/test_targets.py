"""Where geo may write (issue 26, cases 1, 2, 5 and the write errors of case 8).

No command writes inside the data folder or over a file geo reads as data; a
journal or manifest left in an output folder is followed only inside it; a
build removes only what it made, by name; a write that the system refuses is
a clean error that leaves no partial file.  Tests run as root, who ignores
``chmod``: a read-only folder is simulated by a path under a file (the system
refuses it for root too) or by monkeypatching the call that fails, and a full
disk by monkeypatching ``os.fsync`` (or the raw file an output is written to)
to raise ``ENOSPC``.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import geo
from geo.build import build
from geo.cli import cli
from geo.errors import GeoError, UsageError
from geo.points import enrich_file
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
    assert "Got png_path" in result.stderr and "inside the data folder" in result.stderr
    result = run("snapshot", str(page), str(page))
    assert result.exit_code == 2
    assert "index.html', which geo reads as data" in result.stderr
    monkeypatch.setenv("GEO_DATA", str(data))
    result = run("snapshot", str(page), str(data / "x.png"))
    assert result.exit_code == 2
    assert files(data) == before
    assert page.read_bytes().startswith(b"<!DOCTYPE html>")


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
    result = run("snapshot", str(out / "regions" / "ac.html"), str(target), "--width", "300")
    assert result.exit_code == 1, result.stderr
    assert f"error: cannot write {str(target)!r}: {str(target.parent)!r} is a file" in result.stderr
