"""Every word key a page's script uses has its text, in every language, in the page's words.

The page's scripts (``geo/assets/js``) write their words with
``util.t(app, 'prefix.key')``; the build sends them only the catalogue keys of
:data:`geo.render.words.PAGE_KEYS`.  A key with a new prefix missing there, or
missing from a catalogue, shows as the raw key on the map: these tests read the
keys the scripts name and look each up in :func:`geo.render.words.page_words`
of every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from geo.i18n import languages, translator
from geo.render.words import page_words

JS = Path(__file__).resolve().parent.parent / "geo" / "assets" / "js"

#: A quoted text that looks like a key: ``prefix.rest`` in lower case (``'legend.title'``).
_KEYISH = re.compile(r"""(['"])([a-z][a-z0-9_]*\.[a-z0-9_.]*)\1""")
#: The first argument of a call to the page's translation helpers, when it is a literal.
_CALLED = re.compile(r"""\b(?:t|dated)\(\s*app\s*,\s*(['"])([^'"]+)\1\s*[,)]""")


def keys_named(source: str, prefixes: Iterable[str]) -> set[str]:
    """The word keys a script names: literals given to ``t``/``dated``, and key-like literals
    whose first part is a catalogue's prefix (as in ``t(app, north ? 'coords.north' : ...)``).

    A literal ending in ``.`` or ``_`` is the stem of keys made at run time
    (``'list.' + col.key``), kept as it is.
    """
    known = set(prefixes)
    found = {m.group(2) for m in _CALLED.finditer(source)}
    found |= {m.group(2) for m in _KEYISH.finditer(source) if m.group(2).split(".")[0] in known}
    return found


def missing(keys: Iterable[str], words: Mapping[str, Any]) -> list[str]:
    """The keys (or stems) that ``words`` lacks: a stem must start at least one word's key."""
    absent = []
    for key in sorted(keys):
        if key.endswith((".", "_")):
            if not any(k.startswith(key) for k in words):
                absent.append(key)
        elif key not in words:
            absent.append(key)
    return absent


def _prefixes() -> set[str]:
    return {key.split(".")[0] for lang in languages() for key in translator(lang).message_keys()}


def _scripts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(JS.glob("*.js"))}


def test_the_scripts_name_many_keys() -> None:
    """The reading of the scripts finds their keys (so that the next test can fail)."""
    named = set().union(*(keys_named(s, _prefixes()) for s in _scripts().values()))
    assert {"measure.button", "coords.north", "list.", "cluster.kind_", "units.km_nmi"} <= named
    assert len(named) > 60


@pytest.mark.parametrize("lang", languages())
def test_every_key_a_page_script_uses_is_in_the_pages_words(lang: str) -> None:
    words = page_words(translator(lang))
    prefixes = _prefixes()
    absent = {
        name: gaps
        for name, source in _scripts().items()
        if (gaps := missing(keys_named(source, prefixes), words))
    }
    assert absent == {}, f"keys without a {lang} text on the page (PAGE_KEYS, {lang}/geo.po)"


def test_a_key_outside_page_keys_or_the_catalogues_is_caught() -> None:
    """A new control's key under a prefix PAGE_KEYS lacks, or in no catalogue, is reported."""
    words = page_words(translator("en"))
    source = """
      var a = util.t(app, 'measure.button');
      var b = util.t(app, 'kind.rtc');            // in the catalogue, not a page key
      var c = util.t(app, 'compass.north');       // in no catalogue
      var d = util.t(app, 'legend.' + name);      // a stem with words: fine
      var e = util.t(app, 'status.' + name);      // a stem without page words
      var f = lib.util.dated(app, 'search.opens', day);
    """
    named = keys_named(source, _prefixes())
    assert "compass.north" in named
    assert missing(named, words) == ["compass.north", "kind.rtc", "status."]
