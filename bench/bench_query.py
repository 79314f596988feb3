"""Benchmark the geodesic queries of geo.query against brute force.

Run from the project root::

    python bench/bench_query.py                 # 10k and 1M random points
    python bench/bench_query.py --sizes 10000   # quicker

For each size it times :func:`geo.query.nearest_many` and
:func:`geo.query.within_many` over random query points (uniform on the sphere)
against the atlas's places, and the brute-force method: ``Geod.inv`` of every
query point against every place, then the minimum (nearest) or a filter
(within).  For sizes above ``--sample`` points the brute force is timed on a
random sample of that many points and scaled linearly (its cost is exactly
linear in the number of points); the output says so.  Both methods are checked
to agree on the points the brute force ran on.  Times are wall-clock seconds,
best of ``--repeat`` runs, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj

from geo import query
from geo.atlas import load

GEOD = pyproj.Geod(ellps="WGS84")


def random_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(lon, lat)`` uniform on the sphere, degrees."""
    lon = rng.uniform(-180.0, 180.0, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    return lon, lat


def brute_km(lon: np.ndarray, lat: np.ndarray, plon: np.ndarray, plat: np.ndarray) -> np.ndarray:
    """``(n_points, n_places)`` geodesic km by ``Geod.inv`` of every pair, in chunks."""
    out = np.empty((len(lon), len(plon)))
    step = max(1, 2_000_000 // max(len(plon), 1))
    for start in range(0, len(lon), step):
        stop = min(start + step, len(lon))
        m = stop - start
        _, _, metres = GEOD.inv(
            np.repeat(lon[start:stop], len(plon)),
            np.repeat(lat[start:stop], len(plon)),
            np.tile(plon, m),
            np.tile(plat, m),
        )
        out[start:stop] = np.asarray(metres).reshape(m, len(plon)) / 1000.0
    return out


def brute_nearest(
    lon: np.ndarray, lat: np.ndarray, plon: np.ndarray, plat: np.ndarray, k: int
) -> np.ndarray:
    """``(n_points, k)`` smallest geodesic km, by brute force."""
    d = brute_km(lon, lat, plon, plat)
    return np.sort(d, axis=1)[:, :k]


def brute_within(
    lon: np.ndarray, lat: np.ndarray, plon: np.ndarray, plat: np.ndarray, km: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(point, place)`` index pairs within ``km``, by brute force."""
    point, place = np.nonzero(brute_km(lon, lat, plon, plat) <= km)
    return point, place


def best_time(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Smallest wall-clock seconds of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def row(name: str, n: int, fast: float, brute: float, note: str) -> str:
    return f"{name:<8} {n:>9,} {fast:>9.3f} {brute:>9.2f} {brute / fast:>8.0f}x  {note}"


def bench_size(
    places: gpd.GeoDataFrame, n: int, args: argparse.Namespace, rng: np.random.Generator
) -> list[str]:
    """Time both queries over ``n`` random points; raise if index and brute force disagree."""
    plon, plat = places.geometry.x.to_numpy(), places.geometry.y.to_numpy()
    lon, lat = random_points(n, rng)
    if n <= args.sample:
        sample = np.arange(n)
    else:
        sample = np.sort(rng.choice(n, args.sample, replace=False))
    scale = n / len(sample)
    how = "measured" if scale == 1 else f"sample of {len(sample):,} x {scale:g} (extrapolated)"
    repeat = args.repeat if n <= 100_000 else 1
    slon, slat = lon[sample], lat[sample]

    t_near, near = best_time(lambda: query.nearest_many(places, lon, lat, k=args.k), repeat)
    t_bn, bn = best_time(lambda: brute_nearest(slon, slat, plon, plat, args.k), repeat)
    if not np.allclose(near.distance_km[sample], bn, rtol=0, atol=1e-9):
        raise SystemExit("MISMATCH: nearest_many disagrees with brute force")

    t_within, found = best_time(lambda: query.within_many(places, lon, lat, km=args.km), repeat)
    t_bw, (bi, bj) = best_time(lambda: brute_within(slon, slat, plon, plat, args.km), repeat)
    kept = np.isin(found.point, sample)
    mine = set(zip(found.point[kept].tolist(), found.position[kept].tolist(), strict=True))
    if mine != set(zip(sample[bi].tolist(), bj.tolist(), strict=True)):
        raise SystemExit("MISMATCH: within_many disagrees with brute force")
    return [
        row("nearest", n, t_near, t_bn * scale, how),
        row("within", n, t_within, t_bw * scale, f"{how}; {len(found.point):,} pairs found"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--sample", type=int, default=20_000, help="Brute-force sample size.")
    parser.add_argument("--k", type=int, default=3, help="Neighbours for nearest.")
    parser.add_argument("--km", type=float, default=300.0, help="Radius for within.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)

    places = load().places
    rng = np.random.default_rng(args.seed)
    build_s, _ = best_time(lambda: query.PlaceIndex(places), args.repeat)
    print(
        f"geo.query benchmark: {len(places)} places, nearest k={args.k}, within km={args.km:g}, "
        f"seed={args.seed}, best of {args.repeat} (1 above 100k points)"
    )
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pyproj {pyproj.__version__}, "
        f"{os.cpu_count()} CPUs; index build {build_s * 1e3:.2f} ms (included in index s)"
    )
    header = f"{'query':<8} {'points':>9} {'index s':>9} {'brute s':>9} {'speed-up':>9}  brute"
    print(header)
    print("-" * 88)
    for n in args.sizes:
        for line in bench_size(places, n, args, rng):
            print(line, flush=True)
    print("index and brute force agree on every point the brute force ran on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
