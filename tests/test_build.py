"""Incremental, atomic, locked builds."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import geo
from geo.build import _lock, build
from geo.errors import BuildLockedError
from tests.conftest_data import copy_data, edit_feature


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
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
        _lock(tmp_path),
        pytest.raises(
            BuildLockedError,
            match=rf"^another geo build is writing to {tmp_path} \(pid {os.getpid()}\); wait",
        ),
    ):
        build(None, tmp_path)


def test_concurrent_cli_build_exits_non_zero(tmp_path: Path) -> None:
    with _lock(tmp_path):
        result = subprocess.run(
            [sys.executable, "-m", "geo", "build", "--output", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("error: another geo build is writing to")
    assert "Traceback" not in result.stderr


def test_sigkill_at_random_moments_never_leaves_a_partial_file(tmp_path: Path) -> None:
    """Alternate the data between two states, kill builds at random moments, and
    check that every output is always one of the two complete versions."""
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
    out = tmp_path / "out"
    command = [sys.executable, "-m", "geo", "-q", "build", "--force"]
    command += ["--data", str(data), "--output", str(out)]
    # Kill at a random fraction of how long a whole build takes on this machine
    # now, so that the kills land mid-build however fast or loaded it is.
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    duration = time.monotonic() - started
    rng = random.Random(20261129)
    kills = 0
    for attempt in range(12):
        (data / "offices.geojson").write_bytes(state_a if attempt % 2 else state_b)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.95) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        for name, body in outputs(out).items():
            assert body in (refs["a"][name], refs["b"][name]), (
                f"attempt {attempt}: {name} is partial"
            )
    assert kills >= 6, "too few builds were killed mid-way to prove anything"
    (data / "offices.geojson").write_bytes(state_a)
    build(data, out)
    assert outputs(out) == refs["a"]
    assert not list(out.rglob("*.tmp"))


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
    assert "(0 unchanged)" in first.stderr
    history = package / "history.py"
    history.write_text(history.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    second = run()
    assert f"wrote {out / 'index.html'}" in second.stderr
    assert f"wrote {out / 'regions' / 'eur.html'}" in second.stderr
