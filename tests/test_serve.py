"""geo watch --serve: loopback only, no path traversal, live reload in a real browser."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.build import build
from geo.serve import LiveServer, host_allowed, is_loopback, resolve_inside
from geo.watch import watch
from tests.conftest_data import copy_data

# the served folder holds symbolic links (to a file outside it, to a dotfile), which Windows
# makes only with special privileges
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX only: symbolic links")


def raw_get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send a request line exactly as given (no client-side normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    out = tmp_path / "out"
    build(None, out)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", out / "link.txt")
    server = LiveServer(out, 0)
    server.start()
    yield server, out
    server.close()


def test_resolve_inside(tmp_path: Path) -> None:
    (tmp_path / "regions").mkdir()
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "regions" / "eur.html").write_text("x", encoding="utf-8")
    assert resolve_inside(tmp_path, "/") == (tmp_path / "index.html").resolve()
    assert (
        resolve_inside(tmp_path, "/regions/eur.html?x=1")
        == (tmp_path / "regions/eur.html").resolve()
    )
    for bad in [
        "/../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/regions/../../x",
        "/.geo-build.json",
        "/%00",
        "/..%2f..%2fetc%2fpasswd",
        "/regions%5c..%5c..%5cx",
        "/nope.html",
    ]:
        assert resolve_inside(tmp_path, bad) is None, bad


def test_only_loopback_peers_are_served(served: tuple[LiveServer, Path]) -> None:
    server, _ = served
    assert server.httpd.server_address[0] == "127.0.0.1"
    assert server.httpd.verify_request(None, ("127.0.0.1", 5000))
    assert server.httpd.verify_request(None, ("::1", 5000))
    assert not server.httpd.verify_request(None, ("10.1.2.3", 5000))
    assert not server.httpd.verify_request(None, ("192.168.0.9", 5000))
    assert is_loopback("127.8.9.1") and not is_loopback("0.0.0.0") and not is_loopback("nonsense")


def test_nothing_outside_output_is_served(served: tuple[LiveServer, Path]) -> None:
    server, _ = served
    assert raw_get(server.port, "/")[0] == 200
    assert raw_get(server.port, "/places.geojson")[0] == 200
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/link.txt",
        "/.geo-build.json",
        "/regions/../../secret.txt",
    ]:
        status, body = raw_get(server.port, path)
        assert status == 404 and b"secret" not in body, path


def test_foreign_host_header_is_refused(served: tuple[LiveServer, Path]) -> None:
    server, _ = served
    assert raw_get(server.port, "/", host="evil.example")[0] == 403
    assert raw_get(server.port, "/", host=f"localhost:{server.port}")[0] == 200
    port = server.port
    for bad in [
        f"localhost:{port}@evil.com",
        "localhost:evil",
        f"127.0.0.1:{port}, evil.com",
        f"localhost:{port + 1}",
        "::1",
        "localhost.evil.com",
        "",
    ]:
        assert raw_get(port, "/", host=bad)[0] == 403, bad
    for good in ["127.0.0.1", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"]:
        assert raw_get(port, "/", host=good)[0] == 200, good


def test_a_duplicated_host_header_is_refused(served: tuple[LiveServer, Path]) -> None:
    server, _ = served
    host = f"127.0.0.1:{server.port}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        request = f"GET / HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode())
        head = sock.recv(65536)
    assert head.split()[1] == b"403"


@pytest.mark.parametrize(
    ("values", "allowed"),
    [
        (["localhost:8000"], True),
        (["localhost"], True),
        (["[::1]:8000"], True),
        (["127.0.0.1:8000", "127.0.0.1:8000"], False),
        ([], False),
        (["localhost:8000@evil.com"], False),
        (["localhost:80000"], False),
        (["user@localhost:8000"], False),
    ],
)
def test_host_allowed(values: list[str], allowed: bool) -> None:
    assert host_allowed(values, 8000) is allowed


def test_a_link_to_a_dotfile_inside_the_output_is_not_served(
    served: tuple[LiveServer, Path],
) -> None:
    server, out = served
    os.symlink(out / ".geo-build.json", out / "manifest.json")
    (out / "hidden").mkdir()
    os.symlink(out / ".geo-build.lock", out / "hidden" / "lock.txt")
    assert resolve_inside(out, "/manifest.json") is None
    for path in ("/manifest.json", "/hidden/lock.txt"):
        status, body = raw_get(server.port, path)
        assert status == 404 and b"outputs" not in body, path


def test_files_on_disk_carry_no_reload_code(served: tuple[LiveServer, Path]) -> None:
    server, out = served
    assert b"__geo/events" not in (out / "index.html").read_bytes()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/index.html")
    body = conn.getresponse().read()
    assert b"/__geo/events" in body


def test_page_reloads_after_an_edit_and_shows_problems(tmp_path: Path, browser: Any) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    server = LiveServer(out, 0)
    server.start()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(data, out),
        kwargs={"on_event": server.publish, "stop": stop},
        daemon=True,
    )
    thread.start()
    offices = data / "offices.geojson"
    original = offices.read_text(encoding="utf-8")
    try:
        deadline = time.monotonic() + 30
        while server.state()["generation"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url)
        page.wait_for_function("() => window.__geoGeneration === 1")
        page.evaluate("window.__marker = 'before'")
        time.sleep(0.5)
        offices.write_text(
            original.replace("ROCB Europe", "ROCB Europe (Baku)", 1), encoding="utf-8"
        )
        page.wait_for_function(
            "() => window.__marker === undefined && window.__geoGeneration === 2", timeout=20000
        )
        assert "ROCB Europe (Baku)" in page.content()
        # an invalid save: the page keeps the last good map and shows the problems
        offices.write_text(
            original.replace('"kind": "rocb"', '"kind": "rcob"', 1), encoding="utf-8"
        )
        page.wait_for_selector("#geo-live-problems", timeout=20000)
        text = page.inner_text("#geo-live-problems")
        assert "field 'kind': got 'rcob'" in text
        assert "ROCB Europe (Baku)" in page.content()
        # fixed: the page reloads and the problems are gone
        offices.write_text(original, encoding="utf-8")
        page.wait_for_function("() => window.__geoGeneration > 2", timeout=20000)
        page.wait_for_load_state()
        assert page.query_selector("#geo-live-problems") is None
        assert errors == []
        context.close()
    finally:
        stop.set()
        thread.join(10)
        server.close()
    assert (
        json.loads((out / "places.geojson").read_text(encoding="utf-8"))["type"]
        == "FeatureCollection"
    )


def test_the_problems_box_speaks_the_pages_language() -> None:
    import base64
    import hashlib
    import re

    from geo.i18n import translator
    from geo.serve import _inject

    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src ">'
    for lang in ("en", "fr", "xx"):
        page = f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>{csp}</head><body></body></html>'
        served = _inject(page.encode()).decode()
        headline = translator(lang if lang != "xx" else "en")("live.problems")
        script = re.search(r"<script>(.*)</script>", served, re.S).group(1)
        assert json.loads(re.search(r"textContent=(\"[^\"]*\")", script).group(1)) == headline
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in served  # the policy allows this very script
