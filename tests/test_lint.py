"""The code's own checks: ruff (lint and format), mypy (strict) and the import contracts.

They run as tests so that the README's one test command keeps the code to
the house style, typed, and free of import cycles (see ``[tool.importlinter]``
in pyproject.toml for the layers).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CODE = ["geo", "tests", "bench", "scripts", "docs", "conftest.py"]


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    result = run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    result = run(sys.executable, "-m", "mypy", "--no-incremental", "geo")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept() -> None:
    result = run(BIN / "lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("geo/query.py", "from geo.atlas import Atlas  # a cycle: atlas imports query\n"),
        ("geo/schema.py", "from geo.render import render_map  # upward: schema is a base\n"),
    ],
)
def test_import_contracts_catch_a_cycle_and_an_upward_import(
    tmp_path: Path, module: str, line: str
) -> None:
    """The contracts are not vacuous: one bad import in a copy of the package breaks them."""
    import shutil

    copy = tmp_path / "project"
    shutil.copytree(ROOT / "geo", copy / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / module
    text = target.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\nimport ")
    target.write_text(head + "\n" + line + sep + rest, encoding="utf-8")
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
