"""The command line: build writes the outputs, validate fails clearly, nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import geo
from geo.cli import cli
from tests.conftest_data import copy_data, edit_feature


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, check=False
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_build_writes_the_maps_and_places(tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = run("build", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote 8 files, 0 unchanged: 113 places in {out}" in result.stderr
    assert result.stdout == ""
    names = sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    assert names == [
        "index.html",
        "places.geojson",
        "regions/ac.html",
        "regions/ap.html",
        "regions/esa.html",
        "regions/eur.html",
        "regions/mena.html",
        "regions/wca.html",
    ]
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))
    assert places["type"] == "FeatureCollection" and len(places["features"]) == 113
    baku = next(f for f in places["features"] if f["properties"]["id"] == "rocb-europe")
    assert baku["properties"]["region"] == "EUR" and baku["properties"]["iso3"] == "AZE"
    assert baku["geometry"]["coordinates"] == [49.892, 40.3777]
    for page in ("index.html", "regions/eur.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and "<title>" in html


def test_build_twice_is_byte_identical(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(cli, ["build", "--output", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_validate_passes_on_shipped_data() -> None:
    result = run("validate")
    assert result.returncode == 0
    assert result.stderr.strip() == "data is valid"


def test_validate_fails_clearly_on_broken_copy(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="rcob")
    )
    edit_feature(data, "border_posts.geojson", "samur", lambda f: f.update(geometry=None))
    result = run("validate", "--data", str(data))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: 2 problems in the data:",
        "  border_posts.geojson: feature #0 (id='samur'): field 'geometry': got None; "
        "expected a Point geometry (the geometry is null)",
        "  offices.geojson: feature #6 (id='rocb-europe'): field 'kind': got 'rcob'; "
        "expected one of ['hq', 'rocb', 'rtc', 'rilo', 'border_post'] (did you mean 'rocb'?)",
    ]


def test_failed_build_changes_nothing(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "output"
    assert run("build", "--data", str(data), "--output", str(out)).returncode == 0
    before_out = snapshot(out)
    path = data / "offices.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")  # truncated file
    before_data = snapshot(data)
    result = run("build", "--data", str(data), "--output", str(out))
    assert result.returncode == 1
    assert "offices.geojson:" in result.stderr and "expected valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before_out
    assert snapshot(data) == before_data
    assert not list(out.rglob("*.tmp"))


def test_locate_text_and_json() -> None:
    result = run("locate", "--lat", "40.41", "--lon", "49.87")
    assert result.returncode == 0
    assert result.stdout == "40.41, 49.87: Azerbaijan (AZE), EUR (Europe)\n"
    result = run("locate", "--lat", "0", "--lon", "-30", "--format", "json")
    assert json.loads(result.stdout)["iso3"] is None


def test_locate_bad_latitude_is_a_clean_error() -> None:
    result = run("locate", "--lat", "95", "--lon", "10")
    assert result.returncode == 2
    assert result.stderr == (
        "error: Got lat=95.0; `lat` must be within [-90, 90] (are lat and lon swapped?)\n"
    )


@pytest.mark.parametrize("command", ["build", "validate", "locate"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_readme_lists_every_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in cli.commands:
        assert f"geo {command}" in readme, command


def test_snapshot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "output"
    assert run("build", "--output", str(out)).returncode == 0
    png = tmp_path / "eur.png"
    result = run(
        "snapshot", str(out / "regions" / "eur.html"), str(png), "--width", "800", "--height", "500"
    )
    assert result.returncode == 0, result.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (800, 500)
    assert len(data) > 20_000  # a drawn map, not a blank page


def test_snapshot_of_a_missing_map_is_a_clean_error(tmp_path: Path) -> None:
    result = run("snapshot", str(tmp_path / "nope.html"), str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "no such file (build the maps first: geo build)" in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("README.md", "# not a map\n"),
        ("page.html", "<!DOCTYPE html><html><body>some other page</body></html>"),
        ("blank.html", ""),
    ],
)
def test_snapshot_refuses_what_is_not_a_map_at_once(
    tmp_path: Path, name: str, content: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    started = time.monotonic()
    result = run("snapshot", str(source), str(tmp_path / "x.png"))
    assert time.monotonic() - started < 10  # no 30 s wait for a map that never comes
    assert result.returncode == 2
    assert "it is not a map made by geo" in result.stderr
    assert "Traceback" not in result.stderr and "Call log" not in result.stderr
    assert not (tmp_path / "x.png").exists()


# --------------------------------------------------------------------------- languages


def test_build_lang_fr_writes_french_maps(tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", "--output", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    title = "Réseau de renforcement des capacités de l\u2019OMD et postes frontières"
    assert f"<title>{title}</title>" in html
    assert not (out / "fr").exists()


def test_build_lang_en_fr_writes_both_and_links_them(tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = run("build", "--output", str(out), "--lang", "en,fr")
    assert result.returncode == 0, result.stderr
    assert f"wrote 15 files, 0 unchanged: 113 places in {out}" in result.stderr
    assert 'href="fr/index.html" hreflang="fr"' in (out / "index.html").read_text(encoding="utf-8")
    french = (out / "fr" / "regions" / "eur.html").read_text(encoding="utf-8")
    assert 'href="../../regions/eur.html" hreflang="en"' in french


@pytest.mark.parametrize("command", ["build", "watch"])
def test_an_unknown_language_is_refused_before_any_work(tmp_path: Path, command: str) -> None:
    out = tmp_path / "output"
    result = run(command, "--output", str(out), "--lang", "en,de")
    assert result.returncode == 2
    assert result.stderr == "error: Got lang='de'; `lang` must be one of ['en', 'fr']\n"
    assert not out.exists()


def test_build_follows_the_data_folders_geo_toml(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "geo.toml").write_text('[maps]\nlanguages = ["fr", "en"]\n', encoding="utf-8")
    result = run("build", "--data", str(data))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "output"  # beside the data folder
    assert '<html lang="fr">' in (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in (out / "en" / "index.html").read_text(encoding="utf-8")
    (data / "geo.toml").write_text('[maps]\nlangauges = ["fr"]\n', encoding="utf-8")
    result = run("validate", "--data", str(data))
    assert result.returncode == 1
    assert "field 'maps.langauges'" in result.stderr and "did you mean 'maps.languages'?" in (
        result.stderr
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_works_before_or_after_any_command(where: str, tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    points = tmp_path / "points.csv"
    points.write_text("id,lat,lon\na,40.41,49.87\n", encoding="utf-8")
    commands = [
        ["validate", "--data", str(data)],
        ["build", "--data", str(data), "--output", str(tmp_path / "out")],
        ["set", "--data", str(data), "samur", "checked_on=2026-01-01"],
        ["enrich", "--data", str(data), str(points), str(tmp_path / "out.csv")],
        ["export", "--data", str(data), str(tmp_path / "places.gpkg")],
        ["init", str(tmp_path / "copy")],
        ["query", "country", "AZE", "--data", str(data)],
    ]
    for command in commands:
        args = ["-q", *command] if where == "before" else [*command, "-q"]
        result = run(*args)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stderr == "", (command, result.stderr)
    assert (tmp_path / "out.csv").is_file() and (tmp_path / "places.gpkg").is_file()


def test_every_command_takes_quiet() -> None:
    def walk(command: click.Command) -> list[click.Command]:
        subs = list(command.commands.values()) if isinstance(command, click.Group) else []
        return [command] + [c for s in subs for c in walk(s)]

    for command in walk(cli):
        names = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"-q", "--quiet"} <= names, command.name


def test_the_documented_shell_completion_works() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_GEO_COMPLETE={shell}_source geo" in readme
        script = subprocess.run(
            [str(Path(sys.executable).parent / "geo")],
            env={**os.environ, "_GEO_COMPLETE": f"{shell}_source"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "_GEO_COMPLETE" in script and "complete" in script, shell
    words = subprocess.run(
        [str(Path(sys.executable).parent / "geo")],
        env={
            **os.environ,
            "_GEO_COMPLETE": "bash_complete",
            "COMP_WORDS": "geo exp",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "export" in words


def test_validate_and_build_answer_machines_in_json(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    valid = run("validate", "--data", str(data), "--format", "json")
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout) == {"valid": True, "problems": []}
    built = run("build", "--data", str(data), "--output", str(tmp_path / "out"), "--format", "json")
    assert built.returncode == 0, built.stderr
    answer = json.loads(built.stdout)
    assert answer["built"] is True and answer["places"] == len(geo.load(data).places)
    assert str(tmp_path / "out" / "index.html") in answer["written"]
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="rcob")
    )
    for command in (["validate"], ["build", "--output", str(tmp_path / "out")]):
        result = run(*command, "--data", str(data), "--format", "json")
        assert result.returncode == 1
        problems = json.loads(result.stdout)["problems"]
        assert [(p["file"], p["feature_id"], p["field"], p["value"]) for p in problems] == [
            ("offices.geojson", "rocb-europe", "kind", "rcob")
        ]
        assert "did you mean 'rocb'?" in problems[0]["message"]


# ------------------------------------------------------------- the folder's languages


def _build(*args: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    """``geo build ARGS`` with the terminal in ``language`` (its messages' language); its
    stderr without the fixture's notes on the country layers it borrows from geo."""
    done = subprocess.run(
        [sys.executable, "-m", "geo", "build", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LANGUAGE": language},
    )
    lines = done.stderr.splitlines(keepends=True)
    done.stderr = "".join(x for x in lines if not x.endswith(": using geo's own copy\n"))
    return done


def test_a_plain_build_after_en_fr_builds_both_and_says_so_once(
    fixture_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    where = ("--data", str(fixture_copy), "--output", str(out))
    assert _build(*where, "--lang", "en,fr").returncode == 0
    before = snapshot(out)
    again = _build(*where)
    assert again.returncode == 0, again.stderr
    assert again.stderr == (
        f"languages en,fr: those {out} was last built in with --lang (the data folder's "
        "settings say en; geo build --lang en goes back to them)\n"
        f"wrote 0 files, 15 unchanged: 11 places in {out}\n"
    )
    assert snapshot(out) == before  # the French pages, and the English pages' links to them
    assert 'href="fr/index.html" hreflang="fr"' in (out / "index.html").read_text(encoding="utf-8")
    edit_feature(
        fixture_copy,
        "offices.geojson",
        "rtc-kenya",
        lambda f: f["properties"].update(name="RTC Kenya (Mombasa)"),
    )
    changed = _build(*where, "--format", "json")
    report = json.loads(changed.stdout)
    assert report["languages"] == ["en", "fr"] and report["removed"] == []
    assert {str(out / "index.html"), str(out / "fr" / "index.html")} <= set(report["written"])
    lines = changed.stderr.splitlines()
    assert lines[0].startswith("languages en,fr: ") and sum("languages" in x for x in lines) == 1
    assert f"wrote {out / 'fr' / 'regions' / 'esa.html'}" in lines
    assert lines[-1] == (
        f"wrote {len(report['written'])} files, {len(report['unchanged'])} unchanged: "
        f"11 places in {out}"
    )
    for page in ("index.html", "fr/index.html"):
        assert "RTC Kenya (Mombasa)" in (out / page).read_text(encoding="utf-8")


def test_a_build_says_what_it_removed_and_counts_in_french(
    fixture_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    where = ("--data", str(fixture_copy), "--output", str(out))
    first = _build(*where, "--lang", "en,fr", language="fr")
    assert first.stderr.endswith(f"15 fichiers écrits, 0 inchangé : 11 lieux dans {out}\n")
    second = _build(*where, "--lang", "en,fr", language="fr")
    assert second.stderr == f"0 fichier écrit, 15 inchangés : 11 lieux dans {out}\n"
    dropped = _build(*where, "--lang", "en", language="fr")
    assert dropped.returncode == 0, dropped.stderr
    assert f"supprimé : {out / 'fr' / 'index.html'}" in dropped.stderr.splitlines()
    assert dropped.stderr.endswith(
        f"7 fichiers écrits, 1 inchangé : 11 lieux dans {out}\n"
        "7 fichiers supprimés : cette construction ne les fait plus\n"
    )
    assert not (out / "fr").exists()


def test_the_help_states_the_languages_rule() -> None:
    for command in ("build", "watch"):
        text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "--lang > the languages the output folder was last built in with --lang" in text or (
            "(default: the languages the output folder was last built in with --lang, else the "
            "data folder's geo.toml, else en)" in text
        )
