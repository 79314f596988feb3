"""Bulk enrichment of random points: `geo.points` against a plain `geopandas.sjoin`.

Run: python bench/bench_enrich.py [--points 1000000] [--repeat 3] [--mix mixed|uniform] [--no-files]

Points, in one run and one process (--mix mixed, the default):
  * 40 % uniform on the sphere (so mostly at sea), 30 % on land around the
    atlas's places (2 degree spread), 30 % within a few km of a country boundary
    (borders and coasts: the hard cases);
  or (--mix uniform) all uniform on the sphere;
and timings (best of --repeat):
  * geo.points.enrich_points: country by the core's rule (covered-by, nearest
    within 25 km geodesic, else none) + nearest office or border post (exact
    geodesic), built into a frame;
  * the country rule alone (CountryIndex.locate_many), and the same rule
    through its exact path only (no answer raster: what small calls use);
  * geopandas.sjoin(points, countries, predicate="within") against the same
    10m polygons, points frame creation included: the fast plain join.  It
    gives less: a point on a border is within no polygon (no country), no
    nearest country within the tolerance off a coast, no nearest office.
    With --sjoin-intersects, also predicate="intersects" (border points
    included, twice where two polygons cover them), which is far slower here
    (the polygons are not prepared in that direction);
  * end to end through files: CSV -> GeoParquet, GeoParquet -> GeoParquet,
    CSV -> CSV (unless --no-files).
Prints seconds and ratios.  Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

import geo  # noqa: E402
from geo.points import enrich_file, enrich_points  # noqa: E402


def make_points(
    atlas: geo.Atlas, n: int, seed: int = 0, *, mix: str = "mixed"
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points: 40 % uniform, 30 % around places, 30 % near country boundaries."""
    rng = np.random.default_rng(seed)
    if mix == "uniform":
        return rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    n_uniform, n_land = int(n * 0.4), int(n * 0.3)
    n_border = n - n_uniform - n_land
    lon = [rng.uniform(-180, 180, n_uniform)]
    lat = [np.degrees(np.arcsin(rng.uniform(-1, 1, n_uniform)))]
    xy = shapely.get_coordinates(atlas.places.geometry.values)
    around = xy[rng.integers(0, len(xy), n_land)]
    lon.append(around[:, 0] + rng.normal(0, 2.0, n_land))
    lat.append(around[:, 1] + rng.normal(0, 2.0, n_land))
    vertices = shapely.get_coordinates(atlas.countries.frame.boundary.values)
    near = vertices[rng.integers(0, len(vertices), n_border)]
    lon.append(near[:, 0] + rng.normal(0, 0.05, n_border))
    lat.append(near[:, 1] + rng.normal(0, 0.05, n_border))
    all_lon = (np.concatenate(lon) + 180.0) % 360.0 - 180.0
    all_lat = np.clip(np.concatenate(lat), -90.0, 90.0)
    order = rng.permutation(n)
    return all_lon[order], all_lat[order]


def best_of(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mix", choices=["mixed", "uniform"], default="mixed")
    parser.add_argument(
        "--sjoin-intersects", action="store_true", help='also time predicate="intersects" (slow)'
    )
    parser.add_argument("--no-files", action="store_true", help="skip the end-to-end file runs")
    args = parser.parse_args()

    start = time.perf_counter()
    atlas = geo.load()
    print(f"geo.load(): {time.perf_counter() - start:.2f} s", file=sys.stderr)
    lon, lat = make_points(atlas, args.points, mix=args.mix)
    frame = pd.DataFrame({"lon": lon, "lat": lat})
    countries = atlas.countries

    # the answer raster is built once per process, by the first large call
    start = time.perf_counter()
    countries._answer_grid()
    t_raster = time.perf_counter() - start

    t_ours, ours = best_of(lambda: enrich_points(frame, atlas=atlas), args.repeat)
    t_rule, located = best_of(lambda: countries.locate_many(lon, lat), args.repeat)
    t_exact, exact = best_of(lambda: countries._locate_exact(lon, lat, 25.0), 1)
    polygons = countries.frame[["iso3", "geometry"]]

    def sjoin(predicate: str) -> gpd.GeoDataFrame:
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
        return gpd.sjoin(points, polygons, how="left", predicate=predicate)

    t_sjoin, joined = best_of(lambda: sjoin("within"), args.repeat)
    t_intersects = None
    if args.sjoin_intersects:
        t_intersects, _ = best_of(lambda: sjoin("intersects"), 1)

    n = args.points
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    what = {
        "mixed": "40 % uniform, 30 % around places, 30 % near boundaries",
        "uniform": "uniform on the sphere",
    }[args.mix]
    print(f"\n{n:,} points: {what}")
    print(f"{'':52}{'seconds':>9}{'vs sjoin':>10}")
    rows = [
        ("geo.points.enrich_points (country + nearest place)", t_ours),
        ("country rule, CountryIndex.locate_many", t_rule),
        ("country rule, exact path only (no raster)", t_exact),
        ("geopandas.sjoin within (inside only)", t_sjoin),
    ]
    if t_intersects is not None:
        rows.append(("geopandas.sjoin intersects (covered-by only)", t_intersects))
    for label, seconds in rows:
        print(f"{label:52}{seconds:9.2f}{t_sjoin / seconds:9.2f}x")
    print(f"{'one-off answer raster build (per process)':52}{t_raster:9.2f}")
    print(f"{'rows per second, enrich_points':52}{n / t_ours:9,.0f}")

    # what each gives
    same = np.array_equal(located.row, exact.row) and np.array_equal(
        located.distance_km, exact.distance_km, equal_nan=True
    )
    by = ours["located_by"].to_numpy()
    first = joined[~joined.index.duplicated()]["iso3"].to_numpy(dtype=object)
    inside = by == "inside"
    agree = np.mean(ours["iso3"].to_numpy(dtype=object)[inside] == first[inside])
    missed = int(np.sum(inside & pd.isna(first)))
    print(f"\nraster answers identical to the rule's exact path: {same}")
    print(
        f"located by: inside {np.mean(by == 'inside'):.1%}, nearest within 25 km "
        f"{np.mean(by == 'nearest'):.1%} (sjoin: no country), none {np.mean(by == 'none'):.1%}"
    )
    print(f"sjoin within agrees with the rule on points covered by a polygon: {agree:.4%}")
    print(f"points covered by a polygon that sjoin within leaves without a country: {missed:,}")

    if args.no_files:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame.assign(id=np.arange(n)).to_csv(folder / "points.csv", index=False)
        gpd.GeoDataFrame(
            {"id": np.arange(n)}, geometry=shapely.points(lon, lat), crs="EPSG:4326"
        ).to_parquet(folder / "points.parquet")
        print(f"\nend to end through files ({n:,} rows, atlas already loaded)")
        for source, target in (
            ("points.csv", "out.parquet"),
            ("points.parquet", "out.parquet"),
            ("points.csv", "out.csv"),
        ):
            seconds, _ = best_of(
                lambda s=source, t=target: enrich_file(folder / s, folder / t, atlas=atlas),
                min(args.repeat, 2),
            )
            print(f"  {source:16} -> {target:12}{seconds:9.2f} s  ({n / seconds:,.0f} rows/s)")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
