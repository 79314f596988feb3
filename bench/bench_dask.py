"""geo enrich on Dask: 1 worker process vs 2, and the local engine vs Dask, on the same points.

Writes N random points (default 4,000,000, uniform over the globe) as 8 GeoParquet
partitions, starts a distributed.LocalCluster of 1 and one of 2 worker processes (one
thread each; scheduler and dashboard on free ports), warms each up (the workers load the
atlas once), then times, in alternation for each of ``--runs`` rounds: the local engine
with 2 threads (the same core count), Dask on 1 worker, Dask on 2 workers.  Prints each
run (wall-clock and CPU seconds, with the load average), then the medians and the ratios.

    .venv/bin/python bench/bench_dask.py                 # 4M points, 3 rounds
    .venv/bin/python bench/bench_dask.py --points 400000 --runs 1
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.points import enrich_file


def write_parts(folder: Path, n: int, parts: int) -> None:
    """``n`` points uniform in lat -56..72, lon -170..180, as ``parts`` GeoParquet files."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    m = n // parts
    for k in range(parts):
        frame = gpd.GeoDataFrame(
            {"id": np.arange(k * m, (k + 1) * m)},
            geometry=shapely.points(rng.uniform(-170, 180, m), rng.uniform(-56, 72, m)),
            crs="EPSG:4326",
        )
        frame.to_parquet(folder / f"part.{k}.parquet")


def cpu_seconds() -> float:
    """CPU seconds this process has used (user + system, all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(run: Callable[[], object], client: Any = None) -> tuple[float, float]:
    """Wall-clock seconds of ``run()``, and the CPU seconds of this process and the workers."""

    def used() -> float:
        workers = sum(client.run(cpu_seconds).values()) if client is not None else 0.0
        return cpu_seconds() + workers

    cpu = used()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started, used() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=4_000_000)
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import distributed

    work = Path(tempfile.mkdtemp(prefix="geo-bench-dask-"))
    try:
        parts = work / "parts"
        write_parts(parts, args.points, args.parts)
        print(
            f"{args.points:,} points in {args.parts} GeoParquet files; load average before: "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            flush=True,
        )
        clusters = {
            workers: distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                scheduler_port=0,
                dashboard_address=":0",
            )
            for workers in (1, 2)
        }
        clients = {w: distributed.Client(c) for w, c in clusters.items()}
        try:
            for client in clients.values():
                with client.as_current():  # the workers load the atlas once
                    enrich_file(parts, work / "warm", engine="dask")
            enrich_file(parts, work / "warm.parquet", workers=2)  # the atlas of this process
            runs: dict[str, list[float]] = {"local": [], "dask1": [], "dask2": []}
            cpus: dict[str, list[float]] = {"local": [], "dask1": [], "dask2": []}
            for round_ in range(args.runs):
                wall, cpu = timed(lambda: enrich_file(parts, work / "local.parquet", workers=2))
                runs["local"].append(wall)
                cpus["local"].append(cpu)
                for workers, client in clients.items():
                    with client.as_current():
                        wall, cpu = timed(
                            lambda: enrich_file(parts, work / "dask", engine="dask"), client
                        )
                    runs[f"dask{workers}"].append(wall)
                    cpus[f"dask{workers}"].append(cpu)
                print(
                    f"round {round_ + 1} (wall s / CPU s): "
                    f"local engine (2 threads) {runs['local'][-1]:.1f} / {cpus['local'][-1]:.1f}, "
                    f"dask 1 worker {runs['dask1'][-1]:.1f} / {cpus['dask1'][-1]:.1f}, "
                    f"dask 2 workers {runs['dask2'][-1]:.1f} / {cpus['dask2'][-1]:.1f}; "
                    f"load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        finally:
            for client in clients.values():
                client.close()
            for cluster in clusters.values():
                cluster.close()
        local, one, two = (statistics.median(runs[k]) for k in ("local", "dask1", "dask2"))
        print(
            f"medians of {args.runs}: local {local:.1f} s, dask 1 worker {one:.1f} s, "
            f"dask 2 workers {two:.1f} s"
        )
        print(f"2 workers vs 1: {one / two:.2f}x faster (target >= 1.6x)")
        print(
            f"dask (2 workers) vs local engine (2 threads): {two / local:.2f}x the time "
            "(target <= 1.2x)"
        )
        local_cpu, one_cpu, two_cpu = (
            statistics.median(cpus[k]) for k in ("local", "dask1", "dask2")
        )
        print(
            f"CPU seconds (medians): local {local_cpu:.1f}, dask 1 worker {one_cpu:.1f}, "
            f"dask 2 workers {two_cpu:.1f}: dask uses {two_cpu / local_cpu:.2f}x the local "
            "engine's CPU (less sensitive to other work on the machine than wall-clock)"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
