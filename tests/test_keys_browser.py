"""The maps with a keyboard, and on a phone's small screen, in headless Chromium.

At 1600x900, 1280x800 and on a 390x844 phone, in English and French: the search
box is reached within three Tab presses (the skip link is the first); no shape
(a country, a query's circle) is a Tab stop; Escape closes the popup, the bottom
sheet and the menu, and focus goes back to what opened it.  On the phone the
search's results lie over the open menu, and no control covers a marker after a
zoom, a tap on a cluster or a search.  Any console error, page error, request or
dialog fails the test (as in ``conftest.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import SIZES
from hostile import open_map, write_pages
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from words import LANGS, tr

import geo
from geo.build import region_places
from geo.render import QueryMark, render_map
from geo.schema import REGIONS

pytestmark = pytest.mark.browser

KINDS = ("world", "region", "within")
#: Tab presses within which the search box must have focus.
SEARCH_WITHIN = 3
#: How many times slower a slow phone runs the page's scripts (Chromium's CPU throttling).
SLOW = 4


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The world map, the Europe map and a query map, in each language: "world-fr"..."""
    atlas = geo.load()
    places, countries = atlas.places, atlas.countries_display
    rocb = places[places["kind"] == "rocb"].sort_values("id").iloc[0]
    lon, lat = float(rocb.geometry.x), float(rocb.geometry.y)
    pages = {}
    for lang in LANGS:
        t = tr(lang)  # the header of a built page: its title, region links and languages
        links = [(t(f"region.{code}"), f"regions/{code.lower()}.html") for code in REGIONS]
        other = [(o, f"{o}/index.html") for o in LANGS if o != lang]
        pages[f"world-{lang}"] = render_map(
            places, countries, title=t("title.world"), links=links, alternates=other, lang=lang
        )
        pages[f"region-{lang}"] = render_map(
            region_places(places, "EUR"),
            countries,
            title=t("region.EUR"),
            links=links,
            alternates=other,
            focus_region="EUR",
            lang=lang,
        )
        pages[f"within-{lang}"] = atlas.to_map(
            atlas.within(lat=lat, lon=lon, km=300.0),
            query=QueryMark(lon=lon, lat=lat, radius_km=300.0),
            lang=lang,
        )
    return write_pages(tmp_path_factory.mktemp("keys"), pages)


#: What has focus: its tag, id, class, role and name.
ACTIVE = """() => { const e = document.activeElement;
  return { tag: e.tagName.toLowerCase(), id: e.id, cls: String(e.getAttribute('class') || ''),
           role: e.getAttribute('role'), text: (e.textContent || '').trim(),
           svg: e instanceof SVGElement } }"""

#: Rects (viewport pixels) of the drawn markers and clusters whose centre is in the map
#: and above the open bottom sheet (the part of the map the reader sees), and of the
#: controls (not those folded into the phone's menu).
BOXES = """() => {
  const box = geoAtlas.map.getContainer().getBoundingClientRect();
  const sheet = document.querySelector('#atlas-sheet:not([hidden])');
  const bottom = sheet ? Math.min(box.bottom, sheet.getBoundingClientRect().top) : box.bottom;
  const map = { left: box.left, right: box.right, top: box.top, bottom: bottom };
  const rect = (el) => { const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, w: r.width,
             name: el.getAttribute('title') || el.getAttribute('aria-label') || el.className }; };
  const markers = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
    .filter((el) => getComputedStyle(el).opacity !== '0').map(rect)
    .filter((r) => { const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      return r.w > 0 && x >= map.left && x <= map.right && y >= map.top && y <= map.bottom; });
  const controls = [...document.querySelectorAll('.leaflet-control-container .leaflet-control')]
    .filter((el) => !el.closest('.atlas-menu-panel')).map(rect).filter((r) => r.w > 0);
  return { markers, controls };
}"""


def covered(tab: Any) -> list[tuple[str, str]]:
    """(marker, control) pairs whose boxes overlap, once the map has stopped moving."""
    tab.wait_for_function("() => geoAtlas.settled()")
    boxes = tab.evaluate(BOXES)
    return [
        (m["name"], c["name"])
        for m in boxes["markers"]
        for c in boxes["controls"]
        if m["left"] < c["right"]
        and c["left"] < m["right"]
        and m["top"] < c["bottom"]
        and c["top"] < m["bottom"]
    ]


def throttle(tab: Any, rate: int) -> None:
    """Run the tab's scripts ``rate`` times slower (1: as fast as the machine): a busy phone."""
    if rate > 1:
        tab.context.new_cdp_session(tab).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def moved(tab: Any, runs: int) -> None:
    """Wait until the map has moved and settled: the clearing step ran after ``runs``."""
    tab.wait_for_function(f"() => geoAtlas.clearRuns() > {runs} && geoAtlas.settled()")


# ------------------------------------------------------------------ the Tab order


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", KINDS)
def test_the_search_is_reached_within_three_tab_presses(screen, maps, kind, size, lang) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, maps[f"{kind}-{lang}"])
    search = tab.get_by_role("combobox", name=t("search.label"))
    stops = []
    for _ in range(SEARCH_WITHIN):  # plain Tab presses, nothing else
        tab.keyboard.press("Tab")
        stops.append(tab.evaluate(ACTIVE))
        if tab.evaluate("document.activeElement === geoAtlas.searchInput"):
            break
    assert stops[0]["id"] == "atlas-skip", stops  # the skip link comes first
    expect(search).to_be_focused()
    box = search.bounding_box()  # on the screen, where the reader sees it
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= tab.viewport_size["width"]
    tab.keyboard.type("a")
    expect(tab.locator("#atlas-search-results [role=option]").first).to_be_visible()
    assert tab.evaluate(
        """() => {
          const r = document.querySelector('#atlas-search-results').getBoundingClientRect();
          return [0.1, 0.3, 0.5, 0.7, 0.9].every((f) => {
            const hit = document.elementFromPoint(r.left + f * r.width, r.top + 12);
            return !!hit && !!hit.closest('#atlas-search-results'); }); }"""
    )  # the results lie over the header's links, the map and its controls


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_skip_link_takes_focus_to_the_search(screen, maps, size, lang) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, maps[f"world-{lang}"])
    tab.keyboard.press("Tab")
    skip = tab.get_by_role("link", name=t("page.skip_search"))
    expect(skip).to_be_focused()
    box = skip.bounding_box()  # shown when it has focus, inside the screen
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 20
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("combobox", name=t("search.label"))).to_be_focused()
    assert tab.evaluate("location.hash") == ""  # the address, which links.js reads, is untouched


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_no_shape_is_a_tab_stop(screen, maps, size, lang) -> None:
    tab = screen(size)
    open_map(tab, maps[f"within-{lang}"])  # countries, and a query's circle
    shapes = tab.locator(".leaflet-overlay-pane path, .leaflet-atlas-countries-pane path")
    assert shapes.count() > 100
    stops = []
    for _ in range(400):  # the whole Tab order, until it comes round to the skip link again
        tab.keyboard.press("Tab")
        active = tab.evaluate(ACTIVE)
        if active["id"] == "atlas-skip" and stops:
            break
        stops.append(active)
    else:
        pytest.fail("the Tab order never came back to the skip link")
    assert [s for s in stops if s["svg"]] == []
    assert len(stops) < 100, len(stops)
    focusable = tab.evaluate(
        """() => [...document.querySelectorAll('svg path')]
             .filter((p) => p.tabIndex >= 0 && p.getAttribute('tabindex') !== '-1').length"""
    )
    assert focusable == 0


# ------------------------------------------------------------------ Escape


def shown_names(tab: Any) -> list[str]:
    """The names of the places the map shows, as the search finds them."""
    return tab.evaluate("geoAtlas.places.filter((p) => p.on).map((p) => p.name).sort()")


def a_lone_marker(tab: Any) -> str:
    """The id of a place whose own marker (not a cluster) is drawn and in view, once the
    first view has settled (the clusters regroup as it settles: a marker drawn before may
    join a cluster)."""
    tab.wait_for_function("() => geoAtlas.settled()")
    place = tab.evaluate(
        """() => { const map = geoAtlas.map.getContainer().getBoundingClientRect();
          const p = geoAtlas.places.find((q) => { const el = q.marker && q.marker.getElement();
            if (!el) return false; const r = el.getBoundingClientRect();
            return r.left > map.left + 60 && r.right < map.right - 60
              && r.top > map.top + 60 && r.bottom < map.bottom - 60; });
          return p ? p.id : null; }"""
    )
    assert place, "a marker drawn on its own"
    return place


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("size", "slow"),
    [(s, 1) for s in SIZES] + [("phone", SLOW)],
)
def test_escape_closes_the_popup_or_sheet_and_focus_returns_to_the_marker(
    screen, maps, size, slow, lang
) -> None:
    tab = screen(size)
    throttle(tab, slow)
    open_map(tab, maps[f"world-{lang}"])
    place = a_lone_marker(tab)
    marker = f"(geoAtlas.places.find((p) => p.id === {place!r}).marker.getElement())"
    tab.evaluate(f"{marker}.focus()")
    tab.keyboard.press("Enter")
    phone = size == "phone"
    title = "#atlas-sheet .atlas-popup-title" if phone else ".leaflet-popup .atlas-popup-title"
    expect(tab.locator(title)).to_be_visible()
    if not phone:
        assert tab.evaluate("!!document.activeElement.closest('.leaflet-popup')")  # focus came
        tab.keyboard.press("Tab")  # and stays in the popup: its next link or button
        assert tab.evaluate("!!document.activeElement.closest('.leaflet-popup')")
    tab.keyboard.press("Escape")
    expect(tab.locator(title)).to_have_count(0)
    try:
        tab.wait_for_function(f"() => document.activeElement === {marker}", timeout=10_000)
    except PlaywrightTimeout:  # say where focus is and where the marker is, for the next look
        seen = tab.evaluate(
            f"""() => {{ const a = document.activeElement, m = {marker};
            return {{active: a ? a.outerHTML.slice(0, 160) : null,
                     marker: m ? m.outerHTML.slice(0, 160) : null,
                     connected: !!(m && m.isConnected),
                     shown: !!(m && m.getClientRects().length)}}; }}"""
        )
        pytest.fail(f"focus is not back on the marker {place!r} after Escape: {seen}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_escape_after_a_search_gives_focus_back_to_the_search_box(screen, maps, size, lang) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, maps[f"world-{lang}"])
    search = tab.get_by_role("combobox", name=t("search.label"))
    search.fill(shown_names(tab)[0])
    search.press("Enter")
    phone = size == "phone"
    title = "#atlas-sheet .atlas-popup-title" if phone else ".leaflet-popup .atlas-popup-title"
    expect(tab.locator(title)).to_be_visible()
    tab.keyboard.press("Escape")
    expect(tab.locator(title)).to_have_count(0)
    expect(search).to_be_focused()


@pytest.mark.parametrize("lang", LANGS)
def test_escape_closes_the_phone_menu_and_focus_returns_to_its_button(screen, maps, lang) -> None:
    t = tr(lang)
    tab = screen("phone")
    open_map(tab, maps[f"world-{lang}"])
    button = tab.get_by_role("button", name=t("menu.open"), exact=True)
    button.focus()
    tab.keyboard.press("Enter")
    panel = tab.locator("#atlas-menu-panel")
    expect(panel).to_be_visible()
    tab.locator("#atlas-menu-panel .atlas-legend summary").focus()  # inside the menu
    tab.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", ["desktop", "laptop"])
def test_enter_opens_the_legend_and_escape_folds_it_with_focus_on_its_button(
    screen, maps, size, lang
) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, maps[f"world-{lang}"])
    legend = tab.locator(".leaflet-control-container .atlas-legend")
    summary = legend.locator("summary")
    if legend.get_attribute("open") is None:  # folded to its button: Enter opens it
        summary.focus()
        tab.keyboard.press("Enter")
        expect(legend).to_have_attribute("open", "")
    box = tab.get_by_role("checkbox", name=t("kind.rocb"), exact=False)
    box.focus()  # a filter of the legend
    tab.keyboard.press("Escape")
    expect(legend).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    tab.keyboard.press("Enter")  # and open again
    expect(legend).to_have_attribute("open", "")
    tab.keyboard.press("Escape")  # on its button: folds it, focus stays there
    expect(legend).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()


# ------------------------------------------------------------------ a phone


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_results_lie_over_the_open_menu(screen, maps, lang) -> None:
    t = tr(lang)
    tab = screen("phone")
    open_map(tab, maps[f"world-{lang}"])
    tab.get_by_role("button", name=t("menu.open"), exact=True).click()
    expect(tab.locator("#atlas-menu-panel")).to_be_visible()
    tab.get_by_role("combobox", name=t("search.label")).fill("a")
    results = tab.locator("#atlas-search-results")
    expect(results).to_be_visible()
    on_top = results.evaluate(
        """(el) => { const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return !!hit && el.contains(hit); }"""
    )
    assert on_top
    expect(tab.locator("#atlas-menu-panel")).to_be_visible()  # the menu is still open below


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slow", [1, SLOW])
@pytest.mark.parametrize("kind", ["world", "region"])
def test_no_control_covers_a_marker_after_a_zoom_a_tap_or_a_search(
    screen, maps, kind, slow, lang
) -> None:
    t = tr(lang)
    tab = screen("phone")
    throttle(tab, slow)
    open_map(tab, maps[f"{kind}-{lang}"])
    assert covered(tab) == []
    # zoom in twice about the top left, where the controls are
    for _ in range(2):
        runs = tab.evaluate("geoAtlas.clearRuns()")
        tab.evaluate(
            """() => { const m = geoAtlas.map;
              m.setZoomAround(L.point(60, 120), m.getZoom() + 1); }"""
        )
        moved(tab, runs)
        assert covered(tab) == []
    # tap on a cluster
    tab.evaluate("void geoAtlas.fitView()")
    cluster = tab.locator(".leaflet-marker-pane .atlas-cluster").first
    runs = tab.evaluate("geoAtlas.clearRuns()")
    cluster.tap()
    moved(tab, runs)
    assert covered(tab) == []
    # a search, with the sheet open
    search = tab.get_by_role("combobox", name=t("search.label"))
    names = shown_names(tab)
    for name in (names[0], names[len(names) // 2], names[-1]):
        runs = tab.evaluate("geoAtlas.clearRuns()")
        search.fill(name)
        search.press("Enter")
        expect(tab.locator("#atlas-sheet .atlas-popup-title")).to_be_visible()
        moved(tab, runs)
        assert covered(tab) == []


#: Points (map pixels on the phone) about which the map zooms in, one or two levels, from
#: its first view: near every control and edge, where a zoom brings markers under them.
ZOOMS = [(x, y, dz) for x in (25, 195, 365) for y in (40, 420, 700) for dz in (1, 2)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["world", "region"])
def test_no_control_covers_a_marker_after_a_zoom_about_any_point(screen, maps, kind, lang) -> None:
    """The clearing step sees the markers where they go (not where a transition draws
    them) and those a pan brings into view, which a phone's clusters draw only then."""
    tab = screen("phone")
    open_map(tab, maps[f"{kind}-{lang}"])
    seen = []
    for x, y, dz in ZOOMS:
        tab.evaluate("void geoAtlas.fitView()")
        tab.wait_for_function("() => geoAtlas.settled()")
        runs = tab.evaluate("geoAtlas.clearRuns()")
        tab.evaluate(
            f"""() => {{ const m = geoAtlas.map;
              m.setZoomAround(L.point({x}, {y}), m.getZoom() + {dz}); }}"""
        )
        moved(tab, runs)
        seen += [(x, y, dz, *pair) for pair in covered(tab)]
    assert seen == []
