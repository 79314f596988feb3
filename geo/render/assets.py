"""Leaflet, its plugins and the atlas's own scripts and styles, read for inlining.

Leaflet and Leaflet.markercluster come from the installed XStatic packages
(``xstatic-leaflet``, ``xstatic-leaflet-markercluster``); nothing is vendored
by hand.  The atlas's own style sheet is ``geo/assets/atlas.css``; its own
script is one file per part in ``geo/assets/js/`` (helpers, decoding, geodesy,
state, then one file per control, then ``app.js`` that wires them), joined in
the fixed order of :data:`ATLAS_SCRIPTS` into the page's one inline script: no
build step, no bundler, and the same files give the same bytes.

The atlas's scripts reach the page without their comment lines and blank
lines (see :func:`_drop_comment_lines`): the comments are for the people who
read ``geo/assets/js``, not for every reader's download.

Every text is made safe to inline: source-map comments are dropped (they
would make a browser's developer tools fetch files that are not there),
images that a style sheet refers to are inlined as ``data:`` URIs, and a
closing ``</script`` or ``</style`` is refused, so that no asset can end the
element it is inlined in.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from geo.errors import AssetError

__all__ = ["ATLAS_SCRIPTS", "Asset", "Assets", "load_assets", "own_files"]

#: The atlas's own scripts, in ``geo/assets/js/``, in the order the page runs them:
#: each adds its part to the namespace ``geoAtlasLib`` and may use the parts before it.
ATLAS_SCRIPTS = (
    "util.js",
    "decode.js",
    "geodesy.js",
    "state.js",
    "links.js",
    "symbols.js",
    "layout.js",
    "clear.js",
    "menu.js",
    "keys.js",
    "sheet.js",
    "popups.js",
    "groups.js",
    "spread.js",
    "views.js",
    "grid.js",
    "select.js",
    "layers.js",
    "detail.js",
    "labels.js",
    "query.js",
    "search.js",
    "measure.js",
    "minimap.js",
    "legend.js",
    "list.js",
    "timeline.js",
    "fullscreen.js",
    "download.js",
    "app.js",
)
_OWN = Path(__file__).resolve().parent.parent / "assets"  # geo/assets/: our scripts and styles


@dataclass(frozen=True)
class Asset:
    """One script or style sheet, ready to inline.

    Attributes
    ----------
    name : str
        Where it comes from, e.g. ``'leaflet 1.9.3: leaflet.js'``.
    text : str
        Its content, safe to put between ``<script>`` (or ``<style>``) tags.
    """

    name: str
    text: str


@dataclass(frozen=True)
class Assets:
    """The scripts and style sheets of a map page, in load order.

    Attributes
    ----------
    scripts : tuple of Asset
        JavaScript: Leaflet, Leaflet.markercluster, then the atlas's own.
    styles : tuple of Asset
        CSS in the same order.
    """

    scripts: tuple[Asset, ...]
    styles: tuple[Asset, ...]


_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/", re.M)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")
_CLOSERS = {
    "script": re.compile(r"</script|<!--", re.I),
    "style": re.compile(r"</style|<!--", re.I),
}


@cache
def load_assets() -> Assets:
    """Read every script and style sheet a map page inlines.

    The result is cached: the files do not change while the process runs.

    Returns
    -------
    Assets
        Scripts and styles, in the order the page must load them.

    Raises
    ------
    AssetError
        When an XStatic package is not installed or a file is missing.
    """
    leaflet_dir, leaflet_version = _xstatic("leaflet", "xstatic-leaflet")
    cluster_dir, cluster_version = _xstatic(
        "leaflet_markercluster", "xstatic-leaflet-markercluster"
    )
    scripts = (
        _asset(
            f"leaflet {leaflet_version}: leaflet.js", _read(leaflet_dir / "leaflet.js"), "script"
        ),
        _asset(
            f"leaflet.markercluster {cluster_version}: leaflet.markercluster.js",
            _read(cluster_dir / "leaflet.markercluster.js"),
            "script",
        ),
        _asset(
            "geo: " + " + ".join(f"js/{name}" for name in ATLAS_SCRIPTS), _join_scripts(), "script"
        ),
    )
    styles = (
        _asset(
            f"leaflet {leaflet_version}: leaflet.css",
            _inline_images(_read(leaflet_dir / "leaflet.css"), leaflet_dir),
            "style",
        ),
        _asset(
            f"leaflet.markercluster {cluster_version}: MarkerCluster.css",
            _read(cluster_dir / "MarkerCluster.css"),
            "style",
        ),
        _asset("geo: atlas.css", _read(_OWN / "atlas.css"), "style"),
    )
    return Assets(scripts=scripts, styles=styles)


def own_files() -> tuple[Path, ...]:
    """The atlas's own asset files that a page inlines, scripts in load order, then the style sheet.

    Everything of ``geo/assets/`` that shapes a page: a fingerprint of the renderer
    can hash these.
    """
    return (*(_OWN / "js" / name for name in ATLAS_SCRIPTS), _OWN / "atlas.css")


def _join_scripts() -> str:
    """The atlas's scripts, in the order of :data:`ATLAS_SCRIPTS`, one after the other.

    Each without its comment lines and blank lines (:func:`_drop_comment_lines`).
    """
    return "\n".join(
        _drop_comment_lines(_read(_OWN / "js" / name)).strip() + "\n" for name in ATLAS_SCRIPTS
    )


def _drop_comment_lines(script: str) -> str:
    r"""``script`` without blank lines and lines that are only a comment.

    A line is dropped when, past its indentation, it is a ``//`` comment or lies
    wholly inside a ``/* ... */`` comment that starts a line; code keeps its
    lines, its indentation and any comment after it.  The atlas's scripts have
    no template literals and no line continuations, so no string spans lines.

    >>> _drop_comment_lines("/* head\n * more */\nvar a = 1; // one\n\n  // two\n  b();\n")
    'var a = 1; // one\n  b();\n'
    >>> _drop_comment_lines("/** doc */ var x = 2;\n")
    '/** doc */ var x = 2;\n'
    """
    kept = []
    in_comment = False
    for line in script.splitlines():
        text = line.strip()
        if in_comment:
            end = text.find("*/")
            if end < 0:
                continue
            in_comment = False
            text = text[end + 2 :].strip()
            if text:
                kept.append(text)
            continue
        if not text or text.startswith("//"):
            continue
        if text.startswith("/*"):
            end = text.find("*/", 2)
            if end < 0:
                in_comment = True
                continue
            if end == len(text) - 2:
                continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def _xstatic(module: str, dist: str) -> tuple[Path, str]:
    """Return the data folder and upstream version of an XStatic package."""
    try:
        pkg = import_module(f"xstatic.pkg.{module}")
    except ImportError as err:
        msg = f"the map assets need the {dist} package; install it with `pip install {dist}`"
        raise AssetError(msg) from err
    return Path(pkg.BASE_DIR), str(pkg.VERSION)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        msg = f"cannot read map asset {path}: {err.strerror}; reinstall the package that ships it"
        raise AssetError(msg) from err


def _inline_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` with a ``data:`` URI of that image."""

    def data_uri(match: re.Match[str]) -> str:
        try:
            raw = (base / match.group(2)).read_bytes()
        except OSError as err:
            msg = f"cannot read map asset {base / match.group(2)}: {err.strerror}"
            raise AssetError(msg) from err
        return f"url(data:image/png;base64,{base64.b64encode(raw).decode('ascii')})"

    return _CSS_URL.sub(data_uri, css)


def _asset(name: str, text: str, element: str) -> Asset:
    """Drop source-map comments and check ``text`` cannot close its element."""
    text = _SOURCE_MAP.sub("", text).strip() + "\n"
    if _CLOSERS[element].search(text):
        msg = f"map asset {name!r} contains '</{element}' or '<!--' and cannot be inlined"
        raise AssetError(msg)
    return Asset(name=name, text=text)
