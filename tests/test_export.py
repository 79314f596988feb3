"""geo export and geo.export: the places in GIS formats that GDAL opens, nested values as JSON."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from geo.cli import cli
from geo.errors import GeoError, UsageError
from geo.export import FORMATS, flat_frame, format_of, places_csv, safe_cell, write_places

KML = "{http://www.opengis.net/kml/2.2}"


def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "name": ["=cmd|' /C calc'!A0", "Baku <b>"],
            "history": [[{"date": "2011", "status": "operational"}], None],
            "osbp": [True, None],
            "side_b_lon": [None, 49.5],
        },
        geometry=[shapely.Point(49.87, 40.41), shapely.Point(4.37, 50.85)],
        crs="EPSG:4326",
    )


def test_nested_values_are_json_in_a_csv_cell() -> None:
    rows = list(csv.DictReader(io.StringIO(places_csv(frame()))))
    assert json.loads(rows[0]["history"]) == [{"date": "2011", "status": "operational"}]
    assert rows[1]["history"] == ""
    assert rows[0]["name"].startswith("'=")  # still neutralised for spreadsheets


def test_a_flat_frame_keeps_types_and_makes_nested_values_text() -> None:
    flat = flat_frame(frame())
    assert str(flat["osbp"].dtype) == "boolean"
    assert flat["side_b_lon"].dtype == float
    assert json.loads(flat["history"][0]) == [{"date": "2011", "status": "operational"}]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_is_read_back_by_gdal(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"places{FORMATS[fmt][0]}"
    write_places(frame(), path, fmt)
    back = pyogrio.read_dataframe(path)
    assert len(back) == 2
    names = [safe_cell(n) for n in frame()["name"]] if fmt == "csv" else list(frame()["name"])
    column = "Name" if fmt == "kml" else "name"  # KML: each placemark's <name>
    assert sorted(back[column]) == sorted(names)  # CSV neutralised for spreadsheets
    if fmt != "csv":
        assert back.geometry.x.round(6).tolist() == [49.87, 4.37]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # nothing left aside
    if shutil.which("ogrinfo"):  # Debian's gdal-bin, as a user's QGIS would open it
        info = subprocess.run(
            ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert "Feature Count: 2" in info


def test_the_kml_is_kml_a_parser_reads(tmp_path: Path) -> None:
    path = tmp_path / "places.kml"
    write_places(frame(), path, "kml")
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    placemarks = root.findall(f".//{KML}Placemark")
    assert [p.findtext(f"{KML}name") for p in placemarks] == list(frame()["name"])
    coordinates = placemarks[1].findtext(f".//{KML}coordinates")
    assert coordinates is not None and coordinates.startswith("4.37,50.85")
    # the KML 2.2 structure: every element in its namespace; kml > Document > (Folder >)
    # Placemark, each with one Point and ExtendedData whose SchemaData names a declared Schema
    assert {e.tag.split("}")[0] + "}" for e in root.iter()} == {KML}
    document = root.find(f"{KML}Document")
    assert document is not None
    assert placemarks == document.findall(f"{KML}Placemark") + document.findall(
        f"{KML}Folder/{KML}Placemark"
    )
    schemas = {f"#{s.get('id')}": s for s in document.findall(f"{KML}Schema")}
    for placemark in placemarks:
        assert len(placemark.findall(f"{KML}Point")) == 1
        lon, lat = map(float, placemark.findtext(f"{KML}Point/{KML}coordinates", "").split(","))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for data in placemark.iterfind(f"{KML}ExtendedData/{KML}SchemaData"):
            fields = {f.get("name") for f in schemas[data.get("schemaUrl", "")]}
            assert {d.get("name") for d in data.findall(f"{KML}SimpleData")} <= fields
    history = placemarks[0].find(f".//{KML}SimpleData[@name='history']")
    assert history is not None and json.loads(history.text or "") == frame()["history"][0]


def test_the_format_comes_from_the_ending_or_is_refused() -> None:
    assert format_of("x/Places.GPKG", None) == "gpkg"
    assert format_of("x.out", "fgb") == "fgb"
    with pytest.raises(UsageError, match=r"x\.shp: cannot tell the format .*\.gpkg, \.fgb"):
        format_of("x.shp", None)
    with pytest.raises(UsageError, match=r"unknown format 'shp'; expected one of"):
        format_of("x.gpkg", "shp")


def test_an_unwritable_place_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(GeoError, match=r"cannot write to .*file"):
        write_places(frame(), blocker / "places.gpkg", "gpkg")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_geo_export_writes_the_places_and_streams_text(tmp_path: Path, fixture_dir: Path) -> None:
    out = tmp_path / "places.gpkg"
    result = CliRunner().invoke(cli, ["export", "--data", str(fixture_dir), str(out)])
    assert result.exit_code == 0, result.output
    assert len(pyogrio.read_dataframe(out)) > 3
    streamed = CliRunner().invoke(
        cli, ["export", "--data", str(fixture_dir), "-", "--format", "geojson"]
    )
    assert streamed.exit_code == 0
    assert json.loads(streamed.stdout)["type"] == "FeatureCollection"
    refused = CliRunner().invoke(cli, ["export", "--data", str(fixture_dir), "-"])
    assert refused.exit_code == 2
    assert "OUTPUT - (stdout) needs --format geojson or --format csv" in refused.output
