"""Test corpus for the map renderer: hostile strings, and frames that carry them.

``HOSTILE`` holds strings that break naive HTML/JS generation: markup with
event handlers, closing ``</script>``, HTML comments, template literals,
Jinja syntax, quotes, line and paragraph separators, control characters and
URLs with dangerous schemes.  Each one that could run script tries to set
``window.__pwned`` or call ``alert``; a browser test installs a trap for both.

``hostile_frames()`` puts them in every text column of a places frame (and in
the basemap's names); ``sample_frames()`` gives the project's real data.
"""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

import geo

HOSTILE: tuple[str, ...] = (
    "<img src=x onerror=\"window.__pwned='img'\">",
    "</script><script>window.__pwned='script'</script>",
    "<!--<script>window.__pwned='comment'</script>-->",
    "`${window.__pwned='template'}`",
    "${alert('template')}",
    "\"'><svg onload=\"window.__pwned='svg'\">",
    "'); window.__pwned='quote'; //",
    '\\"); window.__pwned="backslash"; //',
    "{{ 7*7 }}{% raw %}{{ jinja }}",
    "<style>body{display:none}</style>",
    "<a href=\"javascript:window.__pwned='href'\">click</a>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &#x3C;",
    "line\u2028separator\u2029paragraph",
    "nul\x00tab\tnew\nline\rreturn",
    "\u202eright-to-left override",
    "]]><![CDATA[<x>]]>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<details open ontoggle=\"window.__pwned='details'\">",
    "__proto__",
    "constructor",
)

#: Sources that must never become links.
HOSTILE_SOURCES: tuple[str, ...] = (
    "javascript:window.__pwned='source'",
    "data:text/html,<script>window.__pwned='data'</script>",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
)


def hostile_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Places whose every text is hostile, and a small basemap with hostile names."""
    rows = []
    kinds = ("hq", "rocb", "rtc", "rilo", "border_post", "<b>new-kind</b>")
    for i, text in enumerate(HOSTILE):
        rows.append(
            {
                "id": f"h{i:02d}" if text not in {"__proto__", "constructor"} else text,
                "kind": kinds[i % len(kinds)],
                "name": text,
                "status": ("operational", "planned", "closed", text)[i % 4],
                "source": HOSTILE_SOURCES[i % len(HOSTILE_SOURCES)] if i % 2 else text,
                "precision": "city",
                "iso3": "XXX",
                "country": text,
                "region": ("EUR", None, text)[i % 3],
                "member": bool(i % 2),
                "opened": text,
                "notes": text,
                "city": text,
                text[:40]: text,
                "geometry": Point(-170 + 17 * i, -40 + 4 * i),
            }
        )
    places = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    countries = gpd.GeoDataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "name": [HOSTILE[0], HOSTILE[1]],
            "region": ["EUR", HOSTILE[3]],
            "member": [True, False],
            "geometry": [box(-10, 30, 20, 60), box(20, -20, 50, 10)],
        },
        crs="EPSG:4326",
    )
    return places, countries


def sample_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``(places, countries)`` of the project's data, as the core passes them to the renderer."""
    atlas = geo.load()
    return atlas.places, atlas.countries_display
