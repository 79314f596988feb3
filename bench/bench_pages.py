"""Page sizes and first-render time of the built maps (the world map and a region map).

Run from the project root (needs Debian's Chromium and Playwright, the test extras)::

    .venv/bin/python bench/bench_pages.py                 # build into a temporary folder
    .venv/bin/python bench/bench_pages.py --runs 9 --size 390x844
    .venv/bin/python bench/bench_pages.py --output output  # measure pages built already
    .venv/bin/python bench/bench_pages.py --output before --output output  # compare, interleaved

It builds the project's ``data/`` with ``geo build --force`` (into a temporary
folder unless ``--output`` names built pages), then prints for ``index.html`` and
``regions/eur.html`` of each folder (with several ``--output``, their tabs take
turns, so that the machine's load weighs on each alike):

- **bytes**: the page's size on disk (UTF-8);
- **first render ms**: headless Chromium, network cut off, the page opened from
  disk in a fresh tab at the given viewport: from navigation start to the frame
  after the first one with a place marker (or cluster icon) in the document, when
  that one has been laid out and painted; median of ``--runs`` tabs (a
  MutationObserver installed before the page's scripts notes the moment);
- **script ms**: the time inside ``geoAtlas.init`` (``geoAtlas.renderMs``), median.

Times move with the machine's load: compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

from geo.build import build  # noqa: E402
from geo.snapshot import CHROMIUM_ARGS, find_chromium  # noqa: E402

#: Installed before the page's scripts: the time of the first frame with a marker drawn.
_WATCH = """
window.__firstMarkers = null;
new MutationObserver(function (records, observer) {
  if (document.querySelector('.atlas-marker, .atlas-cluster')) {
    observer.disconnect();
    requestAnimationFrame(function () {  // the frame with the markers; at the next, it is painted
      requestAnimationFrame(function () { window.__firstMarkers = performance.now(); });
    });
  }
}).observe(document, { childList: true, subtree: true });
"""
PAGES = ("index.html", "regions/eur.html")


def first_render(browser: Any, path: Path, size: tuple[int, int]) -> tuple[float, float]:
    """First-render ms and script ms of one fresh tab."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.add_init_script(_WATCH)
    tab = context.new_page()
    tab.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
    )
    tab.goto(path.resolve().as_uri())
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=30_000)
    tab.wait_for_timeout(50)
    result = float(tab.evaluate("window.__firstMarkers")), float(tab.evaluate("geoAtlas.renderMs"))
    context.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output", type=Path, action="append", help="Measure the pages of this built folder."
    )
    parser.add_argument("--runs", type=int, default=7, help="Tabs per page (median).")
    parser.add_argument("--size", default="1280x800", help="Viewport WIDTHxHEIGHT.")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folders = args.output
        if not folders:
            folders = [Path(tmp) / "output"]
            build(ROOT / "data", folders[0], force=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
            times: dict[tuple[Path, str], list[tuple[float, float]]] = {}
            for _ in range(args.runs):
                for name in PAGES:
                    for folder in folders:
                        one = first_render(browser, folder / name, (width, height))
                        times.setdefault((folder, name), []).append(one)
            browser.close()
    print(f"viewport {width}x{height}, median of {args.runs} tabs")
    print(f"{'page':<32}{'bytes':>10}{'first render ms':>18}{'script ms':>12}")
    for (folder, name), runs in times.items():
        ms = statistics.median(r[0] for r in runs)
        script = statistics.median(r[1] for r in runs)
        label = f"{folder.name}/{name}" if len(folders) > 1 else name
        size = (folder / name).stat().st_size
        print(f"{label:<32}{size:>10}{ms:>18.0f}{script:>12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
