"""Benchmark the atlas's map pages against ``GeoDataFrame.explore()`` at 1k, 10k and 100k places.

Run from the project root (needs ``matplotlib`` and ``mapclassify`` for explore, and
Debian's Chromium)::

    python bench/bench_maps.py                          # 1k, 10k, 100k (~6 min)
    python bench/bench_maps.py --sizes 1000 10000       # quicker
    python bench/bench_maps.py --no-explore-browser     # explore's size and build time only

The places are synthetic, with every column of the atlas's places: real rows drawn
at random and moved by a random step onto land (``tests/hostile.py``,
``synthetic_frames``).  For each size and each tool the script measures:

- **build s**: ``render_map`` + ``to_html`` (ours) or ``explore(popup=True)`` +
  ``get_root().render()`` (explore: a popup per point, as ours has), median of
  ``--repeat`` runs (one run for explore above 10k places);
- **B/place**: bytes of the HTML page per place (UTF-8);
- **render ms**: headless Chromium, network cut off, the page opened from disk:
  navigation start to the end of ``DOMContentLoaded`` (the page's scripts have
  run: the map and its markers or clusters are built), median of ``--repeat``
  fresh tabs.  For ours also **script ms**: the time inside ``geoAtlas.init``.

explore's page loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, which
cannot load here.  For the measurement only, its Leaflet ``<script>`` and
``<link>`` are pointed at the ``file:`` URLs of the installed XStatic Leaflet (the
same 1.9 our pages inline) and the other CDN tags are dropped (its markers and
popups need only Leaflet); its tile requests are aborted, as ours make none.
Times move with the machine's load: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile import synthetic_frames  # noqa: E402

from geo.render import render_map, to_html  # noqa: E402
from geo.snapshot import CHROMIUM_ARGS, find_chromium  # noqa: E402

_CDN_TAG = re.compile(r'<(script|link)\b[^>]*\b(?:src|href)="(https?://[^"]+)"[^>]*>(?:</script>)?')
_TIMING = (
    "(() => { const t = performance.getEntriesByType('navigation')[0];"
    " return t.domContentLoadedEventEnd; })()"
)


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall-clock seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def offline_explore(page: str) -> str:
    """explore's page with Leaflet from the installed XStatic files and other CDN tags dropped."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)

    def local(match: re.Match[str]) -> str:
        tag, url = match.group(1), match.group(2)
        if re.search(r"/leaflet@[^/]+/dist/leaflet\.js$", url):
            return f'<script src="{(base / "leaflet.js").as_uri()}"></script>'
        if re.search(r"/leaflet@[^/]+/dist/leaflet\.css$", url):
            return f'<link rel="stylesheet" href="{(base / "leaflet.css").as_uri()}">'
        return f"<!-- {tag} dropped for the offline measurement -->"

    return _CDN_TAG.sub(local, page)


def browser_ms(browser: Any, path: Path, repeat: int, timeout_s: float) -> dict[str, float] | None:
    """Median DOMContentLoaded end (and the atlas's own script time) over fresh tabs."""
    loads, scripts = [], []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1400, "height": 850})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        tab.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
        )
        try:
            tab.goto(path.as_uri(), timeout=timeout_s * 1000, wait_until="domcontentloaded")
            loads.append(float(tab.evaluate(_TIMING)))
            ms = tab.evaluate("window.geoAtlas ? geoAtlas.renderMs : null")
            if ms is not None:
                scripts.append(float(ms))
        except Exception as err:
            print(f"  {path.name}: no render within {timeout_s:.0f} s ({type(err).__name__})")
            context.close()
            return None
        finally:
            if errors:
                print(f"  {path.name}: page errors: {errors[:3]}")
        context.close()
    out = {"load_ms": statistics.median(loads)}
    if scripts:
        out["script_ms"] = statistics.median(scripts)
    return out


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None or a == 0 else f"{b / a:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take")
    parser.add_argument("--no-explore-browser", action="store_true", help="skip explore's pages")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = []
    with (
        sync_playwright() as pw,
        tempfile.TemporaryDirectory() as tmp,
    ):
        browser = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        for n in args.sizes:
            places, countries = synthetic_frames(n)
            places.explore(popup=True).get_root().render() if n == args.sizes[0] else None  # warm
            ours_s, page = median_time(
                lambda places=places, countries=countries, n=n: to_html(
                    render_map(places, countries, title=f"{n} places")
                ),
                args.repeat,
            )
            ours_path = Path(tmp) / f"ours-{n}.html"
            ours_path.write_text(page, encoding="utf-8")
            ours_bytes = len(page.encode("utf-8"))
            ours = browser_ms(browser, ours_path, args.repeat, args.timeout)

            explore_repeat = args.repeat if n <= 10_000 else 1
            explore_s, explore_page = median_time(
                lambda places=places: places.explore(popup=True).get_root().render(),
                explore_repeat,
            )
            explore_bytes = len(explore_page.encode("utf-8"))
            explore = None
            if not args.no_explore_browser:
                explore_path = Path(tmp) / f"explore-{n}.html"
                explore_path.write_text(offline_explore(explore_page), encoding="utf-8")
                explore = browser_ms(browser, explore_path, explore_repeat, args.timeout)
            del explore_page
            rows.append((n, ours_s, ours_bytes, ours, explore_s, explore_bytes, explore))
            print(f"  done {n}: ours {ours_s:.2f} s, explore {explore_s:.2f} s", flush=True)
        browser.close()

    header = (
        f"{'places':>8} | {'build s':>7} {'B/place':>7} {'render ms':>9} {'script ms':>9} | "
        f"{'explore build s':>15} {'B/place':>8} {'render ms':>9} | "
        f"{'build':>6} {'bytes':>6} {'render':>6}"
    )
    print("\nours: geo.render (a compact table above 500 places, a grid above 2000)")
    print("explore: GeoDataFrame.explore(popup=True)")
    print("ratios: explore / ours (higher is better for ours)")
    print(header)
    print("-" * len(header))
    for n, ours_s, ours_bytes, ours, explore_s, explore_bytes, explore in rows:
        ours_load = ours["load_ms"] if ours else None
        ours_script = ours.get("script_ms") if ours else None
        explore_load = explore["load_ms"] if explore else None
        print(
            f"{n:>8} | {ours_s:>7.2f} {ours_bytes / n:>7.1f} {fmt(ours_load, '>9.0f')} "
            f"{fmt(ours_script, '>9.0f')} | {explore_s:>15.2f} {explore_bytes / n:>8.1f} "
            f"{fmt(explore_load, '>9.0f')} | {ratio(ours_s, explore_s):>6} "
            f"{ratio(ours_bytes, explore_bytes):>6} {ratio(ours_load, explore_load):>6}"
        )


if __name__ == "__main__":
    main()
