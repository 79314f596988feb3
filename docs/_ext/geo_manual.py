"""Pages of the reference manual made from the code, so that they cannot drift from it.

Two Sphinx directives:

``.. geo-cli::``
    Every ``geo`` command, nested groups included, with the text its
    ``--help`` prints (run through click's test runner, in English, 80
    columns), under a heading per command.
``.. geo-settings::``
    Every setting of :mod:`geo.settings` (name, type, default, meaning), then
    the other environment variables geo reads.

The functions that write their reStructuredText (:func:`cli_rst`,
:func:`settings_rst`) are plain, for the tests (``tests/test_manual.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import click
from click.testing import CliRunner
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

#: Section underlines by depth (the page's title uses ``=``).
_UNDERLINES = "-~^"


def commands(
    group: click.Command | None = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """``(path, command)`` for ``geo`` and every command under it, in the order ``--help`` lists."""
    if group is None:
        from geo.cli import cli

        group = cli
    yield path, group
    if isinstance(group, click.Group):
        context = click.Context(group, info_name="geo")
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if command is not None and not command.hidden:
                yield from commands(command, (*path, name))


def help_text(path: tuple[str, ...]) -> str:
    """What ``geo <path> --help`` prints, in English, 80 columns wide."""
    from geo.cli import cli

    runner = CliRunner()
    env = {"LANGUAGE": "en", "LC_ALL": "", "LANG": "C.UTF-8", "COLUMNS": "80"}
    result = runner.invoke(cli, [*path, "--help"], prog_name="geo", env=env, terminal_width=80)
    if result.exit_code != 0:
        msg = f"geo {' '.join(path)} --help failed: {result.output}"
        raise RuntimeError(msg)
    return result.output


def cli_rst() -> list[str]:
    """The CLI reference: a section per command, its ``--help`` as a literal block."""
    lines: list[str] = []
    for path, _command in commands():
        title = " ".join(("geo", *path))
        depth = min(len(path), len(_UNDERLINES) - 1)
        lines += [title, _UNDERLINES[depth] * len(title), "", ".. code-block:: text", ""]
        lines += [f"   {line}".rstrip() for line in help_text(path).splitlines()]
        lines.append("")
    return lines


def _default(value: Any) -> str:
    return "unset" if value is None else f"``{value}``"


def settings_rst() -> list[str]:
    """The settings page: each :class:`geo.settings.Setting`, then the other variables."""
    from geo import settings

    lines: list[str] = []
    for setting in settings.SETTINGS:
        lines += [f"``{setting.name}``", "-" * (len(setting.name) + 4), ""]
        lines += [f":Type: {setting.type}", f":Default: {_default(setting.default)}", ""]
        lines += [*setting.doc.splitlines(), ""]
    title = "Other variables geo reads"
    lines += [title, "-" * len(title), ""]
    for names, doc in settings.OTHER_VARIABLES:
        lines += [", ".join(f"``{n.strip()}``" for n in names.split(",")), f"   {doc}", ""]
    return lines


class _Generated(SphinxDirective):
    """A directive whose content is reStructuredText made by a function."""

    has_content = False

    def lines(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        source = self.get_source_info()[0]
        content = StringList(self.lines(), source=source)
        container = nodes.section()
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


class CliDirective(_Generated):
    """``.. geo-cli::``: every command's ``--help``."""

    def lines(self) -> list[str]:
        return cli_rst()


class SettingsDirective(_Generated):
    """``.. geo-settings::``: every setting and environment variable."""

    def lines(self) -> list[str]:
        return settings_rst()


def setup(app: Any) -> dict[str, Any]:
    """Register the directives (Sphinx calls this for ``extensions = ["geo_manual"]``)."""
    os.environ.setdefault("LANGUAGE", "en")
    app.add_directive("geo-cli", CliDirective)
    app.add_directive("geo-settings", SettingsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
