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
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import UsageError

__all__ = [
    "DATA_LANGUAGE",
    "DEFAULT_LANGUAGE",
    "LOCALE_DIR",
    "Translator",
    "catalogue_files",
    "check_language",
    "check_languages",
    "country_name",
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
        from babel import Locale

        locale = Locale.parse(self.locale)
        forms: dict[str, str] = {}
        for n in range(200):
            forms.setdefault(locale.plural_form(n), self._messages.ngettext(key, key, n))
        return forms

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
        from babel.dates import format_date, format_skeleton

        if value is None:
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
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
        from babel.numbers import format_decimal

        digit = "#" if trim else "0"
        pattern = "#,##0" + ("." + digit * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)


@functools.cache
def translator(lang: str = DEFAULT_LANGUAGE) -> Translator:
    """The :class:`Translator` of ``lang`` (one of :func:`languages`).

    Raises
    ------
    UsageError
        If geo has no catalogue for ``lang``.
    """
    lang = check_language(lang)
    catalogue = _catalogue(lang)
    locale = str(catalogue.locale) if catalogue.locale is not None else lang
    return Translator(lang, gettext.GNUTranslations(io.BytesIO(_compiled(lang))), locale)


def _catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{_DOMAIN}.po"


@functools.cache
def _catalogue(lang: str) -> Any:
    """The catalogue of ``lang``; its ``Language`` header names the CLDR locale of its formats."""
    from babel.messages.pofile import read_po

    with _catalogue_path(lang).open("rb") as handle:
        catalogue = read_po(handle, domain=_DOMAIN)
    if catalogue.locale is None:
        catalogue.locale = lang
    return catalogue


@functools.cache
def _compiled(lang: str) -> bytes:
    """The catalogue of ``lang`` compiled to the ``.mo`` format (in memory)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, _catalogue(lang))
    return buffer.getvalue()


@functools.cache
def _keys(lang: str) -> frozenset[str]:
    return frozenset(_key_of(m.id) for m in _catalogue(lang) if m.id)


@functools.cache
def _plural_keys(lang: str) -> frozenset[str]:
    return frozenset(_key_of(m.id) for m in _catalogue(lang) if m.id and m.pluralizable)


def _key_of(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


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
    alpha2 = _alpha2().get(iso3.upper())
    if alpha2 is None or alpha2 == "ZZ":  # ZZ: CLDR's "unknown region"
        return fallback
    return _territories(lang).get(alpha2, fallback)


@functools.cache
def _alpha2() -> Mapping[str, str]:
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    table = {code: targets[0] for code, targets in aliases.items() if len(code) == 3}
    table = {k: v for k, v in table.items() if k.isalpha() and len(v) == 2}
    return {**table, **_ALPHA2_EXTRA}


@functools.cache
def _territories(lang: str) -> Mapping[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)
