"""Shared fixtures: the project's data, and headless Debian Chromium with the network cut off.

Playwright never downloads a browser here: it drives the installed Chromium
(:func:`geo.snapshot.find_chromium`: Debian's ``/usr/bin/chromium``).  A missing
Chromium fails the browser tests; it never skips them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The tests never touch the user's cache folder (geo.cache): they get one of their own,
# set before geo is imported (and inherited by the processes they start), removed at the end.
_CACHE_DIR = tempfile.mkdtemp(prefix="geo-test-cache-")
os.environ["GEO_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("GEO_NO_CACHE", None)
# The answers geo ships prepared for its own data (geo.cache, "Prepared answers") are left
# unread, so that the tests of the cache see what geo computes and keeps; the tests of the
# prepared answers (test_cache.py, test_build.py) turn them on.
os.environ["GEO_NO_PREPARED"] = "1"
# geo's messages are in the terminal's language (geo.i18n.terminal_language): English in the
# tests, unless one asks for another (LANGUAGE wins over LANG and LC_* for messages alone).
os.environ["LANGUAGE"] = "en"
atexit.register(shutil.rmtree, _CACHE_DIR, ignore_errors=True)

import geopandas as gpd  # noqa: E402
import pytest  # noqa: E402
from hostile import sample_frames  # noqa: E402

import geo  # noqa: E402
from geo.errors import SnapshotError  # noqa: E402
from geo.snapshot import CHROMIUM_ARGS, find_chromium  # noqa: E402

#: Installed before any page script runs: hostile data that executes sets a flag.
TRAP = """
Object.defineProperty(window, '__pwned', {
  configurable: false,
  get: function () { return window.__pwnedValue; },
  set: function (v) { window.__pwnedValue = 'set: ' + String(v); }
});
window.alert = window.confirm = window.prompt = function (m) {
  window.__pwnedValue = 'dialog: ' + m;
};
"""


#: The three screens every map is tried on: a desktop, a laptop and a phone (context options).
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1600, "height": 900}},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


@pytest.fixture(scope="session")
def frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``(places, countries)`` of the project's data (tests must not modify them)."""
    return sample_frames()


@dataclass
class Guard:
    """What a page did that it must not: console errors, page errors, requests, dialogs."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        executable = find_chromium()
    except SnapshotError as err:
        pytest.fail(str(err))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def guard() -> Guard:
    return Guard()


def guarded_tab(context: Any, guard: Guard) -> Any:
    """A new tab of ``context`` that may load ``file:`` URLs only; ``guard`` notes the rest.

    Requests to anything else are aborted, dialogs dismissed, console errors and
    page errors noted; the ``window.__pwned`` trap is installed before any script.
    """
    context.add_init_script(TRAP)
    tab = context.new_page()

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            guard.requests.append(r.request.url)
            r.abort()

    def dialog(d: Any) -> None:
        guard.dialogs.append(d.message)
        d.dismiss()

    tab.route("**/*", route)
    tab.on("console", lambda m: guard.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: guard.errors.append(str(e)))
    tab.on("dialog", dialog)
    return tab


def check_guard(tab: Any, context: Any, guard: Guard) -> None:
    """Close ``context``; fail if its tab logged an error, asked the network or was pwned."""
    pwned = tab.evaluate("window.__pwnedValue")
    context.close()
    assert guard.errors == [], guard.errors
    assert guard.requests == [], guard.requests
    assert guard.dialogs == [] and pwned is None, (guard.dialogs, pwned)


@pytest.fixture
def screen(browser: Any) -> Iterator[Callable[..., Any]]:
    """``screen(size, **extra)``: a fresh tab that may load ``file:`` URLs only.

    ``size`` is a name of :data:`SIZES` or context options of its own; ``extra``
    adds context options.  Each tab must end free of console errors, page errors,
    requests, dialogs and writes to the ``window.__pwned`` trap.
    """
    opened: list[tuple[Any, Any, Guard]] = []

    def new(size: str | dict[str, Any], **extra: Any) -> Any:
        options = SIZES[size] if isinstance(size, str) else size
        context = browser.new_context(**options, **extra)
        guard = Guard()
        tab = guarded_tab(context, guard)
        opened.append((context, tab, guard))
        return tab

    yield new
    for context, tab, guard in opened:
        check_guard(tab, context, guard)


@pytest.fixture
def page(browser: Any, guard: Guard) -> Iterator[Any]:
    """A page that may load ``file:`` URLs only and must stay free of errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    tab = guarded_tab(context, guard)
    yield tab
    check_guard(tab, context, guard)


# -- the hand-made data folder of the unit tests (tests/data/README.md) -----------------

#: The fixture folder, and the files it must hold.
FIXTURE_DIR = Path(__file__).resolve().parent / "data"
FIXTURE_FILES = (
    "offices.geojson",
    "border_posts.geojson",
    "wco_members.csv",
    "nonmember_territories.csv",
)
#: The project's own data folder, where ``geo.load`` finds reference files a folder lacks.
PROJECT_DATA = Path(geo.__file__).resolve().parent.parent / "data"
#: Reference files the fixture does not hold: it uses the project's country polygons.
SHIPPED_COUNTRY_FILES = ("countries.fgb.xz", "countries_display.geojson")


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    """``tests/data``; fails (never skips) when a file is missing or a country layer is added."""
    missing = [str(FIXTURE_DIR / n) for n in FIXTURE_FILES]
    missing += [str(PROJECT_DATA / n) for n in SHIPPED_COUNTRY_FILES]
    missing = [path for path in missing if not Path(path).is_file()]
    if missing:
        pytest.fail(f"test fixture files missing: {missing}")
    own = [n for n in SHIPPED_COUNTRY_FILES if (FIXTURE_DIR / n).exists()]
    if own:
        pytest.fail(f"{FIXTURE_DIR} must use the project's country layers, not its own {own}")
    return FIXTURE_DIR


@pytest.fixture(scope="session")
def fixture_atlas(fixture_dir: Path) -> geo.Atlas:
    """The fixture folder, loaded (shared by the session: do not modify it)."""
    return geo.load(fixture_dir)


@pytest.fixture
def fixture_copy(fixture_dir: Path, tmp_path: Path) -> Path:
    """A copy of the fixture folder in ``tmp_path/data``, for tests that break it."""
    return Path(shutil.copytree(fixture_dir, tmp_path / "data"))


@pytest.fixture(scope="session")
def project_data() -> Path:
    """The project's own ``data/`` (not ``$GEO_DATA``): where reference files fall back to."""
    return PROJECT_DATA
