"""The distribution: its name on PyPI, what the wheel and the sdist carry, the shipped data."""

from __future__ import annotations

import ast
import logging
import os
import re
import shutil
import stat
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import geo.atlas
import geo.build
from geo import shipped
from geo.cli import cli
from geo.errors import GeoError, UsageError

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NAME = PYPROJECT["project"]["name"]

#: ``pip install 'NAME[extra]'`` or ``pip install NAME``: the distribution a message names.
_PIP_INSTALL = re.compile(r"pip install (?:-\S+ )*'?([A-Za-z][\w.-]*)(?:\[[\w,]+\])?'?")


def test_the_distribution_name_is_not_the_unrelated_geo_on_pypi() -> None:
    # `geo` on PyPI is another project with the same import name: installing it installs that
    assert NAME != "geo"
    assert re.fullmatch(r"[a-z][a-z0-9-]*", NAME)


def test_every_install_message_names_our_distribution() -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in (ROOT / "geo").rglob("*.py")}
    texts[ROOT / "README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    ours = 0
    for path, text in texts.items():
        for match in _PIP_INSTALL.finditer(text):
            named = match.group(1)
            # a third-party library named by its own name (pyarrow, xstatic-...) is fine;
            # an extra of ours or the bare name `geo` must be the distribution's name
            extra = "[" in match.group(0)
            assert named != "geo", f"{path.name}: {match.group(0)!r} installs another project"
            if extra and named != ".":
                assert named == NAME, f"{path.name}: {match.group(0)!r}"
                ours += 1
    assert ours >= 5


# -- the data geo ships ------------------------------------------------------------------

SETUP = (ROOT / "setup.py").read_text(encoding="utf-8")


def test_the_build_step_ships_what_geo_init_copies() -> None:
    # setup.py copies data/ into the wheel by the same endings geo.shipped copies and reads
    suffixes = re.search(r"SUFFIXES = (\(.*?\))", SETUP)
    assert suffixes is not None
    assert ast.literal_eval(suffixes.group(1)) == shipped.SUFFIXES
    names = {p.name for p in shipped.snapshot_files(ROOT / "data")}
    assert {"offices.geojson", "border_posts.geojson", "countries.fgb.xz"} <= names
    assert {"wco_members.csv", "nonmember_territories.csv", "countries_display.geojson"} <= names


def test_a_checkout_reads_its_own_data_folder() -> None:
    assert shipped.installed_snapshot() is None
    assert shipped.shipped_data_dir() == ROOT / "data"


def test_an_installation_without_its_data_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # as an installed geo whose geo/_data is gone (an editable install has none)
    monkeypatch.setattr(shipped, "_checkout_data_dir", lambda: None)
    with pytest.raises(
        GeoError, match=r"geo's own data .*_data.* is missing .*reinstall wco-atlas"
    ):
        shipped.shipped_data_dir()


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """geo as a wheel installs it: no checkout, the snapshot in site-packages, no GEO_DATA."""
    snapshot = tmp_path / "site-packages" / "geo" / "_data"
    snapshot.mkdir(parents=True)
    for source in shipped.snapshot_files(ROOT / "data"):
        shutil.copyfile(source, snapshot / source.name)
    monkeypatch.setattr(shipped, "_checkout_data_dir", lambda: None)
    monkeypatch.setattr(shipped, "installed_snapshot", lambda: snapshot)
    monkeypatch.setattr(geo.build, "installed_snapshot", lambda: snapshot)
    monkeypatch.delenv("GEO_DATA", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return snapshot


def test_an_installed_geo_builds_from_its_snapshot_into_the_current_folder(
    installed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = {p.name: p.read_bytes() for p in installed.iterdir()}
    with caplog.at_level(logging.INFO):
        result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert "using the network's places shipped with geo" in caplog.text
    assert "geo init DIR" in caplog.text
    assert (Path.cwd() / "output" / "index.html").is_file()
    assert not (installed.parent / "output").exists()
    assert {p.name: p.read_bytes() for p in installed.iterdir()} == before


def test_the_installed_snapshot_is_not_edited(installed: Path) -> None:
    before = (installed / "offices.geojson").read_bytes()
    result = CliRunner().invoke(cli, ["set", "rocb-europe", "x_edited_here=yes"])
    assert result.exit_code == 2
    assert "the places shipped with geo are read-only" in result.output
    assert "geo init DIR" in result.output
    assert (installed / "offices.geojson").read_bytes() == before


def test_geo_init_copies_the_snapshot_to_edit_and_build(installed: Path) -> None:
    result = CliRunner().invoke(cli, ["init", "mine"])
    assert result.exit_code == 0, result.output
    mine = Path.cwd() / "mine"
    assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in installed.iterdir())
    for copy in mine.iterdir():
        assert copy.read_bytes() == (installed / copy.name).read_bytes()
    edit = CliRunner().invoke(cli, ["set", "--data", "mine", "rocb-europe", "x_edited_here=yes"])
    assert edit.exit_code == 0, edit.output
    assert b"x_edited_here" in (mine / "offices.geojson").read_bytes()
    assert b"x_edited_here" not in (installed / "offices.geojson").read_bytes()


def test_geo_init_never_overwrites(installed: Path) -> None:
    taken = Path.cwd() / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", "taken"])
    assert result.exit_code == 2
    assert "taken exists and is not an empty folder" in result.output
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    (Path.cwd() / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="a-file exists and is not an empty folder"):
        shipped.copy_snapshot("a-file")
    assert not [p for p in Path.cwd().iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits and umask")
def test_geo_init_into_an_empty_folder_keeps_the_users_umask(installed: Path) -> None:
    empty = Path.cwd() / "empty"
    empty.mkdir()
    old = os.umask(0o027)
    try:
        shipped.copy_snapshot(empty)
    finally:
        os.umask(old)
    assert stat.S_IMODE(empty.stat().st_mode) == 0o750
    assert (empty / "offices.geojson").is_file()
