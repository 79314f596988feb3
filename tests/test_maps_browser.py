"""End-to-end tests of the generated maps in headless Chromium, with no network at all.

Every page is opened from disk (``file://``); any request that is not ``file:``
is aborted and fails the test, as does any console error, page error, dialog
or write to the ``window.__pwned`` trap (see ``conftest.py``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from conftest import Guard, check_guard, guarded_tab
from hostile import (
    HOSTILE,
    hostile_frames,
    only_in,
    open_map,
    regions_of,
    synthetic_frames,
    write_pages,
)
from playwright.sync_api import expect
from pyproj import Geod
from shapely.geometry import Point
from words import LANGS, countries_shown, fold, name_shown, tr

import geo
from geo.build import region_mask
from geo.render import render_map, write_map
from geo.schema import REGIONS

pytestmark = pytest.mark.browser

TITLE = "WCO capacity-building atlas"
REGION_LINKS = [("Europe", "regions/eur.html"), ("Asia/Pacific", "regions/ap.html")]


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory, frames) -> dict[str, Path]:
    places, countries = frames
    out = tmp_path_factory.mktemp("maps")
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
    hostile_places, hostile_countries = hostile_frames()
    pages = {}
    for lang in LANGS:  # every map in each language: "index" (English), "index-fr"...
        suffix = "" if lang == "en" else f"-{lang}"
        pages |= {
            f"{name}{suffix}": m
            for name, m in {
                "index": render_map(places, countries, title=TITLE, links=REGION_LINKS, lang=lang),
                "eur": render_map(
                    places[places["region"] == "EUR"],
                    countries,
                    title="Europe",
                    links=[("World", "../index.html")],
                    focus_region="EUR",
                    lang=lang,
                ),
                "pacific": render_map(pacific, countries, title="Pacific", lang=lang),
                "ap": render_map(
                    places[places["region"] == "AP"],
                    countries,
                    title="Asia/Pacific",
                    focus_region="AP",
                    lang=lang,
                ),
                "hostile": render_map(
                    hostile_places,
                    hostile_countries,
                    title=HOSTILE[1],
                    links=[(HOSTILE[0], HOSTILE[5])],
                    lang=lang,
                ),
                "empty": render_map(places.head(0), countries, title="Nothing here", lang=lang),
                "single": render_map(
                    places[places["id"] == "samur"], countries, title="Samur", lang=lang
                ),
            }.items()
        }
    return write_pages(out, pages)


def in_lang(maps: dict[str, Path], name: str, lang: str) -> Path:
    """The map ``name`` in ``lang``."""
    return maps[name if lang == "en" else f"{name}-{lang}"]


def region_box(lang: str, code: str, n: int) -> str:
    """The start of the name of a region's checkbox: "Europe: 32 places, " (then its Members)."""
    t = tr(lang)
    text = t(
        "legend.region_row", name=t(f"region.{code}"), places=t("count.places", n=n), members="\0"
    )
    return text.split("\0")[0]


def kind_box(lang: str, kind: str, n: int) -> str:
    """The name of a kind's checkbox in the legend: "Border post: 41 places"."""
    t = tr(lang)
    return t("legend.row", label=t(f"kind.{kind}"), count=t("count.places", n=n))


def popup_title(page: Any) -> str:
    title = page.locator(".leaflet-popup-content .atlas-popup-title")
    expect(title).to_have_count(1)  # a closed popup fades out for 200 ms
    title.wait_for(state="visible", timeout=5_000)
    return str(title.text_content())


#: Places drawn in the current view: single markers, the places of groups (a name a line)
#: and the counts of cluster icons.
VISIBLE_TOTAL = """() => {
  const b = geoAtlas.map.getContainer().getBoundingClientRect();
  let n = 0;
  document.querySelectorAll('.atlas-marker, .atlas-cluster, .atlas-group').forEach((el) => {
    const r = el.getBoundingClientRect();
    if (r.right < b.left || r.left > b.right || r.bottom < b.top || r.top > b.bottom) return;
    const cluster = el.classList.contains('atlas-cluster');
    const group = el.classList.contains('atlas-group');  // places at one point: a name a line
    n += cluster ? Number(el.querySelector('.atlas-cluster-n').textContent)
      : group ? el.getAttribute('title').split('\\n').length : 1;
  });
  return n;
}"""


# ------------------------------------------------------------------ rendering


@pytest.mark.parametrize("lang", LANGS)
def test_world_map_and_offline_basemap_render(page, maps, frames, tmp_path: Path, lang) -> None:
    places, countries = frames
    open_map(page, in_lang(maps, "index", lang))
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate(
        "document.querySelectorAll('.leaflet-atlas-countries-pane path').length"
    ) == len(countries)
    assert page.evaluate("document.querySelector('.atlas-minimap canvas') !== null")
    assert page.evaluate("geoAtlas.shownIds().length") == len(places)
    assert page.evaluate(VISIBLE_TOTAL) == len(places)
    assert page.title() == TITLE
    assert page.locator("nav.atlas-nav a").all_text_contents() == [
        label for label, _ in REGION_LINKS
    ]
    render_ms = page.evaluate("geoAtlas.renderMs")
    assert render_ms < 5_000
    shot = tmp_path / "map.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 50_000  # a drawn map, not a blank page


@pytest.mark.parametrize("lang", LANGS)
def test_list_view_shows_every_place_and_flies_to_it(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    page.click("#atlas-list-toggle")
    rows = page.locator("#atlas-list tbody tr:not([hidden])")
    assert rows.count() == len(places)
    name = places.loc[places["id"] == "samur", "name"].item()
    page.locator("#atlas-list tbody tr", has_text=name).locator("button").click()
    assert popup_title(page) == name
    assert page.evaluate("geoAtlas.map.getZoom()") >= 6


@pytest.mark.parametrize("lang", LANGS)
def test_list_view_sorts_by_column(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    page.click("#atlas-list-toggle")
    header = page.locator("#atlas-list th", has_text=tr(lang)("list.country"))
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    shown = countries_shown(places, lang)  # the countries in the map's language
    first = page.locator("#atlas-list tbody tr").first.locator("td").nth(2).text_content()
    assert first == min(shown, key=fold)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    first = page.locator("#atlas-list tbody tr").first.locator("td").nth(2).text_content()
    assert first == max(shown, key=fold)


def show_hq_unclustered(page) -> None:
    """Zoom to Brussels: at world zoom the HQ clusters with RILO Western Europe (Cologne)."""
    page.evaluate("geoAtlas.map.setView([50.8538, 4.3728], 9, {animate: false}) && null")
    # the map may then move its markers out from under the controls: wait until it has
    page.wait_for_function("() => geoAtlas.settled()")


@pytest.mark.parametrize("lang", LANGS)
def test_clicking_a_marker_opens_its_popup_and_hover_shows_a_tooltip(
    page, maps, frames, lang
) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    name = name_shown(places.loc[places["kind"] == "hq"].iloc[0].to_dict(), lang)
    show_hq_unclustered(page)
    marker = page.locator(f'.atlas-marker[title="{name}"]')
    marker.hover()
    assert page.locator(".leaflet-tooltip").text_content() == name
    marker.click()
    assert popup_title(page) == name
    source = page.locator(".leaflet-popup-content .atlas-source a")
    assert source.get_attribute("href").startswith("https://")
    assert source.get_attribute("rel") == "noopener noreferrer"
    close = page.locator(".leaflet-popup-close-button")
    assert close.get_attribute("aria-label") == tr(lang)("popup.close")


@pytest.mark.parametrize("lang", LANGS)
def test_markers_are_reachable_by_keyboard(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    name = name_shown(places.loc[places["kind"] == "hq"].iloc[0].to_dict(), lang)
    show_hq_unclustered(page)
    marker = page.locator(f'.atlas-marker[title="{name}"]')
    assert marker.get_attribute("tabindex") == "0" and marker.get_attribute("role") == "button"
    assert marker.get_attribute("aria-label").startswith(name)
    marker.focus()
    page.keyboard.press("Enter")
    assert popup_title(page) == name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("query", "place_id"),
    [("Baku", "rocb-europe"), ("Baku", "rtc-azerbaijan"), ("Samur", "samur")],
)
def test_search_finds_places_inside_clusters(page, maps, query: str, place_id: str, lang) -> None:
    place = geo.load().places.set_index("id").loc[place_id]
    expected = name_shown({**place.to_dict(), "id": place_id}, lang)
    open_map(page, in_lang(maps, "index", lang))
    box = page.get_by_role("combobox", name=tr(lang)("search.label"))
    box.fill(query)
    options = page.locator("#atlas-search-results [role=option] .atlas-search-name")
    options.first.wait_for()
    names = options.all_text_contents()
    assert expected in names
    for _ in range(names.index(expected) + 1):
        box.press("ArrowDown")
    box.press("Enter")
    assert popup_title(page) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_layer_control_hides_a_kind_even_when_clustered(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    assert page.locator(".leaflet-control-layers-toggle").get_attribute("title") == tr(lang)(
        "layers.title"
    )
    page.hover(".leaflet-control-layers")
    overlays = page.locator(".leaflet-control-layers-overlays label")
    toggle = overlays.filter(has_text=tr(lang)("kind.border_post")).locator("input")
    toggle.uncheck()
    remaining = int((places["kind"] != "border_post").sum())
    assert page.evaluate("geoAtlas.shownIds().length") == remaining
    assert page.evaluate(VISIBLE_TOTAL) == remaining
    kinds = page.evaluate(
        "geoAtlas.places.filter(p => geoAtlas.shownIds().includes(p.id)).map(p => p.kind)"
    )
    assert "border_post" not in kinds
    posts = int((places["kind"] == "border_post").sum())
    legend_box = page.get_by_role("checkbox", name=kind_box(lang, "border_post", posts))
    assert not legend_box.is_checked()
    legend_box.check()
    assert page.evaluate("geoAtlas.shownIds().length") == len(places)
    assert toggle.is_checked()


@pytest.mark.parametrize("lang", LANGS)
def test_region_filter_reaches_clustered_markers(page, maps, frames, lang) -> None:
    places, _ = frames
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    regions = regions_of(places)
    europe = sum("EUR" in r for r in regions)  # as the region map and `geo query region` count
    assert europe == int(region_mask(places, "EUR").sum())
    only_europe = len(only_in(places, "EUR"))  # a post on the Europe/AP line stays
    page.get_by_role("checkbox", name=region_box(lang, "EUR", europe), exact=False).uncheck()
    assert page.evaluate("geoAtlas.shownIds().length") == len(places) - only_europe
    assert page.evaluate(VISIBLE_TOTAL) == len(places) - only_europe
    assert page.locator(".atlas-shown").text_content() == t(
        "legend.shown", shown=str(len(places) - only_europe), n=len(places)
    )
    page.click("#atlas-list-toggle")
    assert page.locator("#atlas-list tbody tr:not([hidden])").count() == len(places) - only_europe


@pytest.mark.parametrize("lang", LANGS)
def test_the_legend_counts_a_border_post_in_both_regions_and_says_so(
    page, maps, frames, lang
) -> None:
    places, _ = frames
    t = tr(lang)
    open_map(page, in_lang(maps, "index", lang))
    regions = regions_of(places)
    shared = sum(len(r) > 1 for r in regions)
    assert shared >= 1  # a crossing between two regions (Astara: Azerbaijan and Iran)
    for code in REGIONS:
        n = int(region_mask(places, code).sum())
        name = region_box(lang, code, n)  # "Europe: 32 places, "
        expect(page.get_by_role("checkbox", name=name, exact=False)).to_have_count(1)
    assert page.locator(".atlas-legend .atlas-note").text_content() == t(
        "legend.two_regions", n=shared, total=str(len(places))
    )


@pytest.mark.parametrize("lang", LANGS)
def test_regions_layer_can_be_turned_off(page, maps, lang) -> None:
    open_map(page, in_lang(maps, "index", lang))
    paths = "document.querySelectorAll('.leaflet-atlas-countries-pane path')"
    fills = f"new Set([...{paths}].map(p => p.getAttribute('fill')))"
    by_region = set(page.evaluate(f"[...{fills}]"))
    assert len(by_region) >= 7  # six regions (in shades that tell neighbours apart) and hatches
    page.hover(".leaflet-control-layers")
    page.locator(
        ".leaflet-control-layers-overlays label", has_text=tr(lang)("layers.regions")
    ).locator("input").uncheck()
    plain = set(page.evaluate(f"[...{fills}]"))
    # no region's colour is left: a few muted land colours, still different between neighbours
    assert plain.isdisjoint(by_region) and 2 <= len(plain) <= 5


@pytest.mark.parametrize("lang", LANGS)
def test_measure_tool_gives_geodesic_distance(page, maps, lang) -> None:
    open_map(page, in_lang(maps, "index", lang))
    measure = tr(lang)("measure.button")
    page.get_by_role("button", name=measure).click()
    page.evaluate("geoAtlas.measure.add(50.8538, 4.3728); geoAtlas.measure.add(40.3777, 49.892)")
    km = page.evaluate("geoAtlas.measuredKm")
    _, _, metres = Geod(ellps="WGS84").inv(4.3728, 50.8538, 49.892, 40.3777)
    assert km == pytest.approx(metres / 1000, abs=0.001)
    total = tr(lang)("measure.total", km="")
    assert page.locator(".atlas-measure-total").text_content().startswith(total)
    assert "km" in page.locator(".atlas-measure-total").text_content()
    box = page.locator("#map_atlas").bounding_box()
    # a click on open sea (mid-Atlantic), where no marker or cluster catches it
    sea = page.evaluate(
        "(() => { const p = geoAtlas.map.latLngToContainerPoint([0, -30]); return [p.x, p.y]; })()"
    )
    page.mouse.click(box["x"] + sea[0], box["y"] + sea[1])
    assert page.evaluate("geoAtlas.measuredKm") > km
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name=measure).get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("lang", LANGS)
def test_fullscreen_button_toggles(page, maps, lang) -> None:
    open_map(page, in_lang(maps, "index", lang))
    button = page.get_by_role("button", name=tr(lang)("control.fullscreen"))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("lang", LANGS)
def test_download_what_is_shown_as_geojson_and_csv(page, maps, frames, lang) -> None:
    places, _ = frames
    open_map(page, in_lang(maps, "index", lang))
    posts = int((places["kind"] == "border_post").sum())
    page.get_by_role("checkbox", name=kind_box(lang, "border_post", posts)).uncheck()
    shown = sorted(page.evaluate("geoAtlas.shownIds()"))
    assert len(shown) == int((places["kind"] != "border_post").sum())
    with page.expect_download() as got:
        page.get_by_role("button", name=tr(lang)("control.download_geojson")).click()
    assert got.value.suggested_filename == "places.geojson"
    doc = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert sorted(f["properties"]["id"] for f in doc["features"]) == shown
    with page.expect_download() as got:
        page.get_by_role("button", name=tr(lang)("control.download_csv")).click()
    assert got.value.suggested_filename == "places.csv"
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in rows) == shown
    assert {r["kind"] for r in rows} <= set(places["kind"]) - {"border_post"}


# ------------------------------------------------------------------ regions, antimeridian, edges


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_fits_its_region(page, maps, lang) -> None:
    open_map(page, in_lang(maps, "eur", lang))
    assert page.locator(".atlas-focus .atlas-row-label").text_content() == tr(lang)("region.EUR")
    assert page.evaluate("geoAtlas.map.getBounds().contains([40.4, 49.9])")  # Baku
    assert page.evaluate("geoAtlas.map.getBounds().contains([50.85, 4.37])")  # Brussels
    assert page.locator("nav.atlas-nav a").get_attribute("href") == "../index.html"


def test_fiji_and_samoa_are_neighbours(page, maps) -> None:
    open_map(page, maps["pacific"])
    inside = page.evaluate(
        "geoAtlas.places.map(p => geoAtlas.map.getBounds().contains(p.marker.getLatLng()))"
    )
    assert inside == [True, True]
    width = page.evaluate("(b => b.getEast() - b.getWest())(geoAtlas.map.getBounds())")
    assert width < 60
    samoa = page.evaluate(
        "(b => [...document.querySelectorAll('.leaflet-atlas-countries-pane path')].length)()"
    )
    assert samoa > 200
    open_map(page, maps["ap"])  # Asia/Pacific reaches Samoa and Tonga: past 180 degrees east
    assert page.evaluate("geoAtlas.map.getBounds().getEast()") > 185


@pytest.mark.parametrize("lang", LANGS)
def test_empty_and_single_place_maps(page, maps, lang) -> None:
    open_map(page, in_lang(maps, "empty", lang))
    assert page.evaluate("geoAtlas.shownIds().length") == 0
    assert page.locator(".atlas-none").text_content() == tr(lang)("legend.none")
    open_map(page, in_lang(maps, "single", lang))
    assert page.evaluate("geoAtlas.shownIds()") == ["samur"]
    page.evaluate("geoAtlas.select('samur')")
    assert popup_title(page).startswith("Samur")


# ------------------------------------------------------------------ safety and reproducibility


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_strings_render_as_text_and_run_nothing(page, maps, lang) -> None:
    places, _ = hostile_frames()
    open_map(page, in_lang(maps, "hostile", lang))
    assert page.locator("h1").text_content() == HOSTILE[1]
    assert page.locator("nav a").text_content() == HOSTILE[0]
    contents = page.evaluate(
        """geoAtlas.places.map(p => {
             const node = p.marker.getPopup().getContent()(p.marker);
             return [p.name, node.querySelector('h2').textContent,
                     node.querySelectorAll(
                       'img, iframe, script, style, a, details:not(.atlas-more)').length];
           })"""
    )
    for name, shown, injected in contents:
        assert shown == name and injected == 0
    for place_id in ("h00", "h05", "h16", "__proto__"):
        page.evaluate(f"geoAtlas.select({place_id!r})")
        assert popup_title(page) == places.loc[places["id"] == place_id, "name"].item()
    page.click("#atlas-list-toggle")
    assert sorted(page.locator("#atlas-list .atlas-row-button").all_text_contents()) == sorted(
        HOSTILE
    )
    page.get_by_role("combobox", name=tr(lang)("search.label")).fill("<img")
    assert (
        page.locator("#atlas-search-results .atlas-search-name").first.text_content() == HOSTILE[0]
    )
    page.hover(".leaflet-control-layers")
    assert (
        page.locator(".leaflet-control-layers-overlays", has_text="<b>new kind</b>").count() == 1
    )  # a kind read as words
    assert (
        page.evaluate("document.querySelectorAll('img, iframe, b, details[ontoggle]').length") == 0
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwnedValue") is None


def test_csp_blocks_injected_inline_script(page, maps, guard) -> None:
    open_map(page, maps["index"])
    ran = page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__csp = 1'; document.body.appendChild(s);
                   return window.__csp === 1; }"""
    )
    assert ran is False
    assert any("Content Security Policy" in e for e in guard.errors), guard.errors
    guard.errors.clear()


@pytest.mark.parametrize("lang", LANGS)
def test_two_renders_are_byte_identical(tmp_path: Path, frames, lang) -> None:
    places, countries = frames
    for name in ("a.html", "b.html"):
        m = render_map(places, countries, title=TITLE, links=REGION_LINKS, lang=lang)
        write_map(m, tmp_path / name)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


# ------------------------------------------------------------------ 100,000 places


@pytest.fixture(scope="module")
def large_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gpd.GeoDataFrame]:
    """100,000 places: synthetic ones on land, and the hostile ones among them."""
    hostile_places, _ = hostile_frames()
    synthetic, countries = synthetic_frames(100_000 - len(hostile_places), seed=1)
    places = gpd.GeoDataFrame(
        pd.concat([synthetic, hostile_places], ignore_index=True), crs="EPSG:4326"
    )
    path = tmp_path_factory.mktemp("large") / "large.html"
    write_map(render_map(places, countries, title="100,000 places"), path)
    return path, places


#: Elements of an open popup that only markup in the data could have made.
INJECTED = (
    "document.querySelectorAll('.leaflet-popup-content :is(img, iframe, script, style,"
    " details:not(.atlas-more), [onload], [onerror], a[href^=javascript])').length"
)


def test_a_map_of_100k_places_renders_searches_and_stays_safe(page, large_map) -> None:
    # About 25 s in all (most of it making the places); the browser part takes a few.
    path, places = large_map
    open_map(page, path)
    assert page.evaluate("geoAtlas.large") is True
    t = tr("en")
    assert page.locator(".atlas-shown").text_content() == t(
        "legend.shown", shown="100,000", n=100_000
    )
    assert page.evaluate("geoAtlas.view.drawnTotal()") == 100_000  # the world view holds them all
    drawn = page.evaluate("document.querySelectorAll('.atlas-marker, .atlas-cluster').length")
    assert 10 < drawn < 1_000
    assert page.evaluate("geoAtlas.renderMs") < 10_000

    name = places["name"].iloc[54_321]
    box = page.get_by_role("combobox", name=t("search.label"))
    box.fill(name.rsplit(" ", 1)[1])  # '#54321', only in that name
    options = page.locator("#atlas-search-results [role=option] .atlas-search-name")
    expect(options.first).to_have_text(name)
    box.press("ArrowDown")
    box.press("Enter")
    assert popup_title(page) == name
    assert page.evaluate("geoAtlas.map.getZoom()") >= 8

    for place_id in ("h00", "h05", "__proto__"):
        assert page.evaluate(f"geoAtlas.select({place_id!r})")
        assert popup_title(page) == places.loc[places["id"] == place_id, "name"].item()
        assert page.evaluate(INJECTED) == 0
    box.fill("<img")
    expect(page.locator("#atlas-search-results .atlas-search-name").first).to_have_text(HOSTILE[0])

    page.get_by_role("checkbox", name=t("kind.border_post") + ":", exact=False).uncheck()
    posts = int((places["kind"] == "border_post").sum())
    assert page.evaluate("geoAtlas.shownIds().length") == 100_000 - posts
    page.evaluate("geoAtlas.fitView()")
    assert page.evaluate("geoAtlas.view.drawnTotal()") == 100_000 - posts
    page.click("#atlas-list-toggle")
    expect(page.locator("#atlas-list tbody tr")).to_have_count(500)
    caption = t("list.caption_long", shown=f"{100_000 - posts:,}", n=100_000, max="500")
    assert page.locator("#atlas-list caption").text_content() == caption
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwnedValue") is None


def test_clusters_of_a_large_map_zoom_in_and_list_places_at_one_spot(page, large_map) -> None:
    path, _ = large_map
    open_map(page, path)
    zoom = page.evaluate("geoAtlas.map.getZoom()")
    page.locator(".atlas-cluster").first.click()
    page.wait_for_timeout(400)
    assert page.evaluate("geoAtlas.map.getZoom()") > zoom
    # Two places on one spot stay one cluster at the deepest zoom: it lists them.
    page.evaluate(
        """() => {
             const [a, b] = geoAtlas.places.slice(0, 2);
             b.base = a.base; b.now = a.base; geoAtlas.view.sync();
             geoAtlas.map.setView([a.lat, a.lon], 18, {animate: false});
           }"""
    )
    page.locator(".atlas-cluster").first.click()
    expect(page.locator(".atlas-cell-list li")).to_have_count(2)


# ------------------------------------------------------------------ no English on a French map

#: Every text a reader reads or hears: text nodes, and the attributes read out or shown.
READ_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('script, style')) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  const names = ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext'];
  document.querySelectorAll(names.map(n => '[' + n + ']').join(', ')).forEach(el => {
    names.forEach(n => { const v = el.getAttribute(n); if (v) out.push(v); });
  });
  out.push(document.title);
  return out;
}"""

#: Free text of the data (notes, sources, hosts): English in the data, shown as it is.
FREE_TEXT = ("notes", "source", "host", "coords_source", "note", "to_note", "from_note")


def _without_free_text(value: Any) -> Any:
    """A data value without its notes and sources (history events, seats), for a clean page."""
    if isinstance(value, list):
        return [_without_free_text(v) for v in value]
    if isinstance(value, dict):
        return {
            k: _without_free_text(v)
            for k, v in value.items()
            if k not in FREE_TEXT and not k.endswith("_note")
        }
    return value


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]{2,}", text)}


def _catalogue_words(lang: str) -> set[str]:
    t = tr(lang)
    words: set[str] = set()
    for key in t.message_keys():
        texts = t.plural_forms(key).values() if t.has_plural(key) else [t(key)]
        for text in texts:
            words |= _words(re.sub(r"\{\w+\}", " ", text))
    return words


def test_a_french_map_has_no_english_word_left(browser, frames, tmp_path: Path) -> None:
    """Every text of a French map, in every state a reader can bring it to, against the words
    of the English catalogue that French does not share: none may be left (data values aside)."""
    places, countries = frames
    keep = [
        c for c in places.columns if c not in FREE_TEXT and not c.endswith(("_note", "_source"))
    ]
    clean = places[keep].copy()
    clean["source"] = "https://www.wcoomd.org/"
    for column in ("history", "seats"):
        clean[column] = [_without_free_text(v) for v in clean[column]]
    data_words: set[str] = set()
    for value in clean.drop(columns="geometry").to_numpy().ravel():
        data_words |= _words(str(_without_free_text(value)))
    english = _catalogue_words("en") - _catalogue_words("fr") - data_words
    t = tr("fr")
    path = write_pages(
        tmp_path,
        {"fr": render_map(clean, countries, title=t("title.world"), links=REGION_LINKS, lang="fr")},
    )["fr"]
    seen: list[str] = []
    for size in ({"width": 1400, "height": 850}, {"width": 390, "height": 844}):
        context = browser.new_context(viewport=size, is_mobile=size["width"] < 500)
        tab = guarded_tab(context, guard := Guard())
        open_map(tab, path)
        seen += tab.evaluate(READ_TEXTS)
        tab.evaluate("geoAtlas.setYear(2015)")
        for place in ("rocb-americas", "samur", "wco-hq"):  # seats, sides, history
            tab.evaluate(f"geoAtlas.select({place!r})")
            tab.wait_for_timeout(400)
            seen += tab.evaluate(READ_TEXTS)
        tab.keyboard.press("Escape")
        tab.evaluate("geoAtlas.setYear(null)")
        box = tab.get_by_role("combobox", name=t("search.label"))
        for query in ("ROCB", "zzzz"):
            box.fill(query)
            tab.wait_for_timeout(100)
            seen += tab.evaluate(READ_TEXTS)
        box.fill("")
        tab.click("#atlas-list-toggle")
        seen += tab.evaluate(READ_TEXTS)
        tab.click("#atlas-list-toggle")
        if size["width"] < 500:
            tab.locator(".atlas-menu-button").click()
        else:
            tab.get_by_role("button", name=t("measure.button")).click()
            tab.evaluate("geoAtlas.measure.add(50.85, 4.37); geoAtlas.measure.add(40.38, 49.89)")
            tab.hover(".leaflet-control-layers")
        tab.evaluate("geoAtlas.timeline.play(); geoAtlas.timeline.pause()")
        seen += tab.evaluate(READ_TEXTS)
        check_guard(tab, context, guard)
    left = {text: sorted(_words(text) & english) for text in set(seen) if _words(text) & english}
    assert left == {}, left
