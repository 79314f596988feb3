"""The README works as typed: every `geo ...` example of its shell blocks runs and succeeds.

The examples run in order, in a scratch folder, against a copy of the shipped data
(``GEO_DATA``), with the small input files they name (``shipments.csv``...) made
beforehand, so that editing examples change nothing of the project.  A few examples
cannot run in a test (a server that runs until Ctrl-C);
they are listed in :data:`NOT_RUN` with the reason, and every other one must pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from tests.conftest_data import copy_data

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: Examples that are not run, by their start, and why.
NOT_RUN = {
    "geo watch": "runs until Ctrl-C (tests/test_watch.py and tests/test_serve.py drive it)",
    "geo enrich parts/ enriched/ --engine dask --scheduler": "needs the reader's Dask cluster",
    "geo enrich s3://": "needs the reader's bucket and s3fs",
    "geo print": "lays out the whole network, minutes per run (tests/test_print.py drives it)",
    "geo build --pdf": "as geo print (tests/test_print.py builds the PDF through geo.build)",
}


def shell_examples(text: str) -> list[str]:
    """Every command of the ```sh blocks, continuation lines joined."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        pending = ""
        for line in block.splitlines():
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1].strip() + " "
                continue
            command = (pending + line.strip()).strip()
            pending = ""
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def geo_examples() -> list[str]:
    return [c for c in shell_examples(README.read_text(encoding="utf-8")) if c.startswith("geo ")]


def test_the_readme_shows_geo_commands() -> None:
    examples = geo_examples()
    assert len(examples) >= 20
    for start in NOT_RUN:
        assert any(e.startswith(start) for e in examples), f"{start!r} is no longer in the README"


def inputs(folder: Path) -> None:
    """The small files the examples name, as a reader would have them."""
    (folder / "shipments.csv").write_text(
        "id,lat,lon\ns1,40.41,49.87\ns2,50.85,4.37\n", encoding="utf-8"
    )
    (folder / "points.csv").write_text(
        "name;Y_WGS84;X_WGS84\nBaku;40.41;49.87\nBrussels;50.85;4.37\n", encoding="utf-8"
    )
    (folder / "export.csv").write_text(
        "id;lat;lon\ne1;41.72;44.79\ne2;48.86;2.35\n", encoding="utf-8"
    )
    parts = folder / "parts"  # partitioned GeoParquet, for the Dask engine
    parts.mkdir()
    for k, (lon, lat) in enumerate([(49.87, 40.41), (4.37, 50.85)]):
        frame = gpd.GeoDataFrame({"id": [f"p{k}"]}, geometry=[Point(lon, lat)], crs="EPSG:4326")
        frame.to_parquet(parts / f"part.{k}.parquet")
    (folder / "points.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "Baku"}, "geometry": {"type": "Point", "coordinates": [49.87, 40.41]}}]}',
        encoding="utf-8",
    )


def test_every_readme_example_runs_as_written(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "project")
    work = tmp_path / "work"
    work.mkdir()
    inputs(work)
    env = {
        **os.environ,
        "GEO_DATA": str(data),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    ran = 0
    for example in geo_examples():
        if any(example.startswith(start) for start in NOT_RUN):
            continue
        result = subprocess.run(
            ["bash", "-c", example],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{example}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, example
        ran += 1
    assert ran >= 20


@pytest.mark.parametrize(
    "text",
    [
        "```sh\ngeo a \\\n  --b c\n# a comment\ngeo d  # note\n```",
    ],
)
def test_shell_examples_join_continuations(text: str) -> None:
    assert shell_examples(text) == ["geo a --b c", "geo d  # note"]


def test_every_test_the_promises_name_exists() -> None:
    """The README's "What geo promises" names its tests: each must exist in its module."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## What geo promises", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", section)
    assert len(named) >= 20
    for module, test in named:
        source = (ROOT / "tests" / module).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{module}::{test} is not a test"
