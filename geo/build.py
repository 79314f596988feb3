"""Build the outputs: the world map, one map per WCO region, and the enriched places.

Everything is validated before anything is written, and every file is
replaced atomically, so a failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.atlas import Atlas, load
from geo.export import places_geojson
from geo.fileio import atomic_write_text
from geo.schema import REGIONS

__all__ = ["BuildResult", "build", "region_places"]

log = logging.getLogger(__name__)
WORLD_TITLE = "WCO capacity-building network and border posts"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote.

    Attributes
    ----------
    written : tuple of Path
        Files written, in order.
    places : int
        Number of places in the data.
    """

    written: tuple[Path, ...]
    places: int


def region_places(places: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """Places of a region: located in it, or a border post with a side in it."""
    mask = places["region"] == code
    for side in ("side_a_region", "side_b_region"):
        if side in places.columns:
            mask |= places[side] == code
    return places[mask]


def _pages(atlas: Atlas) -> dict[str, str]:
    from geo.render import render_map, to_html  # noqa: PLC0415  (keeps import light)

    countries = atlas.countries_display
    region_links = [(name, f"regions/{code.lower()}.html") for code, name in REGIONS.items()]
    pages = {
        "index.html": to_html(
            render_map(atlas.places, countries, title=WORLD_TITLE, links=region_links)
        )
    }
    for code, name in REGIONS.items():
        links = [("World map", "../index.html")] + [
            (other, f"{c.lower()}.html") for c, other in REGIONS.items() if c != code
        ]
        m = render_map(
            region_places(atlas.places, code),
            countries,
            title=f"WCO {name} region",
            links=links,
            focus_region=code,
        )
        pages[f"regions/{code.lower()}.html"] = to_html(m)
    return pages


def build(
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] = "output",
) -> BuildResult:
    """Validate and enrich ``data_dir`` and write the maps and places to ``output_dir``.

    Writes ``index.html`` (world map), ``regions/<code>.html`` for each WCO
    region (lower-case code) and ``places.geojson`` (the enriched places).

    Raises
    ------
    DataError
        When the data has problems; nothing is written then.
    """
    atlas = load(data_dir)
    out = Path(output_dir)
    contents = _pages(atlas)
    contents["places.geojson"] = places_geojson(atlas.places)
    written = []
    for name, text in contents.items():
        path = out / name
        atomic_write_text(path, text)
        written.append(path)
        log.info("wrote %s", path)
    return BuildResult(tuple(written), len(atlas.places))
