"""Popups for people, in headless Chromium with no network (issue 20, point 5).

Every place of the live data, on a laptop (1280x800) in English and French: its
popup's summary (name, kind, status, where, the two sides of a crossing, when it
opened) fits in 400 px, with "Details and sources" closed; the disclosure opens on
a click and on Enter; sources are links named by their host, with safe addresses
(a ``javascript:`` source stays text); a French page writes a property a user adds
with its French label and a French day.  As in ``conftest.py``, any console error,
page error, request or dialog fails a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from hostile import open_map, write_pages
from playwright.sync_api import expect
from shapely.geometry import Point, box
from words import LANGS, tr

import geo
from geo.render import render_map

pytestmark = pytest.mark.browser

#: The most a popup's summary may take on a laptop, in CSS px (issue 20).
SUMMARY_PX = 400
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The world map of the live data in each language, and a small map of hostile sources."""
    atlas = geo.load()
    odd = gpd.GeoDataFrame(
        {
            "id": ["web", "script", "data", "user"],
            "kind": ["rtc", "rtc", "rtc", "rtc"],
            "name": ["Web source", "Script source", "Data source", "User fields"],
            "status": ["operational"] * 4,
            "source": [
                "https://www.wcoomd.org/en/about-us.aspx",
                "javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "Annual report 2020, see http://example.org/r?a=1&b=<x> and javascript:alert(2).",
            ],
            "checked_on": ["2026-12-07"] * 4,
            "capacity": [1234.5] * 4,
            "<img src=x onerror=alert(1)>": ["<b>bold</b>"] * 4,
        },
        geometry=[Point(4, 50), Point(5, 51), Point(6, 50), Point(7, 51)],
        crs="EPSG:4326",
    )
    countries = gpd.GeoDataFrame(
        {"iso3": ["AAA"], "name": ["A"], "region": ["EUR"], "member": [True]},
        geometry=[box(0, 40, 20, 60)],
        crs="EPSG:4326",
    )
    maps = {}
    for lang in LANGS:
        maps[f"world-{lang}"] = render_map(
            atlas.places,
            atlas.countries_display,
            title="World",
            since=atlas.network_start,
            lang=lang,
        )
        maps[f"odd-{lang}"] = render_map(odd, countries, title="Odd", lang=lang)
    return write_pages(tmp_path_factory.mktemp("popups"), maps)


#: Open a place's popup (or sheet) and measure it with "Details and sources" as it opens.
MEASURE = """async (id) => {
  const find = () => document.querySelector('#atlas-sheet:not([hidden]) .atlas-popup')
    || document.querySelector('.leaflet-popup-content .atlas-popup');
  const wait = () => new Promise((r) => setTimeout(r, 40));
  geoAtlas.map.closePopup();
  for (let k = 0; k < 30 && find(); k++) await wait();  // the last popup fades out
  if (!geoAtlas.select(id)) return { id, missing: true };
  let box = null;
  for (let k = 0; k < 100 && !box; k++) { await wait(); box = find(); }
  if (!box) return { id, missing: true };
  const more = box.querySelector('details.atlas-more');
  return { id, title: box.querySelector('.atlas-popup-title').textContent,
    height: box.scrollHeight, hasMore: !!more, open: more ? more.open : null,
    moreRows: more ? more.querySelectorAll('dt').length : 0 };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_every_popup_summary_fits_in_400_px_with_its_details_closed(
    screen, pages, lang: str
) -> None:
    tab = screen(LAPTOP)
    open_map(tab, pages[f"world-{lang}"])
    places = tab.evaluate("geoAtlas.places.map(p => [p.id, p.name])")
    assert len(places) == len(geo.load().places)
    seen = [tab.evaluate(MEASURE, place_id) for place_id, _ in places]
    assert [s["id"] for s in seen if s.get("missing")] == []
    for (place_id, name), s in zip(places, seen, strict=True):
        assert name.startswith(s["title"].rstrip("…")[:20]), (place_id, s["title"])
        assert s["height"] <= SUMMARY_PX, s
        assert s["hasMore"] and s["open"] is False and s["moreRows"] >= 2, s
    tallest = max(seen, key=lambda s: s["height"])
    print(f"{lang}: tallest summary {tallest['height']} px ({tallest['id']})")


def visible_popup(tab: Any) -> Any:
    phone = tab.evaluate("matchMedia('(max-width: 640px)').matches")
    return tab.locator("#atlas-sheet" if phone else ".leaflet-popup")


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("lang", LANGS)
def test_details_and_sources_open_on_click_and_on_enter(screen, pages, lang, size) -> None:
    t = tr(lang)
    tab = screen(LAPTOP if size == "laptop" else PHONE)
    open_map(tab, pages[f"world-{lang}"])
    assert tab.evaluate("geoAtlas.select('samur')")
    popup = visible_popup(tab)
    summary = popup.locator("details.atlas-more > summary")
    expect(summary).to_have_text(t("popup.details"))
    details = popup.locator("details.atlas-more")
    notes = details.locator("dt", has_text=t("row.side_b_precision_note"))
    expect(notes).to_be_hidden()  # closed at first
    summary.click()
    expect(notes).to_be_visible()
    summary.click()
    expect(notes).to_be_hidden()
    summary.focus()
    tab.keyboard.press("Enter")
    expect(notes).to_be_visible()
    assert details.evaluate("d => d.open") is True
    tab.keyboard.press("Enter")
    assert details.evaluate("d => d.open") is False
    assert t("row.country_distance_km") not in popup.inner_text()  # 0 km: it lies inside


def test_sources_are_links_named_by_their_host_with_safe_addresses(screen, pages) -> None:
    tab = screen(LAPTOP)
    open_map(tab, pages["world-en"])
    assert tab.evaluate("geoAtlas.select('samur')")
    popup = visible_popup(tab)
    popup.locator("details.atlas-more > summary").click()
    source = popup.locator(".atlas-source a")
    expect(source).to_have_text("wcoomd.org")
    assert source.get_attribute("href").startswith("https://www.wcoomd.org/")
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert source.get_attribute("target") == "_blank"
    side = popup.locator("dd a", has_text="rosgranstroy.ru")
    assert side.get_attribute("href").startswith("https://rosgranstroy.ru/")

    tab = screen(LAPTOP)
    open_map(tab, pages["odd-en"])
    for place_id, link in [("web", "wcoomd.org"), ("script", None), ("data", None)]:
        assert tab.evaluate(f"geoAtlas.select({place_id!r})")
        popup = visible_popup(tab)
        expect(popup.locator(".atlas-popup-title")).to_have_count(1)
        popup.locator("details.atlas-more > summary").click()
        cell = popup.locator(".atlas-source")
        if link:
            expect(cell.locator("a")).to_have_text(link)
        else:
            expect(cell.locator("a")).to_have_count(0)
            assert cell.inner_text().startswith(("javascript:", "data:"))
        tab.evaluate("geoAtlas.map.closePopup()")
    # a source in words with an address in it: the address a link, the rest text
    assert tab.evaluate("geoAtlas.select('user')")
    popup = visible_popup(tab)
    popup.locator("details.atlas-more > summary").click()
    cell = popup.locator(".atlas-source")
    expect(cell.locator("a")).to_have_count(1)
    expect(cell.locator("a")).to_have_text("example.org")
    assert cell.locator("a").get_attribute("href") == "http://example.org/r?a=1&b="
    assert cell.inner_text().startswith("Annual report 2020, see example.org<x> and javascript:")
    injected = "document.querySelectorAll('.atlas-popup :is(img, b, script, a[href^=javascript])')"
    assert tab.evaluate(injected + ".length") == 0


@pytest.mark.parametrize("lang", LANGS)
def test_a_property_a_user_adds_reads_in_the_page_language(screen, pages, lang) -> None:
    t = tr(lang)
    tab = screen(LAPTOP)
    open_map(tab, pages[f"odd-{lang}"])
    assert tab.evaluate("geoAtlas.select('user')")
    popup = visible_popup(tab)
    popup.locator("details.atlas-more > summary").click()
    rows = popup.locator("details.atlas-more dl")
    checked = {"en": "7 December 2026", "fr": "7 décembre 2026"}[lang]
    capacity = {"en": "1,234.5", "fr": "1\u202f234,5"}[lang]
    expect(rows.locator("dt", has_text=t("row.checked_on"))).to_have_count(1)
    expect(rows).to_contain_text(checked)
    expect(rows.locator("dt", has_text=t("row.capacity"))).to_have_count(1)
    expect(rows).to_contain_text(capacity)
    expect(rows.locator("dt", has_text="<img src=x onerror=alert(1)>")).to_have_count(1)
    expect(rows.locator("dd", has_text="<b>bold</b>")).to_have_count(1)
    if lang == "fr":
        expect(rows.locator("dt", has_text="Vérifié le")).to_have_count(1)
