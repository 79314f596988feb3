"""A PNG of a generated map, taken in headless Chromium with the network blocked.

Uses Playwright (``pip install 'wco-atlas[snapshot]'``) driving an installed
Chromium: ``$GEO_CHROMIUM`` if set, else ``chromium`` (Debian's package) or
``chromium-browser`` / ``google-chrome`` on the ``PATH``.  No browser is
ever downloaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from geo import settings
from geo.errors import SnapshotError, UsageError
from geo.fileio import atomic_write_bytes
from geo.publish import MANIFEST, read_manifest
from geo.targets import WriteRule, data_rule, writing

__all__ = ["CHROMIUM_ARGS", "find_chromium", "snapshot"]

#: Flags for a headless Chromium on a machine with no network and no screen.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str:
    """The path of the Chromium to drive.

    Raises
    ------
    SnapshotError
        When none is installed, with the command that installs one.
    """
    env = settings.CHROMIUM.get()
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    msg = (
        "no Chromium found; install Debian's package (apt-get install chromium) or set GEO_CHROMIUM"
    )
    raise SnapshotError(msg)


def snapshot(
    map_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 800,
    timeout_s: float = 30.0,
) -> Path:
    """Render ``map_path`` (an HTML file) to ``png_path`` at ``width`` x ``height`` CSS pixels.

    Every request that is not for a local file is aborted, so what the PNG
    shows is what the file shows offline.  The PNG is written atomically.

    Raises
    ------
    UsageError
        If the map file does not exist or the size is not positive, or when
        ``png_path`` is the map itself or inside a data folder
        (:mod:`geo.targets`): refused before the browser starts.
    SnapshotError
        If Playwright or Chromium is missing, or the page fails to render.
    GeoError
        When the system refuses to write the PNG (no permission, a full
        disk); no partial file is left.
    """
    source = Path(map_path)
    if not source.is_file():
        msg = f"Got map_path={str(source)!r}; no such file (build the maps first: geo build)"
        raise UsageError(msg)
    _check_is_a_map(source)
    if width <= 0 or height <= 0:
        msg = f"Got width={width}, height={height}; both must be positive pixel counts"
        raise UsageError(msg)
    target = Path(png_path)
    _write_rule(source).check(target, what="the PNG file")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        msg = "geo snapshot needs Playwright: pip install 'wco-atlas[snapshot]'"
        raise SnapshotError(msg) from err
    executable = find_chromium()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:"))
                        else route.abort()
                    ),
                )
                page.goto(source.resolve().as_uri(), timeout=timeout_s * 1000)
                page.wait_for_selector(".leaflet-container", timeout=timeout_s * 1000)
                page.wait_for_function(
                    "document.documentElement.getAttribute('data-atlas-ready') === 'true'"
                    " || !window.geoAtlas",
                    timeout=timeout_s * 1000,
                )
                page.wait_for_timeout(300)  # let marker and tile fades finish
                png = page.screenshot(full_page=False)
            finally:
                browser.close()
    except PlaywrightError as err:
        # Playwright's message ends with its call log: keep the first line, for people
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        msg = f"Chromium could not render {source}: {reason}"
        raise SnapshotError(msg) from err
    with writing(target):
        atomic_write_bytes(target, png)
    return target


def _write_rule(source: Path) -> WriteRule:
    """Where the PNG of the map ``source`` may not go (:mod:`geo.targets`).

    Not over the map itself, nor into the default data folder, the project's
    ``data/``, or the data folder the map was built from (named by the
    manifest of the output folder holding the map, when there is one).
    """
    rule = data_rule(None).reading(source)
    for folder in source.resolve().parents:
        if (folder / MANIFEST).is_file():
            built_from = read_manifest(folder).data_dir
            if built_from is not None:
                rule = rule.reading(built_from) if Path(built_from).is_dir() else rule
            break
    return rule


#: What every page geo writes carries (the page script sets it when the map is drawn).
_MAP_MARK = b"data-atlas-ready"


def _check_is_a_map(source: Path) -> None:
    """Refuse at once a file that is not a map geo wrote (it would time out in the browser)."""
    try:
        head = source.read_bytes()[: 64 * 1024 * 1024]
    except OSError as err:
        msg = f"Got map_path={str(source)!r}; cannot read it ({err.strerror or err})"
        raise UsageError(msg) from err
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start.startswith((b"<!doctype html", b"<html")) or _MAP_MARK not in head:
        msg = (
            f"Got map_path={str(source)!r}; it is not a map made by geo "
            "(expected an HTML file written by geo build or geo query --map)"
        )
        raise UsageError(msg)
