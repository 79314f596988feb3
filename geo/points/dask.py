"""The Dask engine: the files of a partitioned (Geo)Parquet input, enriched on Dask.

One task per input file (a partition): it opens the file once, enriches it
chunk by chunk exactly as the local engine does (:func:`geo.points.stream.stream`)
and writes one output file, ``part.NNNNNN.parquet`` in the order of the
input's files; it returns the rows it read, wrote and found invalid, so the
client reads no footer.  Inputs and outputs are paths or fsspec URLs
(``file://``, ``s3://``, ``gs://``, ``memory://``...), as dask-geopandas takes
them.

The workers need no shared data folder and no particular working directory:
the client sends them the data folder's files (a few MB) once per worker, as
a scattered object on a ``distributed`` cluster, and each worker process
writes them to a private temporary folder named by their digest and loads the
atlas from there, once.  Without a ``distributed.Client`` the tasks run on
Dask's local scheduler.  Needs ``pip install 'wco-atlas[dask]'``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import posixpath
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas import default_data_dir, load
from geo.errors import DataError, Problem, UsageError
from geo.placeindex import PlaceIndex
from geo.points.enrich import Enricher, OnInvalid
from geo.points.sources import OpenParquetSource, format_of
from geo.points.stream import Progress, stream
from geo.points.writers import ParquetWriter, atomic_output
from geo.shipped import snapshot_files
from geo.targets import WriteRule, writing

__all__ = ["Bundle", "bundles_received", "enrich_dask"]

_ENRICHERS: dict[tuple[str, str | None], Enricher] = {}
_ENRICHERS_LOCK = threading.Lock()
#: Bundles this process has unpickled (a worker should receive the data folder once).
_RECEIVED = [0]


class Bundle:
    """The files of a data folder, by name, with their digest: what each worker needs.

    Pickled as its bytes and digest; each unpickling is counted
    (:func:`bundles_received`), so a test can tell that a worker received it
    once rather than with every task.
    """

    def __init__(self, files: dict[str, bytes], digest: str | None = None) -> None:
        self.files = files
        if digest is None:
            hashed = hashlib.sha256()
            for name in sorted(files):
                hashed.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
            digest = hashed.hexdigest()[:32]
        self.digest = digest

    @classmethod
    def of(cls, folder: Path) -> Bundle:
        """The files :func:`geo.shipped.snapshot_files` names in ``folder``."""
        return cls({p.name: p.read_bytes() for p in snapshot_files(folder)})

    def __reduce__(self) -> tuple[Any, ...]:
        return (_received, (self.files, self.digest))


def _received(files: dict[str, bytes], digest: str) -> Bundle:
    """Unpickle a :class:`Bundle`, counting it."""
    _RECEIVED[0] += 1
    return Bundle(files, digest)


def bundles_received() -> int:
    """How many data folder bundles this process has received (unpickled) so far."""
    return _RECEIVED[0]


@dataclass(frozen=True)
class _Part:
    """One input file and where its enriched rows go."""

    label: str
    source: str
    target: str
    size: int


def enrich_dask(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: OnInvalid,
    chunk_rows: int,
    data_dir: str | os.PathLike[str] | None,
    rule: WriteRule,
    progress: Callable[[Progress], None] | None = None,
    atlas_given: bool = False,
) -> tuple[Path | str, int, int, int]:
    """Enrich the (Geo)Parquet file or folder ``input`` into the folder ``output``.

    Parameters
    ----------
    input, output : path or URL
        Local paths or fsspec URLs.  ``output`` is a folder (no extension, or
        ``.parquet``) that gets one ``part.NNNNNN.parquet`` per input file;
        it appears whole at the end (on an object store, its parts are moved
        into place at the end).
    rule : WriteRule
        Where the output may not go (checked for local paths).
    progress : callable, optional
        Called with a :class:`Progress` as each input file is done (the
        fraction counts the files' bytes).
    atlas_given : bool
        Whether the caller passed an atlas (refused: workers load their own).

    Returns
    -------
    (Path or str, int, int, int)
        The output (a path, or the URL for another file system), and the rows
        read, written, and invalid.

    Raises
    ------
    UsageError
        If dask is not installed, for an unknown ``kind``, a URL whose file
        system is not installed, or an input or output that is not GeoParquet.
    DataError
        If the input is missing or not Parquet.
    InvalidPointsError
        With ``on_invalid='raise'``, from the first input file with an invalid row.
    """
    try:
        import dask
    except ModuleNotFoundError as err:
        msg = "engine='dask' needs dask: pip install 'wco-atlas[dask]'"
        raise UsageError(msg) from err
    in_fs, in_path = _file_system(input, "input")
    out_fs, out_path = _file_system(output, "output")
    local = _is_local(in_fs) and _is_local(out_fs)
    files = _input_files(in_fs, in_path, os.fspath(input))
    _check_output(out_fs, out_path, os.fspath(output))
    if atlas_given:
        msg = "Got engine='dask' and an atlas; workers load their own: pass data_dir instead"
        raise UsageError(msg)
    if local:
        if Path(in_path).resolve() == Path(out_path).resolve():
            msg = f"Got input and output {out_path!r}; write the output to another file"
            raise UsageError(msg)
        rule.reading(in_path).check(out_path, what="output")
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    PlaceIndex(_cached_atlas(str(folder)).places, kind=kind)  # fail here on bad data or kind
    bundle = Bundle.of(folder)
    options = {
        "kind": kind,
        "lat_column": lat_column,
        "lon_column": lon_column,
        "on_invalid": on_invalid,
        "chunk_rows": chunk_rows,
    }
    shown: Path | str = Path(out_path) if _is_local(out_fs) else os.fspath(output)
    with _staged(out_fs, out_path) as staging:
        parts = [
            _Part(label, path, posixpath.join(staging, f"part.{i:06d}.parquet"), size)
            for i, (label, path, size) in enumerate(files)
        ]
        # a failure to write a local output names it, as the local engine does
        with writing(out_path) if _is_local(out_fs) else contextlib.nullcontext():
            counts = _run(dask, bundle, in_fs, out_fs, parts, options, progress)
    read = sum(c[0] for c in counts)
    written = sum(c[1] for c in counts)
    invalid = sum(c[2] for c in counts)
    return shown, read, written, invalid


def _run(
    dask: Any,
    bundle: Bundle,
    in_fs: Any,
    out_fs: Any,
    parts: list[_Part],
    options: dict[str, Any],
    progress: Callable[[Progress], None] | None,
) -> list[tuple[int, int, int]]:
    """Enrich every part on the current scheduler; their counts, in the order of ``parts``."""
    total = sum(p.size for p in parts) or 1
    done_rows = [0]
    done_bytes = [0]
    lock = threading.Lock()

    def finished(part: _Part, counts: tuple[int, int, int]) -> None:
        with lock:
            done_rows[0] += counts[0]
            done_bytes[0] += part.size
            if progress is not None:
                progress(Progress(done_rows[0], done_bytes[0] / total))

    client = _client()
    token = uuid.uuid4().hex
    if client is not None:
        import distributed

        # each worker gets the data folder once, not with every task
        shared = client.scatter(bundle, broadcast=True, hash=False)
        futures = [
            client.submit(
                _enrich_part, shared, in_fs, out_fs, part, options, key=f"geo-enrich-{token}-{i}"
            )
            for i, part in enumerate(parts)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(parts)
        try:
            for future in distributed.as_completed(futures):  # type: ignore[no-untyped-call]
                i = index[future.key]
                results[i] = future.result()
                finished(parts[i], results[i])
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            client.cancel([shared])
        return results
    from dask.callbacks import Callback
    from dask.delayed import delayed

    shared_bundle = delayed(bundle, pure=False, traverse=False)
    tasks = [
        delayed(_enrich_part, pure=False)(shared_bundle, in_fs, out_fs, part, options)
        for part in parts
    ]
    keys = {t.key: parts[i] for i, t in enumerate(tasks)}

    def posttask(key: Any, result: Any, *_: Any) -> None:
        if key in keys:
            finished(keys[key], result)

    with Callback(posttask=posttask):  # type: ignore[no-untyped-call]
        return list(dask.compute(*tasks))


def _client() -> Any:
    """The active ``distributed.Client``, or ``None``."""
    try:
        import distributed
    except ModuleNotFoundError:
        return None
    try:
        return distributed.default_client()  # type: ignore[no-untyped-call]
    except ValueError:  # none
        return None


def _enrich_part(
    bundle: Bundle, in_fs: Any, out_fs: Any, part: _Part, options: dict[str, Any]
) -> tuple[int, int, int]:
    """One input file, read once, enriched and written as the local engine does (on a worker)."""
    enricher = _cached_enricher(bundle, options["kind"])
    with in_fs.open(part.source, "rb") as handle:
        source = OpenParquetSource(
            handle,
            part.label,
            lat_column=options["lat_column"],
            lon_column=options["lon_column"],
            chunk_rows=options["chunk_rows"],
        )
        with out_fs.open(part.target, "wb") as out:
            writer = ParquetWriter(out, source, enricher)
            try:
                # one thread enriches while this one reads and writes: a worker's
                # parallelism comes from its tasks
                counts = stream(source, writer, enricher, options["on_invalid"], None, 1)
                writer.close()
            except BaseException:
                writer.discard()
                raise
    return counts


def _file_system(url: str | os.PathLike[str], what: str) -> tuple[Any, str]:
    """The fsspec file system of a path or URL, and the path in it.

    Raises
    ------
    UsageError
        For an unknown scheme, or one whose package is not installed (``s3fs``...).
    """
    import fsspec

    text = os.fspath(url)
    try:
        fs, path = fsspec.core.url_to_fs(text)
    except (ImportError, ValueError) as err:  # "Install s3fs to access S3", "Protocol not known"
        raise UsageError(f"Got {what} {text!r}; {err}") from err
    return fs, path


def _is_local(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def _input_files(fs: Any, path: str, shown: str) -> list[tuple[str, str, int]]:
    """Each input file's label, path and size: ``path``, or the ``*.parquet`` files under it.

    Only the listing is read, no file's content.

    Raises
    ------
    DataError
        If ``path`` does not exist, or is a folder without ``*.parquet`` files.
    UsageError
        If ``path`` is a file that is not ``.parquet``.
    """
    name = posixpath.basename(path.rstrip("/")) or shown
    try:
        info = fs.info(path)
    except FileNotFoundError:
        raise DataError([Problem(name, "(file)", "an existing file", shown)]) from None
    if info["type"] != "directory":
        _parquet_only(path, shown, "input")
        return [(name, path, int(info.get("size") or 0))]
    found = fs.find(path, detail=True)
    files = sorted(
        (p, int(i.get("size") or 0))
        for p, i in found.items()
        if p.endswith(".parquet") and i["type"] == "file"
    )
    if not files:
        problem = Problem(name, "(folder)", "a folder of *.parquet files", shown)
        raise DataError([problem])
    root = path.rstrip("/")
    return [(f"{name}/{posixpath.relpath(p, root)}", p, size) for p, size in files]


def _check_output(fs: Any, path: str, shown: str) -> None:
    """Refuse an output that is not a folder of GeoParquet (no extension, or ``.parquet``)."""
    if posixpath.splitext(path.rstrip("/"))[1] == "" or fs.isdir(path):
        return
    _parquet_only(path, shown, "output")


def _parquet_only(path: str, shown: str, what: str) -> None:
    if format_of(Path(path), what) != "parquet":
        msg = (
            f"Got engine='dask' with {what} {shown!r}; "
            "engine='dask' reads and writes GeoParquet (.parquet files or folders)"
        )
        raise UsageError(msg)


@contextlib.contextmanager
def _staged(fs: Any, path: str) -> Iterator[str]:
    """A temporary folder that becomes the folder ``path`` on success, removed on failure.

    Local: :func:`geo.points.writers.atomic_output` (a rename, the user's
    umask).  Elsewhere: a hidden folder beside ``path`` whose files are moved
    into place at the end.
    """
    if _is_local(fs):
        with atomic_output(Path(path), folder=True) as local:
            yield str(local)
        return
    root = path.rstrip("/")
    hidden = f".{posixpath.basename(root)}.{uuid.uuid4().hex}.tmp"
    tmp = posixpath.join(posixpath.dirname(root), hidden)
    fs.makedirs(tmp, exist_ok=True)
    try:
        yield tmp
        if fs.exists(root):
            fs.rm(root, recursive=True)
        fs.mv(tmp, root, recursive=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if fs.exists(tmp):
                fs.rm(tmp, recursive=True)


def _unbundled(bundle: Bundle) -> str:
    """The folder holding ``bundle`` on this machine: a private temporary folder, made once."""
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    folder = Path(tempfile.gettempdir()) / f"geo-dask{user}" / bundle.digest
    if not folder.is_dir():
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, suffix=".tmp"))
        for name, data in bundle.files.items():
            (staging / name).write_bytes(data)
        try:
            os.replace(staging, folder)
        except OSError:  # another process of this worker's machine made it first
            shutil.rmtree(staging, ignore_errors=True)
    return str(folder)


@functools.lru_cache(maxsize=4)
def _cached_atlas(data_dir: str) -> Any:
    """One atlas per data folder per process."""
    return load(data_dir)


def _cached_enricher(bundle: Bundle, kind: str | None) -> Enricher:
    """One enricher per data folder (by digest) and kind per process, shared by its threads.

    An :class:`Enricher` may be called from several threads at once: each call
    runs on a country index of its own (GEOS prepared geometries build their
    indexes lazily, so they are not shared between threads).
    """
    with _ENRICHERS_LOCK:
        enricher = _ENRICHERS.get((bundle.digest, kind))
        if enricher is None:
            atlas = _cached_atlas(_unbundled(bundle))
            enricher = _ENRICHERS[bundle.digest, kind] = Enricher(atlas, kind)
        return enricher
