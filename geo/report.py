"""What a build says on the terminal: what it wrote, what it left, what it removed, and why
its languages are what they are, in the terminal's language (:func:`geo.i18n.terminal_language`).

Every word comes from the catalogues (``build.*`` keys), counts with their
plural forms: ``wrote 1 file, 14 unchanged``, ``2 fichiers écrits, 13 inchangés``.
``geo build`` prints these lines, and ``geo watch`` after each rebuild.
"""

from __future__ import annotations

from geo.build import BuildResult, Languages
from geo.i18n import Translator, terminal_language, translator

__all__ = ["file_lines", "languages_note", "summary", "words"]


def words() -> Translator:
    """The catalogue of the terminal's language."""
    return translator(terminal_language())


def file_lines(result: BuildResult, t: Translator) -> list[str]:
    """One line per file whose bytes changed (``wrote PATH``) and per file removed."""
    return [t("build.wrote_file", path=str(path)) for path in result.written] + [
        t("build.removed_file", path=str(path)) for path in result.removed
    ]


def summary(result: BuildResult, t: Translator) -> str:
    """``wrote 2 files, 13 unchanged: 103 places in output`` (and the files removed)."""
    text = t(
        "build.summary",
        written=t("build.written", n=len(result.written)),
        unchanged=t("build.unchanged", n=len(result.unchanged)),
        places=t("count.places", n=result.places),
        folder=str(result.output_dir),
    )
    if result.removed:
        text += "\n" + t("build.removed", n=len(result.removed))
    return text


def languages_note(result: BuildResult, t: Translator) -> str | None:
    """Why the languages are the output folder's (``None`` when they are not its own).

    Said when a build without ``--lang`` keeps the languages an earlier
    ``--lang`` gave the folder, with the command that changes them.
    """
    chosen = result.languages
    if chosen is None or chosen.source != "output":
        return None
    return t(
        "build.languages_kept",
        languages=_codes(chosen),
        folder=str(result.output_dir),
        settings=",".join(chosen.settings),
    )


def _codes(chosen: Languages) -> str:
    return ",".join(chosen.codes)
