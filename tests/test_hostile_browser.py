"""Hostile addresses and huge names in headless Chromium (issue 26, cases 9 and 10).

Any address may be typed or pasted: a deep link's bad value is left out and the page
starts (``#map=5/45/1e308`` used to throw "Invalid LatLng" before the page was ready).
A name of a megabyte is shown cut where the page lays it out often (search results,
the list, tooltips) and whole in the popup, under a closed "Full name": searching and
choosing it cost milliseconds, not minutes.  As in ``conftest.py``, any console error,
page error, request or dialog fails a test.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from hostile import deep_links, open_map, write_pages
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

import geo
from geo.render import render_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def link_maps(tmp_path_factory: pytest.TempPathFactory, frames) -> dict[str, Path]:
    """The world map of the project's data (a timeline from the network's start), and a
    Pacific map whose world is centred across the antimeridian."""
    places, countries = frames
    pacific = gpd.GeoDataFrame(
        {
            "id": ["suva", "apia"],
            "kind": ["rtc", "border_post"],
            "name": ["Suva training centre", "Apia wharf"],
            "status": ["operational", "planned"],
            "source": ["https://example.org/fj", "https://example.org/ws"],
            "region": ["AP", "AP"],
            "country": ["Fiji", "Samoa"],
        },
        geometry=[Point(178.44, -18.14), Point(-171.76, -13.83)],
        crs="EPSG:4326",
    )
    start = geo.load().network_start
    return write_pages(
        tmp_path_factory.mktemp("links"),
        {
            "world": render_map(places, countries, title="World", since=start),
            "pacific": render_map(pacific, countries, title="Pacific"),
        },
    )


#: The page's view and state once it started: every number finite, in the map's range.
STATE = """() => {
  const m = geoAtlas.map, c = m.getCenter();
  return { ready: geoAtlas.ready, zoom: m.getZoom(), lat: c.lat, lon: c.lng, link: geoAtlas.link(),
    year: geoAtlas.timeline ? geoAtlas.timeline.year() : null,
    shown: geoAtlas.shownIds().length, total: geoAtlas.places.length };
}"""


def started(tab: Any) -> dict[str, Any]:
    """The page's state, after it said it is ready; its view is one the map can show."""
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=15_000)
    tab.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
    state: dict[str, Any] = tab.evaluate(STATE)
    assert state["ready"] is True
    assert all(math.isfinite(state[k]) for k in ("zoom", "lat", "lon")), state
    assert 0 <= state["zoom"] <= 18 and -90 <= state["lat"] <= 90, state
    return state


@pytest.mark.parametrize(
    ("hash_", "link"),
    [
        ("#map=5/45/1e308", ""),  # the attack: "Invalid LatLng", and the page never started
        ("#map=5/45/-1e308&year=2010", "#year=2010"),
        ("#map=1e308/45/10", ""),  # a zoom the map does not have
        ("#map=5/45/Infinity&year=NaN&place=%E0%A4%A", ""),
        ("#map=5/1e-400/-0", "#map=5/0/0"),
        ("#map=5/45/190", "#map=5/45/-170"),  # a turn away: the same spot, on the map drawn
        ("#year=99999&place=nowhere&hide=nothing&hideregions=XX&hidestatus=%00", ""),
        ("#year=1000", ""),  # before the timeline
        ("#map=//&map=5/45/" + "9" * 5000, ""),
        ("#place=" + "%41" * 30_000, ""),
    ],
    ids=range(10),
)
def test_a_hostile_link_is_left_out_and_the_page_starts(
    page, link_maps, hash_: str, link: str
) -> None:
    page.goto(link_maps["world"].as_uri() + hash_)
    state = started(page)
    assert state["link"] == link
    if state["year"] is None:
        assert state["shown"] == state["total"]  # no filter came from the bad values


def test_a_link_keeps_a_pacific_maps_shifted_longitudes(page, link_maps) -> None:
    page.goto(link_maps["pacific"].as_uri() + "#map=6/-14/-171.76")
    state = started(page)
    assert state["lon"] == pytest.approx(188.24, abs=0.01)  # where Apia is drawn
    assert state["link"] == "#map=6/-14/188.24"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(deep_links(), min_size=2, max_size=2))
@example(["#map=5/45/1e308", "#map=1e308/-0/5e-324&year=1e3"])  # the attack, opened then followed
def test_hypothesis_hostile_links_never_stop_the_page(page, guard, link_maps, hashes) -> None:
    """A hostile address opened (the page starts with it), then another followed (hashchange)."""
    first, then = hashes
    uri = link_maps["pacific"].as_uri()
    if not page.url.startswith(uri):
        open_map(page, link_maps["pacific"])
    page.evaluate("h => history.replaceState(null, '', h)", first)
    page.reload()
    started(page)
    page.evaluate("h => { location.hash = h; }", then)
    started(page)
    assert guard.errors == [], (hashes, guard.errors)
