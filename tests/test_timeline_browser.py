"""The maps' timeline in headless Chromium, with no network (see ``conftest.py``).

A year on the timeline is the end of that year (31 December).  What the page
shows for a year is checked against :func:`geo.history.state_at` on that day,
an oracle written apart from the page's own reading of the places' lives.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from hostile import only_in, open_map, write_pages
from playwright.sync_api import expect

import geo
from geo.build import region_mask, region_places
from geo.history import network_start, segments, state_at
from geo.render import render_map
from geo.schema import parse_when

pytestmark = pytest.mark.browser

BUENOS_AIRES = (-34.6131, -58.3772)  # (lat, lon) of ROCB Americas' first seat
MONTEVIDEO = (-34.9033, -56.1882)


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory, frames) -> dict[str, Path]:
    places, countries = frames
    out = tmp_path_factory.mktemp("timeline")
    then = geo.load(as_of="2010-09-08")
    pages = {
        "index": render_map(places, countries, title="World"),
        "eur": render_map(
            region_places(places, "EUR"), countries, title="Europe", focus_region="EUR"
        ),
        "as_of": render_map(then.places, countries, title="2010", as_of=then.as_of),
    }
    return write_pages(out, pages)


def records(places: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return places.drop(columns=places.geometry.name).to_dict("records")


def oracle(places: gpd.GeoDataFrame, year: int) -> dict[str, Any]:
    """Each place that exists at the end of ``year``, with its state then."""
    day = dt.date(year, 12, 31)
    return {
        rec["id"]: state for rec in records(places) if (state := state_at(rec, day)) is not None
    }


def unknown_openings(places: gpd.GeoDataFrame) -> int:
    """Places possibly open at some time: a date known only by its bounds, or not at all."""
    lon, lat = shapely.get_x(places.geometry.values), shapely.get_y(places.geometry.values)
    since = network_start(records(places))
    return sum(
        1
        for rec, x, y in zip(records(places), lon, lat, strict=True)
        if any(piece["status"] == "unknown" for piece in segments(rec, x, y, since=since))
    )


def slider(page: Any) -> Any:
    return page.get_by_role("slider", name="Year")


def set_year(page: Any, year: int) -> None:
    slider(page).fill(str(year))
    expect(page.locator(".atlas-timeline-year")).to_have_text(f"End of {year}")


# ------------------------------------------------------------------ the control


def test_timeline_is_labelled_and_starts_with_every_place(page, maps, frames) -> None:
    places, _ = frames
    open_map(page, maps["index"])
    box = slider(page)
    # the network's first known day: the earliest known day of an office (older crossings
    # such as San Ysidro, 1906, are shown from it)
    first = min(
        when.earliest.year
        for rec in records(places)
        if rec.get("kind") != "border_post"
        for c in ("opened", "closed")
        if isinstance(rec.get(c), str)
        and (when := parse_when(rec[c])) is not None
        and when.earliest is not None
    )
    assert box.get_attribute("min") == str(first) == "1952"  # WCO headquarters
    assert box.get_attribute("max") == str(dt.date.today().year)
    assert box.get_attribute("aria-valuetext") == "Today: every place"
    assert page.get_by_role("button", name="Today").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("group", name="Timeline").is_visible()
    n = unknown_openings(places)
    assert n == 49
    assert page.locator(".atlas-timeline-note").text_content() == (
        f"{n} places with an opening date not known to the day: "
        "shown as possibly open, never before 1952."
    )
    assert page.evaluate("geoAtlas.shownIds().length") == len(places)


def test_end_of_2010_shows_rocb_europe_under_construction(page, maps) -> None:
    open_map(page, maps["index"])
    set_year(page, 2010)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "under_construction"
    page.evaluate("geoAtlas.select('rocb-europe')")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".atlas-popup-title")).to_have_text("ROCB Europe")
    expect(popup.locator(".atlas-popup-kind")).to_contain_text(
        "Under construction at the end of 2010"
    )
    set_year(page, 2009)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "planned"
    set_year(page, 2008)  # proposed in May 2009: not on the map yet
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')") is None
    assert "rocb-europe" not in page.evaluate("geoAtlas.shownIds()")
    assert "rocb-europe" not in page.evaluate("geoAtlas.search('Baku')")
    set_year(page, 2011)  # opened 17 October 2011
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "operational"


def test_an_office_that_moved_is_at_its_seat_of_that_year(page, maps) -> None:
    open_map(page, maps["index"])
    position = "(l => [l.lat, l.lng])(geoAtlas.places.find(p => p.id === 'rocb-americas')" + (
        ".marker.getLatLng())"
    )
    set_year(page, 2015)
    assert page.evaluate(position) == pytest.approx(BUENOS_AIRES)
    page.evaluate("geoAtlas.select('rocb-americas')")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("dt", has_text="Seat at the end of 2015")).to_have_count(1)
    assert page.evaluate("geoAtlas.map.getBounds().contains([-34.6131, -58.3772])")
    set_year(page, 2018)
    assert page.evaluate(position) == pytest.approx(MONTEVIDEO)
    set_year(page, 2006)  # opened in Buenos Aires on 9 November 2007
    assert page.evaluate("geoAtlas.stateOf('rocb-americas')") is None
    page.get_by_role("button", name="Today").click()
    assert page.evaluate(position) == pytest.approx(MONTEVIDEO)


@pytest.mark.parametrize("year", [1990, 2005, 2010, 2016, 2024])
def test_the_map_and_its_counts_agree_with_the_history_oracle(page, maps, frames, year) -> None:
    places, _ = frames
    expected = oracle(places, year)
    open_map(page, maps["index"])
    set_year(page, year)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == sorted(expected)
    statuses = page.evaluate(
        "Object.fromEntries(geoAtlas.shownIds().map(id => [id, geoAtlas.stateOf(id).status]))"
    )
    assert statuses == {pid: state.status for pid, state in expected.items()}
    assert page.locator(".atlas-shown").text_content() == (
        f"Showing {len(expected)} of {len(places)} places at the end of {year}"
    )
    in_europe = set(places.loc[region_mask(places, "EUR").to_numpy(), "id"])
    europe_n = sum(pid in in_europe for pid in expected)  # a border post counts for both sides
    europe = page.get_by_role("checkbox", name=f"Europe: {europe_n} places", exact=False)
    expect(europe).to_have_count(1)
    kind_of = dict(zip(places["id"], places["kind"], strict=True))
    posts = sum(kind_of[pid] == "border_post" for pid in expected)
    expect(page.get_by_role("checkbox", name=f"Border post: {posts} places")).to_have_count(1)
    chart = page.evaluate(
        f"(t => t.perYear().map(row => row[{year} - t.first]))(geoAtlas.timeline)"
    )
    assert sum(chart) == len(expected)


def test_counts_grow_with_the_years(page, maps, frames) -> None:
    places, _ = frames
    open_map(page, maps["index"])
    totals = page.evaluate(
        "(t => t.perYear().reduce((a, row) => a.map((v, i) => v + row[i])))(geoAtlas.timeline)"
    )
    first = page.evaluate("geoAtlas.timeline.first")
    assert totals[0] == len(oracle(places, first))
    assert totals[-1] == len(places)
    assert totals[2010 - first] < totals[2020 - first]
    bars = page.locator(".atlas-chart rect")
    assert bars.count() > 50
    assert "end of" in page.locator(".atlas-chart").get_attribute("aria-label")


# ------------------------------------------------------------------ keyboard, play, filters


def test_the_slider_works_from_the_keyboard(page, maps) -> None:
    open_map(page, maps["index"])
    box = slider(page)
    box.focus()
    page.keyboard.press("Home")
    expect(page.locator(".atlas-timeline-year")).to_have_text("End of 1952")
    assert page.evaluate("geoAtlas.shownIds()").count("wco-hq") == 1
    page.keyboard.press("ArrowRight")
    expect(page.locator(".atlas-timeline-year")).to_have_text("End of 1953")
    page.keyboard.press("End")
    last = dt.date.today().year
    expect(page.locator(".atlas-timeline-year")).to_have_text(f"End of {last}")
    page.keyboard.press("Tab")  # on to the "Today" button
    page.keyboard.press("Enter")
    expect(page.locator(".atlas-timeline-year")).to_have_text("Today: every place")


def test_play_advances_year_by_year_and_pauses(page, maps) -> None:
    open_map(page, maps["index"])
    play = page.get_by_role("button", name="Play the years")
    play.click()
    pause = page.get_by_role("button", name="Pause")
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".atlas-timeline-year")).to_have_text("End of 1953", timeout=5_000)
    shown_then = page.evaluate("geoAtlas.shownIds().length")
    pause.click()
    year = page.evaluate("geoAtlas.timeline.year()")
    page.wait_for_timeout(1_200)
    assert page.evaluate("geoAtlas.timeline.year()") == year
    assert not page.evaluate("geoAtlas.timeline.playing()")
    page.evaluate("geoAtlas.timeline.setYear(geoAtlas.timeline.last - 1)")
    page.get_by_role("button", name="Play the years").click()
    expect(page.get_by_role("button", name="Play the years")).to_have_attribute(
        "aria-pressed", "false", timeout=5_000
    )  # stops at the last year
    assert page.evaluate("geoAtlas.timeline.year()") == page.evaluate("geoAtlas.timeline.last")
    assert page.evaluate("geoAtlas.shownIds().length") > shown_then


def test_timeline_composes_with_filters_search_and_list(page, maps, frames) -> None:
    places, _ = frames
    expected = oracle(places, 2010)
    hidden = only_in(places, "EUR")  # in Europe and in no other region
    outside_europe = sorted(pid for pid in expected if pid not in hidden)
    open_map(page, maps["index"])
    page.get_by_role("checkbox", name="Europe:", exact=False).uncheck()
    set_year(page, 2010)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == outside_europe
    page.click("#atlas-list-toggle")
    rows = page.locator("#atlas-list tbody tr")
    expect(rows).to_have_count(len(outside_europe))
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.id)")) == outside_europe
    legend = page.locator(".atlas-legend")
    if legend.get_attribute("open") is None:  # the list folded it, to leave the map free
        legend.locator("summary").click()
    page.get_by_role("checkbox", name="Europe:", exact=False).check()
    expect(rows).to_have_count(len(expected))
    baku = page.locator("#atlas-list tbody tr[data-id='rocb-europe'] td").nth(4)
    expect(baku).to_have_text("Under construction")
    box = page.get_by_role("combobox", name="Search places")
    box.fill("ROCB")
    names = page.locator("#atlas-search-results [role=option] .atlas-search-name")
    names.first.wait_for()
    rocbs = sorted(
        places.loc[places["id"].isin(list(expected)) & (places["kind"] == "rocb"), "name"]
    )
    assert sorted(names.all_text_contents()) == rocbs


def test_region_page_has_its_timeline(page, maps, frames) -> None:
    places, _ = frames
    europe = region_places(places, "EUR")
    open_map(page, maps["eur"])
    set_year(page, 2010)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == sorted(oracle(europe, 2010))


def test_a_map_as_of_a_day_ends_its_timeline_that_day(page, maps) -> None:
    open_map(page, maps["as_of"])
    assert slider(page).get_attribute("max") == "2010"
    assert page.get_by_role("button", name="As of 2010-09-08").get_attribute("aria-pressed") == (
        "true"
    )
    set_year(page, 2010)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "under_construction"
    assert page.evaluate("geoAtlas.stateOf('rocb-americas')")["lat"] == BUENOS_AIRES[0]


def test_screenshot_of_the_timeline(page, maps, tmp_path: Path) -> None:
    open_map(page, maps["index"])
    set_year(page, 2010)
    shot = tmp_path / "timeline.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 50_000
    panel = tmp_path / "panel.png"
    page.locator(".atlas-timeline").screenshot(path=panel)
    assert panel.stat().st_size > 3_000
