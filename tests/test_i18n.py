"""The languages of the maps: catalogues complete and consistent, CLDR names, dates, numbers."""

from __future__ import annotations

import datetime as dt

import pytest

import geo
from geo.i18n import (
    DEFAULT_LANGUAGE,
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
    assert t("kind.rocb") == "Bureau régional de renforcement des capacités"
    assert t("kind.rilo") == "Bureau régional de liaison chargé du renseignement"
    assert t("region.AC") == "Amériques et Caraïbes"
    assert t("region.MENA") == "Afrique du Nord, Proche- et Moyen-Orient"


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
        ("en", "2011-10-17", "October 17, 2011"),
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
