"""The detail windows in headless Chromium: at zoom 11 on Samur, the land under its marker.

The world map of the project's data is opened from disk at ``#map=11/<Samur>``: the
polygon drawn under Samur's marker must be Azerbaijan's fine polygon (the coarse
basemap, 0.1 degree, has the border and the coast kilometres off), and the window
must be drawn from zoom 8 only, over the offline basemap only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from hostile import open_map

import geo
from geo.render import render_map, write_map
from geo.render.detail import DETAIL_MIN_ZOOM

pytestmark = pytest.mark.browser

SAMUR_LAT, SAMUR_LON = 41.6367, 48.4303

#: What the detail windows drew at a point of the map: the countries whose fine polygon
#: holds it (topmost last), whether a window's sea does, and the pane's path vertices.
UNDER = """([lat, lon]) => {
  const map = geoAtlas.map;
  const pane = map.getPane('atlas-detail');
  const p = map.latLngToLayerPoint([lat, lon]);  // the SVG's own coordinates
  const at = (el) => el.isPointInFill(new DOMPoint(p.x, p.y));
  const paths = pane ? Array.from(pane.querySelectorAll('path')) : [];
  const countries = new Map();
  map.eachLayer((l) => { if (l._path && l.atlasCountry) countries.set(l._path, l.atlasCountry); });
  return {
    land: paths.filter((el) => countries.has(el) && at(el)).map((el) => countries.get(el).iso3),
    sea: paths.some((el) => el.classList.contains('atlas-detail-sea') && at(el)),
    vertices: paths.reduce((n, el) => n + (el.getAttribute('d').match(/[ML]/g) || []).length, 0)
  };
}"""


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]
) -> dict[str, Path]:
    places, countries = frames
    fine = geo.load().detail_source
    out = tmp_path_factory.mktemp("detail")
    paths = {}
    for lang in ("en", "fr"):
        paths[lang] = out / f"world-{lang}.html"
        write_map(render_map(places, countries, title="t", lang=lang, detail=fine), paths[lang])
    return paths


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_at_zoom_11_samur_stands_on_azerbaijan_fine_polygon(
    page: Any, world: dict[str, Path], lang: str
) -> None:
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(world[lang].as_uri() + f"#map=11/{SAMUR_LAT}/{SAMUR_LON}")
    page.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=15_000)
    assert page.evaluate("geoAtlas.map.getZoom()") == 11
    under = page.evaluate(UNDER, [SAMUR_LAT, SAMUR_LON])
    assert under["land"] == ["AZE"] and under["sea"], under
    assert under["vertices"] > 50  # the window's sea, land and lines are drawn
    # 10 km out at sea: the coarse basemap has land there, the window's sea covers it
    sea = page.evaluate(UNDER, [41.7, 48.9])
    assert sea["land"] == [] and sea["sea"], sea
    # the shapes of the windows are no Tab stops and take no pointer
    assert page.evaluate(
        "Array.from(geoAtlas.map.getPane('atlas-detail').querySelectorAll('path'))"
        ".every((el) => el.tabIndex < 0 && getComputedStyle(el).pointerEvents === 'none')"
    )


def test_the_windows_show_from_their_zoom_and_only_offline(
    page: Any, world: dict[str, Path]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, world["en"])
    move = "([lat, lon, z]) => { geoAtlas.map.setView([lat, lon], z, {animate: false}); }"
    page.evaluate(move, [SAMUR_LAT, SAMUR_LON, DETAIL_MIN_ZOOM - 1])
    assert page.evaluate(UNDER, [SAMUR_LAT, SAMUR_LON])["vertices"] == 0
    assert page.evaluate("geoAtlas.map.getZoom()") == DETAIL_MIN_ZOOM - 1
    page.evaluate(move, [SAMUR_LAT, SAMUR_LON, DETAIL_MIN_ZOOM])
    assert page.evaluate(UNDER, [SAMUR_LAT, SAMUR_LON])["vertices"] > 50
    # over online tiles the windows go (the tiles have the detail): the event the layer
    # control fires, without its tiles (the test has no network)
    page.evaluate("() => { geoAtlas.map.fire('baselayerchange', {layer: {}}); }")
    assert page.evaluate(UNDER, [SAMUR_LAT, SAMUR_LON])["vertices"] == 0
