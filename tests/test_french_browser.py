"""French all the way, in headless Chromium with no network (see ``conftest.py``).

On the French map a reader finds places by their French names, the French
names of their cities (CLDR's: Bakou, Bruxelles) and the French acronyms of
their kinds (BRRC); the language link takes the open place, the year and the
view to the other language.  The maps are those ``geo build --lang en,fr``
writes from the project's data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile import open_map
from playwright.sync_api import expect
from words import name_shown, tr

import geo
from geo.build import build

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1600, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, project_data: Path) -> Path:
    """The project's maps in English (at the root) and French (``fr/``)."""
    out = tmp_path_factory.mktemp("site")
    build(project_data, out, lang=("en", "fr"))
    return out


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, Any]]:
    frame = geo.load().places
    return {str(r["id"]): r for r in frame.drop(columns="geometry").to_dict("records")}


def options(page: Any, query: str) -> list[str]:
    """The names the search box lists for ``query``."""
    box = page.get_by_role("combobox", name=tr("fr")("search.label"))
    box.fill(query)
    found = page.locator("#atlas-search-results [role=option] .atlas-search-name")
    found.first.wait_for(timeout=5_000)
    return found.all_text_contents()


def listed(name: str, names: list[str]) -> bool:
    """Whether ``name`` is among the listed names, whole or cut with an ellipsis."""
    return any(n == name or (n.endswith("\u2026") and name.startswith(n[:-1])) for n in names)


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("Bakou", {"rocb-europe", "rtc-azerbaijan"}),  # CLDR's French name of Baku
        ("Bruxelles", {"wco-hq"}),
        ("Moscou", {"rtc-russia", "rilo-cis"}),
        ("BRRC", {"rocb-ap", "rocb-esa", "rocb-americas", "rocb-mena", "rocb-wca", "rocb-europe"}),
        ("CRF bakou", {"rtc-azerbaijan"}),
        ("Baku", {"rocb-europe", "rtc-azerbaijan"}),  # the English name still finds it
    ],
)
def test_the_french_map_finds_places_by_their_french_words(
    page, site: Path, places, query: str, wanted: set[str]
) -> None:
    open_map(page, site / "fr" / "index.html")
    assert set(page.evaluate("(q) => geoAtlas.search(q)", query)) == wanted
    names = options(page, query)
    assert len(names) == len(wanted)
    for place_id in wanted:
        assert listed(name_shown(places[place_id], "fr"), names), (place_id, names)


def test_choosing_bakou_opens_rocb_europe_in_french(page, site: Path, places) -> None:
    open_map(page, site / "fr" / "index.html")
    names = options(page, "Bakou brrc")
    assert len(names) == 1
    page.get_by_role("combobox", name=tr("fr")("search.label")).press("Enter")
    title = page.locator(".atlas-popup-title").first
    title.wait_for(state="visible", timeout=5_000)
    assert title.text_content() == name_shown(places["rocb-europe"], "fr")


def test_the_english_map_does_not_need_french_words(page, site: Path) -> None:
    open_map(page, site / "index.html")
    assert set(page.evaluate("geoAtlas.search('Baku')")) == {"rocb-europe", "rtc-azerbaijan"}
    assert page.evaluate("geoAtlas.search('Bakou')") == []


STATE = """() => {
  const m = geoAtlas.map, c = m.getCenter(), p = m.project(c, m.getZoom());
  const title = document.querySelector(
    '.leaflet-popup-content .atlas-popup-title, #atlas-sheet:not([hidden]) .atlas-popup-title');
  return { zoom: m.getZoom(), x: p.x, y: p.y, lat: c.lat, lon: c.lng, link: geoAtlas.link(),
    year: geoAtlas.timeline ? geoAtlas.timeline.year() : null,
    title: title ? title.textContent : null };
}"""


def settled(page: Any, want: dict[str, Any] | None = None, tries: int = 50) -> dict[str, Any]:
    """The page's state once it stops changing (and, with ``want``, once at that view)."""
    last = None
    for _ in range(tries):
        page.wait_for_timeout(100)
        state = page.evaluate(STATE)
        same_view = want is None or (
            state["zoom"] == want["zoom"]
            and abs(state["x"] - want["x"]) <= 1.01
            and abs(state["y"] - want["y"]) <= 1.01
        )
        if state == last and state["title"] and same_view:
            return state
        last = state
    return last or {}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("start", "other", "lang"), [("", "fr/", "fr"), ("fr/", "", "en")])
def test_the_language_link_keeps_the_place_the_year_and_the_view(
    page, site: Path, places, size: str, start: str, other: str, lang: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_map(page, site / start / "index.html")
    page.evaluate("geoAtlas.setYear(2010)")  # ROCB Americas was in Buenos Aires then
    page.evaluate("geoAtlas.select('rocb-americas')")
    settled(page)
    # the reader moves the map
    page.evaluate("void geoAtlas.map.panBy([40, -30], { animate: false })")
    before = settled(page)
    assert before["year"] == 2010 and "place=rocb-americas" in before["link"]
    link = page.locator(f".atlas-langs a[hreflang={lang}]")
    href = str(link.get_attribute("href"))
    assert href.startswith(f"{'../' if start else 'fr/'}index.html#map=")
    assert "place=rocb-americas" in href and "year=2010" in href
    with page.expect_navigation():
        link.click()
    page.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=15_000)
    assert page.url.split("#")[0] == (site / other / "index.html").as_uri()
    after = settled(page, before)
    assert page.evaluate("document.documentElement.lang") == lang
    assert after["title"] == name_shown(places["rocb-americas"], lang)
    assert after["year"] == 2010
    assert after["zoom"] == before["zoom"]
    assert abs(after["x"] - before["x"]) <= 1.01 and abs(after["y"] - before["y"]) <= 1.01, (
        before,
        after,
    )  # a pixel: maps round half pixels
    # and the way back lands where it started
    back = page.locator(f".atlas-langs a[hreflang={'en' if lang == 'fr' else 'fr'}]")
    assert "place=rocb-americas" in str(back.get_attribute("href"))


def test_the_language_link_of_a_moved_map_keeps_its_view(page, site: Path) -> None:
    open_map(page, site / "regions" / "eur.html")
    page.evaluate("void geoAtlas.map.setView([41.6, 48.6], 9, { animate: false })")  # Samur
    page.wait_for_timeout(300)
    before = page.evaluate(STATE)
    link = page.locator(".atlas-langs a[hreflang=fr]")
    assert "#map=9/41.6/48.6" in str(link.get_attribute("href"))
    with page.expect_navigation():
        link.click()
    page.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=15_000)
    page.wait_for_timeout(300)
    after = page.evaluate(STATE)
    assert page.url.split("#")[0] == (site / "fr" / "regions" / "eur.html").as_uri()
    assert after["zoom"] == 9 and abs(after["x"] - before["x"]) < 1
    assert abs(after["y"] - before["y"]) < 1


#: What a popup's city row reads: (place, its English text, its French text's start).
CITY_ROWS = [
    ("rocb-europe", "Baku", "Bakou"),
    ("wco-hq", "Brussels (Saint-Josse-ten-Noode)", "Bruxelles (Saint-Josse-ten-Noode)"),
    ("rilo-cis", "Moscow", "Moscou"),
    ("rtc-russia", "Moscow (Russian Customs Academy", "Moscou (Russian Customs Academy"),
]

#: The text of the open popup's row whose label is given, or null.
ROW = """(label) => { const dt = [...document.querySelectorAll('.leaflet-popup-content dt')]
  .find((d) => d.textContent === label);
  return dt ? dt.nextElementSibling.textContent : null; }"""


def row_of(
    page: Any, places: dict[str, dict[str, Any]], place_id: str, label: str, lang: str
) -> str:
    """The text of row ``label`` in the popup of ``place_id``, opened."""
    title = page.locator(".leaflet-popup-content .atlas-popup-title")
    page.evaluate("void geoAtlas.map.closePopup()")
    expect(title).to_have_count(0)
    assert page.evaluate("(id) => geoAtlas.select(id)", place_id)
    expect(title).to_have_count(1)
    assert name_shown(places[place_id], lang).startswith(title.text_content().rstrip("\u2026"))
    return str(page.evaluate(ROW, label))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_popup_writes_its_city_in_the_map_language(page, site: Path, places, lang) -> None:
    t = tr(lang)
    open_map(page, site / ("fr/index.html" if lang == "fr" else "index.html"))
    for place_id, english, french in CITY_ROWS:
        city = row_of(page, places, place_id, t("row.city"), lang)
        assert city.startswith(french if lang == "fr" else english), (place_id, city)
    # a city CLDR does not name keeps the data's name
    kashiwa = next(i for i, p in places.items() if str(p.get("city") or "").startswith("Kashiwa"))
    assert row_of(page, places, kashiwa, t("row.city"), lang) == places[kashiwa]["city"]
    # and so does a seat of an office that moved: Seoul is Séoul in French
    seats = row_of(page, places, "rilo-ap", t("row.seats"), lang)
    assert ("Séoul (KOR)" if lang == "fr" else "Seoul (KOR)") in seats, seats
