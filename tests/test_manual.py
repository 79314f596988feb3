"""The reference manual's generated pages (docs/_ext/geo_manual.py) and its offline check.

``scripts/manual.sh`` (run by ``scripts/test.sh``) builds the whole manual with
warnings as errors; these tests check what the pages are made of.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from geo import settings
from geo.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


manual = _load(ROOT / "docs" / "_ext" / "geo_manual.py")
offline = _load(ROOT / "scripts" / "offline_check.py")


def _every_command(group: click.Group, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {path}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= _every_command(command, (*path, name))
        else:
            found.add((*path, name))
    return found


def test_the_cli_page_has_every_command_with_its_help() -> None:
    text = "\n".join(manual.cli_rst())
    paths = _every_command(cli)
    assert {path for path, _ in manual.commands()} == paths
    assert len(paths) > 15  # the query subcommands are there
    for path in paths:
        title = " ".join(("geo", *path))
        assert f"\n{title}\n" in f"\n{text}", title
    # the text is what --help prints: its usage line and an option of a subcommand
    assert "   Usage: geo query nearest [OPTIONS]" in text
    assert "--lang" in text


def test_the_settings_page_has_every_setting_with_type_and_default() -> None:
    text = "\n".join(manual.settings_rst())
    for setting in settings.SETTINGS:
        at = text.index(f"``{setting.name}``\n")
        section = text[at : at + 2000]
        assert f":Type: {setting.type}" in section
        assert ":Default: " in section
        assert setting.doc.split()[0] in section
    assert "``64.0``" in text  # GEO_MAX_FILE_MB's default
    for variable in settings.LOCALE_VARIABLES:
        assert f"``{variable}``" in text


def test_the_offline_check_refuses_a_remote_resource_and_allows_a_link(tmp_path: Path) -> None:
    (tmp_path / "ok.html").write_text(
        '<a href="https://example.org/">a link</a><script src="_static/x.js"></script>'
    )
    assert offline.remote_resources(tmp_path) == []
    (tmp_path / "bad.html").write_text('<link rel="stylesheet" href="//cdn.example/x.css">')
    (tmp_path / "bad.css").write_text("body { background: url('https://cdn.example/a.png') }")
    (tmp_path / "js.html").write_text('<script defer src="http://cdn.example/a.js"></script>')
    found = sorted(line.split(":")[0] for line in offline.remote_resources(tmp_path))
    assert found == ["bad.css", "bad.html", "js.html"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "offline_check.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "remote resource in bad.css" in done.stderr


QUERY_METHODS = (
    "nearest",
    "within",
    "in_region",
    "in_country",
    "crossings_between",
    "distance_km",
    "stale",
)


@pytest.mark.parametrize("name", QUERY_METHODS)
def test_an_atlas_query_method_documents_what_its_function_does(name: str) -> None:
    """The method is never thinner than the function: every parameter, result and error."""
    import inspect

    import geo

    method = getattr(geo.Atlas, name)
    doc = inspect.getdoc(method) or ""
    for section in ("Parameters", "Returns", "Raises", "See Also"):
        assert f"\n{section}\n{'-' * len(section)}\n" in doc, (name, section)
    parameters = doc.split("Parameters\n----------\n")[1].split("\n\n")[0]
    for parameter in inspect.signature(method).parameters:
        if parameter != "self":
            assert re.search(rf"^(\w+, )?{parameter}\b.* : ", parameters, re.M), (name, parameter)
    assert f"geo.query.{name} :" in doc
