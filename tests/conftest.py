"""Shared fixtures: the project's data, and headless Debian Chromium with the network cut off.

Playwright never downloads a browser here: it drives the installed Chromium
(:func:`geo.snapshot.find_chromium`: Debian's ``/usr/bin/chromium``).  A missing
Chromium fails the browser tests; it never skips them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pytest
from hostile import sample_frames

from geo.errors import SnapshotError
from geo.snapshot import CHROMIUM_ARGS, find_chromium

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


@pytest.fixture
def page(browser: Any, guard: Guard) -> Iterator[Any]:
    """A page that may load ``file:`` URLs only and must stay free of errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 850})
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
    yield tab
    pwned = tab.evaluate("window.__pwnedValue")
    context.close()
    assert guard.errors == [], guard.errors
    assert guard.requests == [], guard.requests
    assert guard.dialogs == [] and pwned is None, (guard.dialogs, pwned)
