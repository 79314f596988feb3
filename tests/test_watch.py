"""geo watch: bursts of saves, invalid saves."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.build import BuildEvent, build
from geo.watch import watch
from tests.conftest_data import copy_data


def outputs(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


class Watcher:
    """Run geo.watch in a thread and collect its events."""

    def __init__(
        self,
        data: Path,
        out: Path,
        quiet_ms: int = 400,
        publish: Callable[[BuildEvent], None] | None = None,
    ) -> None:
        self.publish = publish
        self.events: list[BuildEvent] = []
        self.stop = threading.Event()
        self.arrived = threading.Condition()
        self.thread = threading.Thread(
            target=watch,
            args=(data, out),
            kwargs={"on_event": self._on, "stop": self.stop, "quiet_ms": quiet_ms},
            daemon=True,
        )

    def _on(self, event: BuildEvent) -> None:
        if self.publish is not None:  # e.g. to a live server, before the test looks
            self.publish(event)
        with self.arrived:
            self.events.append(event)
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.events) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(self.events)} builds after {timeout} s"
                self.arrived.wait(left)

    def __enter__(self) -> Watcher:
        self.thread.start()
        self.wait_for(1)
        time.sleep(0.3)  # the file watcher is armed after the first build
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)


def set_name(path: Path, place_id: str, name: str) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        if feature["properties"]["id"] == place_id:
            feature["properties"]["name"] = name
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")


def test_burst_of_100_saves_ends_in_one_rebuild_of_the_last_state(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    offices = data / "offices.geojson"
    with Watcher(data, out) as watcher:
        assert watcher.events[0].ok
        original = offices.read_text(encoding="utf-8")
        texts = [
            original.replace('"ROCB Europe"', f'"ROCB Europe, save {i}"', 1) for i in range(100)
        ]
        for text in texts:  # 100 saves as fast as the disk takes them
            offices.write_text(text, encoding="utf-8")
        watcher.wait_for(2)
        time.sleep(2.5)  # any further rebuild would have started by now
        assert len(watcher.events) == 2, [e.generation for e in watcher.events]
        assert watcher.events[1].ok
    clean = tmp_path / "clean"
    build(data, clean)
    assert outputs(out) == outputs(clean)
    assert b"ROCB Europe, save 99" in (out / "places.geojson").read_bytes()


def test_invalid_save_keeps_outputs_and_reports(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "out"
    offices = data / "offices.geojson"
    with Watcher(data, out) as watcher:
        before = outputs(out)
        text = offices.read_text(encoding="utf-8")
        offices.write_text(text.replace('"kind": "rocb"', '"kind": "rcob"', 1), encoding="utf-8")
        watcher.wait_for(2)
        bad = watcher.events[1]
        assert not bad.ok
        assert bad.problems == (
            "offices.geojson: feature #1 (id='rocb-ap'): field 'kind': got 'rcob'; expected one of "
            "['hq', 'rocb', 'rtc', 'rilo', 'border_post'] (did you mean 'rocb'?)",
        )
        assert outputs(out) == before
        offices.write_text(text, encoding="utf-8")
        watcher.wait_for(3)
        assert watcher.events[2].ok
    assert outputs(out) == before


def test_a_rebuild_writes_the_maps_in_the_languages_asked_or_set(tmp_path: Path) -> None:
    from geo.watch import _is_data_file, rebuild

    data = copy_data(tmp_path)
    out = tmp_path / "out"
    event = rebuild(data, out, 1, lang=("fr", "en"))
    assert event.ok and '<html lang="fr">' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "en" / "index.html").is_file()
    (data / "geo.toml").write_text('[maps]\nlanguages = ["en"]\n', encoding="utf-8")
    assert _is_data_file(None, str(data / "geo.toml"))  # a save of the settings rebuilds
    event = rebuild(data, out, 2)  # in the languages the folder was given with lang
    assert event.ok and '<html lang="fr">' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "en" / "index.html").is_file()
    event = rebuild(data, out, 3, lang="en")  # the settings' choice: the folder follows them
    assert event.ok and '<html lang="en">' in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "en").exists()
    (data / "geo.toml").write_text('[maps]\nlanguages = ["en", "fr"]\n', encoding="utf-8")
    event = rebuild(data, out, 4)
    assert event.ok and (out / "fr" / "index.html").is_file()
    (data / "geo.toml").write_text('[maps]\nlanguages = ["xx"]\n', encoding="utf-8")
    event = rebuild(data, out, 5)
    assert not event.ok and "geo.toml: field 'maps.languages': got 'xx'" in event.problems[0]


def test_a_watch_with_bad_data_keeps_serving_the_last_good_maps(tmp_path: Path) -> None:
    """Dates at the end of the calendar, huge numbers, broken JSON: shown, never fatal."""
    import http.client

    from geo.serve import LiveServer

    data = copy_data(tmp_path)
    out = tmp_path / "out"
    offices, posts = data / "offices.geojson", data / "border_posts.geojson"
    good = {offices: offices.read_text(encoding="utf-8"), posts: posts.read_text(encoding="utf-8")}
    server = LiveServer(out, 0)
    server.start()
    watcher = Watcher(data, out, publish=server.publish)

    def page() -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        return response.status, response.read()

    bad_saves = [
        (offices, good[offices].replace('"closed": null', '"closed": "2000/9999-12"', 1),
         "field 'closed': got '2000/9999-12'; expected a date not after today"),
        (offices, good[offices].replace('"closed": null', '"closed": "../9999"', 1),
         "field 'closed': got '../9999'; expected a date not after today"),
        (posts, good[posts].replace('"side_b_lon": 48.3818', '"side_b_lon": 1e300', 1)
         .replace('"side_b_lat": 41.6482', '"side_b_lat": -1e300', 1),
         "field 'side_b_lon/lat': got [1e+300, -1e+300]; expected finite degrees"),
        (offices, good[offices][:-40], "field '(json)'"),
    ]  # fmt: skip
    try:
        with watcher:
            assert watcher.events[0].ok
            before = outputs(out)
            status, first = page()
            assert status == 200
            for count, (path, text, problem) in enumerate(bad_saves, start=2):
                for other, original in good.items():
                    if other != path:
                        other.write_text(original, encoding="utf-8")
                path.write_text(text, encoding="utf-8")
                watcher.wait_for(count)
                event = watcher.events[-1]
                assert not event.ok and any(problem in p for p in event.problems), event.problems
                state = server.state()
                assert not state["ok"] and state["generation"] == 1
                assert any(problem in p for p in state["problems"])
                assert page() == (200, first)  # the last good map, still served
                assert outputs(out) == before
            for path, original in good.items():
                path.write_text(original, encoding="utf-8")
            watcher.wait_for(len(bad_saves) + 2)
            assert watcher.events[-1].ok and server.state()["ok"]
            assert watcher.thread.is_alive()
    finally:
        server.close()


def test_a_rebuild_that_fails_unexpectedly_is_a_failed_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geo.watch

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(geo.watch, "load", broken)
    event = geo.watch.rebuild(copy_data(tmp_path), tmp_path / "out", 7)
    assert event == BuildEvent(
        False, None, ("geo failed on this data (RuntimeError: boom); please report it",), 7
    )


def test_a_watch_keeps_the_folders_languages_and_says_so_once(
    fixture_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    build(fixture_copy, out, lang="en,fr")  # `geo build --lang en,fr`, then `geo watch`
    offices = fixture_copy / "offices.geojson"
    with caplog.at_level(logging.INFO, logger="geo.watch"), Watcher(fixture_copy, out) as watcher:
        first = watcher.events[0]
        assert first.ok and first.result is not None
        assert first.result.languages is not None and first.result.languages.codes == ("en", "fr")
        assert first.result.written == () and first.result.removed == ()
        set_name(offices, "rtc-kenya", "RTC Kenya (Mombasa)")
        watcher.wait_for(2)
        second = watcher.events[1].result
        assert second is not None
        assert {"index.html", "fr/index.html"} <= {str(p.relative_to(out)) for p in second.written}
    for page in ("index.html", "fr/index.html", "regions/esa.html", "fr/regions/esa.html"):
        assert "RTC Kenya (Mombasa)" in (out / page).read_text(encoding="utf-8")
    assert 'hreflang="fr"' in (out / "index.html").read_text(encoding="utf-8")
    said = [r.getMessage() for r in caplog.records if r.name == "geo.watch"]
    assert sum(m.startswith("languages en,fr: those ") for m in said) == 1
    assert f"build 1: wrote 0 files, 15 unchanged: 11 places in {out}" in said
    assert any(m.startswith("build 2: wrote ") for m in said)
    assert f"wrote {out / 'fr' / 'index.html'}" in said
