"""What a build says: counts with their plural forms, in English and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.build import BuildResult, Languages
from geo.i18n import translator
from geo.report import file_lines, languages_note, summary, words


def _result(written: int, unchanged: int, *, removed: int = 0, places: int = 1) -> BuildResult:
    out = Path("/out")
    return BuildResult(
        tuple(out / f"w{i}.html" for i in range(written)),
        tuple(out / f"u{i}.html" for i in range(unchanged)),
        places,
        out,
        tuple(out / "fr" / f"r{i}.html" for i in range(removed)),
        Languages(("en",), "default", ("en",)),
    )


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 0, "wrote 0 files, 0 unchanged: 0 places in /out"),
        ("en", 1, "wrote 1 file, 1 unchanged: 1 place in /out"),
        ("en", 2, "wrote 2 files, 2 unchanged: 2 places in /out"),
        ("fr", 0, "0 fichier écrit, 0 inchangé : 0 lieu dans /out"),
        ("fr", 1, "1 fichier écrit, 1 inchangé : 1 lieu dans /out"),
        ("fr", 2, "2 fichiers écrits, 2 inchangés : 2 lieux dans /out"),
    ],
)
def test_the_summary_counts_with_plural_forms(lang: str, n: int, expected: str) -> None:
    assert summary(_result(n, n, places=n), translator(lang)) == expected


def test_the_counts_are_independent_and_grouped() -> None:
    t = translator("en")
    assert (
        summary(_result(2, 13, places=1234), t)
        == "wrote 2 files, 13 unchanged: 1,234 places in /out"
    )
    assert summary(_result(1, 0, places=2), translator("fr")).startswith(
        "1 fichier écrit, 0 inchangé"
    )


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "removed 1 file that this build no longer makes"),
        ("en", 2, "removed 2 files that this build no longer makes"),
        ("fr", 1, "1 fichier supprimé : cette construction ne le fait plus"),
        ("fr", 2, "2 fichiers supprimés : cette construction ne les fait plus"),
    ],
)
def test_files_removed_are_counted_on_a_line_of_their_own(lang: str, n: int, expected: str) -> None:
    text = summary(_result(0, 1, removed=n), translator(lang))
    assert text.split("\n")[1:] == [expected]
    assert "\n" not in summary(_result(0, 1), translator(lang))


def test_one_line_per_file_written_or_removed_only() -> None:
    lines = file_lines(_result(1, 5, removed=1), translator("en"))
    assert lines == ["wrote /out/w0.html", "removed /out/fr/r0.html"]
    assert file_lines(_result(0, 5), translator("fr")) == []


def test_the_languages_are_explained_only_when_they_are_the_folders() -> None:
    t = translator("en")
    assert languages_note(_result(0, 1), t) is None
    kept = BuildResult((), (), 1, Path("/out"), (), Languages(("en", "fr"), "output", ("en",)))
    assert languages_note(kept, t) == (
        "languages en,fr: those /out was last built in with --lang (the data folder's settings "
        "say en; geo build --lang en goes back to them)"
    )
    assert languages_note(kept, translator("fr")) == (
        "langues en,fr : celles de la dernière construction de /out avec --lang (les réglages "
        "du dossier de données disent en ; geo build --lang en y revient)"
    )


def test_the_words_are_the_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "fr")
    assert words().lang == "fr"
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert words().lang == "en"
