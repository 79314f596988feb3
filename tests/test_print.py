"""The printed atlas (geo print, geo.pdf): read back with pypdf, QR codes decoded by zxing-cpp.

The PDFs are made once per module from the small fixture folder (11 places,
in English and French) through the command line, then read back: pages,
outline, index, text, links, QR codes and bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pypdf
import pytest
import zxingcpp
from click.testing import CliRunner
from hostile import HOSTILE, hostile_frames

import geo
from geo.build import print_atlas
from geo.cli import cli
from geo.errors import UsageError
from geo.pdf import atlas_pdf, check_base_url, check_paper

FIXTURE = Path(__file__).parent / "data"
IDS = (
    "wco-hq",
    "rocb-europe",
    "rocb-americas",
    "rtc-fiji",
    "rtc-kenya",
    "rilo-fixture-kehl",
    "samur",
    "beitbridge",
    "kasumbalesa",
    "maseru-bridge",
    "guerguerat",
)


def _data(tmp: Path) -> Path:
    folder = tmp / "data"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("README.md"))
    (folder / "geo.toml").write_text('[maps]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """``(data folder, output folder)`` after ``geo print`` (geo.toml asks for en and fr)."""
    tmp = tmp_path_factory.mktemp("print")
    data = _data(tmp)
    out = tmp / "output"
    result = CliRunner().invoke(cli, ["print", "--data", str(data), "--output", str(out)])
    assert result.exit_code == 0, result.output
    yield data, out


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """``(depth, title, page number)`` of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def _text(reader: pypdf.PdfReader, page: int) -> str:
    return reader.pages[page - 1].extract_text()


def _labels(svg: str) -> list[str]:
    """The text of every ``<text>`` of an SVG map, its lines joined by a space."""
    found = []
    for body in re.findall(r"<text [^>]*>(.*?)</text>", svg):
        lines = re.findall(r"<tspan [^>]*>(.*?)</tspan>", body) or [body]
        found.append(" ".join(lines))
    return found


def test_geo_print_writes_one_pdf_per_language_of_geo_toml(built: tuple[Path, Path]) -> None:
    _, out = built
    assert (out / "atlas.pdf").is_file()
    assert (out / "fr" / "atlas.pdf").is_file()
    assert not (out / "index.html").exists()  # the maps are another command's outputs


def test_every_place_has_an_entry_in_the_outline_and_the_index_at_its_page(
    built: tuple[Path, Path],
) -> None:
    _, out = built
    atlas = geo.load(FIXTURE)
    names = dict(zip(atlas.places["id"], atlas.places["name"], strict=True))
    reader = pypdf.PdfReader(out / "atlas.pdf")
    outline = _outline(reader)
    pages = {title: page for depth, title, page in outline if depth == 1}
    assert sorted(names.values()) == sorted(pages)
    # cover, contents, 6 spreads, entries, index (the entries lost their noise rows in
    # issue 20: no 0 km to a country a place lies in, no note repeating its date; the
    # index its blank pages in issue 24's review: its lists no longer break before a page)
    assert len(reader.pages) == 28
    index_page = next(page for depth, title, page in outline if title == "Index")
    index = "\n".join(_text(reader, p) for p in range(index_page, len(reader.pages) + 1))
    index = re.sub(r"\s+", " ", index)
    for place_id, name in names.items():
        page = pages[name]
        assert re.sub(r"\s+", " ", _text(reader, page)).startswith(name), place_id
        assert f"{name} {page}" in index, f"{name} at page {page} not in the index"


def test_the_outline_goes_by_region_then_place(built: tuple[Path, Path]) -> None:
    _, out = built
    outline = _outline(pypdf.PdfReader(out / "atlas.pdf"))
    top = [title for depth, title, _ in outline if depth == 0]
    assert top[:2] == ["The WCO capacity-building network", "Contents"]
    assert top[-1] == "Index"
    assert "Europe" in top and "East and Southern Africa" in top
    europe = next(i for i, (d, t, _) in enumerate(outline) if d == 0 and t == "Europe")
    following = [t for d, t, _ in outline[europe + 1 :]]
    assert following[0] == "WCO Secretariat (Headquarters)" or "Samur" in " ".join(following[:4])


def test_text_is_extractable_in_english_and_french(built: tuple[Path, Path]) -> None:
    _, out = built
    english = pypdf.PdfReader(out / "atlas.pdf")
    french = pypdf.PdfReader(out / "fr" / "atlas.pdf")
    en_all = " ".join(p.extract_text() for p in english.pages)
    fr_all = " ".join(p.extract_text() for p in french.pages)
    assert "Contents" in en_all and "Checked on" not in fr_all
    assert "Sommaire" in fr_all and "Afrique orientale et australe" in fr_all
    assert "Poste frontière" in fr_all and "Border post" not in fr_all
    assert "Scannez pour ouvrir ce lieu" in fr_all
    assert english.metadata is not None and english.metadata.title == (
        "The WCO capacity-building network"
    )


def _gray_page(pdf: Path, page: int, dpi: int = 150) -> np.ndarray:
    """A page as a grey image (pdftoppm, Debian's poppler-utils, as scripts/test.sh installs)."""
    data = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    return np.frombuffer(data[header.end() :], dtype=np.uint8).reshape(height, width)


@pytest.mark.parametrize(("lang", "path"), [("en", "atlas.pdf"), ("fr", "fr/atlas.pdf")])
def test_the_qr_codes_decode_to_the_deep_links(
    built: tuple[Path, Path], lang: str, path: str
) -> None:
    _, out = built
    reader = pypdf.PdfReader(out / path)
    found = {}
    for depth, title, page in _outline(reader):
        if depth != 1:
            continue
        codes = zxingcpp.read_barcodes(_gray_page(out / path, page))
        found[title] = [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
    atlas = geo.load(FIXTURE)
    names = dict(zip(atlas.places["id"], atlas.places["name"], strict=True))
    assert len(found) == len(names)
    for place_id, name in names.items():
        expected = f"index.html#place={place_id}"  # beside this language's maps
        assert found[name] == [expected], (lang, name)


def test_a_base_url_puts_full_addresses_in_the_qr_codes_and_links() -> None:
    atlas = geo.load(FIXTURE)
    one = atlas.places[atlas.places["id"] == "samur"]
    pdf = atlas_pdf(
        one,
        atlas.countries_display,
        lang="fr",
        other_lang="en",
        base_url="https://example.org/atlas/",
        link_prefix="fr/",
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    uris = {
        str(a.get_object()["/A"].get("/URI"))
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    }
    assert "https://example.org/atlas/fr/index.html#place=samur" in uris


def test_two_builds_give_identical_bytes(built: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = built
    again = tmp_path / "again"
    print_atlas(data, again)
    for name in ("atlas.pdf", "fr/atlas.pdf"):
        first, second = (out / name).read_bytes(), (again / name).read_bytes()
        assert first == second, name
        assert b"/CreationDate" not in first and b"/ModDate" not in first


def test_the_pdf_is_rebuilt_only_when_its_inputs_change(built: tuple[Path, Path]) -> None:
    data, out = built
    before = (out / "atlas.pdf").stat().st_mtime_ns
    result = print_atlas(data, out)
    assert result.written == () and len(result.unchanged) == 2
    assert (out / "atlas.pdf").stat().st_mtime_ns == before
    built_maps = geo.build.build(data, out)  # a plain build leaves the PDF as it is
    assert out / "atlas.pdf" not in built_maps.written
    assert print_atlas(data, out).written == ()
    result = print_atlas(data, out, paper="letter")
    assert sorted(result.written) == [out / "atlas.pdf", out / "fr" / "atlas.pdf"]
    width, height = (float(v) for v in pypdf.PdfReader(out / "atlas.pdf").pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)
    print_atlas(data, out)  # back to A4 for the other tests
    assert round(float(pypdf.PdfReader(out / "atlas.pdf").pages[0].mediabox[2])) == 595


def test_a_failed_run_leaves_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _data(tmp_path)
    out = tmp_path / "output"

    def crash(html: str) -> bytes:
        raise KeyboardInterrupt  # as a killed run: nothing after the layout is reached

    monkeypatch.setattr("geo.pdf._write_pdf", crash)
    with pytest.raises(KeyboardInterrupt):
        print_atlas(data, out)
    left = [p.name for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not [name for name in left if name.endswith(".pdf") or ".tmp" in name], left


def test_hostile_text_is_text_in_the_pdf_and_no_link_but_http() -> None:
    places, countries = hostile_frames()
    pdf = atlas_pdf(places, countries, lang="en", other_lang="fr")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # poppler reads this text back; pypdf mistakes its font's map for two-byte text
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode("utf-8")
    text = re.sub(r"\s+", " ", text)
    assert "onerror=" in text and "</script>" in text  # written out, not read as markup
    assert "{{ 7*7 }}" in text
    uris = [
        str(a.get_object()["/A"].get("/URI"))
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert all(u.startswith(("http://", "https://")) for u in uris), uris
    assert b"/JavaScript" not in pdf and b"/Launch" not in pdf
    assert len(reader.outline) > 2
    assert HOSTILE[0] in text  # whole, as text
    assert "{{ 7*7 }}{% raw %}{{ jinja }}" in text


def test_an_unknown_paper_or_address_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"paper='a5'; expected one of \['a3', 'a4', 'letter'\]"):
        check_paper("a5")
    assert check_paper("A3") == "a3"
    with pytest.raises(UsageError, match=r"base_url='javascript:alert\(1\)'; expected the http"):
        check_base_url("javascript:alert(1)")
    result = CliRunner().invoke(cli, ["print", "--paper", "a5"])
    assert result.exit_code == 2 and "a5" in result.output


def test_the_place_of_a_locator_is_named_even_where_others_crowd_it() -> None:
    """Samur's own name was missing from its entry's map: every spot beside it was taken."""
    from geo.pdf.mapsvg import Box, Mark, draw_map

    countries = geo.load().countries_display
    lon, lat = 48.4303, 41.6367
    crowd = [  # labelled neighbours on every side, drawn first
        Mark(lon + dx, lat + dy, "border_post", label="A neighbouring crossing")
        for dx, dy in ((0.08, 0), (-0.08, 0), (0, 0.05), (0, -0.05))
    ]
    own = Mark(
        lon, lat, "border_post", label="Samur, the place itself", strong=True, named_anyway=True
    )
    svg = draw_map(
        countries, Box(lon - 1, lat - 0.6, lon + 1, lat + 0.6), [*crowd, own], width=300, height=200
    )
    assert "Samur, the place itself" in _labels(svg)


def test_each_index_list_starts_on_the_page_of_its_heading(built: tuple[Path, Path]) -> None:
    """The lists broke before a page of their own: "Index", "Places" on an empty page."""
    _, out = built
    for path, headings in (
        ("atlas.pdf", ("Places", "Cities", "Countries")),
        ("fr/atlas.pdf", ("Lieux", "Villes", "Pays")),
    ):
        reader = pypdf.PdfReader(out / path)
        start = [page for depth, _, page in _outline(reader) if depth == 0][-1]
        seen = []
        for page in range(start, len(reader.pages) + 1):
            lines = [line.strip() for line in _text(reader, page).splitlines()]
            for heading in headings:
                if heading in lines:
                    after = lines[lines.index(heading) + 1 :]
                    # an entry is a term and its page numbers: "Samur - Yarag-Kazmalyar ... 12"
                    assert any(re.search(r"\D \d+$", line) for line in after), (path, heading, page)
                    seen.append(heading)
        assert seen == list(headings), (path, seen)


def _words(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """``(page, x_min, y_min, x_max, y_max, word)`` of every word poppler reads (points)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-nopgbrk", "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode("utf-8")
    found = []
    for page, body in enumerate(re.split(r"<page ", html)[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append((page, x0, y0, x1, y1, m.group(5)))
    return found


def _europe(count: int, **columns: Any) -> gpd.GeoDataFrame:
    """``count`` border posts of the fixture's Samur, renamed, in one region (Europe)."""
    atlas = geo.load(FIXTURE)
    samur = atlas.places[atlas.places["id"] == "samur"]
    rows = samur.loc[samur.index.repeat(count)].reset_index(drop=True)
    rows["id"] = [f"post-{i:02d}" for i in range(count)]
    for key, values in columns.items():
        rows[key] = values
    return rows


def test_a_row_of_a_region_table_is_never_cut_by_a_page() -> None:
    """Rows broke across pages: the top of a cell on one page, its end on the next."""
    count = 40
    places = _europe(
        count,
        name=[f"Post{i:02d} crossing" for i in range(count)],
        city=[f"Town{i:02d} on the old road to the river End{i:02d}" for i in range(count)],
    )
    pdf = atlas_pdf(places, geo.load(FIXTURE).countries_display, lang="en")
    words = _words(pdf)
    first_entry = min(p for d, _, p in _outline(pypdf.PdfReader(io.BytesIO(pdf))) if d == 1)
    table_pages = set(range(1, first_entry))
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for page, *_, word in words:
        if page not in table_pages:
            continue
        if m := re.fullmatch(r"Town(\d\d)", word):
            first[m.group(1)] = page
        elif m := re.fullmatch(r"End(\d\d)", word):
            last[m.group(1)] = page
    assert len(first) == count and len(set(first.values())) > 1  # the table spans pages
    assert {k: v for k, v in first.items() if last.get(k) != v} == {}


def test_a_status_word_keeps_clear_of_the_next_column() -> None:
    """ "Operational" ran into the opening date: the status column was narrower than the word."""
    places = _europe(3, name=["A", "B", "C"], status="operational")
    for lang, word in (("en", "Operational"), ("fr", "activité")):
        words = _words(atlas_pdf(places, geo.load(FIXTURE).countries_display, lang=lang))
        status = [w for w in words if w[5] == word]
        assert status, lang
        for page, _, y0, x1, _, _ in status:
            after = [w[1] for w in words if w[0] == page and abs(w[2] - y0) < 1 and w[1] > x1 - 1]
            assert all(x - x1 >= 3 for x in after), (lang, word, min(after) - x1)


#: Text the layout engine would act on if it were read as markup or CSS.
_FETCHING = (
    "</style><style>*{display:none}</style>",
    "<img src=http://127.0.0.1:9/img.png>",
    "x{background:url(http://127.0.0.1:9/bg.png)}",
    "@import url(http://127.0.0.1:9/evil.css);",
    "<link rel=stylesheet href=http://127.0.0.1:9/l.css>",
)


def test_hostile_names_are_printed_as_text_and_long_ones_stay_on_the_page() -> None:
    long_name = "Unbroken" * 40
    long_url = "https://example.org/" + "segment" * 40
    names = [*_FETCHING, long_name]
    places = _europe(
        len(names),
        name=names,
        city=[long_name] * len(names),
        source=[long_url] * len(names),
        notes=names,
    )
    pdf = atlas_pdf(places, geo.load(FIXTURE).countries_display, lang="en", other_lang="fr")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    for name in names:
        assert re.sub(r"\s+", "", name) in flat, name
    assert flat.count(long_name) >= len(names)  # the index, entries and table: every one whole
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    widths = [float(page.mediabox[2]) for page in reader.pages]
    margin = 14 * 72 / 25.4
    outside = [w for w in _words(pdf) if w[1] < margin - 1 or w[3] > widths[w[0] - 1] - margin + 1]
    assert outside == [], outside[:3]


def test_a_label_covers_no_other_place_unless_the_map_is_about_its_place() -> None:
    """The cover wrote the Secretariat's long name across the symbols of Europe and Africa."""
    from geo.pdf.mapsvg import Box, Mark, draw_map

    countries = geo.load(FIXTURE).countries_display
    lon, lat = 4.37, 50.85
    crowd = [
        Mark(lon + dx, lat + dy, "border_post")
        for dx in (-3, -2, -1, 0, 1, 2, 3)
        for dy in (-1.2, -0.6, 0, 0.6, 1.2)
        if dx or dy
    ]
    name = "World Customs Organization (WCO) Secretariat / Headquarters"
    head = Mark(lon, lat, "hq", label=name, strong=True)
    svg = draw_map(countries, Box(-20, 35, 30, 65), [*crowd, head], width=400, height=300)
    assert name not in _labels(svg)  # no free spot: better unnamed than covering neighbours
    svg = draw_map(
        countries,
        Box(-20, 35, 30, 65),
        [*crowd, replace(head, named_anyway=True)],
        width=400,
        height=300,
    )
    assert name in _labels(svg)


def test_cities_are_named_in_the_document_language_and_indexed_by_name() -> None:
    """French pages said Brussels and Baku; the index listed a city's whole free text."""
    atlas = geo.load(FIXTURE)
    europe = atlas.places[atlas.places["region"] == "EUR"]

    def text(lang: str, other: str) -> str:
        pdf = atlas_pdf(europe, atlas.countries_display, lang=lang, other_lang=other)
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True)
        return re.sub(r"\s+", " ", out.stdout.decode("utf-8"))

    french = text("fr", "en")
    assert french.count("Bruxelles (Saint-Josse") == 2  # the table, the entry
    assert "Brussels" not in french.replace("Bruxelles (Brussels)", "")
    index = french[french.rindex("Villes") :]
    assert "Bakou (Baku)" in index and "Bruxelles (Brussels)" in index
    assert "Rue du Marché" not in index
    english = text("en", "fr")
    index = english[english.rindex("Cities") :]
    assert "Baku (Bakou)" in index and "Brussels (Bruxelles)" in index


def test_a_long_name_slides_along_under_its_place_clear_of_a_neighbour() -> None:
    """Samur's long name was centred under it, over the symbol of the crossing next to it."""
    from geo.pdf.mapsvg import Box, Mark, draw_map

    countries = geo.load(FIXTURE).countries_display
    lon, lat = 48.43, 41.64
    name = "Samur - Yarag-Kazmalyar (Samur-Khachmaz)"
    own = Mark(lon, lat, "border_post", label=name, strong=True, named_anyway=True)
    # one neighbour under the centred name's left half, one over its right half
    neighbours = [Mark(lon - 1.3, lat - 0.2, "border_post"), Mark(lon + 1.0, lat + 0.2, "rtc")]
    svg = draw_map(
        countries,
        Box(lon - 2.5, lat - 1.6, lon + 2.5, lat + 1.6),
        [*neighbours, own],
        width=390,
        height=240,
    )
    texts = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)" '
        r'text-anchor="(\w+)"[^>]*>(.*?)</text>',
        svg,
    )
    found = [t for t in texts if name.startswith(re.findall(r">([^<]*)</tspan>", t[4])[0])]
    assert len(found) == 1
    x, y, size = (float(v) for v in found[0][:3])
    lines = re.findall(r'y="([\d.]+)">([^<]*)</tspan>', found[0][4])
    assert " ".join(line for _, line in lines) == name
    width = max(len(line) for _, line in lines) * size * 0.56
    bottom = float(lines[-1][0])
    left = {"start": x, "end": x - width, "middle": x - width / 2}[found[0][3]]
    for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)[:1]:
        inside_x = left - 4 < float(cx) < left + width + 4
        assert not (inside_x and y - size - 4 < float(cy) < bottom + 4), (left, cx)


def test_a_locator_names_the_towns_around_its_place_as_the_web_map_does() -> None:
    """The locator named only countries: no town to say where on the border Samur is."""
    atlas = geo.load(FIXTURE)
    samur = atlas.places[atlas.places["id"] == "samur"]
    for lang, town in (("en", "Derbent"), ("fr", "Derbent")):
        pdf = atlas_pdf(samur, atlas.countries_display, lang=lang)
        entry = min(p for d, _, p in _outline(pypdf.PdfReader(io.BytesIO(pdf))) if d == 1)
        words = {w[5] for w in _words(pdf) if w[0] == entry}
        assert town in words, (lang, sorted(words)[:40])
    from geo.pdf.mapsvg import Box, Town, draw_map

    crowded = [Town(48.0, 41.0, "Fits"), Town(48.01, 41.0, "Clashes with Fits")]
    svg = draw_map(
        atlas.countries_display, Box(46, 40, 50, 42), [], width=300, height=200, towns=crowded
    )
    assert ">Fits<" in svg and "Clashes" not in svg  # a name with no room goes, dot and all
    assert svg.count("<circle") == 1


def test_the_regions_of_the_cover_differ_in_greyscale_too() -> None:
    """The web maps' region colours are all of one lightness: in grey, Africa was one blot."""
    from geo.pdf.mapsvg import Box, draw_map
    from geo.render.style import REGION_COLORS

    countries = geo.load(FIXTURE).countries_display
    svg = draw_map(countries, Box(-180, -56, 180, 78), [], width=500, height=360)
    fills = {}
    for code in REGION_COLORS:
        rows = countries[(countries["region"] == code) & countries["member"].astype(bool)]
        assert len(rows), code
        fills[code] = set()
    for fill in re.findall(r'<path d="[^"]*" fill="([^"]+)"', svg):
        for code in fills:
            if fill in (REGION_COLORS[code], f"url(#hatch-{code.lower()})"):
                fills[code].add(fill)
    # one plain region at most; every other its own hatching, defined in the map
    plain = [code for code, found in fills.items() if found == {REGION_COLORS[code]}]
    assert len(plain) <= 1, fills
    for code, found in fills.items():
        if code not in plain:
            assert found == {f"url(#hatch-{code.lower()})"}, (code, found)
            assert f'<pattern id="hatch-{code.lower()}"' in svg


def test_the_pages_of_an_index_term_ascend() -> None:
    """A country's pages came in the order of kinds: "Azerbaïdjan 8, 11, 21, 66, 22, 24"."""
    atlas = geo.load(FIXTURE)
    two = atlas.places[atlas.places["id"].isin(["rtc-fiji", "rocb-americas"])].copy()
    two["iso3"] = "URY"  # one country: a ROCB in the Americas, an RTC in Asia/Pacific before it
    two["country"] = "Uruguay"
    pdf = atlas_pdf(two, atlas.countries_display, lang="en")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = {t: p for d, t, p in _outline(reader) if d == 1}
    assert pages["WCO RTC Fiji"] < pages["ROCB Americas and Caribbean"]
    text = re.sub(r"\s+", " ", _text(reader, len(reader.pages)))
    fiji, americas = pages["WCO RTC Fiji"], pages["ROCB Americas and Caribbean"]
    assert f"Uruguay {fiji}, {americas}" in text, text


def test_as_of_prints_the_network_of_that_day(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "output"
    print_atlas(data, out, as_of="2005-06-30", lang="en")
    reader = pypdf.PdfReader(out / "atlas.pdf")
    bookmarked = {title for depth, title, _ in _outline(reader) if depth == 1}
    then = geo.load(data, as_of="2005-06-30").places
    assert bookmarked == set(then["name"]) and 0 < len(then) < len(IDS)
    assert "30 June 2005" in _text(reader, 1)
    assert "ROCB Europe" not in " ".join(bookmarked)  # opened 2011: not on that day's map


def test_the_fonts_are_embedded(built: tuple[Path, Path]) -> None:
    _, out = built
    for name in ("atlas.pdf", "fr/atlas.pdf"):
        reader = pypdf.PdfReader(out / name)
        fonts: dict[str, bool] = {}
        for page in reader.pages:
            for font in page["/Resources"].get_object().get("/Font", {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                described = descendants[0].get_object() if descendants else font
                descriptor = described["/FontDescriptor"].get_object()
                fonts[str(font["/BaseFont"])] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
        assert fonts and all(fonts.values()), fonts


@pytest.mark.parametrize(("paper", "size"), [("a3", (842, 1191)), ("letter", (612, 792))])
def test_region_pages_turn_landscape_on_every_paper(
    tmp_path: Path, paper: str, size: tuple[int, int]
) -> None:
    data = _data(tmp_path)
    out = tmp_path / "output"
    print_atlas(data, out, paper=paper, lang="en")
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in pypdf.PdfReader(out / "atlas.pdf").pages
    }
    assert sizes == {size, size[::-1]}  # portrait entries, landscape region pages
