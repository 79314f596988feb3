"""The printed atlas's two rendering paths, measured on the same document in one run.

Run from the project root (needs WeasyPrint, Playwright and Debian's Chromium and
poppler-utils, as the test extras and ``scripts/test.sh`` install them)::

    .venv/bin/python bench/bench_print.py                  # the whole network, English
    .venv/bin/python bench/bench_print.py --region EUR --runs 3 --lang fr

The HTML document ``geo print`` lays out (:func:`geo.pdf.document.document_html`:
cover, contents, region spreads, one entry per place with its SVG locator
and QR code, index) is made once, then printed to PDF by each path, in
turns, ``--runs`` times:

- **WeasyPrint**: ``weasyprint.HTML(string=...).write_pdf()``, what ``geo print`` does;
- **Chromium**: Playwright's ``page.pdf()`` of the same HTML in Debian's
  headless Chromium (``page.set_content``, every request refused, CSS page
  sizes honoured), the browser ``geo snapshot`` drives; the browser's start is
  timed apart.

For each: the median seconds (wall, and CPU: this process's for WeasyPrint,
the browser's processes' for Chromium, read from ``/proc`` on Linux), the
bytes, the pages, the characters of text poppler reads back (``pdftotext``),
the share of the places whose names are found in that text (selectable text),
and the pages the contents and the index give (WeasyPrint fills
``target-counter()``; a browser leaves them out).  Then the ratios Chromium /
WeasyPrint.  Times move with the machine's load: compare figures of one run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import geo
from geo.i18n import translator
from geo.pdf.document import Settings, document_html
from geo.pdf.paper import PAPERS
from geo.pdf.places import data_date
from geo.snapshot import CHROMIUM_ARGS, find_chromium


@dataclass
class Result:
    """What one path made of the document."""

    seconds: list[float]
    cpu_seconds: list[float]
    pdf: bytes


def _weasyprint(html: str) -> bytes:
    from geo.pdf import _write_pdf

    return _write_pdf(html)


def _tree_cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and every live descendant (Linux /proc).

    The browser's processes are the driver's children, not ours to reap: their
    time is read from ``/proc/<pid>/stat`` while they live.
    """
    import os

    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(more)
        mine |= more
    return sum(times.get(pid, 0.0) for pid in mine)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def _pages(pdf: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    """Measure both paths and print a table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", help="one WCO region's places only (EUR, AP, ...)")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    atlas = geo.load()
    places = atlas.places
    if args.region:
        places = places[places["region"] == args.region.upper()]
    other = "fr" if args.lang == "en" else "en"
    settings = Settings(
        t=translator(args.lang),
        other=translator(other),
        paper=PAPERS["a4"],
        base_url=None,
        link_prefix="",
        as_of=None,
        data_date=data_date(places),
    )
    start = time.perf_counter()
    html = document_html(places, atlas.countries_display, settings)
    print(
        f"document: {len(places)} places, {len(html) / 1e6:.2f} MB of HTML "
        f"in {time.perf_counter() - start:.1f} s (both paths get these bytes)",
        flush=True,
    )

    from playwright.sync_api import sync_playwright

    weasy = Result([], [], b"")
    chrome = Result([], [], b"")
    with sync_playwright() as pw:
        start = time.perf_counter()
        browser = pw.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_ARGS))
        launch_s = time.perf_counter() - start
        try:
            for run in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                weasy.pdf = _weasyprint(html)
                weasy.seconds.append(time.perf_counter() - wall)
                weasy.cpu_seconds.append(time.process_time() - cpu)

                wall, cpu = time.perf_counter(), _tree_cpu_seconds()
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                chrome.pdf = page.pdf(prefer_css_page_size=True, print_background=True)
                chrome.seconds.append(time.perf_counter() - wall)
                chrome.cpu_seconds.append(_tree_cpu_seconds() - cpu)  # its renderer still lives
                page.close()
                print(
                    f"run {run + 1}: WeasyPrint {weasy.seconds[-1]:.1f} s "
                    f"({weasy.cpu_seconds[-1]:.1f} s CPU), Chromium {chrome.seconds[-1]:.1f} s "
                    f"({chrome.cpu_seconds[-1]:.1f} s CPU)",
                    flush=True,
                )
        finally:
            browser.close()

    names = [str(n) for n in places["name"]] if args.lang == "en" else None
    rows = []
    for label, result in (("WeasyPrint", weasy), ("Chromium page.pdf", chrome)):
        text = _text(result.pdf)
        flat = re.sub(r"\s+", " ", text)
        found = sum(re.sub(r"\s+", " ", n) in flat for n in names) / len(names) if names else None
        # the contents' lines end in a page number only where target-counter() was filled
        numbered = len(re.findall(r"\.{5,}\s*\d+", text))
        rows.append(
            (
                label,
                statistics.median(result.seconds),
                statistics.median(result.cpu_seconds),
                len(result.pdf),
                _pages(result.pdf),
                len(text),
                found,
                numbered,
            )
        )
    print()
    print(
        f"{'path':<18} {'median s':>9} {'CPU s':>6} {'MB':>6} {'pages':>6} {'text chars':>11} "
        f"{'names found':>12} {'contents numbered':>18}"
    )
    for label, seconds, cpu_s, size, pages, chars, found, numbered in rows:
        share = f"{found:.0%}" if found is not None else "-"
        print(
            f"{label:<18} {seconds:>9.1f} {cpu_s:>6.1f} {size / 1e6:>6.2f} {pages:>6} {chars:>11} "
            f"{share:>12} {numbered:>18}"
        )
    print(f"(Chromium's start, once: {launch_s:.1f} s, not in its times)")
    (_, ws, wcpu, wsize, wpages, *_), (_, cs, ccpu, csize, cpages, *_) = rows
    print(
        f"Chromium / WeasyPrint: wall x{cs / ws:.2f}, CPU x{ccpu / wcpu:.2f}, "
        f"size x{csize / wsize:.2f}, pages x{cpages / wpages:.2f}"
    )


if __name__ == "__main__":
    main()
