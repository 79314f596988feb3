"""Rebuild the outputs whenever the data changes.

:func:`watch` builds once, then waits for changes under the data folder
(with ``watchfiles``), and rebuilds after each burst of saves: a rebuild
starts once the data files (their sizes and modification times) have stayed
the same for ``quiet_ms``, and never for a state already built, so a burst
ends in one rebuild that reads the last state.  Data that fails validation keeps the last
good outputs on disk and reports the problems.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from geo.atlas import load
from geo.build import BuildEvent, Languages, build_atlas, folders
from geo.errors import DataError, GeoError
from geo.i18n import check_languages
from geo.report import file_lines, languages_note, summary, words
from geo.targets import data_rule

__all__ = ["rebuild", "watch"]

log = logging.getLogger(__name__)
_WATCHED_SUFFIXES = (".geojson", ".csv", ".xz", ".toml")


def rebuild(
    data_dir: Path,
    output_dir: Path,
    generation: int,
    *,
    allow_missing: bool = False,
    lang: str | Sequence[str] | None = None,
) -> BuildEvent:
    """Load and build once, turning any error into a failed event instead of raising.

    A :class:`~geo.errors.DataError` gives its problems, another
    :class:`~geo.errors.GeoError` its message.  Any other exception is a bug
    of geo's, but the watch must outlive it: it keeps the last good outputs
    and reports the error (its traceback in the log), like a problem of the
    data.
    """
    try:
        result = build_atlas(load(data_dir), output_dir, allow_missing=allow_missing, lang=lang)
    except DataError as err:
        return BuildEvent(False, None, tuple(str(p) for p in err.problems), generation)
    except GeoError as err:
        return BuildEvent(False, None, (str(err),), generation)
    except Exception as err:  # a watch survives its own bugs, and says so
        log.debug("build %d failed", generation, exc_info=True)
        problem = f"geo failed on this data ({type(err).__name__}: {err}); please report it"
        return BuildEvent(False, None, (problem,), generation)
    return BuildEvent(True, result, (), generation)


def _is_data_file(_change: object, path: str) -> bool:
    name = os.path.basename(path)
    return name.endswith(_WATCHED_SUFFIXES) and not name.startswith(".")


def watch(
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    *,
    on_event: Callable[[BuildEvent], None] | None = None,
    allow_missing: bool = False,
    stop: threading.Event | None = None,
    quiet_ms: int = 150,
    force_polling: bool | None = None,
    lang: str | Sequence[str] | None = None,
) -> None:
    """Build, then rebuild after every burst of changes to the data, until ``stop`` is set.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (default :func:`geo.default_data_dir`).
    output_dir : path, optional
        Where the outputs go (default: ``output/`` beside the data folder).
    on_event : callable, optional
        Called with each :class:`BuildEvent` (the first build included).
    stop : threading.Event, optional
        Set it to end the loop; otherwise it runs until interrupted.
    quiet_ms : int
        A burst ends when the data files have not changed for this long.
    force_polling : bool, optional
        Poll the file system instead of using OS notifications.
    allow_missing : bool
        Rebuild even when a data file that the last build read is gone.
    lang : str or sequence of str, optional
        The maps' languages, as :func:`geo.build.build` takes them; default,
        at each rebuild: the languages ``output_dir`` was last built in with
        ``lang``, else the data folder's ``geo.toml`` as it is then, else English.

    Raises
    ------
    UsageError
        When ``output_dir`` is inside the data folder (:mod:`geo.targets`),
        or ``lang`` names a language geo does not speak.
    """
    import watchfiles

    data, out = folders(data_dir, output_dir)
    # an output folder in the data is the caller's mistake: raised at once, not at each rebuild
    data_rule(data).check_folder(out, what="output folder")
    generation = 1
    built = _signature(data)
    if lang is not None:
        lang = check_languages(lang)  # a bad language is the caller's mistake: raised at once
    event = rebuild(data, out, generation, allow_missing=allow_missing, lang=lang)
    said = _report(event, None)
    if on_event:
        on_event(event)
    for _changes in watchfiles.watch(
        data,
        watch_filter=_is_data_file,
        stop_event=stop,
        force_polling=force_polling,
        raise_interrupt=False,
    ):
        state = _settle(data, quiet_ms, stop)
        if state == built:
            continue  # changes already built, or saved back to what was built
        built = state
        generation += 1
        event = rebuild(data, out, generation, allow_missing=allow_missing, lang=lang)
        said = _report(event, said)
        if on_event:
            on_event(event)


def _signature(data: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every data file: changes with any save."""
    entries = []
    try:
        paths = sorted(data.iterdir())
    except OSError:  # the folder is gone or unreadable for now: the build will say so
        return ()
    for path in paths:
        if _is_data_file(None, str(path)):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def _settle(
    data: Path, quiet_ms: int, stop: threading.Event | None
) -> tuple[tuple[str, int, int], ...]:
    """Wait until the data files stop changing for ``quiet_ms``, and return their signature."""
    current = _signature(data)
    while True:
        if stop is not None and stop.wait(quiet_ms / 1000):
            return current
        if stop is None:
            time.sleep(quiet_ms / 1000)
        latest = _signature(data)
        if latest == current:
            return current
        current = latest


def _report(event: BuildEvent, said: Languages | None) -> Languages | None:
    """Log what a rebuild did, in the terminal's language (:mod:`geo.report`).

    The note on where the languages come from is said once, and again only
    when they change: ``said`` is the last said, and the new one is returned.
    """
    if event.ok and event.result is not None:
        t = words()
        note = languages_note(event.result, t) if event.result.languages != said else None
        for line in ([note] if note else []) + file_lines(event.result, t):
            log.info("%s", line)
        log.info(
            "%s", t("watch.built", generation=event.generation, summary=summary(event.result, t))
        )
        return event.result.languages
    log.warning(
        "build %d: the data has problems; the previous outputs are kept:\n  %s",
        event.generation,
        "\n  ".join(event.problems),
    )
    return said
