"""The printed atlas: the network as a PDF document, in the maps' languages.

:func:`atlas_pdf` lays out a cover (the world map, the day the data stands at
and the as-of day), a table of contents, one spread per WCO region (its map on
a landscape page, then its places and its Members), one entry per place (a
locator inset, its facts, history and seats as dated lists, its sources as
links, its ``checked_on`` day and a QR code of its deep link in the web map),
and an index of place names, cities and countries with page numbers.  The
PDF has an outline (bookmarks) by region and place, its fonts embedded and its
text selectable; the maps are vector paths (:mod:`geo.pdf.mapsvg`) drawn from
the web maps' own layers.  :mod:`geo.build` writes it (``geo print``,
``geo build --pdf``) as one more output of the folder, keyed like the maps.

Why WeasyPrint, measured
------------------------
``bench/bench_print.py`` gives both candidate paths the same HTML document
(the whole network, 103 places, inline SVG maps, 2.2 MB) in one run; on the
development machine (2 cores shared with other work, December 2026):

- **WeasyPrint** (``weasyprint.HTML(...).write_pdf()``): 145 A4 pages,
  1.63 MB, 45 s of CPU per language.  CSS Paged Media is implemented:
  ``target-counter()`` writes the page numbers of the contents and the index
  in the one pass, ``bookmark-level`` the outline, named pages mix portrait
  entries and landscape region maps, and the same input gives the same bytes
  once the file identifier is fixed.
- **Chromium** (Playwright's ``page.pdf``, as :mod:`geo.snapshot` drives it):
  146 pages, 3.49 MB (x2.1), 3 s of CPU (x0.07), the same text selectable,
  but no ``target-counter()`` or ``leader()``: the contents and the index come
  out without page numbers; they would need a second rendering after finding
  each entry's page in the first, and the outline, dates and identifier fixed
  afterwards with a PDF library; a browser process per build too.

WeasyPrint gives the document the issue asks for in one pass, half the size,
with no browser; its cost (fourteen times Chromium's CPU, more than the maps'
whole cold build) is why the PDF is opt-in (``geo build --pdf``, ``geo print``)
rather than part of every build.  A two-pass Chromium path is the way to a
faster ``geo print``.  Fixed table layouts already brought WeasyPrint's first
56 s of CPU down (the automatic layout measured every cell word by word).

The promises of the maps hold: nothing is fetched (a URL fetcher refuses
every request, so text from the data cannot make the layout engine load
anything), every text is escaped (:mod:`geo.pdf.document`), and the bytes
depend only on the inputs (no dates are written, the file identifier is a
hash of the document; WeasyPrint names font subsets by a hash of their glyphs).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd

from geo.errors import PrintError, UsageError
from geo.i18n import translator
from geo.pdf.document import Settings, document_html
from geo.pdf.paper import PAPERS
from geo.pdf.places import data_date, deep_link
from geo.schema import did_you_mean

__all__ = ["PAPERS", "atlas_pdf", "check_base_url", "check_paper", "deep_link", "renderer_versions"]

#: Libraries whose versions shape the PDF's bytes.
_PDF_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "segno")


def check_paper(paper: Any) -> str:
    """``paper`` (``a4``, ``a3``, ``letter``, any case) as a key of :data:`PAPERS`.

    Raises
    ------
    UsageError
        For any other paper, with the closest choice.
    """
    key = str(paper).strip().lower()
    if key not in PAPERS:
        hint = did_you_mean(key, tuple(PAPERS), n=1)
        msg = f"Got paper={paper!r}; expected one of {sorted(PAPERS)}" + (
            f" ({hint})" if hint else ""
        )
        raise UsageError(msg)
    return key


def check_base_url(base_url: Any) -> str | None:
    """The address where the web maps are published (``https://.../``), or None.

    Raises
    ------
    UsageError
        When it is not an absolute ``http`` or ``https`` address without a query or fragment.
    """
    if base_url is None:
        return None
    text = str(base_url)
    parts = urlsplit(text)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() or ord(c) < 32 for c in text)
    ):
        msg = (
            f"Got base_url={text!r}; expected the http(s) address the maps are published at, "
            "e.g. https://example.org/atlas/"
        )
        raise UsageError(msg)
    return text


def renderer_versions() -> list[str]:
    """``name=version`` of each library that shapes the PDF (for the output's key)."""
    import importlib.metadata

    found = []
    for dist in _PDF_LIBRARIES:
        try:
            found.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{dist}=")
    return found


def atlas_pdf(
    places: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    *,
    lang: str = "en",
    other_lang: str | None = None,
    paper: str = "a4",
    as_of: dt.date | None = None,
    base_url: str | None = None,
    link_prefix: str = "",
) -> bytes:
    """The printed atlas of ``places`` as PDF bytes: the same inputs give the same bytes.

    Parameters
    ----------
    places : GeoDataFrame
        The enriched places (:attr:`geo.Atlas.places`), as of ``as_of``.
    countries : GeoDataFrame
        The web maps' display layer (:attr:`geo.Atlas.countries_display`).
    lang : str
        The document's language.
    other_lang : str, optional
        The other language of the build: the index gives its names where they differ.
    paper : str
        ``a4`` (default), ``a3`` or ``letter``.
    as_of : datetime.date, optional
        The day the places are shown as of (said on the cover).
    base_url : str, optional
        Where the web maps are published: the QR codes then hold full addresses;
        without it they hold the link relative to the PDF (``index.html#place=<id>``).
    link_prefix : str
        The web maps' folder relative to ``base_url`` (``"fr/"`` for French ones).

    Raises
    ------
    UsageError
        For an unknown paper or a base URL that is not an http(s) address.
    PrintError
        When WeasyPrint (``pip install -e '.[print]'``) or its system libraries are missing.
    """
    settings = Settings(
        t=translator(lang),
        other=translator(other_lang) if other_lang else None,
        paper=PAPERS[check_paper(paper)],
        base_url=check_base_url(base_url),
        link_prefix=link_prefix,
        as_of=as_of,
        data_date=data_date(places, as_of),
    )
    html = document_html(places, countries, settings)
    return _write_pdf(html)


def _write_pdf(html: str) -> bytes:
    # WeasyPrint says each step and page at INFO (from its import on): geo's commands say
    # what they did, and its warnings about CSS are the code's business, not the reader's
    for name, level in (("weasyprint", logging.ERROR), ("weasyprint.progress", logging.WARNING)):
        logging.getLogger(name).setLevel(level)
    try:
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except (ImportError, OSError) as err:
        msg = (
            f"the printed atlas needs WeasyPrint and pango ({err}); install them with "
            "pip install -e '.[print]' and apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        )
        raise PrintError(msg) from err

    class _Offline(URLFetcher):  # type: ignore[misc]
        """Fetches nothing: the document is whole, and nothing in it may load anything."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FatalURLFetchingError(f"the printed atlas loads nothing; refused {url[:80]!r}")

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = weasyprint.HTML(string=html, url_fetcher=_Offline(fail_on_errors=True))
    pdf: bytes = document.write_pdf(pdf_identifier=identifier)
    return pdf
