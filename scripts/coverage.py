"""Print what the data covers: places by kind and WCO region, border posts by region.

Run from the project folder: ``python scripts/coverage.py`` (or ``--data DIR``).
Regions are the enriched ones (:func:`geo.load`): an office's region is its
country's, a border post's is the region of the country its point falls in.
"Border posts touching a region" counts a post once in each region of its two
sides (``side_a_region``, ``side_b_region``), so a post between two regions
counts in both.  Non-member territories have no region: they show as ``-``.
``tests/test_data.py`` pins these figures.

The last table counts border posts by African regional economic community
(:data:`COMMUNITIES`): a post is *inside* a community when both its sides are
members, on its *edge* when one side is; ``osbp`` counts the inside posts whose
``osbp`` is true.  Members as of December 2026, from each community's own list:
EAC (eac.int, 8 Partner States: DR Congo from 2023, Somalia from 2024), SADC
(sadc.int, 16 Member States), COMESA (comesa.int, 21 Member States), ECOWAS
(ecowas.int, 12 Member States since Burkina Faso, Mali and Niger left on
29 January 2025).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

import geo
from geo.schema import KINDS, REGIONS

#: Column order of the tables: the WCO regions, then places with no region.
COLUMNS: tuple[str, ...] = (*REGIONS, "-")


#: African regional economic communities and their members (ISO3), as of December 2026.
COMMUNITIES: dict[str, frozenset[str]] = {
    "EAC": frozenset({"BDI", "COD", "KEN", "RWA", "SOM", "SSD", "TZA", "UGA"}),
    "SADC": frozenset(
        {"AGO", "BWA", "COM", "COD", "SWZ", "LSO", "MDG", "MWI", "MUS", "MOZ", "NAM", "SYC"}
        | {"ZAF", "TZA", "ZMB", "ZWE"}
    ),
    "COMESA": frozenset(
        {"BDI", "COM", "COD", "DJI", "EGY", "ERI", "SWZ", "ETH", "KEN", "LBY", "MDG"}
        | {"MWI", "MUS", "RWA", "SYC", "SOM", "SDN", "TUN", "UGA", "ZMB", "ZWE"}
    ),
    "ECOWAS": frozenset(
        {"BEN", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "NGA", "SEN", "SLE", "TGO"}
    ),
}


def _region(value: object) -> str:
    return value if isinstance(value, str) and value else "-"


def by_kind_and_region(places: pd.DataFrame) -> dict[str, dict[str, int]]:
    """``{kind: {region: count}}`` for every kind, regions in :data:`COLUMNS` order."""
    table: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        counts = Counter(_region(r) for r in places.loc[places["kind"] == kind, "region"])
        table[kind] = {region: counts.get(region, 0) for region in COLUMNS}
    return table


def posts_touching_region(places: pd.DataFrame) -> dict[str, int]:
    """``{region: number of border posts with a side in it}`` (a post counts once per region)."""
    posts = places.loc[places["kind"] == "border_post"]
    counts: Counter[str] = Counter()
    for a, b in zip(posts["side_a_region"], posts["side_b_region"], strict=True):
        counts.update({_region(a), _region(b)})
    return {region: counts.get(region, 0) for region in COLUMNS}


def posts_by_community(places: pd.DataFrame) -> dict[str, dict[str, int]]:
    """``{community: {"inside": n, "edge": n, "osbp": n}}`` for :data:`COMMUNITIES`.

    ``inside``: posts with both sides members; ``edge``: posts with exactly one;
    ``osbp``: the inside posts that are one-stop border posts (``osbp`` true).
    """
    posts = places.loc[places["kind"] == "border_post"]
    osbp = posts["osbp"] if "osbp" in posts.columns else pd.Series(False, index=posts.index)
    table: dict[str, dict[str, int]] = {}
    for community, members in COMMUNITIES.items():
        counts = {"inside": 0, "edge": 0, "osbp": 0}
        for a, b, one_stop in zip(posts["side_a_iso3"], posts["side_b_iso3"], osbp, strict=True):
            sides = (a in members) + (b in members)
            if sides == 2:
                counts["inside"] += 1
                counts["osbp"] += isinstance(one_stop, bool | np.bool_) and bool(one_stop)
            elif sides == 1:
                counts["edge"] += 1
        table[community] = counts
    return table


def _row(label: str, values: Sequence[int | str]) -> str:
    return f"{label:<13}" + "".join(f"{v:>6}" for v in values)


def render(places: pd.DataFrame) -> str:
    """The report as text: the two tables above, with totals."""
    table = by_kind_and_region(places)
    lines = ["Places by kind and WCO region", _row("kind", [*COLUMNS, "total"])]
    for kind, counts in table.items():
        lines.append(_row(kind, [*counts.values(), sum(counts.values())]))
    totals = [sum(counts[r] for counts in table.values()) for r in COLUMNS]
    lines.append(_row("total", [*totals, sum(totals)]))
    touching = posts_touching_region(places)
    lines += [
        "",
        "Border posts by region (the region of the country the point falls in)",
        _row("border_post", [*table["border_post"].values(), sum(table["border_post"].values())]),
        "Border posts touching each region (a post counts once for each side's region)",
        _row("border_post", list(touching.values())),
        "",
        "Border posts by economic community (inside: both sides members; edge: one side)",
        f"{'community':<13}" + "".join(f"{c:>8}" for c in ("inside", "edge", "osbp")),
    ]
    for community, counts in posts_by_community(places).items():
        lines.append(f"{community:<13}" + "".join(f"{v:>8}" for v in counts.values()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="data folder (default: the project's data/)")
    args = parser.parse_args(argv)
    print(render(geo.load(args.data).places))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
