"""Build step: the wheel carries a snapshot of ``data/`` as package data (``geo/_data``).

The snapshot is copied from ``data/`` (the one source of truth) when the wheel
is built, so an installed geo works with no checkout (``geo build`` in any
folder) and there is no second copy of the data to keep in sync by hand.
An editable install reads ``data/`` itself (see ``geo/shipped.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Kept equal to geo.shipped.SUFFIXES (tests/test_package.py checks it).
SUFFIXES = (".geojson", ".csv", ".json", ".xz", ".toml")


class BuildPyWithData(build_py):  # type: ignore[misc]
    """``build_py`` that also copies ``data/`` into ``geo/_data`` of the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = Path(__file__).resolve().parent / "data"
        if not (source / "offices.geojson").is_file():
            raise SystemExit(f"{source}: the data folder to ship is missing")
        target = Path(self.build_lib) / "geo" / "_data"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for path in sorted(source.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.name.endswith(SUFFIXES):
                shutil.copyfile(path, target / path.name)


setup(cmdclass={"build_py": BuildPyWithData})
