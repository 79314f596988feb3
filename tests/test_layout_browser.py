"""The maps on the screens people open them on, in headless Chromium with no network.

Every kind of map (world, region, as of a day, query) at 1600x900 and 1280x800
and on a 390x844 phone (a mobile viewport with touch): the first view shows every
place, none under a control; a popup (a bottom sheet on the phone) lies inside
the screen with its close button in reach and no JSON in it; country names are
text; deep links go from the address to the page and back.  Any console error,
page error, request or dialog fails the test (as in ``conftest.py``).

Set ``GEO_LAYOUT_SHOTS=folder`` to keep the screenshots for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from conftest import SIZES
from hostile import HOSTILE, hostile_frames, open_map, synthetic_frames, write_pages
from playwright.sync_api import expect
from pyproj import Geod
from shapely.geometry import Point, box
from words import LANGS, name_shown, tr

import geo
from geo.build import region_places
from geo.i18n import DATA_LANGUAGE, country_name
from geo.render import QueryMark, render_map

pytestmark = pytest.mark.browser

KINDS = ("world", "region", "as_of", "within", "nearest")
QUERY_KM = 300.0
NEAREST_K = 3
#: (lon, lat) of ROCB Europe, which shares its point with RTC Azerbaijan (Baku).
BAKU = (49.892, 40.3777)
#: Text that only JSON (an object or a list of strings) would put in a popup.
JSON_LIKE = re.compile(r'[\[{]\s*"|"\s*:\s*["\[{\d]|\}\s*,\s*\{')


@pytest.fixture(scope="module")
def atlas() -> geo.Atlas:
    return geo.load()


@pytest.fixture(scope="module")
def centre(atlas: geo.Atlas) -> tuple[float, float]:
    """(lon, lat) of a query: the first ROCB of the data (a place among others)."""
    rocb = atlas.places[atlas.places["kind"] == "rocb"].sort_values("id").iloc[0]
    return float(rocb.geometry.x), float(rocb.geometry.y)


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory, atlas: geo.Atlas, centre) -> dict[str, Path]:
    places, countries = atlas.places, atlas.countries_display
    then = atlas.at("2010-09-08")
    lon, lat = centre
    near = atlas.nearest(lat=lat + 1.0, lon=lon - 1.0, k=NEAREST_K)
    pages = {}
    for lang in LANGS:  # "world" in English, "world-fr" in French...
        suffix = "" if lang == "en" else f"-{lang}"
        pages |= {
            f"{name}{suffix}": m
            for name, m in {
                "world": render_map(
                    places, countries, title="World", since=atlas.network_start, lang=lang
                ),
                "region": render_map(
                    region_places(places, "EUR"),
                    countries,
                    title="Europe",
                    focus_region="EUR",
                    since=atlas.network_start,
                    lang=lang,
                ),
                "as_of": render_map(
                    then.places,
                    countries,
                    title="2010",
                    as_of=then.as_of,
                    since=atlas.network_start,
                    lang=lang,
                ),
                "within": atlas.to_map(
                    atlas.within(lat=lat, lon=lon, km=QUERY_KM),
                    query=QueryMark(lon=lon, lat=lat, radius_km=QUERY_KM),
                    lang=lang,
                ),
                "nearest": atlas.to_map(
                    near,
                    query=QueryMark(lon=lon - 1.0, lat=lat + 1.0, lines=True),
                    lang=lang,
                ),
                "baku": atlas.to_map(  # offices at one point, border posts close together
                    atlas.within(lat=BAKU[1], lon=BAKU[0], km=QUERY_KM),
                    query=QueryMark(lon=BAKU[0], lat=BAKU[1], radius_km=QUERY_KM),
                    lang=lang,
                ),
            }.items()
        }
    return write_pages(tmp_path_factory.mktemp("layout"), pages)


def like(text: str, *holes: str) -> re.Pattern[str]:
    """A pattern of ``text`` whose characters ``\\0``, ``\\1``... are the regular expressions
    ``holes``: ``like(t("query.line", name="\\0", km="\\1"), ".+", "[\\d.]+ km")``."""
    parts = re.split("([\x00-\x09])", text)
    return re.compile(
        "^"
        + "".join(
            holes[ord(part)] if len(part) == 1 and ord(part) < 10 else re.escape(part)
            for part in parts
        )
        + "$"
    )


def in_lang(maps: dict[str, Path], name: str, lang: str) -> Path:
    return maps[name if lang == "en" else f"{name}-{lang}"]


def country_names(atlas: geo.Atlas, lang: str) -> set[str]:
    """The basemap's country names in ``lang`` (CLDR's; the data's own in the data's language)."""
    frame = atlas.countries_display
    if lang == DATA_LANGUAGE:
        return set(frame["name"])
    return {
        country_name(iso3, lang, name) or name
        for iso3, name in zip(frame["iso3"], frame["name"], strict=True)
    }


def shoot(tab: Any, name: str, tmp_path: Path) -> None:
    """A screenshot: in $GEO_LAYOUT_SHOTS when set (for a person to look at), else in tmp_path."""
    folder = Path(os.environ.get("GEO_LAYOUT_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    tab.screenshot(path=path)
    assert path.stat().st_size > 20_000  # a drawn map, not a blank page


#: Each drawn marker or cluster icon in the map: its place count and whether
#: document.elementFromPoint at its centre hits it (nothing covers it).
MARKERS = """() => {
  const map = geoAtlas.map.getContainer().getBoundingClientRect();
  const out = [];
  const pane = '.leaflet-marker-pane ';
  const icons = [pane + '.atlas-marker', pane + '.atlas-cluster',
                 pane + '.atlas-group:not(.atlas-group-open)'];
  document.querySelectorAll(icons.join(', ')).forEach((el) => {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      const inView = x >= map.left && x <= map.right && y >= map.top && y <= map.bottom;
      const hit = document.elementFromPoint(x, y);
      const cluster = el.classList.contains('atlas-cluster');
      const group = el.classList.contains('atlas-group');  // places at one point: a name a line
      out.push({
        title: el.getAttribute('title') || el.textContent,
        n: cluster ? Number(el.querySelector('.atlas-cluster-n').textContent)
          : group ? el.getAttribute('title').split('\\n').length : 1,
        inView, uncovered: !!hit && el.contains(hit),
        by: hit ? hit.outerHTML.slice(0, 80) : null
      });
  });
  return out;
}"""

#: Whether the element at a selector lies inside the viewport, and is what is hit at its centre.
IN_REACH = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {
    inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
    hit: !!hit && (el === hit || el.contains(hit)),
    width: r.width, height: r.height
  };
}"""


def open_popup(tab: Any) -> str:
    """Select the shown place with the most to say; return the selector of its popup or sheet."""
    place = tab.evaluate(
        """() => geoAtlas.places.filter(p => p.on)
             .sort((a, b) => JSON.stringify(b.rows).length - JSON.stringify(a.rows).length)[0].id"""
    )
    assert tab.evaluate(f"geoAtlas.select({place!r})")
    phone = tab.evaluate("matchMedia('(max-width: 640px)').matches")
    popup = "#atlas-sheet" if phone else ".leaflet-popup"
    tab.locator(f"{popup} .atlas-popup-title").wait_for(state="visible", timeout=5_000)
    tab.wait_for_timeout(300)  # a popup's pan, or a cluster's spiderfy, settles
    return popup


# ------------------------------------------------------------------ the first view

#: The share of the map's height the world fills, at least, in a view that fills it.
FILLED = 0.9


def first_view_holds_its_places(tab: Any, atlas: geo.Atlas) -> None:
    """Every place in view, none under a control; or, where the world would be shorter
    than the map (a phone held upright), a world that fills the map's height with the
    headquarters and the regional offices in view, none under a control."""
    tab.wait_for_function("() => geoAtlas.settled()")
    shown = tab.evaluate("geoAtlas.shownIds().length")
    assert shown > 0
    markers = tab.evaluate(MARKERS)
    in_view = [m for m in markers if m["inView"]]
    covered = [(m["title"], m["by"]) for m in in_view if not m["uncovered"]]
    assert covered == []
    if tab.evaluate("geoAtlas.firstView()") == "fit":
        assert sum(m["n"] for m in in_view) == shown  # every place is in view
        return
    world, height = tab.evaluate("[256 * 2 ** geoAtlas.map.getZoom(), geoAtlas.map.getSize().y]")
    assert world >= FILLED * height, (world, height)
    main = atlas.places.loc[atlas.places["kind"].isin(["hq", "rocb"]), "id"].tolist()
    outside = tab.evaluate(
        """(ids) => { const b = geoAtlas.map.getBounds();
             return ids.filter((id) => { const s = geoAtlas.stateOf(id);
               return s && s.shown && !b.contains([s.lat, s.lon]); }); }""",
        main,
    )
    assert outside == []
    assert sum(m["n"] for m in in_view) >= 0.8 * shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", KINDS)
def test_the_first_view_shows_every_place_and_nothing_covers_one(
    screen, maps, atlas, size: str, kind: str, lang: str, tmp_path: Path
) -> None:
    tab = screen(size)
    open_map(tab, in_lang(maps, kind, lang))
    first_view_holds_its_places(tab, atlas)
    labels = tab.locator(
        ".leaflet-atlas-labels-pane .atlas-label:not(.atlas-office-name):not(.atlas-town)"
    )
    assert labels.count() >= 1
    names = country_names(atlas, lang)
    assert set(labels.all_text_contents()) <= names  # real text: the countries' names
    shoot(tab, f"{kind}-{size}-{lang}", tmp_path)


#: The share of the map's area the legend may cover at first view, at most (it took a
#: fifth to a quarter of a laptop's map when it opened there).
LEGEND_SHARE = 1 / 6
#: The legend in its corner of the map (not the phone's menu): its box and whether it is open.
LEGEND = """() => { const el = document.querySelector('.leaflet-control-container .atlas-legend');
  const map = geoAtlas.map.getContainer().getBoundingClientRect();
  if (!el) return { open: false, share: 0 };
  const r = el.getBoundingClientRect();
  return { open: el.open, share: (r.width * r.height) / (map.width * map.height) }; }"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", ["world", "region"])
def test_the_legend_leaves_the_map_to_its_places_at_first_view(
    screen, maps, atlas, size: str, kind: str, lang: str
) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, in_lang(maps, kind, lang))
    legend = tab.evaluate(LEGEND)
    assert legend["share"] <= LEGEND_SHARE, legend
    if size != "desktop":  # folded to its button; open on a large screen only
        assert not legend["open"], legend
    if size == "phone":  # in the menu (test_a_phone_folds_legend_timeline_and_layers_into_one_menu)
        return
    first_view_holds_its_places(tab, atlas)  # none under the legend, nor under another control
    summary = tab.locator(".atlas-legend summary")
    expect(summary).to_have_text(t("legend.title"))
    if not legend["open"]:
        summary.click()  # the button opens it
    expect(tab.get_by_role("checkbox", name=t("kind.rocb"), exact=False)).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", ["world", "region", "as_of", "within"])
def test_a_popup_lies_on_the_screen_with_its_close_button_in_reach(
    screen, maps, size: str, kind: str, lang: str, tmp_path: Path
) -> None:
    tab = screen(size)
    open_map(tab, in_lang(maps, kind, lang))
    popup = open_popup(tab)
    box_ = tab.evaluate(IN_REACH, popup)
    assert box_["inside"], box_
    close = f"{popup} .leaflet-popup-close-button, {popup} .atlas-sheet-close"
    reach = tab.evaluate(IN_REACH, close)
    assert reach["inside"] and reach["hit"], reach
    if size == "phone":
        assert reach["width"] >= 44 and reach["height"] >= 44  # a finger's size
    assert tab.evaluate(IN_REACH, f"{popup} .atlas-popup-title")["hit"]  # no control on top
    text = tab.locator(popup).inner_text()
    assert not JSON_LIKE.search(text), text
    shoot(tab, f"{kind}-{size}-{lang}-popup", tmp_path)
    tab.locator(close).first.click()
    expect(tab.locator(f"{popup} .atlas-popup-title")).to_have_count(0)


@pytest.mark.parametrize("lang", LANGS)
def test_history_and_seats_read_as_lists_in_the_popup(screen, maps, atlas, lang) -> None:
    t = tr(lang)
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "world", lang))
    with_history = tab.evaluate(
        "label => geoAtlas.places.filter(p => p.rows.some(r => r[0] === label)).map(p => p.id)",
        t("row.history"),
    )
    assert with_history, "the data has a place with a history"
    tab.evaluate(f"geoAtlas.select({with_history[0]!r})")
    items = tab.locator(".leaflet-popup-content dd.atlas-wide li")
    expect(items.first).to_be_hidden()  # folded under "Details and sources"
    tab.get_by_text(t("popup.details"), exact=True).click()
    expect(items.first).to_be_visible()
    heads = items.locator(".atlas-item-head").all_text_contents()
    place = atlas.places.set_index("id").loc[with_history[0]]
    dates = [t.date(event["date"]) for event in place["history"]]  # "17 October 2011"
    assert heads and heads[: len(dates)] == dates, heads


# ------------------------------------------------------------------ a phone


#: The share of a phone's world map that shows land (Antarctica aside), at least: the
#: map's area, sampled every 10 px, where a country's shape is what the finger would
#: touch.  The places' box is three times wider than high and a phone's screen twice
#: as high as wide: fitted whole, the world took 47% of the map's height and land 9%.
PHONE_LAND = 0.18
#: The share of it that Antarctica may take, at most: the places' band of latitudes in the
#: middle of the map, not the world's (22% of hatched ice when the world's middle was).
#: With the search in the header's own row the map is shorter: 8.1-8.7% measured.
PHONE_ICE = 0.10
#: The share of the places whose point lies in view, at least.  Every place cannot: the
#: network spans 296 degrees of longitude, which a 390 px screen holds at zoom 0.75 only,
#: where the world is 431 px high (land 13% of the map, ice 13%) and the symbols of
#: ROCB Europe and ROCB MENA lie on each other.
PHONE_PLACES = 0.9

#: How many of the places shown have their point in the map's view.
IN_VIEW = """() => { const b = geoAtlas.map.getBounds();
  return geoAtlas.places.filter((p) => p.on && b.contains([p.now.lat, p.now.lon])).length; }"""

#: Of the map's area sampled every 10 px, the shares that show land and Antarctica.
LAND = """() => {
  const iso = new Map();
  geoAtlas.map.eachLayer((l) => { const el = l.atlasCountry && l.getElement && l.getElement();
                                  if (el) iso.set(el, l.atlasCountry.iso3); });
  const box = geoAtlas.map.getContainer().getBoundingClientRect();
  let land = 0, all = 0, ice = 0;
  for (let y = box.top + 5; y < box.bottom; y += 10) {
    for (let x = box.left + 5; x < box.right; x += 10) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || hit.closest('.leaflet-control-container, .leaflet-marker-pane')) continue;
      all++;
      const code = iso.get(hit);
      if (code === 'ATA') ice++; else if (code) land++;
    }
  }
  return { land: land / all, ice: ice / all };
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["world", "as_of"])
def test_a_phone_first_view_uses_the_screen_for_land(screen, maps, atlas, kind, lang) -> None:
    tab = screen("phone")
    open_map(tab, in_lang(maps, kind, lang))
    first_view_holds_its_places(tab, atlas)
    assert tab.evaluate("geoAtlas.firstView()") == "fill"
    share = tab.evaluate(LAND)
    assert share["land"] >= PHONE_LAND and share["ice"] <= PHONE_ICE, share
    shown = len(tab.evaluate("geoAtlas.shownIds()"))
    assert tab.evaluate(IN_VIEW) >= PHONE_PLACES * shown


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_folds_legend_timeline_and_layers_into_one_menu(screen, maps, lang) -> None:
    t = tr(lang)
    tab = screen("phone")
    open_map(tab, in_lang(maps, "world", lang))
    assert not tab.locator(".atlas-legend").is_visible()
    assert not tab.locator(".atlas-timeline").is_visible()
    assert not tab.locator(".leaflet-control-zoom").is_visible()  # pinch to zoom
    menu = tab.get_by_role("button", name=t("menu.open"), exact=True)
    assert tab.evaluate(IN_REACH, ".atlas-menu-button")["hit"]
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    panel = tab.locator("#atlas-menu-panel")
    assert panel.locator(".atlas-legend").is_visible()
    assert panel.locator(".atlas-timeline").is_visible()
    assert panel.locator(".leaflet-control-layers").count() == 1
    assert tab.evaluate(IN_REACH, "#atlas-menu-panel")["inside"]
    tab.get_by_role("slider", name=t("timeline.year")).fill("2010")
    menu = tab.locator(".atlas-menu-button")
    expect(menu).to_contain_text("2010")
    expect(menu).to_have_attribute("aria-label", t("menu.year", year=2010))
    tab.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    # the scale is clear of the attribution; the search box lies on the screen
    scale = tab.locator(".leaflet-control-scale").bounding_box()
    credit = tab.locator(".leaflet-control-attribution").bounding_box()
    assert scale["y"] + scale["height"] <= credit["y"] or scale["x"] + scale["width"] <= credit["x"]
    assert tab.evaluate(IN_REACH, ".atlas-search input")["inside"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_shows_that_the_header_links_scroll(screen, atlas, tmp_path: Path, lang) -> None:
    t = tr(lang)
    links = [(t(f"region.{code}"), f"regions/{code.lower()}.html") for code in geo.schema.REGIONS]
    other = [(o, f"{o}/index.html") for o in LANGS if o != lang]
    places, countries = atlas.places, atlas.countries_display
    title = t("title.world")
    page = render_map(places, countries, title=title, links=links, lang=lang, alternates=other)
    path = write_pages(tmp_path, {"nav": page})["nav"]
    tab = screen("phone")
    open_map(tab, path)
    nav = tab.locator("nav.atlas-nav")
    assert tab.evaluate(
        "(n => n.scrollWidth > n.clientWidth)(document.querySelector('.atlas-nav'))"
    )
    expect(nav).to_have_class(re.compile(r"atlas-nav-after"))
    nav.evaluate("n => { n.scrollLeft = n.scrollWidth; n.dispatchEvent(new Event('scroll')); }")
    expect(nav).to_have_class(re.compile(r"atlas-nav-before"))
    expect(nav).not_to_have_class(re.compile(r"atlas-nav-after"))
    # the other language's link stays in sight, beside the scrolling links; the title is whole
    assert tab.evaluate(IN_REACH, ".atlas-langs a")["inside"]
    heading = tab.locator("h1").bounding_box()
    assert heading["height"] <= 3 * 22  # at most three lines
    assert tab.evaluate("(h => h.scrollWidth <= h.clientWidth)(document.querySelector('h1'))")


@pytest.mark.parametrize("lang", LANGS)
def test_a_phone_lists_places_as_cards_and_a_chosen_one_shows_above_its_sheet(
    screen, maps, lang
) -> None:
    tab = screen("phone")
    open_map(tab, in_lang(maps, "world", lang))
    tab.click("#atlas-list-toggle")
    table = "document.querySelector('.atlas-table-wrap')"
    assert tab.evaluate(f"{table}.scrollWidth <= {table}.clientWidth")  # nothing cut on the side
    row = tab.locator("#atlas-list tbody tr").first
    name = row.locator(".atlas-row-button").text_content()
    row.locator(".atlas-row-button").click()
    expect(tab.locator("#atlas-sheet .atlas-popup-title")).to_have_text(name)
    assert tab.locator("#atlas-list").is_hidden()  # the list made way for the map
    place = tab.evaluate("geoAtlas.link()").split("place=")[1].split("&")[0]
    marker = tab.evaluate(
        """(id) => { const p = geoAtlas.places.find(q => q.id === id);
                     const el = p.marker.getElement() || p.marker.__parent._icon;
                     const r = el.getBoundingClientRect();
                     return r.top + r.height / 2; }""",
        place,
    )
    sheet_top = tab.locator("#atlas-sheet").bounding_box()["y"]
    assert marker < sheet_top  # the chosen place shows above the sheet


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_place_chosen_while_the_clusters_finish_a_zoom_opens(screen, maps, size) -> None:
    """A refit's zoom (the list opened, the screen turned) leaves the clusters a last
    step queued for 300 ms; a place chosen meanwhile opens all the same (the step ends
    at the start of the choice's zoom, before the clusters are drawn at that zoom)."""
    tab = screen(size)
    open_map(tab, maps["world"])
    tab.wait_for_function("() => geoAtlas.settled()")
    name = tab.evaluate(
        """() => { const m = geoAtlas.map;
                   m.setZoom(m.getZoom() + 1, {animate: false});
                   const p = geoAtlas.places.filter(q => q.on)
                     .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)[0];
                   geoAtlas.select(p.id);
                   return p.name; }"""
    )
    popup = "#atlas-sheet" if size == "phone" else ".leaflet-popup"
    expect(tab.locator(f"{popup} .atlas-popup-title")).to_have_text(name)


@pytest.mark.parametrize("lang", LANGS)
def test_resizing_refits_the_view_until_the_reader_moves_it(screen, maps, atlas, lang) -> None:
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "world", lang))
    fits = tab.evaluate("geoAtlas.fits()")
    tab.set_viewport_size({"width": 390, "height": 844})
    # the refit waits for the resize to end; the clusters then animate: wait for both
    tab.wait_for_function(f"() => geoAtlas.fits() > {fits} && geoAtlas.settled()")
    first_view_holds_its_places(tab, atlas)
    tab.evaluate("void geoAtlas.map.setZoom(geoAtlas.map.getZoom() + 2, {animate: false})")
    zoom = tab.evaluate("geoAtlas.map.getZoom()")
    resizes = tab.evaluate("geoAtlas.resizes()")
    tab.set_viewport_size({"width": 1280, "height": 800})
    tab.wait_for_function(f"() => geoAtlas.resizes() > {resizes} && geoAtlas.settled()")
    assert tab.evaluate("geoAtlas.map.getZoom()") == zoom  # the reader's view stays


@pytest.mark.parametrize("lang", LANGS)
def test_opening_the_list_folds_the_legend_where_the_map_gets_narrow(screen, maps, lang) -> None:
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "world", lang))
    legend = tab.locator(".atlas-legend")
    assert legend.get_attribute("open") is None  # folded at first view on a laptop
    legend.locator("summary").click()
    expect(legend).to_have_attribute("open", "")
    tab.click("#atlas-list-toggle")
    expect(legend).not_to_have_attribute("open", "")
    tab.click("#atlas-list-toggle")
    expect(legend).to_have_attribute("open", "")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", ["desktop", "laptop"])
def test_the_list_fits_its_panel_without_scrolling_sideways(screen, maps, size, lang) -> None:
    tab = screen(size)
    open_map(tab, in_lang(maps, "world", lang))
    tab.click("#atlas-list-toggle")
    expect(tab.locator(".atlas-table")).to_be_visible()
    wrap = "document.querySelector('.atlas-table-wrap')"
    assert tab.evaluate(f"{wrap}.scrollWidth <= {wrap}.clientWidth")


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_map_draws_when_it_shows_again(screen, maps, lang) -> None:
    """Hidden while the open legend needs its room, the minimap shows when the list folds it."""
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "world", lang))
    expect(tab.locator(".atlas-minimap")).to_be_visible()  # the legend is folded
    tab.locator(".atlas-legend summary").click()
    expect(tab.locator(".atlas-minimap")).to_be_hidden()  # the legend is open and tall
    tab.click("#atlas-list-toggle")
    expect(tab.locator(".atlas-minimap")).to_be_visible()
    tab.wait_for_function(
        """() => {
          const mini = geoAtlas.minimap.mini, main = geoAtlas.map;
          const size = mini.getSize(), box = mini.getContainer();
          return size.x === box.clientWidth && size.y === box.clientHeight && size.x > 100
            && mini.getBounds().contains(main.getCenter());
        }"""
    )


# ------------------------------------------------------------------ deep links


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_a_link_to_a_place_and_a_year_round_trips(screen, maps, atlas, size: str, lang) -> None:
    place = atlas.places.sort_values("id").iloc[0]
    hash_ = f"#place={place['id']}"
    tab = screen(size)
    tab.goto(in_lang(maps, "world", lang).as_uri() + hash_)
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached")
    title = "#atlas-sheet .atlas-popup-title" if size == "phone" else ".leaflet-popup-content h2"
    expect(tab.locator(title)).to_have_text(name_shown(place, lang))
    assert tab.evaluate("geoAtlas.link()") == hash_
    expect(tab).to_have_url(re.compile(re.escape(hash_) + "$"))
    # the reader picks a year: the address follows; another address is followed
    tab.evaluate("geoAtlas.setYear(2024)")
    expect(tab).to_have_url(re.compile(re.escape(hash_ + "&year=2024") + "$"))
    other = atlas.places.sort_values("id").iloc[-1]
    tab.evaluate(f"location.hash = 'place={other['id']}'")
    expect(tab.locator(title)).to_have_count(1)  # the other popup fades out
    expect(tab.locator(title)).to_have_text(name_shown(other, lang))
    assert tab.evaluate("geoAtlas.timeline.year()") is None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_a_link_to_a_view_with_filters_round_trips(screen, maps, size: str, lang) -> None:
    hash_ = "#map=4.5/40.1234/45.5&year=2015&hide=border_post&hidestatus=unknown"
    tab = screen(size)
    tab.goto(in_lang(maps, "world", lang).as_uri() + hash_)
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached")
    tab.wait_for_timeout(200)
    assert tab.evaluate("geoAtlas.link()") == hash_
    assert tab.evaluate("location.hash") == hash_
    zoom, lat, lon = tab.evaluate(
        "(c => [geoAtlas.map.getZoom(), c.lat, c.lng])(geoAtlas.map.getCenter())"
    )
    assert (
        zoom == 4.5
        and lat == pytest.approx(40.1234, abs=0.02)
        and lon == pytest.approx(45.5, abs=0.05)
    )
    kinds = tab.evaluate("geoAtlas.places.filter(p => p.on).map(p => p.kind)")
    assert kinds and "border_post" not in kinds
    statuses = tab.evaluate("geoAtlas.places.filter(p => p.on).map(p => p.now.status)")
    assert "unknown" not in statuses
    if size == "laptop":  # the legend shows the filters the link set
        tab.locator(".atlas-legend summary").click()
        post = tr(lang)("kind.border_post")
        expect(tab.get_by_role("checkbox", name=post, exact=False)).not_to_be_checked()
    tab.evaluate("void geoAtlas.map.setView([10, 20], 3, {animate: false})")
    expect(tab).to_have_url(
        re.compile(r"#map=3/10/20&year=2015&hide=border_post&hidestatus=unknown$")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_copy_link_gives_a_link_that_opens_the_place(screen, maps, atlas, lang) -> None:
    t = tr(lang)
    world = in_lang(maps, "world", lang)
    tab = screen("laptop", permissions=["clipboard-read", "clipboard-write"])
    open_map(tab, world)
    place = atlas.places.sort_values("id").iloc[1]
    tab.evaluate(f"geoAtlas.setYear(2020); geoAtlas.select({place['id']!r})")
    tab.get_by_role("button", name=t("popup.copy_link")).click()
    by_hand = tab.locator(".atlas-link-text")  # where the clipboard refuses: a link to copy
    done = tab.get_by_role("button", name=t("popup.copied"))
    expect(by_hand.or_(done)).to_be_visible()
    if by_hand.count():
        link = by_hand.input_value()
    else:
        link = tab.evaluate("navigator.clipboard.readText()")
    assert link == world.as_uri() + f"#place={place['id']}&year=2020"
    other = screen("phone")
    other.goto(link)
    other.locator("html[data-atlas-ready=true]").wait_for(state="attached")
    expect(other.locator("#atlas-sheet .atlas-popup-title")).to_have_text(name_shown(place, lang))
    at_year = t("popup.at_year", year=2020).strip()
    expect(other.locator("#atlas-sheet .atlas-popup-kind")).to_contain_text(at_year)


# ------------------------------------------------------------------ honest time


def dated_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Three places: one opened 2000, one 2023-03-17, one whose opening is not known."""
    places = gpd.GeoDataFrame(
        {
            "id": ["early", "later", "undated"],
            "kind": ["rtc", "border_post", "rtc"],
            "name": ["Early centre", "Later crossing", "Undated centre"],
            "status": ["operational"] * 3,
            "source": ["https://example.org/"] * 3,
            "region": ["EUR"] * 3,
            "opened": ["2000", "2023-03-17", None],
        },
        geometry=[Point(5, 45), Point(15, 48), Point(25, 50)],
        crs="EPSG:4326",
    )
    countries = gpd.GeoDataFrame(
        {"iso3": ["AAA"], "name": ["Aland"], "region": ["EUR"], "member": [True]},
        geometry=[box(0, 40, 30, 55)],
        crs="EPSG:4326",
    )
    return places, countries


@pytest.fixture(scope="module")
def dated_maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    places, countries = dated_frames()
    folder = tmp_path_factory.mktemp("dated")
    return write_pages(
        folder,
        {lang: render_map(places, countries, title="t", since="1990", lang=lang) for lang in LANGS},
    )


@pytest.mark.parametrize("lang", LANGS)
def test_search_says_when_a_place_opens_and_shows_that_year(screen, dated_maps, lang) -> None:
    t = tr(lang)
    tab = screen("laptop")
    tab.goto(dated_maps[lang].as_uri() + "#year=2010")
    tab.locator("html[data-atlas-ready=true]").wait_for(state="attached")
    assert "later" not in tab.evaluate("geoAtlas.shownIds()")
    box_ = tab.get_by_role("combobox", name=t("search.label"))
    box_.fill("later")
    option = tab.locator("#atlas-search-results [role=option]")
    expect(option).to_have_count(1)
    opens = t("search.opens", date=t.date("2023-03-17"), year=2023)  # "Opens 17 March 2023..."
    expect(option.locator(".atlas-search-meta")).to_have_text(opens)
    box_.press("ArrowDown")
    box_.press("Enter")
    expect(tab.locator(".atlas-timeline-year")).to_have_text(t("timeline.end_of", year=2023))
    expect(tab.locator(".leaflet-popup-content h2")).to_have_text("Later crossing")
    assert tab.evaluate("geoAtlas.link()") == "#place=later&year=2023"


@pytest.mark.parametrize("lang", LANGS)
def test_a_place_of_unknown_date_has_its_style_legend_row_and_filter(
    screen, dated_maps, lang
) -> None:
    t = tr(lang)
    tab = screen("laptop")
    open_map(tab, dated_maps[lang])
    slider = tab.get_by_role("slider", name=t("timeline.year"))
    assert slider.get_attribute("min") == "1990"  # not before
    tab.evaluate("geoAtlas.setYear(1995)")
    assert tab.evaluate("geoAtlas.shownIds()") == ["undated"]
    dotted = tab.evaluate(
        """geoAtlas.places.find(p => p.id === 'undated').marker.getElement()
             .querySelector('[stroke-dasharray]').getAttribute('stroke-dasharray')"""
    )
    assert dotted == "1.6 1.8"
    name = t("legend.row", label=t("status.unknown"), count=t("count.places", n=1))
    tab.locator(".atlas-legend summary").click()  # folded at first view on a laptop
    row = tab.get_by_role("checkbox", name=name)
    expect(row).to_be_checked()
    row.uncheck()
    assert tab.evaluate("geoAtlas.shownIds()") == []
    assert tab.evaluate("geoAtlas.link()") == "#year=1995&hidestatus=unknown"
    tab.evaluate("geoAtlas.setYear(1989)")  # before the network: nothing
    assert tab.evaluate("geoAtlas.timeline.year()") == 1990


# ------------------------------------------------------------------ query maps


@pytest.mark.parametrize("lang", LANGS)
def test_a_within_map_draws_its_point_and_circle(screen, maps, centre, lang) -> None:
    t = tr(lang)
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "within", lang))
    assert tab.locator(".leaflet-atlas-query-pane > svg path").count() == 1  # the circle
    point = tab.locator(".atlas-query-point")
    where = t("coords.text", lat="\0", ns="\1", lon="\0", ew="\1")
    radius = t("query.circle", km=t("units.km_nmi", km="300", nmi="162"))
    said = like(t("query.point", where=where) + " · " + radius, r"\d[\d.,]*", r"\w")
    expect(point).to_have_attribute("aria-label", said)
    ring = tab.evaluate(
        """() => { let ring = null;
             geoAtlas.map.eachLayer(l => {
               if (l instanceof L.Polygon && l.options.pane === 'atlas-query')
                 ring = l.getLatLngs()[0].map(p => [p.lat, p.lng]);
             });
             return ring; }"""
    )
    lon, lat = centre
    geod = Geod(ellps="WGS84")
    km = [geod.inv(lon, lat, p[1], p[0])[2] / 1000 for p in ring]
    assert max(abs(k - QUERY_KM) for k in km) < 0.05
    inside = tab.evaluate("ring => geoAtlas.map.getBounds().contains(L.latLngBounds(ring))", ring)
    assert inside  # the circle is in view


@pytest.mark.parametrize("lang", LANGS)
def test_a_nearest_map_draws_a_line_to_each_answer_with_its_distance(screen, maps, lang) -> None:
    t = tr(lang)
    tab = screen("phone")
    open_map(tab, in_lang(maps, "nearest", lang))
    assert tab.locator(".leaflet-atlas-query-pane > svg path").count() == NEAREST_K
    labels = tab.locator(".atlas-query-tip")
    expect(labels).to_have_count(NEAREST_K)
    number = r"[\d,.\u202f\u00a0]+"  # digits with the language's separators
    for text in labels.all_text_contents():
        assert re.fullmatch(number + " km", text), text
    full = like(t("query.line", name="\0", km=t("units.km_nmi", km="\1", nmi="\1")), ".+", number)
    said = labels.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(full.fullmatch(text) for text in said), said


# ------------------------------------------------------------------ hostile text


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_names_stay_text_in_labels_and_the_sheet(screen, tmp_path: Path, lang) -> None:
    places, countries = hostile_frames()
    path = write_pages(tmp_path, {"h": render_map(places, countries, title="t", lang=lang)})["h"]
    tab = screen("phone")
    open_map(tab, path)
    tab.evaluate("void geoAtlas.map.setView([45, 5], 4, {animate: false})")
    labels = tab.locator(".atlas-label").all_text_contents()
    assert HOSTILE[0] in labels
    for place_id in ("h00", "h05", "__proto__"):
        tab.evaluate(f"location.hash = 'place=' + encodeURIComponent({place_id!r})")
        name = places.loc[places["id"] == place_id, "name"].item()
        expect(tab.locator("#atlas-sheet .atlas-popup-title")).to_have_text(name)
        assert tab.evaluate("geoAtlas.link()") == "#place=" + tab.evaluate(
            f"encodeURIComponent({place_id!r})"
        )
    assert (
        tab.evaluate("document.querySelectorAll('img, iframe, b, details[ontoggle]').length") == 0
    )
    tab.wait_for_timeout(300)


# ------------------------------------------------------------------ the network at a glance

#: The units the cluster view draws: {ids, main, clustered} (views.js).
UNITS = "() => geoAtlas.units()"

#: The icon in the marker pane that draws a place: its own marker, or its group's; in view?
DRAWN = """(id) => {
  const p = geoAtlas.places.find((q) => q.id === id);
  const own = p.marker && p.marker.getElement();
  let el = own && own.isConnected ? own : null;
  if (!el) {
    const name = p.marker.options.title;
    el = [...document.querySelectorAll('.leaflet-marker-pane .atlas-group')]
      .find((g) => g.getAttribute('title').split('\\n').includes(name)) || null;
  }
  if (!el) return null;
  const r = el.getBoundingClientRect(), m = geoAtlas.map.getContainer().getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  return { cls: el.className, inView: x >= m.left && x <= m.right && y >= m.top && y <= m.bottom };
}"""


def main_ids(atlas: geo.Atlas) -> list[str]:
    """The headquarters and the ROCBs of the data."""
    places = atlas.places
    return sorted(places.loc[places["kind"].isin(["hq", "rocb"]), "id"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_headquarters_and_every_rocb_are_drawn_on_their_own_at_first_view(
    screen, maps, atlas, size: str, lang: str
) -> None:
    tab = screen(size)
    open_map(tab, in_lang(maps, "world", lang))
    ids = main_ids(atlas)
    assert len(ids) == 7  # the data: one headquarters, six ROCBs
    units = tab.evaluate(UNITS)
    for place_id in ids:
        unit = next(u for u in units if place_id in u["ids"])
        assert unit["main"] and not unit["clustered"], unit
        # its own symbol (or, at a point shared with others, the first of its group's)
        assert unit["ids"][0] == place_id, unit
        drawn = tab.evaluate(DRAWN, place_id)
        assert drawn and drawn["inView"], (place_id, drawn)
        assert "atlas-cluster" not in drawn["cls"]
    assert tab.locator(".leaflet-marker-pane .atlas-cluster").count() > 0  # the others still are


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_a_query_map_draws_every_answer(screen, maps, size: str, lang: str) -> None:
    tab = screen(size)
    for kind in ("baku", "within", "nearest"):
        open_map(tab, in_lang(maps, kind, lang))
        shown = tab.evaluate("geoAtlas.shownIds()")
        units = tab.evaluate(UNITS)
        assert sorted(i for u in units for i in u["ids"]) == sorted(shown)
        assert all(not u["clustered"] for u in units), units
        assert tab.locator(".leaflet-marker-pane .atlas-cluster").count() == 0
        # every answer's symbol is drawn: its own, or one of its group's (four at most here)
        assert max(len(u["ids"]) for u in units) <= 4
        symbols = tab.locator(".leaflet-marker-pane :is(.atlas-marker, .atlas-group) svg")
        assert symbols.count() == len(shown)
    assert len(shown) >= 1


def open_title(tab: Any) -> str:
    """The title of the open popup (or the phone's sheet)."""
    phone = tab.evaluate("matchMedia('(max-width: 640px)').matches")
    title = tab.locator(("#atlas-sheet" if phone else ".leaflet-popup") + " .atlas-popup-title")
    title.wait_for(state="visible", timeout=5_000)
    return str(title.text_content())


def group_of(tab: Any, name: str) -> Any:
    """The locator of the group symbol that holds the place named ``name``."""
    quoted = json.dumps(name, ensure_ascii=False)  # a CSS string
    return tab.locator(f".leaflet-marker-pane .atlas-group[title*={quoted}]")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_offices_at_one_point_open_to_each_in_one_click(
    screen, maps, atlas, size: str, lang: str
) -> None:
    t = tr(lang)
    tab = screen(size)
    open_map(tab, in_lang(maps, "world", lang))
    places = atlas.places.set_index("id")
    rocb = name_shown({**places.loc["rocb-europe"].to_dict(), "id": "rocb-europe"}, lang)
    rtc = name_shown({**places.loc["rtc-azerbaijan"].to_dict(), "id": "rtc-azerbaijan"}, lang)
    group = group_of(tab, rocb)
    expect(group).to_have_count(1)
    assert group.get_attribute("title") == f"{rocb}\n{rtc}"
    label = group.get_attribute("aria-label")
    assert t("cluster.kind_rocb", n=1) in label and t("cluster.kind_rtc", n=1) in label
    group.click()  # one click: each office's own symbol, spread around the point
    spread = tab.locator(f'.leaflet-marker-pane .atlas-marker[title="{rtc}"]')
    expect(spread).to_have_count(1)
    expect(tab.locator(f'.leaflet-marker-pane .atlas-marker[title="{rocb}"]')).to_have_count(1)
    spread.click()
    assert open_title(tab) == rtc


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["Enter", " "])
def test_enter_or_space_opens_a_group_and_zooms_into_a_cluster(
    screen, maps, atlas, key: str, lang: str
) -> None:
    tab = screen("laptop")
    open_map(tab, in_lang(maps, "world", lang))
    places = atlas.places.set_index("id")
    rocb = name_shown({**places.loc["rocb-europe"].to_dict(), "id": "rocb-europe"}, lang)
    group = group_of(tab, rocb)
    assert group.get_attribute("tabindex") == "0" and group.get_attribute("role") == "button"
    group.focus()
    tab.keyboard.press(key)
    first = tab.locator(f'.leaflet-marker-pane .atlas-marker[title="{rocb}"]')
    expect(first).to_be_focused()  # the spread group's first place has the focus
    tab.keyboard.press(key)
    assert open_title(tab) == rocb
    tab.evaluate("void geoAtlas.map.closePopup()")
    zoom = tab.evaluate("geoAtlas.map.getZoom()")
    cluster = tab.locator(".leaflet-marker-pane .atlas-cluster").first
    assert cluster.get_attribute("tabindex") == "0"
    said = cluster.locator(".atlas-sr").text_content()
    assert said and said == cluster.get_attribute("title")  # what it holds, not a number
    cluster.focus()
    tab.keyboard.press(key)
    tab.wait_for_function(f"() => geoAtlas.map.getZoom() > {zoom}", timeout=5_000)


#: The boxes of the names written on the map and of the markers' icons.
NAME_BOXES = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  return {
    offices: [...document.querySelectorAll('.atlas-office-name')]
      .map((el) => [el.textContent, box(el)]),
    countries: [...document.querySelectorAll('.atlas-label:not(.atlas-office-name)')].map(box),
    icons: [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')].map(box)
  };
}"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_main_offices_are_named_beside_their_symbols_never_on_anything(
    screen, maps, atlas, size: str, lang: str
) -> None:
    tab = screen(size)
    open_map(tab, in_lang(maps, "world", lang))
    boxes = still(tab, NAME_BOXES)
    offices = boxes["offices"]
    # where there is room, whole in view: most of the seven on a desktop, fewer on a laptop;
    # the phone's first view (the world at zoom 0.5) may have room for none
    assert len(offices) >= {"desktop": 4, "laptop": 3, "phone": 0}[size], offices
    width, height = tab.evaluate("[innerWidth, innerHeight]")
    for i, (name, at) in enumerate(offices):
        assert name
        assert at[0] >= 0 and at[1] >= 0 and at[2] <= width and at[3] <= height, name  # whole
        others = [b for j, (_, b) in enumerate(offices) if j != i] + boxes["countries"]
        assert not any(overlap(at, b) for b in others), name
        assert not any(overlap(at, b) for b in boxes["icons"]), name
        # beside a symbol: some icon within a few pixels of the name's box
        near = [at[0] - 6, at[1] - 6, at[2] + 6, at[3] + 6]
        assert any(overlap(near, b) for b in boxes["icons"]), name


#: The pairs of icons in the marker pane (symbols, groups, clusters' tiles) drawn in the map's
#: view that lie on each other by more than a pixel each way (an open group's symbol aside).
ICONS_ON_ICONS = """() => {
  const map = geoAtlas.map.getContainer().getBoundingClientRect();
  const els = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
    .filter((el) => el.style.opacity !== '0' && !el.classList.contains('atlas-group-open'));
  const boxes = els.map((el) => [el.getAttribute('title') || el.textContent,
                                 el.getBoundingClientRect()])
    .filter(([, r]) => r.right > map.left && r.left < map.right
                       && r.bottom > map.top && r.top < map.bottom);
  const out = [];
  boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
    const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
    if (w > 1 && h > 1) out.push([a, b, Math.round(w), Math.round(h)]);
  }));
  return { n: boxes.length, out };
}"""


#: Where every icon of the marker pane is, to the pixel: the same twice means drawn.
WHERE = """() => [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
  .map((el) => { const r = el.getBoundingClientRect();
                 return [r.left, r.top, el.style.opacity].map(String).join(' '); }).join(';')"""


def still(tab: Any, script: str) -> Any:
    """What ``script`` says once the page has settled and its icons stay where they are
    for 300 ms (the clusters' last steps may run just after a zoom's end)."""
    before = None
    for _ in range(20):
        tab.wait_for_function("() => geoAtlas.settled()")
        now = tab.evaluate(WHERE)
        if now == before:
            break
        before = now
        tab.wait_for_timeout(300)
    return tab.evaluate(script)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", ["world", "region"])
def test_no_symbol_or_tile_lies_on_another_at_the_zooms_the_page_reaches(
    screen, maps, size: str, kind: str, lang: str
) -> None:
    """At the first view, then at each zoom a tap on a cluster leads to (the page's own
    zooms), no icon lies on another: a cluster's tile beside a main symbol finds room
    beside it, off every other tile and symbol."""
    tab = screen(size)
    open_map(tab, in_lang(maps, kind, lang))
    seen = []
    for _ in range(4):
        drawn = still(tab, ICONS_ON_ICONS)
        seen.append(tab.evaluate("geoAtlas.map.getZoom()"))
        assert drawn["n"] > 0 and drawn["out"] == [], (seen, drawn["out"])
        clusters = tab.locator(".leaflet-marker-pane .atlas-cluster:not(.atlas-satellite)")
        if not clusters.count():
            break
        zoom = seen[-1]
        clusters.first.dispatch_event("click")  # the page zooms into it
        tab.wait_for_function(f"() => geoAtlas.map.getZoom() > {zoom}", timeout=5_000)
    assert len(seen) >= 2, seen


#: Each office name written on the map and the icon of its own place (its marker, or the
#: group symbol that holds it): [name, shares (a side's span), gap (px, < 0: overlap)].
NAMES_BY_SYMBOLS = """() => {
  const iconOf = (p) => {
    const own = p.marker && p.marker.getElement();
    if (own && own.isConnected) return own;
    return [...document.querySelectorAll('.leaflet-marker-pane .atlas-group')]
      .find((g) => g.getAttribute('title').split('\\n').includes(p.marker.options.title)) || null;
  };
  return [...document.querySelectorAll('.atlas-office-name')].map((el) => {
    const p = geoAtlas.places.find((q) => q.id === el.atlasPlace);
    const icon = p && iconOf(p);
    if (!icon) return [el.textContent, false, null];
    const a = el.getBoundingClientRect(), b = icon.getBoundingClientRect();
    const across = Math.max(a.left - b.right, b.left - a.right);  // > 0: apart sideways
    const along = Math.max(a.top - b.bottom, b.top - a.bottom);  // > 0: apart up or down
    return [el.textContent, (across > 0) !== (along > 0), Math.max(across, along)];
  });
}"""

#: The most pixels between an office's name and its own symbol: the gap the page keeps (3,
#: or 4 more where a neighbour leaves no room), its pad (2) and a rounding.
NAME_GAP = 10


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("kind", ["world", "region"])
def test_an_office_name_is_written_beside_its_own_symbol(
    screen, maps, size: str, kind: str, lang: str
) -> None:
    """Beside one side of its own symbol (or its group's), a few pixels off, sharing that
    side's span: never across a corner nor far off, where it would name another place."""
    tab = screen(size)
    open_map(tab, in_lang(maps, kind, lang))
    views = []
    for view in ("first", "baku"):
        if view == "baku":  # deeper: the places drawn on their own are named too (zoom 6)
            tab.evaluate(
                f"void geoAtlas.map.setView([{BAKU[1]}, {BAKU[0]}], 7, {{animate: false}})"
            )
        names = still(tab, NAMES_BY_SYMBOLS)
        views.append(len(names))
        for name, shares, gap in names:
            assert shares and gap is not None and 0 <= gap <= NAME_GAP, (view, name, gap)
    assert views[1] >= 1, views


#: Each group or cluster icon in the marker pane: [class, its words, kind symbols in it].
GROUPINGS = """() => [...document.querySelectorAll(
    '.leaflet-marker-pane :is(.atlas-cluster, .atlas-group)')].map((el) => [
  el.classList.contains('atlas-group') ? 'group' : 'cluster',
  el.getAttribute('aria-label') || el.getAttribute('title') || '',
  el.querySelectorAll(el.classList.contains('atlas-group') ? 'svg' : '.atlas-holds svg').length
])"""

#: More places than geo.render.GRID_THRESHOLD: the page groups them on a screen grid.
GRID_PLACES = 2500


@pytest.fixture(scope="module")
def grid_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    places, countries = synthetic_frames(GRID_PLACES, seed=3)
    page = render_map(places, countries, title="grid")
    return write_pages(tmp_path_factory.mktemp("grid"), {"grid": page})["grid"]


@pytest.mark.parametrize("size", list(SIZES))
def test_every_grouping_says_what_it_holds_with_kind_symbols(
    screen, maps, grid_map, size: str
) -> None:
    """Clusters (the plugin's, the tiles beside a main symbol, a large map's grid cells),
    places at one point and a query map's groups: kind symbols and words, not a number."""
    tab = screen(size)
    seen: dict[str, int] = {}
    for page in (maps["world"], maps["region-fr"], maps["baku"], grid_map):
        open_map(tab, page)
        tab.wait_for_function("() => geoAtlas.settled()")
        for kind, words, symbols in tab.evaluate(GROUPINGS):
            seen[kind] = seen.get(kind, 0) + 1
            assert symbols >= (2 if kind == "group" else 1), (page.name, words)
            assert re.search(r"[^\W\d_]{3}", words), (page.name, words)  # words, not a count
    assert tab.evaluate("geoAtlas.large")  # the last page was drawn by the grid
    assert seen.get("cluster", 0) > 0 and seen.get("group", 0) > 0, seen
