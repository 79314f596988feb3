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

from geo import cache
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
    "exemplar_city",
    "keep_written",
    "languages",
    "translator",
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


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages geo has a catalogue for, sorted (``('en', 'fr')``)."""
    return tuple(
        sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{_DOMAIN}.po"))
    )


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
        if count is not None:
            values = {**values, "n": self.number(count)}
        return text.format(**values) if values else text

    def message_keys(self) -> frozenset[str]:
        """Every key of the catalogue."""
        return _keys(self.lang)

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
        return _cldr(self.locale).text("date", text, lambda: self._format_date(text))

    def _format_date(self, text: str) -> str:
        from babel.dates import format_date, format_skeleton

        parts = text.split("-")
        try:
            day = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, 1)
            if len(parts) > 2:
                day = day.replace(day=int(parts[2]))
        except ValueError:
            return text
        if len(parts) > 2:
            return format_date(day, "long", locale=self.locale)
        return format_skeleton("y" if len(parts) == 1 else "yMMMM", day, locale=self.locale)

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

        self.key = cache.entry_key("cldr", locale, importlib.metadata.version("babel"))
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


@functools.cache
def _compiled(lang: str) -> _Compiled:
    """The catalogue of ``lang``, compiled by Babel (in memory), or as compiled before.

    Compiling is kept in :mod:`geo.cache`, keyed by the catalogue's bytes, the
    code and Babel's version: an edited catalogue is compiled again.
    """
    import importlib.metadata

    source = _catalogue_path(lang).read_bytes()
    key = cache.entry_key(
        "catalogue", lang, cache.file_digest(source), importlib.metadata.version("babel")
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
            )
        except (KeyError, ValueError, TypeError) as err:
            log.debug("cache: the catalogue entry is unusable (%s): compiled again", err)
    compiled = _compile(lang, source)
    meta = {
        "locale": compiled.locale,
        "keys": sorted(compiled.keys),
        "plural": sorted(compiled.plural_keys),
    }
    mo = np.frombuffer(compiled.mo, dtype=np.uint8)
    cache.store("catalogue", key, {"mo": mo, "meta": cache.to_json_array(meta)}, keep=4)
    return compiled


def _compile(lang: str, source: bytes) -> _Compiled:
    """Parse the ``.po`` text of ``lang`` and compile it with Babel.

    Its ``Language`` header names the CLDR locale of its formats.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalogue = read_po(io.BytesIO(source), domain=_DOMAIN)
    if catalogue.locale is None:
        catalogue.locale = lang
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    messages = [m for m in catalogue if m.id]
    return _Compiled(
        buffer.getvalue(),
        str(catalogue.locale),
        frozenset(_key_of(m.id) for m in messages),
        frozenset(_key_of(m.id) for m in messages if m.pluralizable),
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


def city_name(zone: str, name: str, lang: str) -> str:
    """A city's name in ``lang``: CLDR's, when the city is its time zone's exemplar city.

    CLDR names one city per IANA time zone (``Europe/Brussels``: Brussels,
    Bruxelles in French, its "exemplar city").  ``name`` (a GeoNames name) is
    that city when it is the zone's English exemplar city; its name in
    ``lang`` is then CLDR's, else ``name`` itself.

    >>> city_name("Asia/Baku", "Baku", "fr"), city_name("Asia/Baku", "Sumqayit", "fr")
    ('Bakou', 'Sumqayit')
    """
    if not zone or not name:
        return name

    def find() -> str:  # "" when the city is not the zone's exemplar
        if exemplar_city(zone) != name:
            return ""
        return _exemplar_cities(lang).get(zone, "")

    return _cldr(lang).text("city", f"{zone}\0{name}", find) or name


def exemplar_city(zone: str) -> str:
    """CLDR's English name of the city a time zone is named for (``""`` for no zone).

    >>> exemplar_city("America/Los_Angeles"), exemplar_city("Asia/Baku")
    ('Los Angeles', 'Baku')
    """
    return _exemplar_cities("en").get(zone, _zone_city(zone)) if zone else ""


def _zone_city(zone: str) -> str:
    """The city an IANA zone id names, as CLDR derives it when it has no name: Los Angeles."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def _exemplar_cities(lang: str) -> Mapping[str, str]:
    """CLDR's exemplar city of each time zone in ``lang`` (zones it names only)."""
    from babel import Locale

    zones = Locale.parse(lang).time_zones
    return {z: str(v["city"]) for z, v in zones.items() if "city" in v}


@functools.cache
def _territories(lang: str) -> Mapping[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)
