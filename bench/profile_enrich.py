"""Where the seconds of a `geo enrich` go, stage by stage, for one set of `bench_enrich.py`.

One thread per stage (the command runs them on every core, batch by batch), then the whole
command end to end.  Not a comparison: the ratios are in `bench_enrich.py`.

    .venv/bin/python bench/profile_enrich.py --points 1000000
    .venv/bin/python bench/profile_enrich.py --set "near coasts"
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

sys.path.insert(0, str(ROOT / "bench"))
import bench_enrich  # noqa: E402

#: The sets of bench_enrich.py: (atlas, points, random generator) -> (lon, lat).
SETS = {
    "uniform on land": bench_enrich.on_land,
    "uniform over globe": lambda atlas, n, rng: bench_enrich.over_globe(n, rng),
    "near land borders": lambda atlas, n, rng: bench_enrich.around(
        bench_enrich.land_border_vertices(atlas), n, rng
    ),
    "near coasts": lambda atlas, n, rng: bench_enrich.around(
        bench_enrich.land_border_vertices(atlas, shared_by=1), n, rng
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--set", default="uniform over globe", choices=sorted(SETS))
    args = parser.parse_args()
    n = args.points
    lon, lat = SETS[args.set](geo.load(), n, np.random.default_rng(0))
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
