"""geo.settings: every environment variable geo reads, in one module, each read when needed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import geo
from geo import cache, fileio, settings, shipped, snapshot

GEO = Path(geo.__file__).resolve().parent


def test_every_variable_geo_names_is_a_setting() -> None:
    """A ``GEO_*`` name anywhere in geo's code or docstrings is one of SETTINGS (or click's)."""
    names = {s.name for s in settings.SETTINGS} | {"_GEO_COMPLETE"}
    seen: dict[str, list[str]] = {}
    for path in GEO.rglob("*.py"):
        for name in re.findall(r"\b_?GEO_[A-Z_]+\b", path.read_text(encoding="utf-8")):
            seen.setdefault(name, []).append(path.name)
    assert set(seen) == names, {k: v for k, v in seen.items() if k not in names}
    assert len(names) == len(settings.SETTINGS) + 1
    assert any(n == "_GEO_COMPLETE" for n, _ in settings.OTHER_VARIABLES)


def test_no_module_but_settings_reads_the_environment_by_name() -> None:
    """``os.environ.get("X")``, ``os.environ["X"]`` and ``os.getenv("X")`` live in settings."""
    found = []
    for path in GEO.rglob("*.py"):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = ast.unparse(node) if isinstance(node, ast.Call | ast.Subscript) else ""
            if re.match(r"(os\.)?(environ\.get|getenv|environ\[)\s*\(?['\"]", text):
                found.append(f"{path.relative_to(GEO)}: {text}")
    assert found == []


def test_every_setting_says_its_type_default_and_meaning() -> None:
    for setting in settings.SETTINGS:
        assert setting.name.startswith("GEO_")
        assert setting.type
        assert len(setting.doc) > 40, setting.name
        assert setting.get({}) == setting.default
        assert setting.get({setting.name: "   "}) == setting.default  # blank is unset


@pytest.mark.parametrize(
    ("value", "on"), [("1", True), ("yes", True), (" 0 ", False), ("0", False), ("", False)]
)
def test_a_flag_is_on_unless_blank_or_zero(value: str, on: bool) -> None:
    assert settings.NO_CACHE.get({"GEO_NO_CACHE": value}) is on
    assert settings.NO_PREPARED.get({"GEO_NO_PREPARED": value}) is on


@pytest.mark.parametrize("value", ["lots", "0", "-3", "nan", "inf", "1e400"])
def test_a_bad_size_limit_names_the_variable(value: str) -> None:
    with pytest.raises(geo.DataError, match=r"\$GEO_MAX_FILE_MB: .*expected a positive number"):
        settings.MAX_FILE_MB.get({"GEO_MAX_FILE_MB": value})


def test_the_modules_read_their_setting_when_they_need_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Set after import, a variable is seen by the module that uses it."""
    monkeypatch.setenv("GEO_MAX_FILE_MB", "2.5")
    assert fileio.max_file_bytes() == 2_500_000
    monkeypatch.setenv("GEO_DATA", str(tmp_path))
    assert shipped.default_data_dir() == tmp_path
    monkeypatch.setenv("GEO_CHROMIUM", "/opt/my-chromium")
    assert snapshot.find_chromium() == "/opt/my-chromium"
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GEO_NO_CACHE", "0")
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.setenv("GEO_NO_CACHE", "1")
    assert cache.cache_dir() is None
    assert not cache.enabled()
