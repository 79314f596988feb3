"""geo.cache: entries keyed by inputs and code, written atomically, never trusted blindly."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from geo import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own."""
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def entry_file(folder: Path, kind: str) -> Path:
    (path,) = folder.glob(f"{kind}-*.npz")
    return path


def test_the_tests_never_use_the_users_cache_folder() -> None:
    import platformdirs

    where = cache.cache_dir()
    assert where is not None
    assert where == Path(os.environ["GEO_CACHE_DIR"])
    assert not where.is_relative_to(Path(platformdirs.user_cache_dir("geo", appauthor=False)))


def test_folder_from_the_environment_or_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setenv("GEO_CACHE_DIR", "/some/where")
    assert cache.cache_dir() == Path("/some/where")
    monkeypatch.delenv("GEO_CACHE_DIR")
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("geo", appauthor=False))


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_turned_off_nothing_is_read_or_written(
    folder: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    key = cache.entry_key("test", "a")
    cache.store("test", key, {"x": np.arange(3)})
    monkeypatch.setenv("GEO_NO_CACHE", value)
    assert not cache.enabled() and cache.cache_dir() is None
    assert cache.load("test", key) is None
    cache.store("test", cache.entry_key("test", "b"), {"x": np.arange(3)})
    assert len(list(folder.glob("test-*"))) == 1
    monkeypatch.setenv("GEO_NO_CACHE", "0")
    assert cache.load("test", key) is not None


def test_round_trip_of_arrays_text_and_json(folder: Path) -> None:
    key = cache.entry_key("test", "input digest", 3)
    arrays = {
        "numbers": np.linspace(0, 1, 7),
        "codes": np.arange(-2, 5, dtype=np.int16),
        "text": cache.strings_array(["AZE", "Åland", "名"]),
        "doc": cache.to_json_array({"a": [1, 2.5, None, "x"]}),
    }
    cache.store("test", key, arrays)
    got = cache.load("test", key)
    assert got is not None and set(got) == set(arrays)
    for name, array in arrays.items():
        np.testing.assert_array_equal(got[name], array)
        assert got[name].dtype == array.dtype
    assert cache.from_json_array(got["doc"]) == {"a": [1, 2.5, None, "x"]}
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_keys_change_with_every_part_and_with_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.entry_key("places", "digest", "2026-01-01")
    assert key == cache.entry_key("places", "digest", "2026-01-01")
    assert key != cache.entry_key("places", "digest", "2026-01-02")
    assert key != cache.entry_key("display", "digest", "2026-01-01")
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the code")
    assert key != cache.entry_key("places", "digest", "2026-01-01")


def test_a_foreign_entry_is_ignored(folder: Path) -> None:
    mine, other = cache.entry_key("test", "mine"), cache.entry_key("test", "other")
    cache.store("test", other, {"x": np.arange(3)})
    # an entry under my name that holds another key: found, checked, refused
    entry_file(folder, "test").rename(folder / f"test-{mine[:40]}.npz")
    assert cache.load("test", mine) is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "pickle", "npy"])
def test_a_corrupt_entry_is_ignored_never_trusted(folder: Path, damage: str) -> None:
    key = cache.entry_key("test", damage)
    cache.store("test", key, {"x": np.arange(100_000, dtype=np.float64)})
    path = entry_file(folder, "test")
    data = bytearray(path.read_bytes())
    if damage == "flip":  # a byte of the array changed: the zip's CRC says so
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(b"not a numpy archive at all")
    elif damage == "empty":
        data = bytearray()
    elif damage == "npy":  # a lone array, not an archive
        import io

        buffer = io.BytesIO()
        np.save(buffer, np.arange(3))
        data = bytearray(buffer.getvalue())
    else:  # an archive that needs pickle to read: never unpickled
        import io

        buffer = io.BytesIO()
        np.savez(
            buffer,
            __key__=np.frombuffer(key.encode(), dtype=np.uint8),
            x=np.array([{"a": 1}], dtype=object),
        )
        data = bytearray(buffer.getvalue())
    path.write_bytes(bytes(data))
    assert cache.load("test", key) is None


def test_concurrent_writers_leave_one_whole_entry(folder: Path) -> None:
    key = cache.entry_key("test", "concurrent")
    arrays = {"x": np.arange(200_000, dtype=np.float64)}
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(5):
                cache.store("test", key, arrays)
                found = cache.load("test", key)  # readers never see a part of an entry
                assert found is not None
                np.testing.assert_array_equal(found["x"], arrays["x"])
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in folder.iterdir()] == [entry_file(folder, "test").name]


def test_old_entries_and_stale_temporaries_are_pruned(folder: Path) -> None:
    folder.mkdir(parents=True)
    stale = folder / f".test-{'a' * 40}.npz.abc_1234.tmp"
    stale.write_bytes(b"left by a killed writer")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = folder / f".test-{'b' * 40}.npz.def_5678.tmp"
    fresh.write_bytes(b"being written right now")
    for i in range(5):
        cache.store("test", cache.entry_key("test", i), {"x": np.arange(i + 1)}, keep=2)
        os.utime(entry_file_n(folder, i), (old + i, old + i))
    kept = sorted(folder.glob("test-*.npz"))
    assert len(kept) == 2
    assert cache.load("test", cache.entry_key("test", 4)) is not None
    assert not stale.exists() and fresh.exists()


def test_pruning_removes_only_the_files_it_made(folder: Path) -> None:
    """GEO_CACHE_DIR may name a user's folder: a file geo did not name is never removed."""
    folder.mkdir(parents=True)
    old = time.time() - 3600
    users = [
        folder / ".notes.tmp",
        folder / ".test-x.npz.abc.tmp",
        folder / "test-mine.npz",
        folder / f"test-{'c' * 40}.npz.bak",
    ]
    for path in users:
        path.write_bytes(b"the user's")
        os.utime(path, (old, old))
    for i in range(3):
        cache.store("test", cache.entry_key("test", i), {"x": np.arange(i + 1)}, keep=1)
    assert all(path.read_bytes() == b"the user's" for path in users)
    assert len(list(folder.glob("test-" + "[0-9a-f]" * 40 + ".npz"))) == 1


def entry_file_n(folder: Path, i: int) -> Path:
    return folder / f"test-{cache.entry_key('test', i)[:40]}.npz"


def test_an_unwritable_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("GEO_CACHE_DIR", str(blocker / "cache"))
    key = cache.entry_key("test", "x")
    cache.store("test", key, {"x": np.arange(3)})  # logged, not raised
    assert cache.load("test", key) is None


def test_text_numpy_cannot_hold_exactly_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        cache.strings_array(["ends with a NUL\x00"])
    with pytest.raises(ValueError, match="cannot hold"):
        cache.strings_array([None])  # type: ignore[list-item]


def test_code_version_covers_every_source_file() -> None:
    sources = cache.package_sources()
    assert {"cache.py", "countries.py", "atlas.py", "points/enrich.py"} <= set(sources)
    assert len(cache.code_version()) == 64


# -- the import closure, and the answers geo ships prepared ----------------------------------


def test_import_closure_reads_every_form_of_import() -> None:
    """Relative, aliased, bracketed, continued and function-level imports all count."""
    sources = {
        "__init__.py": b"",
        "a.py": (
            b'"""A module."""\nfrom . import b\nimport geo.c as c\n\n\ndef f():\n'
            b"    from geo.d import (\n        x,\n        y as z,\n    )\n"
        ),
        "b.py": b"from geo.sub.e import thing  # a comment\n",
        "c.py": b"import os, geo.f\n",
        "d.py": b"x = 1\ny = 2\n",
        "sub/__init__.py": b"from .. import g\n",
        "sub/e.py": b"from geo import \\\n    h\n",
        "f.py": b"",
        "g.py": b"",
        "h.py": b"",
        "unused.py": b"import geo.a\n",
    }
    assert cache.import_closure("geo.a", sources) == sorted(set(sources) - {"unused.py"})
    assert cache.import_closure("geo.d", sources) == ["__init__.py", "d.py"]
    # the code called: a package's __init__ only for a name that is not a module
    called = cache.import_closure("geo.a", sources, packages=False)
    assert called == ["a.py", "b.py", "c.py", "d.py", "f.py", "h.py", "sub/e.py"]
    assert cache.import_closure("geo.sub", sources, packages=False) == ["g.py", "sub/__init__.py"]


_TREES: dict[str, list[Any]] = {}


def _closure_by_syntax_tree(sources: dict[str, bytes], start: str) -> list[str]:
    """The import closure read with ``ast``: an oracle for :func:`geo.cache.import_closure`."""
    import ast

    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        relative = "/".join(name.split(".")[1:])
        path = next(
            (p for p in (f"{relative}/__init__.py".lstrip("/"), f"{relative}.py") if p in sources),
            None,
        )
        if name in seen or not name.startswith("geo") or path is None:
            continue
        seen[name] = path
        parts = name.split(".")
        package = parts if path.endswith("__init__.py") else parts[:-1]
        for node in _TREES.setdefault(path, list(ast.walk(ast.parse(sources[path])))):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package[: len(package) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                todo += [base, *(f"{base}.{alias.name}" for alias in node.names)]
        todo += [".".join(parts[:parent]) for parent in range(1, len(parts))]
    return sorted(set(seen.values()))


def test_import_closure_of_every_module_agrees_with_the_syntax_tree() -> None:
    sources = dict(cache.package_sources())
    for path in sources:
        module = ".".join(["geo", *path.removesuffix(".py").split("/")]).removesuffix(".__init__")
        expected = _closure_by_syntax_tree(sources, module)
        assert cache.import_closure(module, sources) == expected, module


def test_the_recipe_covers_the_module_and_what_it_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = dict(cache.package_sources())
    closure = cache.import_closure("geo.countries", sources, packages=False)
    assert {"countries.py", "cache.py", "errors.py"} <= set(closure)
    assert "cli/__init__.py" not in closure and "render/page.py" not in closure
    before = cache.recipe("geo.countries")
    try:
        cases = [("countries.py", True), ("errors.py", True), ("cli/build.py", False)]
        for changed, counts in cases:
            edited = {**sources, changed: sources[changed] + b"\n# a comment\n"}
            monkeypatch.setattr(cache, "package_sources", lambda edited=edited: edited)
            cache.recipe.cache_clear()
            assert (cache.recipe("geo.countries") != before) == counts, changed
    finally:
        monkeypatch.undo()
        cache.recipe.cache_clear()
    assert cache.recipe("geo.countries") == before


def test_a_prepared_answer_is_read_when_the_cache_has_none(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GEO_NO_PREPARED", raising=False)
    prepared = tmp_path / "prepared"
    monkeypatch.setattr(cache, "PREPARED_DIR", prepared)
    key = cache.entry_key("test", "digest-of-an-input", code="geo.countries")
    assert key.prepared == cache.prepared_key("test", "geo.countries", "digest-of-an-input")
    assert cache.load("test", key) is None
    with cache.preparing(prepared):
        cache.store("test", key, {"x": np.arange(3)})
    (made,) = prepared.glob("test-*.npz")
    assert made.name == f"test-{key.prepared[:40]}.npz"
    entry_file(folder, "test").unlink()  # the user's cache is empty again
    found = cache.load("test", key)
    assert found is not None and found["x"].tolist() == [0, 1, 2]
    monkeypatch.setenv("GEO_NO_CACHE", "1")  # read with the cache off too: the same bytes
    assert cache.load("test", key) is not None
    monkeypatch.delenv("GEO_NO_CACHE")
    # another input, or prepared answers turned off: computed
    assert cache.load("test", cache.entry_key("test", "another", code="geo.countries")) is None
    assert cache.load("test", cache.entry_key("test", "digest-of-an-input")) is None
    monkeypatch.setenv("GEO_NO_PREPARED", "1")
    assert cache.load("test", key) is None
    # the same answer gives the same bytes (no date in the archive)
    first = made.read_bytes()
    time.sleep(1.1)
    with cache.preparing(prepared):
        cache.store("test", key, {"x": np.arange(3)})
    assert made.read_bytes() == first


def test_a_prepared_answer_of_another_key_is_never_trusted(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GEO_NO_PREPARED", raising=False)
    monkeypatch.setattr(cache, "PREPARED_DIR", tmp_path / "prepared")
    key = cache.entry_key("test", "a", code="geo.countries")
    other = cache.entry_key("test", "b", code="geo.countries")
    with cache.preparing(tmp_path / "prepared"):
        cache.store("test", other, {"x": np.arange(3)})
    assert key.prepared is not None and other.prepared is not None
    (made,) = (tmp_path / "prepared").glob("test-*.npz")
    made.rename(made.with_name(f"test-{key.prepared[:40]}.npz"))  # under the wrong name
    assert cache.load("test", key) is None


def test_the_prepared_answers_are_current(tmp_path: Path) -> None:
    """A first build of geo's own data, in both languages, finds every answer it caches
    prepared: it computes nothing, so it writes nothing in an empty cache folder (not even
    GeoNames' towns or the country layer are read).  When this fails: run
    scripts/prepare_build.py."""
    import subprocess
    import sys

    env = {**os.environ, "GEO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("GEO_NO_PREPARED")
    env.pop("GEO_NO_CACHE", None)
    command = [sys.executable, "-m", "geo", "-q", "build", "--lang", "en,fr"]
    subprocess.run([*command, "--output", str(tmp_path / "out")], env=env, check=True, cwd=tmp_path)
    computed = sorted({p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.npz")})
    assert not computed, f"computed {computed}: run .venv/bin/python scripts/prepare_build.py"
    assert (tmp_path / "out" / "fr" / "regions" / "eur.html").is_file()
