"""Build the outputs: the world map, one map per WCO region, and the enriched places.

Everything is validated before anything is written.  Builds are incremental:
each output has a key (a hash of the places it shows, the basemap, and the
renderer's own code and versions), recorded in ``.geo-build.json`` beside the
outputs; an output whose key and bytes on disk are unchanged is not rendered
again.  Every file is replaced atomically, and a lock file stops two builds
from writing to the same folder at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.atlas import Atlas, load
from geo.errors import BuildLockedError
from geo.export import feature_lines, join_features
from geo.fileio import atomic_write_text
from geo.schema import REGIONS

__all__ = [
    "BuildResult",
    "build",
    "build_atlas",
    "region_mask",
    "region_places",
]

log = logging.getLogger(__name__)
WORLD_TITLE = "WCO capacity-building network and border posts"
MANIFEST = ".geo-build.json"
LOCK = ".geo-build.lock"


@dataclass(frozen=True)
class BuildResult:
    """What a build did.

    Attributes
    ----------
    written : tuple of Path
        Files (re)written, in order.
    unchanged : tuple of Path
        Outputs whose inputs had not changed, left as they were.
    places : int
        Number of places in the data.
    """

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...] = field(default=())
    places: int = 0


@dataclass(frozen=True)
class _Output:
    name: str
    key: str
    make: Callable[[], str]


def region_mask(places: gpd.GeoDataFrame, code: str) -> pd.Series:
    """Which places belong on a region's map: located in it, or a border post with a side in it."""
    from geo.query import here_or_on_a_side

    return here_or_on_a_side(places, "region", code)


def region_places(places: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """Places of a region (see :func:`region_mask`)."""
    return places[region_mask(places, code)]


@functools.lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """A hash of everything besides the data that shapes the pages: code and asset versions."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    files = [
        *sorted((package / "render").glob("*.py")),
        package / "assets.py",
        package / "build.py",
        package / "export.py",
    ]
    files += sorted((package / "assets").glob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in ("folium", "branca", "jinja2", "xstatic-leaflet", "xstatic-leaflet-markercluster"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return digest.hexdigest()


def _key(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else json.dumps(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _outputs(atlas: Atlas) -> list[_Output]:
    from geo.render import render_map, to_html

    basemap = hashlib.sha256(atlas.display_path.read_bytes()).hexdigest()
    base = (renderer_fingerprint(), basemap, str(atlas.as_of))

    def page(places: gpd.GeoDataFrame, **kwargs: Any) -> Callable[[], str]:
        return lambda: to_html(
            render_map(places, atlas.countries_display, as_of=atlas.as_of, **kwargs)
        )

    when = f" as of {atlas.as_of.isoformat()}" if atlas.as_of else ""
    region_links = [(name, f"regions/{code.lower()}.html") for code, name in REGIONS.items()]
    lines = feature_lines(atlas.places)  # serialised once; subsets pick their lines
    everything = join_features(lines)
    outputs = [
        _Output(
            "index.html",
            _key(*base, everything, WORLD_TITLE + when, region_links),
            page(atlas.places, title=WORLD_TITLE + when, links=region_links),
        )
    ]
    for code, name in REGIONS.items():
        links = [("World map", "../index.html")] + [
            (other, f"{c.lower()}.html") for c, other in REGIONS.items() if c != code
        ]
        mask = region_mask(atlas.places, code)
        subset = atlas.places[mask]
        title = f"WCO {name} region{when}"
        outputs.append(
            _Output(
                f"regions/{code.lower()}.html",
                _key(
                    *base,
                    [line for line, keep in zip(lines, mask, strict=True) if keep],
                    title,
                    links,
                    code,
                ),
                page(subset, title=title, links=links, focus_region=code),
            )
        )
    outputs.append(_Output("places.geojson", _key(everything), lambda: everything))
    return outputs


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            msg = (
                f"another geo build is writing to {out} (pid {holder}); "
                "wait for it to finish, or stop it, then build again"
            )
            raise BuildLockedError(msg) from err
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_temporaries(out: Path) -> None:
    # A build killed mid-write leaves its hidden temporary file behind (never a
    # partial output); with the lock held, no other build owns any of them.
    for stale in out.rglob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _read_manifest(out: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unchanged(out: Path, output: _Output, manifest: dict[str, dict[str, str]]) -> bool:
    entry = manifest.get(output.name)
    if not isinstance(entry, dict) or entry.get("key") != output.key:
        return False
    try:
        current = (out / output.name).read_bytes()
    except FileNotFoundError:
        return False
    return hashlib.sha256(current).hexdigest() == entry.get("sha256")


def build_atlas(
    atlas: Atlas, output_dir: str | os.PathLike[str] = "output", *, force: bool = False
) -> BuildResult:
    """Write the outputs of an already loaded atlas (see :func:`build`)."""
    out = Path(output_dir)
    with _lock(out):
        _remove_stale_temporaries(out)
        manifest = _read_manifest(out)
        written: list[Path] = []
        unchanged: list[Path] = []
        new_manifest: dict[str, dict[str, str]] = {}
        for output in _outputs(atlas):
            path = out / output.name
            if not force and _unchanged(out, output, manifest):
                unchanged.append(path)
                new_manifest[output.name] = manifest[output.name]
                continue
            text = output.make()
            atomic_write_text(path, text)
            written.append(path)
            log.info("wrote %s", path)
            new_manifest[output.name] = {
                "key": output.key,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
            # record progress so that an interrupted build redoes only what is left
            atomic_write_text(
                out / MANIFEST,
                json.dumps({**manifest, **new_manifest}, indent=1, sort_keys=True) + "\n",
            )
        atomic_write_text(out / MANIFEST, json.dumps(new_manifest, indent=1, sort_keys=True) + "\n")
    if unchanged:
        log.info("%d outputs unchanged", len(unchanged))
    return BuildResult(tuple(written), tuple(unchanged), len(atlas.places))


def build(
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] = "output",
    *,
    force: bool = False,
    as_of: str | dt.date | None = None,
) -> BuildResult:
    """Validate and enrich ``data_dir`` and write the maps and places to ``output_dir``.

    Writes ``index.html`` (world map), ``regions/<code>.html`` for each WCO
    region (lower-case code) and ``places.geojson`` (the enriched places);
    only the outputs whose inputs changed since the last build, unless
    ``force``.  With ``as_of`` (``YYYY-MM-DD``), the maps show the network as
    it stood that day (see :meth:`geo.Atlas.at`).  Input files are only read.

    Raises
    ------
    DataError
        When the data has problems; nothing is written then.
    BuildLockedError
        When another build is writing to ``output_dir``.
    """
    return build_atlas(load(data_dir, as_of=as_of), output_dir, force=force)
