"""Give every place its country and WCO region by spatial join.

The country comes from :class:`geo.countries.CountryIndex` (covered-by, then
nearest within 25 km, else none); the region and membership from
:class:`geo.regions.Membership`.  A border post also gets, for each of its two
declared sides, the country name, region and membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.countries import CountryIndex
from geo.regions import Membership
from geo.schema import ENRICHED_COLUMNS, KINDS, REGIONS
from geo.validate import Feature

__all__ = ["ENRICHED_COLUMNS", "LEADING_COLUMNS", "country_columns", "enrich_features"]


def country_columns(
    lon: np.ndarray, lat: np.ndarray, countries: CountryIndex, membership: Membership
) -> pd.DataFrame:
    """Country, region and membership of many points, by the rule of :mod:`geo.countries`.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees, EPSG:4326.

    Returns
    -------
    pandas.DataFrame
        One row per point with :data:`ENRICHED_COLUMNS`: ``located_by`` is
        ``'inside'`` (covered by the polygon, boundary included),
        ``'nearest'`` (outside every polygon, within the tolerance of this
        one; ``country_distance_km`` says how far) or ``'none'`` (at sea:
        no country, ``member`` is False).
    """
    located = countries.locate_many(lon, lat)
    codes = countries.frame["iso3"].to_numpy()
    names = countries.frame["name"].to_numpy()
    lookup: dict[int, tuple[Any, ...]] = {}
    for row in np.unique(located.row[located.row >= 0]):
        info = membership.get(str(codes[row]), fallback_name=str(names[row]))
        assert info is not None  # fallback_name given
        lookup[int(row)] = (
            info.iso3,
            info.name,
            info.region,
            REGIONS.get(info.region or ""),
            info.member,
        )
    empty = (None, None, None, None, False)
    values = [lookup.get(int(r), empty) for r in located.row]
    frame = pd.DataFrame(values, columns=list(ENRICHED_COLUMNS[:5]))
    frame["member"] = frame["member"].astype(bool)
    frame["located_by"] = np.where(
        located.row < 0, "none", np.where(located.distance_km > 0, "nearest", "inside")
    )
    frame["country_distance_km"] = np.round(located.distance_km, 3)
    return frame


def enrich_features(
    features: Sequence[Feature], countries: CountryIndex, membership: Membership
) -> gpd.GeoDataFrame:
    """Build the places frame from validated features.

    For an office whose declared ``iso3`` is within the coastal tolerance but
    the point falls in (or nearest to) another country, the declared country
    is kept and ``located_by`` is ``'declared'``: coordinates of city-level
    precision near a border should not move an office abroad.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per feature, the data's own properties plus
        :data:`ENRICHED_COLUMNS`, and for border posts ``side_a_country``,
        ``side_a_region``, ``side_a_member`` and the same for side b.
        Columns start with :data:`LEADING_COLUMNS`; rows are in the order of
        :data:`geo.schema.KINDS` (HQ, ROCBs, RTCs, RILOs, border posts), and
        in the order of the data within a kind.
    """
    lon = np.array([f.lon for f in features], dtype=float)
    lat = np.array([f.lat for f in features], dtype=float)
    records = [dict(f.properties) for f in features]
    props = (
        pd.DataFrame.from_records(records)
        if records
        else pd.DataFrame({name: [] for name in ("id", "kind", "name", "status", "source")})
    )
    props = props.drop(columns=[c for c in ENRICHED_COLUMNS if c in props.columns and c != "iso3"])
    declared = props["iso3"] if "iso3" in props.columns else pd.Series([None] * len(props))
    props = props.drop(columns=["iso3"], errors="ignore")
    joined = country_columns(lon, lat, countries, membership)
    for i, code in enumerate(declared):
        if isinstance(code, str) and code != joined.at[i, "iso3"]:
            info = membership.get(code)
            if info is not None:
                joined.loc[i, ["iso3", "country", "region", "region_name", "member"]] = [
                    info.iso3,
                    info.name,
                    info.region,
                    REGIONS.get(info.region or ""),
                    info.member,
                ]
                joined.at[i, "located_by"] = "declared"
                joined.at[i, "country_distance_km"] = round(
                    countries.distance_km(lon[i], lat[i], code), 3
                )
    frame = pd.concat([props.reset_index(drop=True), joined], axis=1)
    if "side_a_iso3" in frame.columns:
        for side in ("side_a", "side_b"):
            infos = [
                membership.get(code) if isinstance(code, str) else None
                for code in frame[f"{side}_iso3"]
            ]
            frame[f"{side}_country"] = [i.name if i else None for i in infos]
            frame[f"{side}_region"] = [i.region if i else None for i in infos]
            frame[f"{side}_member"] = [bool(i.member) if i else None for i in infos]
    frame = frame.astype(object).where(frame.notna(), None)
    frame["member"] = frame["member"].astype(bool)
    frame["country_distance_km"] = frame["country_distance_km"].astype(float)
    frame = frame[_column_order(list(frame.columns))]
    places = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    order = np.lexsort((np.arange(len(places)), _kind_rank(places)))
    return places.iloc[order].reset_index(drop=True)


#: The columns a reader wants first, in this order; the data's other properties follow.
LEADING_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "name",
    "iso3",
    "country",
    "region",
    "region_name",
    "member",
    "status",
    "located_by",
    "country_distance_km",
)


def _column_order(columns: Sequence[Any]) -> list[Any]:
    first = [c for c in LEADING_COLUMNS if c in columns]
    return first + [c for c in columns if c not in LEADING_COLUMNS]


def _kind_rank(places: pd.DataFrame) -> np.ndarray:
    """Rank of each place's kind in :data:`geo.schema.KINDS` (HQ first, border posts last)."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return np.array([rank.get(k, len(rank)) for k in places["kind"]], dtype=np.int64)
