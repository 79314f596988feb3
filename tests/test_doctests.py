"""The doctests of geo/ run with the suite, and skip cleanly without an optional extra."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_suite_collects_the_doctests_of_geo() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_config = config["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in pytest_config["addopts"].split()
    assert "geo" in pytest_config["testpaths"]


def _pytest_without(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a child process where ``import <module>`` fails as if it were not installed."""
    code = (
        f"import sys; sys.modules[{module!r}] = None; import pytest; "
        f"sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', *{list(args)!r}]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_a_doctest_whose_extra_is_missing_is_skipped_naming_the_extra() -> None:
    done = _pytest_without("segno", "geo/pdf", "geo/settings.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 3 skipped" in done.stdout
    assert "geo.pdf.document needs segno (pip install 'wco-atlas[print]')" in done.stdout


def test_a_missing_module_that_is_no_extra_still_fails_the_collection() -> None:
    done = _pytest_without("geo.fileio", "geo/settings.py", "geo/pdf")
    assert done.returncode != 0
    assert "ERROR geo/settings.py" in done.stdout
