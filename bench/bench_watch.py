"""Edit-to-map latency of `geo watch`, against running `geo build` after each save.

Run: python bench/bench_watch.py [--rounds 5]

Measures, on a copy of the shipped data, in one run:
  * save -> rebuilt map on disk, with `geo watch` running (warm process);
  * save -> reloaded page in headless Chromium, with `geo watch --serve`;
  * save -> map on disk with the obvious alternative: a fresh `geo build` process.
Prints medians and the ratio.  Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geo  # noqa: E402
from geo.serve import LiveServer  # noqa: E402
from geo.snapshot import CHROMIUM_ARGS, find_chromium  # noqa: E402
from geo.watch import watch  # noqa: E402


def copy_data(tmp: Path) -> Path:
    """The shipped data folder, reference tables included (no fallback to geo's copies)."""
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def save(offices: Path, label: str) -> None:
    doc = json.loads(offices.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name"] = label
    offices.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")


def wait_for(path: Path, needle: bytes, timeout: float = 30) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if needle in path.read_bytes():
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    raise TimeoutError(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="geo-bench-"))
    data = copy_data(tmp)
    places = len(geo.load(data).places)
    offices = data / "offices.geojson"
    out = tmp / "out"

    # the obvious alternative: a fresh `geo build` after each save
    cold = []
    for i in range(args.rounds):
        label = f"HQ cold {i}"
        save(offices, label)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "geo",
                "-q",
                "build",
                "--data",
                str(data),
                "--output",
                str(tmp / "cold"),
            ],
            check=True,
        )
        cold.append(time.perf_counter() - start)

    server = LiveServer(out, 0)
    server.start()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(data, out),
        kwargs={"on_event": server.publish, "stop": stop},
        daemon=True,
    )
    thread.start()
    while server.state()["generation"] < 1:
        time.sleep(0.05)
    time.sleep(0.5)
    disk = []
    for i in range(args.rounds):
        label = f"HQ warm {i}"
        start = time.perf_counter()
        save(offices, label)
        disk.append(wait_for(out / "index.html", label.encode()) - start)
        time.sleep(0.5)

    from playwright.sync_api import sync_playwright

    page_times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_function("() => window.__geoGeneration !== undefined")
        for i in range(args.rounds):
            label = f"HQ page {i}"
            page.evaluate("() => { window.__marker = 1; }")
            time.sleep(0.3)
            start = time.perf_counter()
            save(offices, label)
            page.wait_for_function("() => window.__marker === undefined", timeout=30000)
            page.wait_for_function(
                "() => document.documentElement.getAttribute('data-atlas-ready') === 'true'",
                timeout=30000,
            )
            page_times.append(time.perf_counter() - start)
        browser.close()
    stop.set()
    thread.join(10)
    server.close()
    shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median
    print(f"rounds: {args.rounds}; places: {places}; machine: {sys.platform}")
    print(f"{'save -> map on disk, fresh `geo build` process':<52} {med(cold):7.3f} s")
    print(
        f"{'save -> map on disk, `geo watch` (warm)':<52} {med(disk):7.3f} s   "
        f"ratio {med(cold) / med(disk):5.1f}x faster"
    )
    print(f"{'save -> reloaded page, `geo watch --serve`':<52} {med(page_times):7.3f} s")
    print(
        f"targets: < 1 s to disk ({'met' if med(disk) < 1 else 'NOT met'}), "
        f"< 2 s to the reloaded page ({'met' if med(page_times) < 2 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
