"""The languages of the maps: UI words from gettext catalogues, country names, dates, numbers.

Every word a person reads on a map comes from here, in the map's language:

- **UI words** live in gettext catalogues, one per language:
  ``geo/locale/<lang>/LC_MESSAGES/geo.po``.  Message ids are keys such as
  ``legend.title`` or ``kind.rtc``, never words, so English is a catalogue
  like the others and no user-facing word is in the code.  A catalogue is
  compiled (``.po`` to ``.mo``, with Babel) when a map is made and read
  through the standard :mod:`gettext` machinery, plural forms included.
  Texts use ``{name}`` placeholders.
- **Country and territory names** come from the Unicode CLDR through Babel,
  by ISO 3166-1 code (no hand-written list), with the data's own name when
  CLDR has none.
- **Dates and numbers** are formatted by Babel (CLDR) in the map's language.

Adding a language is adding a catalogue: copy ``geo/locale/en/LC_MESSAGES/geo.po``
to ``geo/locale/<code>/LC_MESSAGES/geo.po``, set its ``Language`` header to the
CLDR locale that writes its dates and numbers (``es``, ``pt_BR``...) and its
``Plural-Forms`` header, translate every ``msgstr``, and build with
``geo build --lang <code>``; :func:`languages` finds it.  The tests check that
every catalogue has every key of the English one, with the same placeholders.

A text's ``{n}`` is a count: it picks the plural form and is written with the
language's digit grouping (``1,234``, ``1 234``); every other placeholder is
filled with the value as given (a year stays ``2011``).

A text around dates may need other words for a day than for a month or a year
(French writes "du 9 novembre 2007 au 3 mars 2017" but "de 2007 à 2017",
"depuis le 9 novembre 2007" but "depuis 2007"): :meth:`Translator.dated` writes
the dates and picks the catalogue's message whose gettext context (``msgctxt``)
names their shapes (``day``, ``month``, ``year``; two dates ``day-year``...),
else the message without context.  A language adds the contexts it needs;
English needs none.  The first day of a month is written with the catalogue's
``date.day_one`` ("1er" in French).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import gettext
import io
import logging
import string
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geo import cache, settings
from geo.errors import UsageError

log = logging.getLogger(__name__)

__all__ = [
    "DATA_LANGUAGE",
    "DEFAULT_LANGUAGE",
    "LOCALE_DIR",
    "Translator",
    "catalogue_files",
    "check_language",
    "check_languages",
    "city_name",
    "country_name",
    "date_shape",
    "exemplar_city",
    "keep_written",
    "languages",
    "terminal_language",
    "translator",
    "zone_city_name",
]

#: Where the catalogues are: ``<lang>/LC_MESSAGES/geo.po``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The language of a map when none is asked for.
DEFAULT_LANGUAGE = "en"
#: The language the data's own texts are in (place and country names, notes).
DATA_LANGUAGE = "en"
_DOMAIN = "geo"
#: Significant digits to round a number with: any float's (1e308 has 309), and its decimals.
_NUMBER_DIGITS = 400
#: ISO 3166-1 alpha-3 codes CLDR does not alias to an alpha-2 code.
_ALPHA2_EXTRA = {"XKX": "XK"}
#: The shapes of a date of the data (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), by its parts.
_SHAPES = {1: "year", 2: "month", 3: "day"}
#: The key of the text a language writes the first day of a month with ("1er").
_DAY_ONE = "date.day_one"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages geo has a catalogue for, sorted (``('en', 'fr')``)."""
    return tuple(
        sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{_DOMAIN}.po"))
    )


#: The environment variables gettext reads a terminal's language from, in its order.
_LOCALE_VARIABLES = settings.LOCALE_VARIABLES


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the messages geo writes on a terminal, as gettext chooses it.

    The first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is
    set (``LANGUAGE`` may list several, ``fr:en``) names it: its first entry
    that geo speaks, the territory and encoding dropped (``fr_CA.UTF-8`` is
    ``fr``); ``C``, ``POSIX``, or none that geo speaks: English.

    >>> terminal_language({"LANG": "fr_FR.UTF-8"})
    'fr'
    >>> terminal_language({"LANGUAGE": "de:fr", "LANG": "en_GB.UTF-8"})
    'fr'
    >>> terminal_language({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"})
    'en'
    """
    import os

    env = os.environ if environ is None else environ
    value = next((env[name] for name in _LOCALE_VARIABLES if env.get(name)), "")
    for entry in value.split(":"):
        code = entry.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()
        if code in ("c", "posix"):
            break
        if code in languages():
            return code
    return DEFAULT_LANGUAGE


def check_language(lang: Any) -> str:
    """``lang`` if geo speaks it, else a :class:`UsageError` naming the choices."""
    if isinstance(lang, str) and lang.strip().lower() in languages():
        return lang.strip().lower()
    msg = f"Got lang={lang!r}; `lang` must be one of {list(languages())}"
    close = difflib.get_close_matches(str(lang).strip().lower(), languages(), n=1)
    if close:
        msg += f" (did you mean {close[0]!r}?)"
    raise UsageError(msg)


def check_languages(langs: Any) -> tuple[str, ...]:
    """One or more languages, in order: ``"en,fr"``, ``["en", "fr"]`` or ``"fr"``.

    Raises
    ------
    UsageError
        When one is not spoken (see :func:`check_language`), one repeats, or
        none is given.

    >>> check_languages("fr, en")
    ('fr', 'en')
    """
    items = langs.split(",") if isinstance(langs, str) else langs
    if not isinstance(items, list | tuple) or not items:
        msg = f"Got lang={langs!r}; `lang` must be a language or a list of them, e.g. 'en,fr'"
        raise UsageError(msg)
    checked = tuple(check_language(item) for item in items)
    repeated = sorted({c for c in checked if checked.count(c) > 1})
    if repeated:
        msg = f"Got lang={langs!r}; each language may be asked for once (repeated: {repeated})"
        raise UsageError(msg)
    return checked


def catalogue_files() -> tuple[Path, ...]:
    """The catalogues of every language, sorted: what a fingerprint of the maps' words hashes."""
    return tuple(_catalogue_path(lang) for lang in languages())


@dataclass(frozen=True)
class Translator:
    """The words of one language.

    Call it with a key and the values of its placeholders:
    ``t("count.places", n=3)``; a key with plural forms takes ``n``, the count,
    written with the language's digit grouping.

    Attributes
    ----------
    lang : str
        The catalogue's language code (``'en'``, ``'fr'``): a folder of ``geo/locale``.
    locale : str
        The CLDR locale that writes its dates and numbers (``'en_GB'``, ``'fr'``):
        the catalogue's ``Language`` header.
    """

    lang: str
    _messages: gettext.GNUTranslations
    locale: str = DEFAULT_LANGUAGE

    @property
    def bcp47(self) -> str:
        """The locale as a BCP 47 tag (``'en-GB'``), for a page's ``Intl`` formatters."""
        return self.locale.replace("_", "-")

    def __call__(self, key: str, /, **values: Any) -> str:
        """The text of ``key`` (its plural form for ``n`` when it has plurals), filled in."""
        n = values.get("n")
        count = n if isinstance(n, int) and not isinstance(n, bool) else None
        text = (
            self._messages.ngettext(key, key, count)
            if count is not None and self.has_plural(key)
            else self._messages.gettext(key)
        )
        if text == key and key not in self.message_keys():
            msg = f"no text for {key!r} in the {self.lang!r} catalogue"
            raise KeyError(msg)
        return self._fill(text, count, values)

    def _fill(self, text: str, count: int | None, values: dict[str, Any]) -> str:
        if count is not None:
            values = {**values, "n": self.number(count)}
        return text.format(**values) if values else text

    def message_keys(self) -> frozenset[str]:
        """Every key of the catalogue."""
        return _keys(self.lang)

    def contexts(self, key: str) -> frozenset[str]:
        """The contexts (``msgctxt``) the catalogue has a text of ``key`` in, besides its own."""
        return frozenset(c for c, k in _compiled(self.lang).contexts if k == key)

    def in_context(self, context: str, key: str, /, **values: Any) -> str:
        """The text of ``key`` in ``context`` if the catalogue has one, else its own; filled in."""
        if (context, key) not in _compiled(self.lang).contexts:
            return self(key, **values)
        return self._fill(self._messages.pgettext(context, key), None, values)

    def dated(self, key: str, dates: Mapping[str, str | dt.date | None], /, **values: Any) -> str:
        """The text of ``key`` around ``dates``, each written by :meth:`date`.

        The text is the catalogue's for the context naming the shapes of the
        dates, in order (see :func:`date_shape`: ``"day"``, ``"day-year"``), else
        the key's own.  A missing date (None) has the shape ``"none"``.

        >>> fr = translator("fr")
        >>> fr.dated("seat.between", {"start": "2007-11-09", "end": "2017"})
        'du 9 novembre 2007 à 2017'
        >>> fr.dated("seat.between", {"start": "2004", "end": "2012-02-01"})
        'de 2004 au 1er février 2012'
        >>> translator("en").dated("seat.from", {"start": "2007-11-09"})
        'from 9 November 2007'
        """
        context = "-".join(date_shape(d) for d in dates.values())
        written = {name: self.date(d) if d is not None else "" for name, d in dates.items()}
        return self.in_context(context, key, **written, **values)

    def has_plural(self, key: str) -> bool:
        """Whether ``key`` has plural forms."""
        return key in _plural_keys(self.lang)

    def plural_forms(self, key: str) -> dict[str, str]:
        """The texts of a plural key by CLDR plural category (``one``, ``other``...).

        For pages, whose script picks the form with ``Intl.PluralRules``.
        """
        return {
            category: self._messages.ngettext(key, key, n)
            for category, n in _plural_samples(self.locale)
        }

    def words(self, prefix: str | tuple[str, ...] = "") -> dict[str, Any]:
        """Every key starting with ``prefix`` (or one of them) and its text.

        A plural key's text is a dict of its forms by CLDR category (see
        :meth:`plural_forms`).
        """
        return {
            key: self.plural_forms(key) if self.has_plural(key) else self(key)
            for key in sorted(self.message_keys())
            if key.startswith(prefix)
        }

    def date(self, value: str | dt.date | None) -> str | None:
        """A date of the data (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as people write it."""
        if value is None:
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        key = text
        if text.endswith("-01") and text.count("-") == 2 and _DAY_ONE in self.message_keys():
            key = f"{text} {self(_DAY_ONE)}"  # a first day is written with the catalogue's word
        return _cldr(self.locale).text("date", key, lambda: self._format_date(text))

    def _format_date(self, text: str) -> str:
        from babel.dates import format_date, format_skeleton

        parts = text.split("-")
        try:
            day = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, 1)
            if len(parts) > 2:
                day = day.replace(day=int(parts[2]))
        except (ValueError, OverflowError):  # not a day, or a year too large for a C int
            return text
        if len(parts) > 2:
            return format_date(day, self._day_pattern(day.day), locale=self.locale)
        return format_skeleton("y" if len(parts) == 1 else "yMMMM", day, locale=self.locale)

    def _day_pattern(self, day: int) -> str:
        """The CLDR pattern of a long date, its day written ``date.day_one`` on the first."""
        from babel import Locale
        from babel.dates import tokenize_pattern, untokenize_pattern

        pattern: str = Locale.parse(self.locale).date_formats["long"].pattern
        if day != 1 or _DAY_ONE not in self.message_keys():
            return pattern
        word = self(_DAY_ONE)
        tokens = [
            ("chars", word) if kind == "field" and value[0] == "d" else (kind, value)
            for kind, value in tokenize_pattern(pattern)
        ]
        return str(untokenize_pattern(tokens))

    def number(self, value: float, *, decimals: int = 0, trim: bool = False) -> str:
        """A number with the language's separators (``1,234.5`` / ``1 234,5``).

        ``decimals`` digits after the decimal sign; with ``trim``, at most that
        many (trailing zeros dropped: ``41.64``).
        """
        digit = "#" if trim else "0"
        pattern = "#,##0" + ("." + digit * decimals if decimals else "")

        def write() -> str:
            import decimal

            from babel.numbers import format_decimal

            with decimal.localcontext() as context:  # babel rounds in the current context
                context.prec = _NUMBER_DIGITS
                return format_decimal(value, format=pattern, locale=self.locale)

        return _cldr(self.locale).text("number", f"{pattern} {value!r}", write)


def _plural_samples(locale: str) -> tuple[tuple[str, int], ...]:
    """The CLDR plural categories of ``locale`` that counts below 200 take, each with its first."""

    def find() -> str:
        from babel import Locale

        rule = Locale.parse(locale).plural_form
        samples: dict[str, int] = {}
        for n in range(200):
            samples.setdefault(rule(n), n)
        return " ".join(f"{category}={n}" for category, n in samples.items())

    found = _cldr(locale).text("plural", "0..199", find)
    return tuple((c, int(n)) for c, _, n in (item.partition("=") for item in found.split()))


class _Written:
    """What CLDR wrote for one locale (through Babel), remembered across processes.

    Babel reads a locale's CLDR data when it first formats (a tenth of a second
    for ``en_GB``); a build writes the same few hundred dates, numbers and
    names every time.  They are kept in :mod:`geo.cache`, keyed by the locale,
    the code and Babel's version, read once per process, and written back by
    :func:`keep_written` when a command wrote new ones.
    """

    #: At most this many texts per locale are kept.
    LIMIT = 100_000

    def __init__(self, locale: str) -> None:
        import importlib.metadata

        self.key = cache.entry_key(
            "cldr", locale, importlib.metadata.version("babel"), code=__name__
        )
        found = cache.load("cldr", self.key)
        texts: Any = None
        if found is not None:
            try:
                texts = cache.from_json_array(found["texts"])
            except (KeyError, ValueError) as err:
                log.debug("cache: the CLDR texts of %s are unusable (%s)", locale, err)
        valid = isinstance(texts, dict) and all(isinstance(v, str) for v in texts.values())
        self.texts: dict[str, str] = texts if valid else {}
        self.added = False
        self.lock = threading.Lock()

    def text(self, kind: str, argument: str, write: Callable[[], str]) -> str:
        """The text ``write`` gives for ``kind`` and ``argument``; written once."""
        key = f"{kind}\0{argument}"
        found = self.texts.get(key)
        if found is None:
            found = write()
            with self.lock:
                if len(self.texts) < self.LIMIT:
                    self.texts[key] = found
                    self.added = True
        return found

    def keep(self) -> None:
        with self.lock:
            if not self.added:
                return
            texts, self.added = dict(self.texts), False
        cache.store("cldr", self.key, {"texts": cache.to_json_array(texts)}, keep=8)


_WRITTEN: dict[str, _Written] = {}
_WRITTEN_LOCK = threading.Lock()


def _cldr(locale: str) -> _Written:
    with _WRITTEN_LOCK:
        written = _WRITTEN.get(locale)
        if written is None:
            written = _WRITTEN[locale] = _Written(locale)
        return written


def keep_written() -> None:
    """Keep in :mod:`geo.cache` the dates, numbers and names this process wrote first."""
    with _WRITTEN_LOCK:
        every = list(_WRITTEN.values())
    for written in every:
        written.keep()


@functools.cache
def translator(lang: str = DEFAULT_LANGUAGE) -> Translator:
    """The :class:`Translator` of ``lang`` (one of :func:`languages`).

    Raises
    ------
    UsageError
        If geo has no catalogue for ``lang``.
    """
    lang = check_language(lang)
    compiled = _compiled(lang)
    messages = gettext.GNUTranslations(io.BytesIO(compiled.mo))
    return Translator(lang, messages, compiled.locale)


def _catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{_DOMAIN}.po"


@dataclass(frozen=True)
class _Compiled:
    """A catalogue compiled: its ``.mo`` bytes, its locale, its keys and plural keys."""

    mo: bytes
    locale: str
    keys: frozenset[str]
    plural_keys: frozenset[str]
    contexts: frozenset[tuple[str, str]] = frozenset()  # (msgctxt, key) of texts in a context


@functools.cache
def _compiled(lang: str) -> _Compiled:
    """The catalogue of ``lang``, compiled by Babel (in memory), or as compiled before.

    Compiling is kept in :mod:`geo.cache`, keyed by the catalogue's bytes, the
    code and Babel's version: an edited catalogue is compiled again.
    """
    import importlib.metadata

    source = _catalogue_path(lang).read_bytes()
    key = cache.entry_key(
        "catalogue",
        lang,
        cache.file_digest(source),
        importlib.metadata.version("babel"),
        code=__name__,
    )
    found = cache.load("catalogue", key)
    if found is not None:
        try:
            meta = cache.from_json_array(found["meta"])
            return _Compiled(
                found["mo"].tobytes(),
                str(meta["locale"]),
                frozenset(map(str, meta["keys"])),
                frozenset(map(str, meta["plural"])),
                frozenset((str(c), str(k)) for c, k in meta["contexts"]),
            )
        except (KeyError, ValueError, TypeError) as err:
            log.debug("cache: the catalogue entry is unusable (%s): compiled again", err)
    compiled = _compile(lang, source)
    meta = {
        "locale": compiled.locale,
        "keys": sorted(compiled.keys),
        "plural": sorted(compiled.plural_keys),
        "contexts": sorted(compiled.contexts),
    }
    mo = np.frombuffer(compiled.mo, dtype=np.uint8)
    cache.store("catalogue", key, {"mo": mo, "meta": cache.to_json_array(meta)}, keep=4)
    return compiled


#: The creation date written into every compiled catalogue: a fixed one.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _compile(lang: str, source: bytes) -> _Compiled:
    """Parse the ``.po`` text of ``lang`` and compile it with Babel.

    Its ``Language`` header names the CLDR locale of its formats.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogue = read_po(io.BytesIO(source), domain=_DOMAIN)
    if catalogue.locale is None:
        catalogue.locale = lang
    # without the header Babel writes the hour of compiling into the .mo: the same
    # catalogue would give other bytes each minute (and other prepared answers)
    catalogue.creation_date = _EPOCH
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    messages = [m for m in catalogue if m.id]
    return _Compiled(
        buffer.getvalue(),
        str(catalogue.locale),
        frozenset(_key_of(m.id) for m in messages),
        frozenset(_key_of(m.id) for m in messages if m.pluralizable),
        frozenset((str(m.context), _key_of(m.id)) for m in messages if m.context),
    )


def _keys(lang: str) -> frozenset[str]:
    return _compiled(lang).keys


def _plural_keys(lang: str) -> frozenset[str]:
    return _compiled(lang).plural_keys


def _key_of(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a text."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def country_name(iso3: str | None, lang: str, fallback: str | None = None) -> str | None:
    """The name of a country or territory in ``lang``, from CLDR by its ISO 3166-1 code.

    ``fallback`` (the data's own name) is given when CLDR has no name for the
    code.

    >>> country_name("AZE", "fr"), country_name("ESH", "en")
    ('Azerbaïdjan', 'Western Sahara')
    """
    if not iso3:
        return fallback
    code = iso3.upper()

    def find() -> str:  # "" when CLDR has no name
        alpha2 = _alpha2().get(code)
        if alpha2 is None or alpha2 == "ZZ":  # ZZ: CLDR's "unknown region"
            return ""
        return _territories(lang).get(alpha2, "")

    return _cldr(lang).text("country", code, find) or fallback


@functools.cache
def _alpha2() -> Mapping[str, str]:
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    table = {code: targets[0] for code, targets in aliases.items() if len(code) == 3}
    table = {k: v for k, v in table.items() if k.isalpha() and len(v) == 2}
    return {**table, **_ALPHA2_EXTRA}


def zone_city_name(zone: str, name: str, lang: str) -> str:
    """A city's name in ``lang``: CLDR's, when the city is its time zone's exemplar city.

    CLDR names one city per IANA time zone (``Europe/Brussels``: Brussels,
    Bruxelles in French, its "exemplar city").  ``name`` (a GeoNames name) is
    that city when it is the zone's English exemplar city; its name in
    ``lang`` is then CLDR's, else ``name`` itself.

    >>> zone_city_name("Asia/Baku", "Baku", "fr"), zone_city_name("Asia/Baku", "Sumqayit", "fr")
    ('Bakou', 'Sumqayit')
    """
    if not zone or not name:
        return name

    def find() -> str:  # "" when the city is not the zone's exemplar
        if exemplar_city(zone) != name:
            return ""
        return _zone_cities(lang).get(zone, "")

    return _cldr(lang).text("city", f"{zone}\0{name}", find) or name


def exemplar_city(zone: str) -> str:
    """CLDR's English name of the city a time zone is named for (``""`` for no zone).

    >>> exemplar_city("America/Los_Angeles"), exemplar_city("Asia/Baku")
    ('Los Angeles', 'Baku')
    """
    return _zone_cities("en").get(zone, _zone_city(zone)) if zone else ""


def _zone_city(zone: str) -> str:
    """The city an IANA zone id names, as CLDR derives it when it has no name: Los Angeles."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def _zone_cities(lang: str) -> Mapping[str, str]:
    """CLDR's exemplar city of each time zone in ``lang`` (zones it names only)."""
    from babel import Locale

    zones = Locale.parse(lang).time_zones
    return {z: str(v["city"]) for z, v in zones.items() if "city" in v}


@functools.cache
def _territories(lang: str) -> Mapping[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


def date_shape(value: str | dt.date | None) -> str:
    """The shape of a date of the data: ``"year"``, ``"month"``, ``"day"``, else ``"text"``.

    A :class:`datetime.date` is a day; None is ``"none"``.

    >>> [date_shape(v) for v in ("2011", "2011-10", "2011-10-17", "spring", None)]
    ['year', 'month', 'day', 'text', 'none']
    """
    if value is None:
        return "none"
    if isinstance(value, dt.date):
        return "day"
    parts = value.split("-")
    widths = (4, 2, 2)
    if len(parts) > 3 or not all(
        p.isascii() and p.isdigit() and len(p) == w for p, w in zip(parts, widths, strict=False)
    ):
        return "text"
    return _SHAPES[len(parts)]


def city_name(name: str | None, iso3: str | None, lang: str) -> str | None:
    """A city's name in ``lang`` from CLDR, when CLDR names it: its time-zone exemplar city.

    ``name`` is the city's English name and ``iso3`` its country (ISO 3166-1
    alpha-3): a city is CLDR's when a time zone of that country is named for
    it (``Asia/Baku`` for Baku, AZE).  None when no zone is, or when CLDR has
    no name of its own for it in ``lang``.  Case and accents of ``name`` aside.

    >>> city_name("Baku", "AZE", "fr"), city_name("Brussels", "BEL", "fr")
    ('Bakou', 'Bruxelles')
    >>> city_name("Baku", "USA", "fr") is None, city_name("Abu Dhabi", "ARE", "fr") is None
    (True, True)
    """
    if not name or not iso3 or not name.strip():
        return None
    alpha2 = _alpha2().get(iso3.upper())
    if alpha2 is None:
        return None
    key = f"{alpha2} {_fold(name)}"
    return _cldr(lang).text("city", key, lambda: _exemplar_cities(lang).get(key, "")) or None


def _fold(text: str) -> str:
    """Text without case, accents or spacing differences: how city names are compared."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@functools.cache
def _exemplar_cities(lang: str) -> Mapping[str, str]:
    """``"<alpha-2> <English name, folded>"`` -> the exemplar city in ``lang``, when it has one.

    The English name of a zone's city is CLDR's English exemplar city, else
    the zone's last part, underscores as spaces (what CLDR itself does).
    """
    from babel.core import get_global

    english = _zone_cities(DEFAULT_LANGUAGE)
    own = _zone_cities(lang)
    table: dict[str, str] = {}
    for zone, alpha2 in sorted(get_global("zone_territories").items()):
        local = own.get(zone)
        if not local or alpha2 == "001":
            continue
        names = {_zone_city(zone), english.get(zone)}
        for name in sorted(n for n in names if n):
            if name != local:  # Séoul for Seoul too: an accent is the language's
                table.setdefault(f"{alpha2} {_fold(name)}", local)
    return table
