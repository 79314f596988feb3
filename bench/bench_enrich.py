"""Bulk enrichment end to end: `geo enrich` against the plain pipeline a user would write.

Run: python bench/bench_enrich.py [--points 1000000] [--runs 3] [--rss 1000000,3000000]
     [--baseline DIR]

For each set of points and each format, in new processes, alternated run by run (medians):
  * ours: geo enrich IN OUT --silent (start-up, atlas and country layer included; the cache
    warm, as after any first run);
  * plain: pandas.read_csv -> geopandas.points_from_xy -> geopandas.sjoin(predicate="within")
    on the same Natural Earth 10m polygons (read from a FlatGeobuf file) -> to_csv; for
    GeoParquet, read_parquet -> sjoin -> to_parquet.  It gives less: no country for a point on
    a border or off a coast, no distance, no region, no nearest office.
Sets of points: uniform on land (inside a country's polygon); uniform over the globe (by area,
latitudes -56..72, longitudes -170..180: mostly sea); within 20 km of a land border (a vertex
two countries share); within 20 km of a coast (a vertex of one country only, about half of
them at sea).
Formats: CSV -> CSV and GeoParquet -> GeoParquet.
Also: the share of land points (those sjoin puts in a country) where both give the same
country, the peak RSS of `geo enrich` CSV -> CSV for the sizes of --rss, and with --baseline
DIR (another checkout of geo) its `geo enrich` on the same inputs, alternated with the others,
and whether both outputs have the same bytes.
Prints seconds, ratios and MB.  Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import lzma
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
import shapely  # noqa: E402

import geo  # noqa: E402

PLAIN_CSV = """
import sys, pandas as pd, geopandas as gpd
points = pd.read_csv(sys.argv[1])
points = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["lon"], points["lat"]),
                          crs="EPSG:4326")
countries = gpd.read_file(sys.argv[3])[["iso3", "name", "geometry"]]
joined = gpd.sjoin(points, countries, how="left", predicate="within")
joined.drop(columns=["geometry", "index_right"]).to_csv(sys.argv[2], index=False)
"""
PLAIN_PARQUET = """
import sys, geopandas as gpd
points = gpd.read_parquet(sys.argv[1])
countries = gpd.read_file(sys.argv[3])[["iso3", "name", "geometry"]]
joined = gpd.sjoin(points, countries, how="left", predicate="within")
joined.drop(columns=["index_right"]).to_parquet(sys.argv[2])
"""


def uniform(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))


def over_globe(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform by area in latitudes -56..72 and longitudes -170..180 (mostly sea)."""
    low, high = np.sin(np.radians(-56.0)), np.sin(np.radians(72.0))
    return rng.uniform(-170, 180, n), np.degrees(np.arcsin(rng.uniform(low, high, n)))


def on_land(atlas: geo.Atlas, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform by area among the points inside a country's polygon."""
    lons, lats, found = [], [], 0
    while found < n:
        lon, lat = uniform(4 * n, rng)
        land = atlas.countries.locate_many(lon, lat, tolerance_km=0.0).row >= 0
        lons.append(lon[land])
        lats.append(lat[land])
        found += int(land.sum())
    return np.concatenate(lons)[:n], np.concatenate(lats)[:n]


def around(vertices: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points within 20 km (geodesic, any direction) of vertices picked at random."""
    pick = vertices[rng.integers(0, len(vertices), n)]
    lon, lat, _ = pyproj.Geod(ellps="WGS84").fwd(
        pick[:, 0], pick[:, 1], rng.uniform(0, 360, n), rng.uniform(0, 20_000, n)
    )
    return np.asarray(lon), np.asarray(lat)


def land_border_vertices(atlas: geo.Atlas, *, shared_by: int = 2) -> np.ndarray:
    """Vertices shared by the polygons of two countries (land borders); with ``shared_by=1``,
    the vertices of one country only (coasts)."""
    countries = atlas.countries
    xy, part = shapely.get_coordinates(countries._parts, return_index=True)
    frame = pd.DataFrame(
        {
            "x": np.round(xy[:, 0] * 1e6),
            "y": np.round(xy[:, 1] * 1e6),
            "row": countries._part_row[part],
        }
    )
    shared = frame.groupby(["x", "y"])["row"].nunique()
    keys = (shared[shared >= 2] if shared_by >= 2 else shared[shared == 1]).reset_index()
    return keys[["x", "y"]].to_numpy() / 1e6


def write_inputs(folder: Path, name: str, lon: np.ndarray, lat: np.ndarray) -> None:
    n = len(lon)
    pd.DataFrame({"id": np.arange(n), "lat": lat, "lon": lon}).to_csv(
        folder / f"{name}.csv", index=False
    )
    gpd.GeoDataFrame(
        {"id": np.arange(n)}, geometry=shapely.points(lon, lat), crs="EPSG:4326"
    ).to_parquet(folder / f"{name}.parquet")


#: The peak RSS of a command is measured by GNU time: a child forked from this process
#: would count this process's pages (hundreds of MB) until it execs.
GNU_TIME = Path("/usr/bin/time")


def run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, ``nan`` without GNU time) of a command (run in ``cwd``)."""
    timed = [str(GNU_TIME), "-f", "maxrss %M", *command] if GNU_TIME.exists() else command
    start = time.perf_counter()
    result = subprocess.run(
        timed, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    found = [line for line in result.stderr.splitlines() if line.startswith("maxrss ")]
    return seconds, int(found[-1].split()[1]) / 1024 if found else float("nan")


def agreement(ours: Path, plain: Path) -> tuple[float, int]:
    """Share of land points (sjoin gives a country) where the countries agree, and their count."""
    if ours.suffix == ".csv":
        a = pd.read_csv(ours, usecols=["id", "iso3"], keep_default_na=False)
        b = pd.read_csv(plain, usecols=["id", "iso3"], keep_default_na=False)
    else:
        a = pd.read_parquet(ours, columns=["id", "iso3"])
        b = pd.read_parquet(plain, columns=["id", "iso3"])
    b = b.drop_duplicates("id")  # a point in two overlapping polygons: sjoin gives two rows
    merged = a.merge(b, on="id", suffixes=("_ours", "_plain"))
    land = merged["iso3_plain"].notna() & (merged["iso3_plain"] != "")
    same = (merged["iso3_ours"] == merged["iso3_plain"])[land]
    return float(same.mean()), int(land.sum())


def print_row(
    name: str, suffix: str, times: dict[str, list[float]], same: float, land: int
) -> None:
    """One line of the table (printed as soon as the set is measured)."""
    a, b = statistics.median(times["ours"]), statistics.median(times["plain"])
    fmt = "CSV -> CSV" if suffix == ".csv" else "GeoParquet -> GeoParquet"
    line = f"{name:20}{fmt:26}{a:8.2f}{b:9.2f}{b / a:7.2f}x{same:13.2%}"
    if times["baseline"]:
        before = statistics.median(times["baseline"])
        same_bytes = "same bytes" if times["identical"][0] else "DIFFERENT BYTES"
        line += f"   {before:6.2f} ({b / before:.2f}x, {same_bytes})"
    print(f"{line}  ({land:,} land points)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rss", default="1000000,3000000", help="sizes for the peak RSS")
    parser.add_argument("--workers", type=int, default=None, help="geo enrich --workers")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="another checkout of geo: its geo enrich too"
    )
    args = parser.parse_args()
    python = sys.executable
    atlas = geo.load()
    rng = np.random.default_rng(0)
    n = args.points
    sets = {
        "uniform on land": on_land(atlas, n, rng),
        "uniform over globe": over_globe(n, rng),
        "near land borders": around(land_border_vertices(atlas), n, rng),
        "near coasts": around(land_border_vertices(atlas, shared_by=1), n, rng),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "GEO_CACHE_DIR": str(folder / "cache"), "PYTHONPATH": str(ROOT)}
        env.pop("GEO_NO_CACHE", None)
        polygons = folder / "ne_10m_countries.fgb"
        polygons.write_bytes(lzma.decompress((ROOT / "data" / "countries.fgb.xz").read_bytes()))
        for name, (lon, lat) in sets.items():
            write_inputs(folder, name.replace(" ", "_"), lon, lat)
        extra = [] if args.workers is None else ["--workers", str(args.workers)]
        base_env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        if args.baseline is not None:
            base_env["PYTHONPATH"] = str(args.baseline.resolve())
            base_env["GEO_CACHE_DIR"] = str(folder / "base_cache")

        def ours(src: Path, dst: Path) -> list[str]:
            return [python, "-m", "geo", "enrich", str(src), str(dst), "--silent", *extra]

        def plain(src: Path, dst: Path) -> list[str]:
            script = PLAIN_CSV if src.suffix == ".csv" else PLAIN_PARQUET
            return [python, "-c", script, str(src), str(dst), str(polygons)]

        # warm the cache (country layer, raster, places): what any run after the first finds
        run(ours(folder / "uniform_on_land.csv", folder / "warm.csv"), env)
        if args.baseline is not None:
            run(ours(folder / "uniform_on_land.csv", folder / "warm.csv"), base_env, folder)
        print(
            f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
            f"{n:,} points per set, medians of {args.runs} alternated runs",
            flush=True,
        )
        head = (
            f"{'points':20}{'format':26}{'ours s':>8}{'plain s':>9}{'ratio':>8}{'same country':>14}"
        )
        print(head + ("   before s (ratio)" if args.baseline is not None else ""), flush=True)
        for name in sets:
            stem = name.replace(" ", "_")
            for suffix in (".csv", ".parquet"):
                src = folder / f"{stem}{suffix}"
                times: dict[str, list[float]] = {"ours": [], "plain": [], "baseline": []}
                for i in range(args.runs):  # alternated
                    times["ours"].append(
                        run(ours(src, folder / f"ours{i}{suffix}"), env, folder)[0]
                    )
                    times["plain"].append(run(plain(src, folder / f"plain{i}{suffix}"), env)[0])
                    if args.baseline is not None:
                        out = folder / f"base{i}{suffix}"
                        # from the temporary folder: python -m geo would find ./geo first
                        times["baseline"].append(run(ours(src, out), base_env, folder)[0])
                same, land = agreement(folder / f"ours0{suffix}", folder / f"plain0{suffix}")
                if args.baseline is not None:  # the same bytes as the other checkout's
                    mine = (folder / f"ours0{suffix}").read_bytes()
                    times["identical"] = [float(mine == (folder / f"base0{suffix}").read_bytes())]
                print_row(name, suffix, times, same, land)
        rss = []
        for size in [int(s) for s in args.rss.split(",") if s]:
            lon, lat = uniform(size, np.random.default_rng(size))
            pd.DataFrame({"id": np.arange(size), "lat": lat, "lon": lon}).to_csv(
                folder / "rss.csv", index=False
            )
            seconds, ours_mb = run(ours(folder / "rss.csv", folder / "rss_out.csv"), env)
            _, plain_mb = run(plain(folder / "rss.csv", folder / "rss_plain.csv"), env)
            rss.append((size, seconds, ours_mb, plain_mb))

    print("\npeak RSS, geo enrich CSV -> CSV, uniform points (plain pipeline for comparison)")
    for size, seconds, ours_mb, plain_mb in rss:
        print(
            f"  {size:>10,} rows: {ours_mb:7.0f} MB in {seconds:5.1f} s"
            f"   (plain: {plain_mb:.0f} MB)"
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
