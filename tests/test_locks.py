"""geo.locks: file locks through filelock, released when their holder dies, on every system."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import locks
from tests.conftest_data import copy_data

#: A process that holds a lock until its stdin closes, and says when it has it.
HOLDER = """
import sys
from pathlib import Path
from geo import locks
how = locks.holding_folder if sys.argv[1] == "folder" else locks.holding
with how(Path(sys.argv[2])):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def holder(kind: str, path: Path, *, kill: bool = False) -> Iterator[None]:
    """Another process holding the lock for the block; killed at the end with ``kill``."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, kind, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline() == "held\n"
        try:
            yield
        finally:
            if kill:
                process.kill()  # killed, not closed: the system releases the lock
            process.stdin.close()
            process.wait()


def test_a_lock_held_by_another_process_is_busy_until_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    busy = pytest.raises(locks.Busy)
    with holder("file", path, kill=True), busy, locks.holding(path, wait=False):
        pass
    with locks.holding(path, wait=False):
        pass


def test_a_folder_lock_adds_no_file_and_is_one_for_every_path_to_the_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    other_path = tmp_path / "data" / ".." / "data"
    assert locks.folder_lock_file(folder) == locks.folder_lock_file(other_path)
    assert locks.folder_lock_file(folder) != locks.folder_lock_file(tmp_path)
    busy = pytest.raises(locks.Busy)
    with holder("folder", other_path), busy, locks.holding_folder(folder, wait=False):
        pass
    assert list(folder.iterdir()) == []
    with locks.holding_folder(folder, wait=False):
        assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX only: owners and permission bits")
def test_a_lock_folder_others_can_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    shared = tmp_path / f"geo-locks-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(PermissionError, match="is not a private folder of this user"):
        locks.folder_lock_file(tmp_path / "data")


def test_an_edit_waits_for_the_edit_holding_the_folder(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    before = sorted(p.name for p in data.iterdir())
    command = [sys.executable, "-m", "geo", "-q", "set", "--data", str(data), "samur"]
    # The holder has the lock before the edit starts: started the other way round, a quick
    # edit could take the folder first and finish before the holder ever got it.
    with holder("folder", data):
        edit = subprocess.Popen(
            [*command, "checked_on=2026-01-01"], stderr=subprocess.PIPE, text=True
        )
        edit_started = time.monotonic()
        time.sleep(3)
        if edit.poll() is not None:
            pytest.fail(f"the edit did not wait for the lock: {edit.communicate()[1]}")
    with edit:
        assert edit.wait(timeout=120) == 0, edit.communicate()[1]
    assert time.monotonic() - edit_started >= 3
    assert sorted(p.name for p in data.iterdir()) == before
    text = (data / "border_posts.geojson").read_text(encoding="utf-8")
    assert '"checked_on": "2026-01-01"' in text
