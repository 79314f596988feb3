"""geo.cache: entries keyed by inputs and code, written atomically, never trusted blindly."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

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
