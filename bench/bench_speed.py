"""Issue 15's figures in one run: the cold build against the import floor, then enrichment.

Run: python bench/bench_speed.py [--runs 5] [--points 1000000] [--baseline DIR]

Runs bench_build.py, then bench_enrich.py (see each for what it measures), one after the
other in this process's environment; options are passed on to both where they apply.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rss", default="1000000,3000000")
    parser.add_argument("--baseline", default=None, help="another checkout of geo, for before")
    args = parser.parse_args()
    build = [sys.executable, str(HERE / "bench_build.py"), "--runs", str(args.runs)]
    if args.baseline:
        build += ["--baseline", args.baseline]
    print("== cold build and start-up ==", flush=True)
    subprocess.run(build, check=True)
    print("\n== bulk enrichment ==", flush=True)
    enrich = [
        sys.executable,
        str(HERE / "bench_enrich.py"),
        "--points",
        str(args.points),
        "--runs",
        str(max(1, args.runs // 2)),
        "--rss",
        args.rss,
    ]
    if args.baseline:
        enrich += ["--baseline", args.baseline]
    subprocess.run(enrich, check=True)


if __name__ == "__main__":
    main()
