"""A cold `geo build --force` against the import floor, and where its time goes.

Run: python bench/bench_build.py [--runs 7] [--baseline DIR] [--data DIR]

Times, in new processes, alternated run by run (medians of --runs):
  * floor: python -c "import geopandas, folium, pyproj, shapely" (what a build must import);
  * geo build --force into a temporary folder, the cache warm (any run after the first);
  * geo build again into the folder it built, nothing changed (an editor's rebuild: every
    output found current by the folder's record of what it was made from, see geo.build);
  * geo build --force with an empty cache folder (a newcomer's first build: what geo ships
    prepared for its own data is read, see geo.cache);
  * the same with an empty cache and nothing prepared read (GEO_NO_PREPARED=1: the first
    build after an edit of the country layers or of the code);
  * geo validate, cache warm;
  * with --baseline DIR (another checkout of geo, e.g. `git archive <commit> | tar -x`), its
    geo build --force with the cache warm and empty, its rebuild with nothing changed, and
    geo validate, run from that folder's code.
Then one profiled build (in-process timers): imports, load, build keys, the page rendering
(geo/render, not optimised here) and publishing, so that the share of each is known.
Prints seconds and ratios to the floor.  Not a test: figures move with the machine's load.
geo's modules are compiled to bytecode first (as pip does when it installs the wheel).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import geopandas, folium, pyproj, shapely"

PROFILE = r"""
import time, json, sys
t0 = time.perf_counter()
import geopandas, folium, pyproj, shapely
t1 = time.perf_counter()
import geo.cli, geo.build as B
from geo.atlas import load
import gc; gc.freeze()  # as the command line does (geo.cli._common.imports_done)
t2 = time.perf_counter()
atlas = load(sys.argv[1])
t3 = time.perf_counter()
outputs = B._outputs(atlas)
t4 = time.perf_counter()
atlas.countries_display
t5 = time.perf_counter()
pages = {o.name: o.make() for o in outputs}
t6 = time.perf_counter()
import geo.publish as P
B.build_atlas(atlas, sys.argv[2], force=True)  # renders again (warm memos), then publishes
t7 = time.perf_counter()
print(json.dumps({"imports (floor)": t1 - t0, "imports (geo)": t2 - t1, "load": t3 - t2,
  "keys": t4 - t3, "display layer": t5 - t4, "render 8 outputs": t6 - t5,
  "build again in-process": t7 - t6}))
"""


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout of geo")
    args = parser.parse_args()
    python = sys.executable
    # geo's modules compiled to bytecode, as pip does when it installs a wheel (and Python on
    # the first run from a checkout), also where PYTHONDONTWRITEBYTECODE is set: else every
    # run would compile them again, which no user's second command does
    for tree in [ROOT, *([args.baseline] if args.baseline is not None else [])]:
        subprocess.run([python, "-m", "compileall", "-q", str(tree / "geo")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "GEO_CACHE_DIR": str(folder / "cache"), "PYTHONPATH": str(ROOT)}
        env.pop("GEO_NO_CACHE", None)
        env.pop("GEO_NO_PREPARED", None)
        build = [python, "-m", "geo", "-q", "build", "--force", "--data", str(args.data)]
        rebuild = [python, "-m", "geo", "-q", "build", "--data", str(args.data)]
        validate = [python, "-m", "geo", "-q", "validate", "--data", str(args.data)]
        subprocess.run([*build, "--output", str(folder / "warmup")], env=env, check=True)
        if args.baseline is not None:  # the baseline's entries too (its code has other keys)
            subprocess.run(
                [*build, "--output", str(folder / "basewarmup")],
                env={**env, "PYTHONPATH": str(args.baseline.resolve())},
                check=True,
                cwd=folder,
            )
        cases: dict[str, Callable[[int], float]] = {
            "floor: import geopandas, folium, pyproj, shapely": lambda i: timed(
                [python, "-c", FLOOR], env
            ),
            "geo build --force (cache warm)": lambda i: timed(
                [*build, "--output", str(folder / f"out{i}")], env
            ),
            "geo build, nothing changed (a rebuild)": lambda i: timed(
                [*rebuild, "--output", str(folder / "warmup")], env
            ),
            "geo build --force (cache empty)": lambda i: timed(
                [*build, "--output", str(folder / f"cold{i}")],
                {**env, "GEO_CACHE_DIR": str(folder / f"empty{i}")},
            ),
            "geo build --force (cache empty, nothing prepared)": lambda i: timed(
                [*build, "--output", str(folder / f"bare{i}")],
                {**env, "GEO_CACHE_DIR": str(folder / f"bare{i}"), "GEO_NO_PREPARED": "1"},
            ),
            "geo validate (cache warm)": lambda i: timed(validate, env),
        }
        if args.baseline is not None:
            base_env = {
                **env,
                "PYTHONPATH": str(args.baseline.resolve()),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            cases["baseline: geo build --force (cache warm)"] = lambda i: timed(
                [*build, "--output", str(folder / f"base{i}")], base_env, cwd=folder
            )
            cases["baseline: geo build, nothing changed"] = lambda i: timed(
                [*rebuild, "--output", str(folder / "basewarmup")], base_env, cwd=folder
            )
            cases["baseline: geo build --force (cache empty)"] = lambda i: timed(
                [*build, "--output", str(folder / f"basecold{i}")],
                {**base_env, "GEO_CACHE_DIR": str(folder / f"baseempty{i}")},
                cwd=folder,
            )
            cases["baseline: geo validate"] = lambda i: timed(validate, base_env, cwd=folder)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for i in range(args.runs):  # alternated: each round runs every case once
            for name, run in cases.items():
                times[name].append(run(i))
        profile = subprocess.run(
            [python, "-c", PROFILE, str(args.data), str(folder / "profiled")],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    floor = statistics.median(times[next(iter(cases))])
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores, {args.runs} runs")
    print(f"{'':56}{'median s':>9}{'min s':>8}{'x floor':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:56}{median:9.2f}{min(values):8.2f}{median / floor:8.2f}x")
    import json

    phases = json.loads(profile)
    print("\none warm build, in-process (seconds):")
    for name, seconds in phases.items():
        print(f"  {name:28}{seconds:7.3f}")
    build_s = sum(v for k, v in phases.items() if k not in ("build again in-process",))
    print(f"  {'(share of the page rendering)':28}{phases['render 8 outputs'] / build_s:7.0%}")


if __name__ == "__main__":
    main()
