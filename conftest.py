"""Collection rules for the doctests of ``geo/`` (``--doctest-modules``, set in pyproject.toml).

A module of geo that imports an optional dependency at its top (``segno`` for the
printed atlas, Dask for ``geo enrich --engine dask``...) cannot be imported
without its extra: its doctests are then *skipped*, naming the extra that
brings them, instead of failing the collection.  Any other import error still
fails.  (The test suite's own fixtures are in ``tests/conftest.py``.)
"""

from __future__ import annotations

import importlib
from collections.abc import Generator
from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

#: Top-level modules of geo's optional dependencies -> the extra that installs them.
OPTIONAL = {
    "dask": "dask",
    "dask_geopandas": "dask",
    "distributed": "dask",
    "segno": "print",
    "weasyprint": "print",
    "playwright": "snapshot",
    "matplotlib": "bench",
    "mapclassify": "bench",
}
_GEO = Path(__file__).resolve().parent / "geo"


def _module_name(path: Path) -> str | None:
    try:
        parts = path.resolve().relative_to(_GEO.parent).with_suffix("").parts
    except ValueError:
        return None
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if not (report.failed and isinstance(collector, DoctestModule)):
        return report
    name = _module_name(Path(collector.path))
    if name is None or not name.startswith("geo"):
        return report
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as err:
        extra = OPTIONAL.get((err.name or "").split(".")[0])
        if extra is not None:
            report.outcome = "skipped"
            why = f"Skipped: {name} needs {err.name} (pip install 'wco-atlas[{extra}]')"
            report.longrepr = (str(collector.path), 0, why)
    except Exception:
        return report  # any other failure stays the collection's error
    return report
