"""The offline basemap in headless Chromium: towns and country names around a border post,
and fills that tell neighbouring countries apart, at three screen sizes, in English and
French, with no network at all (see ``conftest.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Guard, check_guard, guarded_tab
from hostile import open_map, write_pages
from words import LANGS

from geo.i18n import translator
from geo.render import render_map
from geo.render.text import _country

pytestmark = pytest.mark.browser

#: The Samur crossing, Azerbaijan-Russia (Leaflet's [lat, lon]).
SAMUR = (41.6367, 48.4303)
SIZES = {"laptop": (1600, 900), "small laptop": (1280, 800), "phone": (390, 844)}

#: Names written on the map, and whether each is a town, inside the viewport.
IN_VIEW = """() => Array.from(document.querySelectorAll('.atlas-label')).filter((n) => {
  const r = n.getBoundingClientRect();
  return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight;
}).map((n) => [n.textContent, n.classList.contains('atlas-town')])"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, frames) -> dict[str, Path]:
    places, countries = frames
    out = tmp_path_factory.mktemp("basemap")
    maps = {lang: render_map(places, countries, title="Basemap", lang=lang) for lang in LANGS}
    return write_pages(out, maps)


def _country_name(frames, iso3: str, lang: str) -> str:
    countries = frames[1]
    data_name = countries.loc[countries["iso3"] == iso3, "name"].iloc[0]
    return _country(translator(lang), iso3, data_name) or data_name


def _open(browser: Any, guard: Guard, path: Path, size: tuple[int, int], zoom: int) -> Any:
    phone = size[0] < 500
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=phone, has_touch=phone
    )
    tab = guarded_tab(context, guard)
    open_map(tab, path)
    tab.evaluate(
        f"geoAtlas.map.setView([{SAMUR[0]}, {SAMUR[1]}], {zoom}, {{animate: false}}) && null"
    )
    tab.evaluate("geoAtlas.labels.draw() || null")
    return context, tab


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_towns_on_both_sides_of_samur_at_zoom_11(browser, guard, pages, lang, size) -> None:
    context, tab = _open(browser, guard, pages[lang], SIZES[size], 11)
    shown = tab.evaluate(IN_VIEW)
    towns = {name for name, town in shown if town}
    assert towns & {"Magaramkent", "Xaçmaz", "Khachmaz"}, shown
    assert len(towns) >= 2, shown
    check_guard(tab, context, guard)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_both_countries_named_around_samur_at_zoom_8(
    browser, guard, pages, frames, lang, size
) -> None:
    context, tab = _open(browser, guard, pages[lang], SIZES[size], 8)
    names = {name for name, town in tab.evaluate(IN_VIEW) if not town}
    assert _country_name(frames, "AZE", lang) in names, names
    assert _country_name(frames, "RUS", lang) in names, names
    check_guard(tab, context, guard)


def test_french_names_of_both_countries(frames) -> None:
    assert _country_name(frames, "AZE", "fr") == "Azerbaïdjan"
    assert _country_name(frames, "RUS", "fr") == "Russie"


def test_neighbours_fills_differ_and_the_credits_name_every_source(browser, guard, pages) -> None:
    context, tab = _open(browser, guard, pages["en"], SIZES["laptop"], 6)
    fills = tab.evaluate("""() => {
      const out = {};
      geoAtlas.map.eachLayer((l) => {
        const c = l.atlasCountry;
        if (c && l._path && ['AZE', 'RUS', 'GEO', 'ARM'].includes(c.iso3)) {
          out[c.iso3] = getComputedStyle(l._path).fill;
        }
      });
      return out;
    }""")
    assert set(fills) == {"AZE", "RUS", "GEO", "ARM"}, fills
    assert len(set(fills.values())) == 4, fills
    credits = tab.locator(".leaflet-control-attribution").inner_text()
    for source in ("Natural Earth", "GeoNames", "CC BY 4.0", "CLDR"):
        assert source in credits, credits
    check_guard(tab, context, guard)
