"""Take the README's screenshots of the maps: the world, Europe and Samur at zoom 11.

Run from the checkout, after ``pip install -e '.[test]'``::

    .venv/bin/python scripts/screenshots.py            # writes docs/maps/*.png
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --lang fr

The maps are built from ``data/`` into a temporary folder, opened from disk in
Debian's Chromium (no network: any request outside ``file://`` is refused and
reported), at 1600x900, 1280x800 and a 390x844 phone.  Each picture waits until
the page says it is ready and its labels are placed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from geo.snapshot import CHROMIUM_ARGS, find_chromium

#: name -> (page inside the output folder, deep link)
VIEWS = {
    "world": ("index.html", ""),
    "europe": ("regions/eur.html", ""),
    "samur-z11": ("index.html", "#map=11/41.6367/48.4303"),
}
SIZES = {"1600x900": (1600, 900, False), "1280x800": (1280, 800, False), "phone": (390, 844, True)}


def shoot(output: Path, out: Path, langs: list[str]) -> list[Path]:
    """Write one PNG per view, size and language into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    refused: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        for lang in langs:
            root = output if lang == "en" else output / lang
            for view, (page_name, link) in VIEWS.items():
                for size, (width, height, phone) in SIZES.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=2 if phone else 1,
                        is_mobile=phone,
                        has_touch=phone,
                    )
                    page = context.new_page()

                    def route(r: object) -> None:
                        url = r.request.url  # type: ignore[attr-defined]
                        if url.startswith("file://"):
                            r.continue_()  # type: ignore[attr-defined]
                        else:
                            refused.append(url)
                            r.abort()  # type: ignore[attr-defined]

                    page.route("**/*", route)
                    page.goto((root / page_name).resolve().as_uri() + link)
                    page.wait_for_function(
                        "window.geoAtlas && window.geoAtlas.ready", timeout=30000
                    )
                    page.wait_for_timeout(800)  # tiles of polygons and labels settle
                    path = out / f"{view}-{size}-{lang}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                    context.close()
        browser.close()
    if refused:
        sys.exit(f"the pages asked the network for: {sorted(set(refused))}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/maps"))
    parser.add_argument("--lang", default="en,fr")
    args = parser.parse_args()
    langs = args.lang.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "geo",
                "-q",
                "build",
                "--output",
                str(output),
                "--lang",
                ",".join(langs),
            ],
            check=True,
        )
        for path in shoot(output, args.out, langs):
            print(path)


if __name__ == "__main__":
    main()
