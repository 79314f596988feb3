"""The languages of the maps: catalogues complete and consistent, CLDR names, dates, numbers."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo.i18n import (
    DEFAULT_LANGUAGE,
    catalogue_files,
    check_languages,
    city_name,
    country_name,
    languages,
    placeholders,
    translator,
)
from geo.schema import KINDS, REGIONS, STATUSES


def test_english_and_french_are_spoken() -> None:
    assert {"en", "fr"} <= set(languages())
    assert DEFAULT_LANGUAGE == "en"


@pytest.mark.parametrize("lang", languages())
def test_every_catalogue_has_every_key_with_the_same_placeholders(lang: str) -> None:
    english, other = translator("en"), translator(lang)
    assert other.message_keys() == english.message_keys()
    for key in english.message_keys():
        assert other.has_plural(key) == english.has_plural(key), key
        if english.has_plural(key):
            en_texts, texts = english.plural_forms(key).values(), other.plural_forms(key).values()
        else:
            en_texts, texts = [english(key)], [other(key)]
        wanted = set().union(*(placeholders(t) for t in en_texts))
        for text in texts:
            assert text.strip(), (lang, key)
            assert placeholders(text) <= wanted, (lang, key, text)


@pytest.mark.parametrize("lang", languages())
def test_the_vocabulary_of_the_data_is_translated(lang: str) -> None:
    t = translator(lang)
    for kind in KINDS:
        assert t(f"kind.{kind}")
    for code in REGIONS:
        assert t(f"region.{code}")
    for status in (*STATUSES, "unknown"):
        assert t(f"status.{status}")


def test_french_uses_the_wco_names() -> None:
    t = translator("fr")
    assert t("kind.rocb") == "Bureau régional de renforcement des capacités (BRRC)"
    assert t("kind.rtc") == "Centre régional de formation (CRF)"
    assert t("kind.rilo") == "Bureau régional de liaison chargé du renseignement (BRLR)"
    assert t("kind.border_post") == "Poste frontière"
    assert t("row.osbp") == "Poste frontière à guichet unique"
    assert [t(f"region.{code}") for code in REGIONS] == [
        "Europe",
        "Asie/Pacifique",
        "Amériques et Caraïbes",
        "Afrique orientale et australe",
        "Afrique occidentale et centrale",
        "Afrique du Nord, Proche- et Moyen-Orient",
    ]


@pytest.mark.parametrize("lang", languages())
def test_message_ids_are_keys_and_every_text_is_translated(lang: str) -> None:
    t = translator(lang)
    for key in t.message_keys():
        assert re.fullmatch(r"[a-z_]+\.[A-Za-z_]+", key), key
    if lang != "en":  # a text the same as the English one is a word both languages share
        english = translator("en")
        same = {
            key
            for key in t.message_keys()
            if not t.has_plural(key)
            and t(key) == english(key)
            and re.search("[a-z]{3}", re.sub(r"\{\w+\}", "", t(key)))
        }
        assert same <= SAME_IN_ENGLISH_AND_FRENCH, sorted(same - SAME_IN_ENGLISH_AND_FRENCH)


#: Texts that French writes as English does (words both share, names, units).
SAME_IN_ENGLISH_AND_FRENCH = {
    "print.index",  # Index
    "print.sources",  # Sources
    "region.EUR",  # Europe
    "row.notes",  # Notes
    "row.note",
    "row.source",  # Source
    "row.date",  # Date
    "row.distance_km",  # Distance
    "precision.village",  # Village
    "mode.rail",  # Rail
    "menu.open",  # Menu
    "timeline.pause",  # Pause
}


def test_plurals_pick_their_form_and_write_the_count_with_the_languages_grouping() -> None:
    en, fr = translator("en"), translator("fr")
    assert en("count.places", n=1) == "1 place"
    assert en("count.places", n=0) == "0 places"
    assert en("count.places", n=12345) == "12,345 places"
    assert fr("count.places", n=0) == "0 lieu"  # French: 0 and 1 are singular
    assert fr("count.places", n=2) == "2 lieux"
    assert fr("count.places", n=12345) == "12\u202f345 lieux"
    assert fr.plural_forms("count.places") == {"one": "{n} lieu", "other": "{n} lieux"}
    assert en("timeline.end_of", year=2011) == "End of 2011"  # a year is not a count


def test_languages_are_checked_and_lists_of_them_read() -> None:
    assert check_languages("en,fr") == ("en", "fr")
    assert check_languages(" fr ") == ("fr",)
    assert check_languages(["fr", "en"]) == ("fr", "en")
    with pytest.raises(geo.UsageError, match=r"Got lang='fra'.*\(did you mean 'fr'\?\)"):
        check_languages("en,fra")
    with pytest.raises(geo.UsageError, match=r"each language may be asked for once"):
        check_languages("fr,fr")
    with pytest.raises(geo.UsageError, match=r"a language or a list of them"):
        check_languages([])


def test_each_catalogue_says_the_locale_of_its_formats() -> None:
    assert translator("en").locale == "en_GB" and translator("en").bcp47 == "en-GB"
    assert translator("fr").locale == "fr" and translator("fr").bcp47 == "fr"
    assert {p.parent.parent.name for p in catalogue_files()} == set(languages())


def test_a_missing_key_is_an_error_not_a_silent_key() -> None:
    with pytest.raises(KeyError, match="no text for 'nope' in the 'fr' catalogue"):
        translator("fr")("nope")


def test_an_unknown_language_names_the_choices() -> None:
    with pytest.raises(geo.UsageError, match=r"Got lang='de'; `lang` must be one of \['en', 'fr'"):
        translator("de")


def test_every_country_of_the_atlas_has_a_cldr_name() -> None:
    atlas = geo.load()
    codes = {
        c.iso3 for c in (*atlas.membership.members.values(), *atlas.membership.others.values())
    }
    missing = sorted(c for c in codes if country_name(c, "fr") is None)
    assert missing == []
    assert country_name("CIV", "fr") == "Côte d\u2019Ivoire"
    assert country_name("XKX", "en") == "Kosovo"
    assert country_name("ZZZ", "fr", "Somewhere") == "Somewhere"  # CLDR's "unknown region"
    assert country_name("QQQ", "fr", "Somewhere") == "Somewhere"
    assert country_name(None, "fr", "x") == "x"


@pytest.mark.parametrize(
    ("lang", "value", "text"),
    [
        ("en", "2011", "2011"),
        ("fr", "2011-10", "octobre 2011"),
        ("en", "2011-10-17", "17 October 2011"),  # British: the WCO's English
        ("fr", "2011-10-17", "17 octobre 2011"),
        ("fr", dt.date(2025, 4, 24), "24 avril 2025"),
        ("fr", "not a date", "not a date"),
    ],
)
def test_dates_with_their_precision(lang: str, value: object, text: str) -> None:
    assert translator(lang).date(value) == text  # type: ignore[arg-type]


def test_numbers_with_the_languages_separators() -> None:
    assert translator("en").number(1234.5, decimals=1) == "1,234.5"
    assert translator("fr").number(1234.5, decimals=1) == "1\u202f234,5"
    assert translator("fr").number(41.64, decimals=6, trim=True) == "41,64"


# ------------------------------------------------------------------ no word outside the catalogues

ROOT = Path(__file__).resolve().parents[1]
JS_FILES = sorted((ROOT / "geo" / "assets" / "js").glob("*.js"))
#: Python modules that write what a map's reader reads (assets.py reads files: no words).
PY_FILES = [
    *sorted(p for p in (ROOT / "geo" / "render").glob("*.py") if p.name != "assets.py"),
    ROOT / "geo" / "build.py",
    *sorted((ROOT / "geo" / "pdf").glob("*.py")),
]

#: String literals that look like words but are not what a reader reads: key names of
#: keyboard events, event lists, a font stack, a CSP, canonical values translated later.
NOT_WORDS = {
    "Escape",
    "Enter",
    "ArrowDown",
    "ArrowUp",
    "add remove",
    "moveend zoomend resize",
    "moveend viewreset baselayerchange",
    '600 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif',
    '400 11px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif',
    "use strict",
    "noopener noreferrer",
    "default-src 'none'",
    "script-src ",
    "style-src ",
    "img-src data: ",
    "base-uri 'none'",
    "form-action 'none'",
    "Yes",  # _text's canonical text of a boolean: a popup writes value.yes/value.no
    "No",
    "Feature",  # GeoJSON's type names (RFC 7946), in the file download.js makes
    "Point",
    "Polygon",  # a geometry type (geo.render.detail keeps the polygons of a cut)
}
#: Names that are the same in every language.
BRANDS = ("OpenStreetMap", "CARTO", "Leaflet", "Natural Earth")
#: Attributes and properties whose value a reader reads (or hears).
READ_CONTEXT = re.compile(
    r"""(?:\.(?:textContent|title|placeholder|alt)\s*=\s*"""
    r"""|\b(?:textContent|title|placeholder|alt|label)\s*:\s*"""
    r"""|['"](?:aria-label|aria-valuetext|title|placeholder|alt)['"]\s*[:,]\s*"""
    r"""|createTextNode\(\s*)(['"])((?:\\.|(?!\1).)*)\1"""
)


def _js_literals(source: str) -> list[str]:
    """The string literals of a script (comments and regular expressions skipped)."""
    out: list[str] = []
    i, n, last = 0, len(source), ""
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i) % (n + 1) if "\n" in source[i:] else n
            continue
        if source.startswith("/*", i):
            i = source.index("*/", i) + 2
            continue
        if c in "'\"`":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            out.append(source[i + 1 : j])
            i, last = j + 1, "x"
            continue
        if c == "/" and (last in "(,=:[!&|?{};" or last == ""):  # a regular expression
            j, klass = i + 1, False
            while klass or source[j] != "/":
                klass = (klass or source[j] == "[") and source[j] != "]"
                j += 2 if source[j] == "\\" else 1
            i, last = j + 1, "x"
            continue
        if not c.isspace():
            last = c
        i += 1
    return out


def _prose(text: str) -> bool:
    """Whether a literal holds words for people: text between tags, not markup or names."""
    if text in NOT_WORDS:
        return False
    if "{%" in text:  # a Jinja template: its text between tags and its read attributes
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", text, flags=re.S)
        read = r'(?:aria-label|title|alt|placeholder)="([^"]*)"'
        parts = re.findall(r">([^<>]*)<", text) + re.findall(read, text)
        return any(_prose(part) for part in parts)
    text = re.sub(r"<[^<>]*>|<\w[^<>]*$|^[^<>]*>", " ", text)  # tags, and a tag cut by a '+'
    text = re.sub(r"[\w:-]+=\"[^\"]*\"?|&\w+;|\{\{.*?\}\}|\{%.*?%\}", " ", text)
    for brand in BRANDS:
        text = text.replace(brand, " ")
    text = re.sub(r"[\w.#-]*(?:atlas|leaflet)-[\w-]*|:not\(|\[\w+\]|url\(", "", text)  # classes
    spaced = re.search(r"(?:^|\s)[A-Za-z]{2,}\b|\b[A-Za-z]{2,}(?:\s|$)", text) and " " in text
    return bool(spaced or re.fullmatch(r"\s*[A-Z][a-z]+\s*", text))


#: Names whose strings are for developers (errors, element names), not a map's reader.
QUIET = {
    *("__all__", "_name", "Problem", "UsageError", "RenderError", "DataError"),
    *("_CSS", "CSS"),  # the printed atlas's style sheet (geo.pdf.paper): properties, not words
}


def _python_literals(path: Path) -> list[str]:
    """String constants of a module that may reach a page: not docstrings, errors or logs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skip.add(id(first.value))  # a docstring
        quiet = (
            isinstance(node, ast.Raise)
            or (
                isinstance(node, ast.Assign)
                and any(getattr(t, "id", getattr(t, "attr", "")) in QUIET for t in node.targets)
            )
            or (isinstance(node, ast.Call) and getattr(node.func, "id", "") in QUIET)
            or (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "append"
                and getattr(node.func.value, "id", "") == "problems"  # type: ignore[attr-defined]
            )
            or (
                isinstance(node, ast.Assign)
                and any(getattr(t, "id", "") == "msg" for t in node.targets)
            )
            or (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") in {"info", "debug", "warning"}
            )
            or (  # a WriteRule's check names the path in its error message (geo.targets)
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") in {"check", "check_folder"}
            )
        )
        if quiet:
            skip.update(id(sub) for sub in ast.walk(node))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: p.name)
def test_no_word_for_people_is_written_in_a_script(path: Path) -> None:
    """Every word of the page comes from the catalogue: a literal of prose in a script fails."""
    source = path.read_text(encoding="utf-8")
    found = [text for text in _js_literals(source) if _prose(text)]
    found += [
        m.group(2)
        for m in READ_CONTEXT.finditer(source)
        if re.search(
            "[A-Za-z]", re.sub(r"\\u[0-9a-fA-F]{4}", "", m.group(2))
        )  # '\u00d7' is no word
        and m.group(2) not in NOT_WORDS
    ]
    assert found == [], f"words in {path.name}: put them in geo/locale/*/geo.po ({found})"


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: p.name)
def test_no_word_for_people_is_written_in_the_renderer(path: Path) -> None:
    found = [text for text in _python_literals(path) if _prose(text)]
    assert found == [], f"words in {path.name}: put them in geo/locale/*/geo.po ({found})"


def test_the_scanners_find_words_and_leave_markup_and_names() -> None:
    caught = [
        "Showing ",
        " places: zoom in</span>",
        "Places",
        "<h2>Places here</h2>",
        "Copy link",
        "List of places",
    ]
    left = [
        "atlas-row atlas-focus",
        '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9V4h5"/></svg>',
        '" stroke="#ffffff" stroke-width="4.2">',
        '<g fill="',
        '&copy; <a href="https://carto.com/attributions">CARTO</a>',
        "aria-label",
        "click",
        "Escape",
        "7 5",
        "{label}: {count}",
    ]
    assert [t for t in caught if _prose(t)] == caught
    assert [t for t in left if _prose(t)] == []
    source = (
        "var a = /it's ['\"] a regex/g; // don't\nvar b = 'x' + \"y\"; /* 'no' */ f(a / 2, 'z');"
    )
    assert _js_literals(source) == ["x", "y", "z"]
    assert READ_CONTEXT.search("h('p', { textContent: 'Menu' })")


#: Prefixes of keys the code builds from a code of the data (``kind.<kind>``...).
DYNAMIC_KEYS = (
    "kind.",
    "region.",
    "status.",
    "precision.",
    "located_by.",
    "placed_by.",
    "mode.",
    "row.",
    "cluster.kind_",  # groups.js: 'cluster.kind_' + a kind's code
    "list.",
    "confidence.",
)


def test_every_key_the_code_names_is_in_the_catalogue_and_every_key_is_used() -> None:
    english = translator("en").message_keys()
    sources = [p.read_text(encoding="utf-8") for p in JS_FILES]
    sources += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "geo").rglob("*.py"))]
    named = set()
    for source in sources:
        named |= set(re.findall(r"""\bt\(\s*(?:app,\s*)?['"]([a-z_]+\.[A-Za-z_]+)['"]""", source))
    assert named - english == set(), "keys the code asks for that no catalogue has"
    mentioned = set()
    for source in sources:
        mentioned |= set(re.findall(r"""['"]([a-z_]+\.[A-Za-z_]+)['"]""", source))
    unused = {key for key in english if key not in mentioned and not key.startswith(DYNAMIC_KEYS)}
    assert unused == set(), "keys no code uses: remove them from every catalogue"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_numbers_of_any_size_are_written(lang: str) -> None:
    t = translator(lang)
    huge = t.number(1e300, decimals=1)
    assert huge.startswith("1") and huge.endswith(("0.0", "0,0"))
    assert len(huge.replace(",", "").replace("\u202f", "").replace("\xa0", "")) > 300
    assert t.number(-1.7976931348623157e308, decimals=5).startswith("-179")


# ------------------------------------------------------------------ dates in their phrases

#: What a French date of each shape may follow and what it may not: a day takes an
#: article ("le 9 novembre", "du", "au"), a month or a year none ("en 2007", "de 2007").
_DAY = r"(?:1er|[1-9]|[12]\d|3[01]) [a-zéû]+ -?\d+"
_MONTH_OR_YEAR = r"(?:[a-zéû]+ )?-?\d{1,4}\b"
_FRENCH_WRONG = re.compile(
    rf"\b(?:de|à|depuis|jusqu\u2019en|entre|et|en) {_DAY}"  # "de 9 novembre 2007"
    rf"|\b(?:le|du|au|jusqu\u2019au) (?!{_DAY}){_MONTH_OR_YEAR}"  # "du 2007", "au novembre 2017"
    r"|\b1 [a-zéû]+ \d"  # "1 mars 2011": French writes "1er mars 2011"
)


@st.composite
def data_dates(draw: st.DrawFn) -> tuple[str, str]:
    """A date of the data in one of its shapes, ``(text, shape)``."""
    day = draw(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
    shape = draw(st.sampled_from(["year", "month", "day"]))
    return day.isoformat()[: {"year": 4, "month": 7, "day": 10}[shape]], shape


@settings(max_examples=300, deadline=None)
@given(start=data_dates(), end=data_dates())
def test_periods_take_the_words_of_their_dates_shapes(
    start: tuple[str, str], end: tuple[str, str]
) -> None:
    en, fr = translator("en"), translator("fr")
    (s, s_shape), (e, e_shape) = start, end
    dates = {"start": s, "end": e}
    french = {
        "seat.between": (
            f"{'du' if s_shape == 'day' else 'de'} {fr.date(s)} "
            f"{'au' if e_shape == 'day' else 'à'} {fr.date(e)}"
        ),
        "date.between": (
            f"entre {'le ' if s_shape == 'day' else ''}{fr.date(s)} "
            f"et {'le ' if e_shape == 'day' else ''}{fr.date(e)}"
        ),
    }
    english = {"seat.between": f"{en.date(s)} to {en.date(e)}", "date.between": ""}
    english["date.between"] = f"between {en.date(s)} and {en.date(e)}"
    for key in french:
        assert fr.dated(key, dates) == french[key]
        assert en.dated(key, dates) == english[key]
        assert not _FRENCH_WRONG.search(fr.dated(key, dates)), fr.dated(key, dates)
    le = "le " if s_shape == "day" else ""
    assert fr.dated("seat.from", {"start": s}) == f"depuis {le}{fr.date(s)}"
    assert fr.dated("date.from", {"start": s}) == f"{le}{fr.date(s)} ou plus tard"
    assert fr.dated("date.by", {"end": s}) == f"{le}{fr.date(s)} au plus tard"
    until = "jusqu\u2019au" if s_shape == "day" else "jusqu\u2019en"
    assert fr.dated("seat.until", {"end": s}) == f"{until} {fr.date(s)}"
    assert en.dated("seat.from", {"start": s}) == f"from {en.date(s)}"
    assert en.dated("seat.until", {"end": s}) == f"until {en.date(s)}"
    checked = fr.dated("print.checked_on", {"date": s})
    assert checked == f"Vérifié {'le' if s_shape == 'day' else 'en'} {fr.date(s)}"
    recorded = fr.dated("print.data_date", {"date": s})
    assert recorded == f"Données enregistrées {until} {fr.date(s)}"
    for text in (checked, recorded, *(fr.dated(k, {"start": s}) for k in ("seat.from",))):
        assert not _FRENCH_WRONG.search(text), text


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_the_first_of_a_month_is_1er_in_french_and_1_in_english(day: dt.date) -> None:
    fr, en = translator("fr").date(day), translator("en").date(day)
    assert fr is not None and en is not None
    assert fr.startswith("1er ") == (day.day == 1)
    assert fr.split(" ")[0] == ("1er" if day.day == 1 else str(day.day))
    assert en.split(" ")[0] == str(day.day)  # British English: "1 March 2011"


def test_a_text_without_its_context_is_the_one_without_context() -> None:
    fr, en = translator("fr"), translator("en")
    assert fr.contexts("seat.between") >= {"day-day", "day-year", "year-day"}
    assert en.contexts("seat.between") == frozenset()
    assert fr.dated("seat.between", {"start": "spring", "end": "2017"}) == "de spring à 2017"
    assert fr.in_context("no-such-context", "seat.from", start="X") == "depuis X"
    assert fr.dated("date.by", {"end": dt.date(2011, 3, 1)}) == "le 1er mars 2011 au plus tard"


@pytest.mark.parametrize("lang", languages())
def test_every_text_in_a_context_has_a_text_without_and_the_same_placeholders(lang: str) -> None:
    t, english = translator(lang), translator("en")
    shapes = {"year", "month", "day"}
    for key in t.message_keys():
        for context in t.contexts(key):
            assert set(context.split("-")) <= shapes, (key, context)
            text = t.in_context(context, key, **dict.fromkeys(placeholders(english(key)), "X"))
            assert "{" not in text and text.strip(), (key, context)
            # the placeholders of the context's text are those of the key's own text
            raw = t.in_context(
                context, key, **{p: "{" + p + "}" for p in placeholders(english(key))}
            )
            assert placeholders(raw) <= placeholders(english(key)), (key, context, raw)


# ------------------------------------------------------------------ city names from CLDR


@pytest.mark.parametrize(
    ("name", "iso3", "lang", "expected"),
    [
        ("Baku", "AZE", "fr", "Bakou"),
        ("Brussels", "BEL", "fr", "Bruxelles"),
        ("Moscow", "RUS", "fr", "Moscou"),
        ("Vienna", "AUT", "fr", "Vienne"),
        ("Tbilisi", "GEO", "fr", "Tbilissi"),
        ("Warsaw", "POL", "fr", "Varsovie"),
        ("santo domingo", "DOM", "fr", "Saint-Domingue"),  # case aside
        ("Seoul", "KOR", "fr", "Séoul"),  # an accent of its own
        ("Baku", "AZE", "en", None),  # English is the data's own
        ("Vienna", "USA", "fr", None),  # no zone of the United States is named Vienna
        ("Bangkok", "THA", "fr", None),  # the same in French: nothing to add
        ("Abu Dhabi", "ARE", "fr", None),  # no zone named for it: nothing invented
        ("Baku", None, "fr", None),
        ("", "AZE", "fr", None),
        ("Baku", "XXX", "fr", None),
    ],
)
def test_city_names_are_cldrs_exemplar_cities_of_the_country(
    name: str, iso3: str | None, lang: str, expected: str | None
) -> None:
    assert city_name(name, iso3, lang) == expected


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA"}, "fr"),
        ({"LC_MESSAGES": "fr_BE.UTF-8@euro", "LANG": "en_GB.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:fr", "LANG": "en_GB.UTF-8"}, "fr"),
        ({"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}, "fr"),  # empty is unset, as gettext reads it
        ({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "../../fr"}, "en"),
    ],
)
def test_the_terminals_language_is_read_as_gettext_reads_it(
    environ: dict[str, str], lang: str
) -> None:
    from geo.i18n import terminal_language

    assert terminal_language(environ) == lang


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_compiled_catalogue_holds_no_date_of_its_compiling(lang: str) -> None:
    from geo.i18n import _catalogue_path, _compile

    compiled = _compile(lang, _catalogue_path(lang).read_bytes())
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert b"POT-Creation-Date: 1970-01-01" in compiled.mo
    assert today.encode() not in compiled.mo
