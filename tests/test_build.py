"""Incremental, atomic, locked builds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import geo
from geo.build import build
from geo.errors import BuildLockedError
from geo.publish import JOURNAL, JOURNAL_VERSION, MANIFEST, STAGE, locked, recover
from tests.conftest_data import copy_data, edit_feature


def outputs(folder: Path) -> dict[str, bytes]:
    """The outputs a reader sees: every file but the hidden ones (manifest, lock, staging)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def test_second_build_rewrites_nothing(tmp_path: Path) -> None:
    first = build(None, tmp_path)
    assert len(first.written) == 8 and first.unchanged == ()
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.html")}
    second = build(None, tmp_path)
    assert second.written == () and len(second.unchanged) == 8
    assert stamps == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.html")}


def test_an_edit_rebuilds_only_what_shows_it(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    build(data, out)
    edit_feature(
        data,
        "offices.geojson",
        "rtc-kenya",
        lambda f: f["properties"].update(name="RTC Kenya (Mombasa)"),
    )
    result = build(data, out)
    assert sorted(str(p.relative_to(out)) for p in result.written) == [
        "index.html",
        "places.geojson",
        "regions/esa.html",
    ]
    assert len(result.unchanged) == 5


def test_tampered_output_is_rebuilt(tmp_path: Path) -> None:
    build(None, tmp_path)
    reference = (tmp_path / "regions" / "eur.html").read_bytes()
    (tmp_path / "regions" / "eur.html").write_text("oops", encoding="utf-8")
    result = build(None, tmp_path)
    assert [p.name for p in result.written] == ["eur.html"]
    assert (tmp_path / "regions" / "eur.html").read_bytes() == reference


def test_force_rewrites_everything(tmp_path: Path) -> None:
    build(None, tmp_path)
    assert len(build(None, tmp_path, force=True).written) == 8


def test_invalid_data_keeps_previous_outputs(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    build(data, out)
    before = outputs(out)
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="office")
    )
    with pytest.raises(geo.DataError, match="field 'kind': got 'office'"):
        build(data, out)
    assert outputs(out) == before


def test_build_never_modifies_inputs(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}
    build(data, tmp_path / "out")
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}


def test_second_concurrent_build_gets_a_clear_message(tmp_path: Path) -> None:
    with (
        locked(tmp_path),
        pytest.raises(
            BuildLockedError,
            match=rf"^another geo build is writing to {tmp_path} \(pid {os.getpid()}\); wait",
        ),
    ):
        build(None, tmp_path)


def test_concurrent_cli_build_exits_non_zero(tmp_path: Path) -> None:
    with locked(tmp_path):
        result = subprocess.run(
            [sys.executable, "-m", "geo", "build", "--output", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("error: another geo build is writing to")
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX only: kills builds with signal.SIGKILL")
def test_sigkill_at_random_moments_never_mixes_versions(tmp_path: Path) -> None:
    """Alternate the data between two states and kill builds at random moments: every
    file is always whole, and the folder holds one version: either all old, or a
    journal that the next build completes (and then all new)."""
    data = copy_data(tmp_path)
    state_a = (data / "offices.geojson").read_bytes()
    edit_feature(
        data, "offices.geojson", "wco-hq", lambda f: f["properties"].update(name="WCO HQ (B)")
    )
    state_b = (data / "offices.geojson").read_bytes()
    refs = {}
    for label, state in (("a", state_a), ("b", state_b)):
        (data / "offices.geojson").write_bytes(state)
        build(data, tmp_path / f"ref-{label}")
        refs[label] = outputs(tmp_path / f"ref-{label}")
    assert refs["a"]["index.html"] != refs["b"]["index.html"]
    assert refs["a"]["places.geojson"] != refs["b"]["places.geojson"]

    def version(folder: Path) -> str:
        found = outputs(folder)
        for label, ref in refs.items():
            if found == ref:
                return label
        mixed = {n: [k for k, r in refs.items() if r.get(n) == b] for n, b in found.items()}
        raise AssertionError(f"the folder mixes versions: {mixed}")

    out = tmp_path / "out"
    build(data, out)  # version b, the state the data is in now
    command = [sys.executable, "-m", "geo", "-q", "build", "--force"]
    command += ["--data", str(data), "--output", str(out)]
    # Half the kills land at a random moment of the first part of a build (a fraction of
    # the fastest of two whole builds timed now, so however fast or loaded the machine
    # is, the build is still running); the other half land while the build publishes:
    # as soon as its staging folder appears, or a few milliseconds later.
    durations = []
    for _ in range(2):
        started = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        durations.append(time.monotonic() - started)
    duration = min(durations)
    rng = random.Random(20261129)
    kills = journals = 0
    current = version(out)
    for attempt in range(12):
        new = "a" if attempt % 2 else "b"
        (data / "offices.geojson").write_bytes(state_a if new == "a" else state_b)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt % 3 == 2:
            deadline = time.monotonic() + 10 * duration
            while not (out / STAGE).exists() and proc.poll() is None:
                assert time.monotonic() < deadline, "the build never started publishing"
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.02))
        else:
            time.sleep(rng.uniform(0.05, 0.6) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if (out / JOURNAL).exists():
            # killed between its journal and its end: the next command completes it (the
            # renames may all be done already, if it died just before removing the journal)
            journals += 1
            recover(out)
        assert not (out / JOURNAL).exists()
        now = version(out)
        assert now in (current, new), f"attempt {attempt}: {now}"
        current = now
    assert kills >= 6, "too few builds were killed mid-way to prove anything"
    (data / "offices.geojson").write_bytes(state_a)
    build(data, out)
    assert outputs(out) == refs["a"]
    assert not (out / STAGE).exists()


def test_a_journal_left_by_a_killed_build_is_completed_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    build(None, out)
    before = outputs(out)
    # what a build killed between its journal and its renames leaves behind
    (out / STAGE / "regions").mkdir(parents=True)
    (out / STAGE / "index.html").write_text("new index", encoding="utf-8")
    (out / STAGE / "regions" / "eur.html").write_text("new eur", encoding="utf-8")
    manifest = (out / MANIFEST).read_text(encoding="utf-8")
    digests = {
        "index.html": hashlib.sha256(b"new index").hexdigest(),
        "regions/eur.html": hashlib.sha256(b"new eur").hexdigest(),
    }
    journal = {"version": JOURNAL_VERSION, "files": digests, "manifest": manifest}
    (out / JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="geo.publish"):
        result = build(None, out)
    assert "completed an interrupted build in" in caplog.text
    assert "2 file(s) moved into place" in caplog.text
    # the next build then finds the tampered-looking files and rebuilds exactly them
    assert sorted(p.name for p in result.written) == ["eur.html", "index.html"]
    assert outputs(out) == before
    assert not (out / JOURNAL).exists() and not (out / STAGE).exists()


def test_a_stale_staging_folder_is_swept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / STAGE).mkdir(parents=True)
    (out / STAGE / "index.html").write_text("half of a killed build", encoding="utf-8")
    # what an earlier geo left beside its journal, named after it: removed by that name
    (out / f".{JOURNAL}.abcd_123.tmp").write_text("half", encoding="utf-8")
    build(None, out)
    assert not (out / STAGE).exists()
    assert not list(out.rglob("*.tmp"))


def test_a_file_where_a_folder_goes_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "regions").write_text("not a folder", encoding="utf-8")
    with pytest.raises(geo.GeoError, match=r"cannot write .*regions.* is a file, not a folder"):
        build(None, out)
    assert sorted(p.name for p in out.iterdir()) == [".geo-build.lock", ".geo-build.pid", "regions"]
    out_file = tmp_path / "file"
    out_file.write_text("x", encoding="utf-8")
    with pytest.raises(geo.GeoError, match=r"^cannot write to .*file"):
        build(None, out_file)


def test_a_place_file_the_last_build_read_cannot_vanish_silently(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    build(data, out)
    before = outputs(out)
    (data / "offices.geojson").unlink()
    with pytest.raises(
        geo.DataError,
        match=r"offices.geojson: field '\(file\)': got 'missing'; expected the file that the "
        r"last build into .* read \(restore it; or, if it is meant to go, build with "
        r"--allow-missing",
    ):
        build(data, out)
    assert outputs(out) == before
    result = build(data, out, allow_missing=True)
    assert result.places == 58 and "index.html" in {p.name for p in result.written}
    build(data, out)  # the new state is remembered: no complaint the second time


def test_a_reference_table_the_last_build_read_cannot_vanish_silently(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    build(data, out)
    (data / "wco_members.csv").unlink()
    with pytest.raises(geo.DataError, match=r"^1 problem in the data:\n  wco_members.csv: "):
        build(data, out)


def test_a_fallback_to_the_package_tables_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(geo.default_data_dir() / "offices.geojson", data)
    with caplog.at_level(logging.WARNING, logger="geo.atlas"):
        geo.load(data)
    for name in (
        "wco_members.csv",
        "nonmember_territories.csv",
        "countries.fgb.xz",
        "countries_display.geojson",
    ):
        assert f"{data} has no {name}: using geo's own copy" in caplog.text


def test_the_output_goes_beside_the_data_wherever_geo_runs(tmp_path: Path) -> None:
    project = tmp_path / "project"
    data = copy_data(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "geo", "build", "--data", str(data)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []
    assert f"in {project / 'output'}" in result.stderr


# ------------------------------------------------------------- the build key sees all page code


def _package_copy(tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "code" / "geo"
    shutil.copytree(
        Path(geo.__file__).resolve().parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def test_build_key_covers_every_module_the_build_imports(tmp_path: Path) -> None:
    """A comment changed in any module of the build's import closure (or in an asset)
    changes the key, so no edit of page code can leave a stale page behind."""
    from geo.build import code_closure, code_fingerprint

    package = _package_copy(tmp_path)
    closure = {p.relative_to(package).as_posix() for p in code_closure(package)}
    # the modules that once were missing from a hand-kept list, and the obvious ones
    assert {"history.py", "schema.py", "export.py", "build.py"} <= closure
    assert any(name.startswith("render") for name in closure)
    baseline = code_fingerprint(package)
    assets = [p for p in (package / "assets").rglob("*") if p.is_file()]
    assert assets
    for path in [*(package / name for name in sorted(closure)), *assets]:
        original = path.read_bytes()
        path.write_bytes(
            original + b"\n/* a comment */\n"
            if path.suffix != ".py"
            else original + b"\n# a comment\n"
        )
        assert code_fingerprint(package) != baseline, f"{path.name} does not reach the build key"
        path.write_bytes(original)
    assert code_fingerprint(package) == baseline


def test_editing_page_code_rebuilds_the_pages(tmp_path: Path) -> None:
    """End to end: a build, a one-comment edit of history.py, and every page is rewritten."""
    package = _package_copy(tmp_path)
    out = tmp_path / "out"
    data = Path(geo.default_data_dir()).resolve()
    command = [sys.executable, "-m", "geo", "build", "--data", str(data), "--output", str(out)]
    env = {**os.environ, "PYTHONPATH": str(package.parent)}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, check=True
        )

    first = run()
    assert (
        str(package)
        in subprocess.run(
            [sys.executable, "-c", "import geo; print(geo.__file__)"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert "wrote 8 files, 0 unchanged" in first.stderr
    keys = _keys(out)
    history = package / "history.py"
    history.write_text(history.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    second = run()
    again = _keys(out)
    pages = [name for name in keys if name.endswith(".html")]
    assert len(pages) == 7 and all(again[name] != keys[name] for name in pages)  # made again
    # ... with the bytes they had: none is written, and the build says so
    assert "wrote 0 files, 8 unchanged" in second.stderr and "wrote /" not in second.stderr


def _keys(out: Path) -> dict[str, str]:
    """The key each output of ``out`` was last made from (its manifest)."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return {name: entry["key"] for name, entry in manifest["outputs"].items()}


# ------------------------------------------------------------------ languages


def test_two_languages_one_layout_each_page_linked_to_itself_in_the_other(tmp_path: Path) -> None:
    import re

    result = build(None, tmp_path, lang="en,fr")
    pages = sorted(p for p in outputs(tmp_path) if p.endswith(".html"))
    english = [p for p in pages if not p.startswith("fr/")]
    assert [f"fr/{p}" for p in english] == [p for p in pages if p.startswith("fr/")]
    assert len(english) == 7 and len(result.written) == 15
    assert [p for p in outputs(tmp_path) if p.endswith(".geojson")] == ["places.geojson"]
    for page in pages:
        html = (tmp_path / page).read_text(encoding="utf-8")
        lang = "fr" if page.startswith("fr/") else "en"
        assert html.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
        (href, other), *more = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', html)
        assert more == [] and other == {"en": "fr", "fr": "en"}[lang]
        target = (tmp_path / page).parent / href
        assert target.resolve() == (tmp_path / (f"fr/{page}" if lang == "en" else page[3:]))
    french = (tmp_path / "fr/regions/wca.html").read_text(encoding="utf-8")
    assert "<title>Région Afrique occidentale et centrale de l\u2019OMD</title>" in french
    assert '<a href="../index.html">Carte du monde</a>' in french


def test_the_language_is_part_of_each_outputs_key(tmp_path: Path) -> None:
    build(None, tmp_path, lang="en")
    english = outputs(tmp_path)
    french = build(None, tmp_path, lang="fr")  # French at the root now
    assert {p.name for p in french.written} == {
        "index.html",
        "ac.html",
        "ap.html",
        "esa.html",
        "eur.html",
        "mena.html",
        "wca.html",
    }
    assert [p.name for p in french.unchanged] == ["places.geojson"]
    assert '<html lang="fr">' in (tmp_path / "index.html").read_text(encoding="utf-8")
    again = build(None, tmp_path, lang="en")
    assert len(again.written) == 7 and outputs(tmp_path) == english  # the same bytes


def test_a_changed_catalogue_rebuilds_the_pages(tmp_path: Path, monkeypatch) -> None:
    import geo.build as module

    build(None, tmp_path)
    copy = tmp_path / "catalogue" / "fr" / "LC_MESSAGES" / "geo.po"
    copy.parent.mkdir(parents=True)
    copy.write_text("# a translator's edit\n", encoding="utf-8")
    keys = _keys(tmp_path)
    monkeypatch.setattr(module, "catalogue_files", lambda: (copy,))
    result = build(None, tmp_path)
    again = _keys(tmp_path)
    assert [name for name in keys if again[name] == keys[name]] == ["places.geojson"]
    # made again; the edit changes no word of these pages, so none is written
    assert result.written == () and len(result.unchanged) == 8


def test_the_languages_come_from_the_data_folders_settings(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "geo.toml").write_text('[maps]\nlanguages = ["fr"]\n', encoding="utf-8")
    out = tmp_path / "out"
    build(data, out)
    assert '<html lang="fr">' in (out / "index.html").read_text(encoding="utf-8")
    build(data, out, lang="en")  # the argument wins
    assert '<html lang="en">' in (out / "index.html").read_text(encoding="utf-8")
    (data / "geo.toml").write_text('[maps]\nlanguages = ["fr", "klingon"]\n', encoding="utf-8")
    with pytest.raises(geo.DataError, match=r"geo\.toml: field 'maps\.languages': got 'klingon'"):
        build(data, out)
    with pytest.raises(geo.UsageError, match=r"Got lang='de'; `lang` must be one of"):
        build(data, out, lang="en,de")


# ------------------------------------------------------- the folder's languages


def _french_link(page: Path) -> bool:
    return 'hreflang="fr"' in page.read_text(encoding="utf-8")


def test_a_build_without_lang_keeps_the_languages_the_folder_was_built_in(
    fixture_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build(fixture_copy, out, lang="en,fr")
    assert first.languages is not None and first.languages.source == "lang"
    before = outputs(out)
    again = build(fixture_copy, out)  # as `geo build` after `geo build --lang en,fr`
    assert again.languages == geo.build.Languages(("en", "fr"), "output", ("en",))
    assert again.written == again.removed == () and len(again.unchanged) == 15
    assert outputs(out) == before and _french_link(out / "index.html")
    # a change of the data reaches both languages
    edit_feature(
        fixture_copy,
        "offices.geojson",
        "rtc-kenya",
        lambda f: f["properties"].update(name="RTC Kenya (Mombasa)"),
    )
    changed = build(fixture_copy, out)
    names = {str(p.relative_to(out)) for p in changed.written}
    assert {"index.html", "fr/index.html", "regions/esa.html", "fr/regions/esa.html"} <= names
    for page in ("index.html", "fr/index.html"):
        assert "RTC Kenya (Mombasa)" in (out / page).read_text(encoding="utf-8")
    assert _french_link(out / "index.html") and _french_link(out / "regions" / "esa.html")


def test_a_language_dropped_has_only_the_pages_geo_wrote_removed(
    fixture_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="en,fr")
    (out / "fr" / "notes.txt").write_text("mine", encoding="utf-8")  # a user's file
    edited = out / "fr" / "regions" / "eur.html"
    edited.write_text(edited.read_text(encoding="utf-8") + "<!-- my edit -->", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="geo"):
        result = build(fixture_copy, out, lang="en")
    assert f"kept {edited}: it was changed since geo wrote it" in caplog.text
    assert sorted(str(p.relative_to(out)) for p in result.removed) == [
        "fr/index.html",
        *(f"fr/regions/{code}.html" for code in ("ac", "ap", "esa", "mena", "wca")),
    ]
    assert sorted(p for p in outputs(out) if p.startswith("fr/")) == [
        "fr/notes.txt",
        "fr/regions/eur.html",
    ]
    assert not _french_link(out / "index.html")  # no link to a page that is gone
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert not [name for name in manifest["outputs"] if name.startswith("fr/")]
    assert manifest["languages"] == ["en"] and manifest["languages_from"] == "settings"
    build(fixture_copy, out)  # English, as asked last: the settings' own choice
    assert not _french_link(out / "index.html")


def test_a_language_dropped_with_nothing_of_a_user_leaves_no_folder(
    fixture_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="en,fr")
    result = build(fixture_copy, out, lang="fr")  # French at the root now
    assert len(result.removed) == 7 and not (out / "fr").exists()
    assert '<html lang="fr">' in (out / "index.html").read_text(encoding="utf-8")
    assert build(fixture_copy, out).languages == geo.build.Languages(("fr",), "output", ("en",))


def test_the_settings_rule_a_folder_that_never_chose(fixture_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    toml = fixture_copy / "geo.toml"
    toml.write_text('[maps]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    assert build(fixture_copy, out).languages.source == "geo.toml"  # type: ignore[union-attr]
    toml.write_text('[maps]\nlanguages = ["en"]\n', encoding="utf-8")
    result = build(fixture_copy, out)  # the folder recorded the settings: they change, it follows
    assert len(result.removed) == 7 and not (out / "fr").exists()
    # a --lang other than the settings is the folder's from then on ...
    build(fixture_copy, out, lang="en,fr")
    toml.write_text('[maps]\nlanguages = ["fr"]\n', encoding="utf-8")
    kept = build(fixture_copy, out)
    assert kept.languages == geo.build.Languages(("en", "fr"), "output", ("fr",))
    # ... until a --lang equal to the settings gives the folder back to them
    build(fixture_copy, out, lang="fr")
    toml.write_text('[maps]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    assert build(fixture_copy, out).languages.codes == ("en", "fr")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "record",
    [
        {"languages": "fr", "languages_from": "lang"},
        {"languages": ["en", "../../etc"], "languages_from": "lang"},
        {"languages": ["en", "de"], "languages_from": "lang"},
        {"languages": ["fr", "fr"], "languages_from": "lang"},
        {"languages": [{"en": 1}], "languages_from": "lang"},
        {"languages": ["FR"], "languages_from": "lang"},
        {"languages": ["fr"], "languages_from": "../x"},
    ],
)
def test_a_hostile_languages_record_is_ignored_with_a_warning(
    fixture_copy: Path, tmp_path: Path, record: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="en,fr")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**manifest, **record}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="geo"):
        result = build(fixture_copy, out)
    assert "ignoring the languages recorded in the .geo-build.json of" in caplog.text
    assert caplog.text.count("ignoring the languages") == 1  # said once, not at each look
    assert result.languages == geo.build.Languages(("en",), "default", ("en",))
    assert not (out / "fr").exists() and not (tmp_path / "etc").exists()


def test_a_hostile_manifest_never_removes_a_users_file(fixture_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="en,fr")
    mine = {"notes.txt": b"mine", "fr/notes.html": b"<p>mine</p>", "fr/regions/x.html": b"x"}
    for name, data in mine.items():
        (out / name).write_bytes(data)
    (tmp_path / "outside.html").write_bytes(b"outside")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, data in {**mine, "../outside.html": b"outside"}.items():
        manifest["outputs"][name] = {"key": "k", "sha256": hashlib.sha256(data).hexdigest()}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = build(fixture_copy, out, lang="en")
    assert len(result.removed) == 7  # the French pages geo wrote, nothing else
    assert {name: (out / name).read_bytes() for name in mine} == mine
    assert (tmp_path / "outside.html").read_bytes() == b"outside"


def test_a_folder_built_before_languages_were_recorded_keeps_its_languages(
    fixture_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="fr,en")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    del manifest["languages"], manifest["languages_from"]  # as an older geo wrote it
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = outputs(out)
    result = build(fixture_copy, out)
    assert result.languages == geo.build.Languages(("fr", "en"), "output", ("en",))
    assert result.written == result.removed == () and outputs(out) == before
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["languages"] == ["fr", "en"]


def test_an_edited_prepared_input_is_built_as_edited(tmp_path: Path) -> None:
    """geo ships answers prepared for its own country layers (geo.cache, "Prepared answers"):
    a data folder whose layers were edited builds with the edits, into an empty cache,
    the same bytes as a build that reads nothing prepared."""
    import io
    import lzma

    import geopandas as gpd

    data = copy_data(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("GEO_NO_PREPARED", "GEO_NO_CACHE")}

    def built(name: str, **extra: str) -> dict[str, bytes]:
        out = tmp_path / name
        run_env = {**env, "GEO_CACHE_DIR": str(tmp_path / f"cache-{name}"), **extra}
        command = [sys.executable, "-m", "geo", "-q", "build", "--data", str(data)]
        subprocess.run([*command, "--output", str(out)], env=run_env, check=True, cwd=tmp_path)
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in out.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        }

    shipped = built("shipped")
    assert not list((tmp_path / "cache-shipped").glob("countries-*")), "computed, not prepared"
    # the country layer: Azerbaijan moved 1 km east (its places stay within 25 km of it)
    layer = gpd.read_file(io.BytesIO(lzma.decompress((data / "countries.fgb.xz").read_bytes())))
    aze = layer["iso3"] == "AZE"
    layer.loc[aze, "geometry"] = layer.loc[aze, "geometry"].translate(xoff=0.01)
    layer.to_file(tmp_path / "countries.fgb", driver="FlatGeobuf")
    packed = lzma.compress((tmp_path / "countries.fgb").read_bytes())
    (data / "countries.fgb.xz").write_bytes(packed)
    moved = built("moved")
    assert moved == built("moved-computed", GEO_NO_PREPARED="1")
    assert list((tmp_path / "cache-moved").glob("countries-*"))
    assert moved["regions/eur.html"] != shipped["regions/eur.html"]
    # the display layer: Azerbaijan drawn as a box
    display = json.loads((data / "countries_display.geojson").read_text(encoding="utf-8"))
    (box,) = [f for f in display["features"] if f["properties"]["iso3"] == "AZE"]
    box["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[45.0, 39.0], [50.0, 39.0], [50.0, 42.0], [45.0, 42.0], [45.0, 39.0]]],
    }
    (data / "countries_display.geojson").write_text(json.dumps(display), encoding="utf-8")
    boxed = built("boxed")
    assert boxed == built("boxed-computed", GEO_NO_PREPARED="1")
    assert list((tmp_path / "cache-boxed").glob("display-*"))
    for page in ("index.html", "regions/eur.html"):
        assert boxed[page] != moved[page]


# ------------------------------------------------------------------ a rebuild with nothing to make

_MODULES_OF_A_REBUILD = r"""
import sys
from geo.cli import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as done:
    assert not done.code, done.code
heavy = sorted(m for m in ("folium", "branca", "geopandas", "pandas") if m in sys.modules)
print("heavy:", ",".join(heavy) or "none")
"""


def test_a_rebuild_with_nothing_changed_loads_neither_the_data_nor_folium(tmp_path: Path) -> None:
    """Every input byte, the code and the languages as the manifest records them: the build
    says every output is unchanged (and how many places) without importing geopandas,
    pandas or folium; the first build, which makes the pages, imports them."""
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    args = ["build", "--data", str(data), "--output", str(out), "--lang", "en,fr"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _MODULES_OF_A_REBUILD, *args],
            capture_output=True,
            text=True,
            check=True,
        )

    first = run()
    assert "wrote 15 files, 0 unchanged" in first.stderr
    assert "heavy: branca,folium,geopandas,pandas" in first.stdout
    before = outputs(out)
    places = json.loads((out / "places.geojson").read_text(encoding="utf-8"))["features"]
    second = run()
    assert "heavy: none" in second.stdout
    assert f"wrote 0 files, 15 unchanged: {len(places)} places" in second.stderr
    assert outputs(out) == before
    # one byte of one place file changed: the data is loaded, and the page that shows it made
    edit_feature(
        data, "offices.geojson", "rtc-kenya", lambda f: f["properties"].update(name="RTC Mombasa")
    )
    third = run()
    assert "heavy: branca,folium,geopandas,pandas" in third.stdout
    assert "wrote /" in third.stderr and "regions/esa.html" in third.stderr


def test_the_source_key_changes_with_every_input_byte_the_code_and_the_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte appended to any file the build reads (each place file, each reference table,
    geo.toml), another language, another day, another library version or another code:
    another key, so that no change is ever taken for "nothing to make"."""
    import importlib.metadata

    import geo.build as module
    from geo.atlas import input_files
    from geo.build import Languages, source_key

    data = copy_data(tmp_path)
    (data / "geo.toml").write_text('[maps]\nlanguages = ["en"]\n', encoding="utf-8")
    english = Languages(("en",), "geo.toml", ("en",))

    def key(languages: Languages = english, day: dt.date | None = None) -> str | None:
        return source_key(data, input_files(data), languages, day)

    baseline = key()
    assert baseline is not None and key() == baseline
    files = [*input_files(data), data / "geo.toml"]
    assert {p.name for p in files} >= {
        "offices.geojson",
        "border_posts.geojson",
        "wco_members.csv",
        "nonmember_territories.csv",
        "countries.fgb.xz",
        "countries_display.geojson",
        "geo.toml",
    }
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert key() != baseline, f"{path.name} does not reach the source key"
        path.write_bytes(original)
    assert key() == baseline
    assert key(Languages(("en", "fr"), "lang", ("en",))) != baseline
    assert key(Languages(("en",), "lang", ("fr",))) != baseline  # recorded as chosen
    assert key(day=dt.date(2010, 1, 1)) != baseline
    version = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda dist: "0.0.1" if dist == "shapely" else version(dist),
    )
    assert key() != baseline
    monkeypatch.undo()
    monkeypatch.setattr(module, "renderer_fingerprint", lambda: "another code")
    assert key() != baseline


def test_the_names_known_before_loading_are_the_outputs_a_build_makes() -> None:
    from geo.build import _output_names, _outputs

    atlas = geo.load()
    for languages in (("en",), ("fr",), ("en", "fr"), ("fr", "en")):
        made = [output.name for output in _outputs(atlas, languages)]
        assert _output_names(languages) == made


def test_a_manifest_that_records_another_source_loads_the_data(tmp_path: Path) -> None:
    """A recorded key that is not this build's (or a hostile one) is never taken as current:
    every output's own key is compared, as without it."""
    build(None, tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert isinstance(manifest["source"]["key"], str) and manifest["source"]["places"] > 0
    manifest["source"] = {"key": "0" * 64, "places": 3}
    (tmp_path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = build(None, tmp_path)
    assert result.written == () and len(result.unchanged) == 8 and result.places > 3
    again = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert again["source"]["key"] != "0" * 64  # recorded again, by the build that loaded


def test_the_source_key_reads_no_file_the_build_would_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A place file beyond GEO_MAX_FILE_MB (or a device) is not read whole for the key: there
    is no key, and the build that loads the data refuses the file, naming it."""
    from geo.atlas import input_files
    from geo.build import Languages, source_key
    from geo.errors import DataError

    data = copy_data(tmp_path)
    english = Languages(("en",), "default", ("en",))
    assert source_key(data, input_files(data), english, None) is not None
    (data / "huge.geojson").write_bytes(b" " * 4_000_001)  # the largest table: 2.3 MB
    monkeypatch.setenv("GEO_MAX_FILE_MB", "4")
    assert source_key(data, input_files(data), english, None) is None
    with pytest.raises(DataError, match=r"huge\.geojson"):
        build(data, tmp_path / "out")
