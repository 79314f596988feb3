"""Checks of the shipped data against the project's own geography and its sources' figures.

- Every border post lies within :data:`BORDER_TOLERANCE_KM` (geodesic) of the
  boundary its two countries share in ``data/countries.fgb.xz``, unless its
  ``precision`` says the point is not the crossing (``proxy``, ``town``,
  ``approximate``) and its ``precision_note`` says why.  2.5 km, because the
  polygons are Natural Earth 1:10m: their boundary lines are generalised (the
  surveyed Red Bridge, Rusumo and Torkham crossings sit 0.5-1.4 km from them),
  and a border village's point is the village's, not its gate's.  No post, of any
  precision, may lie more than :data:`ANY_POST_MAX_KM` from that boundary.
- Every office lies within :data:`OFFICE_CITY_KM` of its named city, whose own
  coordinates are recorded apart from the point in ``data/office_cities.csv``.
- No place lies at sea: a country polygon of ``data/countries.fgb.xz`` covers
  every point (a coastal city's point is moved onto the generalised land).
- Every border post lies within the distance its ``precision`` states
  (:data:`PRECISION_KM`: 2.5 km for a crossing) of its countries' boundary, and
  says how it was placed (``placed_by``, one of :data:`PLACED_BY`).
- No ``source`` (of a place, a seat or an event) is on a known mirror or proxy
  domain (:data:`MIRROR_DOMAINS`): a customs officer cannot cite those.
- The counts by kind and region that ``scripts/coverage.py`` reports are
  pinned, and so are the as-of figures that the WCO's own counts check.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

import geo
from geo import schema
from geo.countries import load_country_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")

#: Geodesic distance from a border post at a crossing or border village to the shared boundary.
BORDER_TOLERANCE_KM = 2.5
#: No border post, whatever its precision, lies farther than this from its countries' boundary.
ANY_POST_MAX_KM = 15.0
#: Geodesic distance from an office to its named city.
OFFICE_CITY_KM = 15.0
#: Precisions that say the point is not the crossing itself (the note must say why).
NOT_THE_CROSSING = frozenset({"proxy", "town", "approximate"})
#: The farthest a border post of each precision may lie from its countries' boundary (km).
PRECISION_KM = {"crossing": 2.5, "village": 2.5, "town": 5.0, "approximate": 5.0, "proxy": 15.0}
#: How a border post's point was placed: coordinates a source gives for the crossing, a town
#: or village point (GeoNames, an infobox), a point of the shipped border line chosen between
#: the two towns, a survey, or a description of imagery.
PLACED_BY = frozenset(schema.PLACED_BY)
#: Domains that copy or proxy other pages (wiki mirrors, proxies, a look-alike of ROCB
#: Americas' wcoamericaribe.org): never a ``source``.
MIRROR_DOMAINS = frozenset(
    {
        "wikimili.com",
        "kiddle.co",
        "liquisearch.com",
        "hitchwiki.org",
        "deno.dev",
        "wco-americaribe.org",
        "wikibrief.org",
        "pinocchiopedia.com",
        "clateway.com",
        "wikirussya.com",
        "xn--h1ajim.xn--p1ai",
        "wiki34.com",
        "wikiwand.com",
        "wikiless.lunar.icu",
        "wikipedia-on-ipfs.org",
        "knowledgr.com",
        "frwiki.wiki",
        "everything.explained.today",
        "askwikinow.com",
        "perceptionl.com",
        "marefa.org",
    }
)


@pytest.fixture(scope="module")
def atlas() -> geo.Atlas:
    return geo.load(DATA)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load_country_index(DATA / "countries.fgb.xz").frame.set_index("iso3")


def shared_boundary(countries: gpd.GeoDataFrame, a: str, b: str) -> shapely.Geometry:
    """The boundary two countries share (a sliver of a few hundred metres where they touch)."""
    first = countries.loc[[a]].geometry.union_all()
    second = countries.loc[[b]].geometry.union_all()
    common = shapely.intersection(first.boundary, second.boundary)
    if common.is_empty or common.length == 0:
        common = shapely.intersection(first.boundary, shapely.buffer(second, 0.005))
    return common


def geodesic_km_to(lon: float, lat: float, geometry: shapely.Geometry) -> float:
    """Km from (lon, lat) to the nearest point of ``geometry`` (EPSG:4326), measured geodesically.

    The geometry is projected to an azimuthal equidistant projection centred on the
    point, where the distance from the centre is the geodesic distance on WGS84.
    """
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_aeqd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    projected = shapely.transform(geometry, lambda xy: np.column_stack(to_aeqd.transform(*xy.T)))
    return float(shapely.distance(projected, shapely.Point(0, 0))) / 1000


def post_distances(atlas: geo.Atlas, countries: gpd.GeoDataFrame) -> dict[str, float]:
    distances = {}
    for post in atlas.border_posts.itertuples():
        line = shared_boundary(countries, post.side_a_iso3, post.side_b_iso3)
        assert not line.is_empty, (
            f"{post.id}: {post.side_a_iso3} and {post.side_b_iso3} share no boundary"
        )
        distances[post.id] = geodesic_km_to(post.geometry.x, post.geometry.y, line)
    return distances


def test_border_posts_sit_on_their_countries_shared_boundary(
    atlas: geo.Atlas, countries: gpd.GeoDataFrame
) -> None:
    distances = post_distances(atlas, countries)
    posts = atlas.border_posts.set_index("id")
    off = {
        pid: round(km, 2)
        for pid, km in distances.items()
        if km > BORDER_TOLERANCE_KM and posts.loc[pid, "precision"] not in NOT_THE_CROSSING
    }
    assert off == {}, f"border posts farther than {BORDER_TOLERANCE_KM} km from their border"
    far = {pid: round(km, 2) for pid, km in distances.items() if km > ANY_POST_MAX_KM}
    assert far == {}


def test_a_point_that_is_not_the_crossing_says_why(atlas: geo.Atlas) -> None:
    posts = atlas.border_posts
    unexplained = [
        pid
        for pid, precision, note in zip(
            posts["id"], posts["precision"], posts["precision_note"], strict=True
        )
        if precision in NOT_THE_CROSSING and not (isinstance(note, str) and note.strip())
    ]
    assert unexplained == []


def test_the_check_catches_a_post_moved_off_its_border(
    atlas: geo.Atlas, countries: gpd.GeoDataFrame
) -> None:
    red_bridge = atlas.border_posts.set_index("id").loc["red-bridge"]
    line = shared_boundary(countries, "AZE", "GEO")
    assert geodesic_km_to(red_bridge.geometry.x, red_bridge.geometry.y, line) < 0.5
    assert geodesic_km_to(red_bridge.geometry.x + 0.05, red_bridge.geometry.y, line) > 3


def test_every_border_post_is_within_its_precision_of_its_border(
    atlas: geo.Atlas, countries: gpd.GeoDataFrame
) -> None:
    distances = post_distances(atlas, countries)
    precision = atlas.border_posts.set_index("id")["precision"]
    off = {
        pid: (precision[pid], round(km, 2))
        for pid, km in distances.items()
        if km > PRECISION_KM.get(precision[pid], 0.0)
    }
    assert off == {}, f"posts farther from their border than their precision: {PRECISION_KM}"


def test_every_border_post_says_how_it_was_placed(atlas: geo.Atlas) -> None:
    posts = atlas.border_posts
    bad = {
        pid: (how, source)
        for pid, how, source in zip(
            posts["id"], posts["placed_by"], posts["placed_by_source"], strict=True
        )
        if how not in PLACED_BY or not (isinstance(source, str) and source.strip())
    }
    assert bad == {}


def at_sea(countries: gpd.GeoDataFrame, lon: float, lat: float) -> bool:
    """Whether no country polygon covers the point (a boundary point is covered)."""
    return not bool(countries.geometry.covers(shapely.Point(lon, lat)).any())


def test_no_place_lies_at_sea(atlas: geo.Atlas, countries: gpd.GeoDataFrame) -> None:
    wet = [p.id for p in atlas.places.itertuples() if at_sea(countries, p.geometry.x, p.geometry.y)]
    assert wet == [], "points at sea: move them onto their country's land"


def test_the_sea_check_finds_a_point_offshore(countries: gpd.GeoDataFrame) -> None:
    assert at_sea(countries, 39.6636, -4.0547)  # Mombasa's city point, in the generalised sea
    assert not at_sea(countries, 39.6837, -4.0459)  # where RTC Kenya now is


def sources(feature: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(where, url)`` of every source of a feature: its own, its seats' and its events'."""
    props = feature["properties"]
    yield props["id"], str(props.get("source", ""))
    for key in ("seats", "history"):
        for i, item in enumerate(props.get(key) or []):
            if item.get("source"):
                yield f"{props['id']} {key}[{i}]", str(item["source"])


def mirror(url: str) -> str | None:
    """The known mirror domain ``url`` is on, else None (subdomains count: facts.kiddle.co)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return next((d for d in MIRROR_DOMAINS if host == d or host.endswith("." + d)), None)


def test_no_source_is_a_known_mirror() -> None:
    found = {
        where: url
        for name in ("offices.geojson", "border_posts.geojson")
        for feature in json.loads((DATA / name).read_text(encoding="utf-8"))["features"]
        for where, url in sources(feature)
        if mirror(url)
    }
    assert found == {}


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://facts.kiddle.co/San_Ysidro_Port_of_Entry", "kiddle.co"),
        ("https://mdsite.deno.dev/https:/dic.academic.ru/dic.nsf/ruwiki/8869", "deno.dev"),
        ("http://wco-americaribe.org/developing-a-pool-of-experts.html", "wco-americaribe.org"),
        ("http://www.wcoamericaribe.org/en/regional-office", None),
        ("https://en.wikipedia.org/wiki/Allenby_Bridge", None),
        ("not a url", None),
    ],
)
def test_the_mirror_check(url: str, domain: str | None) -> None:
    assert mirror(url) == domain


def office_cities() -> dict[str, tuple[float, float]]:
    with (DATA / "office_cities.csv").open(encoding="utf-8", newline="") as fh:
        return {
            row["id"]: (float(row["city_lon"]), float(row["city_lat"]))
            for row in csv.DictReader(fh)
        }


def test_every_office_is_within_15_km_of_its_named_city(atlas: geo.Atlas) -> None:
    cities = office_cities()
    offices = atlas.offices.set_index("id")
    assert sorted(cities) == sorted(offices.index)
    far = {}
    for pid, (lon, lat) in cities.items():
        point = offices.loc[pid].geometry
        _, _, metres = GEOD.inv(point.x, point.y, lon, lat)
        if metres / 1000 > OFFICE_CITY_KM:
            far[pid] = round(metres / 1000, 1)
    assert far == {}


def missing_french_notes(props: Mapping[str, Any]) -> list[str]:
    """The notes a French reader needs and the place lacks in French (``<note>_fr``).

    A closed place's ``closed_note`` (or its ``notes`` when it has no closed
    note), a planned or unbuilt place's ``notes``, a stand-in point's
    ``precision_note``, and a note that starts by doubting itself (``LOW
    CONFIDENCE``, ``UNVERIFIED``).
    """
    needed = []
    status, notes = props.get("status"), str(props.get("notes") or "")
    if status == "closed":
        needed.append("closed_note" if props.get("closed_note") else "notes")
    if status in ("planned", "under_construction"):
        needed.append("notes")
    if props.get("precision") == "proxy":
        needed.append("precision_note")
    if notes.startswith(("LOW CONFIDENCE", "UNVERIFIED")):
        needed.append("notes")
    return sorted({note for note in needed if not str(props.get(f"{note}_fr") or "").strip()})


def test_the_notes_that_matter_are_in_french_too() -> None:
    missing = {
        feature["properties"]["id"]: gaps
        for name in ("offices.geojson", "border_posts.geojson")
        for feature in json.loads((DATA / name).read_text(encoding="utf-8"))["features"]
        if (gaps := missing_french_notes(feature["properties"]))
    }
    assert missing == {}


def test_the_french_notes_check() -> None:
    closed = {"status": "closed", "closed_note": "Shut in 2020.", "notes": "A note."}
    assert missing_french_notes(closed) == ["closed_note"]
    assert missing_french_notes({**closed, "closed_note_fr": "Fermé en 2020."}) == []
    proxy = {"status": "operational", "precision": "proxy", "notes": "UNVERIFIED: from a copy"}
    assert missing_french_notes(proxy) == ["notes", "precision_note"]
    assert missing_french_notes({"status": "planned", "notes": "x", "notes_fr": " "}) == ["notes"]
    assert missing_french_notes({"status": "operational", "precision": "town"}) == []


def load_coverage() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "scripts/coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: What ``python scripts/coverage.py`` reports: places by kind and region
#: (EUR, AP, AC, ESA, WCA, MENA, no region).
COUNTS_BY_KIND = {
    "hq": [1, 0, 0, 0, 0, 0, 0],
    "rocb": [1, 1, 1, 1, 1, 1, 0],
    "rtc": [8, 10, 3, 4, 3, 8, 0],
    "rilo": [3, 1, 3, 1, 2, 2, 0],
    "border_post": [17, 6, 7, 20, 5, 3, 0],
}
#: Border posts with a side in each region (EUR, AP, AC, ESA, WCA, MENA, no region).
POSTS_TOUCHING = [21, 9, 7, 21, 5, 3, 0]


def test_coverage_counts_by_kind_and_region(atlas: geo.Atlas) -> None:
    coverage = load_coverage()
    table = coverage.by_kind_and_region(atlas.places)
    assert {kind: list(counts.values()) for kind, counts in table.items()} == COUNTS_BY_KIND
    assert list(coverage.posts_touching_region(atlas.places).values()) == POSTS_TOUCHING


#: Border posts by economic community: both sides members, one side, one-stop posts inside.
POSTS_BY_COMMUNITY = {
    "EAC": {"inside": 13, "edge": 3, "osbp": 13},
    "SADC": {"inside": 7, "edge": 7, "osbp": 4},
    "COMESA": {"inside": 10, "edge": 12, "osbp": 8},
    "ECOWAS": {"inside": 2, "edge": 2, "osbp": 2},
}


def test_coverage_counts_by_economic_community(atlas: geo.Atlas) -> None:
    assert load_coverage().posts_by_community(atlas.places) == POSTS_BY_COMMUNITY


def test_a_post_counts_inside_a_community_when_both_sides_are_members() -> None:
    posts = gpd.GeoDataFrame(
        {
            "kind": ["border_post"] * 4 + ["rtc"],
            "side_a_iso3": ["GHA", "BEN", "ZMB", "AZE", None],
            "side_b_iso3": ["TGO", "NER", "MWI", "GEO", None],
            "osbp": [True, True, None, False, None],
        }
    )
    table = load_coverage().posts_by_community(posts)
    assert table["ECOWAS"] == {"inside": 1, "edge": 1, "osbp": 1}  # Niger left in 2025
    assert table["SADC"] == {"inside": 1, "edge": 0, "osbp": 0}  # osbp unknown: not counted
    assert table["EAC"] == {"inside": 0, "edge": 0, "osbp": 0}


def test_every_region_has_border_posts_and_the_twelve_rilos(atlas: geo.Atlas) -> None:
    coverage = load_coverage()
    table = coverage.by_kind_and_region(atlas.places)
    assert all(table["border_post"][region] > 0 for region in geo.REGIONS)
    assert sum(table["rilo"].values()) == 12  # "the RILO network has grown to 12 offices"
    assert all(table["rilo"][region] > 0 for region in geo.REGIONS)


def test_coverage_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/coverage.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Places by kind and WCO region\n")
    assert "Border posts touching each region" in result.stdout
    assert "\nECOWAS " in result.stdout


def rtcs_open_or_possibly(day: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """RTCs operational on ``day``, and those possibly open (status ``unknown``)."""
    rtcs = geo.load(DATA, as_of=day).places.query("kind == 'rtc'")
    return rtcs[rtcs["status"] == "operational"], rtcs[rtcs["status"] == "unknown"]


def test_six_asia_pacific_rtcs_when_korea_opened() -> None:
    # WCO, 8 Sep 2010: RTC Korea (Cheonan) opens as the sixth Asia/Pacific RTC.
    sure, maybe = rtcs_open_or_possibly("2010-09-08")
    assert list(sure.query("region == 'AP'")["id"]) == ["rtc-korea"]
    assert len(maybe.query("region == 'AP'")) == 6
    # RTCs Saudi Arabia and Jordan were named by the WCO in November 2009: sure by then.
    # RTC Libya, named with them, has an unbounded closing: possibly open from then on.
    # RTC Zimbabwe hosted the ESA RTC by Oct 2009 (WCO news, Nov 2009): sure by then.
    assert len(sure) == 13 and len(maybe) == 14


def test_twenty_one_rtcs_by_february_2011_lies_within_the_bounds() -> None:
    # WCO: "21 RTCs by February 2011": at least the sure ones, at most sure + possibly open.
    sure, maybe = rtcs_open_or_possibly("2011-02-28")
    assert (len(sure), len(maybe)) == (13, 14)
    assert len(sure) <= 21 <= len(sure) + len(maybe)


def test_every_place_says_when_it_was_last_checked() -> None:
    unchecked = [
        feature["properties"]["id"]
        for name in ("offices.geojson", "border_posts.geojson")
        for feature in json.loads((DATA / name).read_text(encoding="utf-8"))["features"]
        if schema.parse_day(feature["properties"].get("checked_on")) is None
    ]
    assert unchecked == []  # rtc-peru was the last: checked 2026-12-08, still unverified
