"""Where the seconds of a `geo enrich` of uniform points go, stage by stage.

One thread per stage (the command runs them on every core, batch by batch), then the whole
command end to end.  Not a comparison: the ratios are in `bench_enrich.py`.

    .venv/bin/python bench/profile_enrich.py --points 1000000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geo  # noqa: E402
from geo.points.enrich import Enricher, nearest_place  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    n = parser.parse_args().points
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.csv"
        pd.DataFrame({"id": np.arange(n), "lat": lat, "lon": lon}).to_csv(source, index=False)

        def stage(name: str, start: float) -> None:
            print(f"{name:34}{time.perf_counter() - start:7.2f} s")

        start = time.perf_counter()
        enricher = Enricher(geo.load(), None)
        enricher.warm(n)
        stage("load the atlas, set up", start)
        start = time.perf_counter()
        table = pa_csv.read_csv(source)
        stage("read the CSV (pyarrow)", start)
        x, y = table.column("lon").to_numpy(), table.column("lat").to_numpy()
        with enricher._country_index() as countries:
            countries.locate_many(x[:1000], y[:1000])  # the raster, read or built
            start = time.perf_counter()
            located = countries.locate_many(x, y)
            stage("country rule (raster, exact rule)", start)
        snapped = int((located.distance_km > 0).sum())
        start = time.perf_counter()
        nearest_place(enricher._places, x, y, threads=False)
        stage("nearest place", start)
        start = time.perf_counter()
        enricher.frame(enricher.find(x, y))
        stage("both, and the added columns", start)
        command = [sys.executable, "-m", "geo", "enrich", str(source), str(Path(tmp) / "out.csv")]
        start = time.perf_counter()
        subprocess.run([*command, "--silent"], check=True, cwd=tmp)
        stage("geo enrich end to end (every core)", start)
        print(f"{n:,} points; {snapped:,} snapped to a country within 25 km")


if __name__ == "__main__":
    main()
