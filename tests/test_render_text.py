"""What a popup says about a place (geo.render.text): its summary, labels and values.

A popup shows first what a reader needs (where, the two sides of a crossing, when
it opened) and folds the rest; a property a user adds reads with a label from the
catalogue or its key made readable, and its value in the page's language when it
is a day or a number.  Keys and values are hostile: whatever they hold, the
functions answer text, never raise, and the page's data document keeps them
inert (no raw ``<``, ``>`` or ``&`` in it).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.i18n import translator
from geo.render.payload import _dumps
from geo.render.text import _field_label, _label, _popup_rows, _shown, _text, _value_text

EN, FR = translator("en"), translator("fr")
NNBSP = "\u202f"  # French groups digits with a narrow no-break space


def popup(rec: dict[str, Any], t: Any = EN) -> tuple[list[list[Any]], int]:
    """The rows of a place and how many are its summary, as a page is made."""
    return _popup_rows(rec, {k: _text(v) for k, v in rec.items()}, "0° N, 0° E", t)


# ------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("key", "en", "fr"),
    [
        ("checked_on", "Checked on", "Vérifié le"),  # known to the catalogue
        ("contact_email", "Contact email", "Courriel de contact"),
        ("capacity", "Capacity", "Capacité"),
        ("flux_capacitor", "Flux capacitor", "Flux capacitor"),  # unknown: the key, readable
        ("lastInspectionDate", "Last inspection date", "Last inspection date"),
        ("WCO-code", "WCO code", "WCO code"),
        ("field", "Field", "Field"),  # a template of the catalogue is no label
        ("side_place", "Side place", "Side place"),
        ("   ", "(unnamed)", "(sans nom)"),
        ("", "(unnamed)", "(sans nom)"),
    ],
)
def test_a_property_reads_with_a_label_in_the_page_language(key: str, en: str, fr: str) -> None:
    assert _field_label(EN, key) == en
    assert _field_label(FR, key) == fr


def test_a_key_made_readable_keeps_acronyms_and_collapses_separators() -> None:
    assert _label("contact__email") == "Contact email"
    assert _label("_x_") == "X"
    assert _label("OSBP_note") == "OSBP note"
    assert _label("") == ""


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("value", "en", "fr"),
    [
        ("2026-12-07", "7 December 2026", "7 décembre 2026"),
        (dt.date(2026, 12, 7), "7 December 2026", "7 décembre 2026"),
        (pd.Timestamp("2026-12-07"), "7 December 2026", "7 décembre 2026"),
        (np.datetime64("2026-12-07"), "7 December 2026", "7 décembre 2026"),
        ("2026-12-07T00:00:00Z", "7 December 2026", "7 décembre 2026"),
        (1234.5, "1,234.5", f"1{NNBSP}234,5"),
        (1234, "1,234", f"1{NNBSP}234"),
        (np.int64(250), "250", "250"),
        (0.125, "0.125", "0,125"),
        (-3.0, "-3", "-3"),
        ("2026-02-30", "2026-02-30", "2026-02-30"),  # no such day: as written
        ("2026-12-07T10:30:00", "2026-12-07T10:30:00", "2026-12-07T10:30:00"),  # a time
        ("1234.5", "1234.5", "1234.5"),  # text stays text (a postcode, a code...)
        ("12/07/2026", "12/07/2026", "12/07/2026"),
        (1e300, "1e+300", "1e+300"),  # beyond the digits people read: as written
        (10**30, str(10**30), str(10**30)),
    ],
)
def test_a_day_or_a_number_is_written_in_the_page_language(value: Any, en: str, fr: str) -> None:
    text = _text(value)
    assert text is not None
    assert _value_text(EN, value, text) == en
    assert _value_text(FR, value, text) == fr
    assert _shown(FR, "some_property", value, text) == fr


def test_a_known_column_keeps_its_own_rules() -> None:
    assert _shown(FR, "checked_on", "2026-12-07", "2026-12-07") == "7 décembre 2026"
    assert _shown(FR, "checked_on", pd.Timestamp("2026-12-07"), "2026-12-07T00:00:00") == (
        "7 décembre 2026"
    )
    assert _shown(FR, "city", 1210, "1210") == "1210"  # a column of text: as written
    assert _shown(FR, "some_flag", True, "Yes") == "Oui"


# ------------------------------------------------------------------ summary and noise

SAMUR: dict[str, Any] = {
    "id": "samur",
    "kind": "border_post",
    "name": "Samur",
    "iso3": "AZE",
    "country": "Azerbaijan",
    "region": "EUR",
    "member": "Yes",
    "status": "operational",
    "located_by": "inside",
    "country_distance_km": 0.0,
    "side_a_iso3": "AZE",
    "side_a_name": "Samur",
    "side_a_country": "Azerbaijan",
    "side_a_region": "EUR",
    "side_b_iso3": "RUS",
    "side_b_name": "Yarag-Kazmalyar",
    "side_b_country": "Russia",
    "side_b_region": "EUR",
    "opened": "2011-10-17",
    "opened_note": "2011-10-17",
    "precision": "proxy",
    "notes": "See https://example.org/x",
    "checked_on": "2026-12-07",
    "contact_email": "post@example.org",
    "capacity": 1234.5,
}


def test_the_summary_says_where_the_two_sides_and_when_it_opened() -> None:
    rows, fold = popup(SAMUR)
    assert rows[:fold] == [
        ["Country", "Azerbaijan (AZE)"],
        ["WCO region", "Europe (EUR)"],
        ["Azerbaijan", "Samur"],
        ["Russia", "Yarag-Kazmalyar"],  # the data's own name in its language
        ["Opened", "17 October 2011"],
    ]
    details = dict(rows[fold:])
    assert details["Location precision"] == "A point standing in for the crossing"
    assert details["Contact email"] == "post@example.org"
    assert details["Capacity"] == "1,234.5"
    assert details["Checked on"] == "7 December 2026"


def test_noise_is_left_out() -> None:
    labels = [label for label, _ in popup(SAMUR)[0]]
    assert "Opened note" not in labels  # it only repeats the day it opened
    assert "Distance to that country" not in labels  # the point lies inside it
    assert "How the country was found" not in labels
    near = {**SAMUR, "located_by": "nearest", "country_distance_km": 2.5, "opened_note": "Later"}
    details = dict(popup(near)[0])
    assert details["Distance to that country"] == "2.5 km"
    assert details["Opened note"] == "Later"


def test_a_side_in_another_region_or_outside_the_wco_says_so() -> None:
    rec = {**SAMUR, "side_b_region": "AP", "side_b_member": "No"}
    rows, fold = popup(rec, FR)
    assert ["Russie", "Yarag-Kazmalyar, Asie/Pacifique, Non membre de l\u2019OMD"] in rows[:fold]


def test_a_french_page_shows_a_french_label_and_day_for_checked_on() -> None:
    details = dict(popup(SAMUR, FR)[0])
    assert details["Vérifié le"] == "7 décembre 2026"
    assert details["Capacité"] == f"1{NNBSP}234,5"


@pytest.mark.parametrize(
    ("note", "en", "fr"),
    [
        (
            "PROXY \u2013 crossing point not surveyed",
            "A stand-in point \u2014 crossing point not surveyed",
            "Point de substitution \u2014 crossing point not surveyed",
        ),
        (
            "village, LOW CONFIDENCE \u2013 from a dataset",
            "Low confidence \u2014 village, from a dataset",
            "Fiabilité faible \u2014 village, from a dataset",
        ),
        ("LOW CONFIDENCE: ", "Low confidence", "Fiabilité faible"),
        ("CCLEC: the council", "CCLEC: the council", "CCLEC: the council"),  # an acronym
        ("Proxy of the town", "Proxy of the town", "Proxy of the town"),
    ],
)
def test_a_note_that_shouts_its_confidence_says_it_in_plain_words(
    note: str, en: str, fr: str
) -> None:
    for key in ("precision_note", "side_b_precision_note", "notes", "my_note"):
        assert _shown(EN, key, note, note) == en
        assert _shown(FR, key, note, note) == fr


# ------------------------------------------------------------------ hostile keys and values

#: Keys of any text, and some that once tripped a renderer.
ODD_KEYS = ["field", "row", "<img src=x onerror=alert(1)>", "checked_on", "__proto__", "a.b"]
KEYS = st.text(max_size=30) | st.sampled_from([*ODD_KEYS, "_", "precision_note", "notes"])
VALUES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.dates().map(lambda d: d.isoformat())
    | st.dates()
    | st.sampled_from(["</script><script>alert(1)</script>", "javascript:alert(1)", "&amp;"])
    | st.sampled_from(["PROXY \u2013 <b>x</b>", "x, LOW CONFIDENCE:", "UNVERIFIED -\n&"])
    | st.lists(st.text(max_size=8), max_size=3)
    | st.dictionaries(st.text(max_size=8), st.integers(), max_size=3)
)


@settings(max_examples=300, deadline=None)
@given(key=KEYS, value=VALUES)
@example(key="checked_on", value=2**31)  # a "year" too large for a C int (OverflowError)
def test_any_key_and_value_give_text_and_never_raise(key: str, value: Any) -> None:
    for t in (EN, FR):
        label = _field_label(t, key)
        assert isinstance(label, str) and label
        text = _text(value)
        shown = _shown(t, key, value, text)
        assert shown is None or isinstance(shown, str)
        if isinstance(value, float) and not math.isfinite(value):
            assert shown is None  # NaN and infinities are no value


@settings(max_examples=150, deadline=None)
@given(props=st.dictionaries(KEYS, VALUES, max_size=5))
def test_any_property_reaches_the_page_inert(props: dict[str, Any]) -> None:
    rec = {**props, "id": "p", "name": "P", "kind": "rtc", "status": "operational"}
    for t in (EN, FR):
        rows, fold = popup(rec, t)
        assert 0 <= fold <= len(rows)
        line = _dumps({"rows": rows})
        assert not set("<>&") & set(line)  # the page writes it as text, never as markup


# ------------------------------------------------------------------ notes in French


def test_a_french_page_shows_the_french_note_and_an_english_page_the_note() -> None:
    rec = {
        **SAMUR,
        "notes": "Closed to travellers since March 2020.",
        "notes_fr": "Fermé aux voyageurs depuis mars 2020.",
        "closed_note": "Temporarily closed.",
        "closed_note_fr": "Fermé temporairement.",
    }
    en, fr = dict(popup(rec, EN)[0]), dict(popup(rec, FR)[0])
    assert en["Notes"] == "Closed to travellers since March 2020."
    assert fr["Notes"] == "Fermé aux voyageurs depuis mars 2020."
    for rows in (en, fr):  # a translation is never a row of its own
        assert not any(label.lower().endswith(" fr") for label in rows), rows
    assert "Fermé temporairement." not in en.values()
    assert "Fermé temporairement." in fr.values()
    assert "Temporarily closed." not in fr.values()


def test_a_french_page_without_a_french_note_shows_the_note() -> None:
    rec = {**SAMUR, "notes": "PROXY \u2013 not surveyed"}
    assert dict(popup(rec, FR)[0])["Notes"] == "Point de substitution \u2014 not surveyed"
    # a translation of a note the place does not have shows nowhere
    rows = popup({**SAMUR, "osbp_note_fr": "Poste à guichet unique"}, FR)[0]
    assert "Poste à guichet unique" not in [value for _, value in rows]
