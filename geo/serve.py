"""Serve the output folder on loopback and reload open pages when a rebuild lands.

The files in ``output/`` stay self-contained and carry no reload code: the
server adds a small script to each HTML page as it sends it.  That script
listens to ``/__geo/events`` (server-sent events) and reloads the page after
a good build, or shows the validation problems over the map after a bad one,
until the data is fixed, in the page's language (its ``<html lang>``).

Safety: the server binds 127.0.0.1 only and refuses any peer that is not
loopback; it answers only requests whose ``Host`` is ``127.0.0.1`` or
``localhost`` (against DNS rebinding); it serves only regular files inside the
output folder (no ``..``, no symlink out, no hidden files).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import logging
import mimetypes
import re
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from geo.i18n import DEFAULT_LANGUAGE, languages, translator

__all__ = [
    "EVENTS_PATH",
    "BuildOutcome",
    "LiveServer",
    "host_allowed",
    "is_loopback",
    "resolve_inside",
]

log = logging.getLogger(__name__)
EVENTS_PATH = "/__geo/events"

# Added to served HTML pages only; never written to disk.  Problems are shown
# with textContent, so whatever the data holds stays text.  HEADLINE is the
# box's first line in the page's language, as a JSON string.
_CLIENT = """<script>(function(){
var box=null;
function show(problems){
 if(!box){box=document.createElement('div');box.id='geo-live-problems';
  box.setAttribute('role','alert');
  box.style.cssText='position:fixed;left:0;right:0;top:0;z-index:100000;max-height:50vh;'
   +'overflow:auto;background:#7f1d1d;color:#fff;font:13px/1.4 system-ui,sans-serif;'
   +'padding:10px 14px;white-space:pre-wrap';
  document.body.appendChild(box);}
 box.textContent=HEADLINE+'\\n\\n'+problems.join('\\n');
}
var es=new EventSource('/__geo/events');
es.addEventListener('state',function(e){
 var s=JSON.parse(e.data);
 if(window.__geoGeneration===undefined){window.__geoGeneration=s.generation;}
 if(!s.ok){show(s.problems);return;}
 if(s.generation!==window.__geoGeneration){location.reload();}
 else if(box){box.remove();box=null;}
});
})();</script>"""


def is_loopback(host: str) -> bool:
    """Whether a peer address is a loopback address (IPv4 or IPv6)."""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def resolve_inside(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or ``None`` if it is outside or hidden.

    ``/`` names ``index.html``; a folder names its ``index.html``.  The rules
    apply to the path asked for and again to the file it resolves to (after
    symbolic links): no part of either may start with a dot, and the file must
    lie inside ``root``.
    """
    path = unquote(urlsplit(url_path).path)
    if "\0" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    base = root.resolve()
    try:
        target = base.joinpath(*parts).resolve() if parts else base
        if target.is_dir():
            target = (target / "index.html").resolve()
        inside = target.relative_to(base)
    except (ValueError, OSError):
        return None
    if any(p.startswith(".") for p in inside.parts):
        return None
    return target if target.is_file() else None


def host_allowed(values: list[str], port: int) -> bool:
    """Whether the ``Host`` header(s) of a request name this server exactly.

    Exactly one header, of the form ``host[:port]`` (RFC 9110, section 7.2;
    RFC 3986 ``authority`` without user information): ``host`` is
    ``127.0.0.1``, ``localhost`` or ``[::1]`` (any case), and ``port``, when
    present, is the port served.  Anything else (``localhost:8000@evil.com``,
    ``localhost:evil``, a list, a second header) is refused.

    >>> host_allowed(["localhost:8000"], 8000)
    True
    >>> host_allowed(["localhost:8000@evil.com"], 8000)
    False
    """
    if len(values) != 1:
        return False
    match = _HOST.fullmatch(values[0].strip(" \t"))
    if match is None:
        return False
    host, given_port = match.group("host").lower(), match.group("port")
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        return False
    return given_port is None or (given_port.isdigit() and int(given_port) == port)


_HOST = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")


class BuildOutcome(Protocol):
    """What the server needs to know of a build (a :class:`geo.build.BuildEvent` is one)."""

    @property
    def ok(self) -> bool: ...
    @property
    def problems(self) -> tuple[str, ...]: ...
    @property
    def generation(self) -> int: ...


class LiveServer:
    """An HTTP server for ``root`` on 127.0.0.1 with live reload.

    Parameters
    ----------
    root : Path
        The output folder.
    port : int
        TCP port on 127.0.0.1; 0 picks a free one (see :attr:`port`).
    """

    def __init__(self, root: Path, port: int = 8000) -> None:
        self.root = Path(root)
        self._state: dict[str, Any] = {"ok": True, "problems": [], "generation": 0}
        self._changed = threading.Condition()
        self._closing = False
        handler = _make_handler(self)
        self.httpd = _LoopbackServer(("127.0.0.1", port), handler)
        self.port = int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        return f"http://127.0.0.1:{self.port}/"

    def publish(self, event: BuildOutcome) -> None:
        """Tell open pages about a build: reload after a good one, show problems after a bad one."""
        with self._changed:
            generation = event.generation if event.ok else self._state["generation"]
            self._state = {
                "ok": event.ok,
                "problems": list(event.problems),
                "generation": generation,
            }
            self._changed.notify_all()

    def state(self) -> dict[str, Any]:
        """The state sent to pages: ``ok``, ``problems``, ``generation`` of the last good build."""
        with self._changed:
            return dict(self._state)

    def events(self) -> Iterator[dict[str, Any]]:
        """Yield the current state, then each new one, until the server closes."""
        last: dict[str, Any] | None = None
        while True:
            with self._changed:
                while self._state == last and not self._closing:
                    self._changed.wait(timeout=15)
                    if self._state == last and not self._closing:
                        break  # heartbeat
                if self._closing:
                    return
                current = dict(self._state)
            yield current if current != last else {}
            last = current

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and end every open event stream."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()


class _LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def verify_request(self, request: Any, client_address: Any) -> bool:
        allowed = is_loopback(str(client_address[0]))
        if not allowed:
            log.warning("refused a connection from %s", client_address[0])
        return allowed


def _make_handler(server: LiveServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "geo"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.client_address[0], *args)

        def _host_ok(self) -> bool:
            return host_allowed(self.headers.get_all("Host") or [], server.port)

        def do_GET(self) -> None:
            if not self._host_ok():
                self.send_error(HTTPStatus.FORBIDDEN, "Host not allowed")
                return
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
                return
            target = resolve_inside(server.root, self.path)
            if target is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            body = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype == "text/html":
                body = _inject(body)
                ctype = "text/html; charset=utf-8"
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                for state in server.events():
                    if state:
                        payload = json.dumps(state, ensure_ascii=True)
                        self.wfile.write(f"event: state\ndata: {payload}\n\n".encode())
                    else:
                        self.wfile.write(b": heartbeat\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


_CSP = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


_LANG = re.compile(rb'<html lang="([a-z]{2,3})"')


def _client(body: bytes) -> str:
    """The live-reload script for a page, its words in the page's language."""
    found = _LANG.search(body[:200])
    lang = found.group(1).decode() if found else DEFAULT_LANGUAGE
    words = translator(lang if lang in languages() else DEFAULT_LANGUAGE)
    headline = json.dumps(words("live.problems"), ensure_ascii=True).replace("<", "\\u003c")
    return _CLIENT.replace("HEADLINE", headline, 1)


def _client_hash(client: str) -> bytes:
    script = client[len("<script>") : -len("</script>")]
    return base64.b64encode(hashlib.sha256(script.encode()).digest())


def _inject(body: bytes) -> bytes:
    """Add the live-reload script to a page (and to its Content-Security-Policy)."""
    client = _client(body)

    def allow(match: re.Match[bytes]) -> bytes:
        # The page's own policy lists its scripts by hash; add the live-reload
        # script's hash and allow the event stream from this origin only.
        policy = match.group(2).replace(
            b"script-src ", b"script-src 'sha256-" + _client_hash(client) + b"' ", 1
        )
        policy += b"; connect-src 'self'"
        return match.group(1) + policy + match.group(3)

    body = _CSP.sub(allow, body, count=1)
    marker = b"</body>"
    at = body.rfind(marker)
    data = client.encode()
    return body[:at] + data + body[at:] if at >= 0 else body + data
