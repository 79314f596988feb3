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
from words import LANGS, name_shown, tr

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
    pages = {}
    for lang in LANGS:  # "index" in English, "index-fr" in French...
        suffix = "" if lang == "en" else f"-{lang}"
        pages[f"index{suffix}"] = render_map(places, countries, title="World", lang=lang)
        pages[f"eur{suffix}"] = render_map(
            region_places(places, "EUR"), countries, title="Europe", focus_region="EUR", lang=lang
        )
        pages[f"as_of{suffix}"] = render_map(
            then.places, countries, title="2010", as_of=then.as_of, lang=lang
        )
    return write_pages(out, pages)


def in_lang(maps: dict[str, Path], name: str, lang: str) -> Path:
    return maps[name if lang == "en" else f"{name}-{lang}"]


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


def slider(page: Any, lang: str = "en") -> Any:
    return page.get_by_role("slider", name=tr(lang)("timeline.year"))


def set_year(page: Any, year: int, lang: str = "en") -> None:
    slider(page, lang).fill(str(year))
    expect(page.locator(".atlas-timeline-year")).to_have_text(
        tr(lang)("timeline.end_of", year=year)
    )


# ------------------------------------------------------------------ the control


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_is_labelled_and_starts_with_every_place(page, maps, frames, lang) -> None:
    places, _ = frames
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    box = slider(page, lang)
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
    today = t("timeline.today")
    assert box.get_attribute("aria-valuetext") == t("timeline.every_place", label=today)
    assert page.get_by_role("button", name=today).get_attribute("aria-pressed") == "true"
    assert page.get_by_role("group", name=t("timeline.title")).is_visible()
    n = unknown_openings(places)
    assert n > 0  # the note is written only when some opening is not known to the day
    assert page.locator(".atlas-timeline-note").text_content() == t(
        "timeline.note", n=n, first=1952
    )
    assert page.evaluate("geoAtlas.shownIds().length") == len(places)


@pytest.mark.parametrize("lang", LANGS)
def test_end_of_2010_shows_rocb_europe_under_construction(page, maps, lang) -> None:
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    set_year(page, 2010, lang)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "under_construction"
    page.evaluate("geoAtlas.select('rocb-europe')")
    popup = page.locator(".leaflet-popup-content")
    rocb = geo.load().places.set_index("id").loc["rocb-europe"].to_dict()
    expect(popup.locator(".atlas-popup-title")).to_have_text(name_shown(rocb, lang))
    expect(popup.locator(".atlas-popup-kind")).to_contain_text(
        t("status.under_construction") + t("popup.at_year", year=2010)
    )
    set_year(page, 2009, lang)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "planned"
    set_year(page, 2008, lang)  # proposed in May 2009: not on the map yet
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')") is None
    assert "rocb-europe" not in page.evaluate("geoAtlas.shownIds()")
    assert "rocb-europe" not in page.evaluate("geoAtlas.search('Baku')")
    set_year(page, 2011, lang)  # opened 17 October 2011
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "operational"


@pytest.mark.parametrize("lang", LANGS)
def test_an_office_that_moved_is_at_its_seat_of_that_year(page, maps, lang) -> None:
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    position = "(l => [l.lat, l.lng])(geoAtlas.places.find(p => p.id === 'rocb-americas')" + (
        ".marker.getLatLng())"
    )
    set_year(page, 2015, lang)
    assert page.evaluate(position) == pytest.approx(BUENOS_AIRES)
    page.evaluate("geoAtlas.select('rocb-americas')")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("dt", has_text=t("popup.seat_at", year=2015))).to_have_count(1)
    assert page.evaluate("geoAtlas.map.getBounds().contains([-34.6131, -58.3772])")
    set_year(page, 2018, lang)
    assert page.evaluate(position) == pytest.approx(MONTEVIDEO)
    set_year(page, 2006, lang)  # opened in Buenos Aires on 9 November 2007
    assert page.evaluate("geoAtlas.stateOf('rocb-americas')") is None
    page.get_by_role("button", name=t("timeline.today")).click()
    assert page.evaluate(position) == pytest.approx(MONTEVIDEO)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", [1990, 2005, 2010, 2016, 2024])
def test_the_map_and_its_counts_agree_with_the_history_oracle(
    page, maps, frames, year, lang
) -> None:
    places, _ = frames
    t = tr(lang)
    expected = oracle(places, year)
    open_map(page, in_lang(maps, "index", lang))
    set_year(page, year, lang)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == sorted(expected)
    statuses = page.evaluate(
        "Object.fromEntries(geoAtlas.shownIds().map(id => [id, geoAtlas.stateOf(id).status]))"
    )
    assert statuses == {pid: state.status for pid, state in expected.items()}
    assert page.locator(".atlas-shown").text_content() == t(
        "legend.shown_at", shown=str(len(expected)), n=len(places), year=year
    )
    in_europe = set(places.loc[region_mask(places, "EUR").to_numpy(), "id"])
    europe_n = sum(pid in in_europe for pid in expected)  # a border post counts for both sides
    name = t(
        "legend.region_row",
        name=t("region.EUR"),
        places=t("count.places", n=europe_n),
        members="\0",
    ).split("\0")[0]
    expect(page.get_by_role("checkbox", name=name, exact=False)).to_have_count(1)
    kind_of = dict(zip(places["id"], places["kind"], strict=True))
    posts = sum(kind_of[pid] == "border_post" for pid in expected)
    name = t("legend.row", label=t("kind.border_post"), count=t("count.places", n=posts))
    expect(page.get_by_role("checkbox", name=name)).to_have_count(1)
    chart = page.evaluate(
        f"(t => t.perYear().map(row => row[{year} - t.first]))(geoAtlas.timeline)"
    )
    assert sum(chart) == len(expected)


@pytest.mark.parametrize("lang", LANGS)
def test_counts_grow_with_the_years(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    totals = page.evaluate(
        "(t => t.perYear().reduce((a, row) => a.map((v, i) => v + row[i])))(geoAtlas.timeline)"
    )
    first = page.evaluate("geoAtlas.timeline.first")
    assert totals[0] == len(oracle(places, first))
    assert totals[-1] == len(places)
    assert totals[2010 - first] < totals[2020 - first]
    bars = page.locator(".atlas-chart rect")
    assert bars.count() > 50
    said = tr(lang)("timeline.chart", first=first, last="\0", year="", total="", regions="")
    said = said.split("\0")[0]
    assert page.locator(".atlas-chart").get_attribute("aria-label").startswith(said)


# ------------------------------------------------------------------ keyboard, play, filters


@pytest.mark.parametrize("lang", LANGS)
def test_the_slider_works_from_the_keyboard(page, maps, lang) -> None:
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    box = slider(page, lang)
    year = page.locator(".atlas-timeline-year")
    box.focus()
    page.keyboard.press("Home")
    expect(year).to_have_text(t("timeline.end_of", year=1952))
    assert page.evaluate("geoAtlas.shownIds()").count("wco-hq") == 1
    page.keyboard.press("ArrowRight")
    expect(year).to_have_text(t("timeline.end_of", year=1953))
    page.keyboard.press("End")
    last = dt.date.today().year
    expect(year).to_have_text(t("timeline.end_of", year=last))
    page.keyboard.press("Tab")  # on to the "Today" button
    page.keyboard.press("Enter")
    expect(year).to_have_text(t("timeline.every_place", label=t("timeline.today")))


@pytest.mark.parametrize("lang", LANGS)
def test_play_advances_year_by_year_and_pauses(page, maps, lang) -> None:
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    play = page.get_by_role("button", name=t("timeline.play"))
    play.click()
    pause = page.get_by_role("button", name=t("timeline.pause"))
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".atlas-timeline-year")).to_have_text(
        t("timeline.end_of", year=1953), timeout=5_000
    )
    shown_then = page.evaluate("geoAtlas.shownIds().length")
    pause.click()
    year = page.evaluate("geoAtlas.timeline.year()")
    page.wait_for_timeout(1_200)
    assert page.evaluate("geoAtlas.timeline.year()") == year
    assert not page.evaluate("geoAtlas.timeline.playing()")
    page.evaluate("geoAtlas.timeline.setYear(geoAtlas.timeline.last - 1)")
    page.get_by_role("button", name=t("timeline.play")).click()
    expect(page.get_by_role("button", name=t("timeline.play"))).to_have_attribute(
        "aria-pressed", "false", timeout=5_000
    )  # stops at the last year
    assert page.evaluate("geoAtlas.timeline.year()") == page.evaluate("geoAtlas.timeline.last")
    assert page.evaluate("geoAtlas.shownIds().length") > shown_then


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_composes_with_filters_search_and_list(page, maps, frames, lang) -> None:
    places, _ = frames
    t = tr(lang)
    expected = oracle(places, 2010)
    hidden = only_in(places, "EUR")  # in Europe and in no other region
    outside_europe = sorted(pid for pid in expected if pid not in hidden)
    open_map(page, in_lang(maps, "index", lang))
    europe = t("legend.region_row", name=t("region.EUR"), places="\0", members="").split("\0")[0]
    page.get_by_role("checkbox", name=europe, exact=False).uncheck()
    set_year(page, 2010, lang)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == outside_europe
    page.click("#atlas-list-toggle")
    rows = page.locator("#atlas-list tbody tr")
    expect(rows).to_have_count(len(outside_europe))
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.id)")) == outside_europe
    legend = page.locator(".atlas-legend")
    if legend.get_attribute("open") is None:  # the list folded it, to leave the map free
        legend.locator("summary").click()
    page.get_by_role("checkbox", name=europe, exact=False).check()
    expect(rows).to_have_count(len(expected))
    baku = page.locator("#atlas-list tbody tr[data-id='rocb-europe'] td").nth(4)
    expect(baku).to_have_text(t("status.under_construction"))
    box = page.get_by_role("combobox", name=t("search.label"))
    box.fill("ROCB")
    names = page.locator("#atlas-search-results [role=option] .atlas-search-name")
    names.first.wait_for()
    rocbs = sorted(
        name_shown(rec, lang)
        for rec in places.loc[
            places["id"].isin(list(expected)) & (places["kind"] == "rocb")
        ].to_dict("records")
    )
    assert sorted(names.all_text_contents()) == rocbs


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_has_its_timeline(page, maps, frames, lang) -> None:
    places, _ = frames
    europe = region_places(places, "EUR")
    open_map(page, in_lang(maps, "eur", lang))
    set_year(page, 2010, lang)
    assert sorted(page.evaluate("geoAtlas.shownIds()")) == sorted(oracle(europe, 2010))


@pytest.mark.parametrize(("lang", "day"), [("en", "8 September 2010"), ("fr", "8 septembre 2010")])
def test_a_map_as_of_a_day_ends_its_timeline_that_day(page, maps, lang, day) -> None:
    open_map(page, in_lang(maps, "as_of", lang))
    assert slider(page, lang).get_attribute("max") == "2010"
    as_of = page.get_by_role("button", name=tr(lang)("timeline.as_of", date=day))
    assert as_of.get_attribute("aria-pressed") == "true"
    set_year(page, 2010, lang)
    assert page.evaluate("geoAtlas.stateOf('rocb-europe')")["status"] == "under_construction"
    assert page.evaluate("geoAtlas.stateOf('rocb-americas')")["lat"] == BUENOS_AIRES[0]


@pytest.mark.parametrize("lang", LANGS)
def test_screenshot_of_the_timeline(page, maps, tmp_path: Path, lang) -> None:
    open_map(page, in_lang(maps, "index", lang))
    set_year(page, 2010, lang)
    shot = tmp_path / "timeline.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 50_000
    panel = tmp_path / "panel.png"
    page.locator(".atlas-timeline").screenshot(path=panel)
    assert panel.stat().st_size > 3_000


#: Places opened on a date known to its year, to its month, to its day: (id, opened); the
#: first, older, starts the timeline before them.
OPENINGS = [("old", "1995"), ("year", "2005"), ("month", "2006-03"), ("day", "2007-05-17")]


@pytest.fixture(scope="module")
def opening_maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    places = gpd.GeoDataFrame(
        {
            "id": [i for i, _ in OPENINGS],
            "kind": ["rtc"] * len(OPENINGS),
            "name": [f"Centre {i}" for i, _ in OPENINGS],
            "status": ["operational"] * len(OPENINGS),
            "source": ["https://example.org/"] * len(OPENINGS),
            "region": ["EUR"] * len(OPENINGS),
            "opened": [o for _, o in OPENINGS],
        },
        geometry=[shapely.Point(5 + 5 * k, 45) for k in range(len(OPENINGS))],
        crs="EPSG:4326",
    )
    countries = gpd.GeoDataFrame(
        {"iso3": ["AAA"], "name": ["Aland"], "region": ["EUR"], "member": [True]},
        geometry=[shapely.box(0, 40, 30, 55)],
        crs="EPSG:4326",
    )
    pages = {
        lang: render_map(places, countries, title="t", since="1990", lang=lang) for lang in LANGS
    }
    return write_pages(tmp_path_factory.mktemp("openings"), pages)


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_known_to_its_year_or_month_is_said_so(screen, opening_maps, lang) -> None:
    """ "Opens in 2005" / "Ouverture en mars 2006", never "Opens 1 January 2005"."""
    t = tr(lang)
    tab = screen("laptop")
    tab.goto(opening_maps[lang].as_uri() + "#year=2000")
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached")
    assert tab.evaluate("geoAtlas.shownIds()") == ["old"]
    search = tab.get_by_role("combobox", name=t("search.label"))
    for place_id, opened in OPENINGS[1:]:
        search.fill(f"Centre {place_id}")
        option = tab.locator("#atlas-search-results [role=option]")
        expect(option).to_have_count(1)
        year = int(opened[:4])
        said = t.dated("search.opens", {"date": opened}, year=year)
        expect(option.locator(".atlas-search-meta")).to_have_text(said)
        first_day = parse_when(opened).earliest.isoformat()  # what the page wrote before
        if place_id != "day":  # the page's words of the year or month, not of a day
            assert said != t("search.opens", date=t.date(first_day), year=year)
    in_2005 = {"en": "Opens in 2005: show 2005", "fr": "Ouverture en 2005\u00a0: afficher 2005"}
    assert t.dated("search.opens", {"date": "2005"}, year=2005) == in_2005[lang]
