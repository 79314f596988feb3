"""Tests of the ``geo query`` commands: outputs, stdout/stderr separation, exit codes, maps."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from geo.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def query_group() -> click.Group:
    group = cli.commands["query"]
    assert isinstance(group, click.Group)
    return group


# --------------------------------------------------------------------------- table output


def test_nearest_table() -> None:
    result = run(
        "query", "nearest", "--lat", "41.64", "--lon", "48.43", "--k", "3", "--kind", "rocb"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["km", "id", "kind", "name", "country", "region"]
    assert set(lines[1]) <= {"-", " "}
    assert [line.split()[1] for line in lines[2:]] == ["rocb-europe", "rocb-mena", "rocb-esa"]
    assert lines[2].split()[0] == "186.5"
    assert result.stderr == "3 places\n"


def test_within_table_shows_sides_of_border_posts() -> None:
    result = run("query", "within", "--lat", "41.64", "--lon", "48.43", "--km", "300")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[-1] == "sides"
    assert lines[2].split()[1] == "samur"
    assert lines[2].split()[-1] == "AZE-RUS"
    assert len(lines) == 2 + 11


def test_region_table() -> None:
    result = run("query", "region", "europe", "--kind", "rocb")
    assert result.exit_code == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == ["rocb-europe"]


def test_country_table() -> None:
    result = run("query", "country", "AZE", "--kind", "border_post")
    assert result.exit_code == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert ids == [
        "samur",
        "khanoba",
        "red-bridge",
        "astara",
        "yalama-samur-rail",
        "mazimqara-lagodekhi",
        "boyuk-kasik-gardabani-rail",
        "bilasuvar-bileh-savar",
        "culfa-jolfa",
        "sahtaxti-poldasht",
        "astara-rail",
        "aghband-kalaleh",
        "sadarak-dilucu",
        "sadarak-yeraskh",
        "muganli-samtatskaro",
        "ipek-yolu-abreshumis-gza",
    ]


def test_between_table() -> None:
    result = run("query", "between", "AZE", "RUS")
    assert result.exit_code == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert ids == ["samur", "khanoba", "yalama-samur-rail"]


def test_distance_line() -> None:
    result = run("query", "distance", "rocb-europe", "samur")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("186.2 km from rocb-europe (ROCB Europe) to samur (")
    assert result.stderr == ""


def test_empty_result_prints_no_table() -> None:
    result = run("query", "within", "--lat", "-60", "--lon", "-140", "--km", "10")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "0 places\n"


# --------------------------------------------------------------------------- machine formats


def test_json_parses_and_has_distances() -> None:
    result = run(
        "query", "nearest", "--lat", "41.64", "--lon", "48.43", "--k", "2", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["samur", "yalama-samur-rail"]
    assert rows[0]["distance_km"] == pytest.approx(0.367, abs=1e-3)
    assert rows[0]["lon"] == 48.4303
    assert rows[0]["lat"] == 41.6367
    assert "geometry" not in rows[0]
    assert result.stderr == "2 places\n"


def test_geojson_parses_as_a_feature_collection() -> None:
    result = run("query", "region", "ESA", "--kind", "rocb", "--format", "geojson")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["type"] == "FeatureCollection"
    (feature,) = doc["features"]
    assert feature["properties"]["id"] == "rocb-esa"
    assert feature["geometry"]["type"] == "Point"
    assert len(feature["geometry"]["coordinates"]) == 2


def test_csv_parses_with_lon_lat_columns() -> None:
    result = run(
        "query", "within", "--lat", "41.64", "--lon", "48.43", "--km", "50", "--format", "csv"
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["samur", "yalama-samur-rail", "khanoba"]
    assert {"distance_km", "lon", "lat", "side_a_iso3"} <= set(rows[0])
    assert float(rows[2]["distance_km"]) == pytest.approx(20.544, abs=1e-3)


def test_distance_json_and_csv() -> None:
    as_json = run("query", "distance", "samur", "khanoba", "--format", "json")
    assert json.loads(as_json.stdout) == {"id_a": "samur", "id_b": "khanoba", "distance_km": 20.885}
    as_csv = run("query", "distance", "samur", "khanoba", "--format", "csv")
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [
        {"id_a": "samur", "id_b": "khanoba", "distance_km": "20.885"}
    ]


def test_quiet_leaves_stderr_empty_and_stdout_unchanged() -> None:
    loud = run("query", "between", "AZE", "RUS", "--format", "json")
    quiet = run("--quiet", "query", "between", "AZE", "RUS", "--format", "json")
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_data_option(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {
            "id": "rtc-suva",
            "kind": "rtc",
            "name": "Suva",
            "iso3": "FJI",
            "status": "operational",
            "source": "https://example.org",
        },
        "geometry": {"type": "Point", "coordinates": [178.4419, -18.1416]},
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    (tmp_path / "offices.geojson").write_text(json.dumps(doc), encoding="utf-8")
    result = run("query", "nearest", "--data", str(tmp_path), "--lat", "-18", "--lon", "-179.9")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2].split()[1] == "rtc-suva"


# --------------------------------------------------------------------------- errors


def test_unknown_region_exits_2_with_the_choices() -> None:
    result = run("query", "region", "Eurpoe")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: Got region='Eurpoe'; `region` must be one of {'EUR' (Europe)"
    )
    assert "(did you mean 'EUR' (Europe)?)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["country", "Azerbajan"], "did you mean 'Azerbaijan' (AZE)?"),
        (["between", "AZE", "AZE"], "a crossing joins two different countries"),
        (["distance", "samurr", "samur"], "Got id_a='samurr'"),
        (["nearest", "--lat", "95", "--lon", "3"], "Got lat=95.0; `lat` must be within [-90, 90]"),
        (
            ["nearest", "--lat", "1", "--lon", "3", "--k", "0"],
            "Got k=0; `k` must be a positive integer",
        ),
        (["within", "--lat", "1", "--lon", "3", "--km", "-5"], "Got km=-5.0; `km` must be"),
        (["region", "EUR", "--kind", "office"], "Got kind='office'; `kind` must be one of {'hq'"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    result = run("query", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_error_in_a_real_process_has_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "query", "region", "Narnia"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: Got region='Narnia'; `region` must be one of {")
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- help and maps


def test_every_query_command_has_help_with_an_example() -> None:
    group = query_group()
    assert set(group.commands) == {"nearest", "within", "region", "country", "between", "distance"}
    for name in [None, *group.commands]:
        args = ["query", "--help"] if name is None else ["query", name, "--help"]
        result = run(*args)
        assert result.exit_code == 0
        assert "Example:" in result.stdout, name
        assert "geo query" in result.stdout, name


@pytest.mark.parametrize(
    "args",
    [
        ["nearest", "--lat", "41.64", "--lon", "48.43", "--k", "3"],
        ["region", "AP", "--kind", "rtc"],
        ["between", "AZE", "RUS"],
        ["distance", "rocb-europe", "samur"],
        ["within", "--lat", "-60", "--lon", "-140", "--km", "1"],
    ],
)
def test_map_writes_a_self_contained_page(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "out" / "map.html"
    result = run("query", *args, "--map", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"wrote map to {path}" in result.stderr
    page = path.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert '<script src="http' not in page
    assert '<link rel="stylesheet" href="http' not in page


def _map_data(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    blob = page.split('<script type="application/json" id="atlas-data">\n', 1)[1]
    return json.loads(blob.split("\n</script>", 1)[0])


def test_a_within_map_draws_its_point_and_circle(tmp_path: Path) -> None:
    path = tmp_path / "within.html"
    result = run(
        "query", "within", "--lat", "40.41", "--lon", "49.87", "--km", "300", "--map", str(path)
    )
    assert result.exit_code == 0, result.stderr
    query = _map_data(path)["query"]
    assert query["at"] == [40.41, 49.87] and query["km"] == 300.0
    assert query["circle"] and query["lines"] == []


def test_a_nearest_map_draws_a_line_to_each_answer(tmp_path: Path) -> None:
    path = tmp_path / "nearest.html"
    args = ["nearest", "--lat", "41.64", "--lon", "48.43", "--k", "2", "--format", "json"]
    result = run("query", *args, "--map", str(path))
    assert result.exit_code == 0, result.stderr
    answers = json.loads(result.stdout)
    lines = _map_data(path)["query"]["lines"]
    assert [line[0] for line in lines] == [a["id"] for a in answers]
    assert [line[3] for line in lines] == pytest.approx(
        [a["distance_km"] for a in answers], abs=1e-3
    )


def test_other_query_maps_draw_no_query(tmp_path: Path) -> None:
    path = tmp_path / "region.html"
    assert run("query", "region", "EUR", "--map", str(path)).exit_code == 0
    assert _map_data(path)["query"] is None


# --------------------------------------------------------------------------- as of a day


@pytest.mark.parametrize(
    "args",
    [
        ["nearest", "--lat", "41.64", "--lon", "48.43"],
        ["within", "--lat", "41.64", "--lon", "48.43", "--km", "50"],
        ["region", "EUR"],
        ["country", "AZE"],
        ["between", "AZE", "RUS"],
        ["distance", "rocb-europe", "wco-hq"],
    ],
)
def test_every_query_command_takes_as_of(args: list[str]) -> None:
    result = run("query", *args, "--as-of", "2010-09-08", "--format", "json")
    assert result.exit_code == 0, result.stderr
    bad = run("query", *args, "--as-of", "2010-13-45")
    assert bad.exit_code == 2
    assert "as_of" in bad.stderr and "Traceback" not in bad.stderr


def test_as_of_answers_with_the_places_of_that_day() -> None:
    now = json.loads(run("query", "region", "EUR", "--kind", "rocb", "--format", "json").stdout)
    then = json.loads(
        run(
            "query", "region", "EUR", "--kind", "rocb", "--format", "json", "--as-of", "2010-09-08"
        ).stdout
    )
    assert [p["status"] for p in now] == ["operational"]
    assert [(p["id"], p["status"]) for p in then] == [("rocb-europe", "under_construction")]


# --------------------------------------------------------------------------- CSV for spreadsheets


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    from tests.conftest_data import copy_data, edit_feature

    data = copy_data(tmp_path)
    hostile = '=HYPERLINK("http://evil.example","x")'
    edit_feature(
        data,
        "offices.geojson",
        "wco-hq",
        lambda f: f["properties"].update(
            name=hostile, notes="+1", city="@SUM(A1)", host="-2\x00", tabbed="\tx"
        ),
    )
    args = ["query", "country", "BEL", "--kind", "hq", "--format", "csv", "--data", str(data)]
    rows = list(csv.DictReader(io.StringIO(run(*args).stdout)))
    assert rows[0]["name"] == "'" + hostile
    assert (rows[0]["notes"], rows[0]["city"], rows[0]["host"]) == ("'+1", "'@SUM(A1)", "'-2")
    assert rows[0]["tabbed"] == "'\tx"
    assert float(rows[0]["lon"]) == pytest.approx(4.37, abs=0.05)  # numbers stay numbers
    raw = list(csv.DictReader(io.StringIO(run(*args, "--raw-csv").stdout)))
    assert raw[0]["name"] == hostile and raw[0]["host"] == "-2\x00"


# --------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (
            ["within", "--lat", "40.41", "--lon", "49.87", "--km", "300"],
            "À moins de 300 km de 40,41° N, 49,87° E",
        ),
        (["nearest", "--lat", "41.64", "--lon", "48.43"], "Les plus proches de 41,64° N, 48,43° E"),
        (["region", "WCA"], "Lieux de la région Afrique occidentale et centrale"),
        (
            ["distance", "rocb-europe", "samur"],
            "De Bureau régional de renforcement des capacités (BRRC) pour l&#x27;Europe à "
            "Samur \u2013 Yarag-Kazmalyar (Samur\u2013Khachmaz)\u00a0: 186,2 km",
        ),
    ],
)
def test_a_query_map_in_french(tmp_path: Path, args: list[str], title: str) -> None:
    path = tmp_path / "map.html"
    result = run("query", *args, "--map", str(path), "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    page = path.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert f"<title>{title}</title>" in page
    assert _map_data(path)["lang"] == "fr"


def test_a_query_map_as_of_a_day_says_the_day_in_its_language(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    result = run(
        "query", "region", "EUR", "--as-of", "2010-09-08", "--map", str(path), "--lang", "fr"
    )
    assert result.exit_code == 0, result.stderr
    assert "<title>Lieux de la région Europe (au 8 septembre 2010)</title>" in path.read_text(
        encoding="utf-8"
    )


def test_lang_without_map_or_unknown_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "country", "AZE", "--lang", "fr"])
    assert result.exit_code == 2
    assert "--lang sets the language of the map: add --map FILE" in result.stderr
    path = tmp_path / "map.html"
    result = CliRunner().invoke(
        cli, ["query", "country", "AZE", "--map", str(path), "--lang", "es"]
    )
    assert result.exit_code == 2
    assert "Got lang='es'; `lang` must be one of ['en', 'fr']" in result.stderr
    assert not path.exists()


# --------------------------------------------------------------------------- check-stale


def test_check_stale_lists_places_due_a_check(fixture_dir: Path) -> None:
    # the fixture's places carry no checked_on: every one is due
    args = ["--older-than", "12m", "--kind", "rocb", "--data", str(fixture_dir)]
    result = run("check-stale", *args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "kind", "checked_on", "name"]
    ids = [line.split()[0] for line in lines[1:]]
    assert ids == ["rocb-europe", "rocb-americas"]
    assert next(line for line in lines if line.startswith("rocb-europe")).split()[2] == "never"
    assert "2 places due a check (checked_on missing or older than 12m)" in result.stderr


def test_check_stale_as_json(fixture_dir: Path) -> None:
    args = ["--kind", "rocb", "--format", "json", "--data", str(fixture_dir)]
    rows = json.loads(run("check-stale", *args).stdout)
    assert {r["kind"] for r in rows} == {"rocb"} and "rocb-europe" in {r["id"] for r in rows}


def test_check_stale_refuses_a_bad_age() -> None:
    result = run("check-stale", "--older-than", "a year")
    assert result.exit_code != 0
    assert "Got an age of 'a year'; expected a whole number and a unit d, w, m or y" in (
        result.stderr
    )


def test_a_map_to_stdout_with_dash(tmp_path: Path) -> None:
    args = ["query", "within", "--lat", "40.41", "--lon", "49.87", "--km", "300"]
    result = CliRunner().invoke(cli, [*args, "--map", "-", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")  # the page, not the table
    page = tmp_path / "page.html"
    page.write_text(result.stdout, encoding="utf-8")
    assert _map_data(page)["query"]["km"] == 300.0
    both = CliRunner().invoke(cli, [*args, "--map", "-", "--format", "json"])
    assert both.exit_code == 2
    assert "Got --map - and --format json: both would go to stdout" in both.output


# ------------------------------------------------------------- a query written once


@pytest.mark.parametrize(
    ("args", "ask", "lang"),
    [
        (
            ["nearest", "--lat", "41.64", "--lon", "48.43", "--k", "3"],
            lambda atlas: atlas.nearest(lat=41.64, lon=48.43, k=3),
            "en",
        ),
        (
            ["within", "--lat", "40.41", "--lon", "49.87", "--km", "300"],
            lambda atlas: atlas.within(lat=40.41, lon=49.87, km=300),
            "fr",
        ),
        (["region", "EUR"], lambda atlas: atlas.in_region("EUR"), "fr"),
        (["between", "AZE", "RUS"], lambda atlas: atlas.crossings_between("AZE", "RUS"), "en"),
    ],
)
def test_a_notebooks_map_of_a_query_is_the_clis(
    fixture_dir: Path, tmp_path: Path, args: list[str], ask: Any, lang: str
) -> None:
    """``atlas.to_map(atlas.nearest(...))`` draws what ``geo query nearest ... --map`` draws:
    the same title, point, circle and lines, from the question the answer carries."""
    import geo
    from geo.query import question_of
    from geo.render import to_html

    where = ["--data", str(fixture_dir), "--as-of", "2015-01-01"]
    command = ["query", *args, *where, "--map", "-", "--lang", lang, "-q"]
    shown = CliRunner().invoke(cli, command)
    assert shown.exit_code == 0, shown.output
    atlas = geo.load(fixture_dir, as_of="2015-01-01")
    answer = ask(atlas)
    assert question_of(answer) is not None
    assert to_html(atlas.to_map(answer, lang=lang)) == shown.stdout
    page = tmp_path / "page.html"
    page.write_text(shown.stdout, encoding="utf-8")
    drawn = _map_data(page).get("query")
    assert (drawn is not None) == (args[0] in ("nearest", "within"))  # point, circle, lines


def test_a_query_map_from_python_has_its_title_and_marks(fixture_dir: Path, tmp_path: Path) -> None:
    import geo
    from geo.render import to_html

    atlas = geo.load(fixture_dir)
    page = tmp_path / "near.html"
    page.write_text(to_html(atlas.to_map(atlas.nearest(lat=41.64, lon=48.43, k=2))), "utf-8")
    answer = atlas.nearest(lat=41.64, lon=48.43, k=2)
    query = _map_data(page)["query"]
    assert query["at"] == [41.64, 48.43] and [line[0] for line in query["lines"]] == list(
        answer["id"]
    )
    html = page.read_text(encoding="utf-8")
    assert "<title>Nearest to 41.64° N, 48.43° E</title>" in html
    assert "Query result" not in html
    # a frame that answers no query keeps the plain title and draws no query
    plain = atlas.places.head(2)
    page.write_text(to_html(atlas.to_map(plain)), "utf-8")
    assert _map_data(page).get("query") is None
    assert "<title>Query result</title>" in page.read_text(encoding="utf-8")


# -- one table: every command of QUERY_COMMANDS maps its question as to_map does -------------

#: Per command of :data:`geo.cli.query.QUERY_COMMANDS`: its CLI arguments and the notebook's
#: call of the same question (the Atlas method, not the table's own ``ask``).
ASKED_BOTH_WAYS: dict[str, tuple[list[str], Any]] = {
    "nearest": (
        ["--lat", "41.64", "--lon", "48.43", "--k", "3"],
        lambda atlas: atlas.nearest(lat=41.64, lon=48.43, k=3),
    ),
    "within": (
        ["--lat", "-26.2", "--lon", "28.04", "--km", "700", "--kind", "border_post"],
        lambda atlas: atlas.within(lat=-26.2, lon=28.04, km=700, kind="border_post"),
    ),
    "region": (["ESA"], lambda atlas: atlas.in_region("ESA")),
    "country": (["Azerbaijan"], lambda atlas: atlas.in_country("Azerbaijan")),
    "between": (["ZAF", "Zimbabwe"], lambda atlas: atlas.crossings_between("ZAF", "Zimbabwe")),
}


def _title_and_marks(page: str) -> tuple[str, Any, list[str]]:
    """The page's ``<title>``, its query marks (point, circle, lines) and its places' ids."""
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    blob = page.split('<script type="application/json" id="atlas-data">\n', 1)[1]
    data = json.loads(blob.split("\n</script>", 1)[0])
    return title, data.get("query"), sorted(json.dumps(data.get("places"), sort_keys=True))


def test_every_places_query_command_comes_from_the_table() -> None:
    from geo.cli.query import QUERY_COMMANDS

    names = [spec.name for spec in QUERY_COMMANDS]
    assert sorted(names) == sorted(ASKED_BOTH_WAYS)  # a new row needs its case above
    for name in names:
        command = query_group().commands[name]
        options = {p.name for p in command.params}
        assert {"data_dir", "as_of", "fmt", "raw_csv", "map_path", "lang"} <= options, name
        assert "Example:" in (command.help or ""), name


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", sorted(ASKED_BOTH_WAYS))
def test_each_query_maps_the_same_from_python_and_from_the_cli(
    fixture_dir: Path, name: str, lang: str
) -> None:
    """``atlas.to_map(atlas.<query>(...))`` has the title and marks of ``geo query ... --map``."""
    import geo
    from geo.query import question_of
    from geo.render import to_html

    args, ask = ASKED_BOTH_WAYS[name]
    shown = CliRunner().invoke(
        cli, ["query", name, *args, "--data", str(fixture_dir), "--map", "-", "--lang", lang]
    )
    assert shown.exit_code == 0, shown.output
    atlas = geo.load(fixture_dir)
    answer = ask(atlas)
    assert len(answer) > 0 and question_of(answer) is not None
    from_cli = _title_and_marks(shown.stdout)
    from_python = _title_and_marks(to_html(atlas.to_map(answer, lang=lang)))
    assert from_python == from_cli
    title, marks, _ = from_cli
    assert title not in ("Query result", "Résultat de la requête")
    assert (marks is not None) == (name in ("nearest", "within"))
    if name == "nearest":
        assert [line[0] for line in marks["lines"]] == list(answer["id"])
    if name == "within":
        assert marks["km"] == 700.0 and marks["circle"]
