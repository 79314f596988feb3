"""Tests of geo.render.assets: what a map page inlines, in which order, and what is refused."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import geo.render.assets
from geo.errors import AssetError
from geo.render.assets import ATLAS_SCRIPTS, _drop_comment_lines, load_assets, own_files

JS = Path(geo.render.assets.__file__).resolve().parent.parent / "assets" / "js"

#: The only addresses the atlas's own script names: the SVG namespace, and the online
#: tile layers (and their attribution links) that a reader may switch on.
ALLOWED_HOSTS = {
    "www.w3.org",
    "tile.openstreetmap.org",
    "{s}.basemaps.cartocdn.com",
    "www.openstreetmap.org",
    "carto.com",
}


def fresh() -> geo.render.assets.Assets:
    """Read the assets again (load_assets caches its answer)."""
    return load_assets.__wrapped__()


def test_every_script_file_is_joined_once_in_the_fixed_order() -> None:
    assert sorted(ATLAS_SCRIPTS) == sorted(p.name for p in JS.glob("*.js"))
    assert len(set(ATLAS_SCRIPTS)) == len(ATLAS_SCRIPTS)
    assert ATLAS_SCRIPTS[0] == "util.js" and ATLAS_SCRIPTS[-1] == "app.js"
    text = load_assets().scripts[-1].text
    expected = "\n".join(
        _drop_comment_lines((JS / name).read_text(encoding="utf-8")).strip() + "\n"
        for name in ATLAS_SCRIPTS
    )
    assert text == expected


def test_the_scripts_reach_the_page_without_their_comment_lines() -> None:
    text = load_assets().scripts[-1].text
    lines = text.splitlines()
    blank = [line for line in lines if not line.strip()]
    assert len(blank) == len(ATLAS_SCRIPTS) - 1  # only the one between two files
    assert not [line for line in lines if line.lstrip().startswith(("//", "/*", "* ", "*/"))]
    for name in ATLAS_SCRIPTS:  # every line of code is there, in order
        source = (JS / name).read_text(encoding="utf-8")
        assert _drop_comment_lines(source).strip() in text, name
    assert "function freeRect(W, H, rects, score) {" in text


def test_a_part_uses_only_the_parts_before_it_when_it_loads() -> None:
    """``var x = lib.part`` at load time needs that part's file earlier in the order."""
    for i, name in enumerate(ATLAS_SCRIPTS):
        text = (JS / name).read_text(encoding="utf-8")
        at_load = re.findall(r"^  var \w+ = lib\.(\w+)", text, re.M)
        earlier = {n.removesuffix(".js") for n in ATLAS_SCRIPTS[:i]}
        assert set(at_load) <= earlier, name


def test_the_page_gets_leaflet_then_markercluster_then_the_atlas() -> None:
    assets = load_assets()
    names = [a.name for a in assets.scripts]
    assert re.match(r"leaflet 1\.9\.\d+: leaflet\.js$", names[0]), names
    assert re.match(r"leaflet\.markercluster 1\.4\.\d+: leaflet\.markercluster\.js$", names[1])
    assert len(names) == 3 and names[2].startswith("geo: js/util.js + ")
    assert [a.name.split(": ")[1] for a in assets.styles] == [
        "leaflet.css",
        "MarkerCluster.css",
        "atlas.css",
    ]
    assert assets.scripts[-1].name == "geo: " + " + ".join(f"js/{n}" for n in ATLAS_SCRIPTS)


def test_everything_is_inlined_with_no_source_map() -> None:
    assets = load_assets()
    for asset in assets.scripts + assets.styles:
        assert "sourceMappingURL" not in asset.text, asset.name
        assert asset.text.endswith("\n") and not asset.text.endswith("\n\n"), asset.name
    for asset in assets.styles:
        for url in re.findall(r"url\(([^)]*)\)", asset.text):
            assert url.strip("'\"").startswith(("data:", "#")), (asset.name, url)
        assert "@import" not in asset.text


def test_the_atlas_script_loads_nothing_from_the_network() -> None:
    text = load_assets().scripts[-1].text
    hosts = set(re.findall(r"https?://([^/'\"\s]+)", text))
    assert hosts <= ALLOWED_HOSTS, hosts - ALLOWED_HOSTS
    for call in ("fetch(", "XMLHttpRequest", "import(", "importScripts", "sendBeacon", "WebSocket"):
        assert call not in text, call
    for risky in ("eval(", "new Function", "document.write"):
        assert risky not in text, risky


def test_the_same_files_give_the_same_bytes() -> None:
    first, second = fresh(), fresh()
    assert first == second
    assert first == load_assets()


def test_own_files_lists_what_shapes_a_page() -> None:
    files = own_files()
    assert [p.name for p in files] == [*ATLAS_SCRIPTS, "atlas.css"]
    assert all(p.is_file() for p in files)


def copy_of_own_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The atlas's own assets copied to tmp_path, which the loader then reads."""
    own = tmp_path / "assets"
    shutil.copytree(JS.parent, own)
    monkeypatch.setattr(geo.render.assets, "_OWN", own)
    return own


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


@pytest.mark.parametrize("missing", ["js/legend.js", "atlas.css"])
def test_a_missing_file_is_an_asset_error(tmp_path: Path, monkeypatch, missing: str) -> None:
    own = copy_of_own_assets(tmp_path, monkeypatch)
    (own / missing).unlink()
    with pytest.raises(AssetError, match=rf"cannot read map asset .*{missing}: .*reinstall"):
        fresh()


def test_a_script_that_would_close_its_element_is_refused(tmp_path: Path, monkeypatch) -> None:
    own = copy_of_own_assets(tmp_path, monkeypatch)
    append(own / "js" / "list.js", "var closer = '</script>';\n")
    with pytest.raises(AssetError, match=r"map asset 'geo: js/util.js .*' contains '</script'"):
        fresh()


def test_a_source_map_comment_is_dropped(tmp_path: Path, monkeypatch) -> None:
    own = copy_of_own_assets(tmp_path, monkeypatch)
    append(own / "js" / "app.js", "//# sourceMappingURL=app.js.map\n")
    text = fresh().scripts[-1].text
    assert "sourceMappingURL" not in text and text.endswith("\n")


def test_a_missing_xstatic_package_names_its_install(monkeypatch) -> None:
    def no_package(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(geo.render.assets, "import_module", no_package)
    with pytest.raises(AssetError, match=r"pip install xstatic-leaflet`"):
        fresh()
