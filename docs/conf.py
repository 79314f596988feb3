"""Sphinx configuration of geo's reference manual (``sh scripts/manual.sh`` builds it).

Sphinx rather than MkDocs because geo's docstrings are numpydoc in
reStructuredText, with ``:func:``, ``:class:`` and ``:data:`` roles: Sphinx
(autodoc and napoleon) reads them as written and links them, where
mkdocstrings would show the roles as text.  The README (Markdown) is included
through MyST.  The theme is Sphinx's own alabaster, whose files are all
copied into the site: the manual makes no network request.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT))
# geo writes its messages in the terminal's language: the manual is in English.
os.environ["LANGUAGE"] = "en"

import geo  # noqa: E402

project = "geo"
author = "the geo authors"
copyright = "the geo authors (MIT licence)"
version = release = geo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "myst_parser",
    "geo_manual",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "maps"]
suppress_warnings = ["myst.header"]  # the README's headings start at its own level

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": False}
myst_heading_anchors = 3

html_theme = "alabaster"
html_theme_options = {
    "description": "An atlas of the WCO network and its border posts",
    "show_powered_by": False,
}
html_show_sphinx = False
html_title = "geo reference manual"
html_static_path = ["_static"]
html_css_files = ["manual.css"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None  # the same sources give the same site


def _copy_readme_images(app: Any, exception: BaseException | None) -> None:
    """The README's pictures (``docs/*.png``, ``docs/maps/``) where its HTML names them."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "docs"
    for picture in (ROOT / "docs").glob("*.png"):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(picture, target / picture.name)
    shutil.copytree(ROOT / "docs" / "maps", target / "maps", dirs_exist_ok=True)


def setup(app: Any) -> None:
    """Sphinx hook: copy the README's pictures once the site is written."""
    app.connect("build-finished", _copy_readme_images)
