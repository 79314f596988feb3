"""geo enrich on Dask: 1 worker process vs 2, against the local engine, on the same points.

Writes N random points (default 400,000) as 8 GeoParquet partitions, then enriches them
with the local engine (all cores, threads), and with a distributed.LocalCluster of 1 and
of 2 worker processes (one thread each), each run after a warm-up on the same cluster.
Prints the seconds of each.  The figures are one run on this machine; see bench/README.md.

    .venv/bin/python bench/bench_dask.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.points import enrich_file


def main(n: int) -> None:
    import distributed

    work = Path(tempfile.mkdtemp(prefix="geo-bench-dask-"))
    parts = work / "parts"
    parts.mkdir()
    rng = np.random.default_rng(0)
    for k in range(8):
        m = n // 8
        frame = gpd.GeoDataFrame(
            {"id": np.arange(k * m, (k + 1) * m)},
            geometry=shapely.points(rng.uniform(-180, 180, m), rng.uniform(-60, 75, m)),
            crs="EPSG:4326",
        )
        frame.to_parquet(parts / f"part.{k}.parquet")
    started = time.perf_counter()
    enrich_file(parts, work / "local.parquet")
    print(f"local engine: {time.perf_counter() - started:.1f} s for {n:,} points")
    for workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster),
        ):
            enrich_file(parts, work / "warm", engine="dask")  # workers load the atlas once
            started = time.perf_counter()
            enrich_file(parts, work / f"dask{workers}", engine="dask")
            seconds = time.perf_counter() - started
        print(f"dask, {workers} worker process(es): {seconds:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400_000)
