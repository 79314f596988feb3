"""Prepare the answers of a first build of geo's own data, to ship with the package.

Run after changing the data or the code that a build caches answers of (a test,
``tests/test_cache.py::test_the_prepared_answers_are_current``, says when)::

    .venv/bin/python scripts/prepare_build.py

Builds ``data/`` in every language geo speaks, with an empty cache, and keeps
each answer stored with a prepared key (:mod:`geo.cache`, "Prepared answers")
in ``geo/prepared/build/``: the folder is replaced, so answers no build asks
for any more are removed.  The same answers give the same bytes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GEO_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.pop("GEO_NO_CACHE", None)
        os.environ["GEO_NO_PREPARED"] = "1"  # every answer computed, none read from the last
        sys.path.insert(0, str(ROOT))
        from geo import cache
        from geo.build import build
        from geo.i18n import languages

        made = Path(tmp) / "prepared"
        made.mkdir()
        with cache.preparing(made):
            for lang in languages():  # each language first at the root, as a build may make it
                build(ROOT / "data", Path(tmp) / f"out-{lang}", force=True, lang=lang)
            build(ROOT / "data", Path(tmp) / "out-all", force=True, lang=list(languages()))
        target = cache.PREPARED_DIR
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(made, target)
    files = sorted(target.glob("*.npz"))
    size = sum(f.stat().st_size for f in files)
    print(f"{target}: {len(files)} answers, {size:,} bytes")


if __name__ == "__main__":
    main()
