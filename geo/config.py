"""The data folder's own settings: ``geo.toml``, beside the data files.

A data folder may hold a small TOML file that says how its outputs are made.
Every key is optional; a missing file means every default::

    [maps]
    # the languages of `geo build`: the first at the output's root, each other
    # in output/<lang>/ (default: ["en"]); one of geo.i18n.languages() each
    languages = ["en", "fr"]

The file is read strictly: an unknown table or key, a value of the wrong type,
a language geo does not speak or tables and arrays nested deeper than
:data:`MAX_DEPTH` is a :class:`geo.DataError` naming the file and the field,
with the closest valid name when there is one.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import DataError, Problem
from geo.fileio import excerpt, read_data_bytes
from geo.i18n import DEFAULT_LANGUAGE, languages
from geo.schema import did_you_mean

__all__ = ["CONFIG_FILE", "MAX_DEPTH", "Config", "config_problems", "read_config"]

#: The settings file of a data folder.
CONFIG_FILE = "geo.toml"

#: How deep tables and arrays may nest in the file (the settings need 2: a table of lists).
MAX_DEPTH = 16

#: Tables and keys the file may hold.
_KEYS: dict[str, tuple[str, ...]] = {"maps": ("languages",)}


@dataclass(frozen=True)
class Config:
    """The settings of a data folder (see the module's docstring).

    Attributes
    ----------
    languages : tuple of str
        The languages of ``geo build``, in order: the first at the output's root.
    path : Path or None
        The file they were read from; ``None`` when the folder has none.
    """

    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    path: Path | None = None


def read_config(data_dir: str | os.PathLike[str]) -> Config:
    """The settings of ``data_dir`` (defaults when it has no ``geo.toml``).

    Raises
    ------
    DataError
        Listing every problem of the file, when it has any.
    """
    config, problems = _read(Path(data_dir))
    if problems:
        raise DataError(problems)
    return config


def config_problems(data_dir: str | os.PathLike[str]) -> list[Problem]:
    """Every problem of ``data_dir``'s ``geo.toml`` (empty when it is fine or absent)."""
    return _read(Path(data_dir))[1]


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")


def _read(data_dir: Path) -> tuple[Config, list[Problem]]:
    path = data_dir / CONFIG_FILE
    if not (path.exists() or path.is_symlink()):
        return Config(), []
    try:
        text = read_data_bytes(path).decode("utf-8-sig")
    except DataError as err:
        return Config(), err.problems
    except UnicodeDecodeError as err:
        return Config(), [Problem(CONFIG_FILE, "(file)", "UTF-8 text", err.reason)]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return Config(), [_syntax_problem(text, str(err))]
    except ValueError as err:  # an integer of more digits than Python converts (4300)
        got = f"a number too long to read ({err})"
        return Config(), [Problem(CONFIG_FILE, "(toml)", "numbers of a few digits", got)]
    except RecursionError:  # arrays or inline tables nested deeper than the parser goes
        return Config(), [_too_deep()]
    if _depth(document) > MAX_DEPTH:  # deep dotted tables parse, but nothing may show them
        return Config(), [_too_deep()]
    problems: list[Problem] = []
    for table, value in document.items():
        if table not in _KEYS:
            problem = _unknown(table, value, list(_KEYS), "a table")
            home = [t for t, keys in _KEYS.items() if table in keys]
            if home:  # a key written above its table
                problem = Problem(
                    CONFIG_FILE, table, problem.expected, value, hint=f"put it under [{home[0]}]"
                )
            problems.append(problem)
        elif not isinstance(value, dict):
            problems.append(Problem(CONFIG_FILE, table, f"a table: [{table}]", value))
        else:
            problems += [
                _unknown(f"{table}.{key}", item, [f"{table}.{k}" for k in _KEYS[table]], "a key")
                for key, item in value.items()
                if key not in _KEYS[table]
            ]
    maps = document.get("maps")
    found = maps.get("languages") if isinstance(maps, dict) else None
    langs, more = _languages(found) if found is not None else ((DEFAULT_LANGUAGE,), [])
    return Config(langs, path), problems + more


def _depth(document: dict[str, Any]) -> int:
    """How deep tables and arrays nest in a parsed document (its top level is 1)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break  # deeper than allowed: no need to go on
        children = value.values() if isinstance(value, dict) else value
        stack += [(v, depth + 1) for v in children if isinstance(v, dict | list)]
    return deepest


def _too_deep() -> Problem:
    expected = f"tables and arrays nested at most {MAX_DEPTH} deep"
    return Problem(CONFIG_FILE, "(toml)", expected, f"nesting deeper than {MAX_DEPTH}")


def _languages(value: Any) -> tuple[tuple[str, ...], list[Problem]]:
    """``maps.languages``: a non-empty list of the languages geo speaks, each once."""
    field = "maps.languages"
    spoken = list(languages())
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        expected = f"a non-empty list of language codes, e.g. {spoken}"
        return (DEFAULT_LANGUAGE,), [Problem(CONFIG_FILE, field, expected, value)]
    problems = []
    for code in value:
        if code not in spoken:
            hint = did_you_mean(code, spoken, n=1)
            expected = f"one of {spoken} (the languages with a catalogue in geo/locale/)"
            problems.append(Problem(CONFIG_FILE, field, expected, code, hint=hint))
    repeated = sorted({v for v in value if value.count(v) > 1})
    if repeated:
        problems.append(Problem(CONFIG_FILE, field, "each language once", repeated))
    return (tuple(value) if not problems else (DEFAULT_LANGUAGE,)), problems


def _unknown(field: str, value: Any, choices: list[str], what: str) -> Problem:
    hint = did_you_mean(field, choices, n=1)
    return Problem(CONFIG_FILE, field, f"{what} among {choices}", value, hint=hint)


def _syntax_problem(text: str, message: str) -> Problem:
    """A TOML syntax error, with its line and column and the line shown when known."""
    match = _TOML_POSITION.search(message)
    if match is None:
        return Problem(CONFIG_FILE, "(toml)", "valid TOML", message)
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    position = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    return Problem(
        CONFIG_FILE,
        "(toml)",
        "valid TOML",
        message[: match.start()].strip(),
        line=line,
        column=column,
        excerpt=excerpt(text, min(position, len(text))),
    )
