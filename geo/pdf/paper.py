"""The sheet of the printed atlas: paper sizes, margins, and the stylesheet of paged media.

:func:`stylesheet` gives the CSS of :func:`geo.pdf.document.document_html`:
the ``@page`` rules (size, margins, the page number and the running region
name), the wide pages of the region maps, and the look of every section.
Lengths are millimetres (``mm``) or points (``pt``, 1/72 inch).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MARGIN_MM", "PAPERS", "PT_PER_MM", "Paper", "stylesheet"]

#: Points per millimetre.
PT_PER_MM = 72.0 / 25.4


@dataclass(frozen=True)
class Paper:
    """A sheet's size in millimetres, portrait."""

    width_mm: float
    height_mm: float


#: The paper sizes ``geo print --paper`` takes.
PAPERS: Mapping[str, Paper] = {
    "a4": Paper(210.0, 297.0),
    "a3": Paper(297.0, 420.0),
    "letter": Paper(215.9, 279.4),
}


#: The margin of every page, all round, mm.
MARGIN_MM = 14.0


#: The stylesheet, a :meth:`str.format` template (see :func:`stylesheet`).
CSS = """
@page {{ size: {w}mm {h}mm; margin: {m}mm {m}mm {m}mm {m}mm;
  @bottom-center {{ content: counter(page); font-size: 8pt; color: #444; }}
  @top-right {{ content: string(region); font-size: 8pt; color: #444; }} }}
@page wide {{ size: {h}mm {w}mm; }}
@page cover {{ @bottom-center {{ content: none; }} @top-right {{ content: none; }} }}
body {{ margin: 0; overflow-wrap: anywhere; }}
html {{ font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #111;
  line-height: 1.3; }}
h1, h2, h3 {{ bookmark-level: none; }}
h1 {{ font-size: 17pt; margin: 0 0 3mm; }}
h2 {{ font-size: 12pt; margin: 3mm 0 2mm; }}
h3 {{ font-size: 9.5pt; margin: 3mm 0 1mm; }}
.cover {{ page: cover; }}
.cover-title {{ font-size: 24pt; margin-top: 8mm; bookmark-level: 1; }}
.subtitle {{ font-size: 12pt; color: #333; }}
.asof, .stands, .count {{ font-size: 11pt; margin: 1mm 0; }}
.asof {{ font-weight: bold; }}
.contents {{ break-before: page; }}
.contents h1 {{ bookmark-level: 1; string-set: region content(); }}
ul.toc {{ list-style: none; padding: 0; font-size: 11pt; }}
ul.toc li {{ margin: 1.5mm 0; }}
a {{ color: #0b3d91; text-decoration: none; }}
a.toc::after {{ content: leader('.') target-counter(attr(href), page); }}
.region-map {{ page: wide; break-before: page; }}
.region-title {{ bookmark-level: 1; string-set: region content(); }}
.region h1 {{ bookmark-level: 1; string-set: region content(); break-before: page; }}
.region-table {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
table.places th, table.places td {{ border-bottom: 0.4pt solid #bbb; padding: 1mm 1.2mm;
  text-align: left; vertical-align: top; }}
table.places th {{ background: #e8e8e8; }}
table.places col.name {{ width: 24%; }} table.places col.kind {{ width: 16%;
  }} table.places col.city {{ width: 13%; }}
table.places col.country {{ width: 16%; }} table.places col.status {{ width: 14%;
  }} table.places col.opened {{ width: 17%; }}
table.places thead {{ display: table-header-group; }}
table.places tr {{ break-inside: avoid; }}
ul.members {{ columns: 3; list-style: none; padding: 0; margin: 0; }}
.code {{ color: #555; font-size: 7pt; }}
.legend {{ font-size: 7.5pt; margin: 1.5mm 0; }}
.key {{ margin-right: 4mm; white-space: nowrap; }}
.key svg, .kind svg {{ vertical-align: -1.5pt; }}
.map svg {{ display: block; }}
.entry {{ break-before: page; }}
.entry-title {{ bookmark-level: 2; font-size: 15pt; margin-bottom: 1mm; }}
.other-name {{ color: #444; margin: 0 0 1mm; font-style: italic; }}
.kind {{ font-size: 9.5pt; margin: 1mm 0 2mm; }}
.top {{ display: flex; gap: 4mm; align-items: flex-start; }}
.qr {{ width: 40mm; font-size: 7pt; }}
.qr p {{ margin: 1mm 0; }}
.qr .link {{ overflow-wrap: break-word; color: #333; }}
table.facts {{ margin-top: 3mm; }}
table.facts col.label {{ width: 34mm; }}
table.facts th {{ text-align: left; vertical-align: top; color: #333; font-weight: bold;
  padding: 0.8mm 2mm 0.8mm 0; }}
table.facts td {{ vertical-align: top; padding: 0.8mm 0; overflow-wrap: break-word; }}
table.facts tr {{ border-top: 0.3pt solid #ddd; break-inside: avoid; }}
ul.dated {{ margin: 0; padding-left: 0; list-style: none; }}
ul.dated li {{ margin: 0 0 0.8mm; }}
.when {{ font-weight: bold; }}
.detail {{ display: block; color: #444; font-size: 7.5pt; }}
ul.sources {{ padding-left: 4mm; margin: 0; overflow-wrap: break-word; }}
.checked {{ color: #333; margin-top: 2mm; }}
section.index {{ break-before: page; }}
section.index h1 {{ bookmark-level: 1; string-set: region content(); }}
ul.index {{ list-style: none; padding: 0; columns: 2; column-gap: 6mm; margin: 0; }}
section.index h2 {{ break-after: avoid; }}
ul.index li {{ margin: 0 0 0.6mm; break-inside: avoid; }}
.alt {{ color: #555; font-style: italic; }}
a.ref::after {{ content: target-counter(attr(href), page); }}
"""


def stylesheet(paper: Paper, lang: str) -> str:
    """The document's CSS for ``paper`` (portrait; map spreads turn it) and language ``lang``.

    Parameters
    ----------
    paper : Paper
        The sheet, portrait; the page's margins are :data:`MARGIN_MM` all round.
    lang : str
        The document's language (a BCP 47 tag such as ``'fr'``), for hyphenation.

    Returns
    -------
    str
        The CSS text, for a ``<style>`` element.
    """
    return CSS.format(w=paper.width_mm, h=paper.height_mm, m=MARGIN_MM, lang=lang)
